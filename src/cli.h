/*
 * cli: what every command's option parsing shares: the messages for a
 * bad option or argument, and -C.
 */
#ifndef CRIER_CLI_H
#define CRIER_CLI_H

/*
 * Reports getopt_long's answer ch (':' for a missing value, '?' for an
 * unknown option; the option string must start with ':') and the usage;
 * returns 2, the exit status of a usage error.
 */
int cli_bad_option(int ch, char **argv, const char *usage);

/* Reports an unexpected argument and the usage; returns 2. */
int cli_extra(const char *arg, const char *usage);

/* Changes to dir as git -C does (NULL: stays); 0, or -1 after saying why. */
int cli_chdir(const char *dir);

#endif

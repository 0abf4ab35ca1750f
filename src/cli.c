/*
 * cli: one wording of command-line mistakes for every command.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
cli_bad_option(int ch, char **argv, const char *usage)
{
	if (ch == ':')
		fprintf(stderr, "crier: %s needs a value\n", argv[optind - 1]);
	else if (optopt != 0)
		fprintf(stderr, "crier: unknown option -%c\n", optopt);
	else
		fprintf(stderr, "crier: unknown option %s\n", argv[optind - 1]);
	fputs(usage, stderr);
	return 2;
}

int
cli_extra(const char *arg, const char *usage)
{
	fprintf(stderr, "crier: unexpected argument \"%s\"\n", arg);
	fputs(usage, stderr);
	return 2;
}

int
cli_chdir(const char *dir)
{
	if (dir != NULL && chdir(dir) < 0) {
		fprintf(stderr, "%s: error: cannot change to this folder: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

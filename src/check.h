/*
 * check: `crier check`, which builds the site into a temporary folder
 * and checks the result as a reader's browser and feed reader would
 * meet it: links, assets and feeds.
 */
#ifndef CRIER_CHECK_H
#define CRIER_CHECK_H

/*
 * Runs `crier check` with its arguments (argv[0] is "check").  Returns
 * the exit status: 0 when the site is sound, 1 after reporting every
 * problem, 2 for a wrong command line.
 */
int check_main(int argc, char **argv);

#endif

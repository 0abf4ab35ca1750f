/*
 * serve: `crier serve`, a preview of the work tree on 127.0.0.1 that
 * rebuilds when a post, the theme or site.ini changes and reloads the
 * pages open in a browser.
 */
#ifndef CRIER_SERVE_H
#define CRIER_SERVE_H

/*
 * Runs `crier serve` with its arguments (argv[0] is "serve") until
 * SIGINT or SIGTERM.  Returns the exit status: 0, 1 after an error, 2
 * for a wrong command line.
 */
int serve_main(int argc, char **argv);

#endif

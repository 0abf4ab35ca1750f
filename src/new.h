/*
 * new: `crier new TITLE`, which writes a new post with its front matter
 * filled in, ready to be edited and committed.
 */
#ifndef CRIER_NEW_H
#define CRIER_NEW_H

/*
 * Runs `crier new` with its arguments (argv[0] is "new").  Returns the
 * exit status: 0, 1 after an error, 2 for a wrong command line.
 */
int new_main(int argc, char **argv);

#endif

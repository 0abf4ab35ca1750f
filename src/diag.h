/*
 * diag: diagnostics in the compiler's format, "path:line: error: message",
 * counted so that a build can report every error before it gives up.
 */
#ifndef CRIER_DIAG_H
#define CRIER_DIAG_H

#include "util.h"

struct buf;

struct diag {
	int errors;		/* errors reported so far */
	int warnings;		/* warnings reported so far */
	int quiet;		/* nonzero: warnings are counted but not printed */
	struct buf *capture;	/* if set, messages go here instead of stderr */
};

/* path may be NULL (no location); line 0 leaves the line out. */
void diag_error(struct diag *d, const char *path, long line, const char *fmt, ...)
    CRIER_PRINTF(4, 5);
void diag_warn(struct diag *d, const char *path, long line, const char *fmt, ...)
    CRIER_PRINTF(4, 5);

#endif

/*
 * tap: the Test Anything Protocol for the C tests.  Each check prints
 * "ok N - what" or "not ok N - what" with a detail line; the test's main
 * ends with tap_done().
 */
#ifndef CRIER_TAP_H
#define CRIER_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int tests, failed;

static inline void
result(int pass, const char *what, const char *detail)
{
	tests++;
	printf("%s %d - %s\n", pass ? "ok" : "not ok", tests, what);
	if (!pass) {
		failed++;
		if (detail)
			printf("# %s\n", detail);
	}
}

#define OK(cond, what) result((cond) != 0, what, #cond)

static inline void
INT_EQ(long got, long want, const char *what)
{
	char detail[128];

	snprintf(detail, sizeof(detail), "got %ld, want %ld", got, want);
	result(got == want, what, detail);
}

static inline void
STR_EQ(const char *got, const char *want, const char *what)
{
	char *detail = xasprintf("got \"%s\", want \"%s\"", got ? got : "(null)", want);

	result(got != NULL && strcmp(got, want) == 0, what, detail);
	free(detail);
}

#endif

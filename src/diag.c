/*
 * diag: all of crier's messages about its input go through here, so they
 * share one format that editors and CI logs can jump to.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

static void
report(const char *kind, const char *path, long line, const char *fmt, va_list ap)
{
	if (path != NULL && line > 0)
		fprintf(stderr, "%s:%ld: %s: ", path, line, kind);
	else if (path != NULL)
		fprintf(stderr, "%s: %s: ", path, kind);
	else
		fprintf(stderr, "crier: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
diag_error(struct diag *d, const char *path, long line, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	va_start(ap, fmt);
	report("error", path, line, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const char *path, long line, const char *fmt, ...)
{
	va_list ap;

	d->warnings++;
	if (d->quiet)
		return;
	va_start(ap, fmt);
	report("warning", path, line, fmt, ap);
	va_end(ap);
}

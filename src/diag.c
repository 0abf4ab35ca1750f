/*
 * diag: all of crier's messages about its input go through here, so they
 * share one format that editors and CI logs can jump to.  A diag may
 * capture its messages instead of printing them, so that threads can
 * report in the order of the files rather than the order of the clock.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

static void
report(struct diag *d, const char *kind, const char *path, long line, const char *fmt,
    va_list ap)
{
	struct buf b = BUF_INIT;
	char *msg;

	if (path != NULL && line > 0)
		buf_printf(&b, "%s:%ld: %s: ", path, line, kind);
	else if (path != NULL)
		buf_printf(&b, "%s: %s: ", path, kind);
	else
		buf_printf(&b, "crier: %s: ", kind);
	msg = xvasprintf(fmt, ap);
	buf_puts(&b, msg);
	free(msg);
	buf_putc(&b, '\n');
	if (d->capture != NULL)
		buf_put(d->capture, b.s, b.len);
	else
		fputs(b.s, stderr);
	buf_free(&b);
}

void
diag_error(struct diag *d, const char *path, long line, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	va_start(ap, fmt);
	report(d, "error", path, line, fmt, ap);
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
	report(d, "warning", path, line, fmt, ap);
	va_end(ap);
}

void
diag_merge(struct diag *to, struct diag *from)
{
	to->errors += from->errors;
	to->warnings += from->warnings;
	if (from->capture != NULL && from->capture->len > 0) {
		if (to->capture != NULL)
			buf_put(to->capture, from->capture->s, from->capture->len);
		else
			fputs(from->capture->s, stderr);
		buf_reset(from->capture);
	}
	from->errors = from->warnings = 0;
}

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

/*
 * Appends path with its control characters as \xHH, so that a hostile
 * file name cannot drive the terminal or the CI log.
 */
static void
put_path(struct buf *b, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
}

static void
report(struct diag *d, const char *kind, const char *path, long line, const char *fmt,
    va_list ap)
{
	struct buf b = BUF_INIT;
	char *msg;

	if (path != NULL) {
		put_path(&b, path);
		if (line > 0)
			buf_printf(&b, ":%ld", line);
		buf_printf(&b, ": %s: ", kind);
	} else
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


/*
 * buf: growable byte buffers.  Every page, feed and diagnostic is built in
 * one before it is written, so appends are kept cheap.
 */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
buf_reserve(struct buf *b, size_t more)
{
	if (b->len + more + 1 > b->cap)
		b->s = xgrow(b->s, &b->cap, b->len + more + 1, 1);
}

void
buf_put(struct buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_put(b, &c, 1);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf: invalid format");
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_put_hex64(struct buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char s[16];
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		s[i] = digits[v & 15];
	buf_put(b, s, sizeof(s));
}

void
buf_put_dec(struct buf *b, long long v)
{
	char s[24];
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
	int i = (int)sizeof(s);

	do
		s[--i] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		s[--i] = '-';
	buf_put(b, s + i, sizeof(s) - (size_t)i);
}

/*
 * What buf_put_html does with a byte: 0 keeps it, 1 drops it (a control
 * character other than tab and line ends), 2 to 6 replace it.
 */
static const unsigned char html_class[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x0b] = 1, [0x0c] = 1, [0x0e] = 1,
	[0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1,
	[0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, [0x7f] = 1,
	['&'] = 2, ['<'] = 3, ['>'] = 4, ['"'] = 5, ['\''] = 6,
};

void
buf_put_html(struct buf *b, const char *s, size_t n)
{
	static const char *const rep[] = { "", "", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	size_t i, start = 0;
	unsigned c;

	/* Most text has nothing to replace: one append. */
	buf_reserve(b, n);
	for (i = 0; i < n; i++) {
		if ((c = html_class[(unsigned char)s[i]]) == 0)
			continue;
		buf_put(b, s + start, i - start);
		buf_puts(b, rep[c]);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

char *
buf_detach(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *
buf_str(const struct buf *b)
{
	return b->s ? b->s : "";
}

int
buf_read_file(struct buf *b, const char *path)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(b, chunk, (size_t)n);
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

int
buf_save_file(const struct buf *b, const char *path)
{
	char *tmp = xasprintf("%s.tmp", path);
	const char *s = buf_str(b);
	size_t left = b->len;
	ssize_t n;
	int fd, err;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		goto fail;
	while (left > 0) {
		if ((n = write(fd, s, left)) < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			goto fail;
		}
		s += n;
		left -= (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	err = errno;
	unlink(tmp);
	free(tmp);
	errno = err;
	return -1;
}

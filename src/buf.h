/*
 * buf: a growable byte buffer, always NUL-terminated so that its contents
 * can be handed to C string functions.  The buffer owns its bytes.
 */
#ifndef CRIER_BUF_H
#define CRIER_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct buf {
	char *s;	/* the bytes, NUL-terminated; NULL before the first write */
	size_t len;	/* bytes used, not counting the NUL */
	size_t cap;	/* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

/* Makes room for more bytes, so that appending them does not reallocate. */
void buf_reserve(struct buf *b, size_t more);
void buf_put(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) CRIER_PRINTF(2, 3);
/* Append v as "%016" PRIx64 and as "%lld" would, without printf's cost, for records. */
void buf_put_hex64(struct buf *b, uint64_t v);
void buf_put_dec(struct buf *b, long long v);
/*
 * Appends s with & < > " ' escaped for HTML text and attributes, and
 * control characters other than tab and line ends dropped.
 */
void buf_put_html(struct buf *b, const char *s, size_t n);
/* Appends the contents of the file at path; 0, or -1 with errno set. */
int buf_read_file(struct buf *b, const char *path);
/*
 * Writes the contents to path whole or not at all: to path.tmp, then
 * renamed over path.  0, or -1 with errno set (path is left as it was).
 */
int buf_save_file(const struct buf *b, const char *path);
void buf_reset(struct buf *b);
/* Returns the contents (never NULL) and gives up ownership; b is empty. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);
/* The contents, "" when empty. */
const char *buf_str(const struct buf *b);

#endif

/*
 * loose: git's loose objects, read with libdeflate.
 *
 * A loose object is a zlib stream of "TYPE SIZE\0" and the bytes.  zlib
 * inflates it a window at a time; libdeflate inflates a whole buffer at
 * once, about twice as fast, but must be given room for all of it: the
 * size is only known once inflated, so a first guess of four times the
 * stream is grown until it fits.  libdeflate checks the stream's adler32,
 * and the header's size must match what came out.  Like libgit2 with
 * strict hash verification off, the bytes are not hashed again.
 *
 * A damaged loose object is an error, not left to libgit2: libgit2 1.5
 * loops for ever in inflate() on a file that is not a zlib stream, and
 * misreads others (tests/objects.t makes them).
 */
#include "loose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "util.h"

/* Objects that inflate past this, or whose stream is a sixteenth of it, are libgit2's. */
#define LOOSE_MAX ((size_t)256 << 20)

/*
 * The stream of the file at path, in *in.  Returns 1, 0 if there is no
 * such file (or it is too large or cannot be opened: libgit2 says why),
 * or -1 if it is not a file or cannot be read whole.
 */
static int
slurp(const char *path, unsigned char **in, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	/* Non-blocking: a FIFO put in the objects folder must not hang the build. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	if (!S_ISREG(st.st_mode) || (unsigned long long)st.st_size > LOOSE_MAX / 16) {
		close(fd);
		return S_ISREG(st.st_mode) ? 0 : -1;
	}
	*len = (size_t)st.st_size;
	*in = xmalloc(*len);
	while (got < *len && ((n = read(fd, *in + got, *len - got)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	close(fd);
	if (got != *len || got == 0) {
		free(*in);
		return -1;
	}
	return 1;
}

/* The length of a valid "TYPE SIZE\0" header of type at p (n bytes), or 0. */
static size_t
header(const char *p, size_t n, const char *type, size_t *size)
{
	size_t t = strlen(type), i = t + 1, v = 0;

	if (n <= i || memcmp(p, type, t) != 0 || p[t] != ' ')
		return 0;
	if (p[i] == '0' && i + 1 < n && p[i + 1] != '\0')
		return 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		if (v > (LOOSE_MAX - 9) / 10)
			return 0;
		v = v * 10 + (size_t)(p[i] - '0');
	}
	if (i == t + 1 || i >= n || p[i] != '\0')
		return 0;
	*size = v;
	return i + 1;
}

int
loose_read(const char *objdir, const unsigned char *id, const char *type, char **data,
    size_t *len)
{
	struct libdeflate_decompressor *z;
	enum libdeflate_result rc;
	unsigned char *in;
	char path[4096], *out = NULL;
	size_t inlen, cap, got = 0, hdr = 0, size = 0;
	int i, n, rc_in;

	if (objdir == NULL)
		return 0;
	n = snprintf(path, sizeof(path), "%s/%02x/", objdir, id[0]);
	if (n < 0 || (size_t)n + 39 > sizeof(path))
		return 0;
	for (i = 1; i < 20; i++)
		snprintf(path + n + 2 * (i - 1), 3, "%02x", id[i]);
	if ((rc_in = slurp(path, &in, &inlen)) <= 0)
		return rc_in;
	if ((z = libdeflate_alloc_decompressor()) == NULL)
		die("out of memory");
	for (cap = inlen * 4 + 64;; cap = cap > LOOSE_MAX / 4 ? LOOSE_MAX + 1 : cap * 4) {
		out = xrealloc(out, cap);
		rc = libdeflate_zlib_decompress(z, in, inlen, out, cap, &got);
		if (rc != LIBDEFLATE_INSUFFICIENT_SPACE || cap > LOOSE_MAX)
			break;
	}
	libdeflate_free_decompressor(z);
	free(in);
	if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
		free(out);
		return 0;
	}
	if (rc != LIBDEFLATE_SUCCESS || (hdr = header(out, got, type, &size)) == 0 ||
	    size != got - hdr) {
		free(out);
		return -1;
	}
	memmove(out, out + hdr, size);
	out = xrealloc(out, size + 1);
	out[size] = '\0';
	*data = out;
	*len = size;
	return 1;
}

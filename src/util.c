/*
 * util: allocators that end the program when memory runs out, so that call
 * sites stay free of checks that could only ever print the same message.
 */
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("crier: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* Called through a volatile pointer, so that no compiler makes malloc and memset calloc again. */
static void *(*volatile zero_fill)(void *, int, size_t) = memset;

void *
xzalloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		die("out of memory");
	p = xmalloc(n * size);
	zero_fill(p, 0, n * size);
	return p;
}

/* One part of run_parts. */
struct part {
	void (*fn)(void *, size_t, size_t, size_t);
	void *arg;
	size_t part, from, to;
	pthread_t thread;
	int started;
};

static void *
run_part(void *arg)
{
	struct part *p = arg;

	p->fn(p->arg, p->part, p->from, p->to);
	return NULL;
}

void
run_parts(void (*fn)(void *arg, size_t part, size_t from, size_t to), void *arg, size_t n,
    size_t parts)
{
	struct part *ps;
	size_t i, per;

	if (parts < 2) {
		fn(arg, 0, 0, n);
		return;
	}
	ps = xcalloc(parts, sizeof(*ps));
	per = (n + parts - 1) / parts;
	for (i = 0; i < parts; i++) {
		ps[i] = (struct part){ fn, arg, i, i * per < n ? i * per : n,
		    (i + 1) * per < n ? (i + 1) * per : n, 0, 0 };
		if (i > 0)
			ps[i].started = pthread_create(&ps[i].thread, NULL, run_part, &ps[i]) == 0;
	}
	run_part(&ps[0]);
	for (i = 1; i < parts; i++) {
		if (ps[i].started)
			pthread_join(ps[i].thread, NULL);
		else
			run_part(&ps[i]);
	}
	free(ps);
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xgrow(void *p, size_t *cap, size_t need, size_t sz)
{
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die("out of memory");
		n *= 2;
	}
	if (n > SIZE_MAX / sz)
		die("out of memory");
	*cap = n;
	return xrealloc(p, n * sz);
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	char *p;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		die("vsnprintf: invalid format");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int
str_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void
xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

int
utf8_check(const char *str, size_t n, size_t *offset, long *line)
{
	const unsigned char *s = (const unsigned char *)str;
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0, len, k;
	unsigned long cp, min;
	uint64_t w;
	long ln = 1;
	const char *nl;

	while (i < n) {
		/* Eight bytes of ASCII without a NUL at a time: most of a post. */
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if (((w | ~((w | highs) - ones)) & highs) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			if (s[i] == '\0')
				goto bad;
			i++;
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0) {
			len = 2, cp = s[i] & 0x1F, min = 0x80;
		} else if ((s[i] & 0xF0) == 0xE0) {
			len = 3, cp = s[i] & 0x0F, min = 0x800;
		} else if ((s[i] & 0xF8) == 0xF0) {
			len = 4, cp = s[i] & 0x07, min = 0x10000;
		} else
			goto bad;
		if (len > n - i)
			goto bad;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* Overlong forms, surrogates and code points past Unicode's end. */
		if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			goto bad;
		i += len;
	}
	return 0;
bad:
	/* Lines are counted only for the message. */
	for (k = 0; (nl = memchr(str + k, '\n', i - k)) != NULL; k = (size_t)(nl - str) + 1)
		ln++;
	*offset = i;
	*line = ln;
	return -1;
}

/*
 * Makes dir and its parents; 0 or -1 with errno.  The folder itself is
 * tried first: its parent mostly exists already, and a page costs one
 * mkdir instead of one per level.
 */
int
make_dirs(char *dir)
{
	char *s;

	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	if ((s = strrchr(dir, '/')) != NULL && s != dir) {
		*s = '\0';
		if (make_dirs(dir) < 0) {
			*s = '/';
			return -1;
		}
		*s = '/';
		if (mkdir(dir, 0777) == 0 || errno == EEXIST)
			return 0;
	}
	/* No parent to make, or it cannot be: the last mkdir's errno stands. */
	return -1;
}

int
make_dirs_below(char *dir, size_t known)
{
	char *s;

	for (s = strchr(dir + known + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return mkdir(dir, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

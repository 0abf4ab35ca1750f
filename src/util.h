/*
 * util: allocation that cannot fail (out of memory ends the program) and
 * small string helpers shared by every module.
 */
#ifndef CRIER_UTIL_H
#define CRIER_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define CRIER_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CRIER_NORETURN __attribute__((noreturn))
#else
#define CRIER_PRINTF(a, b)
#define CRIER_NORETURN
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
/*
 * n zeroed objects of size bytes, zeroed by writing them.  For tables
 * that are read before they are written (hash tables): calloc's fresh
 * pages read first are the kernel's shared zero page, and each first
 * write to one is then a copy-on-write fault which, while other threads
 * run, interrupts every other CPU to flush its TLB.
 */
void *xzalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of *cap elements of size sz so that it holds need. */
void *xgrow(void *p, size_t *cap, size_t need, size_t sz);
/*
 * Splits 0..n into parts runs of equal size and calls fn(arg, part, from,
 * to) for each: part 0 on this thread, each other on a thread of its own
 * (or on this one, if a thread cannot be made).  Returns when all are done.
 */
void run_parts(void (*fn)(void *arg, size_t part, size_t from, size_t to), void *arg, size_t n,
    size_t parts);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees. */
char *xasprintf(const char *fmt, ...) CRIER_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) CRIER_PRINTF(1, 0);

/*
 * Makes folder dir and its parents (dir is changed while this runs, then
 * restored).  Returns 0, or -1 with errno set.
 */
int make_dirs(char *dir);
/*
 * Makes dir and the folders between it and its first known bytes, which
 * name a folder that is there (dir[known] is a '/'): top down, so that no
 * mkdir fails for want of a parent.  0 or -1 with errno.
 */
int make_dirs_below(char *dir, size_t known);

/* Prints "crier: message" to stderr and exits with status 1. */
CRIER_NORETURN void die(const char *fmt, ...) CRIER_PRINTF(1, 2);

/* qsort, for which an empty array may be NULL (qsort's may not). */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/*
 * Checks that n bytes of s are UTF-8 without NUL bytes.  Returns 0, or -1
 * with the offset of the first bad byte and its line (from 1) set.
 */
int utf8_check(const char *s, size_t n, size_t *offset, long *line);

/* 1 if s starts with prefix. */
int str_prefix(const char *s, const char *prefix);
/* 1 if s ends with suffix. */
int str_suffix(const char *s, const char *suffix);

#endif

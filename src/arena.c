/*
 * arena: a list of chunks; large requests get a chunk of their own so the
 * waste at the end of a chunk stays small.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)
#define ALIGN alignof(max_align_t)

struct chunk {
	struct chunk *next;	/* the chunk allocated before this one */
	size_t used;		/* bytes handed out from data */
	size_t size;		/* bytes in data */
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk *head;	/* the chunk allocations come from */
	size_t used;		/* bytes handed out */
};

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t size;
	void *p;

	n = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (c == NULL || c->size - c->used < n) {
		size = n > CHUNK / 4 ? n : CHUNK;
		c = xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		if (size == n && a->head != NULL) {
			/* Keep filling the current chunk after a big one. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += n;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_cat(struct arena *a, const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);
	char *p = arena_alloc(a, n + m + 1);

	memcpy(p, s, n);
	memcpy(p + n, t, m + 1);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf: invalid format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

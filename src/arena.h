/*
 * arena: bump allocation for everything that lives as long as one build
 * (template values, strings built for pages).  Freed all at once, so
 * values may share subtrees without anyone counting references.
 */
#ifndef CRIER_ARENA_H
#define CRIER_ARENA_H

#include <stddef.h>

#include "util.h"

struct arena;

struct arena *arena_new(void);
/* Frees every allocation of the arena; arena_free(NULL) does nothing. */
void arena_free(struct arena *a);
/* Bytes handed out so far. */
size_t arena_used(const struct arena *a);
/* n bytes aligned for any type, zeroed. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) CRIER_PRINTF(2, 3);
/* s and t, one after the other: arena_printf's "%s%s" without its two passes of vsnprintf. */
char *arena_cat(struct arena *a, const char *s, const char *t);

#endif

/*
 * tmpl: crier's Mustache engine (spec v1.3 with inheritance).
 *
 * Templates are parsed once into a set and rendered many times.  The
 * engine knows nothing of posts or pages: it sees the data only through
 * struct tmpl_data, whose callbacks look up names and walk lists of
 * values that are opaque to it.
 */
#ifndef CRIER_TMPL_H
#define CRIER_TMPL_H

#include <stddef.h>

#include "buf.h"

/* What a value is, as far as Mustache cares. */
enum tmpl_kind {
	TMPL_NULL,	/* missing or null: falsy, interpolates as "" */
	TMPL_FALSE,	/* false: falsy */
	TMPL_TRUE,	/* true: truthy, a section renders once */
	TMPL_STRING,	/* text or number: truthy (even ""), interpolated */
	TMPL_LIST,	/* a section renders once per item; empty is falsy */
	TMPL_MAP	/* a section renders once with the map pushed */
};

/*
 * The caller's view of its data.  Values are opaque pointers; NULL is a
 * missing value.  None of the callbacks may fail.
 */
struct tmpl_data {
	void *ud;	/* handed back to every callback */
	/* The kind of v (TMPL_NULL for v == NULL). */
	enum tmpl_kind (*kind)(void *ud, const void *v);
	/* The member key (keylen bytes, not NUL-terminated) of a map, or NULL. */
	const void *(*get)(void *ud, const void *map, const char *key, size_t keylen);
	/* Number of items of a list. */
	size_t (*len)(void *ud, const void *list);
	/* Item i of a list. */
	const void *(*at)(void *ud, const void *list, size_t i);
	/* The text of a TMPL_STRING or TMPL_TRUE/FALSE value; borrowed. */
	void (*text)(void *ud, const void *v, const char **s, size_t *n);
};

struct tmpl_set;

/* A new, empty set of named templates; the caller frees it. */
struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);

/*
 * Parses src (len bytes) and adds it to the set under name, replacing any
 * template of that name.  path names the template in errors.  Returns 0,
 * or -1 after printing "path:line: error: message" to stderr.
 */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *path,
    const char *src, size_t len);

/*
 * Bounds what one render may do: bytes written and nodes visited (by
 * default 64 MiB and 16 Mi nodes).  Past either, tmpl_render stops.
 */
void tmpl_set_limits(struct tmpl_set *set, size_t max_out, size_t max_steps);

/* 1 if the set holds a template called name. */
int tmpl_set_has(const struct tmpl_set *set, const char *name);

/*
 * Renders the template called name with root as the bottom of the
 * context stack, appending to out.  A missing partial renders as "", as
 * the spec says.  Returns 0, -1 if name is not in the set, or -2 if the
 * render went past the set's limits (a partial that includes itself),
 * with out as it was.  The set is only read, so several threads may render from one
 * set at once.
 */
int tmpl_render(const struct tmpl_set *set, const char *name,
    const struct tmpl_data *data, const void *root, struct buf *out);

#endif

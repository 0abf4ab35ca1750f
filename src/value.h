/*
 * value: a small tree of nulls, booleans, strings, lists and maps,
 * allocated in an arena.  Front matter is read into it, and the pages'
 * template data is built from it; tmpl sees it through value_tmpl_data.
 */
#ifndef CRIER_VALUE_H
#define CRIER_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "tmpl.h"

enum value_type {
	VALUE_NULL,
	VALUE_BOOL,
	VALUE_STR,
	VALUE_LIST,
	VALUE_MAP
};

struct value {
	enum value_type type;	/* what the rest holds */
	int line;		/* source line it came from, 0 if built */
	int b;			/* VALUE_BOOL */
	const char *s;		/* VALUE_STR: NUL-terminated */
	size_t len;		/* VALUE_STR: bytes; LIST, MAP: items */
	size_t cap;		/* LIST, MAP: items allocated */
	const char **keys;	/* VALUE_MAP: keys, parallel to items */
	struct value **items;	/* LIST, MAP: the members */
};

struct value *value_null(struct arena *a);
struct value *value_bool(struct arena *a, int b);
/* A string value that borrows s: s must outlive the arena's use. */
struct value *value_str(struct arena *a, const char *s);
/* A string value holding a copy of n bytes of s. */
struct value *value_strn(struct arena *a, const char *s, size_t n);
struct value *value_list(struct arena *a);
struct value *value_map(struct arena *a);
/* A map with room for cap keys before it grows (a map grown by doubling leaves its old arrays in the arena). */
struct value *value_map_sized(struct arena *a, size_t cap);
void value_push(struct arena *a, struct value *list, struct value *v);
/* Sets key (borrowed) in map; a later set of the same key wins. */
void value_set(struct arena *a, struct value *map, const char *key, struct value *v);
/* The member key of map, or NULL. */
struct value *value_get(const struct value *map, const char *key);

/*
 * Continues the 64-bit hash h over the whole tree v (types, keys,
 * strings, order), so that two trees a template cannot tell apart hash
 * alike.  NULL hashes as a value of its own.
 */
uint64_t value_hash(uint64_t h, const struct value *v);

/* The callbacks that let tmpl render struct value trees. */
extern const struct tmpl_data value_tmpl_data;

#endif

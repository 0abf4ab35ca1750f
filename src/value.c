/*
 * value: the data model the templates see.  Maps are small (a post has a
 * dozen keys) so lookups are linear and keep insertion order.
 */
#include "value.h"

#include <string.h>

#include "state.h"

static struct value *
make(struct arena *a, enum value_type type)
{
	struct value *v = arena_alloc(a, sizeof(*v));

	v->type = type;
	return v;
}

struct value *
value_null(struct arena *a)
{
	return make(a, VALUE_NULL);
}

struct value *
value_bool(struct arena *a, int b)
{
	struct value *v = make(a, VALUE_BOOL);

	v->b = b != 0;
	return v;
}

struct value *
value_str(struct arena *a, const char *s)
{
	struct value *v = make(a, VALUE_STR);

	v->s = s;
	v->len = strlen(s);
	return v;
}

struct value *
value_strn(struct arena *a, const char *s, size_t n)
{
	struct value *v = make(a, VALUE_STR);

	v->s = arena_strndup(a, s, n);
	v->len = n;
	return v;
}

struct value *
value_list(struct arena *a)
{
	return make(a, VALUE_LIST);
}

struct value *
value_map(struct arena *a)
{
	return make(a, VALUE_MAP);
}

struct value *
value_map_sized(struct arena *a, size_t cap)
{
	struct value *v = make(a, VALUE_MAP);

	v->cap = cap;
	v->items = arena_alloc(a, cap * sizeof(*v->items));
	v->keys = arena_alloc(a, cap * sizeof(*v->keys));
	return v;
}

static void
grow(struct arena *a, struct value *v)
{
	size_t cap = v->cap ? v->cap * 2 : 4;
	struct value **items;
	const char **keys;

	if (v->len < v->cap)
		return;
	items = arena_alloc(a, cap * sizeof(*items));
	if (v->len)
		memcpy(items, v->items, v->len * sizeof(*items));
	v->items = items;
	if (v->type == VALUE_MAP) {
		keys = arena_alloc(a, cap * sizeof(*keys));
		if (v->len)
			memcpy(keys, v->keys, v->len * sizeof(*keys));
		v->keys = keys;
	}
	v->cap = cap;
}

void
value_push(struct arena *a, struct value *list, struct value *v)
{
	grow(a, list);
	list->items[list->len++] = v;
}

void
value_set(struct arena *a, struct value *map, const char *key, struct value *v)
{
	size_t i;

	for (i = 0; i < map->len; i++)
		if (strcmp(map->keys[i], key) == 0) {
			map->items[i] = v;
			return;
		}
	grow(a, map);
	map->keys[map->len] = key;
	map->items[map->len++] = v;
}

struct value *
value_get(const struct value *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != VALUE_MAP)
		return NULL;
	for (i = 0; i < map->len; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

static enum tmpl_kind
vkind(void *ud, const void *p)
{
	const struct value *v = p;

	(void)ud;
	if (v == NULL)
		return TMPL_NULL;
	switch (v->type) {
	case VALUE_BOOL:
		return v->b ? TMPL_TRUE : TMPL_FALSE;
	case VALUE_STR:
		/* "" is falsy, as in most Mustache engines, so that
		 * {{#site.description}} leaves out an empty tag. */
		return v->len ? TMPL_STRING : TMPL_NULL;
	case VALUE_LIST:
		return TMPL_LIST;
	case VALUE_MAP:
		return TMPL_MAP;
	default:
		return TMPL_NULL;
	}
}

static const void *
vget(void *ud, const void *p, const char *key, size_t keylen)
{
	const struct value *v = p;
	size_t i;

	(void)ud;
	if (v == NULL || v->type != VALUE_MAP)
		return NULL;
	/* Templates look names up all the time: the first byte rules most keys out. */
	for (i = 0; i < v->len; i++)
		if (v->keys[i][0] == key[0] && strncmp(v->keys[i], key, keylen) == 0 &&
		    v->keys[i][keylen] == '\0')
			return v->items[i];
	return NULL;
}

static size_t
vlen(void *ud, const void *p)
{
	const struct value *v = p;

	(void)ud;
	return v != NULL && v->type == VALUE_LIST ? v->len : 0;
}

static const void *
vat(void *ud, const void *p, size_t i)
{
	const struct value *v = p;

	(void)ud;
	return v->items[i];
}

static void
vtext(void *ud, const void *p, const char **s, size_t *n)
{
	const struct value *v = p;

	(void)ud;
	if (v != NULL && v->type == VALUE_STR) {
		*s = v->s;
		*n = v->len;
	} else if (v != NULL && v->type == VALUE_BOOL) {
		*s = v->b ? "true" : "false";
		*n = strlen(*s);
	} else {
		*s = "";
		*n = 0;
	}
}

uint64_t
value_hash(uint64_t h, const struct value *v)
{
	unsigned char tag;
	size_t i;

	if (v == NULL)
		return state_hash(h, "\xff", 1);
	tag = (unsigned char)v->type;
	h = state_hash(h, &tag, 1);
	switch (v->type) {
	case VALUE_BOOL:
		return state_hash(h, v->b ? "1" : "0", 1);
	case VALUE_STR:
		h = state_hash(h, &v->len, sizeof(v->len));
		return state_hash(h, v->s, v->len);
	case VALUE_LIST:
	case VALUE_MAP:
		h = state_hash(h, &v->len, sizeof(v->len));
		for (i = 0; i < v->len; i++) {
			if (v->type == VALUE_MAP)
				h = state_hash(h, v->keys[i], strlen(v->keys[i]) + 1);
			h = value_hash(h, v->items[i]);
		}
		return h;
	default:
		return h;
	}
}

const struct tmpl_data value_tmpl_data = {
	NULL, vkind, vget, vlen, vat, vtext
};

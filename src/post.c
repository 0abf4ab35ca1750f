/*
 * post: front matter.  libyaml's events are built into a struct value
 * tree (with line numbers, for errors), then the keys crier knows are
 * checked and copied out.  Aliases are refused and depth and size are
 * bounded, so hostile YAML costs a bounded amount of work.
 */
#include "post.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "date.h"
#include "slug.h"

#define MAX_DEPTH 32
#define MAX_NODES 10000
#define MAX_FRONT_MATTER (1024 * 1024)

struct loader {
	yaml_parser_t parser;
	struct arena *a;
	const char *path;
	struct diag *d;
	int first_line;		/* file line of the first YAML line */
	int nodes;		/* nodes built so far */
};

static int
yaml_line(const struct loader *l, const yaml_mark_t *m)
{
	return l->first_line + (int)m->line;
}

static void
yaml_fail(struct loader *l)
{
	const yaml_parser_t *p = &l->parser;

	diag_error(l->d, l->path, yaml_line(l, &p->problem_mark),
	    "front matter is not valid YAML: %s%s%s",
	    p->problem ? p->problem : "syntax error",
	    p->context ? " " : "", p->context ? p->context : "");
}

static struct value *
scalar(struct loader *l, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	struct value *v;

	if (ev->data.scalar.plain_implicit && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		/* YAML 1.1's booleans and nulls, as Jekyll's Ruby reads them. */
		if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
			v = value_bool(l->a, 1);
		else if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
			v = value_bool(l->a, 0);
		else if (n == 0 || !strcmp(s, "~") || !strcasecmp(s, "null"))
			v = value_null(l->a);
		else
			v = value_strn(l->a, s, n);
	} else
		v = value_strn(l->a, s, n);
	v->line = yaml_line(l, &ev->start_mark);
	return v;
}

/* Builds the node whose first event is ev; NULL after an error. */
static struct value *
load_node(struct loader *l, yaml_event_t *ev, int depth)
{
	struct value *v = NULL, *item, *key;
	yaml_event_t next;
	int line = yaml_line(l, &ev->start_mark);

	if (++l->nodes > MAX_NODES) {
		diag_error(l->d, l->path, line, "front matter has more than %d values", MAX_NODES);
		return NULL;
	}
	if (depth > MAX_DEPTH) {
		diag_error(l->d, l->path, line, "front matter is nested more than %d deep", MAX_DEPTH);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return scalar(l, ev);
	case YAML_ALIAS_EVENT:
		diag_error(l->d, l->path, line, "YAML aliases (*%s) are not supported in front matter",
		    (const char *)ev->data.alias.anchor);
		return NULL;
	case YAML_SEQUENCE_START_EVENT:
		v = value_list(l->a);
		v->line = line;
		for (;;) {
			if (!yaml_parser_parse(&l->parser, &next)) {
				yaml_fail(l);
				return NULL;
			}
			if (next.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&next);
				return v;
			}
			item = load_node(l, &next, depth + 1);
			yaml_event_delete(&next);
			if (item == NULL)
				return NULL;
			if (item->type == VALUE_STR && memchr(item->s, '\0', item->len) != NULL) {
				diag_error(l->d, l->path, item->line, "a list item holds a NUL character");
				return NULL;
			}
			value_push(l->a, v, item);
		}
	case YAML_MAPPING_START_EVENT:
		v = value_map(l->a);
		v->line = line;
		for (;;) {
			if (!yaml_parser_parse(&l->parser, &next)) {
				yaml_fail(l);
				return NULL;
			}
			if (next.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&next);
				return v;
			}
			key = load_node(l, &next, depth + 1);
			yaml_event_delete(&next);
			if (key == NULL)
				return NULL;
			if (key->type != VALUE_STR || memchr(key->s, '\0', key->len) != NULL) {
				diag_error(l->d, l->path, key->line, "front matter keys must be text");
				return NULL;
			}
			if (value_get(v, key->s) != NULL)
				diag_warn(l->d, l->path, key->line,
				    "key \"%s\" given twice; the last one is used", key->s);
			if (!yaml_parser_parse(&l->parser, &next)) {
				yaml_fail(l);
				return NULL;
			}
			item = load_node(l, &next, depth + 1);
			yaml_event_delete(&next);
			if (item == NULL)
				return NULL;
			/* "\0" is a YAML escape; C strings would end there. */
			if (item->type == VALUE_STR && memchr(item->s, '\0', item->len) != NULL) {
				diag_error(l->d, l->path, item->line, "%s holds a NUL character", key->s);
				return NULL;
			}
			value_set(l->a, v, key->s, item);
		}
	default:
		diag_error(l->d, l->path, line, "unexpected YAML event");
		return NULL;
	}
}

/*
 * Reads the YAML of text (len bytes) into a value; returns NULL after an
 * error.  An empty document is an empty map.
 */
static struct value *
load_yaml(const char *path, const char *text, size_t len, int first_line,
    struct arena *a, struct diag *d)
{
	struct loader l;
	struct value *root = NULL;
	yaml_event_t ev;
	int done = 0;

	memset(&l, 0, sizeof(l));
	l.a = a;
	l.path = path;
	l.d = d;
	l.first_line = first_line;
	if (!yaml_parser_initialize(&l.parser))
		die("out of memory");
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&l.parser, &ev)) {
			yaml_fail(&l);
			root = NULL;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		default:
			root = load_node(&l, &ev, 0);
			if (root == NULL)
				done = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&l.parser);
	if (root == NULL && d->errors == 0)
		root = value_map(a);
	if (root != NULL && root->type == VALUE_NULL)
		root = value_map(a);
	if (root != NULL && root->type != VALUE_MAP) {
		diag_error(d, path, root->line, "front matter must be a mapping of keys to values");
		return NULL;
	}
	return root;
}

/* Finds the line that is exactly "---" or "..." (CR allowed) at or after off. */
static size_t
find_fence(const char *text, size_t len, size_t off, int *line, size_t *after)
{
	size_t i = off, end, n;

	while (i < len) {
		end = i;
		while (end < len && text[end] != '\n')
			end++;
		n = end - i;
		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		while (n > 3 && (text[i + n - 1] == ' ' || text[i + n - 1] == '\t'))
			n--;
		if (n == 3 && (!memcmp(text + i, "---", 3) || !memcmp(text + i, "...", 3))) {
			*after = end < len ? end + 1 : end;
			return i;
		}
		(*line)++;
		i = end + 1;
	}
	return (size_t)-1;
}

static const char *
type_name(const struct value *v)
{
	switch (v->type) {
	case VALUE_NULL: return "empty";
	case VALUE_BOOL: return "a true/false value";
	case VALUE_STR: return "text";
	case VALUE_LIST: return "a list";
	default: return "a mapping";
	}
}

/* The text of key, or NULL if absent or null; an error if not text. */
static const char *
get_text(const struct value *fm, const char *key, const char *path, struct diag *d, int *bad)
{
	const struct value *v = value_get(fm, key);

	if (v == NULL || v->type == VALUE_NULL)
		return NULL;
	if (v->type != VALUE_STR) {
		diag_error(d, path, v->line, "%s must be text, not %s", key, type_name(v));
		(*bad)++;
		return NULL;
	}
	return v->s;
}

static int
get_bool(const struct value *fm, const char *key, int dflt, const char *path,
    struct diag *d, int *bad)
{
	const struct value *v = value_get(fm, key);

	if (v == NULL || v->type == VALUE_NULL)
		return dflt;
	if (v->type != VALUE_BOOL) {
		diag_error(d, path, v->line, "%s must be true or false, not %s", key, type_name(v));
		(*bad)++;
		return dflt;
	}
	return v->b;
}

static int
get_date(const struct value *fm, const char *key, time_t *t, long *off, const char *path,
    struct diag *d, int *bad)
{
	const char *s = get_text(fm, key, path, d, bad);

	if (s == NULL)
		return 0;
	if (date_parse_offset(s, t, off) < 0) {
		diag_error(d, path, value_get(fm, key)->line,
		    "%s \"%s\" is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+-HHMM] or RFC 3339)",
		    key, s);
		(*bad)++;
		return 0;
	}
	return 1;
}

static void
add_cat(struct post *p, const char *s, size_t n, int line)
{
	size_t i;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	for (i = 0; i < p->ncats; i++)
		if (strlen(p->cats[i]) == n && !memcmp(p->cats[i], s, n))
			return;
	p->cats = xrealloc(p->cats, (p->ncats + 1) * sizeof(*p->cats));
	p->cat_lines = xrealloc(p->cat_lines, (p->ncats + 1) * sizeof(*p->cat_lines));
	p->cat_lines[p->ncats] = line;
	p->cats[p->ncats++] = xstrndup(s, n);
}

static void
get_cats(struct post *p, const struct value *fm, const char *key, int split, struct diag *d,
    int *bad)
{
	const struct value *v = value_get(fm, key);
	const char *s, *e;
	size_t i;

	if (v == NULL || v->type == VALUE_NULL)
		return;
	if (v->type == VALUE_STR && !split) {
		add_cat(p, v->s, v->len, v->line);
		return;
	}
	if (v->type == VALUE_STR) {
		/* A string is split on white space, as Jekyll does. */
		for (s = v->s; *s; s = e) {
			s += strspn(s, " \t");
			e = s + strcspn(s, " \t");
			add_cat(p, s, (size_t)(e - s), v->line);
		}
		return;
	}
	if (v->type != VALUE_LIST) {
		diag_error(d, p->path, v->line, "%s must be a list or text, not %s", key, type_name(v));
		(*bad)++;
		return;
	}
	for (i = 0; i < v->len; i++) {
		if (v->items[i]->type != VALUE_STR) {
			diag_error(d, p->path, v->items[i]->line,
			    "%s: each category must be text, not %s", key, type_name(v->items[i]));
			(*bad)++;
			continue;
		}
		add_cat(p, v->items[i]->s, v->items[i]->len, v->items[i]->line);
	}
}

static const char *const status_names[] = {
	NULL, "scheduled", "in-progress", "resolved", "completed"
};

/* window: {start, end}, status: and resolved: of an alert. */
static void
get_alert(struct post *p, const struct value *fm, struct diag *d, int *bad)
{
	const struct value *w = value_get(fm, "window"), *v;
	const char *s;
	long off;
	int n = 0, e = *bad;
	size_t i;

	if (w != NULL && w->type != VALUE_NULL) {
		if (w->type != VALUE_MAP) {
			diag_error(d, p->path, w->line, "window must be a mapping with start: and end:, not %s",
			    type_name(w));
			(*bad)++;
		} else {
			n += get_date(w, "start", &p->win_start, &off, p->path, d, bad);
			n += get_date(w, "end", &p->win_end, &off, p->path, d, bad);
			if (*bad == e && n < 2) {
				diag_error(d, p->path, w->line, "window needs both start: and end: dates");
				(*bad)++;
			} else if (*bad == e && p->win_end < p->win_start) {
				diag_error(d, p->path, value_get(w, "end")->line,
				    "window ends before it starts");
				(*bad)++;
			} else if (*bad == e)
				p->has_window = 1;
		}
	}
	if ((s = get_text(fm, "status", p->path, d, bad)) != NULL) {
		for (i = 1; i < NELEM(status_names) - 1; i++)
			if (!strcmp(s, status_names[i]))
				p->status = (enum post_status)i;
		if (p->status == STATUS_NONE) {
			v = value_get(fm, "status");
			diag_error(d, p->path, v->line,
			    "status \"%s\" is not one of scheduled, in-progress, resolved", s);
			(*bad)++;
		}
	}
	if (get_date(fm, "resolved", &p->resolved, &off, p->path, d, bad) && p->status == STATUS_NONE)
		p->status = STATUS_RESOLVED;
}

enum post_status
post_status(const struct post *p, time_t now)
{
	if (p->status == STATUS_RESOLVED || p->status == STATUS_IN_PROGRESS || !p->has_window)
		return p->status;
	if (now >= p->win_end)
		return STATUS_COMPLETED;
	return now >= p->win_start ? STATUS_IN_PROGRESS : STATUS_SCHEDULED;
}

const char *
post_status_name(enum post_status s)
{
	return status_names[s];
}

const char *
post_status_label(enum post_status s)
{
	static const char *const labels[] = {
		NULL, "Scheduled", "In progress", "Resolved", "Completed"
	};

	return labels[s];
}

int
post_parse(struct post *p, const char *path, const char *text, size_t len,
    const struct config *c, struct arena *a, struct diag *d)
{
	const struct value *fm, *v;
	const char *s, *base, *dot;
	size_t off = 0, yaml_end, after;
	int line = 1, bad = 0, errors = d->errors;
	long upd_off;
	char *slug;

	p->path = xstrdup(path);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		off = 3;
	if (find_fence(text, len, off, &line, &after) != off) {
		diag_error(d, path, 1, "no front matter: a post starts with a \"---\" line, then \"title: ...\"");
		return -1;
	}
	off = after;
	line = 2;
	yaml_end = find_fence(text, len, off, &line, &after);
	if (yaml_end == (size_t)-1) {
		diag_error(d, path, 1, "front matter is not closed by a \"---\" line");
		return -1;
	}
	p->body = after;
	p->body_line = line + 1;
	/* Front matter is a title and a few words; each is copied into many pages. */
	if (yaml_end - off > MAX_FRONT_MATTER) {
		diag_error(d, path, 1, "front matter is larger than 1 MiB");
		return -1;
	}
	fm = load_yaml(path, text + off, yaml_end - off, 2, a, d);
	if (fm == NULL)
		return -1;
	p->meta = (struct value *)fm;

	v = value_get(fm, "title");
	s = get_text(fm, "title", path, d, &bad);
	if (s != NULL && *s != '\0')
		p->title = xstrdup(s);
	else if (v == NULL || v->type == VALUE_NULL || v->type == VALUE_STR) {
		diag_error(d, path, v ? v->line : 1, "missing title: front matter needs \"title: ...\"");
		bad++;
	}

	p->date_off = DATE_LOCAL;
	if (get_date(fm, "date", &p->date, &p->date_off, path, d, &bad))
		p->has_date = 1;
	else if ((v = value_get(fm, "date")) == NULL || v->type == VALUE_NULL)
		p->has_date = date_from_name(base, &p->date) == 0;
	if (get_date(fm, "updated", &p->updated, &upd_off, path, d, &bad) ||
	    get_date(fm, "last_modified_at", &p->updated, &upd_off, path, d, &bad))
		p->has_updated = 1;

	s = get_text(fm, "author", path, d, &bad);
	p->author = xstrdup(s ? s : c->author);
	s = get_text(fm, "summary", path, d, &bad);
	p->summary = s ? xstrdup(s) : NULL;
	p->draft = get_bool(fm, "draft", 0, path, d, &bad) ||
	    !get_bool(fm, "published", 1, path, d, &bad);
	/* Jekyll splits "categories: a b" but keeps "category: Offsite Backups" whole. */
	get_cats(p, fm, "categories", 1, d, &bad);
	get_cats(p, fm, "category", 0, d, &bad);

	get_alert(p, fm, d, &bad);

	s = get_text(fm, "slug", path, d, &bad);
	if (s != NULL) {
		slug = slugify(s, strlen(s));
	} else {
		/* The file name without its date prefix and extension. */
		if (date_from_name(base, &(time_t){ 0 }) == 0)
			base += 11;
		dot = strrchr(base, '.');
		slug = slugify(base, dot ? (size_t)(dot - base) : strlen(base));
	}
	if (*slug == '\0') {
		diag_error(d, path, s ? value_get(fm, "slug")->line : 1,
		    "the slug is empty: give the post a \"slug:\" made of letters or digits");
		free(slug);
		bad++;
	} else
		p->slug = slug;
	return bad || d->errors > errors ? -1 : 0;
}

void
post_clear(struct post *p)
{
	size_t i;

	if (!p->cached) {
		free(p->path);
		free(p->title);
		free(p->author);
		free(p->slug);
		free(p->summary);
		for (i = 0; i < p->ncats; i++)
			free(p->cats[i]);
		free(p->html);
	}
	free(p->cats);
	free(p->cat_lines);
	free(p->url);
	memset(p, 0, sizeof(*p));
}

/*
 * jsonfeed: the JSON Feed.  The document is built as a jansson tree and
 * dumped once; every value made here is owned by the tree and freed with
 * its root.  Keys are written in the order they are set (jansson keeps
 * insertion order, whatever its hash seed), so one commit gives the same
 * bytes.  jansson seeds its hash function on first use with an atomic
 * guard, so several threads may each write a feed without any set-up.
 *
 * Unlike XML, JSON carries every character: control characters are
 * escaped (\u0001), not dropped.  Text that is not UTF-8, which cmark-gfm
 * and libyaml never let through, is mended rather than lost: each bad
 * byte becomes U+FFFD.
 */
#include "jsonfeed.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "util.h"

#define JSONFEED_VERSION "https://jsonfeed.org/version/1.1"

/* A jansson call that fails only when memory does. */
static void
check(int rc)
{
	if (rc < 0)
		die("jansson: cannot write a JSON feed (out of memory?)");
}

/*
 * The length of the well-formed UTF-8 sequence at p, or 0: no overlong
 * forms, surrogates or code points past U+10FFFF, the rules jansson
 * checks json_string against.
 */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned long c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		/* A NUL ends the string here, and is no continuation byte. */
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return n;
}

/* A JSON string of s; the caller owns the reference.  Never NULL. */
static json_t *
string(const char *s)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;
	json_t *v;
	size_t n;

	if ((v = json_string(s)) != NULL)
		return v;
	/* Not UTF-8 (or out of memory, which the second try finds again). */
	for (p = (const unsigned char *)s; *p; p += n) {
		if ((n = utf8_len(p)) == 0) {
			buf_puts(&b, "\xEF\xBF\xBD");
			n = 1;
		} else
			buf_put(&b, (const char *)p, n);
	}
	v = json_stringn(buf_str(&b), b.len);
	buf_free(&b);
	if (v == NULL)
		die("jansson: out of memory");
	return v;
}

/* Sets key of o to v, taking over the reference to v. */
static void
set(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		die("jansson: out of memory");
	check(json_object_set_new_nocheck(o, key, v));
}

static void
set_string(json_t *o, const char *key, const char *s)
{
	set(o, key, string(s));
}

static json_t *
new_object(void)
{
	json_t *o = json_object();

	if (o == NULL)
		die("jansson: out of memory");
	return o;
}

static json_t *
new_array(void)
{
	json_t *a = json_array();

	if (a == NULL)
		die("jansson: out of memory");
	return a;
}

/* Appends v to array a, taking over the reference to v. */
static void
append(json_t *a, json_t *v)
{
	if (v == NULL)
		die("jansson: out of memory");
	check(json_array_append_new(a, v));
}

/* [{"name": name}], the form of JSON Feed 1.1's authors. */
static json_t *
authors(const char *name)
{
	json_t *a = new_array(), *o = new_object();

	set_string(o, "name", name);
	append(a, o);
	return a;
}

/*
 * t as RFC 3339 in UTC (2017-09-08T23:02:00Z).  date_rfc3339 gives the
 * site zone's offset, which readers would show as the reader's own zone
 * anyway; UTC keeps the feed the same whatever zone the site is in.
 */
static json_t *
date(time_t t)
{
	char s[64];
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(s, sizeof(s), "1970-01-01T00:00:00Z");
	return string(s);
}

static json_t *
item(const struct feed_entry *e)
{
	json_t *o = new_object(), *tags;
	size_t j;

	set_string(o, "id", e->id);
	set_string(o, "url", e->link);
	set_string(o, "title", e->title);
	set_string(o, "content_html", e->html);
	if (e->summary != NULL && *e->summary)
		set_string(o, "summary", e->summary);
	set(o, "date_published", date(e->published));
	set(o, "date_modified", date(e->updated));
	set(o, "authors", authors(e->author));
	if (e->ncats > 0) {
		tags = new_array();
		for (j = 0; j < e->ncats; j++)
			append(tags, string(e->cats[j]));
		set(o, "tags", tags);
	}
	return o;
}

/* The length of the start of s (n bytes) that holds none of the bytes in set. */
static size_t
strcspn_n(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n && strchr(set, s[i]) == NULL; i++)
		;
	return i;
}

/*
 * Appends jansson's output with < > & written as \u escapes, as Go's
 * encoding/json does: the parsed values are the same, and a feed that
 * some server or script shows as HTML cannot carry live markup.  These
 * bytes occur only inside strings, so the swap is safe.
 */
static int
put(const char *s, size_t n, void *out)
{
	size_t i, run;

	for (i = 0; i < n; i += run) {
		run = strcspn_n(s + i, n - i, "<>&");
		buf_put(out, s + i, run);
		if (i + run < n) {
			buf_printf(out, "\\u%04x", (unsigned)(unsigned char)s[i + run]);
			run++;
		}
	}
	return 0;
}

void
feed_json(const struct feed_info *f, struct buf *out)
{
	json_t *root = new_object(), *items = new_array();
	size_t i;

	set_string(root, "version", JSONFEED_VERSION);
	set_string(root, "title", f->title);
	set_string(root, "home_page_url", f->alt);
	set_string(root, "feed_url", f->self);
	if (*f->subtitle)
		set_string(root, "description", f->subtitle);
	if (*f->language)
		set_string(root, "language", f->language);
	if (*f->author)
		set(root, "authors", authors(f->author));
	for (i = 0; i < f->n; i++)
		append(items, item(&f->entries[i]));
	set(root, "items", items);
	/* No JSON_ESCAPE_SLASH: "/" needs no escape outside a <script>. */
	check(json_dump_callback(root, put, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER));
	buf_putc(out, '\n');
	json_decref(root);
}

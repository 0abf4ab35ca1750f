/*
 * fuzz/mustache: the template engine, parser and renderer, on arbitrary
 * templates.  The input is one or more templates separated by NUL bytes;
 * each starts with its name on a line of its own ("post\n{{>byline}}...").
 * All are added to one set, so they can use each other as partials and
 * parents, and each is rendered with a small fixed tree of values like
 * the one crier gives its themes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"
#include "value.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TEMPLATES 16

static struct arena *arena;
static struct value *root;

static struct value *
str(const char *s)
{
	return value_str(arena, s);
}

/* A post as render.c makes it: text with markup, lists, maps, booleans. */
static struct value *
post(const char *title, int first)
{
	struct value *m = value_map(arena), *cats = value_list(arena), *c;

	value_set(arena, m, "title", str(title));
	value_set(arena, m, "url", str("/2017/09/08/hurricane-irma/"));
	value_set(arena, m, "content", str("<p>Body &amp; <em>more</em></p>\n"));
	value_set(arena, m, "author", str("vlad"));
	value_set(arena, m, "summary", str(""));
	value_set(arena, m, "is_updated", value_bool(arena, first));
	c = value_map(arena);
	value_set(arena, c, "name", str("Alerts"));
	value_set(arena, c, "url", str("/category/alerts/"));
	value_set(arena, c, "first", value_bool(arena, 1));
	value_set(arena, c, "last", value_bool(arena, 0));
	value_push(arena, cats, c);
	c = value_map(arena);
	value_set(arena, c, "name", str("<Announcements>"));
	value_set(arena, c, "first", value_bool(arena, 0));
	value_set(arena, c, "last", value_bool(arena, 1));
	value_push(arena, cats, c);
	value_set(arena, m, "categories", cats);
	value_set(arena, m, "has_categories", value_bool(arena, 1));
	value_set(arena, m, "params", value_map(arena));
	return m;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct value *site, *page, *posts, *list, *nested;

	(void)argc;
	(void)argv;
	/* Quiet the engine's errors; see fuzz/frontmatter.c. */
	stderr = fopen("/dev/null", "w");
	if (stderr == NULL)
		abort();
	arena = arena_new();
	site = value_map(arena);
	value_set(arena, site, "title", str("ExchangeDefender <Blog> & \"News\""));
	value_set(arena, site, "url", str("https://blog.example.com/"));
	value_set(arena, site, "description", str(""));
	value_set(arena, site, "language", str("en"));
	page = value_map(arena);
	value_set(arena, page, "title", str("Page 2"));
	value_set(arena, page, "paginated", value_bool(arena, 1));
	value_set(arena, page, "number", str("2"));
	value_set(arena, page, "older_url", str("/page/3/"));
	posts = value_list(arena);
	value_push(arena, posts, post("Schedule and SLA during Hurricane Irma", 1));
	value_push(arena, posts, post("<script>alert(1)</script>", 0));
	list = value_list(arena);
	nested = value_list(arena);
	value_push(arena, nested, str("a"));
	value_push(arena, nested, value_null(arena));
	value_push(arena, list, nested);
	value_push(arena, list, value_bool(arena, 0));
	value_push(arena, list, str("{{site.title}}"));
	root = value_map(arena);
	value_set(arena, root, "site", site);
	value_set(arena, root, "page", page);
	value_set(arena, root, "post", post("One", 1));
	value_set(arena, root, "posts", posts);
	value_set(arena, root, "has_posts", value_bool(arena, 1));
	value_set(arena, root, "empty", value_list(arena));
	value_set(arena, root, "list", list);
	value_set(arena, root, "nothing", value_null(arena));
	value_set(arena, root, "no", value_bool(arena, 0));
	/* A map that holds itself: sections may walk it as deep as they like. */
	value_set(arena, root, "self", root);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nul, *nl;
	char *names[MAX_TEMPLATES];
	struct tmpl_set *set = tmpl_set_new();
	struct buf out = BUF_INIT;
	size_t n = 0, i;

	/*
	 * Small bounds keep a self-including input from costing seconds: at
	 * 1 MiB and 64 Ki steps such inputs took 300 ms each and the target
	 * ran at 100 inputs a second; at these it runs twenty times as fast.
	 */
	tmpl_set_limits(set, 1 << 16, 1 << 12);

	while (p <= end && n < MAX_TEMPLATES) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL)
			nul = end;
		nl = memchr(p, '\n', (size_t)(nul - p));
		if (nl == NULL)
			nl = p;		/* no name line: the template is unnamed */
		names[n] = n == 0 && nl == p ? strdup("main") : strndup(p, (size_t)(nl - p));
		if (names[n] == NULL)
			abort();
		tmpl_set_add(set, names[n], "fuzz.mustache", nl == p ? p : nl + 1,
		    (size_t)(nul - (nl == p ? p : nl + 1)));
		n++;
		p = nul + 1;
	}
	for (i = 0; i < n; i++) {
		buf_reset(&out);
		tmpl_render(set, names[i], &value_tmpl_data, root, &out);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	buf_free(&out);
	tmpl_set_free(set);
	return 0;
}

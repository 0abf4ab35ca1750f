/*
 * markdown: a thin layer over cmark-gfm, so that the options crier uses
 * are chosen in one place.
 *
 * cmark-gfm 0.29 keeps the inline parser's table of special characters
 * in a global.  cmark_manage_extensions_special_characters() adds a
 * parser's extension characters ("~", ":", "w") to it before inline
 * parsing and takes them out after, in cmark_parser_finish and in the
 * table extension's parse of each row (cmark-gfm PR #176, never merged):
 * two threads parsing at once make each other miss "~~" and autolinks.
 *
 * Every parser crier makes has the same extensions, so the characters
 * can simply stay in the table.  crier defines that function itself:
 * the library calls it through the PLT, so its calls come here; the
 * first "add", made by markdown_init() before any thread starts, is
 * passed on to the library's own function, and every later add and
 * remove does nothing.  After that no parse writes the global, and
 * parses run in parallel.  markdown_init() checks that the calls of
 * cmark_parser_finish itself come here (a cmark-gfm linked with
 * -Bsymbolic-functions, say, makes them directly, while its extensions'
 * calls still come here), and that parses after the first still see the
 * characters; if not, each parse is made under a lock instead.
 */
#define _GNU_SOURCE	/* RTLD_NEXT */
#include "markdown.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>

#include "arena.h"
#include "util.h"

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set by markdown_init() only, before any thread starts. */
static void (*library_manage)(cmark_parser *, int);
static int chars_added, probing, calls_caught, parse_locked = 1;

void
cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	if (probing)
		calls_caught++;
	if (library_manage == NULL)
		die("cmark-gfm was used before markdown_init");
	if (parse_locked)
		library_manage(parser, add);
	else if (add && !chars_added) {
		library_manage(parser, 1);
		chars_added = 1;
	}
}

/*
 * cmark-gfm allocates every node and buffer through the parser's
 * cmark_mem: here they come from an arena of the parse, freed at once
 * when its HTML is copied out (cmark-gfm's own arena allocator is one
 * global, so no use with threads).  A size is kept before each block for
 * realloc; free does nothing.  Small allocations were a tenth of a
 * cold build.
 */
static _Thread_local struct arena *parse_arena;

#define HEAD 16		/* the size before each block: keeps max_align_t */

static void *
arena_calloc(size_t n, size_t size)
{
	unsigned char *p;

	if (size != 0 && n > (SIZE_MAX - 2 * HEAD) / size)
		die("out of memory");
	p = arena_alloc(parse_arena, n * size + HEAD);
	memcpy(p, &(size_t){ n * size }, sizeof(size_t));
	return p + HEAD;
}

static void *
arena_realloc(void *ptr, size_t size)
{
	unsigned char *p = arena_calloc(1, size);
	size_t old;

	if (ptr != NULL) {
		memcpy(&old, (unsigned char *)ptr - HEAD, sizeof(old));
		memcpy(p, ptr, old < size ? old : size);
	}
	return p;
}

static void
arena_nofree(void *ptr)
{
	(void)ptr;
}

static cmark_mem arena_mem = { arena_calloc, arena_realloc, arena_nofree };

static const char *const extensions[] = {
	"table", "strikethrough", "autolink", "tasklist", "tagfilter",
};

/*
 * cmark-gfm's safe mode drops javascript:, vbscript:, file: and data:
 * links but keeps data:image/png and its like; crier drops those too,
 * since an SVG or a huge inline image in a feed is no better.
 */
static void
drop_data_links(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *n;
	const char *url;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER ||
		    (cmark_node_get_type(n) != CMARK_NODE_LINK && cmark_node_get_type(n) != CMARK_NODE_IMAGE))
			continue;
		url = cmark_node_get_url(n);
		while (url != NULL && (*url == ' ' || *url == '\t' || *url == '\n'))
			url++;
		if (url != NULL && strncasecmp(url, "data:", 5) == 0)
			cmark_node_set_url(n, "");
	}
	cmark_iter_free(it);
}

/* 1 if the probe text renders as it should: a strikethrough and an autolink, in a table too. */
static int
probe_ok(const char *text, int table)
{
	char *html = markdown_render(text, strlen(text), 0, 0);
	int ok = strstr(html, "<del>a</del>") != NULL &&
	    strstr(html, "href=\"http://www.example.com\"") != NULL &&
	    (!table || strstr(html, "<td><del>b</del></td>") != NULL);

	free(html);
	return ok;
}

void
markdown_init(void)
{
	static const char plain[] = "~~a~~ www.example.com\n";
	static const char table[] = "~~a~~ www.example.com\n\n| a |\n|---|\n| ~~b~~ |\n";
	int ok;

	if (library_manage != NULL)
		return;
	cmark_gfm_core_extensions_ensure_registered();
	*(void **)&library_manage = dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
	if (library_manage == NULL)
		die("cmark-gfm has no cmark_manage_extensions_special_characters");
	/*
	 * Without a table only cmark_parser_finish calls the function (an add
	 * and a remove): both must come here.  The first add goes to the
	 * library; the parses after it must still find the characters.
	 */
	parse_locked = 0;
	probing = 1;
	ok = probe_ok(plain, 0) && calls_caught >= 2 && chars_added && probe_ok(table, 1) &&
	    probe_ok(plain, 0);
	probing = 0;
	if (!ok)
		parse_locked = 1;
}

char *
markdown_render(const char *text, size_t len, int smart, int unsafe)
{
	/* No CMARK_OPT_VALIDATE_UTF8: the text was checked, by utf8_check, before. */
	int opts = CMARK_OPT_FOOTNOTES;
	cmark_syntax_extension *ext;
	cmark_parser *parser;
	cmark_node *doc;
	char *html, *out;
	size_t i;

	if (smart)
		opts |= CMARK_OPT_SMART;
	if (unsafe)
		opts |= CMARK_OPT_UNSAFE;
	parse_arena = arena_new();
	parser = cmark_parser_new_with_mem(opts, &arena_mem);
	if (parser == NULL)
		die("out of memory");
	for (i = 0; i < NELEM(extensions); i++) {
		ext = cmark_find_syntax_extension(extensions[i]);
		if (ext == NULL)
			die("cmark-gfm has no %s extension", extensions[i]);
		cmark_parser_attach_syntax_extension(parser, ext);
	}
	if (parse_locked)
		pthread_mutex_lock(&parse_lock);
	cmark_parser_feed(parser, text, len);
	doc = cmark_parser_finish(parser);
	if (parse_locked)
		pthread_mutex_unlock(&parse_lock);
	if (!unsafe)
		drop_data_links(doc);
	html = cmark_render_html_with_mem(doc, opts, cmark_parser_get_syntax_extensions(parser),
	    &arena_mem);
	if (html == NULL)
		die("out of memory");
	/* A site keeps every post's HTML: copied out at its size, and the parse let go of. */
	out = xstrdup(html);
	arena_free(parse_arena);
	parse_arena = NULL;
	return out;
}

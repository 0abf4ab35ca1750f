/*
 * markdown: a thin layer over cmark-gfm, so that the options crier uses
 * are chosen in one place.
 *
 * cmark-gfm 0.29 keeps the inline parser's table of special characters
 * in a global, which each parse adds its extensions' characters to and
 * removes them from when it finishes (cmark-gfm PR #176, never merged):
 * two threads finishing at once make each other miss "~~" and autolinks.
 * So the inline phase, cmark_parser_finish, runs under a lock; block
 * parsing and HTML rendering, the larger part, still run in parallel.
 */
#include "markdown.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "util.h"

static pthread_mutex_t inline_lock = PTHREAD_MUTEX_INITIALIZER;

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

void
markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

char *
markdown_render(const char *text, size_t len, int smart, int unsafe)
{
	int opts = CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8;
	cmark_syntax_extension *ext;
	cmark_parser *parser;
	cmark_node *doc;
	char *html, *out;
	size_t i;

	if (smart)
		opts |= CMARK_OPT_SMART;
	if (unsafe)
		opts |= CMARK_OPT_UNSAFE;
	parser = cmark_parser_new(opts);
	if (parser == NULL)
		die("out of memory");
	for (i = 0; i < NELEM(extensions); i++) {
		ext = cmark_find_syntax_extension(extensions[i]);
		if (ext == NULL)
			die("cmark-gfm has no %s extension", extensions[i]);
		cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, text, len);
	pthread_mutex_lock(&inline_lock);
	doc = cmark_parser_finish(parser);
	pthread_mutex_unlock(&inline_lock);
	if (!unsafe)
		drop_data_links(doc);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser));
	if (html == NULL)
		die("out of memory");
	/*
	 * The default allocator is the C library's, so free() releases it.
	 * cmark's buffer grew by doubling; a site keeps every post's HTML,
	 * so it is kept at its size.
	 */
	out = xstrdup(html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return out;
}

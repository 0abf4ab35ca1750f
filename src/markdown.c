/*
 * markdown: a thin layer over cmark-gfm, so that the options crier uses
 * are chosen in one place.
 */
#include "markdown.h"

#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "util.h"

static const char *const extensions[] = {
	"table", "strikethrough", "autolink", "tasklist", "tagfilter",
};

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
	doc = cmark_parser_finish(parser);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(parser));
	if (html == NULL)
		die("out of memory");
	/* The default allocator is the C library's, so free() releases it. */
	out = html;
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return out;
}

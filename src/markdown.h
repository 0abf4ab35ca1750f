/*
 * markdown: post bodies to HTML with cmark-gfm (CommonMark, the GFM
 * extensions and footnotes).  The only module that sees cmark-gfm.
 */
#ifndef CRIER_MARKDOWN_H
#define CRIER_MARKDOWN_H

#include <stddef.h>

/* Registers the extensions; call once before any thread renders. */
void markdown_init(void);

/*
 * Renders len bytes of Markdown, which must have passed utf8_check
 * (cmark-gfm does not check them again).  smart turns on smart
 * punctuation; unsafe passes raw HTML and every link scheme through, else
 * raw HTML is omitted and javascript:, vbscript:, file: and data: links
 * are dropped.  Returns HTML that the caller frees.
 */
char *markdown_render(const char *text, size_t len, int smart, int unsafe);

#endif

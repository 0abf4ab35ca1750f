/*
 * text: the plain text of rendered HTML, for places that cannot show
 * markup (calendar descriptions, summaries).
 */
#ifndef CRIER_TEXT_H
#define CRIER_TEXT_H

#include <stddef.h>

/*
 * Returns the text of html: tags dropped, and the contents of <script>
 * and <style> with them; character references decoded to UTF-8 (numeric
 * ones, &amp; &lt; &gt; &quot; &apos; &nbsp; and a few common others;
 * an unknown one is kept as written); runs of white space made one space
 * except in <pre>.  Block elements (p, li, h1-h6, br, div, pre,
 * blockquote, tr and their kin) end their line; paragraphs, headings,
 * lists and tables are set apart by a blank line, never more than one.
 * A list item starts with "- ", two spaces more for each nested list.
 * No line starts or ends with a space, and the text with no white space
 * at either end.  At most max bytes (0: no limit), cut at a UTF-8
 * boundary.  The caller frees.
 */
char *html_text(const char *html, size_t max);

#endif

/*
 * jsonfeed: JSON Feed 1.1 (https://jsonfeed.org/version/1.1) documents,
 * written with jansson.  The only module that sees jansson.
 */
#ifndef CRIER_JSONFEED_H
#define CRIER_JSONFEED_H

#include "buf.h"
#include "feed.h"

/*
 * Appends the JSON Feed of f to out: f->self is feed_url, f->alt
 * home_page_url; each entry an item with id, url, title, content_html,
 * summary (when set), date_published, date_modified (RFC 3339, UTC),
 * authors and tags.  The same input always gives the same bytes.
 */
void feed_json(const struct feed_info *f, struct buf *out);

#endif

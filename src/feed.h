/*
 * feed: Atom 1.0 (RFC 4287) and RSS 2.0 documents, written with libxml2's
 * xmlTextWriter, never by hand.  The only module that sees libxml2.
 */
#ifndef CRIER_FEED_H
#define CRIER_FEED_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct feed_entry {
	const char *title;	/* plain text */
	const char *link;	/* absolute URL of the post */
	const char *id;		/* never changes once published */
	const char *author;	/* name, never empty */
	const char *summary;	/* plain text, or NULL */
	const char *html;	/* full content, links made absolute */
	const char *const *cats;	/* category names */
	size_t ncats;
	time_t published;
	time_t updated;
};

struct feed_info {
	const char *title;	/* of the feed */
	const char *subtitle;	/* may be "" */
	const char *language;	/* BCP 47 */
	const char *self;	/* absolute URL of this feed */
	const char *alt;	/* absolute URL of the HTML page it follows */
	const char *id;		/* of the feed */
	const char *author;	/* the site's author, may be "" */
	const char *version;	/* crier's */
	const struct feed_entry *entries;	/* newest first */
	size_t n;
};

/* Appends the Atom document of f to out. */
void feed_atom(const struct feed_info *f, struct buf *out);
/* Appends the RSS 2.0 document of f to out. */
void feed_rss(const struct feed_info *f, struct buf *out);

/* A page of the site for sitemap.xml. */
struct sitemap_url {
	const char *loc;	/* absolute URL */
	time_t lastmod;		/* last changed, or 0 when not known */
};

/*
 * Appends the sitemap (https://www.sitemaps.org/protocol.html) of the n
 * pages u, in the order given, to out; lastmod as a W3C datetime in UTC.
 */
void feed_sitemap(const struct sitemap_url *u, size_t n, struct buf *out);

/*
 * Returns html with the URLs of href and src attributes made absolute
 * against page (the absolute URL of the post); site is the absolute site
 * URL whose scheme and host serve "/..." links.  The caller frees.
 */
char *feed_absolute(const char *html, const char *site, const char *page);

#endif

/*
 * config: site.ini, read with inih.  Every key has a default, so a site
 * needs no site.ini at all.
 */
#ifndef CRIER_CONFIG_H
#define CRIER_CONFIG_H

#include <stddef.h>

#include "diag.h"

struct config_param {
	char *key;	/* a [site] key crier does not know itself */
	char *val;	/* its value; templates see it as site.KEY */
};

struct config {
	/* [site] */
	char *title;		/* site title, also the feed title */
	char *url;		/* absolute base URL, ends with '/'; "" if unset */
	char *base;		/* path part of url, starts and ends with '/' */
	char *description;	/* a sentence for feeds and meta tags */
	char *language;		/* BCP 47 tag for <html lang> and feeds */
	char *timezone;		/* IANA zone dates are shown in */
	char *author;		/* author of posts that name none */
	struct config_param *params;	/* other [site] keys, in file order */
	size_t nparams;
	/* [build] */
	char *posts;		/* folder of the tree that holds the posts */
	char *theme;		/* theme name */
	char *output;		/* output folder, relative to the work tree */
	char *permalink;	/* URL pattern of a post page */
	int per_page;		/* posts on one index page */
	int feed_items;		/* entries in a feed */
	/* [format] */
	char *date_fmt;		/* strftime format of dates */
	char *time_fmt;		/* strftime format of times */
	/* [build], for the Markdown */
	int smart;		/* smart punctuation */
	int unsafe_html;	/* pass raw HTML and any link scheme through */
	unsigned disable;	/* [build] disable: OUT_* outputs not to write */
	/* [site], for alerts */
	int banner_days;	/* windows this many days ahead are in the banner */
};

/* Outputs that [build] disable = ... can turn off, as Hugo's disableKinds. */
#define OUT_ARCHIVES	0x01	/* /YYYY/ and /YYYY/MM/ */
#define OUT_SITEMAP	0x02	/* sitemap.xml and robots.txt */
#define OUT_JSON	0x04	/* feed.json */
#define OUT_ATOM	0x08	/* atom.xml */
#define OUT_CALENDAR	0x10	/* maintenance.ics */
#define OUT_404		0x20	/* 404.html */
#define OUT_RSS		0x40	/* rss.xml */

/*
 * A hash of every setting of c, so that anything a change of site.ini
 * could change is made again.
 */
unsigned long long config_hash(const struct config *c);

/* A config with every default set; the caller frees it. */
struct config *config_new(void);
void config_free(struct config *c);

/*
 * Reads site.ini text (len bytes) named path into c, reporting every bad
 * line to d.  Returns 0, or -1 if anything was wrong.
 */
int config_parse(struct config *c, const char *path, const char *text,
    size_t len, struct diag *d);

#endif

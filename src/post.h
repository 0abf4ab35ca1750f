/*
 * post: one Markdown file: its YAML front matter (read with libyaml) and
 * the place its body starts.  Rendering the body is markdown's job.
 */
#ifndef CRIER_POST_H
#define CRIER_POST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "diag.h"
#include "value.h"

/* What an alert says of itself, or what its window makes it. */
enum post_status {
	STATUS_NONE,		/* not an alert */
	STATUS_SCHEDULED,
	STATUS_IN_PROGRESS,
	STATUS_RESOLVED,
	STATUS_COMPLETED	/* a window whose end has passed */
};

struct post {
	char *path;		/* path in the tree, e.g. "posts/x.md" */
	char *title;		/* from front matter, required */
	time_t date;		/* published */
	long date_off;		/* UTC offset the date was written with, or DATE_LOCAL */
	time_t updated;		/* last changed; == date unless set */
	int has_date;		/* date came from front matter or file name */
	int has_updated;	/* updated came from front matter */
	char *author;		/* front matter, else the site's author */
	char *slug;		/* URL word: [a-z0-9-]+ */
	char *summary;		/* front matter summary, or NULL */
	char **cats;		/* category display names, in post order */
	int *cat_lines;		/* the line each was named on */
	size_t ncats;
	int draft;		/* draft: true or published: false */
	size_t body;		/* offset of the Markdown body in the text */
	int body_line;		/* line number where the body starts */
	int has_window;		/* window: start and end were given */
	time_t win_start, win_end;	/* the maintenance window */
	enum post_status status;	/* status: as written, or STATUS_NONE */
	time_t resolved;	/* resolved: time, or 0 */
	struct value *meta;	/* every front matter key, for templates */
	char *url;		/* URL path from the permalink, starts with '/' */
	uint64_t src;		/* hash of its blob id and path; 0 when unknown */
	char *html;		/* the rendered body */
	int cached;		/* its strings are the post cache's, not its own (see cache.h) */
};

/*
 * Reads the front matter of text (len bytes, NUL-terminated) from the file
 * path into p, which the caller zeroed.  Values for templates are
 * allocated in a.  Reports every problem to d; returns 0, or -1 if there
 * was an error.
 */
int post_parse(struct post *p, const char *path, const char *text, size_t len,
    const struct config *c, struct arena *a, struct diag *d);

/*
 * The status of p at now: "resolved" (or a resolved: time) and
 * "in-progress" stand as written; a window is scheduled before its start,
 * in progress until its end and completed after it.
 */
enum post_status post_status(const struct post *p, time_t now);

/* "scheduled", "in-progress", "resolved", "completed", or NULL for none. */
const char *post_status_name(enum post_status s);

/* Its badge text: "Scheduled", "In progress", "Resolved", "Completed". */
const char *post_status_label(enum post_status s);

/* Frees what p owns (not p itself). */
void post_clear(struct post *p);

#endif

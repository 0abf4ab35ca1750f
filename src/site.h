/*
 * site: the posts as a whole: sorted newest first, grouped by category,
 * with URL and slug collisions found before anything is written.
 */
#ifndef CRIER_SITE_H
#define CRIER_SITE_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "diag.h"
#include "post.h"

struct category {
	char *name;		/* display name, as the first post spelled it */
	char *slug;		/* URL word */
	const char *path;	/* post that first named it, for errors */
	struct post **posts;	/* its posts, newest first */
	size_t nposts, cap;	/* posts held, and room for */
};

struct site {
	const struct config *cfg;	/* borrowed */
	struct post *posts;		/* newest first; equal dates by path */
	size_t nposts;
	struct category *cats;		/* sorted by slug */
	size_t ncats;
	time_t now;			/* the build's "now", for alert status */
};

/*
 * Takes the posts (the array and what it holds) into a new site, sorts
 * them and groups them by category.  Two posts on one URL or two
 * categories with one slug are reported to d.  Returns NULL after an
 * error (the posts are freed all the same).
 */
struct site *site_new(const struct config *c, struct post *posts, size_t n, struct diag *d);
void site_free(struct site *s);

/* The category called name, or NULL. */
const struct category *site_category(const struct site *s, const char *name);

#endif

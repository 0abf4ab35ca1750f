/*
 * render: the pages of a site.  Builds the values the templates see (the
 * variables listed in crier(1)) and renders every page through the theme.
 */
#ifndef CRIER_RENDER_H
#define CRIER_RENDER_H

#include "diag.h"
#include "output.h"
#include "site.h"
#include "theme.h"

struct render_stats {
	int pages;	/* HTML pages written */
	int files;	/* files written in all, static ones included */
	int kept;	/* files kept as the last build left them, not rendered */
};

struct pages;

/*
 * Renders every page and feed of s with theme t on jobs threads and
 * writes them, and the theme's static files, to o.  The output does not
 * depend on the number of threads, nor does the order of diagnostics.
 * A page whose key (a hash of all it is made from: its posts, their
 * neighbours, the site's settings and theme, ...) is the one prev holds
 * for it is kept as it is; prev NULL renders everything.  *next gets this
 * build's keys, for pages_save.  Returns 0, or -1 after reporting to d.
 */
int render_site(const struct site *s, const struct theme *t, struct output *o,
    struct diag *d, int jobs, const struct pages *prev, struct pages **next,
    struct render_stats *st);

#endif

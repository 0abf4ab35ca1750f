/*
 * theme: a theme's templates, parsed once per build, and its static
 * files.  A theme comes from themes/NAME/ in the built commit, else from
 * the themes installed with crier.
 */
#ifndef CRIER_THEME_H
#define CRIER_THEME_H

#include <stddef.h>

#include "diag.h"
#include "repo.h"
#include "tmpl.h"

struct theme_file {
	char *path;	/* path below static/, e.g. "css/site.css" */
	char *data;	/* the bytes */
	size_t len;
};

struct theme {
	char *where;			/* where it was found, for messages */
	struct tmpl_set *tmpls;		/* every *.mustache, by name without extension */
	struct theme_file *statics;	/* files of static/, sorted by path */
	size_t nstatic;
	unsigned long long hash;	/* of every file's name and bytes */
	char **broken;			/* templates that did not parse */
	size_t nbroken;
};

/*
 * Loads theme name: from the commit's themes/NAME/ if it has one, else
 * from the installed themes.  Returns 0, or -1 after reporting to d.
 */
int theme_load(struct theme **out, struct repo *r, const char *name, struct diag *d);
void theme_free(struct theme *t);

#endif

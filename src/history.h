/*
 * history: when each post was added and last changed, from one walk over
 * the history of the built commit.  Paths are relative to the posts
 * folder; renames are followed, so a renamed post keeps its dates.  The
 * walk is kept beside the output, so that the next build walks only the
 * commits it has not seen.
 */
#ifndef CRIER_HISTORY_H
#define CRIER_HISTORY_H

#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "repo.h"

struct history;

struct history_entry {
	time_t added;		/* author date of the commit that added the post */
	time_t changed;		/* author date of the last commit that changed it */
	int edited;		/* changed by a commit after the one that added it */
};

void history_free(struct history *h);

struct history_job;

/*
 * Walks the history of r's commit for the files below dir (the posts
 * folder), following renames, on a thread of its own so that the caller
 * can go on reading posts; history_finish waits for it and gives its
 * result, or NULL after reporting to d.  A shallow clone gives a warning
 * and an empty history, since its oldest commits would claim to have
 * added every post.
 *
 * With an outdir, the walk is kept in .crier-cache/NAME.history beside
 * it (NAME is outdir's last component), and a later walk of a commit
 * that descends from the one kept there walks only the newer commits,
 * with the same result as a whole walk.  A cache that cannot be used is
 * reported as a warning and the whole history is walked.  outdir is NULL
 * for a build that keeps nothing (one that will not publish).
 */
struct history_job *history_start(struct repo *r, const char *dir, const char *outdir,
    struct diag *d);
struct history *history_finish(struct history_job *j, struct diag *d);

/* An empty history, for builds that date posts by front matter alone. */
struct history *history_none(void);

/* The dates of the file at path (below dir), or NULL if unknown. */
const struct history_entry *history_find(const struct history *h, const char *path);

#endif

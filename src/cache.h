/*
 * cache: parsed and rendered posts kept between builds, in
 * .crier-cache/NAME.posts beside the output, so that a build reads and
 * renders only the posts whose blob changed.  An entry is found by the
 * blob's id and the post's path (the path gives the slug and a date);
 * the file as a whole is keyed by everything else that changes what
 * post_parse and markdown_render make of a blob.
 */
#ifndef CRIER_CACHE_H
#define CRIER_CACHE_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "diag.h"
#include "post.h"
#include "repo.h"

struct cache;

/*
 * Opens the post cache of the output outdir for a build of nfiles post
 * files with the settings cfg (TZ must already be cfg->timezone, and
 * markdown_init done).  A missing cache, or one made with other settings
 * or by another crier, is silently empty; one that cannot be read or is
 * damaged is reported as a warning and empty.  Never NULL; the caller
 * frees it with cache_free, which removes a file cache_write wrote that
 * cache_commit did not put in place.
 */
struct cache *cache_open(const char *outdir, const struct config *cfg, size_t nfiles,
    struct diag *d);
void cache_free(struct cache *c);

/*
 * Looks up file f, the slot-th post file of the build.  If it is cached,
 * fills p (which the caller zeroed) as load_post would, its values
 * allocated in a, its strings those of c's file (p->cached), which stays
 * until cache_free, and sets *msgs and *msglen to
 * the diagnostics it printed (borrowed from c, not NUL-terminated) and
 * *nwarn to their count, keeps the entry for cache_write, and returns 1.
 * Else returns 0.  Threads may look up different slots at once; c == NULL
 * finds nothing.
 */
int cache_get(struct cache *c, size_t slot, const struct repo_file *f, struct post *p,
    struct arena *a, const char **msgs, size_t *msglen, int *nwarn);

/*
 * Keeps p, just read from f without errors, for cache_write, with msgs
 * (NUL-terminated), the nwarn warnings it printed: makes its entry now,
 * and p (which has its HTML) then uses the strings there (p->cached),
 * which stay until cache_free.  Threads may put different slots at once; c == NULL keeps
 * nothing.
 */
void cache_put(struct cache *c, size_t slot, const struct repo_file *f, struct post *p,
    const char *msgs, int nwarn);

/*
 * Writes the next cache file under a temporary name, unless d has errors
 * (the build will fail) or the file holds these posts already: the posts
 * that cache_get and cache_put kept, in slot order, so that it never
 * grows.  The file is written on a thread of its own; cache_commit or
 * cache_free waits for it, and then lets go of the index of the file
 * read (the posts still use the strings in it), at once if nothing is
 * written.  Failures are warnings.
 */
void cache_write(struct cache *c, struct diag *d);

/* After the build succeeded: puts the file cache_write wrote in place. */
void cache_commit(struct cache *c, struct diag *d);

/* Posts cache_get found, once cache_write has run. */
size_t cache_hits(const struct cache *c);

#endif

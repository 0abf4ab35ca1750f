/*
 * state: what the last build of an output was made from, kept in
 * .crier-cache/ beside the output, so that a build whose inputs have not
 * changed can stop at once.
 */
#ifndef CRIER_STATE_H
#define CRIER_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "diag.h"

struct state {
	char commit[64];	/* the commit built, in hex */
	uint64_t theme;		/* hash of the theme's files */
	uint64_t flags;		/* hash of the options that change the output */
	time_t valid_from;	/* the output needs a "now" at least this */
	time_t valid_until;	/* the output may change at this "now" (0: never) */
	uint64_t manifest;	/* state_manifest_hash of the output */
};

/*
 * A 64-bit hash of n bytes, FNV-1a taken eight bytes at a time,
 * continuing from h (start with STATE_HASH_INIT).  Not for adversaries:
 * for telling files and inputs apart.  The same bytes in other pieces
 * hash otherwise.
 */
#define STATE_HASH_INIT 14695981039346656037ULL
uint64_t state_hash(uint64_t h, const void *p, size_t n);

/*
 * The path of the cache file .crier-cache/NAME.suffix beside the output
 * folder outdir (NAME: its last part); *dir, if dir is not NULL, gets the
 * cache folder.  The caller frees both.
 */
char *state_cache_path(const char *outdir, const char *suffix, char **dir);

/*
 * What tells outdir's manifest (what crier wrote there) from any other:
 * a hash of its inode and times; 0 if it has none.
 */
uint64_t state_manifest_hash(const char *outdir);

/*
 * 1 if the output outdir was last built from exactly want, at a now in
 * [valid_from, valid_until), and its manifest is as that build left it.
 * A state file that cannot be read as one is reported as a warning and
 * ignored.
 */
int state_fresh(const char *outdir, const struct state *want, time_t now, struct diag *d);

/* Forgets outdir's state, so that its next build does everything. */
void state_forget(const char *outdir);

/* Records st as the state of outdir; failures are warnings only. */
void state_save(const char *outdir, struct state *st, struct diag *d);

#endif

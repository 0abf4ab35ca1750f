/*
 * pages: what each page of the last build was made from.  Every unit of
 * rendering (a post page, an index page, a list's feeds, ...) has an id
 * and a key, a hash of everything its output depends on; a build whose
 * key for a unit equals the last build's keeps that unit's files instead
 * of rendering them again.  Kept in .crier-cache/NAME.pages, tied to the
 * output's manifest: an output changed since is not trusted.
 */
#ifndef CRIER_PAGES_H
#define CRIER_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct pages;

/*
 * The keys of the last build of outdir, or an empty table if there are
 * none, or they do not belong to its output as it is now, or the file is
 * damaged (a warning to d).
 */
struct pages *pages_load(const char *outdir, struct diag *d);

/* A table for n units, filled by pages_set (each slot by one thread). */
struct pages *pages_new(size_t n);

/*
 * The files (*len bytes, a line each) that the unit id made in the last
 * build, if its key was key then; NULL otherwise.
 */
const char *pages_find(const struct pages *p, uint64_t id, uint64_t key, size_t *len);

/* Records that unit slot, id, with key, made files (a line each). */
void pages_set(struct pages *p, size_t slot, uint64_t id, uint64_t key, const char *files);

/*
 * Saves p as the keys of outdir's output as it now is (after the build
 * was published); a failure is a warning.
 */
void pages_save(const struct pages *p, const char *outdir, struct diag *d);

/* Forgets outdir's keys, so that its next build renders everything. */
void pages_forget(const char *outdir);

void pages_free(struct pages *p);

#endif

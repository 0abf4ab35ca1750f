/*
 * output: writing a build.  Files go to a staging folder, which replaces
 * the published output only when the whole build has succeeded, so
 * readers never see a half-written site.  The output replaced is kept in
 * .crier-cache/ (its files are links to the same inodes), with what the
 * new build changed; the next build brings it up to date and stages in
 * it, so that a build writes only the files that change.
 */
#ifndef CRIER_OUTPUT_H
#define CRIER_OUTPUT_H

#include <stddef.h>

#include "diag.h"

/* The file in every output folder crier writes, listing what it wrote. */
#define OUTPUT_MANIFEST ".crier-manifest"

struct output;

/*
 * Refuses (unless force) an output folder crier wrote before that now
 * holds files its manifest does not list: a build replaces the folder
 * whole, and crier only ever removes files it wrote.  When the output's
 * folders are as crier recorded them (see dirs.h), they are not read.
 * output_foreign_start begins the check on a thread of its own, so that
 * the posts are read meanwhile; output_foreign_finish waits for it and
 * reports.  Nothing else may use o in between.  finish returns 0, or -1
 * after reporting to d.
 */
void output_foreign_start(struct output *o, int force);
int output_foreign_finish(struct output *o, struct diag *d);

/*
 * Refuses an output folder that would lose the author's files: the work
 * tree or a folder holding it, one that holds posts/, site.ini or .git,
 * or (unless force) one that holds files without crier's manifest.
 * the git repository, or a folder in or around it, or the posts or themes
 * folder are refused even with force.  workdir may be NULL.  Returns 0,
 * or -1 after reporting to d.
 */
int output_check(const char *dir, const char *workdir, const char *gitdir, const char *posts,
    int force, struct diag *d);

/*
 * Starts a build of the output folder dir: makes a staging folder beside
 * it.  Returns NULL after printing why.
 */
struct output *output_begin(const char *dir, struct diag *d);

/*
 * Makes the stage the build writes into: the output as the build before
 * the last left it, brought up to date, if there is one in .crier-cache/
 * as crier left it; else an empty folder beside the output.  Called once
 * the build knows it will write.  Returns 0, or -1 after reporting.
 */
int output_stage(struct output *o, struct diag *d);

/* 1 if output_stage took the last build's tree, 0 if it staged from scratch. */
int output_reused(const struct output *o);

/*
 * Writes len bytes to the file rel (a relative path of [a-z0-9./_-]
 * segments, no "." or ".." segment) below the staging folder, making
 * folders as needed.  A file is written once: a second write of rel is
 * refused, and reported as what's (a post's path, "the home page", ...).
 * Returns 0, or -1 after reporting to d.
 */
int output_write(struct output *o, const char *rel, const char *data, size_t len,
    const char *what);

/*
 * A writer of its own for a thread: output_writer_write is output_write
 * for it, reporting to d.  Closing it adds what it wrote to the manifest
 * and frees it.
 */
struct output_writer;
struct output_writer *output_writer_new(struct output *o, struct diag *d);
int output_writer_write(struct output_writer *w, const char *rel, const char *data, size_t len,
    const char *what);
void output_writer_close(struct output_writer *w);

/*
 * Keeps the published output's file rel as it is, as a write of the same
 * bytes would: for pages whose inputs did not change.  Returns 0, 1 if
 * there is no such file to keep (write it instead), or -1 after
 * reporting to d (a path written twice).  In a stage that reuses the
 * last build's tree, rel is claimed later, with others under one lock:
 * a path written twice is then reported by output_writer_flush.
 */
int output_writer_keep(struct output_writer *w, const char *rel, const char *what);

/*
 * Claims the files output_writer_keep put off; returns 0, or -1 after
 * reporting a path written twice to d.  Call it before counting d's
 * errors; output_writer_close flushes too.
 */
int output_writer_flush(struct output_writer *w);

/* 1 if output_writer_keep can keep rel: the published output has it. */
int output_has(struct output_writer *w, const char *rel);

/*
 * Writes the manifest and replaces the output with the staging folder.
 * Returns 0, or -1 after reporting to d.  The lock is still held: the
 * caller ends with output_abort, which then only lets it go and frees o.
 */
int output_commit(struct output *o, struct diag *d);

/* Files written, and files kept unchanged (linked from the published output), so far. */
void output_counts(const struct output *o, size_t *written, size_t *kept);

/*
 * Removes the staging folder if it is still there, leaving the output as
 * it was, lets the lock go and frees o; output_abort(NULL) does nothing.
 */
void output_abort(struct output *o);

/* 1 if rel is a relative path that stays below the folder it is joined to. */
int output_safe_path(const char *rel);

/* Removes path and all below it (links are removed, not followed). */
int output_remove_tree(const char *path);

#endif

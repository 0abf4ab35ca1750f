/*
 * output: writing a build.  Files go to a staging folder beside the
 * output, which replaces the published output only when the whole build
 * has succeeded, so readers never see a half-written site.
 */
#ifndef CRIER_OUTPUT_H
#define CRIER_OUTPUT_H

#include <stddef.h>

struct output;

/*
 * Starts a build of the output folder dir: makes a staging folder beside
 * it.  Returns NULL after printing why.
 */
struct output *output_begin(const char *dir);

/*
 * Writes len bytes to the file rel (a relative path of [a-z0-9./_-]
 * segments, no "." or ".." segment) below the staging folder, making
 * folders as needed.  Returns 0, or -1 after printing why.
 */
int output_write(struct output *o, const char *rel, const char *data, size_t len);

/* Replaces the output with the staging folder.  Returns 0 or -1; frees o. */
int output_commit(struct output *o);

/* Removes the staging folder, leaving the output as it was; frees o. */
void output_abort(struct output *o);

/* 1 if rel is a relative path that stays below the folder it is joined to. */
int output_safe_path(const char *rel);

/* Removes path and all below it (links are removed, not followed). */
int output_remove_tree(const char *path);

#endif

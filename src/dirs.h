/*
 * dirs: the folders of a tree of files with their mtimes.  A file added
 * to or removed from a folder changes the folder's mtime, so a tree whose
 * folders all have the mtimes recorded has had no file added or removed
 * since: that is how crier knows, without reading every folder, that
 * nobody put files into its output, or took files from its cache.
 * And, for the walks that do read every folder, how to go down a level.
 */
#ifndef CRIER_DIRS_H
#define CRIER_DIRS_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>

struct dirs;

/*
 * The folders of the tree at root that the files listed in manifest (a
 * relative path a line) are in, and root itself (""), with their mtimes
 * now.  NULL if root cannot be read.
 */
struct dirs *dirs_scan(const char *root, const char *manifest);

/* Reads a record saved by dirs_save, and its tag; NULL if missing or damaged. */
struct dirs *dirs_load(const char *file, uint64_t *tag);

/* 1 if every folder of r is there at root, a folder, with its mtime. */
int dirs_verify(const struct dirs *r, const char *root);

/*
 * Looks again at the n folders paths (relative to root, "" for root) of
 * r: their mtimes now, or gone from r if they are not folders now.
 */
void dirs_update(struct dirs *r, const char *root, char *const *paths, size_t n);

/* Saves r with tag to file, atomically; -1 if it could not. */
int dirs_save(const struct dirs *r, const char *file, uint64_t tag);

void dirs_free(struct dirs *r);

/*
 * The entry de of the folder read by dp, opened as a folder (a symbolic
 * link is not followed): its descriptor; -1 with errno if it cannot be
 * opened; -2 if it is not a folder.
 */
int dirs_open_sub(DIR *dp, const struct dirent *de);

#endif

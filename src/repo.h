/*
 * repo: the git side of a build, through libgit2.  A repo is one commit's
 * tree: site.ini, the posts and the theme are read from it, never from
 * the work tree.  Only repo.c sees libgit2.
 */
#ifndef CRIER_REPO_H
#define CRIER_REPO_H

#include <stddef.h>

#include "diag.h"

struct repo;

struct repo_file {
	char *path;		/* path in the tree, e.g. "posts/a.md" */
	unsigned char id[20];	/* the blob's object id */
};

/*
 * Opens the repository at or around dir (a work tree or a bare
 * repository), called name in errors, and resolves ref to a commit.
 * Returns 0, or -1 after reporting to d.
 */
int repo_open(struct repo **out, const char *dir, const char *name, const char *ref,
    struct diag *d);
void repo_free(struct repo *r);

/*
 * Another handle on the same repository and commit, for another thread:
 * libgit2 objects may not be shared between threads.  NULL after
 * reporting to d.
 */
struct repo *repo_clone(const struct repo *r, struct diag *d);

/*
 * From now on, reads files from the work tree instead of the commit's
 * tree (uncommitted and untracked files included).  Returns 0, or -1
 * after reporting that the repository is bare.
 */
int repo_use_worktree(struct repo *r, struct diag *d);

/* The work tree with a trailing '/', or NULL for a bare repository. */
const char *repo_workdir(const struct repo *r);
/* The repository's git folder (".git/" or the bare repository). */
const char *repo_gitdir(const struct repo *r);
/* The commit's id in hex. */
const char *repo_commit_hex(const struct repo *r);
/* 1 if the built commit is the one HEAD points to. */
int repo_is_head(const struct repo *r);

/* 1 if the repository is a shallow clone, whose history is cut short. */
int repo_is_shallow(const struct repo *r);

/*
 * Reads the file at path of the tree into a new NUL-terminated buffer the
 * caller frees.  Returns 1, 0 if there is no such file, or -1 after
 * reporting that path is not a regular file.
 */
int repo_read(struct repo *r, const char *path, char **data, size_t *len, struct diag *d);

/*
 * Lists the regular files below folder dir of the tree whose names end in
 * suffix (NULL for all), sorted by path.  Symbolic links and submodules
 * are skipped with a warning.  A missing dir is an empty list.  Returns 0,
 * or -1 after reporting to d.
 */
int repo_list(struct repo *r, const char *dir, const char *suffix,
    struct repo_file **files, size_t *n, struct diag *d);
void repo_files_free(struct repo_file *files, size_t n);

/*
 * Reads one listed file, as repo_read does, but -1 (unreported) for a
 * file of the work tree that is gone since it was listed.  A file of the
 * work tree is listed without an id: reading it sets f->id to the id its
 * content would have as a blob, so that it is known by its content like
 * a file of a commit.
 */
int repo_read_file(struct repo *r, struct repo_file *f, char **data, size_t *len,
    struct diag *d);

/*
 * Lets repo_read_file read a file of the commit from the work tree when
 * the file there holds the very bytes of the commit's blob, as a checkout
 * does: a read and a SHA-1 of them cost less than inflating the object.
 * Any other file is read from git.  For a build of HEAD with a work tree;
 * a clone made after the call does the same.
 */
void repo_read_checkout(struct repo *r);

/*
 * How the blobs read through a handle were read: from the work tree
 * (their bytes checked), or from git by loose.c, pack.c or libgit2.
 */
struct repo_reads {
	size_t checkout, loose, packed, libgit2;
};

/* Adds r's reads so far to sum. */
void repo_add_reads(const struct repo *r, struct repo_reads *sum);

/*
 * Says the posts have been read: what reading them holds is let go of,
 * the packs' pages among it (files read later are read from them again).
 */
void repo_done_reading(struct repo *r);

/*
 * Warns about files below dir whose names end in suffix that are new or
 * changed in the work tree and so will not be published as they are.
 * Returns 0 if libgit2 had to look at the work tree's files (see repo.c
 * for when the index tells that they are unchanged), 1 otherwise.
 */
int repo_warn_uncommitted(struct repo *r, const char *dir, const char *suffix, struct diag *d);

#endif

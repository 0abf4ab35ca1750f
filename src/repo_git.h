/*
 * repo_git: the libgit2 objects behind a struct repo, for history.c, the
 * other module allowed to see libgit2.  Borrowed: they live as long as
 * the repo.
 */
#ifndef CRIER_REPO_GIT_H
#define CRIER_REPO_GIT_H

#include <git2.h>

#include "repo.h"

git_repository *repo_git(const struct repo *r);
git_commit *repo_git_commit(const struct repo *r);
/* Its packs, mapped once for every thread (see pack.h). */
struct packs *repo_packs(const struct repo *r);
/* The objects folder of git, for loose_read; the caller frees it. */
char *repo_objdir(git_repository *git);

#endif

/*
 * history: one revwalk, newest commit first, diffing each commit's posts
 * folder against its first parent's (one tree diff per commit, and none
 * when the folder's tree id did not change).
 *
 * Walking back in time, the first commit seen to change a post is its
 * last change and the last one seen is the one that added it.  A rename
 * old -> new makes the name "old" stand for the same post in older
 * commits; an add or a delete closes a name, so an older file that once
 * had the same name is not taken for this one.  At a merge, a change is
 * the merge's own only if the merge differs from every parent there, as
 * git log decides: otherwise the side branch's commits account for it.
 */
#include "history.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo_git.h"
#include "util.h"

struct slot {
	struct history_entry e;	/* what is known so far */
	int changes;		/* content changes seen */
};

struct name {
	char *key;		/* path below the posts folder, NULL if free */
	struct slot *slot;	/* the post this name stands for, or NULL */
	int closed;		/* older commits' changes to this name are another file's */
};

struct map {
	struct name *tab;	/* open addressing, a power of two in size */
	size_t cap, n;
};

struct history {
	struct map names;	/* name in the commit being walked -> post */
	struct map final;	/* name in the built commit -> post */
	struct slot **slots;	/* every slot, for freeing */
	size_t nslots, capslots;
	size_t commits, diffs;	/* work done */
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct name *map_get(struct map *m, const char *key, int add);

static void
map_grow(struct map *m)
{
	struct name *old = m->tab;
	size_t i, oldcap = m->cap;
	struct name *e;

	m->cap = m->cap ? m->cap * 2 : 1024;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	m->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		e = map_get(m, old[i].key, 1);
		free(e->key);
		*e = old[i];
	}
	free(old);
}

/* The entry of key, or NULL; with add, a new entry (slot NULL) if absent. */
static struct name *
map_get(struct map *m, const char *key, int add)
{
	size_t i;

	if (m->cap == 0) {
		if (!add)
			return NULL;
		map_grow(m);
	}
	for (i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->tab[i].key == NULL)
			break;
		if (strcmp(m->tab[i].key, key) == 0)
			return &m->tab[i];
	}
	if (!add)
		return NULL;
	if ((m->n + 1) * 2 > m->cap) {
		map_grow(m);
		return map_get(m, key, 1);
	}
	m->tab[i].key = xstrdup(key);
	m->tab[i].slot = NULL;
	m->tab[i].closed = 0;
	m->n++;
	return &m->tab[i];
}

static void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->tab[i].key);
	free(m->tab);
}

/* The open name of path, made with a new post if unknown; NULL if closed. */
static struct name *
open_name(struct history *h, const char *path)
{
	struct name *n = map_get(&h->names, path, 1), *f;

	if (n->closed)
		return NULL;
	if (n->slot == NULL) {
		n->slot = xcalloc(1, sizeof(*n->slot));
		h->slots = xgrow(h->slots, &h->capslots, h->nslots + 1, sizeof(*h->slots));
		h->slots[h->nslots++] = n->slot;
		/* The first time a name is seen is its newest: the built commit's. */
		f = map_get(&h->final, path, 1);
		if (f->slot == NULL)
			f->slot = n->slot;
	}
	return n;
}

static void
changed(struct slot *s, time_t when)
{
	if (s->changes++ == 0)
		s->e.changed = when;
	s->e.added = when;
}

/* 1 if the blob at path of one of the other parents' posts trees is id (or both absent). */
static int
same_in_other_parent(git_tree *const *others, size_t n, const char *path, const git_oid *id)
{
	git_tree_entry *e;
	size_t i;
	int same;

	for (i = 0; i < n; i++) {
		if (others[i] == NULL) {
			if (id == NULL)
				return 1;
			continue;
		}
		if (git_tree_entry_bypath(&e, others[i], path) < 0) {
			if (id == NULL)
				return 1;
			continue;
		}
		same = id != NULL && git_oid_equal(git_tree_entry_id(e), id);
		git_tree_entry_free(e);
		if (same)
			return 1;
	}
	return 0;
}

static void
apply(struct history *h, const git_diff_delta *d, time_t when, git_tree *const *others,
    size_t nothers)
{
	const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
	const git_oid *id = d->status == GIT_DELTA_DELETED ? NULL : &d->new_file.id;
	struct name *n, *old;

	if (!str_suffix(path, ".md"))
		return;
	if (nothers > 0 && same_in_other_parent(others, nothers, path, id))
		return;
	switch (d->status) {
	case GIT_DELTA_DELETED:
		n = map_get(&h->names, path, 1);
		n->closed = 1;
		break;
	case GIT_DELTA_ADDED:
	case GIT_DELTA_COPIED:
		if ((n = open_name(h, path)) == NULL)
			break;
		changed(n->slot, when);
		n->closed = 1;
		break;
	case GIT_DELTA_MODIFIED:
	case GIT_DELTA_TYPECHANGE:
		if ((n = open_name(h, path)) != NULL)
			changed(n->slot, when);
		break;
	case GIT_DELTA_RENAMED:
		if ((n = open_name(h, path)) == NULL)
			break;
		if (d->similarity < 100)
			changed(n->slot, when);
		n->closed = 1;
		old = map_get(&h->names, d->old_file.path, 1);
		old->slot = n->slot;
		old->closed = 0;
		break;
	default:
		break;
	}
}

/* The tree of folder dir in commit c, or NULL if it has none. */
static git_tree *
subtree(git_repository *repo, const git_commit *c, const char *dir)
{
	git_tree *root = NULL, *sub = NULL;
	git_tree_entry *e = NULL;

	if (git_commit_tree(&root, c) < 0)
		return NULL;
	if (git_tree_entry_bypath(&e, root, dir) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(&sub, repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(root);
	return sub;
}

static int
same_tree(const git_tree *a, const git_tree *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return git_oid_equal(git_tree_id(a), git_tree_id(b));
}

static int
walk_commit(struct history *h, git_repository *repo, const git_oid *oid, const char *dir,
    struct diag *d)
{
	git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
	git_tree *tree = NULL, *first = NULL, *others[8];
	git_commit *c = NULL, *p;
	git_diff *diff = NULL;
	size_t i, n, nparents, nothers = 0;
	time_t when;
	int rc = -1;

	if (git_commit_lookup(&c, repo, oid) < 0)
		goto fail;
	h->commits++;
	when = (time_t)git_commit_author(c)->when.time;
	tree = subtree(repo, c, dir);
	nparents = git_commit_parentcount(c);
	if (nparents > 0) {
		if (git_commit_parent(&p, c, 0) < 0)
			goto fail;
		first = subtree(repo, p, dir);
		git_commit_free(p);
	}
	if (same_tree(first, tree)) {
		rc = 0;
		goto out;
	}
	/* Octopus merges beyond 9 parents are judged by their first 9. */
	for (i = 1; i < nparents && nothers < NELEM(others); i++) {
		if (git_commit_parent(&p, c, (unsigned int)i) < 0)
			goto fail;
		others[nothers++] = subtree(repo, p, dir);
		git_commit_free(p);
	}
	if (git_diff_tree_to_tree(&diff, repo, first, tree, NULL) < 0)
		goto fail;
	h->diffs++;
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_find_similar(diff, &find) < 0)
		goto fail;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++)
		apply(h, git_diff_get_delta(diff, i), when, others, nothers);
	rc = 0;
	goto out;
fail:
	diag_error(d, NULL, 0, "reading history: %s",
	    git_error_last() ? git_error_last()->message : "unknown libgit2 error");
out:
	for (i = 0; i < nothers; i++)
		git_tree_free(others[i]);
	git_diff_free(diff);
	git_tree_free(first);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

struct history *
history_walk(struct repo *r, const char *dir, struct diag *d)
{
	struct history *h = xcalloc(1, sizeof(*h));
	git_repository *repo = repo_git(r);
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t i;
	int err;

	if (git_repository_is_shallow(repo)) {
		diag_warn(d, NULL, 0, "shallow clone: history is incomplete, so dates come from "
		    "front matter and file names only (fetch with --unshallow for the rest)");
		return h;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, git_commit_id(repo_git_commit(r))) < 0)
		goto fail;
	while ((err = git_revwalk_next(&oid, walk)) == 0)
		if (walk_commit(h, repo, &oid, dir, d) < 0) {
			git_revwalk_free(walk);
			history_free(h);
			return NULL;
		}
	if (err != GIT_ITEROVER)
		goto fail;
	git_revwalk_free(walk);
	for (i = 0; i < h->nslots; i++)
		h->slots[i]->e.edited = h->slots[i]->changes > 1;
	return h;
fail:
	diag_error(d, NULL, 0, "reading history: %s",
	    git_error_last() ? git_error_last()->message : "unknown libgit2 error");
	git_revwalk_free(walk);
	history_free(h);
	return NULL;
}

void
history_free(struct history *h)
{
	size_t i;

	if (h == NULL)
		return;
	map_free(&h->names);
	map_free(&h->final);
	for (i = 0; i < h->nslots; i++)
		free(h->slots[i]);
	free(h->slots);
	free(h);
}

const struct history_entry *
history_find(const struct history *h, const char *path)
{
	struct name *n = map_get((struct map *)&h->final, path, 0);

	return n && n->slot && n->slot->changes > 0 ? &n->slot->e : NULL;
}

void
history_stats(const struct history *h, size_t *commits, size_t *diffs)
{
	*commits = h->commits;
	*diffs = h->diffs;
}

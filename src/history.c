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

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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
	git_tree *recent[4];	/* the posts trees read last, newest first */
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

/* One change between two trees, as the walk needs it. */
struct delta {
	git_delta_t status;	/* ADDED, DELETED, MODIFIED or RENAMED */
	char *path;		/* new path (old path for DELETED) */
	char *old_path;		/* RENAMED: the path before */
	git_oid id;		/* the blob after (before, for DELETED) */
	int similarity;		/* RENAMED: 100 for an unchanged file */
};

struct deltas {
	struct delta *d;
	size_t n, cap;
};

static void
push_delta(struct deltas *ds, git_delta_t status, const char *path, const git_oid *id)
{
	struct delta *d;

	ds->d = xgrow(ds->d, &ds->cap, ds->n + 1, sizeof(*ds->d));
	d = &ds->d[ds->n++];
	memset(d, 0, sizeof(*d));
	d->status = status;
	d->path = xstrdup(path);
	git_oid_cpy(&d->id, id);
}

static void
clear_deltas(struct deltas *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		free(ds->d[i].path);
		free(ds->d[i].old_path);
	}
	ds->n = 0;
}

static void
apply(struct history *h, const struct delta *d, time_t when, git_tree *const *others,
    size_t nothers)
{
	const git_oid *id = d->status == GIT_DELTA_DELETED ? NULL : &d->id;
	struct name *n, *old;

	if (!str_suffix(d->path, ".md"))
		return;
	if (nothers > 0 && same_in_other_parent(others, nothers, d->path, id))
		return;
	switch (d->status) {
	case GIT_DELTA_DELETED:
		n = map_get(&h->names, d->path, 1);
		n->closed = 1;
		break;
	case GIT_DELTA_ADDED:
		if ((n = open_name(h, d->path)) == NULL)
			break;
		changed(n->slot, when);
		n->closed = 1;
		break;
	case GIT_DELTA_MODIFIED:
		if ((n = open_name(h, d->path)) != NULL)
			changed(n->slot, when);
		break;
	case GIT_DELTA_RENAMED:
		if ((n = open_name(h, d->path)) == NULL)
			break;
		if (d->similarity < 100)
			changed(n->slot, when);
		n->closed = 1;
		old = map_get(&h->names, d->old_path, 1);
		old->slot = n->slot;
		old->closed = 0;
		break;
	default:
		break;
	}
}

/* Git's order of tree entries: a folder sorts as if its name ended in '/'. */
static int
entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *an = git_tree_entry_name(a), *bn = git_tree_entry_name(b);
	size_t al = strlen(an), bl = strlen(bn), n = al < bl ? al : bl;
	int c = memcmp(an, bn, n);
	unsigned char ac, bc;

	if (c != 0)
		return c;
	ac = al > n ? (unsigned char)an[n] : git_tree_entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
	bc = bl > n ? (unsigned char)bn[n] : git_tree_entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
	return (int)ac - (int)bc;
}

static int diff_trees(git_repository *repo, const git_tree *a, const git_tree *b,
    struct buf *path, struct deltas *ds);

/* Records every file below entry e (a file or a folder) as status. */
static int
whole(git_repository *repo, const git_tree_entry *e, git_delta_t status, struct buf *path,
    struct deltas *ds)
{
	git_tree *t;
	int rc;

	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		push_delta(ds, status, path->s, git_tree_entry_id(e));
		return 0;
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return 0;	/* submodules are not posts */
	if (git_tree_lookup(&t, repo, git_tree_entry_id(e)) < 0)
		return -1;
	rc = status == GIT_DELTA_ADDED ? diff_trees(repo, NULL, t, path, ds) :
	    diff_trees(repo, t, NULL, path, ds);
	git_tree_free(t);
	return rc;
}

/*
 * The files that differ between trees a and b (either may be NULL), by a
 * merge of their sorted entries: unchanged entries cost one id compare,
 * unchanged folders are not opened.
 */
static int
diff_trees(git_repository *repo, const git_tree *a, const git_tree *b, struct buf *path,
    struct deltas *ds)
{
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t plen = path->len;
	const git_tree_entry *ea, *eb;
	git_tree *ta, *tb;
	int c, rc = 0;

	while (rc == 0 && (i < na || j < nb)) {
		ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		c = ea == NULL ? 1 : eb == NULL ? -1 : entry_cmp(ea, eb);
		path->len = plen;
		buf_printf(path, "%s%s", plen ? "/" : "", git_tree_entry_name(c <= 0 ? ea : eb));
		if (c < 0) {
			rc = whole(repo, ea, GIT_DELTA_DELETED, path, ds);
			i++;
		} else if (c > 0) {
			rc = whole(repo, eb, GIT_DELTA_ADDED, path, ds);
			j++;
		} else {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
				continue;
			if (git_tree_entry_type(ea) == GIT_OBJECT_TREE &&
			    git_tree_entry_type(eb) == GIT_OBJECT_TREE) {
				if (git_tree_lookup(&ta, repo, git_tree_entry_id(ea)) < 0)
					return -1;
				if (git_tree_lookup(&tb, repo, git_tree_entry_id(eb)) < 0) {
					git_tree_free(ta);
					return -1;
				}
				rc = diff_trees(repo, ta, tb, path, ds);
				git_tree_free(ta);
				git_tree_free(tb);
			} else if (git_tree_entry_type(ea) == GIT_OBJECT_BLOB &&
			    git_tree_entry_type(eb) == GIT_OBJECT_BLOB) {
				push_delta(ds, GIT_DELTA_MODIFIED, path->s, git_tree_entry_id(eb));
			} else {
				rc = whole(repo, ea, GIT_DELTA_DELETED, path, ds);
				if (rc == 0)
					rc = whole(repo, eb, GIT_DELTA_ADDED, path, ds);
			}
		}
	}
	path->len = plen;
	if (path->s)
		path->s[plen] = '\0';
	return rc;
}

/*
 * Pairs deleted and added files with the same blob as pure renames.  If
 * posts are still both deleted and added, some may be renamed and edited
 * at once: libgit2's similarity detection decides those, for this commit
 * only.  Returns 1 if that is needed.
 */
static int
exact_renames(struct deltas *ds)
{
	size_t i, j, adds = 0, dels = 0;
	struct delta *del, *add;

	for (i = 0; i < ds->n; i++) {
		del = &ds->d[i];
		if (del->status != GIT_DELTA_DELETED || !str_suffix(del->path, ".md"))
			continue;
		for (j = 0; j < ds->n; j++) {
			add = &ds->d[j];
			if (add->status == GIT_DELTA_ADDED && str_suffix(add->path, ".md") &&
			    git_oid_equal(&add->id, &del->id))
				break;
		}
		if (j == ds->n)
			continue;
		add->status = GIT_DELTA_RENAMED;
		add->old_path = del->path;
		add->similarity = 100;
		del->path = xstrdup("");
		del->status = GIT_DELTA_UNMODIFIED;
	}
	for (i = 0; i < ds->n; i++) {
		adds += ds->d[i].status == GIT_DELTA_ADDED && str_suffix(ds->d[i].path, ".md");
		dels += ds->d[i].status == GIT_DELTA_DELETED && str_suffix(ds->d[i].path, ".md");
	}
	return adds > 0 && dels > 0;
}

/* The deltas of libgit2's diff of a and b with rename detection. */
static int
similar_renames(git_repository *repo, git_tree *a, git_tree *b, struct deltas *ds)
{
	git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
	const git_diff_delta *gd;
	git_diff *diff = NULL;
	size_t i, n;
	int rc = -1;

	clear_deltas(ds);
	if (git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0)
		goto out;
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_find_similar(diff, &find) < 0)
		goto out;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		gd = git_diff_get_delta(diff, i);
		if (gd->status == GIT_DELTA_DELETED) {
			push_delta(ds, gd->status, gd->old_file.path, &gd->old_file.id);
			continue;
		}
		push_delta(ds, gd->status == GIT_DELTA_COPIED ? GIT_DELTA_ADDED :
		    gd->status == GIT_DELTA_TYPECHANGE ? GIT_DELTA_MODIFIED : gd->status,
		    gd->new_file.path, &gd->new_file.id);
		if (gd->status == GIT_DELTA_RENAMED) {
			ds->d[ds->n - 1].old_path = xstrdup(gd->old_file.path);
			ds->d[ds->n - 1].similarity = (int)gd->similarity;
		}
	}
	rc = 0;
out:
	git_diff_free(diff);
	return rc;
}

/*
 * The tree of folder dir in commit c, or NULL if it has none.  libgit2
 * does not cache trees as large as a big posts folder, and walking back
 * each commit's parent is the next commit walked, so the last few are
 * kept here: each is then read and inflated once, not twice.
 */
static git_tree *
subtree(struct history *h, git_repository *repo, const git_commit *c, const char *dir)
{
	git_tree *root = NULL, *sub = NULL;
	git_tree_entry *e = NULL;
	size_t i;

	if (git_commit_tree(&root, c) < 0)
		return NULL;
	if (git_tree_entry_bypath(&e, root, dir) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		for (i = 0; i < NELEM(h->recent); i++)
			if (h->recent[i] && git_oid_equal(git_tree_id(h->recent[i]), git_tree_entry_id(e))) {
				git_tree_dup(&sub, h->recent[i]);
				break;
			}
		if (sub == NULL && git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0) {
			git_tree_free(h->recent[NELEM(h->recent) - 1]);
			memmove(h->recent + 1, h->recent, (NELEM(h->recent) - 1) * sizeof(*h->recent));
			git_tree_dup(&h->recent[0], sub);
		}
	}
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
    struct deltas *ds, struct buf *path)
{
	git_tree *tree = NULL, *first = NULL, *others[8];
	git_commit *c = NULL, *p;
	size_t i, nparents, nothers = 0;
	time_t when;
	int rc = -1;

	clear_deltas(ds);
	if (git_commit_lookup(&c, repo, oid) < 0)
		goto fail;
	when = (time_t)git_commit_author(c)->when.time;
	tree = subtree(h, repo, c, dir);
	nparents = git_commit_parentcount(c);
	if (nparents > 0) {
		if (git_commit_parent(&p, c, 0) < 0)
			goto fail;
		first = subtree(h, repo, p, dir);
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
		others[nothers++] = subtree(h, repo, p, dir);
		git_commit_free(p);
	}
	buf_reset(path);
	if (diff_trees(repo, first, tree, path, ds) < 0)
		goto fail;
	if (exact_renames(ds) && similar_renames(repo, first, tree, ds) < 0)
		goto fail;
	for (i = 0; i < ds->n; i++)
		apply(h, &ds->d[i], when, others, nothers);
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	for (i = 0; i < nothers; i++)
		git_tree_free(others[i]);
	git_tree_free(first);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

struct history *
history_none(void)
{
	return xcalloc(1, sizeof(struct history));
}

/*
 * The walk, on a thread of its own with a repository handle of its own
 * (libgit2 objects may not be shared between threads), so that it runs
 * while the posts are read and rendered.
 */
struct history_job {
	pthread_t thread;	/* the walk */
	int started;		/* thread is running */
	char *gitdir;		/* the repository to open */
	git_oid commit;		/* the commit whose history is walked */
	char *dir;		/* the posts folder */
	struct history *h;	/* the result */
	char *err;		/* why the walk failed, or NULL */
};

static void *
run(void *arg)
{
	struct history_job *j = arg;
	struct history *h = j->h;
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	struct deltas ds = { NULL, 0, 0 };
	struct buf path = BUF_INIT;
	git_oid oid;
	size_t i;
	int err;

	if (git_repository_open(&repo, j->gitdir) < 0 ||
	    git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, &j->commit) < 0)
		goto fail;
	while ((err = git_revwalk_next(&oid, walk)) == 0)
		if (walk_commit(h, repo, &oid, j->dir, &ds, &path) < 0)
			goto fail;
	if (err != GIT_ITEROVER)
		goto fail;
	for (i = 0; i < h->nslots; i++)
		h->slots[i]->e.edited = h->slots[i]->changes > 1;
	goto out;
fail:
	j->err = xstrdup(git_error_last() ? git_error_last()->message : "unknown libgit2 error");
out:
	/* The cached trees belong to this thread's repository. */
	for (i = 0; i < NELEM(h->recent); i++) {
		git_tree_free(h->recent[i]);
		h->recent[i] = NULL;
	}
	git_revwalk_free(walk);
	git_repository_free(repo);
	clear_deltas(&ds);
	free(ds.d);
	buf_free(&path);
	return NULL;
}

struct history_job *
history_start(struct repo *r, const char *dir, struct diag *d)
{
	struct history_job *j = xcalloc(1, sizeof(*j));
	git_repository *repo = repo_git(r);

	j->h = history_none();
	if (git_repository_is_shallow(repo)) {
		diag_warn(d, NULL, 0, "shallow clone: history is incomplete, so dates come from "
		    "front matter and file names only (fetch with --unshallow for the rest)");
		return j;
	}
	j->gitdir = xstrdup(git_repository_path(repo));
	git_oid_cpy(&j->commit, git_commit_id(repo_git_commit(r)));
	j->dir = xstrdup(dir);
	if (pthread_create(&j->thread, NULL, run, j) != 0)
		run(j);
	else
		j->started = 1;
	return j;
}

struct history *
history_finish(struct history_job *j, struct diag *d)
{
	struct history *h = j->h;

	if (j->started)
		pthread_join(j->thread, NULL);
	if (j->err != NULL) {
		diag_error(d, NULL, 0, "reading history: %s", j->err);
		history_free(h);
		h = NULL;
	}
	free(j->err);
	free(j->gitdir);
	free(j->dir);
	free(j);
	return h;
}


void
history_free(struct history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < NELEM(h->recent); i++)
		git_tree_free(h->recent[i]);
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


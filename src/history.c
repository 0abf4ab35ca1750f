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
 *
 * The walk is kept in .crier-cache/NAME.history beside the output: the
 * commit walked, how many commits its history has, and every change to a
 * post the walk applied, in the order it applied them.  The next build,
 * of a newer commit, walks until that commit comes in its walk; if every
 * commit before it is one that the cached walk lacks, what is left of the
 * walk is the cached one, commit for commit, and its changes are applied
 * again from the cache instead of from the trees.
 */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "buf.h"
#include "loose.h"
#include "pack.h"
#include "repo_git.h"
#include "state.h"
#include "util.h"

/* The first line of a cache file; the number changes with its format or meaning. */
#define CACHE_MAGIC "crier-history 1\n"

/* A cache file larger than this is not one crier wrote. */
#define CACHE_MAX (1024L * 1024 * 1024)

#define FNV_INIT 14695981039346656037ULL

struct slot {
	struct history_entry e;	/* what is known so far */
	int changes;		/* content changes seen, counted up to 2 */
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
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

/* The hash of a name, for the maps: eight bytes at a time (the caches' sums stay fnv). */
static uint64_t
hash(const char *s)
{
	uint64_t h = state_hash(STATE_HASH_INIT, s, strlen(s));

	return h ^ (h >> 29);
}

static struct name *map_get(struct map *m, const char *key, int add);

static void
map_grow(struct map *m, size_t cap)
{
	struct name *old = m->tab;
	size_t i, j, oldcap = m->cap;

	m->cap = cap;
	m->tab = xzalloc(m->cap, sizeof(*m->tab));
	/* The keys are all different: each goes to the first free slot of its probe. */
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = hash(old[i].key) & (m->cap - 1); m->tab[j].key != NULL; j = (j + 1) & (m->cap - 1))
			;
		m->tab[j] = old[i];
	}
	free(old);
}

/* Room for n names without growing again. */
static void
map_reserve(struct map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 1024;

	while (n * 2 > cap)
		cap *= 2;
	if (cap > m->cap)
		map_grow(m, cap);
}

/* The entry of key, or NULL; with add, a new entry (slot NULL) if absent. */
static struct name *
map_get(struct map *m, const char *key, int add)
{
	size_t i;

	if (m->cap == 0) {
		if (!add)
			return NULL;
		map_grow(m, 1024);
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
		map_grow(m, m->cap * 2);
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

/* Only "none", "one" and "more than one" matter: the count stops at 2. */
static void
changed(struct slot *s, time_t when)
{
	if (s->changes == 0)
		s->e.changed = when;
	if (s->changes < 2)
		s->changes++;
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

/*
 * One change to a post as the walk applies it, and as the cache keeps it:
 * kind is 'A' (added), 'M' (modified), 'D' (deleted), 'R' (renamed from
 * old, and edited) or 'P' (renamed from old as it was).
 */
struct change {
	char kind;
	time_t when;		/* the commit's author date */
	const char *path;	/* below the posts folder */
	const char *old;	/* 'R' and 'P': the path before */
};

static void
apply(struct history *h, const struct change *c)
{
	struct name *n, *old;

	switch (c->kind) {
	case 'D':
		n = map_get(&h->names, c->path, 1);
		n->closed = 1;
		break;
	case 'A':
		if ((n = open_name(h, c->path)) == NULL)
			break;
		changed(n->slot, c->when);
		n->closed = 1;
		break;
	case 'M':
		if ((n = open_name(h, c->path)) != NULL)
			changed(n->slot, c->when);
		break;
	case 'R':
	case 'P':
		if ((n = open_name(h, c->path)) == NULL)
			break;
		if (c->kind == 'R')
			changed(n->slot, c->when);
		n->closed = 1;
		old = map_get(&h->names, c->old, 1);
		old->slot = n->slot;
		old->closed = 0;
		break;
	default:
		break;
	}
}

/* Appends c to log as a line of the cache: "KIND WHEN LENGTH:PATH[ LENGTH:OLD]". */
static void
log_change(struct buf *log, const struct change *c)
{
	char head[64];
	size_t n = strlen(c->path);
	int len;

	len = snprintf(head, sizeof(head), "%c %lld %zu:", c->kind, (long long)c->when, n);
	if (len < 0 || (size_t)len >= sizeof(head))
		die("history: cannot format a change");
	buf_put(log, head, (size_t)len);
	buf_put(log, c->path, n);
	if (c->old != NULL) {
		len = snprintf(head, sizeof(head), " %zu:", strlen(c->old));
		if (len < 0 || (size_t)len >= sizeof(head))
			die("history: cannot format a change");
		buf_put(log, head, (size_t)len);
		buf_puts(log, c->old);
	}
	buf_putc(log, '\n');
}

/*
 * Applies the delta d of a commit dated when to the posts, and logs it
 * (if log is not NULL), unless it is no post's or, at a merge, not the
 * merge's own.  Returns 1 if it did.
 */
static int
apply_delta(struct history *h, struct buf *log, const struct delta *d, time_t when,
    git_tree *const *others, size_t nothers)
{
	const git_oid *id = d->status == GIT_DELTA_DELETED ? NULL : &d->id;
	struct change c = { 0, when, d->path, NULL };

	if (!str_suffix(d->path, ".md"))
		return 0;
	if (nothers > 0 && same_in_other_parent(others, nothers, d->path, id))
		return 0;
	switch (d->status) {
	case GIT_DELTA_DELETED:
		c.kind = 'D';
		break;
	case GIT_DELTA_ADDED:
		c.kind = 'A';
		break;
	case GIT_DELTA_MODIFIED:
		c.kind = 'M';
		break;
	case GIT_DELTA_RENAMED:
		c.kind = d->similarity < 100 ? 'R' : 'P';
		c.old = d->old_path;
		break;
	default:
		return 0;
	}
	if (log != NULL)
		log_change(log, &c);
	apply(h, &c);
	return 1;
}

/*
 * A tree object's bytes, as git stores them: entries "MODE SP NAME NUL
 * ID" (ID is 20 raw bytes), sorted in git's order.  The walk compares
 * these bytes rather than libgit2's parsed trees: a posts folder of
 * 10,000 posts is a tree of 10,000 entries, read for every commit, and
 * most of two neighbouring commits' trees is the same bytes.
 */
struct raw {
	git_oid id;			/* the tree */
	const unsigned char *data;	/* its bytes */
	size_t len;
	git_odb_backend *backend;	/* data is this backend's to free, or */
	git_odb_object *obj;		/* data is this object's, or */
	char *own;			/* data is this, from loose_read, or */
	struct pack_obj *po;		/* data is this one's, from pack_read */
	size_t *cp;			/* offsets where entries start, ascending (see diff_top) */
	size_t ncp, capcp;
};

/* One entry of a raw tree. */
struct entry {
	unsigned int mode;		/* the file mode, e.g. 0100644 */
	const char *name;		/* NUL-terminated, in the tree's bytes */
	size_t namelen;
	const unsigned char *id;	/* GIT_OID_RAWSZ bytes */
	size_t end;			/* offset of the next entry */
};

/* What one walk reads with: its own repository handle and scratch space. */
struct walker {
	git_repository *repo;	/* the walk thread's own handle */
	git_odb *odb;		/* its object database */
	char *objdir;		/* its objects folder, for loose_read */
	struct pack *pack;	/* this thread's reader of its packs */
	const char *dir;	/* the posts folder */
	struct raw *recent[4];	/* the posts trees read last, most recently used first */
	struct deltas ds;	/* the changes of the commit being walked */
	struct buf path;	/* the path of the entry being compared */
	int logging;		/* the walk is to be kept */
	struct buf log;		/* if so, the changes applied, as the cache keeps them */
	size_t nlog;		/* how many */
};

static void
raw_free(struct raw *t)
{
	if (t->backend != NULL)
		git_odb_backend_data_free(t->backend, (void *)t->data);
	git_odb_object_free(t->obj);
	free(t->own);
	pack_put(t->po);
	free(t->cp);
	memset(t, 0, sizeof(*t));
}

/*
 * Reads tree id.  The object database's backends are asked in turn, as
 * git_odb_read does, but without its check that the bytes hash to id:
 * on a big posts folder that SHA-1 costs about as much as the rest of the
 * walk, git itself makes it only in fsck, and zlib's checksum and the
 * parse of each entry still catch a damaged tree.
 * A loose tree is read with libdeflate (loose.c), twice as fast as zlib;
 * a packed one by pack.c, which keeps the deltas it rebuilt (libgit2
 * rebuilds a large tree from its full base each time).
 * What no backend has (a pack made since the database was opened, the
 * empty tree) is left to git_odb_read.
 */
static int
raw_read(struct walker *w, const git_oid *id, struct raw *t)
{
	char msg[96];
	git_odb_backend *b;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t i, n = git_odb_num_backends(w->odb), len;
	void *data;
	int rc;

	memset(t, 0, sizeof(*t));
	git_oid_cpy(&t->id, id);
	switch (loose_read(w->objdir, id->id, "tree", &t->own, &len)) {
	case 1:
		t->data = (const unsigned char *)t->own;
		t->len = len;
		return 0;
	case -1:
		snprintf(msg, sizeof(msg), "the object %s is damaged", git_oid_tostr_s(id));
		git_error_set_str(GIT_ERROR_OBJECT, msg);
		return -1;
	}
	if ((t->po = pack_read(w->pack, id->id, "tree")) != NULL) {
		t->data = t->po->data;
		t->len = t->po->len;
		return 0;
	}
	for (i = 0; i < n && t->data == NULL; i++) {
		if (git_odb_get_backend(&b, w->odb, i) < 0 || b->read == NULL)
			continue;
		rc = b->read(&data, &len, &type, b, id);
		if (rc == GIT_ENOTFOUND || rc == GIT_PASSTHROUGH)
			continue;
		if (rc < 0)
			return -1;
		t->backend = b;
		t->data = data;
		t->len = len;
	}
	if (t->data == NULL) {
		git_error_clear();
		if (git_odb_read(&t->obj, w->odb, id) < 0)
			return -1;
		type = git_odb_object_type(t->obj);
		t->data = git_odb_object_data(t->obj);
		t->len = git_odb_object_size(t->obj);
	}
	if (type != GIT_OBJECT_TREE) {
		git_error_set_str(GIT_ERROR_OBJECT, "a posts folder is not a tree");
		raw_free(t);
		return -1;
	}
	return 0;
}

/*
 * The posts tree id, kept: walking back, each commit's parent is the next
 * commit walked, so each tree is read once, not twice.  The tree stays
 * until four others have been asked for after it.
 */
static const struct raw *
recent_tree(struct walker *w, const git_oid *id)
{
	struct raw *t = NULL;
	size_t i, last = NELEM(w->recent) - 1;

	for (i = 0; i <= last; i++)
		if (w->recent[i] != NULL && git_oid_equal(&w->recent[i]->id, id)) {
			t = w->recent[i];
			memmove(w->recent + 1, w->recent, i * sizeof(*w->recent));
			w->recent[0] = t;
			return t;
		}
	t = xcalloc(1, sizeof(*t));
	if (raw_read(w, id, t) < 0) {
		free(t);
		return NULL;
	}
	if (w->recent[last] != NULL) {
		raw_free(w->recent[last]);
		free(w->recent[last]);
	}
	memmove(w->recent + 1, w->recent, last * sizeof(*w->recent));
	w->recent[0] = t;
	return t;
}

static int
malformed(void)
{
	git_error_set_str(GIT_ERROR_OBJECT, "malformed tree object");
	return -1;
}

/* The entry at offset pos of t.  Returns 0, or -1 if the bytes are not one. */
static int
entry_at(const struct raw *t, size_t pos, struct entry *e)
{
	const unsigned char *p = t->data + pos, *end = t->data + t->len, *nul;
	unsigned int mode = 0;

	while (p < end && *p >= '0' && *p <= '7' && mode < 01000000)
		mode = mode * 8 + (unsigned int)(*p++ - '0');
	if (p == t->data + pos || p == end || *p++ != ' ')
		return malformed();
	if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL || nul == p ||
	    (size_t)(end - nul) < 1 + GIT_OID_RAWSZ)
		return malformed();
	e->mode = mode;
	e->name = (const char *)p;
	e->namelen = (size_t)(nul - p);
	e->id = nul + 1;
	e->end = (size_t)(nul + 1 + GIT_OID_RAWSZ - t->data);
	return 0;
}

static git_object_t
entry_type(const struct entry *e)
{
	if ((e->mode & 0170000) == 0040000)
		return GIT_OBJECT_TREE;
	if ((e->mode & 0170000) == 0160000)
		return GIT_OBJECT_COMMIT;	/* a submodule */
	return GIT_OBJECT_BLOB;
}

/* Git's order of tree entries: a folder sorts as if its name ended in '/'. */
static int
entry_cmp(const struct entry *a, const struct entry *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);
	unsigned char ac, bc;

	if (c != 0)
		return c;
	ac = a->namelen > n ? (unsigned char)a->name[n] : entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
	bc = b->namelen > n ? (unsigned char)b->name[n] : entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
	return (int)ac - (int)bc;
}

/* How many bytes a and b (n each) have in common at their start, or with end, at their end. */
static size_t
same_bytes(const unsigned char *a, const unsigned char *b, size_t n, int end)
{
	size_t k = 0, chunk;

	/* memcmp by the page, then byte by byte in the page that differs */
	for (; k < n; k += chunk) {
		chunk = n - k < 4096 ? n - k : 4096;
		if (memcmp(end ? a - k - chunk : a + k, end ? b - k - chunk : b + k, chunk) != 0)
			break;
	}
	if (end)
		while (k < n && a[-1 - (ptrdiff_t)k] == b[-1 - (ptrdiff_t)k])
			k++;
	else
		while (k < n && a[k] == b[k])
			k++;
	return k;
}

static void
set_path(struct buf *path, size_t plen, const struct entry *e)
{
	path->len = plen;
	if (plen > 0)
		buf_putc(path, '/');
	buf_put(path, e->name, e->namelen);
}

/*
 * What diff_top asks of diff_trees for the posts folders: start at
 * offset start (an entry of both), and note the entries of fresh it
 * passes, and where the two are in step again before the end.
 */
struct sync {
	size_t head, tail;	/* the bytes both start and end with, found already */
	size_t start;
	struct raw *fresh;	/* a or b */
	size_t at_a, at_b;	/* where the rest of both is the same, or */
	int synced;		/* 0 if they were not before the end */
};

static int diff_trees(struct walker *w, const struct raw *a, const struct raw *b, struct sync *s);

/* Records every file below entry e (a file or a folder; its path set) as status. */
static int
whole(struct walker *w, const struct entry *e, git_delta_t status)
{
	struct raw t;
	git_oid id;
	int rc;

	git_oid_fromraw(&id, e->id);
	if (entry_type(e) == GIT_OBJECT_BLOB) {
		push_delta(&w->ds, status, w->path.s, &id);
		return 0;
	}
	if (entry_type(e) != GIT_OBJECT_TREE)
		return 0;	/* submodules are not posts */
	if (raw_read(w, &id, &t) < 0)
		return -1;
	rc = status == GIT_DELTA_ADDED ? diff_trees(w, NULL, &t, NULL) : diff_trees(w, &t, NULL, NULL);
	raw_free(&t);
	return rc;
}

/* The folders a and b, both changed at path (set). */
static int
diff_folders(struct walker *w, const struct entry *ea, const struct entry *eb)
{
	struct raw ta, tb;
	git_oid id;
	int rc;

	git_oid_fromraw(&id, ea->id);
	if (raw_read(w, &id, &ta) < 0)
		return -1;
	git_oid_fromraw(&id, eb->id);
	if (raw_read(w, &id, &tb) < 0) {
		raw_free(&ta);
		return -1;
	}
	rc = diff_trees(w, &ta, &tb, NULL);
	raw_free(&ta);
	raw_free(&tb);
	return rc;
}

/*
 * What pack.c says a and b share at their start and end without a look
 * at the bytes: when one is a delta on the other, the copies of the
 * other's first and last bytes (at 100,000 posts, 8 MiB of each tree not
 * compared).  0 when neither is.
 */
static void
known_same(const struct raw *a, const struct raw *b, size_t *head, size_t *tail)
{
	const struct pack_obj *x = a->po, *y = b->po;

	*head = *tail = 0;
	if (x == NULL || y == NULL)
		return;
	if (y->has_base && y->base_pack == x->pack && y->base_offset == x->offset) {
		*head = y->head;
		*tail = y->tail;
	} else if (x->has_base && x->base_pack == y->pack && x->base_offset == y->offset) {
		*head = x->head;
		*tail = x->tail;
	}
}

/* How many bytes a and b share at their start and at their end: what pack.c says, and then a look. */
static void
shared_ends(const struct raw *a, const struct raw *b, size_t *head, size_t *tail)
{
	size_t n = a->len < b->len ? a->len : b->len;

	known_same(a, b, head, tail);
	*head = *head > n ? n : *head;
	*tail = *tail > n ? n : *tail;
	*head += same_bytes(a->data + *head, b->data + *head, n - *head, 0);
	*tail += same_bytes(a->data + a->len - *tail, b->data + b->len - *tail, n - *tail, 1);
}

/* Notes that an entry of t starts at offset at, past those noted (see diff_top). */
static void
note_cp(struct raw *t, size_t at)
{
	if (t->ncp > 0 && t->cp[t->ncp - 1] >= at)
		return;
	t->cp = xgrow(t->cp, &t->capcp, t->ncp + 1, sizeof(*t->cp));
	t->cp[t->ncp++] = at;
}

/*
 * The files that differ between trees a and b (either may be NULL), by a
 * merge of their sorted entries, into w->ds.  The bytes the two trees
 * share at their start and at their end are not looked at entry by
 * entry: an entry within the shared start at the same offset in both is
 * the same entry, and once both sides are at an entry with the same
 * shared bytes left, the rest is the same.  Unchanged folders are not
 * opened.
 */
static int
diff_trees(struct walker *w, const struct raw *a, const struct raw *b, struct sync *s)
{
	size_t na = a ? a->len : 0, nb = b ? b->len : 0;
	size_t i = 0, j = 0, head = 0, tail = 0, plen = w->path.len;
	struct entry ea, eb;
	int c, rc = 0;

	if (s != NULL) {
		head = s->head;
		tail = s->tail;
		i = j = s->start;
	} else if (a != NULL && b != NULL)
		shared_ends(a, b, &head, &tail);
	while (rc == 0 && (i < na || j < nb)) {
		if (s != NULL)
			note_cp(s->fresh, s->fresh == a ? i : j);
		if (na - i == nb - j && na - i <= tail) {
			if (s != NULL) {
				s->synced = 1;
				s->at_a = i;
				s->at_b = j;
			}
			break;
		}
		if (i < na && (rc = entry_at(a, i, &ea)) < 0)
			break;
		if (i < na && i == j && ea.end <= head) {
			i = j = ea.end;
			continue;
		}
		if (j < nb && (rc = entry_at(b, j, &eb)) < 0)
			break;
		c = i == na ? 1 : j == nb ? -1 : entry_cmp(&ea, &eb);
		if (c < 0) {
			set_path(&w->path, plen, &ea);
			rc = whole(w, &ea, GIT_DELTA_DELETED);
			i = ea.end;
			continue;
		}
		if (c > 0) {
			set_path(&w->path, plen, &eb);
			rc = whole(w, &eb, GIT_DELTA_ADDED);
			j = eb.end;
			continue;
		}
		i = ea.end;
		j = eb.end;
		if (memcmp(ea.id, eb.id, GIT_OID_RAWSZ) == 0)
			continue;
		set_path(&w->path, plen, &ea);
		if (entry_type(&ea) == GIT_OBJECT_TREE && entry_type(&eb) == GIT_OBJECT_TREE) {
			rc = diff_folders(w, &ea, &eb);
		} else if (entry_type(&ea) == GIT_OBJECT_BLOB && entry_type(&eb) == GIT_OBJECT_BLOB) {
			git_oid id;

			git_oid_fromraw(&id, eb.id);
			push_delta(&w->ds, GIT_DELTA_MODIFIED, w->path.s, &id);
		} else {
			rc = whole(w, &ea, GIT_DELTA_DELETED);
			if (rc == 0)
				rc = whole(w, &eb, GIT_DELTA_ADDED);
		}
	}
	w->path.len = plen;
	if (w->path.s)
		w->path.s[plen] = '\0';
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

/* The deltas of libgit2's diff of posts trees a and b (either may be NULL) with rename detection. */
static int
similar_renames(git_repository *repo, const git_oid *a, const git_oid *b, struct deltas *ds)
{
	git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
	const git_diff_delta *gd;
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	size_t i, n;
	int rc = -1;

	clear_deltas(ds);
	if ((a != NULL && git_tree_lookup(&ta, repo, a) < 0) ||
	    (b != NULL && git_tree_lookup(&tb, repo, b) < 0))
		goto out;
	if (git_diff_tree_to_tree(&diff, repo, ta, tb, NULL) < 0)
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
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

/* The id of the posts folder's tree in commit c: 1, 0 if it has none, -1 on error. */
static int
posts_id(struct walker *w, const git_commit *c, git_oid *id)
{
	git_tree *root = NULL;
	git_tree_entry *e = NULL;
	int rc = 0;

	if (git_commit_tree(&root, c) < 0)
		return -1;
	if (git_tree_entry_bypath(&e, root, w->dir) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		git_oid_cpy(id, git_tree_entry_id(e));
		rc = 1;
	}
	git_error_clear();
	git_tree_entry_free(e);
	git_tree_free(root);
	return rc;
}

/* The parsed posts tree of the n-th parent of c, or NULL if it has none, in *out. */
static int
parent_tree(struct walker *w, const git_commit *c, unsigned int n, git_tree **out)
{
	git_commit *p = NULL;
	git_oid id;
	int rc = -1, has;

	*out = NULL;
	if (git_commit_parent(&p, c, n) < 0 || (has = posts_id(w, p, &id)) < 0)
		goto out;
	if (has && git_tree_lookup(out, w->repo, &id) < 0)
		goto out;
	rc = 0;
out:
	git_commit_free(p);
	return rc;
}

/* Every 64th entry of t (and its first) into t->cp, by a parse of all of it. */
static int
full_cp(struct raw *t)
{
	struct entry e;
	size_t at, k;

	t->ncp = 0;
	for (at = 0, k = 0; at < t->len; at = e.end, k++) {
		if (k % 64 == 0)
			note_cp(t, at);
		if (entry_at(t, at, &e) < 0)
			return -1;
	}
	return 0;
}

/*
 * The posts folders of a commit and its first parent.  On a large flat
 * folder, most of each tree is the same bytes as the other's at its
 * start (and its end); walking those entries one by one was most of the
 * walk.  So each tree keeps where some of its entries start: the merge
 * starts at the last of those in the shared start, and the other tree's
 * are noted on the way (from the shared start, then as the merge passes
 * them, then from the shared end), so that the next commit's diff can
 * skip the same way.  The first tree is parsed whole once.
 */
static int
diff_top(struct walker *w, struct raw *a, struct raw *b)
{
	struct sync s = { 0, 0, 0, NULL, 0, 0, 0 };
	struct raw *known, *fresh;
	size_t lo, hi, mid, k, base, shift;
	int rc;

	if (a == NULL || b == NULL || a == b)
		return diff_trees(w, a, b, NULL);
	known = b->ncp > 0 ? b : a->ncp > 0 ? a : b;
	fresh = known == b ? a : b;
	if (known->ncp == 0 && full_cp(known) < 0) {
		known->ncp = 0;
		return diff_trees(w, a, b, NULL);
	}
	/* The last start of an entry of known within the bytes both start with. */
	shared_ends(a, b, &s.head, &s.tail);
	for (lo = 0, hi = known->ncp; hi - lo > 1;) {
		mid = lo + (hi - lo) / 2;
		if (known->cp[mid] <= s.head)
			lo = mid;
		else
			hi = mid;
	}
	/* The same entries in fresh, up to there. */
	fresh->ncp = 0;
	for (k = 0; k <= lo; k++)
		note_cp(fresh, known->cp[k]);
	s.start = known->cp[lo];
	s.fresh = fresh;
	rc = diff_trees(w, a, b, &s);
	if (rc < 0 || !s.synced) {
		if (rc < 0)
			fresh->ncp = 0;
		return rc;
	}
	/* Where the rest is the same, known's entries are fresh's, shifted. */
	base = known == a ? s.at_a : s.at_b;
	shift = known == a ? s.at_b : s.at_a;
	for (k = 0; k < known->ncp; k++)
		if (known->cp[k] > base)
			note_cp(fresh, known->cp[k] - base + shift);
	return 0;
}

static int
walk_commit(struct history *h, struct walker *w, const git_oid *oid)
{
	git_tree *others[8];
	git_commit *c = NULL, *p = NULL;
	const struct raw *tree = NULL, *first = NULL;
	git_oid tid, fid;
	size_t i, nparents, nothers = 0;
	int has_tree, has_first = 0, rc = -1;
	time_t when;

	clear_deltas(&w->ds);
	if (git_commit_lookup(&c, w->repo, oid) < 0 || (has_tree = posts_id(w, c, &tid)) < 0)
		goto out;
	when = (time_t)git_commit_author(c)->when.time;
	nparents = git_commit_parentcount(c);
	if (nparents > 0 && (git_commit_parent(&p, c, 0) < 0 ||
	    (has_first = posts_id(w, p, &fid)) < 0))
		goto out;
	if (has_tree == has_first && (!has_tree || git_oid_equal(&tid, &fid))) {
		rc = 0;
		goto out;
	}
	/* Octopus merges beyond 9 parents are judged by their first 9. */
	for (i = 1; i < nparents && nothers < NELEM(others); i++) {
		if (parent_tree(w, c, (unsigned int)i, &others[nothers]) < 0)
			goto out;
		nothers++;
	}
	if ((has_tree && (tree = recent_tree(w, &tid)) == NULL) ||
	    (has_first && (first = recent_tree(w, &fid)) == NULL))
		goto out;
	buf_reset(&w->path);
	if (diff_top(w, (struct raw *)first, (struct raw *)tree) < 0)
		goto out;
	if (exact_renames(&w->ds) && similar_renames(w->repo, first ? &fid : NULL,
	    tree ? &tid : NULL, &w->ds) < 0)
		goto out;
	for (i = 0; i < w->ds.n; i++)
		if (apply_delta(h, w->logging ? &w->log : NULL, &w->ds.d[i], when, others,
		    nothers))
			w->nlog++;
	rc = 0;
out:
	for (i = 0; i < nothers; i++)
		git_tree_free(others[i]);
	git_commit_free(p);
	git_commit_free(c);
	return rc;
}

/* A change read back from a cache: its paths are in the cache's text. */
struct logged {
	char kind;		/* as in struct change */
	time_t when;
	size_t path, old;	/* offsets of NUL-terminated paths (old 0 if none) */
	size_t pathlen, oldlen;
};

/* A walk kept in a cache file, as read back. */
struct kept {
	struct buf text;	/* the file; its paths NUL-terminated once parsed */
	struct buf log;		/* its lines of changes as they were, to keep them */
	git_oid commit;		/* the commit walked */
	size_t ncommits;	/* the commits of its history, itself included */
	struct logged *changes;	/* in the order the walk applied them */
	size_t n, cap;
};

static void
kept_clear(struct kept *c)
{
	buf_free(&c->text);
	buf_free(&c->log);
	free(c->changes);
	memset(c, 0, sizeof(*c));
}

/* Applies the cached walk's changes again, as the walk did. */
static void
kept_replay(struct history *h, const struct kept *c)
{
	struct change ch;
	size_t i;

	/* Each change names at most two paths, and most name one met before. */
	map_reserve(&h->names, c->n);
	map_reserve(&h->final, c->n);
	for (i = 0; i < c->n; i++) {
		ch.kind = c->changes[i].kind;
		ch.when = c->changes[i].when;
		ch.path = c->text.s + c->changes[i].path;
		ch.old = c->changes[i].old ? c->text.s + c->changes[i].old : NULL;
		apply(h, &ch);
	}
}

/* The cache folder beside outdir and the cache's path in it. */
static char *
kept_path(const char *outdir, char **dir)
{
	return state_cache_path(outdir, "history", dir);
}

/* The libgit2 line of a cache: another libgit2 may order a walk otherwise. */
static void
put_libgit2(struct buf *b)
{
	int major = 0, minor = 0, rev = 0;

	git_libgit2_version(&major, &minor, &rev);
	buf_printf(b, "libgit2 %d.%d.%d\n", major, minor, rev);
}

/* The part of a cache's text not parsed yet. */
struct cursor {
	const char *p, *end;
};

static int
lit(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* A decimal number of at most 18 digits, negative only if allowed. */
static int
num(struct cursor *c, long long *v, int negative)
{
	long long x = 0;
	int neg = 0, digits = 0;

	if (negative && c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && digits < 18) {
		x = x * 10 + (*c->p++ - '0');
		digits++;
	}
	if (digits == 0 || (c->p < c->end && *c->p >= '0' && *c->p <= '9'))
		return -1;
	*v = neg ? -x : x;
	return 0;
}

/* "LENGTH:BYTES", the bytes without NUL: their offset in text and length. */
static int
span(struct cursor *c, const char *text, size_t *off, size_t *len)
{
	long long n;

	if (num(c, &n, 0) < 0 || n == 0 || lit(c, ":") < 0 || c->end - c->p < n ||
	    memchr(c->p, '\0', (size_t)n) != NULL)
		return -1;
	*off = (size_t)(c->p - text);
	*len = (size_t)n;
	c->p += n;
	return 0;
}

/*
 * Parses the text of c, as cache_save writes it.  Returns 0, 1 if it is a
 * good cache of another posts folder or another libgit2, or -1 if it is
 * not one (damaged, or another crier's).
 */
static int
kept_parse(struct kept *c, const char *dir)
{
	const char *text = c->text.s;
	size_t len = c->text.len, off, dirlen, start, i;
	struct cursor cur;
	struct buf want = BUF_INIT;
	struct logged *l;
	long long v, count;
	int rc = -1;

	if (len < 21 + strlen(CACHE_MAGIC))
		return -1;
	cur.p = text;
	cur.end = text + len - 21;	/* the last line is "sum %016llx\n" */
	buf_printf(&want, "sum %016llx\n", (unsigned long long)fnv(FNV_INIT, text, len - 21));
	if (memcmp(cur.end, want.s, 21) != 0 || lit(&cur, CACHE_MAGIC) < 0)
		goto out;
	buf_reset(&want);
	put_libgit2(&want);
	if (lit(&cur, want.s) < 0) {
		rc = 1;
		goto out;
	}
	if (lit(&cur, "commit ") < 0 || cur.end - cur.p < GIT_OID_HEXSZ ||
	    git_oid_fromstrn(&c->commit, cur.p, GIT_OID_HEXSZ) < 0)
		goto out;
	cur.p += GIT_OID_HEXSZ;
	if (lit(&cur, "\ncommits ") < 0 || num(&cur, &v, 0) < 0 || v == 0 ||
	    lit(&cur, "\ndir ") < 0 || span(&cur, text, &off, &dirlen) < 0 ||
	    lit(&cur, "\nchanges ") < 0 || num(&cur, &count, 0) < 0 || lit(&cur, "\n") < 0)
		goto out;
	c->ncommits = (size_t)v;
	start = (size_t)(cur.p - text);
	for (; count > 0; count--) {
		c->changes = xgrow(c->changes, &c->cap, c->n + 1, sizeof(*c->changes));
		l = &c->changes[c->n];
		memset(l, 0, sizeof(*l));
		if (cur.p == cur.end || *cur.p == '\0' || strchr("AMDRP", *cur.p) == NULL)
			goto out;
		l->kind = *cur.p++;
		if (lit(&cur, " ") < 0 || num(&cur, &v, 1) < 0 || lit(&cur, " ") < 0 ||
		    span(&cur, text, &l->path, &l->pathlen) < 0)
			goto out;
		l->when = (time_t)v;
		if ((l->kind == 'R' || l->kind == 'P') &&
		    (lit(&cur, " ") < 0 || span(&cur, text, &l->old, &l->oldlen) < 0))
			goto out;
		if (lit(&cur, "\n") < 0)
			goto out;
		c->n++;
	}
	if (cur.p != cur.end)
		goto out;
	rc = dirlen == strlen(dir) && memcmp(text + off, dir, dirlen) == 0 ? 0 : 1;
	if (rc != 0)
		goto out;
	buf_put(&c->log, text + start, (size_t)(cur.end - text) - start);
	/* Each path ends where the space or the newline after it was. */
	for (i = 0; i < c->n; i++) {
		l = &c->changes[i];
		c->text.s[l->path + l->pathlen] = '\0';
		if (l->old)
			c->text.s[l->old + l->oldlen] = '\0';
	}
out:
	buf_free(&want);
	return rc;
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
	struct packs *packs;	/* its packs, mapped */
	git_oid commit;		/* the commit whose history is walked */
	char *dir;		/* the posts folder */
	char *cachedir;		/* the cache's folder, or NULL for no cache */
	char *cachepath;	/* the cache file */
	struct history *h;	/* the result */
	char *err;		/* why the walk failed, or NULL */
	int bad_cache;		/* the cache was no cache of this crier */
	int read_errno;		/* the cache could not be read (not ENOENT) */
	int save_errno;		/* the cache could not be saved */
};

/* Reads the cache into c: 0, or -1 if there is none that this walk can use. */
static int
kept_load(struct history_job *j, struct kept *c)
{
	char chunk[65536];
	ssize_t n = 0;
	int fd, rc = -1;

	memset(c, 0, sizeof(*c));
	if ((fd = open(j->cachepath, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			j->read_errno = errno;
		return -1;
	}
	while (c->text.len <= CACHE_MAX && (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&c->text, chunk, (size_t)n);
	if (n < 0)
		j->read_errno = errno;
	else if (c->text.len > CACHE_MAX || (rc = kept_parse(c, j->dir)) < 0)
		j->bad_cache = 1;
	close(fd);
	if (rc != 0)
		kept_clear(c);
	return rc == 0 ? 0 : -1;
}

/*
 * Keeps the walk of j's commit, whose history has ncommits commits: the
 * changes in log (nlog of them), then those of older, if the walk stopped
 * at older's commit.  Written to a temporary file, then renamed into place.
 */
static void
kept_save(struct history_job *j, size_t ncommits, const struct buf *log, size_t nlog,
    const struct kept *older)
{
	char hex[GIT_OID_HEXSZ + 1], *tmp = xasprintf("%s.tmp", j->cachepath);
	struct buf b = BUF_INIT;
	size_t off = 0;
	ssize_t n;
	int fd;

	git_oid_tostr(hex, sizeof(hex), &j->commit);
	buf_puts(&b, CACHE_MAGIC);
	put_libgit2(&b);
	buf_printf(&b, "commit %s\ncommits %zu\ndir %zu:%s\nchanges %zu\n", hex, ncommits,
	    strlen(j->dir), j->dir, nlog + (older ? older->n : 0));
	buf_put(&b, log->s, log->len);
	if (older != NULL)
		buf_put(&b, older->log.s, older->log.len);
	buf_printf(&b, "sum %016llx\n", (unsigned long long)fnv(FNV_INIT, b.s, b.len));
	if (mkdir(j->cachedir, 0777) < 0 && errno != EEXIST)
		goto fail;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		goto fail;
	for (; off < b.len; off += (size_t)n)
		if ((n = write(fd, b.s + off, b.len - off)) < 0) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			close(fd);
			goto fail;
		}
	if (close(fd) < 0 || rename(tmp, j->cachepath) < 0)
		goto fail;
	goto out;
fail:
	j->save_errno = errno;
	unlink(tmp);
out:
	buf_free(&b);
	free(tmp);
}

static void *
run(void *arg)
{
	struct history_job *j = arg;
	struct history *h = j->h;
	struct walker w = { 0 };
	struct kept c = { 0 };
	git_revwalk *walk = NULL;
	git_oid oid, *ids = NULL;
	size_t i, nids = 0, capids = 0, stop;
	int err, cached = 0;

	w.dir = j->dir;
	w.logging = j->cachepath != NULL;
	if (git_repository_open(&w.repo, j->gitdir) < 0 || git_repository_odb(&w.odb, w.repo) < 0)
		goto fail;
	w.objdir = repo_objdir(w.repo);
	w.pack = pack_open(j->packs);
	if (j->cachepath != NULL)
		cached = kept_load(j, &c) == 0;
	if (cached && git_oid_equal(&c.commit, &j->commit)) {
		kept_replay(h, &c);
		goto done;	/* the cache stays as it is */
	}
	if (git_revwalk_new(&walk, w.repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, &j->commit) < 0)
		goto fail;
	while ((err = git_revwalk_next(&oid, walk)) == 0) {
		ids = xgrow(ids, &capids, nids + 1, sizeof(*ids));
		ids[nids++] = oid;
	}
	if (err != GIT_ITEROVER)
		goto fail;
	/*
	 * The cache can be used if the commits before the cached one in this
	 * walk are exactly those its history lacks.  A topological order puts
	 * its ancestors after it, so those before it all are such commits,
	 * and the count tells whether they are all of them.  From there on,
	 * the walk is the cached walk, in the same order: libgit2's sort is a
	 * queue by date in which, once the newer commits are out, only the
	 * cached commit waits, as at the start of the cached walk.
	 */
	stop = nids;
	for (i = 0; cached && i < nids; i++)
		if (git_oid_equal(&ids[i], &c.commit)) {
			if (nids - i == c.ncommits)
				stop = i;
			break;
		}
	for (i = 0; i < stop; i++)
		if (walk_commit(h, &w, &ids[i]) < 0)
			goto fail;
	if (stop < nids)
		kept_replay(h, &c);
	if (j->cachepath != NULL)
		kept_save(j, nids, &w.log, w.nlog, stop < nids ? &c : NULL);
done:
	for (i = 0; i < h->nslots; i++)
		h->slots[i]->e.edited = h->slots[i]->changes > 1;
	goto out;
fail:
	j->err = xstrdup(git_error_last() ? git_error_last()->message : "unknown libgit2 error");
out:
	for (i = 0; i < NELEM(w.recent); i++)
		if (w.recent[i] != NULL) {
			raw_free(w.recent[i]);
			free(w.recent[i]);
		}
	kept_clear(&c);
	free(ids);
	git_revwalk_free(walk);
	git_odb_free(w.odb);
	free(w.objdir);
	pack_free(w.pack);
	git_repository_free(w.repo);
	clear_deltas(&w.ds);
	free(w.ds.d);
	buf_free(&w.path);
	buf_free(&w.log);
	return NULL;
}

struct history *
history_none(void)
{
	return xcalloc(1, sizeof(struct history));
}

struct history_job *
history_start(struct repo *r, const char *dir, const char *outdir, struct diag *d)
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
	j->packs = packs_ref(repo_packs(r));
	git_oid_cpy(&j->commit, git_commit_id(repo_git_commit(r)));
	j->dir = xstrdup(dir);
	if (outdir != NULL)
		j->cachepath = kept_path(outdir, &j->cachedir);
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
	if (j->read_errno != 0)
		diag_warn(d, j->cachepath, 0, "cannot read the history kept (%s); walking all of it",
		    strerror(j->read_errno));
	if (j->bad_cache)
		diag_warn(d, j->cachepath, 0, "damaged, or not a history cache of this crier; "
		    "walking all of the history");
	if (j->save_errno != 0)
		diag_warn(d, j->cachepath, 0, "cannot keep the history walked (%s); the next "
		    "build walks all of it", strerror(j->save_errno));
	if (j->err != NULL) {
		diag_error(d, NULL, 0, "reading history: %s", j->err);
		history_free(h);
		h = NULL;
	}
	free(j->err);
	free(j->gitdir);
	packs_put(j->packs);
	free(j->dir);
	free(j->cachedir);
	free(j->cachepath);
	free(j);
	return h;
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

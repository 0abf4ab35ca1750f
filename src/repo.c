/*
 * repo: libgit2.  The repository, the commit and its tree live as long
 * as the struct repo; blobs are copied out so that nothing borrowed from
 * libgit2 outlives its owner.
 */
#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "buf.h"
#include "dirs.h"
#include "loose.h"
#include "pack.h"
#include "repo_git.h"
#include "util.h"

struct repo {
	git_repository *git;	/* the open repository */
	git_commit *commit;	/* the commit being built */
	git_tree *tree;		/* its tree */
	char hex[GIT_OID_HEXSZ + 1];	/* the commit id */
	int worktree;		/* files come from the work tree, not the tree */
	char *objdir;		/* its objects folder, for loose_read */
	struct packs *packs;	/* its packs, shared with the clones */
	struct pack *pk;	/* this handle's reader of them, once one is read */
};

/*
 * crier reads local repositories only and never opens a connection, but
 * libgit2 built with mbedTLS (as Debian's is) parses every CA certificate
 * of the system as it starts: a fifth of a build with nothing to do.
 * libgit2 calls the parser through the PLT, so this definition is the one
 * it finds: it loads nothing, and libgit2 starts without certificates,
 * which only a TLS connection would need.  (libgit2 built with OpenSSL,
 * as on the BSDs, never calls it.)
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);

int
mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return -0x2900;		/* MBEDTLS_ERR_X509_FILE_IO_ERROR */
}

static const char *
git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

char *
repo_objdir(git_repository *git)
{
	return xasprintf("%sobjects", git_repository_commondir(git));
}

int
repo_open(struct repo **out, const char *dir, const char *name, const char *ref, struct diag *d)
{
	struct repo *r = xcalloc(1, sizeof(*r));
	git_object *obj = NULL;

	*out = NULL;
	git_libgit2_init();
	/*
	 * libgit2 hashes every object again as it reads it (SHA-1 with
	 * collision detection, a fifth of a cold build); git does not, and
	 * zlib's checksum and the parsers still catch a damaged object.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* Each object is read once; libgit2's cache of them only holds memory. */
	git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
	if (git_repository_open_ext(&r->git, dir, 0, NULL) < 0) {
		diag_error(d, name, 0, "not in a git repository (nor is any folder above it)");
		goto fail;
	}
	if (git_revparse_single(&obj, r->git, ref) < 0) {
		if (git_repository_head_unborn(r->git) == 1)
			diag_error(d, NULL, 0, "the repository has no commits yet: commit your posts first");
		else
			diag_error(d, NULL, 0, "%s: no such commit, branch or tag (%s)", ref, git_msg());
		goto fail;
	}
	if (git_object_peel((git_object **)&r->commit, obj, GIT_OBJECT_COMMIT) < 0) {
		diag_error(d, NULL, 0, "%s does not name a commit: %s", ref, git_msg());
		goto fail;
	}
	if (git_commit_tree(&r->tree, r->commit) < 0) {
		diag_error(d, NULL, 0, "cannot read the tree of %s: %s", ref, git_msg());
		goto fail;
	}
	git_oid_tostr(r->hex, sizeof(r->hex), git_commit_id(r->commit));
	r->objdir = repo_objdir(r->git);
	r->packs = packs_open(r->objdir);
	git_object_free(obj);
	*out = r;
	return 0;
fail:
	git_object_free(obj);
	repo_free(r);
	return -1;
}

struct repo *
repo_clone(const struct repo *r, struct diag *d)
{
	struct repo *c = xcalloc(1, sizeof(*c));

	git_libgit2_init();
	c->worktree = r->worktree;
	memcpy(c->hex, r->hex, sizeof(c->hex));
	if (git_repository_open(&c->git, git_repository_path(r->git)) < 0 ||
	    git_commit_lookup(&c->commit, c->git, git_commit_id(r->commit)) < 0 ||
	    git_commit_tree(&c->tree, c->commit) < 0) {
		diag_error(d, NULL, 0, "cannot open the repository again: %s", git_msg());
		repo_free(c);
		return NULL;
	}
	c->objdir = repo_objdir(c->git);
	c->packs = packs_ref(r->packs);
	return c;
}

void
repo_free(struct repo *r)
{
	if (r == NULL)
		return;
	git_tree_free(r->tree);
	git_commit_free(r->commit);
	git_repository_free(r->git);
	free(r->objdir);
	pack_free(r->pk);
	packs_put(r->packs);
	free(r);
	git_libgit2_shutdown();
}

const char *
repo_workdir(const struct repo *r)
{
	return git_repository_workdir(r->git);
}

const char *
repo_gitdir(const struct repo *r)
{
	return git_repository_path(r->git);
}

const char *
repo_commit_hex(const struct repo *r)
{
	return r->hex;
}

int
repo_is_shallow(const struct repo *r)
{
	return git_repository_is_shallow(r->git) == 1;
}

int
repo_is_head(const struct repo *r)
{
	git_oid head;

	return git_reference_name_to_id(&head, r->git, "HEAD") == 0 &&
	    git_oid_equal(&head, git_commit_id(r->commit));
}

int
repo_use_worktree(struct repo *r, struct diag *d)
{
	if (git_repository_workdir(r->git) == NULL) {
		diag_error(d, NULL, 0, "--worktree: the repository is bare, it has no work tree");
		return -1;
	}
	r->worktree = 1;
	return 0;
}

/*
 * Reads the work tree's file at path into a new buffer.  Returns 1, 0 if
 * there is none, -1 after reporting that it is no regular file or cannot
 * be read.
 */
static int
read_work(struct repo *r, const char *path, char **data, size_t *len, struct diag *d)
{
	char *full = xasprintf("%s%s", git_repository_workdir(r->git), path);
	struct buf b = BUF_INIT;
	struct stat st;
	char chunk[65536];
	ssize_t n;
	int fd, rc = -1;

	if (lstat(full, &st) < 0) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
		if (rc < 0)
			diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, path, 0, "not a regular file%s",
		    S_ISLNK(st.st_mode) ? " (symbolic links are not followed)" : "");
		goto out;
	}
	if ((fd = open(full, O_RDONLY | O_NOFOLLOW)) < 0) {
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0) {
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
		buf_free(&b);
		goto out;
	}
	*len = b.len;
	*data = buf_detach(&b);
	rc = 1;
out:
	free(full);
	return rc;
}

static int
read_blob(struct repo *r, const git_oid *id, const char *path, char **data,
    size_t *len, struct diag *d)
{
	struct pack_obj *po;
	git_blob *blob;
	git_object_size_t n;

	switch (loose_read(r->objdir, id->id, "blob", data, len)) {
	case 1:
		return 1;
	case -1:
		diag_error(d, path, 0, "cannot read from git: the object %s is damaged",
		    git_oid_tostr_s(id));
		return -1;
	}
	/* Packed: pack.c inflates with libdeflate; what it cannot read, libgit2 does. */
	if (!packs_empty(r->packs)) {
		if (r->pk == NULL)
			r->pk = pack_open(r->packs);
		if ((po = pack_read(r->pk, id->id, "blob")) != NULL) {
			*len = po->len;
			*data = xmalloc(po->len + 1);
			memcpy(*data, po->data, po->len + 1);
			pack_put(po);
			return 1;
		}
	}
	if (git_blob_lookup(&blob, r->git, id) < 0) {
		diag_error(d, path, 0, "cannot read from git: %s", git_msg());
		return -1;
	}
	n = git_blob_rawsize(blob);
	*data = xmalloc((size_t)n + 1);
	memcpy(*data, git_blob_rawcontent(blob), (size_t)n);
	(*data)[n] = '\0';
	*len = (size_t)n;
	git_blob_free(blob);
	return 1;
}

int
repo_read(struct repo *r, const char *path, char **data, size_t *len, struct diag *d)
{
	git_tree_entry *e;
	git_filemode_t mode;
	int rc;

	*data = NULL;
	*len = 0;
	if (r->worktree)
		return read_work(r, path, data, len, d);
	if (git_tree_entry_bypath(&e, r->tree, path) < 0)
		return 0;
	mode = git_tree_entry_filemode(e);
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		diag_error(d, path, 0, "not a regular file in the commit%s",
		    mode == GIT_FILEMODE_LINK ? " (symbolic links are not followed)" : "");
		git_tree_entry_free(e);
		return -1;
	}
	rc = read_blob(r, git_tree_entry_id(e), path, data, len, d);
	git_tree_entry_free(e);
	return rc;
}

int
repo_read_file(struct repo *r, struct repo_file *f, char **data, size_t *len,
    struct diag *d)
{
	git_oid id;

	if (r->worktree) {
		if (read_work(r, f->path, data, len, d) <= 0)
			return -1;
		if (git_odb_hash(&id, *data, *len, GIT_OBJECT_BLOB) < 0) {
			diag_error(d, f->path, 0, "cannot hash: %s", git_msg());
			free(*data);
			*data = NULL;
			return -1;
		}
		memcpy(f->id, id.id, sizeof(f->id));
		return 1;
	}
	git_oid_fromraw(&id, f->id);
	return read_blob(r, &id, f->path, data, len, d);
}

void
repo_files_read(struct repo *r)
{
	packs_drop(r->packs);
}

struct list {
	struct repo_file *files;
	size_t n, cap;
	const char *suffix;
};

static int
walk(struct repo *r, const git_tree *tree, struct buf *path, struct list *l, struct diag *d)
{
	size_t i, n = git_tree_entrycount(tree), plen = path->len;
	const git_tree_entry *e;
	git_filemode_t mode;
	git_tree *sub;
	const char *name;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		e = git_tree_entry_byindex(tree, i);
		name = git_tree_entry_name(e);
		mode = git_tree_entry_filemode(e);
		path->len = plen;
		buf_printf(path, "/%s", name);
		if (mode == GIT_FILEMODE_TREE) {
			if (git_tree_lookup(&sub, r->git, git_tree_entry_id(e)) < 0) {
				diag_error(d, path->s, 0, "cannot read from git: %s", git_msg());
				return -1;
			}
			rc = walk(r, sub, path, l, d);
			git_tree_free(sub);
			continue;
		}
		if (l->suffix && !str_suffix(name, l->suffix))
			continue;
		if (mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT) {
			diag_warn(d, path->s, 0, "%s not followed; not published",
			    mode == GIT_FILEMODE_LINK ? "symbolic link" : "submodule");
			continue;
		}
		l->files = xgrow(l->files, &l->cap, l->n + 1, sizeof(*l->files));
		l->files[l->n].path = xstrndup(path->s, path->len);
		memcpy(l->files[l->n].id, git_tree_entry_id(e)->id, 20);
		l->n++;
	}
	path->len = plen;
	return rc;
}

/* walk() for the work tree: regular files only, ".git" and links skipped. */
static int
walk_work(struct repo *r, struct buf *path, struct list *l, struct diag *d)
{
	char *full = xasprintf("%s%s", git_repository_workdir(r->git), path->s);
	size_t plen = path->len;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int rc = 0;

	if ((dir = opendir(full)) == NULL) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc < 0)
			diag_error(d, path->s, 0, "cannot read: %s", strerror(errno));
		free(full);
		return rc;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		char *child;

		if (de->d_name[0] == '.')
			continue;
		path->len = plen;
		buf_printf(path, "/%s", de->d_name);
		child = xasprintf("%s/%s", full, de->d_name);
		if (lstat(child, &st) < 0) {
			free(child);
			continue;
		}
		free(child);
		if (S_ISDIR(st.st_mode)) {
			rc = walk_work(r, path, l, d);
			continue;
		}
		if (l->suffix && !str_suffix(de->d_name, l->suffix))
			continue;
		if (!S_ISREG(st.st_mode)) {
			diag_warn(d, path->s, 0, "symbolic link not followed; not published");
			continue;
		}
		l->files = xgrow(l->files, &l->cap, l->n + 1, sizeof(*l->files));
		l->files[l->n].path = xstrndup(path->s, path->len);
		memset(l->files[l->n].id, 0, sizeof(l->files[l->n].id));
		l->n++;
	}
	closedir(dir);
	free(full);
	path->len = plen;
	path->s[plen] = '\0';
	return rc;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct repo_file *)a)->path, ((const struct repo_file *)b)->path);
}

int
repo_list(struct repo *r, const char *dir, const char *suffix,
    struct repo_file **files, size_t *n, struct diag *d)
{
	struct list l = { NULL, 0, 0, suffix };
	struct buf path = BUF_INIT;
	git_tree_entry *e = NULL;
	git_tree *sub = NULL;
	int rc = 0;

	*files = NULL;
	*n = 0;
	if (r->worktree) {
		buf_puts(&path, dir);
		rc = walk_work(r, &path, &l, d);
		buf_free(&path);
		if (rc < 0) {
			repo_files_free(l.files, l.n);
			return -1;
		}
		goto sorted;
	}
	if (git_tree_entry_bypath(&e, r->tree, dir) < 0)
		return 0;
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
		diag_error(d, dir, 0, "not a folder in the commit");
		git_tree_entry_free(e);
		return -1;
	}
	if (git_tree_lookup(&sub, r->git, git_tree_entry_id(e)) < 0) {
		diag_error(d, dir, 0, "cannot read from git: %s", git_msg());
		git_tree_entry_free(e);
		return -1;
	}
	buf_puts(&path, dir);
	rc = walk(r, sub, &path, &l, d);
	buf_free(&path);
	git_tree_free(sub);
	git_tree_entry_free(e);
	if (rc < 0) {
		repo_files_free(l.files, l.n);
		return -1;
	}
sorted:
	xqsort(l.files, l.n, sizeof(*l.files), cmp_file);
	*files = l.files;
	*n = l.n;
	return 0;
}

void
repo_files_free(struct repo_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(files[i].path);
	free(files);
}

/* Files larger than this are left to libgit2 to compare. */
#define MAX_HASHED ((off_t)16 << 20)

/* 1 if the file path below fd, of size bytes, holds the bytes of blob id. */
static int
same_blob(int fd, const char *path, off_t size, const git_oid *id)
{
	git_oid got;
	char *data;
	ssize_t n = 0;
	size_t len = 0;
	int f, same = 0;

	if (size > MAX_HASHED || (f = openat(fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	data = xmalloc((size_t)size + 1);
	while (len <= (size_t)size && (n = read(f, data + len, (size_t)size + 1 - len)) > 0)
		len += (size_t)n;
	close(f);
	same = n == 0 && len == (size_t)size && git_odb_hash(&got, data, len, GIT_OBJECT_BLOB) == 0 &&
	    git_oid_equal(&got, id);
	free(data);
	return same;
}

/*
 * 1 if the file at fd's path is as index entry e has it: by what git
 * recorded of it, or, if the file was written in the index's own instant
 * or after, or its times differ, by its bytes.  (libgit2 would also find
 * such a file unchanged, unless a filter such as autocrlf applies: then
 * its bytes differ from the blob's, and libgit2 is asked.)
 */
static int
stat_matches(int fd, const git_index_entry *e, const struct stat *index_st)
{
	struct stat st;

	if (GIT_INDEX_ENTRY_STAGE(e) != 0 || (e->flags_extended & GIT_INDEX_ENTRY_EXTENDED_FLAGS) ||
	    (e->mode != 0100644 && e->mode != 0100755) ||
	    fstatat(fd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 0100) != (e->mode & 0100))
		return 0;
	if ((e->mtime.seconds < (int32_t)index_st->st_mtim.tv_sec ||
	    (e->mtime.seconds == (int32_t)index_st->st_mtim.tv_sec &&
	    e->mtime.nanoseconds < (uint32_t)index_st->st_mtim.tv_nsec)) &&
	    e->file_size == (uint32_t)st.st_size &&
	    e->mtime.seconds == (int32_t)st.st_mtim.tv_sec &&
	    e->mtime.nanoseconds == (uint32_t)st.st_mtim.tv_nsec &&
	    e->ctime.seconds == (int32_t)st.st_ctim.tv_sec &&
	    e->ctime.nanoseconds == (uint32_t)st.st_ctim.tv_nsec &&
	    e->ino == (uint32_t)st.st_ino)
		return 1;
	return same_blob(fd, e->path, st.st_size, &e->id);
}

/* A look at the work tree, shared by two threads. */
struct clean_job {
	int fd;				/* the work tree */
	struct stat index_st;		/* the index file */
	const git_index_entry **e;	/* the entries below the folder with the suffix */
	const char **paths;		/* their paths, sorted by strcmp */
	size_t n;
	const char *suffix;
	_Atomic size_t next;		/* the next entry no thread has taken */
	_Atomic int bad;		/* a thread found something git must look at */
	struct buf path;		/* the walk's: the folder walked */
	pthread_t thread;
};

/* Entries are taken a run at a time. */
#define CLEAN_RUN 256

static void
stat_entries(struct clean_job *j)
{
	size_t i, start;

	while (!j->bad && (start = atomic_fetch_add(&j->next, CLEAN_RUN)) < j->n)
		for (i = start; i < start + CLEAN_RUN && i < j->n; i++)
			if (!stat_matches(j->fd, j->e[i], &j->index_st)) {
				j->bad = 1;
				return;
			}
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * 1 if every file below the work tree's folder j->path (open at fd)
 * whose name ends in the suffix is one of the entries.
 */
static int
none_untracked(struct clean_job *j, int fd)
{
	struct buf *path = &j->path;
	const char *key;
	struct dirent *de;
	size_t len = path->len;
	int sub, ok = 1;
	DIR *dp;

	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while (ok && !j->bad && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path->len = len;
		buf_printf(path, "/%s", de->d_name);
		if ((sub = open_subdir(dp, de)) != -2)
			ok = sub >= 0 && none_untracked(j, sub);
		else if (str_suffix(de->d_name, j->suffix)) {
			key = buf_str(path);
			ok = bsearch(&key, j->paths, j->n, sizeof(*j->paths), cmp_path) != NULL;
		}
	}
	closedir(dp);
	path->len = len;
	return ok;
}

/* The second thread: the walk, then a share of the stats. */
static void *
walk_worktree(void *arg)
{
	struct clean_job *j = arg;
	size_t len = j->path.len;
	int sub;

	/* The folder itself: without it, libgit2 says which posts are deleted. */
	j->path.len = len - 1;
	sub = openat(j->fd, buf_str(&j->path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0 ? errno != ENOENT : !none_untracked(j, sub))
		j->bad = 1;
	stat_entries(j);
	return NULL;
}

/*
 * 1 if the work tree's files below dir whose names end in suffix surely
 * are as the index has them: each entry a file whose size, times and
 * inode are those git recorded, before it wrote the index, and no such
 * file outside the index.  This is what git looks at before the bytes.
 * 0 if anything is otherwise or cannot be told, and libgit2 finds out:
 * it stats every file by its whole path, on one thread, several times
 * longer on a large posts folder, where a build with nothing to do did
 * little else.
 */
static int
worktree_clean(struct repo *r, const char *dir, const char *suffix)
{
	const char *workdir = git_repository_workdir(r->git);
	const git_index_entry *e;
	struct clean_job j = { .fd = -1, .path = BUF_INIT };
	git_index *idx = NULL;
	size_t i, n, cap = 0;
	int started = 0, ok = 0;

	if (workdir == NULL || git_repository_index(&idx, r->git) < 0 ||
	    (git_index_caps(idx) & GIT_INDEX_CAPABILITY_IGNORE_CASE) ||
	    git_index_path(idx) == NULL || stat(git_index_path(idx), &j.index_st) < 0 ||
	    (j.fd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	j.suffix = suffix;
	buf_printf(&j.path, "%s/", dir);
	n = git_index_entrycount(idx);
	if (git_index_find_prefix(&i, idx, buf_str(&j.path)) < 0)
		i = n;
	for (; i < n; i++) {
		e = git_index_get_byindex(idx, i);
		if (strncmp(e->path, buf_str(&j.path), j.path.len) != 0)
			break;
		if (!str_suffix(e->path, suffix))
			continue;
		j.e = xgrow(j.e, &cap, j.n + 1, sizeof(*j.e));
		j.e[j.n++] = e;
	}
	j.paths = xcalloc(j.n + 1, sizeof(*j.paths));
	for (i = 0; i < j.n; i++)
		j.paths[i] = j.e[i]->path;
	/* The index is in that order already (git sorts by bytes): sorted only if not. */
	for (i = 1; i < j.n && strcmp(j.paths[i - 1], j.paths[i]) < 0; i++)
		;
	if (i < j.n)
		xqsort(j.paths, j.n, sizeof(*j.paths), cmp_path);
	if (pthread_create(&j.thread, NULL, walk_worktree, &j) == 0)
		started = 1;
	else
		walk_worktree(&j);
	stat_entries(&j);
	if (started)
		pthread_join(j.thread, NULL);
	ok = !j.bad;
out:
	if (j.fd >= 0)
		close(j.fd);
	free(j.e);
	free(j.paths);
	buf_free(&j.path);
	git_index_free(idx);
	return ok;
}

void
repo_warn_uncommitted(struct repo *r, const char *dir, const char *suffix, struct diag *d)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	const git_status_entry *e;
	const git_diff_delta *delta;
	char *spec = xasprintf("%s/", dir);
	char *specs[1];
	const char *path;
	size_t i, n;

	if (git_repository_is_bare(r->git))
		goto out;
	specs[0] = spec;
	/* The index against the commit is cheap: libgit2 compares ids. */
	opts.show = worktree_clean(r, dir, suffix) ? GIT_STATUS_SHOW_INDEX_ONLY :
	    GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	opts.pathspec.strings = specs;
	opts.pathspec.count = 1;
	if (git_status_list_new(&list, r->git, &opts) < 0)
		goto out;
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		e = git_status_byindex(list, i);
		delta = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		if (delta == NULL)
			continue;
		path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
		if (suffix && !str_suffix(path, suffix))
			continue;
		if (e->status & (GIT_STATUS_WT_NEW | GIT_STATUS_INDEX_NEW))
			diag_warn(d, path, 0, "not committed, so not published (commit it, or build with a ref that has it)");
		else if (e->status & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED))
			diag_warn(d, path, 0, "deleted but not committed; the committed version is published");
		else if (e->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_INDEX_MODIFIED |
		    GIT_STATUS_WT_RENAMED | GIT_STATUS_INDEX_RENAMED | GIT_STATUS_WT_TYPECHANGE))
			diag_warn(d, path, 0, "has uncommitted changes; the committed version is published");
	}
out:
	git_status_list_free(list);
	free(spec);
}

git_repository *
repo_git(const struct repo *r)
{
	return r->git;
}

git_commit *
repo_git_commit(const struct repo *r)
{
	return r->commit;
}

struct packs *
repo_packs(const struct repo *r)
{
	return r->packs;
}

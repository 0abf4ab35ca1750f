/*
 * repo: libgit2.  The repository, the commit and its tree live as long
 * as the struct repo; blobs are copied out so that nothing borrowed from
 * libgit2 outlives its owner.  Blobs are read by loose.c and pack.c
 * first: the packs are mapped once by repo_open and shared by its clones.
 */
#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>
#ifdef CRIER_LIBCRYPTO
#include <openssl/evp.h>
#endif

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
	struct repo_reads reads;	/* how its blobs were read */
	int checkout;		/* the work tree's folder, for repo_read_checkout; else -1 */
	char *cdir;		/* the folder of the last file read there, */
	int cdirfd;		/* open, or -1 */
	size_t misses;		/* files read there that were not the commit's */
#ifdef CRIER_LIBCRYPTO
	EVP_MD_CTX *sha;	/* the SHA-1 that tells the work tree's bytes */
#endif
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

	r->checkout = -1;
	r->cdirfd = -1;
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
	c->checkout = r->checkout >= 0 ? fcntl(r->checkout, F_DUPFD_CLOEXEC, 0) : -1;
	c->cdirfd = -1;
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
	if (r->checkout >= 0)
		close(r->checkout);
	if (r->cdirfd >= 0)
		close(r->cdirfd);
	free(r->cdir);
#ifdef CRIER_LIBCRYPTO
	EVP_MD_CTX_free(r->sha);
#endif
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

	/*
	 * The packs first, as git looks: a look in their mapped indexes is
	 * cheaper than a failed open of a loose object's path.  pack.c
	 * inflates with libdeflate; what neither reads, libgit2 does.
	 */
	if (!packs_empty(r->packs)) {
		if (r->pk == NULL)
			r->pk = pack_open(r->packs);
		if ((po = pack_read(r->pk, id->id, "blob")) != NULL) {
			*len = po->len;
			*data = xmalloc(po->len + 1);
			memcpy(*data, po->data, po->len + 1);
			pack_put(po);
			r->reads.packed++;
			return 1;
		}
	}
	switch (loose_read(r->objdir, id->id, "blob", data, len)) {
	case 1:
		r->reads.loose++;
		return 1;
	case -1:
		diag_error(d, path, 0, "cannot read from git: the object %s is damaged",
		    git_oid_tostr_s(id));
		return -1;
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
	r->reads.libgit2++;
	return 1;
}

void
repo_read_checkout(struct repo *r)
{
	const char *wd = git_repository_workdir(r->git);

	if (wd != NULL && r->checkout < 0 && !r->worktree)
		r->checkout = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Files of the work tree larger than this are not read to be compared with a blob. */
#define MAX_COMPARED ((off_t)16 << 20)

/*
 * The size bytes of the file open at fd, closed after, in a new buffer,
 * NUL-terminated; NULL if it cannot be read or holds more (it grew).
 * One byte more is asked for, to tell.
 */
static char *
read_sized(int fd, size_t size)
{
	char *s = xmalloc(size + 1);
	size_t got = 0;
	ssize_t n = 0;

	while (got <= size && (n = read(fd, s + got, size + 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0 || got != size) {
		free(s);
		return NULL;
	}
	s[size] = '\0';
	return s;
}
/* After this many files of other bytes and none of the commit's, a handle stops looking. */
#define MAX_MISSES 32

/* 1 if path is one a checkout writes: no empty, ".", ".." or ".git" part. */
static int
checkout_path(const char *path)
{
	const char *p, *e;
	size_t n;

	for (p = path;; p = e + 1) {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') ||
		    (n == 4 && strncasecmp(p, ".git", 4) == 0))
			return 0;
		if (e == NULL)
			return 1;
	}
}

static int open_nofollow(int fd, const char *dir);

/*
 * Opens path below the work tree for reading, through no link, not
 * waiting on a FIFO and not taking a terminal.  Its folder is opened a
 * name at a time, following no link (checkout_path has ruled out ".."),
 * and kept: the posts come in the order of their paths, so most share
 * the folder of the last.
 */
static int
open_checkout(struct repo *r, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = base != NULL ? (size_t)(base - path) : 0;
	int dir = r->checkout;

	if (base != NULL) {
		if (r->cdirfd < 0 || r->cdir == NULL || strlen(r->cdir) != n ||
		    memcmp(r->cdir, path, n) != 0) {
			if (r->cdirfd >= 0)
				close(r->cdirfd);
			free(r->cdir);
			r->cdir = xstrndup(path, n);
			r->cdirfd = open_nofollow(r->checkout, r->cdir);
		}
		if ((dir = r->cdirfd) < 0)
			return -1;
		path = base + 1;
	}
	return openat(dir, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

/* 1 if the n bytes of s are those of blob id: their SHA-1 as git names a blob. */
static int
is_blob(struct repo *r, const char *s, size_t n, const git_oid *id)
{
#ifdef CRIER_LIBCRYPTO
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char head[32];
	int hl = snprintf(head, sizeof(head), "blob %zu", n) + 1;

	if (r->sha == NULL && (r->sha = EVP_MD_CTX_new()) == NULL)
		die("out of memory");
	return EVP_DigestInit_ex(r->sha, EVP_sha1(), NULL) == 1 &&
	    EVP_DigestUpdate(r->sha, head, (size_t)hl) == 1 && EVP_DigestUpdate(r->sha, s, n) == 1 &&
	    EVP_DigestFinal_ex(r->sha, md, &mdlen) == 1 && mdlen == GIT_OID_RAWSZ &&
	    memcmp(md, id->id, GIT_OID_RAWSZ) == 0;
#else
	git_oid got;

	(void)r;
	return git_odb_hash(&got, s, n, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&got, id);
#endif
}

/*
 * Reads path from the work tree into a new buffer if its bytes are those
 * of blob id: then they are the commit's, whatever the file is or did.
 * 1 if read; 0 if not (an odd path, missing, no regular file, other
 * bytes, any failure), and the caller reads it from git.
 */
static int
read_checkout(struct repo *r, const git_oid *id, const char *path, char **data, size_t *len)
{
	char *s;
	struct stat st;
	int fd;

	if (!checkout_path(path) || (fd = open_checkout(r, path)) < 0)
		goto miss;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_COMPARED) {
		close(fd);
		goto miss;
	}
	if ((s = read_sized(fd, (size_t)st.st_size)) == NULL)
		goto miss;
	if (!is_blob(r, s, (size_t)st.st_size, id)) {
		free(s);
		goto miss;
	}
	*data = s;
	*len = (size_t)st.st_size;
	r->reads.checkout++;
	return 1;
miss:
	/* A work tree of other bytes (a filter's, another branch's) is not read twice over. */
	if (++r->misses >= MAX_MISSES && r->reads.checkout == 0) {
		close(r->checkout);
		r->checkout = -1;
	}
	return 0;
}

void
repo_add_reads(const struct repo *r, struct repo_reads *sum)
{
	sum->checkout += r->reads.checkout;
	sum->loose += r->reads.loose;
	sum->packed += r->reads.packed;
	sum->libgit2 += r->reads.libgit2;
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
	if (r->checkout >= 0 && read_checkout(r, &id, f->path, data, len))
		return 1;
	return read_blob(r, &id, f->path, data, len, d);
}

void
repo_done_reading(struct repo *r)
{
	/* Its reader keeps the last objects it read, each up to 256 MiB. */
	pack_free(r->pk);
	r->pk = NULL;
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

/* More post files than this outside the index, and libgit2 looks at them. */
#define MAX_MISSED 64

/* 1 if the file name below the folder fd, of size bytes, holds the bytes of blob id. */
static int
same_blob(int fd, const char *name, off_t size, const git_oid *id)
{
	git_oid got;
	char *data;
	int f, same;

	/* Non-blocking: a FIFO put there since the stat must not hang the build. */
	if (size > MAX_COMPARED ||
	    (f = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    (data = read_sized(f, (size_t)size)) == NULL)
		return 0;
	same = git_odb_hash(&got, data, (size_t)size, GIT_OBJECT_BLOB) == 0 && git_oid_equal(&got, id);
	free(data);
	return same;
}

/* A look at the work tree's posts folder, shared by two threads. */
struct clean_job {
	int fd;				/* the folder, opened without following a link */
	size_t skip;			/* the length of its path in the index, with the '/' */
	struct stat index_st;		/* the index file, before the index was read */
	int filemode;			/* the executable bit counts (core.filemode) */
	const git_index_entry **e;	/* the index's post files below the folder */
	const char **paths;		/* their paths, sorted by strcmp, for the walk */
	unsigned char *hashed;		/* 1 where a file was compared by its bytes */
	size_t n;			/* how many */
	const char *suffix;		/* what a post file's name ends in */
	_Atomic size_t next;		/* the next entry no thread has taken */
	_Atomic int bad;		/* a thread found something git must look at */
	struct buf path;		/* the walk's folder, as the index names it */
	size_t found;			/* entries the walk met, in folders, not links */
	char **missed;			/* post files it met that the index lacks */
	size_t nmissed, capmissed;
	pthread_t thread;		/* the walk's */
};

/*
 * 1 if entry i's file is as the index has it: by what git recorded of
 * it, or, if the file was written in the index's own instant or after
 * (git's "racily clean"), or its times differ, by its bytes.  (Whether
 * a filter such as autocrlf makes the bytes differ is asked after.)
 */
static int
entry_unchanged(struct clean_job *j, size_t i)
{
	const git_index_entry *e = j->e[i];
	const struct timespec *t = &j->index_st.st_mtim;
	struct stat st;
	uint32_t msec;

	if (GIT_INDEX_ENTRY_STAGE(e) != 0 || (e->flags_extended & GIT_INDEX_ENTRY_EXTENDED_FLAGS) ||
	    (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE) ||
	    fstatat(j->fd, e->path + j->skip, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || (j->filemode && !(st.st_mode & S_IXUSR) != !(e->mode & S_IXUSR)))
		return 0;
	/* git's times are 32-bit and unsigned. */
	msec = (uint32_t)e->mtime.seconds;
	if ((msec < (uint32_t)t->tv_sec ||
	    (msec == (uint32_t)t->tv_sec && e->mtime.nanoseconds < (uint32_t)t->tv_nsec)) &&
	    e->file_size == (uint32_t)st.st_size &&
	    msec == (uint32_t)st.st_mtim.tv_sec && e->mtime.nanoseconds == (uint32_t)st.st_mtim.tv_nsec &&
	    (uint32_t)e->ctime.seconds == (uint32_t)st.st_ctim.tv_sec &&
	    e->ctime.nanoseconds == (uint32_t)st.st_ctim.tv_nsec && e->ino == (uint32_t)st.st_ino)
		return 1;
	j->hashed[i] = 1;
	return same_blob(j->fd, e->path + j->skip, st.st_size, &e->id);
}

/* Entries are taken a run at a time, so that the threads seldom meet at the counter. */
#define CLEAN_RUN 256

static void
check_entries(struct clean_job *j)
{
	size_t i, start;

	while (!j->bad && (start = atomic_fetch_add(&j->next, CLEAN_RUN)) < j->n)
		for (i = start; i < start + CLEAN_RUN && i < j->n; i++)
			if (!entry_unchanged(j, i)) {
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
 * Reads the folder open at fd (j->path names it) and the folders below
 * it, though not through links: counts the post files that are entries,
 * and keeps those that are not.
 */
static void
walk_posts(struct clean_job *j, int fd)
{
	struct buf *path = &j->path;
	const char *key;
	struct dirent *de;
	size_t len = path->len;
	int sub;
	DIR *dp;

	if ((dp = fdopendir(fd)) == NULL) {
		close(fd);
		j->bad = 1;
		return;
	}
	while (!j->bad && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		path->len = len;
		buf_putc(path, '/');
		buf_puts(path, de->d_name);
		if ((sub = dirs_open_sub(dp, de)) >= 0)
			walk_posts(j, sub);
		else if (sub == -1)
			j->bad = 1;
		else if (str_suffix(de->d_name, j->suffix)) {
			key = buf_str(path);
			if (bsearch(&key, j->paths, j->n, sizeof(*j->paths), cmp_path) != NULL)
				j->found++;
			else if (j->nmissed == MAX_MISSED)
				j->bad = 1;
			else {
				j->missed = xgrow(j->missed, &j->capmissed, j->nmissed + 1, sizeof(*j->missed));
				j->missed[j->nmissed++] = xstrdup(key);
			}
		}
	}
	closedir(dp);
	path->len = len;
	path->s[len] = '\0';
}

/* The second thread: the walk, then a share of the entries. */
static void *
walk_run(void *arg)
{
	struct clean_job *j = arg;
	int fd = dup(j->fd);

	if (fd < 0)
		j->bad = 1;
	else
		walk_posts(j, fd);
	check_entries(j);
	return NULL;
}

/*
 * Opens the folder dir of the work tree open at fd, a name at a time and
 * following no link; -1 with errno if it cannot.
 */
static int
open_nofollow(int fd, const char *dir)
{
	char *copy = xstrdup(dir), *name, *save = NULL;
	int cur = fd, next = -1;

	for (name = strtok_r(copy, "/", &save); name != NULL; name = strtok_r(NULL, "/", &save)) {
		next = openat(cur, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != fd)
			close(cur);
		if (next < 0)
			break;
		cur = next;
	}
	free(copy);
	return next;
}

/*
 * 1 if the work tree's post files below dir (those whose names end in
 * suffix) surely are as the index has them, so that libgit2 need only
 * compare the index with the commit.  Each entry's file must be a file
 * that git's record of it (size, times, inode), or else its bytes, say is
 * unchanged, reached through folders, not links; every other post file
 * there must be one git ignores.  0 if anything is otherwise or cannot be
 * told, and libgit2 looks at the work tree: it stats every file by its
 * whole path on one thread, several times longer on a large posts folder,
 * where a build with nothing to do did little else.
 */
static int
worktree_clean(struct repo *r, const char *dir, const char *suffix)
{
	const char *workdir = git_repository_workdir(r->git);
	const git_index_entry *e;
	struct clean_job j = { .fd = -1, .path = BUF_INIT };
	git_filter_list *fl;
	git_index *idx = NULL;
	size_t i, n, cap = 0;
	int wd = -1, started = 0, ok = 0, ignored;

	if (workdir == NULL || suffix == NULL || git_repository_index(&idx, r->git) < 0 ||
	    (git_index_caps(idx) & GIT_INDEX_CAPABILITY_IGNORE_CASE) || git_index_path(idx) == NULL)
		goto out;
	/* The index's time is taken before it is read again: if anything, too early. */
	if (stat(git_index_path(idx), &j.index_st) < 0 || git_index_read(idx, 0) < 0)
		goto out;
	j.filemode = !(git_index_caps(idx) & GIT_INDEX_CAPABILITY_NO_FILEMODE);
	j.suffix = suffix;
	buf_printf(&j.path, "%s/", dir);
	j.skip = j.path.len;
	n = git_index_entrycount(idx);
	if (git_index_find_prefix(&i, idx, buf_str(&j.path)) < 0)
		i = n;
	for (; i < n; i++) {
		e = git_index_get_byindex(idx, i);
		if (strncmp(e->path, buf_str(&j.path), j.skip) != 0)
			break;
		if (!str_suffix(e->path, suffix))
			continue;
		j.e = xgrow(j.e, &cap, j.n + 1, sizeof(*j.e));
		j.e[j.n++] = e;
	}
	if ((wd = open(workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto out;
	if ((j.fd = open_nofollow(wd, dir)) < 0) {
		/* No folder and no entries: nothing to tell. */
		ok = errno == ENOENT && j.n == 0;
		goto out;
	}
	j.paths = xcalloc(j.n + 1, sizeof(*j.paths));
	j.hashed = xcalloc(j.n + 1, 1);
	for (i = 0; i < j.n; i++)
		j.paths[i] = j.e[i]->path;
	/* The index is in that order already (git sorts by bytes): sorted only if not. */
	for (i = 1; i < j.n && strcmp(j.paths[i - 1], j.paths[i]) < 0; i++)
		;
	if (i < j.n)
		xqsort(j.paths, j.n, sizeof(*j.paths), cmp_path);
	j.path.len = j.skip - 1;
	j.path.s[j.path.len] = '\0';
	if (pthread_create(&j.thread, NULL, walk_run, &j) == 0)
		started = 1;
	else
		walk_run(&j);
	check_entries(&j);
	if (started)
		pthread_join(j.thread, NULL);
	/* Entries the walk did not meet are behind a link: libgit2 calls them deleted. */
	if (j.bad || j.found != j.n)
		goto out;
	/* libgit2's status leaves out what git ignores. */
	for (i = 0; i < j.nmissed; i++)
		if (git_ignore_path_is_ignored(&ignored, r->git, j.missed[i]) < 0 || !ignored)
			goto out;
	/* A file a filter changes on its way in is compared as the filter makes it. */
	for (i = 0; i < j.n; i++)
		if (j.hashed[i]) {
			if (git_filter_list_load(&fl, r->git, NULL, j.e[i]->path, GIT_FILTER_TO_ODB,
			    GIT_FILTER_DEFAULT) < 0)
				goto out;
			if (fl != NULL) {
				git_filter_list_free(fl);
				goto out;
			}
		}
	ok = 1;
out:
	if (j.fd >= 0)
		close(j.fd);
	if (wd >= 0)
		close(wd);
	for (i = 0; i < j.nmissed; i++)
		free(j.missed[i]);
	free(j.missed);
	free(j.e);
	free(j.paths);
	free(j.hashed);
	buf_free(&j.path);
	git_index_free(idx);
	return ok;
}

int
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
	int clean = 1;

	/* No work tree: nothing to look at. */
	if (git_repository_is_bare(r->git))
		goto out;
	specs[0] = spec;
	/* The index against the commit is cheap: libgit2 compares ids. */
	clean = worktree_clean(r, dir, suffix);
	opts.show = clean ? GIT_STATUS_SHOW_INDEX_ONLY : GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
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
	return clean;
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

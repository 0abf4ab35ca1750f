/*
 * output: staging and publishing.  The staging folder sits beside the
 * output, on the same file system, so that publishing is a rename; on
 * Linux the two folders are swapped in one step with renameat2.  Every
 * output folder holds a manifest of what crier wrote there, which is how
 * crier knows a folder is its own to replace.
 */
#define _GNU_SOURCE	/* renameat2 */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "dirs.h"
#include "state.h"
#include "util.h"

#define DELTA_MAGIC "crier-delta 1"

struct output_writer {
	struct output *o;	/* what it writes into */
	size_t written;		/* files written */
	size_t kept;		/* files linked unchanged from the published output */
	struct buf old;		/* scratch: a published file's bytes */
	char *last;		/* the last folder made, to skip mkdir calls */
	struct diag *d;		/* where errors go */
	struct buf manifest;	/* every file it wrote, one a line */
	struct buf changed;	/* every file whose bytes it changed, one a line */
	struct buf pending;	/* reuse: files kept and not yet claimed, each NUL-terminated */
	const char *pending_what;	/* what they are, for errors */
};

/* The paths of a build, and their folders (with a '/' at the end). */
struct pathset {
	char **keys;		/* open addressing; NULL: free */
	size_t cap, n;
	struct arena *a;	/* the keys' bytes: one free, not one a key */
};

struct output {
	char *dir;		/* the published output */
	char *stage;		/* the folder being written */
	char *fresh;		/* the staging folder beside the output */
	char *tree;		/* .crier-cache/NAME.tree: the output one build behind */
	char *delta;		/* .crier-cache/NAME.delta: how to bring the tree up to date */
	int reuse;		/* the stage is the tree, brought up to date */
	int lockfd;		/* holds the output's lock while open */
	int has_old;		/* a published output exists to link from */
	size_t written, kept;	/* of the writers closed so far */
	struct output_writer w;	/* the writer of output_write */
	pthread_mutex_t lock;	/* guards w.manifest and set */
	struct pathset set;	/* every path of this build */
	struct pathset old;	/* reuse: every file of the published output */
	struct pathset touched;	/* reuse: the folders of the stage this build changed */
	struct dirs *treedirs;	/* reuse: the stage's folders as the delta left them */
	int verified;		/* the output's folders are as crier left them */
	int tree_checked;	/* tree_ok says whether the tree's folders are as recorded */
	pthread_t foreign_th;	/* output_foreign_start's thread, */
	int foreign_started;	/* if it was started and not yet joined */
	char **foreign;		/* the files it found that the manifest does not list */
	size_t nforeign;
	int tree_ok;
};

/* Checks the tree's folders (see catch_up) on a thread of its own. */
static void *
check_tree(void *arg)
{
	struct output *o = arg;

	o->tree_ok = dirs_verify(o->treedirs, o->tree);
	return NULL;
}

/* The hash of a path, for the path set. */
static size_t
path_hash(const char *s, size_t n)
{
	uint64_t h = state_hash(STATE_HASH_INIT, s, n);

	return (size_t)(h ^ (h >> 29));
}

/* The slot of the n bytes of key in the set: where it is, or would go. */
static char **
set_slot(struct pathset *ps, const char *key, size_t n)
{
	size_t i = path_hash(key, n) & (ps->cap - 1);

	while (ps->keys[i] != NULL && (strncmp(ps->keys[i], key, n) != 0 || ps->keys[i][n] != '\0'))
		i = (i + 1) & (ps->cap - 1);
	return &ps->keys[i];
}

static void
set_put(struct pathset *ps, const char *key, size_t n)
{
	char **old = ps->keys, **slot;
	size_t i, cap = ps->cap;

	if ((ps->n + 1) * 2 > ps->cap) {
		ps->cap = cap ? cap * 2 : 1024;
		ps->keys = xzalloc(ps->cap, sizeof(*ps->keys));
		for (i = 0; i < cap; i++)
			if (old[i] != NULL)
				*set_slot(ps, old[i], strlen(old[i])) = old[i];
		free(old);
	}
	slot = set_slot(ps, key, n);
	if (*slot == NULL) {
		if (ps->a == NULL)
			ps->a = arena_new();
		*slot = arena_strndup(ps->a, key, n);
		ps->n++;
	}
}

static void
set_free(struct pathset *ps)
{
	free(ps->keys);
	arena_free(ps->a);
	memset(ps, 0, sizeof(*ps));
}

static int
set_has(struct pathset *ps, const char *key, size_t n)
{
	return ps->cap > 0 && *set_slot(ps, key, n) != NULL;
}

int
output_safe_path(const char *rel)
{
	const char *seg;
	size_t n;

	if (*rel == '\0' || *rel == '/')
		return 0;
	for (seg = rel; *seg; seg += n + (seg[n] == '/')) {
		n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
	}
	for (seg = rel; *seg; seg++)
		if ((unsigned char)*seg < 0x20 || *seg == '\\')
			return 0;
	return 1;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
output_remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
}

/* The folder beside dir named ".NAME.crier-WHAT". */
static char *
beside(const char *dir, const char *what)
{
	const char *slash = NULL;
	size_t n = strlen(dir), i;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (i = n; i > 0; i--)
		if (dir[i - 1] == '/') {
			slash = dir + i - 1;
			break;
		}
	if (slash == NULL)
		return xasprintf(".%.*s.crier-%s", (int)n, dir, what);
	return xasprintf("%.*s/.%.*s.crier-%s", (int)(slash - dir), dir,
	    (int)(n - (size_t)(slash - dir) - 1), slash + 1, what);
}

/* The canonical absolute path of dir, which need not exist; NULL on error. */
static char *
canonical(const char *dir)
{
	char *copy, *base, *parent, *real, *out;
	size_t n;

	if ((real = realpath(dir, NULL)) != NULL)
		return real;
	if (errno != ENOENT)
		return NULL;
	copy = xstrdup(dir);
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = strrchr(copy, '/');
	if (base == NULL) {
		parent = ".";
		base = copy;
	} else if (base == copy) {
		parent = "/";
		base++;
	} else {
		*base++ = '\0';
		parent = copy;
	}
	real = NULL;
	if (strcmp(base, "..") != 0 && strcmp(base, ".") != 0)
		real = canonical(parent);
	out = real ? xasprintf("%s/%s", strcmp(real, "/") ? real : "", base) : NULL;
	free(real);
	free(copy);
	return out;
}

static int
has(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int rc = lstat(path, &st) == 0;

	free(path);
	return rc;
}

static int
is_empty_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int empty = 1;

	if (dp == NULL)
		return 1;
	while ((de = readdir(dp)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(dp);
	return empty;
}

/* 1 if path is wd/a or wd/b or inside one of them. */
static int
inside(const char *path, const char *wd, const char *a, const char *b)
{
	const char *names[2] = { a, b };
	size_t i, n = strlen(wd);

	if (strncmp(path, wd, n) != 0 || path[n] != '/')
		return 0;
	path += n + 1;
	for (i = 0; i < 2; i++) {
		n = strlen(names[i]);
		if (!strncmp(path, names[i], n) && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

int
output_check(const char *dir, const char *workdir, const char *gitdir, const char *posts,
    int force, struct diag *d)
{
	char *out = canonical(dir), *wd = workdir ? canonical(workdir) : NULL;
	char *gd = gitdir ? canonical(gitdir) : NULL;
	struct stat st;
	size_t n;
	int rc = -1;

	if (out == NULL) {
		diag_error(d, dir, 0, "cannot use as the output folder: %s", strerror(errno));
		goto done;
	}
	n = strlen(out);
	if (!strcmp(out, "/") || (wd != NULL && (!strcmp(out, wd) ||
	    (!strncmp(wd, out, n) && wd[n] == '/')))) {
		diag_error(d, dir, 0, "refusing to use the repository's work tree, or a folder "
		    "holding it, as the output folder");
		goto done;
	}
	if (gd != NULL && (!strcmp(out, gd) || (!strncmp(out, gd, strlen(gd)) && out[strlen(gd)] == '/') ||
	    (!strncmp(gd, out, n) && gd[n] == '/'))) {
		diag_error(d, dir, 0, "refusing to use the git repository, or a folder in or "
		    "around it, as the output folder");
		goto done;
	}
	if (wd != NULL && inside(out, wd, posts, "themes")) {
		diag_error(d, dir, 0, "refusing to use the posts or themes folder, or a folder in "
		    "one, as the output folder");
		goto done;
	}
	if (lstat(out, &st) < 0) {
		rc = 0;
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_error(d, dir, 0, "the output folder is not a folder");
		goto done;
	}
	if (has(out, ".git") || has(out, posts) || has(out, "site.ini") ||
	    (has(out, "HEAD") && has(out, "objects") && has(out, "refs"))) {
		diag_error(d, dir, 0, "refusing to replace a folder that holds .git, posts/ or "
		    "site.ini, or is a git repository: it looks like sources, not output");
		goto done;
	}
	if (!force && !has(out, OUTPUT_MANIFEST) && !is_empty_dir(out)) {
		diag_error(d, dir, 0, "holds files crier did not write (no %s): empty it, "
		    "choose another folder, or build with --force to replace it", OUTPUT_MANIFEST);
		goto done;
	}
	rc = 0;
done:
	free(out);
	free(wd);
	free(gd);
	return rc;
}

/*
 * Takes the lock of the output folder dir: a file beside it, locked with
 * fcntl, which the kernel releases when the process ends however it
 * ends, so a lock left by a killed build is simply taken over.  Returns
 * the locked descriptor, or -1 after reporting who holds the lock.
 */
static int
take_lock(const char *dir, struct diag *d)
{
	char *path = beside(dir, "lock"), pid[32];
	struct stat fst, pst;
	struct flock fl;
	int fd, n, tries;

	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0) {
			diag_error(d, path, 0, "cannot open the lock: %s", strerror(errno));
			free(path);
			return -1;
		}
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) < 0) {
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
				diag_error(d, dir, 0, "another crier (process %ld) is building this "
				    "output; it holds the lock %s", (long)fl.l_pid, path);
			else
				diag_error(d, dir, 0, "another crier is building this output; it "
				    "holds the lock %s", path);
			close(fd);
			free(path);
			return -1;
		}
		/*
		 * The holder removes the file when it is done; a lock taken on a
		 * file that was removed meanwhile locks nothing, so try again.
		 */
		if (fstat(fd, &fst) == 0 && stat(path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino)
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		diag_error(d, path, 0, "cannot take the lock: it keeps being replaced");
		free(path);
		return -1;
	}
	/* The pid is for people; the lock itself is the fcntl one. */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && write(fd, pid, (size_t)n) != n)
		(void)0;
	free(path);
	return fd;
}

/* Removes the lock file, then lets the lock go. */
static void
drop_lock(struct output *o)
{
	char *path;

	if (o->lockfd < 0)
		return;
	path = beside(o->dir, "lock");
	unlink(path);
	free(path);
	close(o->lockfd);
	o->lockfd = -1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What output_foreign's walk needs: the manifest's names, sorted, and what it found. */
struct foreign {
	char **names;
	size_t n;
	char **found;		/* the files not in the manifest */
	size_t count;
};

/*
 * Walks the folder open at fd, whose path below the output is rel (len
 * bytes), by the types readdir gives (no stat per file: a large output
 * has tens of thousands of files).
 */
static void
foreign_walk(struct foreign *f, int fd, struct buf *rel)
{
	DIR *dp = fdopendir(fd);
	struct dirent *de;
	size_t len = rel->len;
	const char *name;
	int sub;

	if (dp == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rel->len = len;
		if (len > 0)
			buf_putc(rel, '/');
		buf_puts(rel, de->d_name);
		if ((sub = dirs_open_sub(dp, de)) != -2) {
			if (sub >= 0)
				foreign_walk(f, sub, rel);
			continue;
		}
		name = rel->s;
		if (strcmp(name, OUTPUT_MANIFEST) == 0 ||
		    bsearch(&name, f->names, f->n, sizeof(*f->names), cmp_str) != NULL)
			continue;
		f->found = xrealloc(f->found, (f->count + 1) * sizeof(*f->found));
		f->found[f->count++] = xstrdup(name);
	}
	rel->len = len;
	if (rel->s != NULL)
		rel->s[len] = '\0';
	closedir(dp);
}

/* The check output_foreign_start runs: its findings in o->foreign. */
static void
foreign_check(struct output *o)
{
	char *path = xasprintf("%s/%s", o->dir, OUTPUT_MANIFEST), *s, *nl, *file;
	struct buf text = BUF_INIT, rel = BUF_INIT;
	struct foreign f;
	struct dirs *r;
	uint64_t tag;
	pthread_t th;
	int fd, started;

	memset(&f, 0, sizeof(f));
	if (buf_read_file(&text, path) < 0) {
		free(path);
		return;
	}
	/*
	 * Folders as crier left them hold nothing new: no need to read them
	 * all.  The tree a rebuild stages in is checked the same way, at the
	 * same time.
	 */
	file = state_cache_path(o->dir, "treedirs", NULL);
	if (o->treedirs == NULL && access(o->delta, F_OK) == 0)
		o->treedirs = dirs_load(file, &tag);
	free(file);
	started = o->treedirs != NULL && pthread_create(&th, NULL, check_tree, o) == 0;
	file = state_cache_path(o->dir, "dirs", NULL);
	r = dirs_load(file, &tag);
	free(file);
	o->verified = r != NULL && tag == state_hash(STATE_HASH_INIT, buf_str(&text), text.len) &&
	    dirs_verify(r, o->dir);
	dirs_free(r);
	if (started) {
		pthread_join(th, NULL);
		o->tree_checked = 1;
	}
	if (!o->verified) {
		for (s = text.s; s != NULL && *s; s = nl + 1) {
			if ((nl = strchr(s, '\n')) == NULL)
				break;
			*nl = '\0';
			f.names = xrealloc(f.names, (f.n + 1) * sizeof(*f.names));
			f.names[f.n++] = s;
		}
		xqsort(f.names, f.n, sizeof(*f.names), cmp_str);
		if ((fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
			foreign_walk(&f, fd, &rel);
		/* Named in order, whatever order the folder lists them in. */
		xqsort(f.found, f.count, sizeof(*f.found), cmp_str);
	}
	o->foreign = f.found;
	o->nforeign = f.count;
	free(f.names);
	buf_free(&text);
	buf_free(&rel);
	free(path);
}

static void *
foreign_run(void *arg)
{
	foreign_check(arg);
	return NULL;
}

void
output_foreign_start(struct output *o, int force)
{
	if (force)
		return;
	o->foreign_started = pthread_create(&o->foreign_th, NULL, foreign_run, o) == 0;
	if (!o->foreign_started)
		foreign_check(o);
}

/* Waits for the check output_foreign_start began, if it is still running. */
static void
foreign_join(struct output *o)
{
	if (o->foreign_started) {
		pthread_join(o->foreign_th, NULL);
		o->foreign_started = 0;
	}
}

/* Waits for the check, and lets go of what it found. */
static void
foreign_done(struct output *o)
{
	size_t i;

	foreign_join(o);
	for (i = 0; i < o->nforeign; i++)
		free(o->foreign[i]);
	free(o->foreign);
	o->foreign = NULL;
	o->nforeign = 0;
}

int
output_foreign_finish(struct output *o, struct diag *d)
{
	struct buf found = BUF_INIT;
	size_t i, n;

	foreign_join(o);
	n = o->nforeign;
	for (i = 0; i < n && i < 3; i++)
		buf_printf(&found, "%s%s", i > 0 ? ", " : "", o->foreign[i]);
	if (n > 0)
		diag_error(d, o->dir, 0, "holds %zu file%s crier did not write (%s%s), and crier only "
		    "removes files it wrote: put such files in the theme's static/ folder, move them "
		    "away, or build with --force to replace them", n, n == 1 ? "" : "s",
		    buf_str(&found), n > 3 ? ", ..." : "");
	foreign_done(o);
	buf_free(&found);
	return n > 0 ? -1 : 0;
}

/*
 * Claims rel for this build; the caller holds o->lock.  Two writes of one
 * path, or a path that is a file for one write and a folder for another,
 * are reported; returns 0, or -1 after reporting.
 */
static int
claim_locked(struct output_writer *w, const char *rel, const char *what)
{
	struct output *o = w->o;
	struct pathset *ps = &o->set;
	size_t n = strlen(rel), j, from = 0;
	char stack[512], *dirkey = n + 2 <= sizeof(stack) ? stack : xmalloc(n + 2);
	int rc = 0;

	memcpy(dirkey, rel, n);
	memcpy(dirkey + n, "/", 2);
	if (set_has(ps, rel, n) || set_has(ps, dirkey, n + 1)) {
		diag_error(w->d, what, 0, set_has(ps, rel, n) ?
		    "%s is written twice: two pages, feeds or static files of the theme want the same path" :
		    "%s is both a file and a folder: two pages, feeds or static files of the theme want it",
		    rel);
		rc = -1;
		goto out;
	}
	/*
	 * The folders above rel, deepest first, down to one already claimed:
	 * the folders above that one were checked and claimed with it.
	 */
	for (j = n; j-- > 0;) {
		if (rel[j] != '/')
			continue;
		if (set_has(ps, rel, j + 1)) {
			from = j + 1;
			break;
		}
		if (set_has(ps, rel, j)) {
			diag_error(w->d, what, 0, "%.*s is both a file and a folder: two pages, feeds "
			    "or static files of the theme want it", (int)j, rel);
			rc = -1;
			goto out;
		}
	}
	set_put(ps, rel, n);
	for (j = from; j < n; j++)
		if (rel[j] == '/')
			set_put(ps, rel, j + 1);
out:
	if (dirkey != stack)
		free(dirkey);
	return rc;
}

/* claim_locked, under the lock. */
static int
claim(struct output_writer *w, const char *rel, const char *what)
{
	int rc;

	pthread_mutex_lock(&w->o->lock);
	rc = claim_locked(w, rel, what);
	pthread_mutex_unlock(&w->o->lock);
	return rc;
}

int
output_writer_flush(struct output_writer *w)
{
	const char *s, *end;
	int rc = 0;

	if (w->pending.len == 0)
		return 0;
	end = w->pending.s + w->pending.len;
	pthread_mutex_lock(&w->o->lock);
	for (s = w->pending.s; s < end; s += strlen(s) + 1)
		if (claim_locked(w, s, w->pending_what) < 0)
			rc = -1;
	pthread_mutex_unlock(&w->o->lock);
	buf_reset(&w->pending);
	return rc;
}


/* Removes the folders of rel below root that are empty, deepest first. */
static void
prune(const char *root, const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel), *s;
	size_t base = strlen(root);

	while ((s = strrchr(path, '/')) != NULL && (size_t)(s - path) > base) {
		*s = '\0';
		if (rmdir(path) < 0)
			break;
	}
	free(path);
}

/*
 * Notes that the folders above rel in the stage may have changed (all of
 * them: a folder made or removed changes the one above it).  The caller
 * holds o->lock, or no thread has started.
 */
static void
touch(struct output *o, const char *rel)
{
	const char *s;

	set_put(&o->touched, "", 0);
	for (s = strchr(rel, '/'); s != NULL; s = strchr(s + 1, '/'))
		set_put(&o->touched, rel, (size_t)(s - rel));
	/* It may have been a folder. */
	set_put(&o->touched, rel, strlen(rel));
}

/* Reads the published output's manifest into o->old. */
static void
load_manifest(struct output *o)
{
	char *path = xasprintf("%s/%s", o->dir, OUTPUT_MANIFEST), *s, *nl;
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path) == 0)
		for (s = b.s; s != NULL && *s; s = nl + 1) {
			if ((nl = strchr(s, '\n')) == NULL)
				break;
			set_put(&o->old, s, (size_t)(nl - s));
		}
	buf_free(&b);
	free(path);
}

/* Links from to to, making to's folders as needed; 0, or -1. */
static int
link_into(const char *from, char *to)
{
	char *slash;
	int rc;

	if (link(from, to) == 0)
		return 0;
	if (errno != ENOENT || (slash = strrchr(to, '/')) == NULL)
		return -1;
	*slash = '\0';
	rc = make_dirs(to);
	*slash = '/';
	return rc < 0 ? -1 : link(from, to);
}

/*
 * Brings the tree, the output as the build before the last left it, up
 * to the published output, by the delta that build recorded: each file
 * it changed or removed is linked again from the output, or removed.
 * The delta is removed first, so that a build killed meanwhile leaves a
 * tree the next build does not trust.  Returns 0, or -1 if the tree
 * cannot be used (the build then stages from scratch).
 */
static int
catch_up(struct output *o, struct diag *d)
{
	struct buf b = BUF_INIT;
	char *s, *nl, *from, *to, *last, head[128], *file = state_cache_path(o->dir, "treedirs", NULL);
	struct stat st;
	uint64_t tag;
	int rc = -1;

	if (buf_read_file(&b, o->delta) < 0 || b.len < 2 || b.s[b.len - 1] != '\n')
		goto out;
	/* The last line is the hash of all before it: a delta cut short is not trusted. */
	b.s[b.len - 1] = '\0';
	if ((last = strrchr(b.s, '\n')) == NULL ||
	    strtoull(last + 1, NULL, 16) != state_hash(STATE_HASH_INIT, b.s, (size_t)(last + 1 - b.s)))
		goto out;
	last[1] = '\0';
	snprintf(head, sizeof(head), DELTA_MAGIC "\n%016llx\n",
	    (unsigned long long)state_manifest_hash(o->dir));
	if (strncmp(b.s, head, strlen(head)) != 0 || lstat(o->tree, &st) < 0 || !S_ISDIR(st.st_mode))
		goto out;
	/* A tree with a file added or removed since is not the output it was. */
	if (o->treedirs == NULL && (o->treedirs = dirs_load(file, &tag)) == NULL)
		goto out;
	if (!(o->tree_checked ? o->tree_ok : dirs_verify(o->treedirs, o->tree))) {
		diag_warn(d, o->tree, 0, "changed since crier left it; staging every file again");
		goto out;
	}
	if (unlink(o->delta) < 0)
		goto out;
	unlink(file);
	load_manifest(o);
	for (s = b.s + strlen(head); *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		if (!output_safe_path(s))
			goto out;
		touch(o, s);
		from = xasprintf("%s/%s", o->dir, s);
		to = xasprintf("%s/%s", o->tree, s);
		if (lstat(to, &st) == 0 && S_ISDIR(st.st_mode))
			output_remove_tree(to);
		else
			unlink(to);
		if (lstat(from, &st) == 0 && S_ISREG(st.st_mode)) {
			if (link_into(from, to) < 0) {
				free(from);
				free(to);
				goto out;
			}
		} else
			prune(o->tree, s);
		free(from);
		free(to);
	}
	rc = 0;
out:
	free(file);
	buf_free(&b);
	return rc;
}

int
output_stage(struct output *o, struct diag *d)
{
	/*
	 * The output as the build before the last left it, brought up to
	 * date, is the stage: only what changes is written.  Without one,
	 * stage from scratch.
	 */
	if (o->has_old && catch_up(o, d) == 0) {
		o->reuse = 1;
		o->stage = o->tree;
		return 0;
	}
	dirs_free(o->treedirs);
	o->treedirs = NULL;
	unlink(o->delta);
	output_remove_tree(o->tree);
	if (mkdir(o->stage, 0777) < 0) {
		diag_error(d, o->stage, 0, "cannot make the staging folder: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
output_reused(const struct output *o)
{
	return o->reuse;
}

struct output *
output_begin(const char *dir, struct diag *d)
{
	struct output *o = xcalloc(1, sizeof(*o));
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/'), *manifest;

	o->dir = xstrdup(dir);
	o->fresh = beside(dir, "stage");
	o->stage = o->fresh;
	o->tree = state_cache_path(dir, "tree", NULL);
	o->delta = state_cache_path(dir, "delta", NULL);
	o->lockfd = -1;
	o->w.o = o;
	o->w.d = d;
	pthread_mutex_init(&o->lock, NULL);
	/* The output's parent folders are made as Hugo and Jekyll do. */
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		if (make_dirs(parent) < 0) {
			diag_error(d, parent, 0, "cannot make folder: %s", strerror(errno));
			goto fail;
		}
	}
	if ((o->lockfd = take_lock(dir, d)) < 0)
		goto fail;
	manifest = xasprintf("%s/%s", dir, OUTPUT_MANIFEST);
	o->has_old = access(manifest, F_OK) == 0;
	free(manifest);
	/* A stage left by a killed build is ours to clear, now that we hold the lock. */
	output_remove_tree(o->fresh);
	free(parent);
	return o;
fail:
	drop_lock(o);
	pthread_mutex_destroy(&o->lock);
	free(parent);
	free(o->fresh);
	free(o->tree);
	free(o->delta);
	free(o->dir);
	free(o);
	return NULL;
}

/*
 * Makes the folder path in a reused stage, where a file the last build
 * wrote may stand in the way: this build claimed no such file (claim
 * made sure), so it goes.  base is where the stage's own paths start.
 */
static int
clear_way(char *path, size_t base)
{
	struct stat st;
	char *s;

	for (s = strchr(path + base, '/');; s = strchr(s + 1, '/')) {
		if (s != NULL)
			*s = '\0';
		if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(path) < 0)
			return -1;
		if (mkdir(path, 0777) < 0 && errno != EEXIST)
			return -1;
		if (s == NULL)
			return 0;
		*s = '/';
	}
}

/*
 * The length of a start of dir, ending before a '/' of dir, that names
 * last (a folder made before, so there) or a folder above it: the
 * longest, but for a dir above last, whose parent's.
 */
static size_t
known_part(const char *last, const char *dir)
{
	size_t i, k = 0;

	for (i = 0; last[i] != '\0' && last[i] == dir[i]; i++)
		if (last[i] == '/')
			k = i;
	if (last[i] == '\0' && (dir[i] == '/' || dir[i] == '\0'))
		k = i;
	return k;
}

/* At most this many folders below one known to be there are made top down. */
#define TOP_DOWN 2

static int
make_parents(struct output_writer *w, const char *path)
{
	struct output *o = w->o;
	char *p = xstrdup(path), *s;
	size_t base = strlen(o->stage) + 1, k = 0, below = 0;
	int rc;

	s = strrchr(p, '/');
	if (s == NULL || (size_t)(s - p) < base) {
		free(p);
		return 0;
	}
	*s = '\0';
	if (w->last != NULL && strcmp(w->last, p) == 0) {
		free(p);
		return 0;
	}
	/*
	 * A post's folder is mostly new, and so is its day's: made top down
	 * from a folder made before, no mkdir fails for want of a parent.
	 */
	if (w->last != NULL && (k = known_part(w->last, p)) >= base - 1)
		for (s = p + k; *s; s++)
			below += *s == '/';
	/* In a reused stage, a file of the last build may stand where a folder goes. */
	if (o->reuse)
		rc = clear_way(p, base);
	else if (k >= base - 1 && below <= TOP_DOWN)
		rc = make_dirs_below(p, k);
	else
		rc = make_dirs(p);
	if (rc < 0) {
		diag_error(w->d, p, 0, "cannot make folder: %s", strerror(errno));
		free(p);
		return -1;
	}
	free(w->last);
	w->last = p;
	return 0;
}

/* 1 if the file at path holds exactly len bytes of data. */
static int
same_file(struct output_writer *w, const char *path, const char *data, size_t len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, same = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		goto out;
	buf_reset(&w->old);
	if (w->old.cap < len + 1) {
		buf_put(&w->old, "", 0);
		w->old.s = xgrow(w->old.s, &w->old.cap, len + 1, 1);
	}
	while (got < len && (n = read(fd, w->old.s + got, len - got)) > 0)
		got += (size_t)n;
	same = got == len && memcmp(w->old.s, data, len) == 0;
out:
	close(fd);
	return same;
}

/* 1 if the published output's file rel holds exactly len bytes of data. */
static int
same_as_old(struct output_writer *w, const char *rel, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", w->o->dir, rel);
	int same = same_file(w, path, data, len);

	free(path);
	return same;
}

/* Writes len bytes of data to a new file at path; 0, or -1 after reporting. */
static int
put_file(struct output_writer *w, const char *path, const char *data, size_t len, int excl)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (excl ? O_EXCL : O_TRUNC), 0666);
	if (fd < 0) {
		diag_error(w->d, path, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			diag_error(w->d, path, 0, "cannot write: %s", strerror(err));
			close(fd);
			errno = err;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0) {
		diag_error(w->d, path, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Writes rel in a stage that holds the published output's files (linked:
 * the same inodes), so never in place: a changed file is written aside
 * and renamed over, and an unchanged one is left alone.
 */
static int
reuse_write(struct output_writer *w, const char *rel, const char *path, const char *data,
    size_t len)
{
	struct stat st;
	char *tmp;
	int rc;

	if (lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode) && same_file(w, path, data, len)) {
			w->kept++;
			return 0;
		}
		/* A folder of the last build; claim made sure none of this one's is below. */
		if (S_ISDIR(st.st_mode))
			output_remove_tree(path);
		tmp = xasprintf("%s/.crier-tmp-%p", w->o->stage, (void *)w);
		rc = put_file(w, tmp, data, len, 0);
		if (rc == 0 && rename(tmp, path) < 0) {
			diag_error(w->d, path, 0, "cannot write: %s", strerror(errno));
			rc = -1;
		}
		if (rc < 0)
			unlink(tmp);
		free(tmp);
	} else if ((rc = make_parents(w, path)) == 0)
		rc = put_file(w, path, data, len, 1);
	if (rc == 0) {
		w->written++;
		buf_printf(&w->changed, "%s\n", rel);
		pthread_mutex_lock(&w->o->lock);
		touch(w->o, rel);
		pthread_mutex_unlock(&w->o->lock);
	}
	return rc;
}

int
output_write(struct output *o, const char *rel, const char *data, size_t len, const char *what)
{
	return output_writer_write(&o->w, rel, data, len, what);
}

struct output_writer *
output_writer_new(struct output *o, struct diag *d)
{
	struct output_writer *w = xcalloc(1, sizeof(*w));

	w->o = o;
	w->d = d;
	return w;
}

void
output_writer_close(struct output_writer *w)
{
	if (w == NULL)
		return;
	output_writer_flush(w);
	pthread_mutex_lock(&w->o->lock);
	buf_put(&w->o->w.manifest, buf_str(&w->manifest), w->manifest.len);
	buf_put(&w->o->w.changed, buf_str(&w->changed), w->changed.len);
	w->o->written += w->written;
	w->o->kept += w->kept;
	pthread_mutex_unlock(&w->o->lock);
	free(w->last);
	buf_free(&w->manifest);
	buf_free(&w->changed);
	buf_free(&w->old);
	buf_free(&w->pending);
	free(w);
}

int
output_writer_write(struct output_writer *w, const char *rel, const char *data, size_t len,
    const char *what)
{
	struct output *o = w->o;
	char *path, *old = NULL;
	int rc = -1;

	if (!output_safe_path(rel)) {
		diag_error(w->d, rel, 0, "refusing to write outside the output folder");
		errno = EINVAL;
		return -1;
	}
	if (claim(w, rel, what) < 0)
		return -1;
	path = xasprintf("%s/%s", o->stage, rel);
	if (o->reuse) {
		if (reuse_write(w, rel, path, data, len) < 0)
			goto out;
		goto done;
	}
	if (make_parents(w, path) < 0)
		goto out;
	/*
	 * A file whose bytes did not change is linked from the published
	 * output, not written: it keeps its mtime, so a deploy by rsync or
	 * make sends only what changed.
	 */
	if (o->has_old && same_as_old(w, rel, data, len)) {
		old = xasprintf("%s/%s", o->dir, rel);
		if (link(old, path) == 0) {
			w->kept++;
			goto done;
		}
		/* Another file system, or no links there: write it after all. */
	}
	if (put_file(w, path, data, len, 1) < 0)
		goto out;
	w->written++;
	buf_printf(&w->changed, "%s\n", rel);
done:
	buf_puts(&w->manifest, rel);
	buf_putc(&w->manifest, '\n');
	rc = 0;
out:
	free(old);
	free(path);
	return rc;
}

int
output_has(struct output_writer *w, const char *rel)
{
	struct output *o = w->o;
	char *path;
	struct stat st;
	int ok;

	if (!o->has_old || !output_safe_path(rel))
		return 0;
	/* A reused stage is the published output: what the manifest lists is there. */
	if (o->reuse)
		return set_has(&o->old, rel, strlen(rel));
	path = xasprintf("%s/%s", o->dir, rel);
	ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

int
output_writer_keep(struct output_writer *w, const char *rel, const char *what)
{
	struct output *o = w->o;
	char *path, *old;
	struct stat st;
	int rc = 1;

	if (!output_has(w, rel))
		return 1;
	/* In a reused stage the file is there already: only claimed. */
	old = o->reuse ? NULL : xasprintf("%s/%s", o->dir, rel);
	path = o->reuse ? NULL : xasprintf("%s/%s", o->stage, rel);
	if (!o->reuse && (lstat(old, &st) < 0 || !S_ISREG(st.st_mode)))
		goto out;
	/* In a reused stage, claimed with others under one lock (output_writer_flush). */
	if (o->reuse) {
		buf_put(&w->pending, rel, strlen(rel) + 1);
		w->pending_what = what;
	} else if (claim(w, rel, what) < 0) {
		rc = -1;
		goto out;
	}
	rc = -1;
	if (!o->reuse) {
		if (make_parents(w, path) < 0)
			goto out;
		if (link(old, path) < 0) {
			diag_error(w->d, path, 0, "cannot link: %s", strerror(errno));
			goto out;
		}
	}
	w->kept++;
	buf_puts(&w->manifest, rel);
	buf_putc(&w->manifest, '\n');
	rc = 0;
out:
	free(old);
	free(path);
	return rc;
}

static void
output_free(struct output *o)
{
	foreign_done(o);
	drop_lock(o);
	free(o->dir);
	free(o->fresh);
	free(o->tree);
	free(o->delta);
	free(o->w.last);
	buf_free(&o->w.manifest);
	buf_free(&o->w.changed);
	buf_free(&o->w.old);
	set_free(&o->set);
	set_free(&o->old);
	set_free(&o->touched);
	dirs_free(o->treedirs);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

/* Writes the manifest, sorted so that it is the same for the same commit. */
static int
write_manifest(struct output *o)
{
	char **lines = NULL, *s, *nl;
	struct buf b = BUF_INIT;
	size_t n = 0, i;
	int rc;

	for (s = o->w.manifest.s; s != NULL && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = s;
	}
	xqsort(lines, n, sizeof(*lines), cmp_str);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", lines[i]);
	free(lines);
	rc = output_write(o, OUTPUT_MANIFEST, buf_str(&b), b.len, "crier's manifest");
	buf_free(&b);
	return rc;
}

/*
 * The files of the published output that this build did not write are
 * changes too: removed from a reused stage, and listed in the delta.
 */
static void
drop_stale(struct output *o)
{
	char *path = xasprintf("%s/%s", o->dir, OUTPUT_MANIFEST), *s, *nl, *f;
	struct buf b = BUF_INIT;

	if (buf_read_file(&b, path) == 0)
		for (s = b.s; s != NULL && *s; s = nl + 1) {
			if ((nl = strchr(s, '\n')) == NULL)
				break;
			*nl = '\0';
			if (set_has(&o->set, s, strlen(s)) || strcmp(s, OUTPUT_MANIFEST) == 0 ||
			    !output_safe_path(s))
				continue;
			if (o->reuse) {
				f = xasprintf("%s/%s", o->stage, s);
				unlink(f);
				free(f);
				prune(o->stage, s);
				touch(o, s);
			}
			buf_printf(&o->w.changed, "%s\n", s);
		}
	buf_free(&b);
	free(path);
}

/*
 * Keeps the output just replaced as the tree the next build stages in,
 * with the delta that brings it up to date: the files this build
 * changed, added or removed, and the manifest.  Failing that, removes it.
 */
static int
keep_tree(struct output *o, const char *old)
{
	char *dir = NULL;
	int kept = 1;

	free(state_cache_path(o->dir, "delta", &dir));
	if (strcmp(old, o->tree) != 0 && ((mkdir(dir, 0777) < 0 && errno != EEXIST) ||
	    rename(old, o->tree) < 0)) {
		output_remove_tree(old);
		kept = 0;
	}
	free(dir);
	return kept;
}

/*
 * Writes the delta that brings the tree up to date: the files this build
 * changed, added or removed, and the manifest, sorted, under the hash of
 * the output they lead to, with a checksum.  Written last, so that the
 * tree is trusted only when all else is in place; failing, the tree goes.
 */
static void
write_delta(struct output *o)
{
	char **lines = NULL, *s, *nl;
	struct buf b = BUF_INIT;
	size_t n = 0, i;

	buf_printf(&o->w.changed, "%s\n", OUTPUT_MANIFEST);
	for (s = o->w.changed.s; s != NULL && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		lines = xrealloc(lines, (n + 1) * sizeof(*lines));
		lines[n++] = s;
	}
	/* Sorted: a folder's path comes before what it holds. */
	xqsort(lines, n, sizeof(*lines), cmp_str);
	buf_printf(&b, DELTA_MAGIC "\n%016llx\n", (unsigned long long)state_manifest_hash(o->dir));
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			buf_printf(&b, "%s\n", lines[i]);
	buf_printf(&b, "%016llx\n", (unsigned long long)state_hash(STATE_HASH_INIT, b.s, b.len));
	if (buf_save_file(&b, o->delta) < 0)
		output_remove_tree(o->tree);
	free(lines);
	buf_free(&b);
}

/*
 * Records the folders of the output just published (NAME.dirs) and of
 * the tree that was the output before (NAME.treedirs).  The tree's record
 * is the old output's, if output_foreign found it as recorded, with the
 * tree's own folder read again (it moved); the new output's is the
 * stage's record with the folders this build touched read again, or
 * read whole after a stage from scratch.
 */
static void
record(struct output *o, int kept)
{
	char *dirs = state_cache_path(o->dir, "dirs", NULL);
	char *treedirs = state_cache_path(o->dir, "treedirs", NULL);
	char *mpath = xasprintf("%s/%s", o->dir, OUTPUT_MANIFEST), *root = "", **paths;
	struct buf m = BUF_INIT;
	struct dirs *r;
	uint64_t tag;
	size_t i, n;

	unlink(treedirs);
	if (kept && o->verified && rename(dirs, treedirs) == 0) {
		if ((r = dirs_load(treedirs, &tag)) != NULL) {
			dirs_update(r, o->tree, &root, 1);
			if (dirs_save(r, treedirs, tag) < 0)
				unlink(treedirs);
		} else
			unlink(treedirs);
		dirs_free(r);
	}
	unlink(dirs);
	if (buf_read_file(&m, mpath) < 0)
		goto out;
	tag = state_hash(STATE_HASH_INIT, buf_str(&m), m.len);
	if (o->reuse && o->treedirs != NULL) {
		paths = xcalloc(o->touched.n + 1, sizeof(*paths));
		for (i = n = 0; i < o->touched.cap; i++)
			if (o->touched.keys[i] != NULL)
				paths[n++] = o->touched.keys[i];
		xqsort(paths, n, sizeof(*paths), cmp_str);
		dirs_update(o->treedirs, o->dir, paths, n);
		free(paths);
		dirs_save(o->treedirs, dirs, tag);
	} else if ((r = dirs_scan(o->dir, buf_str(&m))) != NULL) {
		dirs_save(r, dirs, tag);
		dirs_free(r);
	}
out:
	buf_free(&m);
	free(mpath);
	free(dirs);
	free(treedirs);
}

int
output_commit(struct output *o, struct diag *d)
{
	struct stat st;
	char *old = NULL;
	int rc = -1, kept = 0;

	drop_stale(o);
	if (write_manifest(o) < 0)
		goto fail_quiet;
	if (lstat(o->dir, &st) < 0) {
		if (rename(o->stage, o->dir) < 0)
			goto fail;
		rc = 0;
		goto out;
	}
#ifdef RENAME_EXCHANGE
	if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->dir, RENAME_EXCHANGE) == 0) {
		/* The stage now holds the old output. */
		kept = keep_tree(o, o->stage);
		rc = 0;
		goto out;
	}
#endif
	old = beside(o->dir, "old");
	output_remove_tree(old);
	if (rename(o->dir, old) < 0)
		goto fail;
	if (rename(o->stage, o->dir) < 0) {
		rename(old, o->dir);
		goto fail;
	}
	kept = keep_tree(o, old);
	rc = 0;
	goto out;
fail:
	diag_error(d, o->dir, 0, "cannot publish: %s", strerror(errno));
fail_quiet:
	if (!o->reuse)
		output_remove_tree(o->stage);
out:
	if (rc == 0) {
		record(o, kept);
		if (kept)
			write_delta(o);
	}
	free(old);
	return rc;
}

void
output_counts(const struct output *o, size_t *written, size_t *kept)
{
	*written = o->written + o->w.written;
	*kept = o->kept + o->w.kept;
}

void
output_abort(struct output *o)
{
	if (o == NULL)
		return;
	/* A reused tree without its delta is not trusted again: the next build clears it. */
	if (!o->reuse)
		output_remove_tree(o->fresh);
	output_free(o);
}

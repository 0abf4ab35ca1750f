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

#include "buf.h"
#include "util.h"

struct output_writer {
	struct output *o;	/* what it writes into */
	size_t written;		/* files written */
	size_t kept;		/* files linked unchanged from the published output */
	struct buf old;		/* scratch: a published file's bytes */
	char *last;		/* the last folder made, to skip mkdir calls */
	struct diag *d;		/* where errors go */
	struct buf manifest;	/* every file it wrote, one a line */
};

struct output {
	char *dir;		/* the published output */
	char *stage;		/* the folder being written */
	int lockfd;		/* holds the output's lock while open */
	int has_old;		/* a published output exists to link from */
	size_t written, kept;	/* of the writers closed so far */
	struct output_writer w;	/* the writer of output_write */
	pthread_mutex_t lock;	/* guards w.manifest when writers close */
};

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

/* What output_foreign's walk needs: the manifest's names, sorted. */
static const char *foreign_root;
static char **foreign_names;
static size_t foreign_n;
static char **foreign_found;		/* the files not in the manifest */
static size_t foreign_count;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
foreign_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(foreign_root) + 1;

	(void)st;
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DP || strlen(path) <= strlen(foreign_root))
		return 0;
	if (strcmp(rel, OUTPUT_MANIFEST) == 0 ||
	    bsearch(&rel, foreign_names, foreign_n, sizeof(*foreign_names), cmp_str) != NULL)
		return 0;
	foreign_found = xrealloc(foreign_found, (foreign_count + 1) * sizeof(*foreign_found));
	foreign_found[foreign_count++] = xstrdup(rel);
	return 0;
}

int
output_foreign(const char *dir, int force, struct diag *d)
{
	char *path = xasprintf("%s/%s", dir, OUTPUT_MANIFEST), *s, *nl;
	struct buf text = BUF_INIT, found = BUF_INIT;
	size_t i;
	char chunk[65536];
	ssize_t n;
	int fd, rc = 0;

	if (force || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(path);
		return 0;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&text, chunk, (size_t)n);
	close(fd);
	foreign_n = 0;
	foreign_names = NULL;
	for (s = text.s; s != NULL && *s; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			break;
		*nl = '\0';
		foreign_names = xrealloc(foreign_names, (foreign_n + 1) * sizeof(*foreign_names));
		foreign_names[foreign_n++] = s;
	}
	xqsort(foreign_names, foreign_n, sizeof(*foreign_names), cmp_str);
	foreign_root = dir;
	foreign_found = NULL;
	foreign_count = 0;
	nftw(dir, foreign_entry, 32, FTW_PHYS);
	/* Named in order, whatever order the folder lists them in. */
	xqsort(foreign_found, foreign_count, sizeof(*foreign_found), cmp_str);
	for (i = 0; i < foreign_count && i < 3; i++)
		buf_printf(&found, "%s%s", i > 0 ? ", " : "", foreign_found[i]);
	if (foreign_count > 0) {
		diag_error(d, dir, 0, "holds %zu file%s crier did not write (%s%s), and crier only "
		    "removes files it wrote: put such files in the theme's static/ folder, move them "
		    "away, or build with --force to replace them", foreign_count,
		    foreign_count == 1 ? "" : "s", buf_str(&found), foreign_count > 3 ? ", ..." : "");
		rc = -1;
	}
	free(foreign_names);
	foreign_names = NULL;
	for (i = 0; i < foreign_count; i++)
		free(foreign_found[i]);
	free(foreign_found);
	foreign_found = NULL;
	buf_free(&found);
	buf_free(&text);
	free(path);
	return rc;
}

struct output *
output_begin(const char *dir, struct diag *d)
{
	struct output *o = xcalloc(1, sizeof(*o));
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/'), *manifest;

	o->dir = xstrdup(dir);
	o->stage = beside(dir, "stage");
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
	if (output_remove_tree(o->stage) < 0 || mkdir(o->stage, 0777) < 0) {
		diag_error(d, o->stage, 0, "cannot make the staging folder: %s", strerror(errno));
		goto fail;
	}
	free(parent);
	return o;
fail:
	drop_lock(o);
	pthread_mutex_destroy(&o->lock);
	free(parent);
	free(o->stage);
	free(o->dir);
	free(o);
	return NULL;
}

static int
make_parents(struct output_writer *w, const char *path)
{
	struct output *o = w->o;
	char *p = xstrdup(path), *s;
	size_t base = strlen(o->stage) + 1;

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
	if (make_dirs(p) < 0) {
		diag_error(w->d, p, 0, "cannot make folder: %s", strerror(errno));
		free(p);
		return -1;
	}
	free(w->last);
	w->last = p;
	return 0;
}

/* 1 if the published output's file rel holds exactly len bytes of data. */
static int
same_as_old(struct output_writer *w, const char *rel, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", w->o->dir, rel);
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, same = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
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
	pthread_mutex_lock(&w->o->lock);
	buf_put(&w->o->w.manifest, buf_str(&w->manifest), w->manifest.len);
	w->o->written += w->written;
	w->o->kept += w->kept;
	pthread_mutex_unlock(&w->o->lock);
	free(w->last);
	buf_free(&w->manifest);
	buf_free(&w->old);
	free(w);
}

int
output_writer_write(struct output_writer *w, const char *rel, const char *data, size_t len,
    const char *what)
{
	struct output *o = w->o;
	char *path, *old = NULL;
	ssize_t n;
	int fd, rc = -1, err;

	if (!output_safe_path(rel)) {
		diag_error(w->d, rel, 0, "refusing to write outside the output folder");
		errno = EINVAL;
		return -1;
	}
	path = xasprintf("%s/%s", o->stage, rel);
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
		if (errno == EEXIST) {
			diag_error(w->d, what, 0, "%s is written twice: two pages, feeds or static "
			    "files of the theme want the same path", rel);
			goto out;
		}
		/* Another file system, or no links there: write it after all. */
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error(w->d, what, 0, "%s is written twice: two pages, feeds or static "
			    "files of the theme want the same path", rel);
		else
			diag_error(w->d, path, 0, "cannot write: %s", strerror(errno));
		goto out;
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
			goto out;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0) {
		diag_error(w->d, path, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	w->written++;
done:
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
	drop_lock(o);
	free(o->dir);
	free(o->stage);
	free(o->w.last);
	buf_free(&o->w.manifest);
	buf_free(&o->w.old);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
	xqsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s\n", lines[i]);
	free(lines);
	rc = output_write(o, OUTPUT_MANIFEST, buf_str(&b), b.len, "crier's manifest");
	buf_free(&b);
	return rc;
}

int
output_commit(struct output *o, struct diag *d)
{
	struct stat st;
	char *old = NULL;
	int rc = -1;

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
		output_remove_tree(o->stage);
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
	output_remove_tree(old);
	rc = 0;
	goto out;
fail:
	diag_error(d, o->dir, 0, "cannot publish: %s", strerror(errno));
fail_quiet:
	output_remove_tree(o->stage);
out:
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
	output_remove_tree(o->stage);
	output_free(o);
}

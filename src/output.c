/*
 * output: staging and publishing.  The staging folder sits beside the
 * output, on the same file system, so that publishing is a rename; on
 * Linux the two folders are swapped in one step with renameat2.
 */
#define _GNU_SOURCE	/* renameat2 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct output {
	char *dir;	/* the published output */
	char *stage;	/* the folder being written */
	char *last;	/* the last folder made, to skip mkdir calls */
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

struct output *
output_begin(const char *dir)
{
	struct output *o = xcalloc(1, sizeof(*o));

	o->dir = xstrdup(dir);
	o->stage = beside(dir, "stage");
	/* A stage left by a killed build is ours to clear. */
	if (output_remove_tree(o->stage) < 0 || mkdir(o->stage, 0777) < 0) {
		fprintf(stderr, "crier: %s: cannot make the staging folder: %s\n",
		    o->stage, strerror(errno));
		free(o->stage);
		free(o->dir);
		free(o);
		return NULL;
	}
	return o;
}

static int
make_parents(struct output *o, const char *path)
{
	char *p = xstrdup(path), *s;
	size_t base = strlen(o->stage) + 1;

	s = strrchr(p, '/');
	if (s == NULL || (size_t)(s - p) < base) {
		free(p);
		return 0;
	}
	*s = '\0';
	if (o->last != NULL && strcmp(o->last, p) == 0) {
		free(p);
		return 0;
	}
	for (s = p + base; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST)
		goto fail;
	free(o->last);
	o->last = p;
	return 0;
fail:
	fprintf(stderr, "crier: %s: cannot make folder: %s\n", p, strerror(errno));
	free(p);
	return -1;
}

int
output_write(struct output *o, const char *rel, const char *data, size_t len)
{
	char *path;
	ssize_t w;
	int fd, rc = -1;

	if (!output_safe_path(rel)) {
		fprintf(stderr, "crier: %s: refusing to write outside the output folder\n", rel);
		return -1;
	}
	path = xasprintf("%s/%s", o->stage, rel);
	if (make_parents(o, path) < 0)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		fprintf(stderr, "crier: %s: %s\n", path, strerror(errno));
		goto out;
	}
	while (len > 0) {
		w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "crier: %s: %s\n", path, strerror(errno));
			close(fd);
			goto out;
		}
		data += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		fprintf(stderr, "crier: %s: %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

static void
output_free(struct output *o)
{
	free(o->dir);
	free(o->stage);
	free(o->last);
	free(o);
}

int
output_commit(struct output *o)
{
	struct stat st;
	char *old = NULL;
	int rc = -1;

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
	fprintf(stderr, "crier: %s: cannot publish: %s\n", o->dir, strerror(errno));
	output_remove_tree(o->stage);
out:
	free(old);
	output_free(o);
	return rc;
}

void
output_abort(struct output *o)
{
	if (o == NULL)
		return;
	output_remove_tree(o->stage);
	output_free(o);
}

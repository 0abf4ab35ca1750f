/*
 * theme: finding a theme and reading it.  Templates are named by their
 * path below the theme without ".mustache" ("post", "partials/nav"), so a
 * template can name its partials and parents the same way.
 */
#include "theme.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "state.h"

#ifndef CRIER_DATADIR
#define CRIER_DATADIR "/usr/local/share/crier"
#endif

#define EXT ".mustache"

static const char *const required[] = { "index", "post" };

static void
add_file(struct theme *t, const char *rel, char *data, size_t len, struct diag *d)
{
	char *name;

	/* Files come in a fixed order (sorted by path), so the hash is stable. */
	t->hash = state_hash(t->hash, rel, strlen(rel) + 1);
	t->hash = state_hash(t->hash, data, len);
	if (str_prefix(rel, "static/")) {
		t->statics = xrealloc(t->statics, (t->nstatic + 1) * sizeof(*t->statics));
		t->statics[t->nstatic].path = xstrdup(rel + strlen("static/"));
		t->statics[t->nstatic].data = data;
		t->statics[t->nstatic].len = len;
		t->nstatic++;
		return;
	}
	if (str_suffix(rel, EXT)) {
		char *path = xasprintf("%s/%s", t->where, rel);

		name = xstrndup(rel, strlen(rel) - strlen(EXT));
		if (tmpl_set_add(t->tmpls, name, path, data, len) < 0) {
			d->errors++;
			/* Known, if broken: not reported again as missing. */
			t->broken = xrealloc(t->broken, (t->nbroken + 1) * sizeof(*t->broken));
			t->broken[t->nbroken++] = name;
		} else
			free(name);
		free(path);
	}
	free(data);
}

/* Loads the theme from dir of the commit; returns -1, or the number of files. */
static long
load_tree(struct theme *t, struct repo *r, const char *dir, struct diag *d)
{
	struct repo_file *files;
	size_t i, n;
	char *data;
	size_t len;
	long rc;

	if (repo_list(r, dir, NULL, &files, &n, d) < 0)
		return -1;
	rc = (long)n;
	for (i = 0; i < n; i++) {
		if (repo_read_file(r, &files[i], &data, &len, d) < 0) {
			rc = -1;
			continue;
		}
		add_file(t, files[i].path + strlen(dir) + 1, data, len, d);
	}
	repo_files_free(files, n);
	return rc;
}

static int
read_disk(const char *path, char **data, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(fp)) {
		fclose(fp);
		buf_free(&b);
		return -1;
	}
	fclose(fp);
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_disk(struct theme *t, const char *root, const char *rel, struct diag *d)
{
	char *dirpath = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	struct dirent *de;
	struct stat st;
	char **names = NULL;
	size_t i, n = 0;
	DIR *dir;
	int rc = 0;

	if ((dir = opendir(dirpath)) == NULL) {
		diag_error(d, dirpath, 0, "cannot open: %s", strerror(errno));
		free(dirpath);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
	}
	closedir(dir);
	/* In order, so that the theme's hash does not depend on readdir. */
	xqsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", root, names[i]);
		char *data;
		size_t len;

		/* Installed themes are ours; links in them are still not followed. */
		if (lstat(full, &st) < 0) {
			diag_error(d, full, 0, "cannot read: %s", strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (load_disk(t, root, names[i], d) < 0)
				rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			if (read_disk(full, &data, &len) < 0) {
				diag_error(d, full, 0, "cannot read: %s", strerror(errno));
				rc = -1;
			} else
				add_file(t, names[i], data, len, d);
		}
		free(full);
		free(names[i]);
	}
	free(names);
	free(dirpath);
	return rc;
}

/* The folder holding the running executable, or NULL. */
static char *
exe_dir(void)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(path);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_broken(const struct theme *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nbroken; i++)
		if (strcmp(t->broken[i], name) == 0)
			return 1;
	return 0;
}

static int
cmp_static(const void *a, const void *b)
{
	return strcmp(((const struct theme_file *)a)->path, ((const struct theme_file *)b)->path);
}

int
theme_load(struct theme **out, struct repo *r, const char *name, struct diag *d)
{
	struct theme *t = xcalloc(1, sizeof(*t));
	char *tree_dir = xasprintf("themes/%s", name);
	char *exe = NULL, *disk = NULL;
	size_t i;
	long n;
	int errors = d->errors, rc = -1;

	*out = NULL;
	t->tmpls = tmpl_set_new();
	t->hash = STATE_HASH_INIT;
	t->where = xstrdup(tree_dir);
	if ((n = load_tree(t, r, tree_dir, d)) < 0)
		goto out;
	if (n == 0) {
		free(t->where);
		t->where = NULL;
		/* A crier run from its build folder uses the source tree's themes. */
		exe = exe_dir();
		if (exe != NULL)
			disk = xasprintf("%s/themes/%s", exe, name);
		if (disk == NULL || !is_dir(disk)) {
			free(disk);
			disk = xasprintf("%s/themes/%s", CRIER_DATADIR, name);
		}
		if (!is_dir(disk)) {
			diag_error(d, tree_dir, 0, "no such theme in the commit, nor installed in %s/themes",
			    CRIER_DATADIR);
			goto out;
		}
		t->where = xstrdup(disk);
		if (load_disk(t, disk, "", d) < 0)
			goto out;
	}
	for (i = 0; i < NELEM(required); i++)
		if (!tmpl_set_has(t->tmpls, required[i]) && !is_broken(t, required[i]))
			diag_error(d, t->where, 0, "missing template %s%s", required[i], EXT);
	if (d->errors > errors)
		goto out;
	xqsort(t->statics, t->nstatic, sizeof(*t->statics), cmp_static);
	*out = t;
	rc = 0;
out:
	if (rc < 0)
		theme_free(t);
	free(tree_dir);
	free(exe);
	free(disk);
	return rc;
}

void
theme_free(struct theme *t)
{
	size_t i;

	if (t == NULL)
		return;
	free(t->where);
	tmpl_set_free(t->tmpls);
	for (i = 0; i < t->nstatic; i++) {
		free(t->statics[i].path);
		free(t->statics[i].data);
	}
	free(t->statics);
	for (i = 0; i < t->nbroken; i++)
		free(t->broken[i]);
	free(t->broken);
	free(t);
}

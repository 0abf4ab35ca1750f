/*
 * dirs: a record is a text file: a magic line, the tag, a line per folder
 * ("SECONDS NANOSECONDS PATH", sorted by path), and the hash of all that,
 * so that a damaged record is never trusted.
 */
#define _DEFAULT_SOURCE	/* d_type, where there is one */
#include "dirs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "state.h"
#include "util.h"

#define MAGIC "crier-dirs 1"

struct dir {
	char *path;		/* relative to the root; "" for the root */
	long long sec;
	long nsec;
};

struct dirs {
	struct dir *d;		/* sorted by path */
	size_t n, cap;
};

static int
cmp_dir(const void *a, const void *b)
{
	return strcmp(((const struct dir *)a)->path, ((const struct dir *)b)->path);
}

static void
add(struct dirs *r, char *path, long long sec, long nsec)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->d = xrealloc(r->d, r->cap * sizeof(*r->d));
	}
	r->d[r->n].path = path;
	r->d[r->n].sec = sec;
	r->d[r->n].nsec = nsec;
	r->n++;
}

void
dirs_free(struct dirs *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		free(r->d[i].path);
	free(r->d);
	free(r);
}

/* The mtime of the folder path below the folder open at fd; -1 if it is not one. */
static int
mtime(int fd, const char *path, long long *sec, long *nsec)
{
	struct stat st;

	if (fstatat(fd, *path ? path : ".", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return -1;
	*sec = (long long)st.st_mtim.tv_sec;
	*nsec = (long)st.st_mtim.tv_nsec;
	return 0;
}

/* What a scan's parts share: the folders d get their mtimes, or -1 -1 if not folders. */
struct scan {
	int fd;
	struct dir *d;
};

static void
stat_part(void *arg, size_t part, size_t from, size_t to)
{
	struct scan *sc = arg;
	size_t i;

	(void)part;
	for (i = from; i < to; i++)
		if (mtime(sc->fd, sc->d[i].path, &sc->d[i].sec, &sc->d[i].nsec) < 0) {
			sc->d[i].sec = -1;
			sc->d[i].nsec = -1;
		}
}

/* Scans of many folders are split in two, the second half on a thread. */
#define SPLIT 4096

struct dirs *
dirs_scan(const char *root, const char *manifest)
{
	struct dirs *r = xcalloc(1, sizeof(*r)), all = { NULL, 0, 0 };
	struct scan sc;
	const char *s, *nl, *p, *last = "";
	size_t i, n, lastn = 0;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		free(r);
		return NULL;
	}
	/* Every folder above every file; the manifest is sorted, so most repeat the last. */
	add(&all, xstrdup(""), 0, 0);
	for (s = manifest; *s; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			break;
		for (p = nl; p > s && p[-1] != '/'; p--)
			;
		if (p == s || ((size_t)(p - 1 - s) == lastn && memcmp(s, last, lastn) == 0))
			continue;
		last = s;
		lastn = (size_t)(p - 1 - s);
		for (p = s; p < s + lastn + 1; p++)
			if (*p == '/' || p == s + lastn)
				add(&all, xstrndup(s, (size_t)(p - s)), 0, 0);
	}
	xqsort(all.d, all.n, sizeof(*all.d), cmp_dir);
	for (i = n = 0; i < all.n; i++) {
		if (n > 0 && strcmp(all.d[n - 1].path, all.d[i].path) == 0)
			free(all.d[i].path);
		else
			all.d[n++] = all.d[i];
	}
	all.n = n;
	/* A lookup each, mostly in the kernel: two threads take half the time. */
	sc.fd = fd;
	sc.d = all.d;
	run_parts(stat_part, &sc, n, n >= SPLIT ? 2 : 1);
	for (i = 0; i < n; i++) {
		if (all.d[i].sec == -1 && all.d[i].nsec == -1)
			free(all.d[i].path);
		else
			add(r, all.d[i].path, all.d[i].sec, all.d[i].nsec);
	}
	free(all.d);
	close(fd);
	return r;
}

struct dirs *
dirs_load(const char *file, uint64_t *tag)
{
	struct dirs *r = NULL;
	struct buf b = BUF_INIT;
	char *s, *nl, *end, *last;
	unsigned long long sum, t;
	long long sec;
	long nsec;
	int fd;
	char chunk[65536];
	ssize_t n;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(&b, chunk, (size_t)n);
	close(fd);
	if (n < 0 || b.len < 2 || b.s[b.len - 1] != '\n')
		goto fail;
	b.s[b.len - 1] = '\0';
	if ((last = strrchr(b.s, '\n')) == NULL)
		goto fail;
	errno = 0;
	sum = strtoull(last + 1, &end, 16);
	if (errno || *end != '\0' || sum != state_hash(STATE_HASH_INIT, b.s, (size_t)(last + 1 - b.s)))
		goto fail;
	*last = '\0';
	if (strncmp(b.s, MAGIC "\n", strlen(MAGIC) + 1) != 0)
		goto fail;
	s = b.s + strlen(MAGIC) + 1;
	t = strtoull(s, &end, 16);
	if (*end != '\n')
		goto fail;
	r = xcalloc(1, sizeof(*r));
	for (s = end + 1; s < last; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = last;
		sec = strtoll(s, &end, 10);
		if (*end != ' ')
			goto fail;
		nsec = strtol(end + 1, &end, 10);
		if (*end != ' ' || end + 1 > nl)
			goto fail;
		add(r, xstrndup(end + 1, (size_t)(nl - end - 1)), sec, nsec);
		if (r->n > 1 && cmp_dir(&r->d[r->n - 2], &r->d[r->n - 1]) >= 0)
			goto fail;
	}
	*tag = t;
	buf_free(&b);
	return r;
fail:
	dirs_free(r);
	buf_free(&b);
	return NULL;
}

int
dirs_verify(const struct dirs *r, const char *root)
{
	long long sec;
	long nsec;
	size_t i;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ok = fd >= 0;

	for (i = 0; ok && i < r->n; i++)
		ok = mtime(fd, r->d[i].path, &sec, &nsec) == 0 && sec == r->d[i].sec &&
		    nsec == r->d[i].nsec;
	if (fd >= 0)
		close(fd);
	return ok;
}

void
dirs_update(struct dirs *r, const char *root, char *const *paths, size_t n)
{
	struct dir key, *hit;
	long long sec;
	long nsec;
	size_t i, j;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), added = 0;

	for (i = 0; i < n; i++) {
		key.path = paths[i];
		hit = bsearch(&key, r->d, r->n - (size_t)added, sizeof(*r->d), cmp_dir);
		if (fd >= 0 && mtime(fd, paths[i], &sec, &nsec) == 0) {
			if (hit != NULL) {
				hit->sec = sec;
				hit->nsec = nsec;
			} else {
				add(r, xstrdup(paths[i]), sec, nsec);
				added++;
			}
		} else if (hit != NULL) {
			/* Gone: marked, then dropped below. */
			hit->sec = -1;
			hit->nsec = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	for (i = j = 0; i < r->n; i++) {
		if (r->d[i].sec == -1 && r->d[i].nsec == -1) {
			free(r->d[i].path);
			continue;
		}
		r->d[j++] = r->d[i];
	}
	r->n = j;
	xqsort(r->d, r->n, sizeof(*r->d), cmp_dir);
}

int
dirs_save(const struct dirs *r, const char *file, uint64_t tag)
{
	struct buf b = BUF_INIT;
	size_t i;
	int ok;

	buf_printf(&b, MAGIC "\n%016" PRIx64 "\n", tag);
	for (i = 0; i < r->n; i++) {
		buf_put_dec(&b, r->d[i].sec);
		buf_putc(&b, ' ');
		buf_put_dec(&b, r->d[i].nsec);
		buf_putc(&b, ' ');
		buf_puts(&b, r->d[i].path);
		buf_putc(&b, '\n');
	}
	buf_printf(&b, "%016" PRIx64 "\n", state_hash(STATE_HASH_INIT, b.s, b.len));
	ok = buf_save_file(&b, file) == 0;
	buf_free(&b);
	return ok ? 0 : -1;
}

int
dirs_open_sub(DIR *dp, const struct dirent *de)
{
	struct stat st;

#ifdef DT_DIR
	/* Where the folder says what each entry is, a file costs no stat. */
	if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
		return -2;
	if (de->d_type == DT_UNKNOWN)
#endif
		if (fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			return -2;
	return openat(dirfd(dp), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

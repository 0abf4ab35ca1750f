/*
 * state: a small text file per output, written to a temporary name and
 * renamed into place, so that a killed build never leaves half of one.
 * Anything in it that does not parse makes the next build a full one.
 */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "output.h"
#include "util.h"

#define MAGIC "crier-state 2"

uint64_t
state_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t w;

	/* FNV-1a over eight bytes at a time, folded, then the bytes left. */
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 1099511628211ULL;
		h ^= h >> 32;
	}
	for (; n > 0; s++, n--)
		h = (h ^ *s) * 1099511628211ULL;
	return h;
}

char *
state_cache_path(const char *outdir, const char *suffix, char **dir)
{
	const char *slash, *base;
	size_t n = strlen(outdir);
	char *trimmed = xstrdup(outdir), *path, *d;

	while (n > 1 && trimmed[n - 1] == '/')
		trimmed[--n] = '\0';
	slash = strrchr(trimmed, '/');
	base = slash ? slash + 1 : trimmed;
	if (slash == NULL)
		d = xstrdup(".crier-cache");
	else if (slash == trimmed)
		d = xstrdup("/.crier-cache");
	else
		d = xasprintf("%.*s/.crier-cache", (int)(slash - trimmed), trimmed);
	path = xasprintf("%s/%s.%s", d, base, suffix);
	if (dir != NULL)
		*dir = d;
	else
		free(d);
	free(trimmed);
	return path;
}

/* The cache folder beside outdir, and the state file's path in it. */
static char *
state_path(const char *outdir, char **dir)
{
	return state_cache_path(outdir, "state", dir);
}

/*
 * What tells outdir's manifest from any other, or 0 if it has none: the
 * hash of its device, inode, size and modification time, not of its bytes
 * (750 KB at 10,000 posts, read and hashed several times a build).  crier
 * writes a manifest to a new file and renames it into place, so every
 * build's has an inode of its own while it stands, and a manifest written
 * in place has a new modification time.  (Not the change time: a rebuild
 * links the published manifest into the tree it stages in, which changes
 * that.)  The files it lists are not looked at one by one: that would
 * cost a no-op build as much as 3% of a full one.  crier trusts that
 * nobody edits its output by hand; removing .crier-cache/ makes the next
 * build a full one.
 */
uint64_t
state_manifest_hash(const char *outdir)
{
	char *path = xasprintf("%s/%s", outdir, OUTPUT_MANIFEST);
	struct stat st;
	uint64_t id[5];

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		free(path);
		return 0;
	}
	free(path);
	id[0] = (uint64_t)st.st_dev;
	id[1] = (uint64_t)st.st_ino;
	id[2] = (uint64_t)st.st_size;
	id[3] = (uint64_t)st.st_mtim.tv_sec;
	id[4] = (uint64_t)st.st_mtim.tv_nsec;
	/* Never 0, which means "no manifest". */
	return state_hash(STATE_HASH_INIT, id, sizeof(id)) | 1;
}

static int
parse(const char *text, struct state *st)
{
	char commit[64];
	unsigned long long theme, flags, manifest;
	long long valid, from;

	if (sscanf(text, MAGIC "\ncommit %63s\ntheme %16llx\nflags %16llx\n"
	    "valid_from %lld\nvalid_until %lld\nmanifest %16llx\n", commit, &theme, &flags,
	    &from, &valid, &manifest) != 6)
		return -1;
	st->valid_from = (time_t)from;
	memcpy(st->commit, commit, sizeof(st->commit));
	st->theme = theme;
	st->flags = flags;
	st->valid_until = (time_t)valid;
	st->manifest = manifest;
	return 0;
}

int
state_fresh(const char *outdir, const struct state *want, time_t now, struct diag *d)
{
	char *dir, *path = state_path(outdir, &dir);
	struct buf b = BUF_INIT;
	struct state had;
	int fresh = 0;

	if (buf_read_file(&b, path) < 0)
		goto out;
	if (parse(buf_str(&b), &had) < 0) {
		diag_warn(d, path, 0, "not a state file of this crier; building everything");
		goto out;
	}
	fresh = strcmp(had.commit, want->commit) == 0 && had.theme == want->theme &&
	    had.flags == want->flags && now >= had.valid_from &&
	    (had.valid_until == 0 || now < had.valid_until) &&
	    had.manifest != 0 && had.manifest == state_manifest_hash(outdir);
out:
	buf_free(&b);
	free(path);
	free(dir);
	return fresh;
}

void
state_forget(const char *outdir)
{
	char *dir, *path = state_path(outdir, &dir);

	unlink(path);
	free(path);
	free(dir);
}

void
state_save(const char *outdir, struct state *st, struct diag *d)
{
	char *dir, *path = state_path(outdir, &dir);
	struct buf b = BUF_INIT;

	st->manifest = state_manifest_hash(outdir);
	buf_printf(&b, MAGIC "\ncommit %s\ntheme %016" PRIx64 "\nflags %016" PRIx64 "\n"
	    "valid_from %lld\nvalid_until %lld\nmanifest %016" PRIx64 "\n", st->commit,
	    st->theme, st->flags, (long long)st->valid_from, (long long)st->valid_until,
	    st->manifest);
	if ((mkdir(dir, 0777) < 0 && errno != EEXIST) || buf_save_file(&b, path) < 0)
		diag_warn(d, path, 0, "cannot record the build (%s); the next build will do everything",
		    strerror(errno));
	buf_free(&b);
	free(path);
	free(dir);
}

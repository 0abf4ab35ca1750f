/*
 * pack: objects read from git's packs with a cache of rebuilt deltas.
 *
 * A pack index (version 2) is a fan-out table of 256 counts, the sorted
 * object ids, their CRCs, their offsets in the pack (31 bits, or an index
 * into a table of 64-bit ones) and two checksums.  In the pack, each
 * object is a header (type and size, 7 bits a byte), for a delta the
 * distance back to its base or the base's id, then a zlib stream.  A
 * delta is the sizes of base and result, then instructions: copy a range
 * of the base, or insert the next bytes.
 *
 * Files are mapped, and every length and offset is checked against what
 * was mapped; whatever does not add up makes the read give up, and the
 * caller asks libgit2.
 */
#define _DEFAULT_SOURCE	/* madvise, where there is one */
#include "pack.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "util.h"

/* Objects larger than this are libgit2's. */
#define PACK_MAX ((size_t)256 << 20)
/*
 * Deltas on deltas deeper than this are libgit2's: git makes chains of
 * 50 at most by default, and each level is a frame of the walk thread's
 * stack, which may be small (128 KiB with musl).
 */
#define PACK_DEPTH 100
/* Objects rebuilt and kept: enough for the walk's trees and their bases. */
#define PACK_KEEP 6

enum { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3, OBJ_TAG = 4, OBJ_OFS_DELTA = 6,
	OBJ_REF_DELTA = 7 };

struct packfile {
	unsigned char *idx;		/* the index, mapped */
	size_t idxlen;
	unsigned char *data;		/* the pack, mapped */
	size_t len;
	uint32_t n;			/* its objects */
	const unsigned char *names;	/* their ids, sorted */
	const unsigned char *offs;	/* their 4-byte offsets */
	const unsigned char *big;	/* the 8-byte ones */
	size_t nbig;
};

/* A kept object: its bytes and its type. */
struct kept {
	struct pack_obj *o;
	int type;
};

/* The packs of an objects folder: mapped once, read by any thread. */
struct packs {
	char *objdir;		/* the objects folder */
	struct packfile *p;	/* the packs that could be mapped */
	size_t np;
	_Atomic int refs;	/* its opener's and its readers' */
};

struct pack {
	struct packs *ps;	/* what it reads */
	const struct packfile *p;	/* ps's packs, for short */
	size_t np;
	struct kept keep[PACK_KEEP];	/* most recently rebuilt first */
	struct libdeflate_decompressor *z;
	unsigned char *spare;		/* the bytes of an object let go of, for the next */
	size_t sparecap;
};

/*
 * Room for n bytes: the spare buffer if it is large enough.  A walk
 * rebuilds tree after tree of the same size: new memory for each was a
 * page fault every 4 KiB.
 */
static unsigned char *
take(struct pack *pk, size_t n, size_t *cap)
{
	unsigned char *p;

	if (pk->spare != NULL && pk->sparecap >= n && pk->sparecap / 2 <= n) {
		p = pk->spare;
		*cap = pk->sparecap;
		pk->spare = NULL;
		return p;
	}
	*cap = n;
	return xmalloc(n);
}

/* Takes back p, of cap bytes, as the spare if it is larger than the one kept. */
static void
give(struct pack *pk, unsigned char *p, size_t cap)
{
	if (pk->spare == NULL || cap > pk->sparecap) {
		free(pk->spare);
		pk->spare = p;
		pk->sparecap = cap;
	} else
		free(p);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
unmap(struct packfile *f)
{
	if (f->idx != NULL)
		munmap(f->idx, f->idxlen);
	if (f->data != NULL)
		munmap(f->data, f->len);
	memset(f, 0, sizeof(*f));
}

/* Maps the file at path; 0, or -1. */
static int
map(const char *path, unsigned char **at, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 32) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	*at = p;
	*len = (size_t)st.st_size;
	return 0;
}

/* Opens the pack of the index named name (ends in ".idx"); 0, or -1. */
static int
open_one(const struct packs *ps, const char *name, struct packfile *f)
{
	char *path = xasprintf("%s/pack/%s", ps->objdir, name);
	size_t i, fixed;
	uint32_t prev = 0, v;

	memset(f, 0, sizeof(*f));
	if (map(path, &f->idx, &f->idxlen) < 0)
		goto fail;
	free(path);
	path = xasprintf("%s/pack/%.*s.pack", ps->objdir, (int)(strlen(name) - 4), name);
	if (map(path, &f->data, &f->len) < 0)
		goto fail;
	if (f->idxlen < 8 + 1024 + 40 || memcmp(f->idx, "\377tOc", 4) != 0 || be32(f->idx + 4) != 2)
		goto fail;
	for (i = 0; i < 256; i++) {
		v = be32(f->idx + 8 + 4 * i);
		if (v < prev)
			goto fail;
		prev = v;
	}
	f->n = prev;
	/* In 64 bits, so that no count overflows it where size_t is 32. */
	if (8 + 1024 + (uint64_t)f->n * 28 + 40 > f->idxlen)
		goto fail;
	fixed = 8 + 1024 + (size_t)f->n * 28 + 40;
	if ((f->idxlen - fixed) % 8 != 0)
		goto fail;
	f->names = f->idx + 8 + 1024;
	f->offs = f->names + (size_t)f->n * 24;
	f->big = f->offs + (size_t)f->n * 4;
	f->nbig = (f->idxlen - fixed) / 8;
	if (memcmp(f->data, "PACK", 4) != 0 || (be32(f->data + 4) != 2 && be32(f->data + 4) != 3) ||
	    be32(f->data + 8) != f->n)
		goto fail;
	free(path);
	return 0;
fail:
	free(path);
	unmap(f);
	return -1;
}

struct packs *
packs_open(const char *objdir)
{
	struct packs *ps = xcalloc(1, sizeof(*ps));
	char *dir = xasprintf("%s/pack", objdir);
	DIR *dp = opendir(dir);
	struct dirent *de;
	size_t n;

	ps->objdir = xstrdup(objdir);
	ps->refs = 1;
	free(dir);
	if (dp == NULL)
		return ps;
	while ((de = readdir(dp)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".idx") != 0)
			continue;
		ps->p = xrealloc(ps->p, (ps->np + 1) * sizeof(*ps->p));
		if (open_one(ps, de->d_name, &ps->p[ps->np]) == 0)
			ps->np++;
	}
	closedir(dp);
	return ps;
}

struct packs *
packs_ref(struct packs *ps)
{
	atomic_fetch_add(&ps->refs, 1);
	return ps;
}

void
packs_put(struct packs *ps)
{
	size_t i;

	if (ps == NULL || atomic_fetch_sub(&ps->refs, 1) != 1)
		return;
	for (i = 0; i < ps->np; i++)
		unmap(&ps->p[i]);
	free(ps->p);
	free(ps->objdir);
	free(ps);
}

void
packs_drop(struct packs *ps)
{
	size_t i;

	for (i = 0; i < ps->np; i++)
#ifdef MADV_DONTNEED
		/* posix_madvise's POSIX_MADV_DONTNEED does nothing in glibc. */
		madvise(ps->p[i].data, ps->p[i].len, MADV_DONTNEED);
#else
		posix_madvise(ps->p[i].data, ps->p[i].len, POSIX_MADV_DONTNEED);
#endif
}

int
packs_empty(const struct packs *ps)
{
	return ps->np == 0;
}

struct pack *
pack_open(struct packs *ps)
{
	struct pack *pk = xcalloc(1, sizeof(*pk));

	pk->ps = packs_ref(ps);
	pk->p = ps->p;
	pk->np = ps->np;
	return pk;
}

void
pack_put(struct pack_obj *o)
{
	if (o != NULL && --o->refs == 0) {
		give(o->owner, (unsigned char *)o->data, o->cap);
		free(o);
	}
}

void
pack_free(struct pack *pk)
{
	size_t i;

	if (pk == NULL)
		return;
	for (i = 0; i < PACK_KEEP; i++)
		pack_put(pk->keep[i].o);
	free(pk->spare);
	if (pk->z != NULL)
		libdeflate_free_decompressor(pk->z);
	packs_put(pk->ps);
	free(pk);
}

/* Where id is: 0 with *pi and *off, or -1. */
static int
find(struct pack *pk, const unsigned char *id, size_t *pi, uint64_t *off)
{
	const struct packfile *f;
	size_t i, lo, hi, mid;
	uint32_t o;
	int c;

	for (i = 0; i < pk->np; i++) {
		f = &pk->p[i];
		lo = id[0] == 0 ? 0 : be32(f->idx + 8 + 4 * (id[0] - 1));
		hi = be32(f->idx + 8 + 4 * id[0]);
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			c = memcmp(f->names + 20 * mid, id, 20);
			if (c == 0) {
				o = be32(f->offs + 4 * mid);
				if (o & 0x80000000u) {
					if ((o & 0x7fffffffu) >= f->nbig)
						return -1;
					*off = (uint64_t)be32(f->big + 8 * (o & 0x7fffffffu)) << 32 |
					    be32(f->big + 8 * (o & 0x7fffffffu) + 4);
				} else
					*off = o;
				if (*off < 12 || *off >= f->len - 20)
					return -1;
				*pi = i;
				return 0;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return -1;
}

/*
 * Inflates the stream at in (avail bytes) into exactly size bytes (*cap
 * allocated); NULL if it is not that.
 */
static unsigned char *
inflate_exact(struct pack *pk, const unsigned char *in, size_t avail, size_t size, size_t *cap)
{
	unsigned char *out = take(pk, size + 1, cap);
	size_t used, got;

	if (pk->z == NULL && (pk->z = libdeflate_alloc_decompressor()) == NULL)
		die("out of memory");
	if (libdeflate_zlib_decompress_ex(pk->z, in, avail, out, size, &used, &got) !=
	    LIBDEFLATE_SUCCESS || got != size) {
		give(pk, out, *cap);
		return NULL;
	}
	out[size] = '\0';
	return out;
}

/* A delta's size field at *p; (size_t)-1 if it runs past end or is too large. */
static size_t
delta_size(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		if (*p >= end || shift > 35)
			return (size_t)-1;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	return v > PACK_MAX ? (size_t)-1 : (size_t)v;
}

/*
 * The result of delta d (dlen bytes) on base; NULL if the delta does not
 * fit it.  *head and *tail: how many bytes at the start and at the end
 * are copies of the base's own first and last bytes.
 */
static unsigned char *
apply(struct pack *pk, const struct pack_obj *base, const unsigned char *d, size_t dlen,
    size_t *outlen, size_t *cap, size_t *head, size_t *tail)
{
	const unsigned char *p = d, *end = d + dlen;
	unsigned char *out, c;
	size_t bsize = delta_size(&p, end), rsize = delta_size(&p, end), o = 0, off, n;
	size_t run = (size_t)-1;	/* where the copies at the base's end's distance began */
	int i, same = 1;

	*head = *tail = 0;

	if (bsize != base->len || rsize == (size_t)-1)
		return NULL;
	out = take(pk, rsize + 1, cap);
	while (p < end) {
		c = *p++;
		if (c & 0x80) {
			off = n = 0;
			for (i = 0; i < 4; i++)
				if (c & (1u << i)) {
					if (p >= end)
						goto fail;
					off |= (size_t)*p++ << (8 * i);
				}
			for (i = 0; i < 3; i++)
				if (c & (0x10u << i)) {
					if (p >= end)
						goto fail;
					n |= (size_t)*p++ << (8 * i);
				}
			if (n == 0)
				n = 0x10000;
			if (off > base->len || n > base->len - off || n > rsize - o)
				goto fail;
			memcpy(out + o, base->data + off, n);
			if (same && off == o)
				*head = o + n;
			else
				same = 0;
			if (base->len - off != rsize - o)
				run = (size_t)-1;
			else if (run == (size_t)-1)
				run = o;
		} else if (c != 0) {
			n = c;
			if (n > (size_t)(end - p) || n > rsize - o)
				goto fail;
			memcpy(out + o, p, n);
			p += n;
			same = 0;
			run = (size_t)-1;
		} else
			goto fail;
		o += n;
	}
	if (o != rsize)
		goto fail;
	if (run != (size_t)-1)
		*tail = rsize - run;
	out[rsize] = '\0';
	*outlen = rsize;
	return out;
fail:
	give(pk, out, *cap);
	return NULL;
}

/* Keeps o (taking a reference) as the most recently rebuilt. */
static void
keep(struct pack *pk, struct pack_obj *o, int type)
{
	pack_put(pk->keep[PACK_KEEP - 1].o);
	memmove(pk->keep + 1, pk->keep, (PACK_KEEP - 1) * sizeof(*pk->keep));
	o->refs++;
	pk->keep[0].o = o;
	pk->keep[0].type = type;
}

/* The object at off of pack pi, with its type in *type, or NULL. */
static struct pack_obj *
object_at(struct pack *pk, size_t pi, uint64_t off, int depth, int *type)
{
	const struct packfile *f = &pk->p[pi];
	const unsigned char *p, *end = f->data + f->len - 20;
	struct pack_obj *base = NULL, *o;
	unsigned char *bytes = NULL, *delta, c;
	size_t i, size, len = 0, bpi = 0, head = 0, tail = 0, cap = 0, dcap;
	uint64_t boff = 0, dist, sz;
	unsigned shift;
	int t;

	for (i = 0; i < PACK_KEEP && pk->keep[i].o != NULL; i++)
		if (pk->keep[i].o->pack == pi && pk->keep[i].o->offset == off) {
			pk->keep[i].o->refs++;
			*type = pk->keep[i].type;
			return pk->keep[i].o;
		}
	if (depth > PACK_DEPTH || off >= f->len - 20)
		return NULL;
	p = f->data + off;
	c = *p++;
	t = (c >> 4) & 7;
	sz = c & 15;
	for (shift = 4; c & 0x80; shift += 7) {
		if (p >= end || shift > 35)
			return NULL;
		c = *p++;
		sz |= (uint64_t)(c & 0x7f) << shift;
	}
	if (sz > PACK_MAX)
		return NULL;
	size = (size_t)sz;
	switch (t) {
	case OBJ_COMMIT:
	case OBJ_TREE:
	case OBJ_BLOB:
	case OBJ_TAG:
		if ((bytes = inflate_exact(pk, p, (size_t)(end - p), size, &cap)) == NULL)
			return NULL;
		len = size;
		*type = t;
		break;
	case OBJ_OFS_DELTA:
		if (p >= end)
			return NULL;
		c = *p++;
		dist = c & 0x7f;
		while (c & 0x80) {
			if (p >= end || dist > (UINT64_MAX >> 8))
				return NULL;
			c = *p++;
			dist = ((dist + 1) << 7) | (c & 0x7f);
		}
		if (dist == 0 || dist > off)
			return NULL;
		bpi = pi;
		boff = off - dist;
		goto delta;
	case OBJ_REF_DELTA:
		if ((size_t)(end - p) < 20 || find(pk, p, &bpi, &boff) < 0)
			return NULL;
		p += 20;
	delta:
		if ((base = object_at(pk, bpi, boff, depth + 1, type)) == NULL)
			return NULL;
		if ((delta = inflate_exact(pk, p, (size_t)(end - p), size, &dcap)) != NULL) {
			bytes = apply(pk, base, delta, size, &len, &cap, &head, &tail);
			give(pk, delta, dcap);
		}
		pack_put(base);
		if (bytes == NULL)
			return NULL;
		break;
	default:
		return NULL;
	}
	o = xcalloc(1, sizeof(*o));
	o->data = bytes;
	o->len = len;
	o->refs = 1;
	o->owner = pk;
	o->cap = cap;
	o->pack = pi;
	o->offset = off;
	if (t == OBJ_OFS_DELTA || t == OBJ_REF_DELTA) {
		o->has_base = 1;
		o->base_pack = bpi;
		o->base_offset = boff;
		o->head = head;
		o->tail = tail;
	}
	keep(pk, o, *type);
	return o;
}

struct pack_obj *
pack_read(struct pack *pk, const unsigned char *id, const char *type)
{
	static const char *const names[] = { "", "commit", "tree", "blob", "tag" };
	struct pack_obj *o;
	uint64_t off;
	size_t pi;
	int t = 0;

	if (find(pk, id, &pi, &off) < 0 || (o = object_at(pk, pi, off, 0, &t)) == NULL)
		return NULL;
	if (t < 1 || t > 4 || strcmp(names[t], type) != 0) {
		pack_put(o);
		return NULL;
	}
	return o;
}

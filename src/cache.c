/*
 * cache: the post cache file, mapped whole, checked, and indexed by blob id
 * before the loader threads look posts up in it; they only read it.  What
 * a build found or parsed goes into a slot per post file, and the next
 * file is exactly those slots, in order, so it never grows.  A post
 * parsed is made into its entry at once, on the thread that parsed it,
 * and uses its strings there from then on: a cold build holds no second
 * copy of every post.  The next file is written on a thread of its own
 * while the pages are made.
 *
 * The file, integers little-endian, lengths 64-bit:
 *
 *	magic "crier-post-cache", u32 format, u32 0, u64 key, u64 count,
 *	count times: u64 length, then an entry of that many bytes,
 *	u64 checksum.
 *
 * The checksum is XXH64 of the XXH64 of the header, then of each entry's
 * length and XXH64 (each 64-bit), so that the file can be written as it
 * is made, and an entry found keeps the hash it was checked with.
 *
 * An entry is the blob id, the path, the post's diagnostics, then every
 * field post_parse and markdown_render set, and the front matter tree.
 * The post's strings are stored with their NUL, so that a post found uses
 * them where they are mapped: the map stays until cache_free.
 * Anything that does not check out makes the file empty, never a page
 * built from a wrong post: a damaged file with a warning, a file of other
 * settings or of another crier silently.
 */
#define _DEFAULT_SOURCE	/* MAP_POPULATE */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "date.h"
#include "markdown.h"
#include "state.h"
#include "value.h"

#define MAGIC "crier-post-cache"
#define MAGIC_LEN 16
#define FORMAT 2
#define HEADER (MAGIC_LEN + 4 + 4 + 8 + 8)
#define NIL UINT64_MAX		/* the length of a NULL string */
#define NO_VALUE 0xff		/* the type of a NULL value */
#define MAX_DEPTH 64		/* front matter is at most 32 deep */
#define ID_LEN 20

/* An entry of the file read. */
struct entry {
	const unsigned char *at;	/* its bytes, starting with the blob id */
	size_t len;
	const char *path;		/* its path, NUL-terminated in the file */
	size_t pathlen;
	uint64_t hash;			/* XXH64 of its bytes */
};

#ifdef MAP_POPULATE
#define CACHE_MAP_FLAGS MAP_POPULATE
#else
#define CACHE_MAP_FLAGS 0
#endif

/* What the next file holds for one post file of this build. */
struct slot {
	const unsigned char *at;	/* its entry's bytes, or NULL for none */
	size_t len;
	uint64_t hash;			/* XXH64 of its bytes */
	unsigned char *own;		/* at, for a post parsed: made by cache_put */
};

struct cache {
	char *dir;			/* .crier-cache/ beside the output */
	char *path;			/* the file in it */
	uint64_t key;			/* hash of the settings */
	unsigned char *file;		/* the file, mapped, or NULL */
	size_t size;			/* its size */
	int valid;			/* file held entries of this key */
	struct entry *entries;		/* its entries, in file order */
	size_t nentries;
	size_t *table;			/* entry index + 1 by blob id, 0 free */
	size_t mask;			/* table size - 1 */
	struct slot *slots;		/* one per post file */
	size_t nslots;
	size_t hits;			/* slots found in the file */
	char *tmp;			/* the next file, until it is in place */
	int written;			/* tmp was written and not yet renamed */
	size_t count;			/* the entries it holds */
	pthread_t thread;		/* cache_write's thread, */
	int writing;			/* while it may run */
	int err;			/* the errno it failed with, or 0 */
};

/* XXH64 (Yann Collet's xxHash, BSD): fast enough to check a whole file. */
#define P1 11400714785074694791ULL
#define P2 14029467366897019727ULL
#define P3 1609587929392839161ULL
#define P4 9650029242287828579ULL
#define P5 2870177450012600261ULL

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
xxh_round(uint64_t acc, uint64_t in)
{
	return rotl(acc + in * P2, 31) * P1;
}

static uint64_t
xxh_merge(uint64_t h, uint64_t v)
{
	return (h ^ xxh_round(0, v)) * P1 + P4;
}

static uint64_t
xxh64(const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h, v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;

	if (len >= 32) {
		for (; end - p >= 32; p += 32) {
			v1 = xxh_round(v1, le64(p));
			v2 = xxh_round(v2, le64(p + 8));
			v3 = xxh_round(v3, le64(p + 16));
			v4 = xxh_round(v4, le64(p + 24));
		}
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = xxh_merge(xxh_merge(xxh_merge(xxh_merge(h, v1), v2), v3), v4);
	} else
		h = P5;
	h += (uint64_t)len;
	for (; end - p >= 8; p += 8)
		h = rotl(h ^ xxh_round(0, le64(p)), 27) * P1 + P4;
	if (end - p >= 4) {
		h = rotl(h ^ (uint64_t)le32(p) * P1, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++)
		h = rotl(h ^ *p * P5, 11) * P1;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	return h ^ h >> 32;
}

/* Writing: the buffer grows, so nothing can fail. */

static void
put_u8(struct buf *b, unsigned v)
{
	buf_putc(b, (char)(unsigned char)v);
}

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char s[4];
	int i;

	for (i = 0; i < 4; i++)
		s[i] = (unsigned char)(v >> 8 * i);
	buf_put(b, (const char *)s, sizeof(s));
}

static void
put_u64(struct buf *b, uint64_t v)
{
	unsigned char s[8];
	int i;

	for (i = 0; i < 8; i++)
		s[i] = (unsigned char)(v >> 8 * i);
	buf_put(b, (const char *)s, sizeof(s));
}

static void
put_i64(struct buf *b, int64_t v)
{
	put_u64(b, (uint64_t)v);
}

static void
put_strn(struct buf *b, const char *s, size_t n)
{
	put_u64(b, s == NULL ? NIL : (uint64_t)n);
	if (s != NULL)
		buf_put(b, s, n);
}

static void
put_str(struct buf *b, const char *s)
{
	put_strn(b, s, s ? strlen(s) : 0);
}

/* A string with its NUL, for a post to use where it is. */
static void
put_cstr(struct buf *b, const char *s)
{
	put_strn(b, s, s ? strlen(s) + 1 : 0);
}

static void
put_value(struct buf *b, const struct value *v)
{
	size_t i;

	if (v == NULL) {
		put_u8(b, NO_VALUE);
		return;
	}
	put_u8(b, v->type);
	put_i64(b, v->line);
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		put_u8(b, v->b != 0);
		break;
	case VALUE_STR:
		put_strn(b, v->s, v->len);
		break;
	case VALUE_LIST:
	case VALUE_MAP:
		put_u64(b, v->len);
		for (i = 0; i < v->len; i++) {
			if (v->type == VALUE_MAP)
				put_str(b, v->keys[i]);
			put_value(b, v->items[i]);
		}
		break;
	}
}

/*
 * An entry: what cache_get gives back, in the order it reads it: every
 * field of struct post that post_parse and markdown_render set.  A field
 * they come to set must be added here, in get_fields or get_entry (and
 * use_entry, for a string), and FORMAT raised.
 */
static void
put_entry(struct buf *b, const unsigned char *id, const char *path, const struct post *p,
    const char *msgs, int nwarn)
{
	size_t i;

	buf_put(b, (const char *)id, ID_LEN);
	put_cstr(b, path);
	put_u64(b, (uint64_t)nwarn);
	put_str(b, msgs);
	put_cstr(b, p->title);
	put_i64(b, p->date);
	put_i64(b, p->date_off);
	put_i64(b, p->updated);
	put_u8(b, p->has_date != 0);
	put_u8(b, p->has_updated != 0);
	put_cstr(b, p->author);
	put_cstr(b, p->slug);
	put_cstr(b, p->summary);
	put_u64(b, p->ncats);
	for (i = 0; i < p->ncats; i++) {
		put_cstr(b, p->cats[i]);
		put_i64(b, p->cat_lines[i]);
	}
	put_u8(b, p->draft != 0);
	put_u64(b, p->body);
	put_i64(b, p->body_line);
	put_u8(b, p->has_window != 0);
	put_i64(b, p->win_start);
	put_i64(b, p->win_end);
	put_u8(b, p->status);
	put_i64(b, p->resolved);
	put_value(b, p->meta);
	put_cstr(b, p->html);
}

/* Reading: every read is bounded; a short one marks the reader bad. */

struct reader {
	const unsigned char *p, *end;
	int bad;
};

static const unsigned char *
take(struct reader *r, uint64_t n)
{
	const unsigned char *s = r->p;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return s;
}

static unsigned
get_u8(struct reader *r)
{
	const unsigned char *s = take(r, 1);

	return s ? *s : 0;
}

static uint64_t
get_u64(struct reader *r)
{
	const unsigned char *s = take(r, 8);

	return s ? le64(s) : 0;
}

static int64_t
get_i64(struct reader *r)
{
	return (int64_t)get_u64(r);
}

static int
get_int(struct reader *r)
{
	int64_t v = get_i64(r);

	if (v < INT_MIN || v > INT_MAX)
		r->bad = 1;
	return r->bad ? 0 : (int)v;
}

/* A string in the file, not NUL-terminated; NULL for a NULL string. */
static const char *
get_strn(struct reader *r, size_t *n)
{
	uint64_t len = get_u64(r);

	*n = 0;
	if (r->bad || len == NIL)
		return NULL;
	*n = (size_t)len;
	return (const char *)take(r, len);
}

/* A string put_cstr wrote, used where it is; NULL for a NULL string. */
static char *
get_cstr(struct reader *r)
{
	size_t n;
	const char *s = get_strn(r, &n);

	if (s != NULL && (n == 0 || s[n - 1] != '\0'))
		r->bad = 1;
	return r->bad ? NULL : (char *)s;
}

static struct value *
get_value(struct reader *r, struct arena *a, int depth)
{
	unsigned type = get_u8(r);
	struct value *v;
	const char *s;
	uint64_t n;
	size_t i, len;

	if (r->bad || type == NO_VALUE)
		return NULL;
	if (depth > MAX_DEPTH || type > VALUE_MAP) {
		r->bad = 1;
		return NULL;
	}
	v = arena_alloc(a, sizeof(*v));
	v->type = (enum value_type)type;
	v->line = get_int(r);
	switch (v->type) {
	case VALUE_NULL:
		break;
	case VALUE_BOOL:
		v->b = get_u8(r) != 0;
		break;
	case VALUE_STR:
		if ((s = get_strn(r, &len)) == NULL) {
			r->bad = 1;
			break;
		}
		v->s = arena_strndup(a, s, len);
		v->len = len;
		break;
	case VALUE_LIST:
	case VALUE_MAP:
		/* Every member takes at least 9 bytes: no huge array for a bad count. */
		n = get_u64(r);
		if (r->bad || n > (uint64_t)(r->end - r->p) / 9) {
			r->bad = 1;
			break;
		}
		if (n == 0)
			break;
		v->len = v->cap = (size_t)n;
		v->items = arena_alloc(a, v->len * sizeof(*v->items));
		if (v->type == VALUE_MAP)
			v->keys = arena_alloc(a, v->len * sizeof(*v->keys));
		for (i = 0; i < v->len && !r->bad; i++) {
			if (v->type == VALUE_MAP) {
				if ((s = get_strn(r, &len)) == NULL)
					r->bad = 1;
				else
					v->keys[i] = arena_strndup(a, s, len);
			}
			if ((v->items[i] = get_value(r, a, depth + 1)) == NULL)
				r->bad = 1;
		}
		break;
	}
	return r->bad ? NULL : v;
}

/*
 * 1 if p is a post that post_parse could have made: a file with a right
 * checksum may still have been made by hand, and the pages trust a slug
 * to be a path word and a date to be one of the years 1970-9999.
 */
static int
plausible(const struct post *p)
{
	const time_t lo = -2 * 86400, hi = 253402300799 + 2 * 86400;
	const char *s;

	if (p->date < lo || p->date > hi || p->updated < lo || p->updated > hi ||
	    p->win_start < lo || p->win_start > hi || p->win_end < lo || p->win_end > hi ||
	    p->resolved < lo || p->resolved > hi ||
	    (p->date_off != DATE_LOCAL && (p->date_off <= -86400 || p->date_off >= 86400)))
		return 0;
	if (*p->slug == '\0')
		return 0;
	for (s = p->slug; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/*
 * Reads the fields of a post from its title to its resolved: time into p,
 * its strings where they are.
 */
static void
get_fields(struct reader *r, struct post *p)
{
	uint64_t n, i;

	p->title = get_cstr(r);
	p->date = (time_t)get_i64(r);
	p->date_off = (long)get_i64(r);
	p->updated = (time_t)get_i64(r);
	p->has_date = get_u8(r) != 0;
	p->has_updated = get_u8(r) != 0;
	p->author = get_cstr(r);
	p->slug = get_cstr(r);
	p->summary = get_cstr(r);
	n = get_u64(r);
	/* Every category takes at least 16 bytes. */
	if (r->bad || n > (uint64_t)(r->end - r->p) / 16) {
		r->bad = 1;
		return;
	}
	if (n > 0) {
		p->cats = xcalloc((size_t)n, sizeof(*p->cats));
		p->cat_lines = xcalloc((size_t)n, sizeof(*p->cat_lines));
	}
	for (i = 0; i < n && !r->bad; i++) {
		if ((p->cats[i] = get_cstr(r)) == NULL)
			r->bad = 1;
		p->ncats = (size_t)i + 1;
		p->cat_lines[i] = get_int(r);
	}
	p->draft = get_u8(r) != 0;
	p->body = (size_t)get_u64(r);
	p->body_line = get_int(r);
	p->has_window = get_u8(r) != 0;
	p->win_start = (time_t)get_i64(r);
	p->win_end = (time_t)get_i64(r);
	n = get_u8(r);
	if (n > STATUS_COMPLETED)
		r->bad = 1;
	p->status = (enum post_status)n;
	p->resolved = (time_t)get_i64(r);
}

/* Reads the post of entry e into p, its strings where they are; -1 if it does not check out. */
static int
get_entry(const struct entry *e, struct post *p, struct arena *a, const char **msgs,
    size_t *msglen, int *nwarn)
{
	struct reader r = { e->at, e->at + e->len, 0 };
	uint64_t n;

	p->cached = 1;
	take(&r, ID_LEN);
	p->path = get_cstr(&r);
	n = get_u64(&r);
	*nwarn = n > INT_MAX ? 0 : (int)n;
	*msgs = get_strn(&r, msglen);
	if (*msgs == NULL || n > INT_MAX)
		r.bad = 1;
	get_fields(&r, p);
	p->meta = get_value(&r, a, 0);
	p->html = get_cstr(&r);
	/* A post without these would not have been cached. */
	if (p->path == NULL || p->title == NULL || p->author == NULL || p->slug == NULL ||
	    p->meta == NULL || p->html == NULL || r.p != r.end || !plausible(p))
		r.bad = 1;
	return r.bad ? -1 : 0;
}

/*
 * Makes p, which its entry e (len bytes) was just made of, use the
 * entry's strings instead of its own.
 */
static void
use_entry(struct post *p, const unsigned char *e, size_t len)
{
	struct reader r = { e, e + len, 0 };
	struct post q, own;
	size_t n;

	memset(&q, 0, sizeof(q));
	take(&r, ID_LEN);
	q.path = get_cstr(&r);
	get_u64(&r);
	get_strn(&r, &n);
	get_fields(&r, &q);
	/* Never so for an entry just made; if it were, the post keeps its own strings. */
	if (r.bad) {
		free(q.cats);
		free(q.cat_lines);
		return;
	}
	/* The HTML is last, with its NUL. */
	n = strlen(p->html) + 1;
	q.html = (char *)e + len - n;
	/* Its own strings go. */
	own = *p;
	own.url = NULL;
	post_clear(&own);
	p->path = q.path;
	p->title = q.title;
	p->author = q.author;
	p->slug = q.slug;
	p->summary = q.summary;
	p->cats = q.cats;
	p->cat_lines = q.cat_lines;
	p->html = q.html;
	p->cached = 1;
}

/* The cache folder beside outdir, as state.c finds it, and the file in it. */
static void
cache_paths(struct cache *c, const char *outdir)
{
	c->path = state_cache_path(outdir, "posts", &c->dir);
	c->tmp = xasprintf("%s.tmp", c->path);
}

static int
read_all(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_put(b, chunk, (size_t)n);
	return n < 0 ? -1 : 0;
}

static void
put_field(struct buf *b, const char *name, const char *s, size_t n)
{
	buf_puts(b, name);
	put_strn(b, s, n);
}

/*
 * What a sample post makes: a fingerprint of libyaml, cmark-gfm and the
 * zone's rules as linked, since an upgrade of any of them may change
 * pages while crier's version stays.  (Only markdown.c may ask cmark-gfm
 * for its version.)
 */
static void
put_probe(struct buf *key, const struct config *cfg)
{
	static const char text[] =
	    "---\n"
	    "title: \"A \\\"probe\\\" -- \\u00e9t\\u00e9\"\n"
	    "date: 2020-03-08 02:30\n"
	    "updated: 2020-11-01T01:30:00-04:00\n"
	    "categories: [Alerts, Offsite Backups]\n"
	    "category: Status page\n"
	    "summary: >\n  folded\n  text\n"
	    "window: {start: 2020-06-01 22:00, end: 2020-06-02 02:00}\n"
	    "status: scheduled\n"
	    "tags: [a, {b: yes, c: ~}, 'on', 12, !!str 1.5]\n"
	    "---\n"
	    "Smart \"quotes\" -- dashes --- and... <b>raw</b> <script>x</script>\n\n"
	    "| a | b |\n|---|:-:|\n| ~~c~~ | www.example.com |\n\n"
	    "- [x] done\n- [ ] not\n\n"
	    "A note[^1], [a](javascript:alert(1)) [b](data:image/png;base64,AA) ![c](<x y>)\n\n"
	    "[^1]: The note.\n\n"
	    "```c\nint x = 1 < 2;\n```\n\n"
	    "&copy; &#x1F600; *a **b** c* <https://example.com/?a&b> <!-- c -->\n";
	struct buf msgs = BUF_INIT, b = BUF_INIT;
	struct diag d = { .capture = &msgs };
	struct arena *a = arena_new();
	struct post p;

	memset(&p, 0, sizeof(p));
	if (post_parse(&p, "posts/2020-01-02-probe.md", text, sizeof(text) - 1, cfg, a, &d) == 0)
		p.html = markdown_render(text + p.body, sizeof(text) - 1 - p.body, cfg->smart,
		    cfg->unsafe_html);
	put_entry(&b, (const unsigned char *)"00000000000000000000", p.path, &p, buf_str(&msgs),
	    d.warnings);
	buf_printf(key, "probe %016" PRIx64 "\n", xxh64(b.s, b.len));
	post_clear(&p);
	arena_free(a);
	buf_free(&b);
	buf_free(&msgs);
}

/* Everything but the blob and its path that changes what a post becomes. */
static uint64_t
settings_key(const struct config *cfg)
{
	const char *tzdir = getenv("TZDIR");
	struct buf k = BUF_INIT, zone = BUF_INIT;
	struct stat st;
	char *path;
	uint64_t h;
	int fd;

	buf_printf(&k, "crier %s format %d\n", CRIER_VERSION, FORMAT);
	/* A crier built again, even of the same version, may parse otherwise. */
	if (stat("/proc/self/exe", &st) == 0)
		buf_printf(&k, "exe %jd %jd.%09ld %ju %ju\n", (intmax_t)st.st_size,
		    (intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (uintmax_t)st.st_ino,
		    (uintmax_t)st.st_dev);
	buf_printf(&k, "smart %d unsafe %d\n", cfg->smart != 0, cfg->unsafe_html != 0);
	put_field(&k, "author", cfg->author, strlen(cfg->author));
	put_field(&k, "posts", cfg->posts, strlen(cfg->posts));
	/* Dates without an offset are read in the zone, by its rules. */
	put_field(&k, "timezone", cfg->timezone, strlen(cfg->timezone));
	path = xasprintf("%s/%s", tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo", cfg->timezone);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		if (read_all(fd, &zone) == 0)
			put_field(&k, "zone", zone.s, zone.len);
		close(fd);
	}
	free(path);
	put_probe(&k, cfg);
	h = xxh64(k.s, k.len);
	buf_free(&zone);
	buf_free(&k);
	return h;
}

static void
ignore(struct cache *c, struct diag *d, const char *why)
{
	diag_warn(d, c->path, 0, "%s; ignored, every post is parsed again", why);
}

/* Reads, checks and indexes the file; leaves c empty if it does not check out. */
static void
load(struct cache *c, struct diag *d)
{
	struct buf sums = BUF_INIT;
	struct reader r;
	struct entry *e;
	struct stat st;
	uint64_t count, len, i, j;
	size_t size;
	int fd;

	if ((fd = open(c->path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT) {
			char *why = xasprintf("cannot be read (%s)", strerror(errno));

			ignore(c, d, why);
			free(why);
		}
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		ignore(c, d, "not a regular file");
		return;
	}
	/*
	 * Mapped, not read: reading tens of MiB into new memory costs more
	 * in page faults than the rest of the build's use of the cache.  The
	 * file is never changed in place (a new one is renamed over it), so
	 * what is mapped stays as it was checked.  All of it is read (its
	 * checksum), so on Linux its pages are mapped at once, not a fault at
	 * a time.
	 */
	size = (size_t)st.st_size;
	if (size > 0 && (c->file = mmap(NULL, size, PROT_READ, MAP_PRIVATE | CACHE_MAP_FLAGS, fd,
	    0)) == MAP_FAILED) {
		char *why = xasprintf("cannot be read (%s)", strerror(errno));

		c->file = NULL;
		close(fd);
		ignore(c, d, why);
		free(why);
		return;
	}
	c->size = size;
	close(fd);
	if (size >= MAGIC_LEN && memcmp(c->file, MAGIC, MAGIC_LEN) != 0) {
		ignore(c, d, "not a post cache of crier");
		return;
	}
	if (size < HEADER + 8) {
		ignore(c, d, "damaged (cut short)");
		return;
	}
	/* Other settings, or another crier's format: nothing is wrong. */
	if (le32(c->file + MAGIC_LEN) != FORMAT || le64(c->file + MAGIC_LEN + 8) != c->key)
		return;
	r.p = c->file + HEADER;
	r.end = c->file + size - 8;
	r.bad = 0;
	count = le64(c->file + MAGIC_LEN + 16);
	/* Every entry takes at least 36 bytes: its length, id and path's length. */
	if (count > size / 36) {
		ignore(c, d, "damaged (too many entries)");
		return;
	}
	c->entries = xcalloc((size_t)count + 1, sizeof(*c->entries));
	put_u64(&sums, xxh64(c->file, HEADER));
	for (i = 0; i < count; i++) {
		e = &c->entries[i];
		len = get_u64(&r);
		e->at = take(&r, len);
		if (r.bad || len < ID_LEN + 8)
			break;
		e->len = (size_t)len;
		e->hash = xxh64(e->at, e->len);
		put_u64(&sums, e->len);
		put_u64(&sums, e->hash);
		len = le64(e->at + ID_LEN);
		if (len > e->len - ID_LEN - 8) {
			r.bad = 1;
			break;
		}
		/* A path with its NUL. */
		e->path = (const char *)e->at + ID_LEN + 8;
		if (len == 0 || e->path[len - 1] != '\0') {
			r.bad = 1;
			break;
		}
		e->pathlen = (size_t)len - 1;
	}
	if (r.bad || r.p != r.end || le64(r.end) != xxh64(sums.s, sums.len)) {
		ignore(c, d, r.bad || r.p != r.end ? "damaged (its entries do not add up)" :
		    "damaged (its checksum does not match)");
		free(c->entries);
		c->entries = NULL;
		buf_free(&sums);
		return;
	}
	buf_free(&sums);
	c->nentries = (size_t)count;
	for (c->mask = 15; c->mask < c->nentries * 2; c->mask = c->mask * 2 + 1)
		;
	c->table = xzalloc(c->mask + 1, sizeof(*c->table));
	for (i = 0; i < count; i++) {
		for (j = le64(c->entries[i].at) & c->mask; c->table[j] != 0; j = (j + 1) & c->mask)
			;
		c->table[j] = (size_t)i + 1;
	}
	c->valid = 1;
}

struct cache *
cache_open(const char *outdir, const struct config *cfg, size_t nfiles, struct diag *d)
{
	struct cache *c = xcalloc(1, sizeof(*c));

	cache_paths(c, outdir);
	c->key = settings_key(cfg);
	c->slots = xcalloc(nfiles + 1, sizeof(*c->slots));
	c->nslots = nfiles;
	load(c, d);
	if (!c->valid && c->file != NULL) {
		munmap(c->file, c->size);
		c->file = NULL;
	}
	return c;
}

/* Lets go of the index of the file read; the posts still use the HTML in it and in the slots. */
static void
drop(struct cache *c)
{
	free(c->table);
	c->table = NULL;
	free(c->entries);
	c->entries = NULL;
}

static void finish_write(struct cache *c, struct diag *d);

void
cache_free(struct cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	finish_write(c, NULL);
	/* Written for a build that failed after its posts were read. */
	if (c->written)
		unlink(c->tmp);
	drop(c);
	for (i = 0; i < c->nslots; i++)
		free(c->slots[i].own);
	free(c->slots);
	if (c->file != NULL)
		munmap(c->file, c->size);
	free(c->tmp);
	free(c->path);
	free(c->dir);
	free(c);
}

int
cache_get(struct cache *c, size_t slot, const struct repo_file *f, struct post *p,
    struct arena *a, const char **msgs, size_t *msglen, int *nwarn)
{
	const struct entry *e;
	size_t i, k, n = strlen(f->path);

	if (c == NULL || c->table == NULL || slot >= c->nslots)
		return 0;
	for (i = le64(f->id) & c->mask; (k = c->table[i]) != 0; i = (i + 1) & c->mask) {
		e = &c->entries[k - 1];
		if (memcmp(e->at, f->id, ID_LEN) != 0 || e->pathlen != n ||
		    memcmp(e->path, f->path, n) != 0)
			continue;
		if (get_entry(e, p, a, msgs, msglen, nwarn) < 0) {
			/* Checked, yet not what crier writes: parse the post. */
			post_clear(p);
			return 0;
		}
		c->slots[slot].at = e->at;
		c->slots[slot].len = e->len;
		c->slots[slot].hash = e->hash;
		return 1;
	}
	return 0;
}

void
cache_put(struct cache *c, size_t slot, const struct repo_file *f, struct post *p,
    const char *msgs, int nwarn)
{
	struct buf e = BUF_INIT;
	struct slot *sl;
	size_t n;

	if (c == NULL || slot >= c->nslots)
		return;
	n = p->html != NULL ? strlen(p->html) + 1 : 0;
	/* The HTML is most of an entry: room for it and the rest, so that it seldom grows. */
	buf_reserve(&e, n + strlen(msgs) + 1024);
	put_entry(&e, f->id, f->path, p, msgs, nwarn);
	sl = &c->slots[slot];
	sl->own = xrealloc(e.s, e.len);
	sl->at = sl->own;
	sl->len = e.len;
	sl->hash = xxh64(sl->own, sl->len);
	/* No second copy of its strings. */
	if (p->html != NULL && !p->cached)
		use_entry(p, sl->own, sl->len);
}

size_t
cache_hits(const struct cache *c)
{
	return c != NULL ? c->hits : 0;
}

/* Writes the n iovecs v to fd, however the kernel splits them; 0, or -1 with errno set. */
static int
write_iov(int fd, struct iovec *v, int n)
{
	ssize_t got;

	while (n > 0) {
		if ((got = writev(fd, v, n)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got == 0)
				errno = EIO;
			return -1;
		}
		for (; n > 0 && (size_t)got >= v->iov_len; v++, n--)
			got -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + got;
			v->iov_len -= (size_t)got;
		}
	}
	return 0;
}

/* At most this many pieces to a writev: IOV_MAX is at least 16, 1024 on Linux and the BSDs. */
#if defined(IOV_MAX) && IOV_MAX < 512
#define PIECES IOV_MAX
#else
#define PIECES 512
#endif

/*
 * Writes c's header and its slots' c->count entries to c->tmp, each
 * after its length.  Entries of the file read that follow each other
 * there (most, on a rebuild) are written from it in one piece.  Returns
 * 0, or -1 with errno set.
 */
static int
write_file(struct cache *c)
{
	struct buf head = BUF_INIT, sums = BUF_INIT, lens = BUF_INIT;
	struct iovec v[PIECES];
	const struct slot *sl;
	size_t i, j, nv = 0;
	int fd = -1, rc = -1, err;

	buf_put(&head, MAGIC, MAGIC_LEN);
	put_u32(&head, FORMAT);
	put_u32(&head, 0);
	put_u64(&head, c->key);
	put_u64(&head, c->count);
	put_u64(&sums, xxh64(head.s, head.len));
	/* The lengths the pieces point to: the buffer must not move while they do. */
	buf_reserve(&lens, 8 * (c->nslots + 1));
	if (mkdir(c->dir, 0777) < 0 && errno != EEXIST)
		goto out;
	if ((fd = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		goto out;
	c->written = 1;
	v[nv++] = (struct iovec){ head.s, head.len };
	for (i = 0; i < c->nslots; i++) {
		sl = &c->slots[i];
		if (sl->at == NULL)
			continue;
		put_u64(&sums, sl->len);
		put_u64(&sums, sl->hash);
		/* An entry of the file read is there after its length. */
		if (sl->own == NULL && nv > 0 && (const unsigned char *)v[nv - 1].iov_base +
		    v[nv - 1].iov_len == sl->at - 8) {
			v[nv - 1].iov_len += 8 + sl->len;
			continue;
		}
		if (nv + 2 > PIECES) {
			if (write_iov(fd, v, (int)nv) < 0)
				goto out;
			nv = 0;
		}
		if (sl->own == NULL)
			v[nv++] = (struct iovec){ (void *)(sl->at - 8), 8 + sl->len };
		else {
			j = lens.len;
			put_u64(&lens, sl->len);
			v[nv++] = (struct iovec){ lens.s + j, 8 };
			v[nv++] = (struct iovec){ (void *)sl->at, sl->len };
		}
	}
	if (nv + 1 > PIECES) {
		if (write_iov(fd, v, (int)nv) < 0)
			goto out;
		nv = 0;
	}
	put_u64(&sums, xxh64(sums.s, sums.len));
	v[nv++] = (struct iovec){ sums.s + sums.len - 8, 8 };
	rc = write_iov(fd, v, (int)nv);
out:
	err = errno;
	if (fd >= 0 && close(fd) < 0 && rc == 0) {
		err = errno;
		rc = -1;
	}
	buf_free(&lens);
	buf_free(&sums);
	buf_free(&head);
	errno = err;
	return rc;
}

/* cache_write's thread: every slot's bytes are ready. */
static void *
write_run(void *arg)
{
	struct cache *c = arg;

	if (write_file(c) < 0)
		c->err = errno != 0 ? errno : EIO;
	return NULL;
}

/* Ends a write: waits for its thread, reports a failure, frees the old file. */
static void
finish_write(struct cache *c, struct diag *d)
{
	if (c->writing) {
		pthread_join(c->thread, NULL);
		c->writing = 0;
	}
	if (c->err != 0) {
		if (d != NULL)
			diag_warn(d, c->path, 0, "cannot save the parsed posts (%s); the next build "
			    "parses them again", strerror(c->err));
		if (c->written)
			unlink(c->tmp);
		c->written = 0;
		c->err = 0;
	}
	drop(c);
}

void
cache_write(struct cache *c, struct diag *d)
{
	size_t i, fresh = 0;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++) {
		c->hits += c->slots[i].at != NULL && c->slots[i].own == NULL;
		fresh += c->slots[i].own != NULL;
	}
	c->count = c->hits + fresh;
	/*
	 * A build with errors writes nothing; every entry found and no other
	 * means the file holds these bytes already.
	 */
	if (d->errors > 0 || (c->valid && fresh == 0 && c->count == c->nentries)) {
		drop(c);
		return;
	}
	/* Every entry is made: the file is written on a thread of its own while the pages are made. */
	c->writing = pthread_create(&c->thread, NULL, write_run, c) == 0;
	if (c->writing)
		return;
	if (write_file(c) < 0)
		c->err = errno != 0 ? errno : EIO;
	finish_write(c, d);
}

void
cache_commit(struct cache *c, struct diag *d)
{
	if (c == NULL)
		return;
	finish_write(c, d);
	if (!c->written)
		return;
	if (rename(c->tmp, c->path) < 0) {
		diag_warn(d, c->path, 0, "cannot save the parsed posts (%s); the next build parses them again",
		    strerror(errno));
		unlink(c->tmp);
	}
	c->written = 0;
}

/*
 * pages: the table of unit keys, a text file: a magic line, the hash of
 * the output's manifest it belongs to, the number of units, then per
 * unit "ID KEY NFILES" and its files a line each, and the hash of all
 * that as the last line, so that damage is seen.
 */
#include "pages.h"

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

#define MAGIC "crier-pages 1"

struct unit {
	uint64_t id;
	uint64_t key;
	char *files;		/* a line each */
	size_t len;		/* bytes of files */
};

struct pages {
	struct unit *units;	/* pages_new: by slot; pages_load: sorted by id */
	size_t n;
	char *text;		/* pages_load: the file, which files point into */
};

static int
cmp_unit(const void *a, const void *b)
{
	const struct unit *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

struct pages *
pages_new(size_t n)
{
	struct pages *p = xcalloc(1, sizeof(*p));

	p->units = xcalloc(n + 1, sizeof(*p->units));
	p->n = n;
	return p;
}

void
pages_free(struct pages *p)
{
	size_t i;

	if (p == NULL)
		return;
	if (p->text == NULL)
		for (i = 0; i < p->n; i++)
			free(p->units[i].files);
	free(p->units);
	free(p->text);
	free(p);
}

/* Reads a number in base at *s that ends in the byte after; -1 if there is none. */
static int
read_num(char **s, int base, char after, unsigned long long *n)
{
	char *e;

	if (!((**s >= '0' && **s <= '9') || (base == 16 && **s >= 'a' && **s <= 'f')))
		return -1;
	errno = 0;
	*n = strtoull(*s, &e, base);
	if (errno != 0 || *e != after)
		return -1;
	*s = e + 1;
	return 0;
}

/*
 * Parses text (len bytes, NUL-terminated) into p.  Returns 0; 1 if it
 * belongs to another output than the one whose manifest hash is given;
 * -1 if it is not whole and sound.
 */
static int
parse(struct pages *p, char *text, size_t len, uint64_t manifest)
{
	unsigned long long man, count, id, key, nfiles, sum;
	char *s = text, *end, *last;
	size_t i, j;
	int used;

	/* The last line is the hash of all before it. */
	if (len < 2 || text[len - 1] != '\n')
		return -1;
	text[len - 1] = '\0';
	last = strrchr(text, '\n');
	if (last == NULL || sscanf(last + 1, "%16llx", &sum) != 1 ||
	    sum != state_hash(STATE_HASH_INIT, text, (size_t)(last + 1 - text)))
		return -1;
	end = last + 1;
	if (sscanf(s, MAGIC "\n%16llx\n%llu\n%n", &man, &count, &used) != 2 ||
	    count > (unsigned long long)(end - s))
		return -1;
	if (man != manifest)
		return 1;
	s += used;
	p->units = xcalloc((size_t)count + 1, sizeof(*p->units));
	for (i = 0; i < count; i++) {
		/* Not sscanf: glibc's measures the whole rest of the string each call. */
		if (s >= end || read_num(&s, 16, ' ', &id) < 0 || read_num(&s, 16, ' ', &key) < 0 ||
		    read_num(&s, 10, '\n', &nfiles) < 0 || nfiles > (unsigned long long)(end - s))
			return -1;
		p->units[i].id = id;
		p->units[i].key = key;
		p->units[i].files = s;
		for (j = 0; j < nfiles; j++) {
			if ((s = memchr(s, '\n', (size_t)(end - s))) == NULL)
				return -1;
			s++;
		}
		p->units[i].len = (size_t)(s - p->units[i].files);
		p->n++;
	}
	return s == end ? 0 : -1;
}

struct pages *
pages_load(const char *outdir, struct diag *d)
{
	char *path = state_cache_path(outdir, "pages", NULL);
	struct pages *p = xcalloc(1, sizeof(*p));
	struct buf b = BUF_INIT;
	size_t len;
	int rc;

	if (buf_read_file(&b, path) == 0 && b.len > 0) {
		len = b.len;
		p->text = buf_detach(&b);
		rc = parse(p, p->text, len, state_manifest_hash(outdir));
		if (rc != 0) {
			if (rc < 0)
				diag_warn(d, path, 0, "damaged or not crier's; rendering every page");
			free(p->units);
			p->units = NULL;
			p->n = 0;
		} else
			xqsort(p->units, p->n, sizeof(*p->units), cmp_unit);
	}
	buf_free(&b);
	free(path);
	return p;
}

const char *
pages_find(const struct pages *p, uint64_t id, uint64_t key, size_t *len)
{
	struct unit u, *hit;

	if (p == NULL || p->n == 0)
		return NULL;
	u.id = id;
	hit = bsearch(&u, p->units, p->n, sizeof(*p->units), cmp_unit);
	if (hit == NULL || hit->key != key)
		return NULL;
	*len = hit->len;
	return hit->files;
}

void
pages_set(struct pages *p, size_t slot, uint64_t id, uint64_t key, const char *files)
{
	p->units[slot].id = id;
	p->units[slot].key = key;
	p->units[slot].files = xstrdup(files);
	p->units[slot].len = strlen(files);
}

void
pages_save(const struct pages *p, const char *outdir, struct diag *d)
{
	char *dir, *path = state_cache_path(outdir, "pages", &dir);
	struct buf b = BUF_INIT;
	const char *s;
	size_t i, nf, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->units[i].files != NULL;
	buf_printf(&b, MAGIC "\n%016" PRIx64 "\n%zu\n", state_manifest_hash(outdir), n);
	for (i = 0; i < p->n; i++) {
		if ((s = p->units[i].files) == NULL)
			continue;
		for (nf = 0; *s; s++)
			nf += *s == '\n';
		buf_put_hex64(&b, p->units[i].id);
		buf_putc(&b, ' ');
		buf_put_hex64(&b, p->units[i].key);
		buf_putc(&b, ' ');
		buf_put_dec(&b, (long long)nf);
		buf_putc(&b, '\n');
		buf_puts(&b, p->units[i].files);
	}
	buf_printf(&b, "%016" PRIx64 "\n", state_hash(STATE_HASH_INIT, b.s, b.len));
	if ((mkdir(dir, 0777) < 0 && errno != EEXIST) || buf_save_file(&b, path) < 0)
		diag_warn(d, path, 0, "cannot record the pages (%s); the next build renders every page",
		    strerror(errno));
	buf_free(&b);
	free(path);
	free(dir);
}

void
pages_forget(const char *outdir)
{
	char *path = state_cache_path(outdir, "pages", NULL);

	unlink(path);
	free(path);
}

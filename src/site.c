/*
 * site: ordering and grouping.  Everything here is sorted with a total
 * order (date, then path) so the output never depends on the order in
 * which git listed the tree.
 */
#include "site.h"

#include <stdlib.h>
#include <string.h>

#include "slug.h"
#include "state.h"

static int
cmp_post(const void *a, const void *b)
{
	const struct post *p = a, *q = b;

	if (p->date != q->date)
		return p->date > q->date ? -1 : 1;
	return strcmp(p->path, q->path);
}

static int
cmp_url(const void *a, const void *b)
{
	const struct post *p = *(struct post *const *)a, *q = *(struct post *const *)b;
	int c = strcmp(p->url, q->url);

	return c ? c : strcmp(p->path, q->path);
}

static int
cmp_cat(const void *a, const void *b)
{
	return strcmp(((const struct category *)a)->slug, ((const struct category *)b)->slug);
}

/* 1 if a part of URL path u is longer than a file name may be. */
static int
long_part(const char *u)
{
	size_t n;

	for (; *u; u += n) {
		u += *u == '/';
		n = strcspn(u, "/");
		if (n > 255)
			return 1;
	}
	return 0;
}

/*
 * 1 if every post's URL is its own and no part of one is too long: a
 * pass over a hash set, where sorting 100,000 URLs took 30 ms.
 */
static int
urls_fine(const struct site *s)
{
	struct seen {
		uint64_t hash;
		const char *url;	/* NULL: free */
	} *tab;
	size_t mask, i, j;
	uint64_t h;
	int fine = 1;

	for (mask = 15; mask < s->nposts * 2; mask = mask * 2 + 1)
		;
	tab = xzalloc(mask + 1, sizeof(*tab));
	for (i = 0; fine && i < s->nposts; i++) {
		const char *u = s->posts[i].url;

		h = state_hash(STATE_HASH_INIT, u, strlen(u));
		for (j = h & mask; tab[j].url != NULL; j = (j + 1) & mask)
			if (tab[j].hash == h && strcmp(tab[j].url, u) == 0)
				fine = 0;
		tab[j].hash = h;
		tab[j].url = u;
		fine = fine && !long_part(u);
	}
	free(tab);
	return fine;
}

/* Reports clashing URLs, and URLs with a part too long, in the order of the URLs. */
static void
check_urls(struct site *s, struct diag *d)
{
	struct post **by;
	size_t i;

	if (urls_fine(s))
		return;
	by = xmalloc((s->nposts ? s->nposts : 1) * sizeof(*by));

	for (i = 0; i < s->nposts; i++)
		by[i] = &s->posts[i];
	xqsort(by, s->nposts, sizeof(*by), cmp_url);
	for (i = 0; i < s->nposts; i++)
		if (long_part(by[i]->url))
			diag_error(d, by[i]->path, 0, "the URL %s has a part longer than 255 bytes; "
			    "give the post a shorter slug", by[i]->url);
	for (i = 1; i < s->nposts; i++)
		if (strcmp(by[i - 1]->url, by[i]->url) == 0)
			diag_error(d, by[i]->path, 0, "has the same URL %s as %s; give one of them another slug or date",
			    by[i]->url, by[i - 1]->path);
	free(by);
}

/* The category of slug, added if new; NULL after a clash of names. */
static struct category *
find_cat(struct site *s, const char *name, const char *path, int line, struct diag *d)
{
	struct category *c;
	char *slug;
	size_t i;

	/* A name met before is that category: most posts name one of a few. */
	for (i = 0; i < s->ncats; i++)
		if (strcmp(s->cats[i].name, name) == 0)
			return &s->cats[i];
	slug = slugify(name, strlen(name));
	if (*slug == '\0') {
		diag_error(d, path, line, "category \"%s\" has no letters or digits for its URL", name);
		free(slug);
		return NULL;
	}
	for (i = 0; i < s->ncats; i++) {
		c = &s->cats[i];
		if (strcmp(c->slug, slug) != 0)
			continue;
		free(slug);
		if (strcmp(c->name, name) != 0) {
			diag_error(d, path, line, "category \"%s\" has the same URL /category/%s/ as \"%s\" in %s; spell them alike",
			    name, c->slug, c->name, c->path);
			return NULL;
		}
		return c;
	}
	s->cats = xrealloc(s->cats, (s->ncats + 1) * sizeof(*s->cats));
	c = &s->cats[s->ncats++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->slug = slug;
	c->path = path;
	return c;
}

struct site *
site_new(const struct config *cfg, struct post *posts, size_t n, struct diag *d)
{
	struct site *s = xcalloc(1, sizeof(*s));
	struct category *c;
	size_t i, j;
	int errors = d->errors;

	s->cfg = cfg;
	s->posts = posts;
	s->nposts = n;
	xqsort(s->posts, n, sizeof(*s->posts), cmp_post);
	check_urls(s, d);
	/* Posts are walked newest first, so each category's list is too. */
	for (i = 0; i < n; i++)
		for (j = 0; j < posts[i].ncats; j++) {
			if ((c = find_cat(s, posts[i].cats[j], posts[i].path, posts[i].cat_lines[j], d)) == NULL)
				continue;
			c->posts = xgrow(c->posts, &c->cap, c->nposts + 1, sizeof(*c->posts));
			c->posts[c->nposts++] = &posts[i];
		}
	/* Category pointers into s->cats are not kept, so sorting is safe. */
	xqsort(s->cats, s->ncats, sizeof(*s->cats), cmp_cat);
	if (d->errors > errors) {
		site_free(s);
		return NULL;
	}
	return s;
}

void
site_free(struct site *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nposts; i++)
		post_clear(&s->posts[i]);
	free(s->posts);
	for (i = 0; i < s->ncats; i++) {
		free(s->cats[i].name);
		free(s->cats[i].slug);
		free(s->cats[i].posts);
	}
	free(s->cats);
	free(s);
}

const struct category *
site_category(const struct site *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ncats; i++)
		if (strcmp(s->cats[i].name, name) == 0)
			return &s->cats[i];
	return NULL;
}

/*
 * render: template data and pages.  The value of each post and category
 * is built once and shared by every page that lists it; page values are
 * small maps around them.  Everything lives in one arena per build.
 */
#include "render.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "date.h"
#include "feed.h"
#include "value.h"

#ifndef CRIER_VERSION
#define CRIER_VERSION "0.1.0"
#endif

#define DASH " \xE2\x80\x93 "	/* " – " between parts of a page title */

struct ctx {
	const struct site *s;
	const struct config *cfg;
	const struct theme *t;
	struct output *o;
	struct diag *d;
	struct arena *a;
	struct value *site;	/* the site map, on every page */
	struct value **posts;	/* a map per post, in site order */
	struct value **cats;	/* a map per category, in site order */
	struct buf page;	/* the page being rendered */
	struct feed_entry *entries;	/* a feed entry per post, made when first needed */
	struct render_stats *st;
};

/* The root-relative URL of a site path ("/x/" → base + "x/"). */
static const char *
rel_url(struct ctx *c, const char *path)
{
	return arena_printf(c->a, "%s%s", c->cfg->base, path + 1);
}

/* The absolute URL of a site path, or the relative one without a site url. */
static const char *
abs_url(struct ctx *c, const char *path)
{
	if (*c->cfg->url == '\0')
		return rel_url(c, path);
	return arena_printf(c->a, "%s%s", c->cfg->url, path + 1);
}

static void
set_str(struct ctx *c, struct value *m, const char *key, const char *s)
{
	value_set(c->a, m, key, value_str(c->a, s));
}

static void
set_int(struct ctx *c, struct value *m, const char *key, long n)
{
	value_set(c->a, m, key, value_str(c->a, arena_printf(c->a, "%ld", n)));
}

static void
set_date(struct ctx *c, struct value *m, const char *prefix, time_t t)
{
	char buf[128];

	date_format(t, c->cfg->date_fmt, buf, sizeof(buf));
	set_str(c, m, prefix, arena_strdup(c->a, buf));
	date_format(t, c->cfg->time_fmt, buf, sizeof(buf));
	set_str(c, m, arena_printf(c->a, "%s_time", prefix), arena_strdup(c->a, buf));
	date_rfc3339(t, buf, sizeof(buf));
	set_str(c, m, arena_printf(c->a, "%s_iso", prefix), arena_strdup(c->a, buf));
}

static struct value *
category_value(struct ctx *c, const struct category *cat)
{
	struct value *m = value_map(c->a);
	char *path = arena_printf(c->a, "/category/%s/", cat->slug);

	set_str(c, m, "name", cat->name);
	set_str(c, m, "slug", cat->slug);
	set_str(c, m, "url", rel_url(c, path));
	set_str(c, m, "permalink", abs_url(c, path));
	set_int(c, m, "count", (long)cat->nposts);
	set_str(c, m, "atom_url", rel_url(c, arena_printf(c->a, "%satom.xml", path)));
	set_str(c, m, "rss_url", rel_url(c, arena_printf(c->a, "%srss.xml", path)));
	return m;
}

static struct value *
post_value(struct ctx *c, const struct post *p)
{
	struct value *m = value_map(c->a), *cats = value_list(c->a), *cm;
	const struct category *cat;
	size_t i;

	set_str(c, m, "title", p->title);
	set_str(c, m, "url", rel_url(c, p->url));
	set_str(c, m, "permalink", abs_url(c, p->url));
	set_str(c, m, "slug", p->slug);
	set_str(c, m, "path", p->path);
	set_str(c, m, "author", p->author);
	set_date(c, m, "date", p->date);
	set_date(c, m, "updated", p->updated);
	value_set(c->a, m, "is_updated", value_bool(c->a, p->updated > p->date));
	if (p->summary)
		set_str(c, m, "summary", p->summary);
	set_str(c, m, "content", p->html);
	for (i = 0; i < p->ncats; i++) {
		cat = site_category(c->s, p->cats[i]);
		/* A map of its own, so "first" and "last" belong to this post. */
		cm = category_value(c, cat);
		value_set(c->a, cm, "first", value_bool(c->a, i == 0));
		value_set(c->a, cm, "last", value_bool(c->a, i + 1 == p->ncats));
		value_push(c->a, cats, cm);
	}
	value_set(c->a, m, "categories", cats);
	value_set(c->a, m, "has_categories", value_bool(c->a, p->ncats > 0));
	value_set(c->a, m, "params", p->meta);
	return m;
}

static struct value *
site_value(struct ctx *c)
{
	const struct config *cfg = c->cfg;
	struct value *m = value_map(c->a), *cats = value_list(c->a);
	size_t i;

	for (i = 0; i < cfg->nparams; i++)
		set_str(c, m, cfg->params[i].key, cfg->params[i].val);
	set_str(c, m, "title", cfg->title);
	set_str(c, m, "url", *cfg->url ? cfg->url : cfg->base);
	set_str(c, m, "base", cfg->base);
	set_str(c, m, "description", cfg->description);
	set_str(c, m, "language", cfg->language);
	set_str(c, m, "author", cfg->author);
	set_str(c, m, "generator", "crier " CRIER_VERSION);
	set_str(c, m, "atom_url", rel_url(c, "/atom.xml"));
	set_str(c, m, "rss_url", rel_url(c, "/rss.xml"));
	for (i = 0; i < c->s->ncats; i++)
		value_push(c->a, cats, c->cats[i]);
	value_set(c->a, m, "categories", cats);
	value_set(c->a, m, "has_categories", value_bool(c->a, c->s->ncats > 0));
	set_int(c, m, "post_count", (long)c->s->nposts);
	return m;
}

/* The file of a URL path: "/a/b/" is "a/b/index.html". */
static const char *
url_file(struct ctx *c, const char *path)
{
	size_t n = strlen(path);

	if (n > 0 && path[n - 1] == '/')
		return arena_printf(c->a, "%sindex.html", path + 1);
	return path + 1;
}

static struct value *
page_value(struct ctx *c, const char *kind, const char *title, const char *path)
{
	struct value *m = value_map(c->a);

	set_str(c, m, "kind", kind);
	value_set(c->a, m, arena_printf(c->a, "is_%s", kind), value_bool(c->a, 1));
	set_str(c, m, "title", title);
	set_str(c, m, "url", rel_url(c, path));
	set_str(c, m, "permalink", abs_url(c, path));
	return m;
}

/*
 * Renders tmpl into the page at URL path; what names the page's source
 * in errors (a post's path, or a description of an index).
 */
static int
emit(struct ctx *c, const char *tmpl, const struct value *root, const char *path,
    const char *what)
{
	const char *file = url_file(c, path);

	buf_reset(&c->page);
	if (tmpl_render(c->t->tmpls, tmpl, &value_tmpl_data, root, &c->page) < 0) {
		diag_error(c->d, c->t->where, 0, "missing template %s.mustache", tmpl);
		return -1;
	}
	if (output_write(c->o, file, buf_str(&c->page), c->page.len, what) < 0)
		return -1;
	c->st->pages++;
	c->st->files++;
	return 0;
}

static int
post_pages(struct ctx *c)
{
	struct value *root, *page;
	const struct post *p;
	size_t i;

	for (i = 0; i < c->s->nposts; i++) {
		p = &c->s->posts[i];
		root = value_map(c->a);
		page = page_value(c, "post", arena_printf(c->a, "%s" DASH "%s", p->title, c->cfg->title), p->url);
		value_set(c->a, root, "site", c->site);
		value_set(c->a, root, "page", page);
		value_set(c->a, root, "post", c->posts[i]);
		if (i > 0)
			value_set(c->a, root, "newer", c->posts[i - 1]);
		if (i + 1 < c->s->nposts)
			value_set(c->a, root, "older", c->posts[i + 1]);
		if (emit(c, "post", root, p->url, p->path) < 0)
			return -1;
	}
	return 0;
}

/*
 * Writes the pages of an index of n posts (indexes into the site's posts
 * in idx, or all posts when idx is NULL) below path.
 */
static int
index_pages(struct ctx *c, const char *kind, const char *tmpl, const char *name,
    const char *path, struct value *cat, struct post *const *list, size_t n)
{
	size_t per = (size_t)c->cfg->per_page, total = n ? (n + per - 1) / per : 1;
	struct value *root, *page, *posts;
	const char *ppath, *title;
	size_t pg, i;

	for (pg = 1; pg <= total; pg++) {
		ppath = pg == 1 ? path : arena_printf(c->a, "%spage/%zu/", path, pg);
		if (name && pg > 1)
			title = arena_printf(c->a, "%s" DASH "Page %zu" DASH "%s", name, pg, c->cfg->title);
		else if (name)
			title = arena_printf(c->a, "%s" DASH "%s", name, c->cfg->title);
		else if (pg > 1)
			title = arena_printf(c->a, "Page %zu" DASH "%s", pg, c->cfg->title);
		else
			title = c->cfg->title;
		page = page_value(c, kind, title, ppath);
		set_int(c, page, "number", (long)pg);
		set_int(c, page, "total", (long)total);
		if (pg > 1)
			set_str(c, page, "newer_url", rel_url(c, pg == 2 ? path :
			    arena_printf(c->a, "%spage/%zu/", path, pg - 1)));
		if (pg < total)
			set_str(c, page, "older_url", rel_url(c, arena_printf(c->a, "%spage/%zu/", path, pg + 1)));
		value_set(c->a, page, "paginated", value_bool(c->a, total > 1));
		posts = value_list(c->a);
		for (i = (pg - 1) * per; i < n && i < pg * per; i++)
			value_push(c->a, posts, c->posts[list[i] - c->s->posts]);
		root = value_map(c->a);
		value_set(c->a, root, "site", c->site);
		value_set(c->a, root, "page", page);
		value_set(c->a, root, "posts", posts);
		value_set(c->a, root, "has_posts", value_bool(c->a, posts->len > 0));
		if (cat)
			value_set(c->a, root, "category", cat);
		if (emit(c, tmpl, root, ppath, name ? arena_printf(c->a, "category \"%s\"", name) :
		    "the home page") < 0)
			return -1;
	}
	return 0;
}

/* The host of the site's URL, for tag: ids. */
static const char *
site_host(struct ctx *c)
{
	const char *h = strstr(c->cfg->url, "://");

	if (h == NULL)
		return "localhost";
	h += 3;
	return arena_strndup(c->a, h, strcspn(h, ":/"));
}

/*
 * The feed entry of post i.  Its id is a tag: URI of the site's host, the
 * day it was published and its slug, which later edits do not change; an
 * "id" in front matter wins, for posts that move from another system.
 */
static const struct feed_entry *
entry(struct ctx *c, size_t i)
{
	struct feed_entry *e = &c->entries[i];
	const struct post *p = &c->s->posts[i];
	const struct value *id = value_get(p->meta, "id");
	char day[16];
	struct tm tm;
	char *html;

	if (e->link != NULL)
		return e;
	e->title = p->title;
	e->link = abs_url(c, p->url);
	/* The day as written, as in the URL: a new site zone does not move it. */
	date_broken_down(p->date, p->date_off, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (id != NULL && id->type == VALUE_STR && id->len > 0)
		e->id = id->s;
	else
		e->id = arena_printf(c->a, "tag:%s,%s:%s", site_host(c), day, p->slug);
	e->author = *p->author ? p->author : *c->cfg->author ? c->cfg->author : c->cfg->title;
	e->summary = p->summary;
	html = feed_absolute(p->html, c->cfg->url, e->link);
	e->html = arena_strdup(c->a, html);
	free(html);
	e->cats = (const char *const *)p->cats;
	e->ncats = p->ncats;
	e->published = p->date;
	e->updated = p->updated;
	return e;
}

/* Writes atom.xml and rss.xml below path for the first posts of list. */
static int
feeds(struct ctx *c, const char *title, const char *path, struct post *const *list, size_t n)
{
	struct feed_info f;
	struct feed_entry *es;
	size_t i;
	int rc = 0;

	if (n > (size_t)c->cfg->feed_items)
		n = (size_t)c->cfg->feed_items;
	es = xcalloc(n + 1, sizeof(*es));
	for (i = 0; i < n; i++)
		es[i] = *entry(c, (size_t)(list[i] - c->s->posts));
	memset(&f, 0, sizeof(f));
	f.title = title;
	f.subtitle = c->cfg->description;
	f.language = c->cfg->language;
	f.alt = abs_url(c, path);
	f.id = *c->cfg->url ? f.alt : arena_printf(c->a, "tag:localhost,1970-01-01:%s", path);
	f.author = c->cfg->author;
	f.version = CRIER_VERSION;
	f.entries = es;
	f.n = n;

	f.self = abs_url(c, arena_printf(c->a, "%satom.xml", path));
	buf_reset(&c->page);
	feed_atom(&f, &c->page);
	if (output_write(c->o, arena_printf(c->a, "%satom.xml", path + 1), buf_str(&c->page),
	    c->page.len, "a feed") < 0)
		rc = -1;
	f.self = abs_url(c, arena_printf(c->a, "%srss.xml", path));
	buf_reset(&c->page);
	feed_rss(&f, &c->page);
	if (rc == 0 && output_write(c->o, arena_printf(c->a, "%srss.xml", path + 1),
	    buf_str(&c->page), c->page.len, "a feed") < 0)
		rc = -1;
	if (rc == 0)
		c->st->files += 2;
	free(es);
	return rc;
}

int
render_site(const struct site *s, const struct theme *t, struct output *o,
    struct diag *d, struct render_stats *st)
{
	struct ctx c;
	struct post **all = NULL;
	const char *home, *cattmpl;
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(st, 0, sizeof(*st));
	c.s = s;
	c.cfg = s->cfg;
	c.t = t;
	c.o = o;
	c.d = d;
	c.st = st;
	c.a = arena_new();
	c.cats = arena_alloc(c.a, (s->ncats + 1) * sizeof(*c.cats));
	for (i = 0; i < s->ncats; i++)
		c.cats[i] = category_value(&c, &s->cats[i]);
	c.posts = arena_alloc(c.a, (s->nposts + 1) * sizeof(*c.posts));
	for (i = 0; i < s->nposts; i++)
		c.posts[i] = post_value(&c, &s->posts[i]);
	c.site = site_value(&c);
	c.entries = xcalloc(s->nposts + 1, sizeof(*c.entries));

	for (i = 0; i < t->nstatic; i++) {
		if (output_write(o, t->statics[i].path, t->statics[i].data, t->statics[i].len,
		    t->where) < 0)
			goto out;
		st->files++;
	}
	if (post_pages(&c) < 0)
		goto out;
	all = xmalloc((s->nposts + 1) * sizeof(*all));
	for (i = 0; i < s->nposts; i++)
		all[i] = &s->posts[i];
	home = tmpl_set_has(t->tmpls, "home") ? "home" : "index";
	if (index_pages(&c, "home", home, NULL, "/", NULL, all, s->nposts) < 0 ||
	    feeds(&c, s->cfg->title, "/", all, s->nposts) < 0)
		goto out;
	cattmpl = tmpl_set_has(t->tmpls, "category") ? "category" : "index";
	for (i = 0; i < s->ncats; i++) {
		const char *path = arena_printf(c.a, "/category/%s/", s->cats[i].slug);

		if (index_pages(&c, "category", cattmpl, s->cats[i].name, path, c.cats[i],
		    s->cats[i].posts, s->cats[i].nposts) < 0 ||
		    feeds(&c, arena_printf(c.a, "%s" DASH "%s", s->cats[i].name, s->cfg->title),
		    path, s->cats[i].posts, s->cats[i].nposts) < 0)
			goto out;
	}
	rc = 0;
out:
	free(all);
	free(c.entries);
	buf_free(&c.page);
	arena_free(c.a);
	return rc;
}

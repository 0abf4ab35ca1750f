/*
 * render: template data and pages.  The value of each post and category
 * is built once and shared by every page that lists it; page values are
 * small maps around them.  Everything lives in one arena per build.
 */
#include "render.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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
#define RUN 16			/* jobs a thread takes at a time */

struct ctx {
	const struct site *s;
	const struct config *cfg;
	const struct theme *t;
	struct output_writer *w;	/* this thread's writer */
	struct diag *d;		/* this thread's diagnostics */
	struct arena *a;	/* this thread's (or, before threads, the shared) values */
	struct value *site;	/* the site map, on every page */
	struct value **posts;	/* a map per post, in site order */
	struct value **cats;	/* a map per category, in site order */
	struct buf page;	/* the page being rendered */
	struct feed_entry *entries;	/* a feed entry per post in a feed, made first */
	struct list *lists;	/* the home page and the categories */
	size_t nlists;
	struct render_stats st;	/* this thread's count */
};

/* An index: the home page's posts, or a category's. */
struct list {
	const char *kind;	/* "home" or "category" */
	const char *tmpl;	/* its template */
	const char *name;	/* the category's name, or NULL */
	const char *path;	/* its URL path, "/" or "/category/x/" */
	const char *feed_title;
	struct value *cat;	/* the category's value, or NULL */
	struct post *const *posts;	/* newest first */
	size_t n;
	size_t pages;		/* index pages it takes */
};

/* One unit of work: a post page, an index page or a list's feeds. */
struct job {
	enum { JOB_POST, JOB_INDEX, JOB_FEEDS } kind;
	size_t i;		/* post, or list */
	size_t page;		/* JOB_INDEX: page number from 1 */
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
	switch (tmpl_render(c->t->tmpls, tmpl, &value_tmpl_data, root, &c->page)) {
	case 0:
		break;
	case -2:
		diag_error(c->d, what, 0, "the page grows past 64 MiB or 16 million template steps; "
		    "does a partial include itself?");
		return -1;
	default:
		diag_error(c->d, c->t->where, 0, "missing template %s.mustache", tmpl);
		return -1;
	}
	if (output_writer_write(c->w, file, buf_str(&c->page), c->page.len, what) < 0)
		return -1;
	c->st.pages++;
	c->st.files++;
	return 0;
}

static int
post_page(struct ctx *c, size_t i)
{
	const struct post *p = &c->s->posts[i];
	struct value *root, *page;

	{
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

/* Writes page pg (from 1) of list l. */
static int
index_page(struct ctx *c, const struct list *l, size_t pg)
{
	size_t per = (size_t)c->cfg->per_page, total = l->pages, i;
	const char *path = l->path, *name = l->name, *ppath, *title;
	struct value *root, *page, *posts;

	ppath = pg == 1 ? path : arena_printf(c->a, "%spage/%zu/", path, pg);
	if (name && pg > 1)
		title = arena_printf(c->a, "%s" DASH "Page %zu" DASH "%s", name, pg, c->cfg->title);
	else if (name)
		title = arena_printf(c->a, "%s" DASH "%s", name, c->cfg->title);
	else if (pg > 1)
		title = arena_printf(c->a, "Page %zu" DASH "%s", pg, c->cfg->title);
	else
		title = c->cfg->title;
	page = page_value(c, l->kind, title, ppath);
	set_int(c, page, "number", (long)pg);
	set_int(c, page, "total", (long)total);
	if (pg > 1)
		set_str(c, page, "newer_url", rel_url(c, pg == 2 ? path :
		    arena_printf(c->a, "%spage/%zu/", path, pg - 1)));
	if (pg < total)
		set_str(c, page, "older_url", rel_url(c, arena_printf(c->a, "%spage/%zu/", path, pg + 1)));
	value_set(c->a, page, "paginated", value_bool(c->a, total > 1));
	posts = value_list(c->a);
	for (i = (pg - 1) * per; i < l->n && i < pg * per; i++)
		value_push(c->a, posts, c->posts[l->posts[i] - c->s->posts]);
	root = value_map(c->a);
	value_set(c->a, root, "site", c->site);
	value_set(c->a, root, "page", page);
	value_set(c->a, root, "posts", posts);
	value_set(c->a, root, "has_posts", value_bool(c->a, posts->len > 0));
	if (l->cat)
		value_set(c->a, root, "category", l->cat);
	return emit(c, l->tmpl, root, ppath, name ? arena_printf(c->a, "category \"%s\"", name) :
	    "the home page");
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
static void
make_entry(struct ctx *c, size_t i)
{
	struct feed_entry *e = &c->entries[i];
	const struct post *p = &c->s->posts[i];
	const struct value *id = value_get(p->meta, "id");
	char day[16];
	struct tm tm;
	char *html;

	if (e->link != NULL)
		return;
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
}

/* Writes atom.xml and rss.xml of list l. */
static int
feeds(struct ctx *c, const struct list *l)
{
	const char *title = l->feed_title, *path = l->path;
	struct post *const *list = l->posts;
	size_t n = l->n;
	struct feed_info f;
	struct feed_entry *es;
	size_t i;
	int rc = 0;

	if (n > (size_t)c->cfg->feed_items)
		n = (size_t)c->cfg->feed_items;
	es = xcalloc(n + 1, sizeof(*es));
	for (i = 0; i < n; i++)
		es[i] = c->entries[list[i] - c->s->posts];
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
	if (output_writer_write(c->w, arena_printf(c->a, "%satom.xml", path + 1), buf_str(&c->page),
	    c->page.len, "a feed") < 0)
		rc = -1;
	f.self = abs_url(c, arena_printf(c->a, "%srss.xml", path));
	buf_reset(&c->page);
	feed_rss(&f, &c->page);
	if (rc == 0 && output_writer_write(c->w, arena_printf(c->a, "%srss.xml", path + 1),
	    buf_str(&c->page), c->page.len, "a feed") < 0)
		rc = -1;
	if (rc == 0)
		c->st.files += 2;
	free(es);
	return rc;
}

/* One thread of the page phase, with its own ctx (arena, buffer, writer). */
struct worker {
	struct ctx c;
	const struct job *jobs;
	size_t njobs;
	_Atomic size_t *next;	/* the next job no thread has taken */
	char **msgs;		/* each job's diagnostics, or NULL */
	struct buf cap;		/* what the job being done reported */
	struct diag d;
	pthread_t thread;
	int started;
};

static int
do_job(struct ctx *c, const struct job *j)
{
	switch (j->kind) {
	case JOB_POST:
		return post_page(c, j->i);
	case JOB_INDEX:
		return index_page(c, &c->lists[j->i], j->page);
	default:
		return feeds(c, &c->lists[j->i]);
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	size_t i, start;

	while ((start = atomic_fetch_add(w->next, RUN)) < w->njobs) {
		for (i = start; i < start + RUN && i < w->njobs; i++) {
			do_job(&w->c, &w->jobs[i]);
			if (w->cap.len > 0) {
				w->msgs[i] = buf_detach(&w->cap);
				w->cap.len = 0;
			}
		}
		/* Page values are not needed once the page is written. */
		if (arena_used(w->c.a) > 8 * 1024 * 1024) {
			arena_free(w->c.a);
			w->c.a = arena_new();
		}
	}
	return NULL;
}

/* The lists of the site: home first, then the categories in slug order. */
static void
make_lists(struct ctx *c, struct post **all)
{
	const struct site *s = c->s;
	size_t per = (size_t)c->cfg->per_page, i;
	struct list *l;

	c->nlists = 1 + s->ncats;
	c->lists = arena_alloc(c->a, c->nlists * sizeof(*c->lists));
	l = &c->lists[0];
	l->kind = "home";
	l->tmpl = tmpl_set_has(c->t->tmpls, "home") ? "home" : "index";
	l->path = "/";
	l->feed_title = c->cfg->title;
	l->posts = all;
	l->n = s->nposts;
	for (i = 0; i < s->ncats; i++) {
		l = &c->lists[i + 1];
		l->kind = "category";
		l->tmpl = tmpl_set_has(c->t->tmpls, "category") ? "category" : "index";
		l->name = s->cats[i].name;
		l->path = arena_printf(c->a, "/category/%s/", s->cats[i].slug);
		l->feed_title = arena_printf(c->a, "%s" DASH "%s", s->cats[i].name, c->cfg->title);
		l->cat = c->cats[i];
		l->posts = s->cats[i].posts;
		l->n = s->cats[i].nposts;
	}
	for (i = 0; i < c->nlists; i++) {
		l = &c->lists[i];
		l->pages = l->n ? (l->n + per - 1) / per : 1;
	}
}

int
render_site(const struct site *s, const struct theme *t, struct output *o,
    struct diag *d, int jobs, struct render_stats *st)
{
	struct ctx c;
	struct post **all = NULL;
	struct job *js = NULL;
	struct worker *ws = NULL;
	_Atomic size_t next = 0;
	char **msgs = NULL;
	size_t i, j, k, n = 0, nw;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(st, 0, sizeof(*st));
	c.s = s;
	c.cfg = s->cfg;
	c.t = t;
	c.d = d;
	c.w = output_writer_new(o, d);
	c.a = arena_new();
	c.cats = arena_alloc(c.a, (s->ncats + 1) * sizeof(*c.cats));
	for (i = 0; i < s->ncats; i++)
		c.cats[i] = category_value(&c, &s->cats[i]);
	c.posts = arena_alloc(c.a, (s->nposts + 1) * sizeof(*c.posts));
	for (i = 0; i < s->nposts; i++)
		c.posts[i] = post_value(&c, &s->posts[i]);
	c.site = site_value(&c);
	all = xmalloc((s->nposts + 1) * sizeof(*all));
	for (i = 0; i < s->nposts; i++)
		all[i] = &s->posts[i];
	make_lists(&c, all);
	/* Feed entries are made before the threads start, which only read them. */
	c.entries = xcalloc(s->nposts + 1, sizeof(*c.entries));
	for (i = 0; i < c.nlists; i++)
		for (k = 0; k < c.lists[i].n && k < (size_t)c.cfg->feed_items; k++)
			make_entry(&c, (size_t)(c.lists[i].posts[k] - s->posts));

	for (i = 0; i < t->nstatic; i++) {
		if (output_writer_write(c.w, t->statics[i].path, t->statics[i].data,
		    t->statics[i].len, t->where) < 0)
			goto out;
		st->files++;
	}

	/* Every page and feed is a job; threads take them in runs. */
	for (i = 0, k = s->nposts; i < c.nlists; i++)
		k += c.lists[i].pages + 1;
	js = xcalloc(k + 1, sizeof(*js));
	for (i = 0; i < s->nposts; i++)
		js[n++] = (struct job){ JOB_POST, i, 0 };
	for (i = 0; i < c.nlists; i++) {
		for (j = 1; j <= c.lists[i].pages; j++)
			js[n++] = (struct job){ JOB_INDEX, i, j };
		js[n++] = (struct job){ JOB_FEEDS, i, 0 };
	}
	msgs = xcalloc(n + 1, sizeof(*msgs));
	nw = jobs > 0 ? (size_t)jobs : 1;
	if (nw > n / 64 + 1)
		nw = n / 64 + 1;
	ws = xcalloc(nw, sizeof(*ws));
	for (i = 0; i < nw; i++) {
		ws[i].c = c;
		ws[i].c.a = arena_new();
		ws[i].c.page = (struct buf)BUF_INIT;
		ws[i].c.d = &ws[i].d;
		ws[i].c.w = output_writer_new(o, &ws[i].d);
		memset(&ws[i].c.st, 0, sizeof(ws[i].c.st));
		ws[i].d.quiet = d->quiet;
		ws[i].d.capture = &ws[i].cap;
		ws[i].jobs = js;
		ws[i].njobs = n;
		ws[i].next = &next;
		ws[i].msgs = msgs;
		if (i > 0)
			ws[i].started = pthread_create(&ws[i].thread, NULL, work, &ws[i]) == 0;
	}
	work(&ws[0]);
	for (i = 0; i < nw; i++) {
		if (ws[i].started)
			pthread_join(ws[i].thread, NULL);
	}
	/* A thread that did not start left its jobs to the others. */
	for (i = 0; i < nw; i++) {
		d->errors += ws[i].d.errors;
		d->warnings += ws[i].d.warnings;
		st->pages += ws[i].c.st.pages;
		st->files += ws[i].c.st.files;
		output_writer_close(ws[i].c.w);
		buf_free(&ws[i].c.page);
		buf_free(&ws[i].cap);
		arena_free(ws[i].c.a);
	}
	for (i = 0; i < n; i++) {
		if (msgs[i] != NULL)
			fputs(msgs[i], stderr);
		free(msgs[i]);
	}
	rc = d->errors > 0 ? -1 : 0;
out:
	output_writer_close(c.w);
	free(ws);
	free(msgs);
	free(js);
	free(all);
	free(c.entries);
	buf_free(&c.page);
	arena_free(c.a);
	return rc;
}

/*
 * render: template data and pages.  The value of each post and category
 * is built once and shared by every page that lists it; page values are
 * small maps around them.  Everything lives in one arena per build.
 */
#include "render.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "date.h"
#include "feed.h"
#include "ics.h"
#include "jsonfeed.h"
#include "pages.h"
#include "state.h"
#include "text.h"
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
	struct value **catvars;	/* per category, its maps with first and last as a post lists it */
	struct buf page;	/* the page being rendered */
	struct feed_entry *entries;	/* a feed entry per post in a feed, made first */
	struct list *lists;	/* the home page, the categories, the archives */
	size_t nlists;
	size_t *cat_windows;	/* windows in each category */
	size_t windows;		/* windows in the site */
	struct buf files;	/* the files the job being done wrote, a line each */
	struct render_stats st;	/* this thread's count */
};

/* An index: the home page's posts, a category's, a year's or a month's. */
struct list {
	const char *kind;	/* "home", "category" or "archive" */
	const char *tmpl;	/* its template */
	const char *name;	/* the category's name, or NULL */
	const char *path;	/* its URL path, "/" or "/category/x/" */
	const char *feed_title;
	struct value *cat;	/* the category's value, or NULL */
	struct value *archive;	/* the archive's value, or NULL */
	struct post *const *posts;	/* newest first */
	size_t n;
	size_t pages;		/* index pages it takes */
	size_t windows;		/* maintenance windows among its posts */
	int feeds;		/* it has feeds of its own */
	const char *what;	/* what it is, for errors */
};

/* One unit of work: a post page, an index page or a list's feeds. */
struct job {
	enum { JOB_POST, JOB_INDEX, JOB_FEEDS, JOB_SITEMAP, JOB_404 } kind;
	size_t i;		/* post, or list */
	size_t page;		/* JOB_INDEX: page number from 1 */
	uint64_t id;		/* which unit it is, for the page keys */
	uint64_t key;		/* everything its files depend on; 0: unknown */
	int keep;		/* its files are kept as the last build made them */
};

/* The root-relative URL of a site path ("/x/" → base + "x/"). */
static const char *
rel_url(struct ctx *c, const char *path)
{
	return arena_cat(c->a, c->cfg->base, path + 1);
}

/* The absolute URL of a site path, or the relative one without a site url. */
static const char *
abs_url(struct ctx *c, const char *path)
{
	if (*c->cfg->url == '\0')
		return rel_url(c, path);
	return arena_cat(c->a, c->cfg->url, path + 1);
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
	set_str(c, m, arena_cat(c->a, prefix, "_time"), arena_strdup(c->a, buf));
	date_rfc3339(t, buf, sizeof(buf));
	set_str(c, m, arena_cat(c->a, prefix, "_iso"), arena_strdup(c->a, buf));
}

/* The feed and calendar URLs of the list at path, as the config allows. */
static void
feed_urls(struct ctx *c, struct value *m, const char *path, size_t windows)
{
	unsigned off = c->cfg->disable;
	const char *cal;

	/* What is not written is null, so that a [site] key of the name cannot stand in. */
	value_set(c->a, m, "atom_url", (off & OUT_ATOM) ? value_null(c->a) :
	    value_str(c->a, rel_url(c, arena_printf(c->a, "%satom.xml", path))));
	value_set(c->a, m, "rss_url", (off & OUT_RSS) ? value_null(c->a) :
	    value_str(c->a, rel_url(c, arena_printf(c->a, "%srss.xml", path))));
	value_set(c->a, m, "json_url", (off & OUT_JSON) ? value_null(c->a) :
	    value_str(c->a, rel_url(c, arena_printf(c->a, "%sfeed.json", path))));
	value_set(c->a, m, "calendar_url", value_null(c->a));
	value_set(c->a, m, "webcal_url", value_null(c->a));
	if (windows == 0 || (off & OUT_CALENDAR))
		return;
	cal = arena_printf(c->a, "%smaintenance.ics", path);
	set_str(c, m, "calendar_url", rel_url(c, cal));
	/* Calendar applications subscribe to webcal:// links. */
	if (str_prefix(c->cfg->url, "https://") || str_prefix(c->cfg->url, "http://"))
		set_str(c, m, "webcal_url", arena_printf(c->a, "webcal://%s",
		    strstr(abs_url(c, cal), "://") + 3));
}

/* "July 19, 2019, 3:00 pm – 6:00 pm EDT", in the site's zone. */
static const char *
window_text(struct ctx *c, const struct post *p)
{
	char a[128], b[128], z[64], za[64], d1[64], d2[64];
	const char *fmt = c->cfg->date_fmt, *tf = c->cfg->time_fmt;

	date_format(p->win_start, fmt, d1, sizeof(d1));
	date_format(p->win_end, fmt, d2, sizeof(d2));
	date_format(p->win_start, tf, a, sizeof(a));
	date_format(p->win_end, tf, b, sizeof(b));
	date_format(p->win_start, "%Z", za, sizeof(za));
	date_format(p->win_end, "%Z", z, sizeof(z));
	/* Across a change of clocks, each end has its own zone. */
	if (strcmp(za, z) != 0)
		return arena_printf(c->a, "%s, %s %s" DASH "%s, %s %s", d1, a, za, d2, b, z);
	if (strcmp(d1, d2) == 0)
		return arena_printf(c->a, "%s, %s" DASH "%s %s", d1, a, b, z);
	return arena_printf(c->a, "%s, %s" DASH "%s, %s %s", d1, a, d2, b, z);
}

static void
set_alert(struct ctx *c, struct value *m, const struct post *p)
{
	enum post_status st = post_status(p, c->s->now);
	struct value *w;

	if (st != STATUS_NONE) {
		set_str(c, m, "status", post_status_name(st));
		set_str(c, m, "status_label", post_status_label(st));
		value_set(c->a, m, arena_printf(c->a, "is_%s", st == STATUS_IN_PROGRESS ?
		    "in_progress" : post_status_name(st)), value_bool(c->a, 1));
	}
	if (p->resolved != 0)
		set_date(c, m, "resolved", p->resolved);
	if (!p->has_window)
		return;
	w = value_map(c->a);
	set_date(c, w, "start", p->win_start);
	set_date(c, w, "end", p->win_end);
	set_str(c, w, "text", window_text(c, p));
	value_set(c->a, m, "window", w);
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
	feed_urls(c, m, path, c->cat_windows[cat - c->s->cats]);
	return m;
}

static struct value *
post_value(struct ctx *c, const struct post *p)
{
	/* Room for every key a post can have: a map a post, 100,000 posts. */
	struct value *m = value_map_sized(c->a, 32), *cats = value_list(c->a);
	const struct category *cat;
	size_t i, k;

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
		/* The category's map with "first" and "last" as this post lists it. */
		cat = site_category(c->s, p->cats[i]);
		k = (size_t)(cat - c->s->cats) * 4 + (i == 0) * 2 + (i + 1 == p->ncats);
		value_push(c->a, cats, c->catvars[k]);
	}
	value_set(c->a, m, "categories", cats);
	value_set(c->a, m, "has_categories", value_bool(c->a, p->ncats > 0));
	value_set(c->a, m, "params", p->meta);
	set_alert(c, m, p);
	return m;
}

/*
 * The map of post i, made when first needed: a rebuild renders few
 * pages, and a map per post of a large site is much of its work.  Not
 * thread-safe: every map a page needs is made before the threads start.
 */
static struct value *
need_post(struct ctx *c, size_t i)
{
	if (c->posts[i] == NULL)
		c->posts[i] = post_value(c, &c->s->posts[i]);
	return c->posts[i];
}

/* What make_maps's parts share: part i makes into cs[i], with an arena of its own. */
struct makers {
	struct ctx *cs;
	const unsigned char *want;
};

static void
make_part(void *arg, size_t part, size_t from, size_t to)
{
	struct makers *m = arg;
	size_t i;

	for (i = from; i < to; i++)
		if (m->want[i])
			need_post(&m->cs[part], i);
}

/*
 * Makes the maps of the posts want marks, on up to jobs threads, each
 * into an arena of its own (added to *arenas, which the caller frees
 * after the pages).  A post's map is a tenth of a cold build's page work;
 * what the maps share (the category maps) was made before.
 */
static void
make_maps(struct ctx *c, const unsigned char *want, int jobs, struct arena ***arenas,
    size_t *narenas)
{
	const struct site *s = c->s;
	struct makers m;
	size_t i, n = 0, nt;

	for (i = 0; i < s->nposts; i++)
		n += want[i] && c->posts[i] == NULL;
	nt = jobs > 0 ? (size_t)jobs : 1;
	if (nt > n / 256 + 1)
		nt = n / 256 + 1;
	m.cs = xcalloc(nt, sizeof(*m.cs));
	m.want = want;
	*arenas = xrealloc(*arenas, (*narenas + nt) * sizeof(**arenas));
	for (i = 0; i < nt; i++) {
		m.cs[i] = *c;
		m.cs[i].a = (*arenas)[(*narenas)++] = arena_new();
	}
	run_parts(make_part, &m, s->nposts, nt);
	free(m.cs);
}

/* When an alert in the banner begins: its window's start, else its date. */
static time_t
alert_start(const struct post *p)
{
	return p->has_window ? p->win_start : p->date;
}

static int
cmp_alert(const void *a, const void *b)
{
	const struct post *x = *(const struct post *const *)a, *y = *(const struct post *const *)b;
	time_t tx = alert_start(x), ty = alert_start(y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * The alerts every page shows: those in progress, and windows that
 * start within banner_days of now; the first to begin leads.
 */
static void
banner(struct ctx *c, struct value *m)
{
	struct value *list = value_list(c->a);
	time_t ahead = (time_t)c->cfg->banner_days * 86400;
	const struct post **show = xcalloc(c->s->nposts + 1, sizeof(*show));
	const struct post *p;
	enum post_status st;
	size_t i, n = 0;

	for (i = 0; i < c->s->nposts; i++) {
		p = &c->s->posts[i];
		st = post_status(p, c->s->now);
		if (st == STATUS_IN_PROGRESS ||
		    (st == STATUS_SCHEDULED && p->has_window && p->win_start - c->s->now <= ahead))
			show[n++] = p;
	}
	xqsort(show, n, sizeof(*show), cmp_alert);
	for (i = 0; i < n; i++)
		value_push(c->a, list, need_post(c, (size_t)(show[i] - c->s->posts)));
	free(show);
	value_set(c->a, m, "alerts", list);
	value_set(c->a, m, "has_alerts", value_bool(c->a, list->len > 0));
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
	feed_urls(c, m, "/", c->windows);
	for (i = 0; i < c->s->ncats; i++)
		value_push(c->a, cats, c->cats[i]);
	value_set(c->a, m, "categories", cats);
	value_set(c->a, m, "has_categories", value_bool(c->a, c->s->ncats > 0));
	set_int(c, m, "post_count", (long)c->s->nposts);
	banner(c, m);
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
	buf_printf(&c->files, "%s\n", file);
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
	if (l->archive)
		value_set(c->a, root, "archive", l->archive);
	return emit(c, l->tmpl, root, ppath, l->what);
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
	enum post_status st = post_status(p, c->s->now);

	if (e->link != NULL)
		return;
	e->title = st == STATUS_NONE ? p->title :
	    arena_printf(c->a, "[%s] %s", post_status_label(st), p->title);
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

/* Writes the file path (site path, "/...") of a feed or other document. */
static int
put_doc(struct ctx *c, const char *path, const char *what)
{
	if (output_writer_write(c->w, path + 1, buf_str(&c->page), c->page.len, what) < 0)
		return -1;
	buf_printf(&c->files, "%s\n", path + 1);
	c->st.files++;
	return 0;
}

/*
 * The calendar of list l's maintenance windows, every one of them, past
 * and upcoming.  A UID is the post's day and slug at the site's host, or
 * its front matter id, so that it never changes once published.
 */
static int
calendar(struct ctx *c, const struct list *l, const char *title)
{
	struct ics_event *ev = xcalloc(l->windows + 1, sizeof(*ev));
	char **texts = xcalloc(l->windows + 1, sizeof(*texts));
	const struct post *p;
	const struct value *id;
	struct ics_info info;
	char day[16];
	struct tm tm;
	size_t i, n = 0;
	int rc;

	for (i = 0; i < l->n && n < l->windows; i++) {
		p = l->posts[i];
		if (!p->has_window)
			continue;
		id = value_get(p->meta, "id");
		date_broken_down(p->date, p->date_off, &tm);
		strftime(day, sizeof(day), "%Y%m%d", &tm);
		ev[n].uid = id != NULL && id->type == VALUE_STR && id->len > 0 ? id->s :
		    arena_printf(c->a, "%s-%s@%s", day, p->slug, site_host(c));
		ev[n].summary = p->title;
		ev[n].description = texts[n] = html_text(p->html, 8192);
		ev[n].url = abs_url(c, p->url);
		ev[n].cats = (const char *const *)p->cats;
		ev[n].ncats = p->ncats;
		ev[n].status = post_status_name(post_status(p, c->s->now));
		ev[n].start = p->win_start;
		ev[n].end = p->win_end;
		ev[n].created = p->date;
		ev[n].modified = p->updated;
		n++;
	}
	memset(&info, 0, sizeof(info));
	info.name = arena_printf(c->a, "%s" DASH "Maintenance", title);
	info.description = c->cfg->description;
	info.url = abs_url(c, arena_printf(c->a, "%smaintenance.ics", l->path));
	info.version = CRIER_VERSION;
	info.events = ev;
	info.n = n;
	buf_reset(&c->page);
	ics_calendar(&info, &c->page);
	rc = put_doc(c, arena_printf(c->a, "%smaintenance.ics", l->path), "a calendar");
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(ev);
	return rc;
}

/* Writes the feeds (Atom, RSS, JSON Feed) and the calendar of list l. */
static int
feeds(struct ctx *c, const struct list *l)
{
	const char *title = l->feed_title, *path = l->path;
	struct post *const *list = l->posts;
	unsigned off = c->cfg->disable;
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

	if (!(off & OUT_ATOM)) {
		f.self = abs_url(c, arena_printf(c->a, "%satom.xml", path));
		buf_reset(&c->page);
		feed_atom(&f, &c->page);
		rc |= put_doc(c, arena_printf(c->a, "%satom.xml", path), "a feed");
	}
	if (!(off & OUT_RSS)) {
		f.self = abs_url(c, arena_printf(c->a, "%srss.xml", path));
		buf_reset(&c->page);
		feed_rss(&f, &c->page);
		rc |= put_doc(c, arena_printf(c->a, "%srss.xml", path), "a feed");
	}
	if (!(off & OUT_JSON)) {
		f.self = abs_url(c, arena_printf(c->a, "%sfeed.json", path));
		buf_reset(&c->page);
		feed_json(&f, &c->page);
		rc |= put_doc(c, arena_printf(c->a, "%sfeed.json", path), "a feed");
	}
	if (l->windows > 0 && !(off & OUT_CALENDAR))
		rc |= calendar(c, l, title);
	free(es);
	return rc;
}

/* The newest updated date of the posts on page pg of l, or 0. */
static time_t
page_updated(const struct ctx *c, const struct list *l, size_t pg)
{
	size_t per = (size_t)c->cfg->per_page, i;
	time_t t = 0;

	for (i = (pg - 1) * per; i < l->n && i < pg * per; i++)
		if (l->posts[i]->updated > t)
			t = l->posts[i]->updated;
	return t;
}

/* 1 if the theme has a static file at path, which a generated one must not replace. */
static int
theme_has_static(const struct theme *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->nstatic; i++)
		if (strcmp(t->statics[i].path, path) == 0)
			return 1;
	return 0;
}

/*
 * sitemap.xml, every page with the date it last changed, and robots.txt
 * pointing to it (unless the theme has its own).  Locations must be
 * absolute, so a site without a url has neither.
 */
static int
sitemap(struct ctx *c)
{
	struct sitemap_url *u;
	const struct list *l;
	size_t i, pg, n = 0, total = c->s->nposts;
	int rc;

	for (i = 0; i < c->nlists; i++)
		total += c->lists[i].pages;
	u = xcalloc(total + 1, sizeof(*u));
	for (i = 0; i < c->nlists; i++) {
		l = &c->lists[i];
		for (pg = 1; pg <= l->pages; pg++) {
			u[n].loc = abs_url(c, pg == 1 ? l->path :
			    arena_printf(c->a, "%spage/%zu/", l->path, pg));
			u[n++].lastmod = page_updated(c, l, pg);
		}
	}
	for (i = 0; i < c->s->nposts; i++) {
		u[n].loc = abs_url(c, c->s->posts[i].url);
		u[n++].lastmod = c->s->posts[i].updated;
	}
	buf_reset(&c->page);
	feed_sitemap(u, n, &c->page);
	rc = put_doc(c, "/sitemap.xml", "the sitemap");
	free(u);
	if (theme_has_static(c->t, "robots.txt"))
		return rc;
	buf_reset(&c->page);
	buf_printf(&c->page, "User-agent: *\nAllow: /\n\nSitemap: %s\n", abs_url(c, "/sitemap.xml"));
	return rc | put_doc(c, "/robots.txt", "robots.txt");
}

/* 404.html, from the theme's 404 template (unless it has a static one), for servers to show. */
static int
not_found(struct ctx *c)
{
	struct value *root = value_map(c->a);

	value_set(c->a, root, "site", c->site);
	value_set(c->a, root, "page", page_value(c, "404",
	    arena_printf(c->a, "Page not found" DASH "%s", c->cfg->title), "/404.html"));
	return emit(c, "404", root, "/404.html", "the 404 page");
}

/* One thread of the page phase, with its own ctx (arena, buffer, writer). */
struct worker {
	struct ctx c;
	const struct job *jobs;
	size_t njobs;
	_Atomic size_t *next;	/* the next job no thread has taken */
	char **msgs;		/* each job's diagnostics, or NULL */
	const struct pages *prev;	/* the last build's keys, or NULL */
	struct pages *next_pages;	/* this build's, by job */
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
	case JOB_FEEDS:
		return feeds(c, &c->lists[j->i]);
	case JOB_SITEMAP:
		return sitemap(c);
	default:
		return not_found(c);
	}
}

/*
 * 1 if the files of job j can be kept: its key is the one the last build
 * had for it, and the published output has every file it made then.
 */
static int
can_keep(const struct pages *prev, struct output_writer *w, const struct job *j)
{
	const char *files, *s, *nl;
	char rel[PATH_MAX];
	size_t len, n;

	if (j->key == 0 || (files = pages_find(prev, j->id, j->key, &len)) == NULL)
		return 0;
	for (s = files; s < files + len; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(files + len - s));
		n = (size_t)(nl - s);
		if (n >= sizeof(rel))
			return 0;
		memcpy(rel, s, n);
		rel[n] = '\0';
		if (!output_has(w, rel))
			return 0;
	}
	return 1;
}

/* Keeps the files of job j, which can_keep allowed. */
static void
keep_job(struct worker *w, const struct job *j)
{
	const char *files, *s, *nl;
	char rel[PATH_MAX];
	size_t len, n;

	files = pages_find(w->prev, j->id, j->key, &len);
	for (s = files; s < files + len; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(files + len - s));
		n = (size_t)(nl - s);
		memcpy(rel, s, n);
		rel[n] = '\0';
		/* Fails only for a path claimed twice, reported as a write would be. */
		if (output_writer_keep(w->c.w, rel, "a page") != 0)
			return;
		buf_put(&w->c.files, rel, n);
		buf_putc(&w->c.files, '\n');
		w->c.st.kept++;
		w->c.st.files++;
		/* Counted as pages still: the build has them, as it was. */
		w->c.st.pages += n > 5 && memcmp(rel + n - 5, ".html", 5) == 0;
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct buf m = BUF_INIT;
	size_t i, j, start;

	while ((start = atomic_fetch_add(w->next, RUN)) < w->njobs) {
		for (i = start; i < start + RUN && i < w->njobs; i++) {
			buf_reset(&w->c.files);
			if (w->jobs[i].keep)
				keep_job(w, &w->jobs[i]);
			else
				do_job(&w->c, &w->jobs[i]);
			if (w->jobs[i].key != 0)
				pages_set(w->next_pages, i, w->jobs[i].id, w->jobs[i].key, buf_str(&w->c.files));
			if (w->cap.len > 0) {
				w->msgs[i] = buf_detach(&w->cap);
				w->cap.len = 0;
			}
		}
		/* Kept files are claimed a run at a time; a clash is told with the run's last job. */
		output_writer_flush(w->c.w);
		if (w->cap.len > 0) {
			j = (start + RUN < w->njobs ? start + RUN : w->njobs) - 1;
			buf_puts(&m, w->msgs[j] != NULL ? w->msgs[j] : "");
			buf_put(&m, w->cap.s, w->cap.len);
			free(w->msgs[j]);
			w->msgs[j] = buf_detach(&m);
			w->cap.len = 0;
		}
		/* Page values are not needed once the page is written. */
		if (arena_used(w->c.a) > 1024 * 1024) {
			arena_free(w->c.a);
			w->c.a = arena_new();
		}
	}
	buf_free(&m);
	return NULL;
}

/* The number of maintenance windows among n posts. */
static size_t
count_windows(struct post *const *posts, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		w += posts[i]->has_window;
	return w;
}

/* Year and month of p as written, as in its URL: y * 100 + m. */
static int
year_month(const struct post *p)
{
	struct tm tm;

	date_broken_down(p->date, p->date_off, &tm);
	return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

static int
cmp_month_desc(const void *a, const void *b)
{
	int x = year_month(*(struct post *const *)a), y = year_month(*(struct post *const *)b);

	return x > y ? -1 : x < y;
}

/*
 * The date archives, years and months newest first, each a list of its
 * posts newest first: byym holds the posts sorted by month (stable, so
 * newest first within one), and site.archives the years with their months.
 */
static void
make_archives(struct ctx *c, struct post **byym, struct value *years)
{
	const struct site *s = c->s;
	struct value *yv = NULL, *months = NULL, *mv;
	struct list *l;
	size_t i, j, k;
	int ym, y;
	struct tm tm;
	char name[64];

	for (i = 0; i < s->nposts; i++)
		byym[i] = &s->posts[i];
	xqsort(byym, s->nposts, sizeof(*byym), cmp_month_desc);
	for (i = 0; i < s->nposts; i = j) {
		ym = year_month(byym[i]);
		for (j = i + 1; j < s->nposts && year_month(byym[j]) == ym; j++)
			;
		y = ym / 100;
		if (yv == NULL || i == 0 || year_month(byym[i - 1]) / 100 != y) {
			/* A new year: its list takes every month up to the next year. */
			for (k = j; k < s->nposts && year_month(byym[k]) / 100 == y; k++)
				;
			l = &c->lists[c->nlists++];
			l->kind = "archive";
			l->tmpl = tmpl_set_has(c->t->tmpls, "archive") ? "archive" : "index";
			l->name = arena_printf(c->a, "%d", y);
			l->path = arena_printf(c->a, "/%04d/", y);
			l->posts = byym + i;
			l->n = k - i;
			l->what = arena_printf(c->a, "the archive of %d", y);
			yv = value_map(c->a);
			set_str(c, yv, "name", l->name);
			set_int(c, yv, "year", y);
			set_str(c, yv, "url", rel_url(c, l->path));
			set_int(c, yv, "count", (long)l->n);
			months = value_list(c->a);
			value_set(c->a, yv, "months", months);
			value_set(c->a, yv, "is_year", value_bool(c->a, 1));
			value_push(c->a, years, yv);
			l->archive = yv;
		}
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = ym % 100 - 1;
		tm.tm_mday = 1;
		strftime(name, sizeof(name), "%B %Y", &tm);
		l = &c->lists[c->nlists++];
		l->kind = "archive";
		l->tmpl = tmpl_set_has(c->t->tmpls, "archive") ? "archive" : "index";
		l->name = arena_strdup(c->a, name);
		l->path = arena_printf(c->a, "/%04d/%02d/", y, ym % 100);
		l->posts = byym + i;
		l->n = j - i;
		l->what = arena_printf(c->a, "the archive of %s", name);
		mv = value_map(c->a);
		set_str(c, mv, "name", l->name);
		set_int(c, mv, "year", y);
		set_str(c, mv, "month", arena_printf(c->a, "%02d", ym % 100));
		set_str(c, mv, "url", rel_url(c, l->path));
		set_int(c, mv, "count", (long)l->n);
		set_str(c, mv, "year_url", rel_url(c, arena_printf(c->a, "/%04d/", y)));
		value_set(c->a, mv, "is_month", value_bool(c->a, 1));
		value_push(c->a, months, mv);
		l->archive = mv;
	}
}

/* The number of months with posts, an upper bound of the archive lists. */
static size_t
count_months(const struct site *s)
{
	size_t i, n = 0;
	int prev = -1, ym;

	/* Posts are newest first, so one month's posts are together. */
	for (i = 0; i < s->nposts; i++) {
		ym = year_month(&s->posts[i]);
		n += ym != prev;
		prev = ym;
	}
	return n;
}

/*
 * The lists of the site: home first, then the categories in slug order,
 * then the archives.
 */
static void
make_lists(struct ctx *c, struct post **all, struct post **byym)
{
	const struct site *s = c->s;
	size_t per = (size_t)c->cfg->per_page, i, max;
	struct value *years = value_list(c->a);
	struct list *l;

	max = 1 + s->ncats;
	if (!(c->cfg->disable & OUT_ARCHIVES))
		max += 2 * count_months(s);
	c->lists = arena_alloc(c->a, max * sizeof(*c->lists));
	memset(c->lists, 0, max * sizeof(*c->lists));
	c->nlists = 1 + s->ncats;
	l = &c->lists[0];
	l->kind = "home";
	l->tmpl = tmpl_set_has(c->t->tmpls, "home") ? "home" : "index";
	l->path = "/";
	l->feed_title = c->cfg->title;
	l->posts = all;
	l->n = s->nposts;
	l->feeds = 1;
	l->what = "the home page";
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
		l->feeds = 1;
		l->what = arena_printf(c->a, "category \"%s\"", s->cats[i].name);
	}
	if (!(c->cfg->disable & OUT_ARCHIVES))
		make_archives(c, byym, years);
	value_set(c->a, c->site, "archives", years);
	value_set(c->a, c->site, "has_archives", value_bool(c->a, years->len > 0));
	for (i = 0; i < c->nlists; i++) {
		l = &c->lists[i];
		l->pages = l->n ? (l->n + per - 1) / per : 1;
		l->windows = count_windows(l->posts, l->n);
	}
}

/* FNV-1a over n bytes, continuing h. */
static uint64_t
hmix(uint64_t h, const void *p, size_t n)
{
	return state_hash(h, p, n);
}

static uint64_t
hstr(uint64_t h, const char *s)
{
	return s ? hmix(h, s, strlen(s) + 1) : hmix(h, "\xff", 1);
}

static uint64_t
hnum(uint64_t h, uint64_t n)
{
	return hmix(h, &n, sizeof(n));
}

/*
 * The key of each post: what its map holds, from its blob and path (so
 * front matter and body), its dates, URL, status at now and categories;
 * 0 if its blob is not known.
 */
static uint64_t
post_key(struct ctx *c, const struct post *p, const uint64_t *catkeys)
{
	uint64_t h = STATE_HASH_INIT;
	size_t i;

	if (p->src == 0)
		return 0;
	h = hnum(h, p->src);
	h = hnum(h, (uint64_t)p->date);
	h = hnum(h, (uint64_t)p->date_off);
	h = hnum(h, (uint64_t)p->updated);
	h = hnum(h, (uint64_t)post_status(p, c->s->now));
	h = hstr(h, p->url);
	for (i = 0; i < p->ncats; i++)
		h = hnum(h, catkeys[site_category(c->s, p->cats[i]) - c->s->cats]);
	return h;
}

/* The key of list l: its own values, not its posts. */
static uint64_t
list_key(uint64_t h, const struct list *l)
{
	h = hstr(h, l->kind);
	h = hstr(h, l->tmpl);
	h = hstr(h, l->name);
	h = hstr(h, l->path);
	h = hstr(h, l->feed_title);
	h = value_hash(h, l->cat);
	h = value_hash(h, l->archive);
	h = hnum(h, l->n);
	h = hnum(h, l->pages);
	return hnum(h, l->windows);
}

/*
 * Gives every job its id and key.  The site's key holds the settings,
 * the theme, crier's version and the site map every page sees; a job's
 * key adds the keys of the posts it shows.  Returns 0, or -1 if some post
 * has no key (its blob id is not known), when nothing is kept.
 */
static int
job_keys(struct ctx *c, struct job *js, size_t n, uint64_t *pk)
{
	const struct site *s = c->s;
	uint64_t site = STATE_HASH_INIT, h, *catkeys;
	const struct list *l;
	size_t i, k, per = (size_t)c->cfg->per_page;
	int rc = 0;

	catkeys = xcalloc(s->ncats + 1, sizeof(*catkeys));
	for (i = 0; i < s->ncats; i++)
		catkeys[i] = value_hash(STATE_HASH_INIT, c->cats[i]);
	for (i = 0; i < s->nposts; i++)
		if ((pk[i] = post_key(c, &s->posts[i], catkeys)) == 0)
			rc = -1;
	free(catkeys);
	if (rc < 0)
		return -1;
	site = hstr(site, CRIER_VERSION);
	site = hnum(site, config_hash(c->cfg));
	site = hnum(site, c->t->hash);
	site = value_hash(site, c->site);
	for (i = 0; i < n; i++) {
		/* The id names the unit: its kind and place. */
		h = hnum(STATE_HASH_INIT, (uint64_t)js[i].kind);
		l = js[i].kind == JOB_INDEX || js[i].kind == JOB_FEEDS ? &c->lists[js[i].i] : NULL;
		if (js[i].kind == JOB_POST)
			h = hstr(h, s->posts[js[i].i].url);
		else if (l != NULL)
			h = hnum(hstr(h, l->path), js[i].page);
		js[i].id = h;
		/* The key, all it is made of. */
		h = hnum(site, h);
		switch (js[i].kind) {
		case JOB_POST:
			h = hnum(h, pk[js[i].i]);
			h = hnum(h, js[i].i > 0 ? pk[js[i].i - 1] : 0);
			h = hnum(h, js[i].i + 1 < s->nposts ? pk[js[i].i + 1] : 0);
			break;
		case JOB_INDEX:
			h = list_key(h, l);
			for (k = (js[i].page - 1) * per; k < l->n && k < js[i].page * per; k++)
				h = hnum(h, pk[l->posts[k] - s->posts]);
			break;
		case JOB_FEEDS:
			h = list_key(h, l);
			for (k = 0; k < l->n; k++)
				if (k < (size_t)c->cfg->feed_items || l->posts[k]->has_window)
					h = hnum(h, pk[l->posts[k] - s->posts]);
			break;
		case JOB_SITEMAP:
			for (k = 0; k < c->nlists; k++)
				h = list_key(h, &c->lists[k]);
			for (k = 0; k < s->nposts; k++)
				h = hnum(h, pk[k]);
			break;
		default:
			break;
		}
		js[i].key = h ? h : 1;
	}
	return 0;
}

int
render_site(const struct site *s, const struct theme *t, struct output *o,
    struct diag *d, int jobs, const struct pages *prev, struct pages **pnext,
    struct render_stats *st)
{
	struct ctx c;
	struct pages *pg = NULL;
	uint64_t *pk = NULL;
	struct post **all = NULL, **byym = NULL;
	struct job *js = NULL;
	struct worker *ws = NULL;
	struct arena **maparenas = NULL;
	unsigned char *want = NULL;
	size_t nmaparenas = 0;
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
	*pnext = NULL;
	c.w = output_writer_new(o, d);
	c.a = arena_new();
	c.cat_windows = arena_alloc(c.a, (s->ncats + 1) * sizeof(*c.cat_windows));
	for (i = 0; i < s->ncats; i++)
		c.cat_windows[i] = count_windows(s->cats[i].posts, s->cats[i].nposts);
	for (i = 0; i < s->nposts; i++)
		c.windows += s->posts[i].has_window;
	/*
	 * Each category's four maps as a post lists it (first or not, last or
	 * not), shared by every post that does: made now, so that the threads
	 * making posts' maps only read them.
	 */
	c.catvars = arena_alloc(c.a, (s->ncats * 4 + 1) * sizeof(*c.catvars));
	for (i = 0; i < s->ncats * 4; i++) {
		c.catvars[i] = category_value(&c, &s->cats[i / 4]);
		value_set(c.a, c.catvars[i], "first", value_bool(c.a, (i & 2) != 0));
		value_set(c.a, c.catvars[i], "last", value_bool(c.a, (i & 1) != 0));
	}
	c.cats = arena_alloc(c.a, (s->ncats + 1) * sizeof(*c.cats));
	for (i = 0; i < s->ncats; i++)
		c.cats[i] = category_value(&c, &s->cats[i]);
	c.posts = arena_alloc(c.a, (s->nposts + 1) * sizeof(*c.posts));
	memset(c.posts, 0, (s->nposts + 1) * sizeof(*c.posts));
	c.site = site_value(&c);
	all = xmalloc((s->nposts + 1) * sizeof(*all));
	for (i = 0; i < s->nposts; i++)
		all[i] = &s->posts[i];
	byym = xmalloc((s->nposts + 1) * sizeof(*byym));
	make_lists(&c, all, byym);
	/* Feed entries are made before the threads start, which only read them. */
	c.entries = xcalloc(s->nposts + 1, sizeof(*c.entries));
	for (i = 0; i < c.nlists; i++)
		for (k = 0; c.lists[i].feeds && k < c.lists[i].n && k < (size_t)c.cfg->feed_items; k++)
			make_entry(&c, (size_t)(c.lists[i].posts[k] - s->posts));

	for (i = 0; i < t->nstatic; i++) {
		if (output_writer_write(c.w, t->statics[i].path, t->statics[i].data,
		    t->statics[i].len, t->where) < 0)
			goto out;
		st->files++;
	}

	/* Every page and feed is a job; threads take them in runs. */
	for (i = 0, k = s->nposts + 2; i < c.nlists; i++)
		k += c.lists[i].pages + 1;
	js = xcalloc(k + 1, sizeof(*js));
	for (i = 0; i < s->nposts; i++)
		js[n++] = (struct job){ JOB_POST, i, 0 };
	for (i = 0; i < c.nlists; i++) {
		for (j = 1; j <= c.lists[i].pages; j++)
			js[n++] = (struct job){ JOB_INDEX, i, j };
		if (c.lists[i].feeds)
			js[n++] = (struct job){ JOB_FEEDS, i, 0 };
	}
	if (*c.cfg->url != '\0' && !(c.cfg->disable & OUT_SITEMAP))
		js[n++] = (struct job){ JOB_SITEMAP, 0, 0 };
	if (!(c.cfg->disable & OUT_404) && tmpl_set_has(t->tmpls, "404") &&
	    !theme_has_static(t, "404.html"))
		js[n++] = (struct job){ JOB_404, 0, 0 };
	pk = xcalloc(s->nposts + 1, sizeof(*pk));
	if (job_keys(&c, js, n, pk) < 0) {
		/* Without keys nothing is kept, and nothing is recorded. */
		prev = NULL;
		for (i = 0; i < n; i++)
			js[i].key = 0;
	}
	/* What is kept is decided now, and the maps of the pages to render made. */
	want = xcalloc(s->nposts + 1, 1);
	for (i = 0; i < n; i++) {
		js[i].keep = prev != NULL && can_keep(prev, c.w, &js[i]);
		if (js[i].keep)
			continue;
		if (js[i].kind == JOB_POST) {
			want[js[i].i] = 1;
			if (js[i].i > 0)
				want[js[i].i - 1] = 1;
			if (js[i].i + 1 < s->nposts)
				want[js[i].i + 1] = 1;
		} else if (js[i].kind == JOB_INDEX) {
			struct list *l = &c.lists[js[i].i];
			size_t per = (size_t)c.cfg->per_page;

			for (k = (js[i].page - 1) * per; k < l->n && k < js[i].page * per; k++)
				want[l->posts[k] - s->posts] = 1;
		}
	}
	make_maps(&c, want, jobs, &maparenas, &nmaparenas);
	pg = pages_new(n);
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
		ws[i].prev = prev;
		ws[i].next_pages = pg;
		ws[i].c.files = (struct buf)BUF_INIT;
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
		st->kept += ws[i].c.st.kept;
		output_writer_close(ws[i].c.w);
		buf_free(&ws[i].c.page);
		buf_free(&ws[i].c.files);
		buf_free(&ws[i].cap);
		arena_free(ws[i].c.a);
	}
	for (i = 0; i < n; i++) {
		if (msgs[i] != NULL)
			fputs(msgs[i], stderr);
		free(msgs[i]);
	}
	rc = d->errors > 0 ? -1 : 0;
	if (rc == 0) {
		*pnext = pg;
		pg = NULL;
	}
out:
	pages_free(pg);
	free(pk);
	output_writer_close(c.w);
	free(ws);
	free(msgs);
	free(js);
	free(all);
	free(byym);
	free(c.entries);
	buf_free(&c.page);
	buf_free(&c.files);
	arena_free(c.a);
	for (i = 0; i < nmaparenas; i++)
		arena_free(maparenas[i]);
	free(maparenas);
	free(want);
	return rc;
}

/*
 * build: one build, top to bottom: open the commit, read site.ini, the
 * theme and the posts, check them all, then render and publish.  Nothing
 * is written unless every check passed.
 */
#include "build.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "config.h"
#include "date.h"
#include "diag.h"
#include "feed.h"
#include "history.h"
#include "lazy.h"
#include "markdown.h"
#include "output.h"
#include "pages.h"
#include "post.h"
#include "render.h"
#include "repo.h"
#include "site.h"
#include "slug.h"
#include "state.h"
#include "theme.h"

#define MAX_POST_SIZE (10 * 1024 * 1024)

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With -v, says how long the step just done took. */
static void
lap(const struct build_opts *o, double *t, const char *what)
{
	double now = now_seconds();

	if (o->verbose)
		fprintf(stderr, "crier: %-28s %7.3f s\n", what, now - *t);
	*t = now;
}

static int
load_config(struct repo *r, struct config *cfg, struct diag *d)
{
	char *text;
	size_t len, bad;
	long line;
	int rc;

	rc = repo_read(r, "site.ini", &text, &len, d);
	if (rc <= 0)
		return rc;
	if (utf8_check(text, len, &bad, &line) < 0) {
		diag_error(d, "site.ini", line, "%s at byte %zu", text[bad] == '\0' ?
		    "a NUL byte" : "invalid UTF-8", bad);
		free(text);
		return -1;
	}
	rc = config_parse(cfg, "site.ini", text, len, d);
	free(text);
	return rc;
}

/*
 * Dates the post and gives it its URL.  Front matter and file name come
 * first, then git history: the commit that added the post gives a missing
 * date, and a later commit that changed it gives the updated date.  In a
 * preview, a post no commit has added yet is new now.  -1 if the post has
 * no date, which the caller reports: this runs on several threads.
 */
static int
date_post(struct post *p, const struct history *h, const struct config *cfg, int preview,
    time_t now)
{
	const char *dir = cfg->posts;
	char *cat = NULL;
	struct tm tm;

	const struct history_entry *e = history_find(h, p->path + strlen(dir) + 1);

	if (preview && !p->has_date && e == NULL) {
		p->date = now;
		p->date_off = 0;
		p->has_date = 1;
	}
	if (!p->has_date && e != NULL) {
		/* Its URL and id take the day in UTC, which no setting moves. */
		p->date = e->added;
		p->date_off = 0;
		p->has_date = 1;
	}
	if (!p->has_date)
		return -1;
	if (!p->has_updated)
		p->updated = e != NULL && e->edited && e->changed > p->date ? e->changed : p->date;
	/* URLs use the day the author wrote, whatever the site's zone. */
	date_broken_down(p->date, p->date_off, &tm);
	if (p->ncats > 0)
		cat = slugify(p->cats[0], strlen(p->cats[0]));
	p->url = permalink_expand(cfg->permalink, &tm, p->slug, cat);
	free(cat);
	return 0;
}

/* What date_all's parts share. */
struct dating {
	struct post *posts;
	const struct history *h;
	const struct config *cfg;
	int preview;
	time_t now;
	unsigned char *undated;		/* set for the posts without a date */
};

static void
date_part(void *arg, size_t part, size_t from, size_t to)
{
	struct dating *w = arg;
	size_t i;

	(void)part;
	for (i = from; i < to; i++)
		w->undated[i] = date_post(&w->posts[i], w->h, w->cfg, w->preview, w->now) < 0;
}

/*
 * Dates the n posts, half of them on a thread of its own from 2,048 posts
 * up (a history lookup and a URL each: 12 ms of a one-post rebuild at
 * 10,000 posts, on one thread), and reports those without a date, in
 * order.  Returns a flag for each post, 1 where it has none.
 */
static unsigned char *
date_all(struct post *posts, size_t n, const struct history *h, const struct config *cfg,
    int preview, time_t now, int jobs, struct diag *d)
{
	struct dating w = { posts, h, cfg, preview, now, xcalloc(n + 1, 1) };
	size_t i;

	run_parts(date_part, &w, n, jobs > 1 && n >= 2048 ? 2 : 1);
	for (i = 0; i < n; i++)
		if (w.undated[i])
			diag_error(d, posts[i].path, 1, "no date: add \"date: YYYY-MM-DD\" to the front "
			    "matter or name the file YYYY-MM-DD-%s.md", posts[i].slug);
	return w.undated;
}

/* The key of a post's source, its blob id and path; 0 if its id is not known. */
static uint64_t
post_src(const struct repo_file *f)
{
	static const unsigned char none[sizeof(f->id)];
	uint64_t h;

	if (memcmp(f->id, none, sizeof(none)) == 0)
		return 0;
	h = state_hash(STATE_HASH_INIT, f->id, sizeof(f->id));
	h = state_hash(h, f->path, strlen(f->path) + 1);
	return h ? h : 1;
}

/*
 * Reads (unless text, len bytes of it, was read already: it is freed),
 * checks and renders the post of f into p; -1 after reporting.
 */
static int
load_post(struct repo *r, struct repo_file *f, char *text, size_t len,
    const struct config *cfg, struct arena *a, struct post *p, struct diag *d)
{
	size_t bad;
	long line;
	int rc = -1;

	if (text == NULL && repo_read_file(r, f, &text, &len, d) < 0)
		return -1;
	if (len > MAX_POST_SIZE) {
		diag_error(d, f->path, 0, "the post is larger than 10 MiB");
		goto out;
	}
	if (utf8_check(text, len, &bad, &line) < 0) {
		diag_error(d, f->path, line, "%s at byte %zu", text[bad] == '\0' ?
		    "a NUL byte" : "invalid UTF-8", bad);
		goto out;
	}
	if (post_parse(p, f->path, text, len, cfg, a, d) < 0)
		goto out;
	p->html = markdown_render(text + p->body, len - p->body, cfg->smart, cfg->unsafe_html);
	rc = 0;
out:
	free(text);
	return rc;
}

/* What one thread that reads posts needs, and what it gives back. */
struct loader {
	struct repo *r;			/* this thread's handle on the repository */
	const struct config *cfg;
	struct repo_file *files;	/* every post file */
	size_t nfiles;
	_Atomic size_t *next;		/* the next file no thread has taken */
	struct post *posts;		/* the post of each file */
	int *ok;			/* 1 where the post loaded */
	char **msgs;			/* each file's diagnostics, or NULL */
	struct cache *cache;		/* posts parsed before, or NULL */
	struct arena *a;		/* this thread's values */
	int quiet;			/* warnings are not printed */
	int worktree;			/* the files are the work tree's */
	int errors, warnings;		/* what this thread reported */
	pthread_t thread;
};

/* Files are handed out in runs, so threads seldom meet at the counter. */
#define RUN 16

static void *
load_run(void *arg)
{
	struct loader *l = arg;
	struct buf cap = BUF_INIT;
	struct diag d;
	const char *was;
	char *text;
	size_t i, start, waslen, len = 0;
	int warned, nwarn;

	memset(&d, 0, sizeof(d));
	d.quiet = l->quiet;
	d.capture = &cap;
	while ((start = atomic_fetch_add(l->next, RUN)) < l->nfiles) {
		for (i = start; i < start + RUN && i < l->nfiles; i++) {
			/* A file of the work tree is known by its content: read first. */
			text = NULL;
			if (l->worktree && repo_read_file(l->r, &l->files[i], &text, &len, &d) < 0) {
				l->ok[i] = 0;
				goto next;
			}
			/* A cached post warns as it did when it was parsed. */
			if (cache_get(l->cache, i, &l->files[i], &l->posts[i], l->a, &was, &waslen,
			    &nwarn)) {
				free(text);
				l->ok[i] = 1;
				d.warnings += nwarn;
				if (!d.quiet)
					buf_put(&cap, was, waslen);
			} else {
				warned = d.warnings;
				l->ok[i] = load_post(l->r, &l->files[i], text, len, l->cfg, l->a,
				    &l->posts[i], &d) == 0;
				/* Under -q its warnings were not captured to be kept. */
				if (l->ok[i] && (!d.quiet || d.warnings == warned))
					cache_put(l->cache, i, &l->files[i], &l->posts[i], buf_str(&cap),
					    d.warnings - warned);
			}
next:
			if (cap.len > 0) {
				l->msgs[i] = buf_detach(&cap);
				cap.len = 0;
			}
		}
	}
	l->errors = d.errors;
	l->warnings = d.warnings;
	buf_free(&cap);
	return NULL;
}

/*
 * Reads, checks and renders every post file, on jobs threads, each with
 * its own repository handle and arena; takes the posts whose blobs are in
 * cache from there, and keeps the others there.  Diagnostics are printed
 * in the order of the files, whichever thread met them.  Returns 0, or -1
 * if a thread could not be started.
 */
static int
load_posts(struct repo *r, struct repo_file *files, size_t nfiles, int worktree,
    const struct config *cfg, struct cache *cache, int jobs, struct post *posts, int *ok,
    struct arena ***arenas, size_t *narenas, struct repo_reads *reads, struct diag *d)
{
	struct loader *ls;
	_Atomic size_t next = 0;
	char **msgs = xcalloc(nfiles + 1, sizeof(*msgs));
	size_t i, n;
	int rc = 0;

	/* A thread is worth its own repository handle only for many posts. */
	n = jobs > 0 ? (size_t)jobs : 1;
	if (n > nfiles / 64 + 1)
		n = nfiles / 64 + 1;
	ls = xcalloc(n, sizeof(*ls));
	*arenas = xcalloc(n, sizeof(**arenas));
	*narenas = n;
	for (i = 0; i < n; i++) {
		ls[i].r = i == 0 ? r : repo_clone(r, d);
		ls[i].cfg = cfg;
		ls[i].files = files;
		ls[i].nfiles = nfiles;
		ls[i].next = &next;
		ls[i].posts = posts;
		ls[i].ok = ok;
		ls[i].msgs = msgs;
		ls[i].cache = cache;
		ls[i].a = (*arenas)[i] = arena_new();
		ls[i].quiet = d->quiet;
		ls[i].worktree = worktree;
		if (ls[i].r == NULL || (i > 0 && pthread_create(&ls[i].thread, NULL, load_run, &ls[i]) != 0)) {
			if (ls[i].r == NULL)
				rc = -1;
			else {
				repo_free(ls[i].r);
				ls[i].r = NULL;
			}
		}
	}
	load_run(&ls[0]);
	repo_add_reads(r, reads);
	for (i = 1; i < n; i++)
		if (ls[i].r != NULL) {
			pthread_join(ls[i].thread, NULL);
			repo_add_reads(ls[i].r, reads);
			repo_free(ls[i].r);
		}
	for (i = 0; i < n; i++) {
		d->errors += ls[i].errors;
		d->warnings += ls[i].warnings;
	}
	for (i = 0; i < nfiles; i++) {
		if (msgs[i] != NULL)
			fputs(msgs[i], stderr);
		free(msgs[i]);
	}
	free(msgs);
	free(ls);
	return rc;
}

/* The state a build of r's commit with theme th and options o leaves. */
static void
want_state(struct state *st, struct repo *r, const struct theme *th, const struct build_opts *o)
{
	char flags[128];

	memset(st, 0, sizeof(*st));
	snprintf(st->commit, sizeof(st->commit), "%s", repo_commit_hex(r));
	st->theme = th->hash;
	/* A shallow clone dates posts otherwise than the whole history does. */
	snprintf(flags, sizeof(flags), "crier %s drafts=%d future=%d history=%d shallow=%d",
	    CRIER_VERSION, o->drafts, o->future, !o->no_history, repo_is_shallow(r));
	st->flags = state_hash(STATE_HASH_INIT, flags, strlen(flags));
}

static char *
output_dir(const struct build_opts *o, struct repo *r, const struct config *cfg, struct diag *d)
{
	const char *wd = repo_workdir(r);

	if (o->out != NULL)
		return xstrdup(o->out);
	if (wd == NULL) {
		diag_error(d, NULL, 0, "the repository is bare: name the output folder with -o DIR");
		return NULL;
	}
	return xasprintf("%s%s", wd, cfg->output);
}

/*
 * The build's "now", which decides what is scheduled for later: --now,
 * else SOURCE_DATE_EPOCH (so that a CI build can be redone exactly), else
 * the clock.
 */
static int
build_now(const struct build_opts *o, time_t *now, struct diag *d)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (o->now != NULL) {
		if (date_parse(o->now, now) < 0) {
			diag_error(d, NULL, 0, "--now \"%s\" is not a date (YYYY-MM-DD[ HH:MM[:SS] [+-HHMM]] or RFC 3339)",
			    o->now);
			return -1;
		}
		return 0;
	}
	if (sde != NULL && *sde != '\0') {
		v = strtoll(sde, &end, 10);
		if (*end != '\0' || v < 0) {
			diag_error(d, NULL, 0, "SOURCE_DATE_EPOCH \"%s\" is not a number of seconds", sde);
			return -1;
		}
		*now = (time_t)v;
		return 0;
	}
	*now = time(NULL);
	return 0;
}

/* Narrows [*from, *until) around now to exclude the moment t. */
static void
narrow(time_t *from, time_t *until, time_t now, time_t t)
{
	if (t > now && (*until == 0 || t < *until))
		*until = t;
	else if (t <= now && t > *from)
		*from = t;
}

/*
 * Narrows [*from, *until), the "now"s at which the output stays as it
 * is, to the moments an alert's status or the banner changes, so that a
 * build then is not taken for a no-op (*until 0: no end).
 */
static void
alert_validity(const struct site *s, time_t now, time_t *from, time_t *until)
{
	const struct post *p;
	size_t i;

	for (i = 0; i < s->nposts; i++) {
		p = &s->posts[i];
		if (!p->has_window || p->status == STATUS_RESOLVED || p->status == STATUS_IN_PROGRESS)
			continue;
		narrow(from, until, now, p->win_start - (time_t)s->cfg->banner_days * 86400);
		narrow(from, until, now, p->win_start);
		narrow(from, until, now, p->win_end);
	}
}

static const char *
now_text(time_t now, char *buf, size_t n)
{
	date_rfc3339(now, buf, n);
	return buf;
}

int
build_run(const struct build_opts *o)
{
	struct diag d = { 0, 0, o->quiet };
	struct config *cfg = config_new();
	struct repo *r = NULL;
	struct theme *th = NULL;
	struct site *s = NULL;
	struct history *h = NULL;
	struct history_job *job = NULL;
	struct repo_reads reads = { 0, 0, 0, 0 };
	struct pages *prev = NULL, *pages = NULL;
	struct arena **arenas = NULL;
	size_t narenas = 0;
	struct cache *cache = NULL;
	int *ok = NULL;
	unsigned char *undated = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = o->jobs > 0 ? o->jobs : ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
	struct repo_file *files = NULL;
	struct post *posts = NULL;
	struct output *out = NULL;
	struct render_stats st;
	size_t i, n, nfiles = 0, nposts = 0, drafts = 0, future = 0;
	size_t nheld = 0;	/* posts[0..nheld) hold what only they free, until the site takes them */
	char nowbuf[64];
	time_t now = 0, first_due = 0, last_published = 0;
	size_t changed = 0, kept = 0;
	struct state st_want;
	char *outdir = NULL;
	double start = now_seconds(), t = start;
	int rc = 1, foreign = 0;

	if (repo_open(&r, ".", o->dir ? o->dir : ".", o->ref ? o->ref : "HEAD", &d) < 0)
		goto out;
	if (o->worktree) {
		if (repo_use_worktree(r, &d) < 0)
			goto out;
		diag_warn(&d, NULL, 0, "building the work tree: uncommitted and untracked files "
		    "are included, so this is a preview of no commit");
	}
	/* Errors in site.ini do not stop the build: the posts are checked too. */
	load_config(r, cfg, &d);
	if (*cfg->url == '\0' && d.errors == 0)
		diag_warn(&d, "site.ini", 0, "no url in [site]: links in feeds will not be absolute");
	/* Dates are read and shown in the site's zone. */
	if (setenv("TZ", cfg->timezone, 1) < 0)
		die("setenv: out of memory");
	tzset();
	markdown_init();
	if (build_now(o, &now, &d) < 0)
		goto out;

	/* The output is locked at once, so that a second build stops at once. */
	if ((outdir = output_dir(o, r, cfg, &d)) != NULL &&
	    output_check(outdir, repo_workdir(r), repo_gitdir(r), cfg->posts, o->force, &d) == 0 &&
	    d.errors == 0 && (out = output_begin(outdir, &d)) == NULL)
		goto out;
	lap(o, &t, "open repository, site.ini");
	theme_load(&th, r, cfg->theme, &d);
	/*
	 * Said even when there is nothing to do: the author wants to know.
	 * Under -q nobody would read it, and on a large work tree it costs
	 * a stat of every post, so it is not looked for.
	 */
	if (o->ref == NULL && !o->worktree && !o->quiet && repo_is_head(r) &&
	    !repo_warn_uncommitted(r, cfg->posts, ".md", &d) && o->verbose)
		fputs("crier: the posts in the work tree are not all as the index has them: "
		    "libgit2 looked at them\n", stderr);
	/* A build of the same inputs as the last one has nothing to do. */
	if (d.errors == 0 && th != NULL && out != NULL && !o->worktree) {
		want_state(&st_want, r, th, o);
		if (state_fresh(outdir, &st_want, now, &d)) {
			if (!o->quiet)
				printf("crier: %s is up to date with %.12s; nothing to do\n", outdir,
				    st_want.commit);
			rc = 0;
			goto out;
		}
	}
	/* A post whose checkout has the commit's bytes is read from there. */
	if (o->ref == NULL && !o->worktree)
		repo_read_checkout(r);
	/* libxml2 and libical, for the feeds and calendars, before any thread starts. */
	lazy_load();
	/*
	 * Files someone put into the output would be lost: refuse, unless
	 * --force, after the posts have been checked too.  The check runs
	 * while the posts are read.
	 */
	if (out != NULL) {
		output_foreign_start(out, o->force);
		foreign = 1;
	}
	if (repo_list(r, cfg->posts, ".md", &files, &nfiles, &d) < 0)
		goto out;
	lap(o, &t, "theme, list posts, status");
	/* History is walked on another thread while the posts are read. */
	if (!o->no_history)
		job = history_start(r, cfg->posts, out != NULL ? outdir : NULL, &d);
	posts = xcalloc(nfiles + 1, sizeof(*posts));
	nheld = nfiles;
	ok = xcalloc(nfiles + 1, sizeof(*ok));
	/* Files of the work tree are found by their content's blob id too. */
	if (outdir != NULL)
		cache = cache_open(outdir, cfg, nfiles, &d);
	if (load_posts(r, files, nfiles, o->worktree, cfg, cache, jobs, posts, ok, &arenas,
	    &narenas, &reads, &d) < 0)
		goto out;
	repo_done_reading(r);
	/* Its error, if any, comes before the cache is written: a build that fails writes none. */
	if (foreign) {
		output_foreign_finish(out, &d);
		foreign = 0;
	}
	/* The entries are made: the file is written while the pages are. */
	cache_write(cache, &d);
	for (i = 0; i < nfiles; i++) {
		struct post *p = &posts[i];

		if (!ok[i] || (p->draft && !o->drafts)) {
			drafts += ok[i];
			post_clear(p);
			continue;
		}
		p->src = post_src(&files[i]);
		posts[nposts++] = *p;
	}
	nheld = nposts;
	lap(o, &t, "read and render posts");
	if (o->verbose) {
		fprintf(stderr, "crier: %zu posts from the cache, %zu parsed\n", cache_hits(cache),
		    nfiles - cache_hits(cache));
		if (!o->worktree)
			fprintf(stderr, "crier: posts read from the work tree, the commit's bytes: %zu; "
			    "files read from git: %zu loose, %zu packed, %zu through libgit2\n",
			    reads.checkout, reads.loose, reads.packed, reads.libgit2);
	}
	h = job ? history_finish(job, &d) : history_none();
	job = NULL;
	lap(o, &t, "wait for history");
	if (h == NULL)
		goto out;
	undated = date_all(posts, nposts, h, cfg, o->worktree, now, jobs, &d);
	for (i = 0, n = 0; i < nposts; i++) {
		if (undated[i]) {
			post_clear(&posts[i]);
			continue;
		}
		if (posts[i].date > now && !o->future) {
			if (first_due == 0 || posts[i].date < first_due)
				first_due = posts[i].date;
			future++;
			post_clear(&posts[i]);
			continue;
		}
		if (posts[i].date > last_published)
			last_published = posts[i].date;
		posts[n++] = posts[i];
	}
	nposts = nheld = n;
	/* The good posts are still checked for clashes with each other; the site takes them. */
	s = site_new(cfg, posts, nposts, &d);
	posts = NULL;
	nheld = 0;
	if (d.errors > 0 || s == NULL || th == NULL || out == NULL)
		goto out;
	s->now = now;
	lap(o, &t, "sort and group");
	/* Every check passed: the build will write. */
	if (output_stage(out, &d) < 0)
		goto out;
	if (o->verbose)
		fprintf(stderr, "crier: staging in %s\n", output_reused(out) ?
		    "the output the last build replaced, brought up to date" : "a new folder");
	/* What the pages of the last build were made from, to keep those that are the same. */
	prev = pages_load(outdir, &d);
	if (render_site(s, th, out, &d, jobs, prev, &pages, &st) < 0)
		goto out;
	lap(o, &t, "render and write pages");
	if (o->verbose)
		fprintf(stderr, "crier: %d pages and feeds rendered, %d kept from the last build\n",
		    st.files - st.kept - (int)th->nstatic, st.kept);
	output_counts(out, &changed, &kept);
	/*
	 * Forgotten before the output changes, recorded after: a build killed
	 * in between leaves no record of an output it did not finish with.
	 */
	state_forget(outdir);
	pages_forget(outdir);
	if (output_commit(out, &d) < 0)
		goto out;
	lap(o, &t, "publish");
	if (drafts > 0 && !o->quiet)
		fprintf(stderr, "crier: held back %zu draft%s (publish with --drafts)\n", drafts,
		    drafts == 1 ? "" : "s");
	/* Recorded while the lock is held, so no other build can interleave. */
	want_state(&st_want, r, th, o);
	st_want.valid_from = o->future ? 0 : last_published;
	st_want.valid_until = o->future ? 0 : first_due;
	alert_validity(s, now, &st_want.valid_from, &st_want.valid_until);
	/* A preview is of no commit; its pages, known by their content, are kept. */
	if (o->worktree)
		state_forget(outdir);
	else
		state_save(outdir, &st_want, &d);
	pages_save(pages, outdir, &d);
	cache_commit(cache, &d);
	if (future > 0 && !o->quiet)
		fprintf(stderr, "crier: held back %zu post%s dated after %s (publish with --future)\n",
		    future, future == 1 ? "" : "s", now_text(now, nowbuf, sizeof(nowbuf)));
	if (!o->quiet)
		printf("crier: %zu post%s, %zu categor%s, %d page%s written to %s in %.2f s "
		    "(%zu file%s changed, %zu unchanged)\n",
		    s->nposts, s->nposts == 1 ? "" : "s", s->ncats, s->ncats == 1 ? "y" : "ies",
		    st.pages, st.pages == 1 ? "" : "s", outdir, now_seconds() - start,
		    changed, changed == 1 ? "" : "s", kept);
	rc = 0;
out:
	/* Every error is reported, even when the build stopped before the check ended. */
	if (foreign)
		output_foreign_finish(out, &d);
	output_abort(out);
	if (rc != 0 && d.errors > 0)
		fprintf(stderr, "crier: %d error%s; nothing was written\n", d.errors,
		    d.errors == 1 ? "" : "s");
	free(outdir);
	repo_files_free(files, nfiles);
	for (i = 0; i < nheld; i++)
		post_clear(&posts[i]);
	free(posts);
	site_free(s);
	if (job != NULL)
		history_free(history_finish(job, &d));
	history_free(h);
	pages_free(prev);
	pages_free(pages);
	theme_free(th);
	for (i = 0; i < narenas; i++)
		arena_free(arenas[i]);
	free(arenas);
	cache_free(cache);
	free(ok);
	free(undated);
	config_free(cfg);
	repo_free(r);
	return rc;
}


/*
 * crier: static sites of alerts and announcements, built from the posts
 * committed to a git repository.  main() reads top to bottom: open the
 * commit, read site.ini, the theme and the posts, check them all, then
 * render and publish.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "date.h"
#include "diag.h"
#include "history.h"
#include "markdown.h"
#include "output.h"
#include "post.h"
#include "render.h"
#include "repo.h"
#include "site.h"
#include "slug.h"
#include "theme.h"

#ifndef CRIER_VERSION
#define CRIER_VERSION "0.1.0"
#endif

#define MAX_POST_SIZE (10 * 1024 * 1024)

static const char usage[] =
    "usage: crier build [-qv] [--force] [--no-history] [-C dir] [--ref ref] [-o dir]\n"
    "       crier --help | --version\n";

struct opts {
	const char *dir;	/* -C: the folder to work in */
	const char *ref;	/* --ref: what to build */
	const char *out;	/* -o: the output folder */
	int quiet;		/* -q: no summary line, no warnings */
	int force;		/* --force: replace an output folder crier did not write */
	int no_history;		/* --no-history: dates from front matter and names only */
	int verbose;		/* -v: how long each step took */
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With -v, says how long the step just done took. */
static void
lap(const struct opts *o, double *t, const char *what)
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
	size_t len;
	int rc;

	rc = repo_read(r, "site.ini", &text, &len, d);
	if (rc <= 0)
		return rc;
	rc = config_parse(cfg, "site.ini", text, len, d);
	free(text);
	return rc;
}

/*
 * Dates the post and gives it its URL.  Front matter and file name come
 * first, then git history: the commit that added the post gives a missing
 * date, and a later commit that changed it gives the updated date.
 */
static int
date_post(struct post *p, const struct history *h, const struct config *cfg, struct diag *d)
{
	const char *dir = cfg->posts;
	char *cat = NULL;
	struct tm tm;

	const struct history_entry *e = history_find(h, p->path + strlen(dir) + 1);

	if (!p->has_date && e != NULL) {
		/* Its URL and id take the day in UTC, which no setting moves. */
		p->date = e->added;
		p->date_off = 0;
		p->has_date = 1;
	}
	if (!p->has_date) {
		diag_error(d, p->path, 1, "no date: add \"date: YYYY-MM-DD\" to the front matter "
		    "or name the file YYYY-MM-DD-%s.md", p->slug);
		return -1;
	}
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

/* Reads, checks and renders one post into p; -1 after reporting. */
static int
load_post(struct repo *r, const struct repo_file *f, const struct config *cfg,
    struct arena *a, struct post *p, struct diag *d)
{
	char *text;
	size_t len;
	int rc = -1;

	if (repo_read_file(r, f, &text, &len, d) < 0)
		return -1;
	if (len > MAX_POST_SIZE) {
		diag_error(d, f->path, 0, "the post is larger than 10 MiB");
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

static char *
output_dir(const struct opts *o, struct repo *r, const struct config *cfg, struct diag *d)
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

static int
build(const struct opts *o)
{
	struct diag d = { 0, 0, o->quiet };
	struct config *cfg = config_new();
	struct repo *r = NULL;
	struct theme *th = NULL;
	struct site *s = NULL;
	struct history *h = NULL;
	struct history_job *job = NULL;
	struct arena *a = arena_new();
	struct repo_file *files = NULL;
	struct post *posts = NULL;
	struct output *out = NULL;
	struct render_stats st;
	size_t i, n, nfiles = 0, nposts = 0, drafts = 0;
	char *outdir = NULL;
	double start = now_seconds(), t = start;
	int rc = 1;

	/* -C works as git's does: paths are then relative to dir. */
	if (o->dir != NULL && chdir(o->dir) < 0) {
		diag_error(&d, o->dir, 0, "cannot change to this folder: %s", strerror(errno));
		goto out;
	}
	if (repo_open(&r, ".", o->dir ? o->dir : ".", o->ref ? o->ref : "HEAD", &d) < 0)
		goto out;
	/* Errors in site.ini do not stop the build: the posts are checked too. */
	load_config(r, cfg, &d);
	if (*cfg->url == '\0')
		diag_warn(&d, "site.ini", 0, "no url in [site]: links in feeds will not be absolute");
	/* Dates are read and shown in the site's zone. */
	if (setenv("TZ", cfg->timezone, 1) < 0)
		die("setenv: out of memory");
	tzset();
	markdown_init();

	lap(o, &t, "open repository, site.ini");
	theme_load(&th, r, cfg->theme, &d);
	if (repo_list(r, cfg->posts, ".md", &files, &nfiles, &d) < 0)
		goto out;
	if (o->ref == NULL && repo_is_head(r))
		repo_warn_uncommitted(r, cfg->posts, ".md", &d);
	lap(o, &t, "theme, list posts, status");
	/* History is walked on another thread while the posts are read. */
	if (!o->no_history)
		job = history_start(r, cfg->posts, &d);
	posts = xcalloc(nfiles + 1, sizeof(*posts));
	for (i = 0; i < nfiles; i++) {
		struct post *p = &posts[nposts];

		if (load_post(r, &files[i], cfg, a, p, &d) < 0) {
			post_clear(p);
			continue;
		}
		if (p->draft) {
			drafts++;
			post_clear(p);
			continue;
		}
		nposts++;
	}
	lap(o, &t, "read and render posts");
	h = job ? history_finish(job, &d) : history_none();
	job = NULL;
	lap(o, &t, "wait for history");
	if (h == NULL)
		goto out;
	for (i = 0, n = 0; i < nposts; i++) {
		if (date_post(&posts[i], h, cfg, &d) < 0) {
			post_clear(&posts[i]);
			continue;
		}
		posts[n++] = posts[i];
	}
	nposts = n;
	/* The good posts are still checked for clashes with each other. */
	s = site_new(cfg, posts, nposts, &d);
	if ((outdir = output_dir(o, r, cfg, &d)) != NULL)
		output_check(outdir, repo_workdir(r), o->force, &d);
	if (d.errors > 0 || s == NULL || th == NULL || outdir == NULL)
		goto out;
	if ((out = output_begin(outdir, &d)) == NULL)
		goto out;
	lap(o, &t, "sort, group, check output");
	if (render_site(s, th, out, &d, &st) < 0) {
		output_abort(out);
		goto out;
	}
	lap(o, &t, "render and write pages");
	if (output_commit(out, &d) < 0)
		goto out;
	lap(o, &t, "publish");
	if (drafts > 0 && !o->quiet)
		fprintf(stderr, "crier: held back %zu draft%s\n", drafts, drafts == 1 ? "" : "s");
	if (!o->quiet)
		printf("crier: %zu post%s, %zu categor%s, %d page%s written to %s in %.2f s\n",
		    s->nposts, s->nposts == 1 ? "" : "s", s->ncats, s->ncats == 1 ? "y" : "ies",
		    st.pages, st.pages == 1 ? "" : "s", outdir, now_seconds() - start);
	rc = 0;
out:
	if (rc != 0 && d.errors > 0)
		fprintf(stderr, "crier: %d error%s; nothing was written\n", d.errors,
		    d.errors == 1 ? "" : "s");
	free(outdir);
	repo_files_free(files, nfiles);
	site_free(s);
	if (job != NULL)
		history_free(history_finish(job, &d));
	history_free(h);
	theme_free(th);
	arena_free(a);
	config_free(cfg);
	repo_free(r);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "ref", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "force", no_argument, NULL, 'f' },
		{ "no-history", no_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { NULL, NULL, NULL, 0, 0, 0, 0 };
	int ch;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("crier %s\n", CRIER_VERSION);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "build") != 0) {
		if (argc >= 2)
			fprintf(stderr, "crier: unknown command \"%s\"\n", argv[1]);
		fputs(usage, stderr);
		return 2;
	}
	argc--;
	argv++;
	opterr = 0;	/* its messages would start "build:"; ours say "crier:" */
	while ((ch = getopt_long(argc, argv, ":hqvC:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("crier %s\n", CRIER_VERSION);
			return 0;
		case 'C':
			o.dir = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		case 'o':
			o.out = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'H':
			o.no_history = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case ':':
			fprintf(stderr, "crier: %s needs a value\n", argv[optind - 1]);
			fputs(usage, stderr);
			return 2;
		default:
			if (optopt != 0)
				fprintf(stderr, "crier: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "crier: unknown option %s\n", argv[optind - 1]);
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "crier: unexpected argument \"%s\"\n", argv[optind]);
		fputs(usage, stderr);
		return 2;
	}
	return build(&o);
}

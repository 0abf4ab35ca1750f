/*
 * Unit tests of the modules that read input: dates, slugs, permalinks,
 * site.ini and front matter; of making folders and of writing numbers
 * into records.  A small TAP harness in the manner of cmark's: OK,
 * INT_EQ, STR_EQ.  Diagnostics are captured from stderr and compared
 * whole, since their wording is part of the interface.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "date.h"
#include "diag.h"
#include "post.h"
#include "slug.h"
#include "util.h"

#include "tap.h"


/* stderr, captured into a temporary file between begin and end. */
static int saved_fd = -1;
static FILE *capture_fp;

static void
capture_begin(void)
{
	fflush(stderr);
	capture_fp = tmpfile();
	if (capture_fp == NULL)
		die("tmpfile failed");
	saved_fd = dup(2);
	dup2(fileno(capture_fp), 2);
}

/* Returns what was written to stderr; the caller frees. */
static char *
capture_end(void)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	rewind(capture_fp);
	while ((n = fread(chunk, 1, sizeof(chunk), capture_fp)) > 0)
		buf_put(&b, chunk, n);
	fclose(capture_fp);
	return buf_detach(&b);
}

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (time_t)date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static void
test_dates(void)
{
	time_t t = 0;

	setenv("TZ", "America/New_York", 1);
	tzset();
	OK(date_parse("2017-09-08 23:02 -0400", &t) == 0 && t == utc(2017, 9, 9, 3, 2, 0),
	    "date with time and offset");
	OK(date_parse("2017-09-08 23:02:30 +02:00", &t) == 0 && t == utc(2017, 9, 8, 21, 2, 30),
	    "date with seconds and a colon in the offset");
	OK(date_parse("2017-09-08T23:02:00Z", &t) == 0 && t == utc(2017, 9, 8, 23, 2, 0),
	    "RFC 3339 in UTC");
	OK(date_parse("2017-09-08T23:02:00.123-04:00", &t) == 0 && t == utc(2017, 9, 9, 3, 2, 0),
	    "RFC 3339 with a fraction");
	OK(date_parse("2017-09-08", &t) == 0 && t == utc(2017, 9, 8, 4, 0, 0),
	    "a bare date is midnight in the site's zone (EDT)");
	OK(date_parse("2017-01-08 10:00", &t) == 0 && t == utc(2017, 1, 8, 15, 0, 0),
	    "a time without offset is in the site's zone (EST)");
	OK(date_parse("2016-02-29", &t) == 0, "29 February of a leap year");
	OK(date_parse("2017-02-29", &t) < 0, "29 February of another year is no date");
	OK(date_parse("2017-13-01", &t) < 0, "month 13 is no date");
	OK(date_parse("2017-09-31", &t) < 0, "31 September is no date");
	OK(date_parse("2017-09-08 24:00", &t) < 0, "hour 24 is no time");
	OK(date_parse("2017-9-8", &t) < 0, "digits must be padded");
	OK(date_parse("yesterday", &t) < 0, "words are no date");
	OK(date_parse("2017-09-08 23:02 EST", &t) < 0, "zone names are not offsets");
	OK(date_parse("2017-09-08 23:02 -0400 x", &t) < 0, "trailing text is refused");
	OK(date_from_name("2017-09-08-hurricane-irma.md", &t) == 0 && t == utc(2017, 9, 8, 4, 0, 0),
	    "date from a file name");
	OK(date_from_name("hurricane-irma.md", &t) < 0, "a file name without a date");
	OK(date_from_name("2017-09-08.md", &t) < 0, "a date prefix needs its hyphen");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
slug_is(const char *in, const char *want)
{
	char *s = slugify(in, strlen(in));
	char *what = xasprintf("slug of \"%s\"", in);

	STR_EQ(s, want, what);
	free(s);
	free(what);
}

static void
test_slugs(void)
{
	struct tm tm;
	time_t t = utc(2017, 9, 8, 23, 2, 0);
	char long_name[200];
	char *s;

	slug_is("Offsite Backups", "offsite-backups");
	slug_is("Hurricane Irma", "hurricane-irma");
	slug_is("  --Leading and trailing--  ", "leading-and-trailing");
	slug_is("\xC3\x9C" "berwachung", "uberwachung");
	slug_is("Stra\xC3\x9F" "e", "strasse");
	slug_is("Don't panic", "dont-panic");
	slug_is("\xE4\xB8\xAD\xE6\x96\x87", "u4e2d-u6587");
	slug_is("../../etc/passwd", "etc-passwd");
	slug_is("a\x01" "b", "a-b");
	slug_is("!!!", "");
	memset(long_name, 'a', sizeof(long_name));
	s = slugify(long_name, sizeof(long_name));
	INT_EQ((long)strlen(s), 100, "overlong slugs are cut to 100 characters");
	free(s);

	OK(permalink_check("/:year/:month/:day/:slug/") == NULL, "the default permalink is fine");
	OK(permalink_check(":slug/") != NULL, "a permalink must start with /");
	OK(permalink_check("/../:slug/") != NULL, "a permalink may not climb out");
	OK(permalink_check("/:year/") != NULL, "a permalink must hold :slug");
	OK(permalink_check("/:nope/:slug/") != NULL, "unknown placeholders are refused");
	gmtime_r(&t, &tm);
	s = permalink_expand("/:year/:month/:day/:slug/", &tm, "irma", NULL);
	STR_EQ(s, "/2017/09/08/irma/", "permalink expansion");
	free(s);
	s = permalink_expand("/:category/:title.html", &tm, "irma", "alerts");
	STR_EQ(s, "/alerts/irma.html", "permalink with a category and a file name");
	free(s);
}

/* Parses site.ini text; returns the config and the captured stderr. */
static struct config *
parse_ini(const char *text, int *rc, char **err)
{
	struct config *c = config_new();
	struct diag d = { 0, 0, 0 };

	capture_begin();
	*rc = config_parse(c, "site.ini", text, strlen(text), &d);
	*err = capture_end();
	return c;
}

static void
test_config(void)
{
	struct config *c;
	char *err;
	int rc;

	c = parse_ini("", &rc, &err);
	OK(rc == 0 && c->per_page == 10 && c->feed_items == 20 && c->smart == 1 &&
	    c->unsafe_html == 0 && !strcmp(c->theme, "default") && !strcmp(c->base, "/"),
	    "an empty site.ini gives the defaults");
	config_free(c);
	free(err);

	c = parse_ini("[site]\ntitle = Alerts ; a comment\nurl = https://example.com/blog\n"
	    "timezone = America/New_York\nbanner = hello\n[build]\nper_page = 3\n"
	    "smart = false\nunsafe_html = true\n", &rc, &err);
	OK(rc == 0, "a good site.ini parses");
	STR_EQ(c->title, "Alerts", "inline comments are stripped");
	STR_EQ(c->url, "https://example.com/blog/", "the url gains its trailing slash");
	STR_EQ(c->base, "/blog/", "the base path comes from the url");
	INT_EQ(c->per_page, 3, "per_page is read");
	OK(c->smart == 0 && c->unsafe_html == 1, "markdown switches are read");
	OK(c->nparams == 1 && !strcmp(c->params[0].key, "banner"), "unknown [site] keys are kept for templates");
	config_free(c);
	free(err);

	c = parse_ini("[site]\ntitle = x\n[build]\nper_page = many\npermalink = /:year/\n"
	    "[site]\ntimezone = Mars/Olympus\n[nope]\na = b\n", &rc, &err);
	OK(rc < 0, "a bad site.ini fails");
	STR_EQ(err,
	    "site.ini:4: error: per_page: \"many\" is not a whole number from 1 to 100000\n"
	    "site.ini:5: error: permalink: must hold :slug (or :title) so that posts get URLs of their own\n"
	    "site.ini:7: error: timezone: \"Mars/Olympus\" is not a known time zone (e.g. America/New_York)\n"
	    "site.ini:9: error: unknown section [nope] (known: site, build, format)\n",
	    "every bad line is reported with its number");
	config_free(c);
	free(err);

	c = parse_ini("[site]\ntitle = x\nthis line is wrong\n", &rc, &err);
	STR_EQ(err, "site.ini:3: error: expected \"[section]\" or \"key = value\"\n",
	    "a line that is no key names its line");
	config_free(c);
	free(err);

	c = parse_ini("[build]\nposts = ../elsewhere\n", &rc, &err);
	STR_EQ(err, "site.ini:2: error: posts: \"../elsewhere\" must be a relative folder inside "
	    "the repository, without \".\" or \"..\"\n", "the posts folder must stay inside the repository");
	config_free(c);
	free(err);

	c = parse_ini("[site]\nurl = https://\n[build]\noutput =\n", &rc, &err);
	STR_EQ(err, "site.ini:2: error: url: \"https://\" is not an absolute http:// or https:// URL with a host\n"
	    "site.ini:4: error: output: \"\" must be a relative folder inside the repository, "
	    "without \".\" or \"..\"\n", "a url without a host and an empty output are refused");
	config_free(c);
	free(err);

	c = parse_ini("[site]\nurl = http://h\n", &rc, &err);
	OK(rc == 0 && !strcmp(c->url, "http://h/") && !strcmp(c->base, "/"),
	    "a one-letter host keeps its letter");
	config_free(c);
	free(err);
}

/* Parses a post; returns the status and the captured stderr in *err. */
static int
parse_post(const char *name, const char *text, struct post *p, char **err)
{
	struct config *c = config_new();
	struct arena *a = arena_new();
	struct diag d = { 0, 0, 0 };
	int rc;

	memset(p, 0, sizeof(*p));
	capture_begin();
	rc = post_parse(p, name, text, strlen(text), c, a, &d);
	*err = capture_end();
	/* Values in p->meta live in the arena; the tests only keep p's own. */
	p->meta = NULL;
	arena_free(a);
	config_free(c);
	return rc;
}

static void
post_error(const char *text, const char *want, const char *what)
{
	struct post p;
	char *err;
	int rc = parse_post("posts/x.md", text, &p, &err);

	OK(rc < 0, what);
	STR_EQ(err, want, what);
	post_clear(&p);
	free(err);
}

static void
test_posts(void)
{
	struct post p;
	char *err;
	int rc;

	rc = parse_post("posts/2017-09-08-hurricane-irma.md",
	    "---\ntitle: Schedule and SLA\ndate: 2017-09-08 23:02 -0400\n"
	    "categories: [Alerts, Offsite Backups]\nauthor: vlad\nextra: kept\n---\nBody\n", &p, &err);
	OK(rc == 0 && *err == '\0', "a good post parses without a word");
	STR_EQ(p.title, "Schedule and SLA", "title");
	STR_EQ(p.slug, "hurricane-irma", "the slug comes from the file name without its date");
	OK(p.ncats == 2 && !strcmp(p.cats[1], "Offsite Backups"), "categories keep their display names");
	OK(p.has_date && p.date == utc(2017, 9, 9, 3, 2, 0), "the front matter date wins");
	INT_EQ(p.body_line, 8, "the body starts after the front matter");
	post_clear(&p);
	free(err);

	rc = parse_post("posts/2017-09-08-a.md",
	    "---\ntitle: T\ncategories: Alerts  Announcements\nslug: My Slug!\ndraft: true\n---\n", &p, &err);
	OK(rc == 0 && p.ncats == 2 && !strcmp(p.cats[0], "Alerts") && !strcmp(p.cats[1], "Announcements"),
	    "categories as a string are split on white space, as Jekyll does");
	STR_EQ(p.slug, "my-slug", "a slug from front matter is slugified");
	OK(p.draft == 1, "draft: true is seen");
	OK(p.has_date && p.date == utc(2017, 9, 8, 0, 0, 0), "the date comes from the file name");
	post_clear(&p);
	free(err);

	rc = parse_post("posts/a.md", "\xEF\xBB\xBF---\r\ntitle: CRLF\r\ncategory: One\r\n---\r\nBody\r\n", &p, &err);
	OK(rc == 0 && !strcmp(p.title, "CRLF") && p.ncats == 1 && !p.has_date,
	    "a BOM and CRLF line ends are accepted; no date is seen as none");
	post_clear(&p);
	free(err);

	post_error("---\ndate: 2017-09-08\n---\n",
	    "posts/x.md:1: error: missing title: front matter needs \"title: ...\"\n", "missing title");
	post_error("---\ntitle: T\ndate: 2017-13-01\n---\n",
	    "posts/x.md:3: error: date \"2017-13-01\" is not a date (expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] [+-HHMM] or RFC 3339)\n",
	    "a date that is not a date");
	post_error("---\ntitle: T\ncategories:\n  a: b\n---\n",
	    "posts/x.md:4: error: categories must be a list or text, not a mapping\n",
	    "categories as a mapping");
	post_error("---\ntitle: [a\n---\n",
	    "posts/x.md:3: error: front matter is not valid YAML: did not find expected ',' or ']' while parsing a flow sequence\n",
	    "broken YAML");
	post_error("title: no fence\n",
	    "posts/x.md:1: error: no front matter: a post starts with a \"---\" line, then \"title: ...\"\n",
	    "no front matter");
	post_error("---\ntitle: T\n",
	    "posts/x.md:1: error: front matter is not closed by a \"---\" line\n",
	    "front matter that is not closed");
	post_error("---\na: &x [1, 2]\nb: *x\ntitle: T\n---\n",
	    "posts/x.md:3: error: YAML aliases (*x) are not supported in front matter\n",
	    "aliases are refused");
	post_error("---\ntitle: true\n---\n",
	    "posts/x.md:2: error: title must be text, not a true/false value\n",
	    "a title that is no text is reported once");
	rc = parse_post("posts/2017-01-02-x.md", "---\ntitle: T\ndate:\ndraft: NO\n---\n", &p, &err);
	OK(rc == 0 && p.has_date && p.date == utc(2017, 1, 2, 0, 0, 0) && p.draft == 0,
	    "an empty date falls back to the file name; NO is false");
	post_clear(&p);
	free(err);
	post_error("---\ntitle: T\ndraft: maybe\n---\n",
	    "posts/x.md:3: error: draft must be true or false, not text\n",
	    "draft must be a boolean");
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* make_dirs and make_dirs_below: the folders are made, whatever is there already. */
static void
test_dirs(void)
{
	const char *tmp = getenv("TMPDIR");
	char *root = xasprintf("%s/crier-unit.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
	char *p, *f;
	FILE *fp;
	int rc;

	if (mkdtemp(root) == NULL)
		die("mkdtemp failed");
	p = xasprintf("%s/a/b/c/d", root);
	OK(make_dirs(p) == 0 && is_dir(p), "make_dirs: four levels at once");
	free(p);
	/* Below a known folder: the ones between are made top down. */
	p = xasprintf("%s/a/b/x/y", root);
	OK(make_dirs_below(p, strlen(root) + 4) == 0 && is_dir(p),
	    "make_dirs_below: two levels below a folder that is there");
	OK(make_dirs_below(p, strlen(root) + 4) == 0, "make_dirs_below: folders that are there already");
	free(p);
	p = xasprintf("%s/a/b/c/d/e", root);
	OK(make_dirs_below(p, strlen(root) + 8) == 0 && is_dir(p),
	    "make_dirs_below: one level, the usual case");
	free(p);
	/* A file where a folder goes is an error, not a folder taken for made. */
	f = xasprintf("%s/a/file", root);
	if ((fp = fopen(f, "w")) == NULL)
		die("fopen failed");
	fclose(fp);
	p = xasprintf("%s/a/file/z", root);
	errno = 0;
	rc = make_dirs_below(p, strlen(root) + 2);
	OK(rc == -1 && errno == ENOTDIR, "make_dirs_below: a file in the way is an error");
	free(p);
	p = xasprintf("rm -rf '%s'", root);
	if (system(p) != 0)
		die("cannot remove %s", root);
	free(p);
	free(f);
	free(root);
}

/* buf_put_dec and buf_put_hex64 write what printf would. */
static void
test_numbers(void)
{
	static const long long decs[] = { 0, 7, -1, 1795837946, -86400, LLONG_MAX, LLONG_MIN };
	static const uint64_t hexes[] = { 0, 1, 0x0123456789abcdefULL, UINT64_MAX };
	struct buf b = BUF_INIT;
	char want[64], *what;
	size_t i;

	for (i = 0; i < sizeof(decs) / sizeof(decs[0]); i++) {
		buf_reset(&b);
		buf_put_dec(&b, decs[i]);
		snprintf(want, sizeof(want), "%lld", decs[i]);
		what = xasprintf("buf_put_dec(%s)", want);
		STR_EQ(buf_str(&b), want, what);
		free(what);
	}
	for (i = 0; i < sizeof(hexes) / sizeof(hexes[0]); i++) {
		buf_reset(&b);
		buf_put_hex64(&b, hexes[i]);
		snprintf(want, sizeof(want), "%016" PRIx64, hexes[i]);
		what = xasprintf("buf_put_hex64(%s)", want);
		STR_EQ(buf_str(&b), want, what);
		free(what);
	}
	buf_free(&b);
}

/*
 * utf8_check against a byte-at-a-time decoder, on strings that put each
 * kind of bad byte at every offset of a run of ASCII (its fast path reads
 * eight bytes at a time), and on random strings of good and bad pieces.
 */
static int
utf8_ref(const unsigned char *s, size_t n, size_t *off, long *line)
{
	size_t i = 0, len, k;
	unsigned long cp, min;
	long ln = 1;

	while (i < n) {
		if (s[i] == 0)
			break;
		if (s[i] < 0x80) {
			ln += s[i++] == '\n';
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0)
			len = 2, cp = s[i] & 0x1F, min = 0x80;
		else if ((s[i] & 0xF0) == 0xE0)
			len = 3, cp = s[i] & 0x0F, min = 0x800;
		else if ((s[i] & 0xF8) == 0xF0)
			len = 4, cp = s[i] & 0x07, min = 0x10000;
		else
			break;
		if (len > n - i)
			break;
		for (k = 1; k < len && (s[i + k] & 0xC0) == 0x80; k++)
			cp = cp << 6 | (s[i + k] & 0x3F);
		if (k < len || cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			break;
		i += len;
	}
	*off = i;
	*line = ln;
	return i < n ? -1 : 0;
}

static int
utf8_same(const unsigned char *s, size_t n)
{
	size_t off = 0, roff = 0;
	long line = 0, rline = 0;
	int rc = utf8_check((const char *)s, n, &off, &line), rrc = utf8_ref(s, n, &roff, &rline);

	return rc == rrc && (rc == 0 || (off == roff && line == rline));
}

static void
test_utf8(void)
{
	static const char *const pieces[] = {
		"a", "b\n", "\n", "0123456789abcdef", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x99\x82",
		"\x80", "\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xe2\x82",
	};
	unsigned char s[96];
	size_t n, off, pos, i, k, bad = 0, worse = 0;
	long line;
	unsigned seed = 1;

	/* A bad byte (a NUL, a stray continuation, a lead without its end) at every offset. */
	for (k = 0; k < 3; k++)
		for (pos = 0; pos < 40; pos++) {
			for (i = 0; i < 48; i++)
				s[i] = i % 7 == 6 ? '\n' : 'x';
			s[pos] = k == 0 ? 0x00 : k == 1 ? 0x80 : 0xE2;
			if (utf8_check((const char *)s, 48, &off, &line) != -1 || off != pos ||
			    line != (long)(pos / 7 + 1))
				bad++;
		}
	INT_EQ((long long)bad, 0, "utf8_check: a bad byte at every offset, with its line");
	OK(utf8_check("plain ASCII, more than eight bytes\n", 35, &off, &line) == 0,
	    "utf8_check: ASCII is good");
	for (i = 0; i < 5000; i++) {
		n = 0;
		while (n < 64) {
			seed = seed * 1103515245u + 12345u;
			k = (seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]));
			/* Mostly good pieces, so that a bad one comes after runs of good. */
			if (k >= 7 && (seed >> 8) % 8 != 0)
				k = (seed >> 4) % 7;
			memcpy(s + n, pieces[k], strlen(pieces[k]));
			n += strlen(pieces[k]);
		}
		if (!utf8_same(s, n))
			worse++;
	}
	INT_EQ((long long)worse, 0, "utf8_check: as a byte-at-a-time decoder on 5000 random strings");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_dates();
	test_slugs();
	test_config();
	test_posts();
	test_dirs();
	test_numbers();
	test_utf8();
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}

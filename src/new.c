/*
 * new: `crier new "Title"`.  The post is for the work tree, not yet for
 * any commit, so site.ini is read from the work tree's file, and the
 * author from git's configuration files.  Those are read here, by hand,
 * rather than through libgit2 (which only repo.c and history.c may see)
 * or inih (which does not undo git's quoting): only user.name is needed.
 * The file is made with O_EXCL, so an existing post is never replaced.
 */
#define _XOPEN_SOURCE 700	/* realpath */
#include "new.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "date.h"
#include "diag.h"
#include "slug.h"
#include "util.h"

static const char usage[] =
    "usage: crier new [-C dir] [--category name]... [--date date] title\n";

/* Reads the file at path into a new NUL-terminated string; NULL with errno. */
static char *
slurp(const char *path, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(fp)) {
		fclose(fp);
		buf_free(&b);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	if (len != NULL)
		*len = b.len;
	return buf_detach(&b);
}

/* The top of the work tree around the current folder, or NULL. */
static char *
find_top(void)
{
	char *dir = realpath(".", NULL), *git, *slash;
	struct stat st;

	if (dir == NULL)
		return NULL;
	for (;;) {
		git = xasprintf("%s/.git", strcmp(dir, "/") ? dir : "");
		if (lstat(git, &st) == 0) {
			free(git);
			return dir;
		}
		free(git);
		slash = strrchr(dir, '/');
		if (slash == NULL || !strcmp(dir, "/")) {
			free(dir);
			return NULL;
		}
		slash[slash == dir] = '\0';
	}
}

/*
 * The git folder of the work tree top: ".git", or where a ".git" file
 * ("gitdir: PATH", as in linked work trees and submodules) points.
 */
static char *
git_dir(const char *top)
{
	char *dotgit = xasprintf("%s/.git", top), *text, *p, *dir;
	struct stat st;

	if (stat(dotgit, &st) < 0 || S_ISDIR(st.st_mode) || (text = slurp(dotgit, NULL)) == NULL)
		return dotgit;
	if (!str_prefix(text, "gitdir:")) {
		free(text);
		return dotgit;
	}
	p = text + strlen("gitdir:");
	p += strspn(p, " \t");
	p[strcspn(p, "\r\n")] = '\0';
	dir = *p == '/' ? xstrdup(p) : xasprintf("%s/%s", top, p);
	free(text);
	free(dotgit);
	return dir;
}

/* The next character of a git config file, or EOF. */
static int
next_char(const char **p)
{
	return **p ? (unsigned char)*(*p)++ : EOF;
}

/*
 * Reads a value as git does: quotes are removed, \" \\ \n \t \b are
 * unescaped, a backslash at the end of a line continues it, # and ;
 * outside quotes start a comment, white space around the value goes.
 * Leaves *p after the line.  Returns -1 on a malformed value.
 */
static int
git_value(const char **p, struct buf *v)
{
	int c, quote = 0, space = 0;

	buf_reset(v);
	for (;;) {
		c = next_char(p);
		if (c == EOF || c == '\n')
			return quote ? -1 : 0;
		if (!quote && (c == ';' || c == '#')) {
			while ((c = next_char(p)) != EOF && c != '\n')
				;
			return 0;
		}
		if (!quote && (c == ' ' || c == '\t' || c == '\r')) {
			if (v->len > 0)
				space++;
			continue;
		}
		for (; space > 0; space--)
			buf_putc(v, ' ');
		if (c == '\\') {
			c = next_char(p);
			switch (c) {
			case '\n': continue;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'n': c = '\n'; break;
			case '\\': case '"': break;
			default: return -1;
			}
			buf_putc(v, (char)c);
			continue;
		}
		if (c == '"') {
			quote = !quote;
			continue;
		}
		buf_putc(v, (char)c);
	}
}

static int
key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/*
 * Sets *name to the last user.name of the git config file at path, if it
 * has one.  [include] is not followed: this is a default, not git.
 */
static void
git_user_name(const char *path, char **name)
{
	char *text = slurp(path, NULL);
	struct buf key = BUF_INIT, val = BUF_INIT;
	const char *p;
	int in_user = 0, c;

	if (text == NULL)
		return;
	for (p = text; *p;) {
		p += strspn(p, " \t\r\n");
		if (*p == '#' || *p == ';') {
			p += strcspn(p, "\n");
			continue;
		}
		if (*p == '[') {
			/* [user] counts; [user "sub"] and [user.sub] do not. */
			size_t n;

			p++;
			n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
			in_user = n == 4 && !strncasecmp(p, "user", 4) && p[n] == ']';
			p += strcspn(p, "]\n");
			if (*p == ']')
				p++;
			continue;	/* a key may follow on the same line */
		}
		buf_reset(&key);
		while (key_char((unsigned char)*p))
			buf_putc(&key, *p++);
		if (key.len == 0) {
			p += strcspn(p, "\n");
			continue;
		}
		p += strspn(p, " \t");
		if (*p != '=') {
			/* A key without a value is true; no name. */
			p += strcspn(p, "\n");
			continue;
		}
		p++;
		c = git_value(&p, &val);
		if (c == 0 && in_user && !strcasecmp(buf_str(&key), "name") && val.len > 0) {
			free(*name);
			*name = xstrdup(buf_str(&val));
		}
	}
	buf_free(&key);
	buf_free(&val);
	free(text);
}

/*
 * The author for the post: GIT_AUTHOR_NAME, else user.name from git's
 * configuration files in git's order (system, global, the repository's),
 * else NULL.
 */
static char *
author_name(const char *top)
{
	const char *env = getenv("GIT_AUTHOR_NAME"), *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *global = getenv("GIT_CONFIG_GLOBAL");
	const char *system = getenv("GIT_CONFIG_SYSTEM");
	char *name = NULL, *dir, *common, *path, *text;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (getenv("GIT_CONFIG_NOSYSTEM") == NULL)
		git_user_name(system != NULL ? system : "/etc/gitconfig", &name);
	if (global != NULL) {
		git_user_name(global, &name);
	} else {
		if (xdg != NULL && *xdg != '\0')
			path = xasprintf("%s/git/config", xdg);
		else
			path = home != NULL ? xasprintf("%s/.config/git/config", home) : NULL;
		if (path != NULL)
			git_user_name(path, &name);
		free(path);
		if (home != NULL) {
			path = xasprintf("%s/.gitconfig", home);
			git_user_name(path, &name);
			free(path);
		}
	}
	/* A linked work tree keeps its config in the common git folder. */
	dir = git_dir(top);
	path = xasprintf("%s/commondir", dir);
	text = slurp(path, NULL);
	free(path);
	if (text != NULL) {
		text[strcspn(text, "\r\n")] = '\0';
		common = *text == '/' ? xstrdup(text) : xasprintf("%s/%s", dir, text);
		free(text);
	} else
		common = xstrdup(dir);
	path = xasprintf("%s/config", common);
	git_user_name(path, &name);
	free(path);
	free(common);
	free(dir);
	return name;
}

/*
 * Decodes one UTF-8 character at s; returns its length, or 0 if the bytes
 * are not UTF-8 (overlong forms, surrogates and code points past U+10FFFF
 * included).
 */
static size_t
utf8_char(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2; c = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3; c = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4; c = s[0] & 0x07; min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;

	for (; *p; p += n)
		if ((n = utf8_char(p, &cp)) == 0)
			return 0;
	return 1;
}

/* Code points YAML reads as line breaks, or that readers may drop. */
static int
yaml_special(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
	    cp == 0xFFFE || cp == 0xFFFF;
}

/*
 * 1 if s reads back as the same text written as a plain YAML scalar (in
 * a flow list if flow): it starts with a letter, holds only letters,
 * digits, spaces and punctuation that means nothing to YAML there, and is
 * no word YAML 1.1 reads as true, false or null.
 */
static int
yaml_plain(const char *s, int flow)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null",
	};
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t i, n = strlen(s);

	if (n == 0 || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < NELEM(words); i++)
		if (!strcasecmp(s, words[i]))
			return 0;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p >= 0x80))
		return 0;
	for (; *p; p += n) {
		n = utf8_char(p, &cp);
		if (cp >= 0x80) {
			if (yaml_special(cp))
				return 0;
			continue;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
			continue;
		if (cp == ',' && !flow)
			continue;
		if (strchr(" -_.()!?'/&+", (int)cp) == NULL)
			return 0;
	}
	return 1;
}

/* Appends s (valid UTF-8) as a YAML scalar: plain when safe, else double-quoted. */
static void
yaml_put(struct buf *b, const char *s, int flow)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;

	if (yaml_plain(s, flow)) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *p; p += n) {
		n = utf8_char(p, &cp);
		switch (cp) {
		case '"': buf_puts(b, "\\\""); continue;
		case '\\': buf_puts(b, "\\\\"); continue;
		case '\n': buf_puts(b, "\\n"); continue;
		case '\t': buf_puts(b, "\\t"); continue;
		case '\r': buf_puts(b, "\\r"); continue;
		case 0x85: buf_puts(b, "\\N"); continue;
		case 0x2028: buf_puts(b, "\\L"); continue;
		case 0x2029: buf_puts(b, "\\P"); continue;
		default: break;
		}
		if (cp < 0x20 || cp == 0x7F)
			buf_printf(b, "\\x%02lx", cp);
		else if (yaml_special(cp))
			buf_printf(b, "\\u%04lx", cp);
		else
			buf_put(b, (const char *)p, n);
	}
	buf_putc(b, '"');
}

/* s without the spaces and tabs around it, in a new string. */
static char *
trimmed(const char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/*
 * Formats t at offset off (DATE_LOCAL: the site's zone) as the front
 * matter's "YYYY-MM-DD HH:MM +ZZZZ", seconds shown only when there are
 * some, and gives the day for the file name.
 */
static void
format_date(time_t t, long off, char *out, size_t outsz, char *day, size_t daysz)
{
	struct tm tm;
	long z;

	date_broken_down(t, off, &tm);
	/* tm_gmtoff is not POSIX; the broken-down fields give the offset too. */
	z = (long)(((time_t)date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - t) / 60);
	if (tm.tm_sec != 0)
		snprintf(out, outsz, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld%02ld",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    z < 0 ? '-' : '+', labs(z) / 60, labs(z) % 60);
	else
		snprintf(out, outsz, "%04d-%02d-%02d %02d:%02d %c%02ld%02ld",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    z < 0 ? '-' : '+', labs(z) / 60, labs(z) % 60);
	snprintf(day, daysz, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Makes dir and its parents; 0 or -1 with errno. */
/*
 * path (below top) as the user should type it from the current folder:
 * relative when the current folder is in the work tree, as git prints
 * paths.  The caller frees.
 */
static char *
shown_path(const char *top, const char *rel)
{
	char *cwd = realpath(".", NULL), *out;
	struct buf b = BUF_INIT;
	const char *p;
	size_t n = strlen(top);

	if (cwd == NULL)
		return xasprintf("%s/%s", top, rel);
	if (strcmp(cwd, top) != 0 && (strncmp(cwd, top, n) != 0 || cwd[n] != '/')) {
		free(cwd);
		return xasprintf("%s/%s", top, rel);
	}
	for (p = cwd + n; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	buf_puts(&b, rel);
	out = buf_detach(&b);
	free(cwd);
	return out;
}

/* Writes all of data to a new file at path; -1 with errno (EEXIST if there is one). */
static int
write_new(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666), err;
	ssize_t w;

	if (fd < 0)
		return -1;
	while (len > 0) {
		w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = errno;
			close(fd);
			unlink(path);
			errno = err;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		err = errno;
		unlink(path);
		errno = err;
		return -1;
	}
	return 0;
}

int
new_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "category", required_argument, NULL, 'c' },
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct diag d = { 0 };
	struct config *cfg = config_new();
	struct buf fm = BUF_INIT;
	const char *dir = NULL, *date_arg = NULL;
	char **cats = NULL;
	char *title = NULL, *top = NULL, *ini = NULL, *text = NULL, *author = NULL;
	char *slug = NULL, *rel = NULL, *path = NULL, *folder = NULL, *shown = NULL;
	char date[80], day[40];
	size_t ncats = 0, i, j, n, len;
	time_t t;
	long off = DATE_LOCAL;
	int ch, rc = 1;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hC:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			rc = 0;
			goto out;
		case 'C':
			dir = optarg;
			break;
		case 'c':
			cats = xrealloc(cats, (ncats + 1) * sizeof(*cats));
			cats[ncats++] = trimmed(optarg);
			break;
		case 'd':
			date_arg = optarg;
			break;
		default:
			rc = cli_bad_option(ch, argv, usage);
			goto out;
		}
	}
	if (optind + 1 != argc) {
		if (optind == argc)
			fprintf(stderr, "crier: new needs the title of the post\n");
		else
			fprintf(stderr, "crier: unexpected argument \"%s\" (quote a title of several words)\n",
			    argv[optind + 1]);
		fputs(usage, stderr);
		rc = 2;
		goto out;
	}
	title = trimmed(argv[optind]);
	if (*title == '\0' || !utf8_ok(title)) {
		diag_error(&d, NULL, 0, "the title %s", *title == '\0' ? "is empty" : "is not valid UTF-8");
		goto out;
	}
	for (i = 0; i < ncats; i++)
		if (*cats[i] == '\0' || !utf8_ok(cats[i])) {
			diag_error(&d, NULL, 0, "a --category %s",
			    *cats[i] == '\0' ? "is empty" : "is not valid UTF-8");
			goto out;
		}
	if (cli_chdir(dir) < 0)
		goto out;
	if ((top = find_top()) == NULL) {
		diag_error(&d, dir, 0, "not in a git repository (nor is any folder above it)");
		goto out;
	}

	/* site.ini as it is in the work tree: the post is not committed either. */
	ini = xasprintf("%s/site.ini", top);
	if ((text = slurp(ini, &len)) == NULL && errno != ENOENT) {
		diag_error(&d, "site.ini", 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (text != NULL && config_parse(cfg, "site.ini", text, len, &d) < 0)
		goto out;
	if (setenv("TZ", cfg->timezone, 1) < 0)
		die("setenv: out of memory");
	tzset();

	if (date_arg != NULL) {
		if (date_parse_offset(date_arg, &t, &off) < 0) {
			diag_error(&d, NULL, 0, "--date \"%s\" is not a date (YYYY-MM-DD[ HH:MM[:SS] [+-HHMM]] "
			    "or RFC 3339)", date_arg);
			goto out;
		}
	} else {
		/* To the minute, as people write dates; never after the build's "now". */
		t = time(NULL);
		t -= t % 60;
	}
	format_date(t, off, date, sizeof(date), day, sizeof(day));

	slug = slugify(title, strlen(title));
	if (*slug == '\0') {
		diag_error(&d, NULL, 0, "the title \"%s\" has no letter or digit to make a file name of",
		    title);
		goto out;
	}
	rel = xasprintf("%s/%s-%s.md", cfg->posts, day, slug);
	path = xasprintf("%s/%s", top, rel);
	folder = xasprintf("%s/%s", top, cfg->posts);
	shown = shown_path(top, rel);

	author = author_name(top);
	if (author == NULL && *cfg->author != '\0')
		author = xstrdup(cfg->author);

	buf_puts(&fm, "---\ntitle: ");
	yaml_put(&fm, title, 0);
	buf_printf(&fm, "\ndate: %s\n", date);
	for (i = 0, n = 0; i < ncats; i++) {
		for (j = 0; j < i && strcmp(cats[j], cats[i]) != 0; j++)
			;
		if (j < i)
			continue;	/* given twice */
		buf_puts(&fm, n++ == 0 ? "categories: [" : ", ");
		yaml_put(&fm, cats[i], 1);
	}
	if (n > 0)
		buf_puts(&fm, "]\n");
	if (author != NULL && *author != '\0' && utf8_ok(author)) {
		buf_puts(&fm, "author: ");
		yaml_put(&fm, author, 0);
		buf_putc(&fm, '\n');
	}
	buf_puts(&fm, "---\n\n");

	if (make_dirs(folder) < 0) {
		diag_error(&d, cfg->posts, 0, "cannot make folder: %s", strerror(errno));
		goto out;
	}
	if (write_new(path, fm.s, fm.len) < 0) {
		if (errno == EEXIST)
			diag_error(&d, shown, 0, "already exists, and crier new never overwrites a post "
			    "(give another title, or another --date)");
		else
			diag_error(&d, shown, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	printf("%s\n", shown);
	rc = 0;
out:
	for (i = 0; i < ncats; i++)
		free(cats[i]);
	free(cats);
	free(title);
	free(top);
	free(ini);
	free(text);
	free(author);
	free(slug);
	free(rel);
	free(path);
	free(folder);
	free(shown);
	buf_free(&fm);
	config_free(cfg);
	return rc;
}

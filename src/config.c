/*
 * config: site.ini.  inih splits the lines; this module checks each key,
 * knows the defaults and reports bad lines as "site.ini:N: error: ...".
 * inih reads through our own line reader, which is how we learn line
 * numbers without relying on how the system's inih was compiled.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

#include "slug.h"
#include "state.h"

struct reader {
	const char *p;		/* the next line */
	const char *end;	/* end of the text */
	int line;		/* number of the line last handed to inih */
	int long_line;		/* line number of the first too long line */
};

struct parse {
	struct config *c;
	struct reader *r;
	const char *path;
	struct diag *d;
	int bad;		/* errors seen */
	unsigned long seen;	/* bit i: keys[i] was given */
};

enum kind { STR, URL, INT, BOOL, ZONE, DIR, PERMALINK, LANG, DAYS, OUTPUTS };

struct key {
	const char *section;
	const char *name;
	enum kind kind;
	size_t off;	/* offset of the field in struct config */
};

#define F(x) offsetof(struct config, x)
static const struct key keys[] = {
	{ "site", "title", STR, F(title) },
	{ "site", "url", URL, F(url) },
	{ "site", "description", STR, F(description) },
	{ "site", "language", LANG, F(language) },
	{ "site", "timezone", ZONE, F(timezone) },
	{ "site", "author", STR, F(author) },
	{ "build", "posts", DIR, F(posts) },
	{ "build", "theme", DIR, F(theme) },
	{ "build", "output", DIR, F(output) },
	{ "build", "permalink", PERMALINK, F(permalink) },
	{ "build", "per_page", INT, F(per_page) },
	{ "build", "feed_items", INT, F(feed_items) },
	{ "format", "date", STR, F(date_fmt) },
	{ "format", "time", STR, F(time_fmt) },
	{ "build", "smart", BOOL, F(smart) },
	{ "build", "unsafe_html", BOOL, F(unsafe_html) },
	{ "build", "disable", OUTPUTS, F(disable) },
	{ "site", "banner_days", DAYS, F(banner_days) },
};

/* The words of [build] disable. */
static const struct {
	const char *name;
	unsigned bit;
} outputs[] = {
	{ "archives", OUT_ARCHIVES },
	{ "sitemap", OUT_SITEMAP },
	{ "json", OUT_JSON },
	{ "atom", OUT_ATOM },
	{ "rss", OUT_RSS },
	{ "calendar", OUT_CALENDAR },
	{ "404", OUT_404 },
};
#undef F

struct config *
config_new(void)
{
	struct config *c = xcalloc(1, sizeof(*c));

	c->title = xstrdup("My Site");
	c->url = xstrdup("");
	c->base = xstrdup("/");
	c->description = xstrdup("");
	c->language = xstrdup("en");
	c->timezone = xstrdup("UTC");
	c->author = xstrdup("");
	c->posts = xstrdup("posts");
	c->theme = xstrdup("default");
	c->output = xstrdup("output");
	c->permalink = xstrdup("/:year/:month/:day/:slug/");
	c->per_page = 10;
	c->feed_items = 20;
	c->date_fmt = xstrdup("%B %-d, %Y");
	c->time_fmt = xstrdup("%-I:%M %P");
	c->smart = 1;
	c->unsafe_html = 0;
	c->banner_days = 7;
	return c;
}

void
config_free(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->title);
	free(c->url);
	free(c->base);
	free(c->description);
	free(c->language);
	free(c->timezone);
	free(c->author);
	for (i = 0; i < c->nparams; i++) {
		free(c->params[i].key);
		free(c->params[i].val);
	}
	free(c->params);
	free(c->posts);
	free(c->theme);
	free(c->output);
	free(c->permalink);
	free(c->date_fmt);
	free(c->time_fmt);
	free(c);
}

unsigned long long
config_hash(const struct config *c)
{
	unsigned long long h = STATE_HASH_INIT;
	const char *str;
	size_t i;
	int n;

	/* Every key of the table, so that a key added to it is never left out. */
	for (i = 0; i < NELEM(keys); i++) {
		switch (keys[i].kind) {
		case INT:
		case BOOL:
		case DAYS:
		case OUTPUTS:
			n = keys[i].kind == OUTPUTS ? (int)*(const unsigned *)((const char *)c +
			    keys[i].off) : *(const int *)((const char *)c + keys[i].off);
			h = state_hash(h, &n, sizeof(n));
			break;
		default:
			str = *(char *const *)((const char *)c + keys[i].off);
			h = state_hash(h, str, strlen(str) + 1);
			break;
		}
	}
	/* base follows from url; the [site] keys crier does not know reach templates. */
	for (i = 0; i < c->nparams; i++) {
		h = state_hash(h, c->params[i].key, strlen(c->params[i].key) + 1);
		h = state_hash(h, c->params[i].val, strlen(c->params[i].val) + 1);
	}
	return h;
}

static char *
read_line(char *str, int num, void *stream)
{
	struct reader *r = stream;
	size_t n = 0, max = (size_t)num - 1;
	const char *nl;

	if (r->p >= r->end)
		return NULL;
	r->line++;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	n = nl ? (size_t)(nl - r->p) + 1 : (size_t)(r->end - r->p);
	if (n > max) {
		/* inih would split the line and misread the rest. */
		if (r->long_line == 0)
			r->long_line = r->line;
		memcpy(str, "\n", 2);
	} else {
		memcpy(str, r->p, n);
		str[n] = '\0';
	}
	r->p += n;
	return str;
}

static int
valid_zone(const char *z)
{
	const char *dir = getenv("TZDIR");
	struct stat st;
	char *path;
	int ok;

	if (strcmp(z, "UTC") == 0)
		return 1;
	/* A zone name is a relative path below the zoneinfo folder. */
	if (*z == '\0' || *z == '/' || strstr(z, "..") != NULL)
		return 0;
	path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

/* 1 if u is http(s)://HOST[:PORT][/PATH] with a host and no query or fragment. */
static int
url_ok(const char *u)
{
	const char *host;
	size_t n;

	if (str_prefix(u, "https://"))
		host = u + strlen("https://");
	else if (str_prefix(u, "http://"))
		host = u + strlen("http://");
	else
		return 0;
	n = strcspn(host, "/");
	if (n == 0 || host[0] == ':' || memchr(host, '@', n) != NULL)
		return 0;
	for (; *u; u++)
		if ((unsigned char)*u <= ' ' || *u == '"' || *u == '<' || *u == '>' ||
		    *u == '?' || *u == '#' || *u == '\\' || (unsigned char)*u >= 0x7f)
			return 0;
	return 1;
}

/* 1 if t is a BCP 47 language tag in form: letters, then -parts of letters and digits. */
static int
lang_ok(const char *t)
{
	size_t n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if (n < 1 || n > 8)
		return 0;
	for (t += n; *t == '-'; t += n) {
		t++;
		n = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 1 || n > 8)
			return 0;
	}
	return *t == '\0';
}

/* 1 if d is a relative folder that stays inside the repository. */
static int
dir_ok(const char *d)
{
	const char *seg;
	size_t n;

	if (*d == '\0' || *d == '/')
		return 0;
	for (seg = d; *seg; seg += n + (seg[n] == '/')) {
		n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
	}
	for (; *d; d++)
		if ((unsigned char)*d < 0x20 || *d == '\\')
			return 0;
	return 1;
}

/* [build] disable: words separated by spaces or commas. */
static int
set_outputs(struct parse *p, const struct key *k, const char *val)
{
	unsigned *bits = (unsigned *)((char *)p->c + k->off), set = 0;
	const char *w;
	size_t n, i;
	int bad = 0;

	for (w = val; *w; w += n) {
		w += strspn(w, " \t,");
		if ((n = strcspn(w, " \t,")) == 0)
			break;
		for (i = 0; i < NELEM(outputs); i++)
			if (strlen(outputs[i].name) == n && !memcmp(outputs[i].name, w, n))
				break;
		if (i == NELEM(outputs)) {
			diag_error(p->d, p->path, p->r->line, "disable: \"%.*s\" is not one of archives, "
			    "sitemap, json, atom, rss, calendar, 404", (int)n, w);
			bad = 1;
			continue;
		}
		set |= outputs[i].bit;
	}
	*bits = set;
	return bad ? -1 : 0;
}

static int
set_value(struct parse *p, const struct key *k, const char *val)
{
	char **sp = (char **)((char *)p->c + k->off);
	int *ip = (int *)((char *)p->c + k->off);
	const char *where = p->path;
	int line = p->r->line;
	char *end, *s;
	long n;

	switch (k->kind) {
	case INT:
		errno = 0;
		n = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || errno || n < 1 || n > 100000) {
			diag_error(p->d, where, line,
			    "%s: \"%s\" is not a whole number from 1 to 100000",
			    k->name, val);
			return -1;
		}
		*ip = (int)n;
		return 0;
	case DAYS:
		errno = 0;
		n = strtol(val, &end, 10);
		if (*val == '\0' || *end != '\0' || errno || n < 0 || n > 3660) {
			diag_error(p->d, where, line,
			    "%s: \"%s\" is not a number of days from 0 to 3660", k->name, val);
			return -1;
		}
		*ip = (int)n;
		return 0;
	case OUTPUTS:
		return set_outputs(p, k, val);
	case BOOL:
		if (!strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "on") || !strcmp(val, "1"))
			*ip = 1;
		else if (!strcmp(val, "false") || !strcmp(val, "no") || !strcmp(val, "off") || !strcmp(val, "0"))
			*ip = 0;
		else {
			diag_error(p->d, where, line,
			    "%s: \"%s\" is not true or false", k->name, val);
			return -1;
		}
		return 0;
	case ZONE:
		if (!valid_zone(val)) {
			diag_error(p->d, where, line,
			    "timezone: \"%s\" is not a known time zone (e.g. America/New_York)", val);
			return -1;
		}
		break;
	case URL:
		if (*val != '\0' && !url_ok(val)) {
			diag_error(p->d, where, line,
			    "url: \"%s\" is not an absolute http:// or https:// URL with a host", val);
			return -1;
		}
		break;
	case DIR:
		if (!dir_ok(val)) {
			diag_error(p->d, where, line,
			    "%s: \"%s\" must be a relative folder inside the repository, without \".\" or \"..\"",
			    k->name, val);
			return -1;
		}
		break;
	case PERMALINK:
		if (permalink_check(val) != NULL) {
			diag_error(p->d, where, line, "permalink: %s", permalink_check(val));
			return -1;
		}
		break;
	case LANG:
		if (!lang_ok(val)) {
			diag_error(p->d, where, line,
			    "language: \"%s\" is not a language tag (e.g. en, en-US)", val);
			return -1;
		}
		break;
	case STR:
		break;
	}
	s = xstrdup(val);
	/* Trailing slashes of folder names would double up in paths. */
	if (k->kind == DIR)
		while (strlen(s) > 1 && s[strlen(s) - 1] == '/')
			s[strlen(s) - 1] = '\0';
	free(*sp);
	*sp = s;
	return 0;
}

static int
handler(void *user, const char *section, const char *name, const char *val)
{
	struct parse *p = user;
	struct config *c = p->c;
	size_t i;

	for (i = 0; i < NELEM(keys); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name)) {
			if (p->seen & (1UL << i))
				diag_warn(p->d, p->path, p->r->line,
				    "key \"%s\" given twice in [%s]; the last one is used", name, section);
			p->seen |= 1UL << i;
			if (set_value(p, &keys[i], val) < 0)
				p->bad++;
			return 1;
		}
	if (!strcmp(section, "site")) {
		for (i = 0; i < c->nparams; i++)
			if (!strcmp(c->params[i].key, name))
				break;
		if (i == c->nparams) {
			c->params = xrealloc(c->params, (c->nparams + 1) * sizeof(*c->params));
			c->params[i].key = xstrdup(name);
			c->params[i].val = NULL;
			c->nparams++;
		} else
			diag_warn(p->d, p->path, p->r->line,
			    "key \"%s\" given twice in [site]; the last one is used", name);
		free(c->params[i].val);
		c->params[i].val = xstrdup(val);
		return 1;
	}
	if (*section == '\0')
		diag_error(p->d, p->path, p->r->line,
		    "\"%s\" is outside any [section]", name);
	else if (strcmp(section, "build") && strcmp(section, "format"))
		diag_error(p->d, p->path, p->r->line,
		    "unknown section [%s] (known: site, build, format)", section);
	else
		diag_error(p->d, p->path, p->r->line,
		    "unknown key \"%s\" in [%s]", name, section);
	p->bad++;
	return 1;
}

/* Sets c->base to the path of c->url and makes url end with '/'. */
static void
split_url(struct config *c)
{
	const char *path;
	size_t n = strlen(c->url);
	char *u;

	if (n == 0)
		return;
	if (c->url[n - 1] != '/') {
		u = xasprintf("%s/", c->url);
		free(c->url);
		c->url = u;
	}
	/* url_ok made sure of "://" and of a '/' after the host. */
	path = strchr(strstr(c->url, "://") + 3, '/');
	free(c->base);
	c->base = xstrdup(path);
}

int
config_parse(struct config *c, const char *path, const char *text, size_t len,
    struct diag *d)
{
	struct reader r = { text, text + len, 0, 0 };
	struct parse p = { c, &r, path, d, 0 };
	int rc;

	rc = ini_parse_stream(read_line, &r, handler, &p);
	if (r.long_line) {
		diag_error(d, path, r.long_line, "line longer than %d characters",
		    INI_MAX_LINE - 2);
		p.bad++;
	} else if (rc > 0) {
		diag_error(d, path, rc, "expected \"[section]\" or \"key = value\"");
		p.bad++;
	}
	split_url(c);
	return p.bad ? -1 : 0;
}

/*
 * check: `crier check`.  The site is built into a temporary folder with
 * build_run, then read back the way browsers and feed readers meet it:
 *
 *  - every internal link and asset reference of every HTML page (href,
 *    src, srcset, poster, data) names a file of the output, a folder URL
 *    its index.html, and a #fragment an element of the target page;
 *  - every *.xml file is well-formed XML, and every feed in them keeps
 *    the rules readers rely on: RFC 4287 for Atom (against its RELAX NG
 *    schema as well when CRIER_ATOM_RNG names the file), RSS 2.0's
 *    required elements, and no two entries of a feed with one id.
 *
 * A checker reads HTML and XML, so this module includes libxml2's
 * headers, as feed.c does to write them.  Problems are reported as
 * "PATH[:LINE]: error: ...", PATH below the output, sorted by file.
 */
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lazy.h"	/* before libxml2's headers */

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "buf.h"
#include "build.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "output.h"
#include "repo.h"
#include "util.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

static const char usage[] = "usage: crier check [-C dir] [--ref ref]\n";

struct file {
	char *path;		/* below the output, e.g. "2017/09/08/x/index.html" */
	char **ids;		/* an HTML page's ids and <a name>s, sorted */
	size_t nids;
};

/* A link with a #fragment, resolved once every page's ids are known. */
struct pending {
	size_t page;		/* the page that holds the link */
	size_t target;		/* the page it points to */
	size_t seq;		/* its message's place among the page's */
	char *ref;		/* the link as written */
	char *frag;		/* the fragment, decoded */
};

struct msg {
	size_t file;		/* the file the problem is in */
	long line;		/* the line, 0 for none */
	size_t seq;		/* order of report */
	char *text;		/* the whole line */
};

struct checker {
	const char *root;		/* the built output */
	const struct config *cfg;	/* the site's settings, for url and base */
	char *host;			/* the host of url, lowercase; NULL without url */
	struct file *files;		/* every file of the output, sorted by path */
	size_t nfiles, capfiles;
	char **dirs;			/* every folder of the output, sorted */
	size_t ndirs, capdirs;
	struct pending *pend;
	size_t npend, cappend;
	struct msg *msgs;
	size_t nmsgs, capmsgs;
	size_t seq;			/* messages made so far */
	char **reported;		/* broken links reported on the current page */
	size_t nreported, capreported;
	xmlRelaxNGPtr rng;		/* the Atom schema, or NULL */
	size_t cur;			/* the file being checked, for schema errors */
	size_t pages, links, feeds;	/* counts for the summary */
};

static void
problem(struct checker *c, size_t file, long line, const char *fmt, ...) CRIER_PRINTF(4, 5);

static void
problem(struct checker *c, size_t file, long line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		buf_printf(&b, "%s:%ld: error: %s", c->files[file].path, line, s);
	else
		buf_printf(&b, "%s: error: %s", c->files[file].path, s);
	free(s);
	c->msgs = xgrow(c->msgs, &c->capmsgs, c->nmsgs + 1, sizeof(*c->msgs));
	c->msgs[c->nmsgs].file = file;
	c->msgs[c->nmsgs].line = line;
	c->msgs[c->nmsgs].seq = c->seq++;
	c->msgs[c->nmsgs].text = buf_detach(&b);
	c->nmsgs++;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path, ((const struct file *)b)->path);
}

static int
cmp_msg(const void *a, const void *b)
{
	const struct msg *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Lists every file and folder below rel of the output. */
static int
walk(struct checker *c, const char *rel)
{
	char *dir = *rel ? xasprintf("%s/%s", c->root, rel) : xstrdup(c->root);
	struct dirent *de;
	struct stat st;
	char *full, *path;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: error: cannot read: %s\n", dir, strerror(errno));
		free(dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		full = xasprintf("%s/%s", c->root, path);
		if (lstat(full, &st) < 0) {
			fprintf(stderr, "%s: error: cannot read: %s\n", full, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			c->dirs = xgrow(c->dirs, &c->capdirs, c->ndirs + 1, sizeof(*c->dirs));
			c->dirs[c->ndirs++] = xstrdup(path);
			rc = walk(c, path);
		} else if (S_ISREG(st.st_mode)) {
			c->files = xgrow(c->files, &c->capfiles, c->nfiles + 1, sizeof(*c->files));
			memset(&c->files[c->nfiles], 0, sizeof(c->files[c->nfiles]));
			c->files[c->nfiles++].path = path;
			path = NULL;
		}
		free(path);
		free(full);
	}
	closedir(dp);
	free(dir);
	return rc;
}

/* The index of the file at path, or -1. */
static long
find_file(const struct checker *c, const char *path)
{
	struct file key, *f;

	key.path = (char *)path;
	if (c->nfiles == 0)
		return -1;
	f = bsearch(&key, c->files, c->nfiles, sizeof(*c->files), cmp_file);
	return f ? (long)(f - c->files) : -1;
}

static int
is_dir(const struct checker *c, const char *path)
{
	return c->ndirs > 0 && bsearch(&path, c->dirs, c->ndirs, sizeof(*c->dirs), cmp_str) != NULL;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* s (n bytes) with %XX decoded; a '%' not followed by two hex digits stays. */
static char *
pct_decode(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			buf_putc(&b, (char)(hexval((unsigned char)s[i + 1]) * 16 +
			    hexval((unsigned char)s[i + 2])));
			i += 2;
		} else
			buf_putc(&b, s[i]);
	}
	return buf_detach(&b);
}

/*
 * Removes "." and ".." segments from path (which starts with '/'), as
 * browsers do: ".." at the root stays at the root.
 */
static void
normalize(struct buf *out, const char *path, size_t n)
{
	const char *p = path + 1, *end = path + n, *q;
	size_t len;
	int last;

	buf_reset(out);
	buf_putc(out, '/');
	for (;;) {
		q = memchr(p, '/', (size_t)(end - p));
		if (q == NULL)
			q = end;
		len = (size_t)(q - p);
		last = q == end;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (out->len > 1) {
				out->len--;
				while (out->s[out->len - 1] != '/')
					out->len--;
				out->s[out->len] = '\0';
			}
		} else {
			buf_put(out, p, len);
			if (!last)
				buf_putc(out, '/');
		}
		if (last)
			break;
		p = q + 1;
	}
}

/* The lowercase host of an authority ("user@" refused, port dropped), or NULL. */
static char *
authority_host(const char *s, size_t n, int *port)
{
	size_t h = 0, i;
	char *host;

	*port = 0;
	if (memchr(s, '@', n) != NULL)
		return NULL;
	if (n > 0 && s[0] == '[') {
		while (h < n && s[h] != ']')
			h++;
		if (h < n)
			h++;
	} else
		while (h < n && s[h] != ':')
			h++;
	if (h == 0)
		return NULL;
	if (h < n && s[h] == ':')
		for (i = h + 1; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			*port = *port * 10 + (s[i] - '0');
	host = xstrndup(s, h);
	for (i = 0; host[i]; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] = (char)(host[i] - 'A' + 'a');
	return host;
}

/* The page's URL path with its last segment cut off: "/blog/2017/x/". */
static char *
page_dir(const struct checker *c, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(c->cfg->base);
	return xasprintf("%s%.*s", c->cfg->base, (int)(slash - path + 1), path);
}

enum ref_kind { REF_SKIP, REF_INTERNAL };

/*
 * Resolves ref, found on a page whose folder URL is dir, to an internal
 * URL path (decoded, without query and fragment) in *path and its
 * fragment (decoded, NULL if none) in *frag.  Returns REF_SKIP for
 * external links, other schemes and references to the page itself.
 */
static enum ref_kind
resolve(const struct checker *c, const char *ref, const char *dir, struct buf *path, char **frag)
{
	struct buf raw = BUF_INIT, joined = BUF_INIT;
	const char *p, *q, *auth;
	size_t n;
	char *host, *decoded;
	int port;
	enum ref_kind kind = REF_SKIP;

	*frag = NULL;
	/* Browsers drop white space around a URL, and tabs and newlines in it. */
	for (p = ref; *p; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			buf_putc(&raw, *p);
	p = buf_str(&raw);
	p += strspn(p, " \f");
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\f'))
		n--;
	if (n == 0)
		goto out;
	/* A scheme: only http(s) to the site's own host is internal. */
	for (q = p; q < p + n && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
	    (q > p && ((*q >= '0' && *q <= '9') || *q == '+' || *q == '-' || *q == '.'))); q++)
		;
	if (q > p && q < p + n && *q == ':') {
		if (!((q - p == 4 && !strncasecmp(p, "http", 4)) || (q - p == 5 && !strncasecmp(p, "https", 5))))
			goto out;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
		if (n < 2 || p[0] != '/' || p[1] != '/')
			goto out;
	}
	if (n >= 2 && p[0] == '/' && p[1] == '/') {
		if (c->host == NULL)
			goto out;
		auth = p + 2;
		q = auth;
		while (q < p + n && *q != '/' && *q != '?' && *q != '#')
			q++;
		host = authority_host(auth, (size_t)(q - auth), &port);
		if (host == NULL || strcmp(host, c->host) != 0) {
			free(host);
			goto out;
		}
		free(host);
		n -= (size_t)(q - p);
		p = q;
		if (n == 0 || *p != '/')
			buf_putc(&joined, '/');
	} else if (*p == '#') {
		*frag = pct_decode(p + 1, n - 1);
		kind = REF_INTERNAL;
		buf_reset(path);
		goto out;
	} else if (*p != '/')
		buf_puts(&joined, dir);
	buf_put(&joined, p, n);
	/* The fragment, then the query, are not part of the path. */
	p = buf_str(&joined);
	if ((q = strchr(p, '#')) != NULL)
		*frag = pct_decode(q + 1, strlen(q + 1));
	n = strcspn(p, "?#");
	decoded = pct_decode(p, n);
	normalize(path, decoded, strlen(decoded));
	free(decoded);
	kind = REF_INTERNAL;
out:
	buf_free(&raw);
	buf_free(&joined);
	return kind;
}

static int
has_id(const struct file *f, const char *id)
{
	if (f->nids == 0)
		return 0;
	return bsearch(&id, f->ids, f->nids, sizeof(*f->ids), cmp_str) != NULL;
}

/* Reports ref once per page. */
static void
broken(struct checker *c, size_t page, const char *ref, const char *why)
{
	size_t i;

	for (i = 0; i < c->nreported; i++)
		if (!strcmp(c->reported[i], ref))
			return;
	c->reported = xgrow(c->reported, &c->capreported, c->nreported + 1, sizeof(*c->reported));
	c->reported[c->nreported++] = xstrdup(ref);
	if (why != NULL)
		problem(c, page, 0, "broken link to %s: %s", ref, why);
	else
		problem(c, page, 0, "broken link to %s", ref);
}

/* Checks one reference of page, which has folder URL dir. */
static void
check_ref(struct checker *c, size_t page, const char *dir, const char *ref)
{
	struct buf path = BUF_INIT;
	const char *base = c->cfg->base, *rel;
	char *frag = NULL, *file = NULL;
	long target;

	if (resolve(c, ref, dir, &path, &frag) == REF_SKIP)
		goto out;
	c->links++;
	if (path.len == 0) {
		target = (long)page;	/* "#x": this page */
	} else {
		if (strncmp(path.s, base, strlen(base)) != 0 &&
		    !(strlen(path.s) + 1 == strlen(base) && !strncmp(path.s, base, path.len))) {
			broken(c, page, ref, "outside the site's path");
			goto out;
		}
		rel = path.s + (path.len >= strlen(base) ? strlen(base) : path.len);
		if (*rel == '\0' || rel[strlen(rel) - 1] == '/')
			file = xasprintf("%sindex.html", rel);
		else
			file = xstrdup(rel);
		target = find_file(c, file);
		/* A folder without its slash: servers redirect to it. */
		if (target < 0 && is_dir(c, rel)) {
			free(file);
			file = xasprintf("%s/index.html", rel);
			target = find_file(c, file);
		}
		if (target < 0) {
			broken(c, page, ref, NULL);
			goto out;
		}
	}
	if (frag != NULL && *frag != '\0' && strcasecmp(frag, "top") != 0 &&
	    (str_suffix(c->files[target].path, ".html") || str_suffix(c->files[target].path, ".htm"))) {
		/* Judged once every page's ids are known. */
		c->pend = xgrow(c->pend, &c->cappend, c->npend + 1, sizeof(*c->pend));
		c->pend[c->npend].page = page;
		c->pend[c->npend].target = (size_t)target;
		c->pend[c->npend].seq = c->seq++;
		c->pend[c->npend].ref = xstrdup(ref);
		c->pend[c->npend].frag = frag;
		c->npend++;
		frag = NULL;
	}
out:
	free(frag);
	free(file);
	buf_free(&path);
}

/* Checks each URL of a srcset: "URL [descriptor], URL [descriptor]". */
static void
check_srcset(struct checker *c, size_t page, const char *dir, const char *s)
{
	const char *p = s, *start;
	char *url;
	size_t n;
	int depth;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == ',')
			p++;
		if (*p == '\0')
			return;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
			p++;
		n = (size_t)(p - start);
		if (n > 0 && start[n - 1] == ',') {
			while (n > 0 && start[n - 1] == ',')
				n--;
		} else {
			/* Skip the descriptors, up to a comma outside parentheses. */
			for (depth = 0; *p && (*p != ',' || depth > 0); p++)
				depth += *p == '(' ? 1 : *p == ')' && depth > 0 ? -1 : 0;
		}
		url = xstrndup(start, n);
		check_ref(c, page, dir, url);
		free(url);
	}
}

static int
is_elem(xmlNodePtr n, const char *name)
{
	return n->name != NULL && !strcasecmp((const char *)n->name, name);
}

/* The value of attribute name of n in a new string, or NULL. */
static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	lazy_xml_free(v);
	return s;
}

/* The next node of a depth-first walk of the document, or NULL. */
static xmlNodePtr
next_node(xmlNodePtr n)
{
	if ((n->type == XML_ELEMENT_NODE) && n->children != NULL)
		return n->children;
	while (n != NULL) {
		if (n->next != NULL)
			return n->next;
		n = n->parent;
		if (n != NULL && n->type != XML_ELEMENT_NODE)
			return NULL;
	}
	return NULL;
}

/* The attributes that hold URLs, by element. */
static const struct {
	const char *elem;
	const char *attr;
} url_attrs[] = {
	{ "a", "href" }, { "area", "href" }, { "link", "href" },
	{ "img", "src" }, { "script", "src" }, { "iframe", "src" }, { "frame", "src" },
	{ "audio", "src" }, { "video", "src" }, { "source", "src" }, { "track", "src" },
	{ "embed", "src" }, { "input", "src" }, { "video", "poster" }, { "object", "data" },
	{ "img", "srcset" }, { "source", "srcset" },
};

static void
add_id(struct file *f, char *id, size_t *cap)
{
	f->ids = xgrow(f->ids, cap, f->nids + 1, sizeof(*f->ids));
	f->ids[f->nids++] = id;
}

static void
check_page(struct checker *c, size_t page)
{
	struct file *f = &c->files[page];
	char *full = xasprintf("%s/%s", c->root, f->path), *dir = page_dir(c, f->path), *v;
	xmlDocPtr doc;
	xmlNodePtr n;
	struct buf bpath = BUF_INIT;
	size_t i, capids = 0;
	int base_seen = 0;

	c->pages++;
	for (i = 0; i < c->nreported; i++)
		free(c->reported[i]);
	c->nreported = 0;
	doc = htmlReadFile(full, "utf-8", HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (doc == NULL) {
		problem(c, page, 0, "cannot be read as HTML");
		goto out;
	}
	for (n = doc->children; n != NULL; n = next_node(n)) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if ((v = attr(n, "id")) != NULL)
			add_id(f, v, &capids);
		if (is_elem(n, "a") && (v = attr(n, "name")) != NULL)
			add_id(f, v, &capids);
		/* <base href> moves what relative links are relative to. */
		if (is_elem(n, "base") && !base_seen && (v = attr(n, "href")) != NULL) {
			char *frag = NULL;

			base_seen = 1;
			if (resolve(c, v, dir, &bpath, &frag) == REF_INTERNAL && bpath.len > 0) {
				free(dir);
				dir = xstrndup(bpath.s, (size_t)(strrchr(bpath.s, '/') - bpath.s) + 1);
			}
			free(frag);
			free(v);
			continue;
		}
		for (i = 0; i < NELEM(url_attrs); i++) {
			if (!is_elem(n, url_attrs[i].elem) || (v = attr(n, url_attrs[i].attr)) == NULL)
				continue;
			if (!strcmp(url_attrs[i].attr, "srcset"))
				check_srcset(c, page, dir, v);
			else
				check_ref(c, page, dir, v);
			free(v);
		}
	}
	xqsort(f->ids, f->nids, sizeof(*f->ids), cmp_str);
	xmlFreeDoc(doc);
out:
	buf_free(&bpath);
	free(full);
	free(dir);
}

static void
check_pending(struct checker *c)
{
	size_t i, seq = c->seq;
	struct pending *p;

	for (i = 0; i < c->npend; i++) {
		p = &c->pend[i];
		if (!has_id(&c->files[p->target], p->frag)) {
			/* In the place the link had among the page's problems. */
			c->seq = p->seq;
			problem(c, p->page, 0, "broken link to %s: %s has no element with id \"%s\"",
			    p->ref, c->files[p->target].path, p->frag);
		}
	}
	c->seq = seq;
}

/* ---- Feeds --------------------------------------------------------- */

static int
in_ns(xmlNodePtr n, const char *ns)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	    !strcmp((const char *)n->ns->href, ns);
}

static int
is_atom(xmlNodePtr n, const char *name)
{
	return in_ns(n, ATOM_NS) && !strcmp((const char *)n->name, name);
}

/* Plain RSS elements have no namespace. */
static int
is_rss(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL && !strcmp((const char *)n->name, name);
}

/* How many children of parent are Atom elements called name; *first is the first. */
static int
count_atom(xmlNodePtr parent, const char *name, xmlNodePtr *first)
{
	xmlNodePtr n;
	int k = 0;

	if (first != NULL)
		*first = NULL;
	for (n = parent->children; n != NULL; n = n->next)
		if (is_atom(n, name)) {
			if (k++ == 0 && first != NULL)
				*first = n;
		}
	return k;
}

static int
count_rss(xmlNodePtr parent, const char *name, xmlNodePtr *first)
{
	xmlNodePtr n;
	int k = 0;

	if (first != NULL)
		*first = NULL;
	for (n = parent->children; n != NULL; n = n->next)
		if (is_rss(n, name)) {
			if (k++ == 0 && first != NULL)
				*first = n;
		}
	return k;
}

/* The text of n, white space around it removed, in a new string. */
static char *
text_of(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s, *t;
	size_t len;

	if (v == NULL)
		return xstrdup("");
	t = (char *)v;
	t += strspn(t, " \t\r\n");
	len = strlen(t);
	while (len > 0 && strchr(" \t\r\n", t[len - 1]) != NULL)
		len--;
	s = xstrndup(t, len);
	lazy_xml_free(v);
	return s;
}

static long
line_of(xmlNodePtr n)
{
	return xmlGetLineNo(n);
}

/* 1 if s is an RFC 3339 date-time as RFC 4287 wants it (uppercase T and Z). */
static int
rfc3339_ok(const char *s)
{
	const char *p = s;
	int i;

	for (i = 0; i < 19; i++) {
		char want = "dddd-dd-ddTdd:dd:dd"[i];

		if (want == 'd' ? !(p[i] >= '0' && p[i] <= '9') : p[i] != want)
			return 0;
	}
	p += 19;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z')
		return p[1] == '\0';
	if (*p != '+' && *p != '-')
		return 0;
	return p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9' && p[3] == ':' &&
	    p[4] >= '0' && p[4] <= '9' && p[5] >= '0' && p[5] <= '9' && p[6] == '\0';
}

/* 1 if s is an absolute IRI: a scheme, ':', then no white space. */
static int
iri_ok(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	    *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ')
			return 0;
	return 1;
}

/* Checks a text construct (title, subtitle, summary, rights). */
static void
atom_text(struct checker *c, xmlNodePtr n)
{
	char *type = attr(n, "type");
	xmlNodePtr k;
	int divs = 0, other = 0;

	if (type != NULL && strcmp(type, "text") && strcmp(type, "html") && strcmp(type, "xhtml"))
		problem(c, c->cur, line_of(n), "<%s type=\"%s\">: the type must be text, html or xhtml",
		    n->name, type);
	if (type != NULL && !strcmp(type, "xhtml")) {
		for (k = n->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE) {
				if (in_ns(k, XHTML_NS) && !strcmp((const char *)k->name, "div"))
					divs++;
				else
					other++;
			}
		if (divs != 1 || other != 0)
			problem(c, c->cur, line_of(n), "<%s type=\"xhtml\"> must hold one XHTML <div>",
			    n->name);
	} else
		for (k = n->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE) {
				problem(c, c->cur, line_of(n), "<%s> holds markup; escape it, or use "
				    "type=\"xhtml\"", n->name);
				break;
			}
	free(type);
}

static void
atom_date(struct checker *c, xmlNodePtr n)
{
	char *s = text_of(n);

	if (!rfc3339_ok(s))
		problem(c, c->cur, line_of(n), "<%s> \"%s\" is not an RFC 3339 date-time "
		    "(YYYY-MM-DDTHH:MM:SS and Z or +HH:MM)", n->name, s);
	free(s);
}

static void
atom_person(struct checker *c, xmlNodePtr n)
{
	xmlNodePtr name;

	if (count_atom(n, "name", &name) != 1)
		problem(c, c->cur, line_of(n), "<%s> needs exactly one <name>", n->name);
	if (count_atom(n, "uri", NULL) > 1 || count_atom(n, "email", NULL) > 1)
		problem(c, c->cur, line_of(n), "<%s> has more than one <uri> or <email>", n->name);
}

/* Checks the children feed and entry share: id, title, updated, links, ... */
static void
atom_common(struct checker *c, xmlNodePtr parent, const char *what)
{
	static const char *const once[] = { "id", "title", "updated" };
	static const char *const at_most_once[] = {
		"rights", "subtitle", "generator", "icon", "logo", "content", "published",
		"summary", "source",
	};
	char **alts = NULL;	/* "type\threflang" of each rel="alternate" link */
	size_t nalts = 0, cap = 0, i, j;
	xmlNodePtr n, first;
	char *s, *rel, *type, *lang;

	for (i = 0; i < NELEM(once); i++) {
		int k = count_atom(parent, once[i], &first);

		if (k != 1)
			problem(c, c->cur, line_of(parent), "%s has %s <%s>", what,
			    k == 0 ? "no" : "more than one", once[i]);
	}
	for (i = 0; i < NELEM(at_most_once); i++)
		if (count_atom(parent, at_most_once[i], &first) > 1)
			problem(c, c->cur, line_of(first), "%s has more than one <%s>", what, at_most_once[i]);
	for (n = parent->children; n != NULL; n = n->next) {
		if (!in_ns(n, ATOM_NS))
			continue;
		if (is_atom(n, "id")) {
			s = text_of(n);
			if (!iri_ok(s))
				problem(c, c->cur, line_of(n), "<id> \"%s\" is not an absolute IRI", s);
			free(s);
		} else if (is_atom(n, "updated") || is_atom(n, "published"))
			atom_date(c, n);
		else if (is_atom(n, "title") || is_atom(n, "subtitle") || is_atom(n, "summary") ||
		    is_atom(n, "rights"))
			atom_text(c, n);
		else if (is_atom(n, "author") || is_atom(n, "contributor"))
			atom_person(c, n);
		else if (is_atom(n, "category")) {
			if ((s = attr(n, "term")) == NULL)
				problem(c, c->cur, line_of(n), "<category> has no term");
			free(s);
		} else if (is_atom(n, "link")) {
			if ((s = attr(n, "href")) == NULL)
				problem(c, c->cur, line_of(n), "<link> has no href");
			free(s);
			rel = attr(n, "rel");
			if (rel == NULL || !strcmp(rel, "alternate")) {
				/* One alternate per type and language. */
				type = attr(n, "type");
				lang = attr(n, "hreflang");
				s = xasprintf("%s\t%s", type ? type : "", lang ? lang : "");
				for (j = 0; j < nalts && strcmp(alts[j], s) != 0; j++)
					;
				if (j < nalts)
					problem(c, c->cur, line_of(n), "%s has two rel=\"alternate\" links "
					    "of one type and language", what);
				alts = xgrow(alts, &cap, nalts + 1, sizeof(*alts));
				alts[nalts++] = s;
				free(type);
				free(lang);
			}
			free(rel);
		}
	}
	for (i = 0; i < nalts; i++)
		free(alts[i]);
	free(alts);
}

struct feed_id {
	char *id;	/* the entry's id */
	long line;	/* where it is */
};

static int
cmp_feed_id(const void *a, const void *b)
{
	const struct feed_id *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	return r ? r : x->line < y->line ? -1 : x->line > y->line;
}

/* Reports ids given to more than one entry of a feed. */
static void
unique_ids(struct checker *c, struct feed_id *ids, size_t n, const char *what)
{
	size_t i;

	xqsort(ids, n, sizeof(*ids), cmp_feed_id);
	for (i = 1; i < n; i++)
		if (!strcmp(ids[i].id, ids[i - 1].id))
			problem(c, c->cur, ids[i].line, "two %s have the id \"%s\" (the other on line %ld)",
			    what, ids[i].id, ids[i - 1].line);
	for (i = 0; i < n; i++)
		free(ids[i].id);
	free(ids);
}

static void
check_atom(struct checker *c, xmlNodePtr feed)
{
	struct feed_id *ids = NULL;
	size_t nids = 0, cap = 0;
	xmlNodePtr e, k, id;
	char *type, *src;
	int feed_author = count_atom(feed, "author", NULL) > 0;

	atom_common(c, feed, "the feed");
	for (e = feed->children; e != NULL; e = e->next) {
		if (!is_atom(e, "entry"))
			continue;
		atom_common(c, e, "an entry");
		if (!feed_author && count_atom(e, "author", NULL) == 0 &&
		    !(count_atom(e, "source", &k) > 0 && count_atom(k, "author", NULL) > 0))
			problem(c, c->cur, line_of(e), "an entry has no <author>, and neither has the feed");
		if (count_atom(e, "content", &k) == 0) {
			xmlNodePtr l;
			int alt = 0;

			for (l = e->children; l != NULL; l = l->next)
				if (is_atom(l, "link")) {
					char *rel = attr(l, "rel");

					alt |= rel == NULL || !strcmp(rel, "alternate");
					free(rel);
				}
			if (!alt)
				problem(c, c->cur, line_of(e), "an entry has neither <content> nor a "
				    "rel=\"alternate\" <link>");
		} else {
			type = attr(k, "type");
			src = attr(k, "src");
			if (type != NULL && strcmp(type, "text") && strcmp(type, "html") &&
			    strcmp(type, "xhtml") && strchr(type, '/') == NULL)
				problem(c, c->cur, line_of(k), "<content type=\"%s\">: the type must be "
				    "text, html, xhtml or a media type", type);
			if (src != NULL && count_atom(e, "summary", NULL) == 0)
				problem(c, c->cur, line_of(e), "an entry with <content src> needs a <summary>");
			free(type);
			free(src);
		}
		if (count_atom(e, "id", &id) == 1) {
			ids = xgrow(ids, &cap, nids + 1, sizeof(*ids));
			ids[nids].id = text_of(id);
			ids[nids].line = line_of(id);
			nids++;
		}
	}
	unique_ids(c, ids, nids, "entries");
}

/* 1 if s looks like an RFC 822 date, as RSS wants: [Day, ]D Mon YYYY HH:MM[:SS] ZONE. */
static int
rfc822_ok(const char *s)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char *p = s;
	size_t i;
	int k;

	if (strlen(p) > 4 && p[3] == ',') {
		p += 4;
		p += strspn(p, " ");
	}
	for (k = 0; *p >= '0' && *p <= '9'; p++)
		k++;
	if (k < 1 || k > 2 || *p++ != ' ')
		return 0;
	for (i = 0; i < NELEM(months); i++)
		if (!strncmp(p, months[i], 3))
			break;
	if (i == NELEM(months) || p[3] != ' ')
		return 0;
	p += 4;
	for (k = 0; *p >= '0' && *p <= '9'; p++)
		k++;
	if ((k != 2 && k != 4) || *p++ != ' ')
		return 0;
	if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] == ':' &&
	    p[3] >= '0' && p[3] <= '9' && p[4] >= '0' && p[4] <= '9'))
		return 0;
	p += 5;
	if (*p == ':') {
		if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
			return 0;
		p += 3;
	}
	if (*p++ != ' ')
		return 0;
	if (*p == '+' || *p == '-')
		return strlen(p) == 5 && strspn(p + 1, "0123456789") == 4;
	return *p != '\0' && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(p) && strlen(p) <= 3;
}

static void
check_rss(struct checker *c, xmlNodePtr rss)
{
	static const char *const needed[] = { "title", "link", "description" };
	struct feed_id *ids = NULL;
	size_t nids = 0, cap = 0, i;
	xmlNodePtr ch, it, k;
	char *v = attr(rss, "version");

	if (v == NULL || strcmp(v, "2.0") != 0)
		problem(c, c->cur, line_of(rss), "<rss> has version \"%s\", not \"2.0\"", v ? v : "");
	free(v);
	if (count_rss(rss, "channel", &ch) != 1) {
		problem(c, c->cur, line_of(rss), "<rss> needs exactly one <channel>");
		return;
	}
	for (i = 0; i < NELEM(needed); i++)
		if (count_rss(ch, needed[i], NULL) != 1)
			problem(c, c->cur, line_of(ch), "<channel> needs exactly one <%s>", needed[i]);
	for (it = ch->children; it != NULL; it = it->next) {
		if (!is_rss(it, "item"))
			continue;
		if (count_rss(it, "title", NULL) == 0 && count_rss(it, "description", NULL) == 0)
			problem(c, c->cur, line_of(it), "an <item> needs a <title> or a <description>");
		if (count_rss(it, "pubDate", &k) > 0) {
			v = text_of(k);
			if (!rfc822_ok(v))
				problem(c, c->cur, line_of(k), "<pubDate> \"%s\" is not an RFC 822 date", v);
			free(v);
		}
		if (count_rss(it, "guid", &k) > 0) {
			ids = xgrow(ids, &cap, nids + 1, sizeof(*ids));
			ids[nids].id = text_of(k);
			ids[nids].line = line_of(k);
			nids++;
		}
	}
	unique_ids(c, ids, nids, "items");
}

static void
rng_error(void *ctx, xmlErrorPtr e)
{
	struct checker *c = ctx;
	char *msg = xstrdup(e->message ? e->message : "invalid");
	size_t n = strlen(msg);

	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	problem(c, c->cur, e->line, "not valid against the Atom schema: %s", msg);
	free(msg);
}

/* Keeps the first error of a parse, which says best what is wrong. */
static void
first_error(void *ctx, xmlErrorPtr e)
{
	xmlError *first = ctx;

	if (first->code == 0 && e->level >= XML_ERR_ERROR) {
		first->code = e->code;
		first->line = e->line;
		first->message = (char *)xmlStrdup(BAD_CAST (e->message ? e->message : ""));
	}
}

static void
check_xml(struct checker *c, size_t file)
{
	char *full = xasprintf("%s/%s", c->root, c->files[file].path);
	xmlRelaxNGValidCtxtPtr v;
	xmlError first;
	xmlDocPtr doc;
	xmlNodePtr root;

	memset(&first, 0, sizeof(first));
	c->cur = file;
	xmlSetStructuredErrorFunc(&first, first_error);
	doc = xmlReadFile(full, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || first.code != 0) {
		if (first.message != NULL) {
			first.message[strcspn(first.message, "\n")] = '\0';
			problem(c, file, first.line, "not well-formed XML: %s", first.message);
		} else
			problem(c, file, 0, "not well-formed XML");
		lazy_xml_free(first.message);
		xmlFreeDoc(doc);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root != NULL && is_atom(root, "feed")) {
		c->feeds++;
		check_atom(c, root);
		if (c->rng != NULL) {
			if ((v = xmlRelaxNGNewValidCtxt(c->rng)) == NULL)
				die("out of memory");
			xmlRelaxNGSetValidStructuredErrors(v, rng_error, c);
			xmlRelaxNGValidateDoc(v, doc);
			xmlRelaxNGFreeValidCtxt(v);
		}
	} else if (root != NULL && is_rss(root, "rss")) {
		c->feeds++;
		check_rss(c, root);
	}
	xmlFreeDoc(doc);
out:
	free(full);
}

/* Loads the schema CRIER_ATOM_RNG names; -1 after saying why. */
static int
load_schema(struct checker *c, const char *path)
{
	xmlRelaxNGParserCtxtPtr p = xmlRelaxNGNewParserCtxt(path);

	if (p == NULL)
		die("out of memory");
	xmlRelaxNGSetParserStructuredErrors(p, NULL, NULL);
	c->rng = xmlRelaxNGParse(p);
	xmlRelaxNGFreeParserCtxt(p);
	if (c->rng == NULL) {
		fprintf(stderr, "%s: error: CRIER_ATOM_RNG names no RELAX NG schema crier can read\n",
		    path);
		return -1;
	}
	return 0;
}

/* Ignores libxml2's own messages: every problem is reported by its caller. */
static void
quiet_xml(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* The site's settings from site.ini of ref (NULL: HEAD). */
static int
read_config(const char *dir, const char *ref, struct config *cfg)
{
	struct diag d = { 0, 0, 1, NULL };
	struct repo *r = NULL;
	char *text = NULL;
	size_t len;
	int rc = -1;

	if (repo_open(&r, ".", dir ? dir : ".", ref ? ref : "HEAD", &d) < 0)
		goto out;
	if (repo_read(r, "site.ini", &text, &len, &d) < 0)
		goto out;
	if (text != NULL && config_parse(cfg, "site.ini", text, len, &d) < 0)
		goto out;
	rc = 0;
out:
	free(text);
	repo_free(r);
	return rc;
}

static void
checker_free(struct checker *c)
{
	size_t i, j;

	for (i = 0; i < c->nfiles; i++) {
		for (j = 0; j < c->files[i].nids; j++)
			free(c->files[i].ids[j]);
		free(c->files[i].ids);
		free(c->files[i].path);
	}
	free(c->files);
	for (i = 0; i < c->ndirs; i++)
		free(c->dirs[i]);
	free(c->dirs);
	for (i = 0; i < c->npend; i++) {
		free(c->pend[i].ref);
		free(c->pend[i].frag);
	}
	free(c->pend);
	for (i = 0; i < c->nmsgs; i++)
		free(c->msgs[i].text);
	free(c->msgs);
	for (i = 0; i < c->nreported; i++)
		free(c->reported[i]);
	free(c->reported);
	free(c->host);
	if (c->rng != NULL)
		xmlRelaxNGFree(c->rng);
}

/* Checks the output folder root of a site built with cfg; 0, or 1 after reporting. */
static int
check_output(const char *root, const struct config *cfg)
{
	struct checker c;
	const char *rng = getenv("CRIER_ATOM_RNG"), *auth, *end;
	size_t i;
	int port, rc = 1;

	memset(&c, 0, sizeof(c));
	c.root = root;
	c.cfg = cfg;
	if (*cfg->url != '\0') {
		auth = strstr(cfg->url, "://") + 3;
		end = auth + strcspn(auth, "/");
		c.host = authority_host(auth, (size_t)(end - auth), &port);
	}
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	if (rng != NULL && *rng != '\0' && load_schema(&c, rng) < 0)
		goto out;
	if (walk(&c, "") < 0)
		goto out;
	xqsort(c.files, c.nfiles, sizeof(*c.files), cmp_file);
	xqsort(c.dirs, c.ndirs, sizeof(*c.dirs), cmp_str);
	for (i = 0; i < c.nfiles; i++)
		if (str_suffix(c.files[i].path, ".html") || str_suffix(c.files[i].path, ".htm"))
			check_page(&c, i);
	check_pending(&c);
	for (i = 0; i < c.nfiles; i++)
		if (str_suffix(c.files[i].path, ".xml") || str_suffix(c.files[i].path, ".atom") ||
		    str_suffix(c.files[i].path, ".rss"))
			check_xml(&c, i);
	xqsort(c.msgs, c.nmsgs, sizeof(*c.msgs), cmp_msg);
	for (i = 0; i < c.nmsgs; i++)
		fprintf(stderr, "%s\n", c.msgs[i].text);
	if (c.nmsgs > 0) {
		fprintf(stderr, "crier: %zu problem%s in %zu page%s, %zu link%s and %zu feed%s checked\n",
		    c.nmsgs, c.nmsgs == 1 ? "" : "s", c.pages, c.pages == 1 ? "" : "s",
		    c.links, c.links == 1 ? "" : "s", c.feeds, c.feeds == 1 ? "" : "s");
		goto out;
	}
	printf("crier: %zu page%s, %zu link%s and %zu feed%s checked: no problems%s\n",
	    c.pages, c.pages == 1 ? "" : "s", c.links, c.links == 1 ? "" : "s",
	    c.feeds, c.feeds == 1 ? "" : "s", c.rng != NULL ? " (Atom against the schema too)" : "");
	rc = 0;
out:
	xmlSetGenericErrorFunc(NULL, NULL);
	checker_free(&c);
	return rc;
}

int
check_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "ref", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts o;
	struct config *cfg = NULL;
	const char *tmp = getenv("TMPDIR");
	char *root = NULL, *out = NULL;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hC:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'C':
			o.dir = optarg;
			break;
		case 'r':
			o.ref = optarg;
			break;
		default:
			return cli_bad_option(ch, argv, usage);
		}
	}
	if (optind != argc)
		return cli_extra(argv[optind], usage);
	if (cli_chdir(o.dir) < 0)
		return 1;
	root = xasprintf("%s/crier-check.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(root) == NULL) {
		fprintf(stderr, "%s: error: cannot make a temporary folder: %s\n", root, strerror(errno));
		free(root);
		return 1;
	}
	out = xasprintf("%s/site", root);
	o.out = out;
	o.quiet = 1;
	rc = build_run(&o);
	if (rc != 0) {
		fprintf(stderr, "crier: the site does not build, so it was not checked\n");
		goto done;
	}
	cfg = config_new();
	if (read_config(o.dir, o.ref, cfg) < 0) {
		fprintf(stderr, "crier: error: cannot read site.ini again after the build\n");
		rc = 1;
		goto done;
	}
	rc = check_output(out, cfg);
done:
	output_remove_tree(root);
	config_free(cfg);
	free(out);
	free(root);
	return rc;
}

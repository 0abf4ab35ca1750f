/*
 * feed: the feeds' XML.  Text that XML 1.0 cannot carry (C0 controls
 * other than tab and line ends) is dropped before it reaches the writer,
 * so that a stray control character in a post cannot make a feed that
 * readers reject.  Both feeds' dates are the entries' own, never the
 * clock, so one commit gives byte-identical feeds.  The sitemap is
 * written here too, being XML for machines like the feeds.
 */
#include "feed.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "lazy.h"	/* before libxml2's headers */

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>

#include "date.h"
#include "util.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define CONTENT_NS "http://purl.org/rss/1.0/modules/content/"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"

struct writer {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	struct buf clean;	/* scratch for text with bad characters dropped */
};

static void
check(int rc)
{
	/* Writing to memory fails only when memory does. */
	if (rc < 0)
		die("libxml2: cannot write a feed (out of memory?)");
}

/* Starts a document whose XML declaration names encoding. */
static void
writer_open_as(struct writer *wr, const char *encoding)
{
	memset(wr, 0, sizeof(*wr));
	wr->buf = xmlBufferCreate();
	if (wr->buf == NULL || (wr->w = xmlNewTextWriterMemory(wr->buf, 0)) == NULL)
		die("libxml2: out of memory");
	check(xmlTextWriterSetIndent(wr->w, 1));
	check(xmlTextWriterSetIndentString(wr->w, BAD_CAST "  "));
	check(xmlTextWriterStartDocument(wr->w, NULL, encoding, NULL));
}

static void
writer_open(struct writer *wr)
{
	writer_open_as(wr, "utf-8");
}

static void
writer_close(struct writer *wr, struct buf *out)
{
	check(xmlTextWriterEndDocument(wr->w));
	xmlFreeTextWriter(wr->w);
	buf_put(out, (const char *)xmlBufferContent(wr->buf), (size_t)xmlBufferLength(wr->buf));
	xmlBufferFree(wr->buf);
	buf_free(&wr->clean);
}

/*
 * The length of a character XML 1.0 forbids at p (a C0 control other than
 * tab and line ends, U+FFFE or U+FFFF), or 0.  The text is valid UTF-8:
 * cmark-gfm and libyaml have seen to that.
 */
static size_t
forbidden(const unsigned char *p)
{
	if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
		return 1;
	if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
		return 3;
	return 0;
}

/* s without the characters XML 1.0 forbids; borrowed until the next call. */
static const xmlChar *
clean(struct writer *wr, const char *s)
{
	const unsigned char *p, *start;
	size_t n;

	for (p = (const unsigned char *)s; *p; p++)
		if (forbidden(p))
			break;
	if (*p == '\0')
		return BAD_CAST s;
	buf_reset(&wr->clean);
	for (start = p = (const unsigned char *)s; *p; ) {
		if ((n = forbidden(p)) == 0) {
			p++;
			continue;
		}
		buf_put(&wr->clean, (const char *)start, (size_t)(p - start));
		p += n;
		start = p;
	}
	buf_put(&wr->clean, (const char *)start, (size_t)(p - start));
	return BAD_CAST buf_str(&wr->clean);
}

static void
element(struct writer *wr, const char *name, const char *text)
{
	check(xmlTextWriterWriteElement(wr->w, BAD_CAST name, clean(wr, text)));
}

static void
attribute(struct writer *wr, const char *name, const char *value)
{
	check(xmlTextWriterWriteAttribute(wr->w, BAD_CAST name, clean(wr, value)));
}

static void
start(struct writer *wr, const char *name)
{
	check(xmlTextWriterStartElement(wr->w, BAD_CAST name));
}

static void
end(struct writer *wr)
{
	check(xmlTextWriterEndElement(wr->w));
}

static void
link_element(struct writer *wr, const char *rel, const char *type, const char *href)
{
	start(wr, "link");
	attribute(wr, "rel", rel);
	attribute(wr, "type", type);
	attribute(wr, "href", href);
	end(wr);
}

static time_t
newest(const struct feed_info *f)
{
	time_t t = 0;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->entries[i].updated > t)
			t = f->entries[i].updated;
	return t;
}

void
feed_atom(const struct feed_info *f, struct buf *out)
{
	const struct feed_entry *e;
	struct writer wr;
	char date[64];
	size_t i, j;

	writer_open(&wr);
	start(&wr, "feed");
	attribute(&wr, "xmlns", ATOM_NS);
	if (*f->language)
		attribute(&wr, "xml:lang", f->language);
	element(&wr, "title", f->title);
	if (*f->subtitle)
		element(&wr, "subtitle", f->subtitle);
	link_element(&wr, "self", "application/atom+xml", f->self);
	link_element(&wr, "alternate", "text/html", f->alt);
	element(&wr, "id", f->id);
	date_rfc3339(newest(f), date, sizeof(date));
	element(&wr, "updated", date);
	if (*f->author) {
		start(&wr, "author");
		element(&wr, "name", f->author);
		end(&wr);
	}
	start(&wr, "generator");
	attribute(&wr, "version", f->version);
	check(xmlTextWriterWriteString(wr.w, BAD_CAST "crier"));
	end(&wr);
	for (i = 0; i < f->n; i++) {
		e = &f->entries[i];
		start(&wr, "entry");
		start(&wr, "title");
		attribute(&wr, "type", "text");
		check(xmlTextWriterWriteString(wr.w, clean(&wr, e->title)));
		end(&wr);
		link_element(&wr, "alternate", "text/html", e->link);
		element(&wr, "id", e->id);
		date_rfc3339(e->published, date, sizeof(date));
		element(&wr, "published", date);
		date_rfc3339(e->updated, date, sizeof(date));
		element(&wr, "updated", date);
		start(&wr, "author");
		element(&wr, "name", e->author);
		end(&wr);
		for (j = 0; j < e->ncats; j++) {
			start(&wr, "category");
			attribute(&wr, "term", e->cats[j]);
			end(&wr);
		}
		if (e->summary) {
			start(&wr, "summary");
			attribute(&wr, "type", "text");
			check(xmlTextWriterWriteString(wr.w, clean(&wr, e->summary)));
			end(&wr);
		}
		start(&wr, "content");
		attribute(&wr, "type", "html");
		check(xmlTextWriterWriteString(wr.w, clean(&wr, e->html)));
		end(&wr);
		end(&wr);
	}
	end(&wr);
	writer_close(&wr, out);
}

void
feed_rss(const struct feed_info *f, struct buf *out)
{
	const struct feed_entry *e;
	struct writer wr;
	char date[64];
	size_t i, j;

	writer_open(&wr);
	start(&wr, "rss");
	attribute(&wr, "version", "2.0");
	attribute(&wr, "xmlns:atom", ATOM_NS);
	attribute(&wr, "xmlns:content", CONTENT_NS);
	attribute(&wr, "xmlns:dc", DC_NS);
	start(&wr, "channel");
	element(&wr, "title", f->title);
	element(&wr, "link", f->alt);
	/* description is required; the title serves when the site has none. */
	element(&wr, "description", *f->subtitle ? f->subtitle : f->title);
	if (*f->language)
		element(&wr, "language", f->language);
	date_rfc822(newest(f), date, sizeof(date));
	element(&wr, "lastBuildDate", date);
	element(&wr, "generator", "crier");
	start(&wr, "atom:link");
	attribute(&wr, "href", f->self);
	attribute(&wr, "rel", "self");
	attribute(&wr, "type", "application/rss+xml");
	end(&wr);
	for (i = 0; i < f->n; i++) {
		e = &f->entries[i];
		start(&wr, "item");
		element(&wr, "title", e->title);
		element(&wr, "link", e->link);
		start(&wr, "guid");
		attribute(&wr, "isPermaLink", "false");
		check(xmlTextWriterWriteString(wr.w, clean(&wr, e->id)));
		end(&wr);
		date_rfc822(e->published, date, sizeof(date));
		element(&wr, "pubDate", date);
		date_rfc3339(e->updated, date, sizeof(date));
		element(&wr, "atom:updated", date);
		/* RSS's author wants an e-mail address; dc:creator takes a name. */
		element(&wr, "dc:creator", e->author);
		for (j = 0; j < e->ncats; j++)
			element(&wr, "category", e->cats[j]);
		if (e->summary) {
			/* A description is HTML; a summary is text, so it is escaped first. */
			struct buf h = BUF_INIT;

			buf_put_html(&h, e->summary, strlen(e->summary));
			element(&wr, "description", buf_str(&h));
			buf_free(&h);
		} else
			element(&wr, "description", e->html);
		element(&wr, "content:encoded", e->html);
		end(&wr);
	}
	end(&wr);
	end(&wr);
	writer_close(&wr, out);
}

/*
 * 1 if loc fits the sitemap schema's tLoc: from 12 to 2048 characters.  A
 * single loc outside those bounds makes the whole sitemap invalid, and a
 * search engine may then drop every URL in it, so such a page is left
 * out rather than written.
 */
static int
loc_fits(const char *loc)
{
	const unsigned char *p;
	size_t n = 0;

	for (p = (const unsigned char *)loc; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n >= 12 && n <= 2048;
}

void
feed_sitemap(const struct sitemap_url *u, size_t n, struct buf *out)
{
	struct writer wr;
	struct tm tm;
	char date[64];
	const xmlChar *loc;
	size_t i;

	writer_open_as(&wr, "UTF-8");
	start(&wr, "urlset");
	attribute(&wr, "xmlns", SITEMAP_NS);
	for (i = 0; i < n; i++) {
		loc = clean(&wr, u[i].loc);
		if (!loc_fits((const char *)loc))
			continue;
		start(&wr, "url");
		check(xmlTextWriterWriteElement(wr.w, BAD_CAST "loc", loc));
		/* UTC, not the site's zone: a W3C datetime read the same anywhere. */
		if (u[i].lastmod != 0 && gmtime_r(&u[i].lastmod, &tm) != NULL &&
		    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			element(&wr, "lastmod", date);
		end(&wr);
	}
	end(&wr);
	writer_close(&wr, out);
}

/* 1 if url starts with a scheme ("mailto:", "https:"). */
static int
has_scheme(const char *url, size_t n)
{
	size_t i;

	if (n == 0 || !((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++) {
		char c = url[i];

		if (c == ':')
			return 1;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '-' || c == '.'))
			return 0;
	}
	return 0;
}

static void
resolve(struct buf *b, const char *url, size_t n, const char *site, const char *page)
{
	const char *host, *slash;

	if (n >= 2 && url[0] == '/' && url[1] == '/') {
		buf_put(b, url, n);
	} else if (has_scheme(url, n)) {
		buf_put(b, url, n);
	} else if (n > 0 && url[0] == '/') {
		/* The origin: scheme and host of the site's URL. */
		host = strstr(site, "://");
		host = host ? host + 3 : site;
		slash = strchr(host, '/');
		buf_put(b, site, slash ? (size_t)(slash - site) : strlen(site));
		buf_put(b, url, n);
	} else if (n > 0 && url[0] == '#') {
		buf_puts(b, page);
		buf_put(b, url, n);
	} else {
		/* Relative to the post's folder. */
		slash = strrchr(page, '/');
		buf_put(b, page, slash ? (size_t)(slash - page) + 1 : strlen(page));
		buf_put(b, url, n);
	}
}

/* 1 if the attribute name of n bytes at p is href or src. */
static int
url_attr(const char *p, size_t n)
{
	return (n == 4 && strncasecmp(p, "href", 4) == 0) || (n == 3 && strncasecmp(p, "src", 3) == 0);
}

/*
 * Copies the tag at p (just after its '<') to b with its href and src
 * values resolved; returns the first byte after the tag.  Text between
 * tags is never touched: there, '<' is always written "&lt;", so a code
 * sample that shows a link is left as it is.
 */
static const char *
copy_tag(struct buf *b, const char *p, const char *site, const char *page)
{
	const char *name, *v;
	size_t n;
	char q;

	while (*p && *p != '>') {
		if (!(*p == '_' || *p == '-' || *p == ':' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
			buf_putc(b, *p++);
			continue;
		}
		name = p;
		while (*p == '_' || *p == '-' || *p == ':' || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			p++;
		n = (size_t)(p - name);
		buf_put(b, name, n);
		if (*p != '=')
			continue;
		buf_putc(b, *p++);
		q = *p;
		if (q != '"' && q != '\'') {
			/* An unquoted value ends at white space or '>'. */
			v = p;
			while (*p && *p != ' ' && *p != '>' && *p != '\t' && *p != '\n')
				p++;
		} else {
			buf_putc(b, *p++);
			v = p;
			while (*p && *p != q)
				p++;
		}
		if (url_attr(name, n))
			resolve(b, v, (size_t)(p - v), site, page);
		else
			buf_put(b, v, (size_t)(p - v));
		if ((q == '"' || q == '\'') && *p == q)
			buf_putc(b, *p++);
	}
	return p;
}

char *
feed_absolute(const char *html, const char *site, const char *page)
{
	struct buf b = BUF_INIT;
	const char *p = html, *lt;

	if (*site == '\0')
		return xstrdup(html);
	while ((lt = strchr(p, '<')) != NULL) {
		buf_put(&b, p, (size_t)(lt + 1 - p));
		p = lt + 1;
		/* Comments and declarations are copied as they are. */
		if (*p == '!' || *p == '?' || *p == '/')
			continue;
		p = copy_tag(&b, p, site, page);
	}
	buf_puts(&b, p);
	return buf_detach(&b);
}

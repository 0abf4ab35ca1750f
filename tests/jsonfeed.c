/*
 * Unit tests of the JSON Feed and the sitemap.  Each document is judged
 * as a reader would take it: the JSON Feed parsed back with jansson, the
 * sitemap validated by libxml2 against the sitemaps.org schema
 * ($SHARED/schemas/sitemap.xsd).  The TAP harness is unit.c's.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "buf.h"
#include "feed.h"
#include "jsonfeed.h"

#include "tap.h"


/* --- JSON Feed --- */

static const char *const two_cats[] = { "Alerts", "Announcements" };

/* Every kind of text a JSON writer can get wrong. */
#define HARD_TITLE "Fish & chips <b>\"quoted\"</b> back\\slash /slash caf\xC3\xA9 " \
	"\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80 ctl\x01\x1F\x7F tab\tnl\n " \
	"ls\xE2\x80\xA8ps\xE2\x80\xA9 </script>"

static const struct feed_entry entries[] = {
	{
		.title = HARD_TITLE,
		.link = "https://example.com/2017/09/08/irma/?a=1&b=2",
		.id = "tag:example.com,2017-09-08:/2017/09/08/irma/",
		.author = "vlad",
		.summary = "Schedule & SLA",
		.html = "<p>Body &amp; <a href=\"https://example.com/x\">link</a></p>\n",
		.cats = two_cats,
		.ncats = 2,
		.published = 1504926120,	/* 2017-09-09T03:02:00Z */
		.updated = 1505001600,	/* 2017-09-10T00:00:00Z */
	},
	{
		.title = "Second",
		.link = "https://example.com/2017/01/01/second/",
		.id = "tag:example.com,2017-01-01:/2017/01/01/second/",
		.author = "Zo\xC3\xAB",
		.summary = NULL,
		.html = "",
		.cats = NULL,
		.ncats = 0,
		.published = 0,
		.updated = 0,
	},
};

static const struct feed_info full = {
	.title = "Test Site",
	.subtitle = "Alerts & announcements",
	.language = "en",
	.self = "https://example.com/feed.json",
	.alt = "https://example.com/",
	.id = "https://example.com/",
	.author = "Site Author",
	.version = "0.1.0",
	.entries = entries,
	.n = 2,
};

/* The feed of f as text; the caller frees. */
static char *
json_text(const struct feed_info *f)
{
	struct buf b = BUF_INIT;

	feed_json(f, &b);
	return buf_detach(&b);
}

/* text parsed back, refusing duplicate keys; NULL after a failed check. */
static json_t *
parse(const char *text, const char *what)
{
	json_error_t err;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	char *detail = xasprintf("line %d: %s", err.line, err.text);

	result(doc != NULL && json_is_object(doc), what, detail);
	free(detail);
	return doc;
}

/* The string at key of o, or NULL if there is none. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The only author's name in the authors array at key "authors" of o. */
static const char *
author(const json_t *o)
{
	const json_t *a = json_object_get(o, "authors");

	if (!json_is_array(a) || json_array_size(a) != 1 || json_object_size(json_array_get(a, 0)) != 1)
		return NULL;
	return str(json_array_get(a, 0), "name");
}

static void
test_json_fields(void)
{
	char *text = json_text(&full);
	json_t *doc = parse(text, "a JSON Feed is valid JSON without duplicate keys");
	const json_t *items, *it, *tags;

	if (doc == NULL)
		goto out;
	STR_EQ(str(doc, "version"), "https://jsonfeed.org/version/1.1", "version is 1.1");
	STR_EQ(str(doc, "title"), "Test Site", "feed title");
	STR_EQ(str(doc, "home_page_url"), "https://example.com/", "home_page_url is the alt link");
	STR_EQ(str(doc, "feed_url"), "https://example.com/feed.json", "feed_url is the self link");
	STR_EQ(str(doc, "description"), "Alerts & announcements", "description is the subtitle");
	STR_EQ(str(doc, "language"), "en", "language");
	STR_EQ(author(doc), "Site Author", "the site's author in authors");
	OK(json_object_get(doc, "author") == NULL, "no JSON Feed 1.0 author object");
	INT_EQ((long)json_object_size(doc), 8, "no other top-level keys");
	items = json_object_get(doc, "items");
	OK(json_is_array(items) && json_array_size(items) == 2, "two items, in the order given");

	it = json_array_get(items, 0);
	STR_EQ(str(it, "id"), "tag:example.com,2017-09-08:/2017/09/08/irma/", "item id");
	STR_EQ(str(it, "url"), "https://example.com/2017/09/08/irma/?a=1&b=2", "item url, & as is");
	STR_EQ(str(it, "title"), HARD_TITLE,
	    "a title with & < > \" \\ /, non-ASCII, controls, U+2028 round trips");
	STR_EQ(str(it, "content_html"), entries[0].html, "content_html is the HTML, unescaped");
	STR_EQ(str(it, "summary"), "Schedule & SLA", "summary when set");
	STR_EQ(str(it, "date_published"), "2017-09-09T03:02:00Z", "date_published in UTC");
	STR_EQ(str(it, "date_modified"), "2017-09-10T00:00:00Z", "date_modified in UTC");
	STR_EQ(author(it), "vlad", "item authors");
	tags = json_object_get(it, "tags");
	OK(json_is_array(tags) && json_array_size(tags) == 2 &&
	    strcmp(json_string_value(json_array_get(tags, 0)), "Alerts") == 0 &&
	    strcmp(json_string_value(json_array_get(tags, 1)), "Announcements") == 0,
	    "tags are the category names, in order");
	INT_EQ((long)json_object_size(it), 9, "no other item keys");

	it = json_array_get(items, 1);
	STR_EQ(str(it, "title"), "Second", "second item");
	OK(json_object_get(it, "summary") == NULL, "no summary when there is none");
	OK(json_object_get(it, "tags") == NULL, "no tags without categories");
	STR_EQ(str(it, "content_html"), "", "empty content_html is kept");
	STR_EQ(str(it, "date_published"), "1970-01-01T00:00:00Z", "the epoch is a date too");
	STR_EQ(author(it), "Zo\xC3\xAB", "a non-ASCII author");
out:
	json_decref(doc);
	free(text);
}

static void *
thread_feed(void *out)
{
	*(char **)out = json_text(&full);
	return NULL;
}

/*
 * Feeds written by several threads at once, before any other jansson
 * call, so that they race to seed jansson's hash function too.
 */
static void
test_json_threads(void)
{
	pthread_t t[8];
	char *text[8], *mine;
	size_t i, same = 0, made = 0;

	for (i = 0; i < NELEM(t); i++)
		made += pthread_create(&t[i], NULL, thread_feed, &text[i]) == 0;
	if (made < NELEM(t))
		die("pthread_create failed");
	for (i = 0; i < NELEM(t); i++)
		pthread_join(t[i], NULL);
	mine = json_text(&full);
	for (i = 0; i < NELEM(t); i++) {
		same += strcmp(text[i], mine) == 0;
		free(text[i]);
	}
	INT_EQ((long)same, (long)NELEM(t), "feeds written by eight threads at once are the same");
	free(mine);
}

static void
test_json_text(void)
{
	char *text = json_text(&full), *again;
	struct buf b = BUF_INIT;
	size_t n = strlen(text);
	const unsigned char *p;
	int raw_ctl = 0;

	OK(strncmp(text, "{\n \"version\": ", 14) == 0, "version is the first key");
	OK(strstr(text, "\"title\"") < strstr(text, "\"home_page_url\"") &&
	    strstr(text, "\"feed_url\"") < strstr(text, "\"items\""), "keys in insertion order");
	OK(n > 2 && text[n - 1] == '\n' && text[n - 2] != '\n', "one final newline");
	OK(strstr(text, "\\/") == NULL && strstr(text, "\"https://example.com/\"") != NULL,
	    "slashes are not escaped");
	OK(strstr(text, "ctl\\u0001\\u001F") != NULL, "control characters are escaped");
	for (p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 && *p != '\n')
			raw_ctl = 1;
	OK(!raw_ctl, "no raw control character but the line ends");
	OK(strstr(text, "caf\xC3\xA9") != NULL, "non-ASCII is written as UTF-8, not escaped");
	OK(strstr(text, "\\\"quoted\\\"") != NULL && strstr(text, "back\\\\slash") != NULL,
	    "quotes and backslashes are escaped");

	again = json_text(&full);
	STR_EQ(again, text, "the same feed gives the same bytes");
	free(again);

	buf_puts(&b, "before");
	feed_json(&full, &b);
	OK(b.len == 6 + n && strncmp(b.s, "before", 6) == 0 && strcmp(b.s + 6, text) == 0,
	    "feed_json appends to the buffer");
	buf_free(&b);
	free(text);
}

static void
test_json_zone(void)
{
	char *text;
	json_t *doc;

	/* The site's zone must not leak into the dates. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	text = json_text(&full);
	setenv("TZ", "UTC", 1);
	tzset();
	doc = parse(text, "a feed written in another zone");
	if (doc != NULL)
		STR_EQ(str(json_array_get(json_object_get(doc, "items"), 0), "date_published"),
		    "2017-09-09T03:02:00Z", "dates are UTC whatever the site's zone");
	json_decref(doc);
	free(text);
}

static void
test_json_empty(void)
{
	struct feed_info f = full;
	char *text;
	json_t *doc;

	f.subtitle = "";
	f.language = "";
	f.author = "";
	f.entries = NULL;
	f.n = 0;
	text = json_text(&f);
	doc = parse(text, "an empty feed is valid JSON");
	if (doc != NULL) {
		OK(json_is_array(json_object_get(doc, "items")) &&
		    json_array_size(json_object_get(doc, "items")) == 0, "an empty feed has items: []");
		OK(json_object_get(doc, "description") == NULL, "no description without a subtitle");
		OK(json_object_get(doc, "language") == NULL, "no language when none is set");
		OK(json_object_get(doc, "authors") == NULL, "no authors without a site author");
		INT_EQ((long)json_object_size(doc), 5, "only the required keys");
	}
	json_decref(doc);
	free(text);
}

static void
test_json_empty_summary(void)
{
	struct feed_entry e = entries[0];
	struct feed_info f = full;
	char *text;
	json_t *doc;

	e.summary = "";
	f.entries = &e;
	f.n = 1;
	text = json_text(&f);
	doc = parse(text, "a feed with an empty summary");
	if (doc != NULL)
		OK(json_object_get(json_array_get(json_object_get(doc, "items"), 0), "summary") == NULL,
		    "an empty summary is left out");
	json_decref(doc);
	free(text);
}

static void
test_json_bad_utf8(void)
{
	static const char *const cats[] = { "ok", "bad\xFF" };
	struct feed_entry e = entries[1];
	struct feed_info f = full;
	const json_t *it;
	char *text;
	json_t *doc;

	/* A stray byte, a cut sequence, an overlong '/', a surrogate, past U+10FFFF. */
	e.title = "a\xFF" "b\xC3";
	e.summary = "\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|\xE2\x82";
	e.author = "\x80";
	e.cats = cats;
	e.ncats = 2;
	f.title = "T\xFE";
	f.entries = &e;
	f.n = 1;
	text = json_text(&f);
	doc = parse(text, "text that is not UTF-8 still makes valid JSON");
	if (doc != NULL) {
		it = json_array_get(json_object_get(doc, "items"), 0);
		STR_EQ(str(doc, "title"), "T\xEF\xBF\xBD", "a bad byte of the feed title becomes U+FFFD");
		STR_EQ(str(it, "title"), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD", "bad bytes of a title become U+FFFD");
		STR_EQ(str(it, "summary"),
		    "\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|"
		    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD",
		    "overlong forms, surrogates and code points past U+10FFFF are mended byte by byte");
		STR_EQ(author(it), "\xEF\xBF\xBD", "a bad author is mended");
		STR_EQ(json_string_value(json_array_get(json_object_get(it, "tags"), 1)),
		    "bad\xEF\xBF\xBD", "a bad tag is mended");
		STR_EQ(json_string_value(json_array_get(json_object_get(it, "tags"), 0)), "ok",
		    "a good tag beside it is kept");
	}
	json_decref(doc);
	free(text);
}

/* --- sitemap --- */

#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"

static xmlSchemaPtr schema;
static struct buf schema_errors;	/* what the last validation said */

static void
schema_error(void *data, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	(void)data;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_puts(&schema_errors, line);
}

static void
load_schema(void)
{
	const char *shared = getenv("SHARED");
	char *path = xasprintf("%s/schemas/sitemap.xsd", shared && *shared ? shared : "../shared");
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(path);

	if (pctx != NULL)
		schema = xmlSchemaParse(pctx);
	xmlSchemaFreeParserCtxt(pctx);
	result(schema != NULL, "the sitemap schema loads", path);
	free(path);
}

/* 1 if text is valid against the sitemap schema; the document in *docp. */
static int
valid(const char *text, xmlDocPtr *docp)
{
	xmlSchemaValidCtxtPtr vctx;
	int rc = -1;

	*docp = xmlReadMemory(text, (int)strlen(text), "sitemap.xml", NULL, XML_PARSE_NONET);
	if (*docp == NULL || schema == NULL)
		return 0;
	buf_reset(&schema_errors);
	if ((vctx = xmlSchemaNewValidCtxt(schema)) != NULL) {
		xmlSchemaSetValidErrors(vctx, schema_error, schema_error, NULL);
		rc = xmlSchemaValidateDoc(vctx, *docp);
	}
	xmlSchemaFreeValidCtxt(vctx);
	return rc == 0;
}

/* The element children of node named name, in order. */
static xmlNodePtr
child(xmlNodePtr node, const char *name, int nth)
{
	xmlNodePtr c;

	for (c = node ? node->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 &&
		    nth-- == 0)
			return c;
	return NULL;
}

static int
children(xmlNodePtr node)
{
	xmlNodePtr c;
	int n = 0;

	for (c = node ? node->children : NULL; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	return n;
}

/* The text of node; the caller frees.  "" for no node. */
static char *
text_of(xmlNodePtr node)
{
	xmlChar *s = node ? xmlNodeGetContent(node) : NULL;
	char *copy = xstrdup(s ? (const char *)s : "");

	xmlFree(s);
	return copy;
}

static char *
sitemap_text(const struct sitemap_url *u, size_t n)
{
	struct buf b = BUF_INIT;

	feed_sitemap(u, n, &b);
	return buf_detach(&b);
}

static void
test_sitemap(void)
{
	static const struct sitemap_url urls[] = {
		{ "https://example.com/", 1505001600 },
		{ "https://example.com/search?q=a&page=2", 0 },
		{ "https://example.com/caf\xC3\xA9/\x01x/", 1504926120 },
	};
	char *text = sitemap_text(urls, NELEM(urls)), *again, *s;
	xmlNodePtr root, url;
	xmlDocPtr doc;

	OK(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0,
	    "the XML declaration names UTF-8");
	result(valid(text, &doc), "the sitemap is valid against sitemap.xsd", buf_str(&schema_errors));
	OK(strstr(text, "?q=a&amp;page=2") != NULL, "& in a URL is written &amp;");
	root = xmlDocGetRootElement(doc);
	OK(root != NULL && strcmp((const char *)root->name, "urlset") == 0 && root->ns != NULL &&
	    strcmp((const char *)root->ns->href, SITEMAP_NS) == 0, "urlset in the sitemap namespace");
	INT_EQ(children(root), 3, "one url per page");

	url = child(root, "url", 0);
	s = text_of(child(url, "loc", 0));
	STR_EQ(s, "https://example.com/", "first loc, in the order given");
	free(s);
	s = text_of(child(url, "lastmod", 0));
	STR_EQ(s, "2017-09-10T00:00:00Z", "lastmod is a W3C datetime in UTC");
	free(s);

	url = child(root, "url", 1);
	s = text_of(child(url, "loc", 0));
	STR_EQ(s, "https://example.com/search?q=a&page=2", "a loc with & reads back whole");
	free(s);
	OK(child(url, "lastmod", 0) == NULL && children(url) == 1, "no lastmod when it is 0");

	url = child(root, "url", 2);
	s = text_of(child(url, "loc", 0));
	STR_EQ(s, "https://example.com/caf\xC3\xA9/x/", "non-ASCII kept, a control character dropped");
	free(s);
	s = text_of(child(url, "lastmod", 0));
	STR_EQ(s, "2017-09-09T03:02:00Z", "a lastmod that is not midnight");
	free(s);
	xmlFreeDoc(doc);

	setenv("TZ", "America/New_York", 1);
	tzset();
	again = sitemap_text(urls, NELEM(urls));
	setenv("TZ", "UTC", 1);
	tzset();
	STR_EQ(again, text, "the same pages give the same bytes, whatever the site's zone");
	free(again);
	free(text);
}

static void
test_sitemap_lengths(void)
{
	struct sitemap_url urls[3];
	char *longest, *too_long, *text, *s;
	xmlNodePtr root;
	xmlDocPtr doc;

	/* "https://example.com/" is 20 characters; pad to 2048 and 2049. */
	longest = xmalloc(2049);
	memcpy(longest, "https://example.com/", 20);
	memset(longest + 20, 'a', 2048 - 20);
	longest[2048] = '\0';
	too_long = xasprintf("%sb", longest);
	urls[0] = (struct sitemap_url){ too_long, 1 };
	urls[1] = (struct sitemap_url){ longest, 2 };
	urls[2] = (struct sitemap_url){ "http://a.b/", 3 };	/* 11 characters */
	text = sitemap_text(urls, 3);
	result(valid(text, &doc), "a sitemap with over-long and too short URLs given is still valid",
	    buf_str(&schema_errors));
	root = xmlDocGetRootElement(doc);
	INT_EQ(children(root), 1, "URLs the schema refuses are left out");
	s = text_of(child(child(root, "url", 0), "loc", 0));
	OK(strcmp(s, longest) == 0, "a loc of 2048 characters is kept");
	free(s);
	s = text_of(child(child(root, "url", 0), "lastmod", 0));
	STR_EQ(s, "1970-01-01T00:00:02Z", "its lastmod with it");
	free(s);
	xmlFreeDoc(doc);
	free(text);

	/* The limit counts characters, not bytes: é is one in two bytes. */
	free(too_long);
	too_long = xmalloc(2050);
	memcpy(too_long, longest, 2046);
	memcpy(too_long + 2046, "\xC3\xA9" "a", 4);
	urls[0] = (struct sitemap_url){ too_long, 0 };
	text = sitemap_text(urls, 1);
	OK(valid(text, &doc) && children(xmlDocGetRootElement(doc)) == 1,
	    "2048 characters in 2049 bytes are kept");
	xmlFreeDoc(doc);
	free(text);
	free(too_long);
	free(longest);
}

/* The schema's own bounds, so that the ones feed_sitemap keeps are checked. */
static void
test_sitemap_schema(void)
{
	struct buf b = BUF_INIT;
	xmlDocPtr doc;
	size_t i;

	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" SITEMAP_NS
	    "\"><url><loc>https://example.com/");
	for (i = 20; i < 2049; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "</loc></url></urlset>\n");
	OK(!valid(b.s, &doc), "the schema refuses a loc of 2049 characters");
	xmlFreeDoc(doc);
	buf_reset(&b);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" SITEMAP_NS
	    "\"><url><loc>http://a.b/</loc></url></urlset>\n");
	OK(!valid(b.s, &doc), "the schema refuses a loc of 11 characters");
	xmlFreeDoc(doc);
	buf_free(&b);
}

static void
test_sitemap_empty(void)
{
	char *text = sitemap_text(NULL, 0);
	xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "sitemap.xml", NULL, XML_PARSE_NONET);
	xmlNodePtr root = xmlDocGetRootElement(doc);

	/* The schema wants one url at least; nothing can be done about that here. */
	OK(root != NULL && strcmp((const char *)root->name, "urlset") == 0 && children(root) == 0,
	    "no pages give a well-formed, empty urlset");
	xmlFreeDoc(doc);
	free(text);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	LIBXML_TEST_VERSION;
	test_json_threads();
	test_json_fields();
	test_json_text();
	test_json_zone();
	test_json_empty();
	test_json_empty_summary();
	test_json_bad_utf8();
	load_schema();
	test_sitemap();
	test_sitemap_lengths();
	test_sitemap_schema();
	test_sitemap_empty();
	xmlSchemaFree(schema);
	buf_free(&schema_errors);
	xmlCleanupParser();
	printf("1..%d\n", tests);
	return failed ? 1 : 0;
}

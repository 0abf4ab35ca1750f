/*
 * feedcheck: checks of crier's feeds for the shell tests, done with
 * libxml2 rather than grep so that a feed is judged as a reader parses it.
 *
 *   feedcheck atom SCHEMA.rng FILE...   valid against the Atom RELAX NG schema
 *   feedcheck rss FILE...               well-formed RSS 2.0 with what readers need
 *   feedcheck ids FILE...               no two entries or items share an id
 *
 * Every problem of every file is printed as "FILE: problem"; the exit
 * status is 1 if there was one, 2 on a usage error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"

static const char usage[] =
    "usage: feedcheck atom SCHEMA.rng FILE...\n"
    "       feedcheck rss FILE...\n"
    "       feedcheck ids FILE...\n";

static int problems;

static void
problem(const char *file, const char *fmt, ...)
{
	va_list ap;

	problems++;
	fprintf(stderr, "%s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The document of file, or NULL after saying why; never from the network. */
static xmlDocPtr
load(const char *file)
{
	xmlDocPtr doc = xmlReadFile(file, NULL, XML_PARSE_NONET);

	if (doc == NULL)
		problem(file, "not well-formed XML");
	return doc;
}

/* An XPath context for doc with the prefix "a" bound to Atom's namespace. */
static xmlXPathContextPtr
xpath_new(xmlDocPtr doc)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);

	if (ctx == NULL || xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST ATOM_NS) < 0) {
		fprintf(stderr, "feedcheck: out of memory\n");
		exit(2);
	}
	return ctx;
}

/* The nodes expr selects below node; the caller frees.  Never NULL. */
static xmlXPathObjectPtr
select_nodes(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr res;

	res = xmlXPathNodeEval(node, BAD_CAST expr, ctx);
	if (res == NULL || res->type != XPATH_NODESET) {
		fprintf(stderr, "feedcheck: bad XPath expression %s\n", expr);
		exit(2);
	}
	return res;
}

static int
count(xmlXPathObjectPtr res)
{
	return res->nodesetval ? res->nodesetval->nodeNr : 0;
}

static xmlNodePtr
nth(xmlXPathObjectPtr res, int i)
{
	return res->nodesetval->nodeTab[i];
}

/* Reads exactly n digits at *p into *v. */
static int
digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* The index of the three letters at *p in names, or -1. */
static int
name3(const char **p, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncmp(*p, names[i], 3) == 0) {
			*p += 3;
			return i;
		}
	return -1;
}

/* 0 = Sunday, by Zeller's congruence in Sakamoto's form. */
static int
weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	if (m < 3)
		y--;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/*
 * NULL if s is an RFC 822 date as crier writes it, "Fri, 08 Sep 2017
 * 23:02:00 -0400", else what is wrong with it.  Stricter than RFC 822
 * (two-digit day, seconds and a numeric zone required), since readers
 * differ on the rest; the day name must be the date's.
 */
static const char *
rfc822(const char *s)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	const char *p = s;
	int wd, d, mo, y, h, mi, sec, oh, om;

	if ((wd = name3(&p, days, 7)) < 0)
		return "no day name";
	if (*p++ != ',' || *p++ != ' ')
		return "no \", \" after the day name";
	if (digits(&p, 2, &d) || *p++ != ' ')
		return "no two-digit day";
	if ((mo = name3(&p, months, 12) + 1) == 0)
		return "no month name";
	if (*p++ != ' ' || digits(&p, 4, &y) || *p++ != ' ')
		return "no four-digit year";
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &sec) || *p++ != ' ')
		return "no HH:MM:SS time";
	if ((*p != '+' && *p != '-') || (p++, digits(&p, 2, &oh)) || digits(&p, 2, &om))
		return "no +ZZZZ zone";
	if (*p != '\0')
		return "text after the zone";
	if (d < 1 || d > month_days(y, mo))
		return "no such day in that month";
	if (h > 23 || mi > 59 || sec > 60)
		return "time out of range";
	if (oh > 14 || om > 59)
		return "zone out of range";
	if (weekday(y, mo, d) != wd)
		return "the day name is not the date's";
	return NULL;
}

/* Fails unless node has exactly one child element name (with a text value). */
static xmlNodePtr
need_one(xmlXPathContextPtr ctx, xmlNodePtr node, const char *file, const char *where,
    const char *name)
{
	xmlXPathObjectPtr res = select_nodes(ctx, node, name);
	xmlNodePtr found = NULL;
	xmlChar *text;

	if (count(res) != 1) {
		problem(file, "%s has %d <%s>, not one", where, count(res), name);
		goto out;
	}
	found = nth(res, 0);
	text = xmlNodeGetContent(found);
	if (text == NULL || *text == '\0') {
		problem(file, "%s has an empty <%s>", where, name);
		found = NULL;
	}
	xmlFree(text);
out:
	xmlXPathFreeObject(res);
	return found;
}

static void
need_date(xmlXPathContextPtr ctx, xmlNodePtr node, const char *file, const char *where,
    const char *name)
{
	xmlNodePtr n = need_one(ctx, node, file, where, name);
	xmlChar *text;
	const char *why;

	if (n == NULL)
		return;
	text = xmlNodeGetContent(n);
	if ((why = rfc822((const char *)text)) != NULL)
		problem(file, "%s: <%s>%s</%s> is not an RFC 822 date: %s", where, name,
		    (const char *)text, name, why);
	xmlFree(text);
}

static void
check_rss(const char *file)
{
	static const char *const item_needs[] = { "title", "link", "guid", "description" };
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr ctx = NULL;
	xmlXPathObjectPtr res = NULL;
	xmlNodePtr root, channel;
	xmlChar *version = NULL;
	char where[64];
	size_t j;
	int i;

	if ((doc = load(file)) == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns != NULL || !xmlStrEqual(root->name, BAD_CAST "rss")) {
		problem(file, "the root element is not <rss>");
		goto out;
	}
	version = xmlGetNoNsProp(root, BAD_CAST "version");
	if (version == NULL || !xmlStrEqual(version, BAD_CAST "2.0"))
		problem(file, "<rss> has version \"%s\", not \"2.0\"",
		    version ? (const char *)version : "");
	ctx = xpath_new(doc);
	if ((channel = need_one(ctx, root, file, "<rss>", "channel")) == NULL)
		goto out;
	need_one(ctx, channel, file, "the channel", "title");
	need_one(ctx, channel, file, "the channel", "link");
	need_one(ctx, channel, file, "the channel", "description");
	res = select_nodes(ctx, channel, "a:link[@rel='self' and @href!='']");
	if (count(res) != 1)
		problem(file, "the channel has %d <atom:link rel=\"self\">, not one", count(res));
	xmlXPathFreeObject(res);
	res = select_nodes(ctx, channel, "lastBuildDate");
	if (count(res) > 0)
		need_date(ctx, channel, file, "the channel", "lastBuildDate");
	xmlXPathFreeObject(res);
	res = select_nodes(ctx, channel, "item");
	for (i = 0; i < count(res); i++) {
		snprintf(where, sizeof(where), "item %d", i + 1);
		for (j = 0; j < sizeof(item_needs) / sizeof(item_needs[0]); j++)
			need_one(ctx, nth(res, i), file, where, item_needs[j]);
		need_date(ctx, nth(res, i), file, where, "pubDate");
	}
out:
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFree(version);
	xmlFreeDoc(doc);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_ids(const char *file)
{
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr ctx = NULL;
	xmlXPathObjectPtr res = NULL;
	char **ids = NULL;
	int i, n = 0;

	if ((doc = load(file)) == NULL)
		goto out;
	ctx = xpath_new(doc);
	res = select_nodes(ctx, xmlDocGetRootElement(doc), "/a:feed/a:entry/a:id | /rss/channel/item/guid");
	n = count(res);
	if ((ids = calloc((size_t)n + 1, sizeof(*ids))) == NULL) {
		fprintf(stderr, "feedcheck: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++)
		ids[i] = (char *)xmlNodeGetContent(nth(res, i));
	qsort(ids, (size_t)n, sizeof(*ids), cmp_str);
	for (i = 1; i < n; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0 && (i < 2 || strcmp(ids[i - 2], ids[i]) != 0))
			problem(file, "the id %s is not unique", ids[i]);
out:
	for (i = 0; i < n; i++)
		xmlFree(ids[i]);
	free(ids);
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
}

static void
check_atom(xmlRelaxNGPtr schema, const char *file)
{
	xmlRelaxNGValidCtxtPtr vctx = NULL;
	xmlDocPtr doc;

	if ((doc = load(file)) == NULL)
		return;
	if ((vctx = xmlRelaxNGNewValidCtxt(schema)) == NULL) {
		fprintf(stderr, "feedcheck: out of memory\n");
		exit(2);
	}
	/* libxml2 prints the reasons itself, each with the file and line. */
	if (xmlRelaxNGValidateDoc(vctx, doc) != 0)
		problem(file, "not valid against the Atom schema");
	xmlRelaxNGFreeValidCtxt(vctx);
	xmlFreeDoc(doc);
}

static xmlRelaxNGPtr
schema_load(const char *path)
{
	xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(path);
	xmlRelaxNGPtr schema = NULL;

	if (pctx != NULL)
		schema = xmlRelaxNGParse(pctx);
	xmlRelaxNGFreeParserCtxt(pctx);
	if (schema == NULL) {
		fprintf(stderr, "feedcheck: cannot read the schema %s\n", path);
		exit(2);
	}
	return schema;
}

int
main(int argc, char **argv)
{
	xmlRelaxNGPtr schema = NULL;
	int i;

	if (argc < 3)
		goto usage;
	LIBXML_TEST_VERSION
	if (strcmp(argv[1], "atom") == 0) {
		if (argc < 4)
			goto usage;
		schema = schema_load(argv[2]);
		for (i = 3; i < argc; i++)
			check_atom(schema, argv[i]);
		xmlRelaxNGFree(schema);
	} else if (strcmp(argv[1], "rss") == 0) {
		for (i = 2; i < argc; i++)
			check_rss(argv[i]);
	} else if (strcmp(argv[1], "ids") == 0) {
		for (i = 2; i < argc; i++)
			check_ids(argv[i]);
	} else
		goto usage;
	xmlCleanupParser();
	return problems > 0;
usage:
	fputs(usage, stderr);
	return 2;
}

/*
 * lazy: the stand-ins lazy.h names, each with its library's prototype
 * (the headers declare them), loading the library on the first call.
 */
#include "lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <libical/ical.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlwriter.h>

#include "util.h"

#ifdef CRIER_LAZY_LINKED

void
lazy_load(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, xmlInitParser);
}

void
lazy_xml_free(void *p)
{
	xmlFree(p);
}

#else

/* The sonames are the Makefile's, read off the libraries crier is built against. */
#ifndef XML_SONAME
#define XML_SONAME "libxml2.so.2"
#endif
#ifndef ICAL_SONAME
#define ICAL_SONAME "libical.so.3"
#endif

struct lib {
	const char *soname;
	const char *what;	/* what crier needs it for, for the message */
	void *handle;
	pthread_once_t once;
};

static struct lib xml = { XML_SONAME, "feeds, the sitemap and crier check", NULL, PTHREAD_ONCE_INIT };
static struct lib ical = { ICAL_SONAME, "maintenance calendars", NULL, PTHREAD_ONCE_INIT };

static void
open_lib(struct lib *l)
{
	if ((l->handle = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL)) == NULL)
		die("error: %s need %s, which cannot be loaded: %s", l->what, l->soname, dlerror());
}

/* The address of name in l's library, which l's load has opened. */
static void *
find(struct lib *l, const char *name)
{
	void *p = dlsym(l->handle, name);

	if (p == NULL)
		die("error: %s has no %s: %s", l->soname, name, dlerror());
	return p;
}

static void
load_xml(void)
{
	void (*init)(void);
	void *p;

	open_lib(&xml);
	/* Its tables are made here, before two threads can race to make them. */
	p = find(&xml, "xmlInitParser");
	memcpy(&init, &p, sizeof(init));
	init();
}

static void
load_ical(void)
{
	open_lib(&ical);
}

void
lazy_load(void)
{
	pthread_once(&xml.once, load_xml);
	pthread_once(&ical.once, load_ical);
}

static void *
sym_xml(const char *name)
{
	pthread_once(&xml.once, load_xml);
	return find(&xml, name);
}

static void *
sym_ical(const char *name)
{
	pthread_once(&ical.once, load_ical);
	return find(&ical, name);
}

/*
 * A stand-in: finds name once (threads that race store the same address;
 * acquire and release order the library's setting up before the call)
 * and calls it.  LAZY_VOID is the same for a function that returns
 * nothing.  Its names start with lazy_, which no parameter's does.  (The
 * name is made a string here: passed on, lazy.h's macro would rename it.)
 */
#define LAZY_FIND(lib, str, fn) \
	static _Atomic(void *) lazy_at; \
	void *lazy_p = atomic_load_explicit(&lazy_at, memory_order_acquire); \
	if (lazy_p == NULL) { \
		lazy_p = sym_##lib(str); \
		atomic_store_explicit(&lazy_at, lazy_p, memory_order_release); \
	} \
	memcpy(&fn, &lazy_p, sizeof(fn))
#define LAZY(lib, ret, name, params, args) \
	ret crier_##name params \
	{ \
		ret (*lazy_fn) params; \
		LAZY_FIND(lib, #name, lazy_fn); \
		return lazy_fn args; \
	}
#define LAZY_VOID(lib, name, params, args) \
	void crier_##name params \
	{ \
		void (*lazy_fn) params; \
		LAZY_FIND(lib, #name, lazy_fn); \
		lazy_fn args; \
	}

void
lazy_xml_free(void *p)
{
	static _Atomic(void *) at;
	xmlFreeFunc *fn = atomic_load_explicit(&at, memory_order_acquire);

	if (fn == NULL) {
		fn = sym_xml("xmlFree");
		atomic_store_explicit(&at, (void *)fn, memory_order_release);
	}
	/* The variable's value is read at each call: libxml2 lets a program change it. */
	(*fn)(p);
}

LAZY(xml, htmlDocPtr, htmlReadFile, (const char *url, const char *encoding, int options),
    (url, encoding, options))
LAZY(xml, const xmlChar *, xmlBufferContent, (const xmlBuffer *buf), (buf))
LAZY(xml, xmlBufferPtr, xmlBufferCreate, (void), ())
LAZY_VOID(xml, xmlBufferFree, (xmlBufferPtr buf), (buf))
LAZY(xml, int, xmlBufferLength, (const xmlBuffer *buf), (buf))
LAZY(xml, xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *doc), (doc))
LAZY_VOID(xml, xmlFreeDoc, (xmlDocPtr doc), (doc))
LAZY_VOID(xml, xmlFreeTextWriter, (xmlTextWriterPtr w), (w))
LAZY(xml, long, xmlGetLineNo, (const xmlNode *node), (node))
LAZY(xml, xmlChar *, xmlGetProp, (const xmlNode *node, const xmlChar *name), (node, name))
LAZY(xml, xmlTextWriterPtr, xmlNewTextWriterMemory, (xmlBufferPtr buf, int compression),
    (buf, compression))
LAZY(xml, xmlChar *, xmlNodeGetContent, (const xmlNode *node), (node))
LAZY(xml, xmlDocPtr, xmlReadFile, (const char *url, const char *encoding, int options),
    (url, encoding, options))
LAZY_VOID(xml, xmlRelaxNGFree, (xmlRelaxNGPtr schema), (schema))
LAZY_VOID(xml, xmlRelaxNGFreeParserCtxt, (xmlRelaxNGParserCtxtPtr ctxt), (ctxt))
LAZY_VOID(xml, xmlRelaxNGFreeValidCtxt, (xmlRelaxNGValidCtxtPtr ctxt), (ctxt))
LAZY(xml, xmlRelaxNGParserCtxtPtr, xmlRelaxNGNewParserCtxt, (const char *url), (url))
LAZY(xml, xmlRelaxNGValidCtxtPtr, xmlRelaxNGNewValidCtxt, (xmlRelaxNGPtr schema), (schema))
LAZY(xml, xmlRelaxNGPtr, xmlRelaxNGParse, (xmlRelaxNGParserCtxtPtr ctxt), (ctxt))
LAZY_VOID(xml, xmlRelaxNGSetParserStructuredErrors,
    (xmlRelaxNGParserCtxtPtr ctxt, xmlStructuredErrorFunc serror, void *ctx), (ctxt, serror, ctx))
LAZY_VOID(xml, xmlRelaxNGSetValidStructuredErrors,
    (xmlRelaxNGValidCtxtPtr ctxt, xmlStructuredErrorFunc serror, void *ctx), (ctxt, serror, ctx))
LAZY(xml, int, xmlRelaxNGValidateDoc, (xmlRelaxNGValidCtxtPtr ctxt, xmlDocPtr doc), (ctxt, doc))
LAZY_VOID(xml, xmlSetGenericErrorFunc, (void *ctx, xmlGenericErrorFunc handler), (ctx, handler))
LAZY_VOID(xml, xmlSetStructuredErrorFunc, (void *ctx, xmlStructuredErrorFunc handler),
    (ctx, handler))
LAZY(xml, xmlChar *, xmlStrdup, (const xmlChar *s), (s))
LAZY(xml, int, xmlTextWriterEndDocument, (xmlTextWriterPtr w), (w))
LAZY(xml, int, xmlTextWriterEndElement, (xmlTextWriterPtr w), (w))
LAZY(xml, int, xmlTextWriterSetIndent, (xmlTextWriterPtr w, int indent), (w, indent))
LAZY(xml, int, xmlTextWriterSetIndentString, (xmlTextWriterPtr w, const xmlChar *s), (w, s))
LAZY(xml, int, xmlTextWriterStartDocument,
    (xmlTextWriterPtr w, const char *version, const char *encoding, const char *standalone),
    (w, version, encoding, standalone))
LAZY(xml, int, xmlTextWriterStartElement, (xmlTextWriterPtr w, const xmlChar *name), (w, name))
LAZY(xml, int, xmlTextWriterWriteAttribute,
    (xmlTextWriterPtr w, const xmlChar *name, const xmlChar *content), (w, name, content))
LAZY(xml, int, xmlTextWriterWriteElement,
    (xmlTextWriterPtr w, const xmlChar *name, const xmlChar *content), (w, name, content))
LAZY(xml, int, xmlTextWriterWriteString, (xmlTextWriterPtr w, const xmlChar *content),
    (w, content))

LAZY_VOID(ical, icalcomponent_add_component, (icalcomponent *parent, icalcomponent *child),
    (parent, child))
LAZY_VOID(ical, icalcomponent_add_property, (icalcomponent *c, icalproperty *p), (c, p))
LAZY(ical, char *, icalcomponent_as_ical_string_r, (icalcomponent *c), (c))
LAZY_VOID(ical, icalcomponent_free, (icalcomponent *c), (c))
LAZY(ical, icalcomponent *, icalcomponent_new, (icalcomponent_kind kind), (kind))
LAZY(ical, struct icaldurationtype, icaldurationtype_from_int, (int t), (t))
LAZY(ical, icalerrorenum *, icalerrno_return, (void), ())
LAZY_VOID(ical, icalerror_clear_errno, (void), ())
LAZY(ical, const char *, icalerror_strerror, (icalerrorenum e), (e))
LAZY_VOID(ical, icalmemory_free_buffer, (void *buf), (buf))
LAZY_VOID(ical, icalmemory_free_ring, (void), ())
LAZY(ical, icalproperty *, icalproperty_new_calscale, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_categories, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_created, (struct icaltimetype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_description, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_dtend, (struct icaltimetype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_dtstamp, (struct icaltimetype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_dtstart, (struct icaltimetype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_lastmodified, (struct icaltimetype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_method, (icalproperty_method v), (v))
LAZY(ical, icalproperty *, icalproperty_new_prodid, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_refreshinterval, (struct icaldurationtype v), (v))
LAZY(ical, icalproperty *, icalproperty_new_source, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_status, (icalproperty_status v), (v))
LAZY(ical, icalproperty *, icalproperty_new_summary, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_uid, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_url, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_version, (const char *v), (v))
LAZY(ical, icalproperty *, icalproperty_new_x, (const char *v), (v))
LAZY_VOID(ical, icalproperty_set_x_name, (icalproperty *p, const char *name), (p, name))
LAZY(ical, struct icaltimetype, icaltime_from_timet_with_zone,
    (const time_t t, const int is_date, const icaltimezone *zone), (t, is_date, zone))
LAZY(ical, icaltimezone *, icaltimezone_get_utc_timezone, (void), ())

#endif

/*
 * Unit tests of the plain text of HTML (text.c) and of the calendar
 * (ics.c).  Each calendar is judged as a client would take it: parsed
 * back with libical's own parser, every value compared with what went
 * in, and every physical line checked against RFC 5545's rules (CR LF,
 * 75 octets, folds between UTF-8 sequences).  The TAP harness is
 * unit.c's.  Given a file name, the program writes its sample calendar
 * there instead, for ics.t to read with another parser.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "buf.h"
#include "date.h"
#include "ics.h"
#include "text.h"
#include "util.h"

#include "tap.h"


static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (time_t)date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* --- html_text --- */

static void
text_eq(const char *html, size_t max, const char *want, const char *what)
{
	char *got = html_text(html, max);

	STR_EQ(got, want, what);
	free(got);
}

static void
test_text(void)
{
	char *s;
	size_t max, len, off;
	long line;
	int good;
	const char *mixed = "<p>a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 b</p>";

	text_eq("<p>Hello <b>world</b>!</p>", 0, "Hello world!", "tags dropped");
	text_eq("&amp; &lt; &gt; &quot; &#39; &apos;", 0, "& < > \" ' '",
	    "the references HTML escaping writes");
	text_eq("a&nbsp;b", 0, "a\xC2\xA0" "b", "&nbsp; is U+00A0");
	text_eq("&#233;&#xE9;&#XE9;&#x1F600;", 0, "\xC3\xA9\xC3\xA9\xC3\xA9\xF0\x9F\x98\x80",
	    "decimal and hexadecimal references to UTF-8");
	text_eq("&#65&#x42 C", 0, "AB C", "numeric references without ';'");
	text_eq("&#0;|&#xD800;|&#1114112;|&#99999999999999999999999;", 0,
	    "\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD",
	    "NUL, surrogates and numbers past Unicode become U+FFFD");
	text_eq("&#150;&#x92;", 0, "\xE2\x80\x93\xE2\x80\x99", "&#128; to &#159; are windows-1252's");
	text_eq("&foo; &copy &amp &# &#x; & x", 0, "&foo; &copy &amp &# &#x; & x",
	    "unknown or unfinished references kept as written");
	text_eq("&mdash;&hellip;&rsquo;", 0, "\xE2\x80\x94\xE2\x80\xA6\xE2\x80\x99",
	    "common named references");
	text_eq("&amp;lt;", 0, "&lt;", "decoded once only");
	text_eq("<div><p>One</p><p>Two <em>and <strong>three</strong></em></p></div>", 0,
	    "One\n\nTwo and three", "nested tags; paragraphs apart by a blank line");
	text_eq("<h2>Impact</h2>\n<p>The API\nwill be   down.</p>\n<p>Sorry.</p>\n", 0,
	    "Impact\n\nThe API will be down.\n\nSorry.", "cmark-gfm's output");
	text_eq("<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n<p>after</p>",
	    0, "- a\n- b\n  - c\n- d\n\nafter", "list items, nested ones indented");
	text_eq("<p>Before:</p><ol><li><p>one</p></li><li><p>two</p></li></ol>", 0,
	    "Before:\n\n- one\n\n- two", "a loose list");
	text_eq("<ul><li></li><li>x</li></ul>", 0, "- x", "an empty item writes nothing");
	text_eq("a<br>b<br/><br />c<br><br><br><br>d", 0, "a\nb\n\nc\n\nd", "<br> and blank lines");
	text_eq("<p>a</p><p></p><p> </p><br><br><div></div><p>b</p>", 0, "a\n\nb",
	    "at most one blank line in a row");
	text_eq("  a   \t b  \n c  <span> </span> d ", 0, "a b c d", "runs of spaces collapsed");
	text_eq("<p>x</p><div>y</div>z", 0, "x\n\ny\nz", "<div> ends a line");
	text_eq("<pre><code>int x;\n\n\n\n  y = 1;   \n</code></pre><p>z</p>", 0,
	    "int x;\n\n  y = 1;\n\nz", "<pre> keeps its spaces and line ends");
	text_eq("<pre>a\r\nb\rc</pre>", 0, "a\nb\nc", "CR LF and CR in <pre>");
	text_eq("a<script>if (a < b) document.write('<p>x</p>')</script>b<style>p { }</style>c"
	    "<SCRIPT type=x>y</SCRIPT >d<script/>e</script>f<scripts>g</scripts>", 0, "abcdfg",
	    "<script> and <style> dropped with their contents");
	text_eq("a<script>never closed", 0, "a", "an unclosed <script>");
	text_eq("a<!-- <p>x</p> -->b<!-->c<!--->d<!-- open", 0, "abcd", "comments");
	text_eq("<!DOCTYPE html><?xml x?>a</ >b", 0, "ab", "declarations");
	text_eq("<a href=\"x>y\" title='>' data-x = \"<p>\">link</a>", 0, "link",
	    "'>' inside quoted attributes");
	text_eq("a < b, c<3, d<", 0, "a < b, c<3, d<", "a '<' that starts no tag is text");
	text_eq("a<b", 0, "a", "a tag cut short");
	text_eq("<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>b</td></tr></table>after", 0,
	    "k v\na b\n\nafter", "table rows and cells");
	text_eq("a\x01" "b&#7;c\x7F" "d&#x8D;e", 0, "abcde", "control characters dropped");
	text_eq("", 0, "", "nothing");
	text_eq("<p> </p>\n<br>", 0, "", "only white space");
	text_eq("\n\n<p>  x  </p>\n\n", 0, "x", "trimmed");
	text_eq("<li>x</li>", 0, "- x", "an item outside a list");

	text_eq("<p>abc def</p>", 4, "abc", "cut at max, trailing space trimmed");
	text_eq("<p>abc def</p>", 7, "abc def", "max the length: no cut");
	text_eq("<p>abc def</p>", 6, "abc de", "cut in a word");
	text_eq("\xC3\xA9\xC3\xA9\xC3\xA9", 3, "\xC3\xA9", "never inside a 2-byte sequence");
	text_eq("\xE2\x82\xAC\xE2\x82\xAC", 5, "\xE2\x82\xAC", "never inside a 3-byte sequence");
	text_eq("x\xF0\x9F\x98\x80", 4, "x", "never inside a 4-byte sequence");
	text_eq("&#x1F600;&#x1F600;", 7, "\xF0\x9F\x98\x80", "nor inside a decoded one");
	good = 1;
	for (max = 1; max <= 14; max++) {
		s = html_text(mixed, max);
		len = strlen(s);
		if (len > max || strncmp(s, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 b", len) != 0 ||
		    utf8_check(s, len, &off, &line) < 0 || len + 3 < (max < 12 ? max : 12)) {
			printf("# max %zu gives \"%s\"\n", max, s);
			good = 0;
		}
		free(s);
	}
	OK(good, "every cut of a line of 1- to 4-byte characters is a valid prefix");
}

/* --- ics_calendar --- */

static const char *const cats1[] = { "Database", "a,b;c\\d", "Net\xC3\xA9" };

#define SUMMARY1 "Database upgrade, phase 1; \"quoted\" \\ backslash\nsecond line"
#define DESC1 \
	"Impact\n\nThe primary database will be read-only: writes; reads, all fine.\n" \
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9" \
	"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9" \
	"\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC" \
	"\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC" \
	"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" \
	"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" \
	"a\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" \
	"aa\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80" \
	"aaa\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"
#define SUMMARY2 "Wartung: Gr\xC3\xB6\xC3\x9F" "en\xC3\xA4nderung \xE2\x80\x94 " \
	"\xE6\x9D\xB1\xE4\xBA\xAC\xE6\x9D\xB1\xE4\xBA\xAC\xE6\x9D\xB1\xE4\xBA\xAC\xE6\x9D\xB1" \
	"\xE4\xBA\xAC\xE6\x9D\xB1\xE4\xBA\xAC\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"
#define NAME "Status, Inc.; \\ Maintenance"
#define CALDESC "Line one\nLine two, with a comma; and a semicolon"

static struct ics_event sample_events[] = {
	{
		.uid = "20170908-db@status.example.com",
		.summary = SUMMARY1,
		.description = DESC1,
		.url = "https://status.example.com/2017/09/08/db/?a=1,2;b",
		.cats = cats1,
		.ncats = 3,
		.status = "scheduled",
	},
	{
		.uid = "id, with; odd \\ characters",
		.summary = SUMMARY2,
		.description = "",
		.url = "",
		.status = NULL,
	},
	{
		.uid = "20170910-ctl@status.example.com",
		.summary = "\x01tab\there\r\nCR LF\rCR\x7F",
		.description = NULL,
		.url = NULL,
		.status = "completed",
	},
};

static void
sample(struct ics_info *info)
{
	sample_events[0].start = utc(2017, 9, 8, 23, 2, 0);
	sample_events[0].end = utc(2017, 9, 9, 1, 30, 0);
	sample_events[0].created = utc(2017, 9, 1, 12, 0, 0);
	sample_events[0].modified = utc(2017, 9, 2, 8, 15, 30);
	sample_events[1].start = utc(2017, 9, 9, 10, 0, 0);
	sample_events[1].end = sample_events[1].start;
	sample_events[1].created = utc(2017, 9, 3, 0, 0, 0);
	sample_events[1].modified = utc(2017, 9, 3, 0, 0, 0);
	sample_events[2].start = utc(2030, 1, 1, 0, 0, 0);
	sample_events[2].end = utc(2030, 1, 1, 0, 0, 1);
	sample_events[2].created = utc(1999, 12, 31, 23, 59, 59);
	sample_events[2].modified = utc(2000, 2, 29, 0, 0, 0);
	memset(info, 0, sizeof(*info));
	info->name = NAME;
	info->description = CALDESC;
	info->url = "https://status.example.com/maintenance.ics";
	info->version = "0.1.0";
	info->events = sample_events;
	info->n = NELEM(sample_events);
}

/*
 * Checks RFC 5545's rules on every physical line of s: each ends in
 * CR LF, holds no other CR or LF, is at most 75 octets, and is valid
 * UTF-8 by itself, so that no fold split a sequence.
 */
static void
check_lines(const char *s, const char *what)
{
	const char *p = s, *eol;
	size_t n, longest = 0, off;
	long line;
	int bare = 0, split = 0, lines = 0, folds = 0;
	char *msg;

	while (*p) {
		eol = strstr(p, "\r\n");
		if (eol == NULL) {
			bare++;
			break;
		}
		n = (size_t)(eol - p);
		if (memchr(p, '\r', n) || memchr(p, '\n', n))
			bare++;
		if (n > longest)
			longest = n;
		if (utf8_check(p, n, &off, &line) < 0)
			split++;
		folds += *p == ' ';
		lines++;
		p = eol + 2;
	}
	msg = xasprintf("%s: every line ends in CR LF", what);
	INT_EQ(bare, 0, msg);
	free(msg);
	msg = xasprintf("%s: no line is longer than 75 octets", what);
	OK(longest <= 75, msg);
	free(msg);
	msg = xasprintf("%s: no fold splits a UTF-8 sequence", what);
	INT_EQ(split, 0, msg);
	free(msg);
	msg = xasprintf("%s: %d lines, %d folded", what, lines, folds);
	OK(lines > 0, msg);
	free(msg);
}

/* The number of X-LIC-ERROR properties libical's parser left in c and below. */
static int
parse_errors(icalcomponent *c)
{
	icalcomponent *sub;
	int n = icalcomponent_count_properties(c, ICAL_XLICERROR_PROPERTY);

	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
	    sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += parse_errors(sub);
	return n;
}

static const char *
x_value(icalcomponent *c, const char *name)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (strcmp(icalproperty_get_x_name(p), name) == 0)
			return icalproperty_get_x(p);
	return NULL;
}

/* The UTC time of property kind in c, or -1 if it has none or it is not in UTC. */
static long
utc_time(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);
	struct icaltimetype t;

	if (p == NULL)
		return -1;
	t = icalvalue_get_datetime(icalproperty_get_value(p));
	if (!icaltime_is_utc(t) || t.is_date)
		return -1;
	return (long)icaltime_as_timet(t);
}

static void
check_event(icalcomponent *v, const struct ics_event *e, const char *summary, const char *what)
{
	icalproperty *p;
	char *msg;
	size_t i;
	int good;

	msg = xasprintf("%s: UID", what);
	STR_EQ(icalcomponent_get_uid(v), e->uid, msg);
	free(msg);
	msg = xasprintf("%s: SUMMARY round-trips", what);
	STR_EQ(icalcomponent_get_summary(v), summary, msg);
	free(msg);
	msg = xasprintf("%s: DESCRIPTION", what);
	if (e->description && *e->description)
		STR_EQ(icalcomponent_get_description(v), e->description, msg);
	else
		OK(icalcomponent_get_first_property(v, ICAL_DESCRIPTION_PROPERTY) == NULL, msg);
	free(msg);
	msg = xasprintf("%s: URL", what);
	p = icalcomponent_get_first_property(v, ICAL_URL_PROPERTY);
	if (e->url && *e->url)
		STR_EQ(p ? icalproperty_get_url(p) : NULL, e->url, msg);
	else
		OK(p == NULL, msg);
	free(msg);
	msg = xasprintf("%s: DTSTART in UTC", what);
	INT_EQ(utc_time(v, ICAL_DTSTART_PROPERTY), (long)e->start, msg);
	free(msg);
	msg = xasprintf("%s: DTEND in UTC, none unless after DTSTART", what);
	INT_EQ(utc_time(v, ICAL_DTEND_PROPERTY), e->end > e->start ? (long)e->end : -1, msg);
	free(msg);
	msg = xasprintf("%s: DTSTAMP, LAST-MODIFIED and CREATED", what);
	OK(utc_time(v, ICAL_DTSTAMP_PROPERTY) == (long)e->modified &&
	    utc_time(v, ICAL_LASTMODIFIED_PROPERTY) == (long)e->modified &&
	    utc_time(v, ICAL_CREATED_PROPERTY) == (long)e->created, msg);
	free(msg);
	msg = xasprintf("%s: STATUS", what);
	p = icalcomponent_get_first_property(v, ICAL_STATUS_PROPERTY);
	if (e->status)
		OK(p && icalproperty_get_status(p) == ICAL_STATUS_CONFIRMED, msg);
	else
		OK(p == NULL, msg);
	free(msg);
	msg = xasprintf("%s: CATEGORIES round-trip, one a property", what);
	good = icalcomponent_count_properties(v, ICAL_CATEGORIES_PROPERTY) == (int)e->ncats;
	p = icalcomponent_get_first_property(v, ICAL_CATEGORIES_PROPERTY);
	for (i = 0; good && i < e->ncats; i++) {
		if (p == NULL || strcmp(icalproperty_get_categories(p), e->cats[i]) != 0) {
			printf("# category %zu: \"%s\"\n", i, p ? icalproperty_get_categories(p) : "");
			good = 0;
		}
		p = icalcomponent_get_next_property(v, ICAL_CATEGORIES_PROPERTY);
	}
	OK(good, msg);
	free(msg);
}

static void
test_parse(void)
{
	struct buf b = BUF_INIT;
	struct ics_info info;
	icalcomponent *cal, *v;
	icalproperty *p;
	size_t i;

	sample(&info);
	ics_calendar(&info, &b);
	INT_EQ(icalerrno, ICAL_NO_ERROR, "no libical error is left set");
	check_lines(buf_str(&b), "sample");
	OK(str_prefix(buf_str(&b), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crier//crier 0.1.0//EN\r\n"
	    "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"), "the calendar's head");
	OK(strstr(buf_str(&b), "\r\nDTSTART:20170908T230200Z\r\nDTEND:20170909T013000Z\r\n") != NULL,
	    "DTSTART and DTEND as UTC date-times");
	OK(strstr(buf_str(&b), "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n"),
	    "refresh hints");
	OK(strstr(buf_str(&b), "\r\nCATEGORIES:a\\,b\\;c\\\\d\r\n") != NULL,
	    "a category's ',' ';' and '\\' escaped");
	OK(strstr(buf_str(&b), "\r\nX-WR-CALNAME:Status\\, Inc.\\; \\\\ Maintenance\r\n") != NULL,
	    "X-WR-CALNAME escaped");
	OK(strstr(buf_str(&b), "\r\nSUMMARY:Database upgrade\\, phase 1\\; \"quoted\" \\\\ backslash\\n"
	    "second line\r\n") != NULL, "SUMMARY escaped");

	cal = icalparser_parse_string(buf_str(&b));
	OK(cal != NULL && icalcomponent_isa(cal) == ICAL_VCALENDAR_COMPONENT, "libical parses it");
	if (cal == NULL)
		goto out;
	INT_EQ(parse_errors(cal), 0, "libical's parser finds no error");
	STR_EQ(x_value(cal, "X-WR-CALNAME"), NAME, "X-WR-CALNAME round-trips");
	STR_EQ(x_value(cal, "X-WR-CALDESC"), CALDESC, "X-WR-CALDESC round-trips");
	p = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
	OK(p && icalproperty_get_method(p) == ICAL_METHOD_PUBLISH, "METHOD:PUBLISH");
	p = icalcomponent_get_first_property(cal, ICAL_SOURCE_PROPERTY);
	STR_EQ(p ? icalproperty_get_source(p) : NULL, info.url, "SOURCE is the calendar's URL");
	INT_EQ(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), (long)info.n,
	    "one VEVENT an event");
	v = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	for (i = 0; v && i < info.n; i++) {
		char what[32];

		snprintf(what, sizeof(what), "event %zu", i + 1);
		check_event(v, &info.events[i], i == 2 ? "tab\there\nCR LF\nCR" : info.events[i].summary,
		    what);
		v = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT);
	}
	icalcomponent_free(cal);
out:
	buf_free(&b);
}

static void
test_small(void)
{
	static const struct ics_event ev = {
		.uid = "u1@example.com",
		.summary = "S",
		.description = "D",
		.url = "https://example.com/u1",
		.status = "in-progress",
		.start = 1504911720,	/* 2017-09-08T23:02:00Z */
		.end = 1504915320,
		.created = 1504224000,
		.modified = 1504310400,
	};
	struct ics_info info = {
		.name = "N", .description = "", .url = "", .version = "9.9", .events = &ev, .n = 1
	};
	struct buf a = BUF_INIT;

	ics_calendar(&info, &a);
	STR_EQ(buf_str(&a),
	    "BEGIN:VCALENDAR\r\n"
	    "VERSION:2.0\r\n"
	    "PRODID:-//crier//crier 9.9//EN\r\n"
	    "CALSCALE:GREGORIAN\r\n"
	    "METHOD:PUBLISH\r\n"
	    "X-WR-CALNAME:N\r\n"
	    "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
	    "X-PUBLISHED-TTL:PT1H\r\n"
	    "BEGIN:VEVENT\r\n"
	    "UID:u1@example.com\r\n"
	    "DTSTAMP:20170902T000000Z\r\n"
	    "CREATED:20170901T000000Z\r\n"
	    "LAST-MODIFIED:20170902T000000Z\r\n"
	    "DTSTART:20170908T230200Z\r\n"
	    "DTEND:20170909T000200Z\r\n"
	    "SUMMARY:S\r\n"
	    "DESCRIPTION:D\r\n"
	    "URL:https://example.com/u1\r\n"
	    "STATUS:CONFIRMED\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n", "a whole small calendar; no X-WR-CALDESC nor SOURCE when empty");
	buf_reset(&a);
	info.n = 0;
	buf_puts(&a, "kept|");
	ics_calendar(&info, &a);
	OK(str_prefix(buf_str(&a), "kept|BEGIN:VCALENDAR\r\n") &&
	    str_suffix(buf_str(&a), "X-PUBLISHED-TTL:PT1H\r\nEND:VCALENDAR\r\n"),
	    "an empty calendar, appended to what out held");
	buf_free(&a);
}

static void
test_blank(void)
{
	static const char *const cats[] = { "", " \t", " Padded\n" };
	static const struct ics_event ev = {
		.uid = " u2@example.com\n", .summary = " \t\r\n ", .description = "\n \x01",
		.url = " ", .cats = cats, .ncats = 3, .status = "bogus",
		.start = 1504911720, .end = 1504911720, .created = 1504224000, .modified = 1504310400,
	};
	struct ics_info info = {
		.name = "\n", .description = " ", .url = "", .version = "9.9", .events = &ev, .n = 1
	};
	struct buf a = BUF_INIT;
	const char *v;

	ics_calendar(&info, &a);
	v = strstr(buf_str(&a), "BEGIN:VEVENT\r\n");
	STR_EQ(v, "BEGIN:VEVENT\r\n"
	    "UID:u2@example.com\r\n"
	    "DTSTAMP:20170902T000000Z\r\n"
	    "CREATED:20170901T000000Z\r\n"
	    "LAST-MODIFIED:20170902T000000Z\r\n"
	    "DTSTART:20170908T230200Z\r\n"
	    "CATEGORIES:Padded\r\n"
	    "END:VEVENT\r\n"
	    "END:VCALENDAR\r\n", "text trimmed, empty text left out, no DTEND at DTSTART, "
	    "no STATUS for an unknown status");
	OK(strstr(buf_str(&a), "X-WR-CAL") == NULL, "no X-WR-CALNAME nor X-WR-CALDESC when blank");
	buf_free(&a);
}

/* A SUMMARY of n copies of the character c, then its lines as written. */
static char *
summary_lines(const char *c, size_t n)
{
	struct ics_event ev = { .uid = "u", .summary = NULL, .start = 0, .end = 0 };
	struct ics_info info = { .name = "N", .description = "", .url = "", .version = "1",
		.events = &ev, .n = 1 };
	struct buf s = BUF_INIT, out = BUF_INIT;
	const char *from, *to;
	size_t i;
	char *r;

	for (i = 0; i < n; i++)
		buf_puts(&s, c);
	ev.summary = buf_str(&s);
	ics_calendar(&info, &out);
	from = strstr(buf_str(&out), "SUMMARY:");
	to = from ? strstr(from, "\r\nEND:VEVENT") : NULL;
	r = from && to ? xstrndup(from, (size_t)(to - from)) : xstrdup("");
	buf_free(&s);
	buf_free(&out);
	return r;
}

static void
test_folding(void)
{
	static const struct {
		const char *c, *what;
	} runs[] = {
		{ "\\", "backslashes" }, { "a", "ASCII letters" }, { "\xC3\xA9", "2-byte characters" },
		{ "\xE2\x82\xAC", "3-byte characters" }, { "\xF0\x9F\x98\x80", "4-byte characters" },
	};
	struct buf want = BUF_INIT;
	char *got;
	size_t i;

	/* "SUMMARY:" is 8 octets. */
	got = summary_lines("x", 67);
	OK(strlen(got) == 75 && strchr(got, '\r') == NULL, "a line of 75 octets is not folded");
	free(got);
	got = summary_lines("x", 68);
	buf_puts(&want, "SUMMARY:");
	for (i = 0; i < 67; i++)
		buf_putc(&want, 'x');
	buf_puts(&want, "\r\n x");
	STR_EQ(got, buf_str(&want), "one of 76 is, at 75");
	free(got);
	buf_reset(&want);
	got = summary_lines("x", 67 + 74 + 1);
	buf_puts(&want, "SUMMARY:");
	for (i = 0; i < 67 + 74 + 1; i++) {
		if (i == 67 || i == 67 + 74)
			buf_puts(&want, "\r\n ");
		buf_putc(&want, 'x');
	}
	STR_EQ(got, buf_str(&want), "a continuation line holds 74 octets after its space");
	free(got);
	buf_reset(&want);
	/* libical 3.0.16 writes this one "SUMMARY:\r\n aaa...\r\r\n \n". */
	got = summary_lines("a", 73);
	buf_puts(&want, "SUMMARY:");
	for (i = 0; i < 73; i++)
		buf_puts(&want, i == 67 ? "\r\n a" : "a");
	STR_EQ(got, buf_str(&want), "libical's fold between CR and LF undone");
	free(got);
	buf_reset(&want);
	/* 8 + 3 * 22 = 74: the 23rd euro would end at octet 77. */
	got = summary_lines("\xE2\x82\xAC", 23);
	buf_puts(&want, "SUMMARY:");
	for (i = 0; i < 23; i++)
		buf_puts(&want, i == 22 ? "\r\n \xE2\x82\xAC" : "\xE2\x82\xAC");
	STR_EQ(got, buf_str(&want), "a fold moves back to the start of a character");
	free(got);
	buf_reset(&want);
	for (i = 0; i < NELEM(runs); i++) {
		char what[64];

		got = summary_lines(runs[i].c, 200);
		buf_reset(&want);
		buf_puts(&want, got);
		buf_puts(&want, "\r\n");
		snprintf(what, sizeof(what), "a SUMMARY of 200 %s", runs[i].what);
		check_lines(buf_str(&want), what);
		free(got);
	}
	buf_free(&want);
}

/* 1 if s obeys check_lines's rules; quiet. */
static int
lines_ok(const char *s)
{
	const char *eol;
	size_t off;
	long line;

	for (; *s; s = eol + 2) {
		if ((eol = strstr(s, "\r\n")) == NULL || eol - s > 75 ||
		    memchr(s, '\r', (size_t)(eol - s)) || memchr(s, '\n', (size_t)(eol - s)) ||
		    utf8_check(s, (size_t)(eol - s), &off, &line) < 0)
			return 0;
	}
	return 1;
}

/*
 * Every length of text from 1 to 160 characters, as SUMMARY, category
 * and X-WR-CALNAME, so that every fold position is met, the one where
 * libical 3.0.16 splits a line's CR LF among them.
 */
static void
test_lengths(void)
{
	static const char *const units[] = {
		"a", "a b", "\\", ",", ";x", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\\nx"
	};
	const char *cats[1];
	struct ics_event ev = { .uid = "u", .cats = cats, .ncats = 1, .start = 0, .end = 1 };
	struct ics_info info = { .description = "", .url = "", .version = "1", .events = &ev, .n = 1 };
	struct buf s = BUF_INIT, out = BUF_INIT;
	icalcomponent *cal, *v;
	icalproperty *p;
	size_t u, n;
	int bad_lines, bad_values;
	char *what;

	for (u = 0; u < NELEM(units); u++) {
		bad_lines = bad_values = 0;
		buf_reset(&s);
		buf_puts(&s, "x");
		for (n = 1; n <= 160; n++) {
			/* "\\n" stands for a line end, shown so in the test's name. */
			buf_puts(&s, strcmp(units[u], "\\nx") == 0 ? "\nx" : units[u]);
			ev.summary = info.name = cats[0] = buf_str(&s);
			buf_reset(&out);
			ics_calendar(&info, &out);
			bad_lines += !lines_ok(buf_str(&out));
			cal = icalparser_parse_string(buf_str(&out));
			v = cal ? icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT) : NULL;
			p = v ? icalcomponent_get_first_property(v, ICAL_CATEGORIES_PROPERTY) : NULL;
			if (v == NULL || parse_errors(cal) ||
			    strcmp(icalcomponent_get_summary(v), buf_str(&s)) != 0 ||
			    strcmp(x_value(cal, "X-WR-CALNAME"), buf_str(&s)) != 0 ||
			    p == NULL || strcmp(icalproperty_get_categories(p), buf_str(&s)) != 0) {
				if (bad_values++ == 0)
					printf("# %zu: %s", n, buf_str(&out));
			}
			if (cal)
				icalcomponent_free(cal);
		}
		what = xasprintf("text of 1 to 160 \"%s\": lines folded right", units[u]);
		INT_EQ(bad_lines, 0, what);
		free(what);
		what = xasprintf("text of 1 to 160 \"%s\": read back by libical", units[u]);
		INT_EQ(bad_values, 0, what);
		free(what);
	}
	buf_free(&s);
	buf_free(&out);
}

static void
test_deterministic(void)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct ics_info info;

	sample(&info);
	ics_calendar(&info, &a);
	setenv("TZ", "Pacific/Chatham", 1);
	tzset();
	ics_calendar(&info, &b);
	setenv("TZ", "UTC", 1);
	tzset();
	OK(a.len > 0 && a.len == b.len && memcmp(a.s, b.s, a.len) == 0,
	    "the same input gives the same bytes, whatever the time zone");
	buf_free(&a);
	buf_free(&b);
}

/* --- several threads at once --- */

#define THREADS 4
#define ROUNDS 25

struct job {
	int id;
	char *want;	/* the calendar written before the threads started */
	int bad;	/* rounds whose calendar differed */
};

static void
job_calendar(int id, struct buf *out)
{
	char uid[32], summary[64];
	const char *cats[] = { "x,y", summary };
	struct ics_event ev = { .uid = uid, .summary = summary, .description = DESC1,
		.url = "https://example.com/", .cats = cats, .ncats = 2, .status = "resolved" };
	struct ics_info info = { .name = NAME, .description = CALDESC, .url = "", .version = "1",
		.events = &ev, .n = 1 };

	snprintf(uid, sizeof(uid), "thread-%d@example.com", id);
	snprintf(summary, sizeof(summary), "Thread %d, \xC3\xA9t\xC3\xA9; %d", id, id * 7);
	ev.start = utc(2020, 1 + id, 1, id, 0, 0);
	ev.end = ev.start + 3600;
	ev.created = ev.modified = ev.start - 86400;
	ics_calendar(&info, out);
}

static void *
job_run(void *arg)
{
	struct job *j = arg;
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		buf_reset(&b);
		job_calendar(j->id, &b);
		j->bad += strcmp(buf_str(&b), j->want) != 0;
	}
	buf_free(&b);
	return NULL;
}

static void
test_threads(void)
{
	struct job jobs[THREADS];
	pthread_t th[THREADS];
	struct buf b = BUF_INIT;
	int i, bad = 0, started = 0;

	for (i = 0; i < THREADS; i++) {
		jobs[i].id = i;
		jobs[i].bad = 0;
		buf_reset(&b);
		job_calendar(i, &b);
		jobs[i].want = buf_detach(&b);
	}
	for (i = 0; i < THREADS; i++)
		started += pthread_create(&th[i], NULL, job_run, &jobs[i]) == 0;
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		bad += jobs[i].bad;
		free(jobs[i].want);
	}
	INT_EQ(started, THREADS, "threads started");
	INT_EQ(bad, 0, "calendars written in 4 threads at once are the ones written alone");
}

/* Writes the sample calendar to path, for ics.t's other parser. */
static int
write_sample(const char *path)
{
	struct buf b = BUF_INIT;
	struct ics_info info;
	FILE *f;
	int rc = 0;

	sample(&info);
	ics_calendar(&info, &b);
	if ((f = fopen(path, "wb")) == NULL || fwrite(b.s, 1, b.len, f) != b.len)
		rc = 1;
	if (f != NULL && fclose(f) != 0)
		rc = 1;
	buf_free(&b);
	icalmemory_free_ring();
	icaltimezone_free_builtin_timezones();
	return rc;
}

int
main(int argc, char **argv)
{
	setenv("TZ", "UTC", 1);
	tzset();
	if (argc > 1)
		return write_sample(argv[1]);
	test_text();
	test_parse();
	test_small();
	test_blank();
	test_folding();
	test_lengths();
	test_deterministic();
	test_threads();
	printf("1..%d\n", tests);
	/* What libical keeps until the end, freed for valgrind's sake. */
	icalmemory_free_ring();
	icaltimezone_free_builtin_timezones();
	return failed ? 1 : 0;
}

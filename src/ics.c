/*
 * ics: the iCalendar (RFC 5545) calendar of a list's maintenance windows.
 * libical builds the calendar and writes its properties; this module
 * gives it clean text and finishes the three jobs libical 3.0 leaves
 * undone or done badly:
 *
 * - Control characters go through libical as they are, and iCalendar
 *   text may not hold them: they are dropped before libical sees them
 *   (a CR LF or a lone CR in text becomes one line end, written "\n").
 * - libical 3.0.16 writes CATEGORIES and X- properties as lists: ',' and
 *   ';' in them are not escaped (though '\' and line ends are), so a
 *   category "a,b" would read back as two.  They are escaped here.
 * - libical folds lines where it likes (after a ':', ';' or space when it
 *   finds one), sometimes between a line's own CR and LF (see relines),
 *   and the escaping above makes lines longer: its lines are unfolded
 *   and folded again at 75 octets, never inside a UTF-8 sequence, so
 *   that the bytes do not hang on libical's version.
 *
 * Every date is written in UTC from the input, never the clock, so the
 * same input gives the same bytes.
 */
#include "ics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lazy.h"	/* before libical's header */

#include <libical/ical.h>

#include "util.h"

/* The longest line, in octets and without its CR LF (RFC 5545, 3.1). */
#define FOLD_AT 75

/* Properties that libical writes as lists, ',' and ';' left unescaped. */
static const char *const lists[] = { "CATEGORIES", "X-WR-CALNAME", "X-WR-CALDESC" };

/*
 * libical 3.0 is thread-safe but for two things: its lists count
 * themselves in unlocked globals, and the first call that needs the UTC
 * zone sets it up unlocked, while it loads the table of its built-in
 * zones (which stays until the program ends).  Its error number and ring
 * of buffers are per thread.  A calendar takes little time to make, so
 * libical is used by one thread at a time; only this module uses it.
 */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * libical fails only when memory does or when it is given what it cannot
 * write, which would be a bug here: either way the program ends.
 */
CRIER_NORETURN static void
fail(const char *what)
{
	die("libical: cannot %s: %s", what, icalerror_strerror(icalerrno));
}

/* Ends the program if libical has had an error. */
static void
check(const char *what)
{
	if (icalerrno != ICAL_NO_ERROR)
		fail(what);
}

/*
 * s as it is written: without the control characters iCalendar forbids
 * (all of them when text is 0, for UIDs and URLs; all but tab and line
 * ends otherwise, a CR LF or CR then becoming one LF), and without white
 * space at either end, which libical's own parser would drop.  Borrowed
 * from b until its next use.
 */
static const char *
clean(struct buf *b, const char *s, int text)
{
	const unsigned char *p;
	size_t start = 0;

	buf_reset(b);
	for (p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\r' && text) {
			buf_putc(b, '\n');
			p += p[1] == '\n';
		} else if ((*p >= 0x20 && *p != 0x7F) || (text && (*p == '\t' || *p == '\n')))
			buf_putc(b, (char)*p);
	}
	while (b->len > 0 && strchr(" \t\n", b->s[b->len - 1]) != NULL)
		b->len--;
	while (start < b->len && strchr(" \t\n", b->s[start]) != NULL)
		start++;
	if (b->s == NULL)
		return "";
	b->s[b->len] = '\0';
	return b->s + start;
}

static void
add(icalcomponent *c, icalproperty *p)
{
	if (p == NULL)
		fail("make a property");
	icalcomponent_add_property(c, p);
}

static icalproperty *
x_property(const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	if (p != NULL)
		icalproperty_set_x_name(p, name);
	return p;
}

static struct icaltimetype
utc(time_t t)
{
	return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
}

static int
confirmed(const char *status)
{
	static const char *const names[] = { "scheduled", "in-progress", "resolved", "completed" };
	size_t i;

	for (i = 0; status != NULL && i < NELEM(names); i++)
		if (strcmp(status, names[i]) == 0)
			return 1;
	return 0;
}

static icalcomponent *
event(const struct ics_event *e, struct buf *scratch)
{
	icalcomponent *v = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	const char *s;
	size_t i;

	if (v == NULL)
		fail("make an event");
	add(v, icalproperty_new_uid(clean(scratch, e->uid, 0)));
	add(v, icalproperty_new_dtstamp(utc(e->modified)));
	add(v, icalproperty_new_created(utc(e->created)));
	add(v, icalproperty_new_lastmodified(utc(e->modified)));
	add(v, icalproperty_new_dtstart(utc(e->start)));
	/* DTEND must be later than DTSTART; without one, an event takes no time. */
	if (e->end > e->start)
		add(v, icalproperty_new_dtend(utc(e->end)));
	/* Empty text is left out: libical's own parser refuses it. */
	if (*(s = clean(scratch, e->summary, 1)))
		add(v, icalproperty_new_summary(s));
	if (*(s = clean(scratch, e->description, 1)))
		add(v, icalproperty_new_description(s));
	if (*(s = clean(scratch, e->url, 0)))
		add(v, icalproperty_new_url(s));
	/* One property a category: libical reads "a\,b,c" back as one "a,b,c". */
	for (i = 0; i < e->ncats; i++)
		if (*(s = clean(scratch, e->cats[i], 1)))
			add(v, icalproperty_new_categories(s));
	if (confirmed(e->status))
		add(v, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
	return v;
}

static icalcomponent *
calendar(const struct ics_info *c)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	struct buf scratch = BUF_INIT;
	icalcomponent *v;
	const char *s;
	char *prodid;
	size_t i;

	if (cal == NULL)
		fail("make a calendar");
	add(cal, icalproperty_new_version("2.0"));
	prodid = xasprintf("-//crier//crier %s//EN", c->version ? c->version : "");
	add(cal, icalproperty_new_prodid(clean(&scratch, prodid, 0)));
	free(prodid);
	add(cal, icalproperty_new_calscale("GREGORIAN"));
	add(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (*(s = clean(&scratch, c->name, 1)))
		add(cal, x_property("X-WR-CALNAME", s));
	if (*(s = clean(&scratch, c->description, 1)))
		add(cal, x_property("X-WR-CALDESC", s));
	if (*(s = clean(&scratch, c->url, 0)))
		add(cal, icalproperty_new_source(s));
	/* How often subscribers fetch it again: RFC 7986's way, then Outlook's. */
	add(cal, icalproperty_new_refreshinterval(icaldurationtype_from_int(3600)));
	add(cal, x_property("X-PUBLISHED-TTL", "PT1H"));
	for (i = 0; i < c->n; i++) {
		v = event(&c->events[i], &scratch);
		icalcomponent_add_component(cal, v);
	}
	buf_free(&scratch);
	return cal;
}

/* 1 if the n bytes at line are a property named name. */
static int
named(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && strncmp(line, name, k) == 0 && (line[k] == ':' || line[k] == ';');
}

/*
 * Appends the n bytes of the unfolded line to b with the ',' and ';' of
 * its value escaped, if it is a property that libical writes as a list.
 * An escape libical did write ("\\", "\n", and "\," should a later
 * libical escape commas) is copied as it is.
 */
static void
escape_list(struct buf *b, const char *line, size_t n)
{
	size_t i, v;
	int quoted = 0;

	for (i = 0; i < NELEM(lists); i++)
		if (named(line, n, lists[i]))
			break;
	if (i == NELEM(lists)) {
		buf_put(b, line, n);
		return;
	}
	/* The value starts after the first ':' outside a quoted parameter. */
	for (v = 0; v < n && (line[v] != ':' || quoted); v++)
		if (line[v] == '"')
			quoted = !quoted;
	buf_put(b, line, v < n ? v + 1 : n);
	for (i = v + 1; i < n; i++) {
		if (line[i] == '\\' && i + 1 < n) {
			buf_put(b, line + i, 2);
			i++;
			continue;
		}
		if (line[i] == ',' || line[i] == ';')
			buf_putc(b, '\\');
		buf_putc(b, line[i]);
	}
}

/*
 * Appends the n bytes of line to out folded: CR LF and a space before
 * every 75th octet of a line (74th after the first), moved back to the
 * start of a UTF-8 sequence if it falls inside one.
 */
static void
fold(struct buf *out, const char *line, size_t n)
{
	size_t room = FOLD_AT, k;

	while (n > room) {
		k = room;
		while (k > room - 3 && ((unsigned char)line[k] & 0xC0) == 0x80)
			k--;
		buf_put(out, line, k);
		buf_puts(out, "\r\n ");
		line += k;
		n -= k;
		room = FOLD_AT - 1;
	}
	buf_put(out, line, n);
	buf_puts(out, "\r\n");
}

/*
 * Appends libical's text s to out a line at a time: unfolded, its lists
 * escaped, and folded again.  The folds (CR LF and a space) go first, as
 * RFC 5545 says, then the text is cut at each CR LF: libical 3.0.16
 * writes a line whose last fold leaves 73 octets as "...\r" "\r\n " "\n",
 * the fold between the line's own CR and LF.  No CR or LF of the text
 * given to libical survived clean(), so any other is dropped.
 */
static void
relines(struct buf *out, const char *s)
{
	struct buf text = BUF_INIT, line = BUF_INIT, fixed = BUF_INIT;
	const char *p, *q, *end;

	for (p = s; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
			p += 2;
		else
			buf_putc(&text, *p);
	}
	for (p = buf_str(&text); *p; p = *end ? end + 2 : end) {
		if ((end = strstr(p, "\r\n")) == NULL)
			end = p + strlen(p);
		buf_reset(&line);
		for (q = p; q < end; q++)
			if (*q != '\r' && *q != '\n')
				buf_putc(&line, *q);
		if (line.len == 0)
			continue;
		buf_reset(&fixed);
		escape_list(&fixed, line.s, line.len);
		fold(out, fixed.s, fixed.len);
	}
	buf_free(&text);
	buf_free(&line);
	buf_free(&fixed);
}

void
ics_calendar(const struct ics_info *c, struct buf *out)
{
	icalcomponent *cal;
	char *s;

	if (pthread_mutex_lock(&lock) != 0)
		die("cannot lock libical");
	/* An error left by an earlier call is none of this calendar's. */
	icalerror_clear_errno();
	cal = calendar(c);
	if ((s = icalcomponent_as_ical_string_r(cal)) == NULL)
		fail("write a calendar");
	check("write a calendar");
	icalcomponent_free(cal);
	/* The buffers libical lent this thread, made again on demand. */
	icalmemory_free_ring();
	pthread_mutex_unlock(&lock);
	relines(out, s);
	icalmemory_free_buffer(s);
}

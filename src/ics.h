/*
 * ics: iCalendar (RFC 5545) calendars of maintenance windows, written
 * with libical, never by hand.  The only module that sees libical.
 */
#ifndef CRIER_ICS_H
#define CRIER_ICS_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

struct ics_event {
	const char *uid;	/* never changes once published */
	const char *summary;	/* plain text: the post's title */
	const char *description;	/* plain text of the post */
	const char *url;	/* absolute URL of the post */
	const char *const *cats;	/* category names, CATEGORIES */
	size_t ncats;
	const char *status;	/* "scheduled", "in-progress", "resolved", "completed" or NULL */
	time_t start;		/* DTSTART, written in UTC */
	time_t end;		/* DTEND, written in UTC */
	time_t created;		/* CREATED: the post's date */
	time_t modified;	/* DTSTAMP and LAST-MODIFIED: the post's updated date */
};

struct ics_info {
	const char *name;	/* X-WR-CALNAME */
	const char *description;	/* X-WR-CALDESC, may be "" */
	const char *url;	/* absolute URL of the calendar itself (SOURCE), may be "" */
	const char *version;	/* crier's, for PRODID */
	const struct ics_event *events;	/* in the order to write them */
	size_t n;
};

/*
 * Appends the VCALENDAR of c to out: CRLF line ends, lines folded at 75
 * octets between UTF-8 sequences, text escaped.  Text is written without
 * control characters (a line end is kept) and without white space at
 * either end; an optional property whose text is then empty is left out,
 * and so is DTEND when it is not after DTSTART.  STATUS is CONFIRMED for
 * any of the four statuses, absent otherwise.  The same input always
 * gives the same bytes.  Safe to call from several threads at once: the
 * calls take turns at libical.
 */
void ics_calendar(const struct ics_info *c, struct buf *out);

#endif

/*
 * date: the date forms posts may use, and showing dates in the site's
 * time zone.  The zone is the process's TZ, which main sets from
 * site.ini before any post is read.
 */
#ifndef CRIER_DATE_H
#define CRIER_DATE_H

#include <stddef.h>
#include <time.h>

/*
 * Parses YYYY-MM-DD, "YYYY-MM-DD HH:MM[:SS] [+-HHMM]" or RFC 3339 into
 * *t.  A date without an offset is in the site's zone.  Returns 0, or -1
 * if s is not one of those forms or not a real date.
 */
int date_parse(const char *s, time_t *t);

/* The offset date_parse_offset gives a date written without one. */
#define DATE_LOCAL (-86401L)

/* As date_parse, and *off is the offset written in s in seconds, or DATE_LOCAL. */
int date_parse_offset(const char *s, time_t *t, long *off);

/* t broken down at offset off (DATE_LOCAL: the site's zone). */
void date_broken_down(time_t t, long off, struct tm *tm);

/* Reads a "YYYY-MM-DD-" prefix of a file name; 0 if there is one. */
int date_from_name(const char *name, time_t *t);

/* Formats t in the site's zone with strftime's fmt; "" if it fails. */
void date_format(time_t t, const char *fmt, char *out, size_t outsz);

/* Formats t as RFC 3339 with the site zone's offset (2017-09-08T23:02:00-04:00). */
void date_rfc3339(time_t t, char *out, size_t outsz);

/* Formats t as RFC 822 for RSS, in the site's zone (Fri, 08 Sep 2017 23:02:00 -0400). */
void date_rfc822(time_t t, char *out, size_t outsz);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
long date_days(int y, int m, int d);

#endif

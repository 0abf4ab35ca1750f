/*
 * date: strict parsing.  A post dated "2017-13-01" is an error, not a
 * silently normalised "2018-01-01", so every field is range-checked
 * before mktime sees it.
 */
#include "date.h"

#include <stdio.h>
#include <string.h>

long
date_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at *p. */
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

static int
local_time(int y, int mo, int d, int h, int mi, int s, time_t *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	*t = mktime(&tm);
	return 0;
}

int
date_parse(const char *s, time_t *t)
{
	long off;

	return date_parse_offset(s, t, &off);
}

int
date_parse_offset(const char *s, time_t *t, long *off)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	const char *p = s;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return -1;
	*off = DATE_LOCAL;
	if (*p == '\0')
		return local_time(y, mo, d, 0, 0, 0, t);
	if (*p != ' ' && *p != 'T' && *p != 't')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &sec))
			return -1;
		if (*p == '.') {
			/* Fractions of a second are allowed and dropped. */
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;
	if (*p == ' ')
		p++;
	if (*p == '\0')
		return local_time(y, mo, d, h, mi, sec, t);
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		oh = om = 0;
		sign = 1;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || *p != '\0' || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	*off = sign * (oh * 3600L + om * 60L);
	*t = (time_t)date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - *off;
	return 0;
}

int
date_from_name(const char *name, time_t *t)
{
	char day[11];

	if (strlen(name) < 11 || name[10] != '-')
		return -1;
	memcpy(day, name, 10);
	day[10] = '\0';
	return date_parse(day, t);
}

void
date_broken_down(time_t t, long off, struct tm *tm)
{
	time_t local = t + off;

	if (off == DATE_LOCAL)
		localtime_r(&t, tm);
	else
		gmtime_r(&local, tm);
}

void
date_format(time_t t, const char *fmt, char *out, size_t outsz)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, outsz, fmt, &tm) == 0)
		out[0] = '\0';
}

void
date_rfc3339(time_t t, char *out, size_t outsz)
{
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, outsz, "1970-01-01T00:00:00Z");
		return;
	}
	/* tm_gmtoff is not POSIX; the local fields give the offset too. */
	off = (long)(((time_t)date_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - t) / 60);
	if (off == 0) {
		strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return;
	}
	snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	    (off < 0 ? -off : off) % 60);
}

void
date_rfc822(time_t t, char *out, size_t outsz)
{
	static const char days[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char iso[40];
	struct tm tm;

	/* Names from tables, not strftime, so the locale cannot change them. */
	if (localtime_r(&t, &tm) == NULL) {
		snprintf(out, outsz, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	date_rfc3339(t, iso, sizeof(iso));
	snprintf(out, outsz, "%s, %02d %s %04d %02d:%02d:%02d %c%c%c%c%c",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec,
	    iso[19] == 'Z' ? '+' : iso[19], iso[19] == 'Z' ? '0' : iso[20],
	    iso[19] == 'Z' ? '0' : iso[21], iso[19] == 'Z' ? '0' : iso[23],
	    iso[19] == 'Z' ? '0' : iso[24]);
}

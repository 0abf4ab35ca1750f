/*
 * fuzz/date: the date forms of front matter and file names.  A date that
 * parses with an offset must come back the same when written as RFC 3339
 * in UTC and parsed again; every formatter must cope with every parsed
 * date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A zone with summer time, so mktime's gaps and overlaps are met. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[128], again[64];
	time_t t, t2, t3;
	long off, off2;
	struct tm tm;

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (date_parse_offset(s, &t, &off) == 0) {
		if (date_parse(s, &t2) < 0 || t2 != t)
			abort();
		if (off != DATE_LOCAL && (off <= -86400 || off >= 86400))
			abort();
		date_broken_down(t, off, &tm);
		date_format(t, "%B %-d, %Y %-I:%M %P", out, sizeof(out));
		date_rfc3339(t, out, sizeof(out));
		date_rfc822(t, out, sizeof(out));
		if (off != DATE_LOCAL) {
			gmtime_r(&t, &tm);
			strftime(again, sizeof(again), "%Y-%m-%dT%H:%M:%SZ", &tm);
			if (date_parse_offset(again, &t3, &off2) == 0 && (t3 != t || off2 != 0))
				abort();
		}
	}
	date_from_name(s, &t);
	free(s);
	return 0;
}

/*
 * when — the service's UTC timestamps as the reader's local time with a numeric offset,
 * or as the local date; anything that is not such a timestamp passes through unchanged.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/when.h"

time_t
when_parse(const char *iso)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (iso == NULL || strlen(iso) != 20 || iso[10] != 'T' || iso[19] != 'Z' ||
	    strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

const char *
when_local(const char *iso, char buf[WHEN_MAX])
{
	struct tm	lt;
	time_t		t = when_parse(iso);
	int		off;
	char		day[24];

	if (t == (time_t)-1 || localtime_r(&t, &lt) == NULL ||
	    strftime(day, sizeof day, "%Y-%m-%d %H:%M", &lt) == 0 ||
	    lt.tm_gmtoff < -86400 || lt.tm_gmtoff > 86400)
		return iso != NULL ? iso : "";
	off = (int)(lt.tm_gmtoff < 0 ? -lt.tm_gmtoff : lt.tm_gmtoff) / 60;
	(void)snprintf(buf, WHEN_MAX, "%.16s %c%02d:%02d", day, lt.tm_gmtoff < 0 ? '-' : '+',
	    off / 60 % 100, off % 60);
	return buf;
}

const char *
when_day(const char *iso, char buf[WHEN_DAY_MAX])
{
	struct tm	lt;
	time_t		t = when_parse(iso);

	if (t == (time_t)-1 || localtime_r(&t, &lt) == NULL ||
	    strftime(buf, WHEN_DAY_MAX, "%Y-%m-%d", &lt) == 0)
		return iso != NULL ? iso : "";
	return buf;
}

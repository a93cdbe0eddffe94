/*
 * when — a moment as the service writes it ("2026-11-25T18:57:29Z", ISO 8601 in UTC) as
 * a person reads it: local time with its offset, "2026-11-25 23:57 +05:00" (the offset,
 * not a zone's name: a name is a word, and words are for catalogs), or the local date,
 * "2026-11-25". Anything else is returned as it is. The result is buf (or iso); never
 * NULL. Reads the time zone (TZ); no other state.
 */
#ifndef NCA_WHEN_H
#define NCA_WHEN_H

#include <time.h>

#define WHEN_MAX	40	/* "YYYY-MM-DD HH:MM +HH:MM" and room */
#define WHEN_DAY_MAX	11	/* "YYYY-MM-DD" */

/* "YYYY-MM-DDTHH:MM:SSZ", exactly: the moment, or (time_t)-1. */
time_t		 when_parse(const char *iso);
const char	*when_local(const char *iso, char buf[WHEN_MAX]);
const char	*when_day(const char *iso, char buf[WHEN_DAY_MAX]);

#endif

/*
 * ra-tui-filter — the queue's two ways of narrowing (forms/ra/find.yaml, filter.yaml):
 * a search by IIN or BIN, or a request number (the applicant at the desk holds the printed
 * form: it opens that application), and a filter by region, office and age. Both are kept
 * in the console's context for the queue to ask with, and checked before the queue screen
 * comes back: a mistyped number is caught by its check digit, a place the service does
 * not know at its field.
 * The search field opens empty (each applicant at the desk is a new search; the queue
 * says what it shows); the filter's fields open as they were set.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/idnum.h"
#include "ra-tui/ra-tui.h"

/* The digits of a search, with the spaces and dashes people type between them dropped. */
static int
filter_digits(const char *in, char *out, size_t size)
{
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (!isdigit((unsigned char)*in) || n + 1 >= size)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return 0;
}

/*
 * An IIN or a BIN narrows the queue (NEXT: back to it); a request number opens that
 * application whatever its status (GOTO the button's target), since a decided one is in
 * no queue and its history is what is asked about. Unknown or mistyped: at the field.
 */
enum action_result
ra_tui_find(struct screen *s)
{
	static const char *const map[] = { "request_number", "search", NULL, NULL };
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct ra_error	 err = { 0, NULL, NULL, NULL };
	char		 digits[64], canon[REQNUM_LEN + 1];
	json_t		*app = NULL;

	if (filter_digits(ra_tui_value(s, "search"), digits, sizeof digits) == -1 ||
	    (strlen(digits) != IDNUM_LEN && strlen(digits) != REQNUM_DIGITS)) {
		screen_set_error(s, "search", _("Type a request number (28 digits), an IIN or a "
		    "BIN (12 digits)."));
		return ACTION_STAY;
	}
	if (strlen(digits) == IDNUM_LEN)
		return ra_tui_set(&rt->search, digits) == 0 ? ACTION_NEXT : ACTION_STAY;
	if (ra_number(digits, canon, &err) == -1)
		return ra_tui_fail(s, &err, map);
	screen_progress(s, _("Asking the service..."));
	if (ra_application(rt->ra, canon, &app, &err) == -1) {
		screen_progress(s, "");
		return ra_tui_fail(s, &err, map);
	}
	screen_progress(s, "");
	json_decref(app);
	(void)snprintf(rt->number, sizeof rt->number, "%s", canon);
	/* Back on the queue, the cursor is on it if it still waits there. */
	(void)snprintf(rt->at, sizeof rt->at, "%s", canon);
	return ACTION_GOTO;
}

enum action_result
ra_tui_find_clear(struct screen *s)
{
	(void)ra_tui_set(&ra_tui_ctx(s)->search, NULL);
	return ACTION_NEXT;
}

int
ra_tui_filter_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	char		 age[24] = "";

	if (rt->max_age >= 0)
		(void)snprintf(age, sizeof age, "%ld", rt->max_age);
	(void)screen_set_value(s, "region", rt->region != NULL ? rt->region : "");
	(void)screen_set_value(s, "office", rt->office != NULL ? rt->office : "");
	(void)screen_set_value(s, "max_age", age);
	(void)screen_set_value(s, "all", rt->all ? "1" : "0");
	return 0;
}

/* A directory id as typed: spaces around dropped, letters made small. NULL if empty. */
static char *
filter_id(const char *in)
{
	char	*id, *p;
	size_t	 len;

	while (*in == ' ')
		in++;
	for (len = strlen(in); len > 0 && in[len - 1] == ' '; len--)
		;
	if (len == 0 || (id = strndup(in, len)) == NULL)
		return NULL;
	for (p = id; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return id;
}

/* Days typed, or -1 for none; -2 when it is no number of days. */
static long
filter_age(const char *in)
{
	char	*end;
	long	 n;

	if (*in == '\0')
		return -1;
	errno = 0;
	n = strtol(in, &end, 10);
	return errno != 0 || *end != '\0' || n < 0 || n > 3650 ? -2 : n;
}

/*
 * The filter is tried on the service before it is kept: a region or office it does not
 * know, or a supervisor's scope asked for by an operator, is said at its field here.
 */
enum action_result
ra_tui_filter(struct screen *s)
{
	static const char *const map[] = { "region", "region", "office", "office", "city",
	    "region", "max_age_days", "max_age", "scope", "all", NULL, NULL };
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct ra_error	 err = { 0, NULL, NULL, NULL };
	struct ra_filter f = { NULL, NULL, NULL, rt->search, -1, 0 };
	char		*region = filter_id(ra_tui_value(s, "region"));
	char		*office = filter_id(ra_tui_value(s, "office"));
	json_t		*apps = NULL;
	enum action_result r = ACTION_STAY;

	f.region = region;
	f.office = office;
	f.all = strcmp(ra_tui_value(s, "all"), "1") == 0;
	if ((f.max_age_days = filter_age(ra_tui_value(s, "max_age"))) == -2)
		screen_set_error(s, "max_age", _("a number of days, 0 to 3650"));
	else if (ra_queue(rt->ra, &f, &apps, &err) == -1) {
		/* A refusal of the operator (supervisors only) names no field: say where. */
		if (err.code != NULL && strcmp(err.code, "ra.supervisor_only") == 0 &&
		    err.field == NULL)
			err.field = strdup("scope");
		r = ra_tui_fail(s, &err, map);
	} else {
		free(rt->region);
		free(rt->office);
		rt->region = region;
		rt->office = office;
		region = office = NULL;
		rt->max_age = f.max_age_days;
		rt->all = f.all;
		r = ACTION_NEXT;
	}
	json_decref(apps);
	free(region);
	free(office);
	return r;
}

enum action_result
ra_tui_filter_clear(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);

	(void)ra_tui_set(&rt->region, NULL);
	(void)ra_tui_set(&rt->office, NULL);
	rt->max_age = -1;
	rt->all = 0;
	return ACTION_NEXT;
}

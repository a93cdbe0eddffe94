/*
 * ra-tui-queue — the console's first screen (forms/ra/main.yaml): who is signed in, the
 * applications awaiting verification as the filter and search narrow them, the nearest
 * deadline first, two lines each (number, submitted, days left, role; then applicant and
 * organization), those with fewer than 7 days left marked "!" and drawn in the error
 * colour. Enter (or Open) opens the one under the cursor.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenroll-ra/ra-tui.h"

/* Fewer days left than this and the row is marked: the applicant must hurry. */
#define QUEUE_URGENT_DAYS	7

/*
 * The columns of a row in the table's 75 columns (80, less the margins and the scroll
 * mark): the number is 34 wide and never cut, days "  4!" take 4; names take what is
 * left (24 columns: the longest Kazakh and Russian role names of the demo fit).
 */
static const int queue_line1[] = { REQNUM_LEN, 10, 4, 0 };
static const int queue_line2[] = { 2, 30, 0 };

static json_t *
queue_columns(void)
{
	json_t	*l1 = json_array(), *l2 = json_array();
	size_t	 i;

	for (i = 0; l1 != NULL && i < sizeof queue_line1 / sizeof queue_line1[0]; i++)
		if (json_array_append_new(l1, json_integer(queue_line1[i])) == -1)
			goto fail;
	for (i = 0; l2 != NULL && i < sizeof queue_line2 / sizeof queue_line2[0]; i++)
		if (json_array_append_new(l2, json_integer(queue_line2[i])) == -1)
			goto fail;
	if (l1 == NULL || l2 == NULL)
		goto fail;
	return json_pack("[o, o]", l1, l2);
fail:
	json_decref(l1);
	json_decref(l2);
	return NULL;
}

/* A role as the service sends it ({"id", "name": {kk, ru, en}}) as a cell: its names. */
static json_t *
queue_role(const json_t *app)
{
	const json_t	*role = json_object_get(app, "role");
	json_t		*names = json_object_get(role, "name");

	if (json_is_object(names))
		return json_incref(names);
	return json_string(ra_value_label(role));
}

/* One application as a row of the table; *urgent is counted up when it must hurry. */
static json_t *
queue_row(const json_t *app, int *urgent)
{
	json_int_t	 days = json_integer_value(json_object_get(app, "days_left"));
	char		 left[16], day[11], person[512];
	int		 alert = days < QUEUE_URGENT_DAYS;

	(void)snprintf(left, sizeof left, "%3lld%s", (long long)days, alert ? "!" : "");
	ra_applicant_name(app, person, sizeof person);
	*urgent += alert;
	return json_pack("{s:s, s:b, s:[[s, s, s, o], [s, s, s]]}",
	    "id", ra_str(app, "request_number"), "alert", alert,
	    "cells", ra_str(app, "request_number"), ra_day(ra_str(app, "submitted"), day),
	    left, queue_role(app), "", person, ra_org_name(app));
}

static void	queue_part(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Appends ", " (after the first) and a formatted part, cut at size. */
static void
queue_part(char *buf, size_t size, const char *fmt, ...)
{
	va_list	ap;
	size_t	len = strlen(buf);

	if (len > 0 && len + 2 < size) {
		(void)strcat(buf, ", ");
		len += 2;
	}
	va_start(ap, fmt);
	(void)vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/*
 * A region or office the filter names, by its name in the reader's language: the filter
 * screen, the one way to set them, has the service's places. An id only if it is not
 * among them.
 */
static const char *
queue_place(const struct ra_tui *rt, const char *id, int office)
{
	const json_t	*region, *city, *o;
	size_t		 i, j, k;

	json_array_foreach(rt->places, i, region) {
		if (!office && strcmp(ra_str(region, "id"), id) == 0)
			return ra_name(json_object_get(region, "name"));
		json_array_foreach(json_object_get(region, "cities"), j, city)
			json_array_foreach(json_object_get(city, "offices"), k, o)
				if (office && strcmp(ra_str(o, "id"), id) == 0)
					return ra_name(json_object_get(o, "name"));
	}
	return id;
}

/* What the filter shows, in words: "search 8710…, Pavlodar Region", or the default. */
static void
queue_shown(const struct ra_tui *rt, char *buf, size_t size)
{
	buf[0] = '\0';
	if (rt->search != NULL)
		queue_part(buf, size, _("search %s"), rt->search);
	if (rt->region != NULL)
		queue_part(buf, size, "%s", queue_place(rt, rt->region, 0));
	if (rt->office != NULL)
		queue_part(buf, size, "%s", queue_place(rt, rt->office, 1));
	if (rt->max_age >= 0)
		queue_part(buf, size, _("submitted within %ld days"), rt->max_age);
	if (rt->all)
		queue_part(buf, size, "%s", _("every office"));
	if (buf[0] == '\0')
		queue_part(buf, size, "%s", _("your office's city"));
}

static void
queue_summary(struct screen *s, const struct ra_tui *rt, size_t n, int urgent)
{
	char	shown[512], line[768];

	queue_shown(rt, shown, sizeof shown);
	if (n == 0)
		(void)snprintf(line, sizeof line, _("%s: nothing is waiting for verification."),
		    shown);
	else if (urgent > 0)
		(void)snprintf(line, sizeof line, _("%s: %zu waiting, %d with fewer than 7 days "
		    "left (!)."), shown, n, urgent);
	else
		(void)snprintf(line, sizeof line, _("%s: %zu waiting."), shown, n);
	(void)screen_set_value(s, "shown", line);
}

/*
 * The operator as the service records them, in the reader's words: "aigerim, Karaganda
 * PSC No. 1 (supervisor)". The office's name is asked once a console; without it, the
 * certificate's office id.
 */
static void
queue_operator(struct screen *s, struct ra_tui *rt)
{
	const struct ra	*ra = rt->ra;
	struct failure	 err = { 0, NULL, NULL, NULL };
	const json_t	*office;
	char		 line[512];

	if (rt->me == NULL && ra_me(rt->ra, &rt->me, &err) == -1)
		failure_free(&err);	/* the queue's own question will say what is wrong */
	office = json_object_get(json_object_get(rt->me, "office"), "name");
	(void)snprintf(line, sizeof line, "%s, %s (%s)", ra->cn != NULL ? ra->cn : "?",
	    office != NULL && *ra_name(office) != '\0' ? ra_name(office) :
	    ra->office != NULL ? ra->office : "?", ra_role(ra->role));
	(void)screen_set_value(s, "operator", line);
}

static int
queue_fill(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct ra_filter f = { rt->region, NULL, rt->office, rt->search, rt->max_age, rt->all };
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t		*apps = NULL, *items = NULL, *row, *set = NULL;
	const json_t	*app;
	size_t		 i;
	int		 urgent = 0, rc = -1;

	screen_progress(s, _("Asking the service..."));
	if (ra_queue(rt->ra, &f, &apps, &err) == -1) {
		screen_progress(s, "");
		(void)ra_tui_fail(s, &err, NULL);
		(void)screen_set_items(s, "queue", json_array());
		queue_summary(s, rt, 0, 0);
		return -1;
	}
	screen_progress(s, "");
	if ((items = json_array()) == NULL)
		goto out;
	json_array_foreach(apps, i, app)
		if ((row = queue_row(app, &urgent)) == NULL ||
		    json_array_append_new(items, row) == -1)
			goto out;
	if ((set = json_pack("{s:o, s:O}", "columns", queue_columns(), "items", items)) == NULL ||
	    screen_set_items(s, "queue", set) == -1)
		goto out;
	if (rt->at[0] != '\0')
		(void)screen_set_value(s, "queue", rt->at);
	queue_summary(s, rt, json_array_size(apps), urgent);
	rc = 0;
out:
	json_decref(set);
	json_decref(items);
	json_decref(apps);
	return rc;
}

int
ra_tui_queue_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);

	queue_operator(s, rt);
	/* Back from an application: nothing open any more, the cursor where it was. */
	rt->number[0] = '\0';
	json_decref(rt->app);
	rt->app = NULL;
	return queue_fill(s);
}

enum action_result
ra_tui_refresh(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);

	(void)snprintf(rt->at, sizeof rt->at, "%s", ra_tui_value(s, "queue"));
	(void)queue_fill(s);
	return ACTION_STAY;
}

enum action_result
ra_tui_open(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	const char	*number = ra_tui_value(s, "queue");

	if (*number == '\0') {
		screen_message(s, _("Nothing to open"), _("No applications are waiting for "
		    "verification."));
		return ACTION_STAY;
	}
	(void)snprintf(rt->number, sizeof rt->number, "%s", number);
	(void)snprintf(rt->at, sizeof rt->at, "%s", number);
	return ACTION_GOTO;
}

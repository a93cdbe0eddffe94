/*
 * ra-tui-app — one application in full and unmasked (forms/ra/app.yaml), as the operator
 * checks it against the person and the papers at the desk, read again from the service
 * each time the screen opens (another desk may have decided it meanwhile); and the
 * application form as the applicant printed it (forms/ra/form.yaml).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appform.h"
#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/reason.h"
#include "common/storage.h"
#include "ra-tui/ra-tui.h"

static const char *
app_or(const char *s)
{
	return s != NULL && *s != '\0' ? s : "—";
}

static void
app_set(struct screen *s, const char *field, const char *value)
{
	(void)screen_set_value(s, field, app_or(value));
}

static const char *
app_status(const json_t *app)
{
	enum app_status	st;

	return appstatus_parse(ra_str(app, "status"), &st) == 0 ? _(appstatus_label(st)) :
	    ra_str(app, "status");
}

static const char *
app_storage(const json_t *app)
{
	const json_t	*st = json_object_get(app, "storage");
	const char	*id = json_is_string(st) ? json_string_value(st) : ra_str(st, "id");
	const struct storage_kind	*k = storage_find(id);

	if (k != NULL)
		return storage_name(k, i18n_current());
	return *ra_str(st, "label") != '\0' ? ra_str(st, "label") : ra_value_label(st);
}

/* "2026-12-25 (days left: 29)" while it waits; the decision's time once decided. */
static void
app_deadline(struct screen *s, const json_t *app)
{
	const json_t	*days = json_object_get(app, "days_left");
	char		 line[128], day[11];

	if (!json_is_integer(days)) {
		app_set(s, "deadline", NULL);
		return;
	}
	(void)snprintf(line, sizeof line, "%s (%s: %lld)",
	    ra_day(ra_str(app, "deadline"), day), _("days left"),
	    (long long)json_integer_value(days));
	app_set(s, "deadline", line);
}

/*
 * Who decided, when, and the reason given: the decision's entry of the history, not its
 * last one (an installation after it is the applicant's, not a decision).
 */
static void
app_decision(struct screen *s, const json_t *app)
{
	const json_t	*last = ra_decision(app);
	char		*reason = reason_describe(app, i18n_current());
	char		 line[1536], when[RA_WHEN_MAX], who[256];

	if (last == NULL) {
		app_set(s, "decided", NULL);
		free(reason);
		return;
	}
	/* The reason in the operator's language, the text as it was typed. */
	(void)snprintf(line, sizeof line, "%s, %s%s%s",
	    ra_when(ra_str(last, "at"), when), ra_actor(ra_str(last, "actor"), app, who, sizeof who),
	    reason != NULL ? "\n" : "", reason != NULL ? reason : "");
	app_set(s, "decided", line);
	free(reason);
}

int
ra_tui_app_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	const json_t	*app, *a, *org, *role;
	char		 line[1024], when[RA_WHEN_MAX];

	if (ra_tui_app_load(s) == -1)
		return -1;
	app = rt->app;
	a = json_object_get(app, "applicant");
	org = json_object_get(app, "organization");
	role = json_object_get(app, "role");
	app_set(s, "number", ra_str(app, "request_number"));
	app_set(s, "status", app_status(app));
	app_set(s, "submitted", ra_when(ra_str(app, "submitted"), when));
	app_deadline(s, app);
	app_decision(s, app);
	ra_applicant_name(app, line, sizeof line);
	app_set(s, "applicant", line);
	app_set(s, "iin", ra_str(a, "iin"));
	app_set(s, "email", ra_str(a, "email"));
	app_set(s, "org", json_is_object(org) && json_object_get(org, "name") != NULL ?
	    ra_name(json_object_get(org, "name")) : ra_value_label(org));
	app_set(s, "bin", ra_str(org, "bin"));
	if (json_is_object(role))
		(void)snprintf(line, sizeof line, "%s (%s)", ra_value_label(role),
		    ra_str(role, "id"));
	else
		(void)snprintf(line, sizeof line, "%s", ra_value_label(role));
	app_set(s, "role", line);
	(void)snprintf(line, sizeof line, "%s, %s",
	    app_or(ra_value_label(json_object_get(app, "region"))),
	    app_or(ra_value_label(json_object_get(app, "city"))));
	app_set(s, "place", line);
	app_set(s, "gu_code", ra_str(app, "gu_code"));
	app_set(s, "storage", app_storage(app));
	return 0;
}

/* Days between submission and deadline: the window this service gives (30 by default). */
static int
app_window(const json_t *app)
{
	struct tm	a, b;
	time_t		ta, tb;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (strptime(ra_str(app, "submitted"), "%Y-%m-%dT%H:%M:%SZ", &a) == NULL ||
	    strptime(ra_str(app, "deadline"), "%Y-%m-%dT%H:%M:%SZ", &b) == NULL ||
	    (ta = timegm(&a)) == (time_t)-1 || (tb = timegm(&b)) == (time_t)-1 || tb <= ta)
		return 30;
	return (int)((tb - ta + 43200) / 86400);
}

/*
 * The application form as the applicant printed it, in the operator's language: made here
 * from the application's data (the same appform table the applicant's copy comes from),
 * since the service renders it in English only.
 */
int
ra_tui_form_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	const json_t	*app, *org;
	struct appform	 af;
	char		 who[512], date[11], deadline[11], *text, *cause = NULL;

	if (rt->app == NULL && ra_tui_app_load(s) == -1)
		return -1;
	app = rt->app;
	org = json_object_get(app, "organization");
	ra_applicant_name(app, who, sizeof who);
	af = (struct appform){ .number = ra_str(app, "request_number"),
	    .date = ra_day(ra_str(app, "submitted"), date),
	    .deadline = ra_day(ra_str(app, "deadline"), deadline),
	    .org_name = json_is_object(org) && json_object_get(org, "name") != NULL ?
	    ra_name(json_object_get(org, "name")) : ra_value_label(org),
	    .bin = ra_str(org, "bin"), .applicant = who,
	    .iin = ra_str(json_object_get(app, "applicant"), "iin"),
	    .email = ra_str(json_object_get(app, "applicant"), "email"),
	    .role = ra_value_label(json_object_get(app, "role")),
	    .region = ra_value_label(json_object_get(app, "region")),
	    .city = ra_value_label(json_object_get(app, "city")),
	    .gu_code = ra_str(app, "gu_code"), .storage = app_storage(app),
	    .days = app_window(app) };
	if ((text = appform_render(&af, 0, &cause)) == NULL) {
		screen_message(s, _("Application form"), cause != NULL ? cause : "?");
		free(cause);
		return -1;
	}
	(void)screen_set_value(s, "form", text);
	free(text);
	return 0;
}

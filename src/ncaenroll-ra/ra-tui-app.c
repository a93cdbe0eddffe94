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

#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/mailnote.h"
#include "common/reason.h"
#include "ncaenroll-ra/ra-tui.h"

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

/*
 * The certificates: valid until when, or revoked with the reason, date and who asked
 * (the revocation in the reader's words, not the service's); "—" before they are issued.
 */
static void
app_certs(struct screen *s, const json_t *app)
{
	const json_t	*certs = json_object_get(app, "certificates");
	char		*rev = ra_revocation_text(json_object_get(app, "revocation"));
	char		 line[1024], day[11];

	if (rev != NULL)
		(void)snprintf(line, sizeof line, "%s: %s", _("Revoked"), rev);
	else if (*ra_str(certs, "not_after") != '\0')
		(void)snprintf(line, sizeof line, "%s (%s %s)", ra_cert_state(app),
		    _("both valid until"), ra_day(ra_str(certs, "not_after"), day));
	else
		line[0] = '\0';
	app_set(s, "certs", line);
	free(rev);
}

/*
 * The address, and after it a mail to it that did not arrive: the operator tells the
 * person what the mail would have. Brief, so the view keeps its first lines on 80x24.
 */
static void
app_email(struct screen *s, const json_t *app)
{
	const char	*to = ra_str(json_object_get(app, "applicant"), "email");
	char		*problem = mailnote_problem(json_object_get(app, "mail"),
			    MAILNOTE_DESK_BRIEF);
	char		*line = NULL;

	if (problem != NULL && asprintf(&line, "%s — %s", app_or(to), problem) != -1)
		app_set(s, "email", line);
	else
		app_set(s, "email", to);
	free(line);
	free(problem);
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
	app_email(s, app);
	app_set(s, "org", ra_org_name(app));
	app_set(s, "bin", ra_str(org, "bin"));
	/* By its name, as the form and the order of appointment say it (not ROLE02). */
	app_set(s, "role", ra_value_label(role));
	(void)snprintf(line, sizeof line, "%s, %s",
	    app_or(ra_value_label(json_object_get(app, "region"))),
	    app_or(ra_value_label(json_object_get(app, "city"))));
	app_set(s, "place", line);
	app_set(s, "gu_code", ra_str(app, "gu_code"));
	app_set(s, "storage", ra_storage_name(app));
	app_certs(s, app);
	return 0;
}

int
ra_tui_form_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	char		*text, *cause = NULL;

	if (rt->app == NULL && ra_tui_app_load(s) == -1)
		return -1;
	if ((text = ra_form_text(rt->app, &cause)) == NULL) {
		screen_message(s, _("Application form"), cause != NULL ? cause : "?");
		free(cause);
		return -1;
	}
	(void)screen_set_value(s, "form", text);
	free(text);
	return 0;
}

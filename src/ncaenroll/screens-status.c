/*
 * screens-status — an application's status by its request number: where it stands, what
 * to do now, a rejection's reason, the certificates' validity, and from there installing
 * them or removing a refused application's keys.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/mailnote.h"
#include "common/reason.h"
#include "common/revocation.h"
#include "common/when.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* What the person is to do now, by where the application stands (appstatus.h's order). */
static const char *const screens_status_todo[] = {
	[APP_SUBMITTED] = N_("Bring the printed form and your identity document to a "
	    "registration desk before the deadline above; the certificates can be installed "
	    "once the desk approves."),
	[APP_ISSUED] = N_("Install the certificates on the computer where the application "
	    "was made: press \"Install certificates\"."),
	[APP_INSTALLED] = N_("Nothing more: the certificates are installed; \"Install "
	    "certificates\" shows where."),
	[APP_REJECTED] = N_("This application cannot go on. Apply again with new keys: press "
	    "\"New application\", then bring the printed form and the documents to a "
	    "registration desk in time."),
	[APP_CANCELLED] = N_("This application cannot go on. Apply again with new keys: press "
	    "\"New application\", then bring the printed form and the documents to a "
	    "registration desk in time."),
	[APP_REVOKED] = N_("These certificates can no longer be used. For new ones, apply "
	    "again: press \"New application\", then bring the printed form and the documents "
	    "to a registration desk in time."),
};

_Static_assert(sizeof screens_status_todo / sizeof screens_status_todo[0] ==
    APP_STATUS__MAX, "a next step for every status");

/*
 * The "what to do" line; for a refused application whose keys are still here, where they
 * are too, with the focus on the button that removes them.
 */
static void
screens_status_next(struct screen *s, enum app_status code, const char *number)
{
	char	*left = NULL, *text = NULL;

	if ((code == APP_REJECTED || code == APP_CANCELLED) && *number != '\0')
		left = screens_abandon_keys_left(s, number);
	if (left != NULL && asprintf(&text, "%s %s", _(screens_status_todo[code]), left) != -1) {
		screens_put(s, "next", text);
		(void)screen_focus_button(s, "remove_keys");
	} else
		screens_put(s, "next", _(screens_status_todo[code]));
	free(text);
	free(left);
}

/* Revoked: when (local time) and why, in the screen's language, into buf. */
static const char *
screens_status_revoked(struct screen *s, json_t *r, char *buf, size_t size)
{
	const struct revocation_kind	*k = revocation_find(screens_jstr(r, "reason"));
	char				 when[WHEN_MAX];

	(void)snprintf(buf, size, "%s — %s", when_local(screens_jstr(r, "at"), when),
	    k != NULL ? revocation_name(k, screens_tui(s)->look.lang) :
	    screens_jstr(r, "reason"));
	return buf;
}

static void
screens_status_show(struct screen *s, json_t *st)
{
	json_t		*certs = json_object_get(st, "certificates"), *subj;
	enum app_status	 code;
	const char	*w = screens_jstr(st, "status");
	char		 buf[512];

	char		*why = reason_describe(st, i18n_current());
	char		*mail = mailnote_problem(json_object_get(st, "mail"), MAILNOTE_APPLICANT);

	screens_put(s, "status", appstatus_parse(w, &code) == 0 ?
	    _(appstatus_label(code)) : w);
	if (appstatus_parse(w, &code) == 0)
		screens_status_next(s, code, screens_jstr(st, "request_number"));
	else
		screens_put(s, "next", "");
	/* A rejection's reason in the reader's language, the operator's words as typed. */
	if (why != NULL)
		screens_put(s, "detail", why);
	else if (json_is_object(json_object_get(st, "revocation")))
		screens_put(s, "detail", screens_status_revoked(s,
		    json_object_get(st, "revocation"), buf, sizeof buf));
	else if (strcmp(w, "submitted") == 0) {
		(void)snprintf(buf, sizeof buf, "%.10s", screens_jstr(st, "deadline"));
		screens_put(s, "detail", buf);
	}
	else
		screens_put(s, "detail", "");
	buf[0] = '\0';
	/* Validity by the day: the time of day only makes the line wrap. */
	if (json_is_object(certs))
		(void)snprintf(buf, sizeof buf, "%.10s — %.10s", screens_jstr(certs, "not_before"),
		    screens_jstr(certs, "not_after"));
	screens_put(s, "validity", buf);
	subj = json_object_get(st, "subject");
	if (!json_is_object(subj) && json_is_object(certs))
		subj = json_object_get(certs, "subject");
	screens_put(s, "subject", json_is_object(subj) ? screens_jstr(subj, "cn") :
	    "");
	screens_put(s, "auth_serial", json_is_object(certs) ?
	    screens_jstr(json_object_get(certs, "auth"), "serial") : "");
	screens_put(s, "sign_serial", json_is_object(certs) ?
	    screens_jstr(json_object_get(certs, "sign"), "serial") : "");
	/* A mail that did not arrive, so the person does not wait for it. */
	screens_put(s, "mail", mail != NULL ? mail : "");
	free(mail);
	free(why);
}

enum action_result
screens_status_search(struct screen *s)
{
	static const char *const fields[] = { "request_number", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t			*st = NULL;
	char			 num[64];

	(void)snprintf(num, sizeof num, "%s", screens_value(s, "request_number"));
	if (num[0] == '\0') {
		screen_set_error(s, "request_number", _("type the request number"));
		return ACTION_STAY;
	}
	screen_progress(s, _("Asking the service..."));
	if (enroll_refresh(screens_enroll(s), num, &st, &err) == -1) {
		screen_progress(s, "");
		/* A number the service does not know is a refusal of that field. */
		if (err.kind == FAILURE_REFUSED && err.field == NULL)
			err.field = strdup("request_number");
		return screens_report(s, &err, fields);
	}
	screen_progress(s, "");
	screens_status_show(s, st);
	json_decref(st);
	screens_support_warm(s);
	screen_set_error(s, "request_number", NULL);
	return ACTION_STAY;
}

enum action_result
screens_status_install(struct screen *s)
{
	if (screens_install_choose(s, screens_value(s, "request_number"), "request_number") == -1)
		return ACTION_STAY;
	return screens_install_where(s, "request_number");
}

/* A refused application's keys, from the status screen; the line about them follows. */
enum action_result
screens_status_remove_keys(struct screen *s)
{
	struct state_app	*a;
	enum app_status		 code;
	const char		*number = screens_value(s, "request_number");

	if (*number != '\0' && enroll_app(screens_enroll(s), number) == NULL) {
		screen_set_error(s, "request_number", _("no keys of this application are on this "
		    "computer"));
		return ACTION_STAY;
	}
	if (screens_install_choose(s, number, "request_number") == -1)
		return ACTION_STAY;
	if (screens_abandon_keys_remove_asked(s) == 0 && (a = screens_app(s)) != NULL &&
	    (a->state == MS_REJECTED || a->state == MS_CANCELLED)) {
		code = a->state == MS_REJECTED ? APP_REJECTED : APP_CANCELLED;
		screens_status_next(s, code, a->id);
	}
	return ACTION_STAY;
}

int
screens_status_enter(struct screen *s)
{
	struct enroll	*e = screens_enroll(s);
	size_t		 i;

	if (screens_get(s, APPKEY_REQUEST_NUMBER) != NULL) {
		screens_restore(s, "request_number", APPKEY_REQUEST_NUMBER);
		return 0;
	}
	/* A new start: the number of the latest application sent from here, if any. */
	for (i = e->st->napps; i > 0; i--)
		if (state_get(&e->st->apps[i - 1], APPKEY_REQUEST_NUMBER) != NULL) {
			screens_put(s, "request_number",
			    state_get(&e->st->apps[i - 1], APPKEY_REQUEST_NUMBER));
			break;
		}
	return 0;
}

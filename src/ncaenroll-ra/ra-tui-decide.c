/*
 * ra-tui-decide — the operator's decision (forms/ra/approve.yaml, reject.yaml). Approval
 * sends the documents ticked as seen (every one the checklist requires, or nothing is
 * sent), rejection a reason from the service's list and the explanation the applicant
 * reads. Each is confirmed in a box naming the application and the person, and is taken
 * once: an application no longer waiting is refused before its screen opens, and when
 * another desk decided it meanwhile the service's own words ("already decided by ...")
 * are shown and the application screen comes back read again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/idlist.h"
#include "ncaenroll-ra/ra-tui.h"

/* The service's word for an application decided before this desk could. */
#define DECIDE_ALREADY	"application.already_decided"

/* 0 while the application waits; otherwise says who decided it, and when. */
static int
decide_waiting(struct screen *s)
{
	const json_t	*app = ra_tui_ctx(s)->app;
	char		*msg;

	if (app == NULL) {
		screen_message(s, _("Refused"), _("The application could not be read; Esc goes "
		    "back to the queue."));
		return -1;
	}
	if (strcmp(ra_str(app, "status"), "submitted") == 0)
		return 0;
	msg = ra_already_app(app);
	screen_message(s, _("Refused"), msg != NULL ? msg : ra_status(ra_str(app, "status")));
	free(msg);
	return -1;
}

enum action_result
ra_tui_approve_open(struct screen *s)
{
	return decide_waiting(s) == 0 ? ACTION_GOTO : ACTION_STAY;
}

enum action_result
ra_tui_reject_open(struct screen *s)
{
	return decide_waiting(s) == 0 ? ACTION_GOTO : ACTION_STAY;
}

int
ra_tui_approve_enter(struct screen *s)
{
	const json_t	*app = ra_tui_ctx(s)->app;
	char		 who[1024];

	if (app == NULL)
		return -1;
	ra_tui_who(app, who, sizeof who);
	(void)screen_set_value(s, "who", who);
	return screen_set_items(s, "docs", json_object_get(app, "documents"));
}

/* The service's reasons, asked once a session: they are the service's, not ours. */
static json_t *
decide_reasons(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };

	if (rt->reasons == NULL && ra_reject_reasons(rt->ra, &rt->reasons, &err) == -1)
		(void)ra_tui_fail(s, &err, NULL);
	return rt->reasons;
}

int
ra_tui_reject_enter(struct screen *s)
{
	const json_t	*app = ra_tui_ctx(s)->app;
	json_t		*reasons;
	char		 who[1024];

	if (app == NULL)
		return -1;
	ra_tui_who(app, who, sizeof who);
	(void)screen_set_value(s, "who", who);
	if ((reasons = decide_reasons(s)) == NULL)
		return -1;
	return screen_set_items(s, "reason", reasons);
}

int
ra_tui_all_seen(struct screen *s, const json_t *app, const char *ticked, int revoking)
{
	const json_t	*doc;
	char		 missing[1024] = "", *msg = NULL, *again;
	size_t		 i;

	json_array_foreach(json_object_get(app, "documents"), i, doc) {
		if (json_is_false(json_object_get(doc, "required")) ||
		    idlist_has(ticked, ra_str(doc, "code")))
			continue;
		if (missing[0] != '\0')
			(void)strncat(missing, "; ", sizeof missing - strlen(missing) - 1);
		(void)strncat(missing, ra_name(json_object_get(doc, "name")),
		    sizeof missing - strlen(missing) - 1);
	}
	if (missing[0] == '\0')
		return 0;
	if ((revoking ? asprintf(&msg, _("Not ticked: %s. Every document must be seen "
	    "before a revocation, as before an approval."), missing) : asprintf(&msg,
	    _("Not ticked: %s. Every document must be seen before approval; to refuse, go "
	    "back and choose Reject."), missing)) == -1)
		msg = NULL;
	/* The same ticks again (a copy: ticked is the widget's own answer): the cursor
	 * goes to the first document still to see. */
	if ((again = strdup(ticked)) != NULL)
		(void)screen_set_value(s, "docs", again);
	free(again);
	screen_set_error(s, "docs", msg != NULL ? msg : missing);
	free(msg);
	return -1;
}

/*
 * After a decision is sent: the service's answer is shown; a decision someone else took
 * first brings the application back (read again, with who decided); anything else stays.
 */
static enum action_result
decide_after(struct screen *s, int rc, struct failure *err, const json_t *answer,
    int approved)
{
	int	already;

	screen_progress(s, "");
	if (rc == 0) {
		screen_message(s, _("Done"), ra_decided_text(answer, approved));
		return ACTION_NEXT;
	}
	already = err->code != NULL && strcmp(err->code, DECIDE_ALREADY) == 0;
	(void)ra_tui_fail(s, err, NULL);
	return already ? ACTION_NEXT : ACTION_STAY;
}

enum action_result
ra_tui_approve(struct screen *s)
{
	struct ra_tui		*rt = ra_tui_ctx(s);
	struct failure		 err = { 0, NULL, NULL, NULL };
	const char		*codes[RA_MAX_DOCUMENTS];
	char			*ticked = NULL, *q = NULL, name[512];
	json_t			*answer = NULL;
	enum action_result	 r = ACTION_STAY;
	int			 rc, n;

	if (rt->app == NULL || ra_tui_all_seen(s, rt->app, ra_tui_value(s, "docs"), 0) == -1)
		return ACTION_STAY;
	ra_applicant_name(rt->app, name, sizeof name);
	if ((ticked = strdup(ra_tui_value(s, "docs"))) == NULL)
		goto out;
	/* Refused at the list, before the question, as `ncaenroll-ra approve` refuses it. */
	if ((n = ra_documents_split(ticked, codes, RA_MAX_DOCUMENTS, &err)) == -1) {
		screen_set_error(s, "docs", err.message);
		goto out;
	}
	if (asprintf(&q, _("Approve application %s for %s?"), rt->number, name) == -1) {
		q = NULL;
		goto out;
	}
	if (!screen_confirm_no(s, _("Approve"), q))
		goto out;
	screen_progress(s, _("Approving: the service issues both certificates..."));
	rc = ra_approve(rt->ra, rt->number, codes, (size_t)n, &answer, &err);
	r = decide_after(s, rc, &err, answer, 1);
out:
	failure_free(&err);
	json_decref(answer);
	free(ticked);
	free(q);
	return r;
}

/* The chosen reason's row of the service's list, or NULL. */
static const json_t *
decide_reason(struct screen *s, const char *code)
{
	const json_t	*r;
	size_t		 i;

	json_array_foreach(ra_tui_ctx(s)->reasons, i, r)
		if (strcmp(ra_str(r, "code"), code) == 0)
			return r;
	return NULL;
}

/* "Reject application N for NAME?", then the reason and the explanation as sent. */
static char *
decide_reject_question(struct screen *s, const json_t *reason, const char *note)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	char		*ask = NULL, *q = NULL, name[512];

	ra_applicant_name(rt->app, name, sizeof name);
	if (asprintf(&ask, _("Reject application %s for %s?"), rt->number, name) == -1)
		return NULL;
	if (asprintf(&q, "%s\n\n%s%s%s", ask, ra_name(json_object_get(reason, "name")),
	    *note != '\0' ? ": " : "", note) == -1)
		q = NULL;
	free(ask);
	return q;
}

enum action_result
ra_tui_reject(struct screen *s)
{
	static const char *const map[] = { "reason", "reason", "text", "note", NULL, NULL };
	struct ra_tui		*rt = ra_tui_ctx(s);
	struct failure		 err = { 0, NULL, NULL, NULL };
	const json_t		*reason;
	char			*code = NULL, *note = NULL, *q = NULL;
	json_t			*answer = NULL;
	enum action_result	 r = ACTION_STAY;
	int			 rc;

	if (rt->app == NULL)
		return ACTION_STAY;
	if ((reason = decide_reason(s, ra_tui_value(s, "reason"))) == NULL) {
		screen_set_error(s, "reason", _("Choose a reason from the list (Space or Enter)."));
		return ACTION_STAY;
	}
	if (json_is_true(json_object_get(reason, "text_required")) &&
	    *ra_tui_value(s, "note") == '\0') {
		screen_set_error(s, "note", _("This reason needs an explanation: the applicant "
		    "reads it in their status."));
		return ACTION_STAY;
	}
	if ((code = strdup(ra_str(reason, "code"))) == NULL ||
	    (note = strdup(ra_tui_value(s, "note"))) == NULL ||
	    (q = decide_reject_question(s, reason, note)) == NULL ||
	    !screen_confirm_no(s, _("Reject"), q))
		goto out;
	screen_progress(s, _("Rejecting..."));
	rc = ra_reject(rt->ra, rt->number, code, *note != '\0' ? note : NULL, &answer, &err);
	/* A refusal of what was typed goes to its field; the rest is said in a box. */
	if (rc == -1 && err.field != NULL && (strcmp(err.field, "reason") == 0 ||
	    strcmp(err.field, "text") == 0)) {
		screen_progress(s, "");
		r = ra_tui_fail(s, &err, map);
	} else
		r = decide_after(s, rc, &err, answer, 0);
out:
	json_decref(answer);
	free(code);
	free(note);
	free(q);
	return r;
}

/*
 * ra-tui-revoke — a person's certificates found by IIN (forms/ra/certs.yaml, from the find
 * screen's "Certificates") and the revocation of an application's two (forms/ra/
 * revoke.yaml): a reason a desk may give (src/common/revocation.c), the documents of the
 * approval's checklist all seen, a confirmation naming the application and the person,
 * then the service's answer. An application revoked before is answered from its status
 * (when and why), never revoked again; one with no certificates is refused before its
 * screen opens.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/idnum.h"
#include "common/revocation.h"
#include "ncaenroll-ra/ra-tui.h"

/* The certs table in the rows widget's 75 columns: number, state, valid until; ... */
static const int revoke_line1[] = { REQNUM_LEN, 25, 0 };
static const int revoke_line2[] = { 2, 38, 0 };
static const int revoke_line3[] = { 2, 0 };

static json_t *
revoke_line(const int *w, size_t n)
{
	json_t	*l = json_array();
	size_t	 i;

	for (i = 0; l != NULL && i < n; i++)
		if (json_array_append_new(l, json_integer(w[i])) == -1) {
			json_decref(l);
			return NULL;
		}
	return l;
}

static json_t *
revoke_columns(void)
{
	return json_pack("[o?, o?, o?]", revoke_line(revoke_line1, 3),
	    revoke_line(revoke_line2, 3), revoke_line(revoke_line3, 2));
}

/*
 * One application as a row: revoked ones stand out (and say so in their state cell), the
 * reason and the day on their third line (the time and who revoked: on its screen, as a
 * name too long for the line is not cut).
 */
static json_t *
revoke_row(const json_t *app)
{
	const json_t	*certs = json_object_get(app, "certificates");
	const json_t	*r = json_object_get(app, "revocation");
	const char	*until = ra_str(app, "not_after");
	char		 day[11], at[11], *rev = NULL;
	json_t		*row;

	if (*until == '\0')
		until = ra_str(certs, "not_after");
	if (json_is_object(r) && asprintf(&rev, "%s, %s", ra_revocation_reason(r),
	    ra_day(ra_str(r, "at"), at)) == -1)
		rev = NULL;
	row = json_pack("{s:s, s:b, s:[[s, s, s], [s, s, s], [s, s]]}",
	    "id", ra_str(app, "request_number"),
	    "alert", strcmp(ra_str(app, "status"), "revoked") == 0,
	    "cells", ra_str(app, "request_number"), ra_cert_state(app), ra_day(until, day),
	    "", ra_org_name(app), ra_value_label(json_object_get(app, "role")),
	    "", rev != NULL ? rev : "");
	free(rev);
	return row;
}

/* The digits of an IIN typed with spaces or dashes; -1 if anything else is in it. */
static int
revoke_digits(const char *in, char out[IDNUM_LEN + 1])
{
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (!isdigit((unsigned char)*in) || n >= IDNUM_LEN)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return n == IDNUM_LEN ? 0 : -1;
}

/*
 * The find screen's "Certificates": the IIN typed is checked and the person's
 * certificates read here, so that a mistyped IIN or the service's refusal is said at the
 * field; the list screen then shows them.
 */
enum action_result
ra_tui_certs_find(struct screen *s)
{
	static const char *const map[] = { "iin", "search", NULL, NULL };
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	char		 iin[IDNUM_LEN + 1];
	json_t		*certs = NULL;

	if (revoke_digits(ra_tui_value(s, "search"), iin) == -1) {
		screen_set_error(s, "search", _("Type the person's IIN (12 digits) to list their "
		    "certificates."));
		return ACTION_STAY;
	}
	screen_progress(s, _("Asking the service..."));
	if (ra_certificates(rt->ra, iin, &certs, &err) == -1) {
		screen_progress(s, "");
		return ra_tui_fail(s, &err, map);
	}
	screen_progress(s, "");
	if (ra_tui_set(&rt->iin, iin) == -1) {
		json_decref(certs);
		return ACTION_STAY;
	}
	json_decref(rt->certs);
	rt->certs = certs;
	return ACTION_GOTO;
}

int
ra_tui_certs_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	const json_t	*app;
	json_t		*items = NULL, *set = NULL, *row;
	char		 who[128];
	size_t		 i;
	int		 rc = -1;

	if (rt->iin == NULL)
		return -1;
	/* Read again when coming back: a revocation may have been made meanwhile. */
	if (rt->certs == NULL && ra_certificates(rt->ra, rt->iin, &rt->certs, &err) == -1) {
		(void)ra_tui_fail(s, &err, NULL);
		return -1;
	}
	if (json_array_size(rt->certs) == 0)
		(void)snprintf(who, sizeof who, "%s: %s", rt->iin, _("no certificates were ever "
		    "issued to this person"));
	else
		(void)snprintf(who, sizeof who, "%s", rt->iin);
	(void)screen_set_value(s, "who", who);
	if ((items = json_array()) == NULL)
		goto out;
	json_array_foreach(rt->certs, i, app)
		if ((row = revoke_row(app)) == NULL || json_array_append_new(items, row) == -1)
			goto out;
	if ((set = json_pack("{s:o, s:O}", "columns", revoke_columns(), "items", items)) ==
	    NULL || screen_set_items(s, "list", set) == -1)
		goto out;
	if (rt->number[0] != '\0')
		(void)screen_set_value(s, "list", rt->number);
	rc = 0;
out:
	json_decref(set);
	json_decref(items);
	return rc;
}

enum action_result
ra_tui_certs_open(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	const char	*number = ra_tui_value(s, "list");

	if (*number == '\0') {
		screen_message(s, _("Nothing to open"), _("No certificates were ever issued to "
		    "this person."));
		return ACTION_STAY;
	}
	(void)snprintf(rt->number, sizeof rt->number, "%s", number);
	json_decref(rt->certs);		/* back here, the list is read again */
	rt->certs = NULL;
	return ACTION_GOTO;
}

/* 0 when the application has certificates to revoke; else says why not, -1. */
static int
revoke_possible(struct screen *s)
{
	const json_t	*app = ra_tui_ctx(s)->app;
	char		*what, *msg = NULL;

	if (app == NULL) {
		screen_message(s, _("Refused"), _("The application could not be read; Esc goes "
		    "back."));
		return -1;
	}
	if (ra_revocable(app))
		return 0;
	if (strcmp(ra_str(app, "status"), "revoked") == 0) {
		what = ra_revocation_text(json_object_get(app, "revocation"));
		if (asprintf(&msg, _("The certificates of this application were already "
		    "revoked: %s."), what != NULL ? what : "?") == -1)
			msg = NULL;
		free(what);
		screen_message(s, _("Already revoked"), msg != NULL ? msg : "?");
	} else {
		if (asprintf(&msg, _("This application has no certificates to revoke (its "
		    "status: %s). Only an issued or installed application's certificates can "
		    "be revoked."), ra_status(ra_str(app, "status"))) == -1)
			msg = NULL;
		screen_message(s, _("Refused"), msg != NULL ? msg : "?");
	}
	free(msg);
	return -1;
}

enum action_result
ra_tui_revoke_open(struct screen *s)
{
	return revoke_possible(s) == 0 ? ACTION_GOTO : ACTION_STAY;
}

/* The reasons a desk may give, as the list's items ({id, name: {kk, ru, en}}). */
static json_t *
revoke_reasons(void)
{
	json_t	*items = json_array();
	size_t	 i;

	for (i = 0; items != NULL && i < revocation_nkinds; i++) {
		const struct revocation_kind	*k = &revocation_kinds[i];

		if (k->chosen && json_array_append_new(items, json_pack("{s:s, s:{s:s, s:s, "
		    "s:s}}", "id", k->code, "name", "kk", k->kk, "ru", k->ru, "en", k->en)) ==
		    -1) {
			json_decref(items);
			return NULL;
		}
	}
	return items;
}

int
ra_tui_revoke_enter(struct screen *s)
{
	const json_t	*app = ra_tui_ctx(s)->app;
	json_t		*reasons;
	char		 who[1024];
	int		 rc;

	if (app == NULL)
		return -1;
	ra_tui_who(app, who, sizeof who);
	(void)screen_set_value(s, "who", who);
	if ((reasons = revoke_reasons()) == NULL)
		return -1;
	rc = screen_set_items(s, "reason", reasons);
	json_decref(reasons);
	if (rc == -1)
		return -1;
	return screen_set_items(s, "docs", json_object_get(app, "documents"));
}

/* "Revoke both certificates of application N for NAME? ...", the reason and the note. */
static char *
revoke_question(struct screen *s, const struct revocation_kind *k, const char *note)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	char		*ask = NULL, *q = NULL, name[512];

	ra_applicant_name(rt->app, name, sizeof name);
	if (asprintf(&ask, _("Revoke both certificates of application %s for %s? This cannot "
	    "be undone."), rt->number, name) == -1)
		return NULL;
	if (asprintf(&q, "%s\n\n%s%s%s", ask, revocation_name(k, i18n_current()),
	    *note != '\0' ? ": " : "", note) == -1)
		q = NULL;
	free(ask);
	return q;
}

/*
 * After the service answered: done, or found revoked before, in a box, then the
 * application read again; a refusal of what was typed at its field; anything else in a
 * box, the screen kept (an application that turned out to have no certificates goes back).
 */
static enum action_result
revoke_after(struct screen *s, int rc, struct failure *err, const json_t *answer,
    int already)
{
	static const char *const map[] = { "reason", "reason", "documents", "docs", "text",
	    "note", NULL, NULL };
	char	*text;
	int	 gone;

	screen_progress(s, "");
	if (rc == 0) {
		text = ra_revoked_text(answer, already);
		screen_message(s, already ? _("Already revoked") : _("Done"), text != NULL ?
		    text : _("Revoked."));
		free(text);
		return ACTION_NEXT;
	}
	gone = err->code != NULL && strcmp(err->code, "application.not_revocable") == 0;
	(void)ra_tui_fail(s, err, map);
	return gone ? ACTION_NEXT : ACTION_STAY;
}

enum action_result
ra_tui_revoke(struct screen *s)
{
	struct ra_tui			*rt = ra_tui_ctx(s);
	struct failure			 err = { 0, NULL, NULL, NULL };
	const struct revocation_kind	*k = revocation_find(ra_tui_value(s, "reason"));
	struct ra_revocation		 r;
	const char			*codes[RA_MAX_DOCUMENTS];
	char				*ticked = NULL, *note = NULL, *q = NULL;
	json_t				*answer = NULL;
	enum action_result		 res = ACTION_STAY;
	int				 rc, n, already = 0;

	if (rt->app == NULL)
		return ACTION_STAY;
	if (k == NULL || !k->chosen) {
		screen_set_error(s, "reason", _("Choose a reason from the list (Space or Enter)."));
		return ACTION_STAY;
	}
	if (ra_tui_all_seen(s, rt->app, ra_tui_value(s, "docs"), 1) == -1)
		return ACTION_STAY;
	if ((ticked = strdup(ra_tui_value(s, "docs"))) == NULL ||
	    (note = strdup(ra_tui_value(s, "note"))) == NULL)
		goto out;
	if ((n = ra_documents_split(ticked, codes, RA_MAX_DOCUMENTS, &err)) == -1) {
		screen_set_error(s, "docs", err.message);
		goto out;
	}
	if ((q = revoke_question(s, k, note)) == NULL ||
	    !screen_confirm_no(s, _("Revoke"), q))
		goto out;
	screen_progress(s, _("Revoking both certificates..."));
	r = (struct ra_revocation){ k->code, codes, (size_t)n, *note != '\0' ? note : NULL };
	rc = ra_revoke(rt->ra, rt->number, &r, &answer, &already, &err);
	res = revoke_after(s, rc, &err, answer, already);
out:
	failure_free(&err);
	json_decref(answer);
	free(ticked);
	free(note);
	free(q);
	return res;
}

/*
 * screens-certs — My certificates (the installed ones, with their days left and the OCSP
 * service's word), and what can be done with them there: renew online (then the install
 * screens, as for any application), revoke for good, another password (screens-main.c).
 * Also the line every start says of certificates that expire within 30 days.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/revocation.h"
#include "common/when.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

static const char *
screens_certs_day(time_t t, char day[WHEN_DAY_MAX])
{
	struct tm	tm;
	char		iso[21];

	iso[0] = '\0';
	if (t != 0 && gmtime_r(&t, &tm) != NULL)
		(void)strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return when_day(iso, day);
}

/* What the OCSP service said, in a word or two for the list. */
static const char *
screens_certs_status(const struct enroll_cert *c)
{
	if (c->ocsp == ENROLL_OCSP_GOOD)
		return _("in force");
	if (c->ocsp == ENROLL_OCSP_REVOKED)
		return _("revoked");
	if (c->ocsp == ENROLL_OCSP_UNKNOWN)
		return _("unknown to the OCSP service");
	return _("status unknown");
}

/*
 * One application as two lines of the table: number, valid until, days left, status;
 * then holder and role. Marked (colour and "!") when it expires within 30 days.
 */
/* A row read from a token the state does not know: "token:" and its place in the list. */
#define SCREENS_CERTS_TOKEN_ID	"token:"

static json_t *
screens_certs_item(const char *id, const struct enroll_cert *c)
{
	char	day[WHEN_DAY_MAX], left[16], first[128];
	int	alert = c->state == MS_INSTALLED && c->days_left < ENROLL_EXPIRY_WARN_DAYS;

	(void)screens_certs_day(c->not_after, day);
	(void)snprintf(left, sizeof left, "%3ld%s", c->days_left, alert ? "!" : "");
	if (c->from_token)
		(void)snprintf(first, sizeof first, _("token %s"), c->where);
	else
		(void)snprintf(first, sizeof first, "%s", c->number);
	return json_pack("{s:s, s:b, s:[[s, s, s, s], [s, s, s]]}", "id", id, "alert",
	    alert, "cells", first, day, left, screens_certs_status(c), "", c->holder,
	    c->role);
}

static int
screens_certs_fill(struct screen *s, const char *field)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct enroll		*e = screens_enroll(s);
	struct enroll_cert	*v = NULL;
	struct state_app	*a = NULL;
	json_t			*items = json_array(), *it, *table = NULL;
	char			 id[32];
	size_t			 i, n = 0;
	int			 rc = -1;

	screen_progress(s, _("Asking the OCSP service..."));
	if (items == NULL || enroll_certs(e, 1, &v, &n, &err) == -1) {
		screen_progress(s, "");
		if (items != NULL)
			(void)screens_report(s, &err, NULL);
		json_decref(items);
		return -1;
	}
	screen_progress(s, "");
	for (i = 0; i < n; i++) {
		(void)snprintf(id, sizeof id, "%s%zu", SCREENS_CERTS_TOKEN_ID, i);
		if ((!v[i].from_token && (a = enroll_app(e, v[i].number)) == NULL) ||
		    (it = screens_certs_item(v[i].from_token ? id : a->id, &v[i])) == NULL ||
		    json_array_append_new(items, it) == -1)
			goto out;
	}
	if ((table = json_pack("{s:[[i, i, i, i], [i, i, i]], s:O}", "columns", 34, 10, 4, 0,
	    2, 34, 0, "items", items)) != NULL)
		rc = screen_set_items(s, field, table);
out:
	json_decref(table);
	enroll_certs_free(v, n);
	json_decref(items);
	return rc;
}

/* The reasons a holder may give, named in kk, ru and en (common/revocation.h). */
static int
screens_certs_reasons(struct screen *s, const char *field)
{
	json_t	*items = json_array(), *it;
	size_t	 i;
	int	 rc = -1;

	for (i = 0; items != NULL && i < revocation_nkinds; i++) {
		if (!revocation_kinds[i].chosen)
			continue;
		if ((it = json_pack("{s:s, s:{s:s, s:s, s:s}}", "id", revocation_kinds[i].code,
		    "name", "kk", revocation_kinds[i].kk, "ru", revocation_kinds[i].ru, "en",
		    revocation_kinds[i].en)) == NULL || json_array_append_new(items, it) == -1)
			goto out;
	}
	if (items != NULL)
		rc = screen_set_items(s, field, items);
out:
	json_decref(items);
	return rc;
}

int
screens_certs_src(struct screen *s, const char *field, const char *source)
{
	return strcmp(source, "certs") == 0 ? screens_certs_fill(s, field) :
	    screens_certs_reasons(s, field);
}

int
screens_certs_token_row(struct screen *s, const char *why)
{
	if (strncmp(screens_value(s, "app"), SCREENS_CERTS_TOKEN_ID,
	    strlen(SCREENS_CERTS_TOKEN_ID)) != 0)
		return 0;
	screen_set_error(s, "app", why);
	return 1;
}

/* The list's choice becomes the application worked on; NULL (said) if none. */
static struct state_app *
screens_certs_chosen(struct screen *s, const char *token_why)
{
	struct state_app	*a;
	const char		*id;

	/* Asked first: a rows field's value lives until the next time it is asked. */
	if (screens_certs_token_row(s, token_why))
		return NULL;
	id = screens_value(s, "app");
	if (*id == '\0' || (a = enroll_app(screens_enroll(s), id)) == NULL) {
		screen_set_error(s, "app", _("choose the certificates"));
		return NULL;
	}
	(void)snprintf(screens_ctx(s)->app_id, sizeof screens_ctx(s)->app_id, "%s", a->id);
	return a;
}

enum action_result
screens_certs_renew(struct screen *s)
{
	return screens_certs_chosen(s, _("these certificates were not applied for from this "
	    "computer: renew them on the computer that applied for them, or apply again")) !=
	    NULL ? ACTION_GOTO : ACTION_STAY;
}

enum action_result
screens_certs_revoke(struct screen *s)
{
	return screens_certs_chosen(s, _("these certificates were not applied for from this "
	    "computer: revoke them on the computer that applied for them, or at a registration "
	    "desk")) != NULL ? ACTION_GOTO : ACTION_STAY;
}

int
screens_certs_enter(struct screen *s)
{
	screens_put(s, "request_number", screens_or(screens_get(s, APPKEY_REQUEST_NUMBER),
	    "—"));
	screens_put(s, "password", "");
	return 0;
}

/*
 * What opens the current AUTH key: the password typed on the screen (a folder), the
 * token's PIN asked in a box, or nothing. NULL with *stop set when the person cancelled.
 */
static struct secret *
screens_certs_secret(struct screen *s, enum enroll_secret need, const char *why, int *stop)
{
	const char	*v = screens_value(s, "password");
	struct secret	*sec = NULL;

	*stop = 0;
	if (need == ENROLL_SECRET_PIN)
		*stop = (sec = screens_pin(s, why)) == NULL;
	else if (need == ENROLL_SECRET_PASSWORD && *v == '\0') {
		screen_set_error(s, "password", _("type the containers' password"));
		*stop = 1;
	} else if (need == ENROLL_SECRET_PASSWORD)
		*stop = (sec = secret_new(v, strlen(v))) == NULL;
	return sec;
}

static void
screens_certs_revoked_box(struct screen *s, const struct enroll_revocation *rev)
{
	const struct revocation_kind	*k = revocation_find(rev->reason);
	const char			*number = screens_or(screens_get(s,
					    APPKEY_REQUEST_NUMBER), "");
	char				 when[WHEN_MAX], text[1024];

	(void)when_local(rev->at != NULL ? rev->at : "?", when);
	(void)snprintf(text, sizeof text, rev->already ?
	    _("The certificates of application %s were already revoked on %s (%s). Nothing "
	    "was changed.") : _("The certificates of application %s are revoked (%s, %s). "
	    "They can no longer be used; for new ones apply again."), number, when,
	    k != NULL ? revocation_name(k, screens_tui(s)->look.lang) : screens_or(rev->reason,
	    "?"));
	screen_message(s, _("Revoked"), text);
}

/* Asked with No chosen: a revocation cannot be undone. 1 to go on. */
static int
screens_certs_revoke_sure(struct screen *s, const char *reason)
{
	const struct revocation_kind	*k = revocation_find(reason);
	char				 text[512];

	(void)snprintf(text, sizeof text, _("Both certificates of application %s will be "
	    "revoked for good (%s). Revoke them?"), screens_or(screens_get(s,
	    APPKEY_REQUEST_NUMBER), ""), k != NULL ? revocation_name(k,
	    screens_tui(s)->look.lang) : reason);
	return screen_confirm_no(s, _("Revoke the certificates"), text);
}

enum action_result
screens_certs_do_revoke(struct screen *s)
{
	static const char *const fields[] = { "reason", "password", NULL };
	struct failure			 err = { 0, NULL, NULL, NULL };
	struct enroll_revocation	 rev;
	enum enroll_secret		 need = ENROLL_SECRET_NONE;
	struct secret			*sec = NULL;
	const char			*id = screens_ctx(s)->app_id;
	char				 reason[64];
	int				 rc, stop;

	memset(&rev, 0, sizeof rev);
	(void)snprintf(reason, sizeof reason, "%s", screens_value(s, "reason"));
	if (*reason == '\0') {
		screen_set_error(s, "reason", _("choose the reason"));
		return ACTION_STAY;
	}
	if (!screens_certs_revoke_sure(s, reason))
		return ACTION_STAY;
	screen_progress(s, _("Asking the service..."));
	rc = enroll_revoke_plan(screens_enroll(s), id, &need, &rev, &err);
	screen_progress(s, "");
	if (rc == -1)
		return screens_report(s, &err, fields);
	if (!rev.already) {
		if ((sec = screens_certs_secret(s, need, _("The request is signed on the token."),
		    &stop)) == NULL && stop) {
			enroll_revocation_free(&rev);
			return ACTION_STAY;
		}
		screen_progress(s, _("Revoking..."));
		rc = enroll_revoke(screens_enroll(s), id, reason, sec, &rev, &err);
		screen_progress(s, "");
		secret_free(sec);
		screens_put(s, "password", "");
		if (rc == -1) {
			enroll_revocation_free(&rev);
			return screens_report(s, &err, fields);
		}
	}
	screens_certs_revoked_box(s, &rev);
	enroll_revocation_free(&rev);
	return ACTION_BACK;
}

/*
 * Renew, then the install screens for the new application (a new password for its
 * containers, or the token's PIN), as for any other.
 */
enum action_result
screens_certs_do_renew(struct screen *s)
{
	static const char *const fields[] = { "password", NULL };
	struct failure		 err = { 0, NULL, NULL, NULL };
	enum enroll_secret	 need = ENROLL_SECRET_NONE;
	struct state_app	*a;
	struct secret		*sec = NULL;
	char			 id[sizeof screens_ctx(s)->app_id], number[REQNUM_LEN + 1];
	char			 text[512];
	int			 rc, stop;

	(void)snprintf(id, sizeof id, "%s", screens_ctx(s)->app_id);
	screen_progress(s, _("Asking the service..."));
	rc = enroll_renew_plan(screens_enroll(s), id, &need, &err);
	screen_progress(s, "");
	if (rc == -1)
		return screens_report(s, &err, fields);
	if ((sec = screens_certs_secret(s, need, _("The new keys are made on the token."),
	    &stop)) == NULL && stop)
		return ACTION_STAY;
	screen_progress(s, _("Making new keys and asking the service..."));
	rc = enroll_renew(screens_enroll(s), id, sec, number, &err);
	screen_progress(s, "");
	secret_free(sec);
	screens_put(s, "password", "");
	if (rc == -1 || (a = enroll_app(screens_enroll(s), number)) == NULL)
		return screens_report(s, &err, fields);
	(void)snprintf(screens_ctx(s)->app_id, sizeof screens_ctx(s)->app_id, "%s", a->id);
	(void)snprintf(text, sizeof text, _("New certificates are issued: application %s. "
	    "Install them now; then the old ones are revoked."), number);
	screen_message(s, _("Renewed"), text);
	return screens_install_where(s, "request_number");
}

void
screens_certs_warn(struct screen *s)
{
	struct enroll_cert	*v = NULL;
	size_t			 i, n = 0;
	char			 day[WHEN_DAY_MAX], line[512], *text = NULL, *grown;

	if (enroll_certs(screens_enroll(s), 0, &v, &n, NULL) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (v[i].state != MS_INSTALLED || v[i].renewed_by != NULL || v[i].not_after == 0 ||
		    v[i].days_left < 0 || v[i].days_left >= ENROLL_EXPIRY_WARN_DAYS)
			continue;
		(void)snprintf(line, sizeof line, ngettext("The certificates of application %s "
		    "expire on %s (%ld day left): renew them under My certificates.",
		    "The certificates of application %s expire on %s (%ld days left): renew them "
		    "under My certificates.", (unsigned long)v[i].days_left), v[i].number,
		    screens_certs_day(v[i].not_after, day), v[i].days_left);
		if (asprintf(&grown, "%s%s%s", text != NULL ? text : "", text != NULL ? "\n" : "",
		    line) == -1)
			break;
		free(text);
		text = grown;
	}
	if (text != NULL)
		screen_message(s, _("Certificates expire soon"), text);
	free(text);
	enroll_certs_free(v, n);
}

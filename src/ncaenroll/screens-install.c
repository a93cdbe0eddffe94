/*
 * screens-install — installing the certificates: choosing the application, a new password
 * for a folder's containers (and their layout: modern, or NCA's own older one) or the
 * token's PIN, and an installed application: where and when (every way into install asks
 * that first, so nothing is asked the second time) and another password for its containers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/password.h"
#include "common/secret.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* Makes the application with this id or number the current one, if its keys are here. */
int
screens_install_choose(struct screen *s, const char *key, const char *field)
{
	struct screens		*t = screens_ctx(s);
	struct state_app	*a;

	if (*key == '\0') {
		screen_set_error(s, field, _("choose an application or type its number"));
		return -1;
	}
	if ((a = enroll_app(screens_enroll(s), key)) == NULL) {
		screen_set_error(s, field, _("the keys of this application are not on this "
		    "computer: install on the computer where the application was made"));
		return -1;
	}
	if (state_get(a, APPKEY_REQUEST_NUMBER) == NULL) {
		screen_set_error(s, field, _("this application has not been submitted yet"));
		return -1;
	}
	(void)snprintf(t->app_id, sizeof t->app_id, "%s", a->id);
	return 0;
}

/* An ISO 8601 UTC time as this computer's local date and time: "2026-12-06 14:31". */
static const char *
screens_install_local_time(const char *iso, char *buf, size_t size)
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	if (iso == NULL || strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) == NULL ||
	    (t = timegm(&tm)) == (time_t)-1 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		(void)snprintf(buf, size, "%s", "—");
	return buf;
}

/*
 * Installed already (every way into install asks this first): the screen that says where
 * and when opens instead, and nothing is asked or written; only a report the service has
 * not had yet is sent (a failure to send it is said, the certificates stay installed).
 * 1 when it is installed (the screen to go to is set), 0 when it is not.
 */
static int
screens_install_installed_go(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	struct screens		*t = screens_ctx(s);
	int			 token;

	if (enroll_installed(screens_enroll(s), t->app_id, &in, NULL) == -1)
		return 0;
	token = in.token != NULL;
	enroll_installed_free(&in);
	if (enroll_install(screens_enroll(s), t->app_id, NULL, KEYSTORE_P12_MODERN, &err) == -1)
		(void)screens_report(s, &err, NULL);
	return screen_go(s, token ? "installed_token" : "installed") == 0;
}

/*
 * Installing the application worked on: a new password for a folder's containers; for
 * keys on a token, its PIN. Nothing is asked when there is nothing to install (rejected,
 * cancelled, still at the desk): the core's sentence says why and what to do, at field.
 */
enum action_result
screens_install_where(struct screen *s, const char *field)
{
	const char *const	 fields[] = { field, NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	int			 rc;

	if (screens_install_installed_go(s))
		return ACTION_GOTO;
	screen_progress(s, _("Asking the service..."));
	rc = enroll_install_ready(screens_enroll(s), screens_ctx(s)->app_id, &err);
	screen_progress(s, "");
	if (rc == -1) {
		free(err.field);
		err.field = strdup(field);
		return screens_report(s, &err, fields);
	}
	screen_set_error(s, field, NULL);
	return screen_go(s, screens_on_token(s) ? "install_token" : "install_password") == 0 ?
	    ACTION_GOTO : ACTION_STAY;
}

enum action_result
screens_install_pick(struct screen *s)
{
	const char	*typed = screens_value(s, "request_number");
	const char	*field = *typed != '\0' ? "request_number" : "app";

	if (screens_install_choose(s, *typed != '\0' ? typed : screens_value(s, "app"), field) == -1)
		return ACTION_STAY;
	return screens_install_where(s, field);
}

enum action_result
screens_install_token(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct secret		*pin;
	int			 rc;

	if ((pin = screens_pin(s, _("The certificates are stored on the token beside the "
	    "keys."))) == NULL)
		return ACTION_STAY;
	screen_progress(s, _("Downloading the certificates and storing them on the "
	    "token..."));
	rc = enroll_install(screens_enroll(s), screens_ctx(s)->app_id, pin,
	    KEYSTORE_P12_MODERN, &err);
	secret_free(pin);
	screen_progress(s, "");
	if (rc == -1)
		return screens_report(s, &err, NULL);
	return ACTION_NEXT;
}

enum action_result
screens_install(struct screen *s)
{
	static const char *const fields[] = { "password", "password2", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	struct secret		*pw = NULL, *again = NULL;
	enum keystore_p12_layout layout;
	const char		*v;
	int			 met[PASSWORD_RULE__MAX], r, rc;

	v = screens_value(s, "password");
	/* The rule broken, never the characters that broke it: the screen may be watched. */
	if (password_rules_met(v, met) == -1) {
		for (r = 0; r < PASSWORD_RULE__MAX && met[r]; r++)
			;
		screen_set_error(s, "password", r < PASSWORD_RULE__MAX ?
		    _(password_rule_text((enum password_rule)r)) : _("invalid value"));
		return ACTION_STAY;
	}
	if ((pw = secret_new(v, strlen(v))) == NULL)
		return ACTION_STAY;
	v = screens_value(s, "password2");
	if ((again = secret_new(v, strlen(v))) == NULL || !secret_equal(pw, again)) {
		secret_free(pw);
		secret_free(again);
		/* Which of the two is mistyped nobody can see: both are typed again. */
		screens_put(s, "password", "");
		screens_put(s, "password2", "");
		screen_set_error(s, "password2", NULL);
		screen_set_error(s, "password", _("the two passwords differ; try again"));
		return ACTION_STAY;
	}
	secret_free(again);
	/* NCA's own older layout only when asked for (the box says when it is needed). */
	layout = strcmp(screens_value(s, "legacy"), "1") == 0 ? KEYSTORE_P12_LEGACY :
	    KEYSTORE_P12_MODERN;
	screen_progress(s, _("Downloading the certificates and writing the containers..."));
	rc = enroll_install(screens_enroll(s), t->app_id, pw, layout, &err);
	secret_free(pw);
	screen_progress(s, "");
	if (rc == -1)
		return screens_report(s, &err, fields);
	screens_put(s, "password", "");
	screens_put(s, "password2", "");
	return ACTION_NEXT;
}

int
screens_install_enter_pick(struct screen *s)
{
	/* The application worked on last is the likely one; typing the number is for others. */
	if (screens_get(s, APPKEY_REQUEST_NUMBER) != NULL) {
		screens_put(s, "app", screens_ctx(s)->app_id);
		screens_put(s, "request_number", "");
	}
	return 0;
}

int
screens_install_enter_password(struct screen *s)
{
	screens_restore(s, "request_number", APPKEY_REQUEST_NUMBER);
	return 0;
}

int
screens_install_enter_token(struct screen *s)
{
	screens_restore(s, "request_number", APPKEY_REQUEST_NUMBER);
	screens_put(s, "token", screens_or(screens_get(s, APPKEY_TOKEN_LABEL),
	    screens_or(screens_get(s, APPKEY_TOKEN), "—")));
	return 0;
}

/* ---- installed: where and when, and another password ---- */

/* A container's file name; its folder is shown once above it. */
static void
screens_install_keys_file(struct screen *s, const char *field, const char *path)
{
	screens_put(s, field, path != NULL ? screens_abandon_keys_base(path) : "—");
}

/* The installed screens: the number, when, and the two files and their folder, or the token. */
int
screens_install_enter_installed(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	const char		*auth, *slash;
	char			 when[64], *folder;

	screens_put(s, "request_number", screens_or(screens_get(s,
	    APPKEY_REQUEST_NUMBER), "—"));
	if (enroll_installed(screens_enroll(s), screens_ctx(s)->app_id, &in, &err) == -1) {
		(void)screens_report(s, &err, NULL);
		return -1;
	}
	screens_put(s, "installed", screens_install_local_time(in.when, when, sizeof when));
	screens_put(s, "token", screens_or(in.token, "—"));
	auth = in.container[KEYSTORE_AUTH];
	/* The folder the containers are in: the files themselves say where. */
	if (auth != NULL && (slash = strrchr(auth, '/')) != NULL &&
	    (folder = strndup(auth, slash > auth ? (size_t)(slash - auth) : 1)) != NULL) {
		screens_put(s, "folder", folder);
		free(folder);
	} else
		screens_put(s, "folder", "—");
	screens_install_keys_file(s, "container_auth", auth);
	screens_install_keys_file(s, "container_sign", in.container[KEYSTORE_SIGN]);
	enroll_installed_free(&in);
	return 0;
}

/* Both containers now open with the new password only: said, with the files. */
static void
screens_install_passwd_done(struct screen *s)
{
	struct enroll_installed	 in;
	char			*text = NULL, *folder, *slash, where[1200];

	if (enroll_installed(screens_enroll(s), screens_ctx(s)->app_id, &in, NULL) == -1)
		return;
	if (in.container[KEYSTORE_AUTH] == NULL || in.container[KEYSTORE_SIGN] == NULL ||
	    (folder = strdup(in.container[KEYSTORE_AUTH])) == NULL) {
		enroll_installed_free(&in);
		return;
	}
	if ((slash = strrchr(folder, '/')) != NULL)
		*slash = '\0';
	(void)snprintf(where, sizeof where, _("in the folder %s"), folder);
	if (asprintf(&text, "%s\n%s\n%s\n%s\n\n%s", _("Both containers now open with the new "
	    "password:"), screens_abandon_keys_base(in.container[KEYSTORE_AUTH]),
	    screens_abandon_keys_base(in.container[KEYSTORE_SIGN]), where, _("The old password no "
	    "longer opens them. Keep the new one safe: it cannot be recovered.")) != -1) {
		screen_message(s, _("Password changed"), text);
		free(text);
	}
	free(folder);
	enroll_installed_free(&in);
}

/* The three password fields emptied: a secret stays on a screen no longer than needed. */
static void
screens_install_passwd_clear(struct screen *s, int current_too)
{
	if (current_too)
		screens_put(s, "password", "");
	screens_put(s, "new_password", "");
	screens_put(s, "new_password2", "");
}

/*
 * Another password for the two containers: the current one opens them (a wrong one is
 * said at its field), the new one, typed twice alike, rewrites both. Then the screen
 * this one was opened from.
 */
enum action_result
screens_install_passwd(struct screen *s)
{
	static const char *const fields[] = { "password", "new_password", "new_password2",
	    NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct secret		*old = NULL, *new_pw = NULL, *again = NULL;
	const char		*v;
	int			 rc;

	v = screens_value(s, "new_password");
	new_pw = secret_new(v, strlen(v));
	v = screens_value(s, "new_password2");
	again = secret_new(v, strlen(v));
	v = screens_value(s, "password");
	old = secret_new(v, strlen(v));
	if (new_pw == NULL || again == NULL || old == NULL || !secret_equal(new_pw, again)) {
		rc = new_pw != NULL && again != NULL && old != NULL;
		secret_free(old);
		secret_free(new_pw);
		secret_free(again);
		if (rc) {
			/* Which of the two is mistyped nobody can see: both are typed again. */
			screens_install_passwd_clear(s, 0);
			screen_set_error(s, "new_password2", NULL);
			screen_set_error(s, "new_password", _("the two passwords differ; try again"));
		}
		return ACTION_STAY;
	}
	secret_free(again);
	screen_progress(s, _("Writing both containers with the new password..."));
	rc = enroll_passwd(screens_enroll(s), screens_ctx(s)->app_id, old, new_pw, &err);
	screen_progress(s, "");
	secret_free(old);
	secret_free(new_pw);
	if (rc == -1) {
		if (err.field != NULL && strcmp(err.field, "password") == 0)
			screens_put(s, "password", "");
		return screens_report(s, &err, fields);
	}
	screens_install_passwd_clear(s, 1);
	screens_install_passwd_done(s);
	return ACTION_BACK;
}

int
screens_install_enter_passwd(struct screen *s)
{
	screens_put(s, "request_number", screens_or(screens_get(s,
	    APPKEY_REQUEST_NUMBER), "—"));
	return 0;
}

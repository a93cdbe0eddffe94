/*
 * actions-keys — the end of an application, on ncaenroll's screens: giving up an
 * unfinished one ("Start anew") and removing the pending keys of one that can no longer
 * be issued, each after a question that names what goes, with "No" focused (it cannot be
 * undone); and an installed one: where and when (every way into install asks that
 * first, so nothing is asked the second time) and another password for its containers.
 * The core decides and does (enroll_abandon_*, enroll_installed, enroll_passwd); these
 * only ask, and say what was done.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* A path's last part: the key files are listed under their folder, named once. */
static const char *
actions_keys_base(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* What will go, for the question: the folder and its files, or the token. malloc'd. */
static char *
actions_keys_what(const struct enroll_abandon *p)
{
	char	*what = NULL, files[1024];

	if (p->keys == 0)
		return strdup("");
	if (p->on_token) {
		if (asprintf(&what, _("Its keys on the token %s will be destroyed there; the "
		    "token's PIN is asked."), p->where) == -1)
			return NULL;
		return what;
	}
	(void)snprintf(files, sizeof files, "%s%s%s", actions_keys_base(p->files[0]),
	    p->files[1] != NULL ? "\n" : "", p->files[1] != NULL ?
	    actions_keys_base(p->files[1]) : "");
	if (asprintf(&what, _("Its private keys will be removed for good (overwritten, then "
	    "deleted) from the folder %s:\n%s"), p->where, files) == -1)
		return NULL;
	return what;
}

/* The question: giving up a draft, or removing the keys of a refused application. */
static char *
actions_keys_question(const struct enroll_abandon *p, const char *number)
{
	char	*what, *q = NULL;

	if ((what = actions_keys_what(p)) == NULL)
		return NULL;
	if (p->becomes_abandoned) {
		if (asprintf(&q, "%s%s%s", _("Give up the unfinished application? It cannot be "
		    "continued afterwards."), *what != '\0' ? "\n\n" : "", what) == -1)
			q = NULL;
	} else if (asprintf(&q, _("Remove the keys of application %s for good? The "
	    "application cannot go on, and nothing brings removed keys back.\n\n%s"), number,
	    what) == -1)
		q = NULL;
	free(what);
	return q;
}

/* What was done, said after it; NULL when there is nothing to say (a draft given up). */
static char *
actions_keys_done(const struct enroll_abandon *p)
{
	char	*keys = NULL, *text = NULL;
	int	 rc;

	if (p->keys > 0 && p->on_token)
		rc = asprintf(&keys, _("Its keys were destroyed on the token %s."), p->where);
	else if (p->keys > 0)
		rc = asprintf(&keys, ngettext("Its %d private key was removed for good from the "
		    "folder %s.", "Its %d private keys were removed for good from the folder %s.",
		    (unsigned long)p->keys), p->keys, p->where);
	else if (p->becomes_abandoned)
		return NULL;
	else
		rc = asprintf(&keys, "%s", _("No keys of it were left to remove."));
	if (rc == -1)
		return NULL;
	if (!p->becomes_abandoned)
		return keys;
	if (asprintf(&text, "%s %s", _("The application is given up."), keys) == -1)
		text = NULL;
	free(keys);
	return text;
}

/* Declined: the keys stay, and the person is told where they are. */
static void
actions_keys_kept(struct screen *s, const char *title, const struct enroll_abandon *p)
{
	char	*text = NULL;

	if (p->keys == 0 || p->where == NULL)
		return;
	if (asprintf(&text, p->on_token ? _("Nothing was removed: the keys are still on the "
	    "token %s.") : _("Nothing was removed: the keys are still in the folder %s."),
	    p->where) == -1)
		return;
	screen_message(s, title, text);
	free(text);
}

/* How the person knows the application: its request number, else (never sent) its id. */
static const char *
actions_keys_number(struct screen *s, const char *key)
{
	struct state_app	*a = enroll_app(actions_enroll(s), key);
	const char		*n = a != NULL ? state_get(a, "request_number") : NULL;

	return n != NULL ? n : key;
}

/*
 * Gives up an application or removes its keys, after the question: 0 when done (and
 * said), -1 when the person said no or cancelled the PIN, or it failed (said; declining
 * is said only when say_kept).
 */
static int
actions_keys_remove(struct screen *s, const char *key, const char *title, int say_kept)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll_abandon	 p;
	struct secret		*pin = NULL;
	char			*text = NULL, number[64];
	int			 rc = -1;

	memset(&p, 0, sizeof p);
	(void)snprintf(number, sizeof number, "%s", actions_keys_number(s, key));
	if (enroll_abandon_plan(actions_enroll(s), key, &p, &err) == -1) {
		(void)actions_report(s, &err, NULL);
		goto out;
	}
	if (!p.becomes_abandoned && p.keys == 0) {
		screen_message(s, title, _("No keys of it were left to remove."));
		rc = 0;
		goto out;
	}
	if ((text = actions_keys_question(&p, number)) == NULL)
		goto out;
	if (!screen_confirm_no(s, title, text)) {
		if (say_kept)
			actions_keys_kept(s, title, &p);
		goto out;
	}
	if (p.on_token && p.keys != 0 && (pin = actions_pin(s, _("The keys on the token are "
	    "destroyed there."))) == NULL)
		goto out;
	screen_progress(s, _("Removing the keys..."));
	rc = enroll_abandon_remove(actions_enroll(s), key, pin, &p, &err);
	screen_progress(s, "");
	if (rc == -1) {
		(void)actions_report(s, &err, NULL);
		goto out;
	}
	free(text);
	if ((text = actions_keys_done(&p)) != NULL)
		screen_message(s, title, text);
out:
	free(text);
	secret_free(pin);
	enroll_abandon_free(&p);
	return rc;
}

/*
 * Where the keys of a refused application (rejected, cancelled) still are, as a sentence
 * that names the button removing them; NULL when none are left here (malloc'd).
 */
char *
actions_keys_left(struct screen *s, const char *key)
{
	struct enroll_abandon	 p;
	char			*text = NULL;

	memset(&p, 0, sizeof p);
	if (enroll_app(actions_enroll(s), key) == NULL ||
	    enroll_abandon_plan(actions_enroll(s), key, &p, NULL) == -1)
		return NULL;
	if (p.keys != 0 && p.where != NULL && !p.becomes_abandoned &&
	    asprintf(&text, p.on_token ? _("Its keys are still on the token %s: \"Remove "
	    "keys\" destroys them there.") : _("Its private keys are still in the folder %s: "
	    "\"Remove keys\" removes them for good."), p.where) == -1)
		text = NULL;
	enroll_abandon_free(&p);
	return text;
}

/* "Remove keys" for the application worked on: asked, removed, said; or kept and said. */
int
actions_keys_remove_asked(struct screen *s)
{
	return actions_keys_remove(s, actions_tui(s)->app_id, _("Remove keys"), 1);
}

/*
 * "Start anew" with an application unfinished: it is given up (else it would be offered
 * again at every start) and the keys made for it, never sent, are removed; asked first.
 */
enum action_result
actions_abandon(struct screen *s)
{
	struct tui	*t = actions_tui(s);

	if (t->app_id[0] != '\0' && actions_app(s) != NULL &&
	    actions_keys_remove(s, t->app_id, _("Start anew"), 0) == -1)
		return ACTION_STAY;
	return actions_new(s);
}

/* ---- installed: where and when, and another password ---- */

/* An ISO 8601 UTC time as this computer's local date and time: "2026-12-06 14:31". */
static const char *
actions_local_time(const char *iso, char *buf, size_t size)
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
int
actions_installed_go(struct screen *s)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	struct tui		*t = actions_tui(s);
	int			 token;

	if (enroll_installed(actions_enroll(s), t->app_id, &in, NULL) == -1)
		return 0;
	token = in.token != NULL;
	enroll_installed_free(&in);
	if (enroll_install(actions_enroll(s), t->app_id, NULL, KEYSTORE_P12_MODERN, &err) == -1)
		(void)actions_report(s, &err, NULL);
	return screen_go(s, token ? "installed_token" : "installed") == 0;
}

/* A container's file name; its folder is shown once above it. */
static void
actions_keys_file(struct screen *s, const char *field, const char *path)
{
	(void)screen_set_value(s, field, path != NULL ? actions_keys_base(path) : "—");
}

/* The installed screens: the number, when, and the two files and their folder, or the token. */
int
actions_enter_installed(struct screen *s)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	const char		*auth, *slash;
	char			 when[64], *folder;

	(void)screen_set_value(s, "request_number", actions_or(actions_get(s,
	    "request_number"), "—"));
	if (enroll_installed(actions_enroll(s), actions_tui(s)->app_id, &in, &err) == -1) {
		(void)actions_report(s, &err, NULL);
		return -1;
	}
	(void)screen_set_value(s, "installed", actions_local_time(in.when, when, sizeof when));
	(void)screen_set_value(s, "token", actions_or(in.token, "—"));
	auth = in.container[KEYSTORE_AUTH];
	/* The folder the containers are in: the files themselves say where. */
	if (auth != NULL && (slash = strrchr(auth, '/')) != NULL &&
	    (folder = strndup(auth, slash > auth ? (size_t)(slash - auth) : 1)) != NULL) {
		(void)screen_set_value(s, "folder", folder);
		free(folder);
	} else
		(void)screen_set_value(s, "folder", "—");
	actions_keys_file(s, "container_auth", auth);
	actions_keys_file(s, "container_sign", in.container[KEYSTORE_SIGN]);
	enroll_installed_free(&in);
	return 0;
}

/* Both containers now open with the new password only: said, with the files. */
static void
actions_passwd_done(struct screen *s)
{
	struct enroll_installed	 in;
	char			*text = NULL, *folder, *slash, where[1200];

	if (enroll_installed(actions_enroll(s), actions_tui(s)->app_id, &in, NULL) == -1)
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
	    "password:"), actions_keys_base(in.container[KEYSTORE_AUTH]),
	    actions_keys_base(in.container[KEYSTORE_SIGN]), where, _("The old password no "
	    "longer opens them. Keep the new one safe: it cannot be recovered.")) != -1) {
		screen_message(s, _("Password changed"), text);
		free(text);
	}
	free(folder);
	enroll_installed_free(&in);
}

/* The three password fields emptied: a secret stays on a screen no longer than needed. */
static void
actions_passwd_clear(struct screen *s, int current_too)
{
	if (current_too)
		(void)screen_set_value(s, "password", "");
	(void)screen_set_value(s, "new_password", "");
	(void)screen_set_value(s, "new_password2", "");
}

/*
 * Another password for the two containers: the current one opens them (a wrong one is
 * said at its field), the new one, typed twice alike, rewrites both. Then the screen
 * this one was opened from.
 */
enum action_result
actions_passwd(struct screen *s)
{
	static const char *const fields[] = { "password", "new_password", "new_password2",
	    NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct secret		*old = NULL, *new_pw = NULL, *again = NULL;
	const char		*v;
	int			 rc;

	v = actions_value(s, "new_password");
	new_pw = secret_new(v, strlen(v));
	v = actions_value(s, "new_password2");
	again = secret_new(v, strlen(v));
	v = actions_value(s, "password");
	old = secret_new(v, strlen(v));
	if (new_pw == NULL || again == NULL || old == NULL || !secret_equal(new_pw, again)) {
		rc = new_pw != NULL && again != NULL && old != NULL;
		secret_free(old);
		secret_free(new_pw);
		secret_free(again);
		if (rc) {
			/* Which of the two is mistyped nobody can see: both are typed again. */
			actions_passwd_clear(s, 0);
			screen_set_error(s, "new_password2", NULL);
			screen_set_error(s, "new_password", _("the two passwords differ; try again"));
		}
		return ACTION_STAY;
	}
	secret_free(again);
	screen_progress(s, _("Writing both containers with the new password..."));
	rc = enroll_passwd(actions_enroll(s), actions_tui(s)->app_id, old, new_pw, &err);
	screen_progress(s, "");
	secret_free(old);
	secret_free(new_pw);
	if (rc == -1) {
		if (err.field != NULL && strcmp(err.field, "password") == 0)
			(void)screen_set_value(s, "password", "");
		return actions_report(s, &err, fields);
	}
	actions_passwd_clear(s, 1);
	actions_passwd_done(s);
	return ACTION_BACK;
}

int
actions_enter_passwd(struct screen *s)
{
	(void)screen_set_value(s, "request_number", actions_or(actions_get(s,
	    "request_number"), "—"));
	return 0;
}

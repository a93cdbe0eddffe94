/*
 * screens-abandon — the end of an application that will not be issued, on ncaenroll's
 * screens: giving up an unfinished one ("Start anew") and removing the pending keys of one
 * that can no longer be issued, each after a question that names what goes, with "No"
 * focused (it cannot be undone). The core decides and does (enroll_abandon_*); these only
 * ask, and say what was done.
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
const char *
screens_abandon_keys_base(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* What will go, for the question: the folder and its files, or the token. malloc'd. */
static char *
screens_abandon_keys_what(const struct enroll_abandon *p)
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
	(void)snprintf(files, sizeof files, "%s%s%s", screens_abandon_keys_base(p->files[0]),
	    p->files[1] != NULL ? "\n" : "", p->files[1] != NULL ?
	    screens_abandon_keys_base(p->files[1]) : "");
	if (asprintf(&what, _("Its private keys will be removed for good (overwritten, then "
	    "deleted) from the folder %s:\n%s"), p->where, files) == -1)
		return NULL;
	return what;
}

/* The question: giving up a draft, or removing the keys of a refused application. */
static char *
screens_abandon_keys_question(const struct enroll_abandon *p, const char *number)
{
	char	*what, *q = NULL;

	if ((what = screens_abandon_keys_what(p)) == NULL)
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
screens_abandon_keys_done(const struct enroll_abandon *p)
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
screens_abandon_keys_kept(struct screen *s, const char *title, const struct enroll_abandon *p)
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
screens_abandon_keys_number(struct screen *s, const char *key)
{
	struct state_app	*a = enroll_app(screens_enroll(s), key);
	const char		*n = a != NULL ? state_get(a, APPKEY_REQUEST_NUMBER) : NULL;

	return n != NULL ? n : key;
}

/*
 * Gives up an application or removes its keys, after the question: 0 when done (and
 * said), -1 when the person said no or cancelled the PIN, or it failed (said; declining
 * is said only when say_kept).
 */
static int
screens_abandon_keys_remove(struct screen *s, const char *key, const char *title, int say_kept)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_abandon	 p;
	struct secret		*pin = NULL;
	char			*text = NULL, number[64];
	int			 rc = -1;

	memset(&p, 0, sizeof p);
	(void)snprintf(number, sizeof number, "%s", screens_abandon_keys_number(s, key));
	if (enroll_abandon_plan(screens_enroll(s), key, &p, &err) == -1) {
		(void)screens_report(s, &err, NULL);
		goto out;
	}
	if (!p.becomes_abandoned && p.keys == 0) {
		screen_message(s, title, _("No keys of it were left to remove."));
		rc = 0;
		goto out;
	}
	if ((text = screens_abandon_keys_question(&p, number)) == NULL)
		goto out;
	if (!screen_confirm_no(s, title, text)) {
		if (say_kept)
			screens_abandon_keys_kept(s, title, &p);
		goto out;
	}
	if (p.on_token && p.keys != 0 && (pin = screens_pin(s, _("The keys on the token are "
	    "destroyed there."))) == NULL)
		goto out;
	screen_progress(s, _("Removing the keys..."));
	rc = enroll_abandon_remove(screens_enroll(s), key, pin, &p, &err);
	screen_progress(s, "");
	if (rc == -1) {
		(void)screens_report(s, &err, NULL);
		goto out;
	}
	free(text);
	if ((text = screens_abandon_keys_done(&p)) != NULL)
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
screens_abandon_keys_left(struct screen *s, const char *key)
{
	struct enroll_abandon	 p;
	char			*text = NULL;

	memset(&p, 0, sizeof p);
	if (enroll_app(screens_enroll(s), key) == NULL ||
	    enroll_abandon_plan(screens_enroll(s), key, &p, NULL) == -1)
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
screens_abandon_keys_remove_asked(struct screen *s)
{
	return screens_abandon_keys_remove(s, screens_ctx(s)->app_id, _("Remove keys"), 1);
}

/*
 * "Start anew" with an application unfinished: it is given up (else it would be offered
 * again at every start) and the keys made for it, never sent, are removed; asked first.
 */
enum action_result
screens_abandon(struct screen *s)
{
	struct screens	*t = screens_ctx(s);

	if (t->app_id[0] != '\0' && screens_app(s) != NULL &&
	    screens_abandon_keys_remove(s, t->app_id, _("Start anew"), 0) == -1)
		return ACTION_STAY;
	return screens_new(s);
}

/*
 * screens-keys — where the keys go and the submission: the storage (a folder on this
 * computer or a token), the folder or the token, the summary with Apply (keys made, the
 * application sent, Esc stopping either safely; a token on its factory PIN said, and its
 * PIN changed, first), the printable form, and the request number the service gave.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "common/secret.h"
#include "common/storage.h"
#include "enroll/enroll-form.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

enum action_result
screens_keys_choose_storage(struct screen *s)
{
	enum action_result	r = screens_set(s, "storage", screens_value(s, "storage"),
				    "storage");

	/* A token's keys need the token, not a folder: its own screen comes next. */
	if (r == ACTION_NEXT && screens_on_token(s) && screen_go(s, "token") == 0)
		return ACTION_GOTO;
	return r;
}

/* No token to choose: said at the list, the focus on the button that looks again. */
static void
screens_keys_tokens_none(struct screen *s, const char *field)
{
	screen_set_error(s, field, _("no token is connected: connect it and press "
	    "\"Search again\""));
	(void)screen_focus_button(s, "tokens_refresh");
}

enum action_result
screens_keys_choose_token(struct screen *s)
{
	if (*screens_value(s, "token") == '\0') {
		screens_keys_tokens_none(s, "token");
		return ACTION_STAY;
	}
	return screens_set(s, "token", screens_value(s, "token"), "token");
}

enum action_result
screens_keys_tokens_refresh(struct screen *s)
{
	screen_set_error(s, "token", NULL);
	/* A failure it shows itself, under the list or in a box. */
	(void)screens_keys_src_tokens(s, "token", "tokens");
	return ACTION_STAY;
}

/*
 * A folder already holding another application's keys is taken only when the person says
 * so: nothing would be overwritten (the names differ), but keys side by side are easily
 * mixed up. Whether keys can be written there at all the core says (enroll_set).
 */
enum action_result
screens_keys_choose_folder(struct screen *s)
{
	static const char *const fields[] = { "dir", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	const char		*old = screens_get(s, APPKEY_DIR);
	char			*dir, *others = NULL, *q = NULL;
	enum action_result	 r = ACTION_STAY;

	if ((dir = strdup(screens_value(s, "dir"))) == NULL)
		return ACTION_STAY;
	if (old != NULL && strcmp(old, dir) == 0)
		;			/* taken before, the question answered then */
	else if (enroll_dir_others(screens_enroll(s), screens_ctx(s)->app_id, dir, &others,
	    &err) == -1) {
		free(dir);
		return screens_report(s, &err, fields);
	}
	if (others != NULL && asprintf(&q, _("The folder %s already holds the keys of another "
	    "application: %s. This application's keys would be kept beside them under names "
	    "of their own, and nothing would be overwritten, but keys in a folder of their own "
	    "cannot be mixed up. Use this folder anyway?"), dir, others) == -1)
		q = NULL;
	if (others == NULL || (q != NULL && screen_confirm(s, _("Keys of another application"),
	    q)))
		r = screens_set(s, "dir", dir, "dir");
	free(q);
	free(others);
	free(dir);
	return r;
}

/* The apply action's progress: what the bottom line says, and when it last moved. */
struct screens_keys_apply_progress {
	struct screen	*s;
	const char	*text;
	struct timespec	 shown;
};

static void
screens_keys_apply_step(void *arg, enum enroll_step step)
{
	struct screens_keys_apply_progress	*p = arg;

	p->text = step == ENROLL_STEP_KEYS ? _("Making two key pairs... (Esc: stop)") :
	    _("Sending the application... (Esc: stop)");
	(void)clock_gettime(CLOCK_MONOTONIC, &p->shown);
	screen_progress(p->s, p->text);
}

/* Asked several times a second while the service is awaited: the spinner turns about
 * five times a second (not at every ask: each turn is bytes on a thin client's line). */
static int
screens_keys_apply_stop(void *arg)
{
	struct screens_keys_apply_progress	*p = arg;
	struct timespec			 now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->shown.tv_sec) * 1000 + (now.tv_nsec - p->shown.tv_nsec) /
	    1000000 >= 200) {
		p->shown = now;
		screen_progress(p->s, p->text);
	}
	return screen_cancelled(p->s);
}

#define SCREENS_KEYS_PIN_TRIES	3

/*
 * The new PIN, typed twice alike and judged by the core, set on the token in place of
 * *pin (which becomes it). 0 changed; -1 not (the person gave up); -2 not, and said why.
 */
static int
screens_keys_change_pin(struct screen *s, struct secret **pin)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens	*t = screens_ctx(s);
	struct secret	*x = NULL, *y = NULL;
	char		*rules = enroll_pin_rules(screens_enroll(s), t->app_id), text[512];
	int		 tries, rc = -1;

	(void)snprintf(text, sizeof text, "%s %s", _("The new PIN of the token:"),
	    screens_or(rules, ""));
	free(rules);
	for (tries = 0; tries < SCREENS_KEYS_PIN_TRIES && rc == -1; tries++) {
		if ((x = screen_ask_secret(s, _("New PIN"), text)) == NULL ||
		    (y = screen_ask_secret(s, _("Repeat the new PIN"), _("Type the new PIN "
		    "again:"))) == NULL)
			break;
		if (!secret_equal(x, y))
			screen_message(s, _("New PIN"), _("the two PINs differ; try again"));
		else if (enroll_pin_change(screens_enroll(s), t->app_id, *pin, x, &err) == 0) {
			secret_free(*pin);
			*pin = x;
			x = NULL;
			rc = 0;
			screen_message(s, _("PIN changed"), _("The token's PIN is changed; the keys "
			    "are made under the new one. Remember it: nothing else opens the keys."));
		} else if (err.field != NULL && strcmp(err.field, "new_pin") == 0) {
			screen_message(s, _("New PIN"), err.message);	/* another try */
			failure_free(&err);
		} else {
			(void)screens_report(s, &err, NULL);
			rc = -2;
		}
		secret_free(x);
		secret_free(y);
		x = y = NULL;
	}
	secret_free(x);
	secret_free(y);
	return rc;
}

/*
 * A token still on its factory PIN: said in a box before any key is made, with the
 * offer to change it now. 0: go on with *pin, the new one or still the factory one (the
 * core then refuses the keys, unless the settings allow them, which the box said); -1:
 * the change failed, said.
 */
static int
screens_keys_factory_pin(struct screen *s, struct secret **pin)
{
	struct screens	*t = screens_ctx(s);
	const char	*kind = enroll_pin_factory(screens_enroll(s), t->app_id, *pin);
	char		 warn[512], *text = NULL;
	int		 allowed = enroll_factory_pin_allowed(screens_enroll(s)), yes;

	if (kind == NULL)
		return 0;
	(void)snprintf(warn, sizeof warn, _("The token's PIN is still the factory PIN of %s "
	    "tokens, which anyone can look up: whoever takes the token could use the keys."),
	    kind);
	if (asprintf(&text, "%s %s\n\n%s", warn, allowed ? _("The settings of this computer "
	    "allow keys under a factory PIN, but it is better changed.") : _("No keys are made "
	    "on the token until its PIN is changed."), _("Change the PIN now, before the keys "
	    "are made?")) == -1)
		return -1;
	yes = screen_confirm(s, _("Factory PIN"), text);
	free(text);
	return yes && screens_keys_change_pin(s, pin) == -2 ? -1 : 0;
}

/*
 * Keys, then the submission; the progress line says which, and Esc or F10 stops either
 * safely: the keys made are kept, and Apply again goes on without new ones.
 */
enum action_result
screens_keys_apply(struct screen *s)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct screens_keys_apply_progress	 p = { s, "", { 0, 0 } };
	struct enroll_progress		 pg = { screens_keys_apply_step, screens_keys_apply_stop, &p };
	struct screens			*t = screens_ctx(s);
	struct secret			*pin = NULL;
	int				 rc;

	if (screens_app(s) == NULL) {
		screen_message(s, _("Refused"), _("There is no application to submit: start "
		    "from the main menu."));
		return ACTION_STAY;
	}
	if (screens_on_token(s) && screens_app(s)->state == MS_DRAFT &&
	    (pin = screens_pin(s, _("The two key pairs are made on the token."))) == NULL)
		return ACTION_STAY;
	if (pin != NULL && screens_keys_factory_pin(s, &pin) == -1) {
		secret_free(pin);
		return ACTION_STAY;
	}
	if (screens_on_token(s) && pin == NULL &&
	    (pin = screens_pin(s, _("The requests are signed by the keys on the token."))) ==
	    NULL)
		return ACTION_STAY;
	rc = enroll_apply(screens_enroll(s), t->app_id, pin, &pg, &err);
	secret_free(pin);
	if (rc == -1) {
		screen_progress(s, "");
		if (err.kind == FAILURE_CANCELLED) {
			screen_message(s, _("Stopped"), err.message);
			failure_free(&err);
			return ACTION_STAY;
		}
		/* The core's refusal of a factory PIN, said in the words of the box before. */
		if (err.code != NULL && strcmp(err.code, "pin.factory") == 0) {
			screen_message(s, _("Factory PIN"), _("No keys were made: the token still "
			    "has its factory PIN. Press Apply again to change it."));
			failure_free(&err);
			return ACTION_STAY;
		}
		return screens_report(s, &err, NULL);
	}
	screen_progress(s, "");
	return ACTION_NEXT;
}

enum action_result
screens_keys_save_form(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	char			*path = NULL;

	if (enroll_form_save(screens_enroll(s), t->app_id, &path, &err) == -1)
		return screens_report(s, &err, NULL);
	screens_put(s, "saved", path);
	screen_message(s, _("Application form saved"), path);
	free(path);
	return ACTION_STAY;
}

enum action_result
screens_keys_show_form(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	char			*text;

	if ((text = enroll_form_text(screens_enroll(s), t->app_id, 0, &err)) == NULL)
		return screens_report(s, &err, NULL);
	screen_message(s, _("Application form"), text);
	free(text);
	return ACTION_STAY;
}

int
screens_keys_src_storages(struct screen *s, const char *field, const char *source)
{
	json_t	*items = json_array(), *it;
	size_t	 i;
	int	 rc = -1;

	(void)source;
	if (items == NULL)
		return -1;
	for (i = 0; i < storage_nkinds; i++) {
		it = json_pack("{s:s, s:{s:s, s:s, s:s}}", "id", storage_kinds[i].id, "name",
		    "kk", storage_kinds[i].kk, "ru", storage_kinds[i].ru,
		    "en", storage_kinds[i].en);
		if (it == NULL || json_array_append_new(items, it) == -1)
			goto out;
	}
	rc = screen_set_items(s, field, items);
out:
	json_decref(items);
	return rc;
}

/*
 * The tokens connected now, "label — maker model, No. serial"; the first is chosen, so
 * one connected token is found without a key pressed. None: said under the empty list
 * at once, with the focus on "Search again" (an empty list shows nothing to look at).
 */
int
screens_keys_src_tokens(struct screen *s, const char *field, const char *source)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*tk = NULL;
	json_t			*items = json_array(), *it;
	char			 line[512];
	size_t			 n = 0, i;
	int			 rc = -1;

	(void)source;
	if (items == NULL)
		return -1;
	if (enroll_tokens(screens_enroll(s), &tk, &n, &err) == -1) {
		json_decref(items);
		(void)screens_report(s, &err, NULL);
		return -1;
	}
	for (i = 0; i < n; i++) {
		(void)snprintf(line, sizeof line, _("%s — %s %s, No. %s"), tk[i].label,
		    tk[i].manufacturer, tk[i].model, tk[i].serial);
		if ((it = json_pack("{s:s, s:s}", "id", tk[i].serial, "name", line)) == NULL ||
		    json_array_append_new(items, it) == -1)
			goto out;
	}
	rc = screen_set_items(s, field, items);
	if (rc == 0 && n == 0)
		screens_keys_tokens_none(s, field);
	if (rc == 0 && n > 0 && screens_get(s, APPKEY_TOKEN) == NULL)
		screens_put(s, field, tk[0].serial);
out:
	keystore_pkcs11_tokens_free(tk, n);
	json_decref(items);
	return rc;
}

int
screens_keys_enter_storage(struct screen *s)
{
	if (screens_get(s, APPKEY_STORAGE) == NULL)
		screens_put(s, "storage", "pc");
	return 0;
}

/* Keys go where they went before; a first time starts at home. */
int
screens_keys_enter_folder(struct screen *s)
{
	const char	*home = getenv("HOME");

	if (screens_get(s, APPKEY_DIR) == NULL)
		screens_put(s, "dir", screens_or(home, "/"));
	return 0;
}

/*
 * A directory value's name for the summary: kept with the application when it was chosen
 * (role_kk, role_ru...), else (an application from an older version) asked of the service;
 * the id itself if neither knows it.
 */
static const char *
screens_keys_dir_name(struct screen *s, const char *field, const char *which, char *buf,
    size_t sz)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t			*items = NULL, *it;
	const char		*id = screens_get(s, field), *kept;
	char			 key[64];
	size_t			 i;

	(void)snprintf(key, sizeof key, "%s_%s", field, screens_tui(s)->look.lang);
	if ((kept = screens_get(s, key)) != NULL && *kept != '\0') {
		(void)snprintf(buf, sz, "%s", kept);
		return buf;
	}
	(void)snprintf(buf, sz, "%s", screens_or(id, "—"));
	if (id == NULL || enroll_directory(screens_enroll(s), screens_ctx(s)->app_id, which,
	    &items, &err) == -1) {
		failure_free(&err);
		return buf;
	}
	json_array_foreach(items, i, it)
		if (strcmp(screens_jstr(it, "id"), id) == 0)
			(void)snprintf(buf, sz, "%s", screens_name(s, json_object_get(it, "name")));
	json_decref(items);
	return buf;
}

int
screens_keys_enter_apply(struct screen *s)
{
	char		 name[512], role[256], region[256], city[256], which[128], place[600];
	const char	*st = screens_get(s, APPKEY_STORAGE);

	screens_put(s, "org_name", screens_org(s));
	screens_put(s, "bin", screens_or(screens_get(s, APPKEY_BIN), "—"));
	screens_put(s, "full_name", screens_or(screens_full_name(s, name,
	    sizeof name), "—"));
	screens_put(s, "iin", screens_or(screens_get(s, APPKEY_IIN), "—"));
	screens_put(s, "email", screens_or(screens_get(s, APPKEY_EMAIL), "—"));
	screens_put(s, "role", screens_keys_dir_name(s, "role", "roles", role,
	    sizeof role));
	(void)snprintf(which, sizeof which, "cities:%s", screens_or(screens_get(s, APPKEY_REGION),
	    ""));
	(void)snprintf(place, sizeof place, "%s, %s",
	    screens_keys_dir_name(s, "region", "regions", region, sizeof region),
	    screens_keys_dir_name(s, "city", which, city, sizeof city));
	screens_put(s, "place", place);
	screens_put(s, "gu_code", screens_or(screens_get(s, APPKEY_GU_CODE), "—"));
	if (storage_find(st) != NULL)
		st = storage_name(storage_find(st), screens_tui(s)->look.lang);
	screens_put(s, "storage", screens_or(st, "—"));
	screens_put(s, "dir", screens_on_token(s) ?
	    screens_or(screens_get(s, APPKEY_TOKEN_LABEL), screens_or(screens_get(s, APPKEY_TOKEN), "—")) :
	    screens_or(screens_get(s, APPKEY_DIR), "—"));
	return 0;
}

/* The deadline as a date: the service gives an ISO time, and the day is what counts. */
static void
screens_keys_deadline(struct screen *s)
{
	char	day[11];

	(void)snprintf(day, sizeof day, "%s", screens_or(screens_get(s, APPKEY_DEADLINE), ""));
	screens_put(s, "deadline", day);
}

/* While the demo's mail is awaited: the screen says so, and Esc stops the wait. */
static int
screens_keys_mail_tick(void *arg)
{
	struct screen	*s = arg;

	screen_progress(s, _("The mail is on its way to the demo's mailbox..."));
	return screen_cancelled(s);
}

int
screens_keys_enter_number(struct screen *s)
{
	const char	*email = screens_get(s, APPKEY_EMAIL);
	char		 mail[256], *demo;

	screens_restore(s, "request_number", APPKEY_REQUEST_NUMBER);
	screens_keys_deadline(s);
	if (*enroll_mail_outcome(screens_app(s), mail, sizeof mail) == '\0')
		(void)snprintf(mail, sizeof mail, "%s", screens_or(email, "—"));
	screens_put(s, "mail", mail);
	/* The demo's mail lands in a file, not at the address: say which. */
	if ((demo = enroll_demo_mail(screens_enroll(s), screens_app(s), screens_keys_mail_tick,
	    s)) != NULL)
		screens_put(s, "mail", demo);
	screen_progress(s, "");
	free(demo);
	return 0;
}

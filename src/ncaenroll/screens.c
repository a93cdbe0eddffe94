/*
 * actions — what the screens of forms/ do: one row per button action, and what each
 * screen shows as it opens. Every row calls src/enroll and reports through screen.h: a
 * refusal at the field it concerns (the core names it), anything else in a message box.
 * Values typed are read from the screen only when a button is pressed; secrets (the
 * password, the captcha code) are never written back or kept. The application being
 * worked on is tui->app_id; it is made (a draft) when the agreement is accepted.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appform.h"
#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/password.h"
#include "common/reason.h"
#include "common/secret.h"
#include "common/storage.h"
#include "enroll/enroll-form.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* A BIN check's token must outlive the rest of the form by this much to be trusted. */
#define ACTIONS_TOKEN_MARGIN	60

/* Where a core refusal's field shows on screens that name it differently. */
static const struct actions_field_map {
	const char	*core, *screen;
} actions_field_map[] = {
	{ "token", "bin" },
	{ "check_token", "bin" },
};

struct tui *
actions_tui(struct screen *s)
{
	return screen_tui(s);
}

struct enroll *
actions_enroll(struct screen *s)
{
	return screen_tui(s)->ctx;
}

/* The value of a field, "" when the screen has none. */
const char *
actions_value(struct screen *s, const char *field)
{
	const char	*v = screen_value(s, field);

	return v != NULL ? v : "";
}

const char *
actions_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

/* The application being worked on, as last read, or NULL. */
struct state_app *
actions_app(struct screen *s)
{
	struct tui	*t = actions_tui(s);

	if (t->app_id[0] == '\0')
		return NULL;
	return enroll_app(actions_enroll(s), t->app_id);
}

const char *
actions_get(struct screen *s, const char *key)
{
	struct state_app	*a = actions_app(s);

	return a != NULL ? state_get(a, key) : NULL;
}

/* Keys of the application worked on are on a token (not in a folder). */
int
actions_on_token(struct screen *s)
{
	const struct storage_kind	*k = storage_find(actions_get(s, "storage"));

	return k != NULL && k->token;
}

/* The token's PIN for this one call, asked in a box; NULL: the person cancelled. */
struct secret *
actions_pin(struct screen *s, const char *why)
{
	char	text[512];

	(void)snprintf(text, sizeof text, "%s %s", why, _("Type the PIN of the token:"));
	return screen_ask_secret(s, _("Token PIN"), text);
}

/* A name in the screen's language from {kk, ru, en} (or a plain string). */
static const char *
actions_name(struct screen *s, json_t *names)
{
	const char	*v;

	if (json_is_string(names))
		return json_string_value(names);
	if ((v = json_string_value(json_object_get(names, actions_tui(s)->lang))) == NULL ||
	    *v == '\0')
		v = json_string_value(json_object_get(names, "ru"));
	if (v == NULL || *v == '\0')
		v = json_string_value(json_object_get(names, "en"));
	return v != NULL ? v : "";
}

static const char *
actions_org(struct screen *s)
{
	const char	*kk = actions_get(s, "org_name_kk"), *ru = actions_get(s, "org_name_ru");

	if (strcmp(actions_tui(s)->lang, "kk") == 0 && kk != NULL && *kk != '\0')
		return kk;
	return actions_or(ru, "");
}

/* "SURNAME GIVEN PATRONYMIC" into buf, or "" before the IIN check. */
static const char *
actions_full_name(struct screen *s, char *buf, size_t sz)
{
	const char	*sn = actions_get(s, "surname");
	char		*name;

	if (sn == NULL) {
		buf[0] = '\0';
		return buf;
	}
	name = appform_full_name(sn, actions_get(s, "given_name"), actions_get(s, "patronymic"));
	(void)snprintf(buf, sz, "%s", name != NULL ? name : sn);
	free(name);
	return buf;
}

/*
 * One refusal or failure, shown where a person looks for it: at its field when this
 * screen has that field (fields: the screen's, NULL-terminated), else in a box.
 * Frees the error. Always ACTION_STAY.
 */
enum action_result
actions_report(struct screen *s, struct enroll_error *err, const char *const *fields)
{
	const char	*field = err->field, *msg = actions_or(err->message, _("invalid value"));
	size_t		 i;

	for (i = 0; field != NULL && i < sizeof actions_field_map / sizeof actions_field_map[0];
	    i++)
		if (strcmp(field, actions_field_map[i].core) == 0)
			field = actions_field_map[i].screen;
	for (i = 0; field != NULL && fields != NULL && fields[i] != NULL; i++)
		if (strcmp(field, fields[i]) == 0)
			break;
	if (field != NULL && fields != NULL && fields[i] != NULL)
		screen_set_error(s, fields[i], msg);
	else {
		char	*text = actions_support_failure(s, msg, err);

		screen_message(s, err->kind == ENROLL_REFUSED ? _("Refused") :
		    err->kind == ENROLL_SERVICE ? _("The service did not answer") :
		    _("This computer could not do it"), text != NULL ? text : msg);
		free(text);
	}
	enroll_error_free(err);
	return ACTION_STAY;
}

/* The draft this path fills in: made when the agreement is accepted. */
static int
actions_draft(struct screen *s, struct enroll_error *err)
{
	struct tui	*t = actions_tui(s);

	if (t->app_id[0] != '\0' && enroll_app(actions_enroll(s), t->app_id) != NULL)
		return 0;
	return enroll_draft(actions_enroll(s), NULL, t->app_id, err);
}

/* 1 if the BIN check is done for this BIN and its token is still good. */
static int
actions_bin_checked(struct screen *s, const char *bin)
{
	const char	*got = actions_get(s, "bin"), *exp = actions_get(s, "check_token_expires");

	return got != NULL && strcmp(got, bin) == 0 && actions_get(s, "check_token") != NULL &&
	    exp != NULL && strtoll(exp, NULL, 10) > (long long)time(NULL) + ACTIONS_TOKEN_MARGIN;
}

/*
 * The screens of the form, in its order. The one the person is on is kept with an
 * unfinished application (its "screen"), so that Continue opens it again.
 */
static const char *const actions_path[] = { "bin", "iin", "email", "role", "region", "city",
    "gucode", "storage", "folder", "token", "apply" };

static int
actions_path_at(const char *screen_id)
{
	size_t	i;

	for (i = 0; screen_id != NULL && i < sizeof actions_path / sizeof actions_path[0]; i++)
		if (strcmp(actions_path[i], screen_id) == 0)
			return (int)i;
	return -1;
}

/* 1 when the BIN check of the application is still good. */
static int
actions_bin_fresh(struct screen *s)
{
	const char	*bin = actions_get(s, "bin");

	return bin != NULL && actions_bin_checked(s, bin);
}

/* ---- moving between screens ---- */

static enum action_result
actions_goto(struct screen *s)
{
	(void)s;
	return ACTION_GOTO;
}

static enum action_result
actions_back(struct screen *s)
{
	(void)s;
	return ACTION_BACK;
}

static enum action_result
actions_next(struct screen *s)
{
	(void)s;
	return ACTION_NEXT;
}

static enum action_result
actions_quit(struct screen *s)
{
	(void)s;
	return ACTION_QUIT;
}

static enum action_result
actions_lang(struct screen *s, const char *lang)
{
	struct enroll_error	 local = { ENROLL_LOCAL, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			*cause = NULL, *text;

	/* The catalogs of this computer are missing or broken: where to turn, too. */
	if (i18n_init(lang, &cause) == -1) {
		text = actions_support_failure(s, cause, &local);
		screen_message(s, _("Language"), text != NULL ? text : cause);
		free(text);
		free(cause);
		return ACTION_STAY;
	}
	(void)snprintf(t->lang, sizeof t->lang, "%s", lang);
	return ACTION_NEXT;
}

static enum action_result
actions_lang_kk(struct screen *s)
{
	return actions_lang(s, "kk");
}

static enum action_result
actions_lang_ru(struct screen *s)
{
	return actions_lang(s, "ru");
}

static enum action_result
actions_lang_en(struct screen *s)
{
	return actions_lang(s, "en");
}

/* A new application: the old ones stay on this computer, listed under My applications. */
enum action_result
actions_new(struct screen *s)
{
	actions_tui(s)->app_id[0] = '\0';
	return ACTION_GOTO;
}

/* ---- the application, screen by screen ---- */

static int
actions_ticked(const char *v)
{
	return strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "x") == 0 || strcmp(v, "X") == 0;
}

static enum action_result
actions_accept(struct screen *s)
{
	static const char *const fields[] = { "accept", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };

	if (!actions_ticked(actions_value(s, "accept"))) {
		screen_set_error(s, "accept", _("Tick the box to accept the agreement: without "
		    "it the application cannot be made."));
		return ACTION_STAY;
	}
	if (actions_draft(s, &err) == -1)
		return actions_report(s, &err, fields);
	return ACTION_NEXT;
}

/*
 * A new picture for the code: the service burns one at every check, right or wrong.
 * The picture goes to the captcha field as {id, width, height, bitmap}; its id is kept
 * in the screen's captcha_id value, which the check sends back.
 */
static int
actions_captcha_new(struct screen *s)
{
	static const char *const fields[] = { "captcha_answer", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll_captcha	 c;
	json_t			*pic = NULL, *rows = NULL;
	char			*row = NULL;
	int			 y, x, rc = -1;

	if (enroll_captcha(actions_enroll(s), &c, &err) == -1) {
		(void)actions_report(s, &err, fields);
		return -1;
	}
	if ((rows = json_array()) == NULL || (row = malloc((size_t)c.width + 1)) == NULL)
		goto out;
	for (y = 0; y < c.height; y++) {
		for (x = 0; x < c.width; x++)
			row[x] = c.bits[y * c.width + x] ? '#' : '.';
		row[c.width] = '\0';
		if (json_array_append_new(rows, json_string(row)) == -1)
			goto out;
	}
	if ((pic = json_pack("{s:s, s:i, s:i, s:O}", "id", c.id, "width", c.width, "height",
	    c.height, "bitmap", rows)) == NULL)
		goto out;
	/* The id first: the code typed is checked against it even if no picture shows. */
	if (screen_set_value(s, "captcha_id", c.id) == 0) {
		(void)screen_set_items(s, "captcha_answer", pic);
		(void)screen_set_value(s, "captcha_answer", "");
		actions_support_warm(s);
		rc = 0;
	}
out:
	json_decref(pic);
	json_decref(rows);
	free(row);
	enroll_captcha_free(&c);
	return rc;
}

static enum action_result
actions_check_bin(struct screen *s)
{
	static const char *const fields[] = { "bin", "captcha_answer", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			 bin[16], answer[16], cid[80];

	(void)snprintf(bin, sizeof bin, "%s", actions_value(s, "bin"));
	(void)snprintf(answer, sizeof answer, "%s", actions_value(s, "captcha_answer"));
	(void)snprintf(cid, sizeof cid, "%s", actions_value(s, "captcha_id"));
	/*
	 * No code typed: F5 (the captcha widget clears the code and presses this button)
	 * or no picture yet. Either way a new picture, and the BIN judged on its own.
	 */
	if (answer[0] == '\0' || cid[0] == '\0') {
		if (actions_captcha_new(s) == -1)
			return ACTION_STAY;
		if (bin[0] != '\0' && enroll_precheck("bin", bin, &err) == -1)
			return actions_report(s, &err, fields);
		screen_set_error(s, "captcha_answer", _("type the code from the picture"));
		return ACTION_STAY;
	}
	/* A mistyped BIN is refused before the picture is spent on it. */
	if (enroll_precheck("bin", bin, &err) == -1)
		return actions_report(s, &err, fields);
	if (actions_draft(s, &err) == -1)
		return actions_report(s, &err, fields);
	screen_progress(s, _("Checking the BIN..."));
	if (enroll_check_bin(actions_enroll(s), t->app_id, bin, cid, answer, &err) == -1) {
		screen_progress(s, "");
		(void)screen_set_value(s, "org_name", "");
		/* The picture is spent whatever was wrong; the new one waits under the error. */
		(void)screen_set_value(s, "captcha_id", "");
		(void)actions_captcha_new(s);
		return actions_report(s, &err, fields);
	}
	screen_progress(s, "");
	(void)screen_set_value(s, "org_name", actions_org(s));
	(void)screen_set_value(s, "captcha_id", "");
	(void)actions_captcha_new(s);
	screen_set_error(s, "bin", NULL);
	return ACTION_STAY;
}

static enum action_result
actions_bin_next(struct screen *s)
{
	/* On the way back to where the person stopped (Continue, the check had expired). */
	if (actions_bin_checked(s, actions_value(s, "bin")) &&
	    actions_path_at(actions_get(s, "screen")) > actions_path_at("iin") &&
	    screen_go_from(s, actions_get(s, "screen"), "bin") == 0)
		return ACTION_GOTO;
	if (actions_bin_checked(s, actions_value(s, "bin")))
		return ACTION_NEXT;
	screen_set_error(s, "bin", actions_get(s, "bin") != NULL &&
	    strcmp(actions_get(s, "bin"), actions_value(s, "bin")) == 0 ?
	    _("The check has expired: type the code from the picture and press Check BIN "
	    "again.") : _("Press Check BIN first."));
	return ACTION_STAY;
}

static enum action_result
actions_check_iin(struct screen *s)
{
	static const char *const fields[] = { "iin", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			 iin[16], name[512];

	(void)snprintf(iin, sizeof iin, "%s", actions_value(s, "iin"));
	if (enroll_precheck("iin", iin, &err) == -1)
		return actions_report(s, &err, fields);
	if (actions_draft(s, &err) == -1)
		return actions_report(s, &err, fields);
	screen_progress(s, _("Checking the IIN..."));
	if (enroll_check_iin(actions_enroll(s), t->app_id, iin, &err) == -1) {
		screen_progress(s, "");
		(void)screen_set_value(s, "full_name", "");
		return actions_report(s, &err, fields);
	}
	screen_progress(s, "");
	(void)screen_set_value(s, "full_name", actions_full_name(s, name, sizeof name));
	screen_set_error(s, "iin", NULL);
	return ACTION_STAY;
}

static enum action_result
actions_iin_next(struct screen *s)
{
	const char	*got = actions_get(s, "iin");

	if (got != NULL && strcmp(got, actions_value(s, "iin")) == 0 &&
	    actions_get(s, "surname") != NULL)
		return ACTION_NEXT;
	screen_set_error(s, "iin", _("Press Check IIN first."));
	return ACTION_STAY;
}

/* One form field through enroll_set, the refusal at screen_field. */
static enum action_result
actions_set(struct screen *s, const char *field, const char *value, const char *screen_field)
{
	const char *const	 fields[] = { screen_field, NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			*v;
	int			 rc;

	if (actions_draft(s, &err) == -1)
		return actions_report(s, &err, fields);
	/* The screen's value may be the widget's own buffer: keep a copy across the call. */
	if ((v = strdup(value)) == NULL)
		return ACTION_STAY;
	rc = enroll_set(actions_enroll(s), t->app_id, field, v, &err);
	free(v);
	if (rc == -1) {
		if (err.field != NULL && strcmp(err.field, field) == 0) {
			free(err.field);
			err.field = strdup(screen_field);
		}
		return actions_report(s, &err, fields);
	}
	screen_set_error(s, screen_field, NULL);
	return ACTION_NEXT;
}

static enum action_result
actions_set_email(struct screen *s)
{
	const char	*v = actions_value(s, "email"), *old = actions_get(s, "email");
	char		*q = NULL;
	int		 yes;

	/* A new address is shown back once: mail to a typo is lost without a word. */
	if (*v != '\0' && (old == NULL || strcmp(old, v) != 0)) {
		if (asprintf(&q, _("Notices will be sent to %s. Is the address typed correctly?"),
		    v) == -1)
			return ACTION_STAY;
		yes = screen_confirm(s, _("Check the address"), q);
		free(q);
		if (!yes) {
			screen_set_error(s, "email", NULL);
			return ACTION_STAY;
		}
	}
	return actions_set(s, "email", actions_value(s, "email"), "email");
}

static enum action_result
actions_choose_role(struct screen *s)
{
	return actions_set(s, "role", actions_value(s, "role"), "role");
}

static enum action_result
actions_choose_region(struct screen *s)
{
	return actions_set(s, "region", actions_value(s, "region"), "region");
}

static enum action_result
actions_choose_city(struct screen *s)
{
	return actions_set(s, "city", actions_value(s, "city"), "city");
}

/* A typed code wins over the list's choice. */
static enum action_result
actions_choose_gucode(struct screen *s)
{
	const char	*typed = actions_value(s, "gu_code_typed");

	if (*typed != '\0')
		return actions_set(s, "gu_code", typed, "gu_code_typed");
	return actions_set(s, "gu_code", actions_value(s, "gu_code"), "gu_code");
}

static enum action_result
actions_choose_storage(struct screen *s)
{
	enum action_result	r = actions_set(s, "storage", actions_value(s, "storage"),
				    "storage");

	/* A token's keys need the token, not a folder: its own screen comes next. */
	if (r == ACTION_NEXT && actions_on_token(s) && screen_go(s, "token") == 0)
		return ACTION_GOTO;
	return r;
}

/* No token to choose: said at the list, the focus on the button that looks again. */
static void
actions_tokens_none(struct screen *s, const char *field)
{
	screen_set_error(s, field, _("no token is connected: connect it and press "
	    "\"Search again\""));
	(void)screen_focus_button(s, "tokens_refresh");
}

static enum action_result
actions_choose_token(struct screen *s)
{
	if (*actions_value(s, "token") == '\0') {
		actions_tokens_none(s, "token");
		return ACTION_STAY;
	}
	return actions_set(s, "token", actions_value(s, "token"), "token");
}

static int	actions_src_tokens(struct screen *, const char *, const char *);

static enum action_result
actions_tokens_refresh(struct screen *s)
{
	screen_set_error(s, "token", NULL);
	(void)actions_src_tokens(s, "token", "tokens");
	return ACTION_STAY;
}

/*
 * A folder already holding another application's keys is taken only when the person says
 * so: nothing would be overwritten (the names differ), but keys side by side are easily
 * mixed up. Whether keys can be written there at all the core says (enroll_set).
 */
static enum action_result
actions_choose_folder(struct screen *s)
{
	static const char *const fields[] = { "dir", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	const char		*old = actions_get(s, "dir");
	char			*dir, *others = NULL, *q = NULL;
	enum action_result	 r = ACTION_STAY;

	if ((dir = strdup(actions_value(s, "dir"))) == NULL)
		return ACTION_STAY;
	if (old != NULL && strcmp(old, dir) == 0)
		;			/* taken before, the question answered then */
	else if (enroll_dir_others(actions_enroll(s), actions_tui(s)->app_id, dir, &others,
	    &err) == -1) {
		free(dir);
		return actions_report(s, &err, fields);
	}
	if (others != NULL && asprintf(&q, _("The folder %s already holds the keys of another "
	    "application: %s. This application's keys would be kept beside them under names "
	    "of their own, and nothing would be overwritten, but keys in a folder of their own "
	    "cannot be mixed up. Use this folder anyway?"), dir, others) == -1)
		q = NULL;
	if (others == NULL || (q != NULL && screen_confirm(s, _("Keys of another application"),
	    q)))
		r = actions_set(s, "dir", dir, "dir");
	free(q);
	free(others);
	free(dir);
	return r;
}

/* The apply action's progress: what the bottom line says, and when it last moved. */
struct actions_apply_progress {
	struct screen	*s;
	const char	*text;
	struct timespec	 shown;
};

static void
actions_apply_step(void *arg, enum enroll_step step)
{
	struct actions_apply_progress	*p = arg;

	p->text = step == ENROLL_STEP_KEYS ? _("Making two key pairs... (Esc: stop)") :
	    _("Sending the application... (Esc: stop)");
	(void)clock_gettime(CLOCK_MONOTONIC, &p->shown);
	screen_progress(p->s, p->text);
}

/* Asked several times a second while the service is awaited: the spinner turns about
 * five times a second (not at every ask: each turn is bytes on a thin client's line). */
static int
actions_apply_stop(void *arg)
{
	struct actions_apply_progress	*p = arg;
	struct timespec			 now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->shown.tv_sec) * 1000 + (now.tv_nsec - p->shown.tv_nsec) /
	    1000000 >= 200) {
		p->shown = now;
		screen_progress(p->s, p->text);
	}
	return screen_cancelled(p->s);
}

/*
 * Keys, then the submission; the progress line says which, and Esc or F10 stops either
 * safely: the keys made are kept, and Apply again goes on without new ones.
 */
static enum action_result
actions_apply(struct screen *s)
{
	struct enroll_error		 err = { 0, NULL, NULL, NULL };
	struct actions_apply_progress	 p = { s, "", { 0, 0 } };
	struct enroll_progress		 pg = { actions_apply_step, actions_apply_stop, &p };
	struct tui			*t = actions_tui(s);
	struct secret			*pin = NULL;
	int				 rc;

	if (actions_app(s) == NULL) {
		screen_message(s, _("Refused"), _("There is no application to submit: start "
		    "from the main menu."));
		return ACTION_STAY;
	}
	if (actions_on_token(s) && actions_app(s)->state == MS_DRAFT &&
	    (pin = actions_pin(s, _("The two key pairs are made on the token."))) == NULL)
		return ACTION_STAY;
	if (actions_on_token(s) && pin == NULL &&
	    (pin = actions_pin(s, _("The requests are signed by the keys on the token."))) ==
	    NULL)
		return ACTION_STAY;
	rc = enroll_apply(actions_enroll(s), t->app_id, pin, &pg, &err);
	secret_free(pin);
	if (rc == -1) {
		screen_progress(s, "");
		if (err.kind == ENROLL_CANCELLED) {
			screen_message(s, _("Stopped"), err.message);
			enroll_error_free(&err);
			return ACTION_STAY;
		}
		return actions_report(s, &err, NULL);
	}
	screen_progress(s, "");
	return ACTION_NEXT;
}

static enum action_result
actions_save_form(struct screen *s)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			*path = NULL;

	if (enroll_form_save(actions_enroll(s), t->app_id, &path, &err) == -1)
		return actions_report(s, &err, NULL);
	(void)screen_set_value(s, "saved", path);
	screen_message(s, _("Application form saved"), path);
	free(path);
	return ACTION_STAY;
}

static enum action_result
actions_show_form(struct screen *s)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	char			*text;

	if ((text = enroll_form_text(actions_enroll(s), t->app_id, 0, &err)) == NULL)
		return actions_report(s, &err, NULL);
	screen_message(s, _("Application form"), text);
	free(text);
	return ACTION_STAY;
}

/* ---- status and install ---- */

static const char *
actions_jstr(json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

/* What the person is to do now, by where the application stands (appstatus.h's order). */
static const char *const actions_status_todo[] = {
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
};
_Static_assert(sizeof actions_status_todo / sizeof actions_status_todo[0] ==
    APP_STATUS__MAX, "a next step for every status");

/*
 * The "what to do" line; for a refused application whose keys are still here, where they
 * are too, with the focus on the button that removes them.
 */
static void
actions_status_next(struct screen *s, enum app_status code, const char *number)
{
	char	*left = NULL, *text = NULL;

	if ((code == APP_REJECTED || code == APP_CANCELLED) && *number != '\0')
		left = actions_keys_left(s, number);
	if (left != NULL && asprintf(&text, "%s %s", _(actions_status_todo[code]), left) != -1) {
		(void)screen_set_value(s, "next", text);
		(void)screen_focus_button(s, "remove_keys");
	} else
		(void)screen_set_value(s, "next", _(actions_status_todo[code]));
	free(text);
	free(left);
}

static void
actions_status_show(struct screen *s, json_t *st)
{
	json_t		*certs = json_object_get(st, "certificates"), *subj;
	enum app_status	 code;
	const char	*w = actions_jstr(st, "status");
	char		 buf[512];

	char		*why = reason_describe(st, i18n_current());

	(void)screen_set_value(s, "status", appstatus_parse(w, &code) == 0 ?
	    _(appstatus_label(code)) : w);
	if (appstatus_parse(w, &code) == 0)
		actions_status_next(s, code, actions_jstr(st, "request_number"));
	else
		(void)screen_set_value(s, "next", "");
	/* A rejection's reason in the reader's language, the operator's words as typed. */
	if (why != NULL)
		(void)screen_set_value(s, "detail", why);
	else if (strcmp(w, "submitted") == 0) {
		(void)snprintf(buf, sizeof buf, "%.10s", actions_jstr(st, "deadline"));
		(void)screen_set_value(s, "detail", buf);
	}
	else
		(void)screen_set_value(s, "detail", "");
	buf[0] = '\0';
	/* Validity by the day: the time of day only makes the line wrap. */
	if (json_is_object(certs))
		(void)snprintf(buf, sizeof buf, "%.10s — %.10s", actions_jstr(certs, "not_before"),
		    actions_jstr(certs, "not_after"));
	(void)screen_set_value(s, "validity", buf);
	subj = json_object_get(st, "subject");
	if (!json_is_object(subj) && json_is_object(certs))
		subj = json_object_get(certs, "subject");
	(void)screen_set_value(s, "subject", json_is_object(subj) ? actions_jstr(subj, "cn") :
	    "");
	(void)screen_set_value(s, "auth_serial", json_is_object(certs) ?
	    actions_jstr(json_object_get(certs, "auth"), "serial") : "");
	(void)screen_set_value(s, "sign_serial", json_is_object(certs) ?
	    actions_jstr(json_object_get(certs, "sign"), "serial") : "");
	free(why);
}

static enum action_result
actions_status_search(struct screen *s)
{
	static const char *const fields[] = { "request_number", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	json_t			*st = NULL;
	char			 num[64];

	(void)snprintf(num, sizeof num, "%s", actions_value(s, "request_number"));
	if (num[0] == '\0') {
		screen_set_error(s, "request_number", _("type the request number"));
		return ACTION_STAY;
	}
	screen_progress(s, _("Asking the service..."));
	if (enroll_refresh(actions_enroll(s), num, &st, &err) == -1) {
		screen_progress(s, "");
		/* A number the service does not know is a refusal of that field. */
		if (err.kind == ENROLL_REFUSED && err.field == NULL)
			err.field = strdup("request_number");
		return actions_report(s, &err, fields);
	}
	screen_progress(s, "");
	actions_status_show(s, st);
	json_decref(st);
	actions_support_warm(s);
	screen_set_error(s, "request_number", NULL);
	return ACTION_STAY;
}

/* Makes the application with this id or number the current one, if its keys are here. */
static int
actions_pick(struct screen *s, const char *key, const char *field)
{
	struct tui		*t = actions_tui(s);
	struct state_app	*a;

	if (*key == '\0') {
		screen_set_error(s, field, _("choose an application or type its number"));
		return -1;
	}
	if ((a = enroll_app(actions_enroll(s), key)) == NULL) {
		screen_set_error(s, field, _("the keys of this application are not on this "
		    "computer: install on the computer where the application was made"));
		return -1;
	}
	if (state_get(a, "request_number") == NULL) {
		screen_set_error(s, field, _("this application has not been submitted yet"));
		return -1;
	}
	(void)snprintf(t->app_id, sizeof t->app_id, "%s", a->id);
	return 0;
}

/*
 * Installing the application worked on: a new password for a folder's containers; for
 * keys on a token, its PIN. Nothing is asked when there is nothing to install (rejected,
 * cancelled, still at the desk): the core's sentence says why and what to do, at field.
 */
static enum action_result
actions_install_where(struct screen *s, const char *field)
{
	const char *const	 fields[] = { field, NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	int			 rc;

	if (actions_installed_go(s))
		return ACTION_GOTO;
	screen_progress(s, _("Asking the service..."));
	rc = enroll_install_ready(actions_enroll(s), actions_tui(s)->app_id, &err);
	screen_progress(s, "");
	if (rc == -1) {
		free(err.field);
		err.field = strdup(field);
		return actions_report(s, &err, fields);
	}
	screen_set_error(s, field, NULL);
	return screen_go(s, actions_on_token(s) ? "install_token" : "install_password") == 0 ?
	    ACTION_GOTO : ACTION_STAY;
}

static enum action_result
actions_status_install(struct screen *s)
{
	if (actions_pick(s, actions_value(s, "request_number"), "request_number") == -1)
		return ACTION_STAY;
	return actions_install_where(s, "request_number");
}

/* A refused application's keys, from the status screen; the line about them follows. */
static enum action_result
actions_remove_keys(struct screen *s)
{
	struct state_app	*a;
	enum app_status		 code;
	const char		*number = actions_value(s, "request_number");

	if (*number != '\0' && enroll_app(actions_enroll(s), number) == NULL) {
		screen_set_error(s, "request_number", _("no keys of this application are on this "
		    "computer"));
		return ACTION_STAY;
	}
	if (actions_pick(s, number, "request_number") == -1)
		return ACTION_STAY;
	if (actions_keys_remove_asked(s) == 0 && (a = actions_app(s)) != NULL &&
	    (a->state == MS_REJECTED || a->state == MS_CANCELLED)) {
		code = a->state == MS_REJECTED ? APP_REJECTED : APP_CANCELLED;
		actions_status_next(s, code, a->id);
	}
	return ACTION_STAY;
}

static enum action_result
actions_install_pick(struct screen *s)
{
	const char	*typed = actions_value(s, "request_number");
	const char	*field = *typed != '\0' ? "request_number" : "app";

	if (actions_pick(s, *typed != '\0' ? typed : actions_value(s, "app"), field) == -1)
		return ACTION_STAY;
	return actions_install_where(s, field);
}

static enum action_result
actions_install_token(struct screen *s)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct secret		*pin;
	int			 rc;

	if ((pin = actions_pin(s, _("The certificates are stored on the token beside the "
	    "keys."))) == NULL)
		return ACTION_STAY;
	screen_progress(s, _("Downloading the certificates and storing them on the "
	    "token..."));
	rc = enroll_install(actions_enroll(s), actions_tui(s)->app_id, pin,
	    KEYSTORE_P12_MODERN, &err);
	secret_free(pin);
	screen_progress(s, "");
	if (rc == -1)
		return actions_report(s, &err, NULL);
	return ACTION_NEXT;
}

static enum action_result
actions_install(struct screen *s)
{
	static const char *const fields[] = { "password", "password2", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	struct secret		*pw = NULL, *again = NULL;
	const char		*v;
	int			 met[PASSWORD_RULE__MAX], r, rc;

	v = actions_value(s, "password");
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
	v = actions_value(s, "password2");
	if ((again = secret_new(v, strlen(v))) == NULL || !secret_equal(pw, again)) {
		secret_free(pw);
		secret_free(again);
		/* Which of the two is mistyped nobody can see: both are typed again. */
		(void)screen_set_value(s, "password", "");
		(void)screen_set_value(s, "password2", "");
		screen_set_error(s, "password2", NULL);
		screen_set_error(s, "password", _("the two passwords differ; try again"));
		return ACTION_STAY;
	}
	secret_free(again);
	screen_progress(s, _("Downloading the certificates and writing the containers..."));
	rc = enroll_install(actions_enroll(s), t->app_id, pw, KEYSTORE_P12_MODERN, &err);
	secret_free(pw);
	screen_progress(s, "");
	if (rc == -1)
		return actions_report(s, &err, fields);
	(void)screen_set_value(s, "password", "");
	(void)screen_set_value(s, "password2", "");
	return ACTION_NEXT;
}

/* ---- my applications, and resuming ---- */

/* 1 for an application whose form is still being filled in or not yet accepted. */
static int
actions_unfinished(const struct state_app *a)
{
	return a->state == MS_DRAFT || a->state == MS_KEYS_READY;
}

/* 1 when every value is in and the BIN check still holds: only Apply is left. */
static int
actions_complete(struct screen *s)
{
	static const char *const need[] = { "surname", "role", "region", "city", "gu_code",
	    "storage" };
	const char	*bin = actions_get(s, "bin");
	size_t		 i;

	if (bin == NULL || !actions_bin_checked(s, bin))
		return 0;
	for (i = 0; i < sizeof need / sizeof need[0]; i++)
		if (actions_get(s, need[i]) == NULL)
			return 0;
	return actions_get(s, actions_on_token(s) ? "token" : "dir") != NULL;
}

/*
 * Continue an unfinished application where the person stopped, every screen showing what
 * was entered: the summary when only Apply is left (keys made, or it was there); else
 * the screen kept as "screen"; through the BIN screen first only when its check has to
 * be made again (a new picture code), whose Next then goes on there.
 */
static enum action_result
actions_continue(struct screen *s)
{
	struct state_app	*a = actions_app(s);
	const char		*at = actions_get(s, "screen");

	if (actions_complete(s) && (a->state == MS_KEYS_READY || at == NULL ||
	    strcmp(at, "apply") == 0))
		return ACTION_NEXT;
	if (actions_path_at(at) <= 0 || !actions_bin_fresh(s))
		at = "bin";
	/* Back from there walks the form backwards, as if it had been walked forwards. */
	return screen_go_from(s, at, "bin") == 0 ? ACTION_GOTO : ACTION_STAY;
}

/* The list's choice becomes the current application; NULL if none is chosen. */
static struct state_app *
actions_apps_chosen(struct screen *s)
{
	struct tui		*t = actions_tui(s);
	struct state_app	*a;
	const char		*id = actions_value(s, "app");

	if (*id == '\0' || (a = enroll_app(actions_enroll(s), id)) == NULL) {
		screen_set_error(s, "app", _("choose an application"));
		return NULL;
	}
	(void)snprintf(t->app_id, sizeof t->app_id, "%s", a->id);
	return a;
}

static enum action_result
actions_apps_continue(struct screen *s)
{
	struct state_app	*a;

	if ((a = actions_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (!actions_unfinished(a)) {
		screen_set_error(s, "app", _("this application is already submitted: check its "
		    "status or install its certificates"));
		return ACTION_STAY;
	}
	return actions_continue(s);
}

static enum action_result
actions_apps_status(struct screen *s)
{
	struct state_app	*a;

	if ((a = actions_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (state_get(a, "request_number") == NULL) {
		screen_set_error(s, "app", _("this application has not been submitted yet"));
		return ACTION_STAY;
	}
	return ACTION_GOTO;
}

static enum action_result
actions_apps_install(struct screen *s)
{
	struct state_app	*a;

	if ((a = actions_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (state_get(a, "request_number") == NULL) {
		screen_set_error(s, "app", _("this application has not been submitted yet"));
		return ACTION_STAY;
	}
	return actions_install_where(s, "app");
}

/*
 * Another password for an installed application's containers: its own screen. Not
 * installed, or keys on a token (no container password: the PIN is the token's own),
 * is said at the list.
 */
static enum action_result
actions_apps_passwd(struct screen *s)
{
	static const char *const fields[] = { "app", NULL };
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	struct state_app	*a;
	char			*text = NULL;
	int			 token;

	if ((a = actions_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (enroll_installed(actions_enroll(s), a->id, &in, &err) == -1) {
		free(err.field);
		err.field = strdup("app");
		return actions_report(s, &err, fields);
	}
	if ((token = in.token != NULL) && asprintf(&text, _("the keys of application %s are on "
	    "the token %s, which has no container password: a token's PIN is changed with the "
	    "token's own tool"), actions_or(actions_get(s, "request_number"), a->id),
	    in.token) != -1) {
		screen_set_error(s, "app", text);
		free(text);
	}
	enroll_installed_free(&in);
	return token ? ACTION_STAY : ACTION_GOTO;
}

static enum action_result
actions_apps_remove_keys(struct screen *s)
{
	if (actions_apps_chosen(s) == NULL)
		return ACTION_STAY;
	(void)actions_keys_remove_asked(s);
	return ACTION_STAY;
}

static enum action_result
actions_resume(struct screen *s)
{
	struct state_app	*a = actions_app(s);

	if (a == NULL || !actions_unfinished(a)) {
		screen_message(s, _("Refused"), _("There is no unfinished application."));
		return ACTION_STAY;
	}
	return actions_continue(s);
}

static const struct action actions[] = {
	{ "goto",		actions_goto },
	{ "back",		actions_back },
	{ "next",		actions_next },
	{ "quit",		actions_quit },
	{ "lang_kk",		actions_lang_kk },
	{ "lang_ru",		actions_lang_ru },
	{ "lang_en",		actions_lang_en },
	{ "new",		actions_new },
	{ "abandon",		actions_abandon },
	{ "accept",		actions_accept },
	{ "check_bin",		actions_check_bin },
	{ "bin_next",		actions_bin_next },
	{ "check_iin",		actions_check_iin },
	{ "iin_next",		actions_iin_next },
	{ "set_email",		actions_set_email },
	{ "choose_role",	actions_choose_role },
	{ "choose_region",	actions_choose_region },
	{ "choose_city",	actions_choose_city },
	{ "choose_gucode",	actions_choose_gucode },
	{ "choose_storage",	actions_choose_storage },
	{ "choose_folder",	actions_choose_folder },
	{ "apply",		actions_apply },
	{ "save_form",		actions_save_form },
	{ "show_form",		actions_show_form },
	{ "status_search",	actions_status_search },
	{ "status_install",	actions_status_install },
	{ "install_pick",	actions_install_pick },
	{ "install",		actions_install },
	{ "install_token",	actions_install_token },
	{ "choose_token",	actions_choose_token },
	{ "tokens_refresh",	actions_tokens_refresh },
	{ "apps_continue",	actions_apps_continue },
	{ "apps_status",	actions_apps_status },
	{ "apps_install",	actions_apps_install },
	{ "apps_passwd",	actions_apps_passwd },
	{ "apps_remove_keys",	actions_apps_remove_keys },
	{ "remove_keys",	actions_remove_keys },
	{ "passwd",		actions_passwd },
	{ "resume",		actions_resume },
};

const struct action *
action_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

/* ---- what each screen shows as it opens ---- */

/* A directory from the service into a list field; a failure is said in a box. */
static int
actions_fill(struct screen *s, const char *field, const char *which)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct tui		*t = actions_tui(s);
	json_t			*items = NULL;
	int			 rc;

	if (enroll_directory(actions_enroll(s), t->app_id, which, &items, &err) == -1) {
		(void)actions_report(s, &err, NULL);
		return -1;
	}
	rc = screen_set_items(s, field, items);
	json_decref(items);
	actions_support_warm(s);
	return rc;
}

/* This computer's applications as list items, optionally only the submitted ones. */
static int
actions_fill_apps(struct screen *s, const char *field, int submitted_only)
{
	struct enroll	*e = actions_enroll(s);
	json_t		*items = json_array(), *it;
	char		 line[512];
	size_t		 i;
	int		 rc = -1;

	if (items == NULL)
		return -1;
	for (i = 0; i < e->st->napps; i++) {
		const struct state_app	*a = &e->st->apps[i];
		const char		*num = state_get(a, "request_number");

		if (a->state == MS_ABANDONED || (submitted_only && num == NULL))
			continue;
		(void)snprintf(line, sizeof line, "%s  %s  %s",
		    num != NULL ? num : actions_or(state_get(a, "created"), a->id),
		    _(machine_state_word(a->state)),
		    actions_or(state_get(a, strcmp(actions_tui(s)->lang, "kk") == 0 ?
		    "org_name_kk" : "org_name_ru"), ""));
		if ((it = json_pack("{s:s, s:s}", "id", a->id, "name", line)) == NULL ||
		    json_array_append_new(items, it) == -1)
			goto out;
	}
	rc = screen_set_items(s, field, items);
out:
	json_decref(items);
	return rc;
}

/* ---- list sources: a field's `source` in forms/ names one of these ---- */

static int
actions_src_directory(struct screen *s, const char *field, const char *source)
{
	return actions_fill(s, field, source);
}

/* The cities of the region chosen on the screen before. */
static int
actions_src_cities(struct screen *s, const char *field, const char *source)
{
	char	which[128];

	(void)source;
	(void)snprintf(which, sizeof which, "cities:%s",
	    actions_or(actions_get(s, "region"), ""));
	return actions_fill(s, field, which);
}

static int
actions_src_storages(struct screen *s, const char *field, const char *source)
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
static int
actions_src_tokens(struct screen *s, const char *field, const char *source)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*tk = NULL;
	json_t			*items = json_array(), *it;
	char			 line[512];
	size_t			 n = 0, i;
	int			 rc = -1;

	(void)source;
	if (items == NULL)
		return -1;
	if (enroll_tokens(actions_enroll(s), &tk, &n, &err) == -1) {
		json_decref(items);
		(void)actions_report(s, &err, NULL);
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
		actions_tokens_none(s, field);
	if (rc == 0 && n > 0 && actions_get(s, "token") == NULL)
		(void)screen_set_value(s, field, tk[0].serial);
out:
	keystore_tokens_free(tk, n);
	json_decref(items);
	return rc;
}

static int
actions_src_apps(struct screen *s, const char *field, const char *source)
{
	return actions_fill_apps(s, field, strcmp(source, "pending-apps") == 0);
}

static const struct actions_source {
	const char	*name;
	int		(*fill)(struct screen *, const char *field, const char *source);
} actions_sources[] = {
	{ "roles",		actions_src_directory },
	{ "regions",		actions_src_directory },
	{ "gu-codes",		actions_src_directory },
	{ "cities",		actions_src_cities },
	{ "storages",		actions_src_storages },
	{ "tokens",		actions_src_tokens },
	{ "apps",		actions_src_apps },
	{ "pending-apps",	actions_src_apps },
};

/* Widget types whose value a person enters, and so is put back from the state. */
static int
actions_restorable(const char *type)
{
	static const char *const types[] = { "entry", "digits", "email", "list", "search",
	    "folder", NULL };
	size_t	i;

	for (i = 0; types[i] != NULL; i++)
		if (strcmp(type, types[i]) == 0)
			return 1;
	return 0;
}

/*
 * What every screen gets as it opens, from its fields in forms/: lists filled from their
 * source, and each entered value saved under the field's name put back (never a
 * password or a captcha code: those types are not restorable and the state has none).
 */
static int
actions_enter_fields(struct screen *s, const char *screen_id)
{
	const struct formdef	*fd = tui_form(actions_tui(s), screen_id);
	const char		*v;
	size_t			 i, j;
	int			 rc = 0;

	for (i = 0; fd != NULL && i < fd->nfields; i++) {
		const struct formdef_field	*f = &fd->fields[i];

		for (j = 0; f->source != NULL && j < sizeof actions_sources /
		    sizeof actions_sources[0]; j++)
			if (strcmp(f->source, actions_sources[j].name) == 0 &&
			    actions_sources[j].fill(s, f->name, f->source) == -1)
				rc = -1;
		if (actions_restorable(f->type) && (v = actions_get(s, f->name)) != NULL)
			(void)screen_set_value(s, f->name, v);
	}
	return rc;
}

/* The saved value of a field back on the screen (never a secret: the state has none). */
static void
actions_restore(struct screen *s, const char *field, const char *key)
{
	const char	*v = actions_get(s, key);

	if (v != NULL)
		(void)screen_set_value(s, field, v);
}

static int
actions_enter_bin(struct screen *s)
{
	const char	*bin = actions_get(s, "bin");

	actions_restore(s, "bin", "bin");
	if (bin != NULL && actions_bin_checked(s, bin))
		(void)screen_set_value(s, "org_name", actions_org(s));
	(void)screen_set_value(s, "captcha_id", "");
	return actions_captcha_new(s);
}

static int
actions_enter_iin(struct screen *s)
{
	char	name[512];

	(void)screen_set_value(s, "org_name", actions_org(s));
	actions_restore(s, "iin", "iin");
	(void)screen_set_value(s, "full_name", actions_full_name(s, name, sizeof name));
	return 0;
}

/* A code that is not among the organization's was typed: it goes back where it was. */
static int
actions_enter_gucode(struct screen *s)
{
	const char	*code = actions_get(s, "gu_code");

	if (code != NULL && strcmp(actions_value(s, "gu_code"), code) != 0)
		(void)screen_set_value(s, "gu_code_typed", code);
	return 0;
}

static int
actions_enter_storage(struct screen *s)
{
	if (actions_get(s, "storage") == NULL)
		(void)screen_set_value(s, "storage", "pc");
	return 0;
}

/* Keys go where they went before; a first time starts at home. */
static int
actions_enter_folder(struct screen *s)
{
	const char	*home = getenv("HOME");

	if (actions_get(s, "dir") == NULL)
		(void)screen_set_value(s, "dir", actions_or(home, "/"));
	return 0;
}

/*
 * A directory value's name for the summary: kept with the application when it was chosen
 * (role_kk, role_ru...), else (an application from an older version) asked of the service;
 * the id itself if neither knows it.
 */
static const char *
actions_dir_name(struct screen *s, const char *field, const char *which, char *buf,
    size_t sz)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	json_t			*items = NULL, *it;
	const char		*id = actions_get(s, field), *kept;
	char			 key[64];
	size_t			 i;

	(void)snprintf(key, sizeof key, "%s_%s", field, actions_tui(s)->lang);
	if ((kept = actions_get(s, key)) != NULL && *kept != '\0') {
		(void)snprintf(buf, sz, "%s", kept);
		return buf;
	}
	(void)snprintf(buf, sz, "%s", actions_or(id, "—"));
	if (id == NULL || enroll_directory(actions_enroll(s), actions_tui(s)->app_id, which,
	    &items, &err) == -1) {
		enroll_error_free(&err);
		return buf;
	}
	json_array_foreach(items, i, it)
		if (strcmp(actions_jstr(it, "id"), id) == 0)
			(void)snprintf(buf, sz, "%s", actions_name(s, json_object_get(it, "name")));
	json_decref(items);
	return buf;
}

static int
actions_enter_apply(struct screen *s)
{
	char		 name[512], role[256], region[256], city[256], which[128], place[600];
	const char	*st = actions_get(s, "storage");

	(void)screen_set_value(s, "org_name", actions_org(s));
	(void)screen_set_value(s, "bin", actions_or(actions_get(s, "bin"), "—"));
	(void)screen_set_value(s, "full_name", actions_or(actions_full_name(s, name,
	    sizeof name), "—"));
	(void)screen_set_value(s, "iin", actions_or(actions_get(s, "iin"), "—"));
	(void)screen_set_value(s, "email", actions_or(actions_get(s, "email"), "—"));
	(void)screen_set_value(s, "role", actions_dir_name(s, "role", "roles", role,
	    sizeof role));
	(void)snprintf(which, sizeof which, "cities:%s", actions_or(actions_get(s, "region"),
	    ""));
	(void)snprintf(place, sizeof place, "%s, %s",
	    actions_dir_name(s, "region", "regions", region, sizeof region),
	    actions_dir_name(s, "city", which, city, sizeof city));
	(void)screen_set_value(s, "place", place);
	(void)screen_set_value(s, "gu_code", actions_or(actions_get(s, "gu_code"), "—"));
	if (storage_find(st) != NULL)
		st = storage_name(storage_find(st), actions_tui(s)->lang);
	(void)screen_set_value(s, "storage", actions_or(st, "—"));
	(void)screen_set_value(s, "dir", actions_on_token(s) ?
	    actions_or(actions_get(s, "token_label"), actions_or(actions_get(s, "token"), "—")) :
	    actions_or(actions_get(s, "dir"), "—"));
	return 0;
}

/* The deadline as a date: the service gives an ISO time, and the day is what counts. */
static void
actions_deadline(struct screen *s)
{
	char	day[11];

	(void)snprintf(day, sizeof day, "%s", actions_or(actions_get(s, "deadline"), ""));
	(void)screen_set_value(s, "deadline", day);
}

static int
actions_enter_number(struct screen *s)
{
	const char	*email = actions_get(s, "email");
	char		 mail[256];

	actions_restore(s, "request_number", "request_number");
	actions_deadline(s);
	if (*enroll_mail_outcome(actions_app(s), mail, sizeof mail) == '\0')
		(void)snprintf(mail, sizeof mail, "%s", actions_or(email, "—"));
	(void)screen_set_value(s, "mail", mail);
	return 0;
}

static int
actions_enter_status(struct screen *s)
{
	struct enroll	*e = actions_enroll(s);
	size_t		 i;

	if (actions_get(s, "request_number") != NULL) {
		actions_restore(s, "request_number", "request_number");
		return 0;
	}
	/* A new start: the number of the latest application sent from here, if any. */
	for (i = e->st->napps; i > 0; i--)
		if (state_get(&e->st->apps[i - 1], "request_number") != NULL) {
			(void)screen_set_value(s, "request_number",
			    state_get(&e->st->apps[i - 1], "request_number"));
			break;
		}
	return 0;
}

static int
actions_enter_install_pick(struct screen *s)
{
	/* The application worked on last is the likely one; typing the number is for others. */
	if (actions_get(s, "request_number") != NULL) {
		(void)screen_set_value(s, "app", actions_tui(s)->app_id);
		(void)screen_set_value(s, "request_number", "");
	}
	return 0;
}

static int
actions_enter_install_password(struct screen *s)
{
	actions_restore(s, "request_number", "request_number");
	return 0;
}

static int
actions_enter_resume(struct screen *s)
{
	struct tui		*t = actions_tui(s);
	struct enroll		*e = actions_enroll(s);
	struct state_app	*a = actions_app(s);
	char			 name[512];
	size_t			 i;

	/* The latest unfinished one, unless the start already chose. */
	if (a == NULL || !actions_unfinished(a))
		for (i = e->st->napps; i > 0; i--)
			if (actions_unfinished(&e->st->apps[i - 1])) {
				(void)snprintf(t->app_id, sizeof t->app_id, "%s",
				    e->st->apps[i - 1].id);
				break;
			}
	(void)screen_set_value(s, "org_name", actions_or(actions_org(s), "—"));
	(void)screen_set_value(s, "full_name", actions_or(actions_full_name(s, name,
	    sizeof name), "—"));
	(void)screen_set_value(s, "bin", actions_or(actions_get(s, "bin"), "—"));
	(void)screen_set_value(s, "iin", actions_or(actions_get(s, "iin"), "—"));
	return 0;
}

static int
actions_enter_install_token(struct screen *s)
{
	actions_restore(s, "request_number", "request_number");
	(void)screen_set_value(s, "token", actions_or(actions_get(s, "token_label"),
	    actions_or(actions_get(s, "token"), "—")));
	return 0;
}

static const struct actions_enter_row {
	const char	*screen;
	int		(*enter)(struct screen *);
} actions_enter_rows[] = {
	{ "bin",		actions_enter_bin },
	{ "iin",		actions_enter_iin },
	{ "gucode",		actions_enter_gucode },
	{ "storage",		actions_enter_storage },
	{ "folder",		actions_enter_folder },
	{ "apply",		actions_enter_apply },
	{ "number",		actions_enter_number },
	{ "status",		actions_enter_status },
	{ "install_pick",	actions_enter_install_pick },
	{ "install_password",	actions_enter_install_password },
	{ "install_token",	actions_enter_install_token },
	{ "installed",		actions_enter_installed },
	{ "installed_token",	actions_enter_installed },
	{ "passwd",		actions_enter_passwd },
};

const char *
actions_first_screen(struct tui *tui)
{
	const struct state	*st = ((struct enroll *)tui->ctx)->st;
	size_t			 i;

	/* A draft, or keys made but never sent: the person is offered to go on. */
	for (i = 0; i < st->napps; i++)
		if (st->apps[i].state == MS_DRAFT || st->apps[i].state == MS_KEYS_READY)
			return "resume";
	return "main";
}

/*
 * The screen the person is on, kept with an unfinished application for Continue. The BIN
 * screen on the way back to a later one (its check expired) is a step on the way, not
 * where the person stopped.
 */
static void
actions_note_screen(struct screen *s, const char *screen_id)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct state_app	*a = actions_app(s);
	const char		*was = actions_get(s, "screen");

	if (a == NULL || !actions_unfinished(a) || actions_path_at(screen_id) < 0 ||
	    (was != NULL && strcmp(was, screen_id) == 0))
		return;
	if (strcmp(screen_id, "bin") == 0 && actions_path_at(was) > 0 && !actions_bin_fresh(s))
		return;
	/* A convenience only: without it Continue starts at the BIN screen. */
	if (enroll_set(actions_enroll(s), actions_tui(s)->app_id, "screen", screen_id,
	    &err) == -1)
		enroll_error_free(&err);
}

int
actions_enter(struct screen *s, const char *screen_id)
{
	size_t	i;
	int	rc;

	/* resume chooses the application first: what the fields show depends on it. */
	if (strcmp(screen_id, "resume") == 0 && actions_enter_resume(s) == -1)
		return -1;
	rc = actions_enter_fields(s, screen_id);
	for (i = 0; i < sizeof actions_enter_rows / sizeof actions_enter_rows[0]; i++)
		if (strcmp(actions_enter_rows[i].screen, screen_id) == 0 &&
		    actions_enter_rows[i].enter(s) == -1)
			rc = -1;
	actions_note_screen(s, screen_id);
	return rc;
}

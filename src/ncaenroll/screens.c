/*
 * screens — ncaenroll's full-screen application on the form engine: the program as the
 * engine runs it (the one table of actions, screens and lists, below), its context (the
 * core and the application being worked on) and what every screen file shares: reading
 * the application, a refusal shown at its field, the form's path, the language buttons.
 * The screens themselves are in their groups' files (screens-*.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appform.h"
#include "common/i18n.h"
#include "common/storage.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui-run.h"
#include "tui/tui.h"

/* A BIN check's token must outlive the rest of the form by this much to be trusted. */
#define SCREENS_TOKEN_MARGIN	60

/* Where a core refusal's field shows on screens that name it differently. */
static const struct screens_field_map {
	const char	*core, *screen;
} screens_field_map[] = {
	{ APPKEY_TOKEN, "bin" },
	{ APPKEY_CHECK_TOKEN, "bin" },
};

struct tui *
screens_tui(struct screen *s)
{
	return screen_tui(s);
}

struct screens *
screens_ctx(struct screen *s)
{
	return screen_tui(s)->ctx;
}

struct enroll *
screens_enroll(struct screen *s)
{
	return screens_ctx(s)->enroll;
}

void
screens_put(struct screen *s, const char *field, const char *value)
{
	/*
	 * The one place a value's setting is not looked at. Every value put this way is shown
	 * for reading or put back as it was entered, on a field its forms/ file has (the path
	 * tests see each); the one other failure, memory, leaves the field as it was, which
	 * the person sees, and there is nothing better to do about it on the way.
	 */
	(void)screen_set_value(s, field, value);
}

/* The value of a field, "" when the screen has none. */
const char *
screens_value(struct screen *s, const char *field)
{
	const char	*v = screen_value(s, field);

	return v != NULL ? v : "";
}

const char *
screens_or(const char *s, const char *dflt)
{
	return s != NULL && *s != '\0' ? s : dflt;
}

/* The application being worked on, as last read, or NULL. */
struct state_app *
screens_app(struct screen *s)
{
	struct screens	*t = screens_ctx(s);

	if (t->app_id[0] == '\0')
		return NULL;
	return enroll_app(screens_enroll(s), t->app_id);
}

const char *
screens_get(struct screen *s, const char *key)
{
	struct state_app	*a = screens_app(s);

	return a != NULL ? state_get(a, key) : NULL;
}

/* Keys of the application worked on are on a token (not in a folder). */
int
screens_on_token(struct screen *s)
{
	const struct storage_kind	*k = storage_find(screens_get(s, APPKEY_STORAGE));

	return k != NULL && k->token;
}

/* The token's PIN for this one call, asked in a box; NULL: the person cancelled. */
struct secret *
screens_pin(struct screen *s, const char *why)
{
	char	text[512];

	(void)snprintf(text, sizeof text, "%s %s", why, _("Type the PIN of the token:"));
	return screen_ask_secret(s, _("Token PIN"), text);
}

/* A name in the screen's language from {kk, ru, en} (or a plain string). */
const char *
screens_name(struct screen *s, json_t *names)
{
	const char	*v;

	if (json_is_string(names))
		return json_string_value(names);
	if ((v = json_string_value(json_object_get(names, screens_tui(s)->look.lang))) == NULL ||
	    *v == '\0')
		v = json_string_value(json_object_get(names, "ru"));
	if (v == NULL || *v == '\0')
		v = json_string_value(json_object_get(names, "en"));
	return v != NULL ? v : "";
}

const char *
screens_org(struct screen *s)
{
	const char	*kk = screens_get(s, APPKEY_ORG_NAME_KK), *ru = screens_get(s, APPKEY_ORG_NAME_RU);

	if (strcmp(screens_tui(s)->look.lang, "kk") == 0 && kk != NULL && *kk != '\0')
		return kk;
	return screens_or(ru, "");
}

/* "SURNAME GIVEN PATRONYMIC" into buf, or "" before the IIN check. */
const char *
screens_full_name(struct screen *s, char *buf, size_t sz)
{
	const char	*sn = screens_get(s, APPKEY_SURNAME);
	char		*name;

	if (sn == NULL) {
		buf[0] = '\0';
		return buf;
	}
	name = appform_full_name(sn, screens_get(s, APPKEY_GIVEN_NAME), screens_get(s, APPKEY_PATRONYMIC));
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
screens_report(struct screen *s, struct failure *err, const char *const *fields)
{
	const char	*field = err->field, *msg = screens_or(err->message, _("invalid value"));
	size_t		 i;

	for (i = 0; field != NULL && i < sizeof screens_field_map / sizeof screens_field_map[0];
	    i++)
		if (strcmp(field, screens_field_map[i].core) == 0)
			field = screens_field_map[i].screen;
	for (i = 0; field != NULL && fields != NULL && fields[i] != NULL; i++)
		if (strcmp(field, fields[i]) == 0)
			break;
	if (field != NULL && fields != NULL && fields[i] != NULL)
		screen_set_error(s, fields[i], msg);
	else {
		char	*text = screens_support_failure(s, msg, err);

		screen_message(s, err->kind == FAILURE_REFUSED ? _("Refused") :
		    err->kind == FAILURE_SERVICE ? _("The service could not do it") :
		    _("This computer could not do it"), text != NULL ? text : msg);
		free(text);
	}
	failure_free(err);
	return ACTION_STAY;
}

/* The draft the form fills in: made when the agreement is accepted. */
int
screens_draft(struct screen *s, struct failure *err)
{
	struct screens	*t = screens_ctx(s);

	if (t->app_id[0] != '\0' && enroll_app(screens_enroll(s), t->app_id) != NULL)
		return 0;
	return enroll_draft(screens_enroll(s), NULL, t->app_id, err);
}

/* 1 if the BIN check is done for this BIN and its token is still good. */
int
screens_bin_checked(struct screen *s, const char *bin)
{
	const char	*got = screens_get(s, APPKEY_BIN), *exp = screens_get(s, APPKEY_CHECK_TOKEN_EXPIRES);

	return got != NULL && strcmp(got, bin) == 0 && screens_get(s, APPKEY_CHECK_TOKEN) != NULL &&
	    exp != NULL && strtoll(exp, NULL, 10) > (long long)time(NULL) + SCREENS_TOKEN_MARGIN;
}

/*
 * The screens of the form, in its order. The one the person is on is kept with an
 * unfinished application (its "screen"), so that Continue opens it again.
 */
static const char *const screens_path[] = { "bin", "iin", "email", "role", "region", "city",
    "gucode", "storage", "folder", "token", "apply" };

int
screens_path_at(const char *screen_id)
{
	size_t	i;

	for (i = 0; screen_id != NULL && i < sizeof screens_path / sizeof screens_path[0]; i++)
		if (strcmp(screens_path[i], screen_id) == 0)
			return (int)i;
	return -1;
}

/* 1 when the BIN check of the application is still good. */
int
screens_bin_fresh(struct screen *s)
{
	const char	*bin = screens_get(s, APPKEY_BIN);

	return bin != NULL && screens_bin_checked(s, bin);
}

/* ---- the buttons of the menu and the language screen ---- */

static enum action_result
screens_next(struct screen *s)
{
	(void)s;
	return ACTION_NEXT;
}

static enum action_result
screens_lang(struct screen *s, const char *lang)
{
	struct failure	 local = { FAILURE_LOCAL, NULL, NULL, NULL };
	struct tui		*t = screens_tui(s);
	char			*cause = NULL, *text;

	/* The catalogs of this computer are missing or broken: where to turn, too. */
	if (i18n_init(lang, &cause) == -1) {
		text = screens_support_failure(s, cause, &local);
		screen_message(s, _("Language"), text != NULL ? text : cause);
		free(text);
		free(cause);
		return ACTION_STAY;
	}
	(void)snprintf(t->look.lang, sizeof t->look.lang, "%s", lang);
	return ACTION_NEXT;
}

static enum action_result
screens_lang_kk(struct screen *s)
{
	return screens_lang(s, "kk");
}

static enum action_result
screens_lang_ru(struct screen *s)
{
	return screens_lang(s, "ru");
}

static enum action_result
screens_lang_en(struct screen *s)
{
	return screens_lang(s, "en");
}

/* A new application: the old ones stay on this computer, listed under My applications. */
enum action_result
screens_new(struct screen *s)
{
	screens_ctx(s)->app_id[0] = '\0';
	return ACTION_GOTO;
}

/* One form field through enroll_set, the refusal at screen_field. */
enum action_result
screens_set(struct screen *s, const char *field, const char *value, const char *screen_field)
{
	const char *const	 fields[] = { screen_field, NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	char			*v;
	int			 rc;

	if (screens_draft(s, &err) == -1)
		return screens_report(s, &err, fields);
	/* The screen's value may be the widget's own buffer: keep a copy across the call. */
	if ((v = strdup(value)) == NULL)
		return ACTION_STAY;
	rc = enroll_set(screens_enroll(s), t->app_id, field, v, &err);
	free(v);
	if (rc == -1) {
		if (err.field != NULL && strcmp(err.field, field) == 0) {
			free(err.field);
			err.field = strdup(screen_field);
		}
		return screens_report(s, &err, fields);
	}
	screen_set_error(s, screen_field, NULL);
	return ACTION_NEXT;
}

/* ---- what the screen files share ---- */

const char *
screens_jstr(json_t *o, const char *key)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

/* 1 for an application whose form is still being filled in or not yet accepted. */
int
screens_unfinished(const struct state_app *a)
{
	return a->state == MS_DRAFT || a->state == MS_KEYS_READY;
}

/* ---- what every screen shows as it opens ---- */

/* A directory from the service into a list field; a failure is said in a box. */
int
screens_fill(struct screen *s, const char *field, const char *which)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	json_t			*items = NULL;
	int			 rc;

	if (enroll_directory(screens_enroll(s), t->app_id, which, &items, &err) == -1) {
		(void)screens_report(s, &err, NULL);
		return -1;
	}
	rc = screen_set_items(s, field, items);
	json_decref(items);
	screens_support_warm(s);
	return rc;
}

/* Widget types whose value a person enters, and so is put back from the state. */
static int
screens_restorable(const char *type)
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
 * What every screen gets as it opens, after the engine has filled its lists (their
 * sources): each entered value saved under the field's name put back (never a password
 * or a captcha code: those types are not restorable and the state has none).
 */
static void
screens_enter_restore(struct screen *s, const char *screen_id)
{
	const struct formdef	*fd = tui_form(screens_tui(s), screen_id);
	const char		*v;
	size_t			 i;

	for (i = 0; fd != NULL && i < fd->nfields; i++)
		if (screens_restorable(fd->fields[i].type) &&
		    (v = screens_get(s, fd->fields[i].name)) != NULL)
			screens_put(s, fd->fields[i].name, v);
}

/* The saved value of a field back on the screen (never a secret: the state has none). */
void
screens_restore(struct screen *s, const char *field, const char *key)
{
	const char	*v = screens_get(s, key);

	if (v != NULL)
		screens_put(s, field, v);
}

static const char *
screens_first_screen(struct tui *tui)
{
	const struct state	*st = ((struct screens *)tui->ctx)->enroll->st;
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
screens_note_screen(struct screen *s, const char *screen_id)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct state_app	*a = screens_app(s);
	const char		*was = screens_get(s, APPKEY_SCREEN);

	if (a == NULL || !screens_unfinished(a) || screens_path_at(screen_id) < 0 ||
	    (was != NULL && strcmp(was, screen_id) == 0))
		return;
	if (strcmp(screen_id, "bin") == 0 && screens_path_at(was) > 0 && !screens_bin_fresh(s))
		return;
	/* A convenience only: without it Continue starts at the BIN screen. */
	if (enroll_set(screens_enroll(s), screens_ctx(s)->app_id, APPKEY_SCREEN, screen_id,
	    &err) == -1)
		failure_free(&err);
}

/*
 * Every screen as it opens, before its own row (screens_enters): what was entered put
 * back, and where the person is kept for Continue.
 */
static int
screens_enter(struct screen *s, const char *screen_id)
{
	screens_enter_restore(s, screen_id);
	screens_note_screen(s, screen_id);
	/* Certificates about to expire are said once a run, on the first screen. */
	if (!screens_ctx(s)->expiry_said) {
		screens_ctx(s)->expiry_said = 1;
		screens_certs_warn(s);
	}
	return 0;
}

/*
 * The program as the engine runs it: every action a button of forms/ may name beside the
 * engine's goto, back and quit (formdef refuses a name not here), what a screen shows as
 * it opens, and the lists a field's `source` names. The rows point into the screens'
 * files; these are the only tables of them.
 */
static const struct tui_action screens_actions[] = {
	/* the menu, the language, a new application or giving one up (screens-abandon.c) */
	{ "next",		screens_next,			0 },
	{ "lang_kk",		screens_lang_kk,		0 },
	{ "lang_ru",		screens_lang_ru,		0 },
	{ "lang_en",		screens_lang_en,		0 },
	{ "new",		screens_new,			0 },
	{ "abandon",		screens_abandon,		0 },
	/* screens-apply.c */
	{ "accept",		screens_apply_accept,		0 },
	{ "check_bin",		screens_apply_check_bin,	0 },
	{ "bin_next",		screens_apply_bin_next,		0 },
	{ "check_iin",		screens_apply_check_iin,	0 },
	{ "iin_next",		screens_apply_iin_next,		0 },
	{ "set_email",		screens_apply_set_email,	0 },
	{ "choose_role",	screens_apply_choose_role,	0 },
	{ "choose_region",	screens_apply_choose_region,	0 },
	{ "choose_city",	screens_apply_choose_city,	0 },
	{ "choose_gucode",	screens_apply_choose_gucode,	0 },
	/* screens-keys.c */
	{ "choose_storage",	screens_keys_choose_storage,	0 },
	{ "choose_folder",	screens_keys_choose_folder,	0 },
	{ "choose_token",	screens_keys_choose_token,	0 },
	{ "tokens_refresh",	screens_keys_tokens_refresh,	0 },
	{ "apply",		screens_keys_apply,		0 },
	{ "save_form",		screens_keys_save_form,		0 },
	{ "show_form",		screens_keys_show_form,		0 },
	/* screens-status.c */
	{ "status_search",	screens_status_search,		0 },
	{ "status_install",	screens_status_install,		0 },
	{ "remove_keys",	screens_status_remove_keys,	0 },
	/* screens-install.c */
	{ "install_pick",	screens_install_pick,		0 },
	{ "install",		screens_install,		0 },
	{ "install_token",	screens_install_token,		0 },
	{ "passwd",		screens_install_passwd,		0 },
	/* screens-main.c */
	{ "apps_continue",	screens_main_apps_continue,	0 },
	{ "apps_status",	screens_main_apps_status,	0 },
	{ "apps_install",	screens_main_apps_install,	0 },
	{ "apps_passwd",	screens_main_apps_passwd,	0 },
	{ "apps_remove_keys",	screens_main_apps_remove_keys,	0 },
	{ "resume",		screens_main_resume,		0 },
	/* screens-certs.c */
	{ "certs_renew",	screens_certs_renew,		0 },
	{ "certs_revoke",	screens_certs_revoke,		0 },
	{ "renew",		screens_certs_do_renew,		0 },
	{ "revoke",		screens_certs_do_revoke,	0 },
	{ NULL,			NULL,				0 },
};

static const struct tui_enter screens_enters[] = {
	{ "bin",		screens_apply_enter_bin },
	{ "iin",		screens_apply_enter_iin },
	{ "gucode",		screens_apply_enter_gucode },
	{ "storage",		screens_keys_enter_storage },
	{ "folder",		screens_keys_enter_folder },
	{ "apply",		screens_keys_enter_apply },
	{ "number",		screens_keys_enter_number },
	{ "status",		screens_status_enter },
	{ "install_pick",	screens_install_enter_pick },
	{ "install_password",	screens_install_enter_password },
	{ "install_token",	screens_install_enter_token },
	{ "installed",		screens_install_enter_installed },
	{ "installed_token",	screens_install_enter_installed },
	{ "passwd",		screens_install_enter_passwd },
	{ "resume",		screens_main_enter_resume },
	{ "revoke",		screens_certs_enter },
	{ "renew",		screens_certs_enter },
	{ NULL,			NULL },
};

static const struct tui_source screens_sources[] = {
	{ "roles",		screens_apply_src_directory },
	{ "regions",		screens_apply_src_directory },
	{ "gu-codes",		screens_apply_src_directory },
	{ "cities",		screens_apply_src_cities },
	{ "storages",		screens_keys_src_storages },
	{ "tokens",		screens_keys_src_tokens },
	{ "apps",		screens_main_src_apps },
	{ "pending-apps",	screens_main_src_apps },
	{ "certs",		screens_certs_src },
	{ "revoke-reasons",	screens_certs_src },
	{ NULL,			NULL },
};

static const struct tui_program screens_program = {
	.forms = "forms",
	.actions = screens_actions,
	.enters = screens_enters,
	.sources = screens_sources,
	.enter = screens_enter,
	.first_screen = screens_first_screen,
	.help_more = screens_support_help,
};

int
screens_run(struct enroll *e, const char *lang, char **cause)
{
	struct screens	ctx = { .enroll = e, .app_id = "" };

	return tui_run(&screens_program, &ctx, lang, cause);
}

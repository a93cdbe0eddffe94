/*
 * screens-main — the main menu's ways back to an application: My applications (continue,
 * status, install, another password, remove keys) and the offer to resume an unfinished
 * one at start, opening where the person stopped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* 1 when every value is in and the BIN check still holds: only Apply is left. */
static int
screens_main_complete(struct screen *s)
{
	static const char *const need[] = { APPKEY_SURNAME, APPKEY_ROLE, APPKEY_REGION,
	    APPKEY_CITY, APPKEY_GU_CODE, APPKEY_STORAGE };
	const char	*bin = screens_get(s, APPKEY_BIN);
	size_t		 i;

	if (bin == NULL || !screens_bin_checked(s, bin))
		return 0;
	for (i = 0; i < sizeof need / sizeof need[0]; i++)
		if (screens_get(s, need[i]) == NULL)
			return 0;
	return screens_get(s, screens_on_token(s) ? "token" : "dir") != NULL;
}

/*
 * Continue an unfinished application where the person stopped, every screen showing what
 * was entered: the summary when only Apply is left (keys made, or it was there); else
 * the screen kept as "screen"; through the BIN screen first only when its check has to
 * be made again (a new picture code), whose Next then goes on there.
 */
static enum action_result
screens_main_continue(struct screen *s)
{
	struct state_app	*a = screens_app(s);
	const char		*at = screens_get(s, APPKEY_SCREEN);

	if (screens_main_complete(s) && (a->state == MS_KEYS_READY || at == NULL ||
	    strcmp(at, "apply") == 0))
		return ACTION_NEXT;
	if (screens_path_at(at) <= 0 || !screens_bin_fresh(s))
		at = "bin";
	/* Back from there walks the form backwards, as if it had been walked forwards. */
	return screen_go_from(s, at, "bin") == 0 ? ACTION_GOTO : ACTION_STAY;
}

/* The list's choice becomes the current application; NULL if none is chosen. */
static struct state_app *
screens_main_apps_chosen(struct screen *s)
{
	struct screens		*t = screens_ctx(s);
	struct state_app	*a;
	const char		*id = screens_value(s, "app");

	if (*id == '\0' || (a = enroll_app(screens_enroll(s), id)) == NULL) {
		screen_set_error(s, "app", _("choose an application"));
		return NULL;
	}
	(void)snprintf(t->app_id, sizeof t->app_id, "%s", a->id);
	return a;
}

enum action_result
screens_main_apps_continue(struct screen *s)
{
	struct state_app	*a;

	if ((a = screens_main_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (!screens_unfinished(a)) {
		screen_set_error(s, "app", _("this application is already submitted: check its "
		    "status or install its certificates"));
		return ACTION_STAY;
	}
	return screens_main_continue(s);
}

/* The list's choice when it has been submitted (it has a number); else why not, and NULL. */
static struct state_app *
screens_main_apps_submitted(struct screen *s)
{
	struct state_app	*a;

	if ((a = screens_main_apps_chosen(s)) != NULL &&
	    state_get(a, APPKEY_REQUEST_NUMBER) == NULL) {
		screen_set_error(s, "app", _("this application has not been submitted yet"));
		return NULL;
	}
	return a;
}

enum action_result
screens_main_apps_status(struct screen *s)
{
	return screens_main_apps_submitted(s) != NULL ? ACTION_GOTO : ACTION_STAY;
}

enum action_result
screens_main_apps_install(struct screen *s)
{
	if (screens_main_apps_submitted(s) == NULL)
		return ACTION_STAY;
	return screens_install_where(s, "app");
}

/*
 * Another password for an installed application's containers: its own screen. Not
 * installed, or keys on a token (no container password: the PIN is the token's own),
 * is said at the list.
 */
enum action_result
screens_main_apps_passwd(struct screen *s)
{
	static const char *const fields[] = { "app", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_installed	 in;
	struct state_app	*a;
	char			*text = NULL;
	int			 token;

	if (screens_certs_token_row(s, _("these certificates were not applied for from this "
	    "computer: a token has no container password, its PIN is changed with the token's "
	    "own tool")) || (a = screens_main_apps_chosen(s)) == NULL)
		return ACTION_STAY;
	if (enroll_installed(screens_enroll(s), a->id, &in, &err) == -1) {
		free(err.field);
		err.field = strdup("app");
		return screens_report(s, &err, fields);
	}
	if ((token = in.token != NULL) && asprintf(&text, _("the keys of application %s are on "
	    "the token %s, which has no container password: a token's PIN is changed with the "
	    "token's own tool"), screens_or(screens_get(s, APPKEY_REQUEST_NUMBER), a->id),
	    in.token) != -1) {
		screen_set_error(s, "app", text);
		free(text);
	}
	enroll_installed_free(&in);
	return token ? ACTION_STAY : ACTION_GOTO;
}

enum action_result
screens_main_apps_remove_keys(struct screen *s)
{
	if (screens_main_apps_chosen(s) == NULL)
		return ACTION_STAY;
	(void)screens_abandon_keys_remove_asked(s);
	return ACTION_STAY;
}

enum action_result
screens_main_resume(struct screen *s)
{
	struct state_app	*a = screens_app(s);

	if (a == NULL || !screens_unfinished(a)) {
		screen_message(s, _("Refused"), _("There is no unfinished application."));
		return ACTION_STAY;
	}
	return screens_main_continue(s);
}

/* This computer's applications as list items, optionally only the submitted ones. */
static int
screens_main_fill_apps(struct screen *s, const char *field, int submitted_only)
{
	struct enroll	*e = screens_enroll(s);
	json_t		*items = json_array(), *it;
	char		 line[512];
	size_t		 i;
	int		 rc = -1;

	if (items == NULL)
		return -1;
	for (i = 0; i < e->st->napps; i++) {
		const struct state_app	*a = &e->st->apps[i];
		const char		*num = state_get(a, APPKEY_REQUEST_NUMBER);

		if (a->state == MS_ABANDONED || (submitted_only && num == NULL))
			continue;
		(void)snprintf(line, sizeof line, "%s  %s  %s",
		    num != NULL ? num : screens_or(state_get(a, APPKEY_CREATED), a->id),
		    _(machine_state_word(a->state)),
		    screens_or(state_get(a, strcmp(screens_tui(s)->look.lang, "kk") == 0 ?
		    APPKEY_ORG_NAME_KK : APPKEY_ORG_NAME_RU), ""));
		if ((it = json_pack("{s:s, s:s}", "id", a->id, "name", line)) == NULL ||
		    json_array_append_new(items, it) == -1)
			goto out;
	}
	rc = screen_set_items(s, field, items);
out:
	json_decref(items);
	return rc;
}

int
screens_main_src_apps(struct screen *s, const char *field, const char *source)
{
	return screens_main_fill_apps(s, field, strcmp(source, "pending-apps") == 0);
}

int
screens_main_enter_resume(struct screen *s)
{
	struct screens		*t = screens_ctx(s);
	struct enroll		*e = screens_enroll(s);
	struct state_app	*a = screens_app(s);
	char			 name[512];
	size_t			 i;

	/* The latest unfinished one, unless the start already chose. */
	if (a == NULL || !screens_unfinished(a))
		for (i = e->st->napps; i > 0; i--)
			if (screens_unfinished(&e->st->apps[i - 1])) {
				(void)snprintf(t->app_id, sizeof t->app_id, "%s",
				    e->st->apps[i - 1].id);
				break;
			}
	screens_put(s, "org_name", screens_or(screens_org(s), "—"));
	screens_put(s, "full_name", screens_or(screens_full_name(s, name,
	    sizeof name), "—"));
	screens_put(s, "bin", screens_or(screens_get(s, APPKEY_BIN), "—"));
	screens_put(s, "iin", screens_or(screens_get(s, APPKEY_IIN), "—"));
	return 0;
}

/*
 * screens-int — what the files of ncaenroll's screens share: screens.c (the program's
 * tables, the context, reading the application, a refusal at its field) and one file per
 * group of screens, whose rows the tables point at: screens-apply.c (agreement to
 * organization's code), screens-keys.c (storage to request number), screens-status.c,
 * screens-install.c (install, installed, another password), screens-main.c (my
 * applications, resume), screens-abandon.c (giving up, keys removed), screens-certs.c
 * (my certificates: renew, revoke) and screens-support.c (where to turn for help). Each action returns where the screen goes
 * next and reports through screen.h. Strings returned point into the screen or the state:
 * good until the next enroll_* call. Nothing here is for another program.
 */
#ifndef NCA_SCREENS_INT_H
#define NCA_SCREENS_INT_H

#include <jansson.h>

#include "common/appfield.h"
#include "enroll/enroll.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* The engine's tui->ctx: the core, and the application worked on. */
struct screens {
	struct enroll	*enroll;
	char		 app_id[32];	/* a draft id or request number; "" for none */
	int		 expiry_said;	/* the 30-day warning was shown this run */
	/* The BIN check has to be made again before this IIN (typed) is checked: why. */
	char		 recheck_iin[16];
	char		 recheck_why[1024];
};

/*
 * The applicant's full-screen application on the terminal, from main.yaml or the offer
 * to resume; tui_run's status (0, 1 with *cause, 2 a bad forms file or terminal).
 */
int		 screens_run(struct enroll *, const char *lang, char **cause);

/* ---- screens.c ---- */
struct tui	*screens_tui(struct screen *);
struct screens	*screens_ctx(struct screen *);
struct enroll	*screens_enroll(struct screen *);
/* A field's value, "" when the screen has none. */
const char	*screens_value(struct screen *, const char *field);
const char	*screens_or(const char *, const char *dflt);
/* A value shown for reading, or put back as it was entered (see screens.c for why unchecked). */
void		 screens_put(struct screen *, const char *field, const char *value);
/* The saved value under key back in field (never a secret: the state has none). */
void		 screens_restore(struct screen *, const char *field, const char *key);
/* The application worked on (app_id) as last read, a value of it, or NULL. */
struct state_app *screens_app(struct screen *);
const char	*screens_get(struct screen *, const char *key);
/* 1 when the keys of the application worked on are on a token. */
int		 screens_on_token(struct screen *);
/* 1 for an application whose form is still being filled in or not yet accepted. */
int		 screens_unfinished(const struct state_app *);
/* The token's PIN for one call, asked in a box after why; NULL: the person cancelled. */
struct secret	*screens_pin(struct screen *, const char *why);
/* A name in the screen's language from {kk, ru, en} (or a plain string). */
const char	*screens_name(struct screen *, json_t *names);
/* The organization's name in the screen's language, "" before the BIN check. */
const char	*screens_org(struct screen *);
/* "SURNAME GIVEN PATRONYMIC" into buf, or "" before the IIN check. */
const char	*screens_full_name(struct screen *, char *buf, size_t);
/* A string member of a JSON object, "" when there is none. */
const char	*screens_jstr(json_t *, const char *key);
/*
 * A refusal at its field when the screen has it (fields: NULL-terminated), else in a
 * box, ending with where to turn when the person cannot get past it alone. Frees err;
 * always ACTION_STAY.
 */
enum action_result screens_report(struct screen *, struct failure *,
		    const char *const *fields);
/* The draft the form fills in, made when the agreement is accepted. 0 or -1 with err. */
int		 screens_draft(struct screen *, struct failure *);
/* 1 if the BIN check is done for this BIN (or the application's) and still good. */
int		 screens_bin_checked(struct screen *, const char *bin);
int		 screens_bin_fresh(struct screen *);
/* Where a screen is on the form's path (bin ... apply), -1 when not on it. */
int		 screens_path_at(const char *screen_id);
/* One form field through enroll_set, the refusal at screen_field; ACTION_NEXT when taken. */
enum action_result screens_set(struct screen *, const char *field, const char *value,
		    const char *screen_field);
/* A directory of the service (roles, regions...) into a list field; a failure in a box. */
int		 screens_fill(struct screen *, const char *field, const char *which);
/* A new application: app_id forgotten, the button's target next. */
enum action_result screens_new(struct screen *);

/* ---- screens-apply.c: agreement, BIN, IIN, e-mail, role, region, city, code ---- */
enum action_result screens_apply_accept(struct screen *);
enum action_result screens_apply_check_bin(struct screen *);
enum action_result screens_apply_bin_next(struct screen *);
enum action_result screens_apply_check_iin(struct screen *);
enum action_result screens_apply_iin_next(struct screen *);
enum action_result screens_apply_set_email(struct screen *);
enum action_result screens_apply_choose_role(struct screen *);
enum action_result screens_apply_choose_region(struct screen *);
enum action_result screens_apply_choose_city(struct screen *);
enum action_result screens_apply_choose_gucode(struct screen *);
int		 screens_apply_src_directory(struct screen *, const char *field,
		    const char *source);
int		 screens_apply_src_cities(struct screen *, const char *field, const char *source);
int		 screens_apply_enter_bin(struct screen *);
int		 screens_apply_enter_iin(struct screen *);
int		 screens_apply_enter_gucode(struct screen *);

/* ---- screens-keys.c: storage, folder, token, the summary and Apply, the number ---- */
enum action_result screens_keys_choose_storage(struct screen *);
enum action_result screens_keys_choose_token(struct screen *);
enum action_result screens_keys_tokens_refresh(struct screen *);
enum action_result screens_keys_choose_folder(struct screen *);
enum action_result screens_keys_apply(struct screen *);
enum action_result screens_keys_save_form(struct screen *);
enum action_result screens_keys_show_form(struct screen *);
int		 screens_keys_src_storages(struct screen *, const char *field,
		    const char *source);
int		 screens_keys_src_tokens(struct screen *, const char *field, const char *source);
int		 screens_keys_enter_storage(struct screen *);
int		 screens_keys_enter_folder(struct screen *);
int		 screens_keys_enter_apply(struct screen *);
int		 screens_keys_enter_number(struct screen *);

/* ---- screens-status.c ---- */
enum action_result screens_status_search(struct screen *);
enum action_result screens_status_install(struct screen *);
enum action_result screens_status_remove_keys(struct screen *);
int		 screens_status_enter(struct screen *);

/* ---- screens-install.c: install, installed, another password ---- */
/*
 * Makes the application with this id or number the one worked on, if its keys are here
 * and it was submitted; else says why at field. 0 or -1.
 */
int		 screens_install_choose(struct screen *, const char *key, const char *field);
/*
 * Installing the application worked on: on to the password's or the token's screen
 * (ACTION_GOTO), or where it is installed already; why not at field (ACTION_STAY).
 */
enum action_result screens_install_where(struct screen *, const char *field);
enum action_result screens_install_pick(struct screen *);
enum action_result screens_install_token(struct screen *);
enum action_result screens_install(struct screen *);
enum action_result screens_install_passwd(struct screen *);
int		 screens_install_enter_pick(struct screen *);
int		 screens_install_enter_password(struct screen *);
int		 screens_install_enter_token(struct screen *);
int		 screens_install_enter_installed(struct screen *);
int		 screens_install_enter_passwd(struct screen *);

/* ---- screens-main.c: my applications, resume ---- */
enum action_result screens_main_apps_continue(struct screen *);
enum action_result screens_main_apps_status(struct screen *);
enum action_result screens_main_apps_install(struct screen *);
enum action_result screens_main_apps_passwd(struct screen *);
enum action_result screens_main_apps_remove_keys(struct screen *);
enum action_result screens_main_resume(struct screen *);
int		 screens_main_src_apps(struct screen *, const char *field, const char *source);
int		 screens_main_enter_resume(struct screen *);

/* ---- screens-certs.c: my certificates, renewal, revocation ---- */
int		 screens_certs_src(struct screen *, const char *field, const char *source);
/*
 * 1 (why set as the list's error) when the row chosen was read from a token the state
 * does not know: nothing can be done with it from this computer but reading it.
 */
int		 screens_certs_token_row(struct screen *, const char *why);
enum action_result screens_certs_renew(struct screen *);
enum action_result screens_certs_revoke(struct screen *);
enum action_result screens_certs_do_renew(struct screen *);
enum action_result screens_certs_do_revoke(struct screen *);
/* The revoke and renew screens as they open: the application's number, no password. */
int		 screens_certs_enter(struct screen *);
/* A box naming every installed application whose certificates expire within 30 days. */
void		 screens_certs_warn(struct screen *);

/* ---- screens-abandon.c: giving up, a refused application's keys ---- */
/* A path's last part: key files are listed under their folder, named once. */
const char	*screens_abandon_keys_base(const char *path);
/*
 * A refused application's keys: where they still are, as a sentence naming the button
 * that removes them (malloc'd; NULL when none are left here); and that button's work for
 * the application worked on, asked with "No" focused (0 removed and said, -1 declined or
 * failed, said).
 */
char		*screens_abandon_keys_left(struct screen *, const char *id_or_number);
int		 screens_abandon_keys_remove_asked(struct screen *);
enum action_result screens_abandon(struct screen *);

/* ---- screens-support.c: where to turn for help ---- */
/*
 * The end of every F1 help (the program's help_more); the contact asked of the service
 * once it has answered something else (so that it is at hand if the service fails
 * later); a failure's message ended with the contact when the person cannot get past it
 * alone (malloc'd; NULL when out of memory).
 */
char		*screens_support_help(struct tui *);
void		 screens_support_warm(struct screen *);
char		*screens_support_failure(struct screen *, const char *message,
		    const struct failure *);

#endif

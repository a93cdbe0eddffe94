/*
 * actions-int — what the files of ncaenroll's screen actions share: actions.c (the table,
 * the form's path, status and install), actions-keys.c (the end of an application:
 * installed, another password, given up with its keys removed) and actions-support.c
 * (where to turn for help). The helpers are defined in actions.c; each action returns where the screen goes next and reports through
 * screen.h. Strings returned point into the screen or the state: good until the next
 * enroll_* call. Nothing here is for another program.
 */
#ifndef NCA_ACTIONS_INT_H
#define NCA_ACTIONS_INT_H

#include "enroll/enroll.h"
#include "tui/actions.h"
#include "tui/tui.h"

struct tui	*actions_tui(struct screen *);
struct enroll	*actions_enroll(struct screen *);
/* A field's value, "" when the screen has none. */
const char	*actions_value(struct screen *, const char *field);
const char	*actions_or(const char *, const char *dflt);
/* The application worked on (tui->app_id) as last read, a value of it, or NULL. */
struct state_app *actions_app(struct screen *);
const char	*actions_get(struct screen *, const char *key);
/* 1 when the keys of the application worked on are on a token. */
int		 actions_on_token(struct screen *);
/* The token's PIN for one call, asked in a box after why; NULL: the person cancelled. */
struct secret	*actions_pin(struct screen *, const char *why);
/*
 * A refusal at its field when the screen has it (fields: NULL-terminated), else in a
 * box, ending with where to turn when the person cannot get past it alone. Frees err;
 * always ACTION_STAY.
 */
enum action_result actions_report(struct screen *, struct enroll_error *,
		    const char *const *fields);
/*
 * actions-support.c: where to turn for help. actions_hooks gives the engine the end of
 * every F1 help; actions_support_warm asks the service for the contact once it has
 * answered something else (so that it is at hand if the service fails later);
 * actions_support_failure is a failure's message, ended with the contact when the
 * person cannot get past it alone (malloc'd; NULL when out of memory).
 */
extern const struct tui_hooks actions_hooks;
void		 actions_support_warm(struct screen *);
char		*actions_support_failure(struct screen *, const char *message,
		    const struct enroll_error *);
/* A new application: tui->app_id forgotten, the button's target next. */
enum action_result actions_new(struct screen *);

/* actions-keys.c: rows of the tables in actions.c. */
enum action_result actions_abandon(struct screen *);
enum action_result actions_passwd(struct screen *);
int		 actions_enter_installed(struct screen *);
int		 actions_enter_passwd(struct screen *);
/*
 * Installed already: the screen saying where and when is set as the next (the caller
 * returns ACTION_GOTO), nothing asked; 1. 0 when the application is not installed.
 */
int		 actions_installed_go(struct screen *);
/*
 * A refused application's keys: where they still are, as a sentence naming the button
 * that removes them (malloc'd; NULL when none are left here); and that button's work for
 * tui->app_id, asked with "No" focused (0 removed and said, -1 declined or failed, said).
 */
char		*actions_keys_left(struct screen *, const char *id_or_number);
int		 actions_keys_remove_asked(struct screen *);

#endif

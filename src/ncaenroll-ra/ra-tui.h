/*
 * ra-tui — the registration desk's full-screen console: what the buttons of forms/ra/
 * do, on the form engine (src/tui), calling the desk's side of the wire (src/desk/ra.h)
 * and nothing else. ra_tui_run() is the one entry: the operator is already signed in
 * (the container opened before curses started) and the struct ra stays the caller's; it
 * returns tui_run's status (0, 1 with *cause, 2 a bad forms file). The rest is the
 * contract between its files: one context (struct ra_tui, the engine's tui->ctx, made
 * and freed by ra_tui_run); each ra-tui-SCREEN.c exports the actions of its screen and
 * what the screen shows as it opens, and ra-tui-actions.c keeps the tables the engine
 * finds them in (ra_tui_actions_program). Actions report through screen.h only: a
 * refusal at its field, anything else in a box; they return ACTION_STAY after reporting.
 */
#ifndef NCA_RA_TUI_H
#define NCA_RA_TUI_H

#include <jansson.h>

#include "common/reqnum.h"
#include "desk/ra.h"
#include "tui/screen.h"
#include "tui/tui.h"

struct ra_tui {
	struct ra	*ra;				/* signed in; the caller's */
	/* The queue's filter as the operator set it: NULL or "" for none. */
	char		*search, *region, *office;
	long		 max_age;			/* days; -1: any */
	int		 all;				/* every office (supervisors) */
	char		 at[REQNUM_LEN + 1];		/* the queue's row to keep the cursor on */
	char		 number[REQNUM_LEN + 1];	/* the application open, "" none */
	json_t		*app;				/* as the service last showed it */
	json_t		*reasons;			/* the service's reasons, once asked */
	json_t		*places;			/* regions, cities, offices, once asked */
	json_t		*me;				/* GET /ra/me, once asked */
	char		*iin;				/* whose certificates are listed */
	json_t		*certs;				/* theirs, as last read; NULL: read */
};

int		 ra_tui_run(struct ra *, const char *lang, char **cause);

/* ra-tui-actions.c: the console's actions and screens, as the engine runs them. */
extern const struct tui_program ra_tui_actions_program;

/* ---- shared by the screens (ra-tui.c) ---- */
struct ra_tui	*ra_tui_ctx(struct screen *);
/* A field's value, "" when the screen has none. */
const char	*ra_tui_value(struct screen *, const char *field);
/* Replaces an owned string; "" and NULL both leave NULL. 0, or -1 out of memory. */
int		 ra_tui_set(char **slot, const char *value);
/*
 * A failure in a box titled by its kind, or at the field named in map ("service field",
 * "screen field" pairs, NULL-terminated) when this screen has it. Frees err; ACTION_STAY.
 */
enum action_result ra_tui_fail(struct screen *, struct failure *, const char *const *map);
/* "NUMBER\nSURNAME GIVEN PATRONYMIC, IIN ..." for the screens about one application. */
void		 ra_tui_who(const json_t *app, char *buf, size_t size);
/* Reads rt->number into rt->app (the old answer dropped first); reports a failure. */
int		 ra_tui_app_load(struct screen *);

/* ---- the screens' actions and entries (one file each) ---- */
/* the queue (main): */
int		 ra_tui_queue_enter(struct screen *);
enum action_result ra_tui_open(struct screen *);
enum action_result ra_tui_refresh(struct screen *);
/* find and filter, the queue's two ways of narrowing: */
int		 ra_tui_filter_enter(struct screen *);
enum action_result ra_tui_find(struct screen *);
enum action_result ra_tui_find_clear(struct screen *);
enum action_result ra_tui_filter(struct screen *);
enum action_result ra_tui_filter_clear(struct screen *);
/* one application (app), its form (form) and its history (history): */
int		 ra_tui_app_enter(struct screen *);
int		 ra_tui_form_enter(struct screen *);
int		 ra_tui_history_enter(struct screen *);
/* the decision (approve, reject): */
enum action_result ra_tui_approve_open(struct screen *);
enum action_result ra_tui_reject_open(struct screen *);
int		 ra_tui_approve_enter(struct screen *);
int		 ra_tui_reject_enter(struct screen *);
enum action_result ra_tui_approve(struct screen *);
enum action_result ra_tui_reject(struct screen *);
/*
 * Every document the checklist requires is ticked (0); else -1, the names of those that
 * are not under the checklist with what to do instead (before an approval, or a
 * revocation when revoking), and the cursor on the first of them.
 */
int		 ra_tui_all_seen(struct screen *, const json_t *app, const char *ticked,
		    int revoking);
/* a person's certificates by IIN (certs), and the revocation of one application's: */
enum action_result ra_tui_certs_find(struct screen *);
int		 ra_tui_certs_enter(struct screen *);
enum action_result ra_tui_certs_open(struct screen *);
enum action_result ra_tui_revoke_open(struct screen *);
int		 ra_tui_revoke_enter(struct screen *);
enum action_result ra_tui_revoke(struct screen *);

#endif

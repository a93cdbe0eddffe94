/*
 * actions — what a screen's buttons and entry do, by name, as a table (actions.c): each
 * calls src/enroll and reports through screen.h (errors at their field, messages,
 * progress). formdef refuses a button whose action is not in the table. An action
 * returns where the screen goes next.
 */
#ifndef NCA_ACTIONS_H
#define NCA_ACTIONS_H

#include "tui/screen.h"

struct tui;

enum action_result {
	ACTION_STAY,	/* an error is shown; the person fixes it */
	ACTION_NEXT,	/* done: on to the next screen */
	ACTION_BACK,
	ACTION_QUIT,
	ACTION_GOTO,	/* the button's target */
};

struct action {
	const char		*name;
	enum action_result	(*run)(struct screen *);
};

const struct action	*action_find(const char *name);
/* Called as a screen opens: fills lists, restores saved values (never secrets). */
int			 actions_enter(struct screen *, const char *screen_id);
/* The screen the application opens on: "main", or "resume" when one is unfinished. */
const char		*actions_first_screen(struct tui *);

#endif

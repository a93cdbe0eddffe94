/*
 * actions — what a program's screens do: the three functions the form engine calls and
 * each program provides once, at link time (ncaenroll: src/tui/actions.c on src/enroll;
 * ncaenroll-ra: src/ra-tui/ on src/cli/ra.c; the engine's tests: a stub). A button's
 * action is found by name in the program's table (formdef refuses one that is not
 * there); it reports through screen.h (errors at their field, messages, progress) and
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
/*
 * Called as a screen opens: fills lists, restores saved values (never secrets); and again
 * after F2 on a screen where nothing is typed, so values written in words follow the
 * language.
 */
int			 actions_enter(struct screen *, const char *screen_id);
/* The screen the application opens on: "main", or "resume" when one is unfinished. */
const char		*actions_first_screen(struct tui *);

#endif

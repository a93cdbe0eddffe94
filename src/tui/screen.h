/*
 * screen — one formdef running on the terminal: it lays the widgets out in the 80x24 body
 * (title on the top line, key bar on the bottom), moves focus with Tab/Shift-Tab/arrows,
 * shows F1 help for the focused field, switches language on F2 (labels come from the
 * formdef, messages from gettext), and when a button is pressed calls its action
 * (tui-action.h, the program's row). Actions read and set values, put an error under a field (the cursor then
 * goes there; nothing typed elsewhere is lost), fill lists, and show messages/progress.
 */
#ifndef NCA_SCREEN_H
#define NCA_SCREEN_H

#include <jansson.h>

#include "tui/formdef.h"

struct tui;
struct screen;

enum screen_exit {
	SCREEN_NEXT,	/* an action succeeded: go to formdef->next (or the goto target) */
	SCREEN_BACK,	/* Esc or a back button */
	SCREEN_QUIT,	/* F10, Ctrl-C (asked first when something typed is not saved),
			 * SIGHUP: save nothing more, leave */
	SCREEN_GOTO,	/* a goto button: *target names the screen */
};

int		 screen_run(struct tui *, const struct formdef *, enum screen_exit *,
		     const char **target, char **cause);
/*
 * The same, and on the way out *values (if not NULL) gets a new JSON object of every
 * field's value by name, secrets (password fields) left out: for resume and the tools.
 */
int		 screen_run_values(struct tui *, const struct formdef *, enum screen_exit *,
		     const char **target, json_t **values, char **cause);

/* For actions, during screen_run: */
const char	*screen_value(struct screen *, const char *field);
/* 1 when the field is a ticked checkbox ("1", the checkbox's one way of saying it). */
int		 screen_ticked(struct screen *, const char *field);
int		 screen_set_value(struct screen *, const char *field, const char *value);
/* msg NULL clears; focus moves to the field. */
void		 screen_set_error(struct screen *, const char *field, const char *msg);
/*
 * The focus to the first button running this action: after a message that names the way
 * on ("press Search again"), so Enter takes it. 0, or -1 when the screen has none.
 */
int		 screen_focus_button(struct screen *, const char *action);
int		 screen_set_items(struct screen *, const char *field, json_t *items);
/* A modal box with an OK button, in the current language. */
void		 screen_message(struct screen *, const char *title, const char *text);
/*
 * A box that asks for a PIN or password: nothing echoed (a dot per character), OK or
 * Cancel. The typed text is wiped from the box; the caller owns the secret (NULL when
 * the person cancelled or quit). For a secret that only an action needs, at the moment
 * it runs (a token's PIN), so it never sits in a screen's fields.
 */
struct secret	*screen_ask_secret(struct screen *, const char *title, const char *text);
/* Yes/No box: 1 yes, 0 no. */
int		 screen_confirm(struct screen *, const char *title, const char *text);
/* The same with No focused, for what cannot be undone: Enter alone decides nothing. */
int		 screen_confirm_no(struct screen *, const char *title, const char *text);
/* A line of progress shown while long work runs (keys, network); "" clears. */
void		 screen_progress(struct screen *, const char *text);
/*
 * 1 when the person pressed Esc or F10 (or a signal came) since the last progress with
 * "" or the action began: long work checks it between steps and stops safely. Each
 * screen_progress call looks at the keyboard without waiting.
 */
int		 screen_cancelled(struct screen *);
struct tui	*screen_tui(struct screen *);
/*
 * Where this press goes when its action returns ACTION_GOTO, instead of the button's
 * target: for a next screen that depends on what was chosen (a folder for a PC, the
 * token for a token). -1 when no screen has that id.
 */
int		 screen_go(struct screen *, const char *screen_id);
/*
 * The same, as if the person had walked the form there from the screen from_id: Back
 * then leads through the screens whose `next` leads to it, as far as from_id (Continue,
 * opening where the person stopped). Where no such way is found, Back comes back here.
 */
int		 screen_go_from(struct screen *, const char *screen_id, const char *from_id);

#endif

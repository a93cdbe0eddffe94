/*
 * tui-action — what a button runs: a program's actions are rows of a table it hands the
 * engine (struct tui_program, tui.h), found by the name a button of forms/ gives
 * (formdef refuses a name no row has). The engine adds the three moves every program
 * has: goto (the button's target), back and quit. An action reports through screen.h
 * (errors at their field, messages, progress) and returns where the screen goes next.
 */
#ifndef NCA_TUI_ACTION_H
#define NCA_TUI_ACTION_H

struct screen;

enum action_result {
	ACTION_STAY,	/* an error is shown; the person fixes it */
	ACTION_NEXT,	/* done: on to the next screen */
	ACTION_BACK,
	ACTION_QUIT,
	ACTION_GOTO,	/* the button's target */
};

/* What a row says of its button besides its name: */
#define TUI_ACTION_LEAVES	0x1	/* leaves without taking the values: none need be
					 * valid (back, quit, goto) */
#define TUI_ACTION_F5		0x2	/* F5 presses it when no widget takes the key */

struct tui_action {
	const char		*name;		/* "*" takes any name (a test's program) */
	enum action_result	(*run)(struct screen *);
	int			 flags;		/* TUI_ACTION_* */
};

/*
 * The row for name: the engine's own (goto, back, quit) first, then the program's
 * (actions: ended by a row whose name is NULL; NULL for none). NULL when neither has it.
 */
const struct tui_action	*tui_action_find(const struct tui_action *actions, const char *name);

#endif

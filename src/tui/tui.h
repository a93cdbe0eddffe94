/*
 * tui — the form engine's full-screen program: its context (the program running, its own
 * core, the look: language and colours, the loaded screens); its entry point is
 * tui_run (tui-run.h). The engine knows
 * no program: a program hands it a struct tui_program (its actions, what its screens show
 * as they open, where it starts, what F1 adds), as tmux's commands are rows of
 * cmd_entry. The applicant (ncaenroll: forms/, src/ncaenroll/screens*.c calling
 * src/enroll) and the registration desk (ncaenroll-ra: forms/ra/, src/ncaenroll-ra/
 * calling src/desk) are two such programs; the engine's tests run a third.
 * ncursesw only; the engine never touches files, keys or HTTP itself (DESIGN.md).
 * One struct tui per process, owned by tui_run (tui-run.h), which runs the screens
 * (screen.h) on it; this layer knows no screen, only what they share.
 */
#ifndef NCA_TUI_H
#define NCA_TUI_H

#include <signal.h>

#include "tui/formdef.h"
#include "tui/tui-action.h"
#include "tui/tui-look.h"

#define TUI_MIN_COLS	80
#define TUI_MIN_ROWS	24

struct tui;
struct screen;

/* What a screen shows as it opens (lists filled, values restored): one row a screen. */
struct tui_enter {
	const char	*screen;	/* its id, the file's stem; NULL ends the table */
	int		(*enter)(struct screen *);	/* -1: it showed a failure itself */
};

/* A list a field's `source` names in forms/ (roles, regions...), filled as it opens. */
struct tui_source {
	const char	*name;		/* NULL ends the table */
	int		(*fill)(struct screen *, const char *field, const char *source);
};

/*
 * A program as the engine runs it. Only actions is required; a NULL member adds nothing.
 * The same hooks run again after F2 on a screen where nothing is typed, so values
 * written in words follow the language.
 */
struct tui_program {
	const char		*forms;		/* its screens: "forms" under the data folder */
	const struct tui_action	*actions;	/* ended by a NULL name (tui-action.h) */
	const struct tui_enter	*enters;	/* ended by a NULL screen */
	const struct tui_source	*sources;	/* ended by a NULL name */
	/*
	 * Every screen as it opens, after its lists are filled and before its row in
	 * enters (restoring what was saved).
	 */
	int			(*enter)(struct screen *, const char *screen_id);
	/* The screen it opens on when not main.yaml (an unfinished application). */
	const char		*(*first_screen)(struct tui *);
	/*
	 * Lines every F1 help box ends with, in the current language (the applicant's:
	 * where to turn for help). malloc'd; NULL or "" for none. It says nothing of its own
	 * failures: then there are no lines.
	 */
	char			*(*help_more)(struct tui *);
};

struct tui {
	const struct tui_program *program;	/* NULL: the engine's own moves only */
	void			*ctx;		/* the program's core, for its actions */
	struct tui_look		 look;		/* the language, colours: what widgets see */
	int			 rows, cols;
	struct formdef		*forms;		/* every forms/NAME.yaml, loaded at start */
	size_t			 nforms;
	volatile sig_atomic_t	*stop;		/* set by SIGHUP/SIGTERM: leave cleanly */
	const char		*go_from;	/* screen_go_from's way back, for the flow */
	struct tui_term		*term;		/* curses' screen and its terminal (tui.c) */
};

/* Attributes (colour pair or, in monochrome, bold/reverse/underline) for a role. */
int			 tui_attr(const struct tui *, enum tui_color);
const struct formdef	*tui_form(const struct tui *, const char *id);
/* A program's screens: $NCAENROLL_DATADIR/SUB, else DATADIR "/SUB" ("forms", "forms/ra"). */
const char		*tui_forms_dir(const char *sub);

/*
 * The pieces of tui_run (tui-run.h), for tools that show one form (tests/tools/tui-form.c):
 * loading every forms/NAME.yaml of a folder against tui->program's actions (a bad file,
 * an unknown action, goto target or `next`:
 * -1 with "file:line: reason"), starting curses on /dev/tty (else stdin/stdout) with the
 * signal handlers, colours and key timing, and ending it. tui_too_small() shows the
 * "terminal is smaller than 80x24" page until the terminal is large enough (0) or the
 * person quits (-1); it returns 0 at once when the size is fine.
 */
int			 tui_forms_load(struct tui *, const char *dir, char **cause);
void			 tui_forms_free(struct tui *);
int			 tui_start(struct tui *, char **cause);
void			 tui_end(struct tui *);
int			 tui_too_small(struct tui *);
/* F2: kk -> ru -> en -> kk; messages and labels follow. */
int			 tui_lang_next(struct tui *, char **cause);

#endif

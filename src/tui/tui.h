/*
 * tui — the form engine's full-screen program: its context (the program's own core, the
 * language, colours, the loaded screens, the application being worked on) and its entry
 * point. The engine is the same for the applicant (ncaenroll: screens in forms/, actions
 * in src/tui/actions.c calling src/enroll) and the registration desk (ncaenroll-ra:
 * forms/ra/, src/ra-tui/ calling src/cli/ra.c); each program links its own actions.h.
 * ncursesw only; the engine never touches files, keys or HTTP itself (DESIGN.md).
 * One struct tui per process, owned by tui_main.
 */
#ifndef NCA_TUI_H
#define NCA_TUI_H

#include <signal.h>

#include "enroll/enroll.h"
#include "tui/formdef.h"

#define TUI_MIN_COLS	80
#define TUI_MIN_ROWS	24

enum tui_color {
	TC_NORMAL, TC_TITLE, TC_TEXT, TC_LABEL, TC_FIELD, TC_FIELD_FOCUS, TC_BUTTON,
	TC_BUTTON_FOCUS, TC_ERROR, TC_OK, TC_HELP, TC_KEYBAR, TC_WARNING, TC__MAX
};

struct tui;

/*
 * What a program adds to the engine's own behaviour; a NULL member (or no hooks at all)
 * adds nothing, so the engine names no program.
 */
struct tui_hooks {
	/*
	 * Lines every F1 help box ends with, in the current language (the applicant's:
	 * where to turn for help). malloc'd; NULL or "" for none. It says nothing of its own
	 * failures: then there are no lines.
	 */
	char	*(*help_more)(struct tui *);
};

struct tui {
	void			*ctx;		/* the program's core: struct enroll, struct ra */
	const struct tui_hooks	*hooks;		/* the program's additions, or NULL */
	char			 lang[4];	/* "kk", "ru", "en" */
	int			 color;		/* 0: monochrome (NO_COLOR, vt100, linux...) */
	int			 rows, cols;
	struct formdef		*forms;		/* every forms/NAME.yaml, loaded at start */
	size_t			 nforms;
	char			 app_id[32];	/* a draft id or request number; "" for none */
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
 * The pieces of tui_main, for tools that show one form (tests/tools/tui-form.c):
 * loading every forms/NAME.yaml of a folder (a bad file, an unknown goto target or `next`:
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

/*
 * Runs a program on its screens (the folder `forms` names under the data folder), from
 * main.yaml or where actions_first_screen() says; ctx is what its actions get as
 * tui->ctx. An exit status: 0, 1 (a failure, in *cause), 2 (a bad forms file, or a
 * terminal it cannot draw on: tui-term.h).
 */
int			 tui_main(void *ctx, const char *forms, const char *lang, char **cause);
/* The same, with the program's hooks (NULL: none). */
int			 tui_main_hooks(void *ctx, const struct tui_hooks *, const char *forms,
			    const char *lang, char **cause);

#endif

/*
 * Its own file: <term.h> defines macros named like ordinary words (lines, columns,
 * buttons...) that must not reach the rest of the engine.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-term.h"

/* 1 if the loaded description can put the cursor anywhere: a screen can be drawn. */
static int
tui_term_addressable(void)
{
	const char	*cup = tigetstr("cup");

	/* hc: a printing terminal; gn: a generic type (dumb, unknown) that is no device. */
	return cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0 &&
	    tigetflag("gn") <= 0;
}

int
tui_term_check(char **cause)
{
	const char	*term = getenv("TERM");
	int		 err = 0, ok;

	if (term == NULL || *term == '\0') {
		cause_set(cause, "%s", _("TERM is not set, so the full-screen interface does not "
		    "know this terminal. Set TERM to the terminal's type (for example "
		    "TERM=xterm-256color, linux or screen), or use the commands for scripts "
		    "(see --help)."));
		return -1;
	}
	/* With &err, setupterm says what went wrong instead of printing and exiting. */
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		cause_set(cause, _("the terminal type TERM=%s is not known on this computer, so "
		    "the full-screen interface cannot be drawn. Set TERM to a known type (for "
		    "example xterm-256color, linux or screen), or use the commands for scripts "
		    "(see --help)."), term);
		return -1;
	}
	ok = tui_term_addressable();
	(void)del_curterm(cur_term);
	if (!ok) {
		cause_set(cause, _("the terminal TERM=%s cannot move the cursor, so the "
		    "full-screen interface cannot be drawn on it. Use a terminal such as xterm, "
		    "linux or screen (with TERM set to its type), or the commands for scripts "
		    "(see --help)."), term);
		return -1;
	}
	return 0;
}

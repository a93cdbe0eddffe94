/* tui-look — the colour roles' table and the choice of colour or monochrome. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui/tui-look.h"

static const struct {
	short	fg, bg;
	int	extra;		/* added in colour */
	int	mono;		/* the attribute without colour */
} tui_colors[] = {
	[TC_NORMAL] =		{ COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL },
	[TC_TITLE] =		{ COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD },
	[TC_TEXT] =		{ COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL },
	[TC_LABEL] =		{ COLOR_CYAN, COLOR_BLUE, A_BOLD, A_NORMAL },
	[TC_FIELD] =		{ COLOR_WHITE, COLOR_BLACK, 0, A_UNDERLINE },
	[TC_FIELD_FOCUS] =	{ COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_BUTTON] =		{ COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL },
	[TC_BUTTON_FOCUS] =	{ COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE },
	[TC_ERROR] =		{ COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD },
	[TC_OK] =		{ COLOR_GREEN, COLOR_BLUE, A_BOLD, A_NORMAL },
	[TC_HELP] =		{ COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL },
	[TC_KEYBAR] =		{ COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_WARNING] =		{ COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD },
	/* The terminal behind the screens: only the "too small" notice leaves it showing. */
	[TC_BARE] =		{ COLOR_WHITE, COLOR_BLACK, 0, A_NORMAL },
};
_Static_assert(sizeof tui_colors / sizeof tui_colors[0] == TC__MAX, "one row per colour role");

int
tui_look_attr(const struct tui_look *look, enum tui_color c)
{
	if (c >= TC__MAX)
		c = TC_NORMAL;
	if (look == NULL || !look->color)
		return tui_colors[c].mono;
	return (int)COLOR_PAIR(c + 1) | tui_colors[c].extra;
}

/* NO_COLOR (no-color.org), terminals known to be monochrome, or no colours at all. */
static int
tui_look_color_wanted(void)
{
	static const char *const mono_terms[] = { "vt100", "vt102", "vt220", "linux-m",
	    "dumb", NULL };
	const char	*nc = getenv("NO_COLOR"), *term = getenv("TERM");
	size_t		 i;

	if (nc != NULL && *nc != '\0')
		return 0;
	for (i = 0; term != NULL && mono_terms[i] != NULL; i++)
		if (strcmp(term, mono_terms[i]) == 0)
			return 0;
	return has_colors();
}

void
tui_look_colors(struct tui_look *look)
{
	size_t	i;

	look->color = tui_look_color_wanted();
	if (look->color && start_color() == ERR)
		look->color = 0;
	/*
	 * ncurses ends every update by putting the terminal back to pair 0. Left at its
	 * default, white on black, that is "all off, then white, then black" after every
	 * key typed (35 bytes a character over SSH, 25 with this); as the terminal's own
	 * colours it is the "all off" alone. Every role names its colours, so no cell
	 * changes; pair 0 shows nowhere (TC_BARE is what it was).
	 */
	if (look->color)
		(void)use_default_colors();
	for (i = 0; look->color && i < TC__MAX; i++)
		if (init_pair((short)(i + 1), tui_colors[i].fg, tui_colors[i].bg) == ERR)
			look->color = 0;
}

/*
 * tui-look — how the engine's screens look, and all a widget knows of the engine: the
 * colour roles (enum tui_color) and whether colours are on, and the language labels are
 * shown in. struct tui embeds one (tui.h) and each widget points at it, so the widgets
 * sit below the screen and the run loop and never reach back up to them.
 * tui_look_colors() decides colour once curses has started; tui_look_attr() is then safe
 * from any widget's draw.
 */
#ifndef NCA_TUI_LOOK_H
#define NCA_TUI_LOOK_H

enum tui_color {
	TC_NORMAL, TC_TITLE, TC_TEXT, TC_LABEL, TC_FIELD, TC_FIELD_FOCUS, TC_BUTTON,
	TC_BUTTON_FOCUS, TC_ERROR, TC_OK, TC_HELP, TC_KEYBAR, TC_WARNING, TC_BARE, TC__MAX
};

struct tui_look {
	int	color;		/* 0: monochrome (NO_COLOR, vt100, linux...) */
	char	lang[4];	/* "kk", "ru", "en": labels and list names follow it */
};

/* Attributes (colour pair or, in monochrome, bold/reverse/underline) for a role; a NULL
 * look is monochrome. */
int	tui_look_attr(const struct tui_look *, enum tui_color);
/* After curses starts: colour unless NO_COLOR, a monochrome terminal or no colours. */
void	tui_look_colors(struct tui_look *);

#endif

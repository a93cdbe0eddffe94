/*
 * tui-term — whether the terminal can carry a full-screen program, asked of terminfo
 * before curses starts (newterm on TERM=dumb succeeds and then draws nothing; an unknown
 * TERM fails with no word). Both programs call it before anything else is asked of the
 * person; tui_run calls it too. 0 when it can, -1 with a translated sentence in a
 * caller-freed *cause that says what to use instead. Writes nothing to the terminal.
 */
#ifndef NCA_TUI_TERM_H
#define NCA_TUI_TERM_H

int	tui_term_check(char **cause);

#endif

/*
 * tui-text — UTF-8 text measured and cut by terminal columns (wcwidth), not bytes: the
 * title, labels, paragraphs and messages in Kazakh and Russian are laid out with these.
 * Pure functions over the caller's strings, no allocation except tui_text_put's local
 * buffer; malformed bytes count as one column each so nothing is lost silently.
 */
#ifndef NCA_TUI_TEXT_H
#define NCA_TUI_TEXT_H

#include <stddef.h>

struct _win_st;

/* Display columns of the first len bytes of s. */
int	 tui_text_width(const char *s, size_t len);
/*
 * Word-wraps s into lines of at most width columns ('\n' forces a break). Calls line()
 * with each line's bytes; returns the number of lines (at least 1 for "").
 */
int	 tui_text_wrap(const char *s, int width,
	    void (*line)(void *arg, int n, const char *start, size_t len), void *arg);
/* Writes len bytes of s at (y, x), at most maxcols columns; the columns written. */
int	 tui_text_put(struct _win_st *, int y, int x, const char *s, size_t len, int maxcols);
/* Bytes of s that fit in cols columns (never splitting a character). */
size_t	 tui_text_fit(const char *s, size_t len, int cols);

#endif

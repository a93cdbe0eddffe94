/*
 * textwrap — UTF-8 text measured and broken into lines by display columns (utf8_cols), not
 * bytes, so that Kazakh and Russian wrap as English does: greedy by words, a word longer
 * than a line cut between two characters, '\n' a forced break. The screens (tui/tui-text.h)
 * and the commands' plain output both wrap with it. Malformed bytes count one column each,
 * so nothing is lost silently. No allocation but textwrap_print's copy.
 */
#ifndef NCA_TEXTWRAP_H
#define NCA_TEXTWRAP_H

#include <stddef.h>
#include <stdio.h>

/* Display columns of the first len bytes of s. */
int	textwrap_width(const char *s, size_t len);
/* Bytes of s that fit in cols columns (never splitting a character). */
size_t	textwrap_fit(const char *s, size_t len, int cols);
/*
 * Breaks s into lines, the first of at most first columns and the others of at most
 * width; calls line() with each one's bytes (NULL: only counted). The number of lines, at
 * least 1 for "".
 */
int	textwrap(const char *s, int first, int width,
	    void (*line)(void *arg, int n, const char *start, size_t len), void *arg);
/*
 * Prints s on fp from column col (where the cursor stands) so that no line goes past
 * column width, each further line starting at column indent, and ends the last line.
 * Made safe for a terminal first (utf8_sanitize): the words may come from outside.
 */
void	textwrap_print(FILE *fp, const char *s, int col, int indent, int width);

#endif

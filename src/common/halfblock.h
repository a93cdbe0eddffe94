/*
 * halfblock — a 1-bit picture as terminal text: each character cell shows two pixel rows
 * with " ", "▀" (U+2580), "▄" (U+2584) or "█" (U+2588), so a width x height picture takes
 * (height + 1) / 2 lines of width columns. bits: width * height bytes, row-major, nonzero =
 * ink. Pure functions into the caller's buffer; 0 or -1 (bad size, or buffer too small).
 */
#ifndef NCA_HALFBLOCK_H
#define NCA_HALFBLOCK_H

#include <stddef.h>

/* The UTF-8 string (a literal) for a cell with these top and bottom pixels. */
const char	*halfblock_cell(int top, int bottom);
/* Lines a picture takes, and bytes halfblock_draw needs for it (with the NUL). */
int		 halfblock_lines(int height);
size_t		 halfblock_size(int width, int height);
/* Line `line` (0-based) of the picture, without a newline, NUL-terminated. */
int		 halfblock_line(int width, int height, const unsigned char *bits, int line,
		    char *buf, size_t bufsz);
/* The whole picture, each line ended by '\n'. */
int		 halfblock_draw(int width, int height, const unsigned char *bits, char *buf,
		    size_t bufsz);

#endif

/*
 * halfblock — a 1-bit picture (the BIN check's picture code) as half-block characters, two
 * pixel rows per line, into the caller's buffer; no terminal or curses here.
 */
#include "config.h"

#include <string.h>

#include "common/halfblock.h"

/* Indexed by top * 2 + bottom. */
static const char *const halfblock_glyphs[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80",
    "\xe2\x96\x88" };

#define HALFBLOCK_CELL_MAX	3	/* bytes of the longest glyph */

const char *
halfblock_cell(int top, int bottom)
{
	return halfblock_glyphs[(top != 0) * 2 + (bottom != 0)];
}

int
halfblock_lines(int height)
{
	return height <= 0 ? 0 : height / 2 + height % 2;
}

size_t
halfblock_size(int width, int height)
{
	if (width <= 0 || height <= 0)
		return 1;
	return (size_t)halfblock_lines(height) * ((size_t)width * HALFBLOCK_CELL_MAX + 1) + 1;
}

int
halfblock_line(int width, int height, const unsigned char *bits, int line, char *buf,
    size_t bufsz)
{
	const unsigned char	*top, *bottom;
	const char		*cell;
	size_t			 used = 0, n;
	int			 x;

	if (width <= 0 || height <= 0 || line < 0 || line >= halfblock_lines(height) ||
	    bits == NULL || bufsz == 0)
		return -1;
	top = bits + (size_t)line * 2 * (size_t)width;
	/* An odd picture's last line has paper below. */
	bottom = line * 2 + 1 < height ? top + width : NULL;
	for (x = 0; x < width; x++) {
		cell = halfblock_cell(top[x], bottom != NULL ? bottom[x] : 0);
		n = strlen(cell);
		if (used + n >= bufsz)
			return -1;
		memcpy(buf + used, cell, n);
		used += n;
	}
	buf[used] = '\0';
	return 0;
}

int
halfblock_draw(int width, int height, const unsigned char *bits, char *buf, size_t bufsz)
{
	size_t	used = 0;
	int	line;

	if (bufsz == 0)
		return -1;
	buf[0] = '\0';
	for (line = 0; line < halfblock_lines(height); line++) {
		if (halfblock_line(width, height, bits, line, buf + used, bufsz - used) == -1)
			return -1;
		used += strlen(buf + used);
		if (used + 1 >= bufsz)
			return -1;
		buf[used++] = '\n';
		buf[used] = '\0';
	}
	return 0;
}

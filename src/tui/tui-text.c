/*
 * tui-text — text on the terminal by display columns: putting a line in a window, and
 * common/textwrap's width and word wrap under the names the screens use.
 */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "common/textwrap.h"
#include "common/utf8.h"
#include "tui/tui-text.h"

/* One character at s: its bytes (>= 1) and columns (malformed: 1 byte, 1 column). */
static int
tui_text_char(const char *s, size_t len, int *cols, wchar_t *wc)
{
	uint32_t	cp;
	int		n = utf8_decode(s, len, &cp), w;

	if (n < 0) {
		*cols = 1;
		*wc = L'?';
		return 1;
	}
	*wc = (wchar_t)cp;
	if (cp == '\t')
		w = 1;
	else
		w = utf8_cols(cp);
	*cols = w < 0 ? 0 : w;
	return n;
}

int
tui_text_width(const char *s, size_t len)
{
	return textwrap_width(s, len);
}

size_t
tui_text_fit(const char *s, size_t len, int cols)
{
	return textwrap_fit(s, len, cols);
}

int
tui_text_wrap(const char *s, int width,
    void (*line)(void *, int, const char *, size_t), void *arg)
{
	return textwrap(s, width, width, line, arg);
}

int
tui_text_put(WINDOW *win, int y, int x, const char *s, size_t len, int maxcols)
{
	wchar_t		buf[256];
	size_t		off = 0, nw = 0;
	int		used = 0, w, n;
	wchar_t		wc;

	if (wmove(win, y, x) == ERR)
		return 0;
	while (off < len && nw < sizeof buf / sizeof buf[0] - 1) {
		n = tui_text_char(s + off, len - off, &w, &wc);
		if (used + w > maxcols)
			break;
		if (wc == L'\t')
			wc = L' ';
		if (w > 0 || nw > 0)	/* a lone combining mark has nothing to sit on */
			buf[nw++] = wc;
		used += w;
		off += n;
	}
	buf[nw] = L'\0';
	(void)waddnwstr(win, buf, (int)nw);	/* ERR at the window's last cell is harmless */
	return used;
}

/*
 * tui-text — text on the terminal by display columns: width, word wrap and putting a
 * line in a window, for Kazakh and Russian as for English.
 */
#include "config.h"

#include <string.h>
#include <wchar.h>

#include <curses.h>

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
	size_t	off = 0;
	int	cols = 0, w;
	wchar_t	wc;

	while (off < len) {
		off += tui_text_char(s + off, len - off, &w, &wc);
		cols += w;
	}
	return cols;
}

size_t
tui_text_fit(const char *s, size_t len, int cols)
{
	size_t	off = 0;
	int	used = 0, w, n;
	wchar_t	wc;

	while (off < len) {
		n = tui_text_char(s + off, len - off, &w, &wc);
		if (used + w > cols)
			break;
		used += w;
		off += n;
	}
	return off;
}

/*
 * Breaks one paragraph (no '\n') into lines: greedy by words; a word longer than a line
 * is cut by columns.
 */
static int
tui_text_wrap_para(const char *s, size_t len, int width, int n,
    void (*line)(void *, int, const char *, size_t), void *arg)
{
	size_t	start = 0, end, brk, fit;
	int	first = n;

	if (len == 0) {
		if (line != NULL)
			line(arg, n, s, 0);
		return n + 1;
	}
	while (start < len) {
		while (start < len && s[start] == ' ')
			start++;
		if (start >= len)
			break;
		fit = tui_text_fit(s + start, len - start, width);
		if (start + fit >= len)
			end = len;
		else {
			/* The last space within the fit, else cut the word. */
			brk = 0;
			for (end = start + fit; end > start; end--)
				if (s[end] == ' ') {
					brk = end;
					break;
				}
			end = brk > start ? brk : start + (fit > 0 ? fit : 1);
		}
		if (line != NULL) {
			size_t	l = end - start;

			while (l > 0 && s[start + l - 1] == ' ')
				l--;
			line(arg, n, s + start, l);
		}
		n++;
		start = end;
	}
	if (n == first) {	/* spaces only: an empty line still */
		if (line != NULL)
			line(arg, n, s, 0);
		n++;
	}
	return n;
}

int
tui_text_wrap(const char *s, int width,
    void (*line)(void *, int, const char *, size_t), void *arg)
{
	const char	*nl;
	int		 n = 0;

	if (width < 1)
		width = 1;
	if (s == NULL)
		s = "";
	for (;;) {
		nl = strchr(s, '\n');
		n = tui_text_wrap_para(s, nl != NULL ? (size_t)(nl - s) : strlen(s), width, n,
		    line, arg);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return n;
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

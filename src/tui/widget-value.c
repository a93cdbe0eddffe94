/*
 * widget-value — type "value": a read-only line an action fills (the organization's name
 * the registry returned, the person's full name, a request number): the label, then the
 * value word-wrapped by display columns (a word wider than the line is cut between
 * letters, never inside one; "\n" starts a new line). Not focusable: it takes no keys.
 * Value: the text set by set_value, "" until then.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-list.h"

struct widget_value {
	char	*text;
	wchar_t	*wtext;
};

/* Where the line starting at s ends when it may take cols columns: sets *next to where
 * the following line starts. */
static const wchar_t *
widget_value_line(const wchar_t *s, int cols, const wchar_t **next)
{
	const wchar_t	*p, *brk = NULL;
	wchar_t		 one[2] = { L'\0', L'\0' };
	int		 used = 0;

	for (p = s; *p != L'\0' && *p != L'\n'; p++) {
		one[0] = *p;
		if (*p == L' ')
			brk = p;
		if (used + widget_list_width(one) > cols)
			break;
		used += widget_list_width(one);
	}
	if (*p == L'\0' || *p == L'\n') {
		*next = *p == L'\n' ? p + 1 : p;
		return p;
	}
	if (brk != NULL && brk > s) {
		*next = brk + 1;
		return brk;
	}
	/* One long word, or a letter wider than the line: at least one letter per line. */
	if (p == s)
		p++;
	*next = p;
	return p;
}

/* Lines the text takes at cols columns; draws them when win is not NULL. */
static int
widget_value_wrap(const wchar_t *s, int cols, WINDOW *win, int y, int x, int maxrows,
    int attr)
{
	const wchar_t	*end, *next;
	wchar_t		*line;
	int		 n = 0;

	if (cols <= 0)
		return 1;
	while (*s != L'\0') {
		end = widget_value_line(s, cols, &next);
		if (win != NULL && n < maxrows &&
		    (line = calloc((size_t)(end - s) + 1, sizeof *line)) != NULL) {
			wmemcpy(line, s, (size_t)(end - s));
			widget_list_put(win, y + n, x, cols, line, attr);
			free(line);
		}
		n++;
		s = next;
		while (*s == L' ')
			s++;
	}
	return n > 0 ? n : 1;
}

static int
widget_value_rows(struct widget *w, int width)
{
	struct widget_value	*wv = w->impl;
	int			 lw = w->label_w > 0 && w->label_w < width ? w->label_w : 0;
	int			 label = widget_label_rows(w), own;

	own = widget_value_wrap(wv->wtext, width - lw, NULL, 0, 0, 0, 0);
	return label > own ? label : own;
}

static int
widget_value_create(struct widget *w, char **cause)
{
	struct widget_value	*wv;

	if ((wv = calloc(1, sizeof *wv)) == NULL || (wv->text = strdup("")) == NULL ||
	    (wv->wtext = widget_list_wcs("")) == NULL) {
		if (wv != NULL)
			free(wv->text);
		free(wv);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	w->impl = wv;
	return 0;
}

static void
widget_value_destroy(struct widget *w)
{
	struct widget_value	*wv = w->impl;

	if (wv == NULL)
		return;
	free(wv->text);
	free(wv->wtext);
	free(wv);
	w->impl = NULL;
}

static void
widget_value_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_value	*wv = w->impl;
	int			 x, cols, n, attr = tui_look_attr(w->look, TC_TEXT);

	widget_draw_label(w, win, focused);
	cols = widget_list_area(w, &x);
	w->cury = w->curx = -1;
	n = widget_value_wrap(wv->wtext, cols, win, w->y, x, w->h, attr);
	if (*wv->wtext == L'\0')
		n = 0;
	for (; n < w->h; n++)
		widget_list_put(win, w->y + n, x, cols, L"", attr);
}

static enum widget_result
widget_value_key(struct widget *w, const struct uik_event *ev)
{
	(void)w;
	(void)ev;
	return WIDGET_IGNORED;
}

static const char *
widget_value_value(struct widget *w)
{
	struct widget_value	*wv = w->impl;

	return wv->text;
}

static int
widget_value_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_value	*wv = w->impl;
	char			*t;
	wchar_t			*wt;

	if ((t = strdup(v != NULL ? v : "")) == NULL || (wt = widget_list_wcs(t)) == NULL) {
		free(t);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	free(wv->text);
	free(wv->wtext);
	wv->text = t;
	wv->wtext = wt;
	return 0;
}

const struct widget_ops widget_value_ops = {
	.type = "value",
	.focusable = 0,
	.rows = widget_value_rows,
	.create = widget_value_create,
	.draw = widget_value_draw,
	.key = widget_value_key,
	.value = widget_value_value,
	.set_value = widget_value_set_value,
	.set_items = NULL,
	.destroy = widget_value_destroy,
};

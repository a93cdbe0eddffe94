/*
 * widget-bignum — type "bignum": a number a person must copy down without a mistake (the
 * 28-digit request number), drawn large. First the label and the number as text (what a
 * screen reader or a copy from the terminal gets), then the digits three rows tall in
 * box-drawing lines, in groups of four, as many groups a row as fit. Only the light box
 * lines are used: they are in the Linux console's font and in every terminal font, where
 * the heavy and half lines often are not. Read-only, not focusable; the value is the text
 * set by set_value, and characters other than digits show only in the text line.
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

#define BIGNUM_ROWS	3	/* a digit's height */
#define BIGNUM_COLS	3	/* a digit's width; one blank column follows it */
#define BIGNUM_GROUP	4	/* digits in a group; groups are three columns apart */
#define BIGNUM_GAP	3

/*
 * Each digit differs from every other in at least one row, so a digit half-seen (one row
 * lost to a bad font) is still not mistaken for another: tests/unit/test-widgets checks.
 */
static const wchar_t *const bignum_font[10][BIGNUM_ROWS] = {
	{ L"┌─┐", L"│ │", L"└─┘" },
	{ L"─┐ ", L" │ ", L"─┴─" },
	{ L"──┐", L"┌─┘", L"└──" },
	{ L"──┐", L"──┤", L"──┘" },
	{ L"│ │", L"└─┤", L"  │" },
	{ L"┌──", L"└─┐", L"──┘" },
	{ L"┌──", L"├─┐", L"└─┘" },
	{ L"──┐", L"  │", L"  │" },
	{ L"┌─┐", L"├─┤", L"└─┘" },
	{ L"┌─┐", L"└─┤", L"──┘" },
};

struct widget_bignum {
	char	*text;
	wchar_t	*wtext;
	char	 digits[64];
	size_t	 ndigits;
};

/* Columns a group of n digits takes. */
static int
widget_bignum_group_w(size_t n)
{
	return n == 0 ? 0 : (int)n * (BIGNUM_COLS + 1) - 1;
}

/* Groups that fit on a row of cols columns (at least one). */
static size_t
widget_bignum_per_row(int cols)
{
	int	w = widget_bignum_group_w(BIGNUM_GROUP) + BIGNUM_GAP;
	int	n = (cols + BIGNUM_GAP) / w;

	return n > 0 ? (size_t)n : 1;
}

/* Rows of large digits (each BIGNUM_ROWS tall, a blank row between them). */
static int
widget_bignum_lines(const struct widget_bignum *wb, int cols)
{
	size_t	groups = (wb->ndigits + BIGNUM_GROUP - 1) / BIGNUM_GROUP;
	size_t	per = widget_bignum_per_row(cols);

	return (int)((groups + per - 1) / per);
}

static int
widget_bignum_rows(struct widget *w, int width)
{
	struct widget_bignum	*wb = w->impl;
	int			 lines = widget_bignum_lines(wb, width - 4);

	/* The text line, a blank row, then each line of digits with a blank row after. */
	return 2 + lines * (BIGNUM_ROWS + 1);
}

static int
widget_bignum_create(struct widget *w, char **cause)
{
	struct widget_bignum	*wb;

	if ((wb = calloc(1, sizeof *wb)) == NULL || (wb->text = strdup("")) == NULL ||
	    (wb->wtext = widget_list_wcs("")) == NULL) {
		if (wb != NULL)
			free(wb->text);
		free(wb);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	w->impl = wb;
	return 0;
}

static void
widget_bignum_destroy(struct widget *w)
{
	struct widget_bignum	*wb = w->impl;

	if (wb == NULL)
		return;
	free(wb->text);
	free(wb->wtext);
	free(wb);
	w->impl = NULL;
}

static void
widget_bignum_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_bignum	*wb = w->impl;
	int			 x, cols, y, r, gx, attr = tui_look_attr(w->look, TC_TEXT);
	int			 big = tui_look_attr(w->look, TC_TITLE);
	size_t			 i, per, row;

	widget_draw_label(w, win, focused);
	cols = widget_list_area(w, &x);
	w->cury = w->curx = -1;
	widget_list_put(win, w->y, x, cols, wb->wtext, attr);
	for (y = w->y + 1; y < w->y + w->h; y++)
		widget_list_put(win, y, w->x, w->w, L"", attr);
	per = widget_bignum_per_row(w->w - 4);
	for (i = 0; i < wb->ndigits; i++) {
		size_t	group = i / BIGNUM_GROUP, in = i % BIGNUM_GROUP;
		int	d = wb->digits[i] - '0';

		row = group / per;
		gx = w->x + 2 + (int)(group % per) * (widget_bignum_group_w(BIGNUM_GROUP) +
		    BIGNUM_GAP) + (int)in * (BIGNUM_COLS + 1);
		y = w->y + 2 + (int)row * (BIGNUM_ROWS + 1);
		for (r = 0; r < BIGNUM_ROWS && y + r < w->y + w->h; r++)
			widget_list_put(win, y + r, gx, BIGNUM_COLS, bignum_font[d][r], big);
	}
}

static enum widget_result
widget_bignum_key(struct widget *w, const struct uik_event *ev)
{
	(void)w;
	(void)ev;
	return WIDGET_IGNORED;
}

static const char *
widget_bignum_value(struct widget *w)
{
	struct widget_bignum	*wb = w->impl;

	return wb->text;
}

static int
widget_bignum_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_bignum	*wb = w->impl;
	char			*t;
	wchar_t			*wt;
	const char		*p;

	if ((t = strdup(v != NULL ? v : "")) == NULL || (wt = widget_list_wcs(t)) == NULL) {
		free(t);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	free(wb->text);
	free(wb->wtext);
	wb->text = t;
	wb->wtext = wt;
	wb->ndigits = 0;
	for (p = t; *p != '\0' && wb->ndigits < sizeof wb->digits; p++)
		if (*p >= '0' && *p <= '9')
			wb->digits[wb->ndigits++] = *p;
	return 0;
}

const struct widget_ops widget_bignum_ops = {
	.type = "bignum",
	.focusable = 0,
	.rows = widget_bignum_rows,
	.create = widget_bignum_create,
	.draw = widget_bignum_draw,
	.key = widget_bignum_key,
	.value = widget_bignum_value,
	.set_value = widget_bignum_set_value,
	.set_items = NULL,
	.destroy = widget_bignum_destroy,
};

/*
 * widget-rows — type "rows": a table a person works down, one item a few lines of cells
 * under a header (the desk's queue: number, date, days left, role; then applicant and
 * organization). The header is the field's label, so its words live in forms/ in three
 * languages: cells separated by "|", lines by "\n". The screen sets the items with
 *   {"columns": [[34, 10, 5, 0], [2, 30, 0]],
 *    "items": [{"id": "...", "alert": true, "cells": [["...", ...], [...]]}]}
 * one list of widths per line (display columns, 0 = the rest of the line, one space
 * between cells); a cell is a string or {kk, ru, en}, shown in the current language (F2
 * redraws it). An item with "alert" is drawn in the error colour (bold in monochrome) so it
 * stands out; the screen should also mark it in a cell ("!") for those who see no colour.
 * Up/Down/PgUp/PgDn/Home/End move the cursor; Enter returns WIDGET_ACTIVATED (the screen
 * presses its first button). Value: the id under the cursor, "" when there is none;
 * set_value puts the cursor on an id (kept across a new set of items while it is there).
 * Up on the first item and Down on the last are IGNORED, so the screen moves the focus.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-list.h"

#define ROWS_HEIGHT	12	/* rows, the header's included, when the field sets none */
#define ROWS_LINES_MAX	4	/* lines an item may take */
#define ROWS_CELLS_MAX	8	/* cells a line may hold */

struct rows {
	json_t	*items;			/* the array set_items got (a reference) */
	int	 widths[ROWS_LINES_MAX][ROWS_CELLS_MAX];
	int	 ncells[ROWS_LINES_MAX];
	int	 nlines;		/* lines per item, 1 before any columns */
	size_t	 cur, top;		/* item indexes */
	int	 page;			/* items shown at the last draw */
	char	*want;			/* an id to put the cursor on, or NULL */
	char	*value;			/* the last value() answer */
};

static size_t
rows_count(const struct rows *r)
{
	return json_array_size(r->items);
}

static const char *
rows_id(const struct rows *r, size_t i)
{
	const char	*id = json_string_value(json_object_get(json_array_get(r->items, i), "id"));

	return id != NULL ? id : "";
}

/* A cell's words in the screen's language, falling back as the list does: ru, en, kk. */
static const char *
rows_text(const struct widget *w, const json_t *cell)
{
	static const char *const order[] = { "ru", "en", "kk" };
	const char	*s;
	size_t		 i;

	if (json_is_string(cell))
		return json_string_value(cell);
	if ((s = json_string_value(json_object_get(cell, w->look->lang))) != NULL)
		return s;
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if ((s = json_string_value(json_object_get(cell, order[i]))) != NULL)
			return s;
	return "";
}

/* Lines the header takes: the label's, split at "\n". */
static int
rows_header_lines(const struct widget *w)
{
	const char	*l = widget_label(w);
	int		 n = 1;

	if (*l == '\0')
		return 0;
	for (; *l != '\0'; l++)
		n += *l == '\n';
	return n;
}

static int
rows_height(const struct widget *w)
{
	return w->def->height > 0 ? w->def->height : ROWS_HEIGHT;
}

/* Items that fit under the header. */
static int
rows_page(const struct widget *w)
{
	const struct rows	*r = w->impl;
	int			 n = (rows_height(w) - rows_header_lines(w)) / r->nlines;

	return n > 0 ? n : 1;
}

static int
rows_rows(struct widget *w, int width)
{
	struct rows	*r = w->impl;
	int		 h = rows_header_lines(w) + rows_page(w) * r->nlines;

	(void)width;
	return h > rows_height(w) ? h : rows_height(w);
}

static int
rows_create(struct widget *w, char **cause)
{
	struct rows	*r;

	if ((r = calloc(1, sizeof *r)) == NULL || (r->items = json_array()) == NULL) {
		free(r);
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	r->nlines = 1;
	w->impl = r;
	return 0;
}

static void
rows_destroy(struct widget *w)
{
	struct rows	*r = w->impl;

	if (r == NULL)
		return;
	json_decref(r->items);
	free(r->want);
	free(r->value);
	free(r);
	w->impl = NULL;
}

/*
 * The width of cell c of a line with n cells in cols columns: its own, or the rest of
 * the line for 0 (and for the last one, so a line always ends at the edge).
 */
static int
rows_cell_width(const struct rows *r, int line, int c, int n, int used, int cols)
{
	int	cw = line < r->nlines && c < r->ncells[line] ? r->widths[line][c] : 0;

	if (line >= r->nlines || r->ncells[line] == 0)
		cw = (cols - (n - 1)) / (n > 0 ? n : 1);	/* no columns yet: even shares */
	if (cw <= 0 || c == n - 1 || used + cw > cols)
		cw = cols - used;
	return cw > 0 ? cw : 0;
}

/* One line of cells (a header line "a|b|c" or an item's array) across cols columns. */
static void
rows_draw_line(const struct widget *w, WINDOW *win, int y, int line, const char *header,
    const json_t *cells, int cols, int attr)
{
	const struct rows	*r = w->impl;
	const char		*p = header, *bar;
	char			*cell;
	int			 n, c, used = 0, cw;

	widget_list_put(win, y, w->x, cols, L"", attr);
	n = header != NULL ? 1 : (int)json_array_size(cells);
	for (bar = header; bar != NULL && (bar = strchr(bar, '|')) != NULL; bar++)
		n++;
	for (c = 0; c < n && used < cols; c++) {
		cw = rows_cell_width(r, line, c, n, used, cols);
		if (header != NULL) {
			bar = strchr(p, '|');
			if ((cell = strndup(p, bar != NULL ? (size_t)(bar - p) : strlen(p))) == NULL)
				return;
			widget_list_put_utf8(win, y, w->x + used, cw, cell, attr);
			free(cell);
			p = bar != NULL ? bar + 1 : p + strlen(p);
		} else
			widget_list_put_utf8(win, y, w->x + used, cw,
			    rows_text(w, json_array_get(cells, (size_t)c)), attr);
		used += cw + 1;
	}
}

static void
rows_draw_header(const struct widget *w, WINDOW *win, int cols, int focused)
{
	const char	*p = widget_label(w), *nl;
	char		*line;
	int		 n = 0, attr = tui_look_attr(w->look, TC_LABEL) | (focused ? A_BOLD : 0);

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if ((line = strndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p))) == NULL)
			return;
		rows_draw_line(w, win, w->y + n, n, line, NULL, cols, attr);
		free(line);
		n++;
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
}

/* Keeps the cursor's item on screen. */
static void
rows_scroll(struct rows *r)
{
	size_t	page = r->page > 0 ? (size_t)r->page : 1, n = rows_count(r);

	if (r->cur < r->top)
		r->top = r->cur;
	else if (r->cur >= r->top + page)
		r->top = r->cur - page + 1;
	if (n <= page)
		r->top = 0;
	else if (r->top > n - page)
		r->top = n - page;
}

static int
rows_item_attr(const struct widget *w, size_t i, int focused)
{
	const struct rows	*r = w->impl;

	if (i == r->cur)
		return tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD);
	if (json_is_true(json_object_get(json_array_get(r->items, i), "alert")))
		return tui_look_attr(w->look, TC_ERROR);
	return tui_look_attr(w->look, TC_NORMAL);
}

static void
rows_draw(struct widget *w, WINDOW *win, int focused)
{
	struct rows	*r = w->impl;
	const json_t	*cells;
	size_t		 i, n = rows_count(r);
	int		 cols = w->w - 1, hdr = rows_header_lines(w), k, l, y, attr;

	rows_draw_header(w, win, cols, focused);
	r->page = rows_page(w);
	rows_scroll(r);
	w->cury = w->curx = -1;
	for (k = 0; k < r->page; k++) {
		i = r->top + (size_t)k;
		attr = i < n ? rows_item_attr(w, i, focused) : tui_look_attr(w->look, TC_NORMAL);
		cells = json_object_get(json_array_get(r->items, i), "cells");
		for (l = 0; l < r->nlines; l++) {
			y = w->y + hdr + k * r->nlines + l;
			if (i >= n)
				widget_list_put(win, y, w->x, cols, L"", attr);
			else
				rows_draw_line(w, win, y, l, NULL, json_array_get(cells, (size_t)l),
				    cols, attr);
		}
	}
	/* The last column says that more items lie above or below. */
	for (y = w->y + hdr; y < w->y + w->h; y++)
		widget_list_put(win, y, w->x + cols, 1, y == w->y + hdr && r->top > 0 ?
		    L"\u2191" : y == w->y + hdr + r->page * r->nlines - 1 &&
		    r->top + (size_t)r->page < n ? L"\u2193" : L" ",
		    tui_look_attr(w->look, TC_NORMAL));
	if (focused && n > 0) {
		w->cury = w->y + hdr + (int)(r->cur - r->top) * r->nlines;
		w->curx = w->x;
	}
}

static enum widget_result
rows_key(struct widget *w, const struct uik_event *ev)
{
	struct rows	*r = w->impl;
	size_t		 n = rows_count(r), last = n > 0 ? n - 1 : 0;
	size_t		 page = r->page > 1 ? (size_t)r->page - 1 : 1;

	switch (ev->action) {
	case UIK_UP:
		if (r->cur == 0)
			return WIDGET_IGNORED;
		r->cur--;
		break;
	case UIK_DOWN:
		if (r->cur >= last)
			return WIDGET_IGNORED;
		r->cur++;
		break;
	case UIK_PGUP:
		r->cur = r->cur > page ? r->cur - page : 0;
		break;
	case UIK_PGDN:
		r->cur = r->cur + page < last ? r->cur + page : last;
		break;
	case UIK_HOME:
		r->cur = 0;
		break;
	case UIK_END:
		r->cur = last;
		break;
	case UIK_ACTIVATE:
		return n > 0 ? WIDGET_ACTIVATED : WIDGET_CONSUMED;
	default:
		return WIDGET_IGNORED;
	}
	rows_scroll(r);
	return WIDGET_CONSUMED;
}

static const char *
rows_value(struct widget *w)
{
	struct rows	*r = w->impl;
	char		*v;

	if ((v = strdup(rows_count(r) > 0 ? rows_id(r, r->cur) : "")) == NULL)
		return "";
	free(r->value);
	r->value = v;
	return v;
}

/* The cursor onto r->want if an item has that id: 0, else -1. */
static int
rows_point(struct rows *r)
{
	size_t	i;

	for (i = 0; r->want != NULL && i < rows_count(r); i++)
		if (strcmp(rows_id(r, i), r->want) == 0) {
			r->cur = i;
			return 0;
		}
	return -1;
}

/* Before any items, the id waits for them; among items that lack it, nothing moves. */
static int
rows_set_value(struct widget *w, const char *v, char **cause)
{
	struct rows	*r = w->impl;

	free(r->want);
	r->want = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	if ((r->want = strdup(v)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	if (rows_point(r) == 0 || rows_count(r) > 0) {
		free(r->want);
		r->want = NULL;
	}
	return 0;
}

/* The widths of "columns" into r, all or nothing; -1 when they are not lists of numbers. */
static int
rows_columns(struct rows *r, const json_t *columns, char **cause)
{
	int		 widths[ROWS_LINES_MAX][ROWS_CELLS_MAX], ncells[ROWS_LINES_MAX];
	const json_t	*line, *wd;
	size_t		 l, c;

	memset(widths, 0, sizeof widths);
	memset(ncells, 0, sizeof ncells);
	if (columns != NULL && (!json_is_array(columns) ||
	    json_array_size(columns) > ROWS_LINES_MAX))
		goto bad;
	json_array_foreach(columns, l, line) {
		if (!json_is_array(line) || json_array_size(line) > ROWS_CELLS_MAX)
			goto bad;
		json_array_foreach(line, c, wd) {
			if (!json_is_integer(wd) || json_integer_value(wd) < 0 ||
			    json_integer_value(wd) > 1000)
				goto bad;
			widths[l][c] = (int)json_integer_value(wd);
		}
		ncells[l] = (int)json_array_size(line);
	}
	memcpy(r->widths, widths, sizeof widths);
	memcpy(r->ncells, ncells, sizeof ncells);
	r->nlines = json_array_size(columns) > 0 ? (int)json_array_size(columns) : 1;
	return 0;
bad:
	cause_set(cause, "%s", _("the rows' columns are not lists of widths"));
	return -1;
}

static int
rows_set_items(struct widget *w, json_t *set, char **cause)
{
	struct rows	*r = w->impl;
	json_t		*items = json_is_array(set) ? set : json_object_get(set, "items");
	char		*keep;

	if (!json_is_array(items)) {
		cause_set(cause, "%s", _("list items are not an array"));
		return -1;
	}
	if (rows_columns(r, json_is_object(set) ? json_object_get(set, "columns") : NULL,
	    cause) == -1)
		return -1;
	/* The cursor stays on the item it was on, if it is still there (a refresh). */
	if (r->want == NULL && rows_count(r) > 0 && (keep = strdup(rows_id(r, r->cur))) != NULL)
		r->want = keep;
	json_decref(r->items);
	r->items = json_incref(items);
	r->cur = r->top = 0;
	(void)rows_point(r);
	free(r->want);
	r->want = NULL;
	return 0;
}

const struct widget_ops widget_rows_ops = {
	.type = "rows",
	.focusable = 1,
	.wide = 1,
	.rows = rows_rows,
	.create = rows_create,
	.draw = rows_draw,
	.key = rows_key,
	.value = rows_value,
	.set_value = rows_set_value,
	.set_items = rows_set_items,
	.destroy = rows_destroy,
};

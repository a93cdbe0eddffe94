/*
 * widget-search — type "search": a list with a filter line above it. Typing (letters of
 * any script: Kazakh ә ғ қ ң ө ұ ү һ і, Russian, Latin, digits, spaces) narrows the list to
 * the items whose name in the current language, or whose id, contains the filter ignoring
 * case (towlower; the program runs under a UTF-8 locale); Backspace removes the last
 * letter; Up/Down/PgUp/PgDn/Home/End move among the matches; Enter chooses the one under
 * the cursor (WIDGET_ACTIVATED). Value: the chosen id, "" until one is chosen. It owns a
 * list widget (widget-list.c) for the items and the drawing.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-list.h"

#define WIDGET_SEARCH_MAX	64	/* letters in the filter */
#define WIDGET_SEARCH_ROWS	7	/* list rows when the field sets no height */

struct widget_search {
	struct formdef_field	 def;		/* the inner list's: no label */
	struct widget		 list;
	wchar_t			 filter[WIDGET_SEARCH_MAX + 1];
	size_t			 len;
};

static int
widget_search_list_rows(const struct widget *w)
{
	return w->def != NULL && w->def->height > 0 ? w->def->height : WIDGET_SEARCH_ROWS;
}

static int
widget_search_rows(struct widget *w, int width)
{
	int	label = widget_label_rows(w), own = 1 + widget_search_list_rows(w);

	(void)width;
	return label > own ? label : own;
}

static int
widget_search_create(struct widget *w, char **cause)
{
	struct widget_search	*ws;

	if ((ws = calloc(1, sizeof *ws)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	ws->def.height = widget_search_list_rows(w);
	ws->list.ops = &widget_list_ops;
	ws->list.def = &ws->def;
	ws->list.look = w->look;
	if (ws->list.ops->create(&ws->list, cause) == -1) {
		free(ws);
		return -1;
	}
	w->impl = ws;
	return 0;
}

static void
widget_search_destroy(struct widget *w)
{
	struct widget_search	*ws = w->impl;

	if (ws == NULL)
		return;
	ws->list.ops->destroy(&ws->list);
	free(ws);
	w->impl = NULL;
}

static void
widget_search_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_search	*ws = w->impl;
	const wchar_t		*shown = ws->filter;
	int			 x, cols, attr;

	widget_draw_label(w, win, focused);
	cols = widget_list_area(w, &x);
	/* The filter line: "> " and what was typed, its end in view when it is long. */
	attr = tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD);
	widget_list_put(win, w->y, x, 2, L"> ", tui_look_attr(w->look, TC_LABEL));
	while (*shown != L'\0' && widget_list_width(shown) > cols - 3)
		shown++;
	widget_list_put(win, w->y, x + 2, cols - 2, shown, attr);
	ws->list.y = w->y + 1;
	ws->list.x = x;
	ws->list.h = w->h - 1;
	ws->list.w = cols;
	ws->list.ops->draw(&ws->list, win, focused);
	w->cury = w->curx = -1;
	if (focused) {
		w->cury = w->y;
		w->curx = x + 2 + widget_list_width(shown);
	}
}

static enum widget_result
widget_search_key(struct widget *w, const struct uik_event *ev)
{
	struct widget_search	*ws = w->impl;

	switch (ev->action) {
	case UIK_CHAR:
	case UIK_TOGGLE:
		if (ev->ch == WEOF || !iswprint(ev->ch))
			return WIDGET_CONSUMED;
		if (ws->len == WIDGET_SEARCH_MAX)
			return widget_full(w, WIDGET_SEARCH_MAX);
		ws->filter[ws->len++] = (wchar_t)ev->ch;
		ws->filter[ws->len] = L'\0';
		break;
	case UIK_BACKSPACE:
		if (ws->len == 0)
			return WIDGET_CONSUMED;
		ws->filter[--ws->len] = L'\0';
		break;
	case UIK_LEFT:
	case UIK_RIGHT:
	case UIK_DELETE:
		return WIDGET_CONSUMED;
	default:
		return ws->list.ops->key(&ws->list, ev);
	}
	(void)widget_list_set_filter(&ws->list, ws->filter);
	return WIDGET_CONSUMED;
}

static const char *
widget_search_value(struct widget *w)
{
	struct widget_search	*ws = w->impl;

	return ws->list.ops->value(&ws->list);
}

static int
widget_search_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_search	*ws = w->impl;

	/* A restored choice shows among all the items, not behind an old filter. */
	ws->len = 0;
	ws->filter[0] = L'\0';
	(void)widget_list_set_filter(&ws->list, NULL);
	return ws->list.ops->set_value(&ws->list, v, cause);
}

static int
widget_search_set_items(struct widget *w, json_t *items, char **cause)
{
	struct widget_search	*ws = w->impl;

	/* The list keeps the filter typed so far. */
	return ws->list.ops->set_items(&ws->list, items, cause);
}

const struct widget_ops widget_search_ops = {
	.type = "search",
	.focusable = 1,
	.rows = widget_search_rows,
	.create = widget_search_create,
	.draw = widget_search_draw,
	.key = widget_search_key,
	.value = widget_search_value,
	.set_value = widget_search_set_value,
	.set_items = widget_search_set_items,
	.destroy = widget_search_destroy,
};

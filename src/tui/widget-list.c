/*
 * widget-list — type "list": a scrolling list of items the screen sets (JSON array of
 * {id, name:{kk,ru,en}} or {code}), each shown in the current language (falling back to
 * ru, then en, then kk, then the id). Up/Down/PgUp/PgDn/Home/End move, a letter jumps to
 * the next item starting with it, Space chooses, Enter chooses and returns
 * WIDGET_ACTIVATED. Value: the chosen id (or code), "" until one is chosen. Up on the
 * first row and Down on the last are IGNORED so the screen can move focus.
 * Drawn by hand, not with libmenuw: a menu needs its own derived window per widget,
 * rebuilding its item array on every filter change (search), and cuts long names by its
 * own rules; here a name is cut at a letter boundary by display columns with "…", and the
 * filter is a plain index array. Also the column-aware writers of widget-list.h.
 */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-list.h"

#define WIDGET_LIST_ROWS	8	/* visible items when the field sets no height */

enum { WL_KK, WL_RU, WL_EN, WL__MAX };
static const char *const widget_list_langs[WL__MAX] = { "kk", "ru", "en" };
/* The order names are tried in after the person's language. */
static const int widget_list_fallback[WL__MAX] = { WL_RU, WL_EN, WL_KK };

struct widget_list_item {
	char	*id;
	wchar_t	*wid;
	wchar_t	*name[WL__MAX];		/* NULL where the directory has none */
};

struct widget_list {
	struct widget_list_item	*items;
	size_t			 n;
	size_t			*shown;		/* indexes into items, filtered */
	size_t			 nshown;
	size_t			 cur, top;	/* positions in shown */
	int			 page;		/* item rows at the last draw */
	int			 lang;		/* the language shown is filtered on */
	char			*chosen;	/* the value: "" or an id */
	wchar_t			*filter;	/* lower case, or NULL */
};

/* ---- text helpers (widget-list.h) ---- */

wchar_t *
widget_list_wcs(const char *s)
{
	size_t		 len = strlen(s), i = 0, n = 0;
	wchar_t		*w;
	uint32_t	 cp;
	int		 used;

	if ((w = calloc(len + 1, sizeof *w)) == NULL)
		return NULL;
	while (i < len) {
		if ((used = utf8_decode(s + i, len - i, &cp)) <= 0) {
			cp = 0xfffd;
			used = 1;
		}
		w[n++] = (wchar_t)cp;
		i += (size_t)used;
	}
	w[n] = L'\0';
	return w;
}

/* What a character takes on screen; control and unknown characters are drawn as "?". */
static int
widget_list_cw(wchar_t c, wchar_t *shown)
{
	int	cw = utf8_cols((uint32_t)c);

	*shown = c;
	if (cw < 0 || (cw == 0 && !iswprint(c) && c != L'\u200d')) {
		*shown = L'?';
		cw = 1;
	}
	return cw;
}

int
widget_list_width(const wchar_t *s)
{
	wchar_t	c;
	int	n = 0;

	for (; *s != L'\0'; s++)
		n += widget_list_cw(*s, &c);
	return n;
}

void
widget_list_put(WINDOW *win, int y, int x, int cols, const wchar_t *s, int attr)
{
	wchar_t	c;
	int	used = 0, cw, cut;

	if (cols <= 0)
		return;
	cut = widget_list_width(s) > cols;
	(void)wattrset(win, attr);
	if (wmove(win, y, x) == ERR)
		return;
	for (; *s != L'\0'; s++) {
		cw = widget_list_cw(*s, &c);
		if (used + cw > cols - cut)
			break;
		if (waddnwstr(win, &c, 1) == ERR)
			break;
		used += cw;
	}
	if (cut && used < cols && waddnwstr(win, L"\u2026", 1) != ERR)
		used++;
	for (; used < cols; used++)
		if (waddch(win, ' ') == ERR)
			break;
	(void)wattrset(win, A_NORMAL);
}

void
widget_list_put_utf8(WINDOW *win, int y, int x, int cols, const char *s, int attr)
{
	wchar_t	*w;

	if ((w = widget_list_wcs(s != NULL ? s : "")) == NULL)
		return;
	widget_list_put(win, y, x, cols, w, attr);
	free(w);
}

int
widget_list_area(const struct widget *w, int *x)
{
	int	lw = w->label_w > 0 && w->label_w < w->w ? w->label_w : 0;

	*x = w->x + lw;
	return w->w - lw > 0 ? w->w - lw : 1;
}

/* ---- items ---- */

static int
widget_list_lang(const struct widget *w)
{
	int	i;

	for (i = 0; i < WL__MAX; i++)
		if (strcmp(w->look->lang, widget_list_langs[i]) == 0)
			return i;
	return WL_EN;
}

static const wchar_t *
widget_list_name(const struct widget *w, const struct widget_list_item *it)
{
	int	i, l = widget_list_lang(w);

	if (it->name[l] != NULL)
		return it->name[l];
	for (i = 0; i < WL__MAX; i++)
		if (it->name[widget_list_fallback[i]] != NULL)
			return it->name[widget_list_fallback[i]];
	return it->wid;
}

static void
widget_list_items_free(struct widget_list_item *items, size_t n)
{
	size_t	i;
	int	l;

	for (i = 0; i < n; i++) {
		free(items[i].id);
		free(items[i].wid);
		for (l = 0; l < WL__MAX; l++)
			free(items[i].name[l]);
	}
	free(items);
}

/* One JSON entry into it; -1 with a cause. */
static int
widget_list_item_load(json_t *j, size_t i, struct widget_list_item *it, char **cause)
{
	json_t		*id, *name, *s;
	int		 l;

	id = json_object_get(j, "id");
	if (!json_is_string(id))
		id = json_object_get(j, "code");
	if (!json_is_string(id) || *json_string_value(id) == '\0') {
		cause_set(cause, _("list item %zu has no id or code"), i + 1);
		return -1;
	}
	if ((it->id = strdup(json_string_value(id))) == NULL ||
	    (it->wid = widget_list_wcs(it->id)) == NULL)
		goto oom;
	name = json_object_get(j, "name");
	for (l = 0; l < WL__MAX; l++) {
		s = json_is_string(name) ? name : json_object_get(name, widget_list_langs[l]);
		if (json_is_string(s) && *json_string_value(s) != '\0' &&
		    (it->name[l] = widget_list_wcs(json_string_value(s))) == NULL)
			goto oom;
	}
	return 0;
oom:
	cause_set(cause, _("out of memory"));
	return -1;
}

static int
widget_list_contains(const wchar_t *hay, const wchar_t *needle)
{
	size_t	i, j;

	for (i = 0; hay[i] != L'\0'; i++) {
		for (j = 0; needle[j] != L'\0'; j++)
			if (hay[i + j] == L'\0' ||
			    (wchar_t)towlower((wint_t)hay[i + j]) != needle[j])
				break;
		if (needle[j] == L'\0')
			return 1;
	}
	return needle[0] == L'\0';
}

static void
widget_list_refilter(struct widget *w)
{
	struct widget_list	*wl = w->impl;
	const wchar_t		*f = wl->filter != NULL ? wl->filter : L"";
	size_t			 i;

	wl->lang = widget_list_lang(w);
	wl->nshown = 0;
	for (i = 0; i < wl->n; i++)
		if (widget_list_contains(widget_list_name(w, &wl->items[i]), f) ||
		    widget_list_contains(wl->items[i].wid, f))
			wl->shown[wl->nshown++] = i;
	wl->cur = wl->top = 0;
}

/* After F2 the names are another language's: filter them again, the cursor staying on
 * the item it was on if that still matches. */
static void
widget_list_sync(struct widget *w)
{
	struct widget_list	*wl = w->impl;
	char			*id = NULL;

	if (wl->lang == widget_list_lang(w))
		return;
	if (wl->nshown > 0)
		id = strdup(wl->items[wl->shown[wl->cur]].id);
	widget_list_refilter(w);
	if (id != NULL)
		(void)widget_list_point(w, id);
	free(id);
}

size_t
widget_list_set_filter(struct widget *w, const wchar_t *filter)
{
	struct widget_list	*wl = w->impl;
	wchar_t			*f = NULL;
	size_t			 i;

	if (filter != NULL && *filter != L'\0') {
		if ((f = wcsdup(filter)) == NULL)
			return wl->nshown;	/* keep the old filter rather than lie */
		for (i = 0; f[i] != L'\0'; i++)
			f[i] = (wchar_t)towlower((wint_t)f[i]);
	}
	free(wl->filter);
	wl->filter = f;
	widget_list_refilter(w);
	return wl->nshown;
}

const char *
widget_list_current(struct widget *w)
{
	struct widget_list	*wl = w->impl;

	widget_list_sync(w);
	if (wl->nshown == 0)
		return NULL;
	return wl->items[wl->shown[wl->cur]].id;
}

int
widget_list_point(struct widget *w, const char *id)
{
	struct widget_list	*wl = w->impl;
	size_t			 i;

	for (i = 0; i < wl->nshown; i++)
		if (strcmp(wl->items[wl->shown[i]].id, id) == 0) {
			wl->cur = i;
			return 0;
		}
	return -1;
}

/* ---- the ops ---- */

static int
widget_list_rows(struct widget *w, int width)
{
	int	items = w->def != NULL && w->def->height > 0 ? w->def->height : WIDGET_LIST_ROWS;
	int	label = widget_label_rows(w);

	(void)width;
	return label > items ? label : items;
}

static int
widget_list_create(struct widget *w, char **cause)
{
	struct widget_list	*wl;

	if ((wl = calloc(1, sizeof *wl)) == NULL || (wl->chosen = strdup("")) == NULL) {
		free(wl);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	wl->page = w->def != NULL && w->def->height > 0 ? w->def->height : WIDGET_LIST_ROWS;
	w->impl = wl;
	return 0;
}

static void
widget_list_destroy(struct widget *w)
{
	struct widget_list	*wl = w->impl;

	if (wl == NULL)
		return;
	widget_list_items_free(wl->items, wl->n);
	free(wl->shown);
	free(wl->chosen);
	free(wl->filter);
	free(wl);
	w->impl = NULL;
}

/* Keeps the cursor row on screen. */
static void
widget_list_scroll(struct widget_list *wl)
{
	size_t	page = wl->page > 0 ? (size_t)wl->page : 1;

	if (wl->cur < wl->top)
		wl->top = wl->cur;
	else if (wl->cur >= wl->top + page)
		wl->top = wl->cur - page + 1;
	if (wl->nshown <= page)
		wl->top = 0;
	else if (wl->top > wl->nshown - page)
		wl->top = wl->nshown - page;
}

static void
widget_list_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_list	*wl = w->impl;
	const wchar_t		*mark;
	size_t			 i;
	int			 r, y = w->y, x, cols, rows = w->h, attr, more;

	widget_list_sync(w);
	widget_draw_label(w, win, focused);
	cols = widget_list_area(w, &x);
	w->cury = w->curx = -1;
	wl->page = rows > 0 ? rows : 1;
	widget_list_scroll(wl);
	for (r = 0; r < rows; r++) {
		i = wl->top + (size_t)r;
		if (i >= wl->nshown) {
			widget_list_put(win, y + r, x, cols, L"",
			    tui_look_attr(w->look, TC_NORMAL));
			continue;
		}
		if (i == wl->cur)
			attr = tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD);
		else
			attr = tui_look_attr(w->look, TC_NORMAL);
		mark = strcmp(wl->items[wl->shown[i]].id, wl->chosen) == 0 ? L"*" : L" ";
		widget_list_put(win, y + r, x, 1, mark, attr);
		/* The last column shows that more items lie above or below. */
		more = (r == 0 && wl->top > 0) || (r == rows - 1 && i + 1 < wl->nshown);
		widget_list_put(win, y + r, x + 1, cols - 2,
		    widget_list_name(w, &wl->items[wl->shown[i]]), attr);
		widget_list_put(win, y + r, x + cols - 1, 1,
		    !more ? L" " : r == 0 ? L"\u2191" : L"\u2193", attr);
	}
	if (focused && wl->nshown > 0) {
		w->cury = y + (int)(wl->cur - wl->top);
		w->curx = x;
	}
}

static enum widget_result
widget_list_choose(struct widget *w, enum widget_result res)
{
	struct widget_list	*wl = w->impl;
	char			*id;

	if (wl->nshown == 0)
		return WIDGET_CONSUMED;
	if ((id = strdup(wl->items[wl->shown[wl->cur]].id)) == NULL)
		return WIDGET_CONSUMED;
	free(wl->chosen);
	wl->chosen = id;
	return res;
}

/* The next item after the cursor whose name starts with ch, wrapping round. */
static enum widget_result
widget_list_jump(struct widget *w, wint_t ch)
{
	struct widget_list	*wl = w->impl;
	size_t			 k, i;
	wint_t			 lc = towlower(ch);

	for (k = 1; k <= wl->nshown; k++) {
		i = (wl->cur + k) % wl->nshown;
		if (towlower((wint_t)widget_list_name(w, &wl->items[wl->shown[i]])[0]) == lc) {
			wl->cur = i;
			return WIDGET_CONSUMED;
		}
	}
	return WIDGET_CONSUMED;
}

static enum widget_result
widget_list_key(struct widget *w, const struct uik_event *ev)
{
	struct widget_list	*wl = w->impl;
	size_t			 page = wl->page > 1 ? (size_t)wl->page - 1 : 1;
	size_t			 last;

	widget_list_sync(w);
	last = wl->nshown > 0 ? wl->nshown - 1 : 0;
	switch (ev->action) {
	case UIK_UP:
		if (wl->cur == 0)
			return WIDGET_IGNORED;
		wl->cur--;
		break;
	case UIK_DOWN:
		if (wl->cur >= last)
			return WIDGET_IGNORED;
		wl->cur++;
		break;
	case UIK_PGUP:
		wl->cur = wl->cur > page ? wl->cur - page : 0;
		break;
	case UIK_PGDN:
		wl->cur = wl->cur + page < last ? wl->cur + page : last;
		break;
	case UIK_HOME:
		wl->cur = 0;
		break;
	case UIK_END:
		wl->cur = last;
		break;
	case UIK_TOGGLE:
		return widget_list_choose(w, WIDGET_CHANGED);
	case UIK_ACTIVATE:
		return widget_list_choose(w, WIDGET_ACTIVATED);
	case UIK_CHAR:
		if (wl->nshown == 0)
			return WIDGET_CONSUMED;
		return widget_list_jump(w, ev->ch);
	default:
		return WIDGET_IGNORED;
	}
	widget_list_scroll(wl);
	return WIDGET_CONSUMED;
}

static const char *
widget_list_value(struct widget *w)
{
	struct widget_list	*wl = w->impl;

	return wl->chosen;
}

static int
widget_list_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_list	*wl = w->impl;
	char			*id;
	size_t			 i;

	if (v == NULL)
		v = "";
	for (i = 0; i < wl->n; i++)
		if (strcmp(wl->items[i].id, v) == 0)
			break;
	/* Before the items arrive (a restored value), the value waits for them. */
	if (*v != '\0' && wl->n > 0 && i == wl->n) {
		cause_set(cause, _("\"%s\" is not in the list"), v);
		return -1;
	}
	if ((id = strdup(v)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	free(wl->chosen);
	wl->chosen = id;
	(void)widget_list_point(w, id);
	return 0;
}

static int
widget_list_set_items(struct widget *w, json_t *arr, char **cause)
{
	struct widget_list	*wl = w->impl;
	struct widget_list_item	*items = NULL;
	size_t			*shown = NULL, n, i;

	if (!json_is_array(arr)) {
		cause_set(cause, _("list items are not an array"));
		return -1;
	}
	n = json_array_size(arr);
	if ((items = calloc(n + 1, sizeof *items)) == NULL ||
	    (shown = calloc(n + 1, sizeof *shown)) == NULL) {
		free(items);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (widget_list_item_load(json_array_get(arr, i), i, &items[i], cause) == -1) {
			widget_list_items_free(items, n);
			free(shown);
			return -1;
		}
	widget_list_items_free(wl->items, wl->n);
	free(wl->shown);
	wl->items = items;
	wl->shown = shown;
	wl->n = n;
	widget_list_refilter(w);
	/* A choice among the old items (another region's city) means nothing now. */
	for (i = 0; i < n && strcmp(items[i].id, wl->chosen) != 0; i++)
		;
	if (i == n)
		wl->chosen[0] = '\0';
	else
		(void)widget_list_point(w, wl->chosen);
	return 0;
}

const struct widget_ops widget_list_ops = {
	.type = "list",
	.focusable = 1,
	.rows = widget_list_rows,
	.create = widget_list_create,
	.draw = widget_list_draw,
	.key = widget_list_key,
	.value = widget_list_value,
	.set_value = widget_list_set_value,
	.set_items = widget_list_set_items,
	.destroy = widget_list_destroy,
};

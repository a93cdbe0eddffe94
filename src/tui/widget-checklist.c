/*
 * widget-checklist — type "checklist": several "[x] name" lines under the field's label,
 * the lines set by the screen from data (the documents an operator has seen at the desk),
 * so their number is not known when the form is written. set_items takes an array of
 * {id or code, name: {kk, ru, en} or a string}; names follow the language (F2), and a long
 * one wraps under itself. Up/Down move between the lines, Space or Enter ticks or unticks
 * the one under the cursor (WIDGET_CHANGED); Up on the first and Down on the last are
 * IGNORED so the screen moves the focus. Value: the ticked ids, in the list's order,
 * joined by ","; "" when none. set_value ticks exactly the ids it lists (an id that is not
 * in the list is refused once the list is there) and puts the cursor on the first line
 * left unticked.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/idlist.h"
#include "tui/tui-look.h"
#include "tui/tui-text.h"
#include "tui/widget.h"

struct checklist {
	json_t	*items;		/* the array set_items got (a reference) */
	int	*ticked;	/* one per item */
	size_t	 cur;
	char	*value;		/* the last value() answer */
};

static size_t
checklist_count(const struct checklist *c)
{
	return json_array_size(c->items);
}

static const char *
checklist_id(const struct checklist *c, size_t i)
{
	const json_t	*it = json_array_get(c->items, i);
	const char	*id = json_string_value(json_object_get(it, "id"));

	if (id == NULL)
		id = json_string_value(json_object_get(it, "code"));
	return id != NULL ? id : "";
}

/* An item's name in the screen's language (then ru, en, kk), or its id. */
static const char *
checklist_name(const struct widget *w, size_t i)
{
	static const char *const order[] = { "ru", "en", "kk" };
	const struct checklist	*c = w->impl;
	const json_t		*name = json_object_get(json_array_get(c->items, i), "name");
	const char		*s;
	size_t			 k;

	if (json_is_string(name))
		return json_string_value(name);
	if ((s = json_string_value(json_object_get(name, w->look->lang))) != NULL)
		return s;
	for (k = 0; k < sizeof order / sizeof order[0]; k++)
		if ((s = json_string_value(json_object_get(name, order[k]))) != NULL)
			return s;
	return checklist_id(c, i);
}

static int
checklist_label_rows(const struct widget *w, int width)
{
	const char	*l = widget_label(w);

	return *l != '\0' ? tui_text_wrap(l, width, NULL, NULL) : 0;
}

static int
checklist_rows(struct widget *w, int width)
{
	const struct checklist	*c = w->impl;
	size_t			 i;
	int			 n = checklist_label_rows(w, width);

	for (i = 0; i < checklist_count(c); i++)
		n += tui_text_wrap(checklist_name(w, i), width - 4, NULL, NULL);
	return checklist_count(c) > 0 ? n : n + 1;
}

static int
checklist_create(struct widget *w, char **cause)
{
	struct checklist	*c;

	if ((c = calloc(1, sizeof *c)) == NULL || (c->items = json_array()) == NULL) {
		free(c);
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	w->impl = c;
	return 0;
}

static void
checklist_destroy(struct widget *w)
{
	struct checklist	*c = w->impl;

	if (c == NULL)
		return;
	json_decref(c->items);
	free(c->ticked);
	free(c->value);
	free(c);
	w->impl = NULL;
}

struct checklist_line {
	WINDOW	*win;
	int	 y, x, w;
};

static void
checklist_line(void *arg, int n, const char *s, size_t len)
{
	struct checklist_line	*l = arg;

	(void)tui_text_put(l->win, l->y + n, l->x, s, len, l->w);
}

static void
checklist_draw(struct widget *w, WINDOW *win, int focused)
{
	struct checklist	*c = w->impl;
	struct checklist_line	 l = { win, w->y, w->x, w->w };
	size_t			 i;
	int			 here;

	(void)wattrset(win, tui_look_attr(w->look, TC_LABEL) | (focused ? A_BOLD : 0));
	if (*widget_label(w) != '\0')
		l.y += tui_text_wrap(widget_label(w), l.w, checklist_line, &l);
	w->cury = w->curx = -1;
	for (i = 0; i < checklist_count(c); i++) {
		here = i == c->cur;
		(void)wattrset(win,
		    tui_look_attr(w->look, here && focused ? TC_FIELD_FOCUS : TC_FIELD));
		(void)mvwaddstr(win, l.y, w->x, c->ticked[i] ? "[x]" : "[ ]");
		if (here && focused) {
			w->cury = l.y;
			w->curx = w->x + 1;
		}
		(void)wattrset(win,
		    tui_look_attr(w->look, TC_TEXT) | (here && focused ? A_BOLD : 0));
		l.x = w->x + 4;
		l.w = w->w - 4;
		l.y += tui_text_wrap(checklist_name(w, i), l.w, checklist_line, &l);
	}
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
}

static enum widget_result
checklist_key(struct widget *w, const struct uik_event *ev)
{
	struct checklist	*c = w->impl;
	size_t			 n = checklist_count(c);

	switch (ev->action) {
	case UIK_UP:
		if (c->cur == 0)
			return WIDGET_IGNORED;
		c->cur--;
		return WIDGET_CONSUMED;
	case UIK_DOWN:
		if (c->cur + 1 >= n)
			return WIDGET_IGNORED;
		c->cur++;
		return WIDGET_CONSUMED;
	case UIK_HOME:
		c->cur = 0;
		return WIDGET_CONSUMED;
	case UIK_END:
		c->cur = n > 0 ? n - 1 : 0;
		return WIDGET_CONSUMED;
	case UIK_TOGGLE:
	case UIK_ACTIVATE:
		if (n == 0)
			return WIDGET_IGNORED;
		c->ticked[c->cur] = !c->ticked[c->cur];
		return WIDGET_CHANGED;
	default:
		return WIDGET_IGNORED;
	}
}

static const char *
checklist_value(struct widget *w)
{
	struct checklist	*c = w->impl;
	size_t			 i, len = 1;
	char			*v;

	for (i = 0; i < checklist_count(c); i++)
		len += strlen(checklist_id(c, i)) + 1;
	if ((v = calloc(1, len)) == NULL)
		return "";
	for (i = 0; i < checklist_count(c); i++)
		if (c->ticked[i]) {
			if (*v != '\0')
				(void)strcat(v, ",");
			(void)strcat(v, checklist_id(c, i));
		}
	free(c->value);
	c->value = v;
	return v;
}

static int
checklist_set_value(struct widget *w, const char *v, char **cause)
{
	struct checklist	*c = w->impl;
	const char		*p;
	size_t			 i, len, found;

	if (v == NULL)
		v = "";
	for (p = v; *p != '\0'; p += *p == ',' ? 1 : 0) {
		len = strcspn(p, ",");
		for (i = 0, found = 0; i < checklist_count(c) && !found; i++)
			found = strlen(checklist_id(c, i)) == len &&
			    strncmp(checklist_id(c, i), p, len) == 0;
		if (!found && checklist_count(c) > 0) {
			cause_set(cause, _("\"%.*s\" is not in the list"), (int)len, p);
			return -1;
		}
		p += len;
	}
	for (i = 0; i < checklist_count(c); i++)
		c->ticked[i] = idlist_has(v, checklist_id(c, i));
	/* The next Space goes to what is still to tick, not to the last line used. */
	for (i = 0; i < checklist_count(c); i++)
		if (!c->ticked[i]) {
			c->cur = i;
			break;
		}
	return 0;
}

static int
checklist_set_items(struct widget *w, json_t *items, char **cause)
{
	struct checklist	*c = w->impl;
	int			*ticked;
	size_t			 i;

	if (!json_is_array(items)) {
		cause_set(cause, "%s", _("list items are not an array"));
		return -1;
	}
	for (i = 0; i < json_array_size(items); i++)
		if (json_string_length(json_object_get(json_array_get(items, i), "id")) == 0 &&
		    json_string_length(json_object_get(json_array_get(items, i), "code")) == 0) {
			cause_set(cause, _("list item %zu has no id or code"), i + 1);
			return -1;
		}
	if ((ticked = calloc(json_array_size(items) + 1, sizeof *ticked)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	/* A new list starts unticked: each document is ticked as it is seen. */
	free(c->ticked);
	c->ticked = ticked;
	json_decref(c->items);
	c->items = json_incref(items);
	c->cur = 0;
	return 0;
}

const struct widget_ops widget_checklist_ops = {
	.type = "checklist",
	.focusable = 1,
	.wide = 1,
	.rows = checklist_rows,
	.create = checklist_create,
	.draw = checklist_draw,
	.key = checklist_key,
	.value = checklist_value,
	.set_value = checklist_set_value,
	.set_items = checklist_set_items,
	.destroy = checklist_destroy,
};

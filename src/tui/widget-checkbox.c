/*
 * widget-checkbox — type "checkbox": one box a person ticks.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/tui-text.h"
#include "tui/widget.h"

/*
 * "[x] label": Space or Enter ticks and unticks. The label takes the whole width (it is
 * often a sentence: "I have read and accept the agreement"). The value is "1" or "0".
 */

struct checkbox {
	int	checked;
};

static int
checkbox_create(struct widget *w, char **cause)
{
	if ((w->impl = calloc(1, sizeof(struct checkbox))) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	return 0;
}

static void
checkbox_destroy(struct widget *w)
{
	free(w->impl);
	w->impl = NULL;
}

static int
checkbox_rows(struct widget *w, int width)
{
	return tui_text_wrap(widget_label(w), width - 4, NULL, NULL);
}

struct checkbox_line {
	WINDOW	*win;
	int	 y, x, w;
};

static void
checkbox_line(void *arg, int n, const char *s, size_t len)
{
	struct checkbox_line	*l = arg;

	(void)tui_text_put(l->win, l->y + n, l->x, s, len, l->w);
}

static void
checkbox_draw(struct widget *w, WINDOW *win, int focused)
{
	struct checkbox		*c = w->impl;
	struct checkbox_line	 l = { win, w->y, w->x + 4, w->w - 4 };

	(void)wattrset(win, tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD));
	(void)mvwaddstr(win, w->y, w->x, c->checked ? "[x]" : "[ ]");
	(void)wattrset(win, tui_look_attr(w->look, TC_LABEL) | (focused ? A_BOLD : 0));
	(void)tui_text_wrap(widget_label(w), l.w, checkbox_line, &l);
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
	w->cury = w->y;
	w->curx = w->x + 1;
}

static enum widget_result
checkbox_key(struct widget *w, const struct uik_event *ev)
{
	struct checkbox	*c = w->impl;

	if (ev->action != UIK_TOGGLE && ev->action != UIK_ACTIVATE)
		return WIDGET_IGNORED;
	c->checked = !c->checked;
	return WIDGET_CHANGED;
}

static const char *
checkbox_value(struct widget *w)
{
	return ((struct checkbox *)w->impl)->checked ? "1" : "0";
}

static int
checkbox_set_value(struct widget *w, const char *v, char **cause)
{
	static const char *const yes[] = { "1", "true", "yes", NULL };
	static const char *const no[] = { "0", "false", "no", "", NULL };
	struct checkbox		*c = w->impl;
	size_t			 i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(v, yes[i]) == 0)
			return c->checked = 1, 0;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(v, no[i]) == 0)
			return c->checked = 0, 0;
	cause_set(cause, _("a checkbox is 1 or 0, not '%s'"), v);
	return -1;
}

const struct widget_ops widget_checkbox_ops = {
	.type = "checkbox", .wide = 1, .focusable = 1, .rows = checkbox_rows,
	.create = checkbox_create,
	.draw = checkbox_draw, .key = checkbox_key, .value = checkbox_value,
	.set_value = checkbox_set_value, .destroy = checkbox_destroy,
};

/*
 * widget-text — type "text": a framed block of text that scrolls.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/tui-text.h"
#include "tui/widget.h"

/*
 * A read-only block of text in a frame, `height` rows (10 by default), that scrolls with
 * Up/Down/PgUp/PgDn/Home/End (the user agreement, certificate data). Its text is the
 * field's label in the current language, unless an action has set one with set_value.
 * Down on the last line and Up on the first pass the key on, so Tab is not the only way out.
 */

#define TEXT_HEIGHT_DEFAULT	10

struct text {
	char	*set;		/* text from set_value, or NULL: the label */
	int	 top;		/* first line shown */
	int	 lines;		/* at the last draw's width */
	int	 inner;		/* rows inside the frame */
};

static int
text_create(struct widget *w, char **cause)
{
	struct text	*t;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	w->impl = t;
	return 0;
}

static void
text_destroy(struct widget *w)
{
	struct text	*t = w->impl;

	if (t != NULL)
		free(t->set);
	free(t);
	w->impl = NULL;
}

static const char *
text_body(const struct widget *w)
{
	const struct text	*t = w->impl;

	return t->set != NULL ? t->set : widget_label(w);
}

static int
text_rows(struct widget *w, int width)
{
	struct text	*t = w->impl;
	int		 h = w->def->height > 2 ? w->def->height : TEXT_HEIGHT_DEFAULT;

	t->inner = h - 2;
	t->lines = tui_text_wrap(text_body(w), width - 4, NULL, NULL);
	if (t->lines < t->inner)	/* a short text needs no empty rows below it */
		h = t->lines + 2, t->inner = t->lines;
	if (t->top > t->lines - t->inner)
		t->top = t->lines - t->inner > 0 ? t->lines - t->inner : 0;
	return h;
}

struct text_line {
	WINDOW	*win;
	int	 y, x, w, top, inner;
};

static void
text_line(void *arg, int n, const char *s, size_t len)
{
	struct text_line	*l = arg;

	if (n >= l->top && n < l->top + l->inner)
		(void)tui_text_put(l->win, l->y + n - l->top, l->x, s, len, l->w);
}

static void
text_draw(struct widget *w, WINDOW *win, int focused)
{
	struct text		*t = w->impl;
	struct text_line	 l = { win, w->y + 1, w->x + 2, w->w - 4, t->top, t->inner };
	WINDOW			*frame;
	char			 pos[32];

	if ((frame = derwin(win, w->h, w->w, w->y, w->x)) != NULL) {
		(void)wattrset(frame, tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_LABEL));
		(void)box(frame, 0, 0);
		(void)delwin(frame);
	}
	(void)wattrset(win, tui_look_attr(w->look, TC_TEXT));
	(void)tui_text_wrap(text_body(w), l.w, text_line, &l);
	if (t->lines > t->inner) {
		(void)snprintf(pos, sizeof pos, " %d%% ",
		    (t->top + t->inner) * 100 / t->lines);
		(void)wattrset(win, tui_look_attr(w->look, TC_LABEL));
		(void)mvwaddstr(win, w->y + w->h - 1, w->x + w->w - 2 - (int)strlen(pos), pos);
	}
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
	w->cury = -1;
}

static enum widget_result
text_scroll(struct text *t, int by)
{
	int	max = t->lines - t->inner > 0 ? t->lines - t->inner : 0;
	int	top = t->top + by;

	if (top < 0)
		top = 0;
	if (top > max)
		top = max;
	if (top == t->top)
		return WIDGET_IGNORED;
	t->top = top;
	return WIDGET_CONSUMED;
}

static enum widget_result
text_key(struct widget *w, const struct uik_event *ev)
{
	struct text		*t = w->impl;
	enum widget_result	 r;

	switch (ev->action) {
	case UIK_UP:
		return text_scroll(t, -1);
	case UIK_DOWN:
		return text_scroll(t, 1);
	case UIK_PGUP:
		r = text_scroll(t, -(t->inner - 1));
		return r == WIDGET_IGNORED ? WIDGET_CONSUMED : r;
	case UIK_PGDN:
	case UIK_TOGGLE:
		r = text_scroll(t, t->inner - 1);
		return r == WIDGET_IGNORED ? WIDGET_CONSUMED : r;
	case UIK_HOME:
		(void)text_scroll(t, -t->lines);
		return WIDGET_CONSUMED;
	case UIK_END:
		(void)text_scroll(t, t->lines);
		return WIDGET_CONSUMED;
	default:
		return WIDGET_IGNORED;
	}
}

static const char *
text_value(struct widget *w)
{
	return text_body(w);
}

static int
text_set_value(struct widget *w, const char *v, char **cause)
{
	struct text	*t = w->impl;
	char		*copy;

	if ((copy = strdup(v)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	free(t->set);
	t->set = copy;
	t->top = 0;
	return 0;
}

const struct widget_ops widget_text_ops = {
	.type = "text", .wide = 1, .focusable = 1, .rows = text_rows, .create = text_create,
	.draw = text_draw, .key = text_key, .value = text_value,
	.set_value = text_set_value, .destroy = text_destroy,
};

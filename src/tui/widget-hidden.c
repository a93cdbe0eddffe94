/*
 * widget-hidden — type "hidden": a value a screen's actions keep between two button
 * presses that a person has no use for (the captcha picture's id, which the BIN check
 * sends back with the code typed). It takes no rows, no keys and no focus, and is never
 * restored from the state file. Value: the text set by set_value, "" until then.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/widget.h"

static int
widget_hidden_rows(struct widget *w, int width)
{
	(void)w;
	(void)width;
	return 0;
}

static int
widget_hidden_create(struct widget *w, char **cause)
{
	if ((w->impl = strdup("")) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	return 0;
}

static void
widget_hidden_destroy(struct widget *w)
{
	free(w->impl);
	w->impl = NULL;
}

static void
widget_hidden_draw(struct widget *w, struct _win_st *win, int focused)
{
	(void)win;
	(void)focused;
	w->cury = w->curx = -1;
}

static enum widget_result
widget_hidden_key(struct widget *w, const struct uik_event *ev)
{
	(void)w;
	(void)ev;
	return WIDGET_IGNORED;
}

static const char *
widget_hidden_value(struct widget *w)
{
	return w->impl;
}

static int
widget_hidden_set_value(struct widget *w, const char *v, char **cause)
{
	char	*t;

	if ((t = strdup(v != NULL ? v : "")) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	free(w->impl);
	w->impl = t;
	return 0;
}

const struct widget_ops widget_hidden_ops = {
	.type = "hidden",
	.focusable = 0,
	.wide = 1,
	.rows = widget_hidden_rows,
	.create = widget_hidden_create,
	.draw = widget_hidden_draw,
	.key = widget_hidden_key,
	.value = widget_hidden_value,
	.set_value = widget_hidden_set_value,
	.set_items = NULL,
	.destroy = widget_hidden_destroy,
};

/*
 * widget — what every widget kind shares: the label it shows in the current language,
 * painting a field's cells, and a key refused out loud. Making one is widget-new.c's.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/tui-text.h"
#include "tui/widget.h"

const char *
widget_label(const struct widget *w)
{
	const char	*s = formdef_text_get(&w->def->label,
	    w->look != NULL ? w->look->lang : "en");

	return s != NULL ? s : "";
}

int
widget_label_rows(const struct widget *w)
{
	const char	*s = widget_label(w);

	if (*s == '\0')
		return 0;
	return tui_text_wrap(s, w->label_w > 1 ? w->label_w - 1 : 1, NULL, NULL);
}

struct widget_label_ctx {
	WINDOW		*win;
	int		 y, x, w;
};

static void
widget_label_line(void *arg, int n, const char *s, size_t len)
{
	struct widget_label_ctx	*c = arg;

	(void)tui_text_put(c->win, c->y + n, c->x, s, len, c->w);
}

void
widget_draw_label(const struct widget *w, WINDOW *win, int focused)
{
	struct widget_label_ctx	 c = { win, w->y, w->x, w->label_w > 1 ? w->label_w - 1 : 1 };
	int			 attr = tui_look_attr(w->look, TC_LABEL);

	if (focused)
		attr |= A_BOLD;
	(void)wattrset(win, attr);
	(void)tui_text_wrap(widget_label(w), c.w, widget_label_line, &c);
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
}

void
widget_fill(WINDOW *win, int y, int x, int n, int attr)
{
	if (n > 0)
		(void)mvwchgat(win, y, x, n, (attr_t)(attr & ~A_COLOR), (short)PAIR_NUMBER(attr),
		    NULL);
}

enum widget_result
widget_refuse(struct widget *w, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	free(w->error);
	w->error = msg;
	return WIDGET_REFUSED;
}

enum widget_result
widget_full(struct widget *w, int max)
{
	return widget_refuse(w, ngettext("no more fits here: at most %d character",
	    "no more fits here: at most %d characters", (unsigned long)max), max);
}

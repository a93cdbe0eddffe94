/*
 * widget — a widget's life on a screen (made from its field, drawn, destroyed) and the
 * label and help it shows in the current language.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/tui-text.h"
#include "tui/tui-look.h"
#include "tui/widget.h"

const struct widget_ops *
widget_find(const char *type)
{
	size_t	i;

	for (i = 0; widget_table[i] != NULL; i++)
		if (strcmp(widget_table[i]->type, type) == 0)
			return widget_table[i];
	return NULL;
}

int
widget_known(const char *type)
{
	return widget_find(type) != NULL;
}

struct widget *
widget_new(const struct tui_look *look, const struct formdef_field *def, char **cause)
{
	const struct widget_ops	*ops = widget_find(def->type);
	struct widget		*w;

	if (ops == NULL) {
		cause_set(cause, _("unknown field type '%s'"), def->type);
		return NULL;
	}
	if ((w = calloc(1, sizeof *w)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return NULL;
	}
	w->ops = ops;
	w->def = def;
	w->look = look;
	w->cury = w->curx = -1;
	if (ops->create != NULL && ops->create(w, cause) == -1) {
		free(w);
		return NULL;
	}
	return w;
}

void
widget_free(struct widget *w)
{
	if (w == NULL)
		return;
	if (w->ops->destroy != NULL)
		w->ops->destroy(w);
	free(w->error);
	free(w);
}

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

/*
 * widget-progress — type "progress": a spinner line an action moves.
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
 * A spinner and a line of text ("Making the keys..."): each set_value moves the spinner
 * on, so an action that reports progress shows it moving. Not focusable; value is the text.
 */

static const char *const progress_frames[] = { "|", "/", "-", "\\" };

struct progress {
	char	*text;
	unsigned frame;
};

static int
progress_create(struct widget *w, char **cause)
{
	if ((w->impl = calloc(1, sizeof(struct progress))) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	return 0;
}

static void
progress_destroy(struct widget *w)
{
	struct progress	*p = w->impl;

	if (p != NULL)
		free(p->text);
	free(p);
	w->impl = NULL;
}

static int
progress_rows(struct widget *w, int width)
{
	(void)w;
	(void)width;
	return 1;
}

static void
progress_draw(struct widget *w, WINDOW *win, int focused)
{
	struct progress	*p = w->impl;
	const char	*text = p->text != NULL ? p->text : "";

	(void)focused;
	w->cury = -1;
	if (*text == '\0')
		return;
	(void)wattrset(win, tui_look_attr(w->look, TC_OK));
	(void)mvwaddstr(win, w->y, w->x, progress_frames[p->frame % 4]);
	(void)wattrset(win, tui_look_attr(w->look, TC_TEXT));
	(void)tui_text_put(win, w->y, w->x + 2, text, strlen(text), w->w - 2);
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
}

static const char *
progress_value(struct widget *w)
{
	struct progress	*p = w->impl;

	return p->text != NULL ? p->text : "";
}

static int
progress_set_value(struct widget *w, const char *v, char **cause)
{
	struct progress	*p = w->impl;
	char		*copy;

	if ((copy = strdup(v)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	free(p->text);
	p->text = copy;
	p->frame++;
	return 0;
}

static enum widget_result
progress_key(struct widget *w, const struct uik_event *ev)
{
	(void)w;
	(void)ev;
	return WIDGET_IGNORED;
}

const struct widget_ops widget_progress_ops = {
	.type = "progress", .wide = 1, .focusable = 0, .rows = progress_rows,
	.create = progress_create,
	.draw = progress_draw, .key = progress_key, .value = progress_value,
	.set_value = progress_set_value, .destroy = progress_destroy,
};

/*
 * widget-entry — types "entry", "digits" and "email": one line of typed text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include <curses.h>
#include <form.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"
#include "tui/tui-look.h"
#include "tui/widget.h"

/*
 * A one-line text field on libformw: the form library keeps the text as characters, so
 * Backspace removes a whole Kazakh letter and the cursor moves by characters. The form
 * lives on a private window that is never put on the terminal; draw() copies its cells
 * into the screen's window, so the field scrolls with the rest of the body.
 */

#define ENTRY_MAX_DEFAULT	64
#define ENTRY_SHOW_MAX		40	/* columns the field shows; longer text scrolls in it */

struct entry {
	FIELD	*fields[2];
	FORM	*form;
	WINDOW	*win;
	int	 show;		/* columns shown */
	int	 max;		/* characters (the form allows one more: room for the cursor) */
	char	*value;
	int	(*accept)(wint_t);
	const char *refusal;	/* what a character accept() refuses gets said (N_) */
};

static int
entry_accept_any(wint_t c)
{
	return iswprint(c);
}

static int
entry_accept_digit(wint_t c)
{
	return c >= L'0' && c <= L'9';
}

/* Addresses carry no spaces; the domain may be Kazakh or Russian (email.h). */
static int
entry_accept_email(wint_t c)
{
	return iswprint(c) && !iswspace(c);
}

static int
entry_create_with(struct widget *w, int (*accept)(wint_t), const char *refusal,
    int max_default, char **cause)
{
	struct entry	*e;

	if ((e = calloc(1, sizeof *e)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	w->impl = e;
	e->accept = accept;
	e->refusal = refusal;
	e->max = w->def->max > 0 ? w->def->max : max_default;
	e->show = e->max + 1 < ENTRY_SHOW_MAX ? e->max + 1 : ENTRY_SHOW_MAX;
	if ((e->fields[0] = new_field(1, e->show, 0, 0, 0, 0)) == NULL ||
	    field_opts_off(e->fields[0], O_STATIC | O_AUTOSKIP | O_BLANK) != E_OK ||
	    set_max_field(e->fields[0], e->max + 1) != E_OK ||
	    (e->form = new_form(e->fields)) == NULL ||
	    (e->win = newwin(1, e->show, 0, 0)) == NULL ||
	    set_form_win(e->form, e->win) != E_OK ||
	    set_form_sub(e->form, e->win) != E_OK ||
	    post_form(e->form) != E_OK) {
		cause_set(cause, _("cannot make the field '%s'"), w->def->name);
		w->ops->destroy(w);
		return -1;
	}
	return 0;
}

static int
entry_create(struct widget *w, char **cause)
{
	return entry_create_with(w, entry_accept_any, N_("this character cannot be typed here"),
	    ENTRY_MAX_DEFAULT, cause);
}

static int
entry_create_digits(struct widget *w, char **cause)
{
	return entry_create_with(w, entry_accept_digit, N_("only digits 0-9 go in this field"),
	    12, cause);
}

static int
entry_create_email(struct widget *w, char **cause)
{
	return entry_create_with(w, entry_accept_email, N_("an e-mail address has no spaces"),
	    254, cause);
}

static void
entry_destroy(struct widget *w)
{
	struct entry	*e = w->impl;

	if (e == NULL)
		return;
	if (e->form != NULL) {
		(void)unpost_form(e->form);
		(void)free_form(e->form);
	}
	if (e->fields[0] != NULL)
		(void)free_field(e->fields[0]);
	if (e->win != NULL)
		(void)delwin(e->win);
	free(e->value);
	free(e);
	w->impl = NULL;
}

static int
entry_rows(struct widget *w, int width)
{
	int	lr = widget_label_rows(w);

	(void)width;
	return lr > 1 ? lr : 1;
}

static void
entry_draw(struct widget *w, WINDOW *win, int focused)
{
	struct entry	*e = w->impl;
	int		 fx = w->x + w->label_w, n = e->show;

	widget_draw_label(w, win, focused);
	if (fx + n > w->x + w->w)
		n = w->x + w->w - fx;
	if (n <= 0)
		return;
	(void)copywin(e->win, win, 0, 0, w->y, fx, w->y, fx + n - 1, FALSE);
	widget_fill(win, w->y, fx, n, tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD));
	w->cury = w->y;
	w->curx = fx + getcurx(e->win);
}

static const char *
entry_value_of(struct entry *e)
{
	const char	*buf;
	size_t		 len;

	(void)form_driver(e->form, REQ_VALIDATION);
	if ((buf = field_buffer(e->fields[0], 0)) == NULL)
		buf = "";
	len = strlen(buf);
	while (len > 0 && buf[len - 1] == ' ')
		len--;
	free(e->value);
	e->value = strndup(buf, len);
	return e->value != NULL ? e->value : "";
}

static const char *
entry_value(struct widget *w)
{
	return entry_value_of(w->impl);
}

static int
entry_set_value(struct widget *w, const char *v, char **cause)
{
	struct entry	*e = w->impl;
	long		 n = utf8_count(v);

	if (n < 0 || n > e->max) {
		cause_set(cause, _("'%s' is too long for the field '%s'"), v, w->def->name);
		return -1;
	}
	if (set_field_buffer(e->fields[0], 0, v) != E_OK) {
		cause_set(cause, _("cannot set the field '%s'"), w->def->name);
		return -1;
	}
	(void)form_driver(e->form, REQ_END_FIELD);
	return 0;
}

/* Characters typed so far: the cursor may not wander into the blanks past them. */
static long
entry_length(struct entry *e)
{
	long	n = utf8_count(entry_value_of(e));

	return n < 0 ? 0 : n;
}

static enum widget_result
entry_request(struct entry *e, int req, enum widget_result ok)
{
	return form_driver_w(e->form, KEY_CODE_YES, (wchar_t)req) == E_OK ? ok : WIDGET_CONSUMED;
}

static enum widget_result
entry_key(struct widget *w, const struct uik_event *ev)
{
	struct entry	*e = w->impl;

	switch (ev->action) {
	case UIK_CHAR:
	case UIK_TOGGLE:
		/* Never swallowed unseen: what cannot go in is said under the field. */
		if (!e->accept(ev->ch))
			return widget_refuse(w, "%s", _(e->refusal));
		if (entry_length(e) >= e->max)
			return widget_full(w, e->max);
		return form_driver_w(e->form, OK, (wchar_t)ev->ch) == E_OK ? WIDGET_CHANGED
		    : WIDGET_CONSUMED;
	case UIK_BACKSPACE:
		return entry_request(e, REQ_DEL_PREV, WIDGET_CHANGED);
	case UIK_DELETE:
		return entry_request(e, REQ_DEL_CHAR, WIDGET_CHANGED);
	case UIK_LEFT:
		return entry_request(e, REQ_PREV_CHAR, WIDGET_CONSUMED);
	case UIK_RIGHT:
		if (e->form->curcol >= entry_length(e))
			return WIDGET_CONSUMED;
		return entry_request(e, REQ_NEXT_CHAR, WIDGET_CONSUMED);
	case UIK_HOME:
		return entry_request(e, REQ_BEG_FIELD, WIDGET_CONSUMED);
	case UIK_END:
		return entry_request(e, REQ_END_FIELD, WIDGET_CONSUMED);
	default:
		return WIDGET_IGNORED;
	}
}

#define ENTRY_OPS(name, maker) {					\
	.type = name, .focusable = 1, .rows = entry_rows, .create = maker,	\
	.draw = entry_draw, .key = entry_key, .value = entry_value,		\
	.set_value = entry_set_value, .destroy = entry_destroy }

const struct widget_ops widget_entry_ops = ENTRY_OPS("entry", entry_create);
const struct widget_ops widget_digits_ops = ENTRY_OPS("digits", entry_create_digits);
const struct widget_ops widget_email_ops = ENTRY_OPS("email", entry_create_email);

/*
 * widget-password — type "password": a secret typed unseen, with the policy's live
 * checklist.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/password.h"
#include "common/utf8.h"
#include "tui/tui-look.h"
#include "tui/tui-text.h"
#include "tui/widget.h"

/*
 * A password or PIN: nothing of it is echoed, one ● per character is shown, and when the
 * field's validator is `password` the policy's rules (password.h) are listed under it,
 * each ticked live as the person types. The characters live only in this widget's
 * buffer, wiped when it changes size and when the widget goes.
 * Every character typed counts: the field takes more than any policy allows (`max`, 64
 * at most and by default), so a 33rd character makes "at most 32" a ✗ instead of being
 * dropped unseen; past `max` the key is refused out loud.
 */

#define PASSWORD_CAP	64
#define PASSWORD_BUF	(4 * PASSWORD_CAP + 1)	/* characters of up to 4 bytes */
#define PASSWORD_SHOW	34

struct password {
	char	 buf[PASSWORD_BUF];
	size_t	 len;
	int	 max;		/* characters */
	int	 checklist;
};

static int
password_create(struct widget *w, char **cause)
{
	struct password	*p;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	p->max = w->def->max > 0 && w->def->max < PASSWORD_CAP ? w->def->max : PASSWORD_CAP;
	p->checklist = w->def->validator != NULL && strcmp(w->def->validator, "password") == 0;
	w->impl = p;
	return 0;
}

static void
password_destroy(struct widget *w)
{
	struct password	*p = w->impl;

	if (p == NULL)
		return;
	explicit_bzero(p, sizeof *p);
	free(p);
	w->impl = NULL;
}

static int
password_rows(struct widget *w, int width)
{
	struct password	*p = w->impl;
	int		 lr = widget_label_rows(w), rows = 1;
	int		 r;

	(void)width;
	if (p->checklist)
		for (r = 0; r < PASSWORD_RULE__MAX; r++)
			rows += tui_text_wrap(_(password_rule_text((enum password_rule)r)),
			    width - w->label_w - 2, NULL, NULL);
	return lr > rows ? lr : rows;
}

struct password_line {
	WINDOW	*win;
	int	 y, x, w;
};

static void
password_rule_line(void *arg, int n, const char *s, size_t len)
{
	struct password_line	*l = arg;

	(void)tui_text_put(l->win, l->y + n, l->x, s, len, l->w);
}

static void
password_draw(struct widget *w, WINDOW *win, int focused)
{
	struct password		*p = w->impl;
	int			 fx = w->x + w->label_w, show = PASSWORD_SHOW, n;
	int			 met[PASSWORD_RULE__MAX];
	int			 y = w->y + 1, r;
	long			 chars = utf8_count(p->buf);

	widget_draw_label(w, win, focused);
	if (fx + show > w->x + w->w)
		show = w->x + w->w - fx;
	(void)wattrset(win, tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD));
	(void)wmove(win, w->y, fx);
	/* More than fit: "…" first says the dots go on to the left, as a long text would. */
	for (n = 0; n < show; n++)
		(void)waddwstr(win, n == 0 && chars > show - 1 ? L"\u2026" :
		    n < chars && n < show - 1 ? L"\u25cf" : L" ");
	w->cury = w->y;
	w->curx = fx + (chars < show - 1 ? (int)chars : show - 1);
	if (!p->checklist)
		goto out;
	(void)password_rules_met(p->buf, met);
	for (r = 0; r < PASSWORD_RULE__MAX; r++) {
		struct password_line	l = { win, y, fx + 2, w->x + w->w - fx - 2 };
		int			ok = met[r];

		(void)wattrset(win, tui_look_attr(w->look, ok ? TC_OK : TC_ERROR));
		(void)mvwaddwstr(win, y, fx, ok ? L"\u2713" : L"\u2717");
		(void)wattrset(win, tui_look_attr(w->look, TC_TEXT));
		y += tui_text_wrap(_(password_rule_text((enum password_rule)r)), l.w,
		    password_rule_line, &l);
	}
out:
	(void)wattrset(win, tui_look_attr(w->look, TC_NORMAL));
}

/* The buffer itself, never a copy (widget.h). */
static const char *
password_value(struct widget *w)
{
	return ((struct password *)w->impl)->buf;
}

static int
password_set_value(struct widget *w, const char *v, char **cause)
{
	struct password	*p = w->impl;
	size_t		 len = strlen(v);

	if (len >= sizeof p->buf) {
		cause_set(cause, _("the value is too long for the field '%s'"), w->def->name);
		return -1;
	}
	explicit_bzero(p->buf, sizeof p->buf);
	memcpy(p->buf, v, len);
	p->len = len;
	return 0;
}

/* Removes the last character, all of its bytes. */
static void
password_backspace(struct password *p)
{
	while (p->len > 0) {
		unsigned char	c = (unsigned char)p->buf[--p->len];

		p->buf[p->len] = '\0';
		if ((c & 0xc0) != 0x80)
			break;
	}
}

static enum widget_result
password_key(struct widget *w, const struct uik_event *ev)
{
	struct password	*p = w->impl;
	char		 mb[8];
	size_t		 n;
	mbstate_t	 st;

	switch (ev->action) {
	case UIK_CHAR:
	case UIK_TOGGLE:
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ev->ch, &st);
		if (n == (size_t)-1 || p->len + n >= sizeof p->buf ||
		    utf8_count(p->buf) >= p->max) {
			explicit_bzero(mb, sizeof mb);
			return n == (size_t)-1 ? widget_refuse(w, "%s",
			    _("this character cannot be typed here")) : widget_full(w, p->max);
		}
		memcpy(p->buf + p->len, mb, n);
		p->len += n;
		p->buf[p->len] = '\0';
		explicit_bzero(mb, sizeof mb);
		return WIDGET_CHANGED;
	case UIK_BACKSPACE:
		if (p->len == 0)
			return WIDGET_CONSUMED;
		password_backspace(p);
		return WIDGET_CHANGED;
	case UIK_DELETE:
	case UIK_LEFT:
	case UIK_RIGHT:
	case UIK_HOME:
	case UIK_END:
		return WIDGET_CONSUMED;	/* a hidden text is edited only at its end */
	default:
		return WIDGET_IGNORED;
	}
}

const struct widget_ops widget_password_ops = {
	.type = "password", .focusable = 1, .rows = password_rows, .create = password_create,
	.draw = password_draw, .key = password_key, .value = password_value,
	.set_value = password_set_value, .destroy = password_destroy,
};

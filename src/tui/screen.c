/*
 * screen — one formdef on the terminal: its widgets laid out in the 80x24 body, the keys
 * that move between them, F1 and F2, the boxes an action opens, and a button's press
 * handed to the program's action (tui-action.h) and to what its screens show as they open.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/secret.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/tui-action.h"
#include "tui/tui-text.h"
#include "tui/tui-validate.h"
#include "tui/tui.h"
#include "tui/widget.h"

/*
 * The body of a screen is drawn on a pad as tall as its content; the terminal shows the
 * rows between the title line and the key bar, scrolled so the focused item is in view.
 * Everything is drawn with wnoutrefresh/pnoutrefresh and one doupdate, so ncurses sends
 * only the cells that changed: over SSH on a thin client every byte counts.
 */

#define SCREEN_MARGIN		2	/* columns left and right of the body */
#define SCREEN_LABEL_MAX	28	/* a longer label wraps inside its column */
#define SCREEN_MENU_MIN		3	/* more buttons than this and no fields: a menu */

struct screen_button {
	int	y, x, w;
};

struct screen {
	struct tui		*tui;
	const struct formdef	*fd;
	struct widget		**w;
	size_t			 nw;
	struct screen_button	*b;
	int			 focus;		/* < nw: a widget; else button focus - nw */
	int			 top;		/* the first pad row shown */
	int			 pad_h;
	int			 text_y;
	int			 warn_y;	/* the warning's first row, under the text */
	char			*progress;	/* on the key bar while work runs */
	unsigned		 spin;
	int			 cancel;	/* Esc/F10 while work ran */
	int			 dirty;		/* changed by an action, not drawn yet */
	WINDOW			*title, *pad, *bar, *in;
	int			 done;
	enum screen_exit	 exit;
	const char		*target;
	const char		*go;		/* screen_go, for this press only */
	const char		*go_from;	/* screen_go_from: the way back starts there */
	json_t			*base;		/* values as last saved: screen_unsaved */
	unsigned		 boxes;		/* boxes shown so far (an action's doubts) */
};

static int
screen_nfocus(const struct screen *s)
{
	return (int)(s->nw + s->fd->nbuttons);
}

static int
screen_focusable(const struct screen *s, int i)
{
	return (size_t)i >= s->nw || s->w[i]->ops->focusable;
}

static int
screen_body_rows(const struct screen *s)
{
	return s->tui->rows - 2;
}

static int
screen_width(const struct screen *s)
{
	return s->tui->cols - 2 * SCREEN_MARGIN;
}

/* ---- layout ---- */

static int
screen_label_width(const struct screen *s)
{
	int	max = 0, wd;
	size_t	i;

	for (i = 0; i < s->nw; i++) {
		const char	*l = widget_label(s->w[i]);

		if (s->w[i]->ops->wide)
			continue;
		wd = tui_text_width(l, strlen(l));
		if (wd > max)
			max = wd;
	}
	max += 2;
	return max > SCREEN_LABEL_MAX ? SCREEN_LABEL_MAX : max < 10 ? 10 : max;
}

static const char *
screen_button_label(const struct screen *s, size_t i)
{
	return formdef_text_get(&s->fd->buttons[i].label, s->tui->look.lang);
}

/* A screen of buttons only is a menu: one button a row, all as wide as the widest. */
static int
screen_layout_menu(struct screen *s, int y)
{
	int	width = screen_width(s), max = 0;
	size_t	i;

	for (i = 0; i < s->fd->nbuttons; i++) {
		const char	*l = screen_button_label(s, i);
		int		 bw = tui_text_width(l, strlen(l)) + 4;

		if (bw > max)
			max = bw;
	}
	if (max > width)
		max = width;
	for (i = 0; i < s->fd->nbuttons; i++) {
		s->b[i].y = y++;
		s->b[i].x = SCREEN_MARGIN + (width - max) / 2;
		s->b[i].w = max;
	}
	return y;
}

/* Buttons "< Label >" centred on one row, or several when they do not fit. */
static int
screen_layout_buttons(struct screen *s, int y)
{
	int	width = screen_width(s), rowstart = 0, used = 0, x;
	size_t	i, j;

	if (s->fd->nbuttons == 0)
		return y;
	if (s->nw == 0 && s->fd->nbuttons > SCREEN_MENU_MIN)
		return screen_layout_menu(s, y);
	for (i = 0; i < s->fd->nbuttons; i++) {
		const char	*l = screen_button_label(s, i);

		s->b[i].w = tui_text_width(l, strlen(l)) + 4;
		if (s->b[i].w > width)
			s->b[i].w = width;
		if (used > 0 && used + 2 + s->b[i].w > width) {
			x = SCREEN_MARGIN + (width - used) / 2;
			for (j = (size_t)rowstart; j < i; j++) {
				s->b[j].y = y;
				s->b[j].x = x;
				x += s->b[j].w + 2;
			}
			y++;
			rowstart = (int)i;
			used = 0;
		}
		used += (used > 0 ? 2 : 0) + s->b[i].w;
	}
	x = SCREEN_MARGIN + (width - used) / 2;
	for (j = (size_t)rowstart; j < s->fd->nbuttons; j++) {
		s->b[j].y = y;
		s->b[j].x = x;
		x += s->b[j].w + 2;
	}
	return y + 1;
}

static int
screen_error_rows(const struct screen *s, const struct widget *w)
{
	(void)s;
	return w->error != NULL ? tui_text_wrap(w->error, w->w - w->label_w, NULL, NULL) : 0;
}

/* The screen's text or warning in its language, NULL when it has none. */
static const char *
screen_text(const struct screen *s, const struct formdef_text *t)
{
	return t->en != NULL ? formdef_text_get(t, s->tui->look.lang) : NULL;
}

static int
screen_layout(struct screen *s)
{
	const char	*text = screen_text(s, &s->fd->text);
	const char	*warn = screen_text(s, &s->fd->warning);
	int		 y = 1, lw = screen_label_width(s), width = screen_width(s);
	size_t		 i;

	s->text_y = y;
	if (text != NULL)
		y += tui_text_wrap(text, width, NULL, NULL) + 1;
	s->warn_y = y;
	if (warn != NULL)
		y += tui_text_wrap(warn, width, NULL, NULL) + 1;
	for (i = 0; i < s->nw; i++) {
		struct widget	*w = s->w[i];

		w->x = SCREEN_MARGIN;
		w->w = width;
		w->label_w = lw;
		w->y = y;
		w->h = w->ops->rows(w, width);
		y += w->h + screen_error_rows(s, w);
	}
	y = screen_layout_buttons(s, y + (s->nw > 0 ? 1 : 0)) + 1;
	s->pad_h = y > screen_body_rows(s) ? y : screen_body_rows(s);
	if (s->pad == NULL)
		s->pad = newpad(s->pad_h, s->tui->cols);
	else if (wresize(s->pad, s->pad_h, s->tui->cols) == ERR)
		return -1;
	if (s->pad == NULL)
		return -1;
	(void)wbkgdset(s->pad, ' ' | (chtype)tui_attr(s->tui, TC_NORMAL));
	return 0;
}

/* The rows of the focused item, its error line included. */
static void
screen_focus_rect(const struct screen *s, int *y, int *h)
{
	if ((size_t)s->focus < s->nw) {
		const struct widget	*w = s->w[s->focus];

		*y = w->y;
		*h = w->h + screen_error_rows(s, w);
	} else if (s->fd->nbuttons > 0) {
		*y = s->b[s->focus - (int)s->nw].y;
		*h = 1;
	} else
		*y = 0, *h = 1;
}

static void
screen_scroll_to_focus(struct screen *s)
{
	int	y, h, rows = screen_body_rows(s);

	screen_focus_rect(s, &y, &h);
	if ((size_t)s->focus < s->nw && s->focus == 0)
		y = 0, h += s->w[0]->y;	/* the first field shows the text above it */
	else if ((size_t)s->focus >= s->nw)
		h += 1;			/* and a button the row under it */
	if (h > rows)
		h = rows;
	if (y < s->top)
		s->top = y;
	if (y + h > s->top + rows)
		s->top = y + h - rows;
	if (s->top > s->pad_h - rows)
		s->top = s->pad_h - rows;
	if (s->top < 0)
		s->top = 0;
}

/* ---- drawing ---- */

struct screen_line {
	WINDOW	*win;
	int	 y, x, w;
};

static void
screen_put_line(void *arg, int n, const char *s, size_t len)
{
	struct screen_line	*l = arg;

	(void)tui_text_put(l->win, l->y + n, l->x, s, len, l->w);
}

static void
screen_draw_title(struct screen *s)
{
	const char	*t = formdef_text_get(&s->fd->title, s->tui->look.lang);
	int		 cols = s->tui->cols;

	(void)wbkgdset(s->title, ' ' | (chtype)tui_attr(s->tui, TC_TITLE));
	(void)werase(s->title);
	(void)wattrset(s->title, tui_attr(s->tui, TC_TITLE));
	(void)tui_text_put(s->title, 0, SCREEN_MARGIN, t, strlen(t), cols - 2 * SCREEN_MARGIN - 5);
	(void)mvwaddstr(s->title, 0, cols - SCREEN_MARGIN - 2, s->tui->look.lang);
}

/* "F1 Help  F2 Language  Esc Back  F10 Quit", or the progress line while work runs. */
static void
screen_draw_bar(struct screen *s)
{
	static const struct {
		enum uik	 key;
		const char	*word;
	} bar[] = {
		{ UIK_HELP, N_("Help") },
		{ UIK_LANG, N_("Language") },
		{ UIK_BACK, N_("Back") },
		{ UIK_QUIT, N_("Quit") },
	};
	static const char *const spin[] = { "|", "/", "-", "\\" };
	int	 attr = tui_attr(s->tui, TC_KEYBAR), x = 1, more;
	size_t	 i;

	(void)wbkgdset(s->bar, ' ' | (chtype)attr);
	(void)werase(s->bar);
	if (s->progress != NULL) {
		(void)wattrset(s->bar, attr | A_BOLD);
		(void)mvwaddstr(s->bar, 0, 1, spin[s->spin % 4]);
		(void)wattrset(s->bar, attr);
		(void)tui_text_put(s->bar, 0, 3, s->progress, strlen(s->progress),
		    s->tui->cols - 4);
		return;
	}
	for (i = 0; i < sizeof bar / sizeof bar[0]; i++) {
		const char	*k = keys_label(bar[i].key), *word = _(bar[i].word);

		(void)wattrset(s->bar, attr | A_BOLD);
		(void)mvwaddstr(s->bar, 0, x, k);
		x += (int)strlen(k) + 1;
		(void)wattrset(s->bar, attr);
		x += tui_text_put(s->bar, 0, x, word, strlen(word), s->tui->cols - x - 4) + 2;
	}
	/* Arrows say there is more of the body above or below. */
	more = s->pad_h - s->top > screen_body_rows(s);
	(void)mvwaddwstr(s->bar, 0, s->tui->cols - 3, s->top > 0 ? L"\u2191" : L" ");
	(void)mvwaddwstr(s->bar, 0, s->tui->cols - 2, more ? L"\u2193" : L" ");
}

static void
screen_draw_buttons(struct screen *s)
{
	size_t	i;

	for (i = 0; i < s->fd->nbuttons; i++) {
		const char		*l = screen_button_label(s, i);
		int			 focused = (size_t)s->focus == s->nw + i, n;
		struct screen_button	*b = &s->b[i];

		(void)wattrset(s->pad, tui_attr(s->tui, focused ? TC_BUTTON_FOCUS : TC_BUTTON));
		(void)mvwaddstr(s->pad, b->y, b->x, "< ");
		n = tui_text_put(s->pad, b->y, b->x + 2, l, strlen(l), b->w - 4);
		for (; n < b->w - 4; n++)
			(void)waddch(s->pad, ' ');
		(void)mvwaddstr(s->pad, b->y, b->x + b->w - 2, " >");
	}
	(void)wattrset(s->pad, tui_attr(s->tui, TC_NORMAL));
}

static void
screen_draw_body(struct screen *s)
{
	const char		*text = screen_text(s, &s->fd->text);
	const char		*warn = screen_text(s, &s->fd->warning);
	struct screen_line	 l = { s->pad, s->text_y, SCREEN_MARGIN, screen_width(s) };
	size_t			 i;

	(void)werase(s->pad);
	if (text != NULL) {
		(void)wattrset(s->pad, tui_attr(s->tui, TC_TEXT));
		(void)tui_text_wrap(text, l.w, screen_put_line, &l);
	}
	if (warn != NULL) {
		l.y = s->warn_y;
		(void)wattrset(s->pad, tui_attr(s->tui, TC_WARNING));
		(void)tui_text_wrap(warn, l.w, screen_put_line, &l);
	}
	for (i = 0; i < s->nw; i++) {
		struct widget	*w = s->w[i];

		w->cury = w->curx = -1;
		w->ops->draw(w, s->pad, (size_t)s->focus == i);
		if (w->error != NULL) {
			struct screen_line el = { s->pad, w->y + w->h, w->x + w->label_w,
			    w->w - w->label_w };

			(void)wattrset(s->pad, tui_attr(s->tui, TC_ERROR));
			(void)tui_text_wrap(w->error, el.w, screen_put_line, &el);
		}
	}
	(void)wattrset(s->pad, tui_attr(s->tui, TC_NORMAL));
	screen_draw_buttons(s);
}

/* Puts the three parts on the terminal; the cursor where the focused field wants it. */
static void
screen_refresh(struct screen *s)
{
	struct widget	*f = (size_t)s->focus < s->nw ? s->w[s->focus] : NULL;
	int		 rows = screen_body_rows(s);
	int		 cursor = f != NULL && f->cury >= s->top && f->cury < s->top + rows;

	(void)wnoutrefresh(s->title);
	(void)wnoutrefresh(s->bar);
	if (cursor)
		(void)wmove(s->pad, f->cury, f->curx);
	else if ((size_t)s->focus >= s->nw && s->fd->nbuttons > 0)
		(void)wmove(s->pad, s->b[s->focus - (int)s->nw].y,
		    s->b[s->focus - (int)s->nw].x + 2);
	(void)pnoutrefresh(s->pad, s->top, 0, 1, 0, rows, s->tui->cols - 1);
	(void)curs_set(cursor ? 1 : 0);
	(void)doupdate();
}

static void
screen_draw(struct screen *s)
{
	if (s->dirty)
		(void)screen_layout(s);
	s->dirty = 0;
	screen_draw_body(s);
	screen_scroll_to_focus(s);
	screen_draw_title(s);
	screen_draw_bar(s);
	screen_refresh(s);
}

/*
 * What actions changed (values, errors, lists) is drawn once, when the action is done or
 * before a box or a progress line shows: one screen change, not one per value.
 */
static void
screen_flush(struct screen *s)
{
	if (s->dirty && s->pad != NULL)
		screen_draw(s);
}

/* ---- windows ---- */

static void
screen_windows_free(struct screen *s)
{
	if (s->title != NULL)
		(void)delwin(s->title);
	if (s->bar != NULL)
		(void)delwin(s->bar);
	if (s->pad != NULL)
		(void)delwin(s->pad);
	if (s->in != NULL)
		(void)delwin(s->in);
	s->title = s->bar = s->pad = s->in = NULL;
}

static int
screen_windows(struct screen *s, char **cause)
{
	screen_windows_free(s);
	s->tui->rows = LINES;
	s->tui->cols = COLS;
	if ((s->title = newwin(1, s->tui->cols, 0, 0)) == NULL ||
	    (s->bar = newwin(1, s->tui->cols, s->tui->rows - 1, 0)) == NULL ||
	    (s->in = newpad(1, 1)) == NULL || keypad(s->in, TRUE) == ERR ||
	    screen_layout(s) == -1) {
		cause_set(cause, "%s", _("cannot draw on this terminal"));
		return -1;
	}
	return 0;
}

/* Every window again, after a resize or when the terminal was too small. */
static int
screen_rebuild(struct screen *s, char **cause)
{
	if (tui_too_small(s->tui) == -1) {
		s->done = 1;
		s->exit = SCREEN_QUIT;
		return 0;
	}
	if (screen_windows(s, cause) == -1)
		return -1;
	screen_draw(s);
	return 0;
}

/* ---- boxes: message, confirm, help ---- */

#define SCREEN_SECRET_MAX	64	/* characters of a PIN or password typed in a box */

struct screen_box {
	const char		*title, *text;
	const char *const	*buttons;
	int			 nbuttons, choice, top;
	/*
	 * A box that asks for a secret: what is typed, shown as one dot per character. A
	 * character past SCREEN_SECRET_MAX is refused out loud (note), never dropped unseen.
	 */
	int			 secret;
	size_t			 nin;
	wchar_t			 in[SCREEN_SECRET_MAX + 1];
	int			 full;
};

static void
screen_box_draw(struct screen *s, struct screen_box *b, WINDOW **winp)
{
	int			 cols = s->tui->cols, rows = s->tui->rows;
	int			 w = cols - 16 < 64 ? cols - 16 : 64, h, lines, inner, x, i;
	const char		*t = b->title != NULL ? b->title : "";
	struct screen_line	 l;
	WINDOW			*win;

	if (w < 20)
		w = cols;
	lines = tui_text_wrap(b->text, w - 4, NULL, NULL);
	inner = lines < rows - 8 - 2 * b->secret ? lines : rows - 8 - 2 * b->secret;
	if (inner < 1)
		inner = 1;
	if (b->top > lines - inner)
		b->top = lines - inner;
	if (b->top < 0)
		b->top = 0;
	h = inner + 4 + 2 * b->secret;
	if (*winp != NULL)
		(void)delwin(*winp);
	if ((*winp = win = newwin(h, w, (rows - h) / 2, (cols - w) / 2)) == NULL)
		return;
	(void)wbkgdset(win, ' ' | (chtype)tui_attr(s->tui, TC_HELP));
	(void)werase(win);
	(void)wattrset(win, tui_attr(s->tui, TC_HELP));
	(void)box(win, 0, 0);
	if (*t != '\0') {
		(void)mvwaddstr(win, 0, 2, " ");
		(void)tui_text_put(win, 0, 3, t, strlen(t), w - 8);
		(void)waddstr(win, " ");
	}
	/* The lines of the text that fit, from b->top: wrap into a tall scratch pad. */
	{
		WINDOW	*scratch = newpad(lines + 1, w);

		if (scratch != NULL) {
			l = (struct screen_line){ scratch, 0, 0, w - 4 };
			(void)wbkgdset(scratch, ' ' | (chtype)tui_attr(s->tui, TC_HELP));
			(void)werase(scratch);
			(void)wattrset(scratch, tui_attr(s->tui, TC_HELP));
			(void)tui_text_wrap(b->text, w - 4, screen_put_line, &l);
			(void)copywin(scratch, win, b->top, 0, 1, 2, inner, w - 3, FALSE);
			(void)delwin(scratch);
		}
	}
	if (lines > inner)
		(void)mvwaddwstr(win, inner + 1, w - 3,
		    b->top + inner < lines ? L"\u2193" : L"\u2191");
	if (b->secret) {
		size_t	cells = (size_t)w - 5;	/* and one for the cursor */

		(void)wattrset(win, tui_attr(s->tui, TC_FIELD_FOCUS));
		(void)wmove(win, inner + 2, 2);
		/* More dots than fit: "…" first, as a long text scrolled to its end. */
		for (i = 0; i < w - 4; i++)
			(void)waddwstr(win, i == 0 && b->nin > cells ? L"\u2026" :
			    (size_t)i < b->nin && (size_t)i < cells ? L"\u25cf" : L" ");
		if (b->full) {
			char	note[160];

			(void)snprintf(note, sizeof note, ngettext("no more fits here: at most "
			    "%d character", "no more fits here: at most %d characters",
			    SCREEN_SECRET_MAX), SCREEN_SECRET_MAX);
			(void)wattrset(win, tui_attr(s->tui, TC_ERROR));
			(void)tui_text_put(win, inner + 3, 2, note, strlen(note), w - 4);
		}
	}
	x = w;
	for (i = 0; i < b->nbuttons; i++)
		x -= tui_text_width(_(b->buttons[i]), strlen(_(b->buttons[i]))) + 6;
	x /= 2;
	for (i = 0; i < b->nbuttons; i++) {
		const char	*bl = _(b->buttons[i]);
		int		 bw = tui_text_width(bl, strlen(bl));

		(void)wattrset(win, tui_attr(s->tui, i == b->choice ? TC_BUTTON_FOCUS : TC_BUTTON));
		(void)mvwaddstr(win, h - 2, x, "< ");
		(void)tui_text_put(win, h - 2, x + 2, bl, strlen(bl), bw);
		(void)waddstr(win, " >");
		if (i == b->choice)
			(void)wmove(win, h - 2, x + 2);
		x += bw + 6;
	}
	if (b->secret)
		(void)wmove(win, inner + 2, 2 + (int)(b->nin < (size_t)w - 5 ? b->nin :
		    (size_t)w - 5));
	(void)curs_set(b->secret ? 1 : 0);
	(void)wnoutrefresh(win);
	(void)doupdate();
}

/* A character typed into a secret box: it goes in, or the box says it is full. */
static void
screen_box_put(struct screen_box *b, wchar_t c)
{
	if (b->nin == SCREEN_SECRET_MAX) {
		(void)beep();
		b->full = 1;
		return;
	}
	b->in[b->nin++] = c;
	b->in[b->nin] = L'\0';
}

/* Runs a box until a button is chosen: its index, or -1 when the person quits or Esc. */
static int
screen_box_run(struct screen *s, struct screen_box *b)
{
	WINDOW			*win = NULL;
	struct uik_event	 ev;
	int			 rc = -2;

	s->boxes++;
	screen_flush(s);
	screen_box_draw(s, b, &win);
	while (rc == -2) {
		if (*s->tui->stop || keys_read(s->in, &ev) == -1) {
			s->done = 1, s->exit = SCREEN_QUIT, rc = -1;
			break;
		}
		switch (ev.action) {
		case UIK_NEXT: case UIK_RIGHT:
			b->choice = (b->choice + 1) % b->nbuttons;
			break;
		case UIK_PREV: case UIK_LEFT:
			b->choice = (b->choice + b->nbuttons - 1) % b->nbuttons;
			break;
		case UIK_UP: case UIK_PGUP:
			b->top -= ev.action == UIK_UP ? 1 : 5;
			break;
		case UIK_DOWN: case UIK_PGDN:
			b->top += ev.action == UIK_DOWN ? 1 : 5;
			break;
		case UIK_CHAR:
			if (!b->secret)
				continue;
			screen_box_put(b, (wchar_t)ev.ch);
			break;
		case UIK_BACKSPACE:
			if (!b->secret)
				continue;
			if (b->nin > 0)
				b->in[--b->nin] = L'\0';
			b->full = 0;
			break;
		case UIK_TOGGLE:
			if (b->secret) {	/* a space is a character of a password */
				screen_box_put(b, L' ');
				break;
			}
			rc = b->choice;
			break;
		case UIK_ACTIVATE:
			rc = b->choice;
			break;
		case UIK_BACK:
			rc = -1;
			break;
		case UIK_QUIT:
			s->done = 1, s->exit = SCREEN_QUIT, rc = -1;
			break;
		case UIK_REDRAW:
			(void)clearok(curscr, TRUE);
			break;
		case UIK_RESIZE:
			if (screen_rebuild(s, NULL) == -1 || s->done)
				rc = -1;
			break;
		default:
			continue;
		}
		if (rc == -2)
			screen_box_draw(s, b, &win);
	}
	if (win != NULL)
		(void)delwin(win);
	if (!s->done) {
		/* What the box covered comes back; ncurses sends only those cells. */
		(void)touchwin(s->title);
		(void)touchwin(s->pad);
		(void)touchwin(s->bar);
		screen_draw(s);
	}
	return rc;
}

void
screen_message(struct screen *s, const char *title, const char *text)
{
	static const char *const ok[] = { N_("OK") };
	struct screen_box	b = { .title = title, .text = text, .buttons = ok,
	    .nbuttons = 1 };

	(void)screen_box_run(s, &b);
}

struct secret *
screen_ask_secret(struct screen *s, const char *title, const char *text)
{
	static const char *const okc[] = { N_("OK"), N_("Cancel") };
	struct screen_box	 b = { .title = title, .text = text, .buttons = okc,
	    .nbuttons = 2, .secret = 1 };
	struct secret		*sec = NULL;
	char			 mb[SCREEN_SECRET_MAX * MB_LEN_MAX + 1];
	size_t			 n;

	if (screen_box_run(s, &b) == 0) {
		b.in[b.nin] = L'\0';	/* all of it: in[] has room for the terminator */
		if ((n = wcstombs(mb, b.in, sizeof mb)) != (size_t)-1)
			sec = secret_new(mb, n);
		explicit_bzero(mb, sizeof mb);
	}
	explicit_bzero(b.in, sizeof b.in);
	return sec;
}

int
screen_confirm(struct screen *s, const char *title, const char *text)
{
	static const char *const yn[] = { N_("Yes"), N_("No") };
	struct screen_box	b = { .title = title, .text = text, .buttons = yn,
	    .nbuttons = 2 };

	return screen_box_run(s, &b) == 0;
}

int
screen_confirm_no(struct screen *s, const char *title, const char *text)
{
	static const char *const yn[] = { N_("Yes"), N_("No") };
	struct screen_box	b = { .title = title, .text = text, .buttons = yn,
	    .nbuttons = 2, .choice = 1 };

	return screen_box_run(s, &b) == 0;
}

static void
screen_help(struct screen *s)
{
	const char	*title = formdef_text_get(&s->fd->title, s->tui->look.lang), *text = NULL;
	char		*more = NULL, *both = NULL;

	if ((size_t)s->focus < s->nw) {
		const struct formdef_field	*f = s->w[s->focus]->def;
		const char			*label = widget_label(s->w[s->focus]);

		if (f->help.en != NULL)
			text = formdef_text_get(&f->help, s->tui->look.lang);
		/*
		 * A table's label is its header, cells and lines; a text block's is what it
		 * shows until its action fills it ("(reading…)"): neither names a box.
		 */
		if (strpbrk(label, "|\n") == NULL && strcmp(f->type, "text") != 0)
			title = label;
	}
	if (text == NULL)
		text = _("Tab and Shift-Tab (or the arrows) move between the fields and buttons. "
		    "Enter presses the button. Esc goes back a screen, F2 changes the language, "
		    "F10 quits: what the buttons have taken is kept, and if something typed on "
		    "this screen has not been saved yet, you are asked first.");
	/* What the program adds to every help (where to turn): after a blank line. */
	if (s->tui->program != NULL && s->tui->program->help_more != NULL &&
	    (more = s->tui->program->help_more(s->tui)) != NULL && *more != '\0' &&
	    asprintf(&both, "%s\n\n%s", text, more) != -1)
		text = both;
	screen_message(s, title, text);
	free(both);
	free(more);
}

/* ---- values and errors, for actions ---- */

static struct widget *
screen_widget(struct screen *s, const char *field)
{
	size_t	i;

	for (i = 0; field != NULL && i < s->nw; i++)
		if (strcmp(s->w[i]->def->name, field) == 0)
			return s->w[i];
	return NULL;
}

const char *
screen_value(struct screen *s, const char *field)
{
	struct widget	*w = screen_widget(s, field);

	return w != NULL ? w->ops->value(w) : NULL;
}

int
screen_ticked(struct screen *s, const char *field)
{
	struct widget	*w = screen_widget(s, field);

	return w != NULL && strcmp(w->ops->type, "checkbox") == 0 &&
	    strcmp(w->ops->value(w), "1") == 0;
}

int
screen_set_value(struct screen *s, const char *field, const char *value)
{
	struct widget	*w = screen_widget(s, field);

	if (w == NULL || w->ops->set_value == NULL ||
	    w->ops->set_value(w, value != NULL ? value : "", NULL) == -1)
		return -1;
	s->dirty = 1;
	return 0;
}

static void
screen_error_put(struct screen *s, struct widget *w, const char *msg)
{
	free(w->error);
	w->error = msg != NULL ? strdup(msg) : NULL;
	(void)s;
}

void
screen_set_error(struct screen *s, const char *field, const char *msg)
{
	struct widget	*w = screen_widget(s, field);
	size_t		 i;

	if (w == NULL)
		return;
	screen_error_put(s, w, msg);
	if (msg != NULL)
		for (i = 0; i < s->nw; i++)
			if (s->w[i] == w && w->ops->focusable)
				s->focus = (int)i;
	s->dirty = 1;
}

int
screen_focus_button(struct screen *s, const char *action)
{
	size_t	i;

	for (i = 0; i < s->fd->nbuttons; i++)
		if (strcmp(s->fd->buttons[i].action, action) == 0) {
			s->focus = (int)(s->nw + i);
			s->dirty = 1;
			return 0;
		}
	return -1;
}

int
screen_set_items(struct screen *s, const char *field, json_t *items)
{
	struct widget	*w = screen_widget(s, field);

	if (w == NULL || w->ops->set_items == NULL || w->ops->set_items(w, items, NULL) == -1)
		return -1;
	s->dirty = 1;
	return 0;
}

void
screen_progress(struct screen *s, const char *text)
{
	struct uik_event	ev;

	free(s->progress);
	s->progress = text != NULL && *text != '\0' ? strdup(text) : NULL;
	s->spin++;
	if (s->progress == NULL)
		s->cancel = 0;
	/* Keys pressed while work runs: only Esc and F10 mean something (stop). */
	while (s->progress != NULL && s->in != NULL && keys_poll(s->in, &ev) == 0 &&
	    ev.action != UIK_NONE)
		if (ev.action == UIK_BACK || ev.action == UIK_QUIT)
			s->cancel = 1;
	if (s->bar == NULL)
		return;
	if (s->dirty) {
		screen_flush(s);
		return;
	}
	screen_draw_bar(s);
	(void)wnoutrefresh(s->bar);
	(void)doupdate();
}

int
screen_cancelled(struct screen *s)
{
	return s->cancel || *s->tui->stop;
}

struct tui *
screen_tui(struct screen *s)
{
	return s->tui;
}

/* ---- what is not saved yet ---- */

/*
 * Widgets whose value a person sets. The others show what the program put there (text,
 * value, bignum, progress, hidden) or only where a cursor is (rows).
 */
static int
screen_typed(const struct widget *w)
{
	static const char *const kinds[] = { "entry", "digits", "email", "password",
	    "checkbox", "search", "folder", "captcha", "checklist", "list", NULL };
	size_t	i;

	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(w->ops->type, kinds[i]) == 0)
			return 1;
	return 0;
}

static int
screen_secret(const struct widget *w)
{
	return strcmp(w->ops->type, "password") == 0;
}

/*
 * The values now count as saved: when the screen opens (the program has just put back
 * what it keeps) and after an action that stayed without a doubt (no reason at a field,
 * no box). A password is never copied here: it is unsaved while it is not empty.
 */
static void
screen_snapshot(struct screen *s)
{
	const char	*v;
	size_t		 i;

	json_decref(s->base);
	if ((s->base = json_object()) == NULL)
		return;
	for (i = 0; i < s->nw; i++)
		if (screen_typed(s->w[i]) && !screen_secret(s->w[i]) &&
		    (v = s->w[i]->ops->value(s->w[i])) != NULL)
			(void)json_object_set_new(s->base, s->w[i]->def->name, json_string(v));
}

/* 1 when something typed here would be lost by leaving now. */
static int
screen_unsaved(struct screen *s)
{
	const char	*v, *was;
	size_t		 i;

	for (i = 0; i < s->nw; i++) {
		struct widget	*w = s->w[i];

		if (!screen_typed(w) || (v = w->ops->value(w)) == NULL)
			continue;
		was = screen_secret(w) ? "" : json_string_value(json_object_get(s->base,
		    w->def->name));
		if (strcmp(v, was != NULL ? was : "") != 0)
			return 1;
	}
	return 0;
}

/*
 * F10 or Ctrl-C: with something unsaved the person is asked, Enter staying (a key
 * pressed by habit loses nothing) and F10 again leaving. 1: leave.
 */
static int
screen_quit_ok(struct screen *s)
{
	static const char *const yn[] = { N_("Yes"), N_("No") };
	struct screen_box	b = { .title = _("Quit"), .buttons = yn, .nbuttons = 2,
	    .choice = 1, .text = _("What was typed on this screen has not been saved yet "
	    "and will be lost. Quit anyway?") };

	if (!screen_unsaved(s))
		return 1;
	return screen_box_run(s, &b) == 0 || s->done;
}

/* ---- focus, validation, buttons ---- */

/* A field's own rules; its error line says what is wrong. 0 good, -1 not. */
static int
screen_validate(struct screen *s, struct widget *w)
{
	char	*msg = NULL;
	int	 rc;

	if (!w->ops->focusable)
		return 0;
	rc = tui_validate(w->def->validator, w->ops->value(w), w->def->required, &msg);
	screen_error_put(s, w, rc == -1 ? (msg != NULL ? msg : _("This value is not valid."))
	    : NULL);
	free(msg);
	return rc;
}

static void
screen_focus_move(struct screen *s, int dir)
{
	int	n = screen_nfocus(s), i, next = s->focus;

	if (n == 0)
		return;
	/* Leaving a field with something typed in it checks it, without holding anyone. */
	if ((size_t)s->focus < s->nw) {
		struct widget	*w = s->w[s->focus];
		const char	*v = w->ops->value(w);

		if (v != NULL && *v != '\0' && w->def->validator != NULL)
			(void)screen_validate(s, w);
	}
	for (i = 0; i < n; i++) {
		next = (next + dir + n) % n;
		if (screen_focusable(s, next))
			break;
	}
	s->focus = next;
	(void)screen_layout(s);
}

static int
screen_focus_first(const struct screen *s)
{
	int	i;

	for (i = 0; i < screen_nfocus(s); i++)
		if (screen_focusable(s, i))
			return i;
	return 0;
}

/* A button's row among the engine's moves and the program's actions. */
static const struct tui_action *
screen_action(const struct screen *s, const char *name)
{
	return tui_action_find(s->tui->program != NULL ? s->tui->program->actions : NULL, name);
}

/* 1 when the action's row has the flag (TUI_ACTION_*). */
static int
screen_action_is(const struct screen *s, const char *name, int flag)
{
	const struct tui_action	*a = screen_action(s, name);

	return a != NULL && (a->flags & flag) != 0;
}

/* The lists of the screen's fields filled from the program's sources they name. */
static int
screen_enter_sources(struct screen *s, const struct tui_source *sources)
{
	const struct tui_source	*src;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < s->fd->nfields; i++)
		for (src = sources; s->fd->fields[i].source != NULL && src != NULL &&
		    src->name != NULL; src++)
			if (strcmp(src->name, s->fd->fields[i].source) == 0 &&
			    src->fill(s, s->fd->fields[i].name, s->fd->fields[i].source) == -1)
				rc = -1;
	return rc;
}

/*
 * What the program shows as the screen opens: its lists, its hook for every screen, then
 * the screen's own row. A failure the program has shown itself; -1 says there was one.
 */
static int
screen_enter(struct screen *s)
{
	const struct tui_program	*p = s->tui->program;
	const struct tui_enter		*e;
	int				 rc = 0;

	if (p == NULL)
		return 0;
	if (screen_enter_sources(s, p->sources) == -1)
		rc = -1;
	if (p->enter != NULL && p->enter(s, s->fd->id) == -1)
		rc = -1;
	for (e = p->enters; e != NULL && e->screen != NULL; e++)
		if (strcmp(e->screen, s->fd->id) == 0 && e->enter(s) == -1)
			rc = -1;
	return rc;
}

static int
screen_validate_all(struct screen *s)
{
	size_t	i;
	int	first = -1;

	for (i = 0; i < s->nw; i++)
		if (screen_validate(s, s->w[i]) == -1 && first == -1)
			first = (int)i;
	if (first != -1)
		s->focus = first;
	(void)screen_layout(s);
	return first == -1 ? 0 : -1;
}

/* 1 when a field shows a reason: the action left something to put right. */
static int
screen_errors(const struct screen *s)
{
	size_t	i;

	for (i = 0; i < s->nw; i++)
		if (s->w[i]->error != NULL)
			return 1;
	return 0;
}

/* What an action's result does to the screen. */
static const struct {
	int			leaves;
	enum screen_exit	exit;
} screen_results[] = {
	[ACTION_STAY] = { 0, SCREEN_NEXT },
	[ACTION_NEXT] = { 1, SCREEN_NEXT },
	[ACTION_BACK] = { 1, SCREEN_BACK },
	[ACTION_QUIT] = { 1, SCREEN_QUIT },
	[ACTION_GOTO] = { 1, SCREEN_GOTO },
};

static void
screen_press(struct screen *s, size_t i)
{
	const struct formdef_button	*b = &s->fd->buttons[i];
	const struct tui_action		*a = screen_action(s, b->action);
	enum action_result		 r;
	unsigned			 boxes;

	/* Buttons that leave without taking the values need no valid values. */
	if (a == NULL || (!(a->flags & TUI_ACTION_LEAVES) && screen_validate_all(s) == -1))
		return;
	s->go = s->go_from = NULL;
	boxes = s->boxes;
	r = a->run(s);
	if (r == ACTION_STAY && s->boxes == boxes && !screen_errors(s))
		screen_snapshot(s);
	if ((size_t)r >= sizeof screen_results / sizeof screen_results[0] ||
	    !screen_results[r].leaves || s->done)
		return;
	s->done = 1;
	s->exit = screen_results[r].exit;
	s->target = r == ACTION_GOTO && s->go != NULL ? s->go : b->target;
	s->tui->go_from = r == ACTION_GOTO && s->go != NULL ? s->go_from : NULL;
}

int
screen_go(struct screen *s, const char *screen_id)
{
	const struct formdef	*fd = tui_form(s->tui, screen_id);

	if (fd == NULL)
		return -1;
	s->go = fd->id;		/* lives as long as the loaded screens */
	s->go_from = NULL;
	return 0;
}

int
screen_go_from(struct screen *s, const char *screen_id, const char *from_id)
{
	const struct formdef	*from = tui_form(s->tui, from_id);

	if (from == NULL || screen_go(s, screen_id) == -1)
		return -1;
	s->go_from = from->id;
	return 0;
}

/* Enter in a field goes on to the next one; a chosen item presses the first button. */
static void
screen_widget_result(struct screen *s, struct widget *w, enum widget_result r)
{
	if (r == WIDGET_CHANGED && w->error != NULL) {
		screen_error_put(s, w, NULL);
		(void)screen_layout(s);
	} else if (r == WIDGET_CHANGED)
		(void)screen_layout(s);	/* a widget may grow (a checklist, a list) */
	if (r == WIDGET_REFUSED) {
		/* The widget said why under itself; the line may need a row. */
		(void)beep();
		(void)screen_layout(s);
	}
	if (r == WIDGET_ACTIVATED) {
		if (s->fd->nbuttons > 0)
			screen_press(s, 0);
		else
			screen_focus_move(s, 1);
	}
}

/*
 * After F2 an error line the field's own rules gave says it again in the new language; one
 * an action gave (the service's words) stays as it was.
 */
static void
screen_retranslate(struct screen *s)
{
	size_t	i;
	char	*msg;

	for (i = 0; i < s->nw; i++) {
		struct widget	*w = s->w[i];

		if (w->error == NULL || !w->ops->focusable)
			continue;
		msg = NULL;
		if (tui_validate(w->def->validator, w->ops->value(w), w->def->required,
		    &msg) == -1 && msg != NULL)
			screen_error_put(s, w, msg);
		free(msg);
	}
}

/* Whether a person types or ticks anything here (opening it again would lose that). */
static int
screen_takes_typing(const struct screen *s)
{
	static const char *const typed[] = { "entry", "digits", "email", "password",
	    "checkbox", "search", "folder", "captcha", "checklist", NULL };
	size_t	i, j;

	for (i = 0; i < s->nw; i++)
		for (j = 0; typed[j] != NULL; j++)
			if (strcmp(s->w[i]->ops->type, typed[j]) == 0)
				return 1;
	return 0;
}

/* Keys no widget took. */
static void
screen_key(struct screen *s, const struct uik_event *ev)
{
	int	on_button = (size_t)s->focus >= s->nw;
	int	bi = s->focus - (int)s->nw, nb = (int)s->fd->nbuttons;
	size_t	i;

	switch (ev->action) {
	case UIK_NEXT: case UIK_DOWN:
		screen_focus_move(s, 1);
		break;
	case UIK_PREV: case UIK_UP:
		screen_focus_move(s, -1);
		break;
	case UIK_RIGHT:
		if (on_button && nb > 0)
			s->focus = (int)s->nw + (bi + 1) % nb;
		break;
	case UIK_LEFT:
		if (on_button && nb > 0)
			s->focus = (int)s->nw + (bi + nb - 1) % nb;
		break;
	case UIK_ACTIVATE: case UIK_TOGGLE:
		if (on_button)
			screen_press(s, (size_t)bi);
		else if (ev->action == UIK_ACTIVATE)
			screen_focus_move(s, 1);
		break;
	case UIK_PGDN:
		s->top += screen_body_rows(s) - 1;
		break;
	case UIK_PGUP:
		s->top -= screen_body_rows(s) - 1;
		break;
	case UIK_BACK:
		s->done = 1;
		s->exit = SCREEN_BACK;
		break;
	case UIK_QUIT:
		if (!screen_quit_ok(s))
			break;
		s->done = 1;
		s->exit = SCREEN_QUIT;
		break;
	case UIK_HELP:
		screen_help(s);
		break;
	case UIK_LANG:
		if (tui_lang_next(s->tui, NULL) == 0) {
			screen_retranslate(s);
			/* What the actions wrote in words follows, where nothing typed is lost. */
			if (!screen_takes_typing(s)) {
				(void)screen_enter(s);
				screen_snapshot(s);
			}
			(void)screen_layout(s);
		}
		break;
	case UIK_REDRAW:
		(void)clearok(curscr, TRUE);
		break;
	case UIK_REFRESH:
		/* No widget wanted F5: the screen's own button for it, if it has one. */
		for (i = 0; i < s->fd->nbuttons; i++)
			if (screen_action_is(s, s->fd->buttons[i].action, TUI_ACTION_F5)) {
				screen_press(s, i);
				break;
			}
		break;
	default:
		break;
	}
}

static int
screen_dispatch(struct screen *s, const struct uik_event *ev, char **cause)
{
	struct widget		*w = (size_t)s->focus < s->nw ? s->w[s->focus] : NULL;
	enum widget_result	 r = WIDGET_IGNORED;

	if (ev->action == UIK_RESIZE)
		return screen_rebuild(s, cause);
	if (w != NULL && ev->action != UIK_QUIT && ev->action != UIK_LANG &&
	    ev->action != UIK_HELP && ev->action != UIK_REDRAW)
		r = w->ops->key(w, ev);
	if (r == WIDGET_IGNORED)
		screen_key(s, ev);
	else
		screen_widget_result(s, w, r);
	if (!s->done) {
		if (ev->action == UIK_PGDN || ev->action == UIK_PGUP) {
			/* Paging the body keeps the top where it was put, not on the focus. */
			int	rows = screen_body_rows(s);

			if (s->top > s->pad_h - rows)
				s->top = s->pad_h - rows;
			if (s->top < 0)
				s->top = 0;
			screen_draw_body(s);
			screen_draw_title(s);
			screen_draw_bar(s);
			screen_refresh(s);
		} else
			screen_draw(s);
	}
	return 0;
}

/* ---- the run ---- */

static void
screen_free(struct screen *s)
{
	size_t	i;

	for (i = 0; i < s->nw; i++)
		widget_free(s->w[i]);
	free(s->w);
	free(s->b);
	free(s->progress);
	json_decref(s->base);
	screen_windows_free(s);
}

static int
screen_open(struct screen *s, char **cause)
{
	size_t	i;

	if ((s->w = calloc(s->fd->nfields + 1, sizeof *s->w)) == NULL ||
	    (s->b = calloc(s->fd->nbuttons + 1, sizeof *s->b)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	for (i = 0; i < s->fd->nfields; i++) {
		if ((s->w[i] = widget_new(&s->tui->look, &s->fd->fields[i], cause)) == NULL)
			return -1;
		s->nw = i + 1;
	}
	s->focus = screen_focus_first(s);
	return screen_windows(s, cause);
}

static json_t *
screen_values(struct screen *s)
{
	/* Secrets never leave the widget; text shown, not typed, is no value. */
	static const char *const skip[] = { "password", "text", "progress", NULL };
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; o != NULL && i < s->nw; i++) {
		struct widget	*w = s->w[i];
		const char	*v;
		size_t		 k;

		for (k = 0; skip[k] != NULL; k++)
			if (strcmp(w->def->type, skip[k]) == 0)
				break;
		if (skip[k] != NULL || (v = w->ops->value(w)) == NULL)
			continue;
		(void)json_object_set_new(o, w->def->name, json_string(v));
	}
	return o;
}

int
screen_run_values(struct tui *tui, const struct formdef *fd, enum screen_exit *exit,
    const char **target, json_t **values, char **cause)
{
	struct screen		s = { .tui = tui, .fd = fd };
	struct uik_event	ev;
	int			rc = -1;

	*exit = SCREEN_QUIT;
	*target = NULL;
	if (values != NULL)
		*values = NULL;
	if (screen_open(&s, cause) == -1)
		goto out;
	if (tui_too_small(tui) == -1 || *tui->stop)
		s.done = 1;
	else if (screen_rebuild(&s, cause) == -1)
		goto out;
	/* The actions fill lists and restore values; a failure they show themselves. */
	if (!s.done)
		(void)screen_enter(&s);
	screen_snapshot(&s);
	if (!s.done)
		screen_draw(&s);
	while (!s.done) {
		if (*tui->stop || keys_read(s.in, &ev) == -1) {
			s.exit = SCREEN_QUIT;
			break;
		}
		if (ev.action != UIK_NONE && screen_dispatch(&s, &ev, cause) == -1)
			goto out;
	}
	*exit = s.exit;
	*target = s.target;
	if (values != NULL)
		*values = screen_values(&s);
	rc = 0;
out:
	screen_free(&s);
	return rc;
}

int
screen_run(struct tui *tui, const struct formdef *fd, enum screen_exit *exit,
    const char **target, char **cause)
{
	return screen_run_values(tui, fd, exit, target, NULL, cause);
}

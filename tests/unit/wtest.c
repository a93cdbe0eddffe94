/* wtest — see wtest.h. */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "wtest.h"

/* One attribute per role a test tells apart: the cursor, a field, a label, an alert. */
int
tui_look_attr(const struct tui_look *look, enum tui_color c)
{
	(void)look;
	switch (c) {
	case TC_FIELD_FOCUS:
		return A_REVERSE;
	case TC_FIELD:
		return A_UNDERLINE;
	case TC_LABEL:
		return A_BOLD;
	case TC_ERROR:
		return A_BLINK;
	default:
		return A_NORMAL;
	}
}

const char *
formdef_text_get(const struct formdef_text *t, const char *lang)
{
	const char	*s = NULL;

	if (lang != NULL && strcmp(lang, "kk") == 0)
		s = t->kk;
	else if (lang != NULL && strcmp(lang, "ru") == 0)
		s = t->ru;
	return s != NULL ? s : t->en;
}

int
wtest_term_setup(void **state)
{
	struct wtest_term	*t;

	if (setlocale(LC_ALL, "C.UTF-8") == NULL || (t = calloc(1, sizeof *t)) == NULL)
		return -1;
	if ((t->out = fopen("/dev/null", "w")) == NULL ||
	    (t->in = fopen("/dev/null", "r")) == NULL ||
	    (t->sp = newterm("xterm", t->out, t->in)) == NULL ||
	    (t->win = newwin(24, 80, 0, 0)) == NULL) {
		if (t->out != NULL)
			(void)fclose(t->out);
		if (t->in != NULL)
			(void)fclose(t->in);
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

int
wtest_term_teardown(void **state)
{
	struct wtest_term	*t = *state;

	(void)delwin(t->win);
	(void)endwin();
	delscreen(t->sp);
	(void)fclose(t->out);
	(void)fclose(t->in);
	free(t);
	return 0;
}

/* The character and attributes of one cell. */
static wchar_t
wtest_cell(WINDOW *win, int y, int x, attr_t *attrs)
{
	cchar_t	cc;
	wchar_t	wch[CCHARW_MAX + 1];
	short	pair;

	assert_int_not_equal(mvwin_wch(win, y, x, &cc), ERR);
	assert_int_not_equal(getcchar(&cc, wch, attrs, &pair, NULL), ERR);
	return wch[0];
}

const char *
wtest_seen(WINDOW *win, int y, int x, int n, char *buf, size_t sz)
{
	wchar_t	wbuf[256];
	attr_t	attrs;
	int	i;

	assert_true(n < 256);
	for (i = 0; i < n; i++)
		wbuf[i] = wtest_cell(win, y, x + i, &attrs);
	wbuf[n] = L'\0';
	assert_true(wcstombs(buf, wbuf, sz) != (size_t)-1);
	return buf;
}

const char *
wtest_seen_trim(WINDOW *win, int y, int x, int n, char *buf, size_t sz)
{
	size_t	len;

	for (len = strlen(wtest_seen(win, y, x, n, buf, sz)); len > 0 && buf[len - 1] == ' ';
	    len--)
		buf[len - 1] = '\0';
	return buf;
}

attr_t
wtest_seen_attr(WINDOW *win, int y, int x)
{
	attr_t	attrs;

	(void)wtest_cell(win, y, x, &attrs);
	return attrs;
}

enum widget_result
wtest_press(struct widget *w, enum uik a)
{
	struct uik_event	ev = { a, a == UIK_TOGGLE ? L' ' : 0 };

	return w->ops->key(w, &ev);
}

struct widget *
wtest_make(struct wtest_fixture *f, const char *type, const char *kk, const char *en,
    int height, int y, int x, int w, int label_w)
{
	struct widget	*wd;
	char		*cause = NULL;

	memset(f, 0, sizeof *f);
	(void)snprintf(f->type, sizeof f->type, "%s", type);
	f->def.name = f->type;
	f->def.type = f->type;
	/* formdef_text is not const: it is also what the form loader fills. */
	f->def.label.kk = (char *)(uintptr_t)kk;
	f->def.label.en = (char *)(uintptr_t)en;
	f->def.height = height;
	(void)snprintf(f->look.lang, sizeof f->look.lang, "kk");
	if ((wd = widget_new(&f->look, &f->def, &cause)) == NULL)
		fail_msg("widget_new: %s", cause != NULL ? cause : "?");
	wd->y = y;
	wd->x = x;
	wd->w = w;
	wd->label_w = label_w;
	wd->h = wd->ops->rows(wd, w);
	return wd;
}

void
wtest_items(struct widget *w, const char *json)
{
	json_error_t	 err;
	json_t		*j;
	char		*cause = NULL;

	if ((j = json_loads(json, 0, &err)) == NULL)
		fail_msg("json: %s", err.text);
	if (w->ops->set_items(w, j, &cause) == -1)
		fail_msg("set_items: %s", cause);
	json_decref(j);
}

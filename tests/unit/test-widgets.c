/*
 * The list, search list, folder picker, captcha and value widgets, driven without a real
 * terminal: actions go in as the key boundary would send them, values come out, and what a
 * person would see is read back from the cells of an ncurses window on /dev/null (Kazakh
 * letters whole, columns where they belong). The window, the cell readers and the stand-ins
 * for the engine are wtest.c's; the widget table holds just the widgets under test.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include <cmocka.h>

#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-captcha.h"
#include "tui/widget-list.h"
#include "wtest.h"

const struct widget_ops *const widget_table[] = {
	&widget_list_ops, &widget_search_ops, &widget_folder_ops, &widget_captcha_ops,
	&widget_value_ops, &widget_bignum_ops, NULL
};

static void
type(struct widget *w, const wchar_t *s)
{
	struct uik_event	ev;

	for (; *s != L'\0'; s++) {
		ev.action = *s == L' ' ? UIK_TOGGLE : UIK_CHAR;
		ev.ch = (wint_t)*s;
		(void)w->ops->key(w, &ev);
	}
}

static void
erase_n(struct widget *w, int n)
{
	while (n-- > 0)
		(void)wtest_press(w, UIK_BACKSPACE);
}

static const char roles_json[] = "["
    "{\"id\":\"ROLE01\",\"name\":{\"kk\":\"Бірінші басшы\",\"ru\":\"Первый руководитель\","
    "\"en\":\"First head\"}},"
    "{\"id\":\"ROLE02\",\"name\":{\"kk\":\"Қол қою құқығы бар тұлға\","
    "\"ru\":\"Лицо с правом подписи\",\"en\":\"Person with the right of signature\"}},"
    "{\"id\":\"ROLE03\",\"name\":{\"kk\":\"Қаржылық құжаттарға қол қою\","
    "\"ru\":\"Подпись финансовых документов\",\"en\":\"Financial documents\"}},"
    "{\"id\":\"ROLE04\",\"name\":{\"ru\":\"Кадровые документы\",\"en\":\"HR\"}},"
    "{\"id\":\"ROLE05\",\"name\":{\"en\":\"Employee\"}},"
    "{\"code\":\"1234567\"}]";

static void
test_list_choose(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	json_t			*bad;
	char			 buf[512], *cause = NULL;

	w = wtest_make(&f, "list", "Рөл", "Role", 4, 2, 0, 60, 20);
	assert_int_equal(w->h, 4);
	assert_true(w->ops->focusable);
	wtest_items(w, roles_json);
	assert_string_equal(w->ops->value(w), "");
	assert_int_equal(wtest_press(w, UIK_UP), WIDGET_IGNORED);	/* the screen moves focus */
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);
	assert_string_equal(w->ops->value(w), "");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_string_equal(w->ops->value(w), "ROLE03");
	assert_int_equal(wtest_press(w, UIK_END), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_IGNORED);
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "1234567");	/* a {code} item */
	assert_int_equal(wtest_press(w, UIK_HOME), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_PGDN), WIDGET_CONSUMED);	/* a page less one row */
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_string_equal(w->ops->value(w), "ROLE04");
	assert_int_equal(wtest_press(w, UIK_PGUP), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_string_equal(w->ops->value(w), "ROLE01");
	assert_int_equal(wtest_press(w, UIK_BACK), WIDGET_IGNORED);

	/* Kazakh names, ru then en where kk is missing, the label in its column. */
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 2, 0, 20, buf, sizeof buf), "Рөл");
	assert_string_equal(wtest_seen_trim(t->win, 2, 20, 40, buf, sizeof buf), "*Бірінші басшы");
	assert_string_equal(wtest_seen_trim(t->win, 3, 20, 40, buf, sizeof buf),
	    " Қол қою құқығы бар тұлға");
	assert_string_equal(wtest_seen_trim(t->win, 5, 20, 39, buf, sizeof buf),
	    " Кадровые документы");
	assert_string_equal(wtest_seen(t->win, 5, 59, 1, buf, sizeof buf), "\u2193");	/* more */
	assert_true(wtest_seen_attr(t->win, 2, 21) & A_REVERSE);	/* the cursor row */
	assert_false(wtest_seen_attr(t->win, 3, 21) & A_REVERSE);
	assert_int_equal(w->cury, 2);
	assert_int_equal(w->curx, 20);
	assert_int_equal(wtest_press(w, UIK_END), WIDGET_CONSUMED);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 5, 20, 40, buf, sizeof buf), " 1234567");
	assert_string_equal(wtest_seen_trim(t->win, 4, 20, 40, buf, sizeof buf), " Employee");
	assert_string_equal(wtest_seen(t->win, 2, 59, 1, buf, sizeof buf), "\u2191");

	/* A narrow column cuts between letters and says so. */
	w->w = 34;
	assert_int_equal(wtest_press(w, UIK_HOME), WIDGET_CONSUMED);
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen(t->win, 3, 20, 14, buf, sizeof buf), " Қол қою құқ\u2026 ");
	assert_string_equal(wtest_seen(t->win, 3, 34, 1, buf, sizeof buf),
	    " ");	/* nothing past */
	assert_int_equal(w->cury, -1);

	f.look.lang[0] = 'e', f.look.lang[1] = 'n';
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 2, 20, 14, buf, sizeof buf), "*First head");

	assert_int_equal(w->ops->set_value(w, "ROLE02", &cause), 0);
	assert_string_equal(w->ops->value(w), "ROLE02");
	assert_int_equal(w->ops->set_value(w, "ROLE99", &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_string_equal(w->ops->value(w), "ROLE02");

	/* Bad data is refused and the old items stay; new items drop a stale choice. */
	assert_non_null(bad = json_object());
	assert_int_equal(w->ops->set_items(w, bad, &cause), -1);
	json_decref(bad);
	free(cause);
	cause = NULL;
	assert_non_null(bad = json_pack("[{s:s}]", "name", "x"));
	assert_int_equal(w->ops->set_items(w, bad, &cause), -1);
	assert_non_null(cause);
	json_decref(bad);
	free(cause);
	cause = NULL;
	assert_string_equal(w->ops->value(w), "ROLE02");
	wtest_items(w, "[{\"id\":\"almaty\",\"name\":{\"kk\":\"Алматы\"}}]");
	assert_string_equal(w->ops->value(w), "");
	widget_free(w);
}

static void
test_list_restore_before_items(void **state)
{
	struct wtest_fixture	 f;
	struct widget		*w;
	char			*cause = NULL;

	(void)state;
	w = wtest_make(&f, "list", NULL, "City", 0, 0, 0, 60, 20);
	assert_int_equal(w->h, 8);
	assert_int_equal(w->ops->set_value(w, "semey", &cause), 0);
	assert_string_equal(w->ops->value(w), "semey");
	wtest_items(w, "[{\"id\":\"kurchatov\",\"name\":{\"kk\":\"Курчатов\"}},"
	    "{\"id\":\"semey\",\"name\":{\"kk\":\"Семей\"}}]");
	assert_string_equal(w->ops->value(w), "semey");
	assert_string_equal(widget_list_current(w), "semey");
	widget_free(w);
}

static const char regions_json[] = "["
    "{\"id\":\"abai\",\"name\":{\"kk\":\"Абай облысы\",\"ru\":\"область Абай\","
    "\"en\":\"Abai Region\"}},"
    "{\"id\":\"akmola\",\"name\":{\"kk\":\"Ақмола облысы\",\"ru\":\"Акмолинская область\","
    "\"en\":\"Akmola Region\"}},"
    "{\"id\":\"almaty\",\"name\":{\"kk\":\"Алматы облысы\",\"ru\":\"Алматинская область\","
    "\"en\":\"Almaty Region\"}},"
    "{\"id\":\"karaganda\",\"name\":{\"kk\":\"Қарағанды облысы\","
    "\"ru\":\"Карагандинская область\",\"en\":\"Karaganda Region\"}},"
    "{\"id\":\"kostanay\",\"name\":{\"kk\":\"Қостанай облысы\","
    "\"ru\":\"Костанайская область\",\"en\":\"Kostanay Region\"}},"
    "{\"id\":\"east\",\"name\":{\"kk\":\"Шығыс Қазақстан облысы\","
    "\"ru\":\"Восточно-Казахстанская область\",\"en\":\"East Kazakhstan Region\"}},"
    "{\"id\":\"ulytau\",\"name\":{\"kk\":\"Ұлытау облысы\",\"ru\":\"область Ұлытау\","
    "\"en\":\"Ulytau Region\"}}]";

/* The search list's row under the cursor (drawn focused: reversed), or "" for none. */
static const char *
search_cursor(struct wtest_term *t, struct widget *w, char *buf, size_t sz)
{
	int	r, x = w->x + w->label_w;

	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	for (r = w->y + 1; r < w->y + w->h; r++)
		if (wtest_seen_attr(t->win, r, x + 1) & A_REVERSE)
			return wtest_seen_trim(t->win, r, x + 1, w->w - w->label_w - 2, buf, sz);
	buf[0] = '\0';
	return buf;
}

static void
test_search_kazakh(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	char			 buf[512];

	w = wtest_make(&f, "search", "Облыс", "Region", 5, 1, 0, 70, 16);
	assert_int_equal(w->h, 6);
	wtest_items(w, regions_json);
	type(w, L"қар");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 1, 0, 16, buf, sizeof buf), "Облыс");
	assert_string_equal(wtest_seen_trim(t->win, 1, 16, 54, buf, sizeof buf), "> қар");
	assert_int_equal(w->cury, 1);
	assert_int_equal(w->curx, 16 + 2 + 3);	/* after the third letter, not byte */
	assert_string_equal(wtest_seen_trim(t->win, 2, 16, 54, buf, sizeof buf),
	    " Қарағанды облысы");
	assert_string_equal(wtest_seen_trim(t->win, 3, 16, 54, buf, sizeof buf), "");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_string_equal(w->ops->value(w), "karaganda");

	/* Upper case finds the same; Backspace takes one letter, not one byte. */
	erase_n(w, 3);
	type(w, L"ҚАР");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Қарағанды облысы");
	erase_n(w, 1);
	type(w, L"о");					/* "қао": nothing */
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CONSUMED);
	assert_string_equal(w->ops->value(w), "karaganda");
	erase_n(w, 2);					/* "қ", anywhere */
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Ақмола облысы");
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Қарағанды облысы");
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Қостанай облысы");
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);	/* Шығыс Қазақстан */
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_IGNORED);
	erase_n(w, 1);

	/* Spaces typed as Space, ids, and ұ ы ғ too. */
	type(w, L"шығыс қ");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Шығыс Қазақстан облысы");
	erase_n(w, 7);
	type(w, L"ұлы");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Ұлытау облысы");
	erase_n(w, 3);
	type(w, L"kost");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Қостанай облысы");
	erase_n(w, 10);					/* more than typed: harmless */
	type(w, L"облысы");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 2, 16, 54, buf, sizeof buf), " Абай облысы");
	assert_string_equal(wtest_seen_trim(t->win, 6, 16, 53, buf, sizeof buf),
	    " Қостанай облысы");
	assert_string_equal(wtest_seen(t->win, 6, 69, 1, buf, sizeof buf), "\u2193");
	erase_n(w, 6);

	/* F2 to English filters the English names again, without a key. */
	type(w, L"region");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "");
	f.look.lang[0] = 'e', f.look.lang[1] = 'n';
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Abai Region");
	erase_n(w, 6);

	/* In Russian the Russian names are searched. */
	f.look.lang[0] = 'r', f.look.lang[1] = 'u';
	type(w, L"КАР");
	assert_string_equal(search_cursor(t, w, buf, sizeof buf), "Карагандинская область");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	widget_free(w);
}

static void
test_value_wrap(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	char			 buf[512], joined[512] = "", *cause = NULL;
	const char		*name =
	    "«ҚАЗАҚСТАН ТЕМІР ЖОЛЫ» ұлттық компаниясы акционерлік қоғамы";
	int			 r;

	w = wtest_make(&f, "value", "Ұйым", "Organization", 0, 3, 0, 40, 12);
	assert_false(w->ops->focusable);
	assert_int_equal(w->h, 1);
	assert_int_equal(w->ops->set_value(w, name, &cause), 0);
	assert_string_equal(w->ops->value(w), name);
	w->h = w->ops->rows(w, 40);
	assert_int_equal(w->h, 3);		/* 28 columns: three lines, whole words */
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 3, 0, 12, buf, sizeof buf), "Ұйым");
	for (r = 0; r < w->h; r++) {
		wtest_seen_trim(t->win, 3 + r, 12, 28, buf, sizeof buf);
		assert_true(buf[0] != '\0');
		if (r > 0)
			strcat(joined, " ");
		strcat(joined, buf);
	}
	assert_string_equal(joined, name);
	assert_string_equal(wtest_seen_trim(t->win, 3, 12, 28, buf, sizeof buf),
	    "«ҚАЗАҚСТАН ТЕМІР ЖОЛЫ»");
	assert_string_equal(wtest_seen(t->win, 3, 40, 1, buf, sizeof buf), " ");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_IGNORED);

	/* A word wider than the line is cut between letters. */
	assert_int_equal(w->ops->set_value(w, "ҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚҚ", &cause), 0);
	assert_int_equal(w->ops->rows(w, 40), 2);
	assert_int_equal(w->ops->set_value(w, "", &cause), 0);
	assert_int_equal(w->ops->rows(w, 40), 1);
	widget_free(w);
}

/* The 3x3 cells of the large digit drawn at (y, x), as one string. */
static void
bignum_glyph(WINDOW *win, int y, int x, char *buf, size_t sz)
{
	char	row[64];
	int	r;

	buf[0] = '\0';
	for (r = 0; r < 3; r++) {
		wtest_seen(win, y + r, x, 3, row, sizeof row);
		(void)strncat(buf, row, sz - strlen(buf) - 1);
	}
}

/*
 * The request number drawn large reads back as the same digits: the glyphs are learnt
 * from the widget itself ("0123456789"), must all differ, and then the 28 digits of a
 * number are read off the screen at the positions a person's eye goes: four groups of
 * four on the first row of digits, three on the second, at 76 columns.
 */
static void
test_bignum(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	char			 font[10][64], glyph[64], buf[128], read[32] = "";
	char			*cause = NULL;
	const char		*number = "4710-2934-8856-0017-3392-6648-1205";
	int			 d, e, i, group, col;

	w = wtest_make(&f, "bignum", "Сұраныс нөмірі", "Request number", 0, 2, 0, 76, 20);
	assert_false(w->ops->focusable);
	assert_int_equal(w->ops->set_value(w, "0123456789", &cause), 0);
	w->h = w->ops->rows(w, 76);
	assert_int_equal(w->h, 2 + 4);	/* ten digits: three groups, one row */
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 2, 20, 40, buf, sizeof buf), "0123456789");
	for (d = 0; d < 10; d++) {
		group = d / 4;
		col = 2 + group * 18 + (d % 4) * 4;
		bignum_glyph(t->win, 4, col, font[d], sizeof font[d]);
		assert_true(strlen(font[d]) > 3);
		for (e = 0; e < d; e++)
			assert_string_not_equal(font[d], font[e]);
	}

	assert_int_equal(w->ops->set_value(w, number, &cause), 0);
	assert_string_equal(w->ops->value(w), number);
	w->h = w->ops->rows(w, 76);
	assert_int_equal(w->h, 2 + 2 * 4);	/* 4 + 3 groups: two rows of digits */
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 2, 20, 56, buf, sizeof buf), number);
	for (i = 0; i < 28; i++) {
		group = i / 4;
		col = 2 + (group % 4) * 18 + (i % 4) * 4;
		bignum_glyph(t->win, 4 + (group / 4) * 4, col, glyph, sizeof glyph);
		for (d = 0; d < 10 && strcmp(glyph, font[d]) != 0; d++)
			;
		assert_true(d < 10);
		read[i] = (char)('0' + d);
	}
	assert_string_equal(read, "4710293488560017339266481205");
	/* Everything stays inside its 76 columns; narrower, more rows of digits. */
	assert_string_equal(wtest_seen(t->win, 4, 76, 4, buf, sizeof buf), "    ");
	assert_int_equal(w->ops->rows(w, 40), 2 + 4 * 4);
	widget_free(w);
}

static void
test_captcha(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	char			 buf[512], *cause = NULL;
	/* 6 x 3: top row ink at 0,1; middle at 0,2; bottom at 4. */
	static const unsigned char bits[] = {
		1, 1, 0, 0, 0, 0,
		1, 0, 1, 0, 0, 0,
		0, 0, 0, 0, 1, 0,
	};

	w = wtest_make(&f, "captcha", "Код", "Code", 0, 0, 0, 30, 10);
	assert_int_equal(w->h, 9);			/* 8 picture lines + the entry */
	assert_int_equal(widget_captcha_set_picture(w, 6, 3, bits), 0);
	assert_int_equal(widget_captcha_set_picture(w, 0, 3, bits), -1);
	w->h = w->ops->rows(w, 30);
	assert_int_equal(w->h, 3);
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	/* Centred in 30 columns: x = 12. */
	assert_string_equal(wtest_seen(t->win, 0, 12, 6, buf, sizeof buf), "\u2588\u2580\u2584   ");
	assert_string_equal(wtest_seen(t->win, 1, 12, 6, buf, sizeof buf), "    \u2580 ");
	assert_true(wtest_seen_attr(t->win, 0, 12) & A_UNDERLINE);	/* TC_FIELD */

	type(w, L"a");
	assert_string_equal(w->ops->value(w), "A");
	type(w, L"b1-ж ");
	assert_string_equal(w->ops->value(w), "AB1");
	type(w, L"cdefghij");
	assert_string_equal(w->ops->value(w), "AB1CDEFG");	/* 8 at most */
	assert_int_equal(wtest_press(w, UIK_BACKSPACE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "AB1CDEF");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_IGNORED);	/* the screen's */
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 2, 0, 10, buf, sizeof buf), "Код");
	assert_string_equal(wtest_seen(t->win, 2, 10, 10, buf, sizeof buf), "> AB1CDEF ");
	assert_int_equal(w->cury, 2);
	assert_int_equal(w->curx, 10 + 2 + 7);

	assert_int_equal(widget_captcha_wants_new(w), 0);
	assert_int_equal(wtest_press(w, UIK_REFRESH), WIDGET_ACTIVATED);
	assert_int_equal(widget_captcha_wants_new(w), 1);
	assert_string_equal(w->ops->value(w), "");
	assert_int_equal(widget_captcha_set_picture(w, 6, 3, bits), 0);
	assert_int_equal(widget_captcha_wants_new(w), 0);

	assert_int_equal(w->ops->set_value(w, "x7k", &cause), 0);
	assert_string_equal(w->ops->value(w), "X7K");
	assert_int_equal(w->ops->set_value(w, "ж", &cause), -1);
	free(cause);
	widget_free(w);
}

/* ---- the folder picker, in a temporary folder ---- */

static char *
path_in(const char *dir, const char *name)
{
	char	*p;

	assert_int_not_equal(asprintf(&p, "%s/%s", dir, name), -1);
	return p;
}

static void
mkdir_in(const char *dir, const char *name, mode_t mode)
{
	char	*p = path_in(dir, name);

	assert_int_equal(mkdir(p, mode), 0);
	free(p);
}

static void
rmdir_in(const char *dir, const char *name)
{
	char	*p = path_in(dir, name);

	(void)chmod(p, 0700);
	(void)rmdir(p);
	free(p);
}

/* Moves the cursor to the row that shows this text and presses Enter. */
static enum widget_result
folder_enter(struct wtest_term *t, struct widget *w, const char *row)
{
	char	buf[512];
	int	r;

	(void)wtest_press(w, UIK_HOME);
	for (r = 0; r < 40; r++) {
		(void)werase(t->win);
		w->ops->draw(w, t->win, 1);
		if (strcmp(wtest_seen_trim(t->win, w->cury, w->curx + 1,
		    w->w - w->label_w - 2, buf, sizeof buf), row) == 0)
			return wtest_press(w, UIK_ACTIVATE);
		if (wtest_press(w, UIK_DOWN) == WIDGET_IGNORED)
			break;
	}
	fail_msg("no row \"%s\"", row);
	return WIDGET_IGNORED;
}

static void
test_folder(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	struct stat		 sb;
	char			 tmpl[] = "/tmp/test-widgets.XXXXXX", buf[512];
	char			*dir, *p, *old_home, *cause = NULL;
	FILE			*fp;

	assert_non_null(dir = mkdtemp(tmpl));
	assert_non_null(dir = realpath(dir, NULL));
	mkdir_in(dir, "b", 0755);
	mkdir_in(dir, "a", 0755);
	mkdir_in(dir, "Қазақ", 0755);
	mkdir_in(dir, ".hid", 0755);
	mkdir_in(dir, "locked", 0000);
	p = path_in(dir, "f");
	assert_non_null(fp = fopen(p, "w"));
	assert_int_equal(fclose(fp), 0);
	free(p);
	old_home = getenv("HOME") != NULL ? strdup(getenv("HOME")) : NULL;
	assert_int_equal(setenv("HOME", dir, 1), 0);

	w = wtest_make(&f, "folder", "Бума", "Folder", 8, 0, 0, 78, 12);
	assert_int_equal(w->h, 9);
	assert_string_equal(w->ops->value(w), "");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 0, 0, 12, buf, sizeof buf), "Бума");
	assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), dir);
	assert_string_equal(wtest_seen_trim(t->win, 1, 13, 64, buf, sizeof buf),
	    "[Choose this folder]");
	assert_string_equal(wtest_seen_trim(t->win, 2, 13, 64, buf, sizeof buf), "[New folder…]");
	assert_string_equal(wtest_seen_trim(t->win, 3, 13, 64, buf, sizeof buf),
	    "[Show hidden folders]");
	assert_string_equal(wtest_seen_trim(t->win, 4, 13, 64, buf, sizeof buf), "..");
	assert_string_equal(wtest_seen_trim(t->win, 5, 13, 64, buf, sizeof buf), "a/");
	assert_string_equal(wtest_seen_trim(t->win, 6, 13, 64, buf, sizeof buf), "b/");
	assert_string_equal(wtest_seen_trim(t->win, 7, 13, 64, buf, sizeof buf), "locked/");
	assert_string_equal(wtest_seen_trim(t->win, 8, 13, 64, buf, sizeof buf), "Қазақ/");

	/* Open "a", choose it; ".." comes back with the cursor on "a/". */
	assert_int_equal(folder_enter(t, w, "a/"), WIDGET_CHANGED);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);	/* row 1: choose */
	p = path_in(dir, "a");
	assert_string_equal(w->ops->value(w), p);
	free(p);
	assert_int_equal(folder_enter(t, w, ".."), WIDGET_CHANGED);
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), dir);
	assert_string_equal(wtest_seen_trim(t->win, w->cury, 13, 64, buf, sizeof buf), "a/");

	/* Hidden folders on and off. */
	assert_int_equal(folder_enter(t, w, "[Show hidden folders]"), WIDGET_CHANGED);
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 3, 13, 64, buf, sizeof buf),
	    "[Hide hidden folders]");
	assert_string_equal(wtest_seen_trim(t->win, 5, 13, 64, buf, sizeof buf), ".hid/");
	assert_int_equal(folder_enter(t, w, "[Hide hidden folders]"), WIDGET_CHANGED);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 5, 13, 64, buf, sizeof buf), "a/");

	/* A folder it cannot open is refused with the reason (root opens anything). */
	if (geteuid() != 0) {
		assert_int_equal(folder_enter(t, w, "locked/"), WIDGET_REFUSED);
		assert_non_null(w->error);
		assert_non_null(strstr(w->error, "locked"));
		w->ops->draw(w, t->win, 1);
		assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), dir);
	}

	/* One that went away after it was listed: refused, the listing stays. */
	rmdir_in(dir, "b");
	assert_int_equal(folder_enter(t, w, "b/"), WIDGET_REFUSED);
	assert_non_null(w->error);
	assert_non_null(strstr(w->error, "b:"));
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), dir);

	/* A new folder: Esc cancels, an empty name is refused, "/" cannot be typed. */
	assert_int_equal(folder_enter(t, w, "[New folder…]"), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_BACK), WIDGET_CONSUMED);
	assert_int_equal(folder_enter(t, w, "[New folder…]"), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CONSUMED);
	assert_non_null(w->error);
	type(w, L"жаңа/ кілт");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf),
	    "New folder name: жаңа кілт");
	assert_int_equal(w->curx, 12 + 17 + 9);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CHANGED);
	assert_null(w->error);
	p = path_in(dir, "жаңа кілт");
	assert_int_equal(stat(p, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 077, 0);		/* 0700 */
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), p);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_string_equal(w->ops->value(w), p);
	free(p);

	/* A typed path, "/" and all: opened, the cursor on [Choose this folder]. */
	{
		wchar_t	wpath[512];
		char	want[600];

		(void)snprintf(want, sizeof want, "%s/Қазақ", dir);
		assert_true(mbstowcs(wpath, want, 512) != (size_t)-1);
		type(w, wpath);
		(void)werase(t->win);
		w->ops->draw(w, t->win, 1);
		assert_non_null(strstr(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf),
		    "Go to the folder: "));
		assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CHANGED);
		(void)werase(t->win);
		w->ops->draw(w, t->win, 1);
		assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), want);
		assert_string_equal(wtest_seen_trim(t->win, w->cury, 13, 64, buf, sizeof buf),
		    "[Choose this folder]");
		/* "~" is the home; a path that is not there is refused and stays to be fixed. */
		type(w, L"~/nowhere");
		assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_REFUSED);
		assert_non_null(strstr(w->error, "nowhere"));
		assert_int_equal(wtest_press(w, UIK_BACKSPACE), WIDGET_CONSUMED);
		erase_n(w, 7);
		assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CHANGED);
		(void)werase(t->win);
		w->ops->draw(w, t->win, 1);
		assert_string_equal(wtest_seen_trim(t->win, 0, 12, 66, buf, sizeof buf), dir);
	}

	/* A restored choice; a relative or missing one is refused. */
	assert_int_equal(w->ops->set_value(w, dir, &cause), 0);
	assert_string_equal(w->ops->value(w), dir);
	assert_int_equal(w->ops->set_value(w, "a", &cause), -1);
	free(cause);
	cause = NULL;
	p = path_in(dir, "missing");
	assert_int_equal(w->ops->set_value(w, p, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(p);
	widget_free(w);

	rmdir_in(dir, "жаңа кілт");
	rmdir_in(dir, "a");
	rmdir_in(dir, "b");
	rmdir_in(dir, "Қазақ");
	rmdir_in(dir, ".hid");
	rmdir_in(dir, "locked");
	p = path_in(dir, "f");
	(void)unlink(p);
	free(p);
	assert_int_equal(rmdir(dir), 0);
	free(dir);
	if (old_home != NULL)
		assert_int_equal(setenv("HOME", old_home, 1), 0);
	free(old_home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_choose),
		cmocka_unit_test(test_list_restore_before_items),
		cmocka_unit_test(test_search_kazakh),
		cmocka_unit_test(test_value_wrap),
		cmocka_unit_test(test_bignum),
		cmocka_unit_test(test_captcha),
		cmocka_unit_test(test_folder),
	};

	return cmocka_run_group_tests_name("widgets", tests, wtest_term_setup, wtest_term_teardown);
}

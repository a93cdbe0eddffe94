/*
 * The desk console's two widgets, rows (the queue's table) and checklist (the documents
 * seen), driven without a terminal as test-widgets.c drives the others: actions go in as
 * the key boundary sends them, values come out, and what a person would see is read back
 * from the cells of an ncurses window on /dev/null: the header's words in their columns,
 * Kazakh letters whole, a long name cut with "…", the urgent row and the cursor's row in
 * attributes of their own. The window, the cell readers and the stand-ins for the engine
 * are wtest.c's.
 */
#include "config.h"

#include <curses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui-look.h"
#include "tui/widget.h"
#include "wtest.h"

const struct widget_ops *const widget_table[] = {
	&widget_rows_ops, &widget_checklist_ops, NULL
};

/* Three applications, two lines each; the second has fewer than 7 days left. */
static const char queue_json[] = "{\"columns\": [[34, 10, 4, 0], [2, 30, 0]], \"items\": ["
    "{\"id\": \"A\", \"cells\": [[\"1111-1111-1111-1111-1111-1111-1111\", \"2026-11-25\","
    " \" 29\", {\"kk\": \"Қол қою құқығы бар тұлға\", \"en\": \"Signing\"}],"
    " [\"\", \"ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ\", \"ГУ «Өте ұзын атауы бар мемлекеттік мекеме "
    "және тағы басқа сөздер»\"]]},"
    "{\"id\": \"B\", \"alert\": true, \"cells\": [[\"2222-2222-2222-2222-2222-2222-2222\","
    " \"2026-10-30\", \"  4!\", \"HR\"], [\"\", \"КОВАЛЕНКО СЕРГЕЙ\", \"АО\"]]},"
    "{\"id\": \"C\", \"cells\": [[\"3333-3333-3333-3333-3333-3333-3333\", \"2026-11-20\","
    " \" 24\", \"HR\"], [\"\", \"X\", \"Y\"]]}]}";

static void
test_rows(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	json_t			*bad;
	char			 buf[512], *cause = NULL;

	w = wtest_make(&f, "rows", "Нөмір|Берілді|Күн|Рөлі\n|Өтініш беруші|Ұйым",
	    "Number|Submitted|Days|Role\n|Applicant|Organization", 8, 1, 2, 76, 0);
	assert_true(w->ops->focusable && w->ops->wide);
	assert_string_equal(w->ops->value(w), "");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE),
	    WIDGET_CONSUMED);	/* nothing to open */
	wtest_items(w, queue_json);
	w->h = w->ops->rows(w, w->w);
	assert_int_equal(w->h, 8);			/* 2 header lines, 3 items of 2 lines */
	assert_string_equal(w->ops->value(w), "A");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	/* The header's words in the items' columns, in Kazakh. */
	assert_string_equal(wtest_seen_trim(t->win, 1, 2, 35, buf, sizeof buf), "Нөмір");
	assert_string_equal(wtest_seen_trim(t->win, 1, 37, 11, buf, sizeof buf), "Берілді");
	assert_string_equal(wtest_seen_trim(t->win, 1, 48, 5, buf, sizeof buf), "Күн");
	assert_string_equal(wtest_seen_trim(t->win, 2, 5, 31, buf, sizeof buf), "Өтініш беруші");
	assert_true(wtest_seen_attr(t->win, 1, 2) & A_BOLD);
	/* An item: its cells where the columns put them, a long name cut with "…". */
	assert_string_equal(wtest_seen_trim(t->win, 3, 2, 34, buf, sizeof buf),
	    "1111-1111-1111-1111-1111-1111-1111");
	assert_string_equal(wtest_seen_trim(t->win, 3, 37, 10, buf, sizeof buf), "2026-11-25");
	assert_string_equal(wtest_seen_trim(t->win, 3, 53, 24, buf, sizeof buf),
	    "Қол қою құқығы бар тұлға");
	assert_string_equal(wtest_seen_trim(t->win, 4, 5, 30, buf, sizeof buf),
	    "ЖАҚСЫЛЫҚОВА ӘСЕЛ ҚАЙРАТҚЫЗЫ");
	assert_string_equal(wtest_seen_trim(t->win, 4, 36, 41, buf, sizeof buf),
	    "ГУ «Өте ұзын атауы бар мемлекеттік мекем\u2026");
	assert_string_equal(wtest_seen_trim(t->win, 4, 77, 1, buf, sizeof buf),
	    "");	/* the edge */
	/* The cursor's item reversed (both lines), the urgent one in the alert attribute. */
	assert_true(wtest_seen_attr(t->win, 3, 2) & A_REVERSE);
	assert_true(wtest_seen_attr(t->win, 4, 40) & A_REVERSE);
	assert_true(wtest_seen_attr(t->win, 5, 2) & A_BLINK);
	assert_false(wtest_seen_attr(t->win, 7, 2) & (A_BLINK | A_REVERSE));
	assert_int_equal(w->cury, 3);
	assert_int_equal(w->curx, 2);

	/* Keys: the ends pass the arrows on; Enter opens. */
	assert_int_equal(wtest_press(w, UIK_UP), WIDGET_IGNORED);
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_CONSUMED);
	assert_string_equal(w->ops->value(w), "B");
	assert_int_equal(wtest_press(w, UIK_END), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_IGNORED);
	assert_string_equal(w->ops->value(w), "C");
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_ACTIVATED);
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_IGNORED);
	w->ops->draw(w, t->win, 1);
	assert_true(wtest_seen_attr(t->win, 5, 2) & A_BLINK);	/* B, not the cursor now */
	assert_int_equal(w->cury, 7);

	/* A refresh keeps the cursor on its item; a gone one puts it first. */
	wtest_items(w, queue_json);
	assert_string_equal(w->ops->value(w), "C");
	assert_int_equal(w->ops->set_value(w, "B", &cause), 0);
	assert_string_equal(w->ops->value(w), "B");
	assert_int_equal(w->ops->set_value(w, "Z", &cause), 0);	/* not there: stays */
	assert_string_equal(w->ops->value(w), "B");

	/* F2: a cell of names follows the language. */
	(void)snprintf(f.look.lang, sizeof f.look.lang, "en");
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 1, 2, 35, buf, sizeof buf), "Number");
	assert_string_equal(wtest_seen_trim(t->win, 3, 53, 24, buf, sizeof buf), "Signing");
	assert_int_equal(w->cury, -1);				/* not focused: no cursor */

	/* Bad columns are refused and the items stay. */
	assert_non_null(bad = json_pack("{s:[s], s:[]}", "columns", "x", "items"));
	assert_int_equal(w->ops->set_items(w, bad, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	json_decref(bad);
	assert_string_equal(w->ops->value(w), "B");
	widget_free(w);

	/* An id set before the items arrive waits for them. */
	w = wtest_make(&f, "rows", "", "Number", 0, 1, 2, 76, 0);
	assert_int_equal(w->h, 12);
	assert_int_equal(w->ops->set_value(w, "C", &cause), 0);
	wtest_items(w, queue_json);
	assert_string_equal(w->ops->value(w), "C");
	widget_free(w);
}

static const char docs_json[] = "["
    "{\"code\": \"form\", \"name\": {\"kk\": \"Басып шығарылған өтініш (нөмірімен)\","
    " \"ru\": \"Распечатанное заявление (с номером)\", \"en\": \"The printed form\"}},"
    "{\"code\": \"identity\", \"name\": {\"kk\": \"Жеке басын куәландыратын құжат\","
    " \"en\": \"An identity document\"}},"
    "{\"code\": \"authority\", \"name\": {\"en\": \"An order of appointment or a power of "
    "attorney from the organization, signed by its first head and sealed\"}}]";

static void
test_checklist(void **state)
{
	struct wtest_term	*t = *state;
	struct wtest_fixture	 f;
	struct widget		*w;
	json_t			*bad;
	char			 buf[512], *cause = NULL;

	w = wtest_make(&f, "checklist", "Көрілген құжаттар:", "Documents seen:", 0, 1, 2, 76, 0);
	assert_true(w->ops->focusable && w->ops->wide);
	assert_int_equal(w->h, 2);		/* the label and one empty line */
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_IGNORED);
	wtest_items(w, docs_json);
	w->w = 60;
	w->h = w->ops->rows(w, w->w);
	assert_int_equal(w->h, 1 + 1 + 1 + 2);	/* the last name wraps under itself */
	assert_string_equal(w->ops->value(w), "");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 1, 2, 60, buf, sizeof buf),
	    "Көрілген құжаттар:");
	assert_string_equal(wtest_seen_trim(t->win, 2, 2, 60, buf, sizeof buf),
	    "[ ] Басып шығарылған өтініш (нөмірімен)");
	assert_string_equal(wtest_seen_trim(t->win, 3, 2, 60, buf, sizeof buf),
	    "[ ] Жеке басын куәландыратын құжат");
	assert_string_equal(wtest_seen_trim(t->win, 5, 2, 4, buf, sizeof buf),
	    "");	/* wrapped */
	assert_true(wtest_seen_attr(t->win, 2, 2) & A_REVERSE);		/* the cursor's box */
	assert_false(wtest_seen_attr(t->win, 3, 2) & A_REVERSE);
	assert_int_equal(w->cury, 2);
	assert_int_equal(w->curx, 3);

	/* Space and Enter tick the line under the cursor; the value lists them in order. */
	assert_int_equal(wtest_press(w, UIK_UP), WIDGET_IGNORED);
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "form");
	assert_int_equal(wtest_press(w, UIK_END), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_DOWN), WIDGET_IGNORED);
	assert_int_equal(wtest_press(w, UIK_ACTIVATE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "form,authority");
	assert_int_equal(wtest_press(w, UIK_UP), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "form,identity,authority");
	assert_int_equal(wtest_press(w, UIK_HOME), WIDGET_CONSUMED);
	assert_int_equal(wtest_press(w, UIK_TOGGLE), WIDGET_CHANGED);
	assert_string_equal(w->ops->value(w), "identity,authority");
	w->ops->draw(w, t->win, 1);
	assert_string_equal(wtest_seen_trim(t->win, 3, 2, 3, buf, sizeof buf), "[x]");

	/* set_value ticks exactly what it lists; an id not in the list is refused. */
	assert_int_equal(w->ops->set_value(w, "authority,form", &cause), 0);
	assert_string_equal(w->ops->value(w), "form,authority");
	assert_int_equal(w->ops->set_value(w, "form,passport", &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_string_equal(w->ops->value(w), "form,authority");
	assert_int_equal(w->ops->set_value(w, "", &cause), 0);
	assert_string_equal(w->ops->value(w), "");

	/* F2: names in Russian, falling back to English. */
	(void)snprintf(f.look.lang, sizeof f.look.lang, "ru");
	(void)werase(t->win);
	w->ops->draw(w, t->win, 0);
	assert_string_equal(wtest_seen_trim(t->win, 1, 2, 60, buf, sizeof buf), "Documents seen:");
	assert_string_equal(wtest_seen_trim(t->win, 2, 6, 56, buf, sizeof buf),
	    "Распечатанное заявление (с номером)");
	assert_string_equal(wtest_seen_trim(t->win, 3, 6, 56, buf, sizeof buf),
	    "An identity document");
	assert_int_equal(w->cury, -1);

	/* An item without a code is refused; a new list starts unticked. */
	assert_non_null(bad = json_pack("[{s:s}]", "name", "x"));
	assert_int_equal(w->ops->set_items(w, bad, &cause), -1);
	assert_non_null(cause);
	free(cause);
	json_decref(bad);
	assert_int_equal(w->ops->set_value(w, "form", NULL), 0);
	wtest_items(w, docs_json);
	assert_string_equal(w->ops->value(w), "");
	widget_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_checklist),
	};

	return cmocka_run_group_tests_name("widgets-desk", tests, wtest_term_setup,
	    wtest_term_teardown);
}

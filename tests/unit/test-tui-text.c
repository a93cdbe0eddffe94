/* tui-text: widths in columns, not bytes; wrapping keeps words, paragraphs and blank lines. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui-text.h"

struct lines {
	char	v[16][128];
	int	n;
};

static void
collect(void *arg, int n, const char *s, size_t len)
{
	struct lines	*l = arg;

	assert_int_equal(n, l->n);		/* numbered in order, none skipped */
	assert_true(n < 16 && len < 128);
	memcpy(l->v[n], s, len);
	l->v[n][len] = '\0';
	l->n++;
}

static void
test_width(void **state)
{
	const char	*kk = "әғқңөұүһі";

	(void)state;
	assert_int_equal(tui_text_width("abc", 3), 3);
	assert_int_equal(strlen(kk), 18);
	assert_int_equal(tui_text_width(kk, strlen(kk)), 9);	/* nine letters, nine columns */
	assert_int_equal(tui_text_width("\xff", 1), 1);		/* a broken byte still shows */
	assert_int_equal(tui_text_fit(kk, strlen(kk), 4), 8);	/* never half a letter */
	assert_int_equal(tui_text_fit("ab", 2, 5), 2);
}

static void
test_wrap_words(void **state)
{
	struct lines	l = { .n = 0 };
	int		n;

	(void)state;
	n = tui_text_wrap("Өрістерді толтырыңыз және Tab басыңыз", 12, collect, &l);
	assert_int_equal(n, l.n);
	assert_int_equal(n, 4);
	assert_string_equal(l.v[0], "Өрістерді");
	assert_string_equal(l.v[1], "толтырыңыз");
	assert_string_equal(l.v[2], "және Tab");
	assert_string_equal(l.v[3], "басыңыз");
	assert_int_equal(tui_text_wrap("Өрістерді толтырыңыз", 12, NULL, NULL), 2);
}

static void
test_wrap_paragraphs(void **state)
{
	struct lines	l = { .n = 0 };

	(void)state;
	assert_int_equal(tui_text_wrap("one\n\ntwo\n   \nthree", 20, collect, &l), 5);
	assert_string_equal(l.v[0], "one");
	assert_string_equal(l.v[1], "");
	assert_string_equal(l.v[2], "two");
	assert_string_equal(l.v[3], "");
	assert_string_equal(l.v[4], "three");
	assert_int_equal(tui_text_wrap("", 10, NULL, NULL), 1);
	assert_int_equal(tui_text_wrap(NULL, 10, NULL, NULL), 1);
}

static void
test_wrap_long_word(void **state)
{
	struct lines	l = { .n = 0 };

	(void)state;
	assert_int_equal(tui_text_wrap("ҚҚҚҚҚҚҚҚҚҚ", 4, collect, &l), 3);
	assert_string_equal(l.v[0], "ҚҚҚҚ");
	assert_string_equal(l.v[2], "ҚҚ");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_paragraphs),
		cmocka_unit_test(test_wrap_long_word),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests_name("tui-text", tests, NULL, NULL);
}

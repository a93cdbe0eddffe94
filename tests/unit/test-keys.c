/* keys: every binding the issue names maps to its action, and the name tables are whole. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "tui/keys.h"

static const struct {
	int		code, key;
	enum uik	want;
} bindings[] = {
	{ 0, '\t', UIK_NEXT }, { 1, KEY_BTAB, UIK_PREV },
	{ 1, KEY_UP, UIK_UP }, { 1, KEY_DOWN, UIK_DOWN },
	{ 1, KEY_LEFT, UIK_LEFT }, { 1, KEY_RIGHT, UIK_RIGHT },
	{ 1, KEY_HOME, UIK_HOME }, { 1, KEY_END, UIK_END },
	{ 1, KEY_PPAGE, UIK_PGUP }, { 1, KEY_NPAGE, UIK_PGDN },
	{ 1, KEY_BACKSPACE, UIK_BACKSPACE }, { 0, 127, UIK_BACKSPACE }, { 0, 8, UIK_BACKSPACE },
	{ 1, KEY_DC, UIK_DELETE },
	{ 0, '\n', UIK_ACTIVATE }, { 0, '\r', UIK_ACTIVATE }, { 1, KEY_ENTER, UIK_ACTIVATE },
	{ 0, ' ', UIK_TOGGLE }, { 0, 27, UIK_BACK },
	{ 1, KEY_F(1), UIK_HELP }, { 1, KEY_F(2), UIK_LANG }, { 1, KEY_F(5), UIK_REFRESH },
	{ 1, KEY_F(10), UIK_QUIT }, { 0, 3, UIK_QUIT }, { 0, 17, UIK_QUIT },
	{ 0, 12, UIK_REDRAW }, { 1, KEY_RESIZE, UIK_RESIZE },
};

static void
test_bindings(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
		enum uik	got = keys_action(bindings[i].code, bindings[i].key);

		if (got != bindings[i].want)
			fail_msg("key %d (code %d): %s, want %s", bindings[i].key,
			    bindings[i].code, keys_name(got), keys_name(bindings[i].want));
	}
}

/* Letters are not bindings: they reach the widget as characters (keys_read gives UIK_CHAR). */
static void
test_letters_unbound(void **state)
{
	static const int letters[] = { 'a', 'Z', '0', 0x04d9 /* ә */, 0x0493 /* ғ */,
	    0x049b /* қ */, 0x04e9 /* ө */, 0x0456 /* і */, 0x0436 /* ж */ };
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof letters / sizeof letters[0]; i++)
		assert_int_equal(keys_action(0, letters[i]), UIK_NONE);
	/* A key code that happens to equal a letter's number is a different row. */
	assert_int_equal(keys_action(1, '\t'), UIK_NONE);
}

static void
test_names_and_labels(void **state)
{
	int	a;

	(void)state;
	for (a = 0; a < UIK__MAX; a++) {
		assert_non_null(keys_name((enum uik)a));
		assert_string_not_equal(keys_name((enum uik)a), "?");
	}
	assert_string_equal(keys_name(UIK_BACK), "back");
	assert_string_equal(keys_label(UIK_HELP), "F1");
	assert_string_equal(keys_label(UIK_LANG), "F2");
	assert_string_equal(keys_label(UIK_BACK), "Esc");
	assert_string_equal(keys_label(UIK_QUIT), "F10");
	assert_string_equal(keys_name(UIK__MAX), "?");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_letters_unbound),
		cmocka_unit_test(test_names_and_labels),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}

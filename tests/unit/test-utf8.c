/* UTF-8 decoding: Kazakh letters in, malformed sequences out. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "common/utf8.h"

static void
test_decode(void **state)
{
	uint32_t	cp;

	(void)state;
	assert_int_equal(utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_decode("\xd3\x99", 2, &cp), 2);		/* ә */
	assert_int_equal(cp, 0x4d9);
	assert_int_equal(utf8_decode("\xd2\xaf", 2, &cp), 2);		/* ү */
	assert_int_equal(cp, 0x4af);
	assert_int_equal(utf8_decode("\xe2\x82\xb8", 3, &cp), 3);	/* ₸ */
	assert_int_equal(cp, 0x20b8);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
}

static void
test_malformed(void **state)
{
	uint32_t	cp;

	(void)state;
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), -1);		/* overlong '/' */
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), -1);	/* surrogate */
	assert_int_equal(utf8_decode("\xd3", 1, &cp), -1);		/* truncated */
	assert_int_equal(utf8_decode("\x80", 1, &cp), -1);		/* lone continuation */
	assert_int_equal(utf8_decode("\xf4\x90\x80\x80", 4, &cp), -1);	/* past U+10FFFF */
	assert_int_equal(utf8_decode("\xff", 1, &cp), -1);
}

static void
test_count_and_find(void **state)
{
	char	ch[5];
	size_t	pos;

	(void)state;
	assert_int_equal(utf8_count("\xd2\x9b\xd0\xb0\xd0\xb7"), 3);	/* қаз */
	assert_int_equal(utf8_count(""), 0);
	assert_int_equal(utf8_count("ab\xc3"), -1);
	assert_int_equal(utf8_first_not("12\xd2\x9b" "4", utf8_is_ascii_digit, &pos, ch), 1);
	assert_int_equal(pos, 3);
	assert_string_equal(ch, "\xd2\x9b");
	assert_int_equal(utf8_first_not("1234", utf8_is_ascii_digit, &pos, ch), 0);
	assert_int_equal(utf8_first_not("1\xff", utf8_is_ascii_digit, &pos, ch), -1);
}

/* What the service sends can hold anything; what reaches a terminal holds no control. */
static void
test_sanitize(void **state)
{
	static const struct {
		const char	*in;
		int		 lines;
		const char	*out;
	} cases[] = {
		{ "\xd2\x9b\xd0\xb0\xd0\xb7 ok", 0, "\xd2\x9b\xd0\xb0\xd0\xb7 ok" },
		{ "a\033[2J\033[1;31mb\033[0m", 0, "ab" },		/* CSI, whole */
		{ "a\033]0;title\007b", 0, "ab" },			/* OSC ended by BEL */
		{ "a\033]8;;http://x\033\\b", 0, "ab" },		/* OSC ended by ST */
		{ "a\033(Bb\033c", 0, "ab" },				/* charset, reset */
		{ "a\033", 0, "a" },					/* cut short */
		{ "a\r\b\x7f\001b", 0, "ab" },				/* C0 and DEL */
		{ "a\xc2\x9b" "31mb\xc2\x85" "c", 0, "abc" },		/* C1: CSI, NEL */
		{ "a\xe2\x80\xae" "b\xe2\x81\xa6" "c", 0, "abc" },		/* bidi override, isolate */
		{ "a\xff" "b\xc3", 0, "a?b?" },				/* not UTF-8 */
		{ "l1\nl2\tx", 1, "l1\nl2\tx" },
		{ "l1\nl2\tx", 0, "l1 l2 x" },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		(void)snprintf(buf, sizeof buf, "%s", cases[i].in);
		(void)utf8_sanitize(buf, cases[i].lines);
		assert_string_equal(buf, cases[i].out);
	}
	(void)snprintf(buf, sizeof buf, "%s", "plain");
	assert_int_equal(utf8_sanitize(buf, 0), 0);
}

/*
 * One measure of columns for every screen (the desk's tables, `ncaenroll list`, the form
 * engine): Kazakh and Russian letters one column each, CJK two, combining marks none;
 * and the same answer the C library's wcswidth gives in a UTF-8 locale, which the form
 * engine used before and the terminal's curses uses to place characters.
 */
static void
test_width(void **state)
{
	static const struct {
		const char	*s;
		size_t		 cols;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		/* ЖАҚСЫЛЫҚОВА ӘСЕЛ: Kazakh Cyrillic, ә қ among them */
		{ "\xd0\x96\xd0\x90\xd2\x9a\xd0\xa1\xd0\xab\xd0\x9b\xd0\xab\xd2\x9a"
		    "\xd0\x9e\xd0\x92\xd0\x90 \xd3\x98\xd0\xa1\xd0\x95\xd0\x9b", 16 },
		/* ғ ң ө ұ ү һ і */
		{ "\xd2\x93\xd2\xa3\xd3\xa9\xd2\xb1\xd2\xaf\xd2\xbb\xd1\x96", 7 },
		/* Город Ёж (Russian) */
		{ "\xd0\x93\xd0\xbe\xd1\x80\xd0\xbe\xd0\xb4 \xd0\x81\xd0\xb6", 8 },
		/* 中文 (CJK), 한 (Hangul), ＡＢ (full width) */
		{ "\xe4\xb8\xad\xe6\x96\x87", 4 },
		{ "\xed\x95\x9c", 2 },
		{ "\xef\xbc\xa1\xef\xbc\xa2", 4 },
		/* e + U+0301, и + U+0306 (a Cyrillic letter with a combining breve), U+0483 */
		{ "e\xcc\x81", 1 },
		{ "\xd0\xb8\xcc\x86", 1 },
		{ "\xd0\x90\xd2\x83", 1 },
	};
	wchar_t	 wide[64];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(utf8_width(cases[i].s), cases[i].cols);
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		skip();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = mbstowcs(wide, cases[i].s, sizeof wide / sizeof wide[0]);
		assert_true(n != (size_t)-1);
		assert_int_equal(wcswidth(wide, n), (int)cases[i].cols);
	}
	(void)setlocale(LC_CTYPE, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_count_and_find),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}

/*
 * test-textwrap — plain output wrapped by display columns, as the commands print it: the
 * first line from where the cursor stands, the next ones at their indent, no line past
 * the width, Cyrillic counted one column a letter, words from outside made safe.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/textwrap.h"
#include "common/utf8.h"

static char *
printed(const char *s, int col, int indent, int width)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	textwrap_print(fp, s, col, indent, width);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
test_columns_not_bytes(void **state)
{
	/* 3 words of 9 letters: two fit 20 columns (19), though they take 36 bytes. */
	char	*out = printed("Қазақстан Қазақстан Қазақстан", 0, 0, 20);

	(void)state;
	assert_string_equal(out, "Қазақстан Қазақстан\nҚазақстан\n");
	free(out);
}

static void
test_first_line_from_the_cursor(void **state)
{
	char	*out = printed("one two three four", 6, 2, 12);
	char	*line, *save = NULL;
	int	 n = 0;

	(void)state;
	/* From column 6 only "one" fits in 12; the next lines have 10 after 2 spaces. */
	assert_string_equal(out, "one\n  two three\n  four\n");
	for (line = strtok_r(out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		assert_true((n++ == 0 ? 6 : 0) + (int)utf8_width(line) <= 12);
	free(out);
}

static void
test_long_word_cut_and_newline_kept(void **state)
{
	char	*out = printed("abcdefghij\nxy", 0, 0, 4);

	(void)state;
	assert_string_equal(out, "abcd\nefgh\nij\nxy\n");
	free(out);
}

/* A relay's or a registry's words cannot move the cursor or recolour the terminal. */
static void
test_made_safe(void **state)
{
	char	*out = printed("550 \x1b[2J<a@b.kz>\tnow", 0, 0, 80);

	(void)state;
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\t'));
	assert_non_null(strstr(out, "<a@b.kz>"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_not_bytes),
		cmocka_unit_test(test_first_line_from_the_cursor),
		cmocka_unit_test(test_long_word_cut_and_newline_kept),
		cmocka_unit_test(test_made_safe),
	};

	return cmocka_run_group_tests_name("textwrap", tests, NULL, NULL);
}

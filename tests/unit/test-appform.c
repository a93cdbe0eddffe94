/* The printed application form: number first and large, every field, what to bring. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/appform.h"

static const struct appform appform_sample = {
	.number = "4821-0937-5512-0684-3319-7725-4406",
	.date = "2026-11-25 18:20 UTC",
	.deadline = "2026-12-25 18:20 UTC",
	.org_name = "ГУ \"Аппарат акима города Астаны\"",
	.bin = "940140000385",
	.applicant = "ИВАНОВ ИВАН ИВАНОВИЧ",
	.iin = "871008401427",
	.email = "user@mail.kz",
	.role = "Employee",
	.region = "Astana",
	.city = "Astana",
	.gu_code = "1234567",
	.storage = "PC folder",
	.days = 30,
};

static size_t
appform_line_width(const char *line, size_t len)
{
	size_t	i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)line[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void
test_fields(void **state)
{
	char	*text, *cause = NULL;
	size_t	 i;
	const char *want[] = {
		appform_sample.number, appform_sample.date, appform_sample.deadline,
		appform_sample.org_name, appform_sample.bin, appform_sample.applicant,
		appform_sample.iin, appform_sample.email, appform_sample.role,
		appform_sample.gu_code, appform_sample.storage, "identity document",
		"order of appointment or a power of attorney", "30 days", "ГУ/СКС code",
	};

	(void)state;
	text = appform_render(&appform_sample, 0, &cause);
	assert_non_null(text);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("'%s' missing from:\n%s", want[i], text);
	/* The number comes before any other data. */
	assert_true(strstr(text, appform_sample.number) < strstr(text, appform_sample.date));
	assert_true(strstr(text, appform_sample.number) < strstr(text, appform_sample.bin));
	free(text);
}

static void
test_big_number(void **state)
{
	char		*text, *cause = NULL, *p, *nl;
	size_t		 rows = 0;

	(void)state;
	text = appform_render(&appform_sample, APPFORM_BIG_NUMBER, &cause);
	assert_non_null(text);
	/* Ten rows of block digits (two lines of five), each within 80 columns. */
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (appform_line_width(p, (size_t)(nl - p)) > 80)
			fail_msg("line wider than 80 columns: %.*s", (int)(nl - p), p);
		if (memchr(p, '#', (size_t)(nl - p)) != NULL)
			rows++;
	}
	assert_int_equal(rows, 10);
	/* "4821": the first row of 4, 8, 2, 1 in the font. */
	assert_non_null(strstr(text, "  # # ### ###  #      ###"));
	assert_non_null(strstr(text, appform_sample.number));
	free(text);
}

static void
test_missing_values(void **state)
{
	struct appform	 af = appform_sample;
	char		*text, *cause = NULL;

	(void)state;
	af.email = NULL;
	af.gu_code = "";
	text = appform_render(&af, 0, &cause);
	assert_non_null(text);
	assert_null(strstr(text, "user@mail.kz"));
	assert_non_null(strstr(text, "E-mail:"));
	free(text);
}

/* Labels line up: every value starts in the same column. */
static void
test_alignment(void **state)
{
	char		*text, *cause = NULL, *a, *b;

	(void)state;
	text = appform_render(&appform_sample, 0, &cause);
	assert_non_null(text);
	a = strstr(text, "\n  BIN:");
	b = strstr(text, "\n  Key storage:");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strstr(a, "940140000385") - a, strstr(b, "PC folder") - b);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_big_number),
		cmocka_unit_test(test_missing_values),
		cmocka_unit_test(test_alignment),
	};

	return cmocka_run_group_tests_name("appform", tests, NULL, NULL);
}

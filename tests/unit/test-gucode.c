/* ГУ/СКС code syntax: 4 to 8 digits. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/gucode.h"

static int
check(const char *code, const char *expect)
{
	struct problems	p;
	int		rc;

	problems_init(&p);
	rc = gucode_check(code, &p);
	if (expect != NULL && !problems_has(&p, expect))
		fail_msg("'%s': expected %s", code, expect);
	problems_free(&p);
	return rc;
}

static void
test_gucode(void **state)
{
	(void)state;
	assert_int_equal(check("1234", NULL), 0);
	assert_int_equal(check("12345678", NULL), 0);
	assert_int_equal(check("0001", NULL), 0);
	assert_int_equal(check("123", "gu_code.length"), -1);
	assert_int_equal(check("123456789", "gu_code.length"), -1);
	assert_int_equal(check("", "gu_code.length"), -1);
	assert_int_equal(check("12a4", "gu_code.not_digit"), -1);
	assert_int_equal(check("KS1234", "gu_code.not_digit"), -1);
	assert_int_equal(check("12\xd0\xb7" "4", "gu_code.not_digit"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gucode),
	};

	return cmocka_run_group_tests_name("gucode", tests, NULL, NULL);
}

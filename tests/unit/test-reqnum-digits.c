/*
 * Request numbers are the only key to an application's status: their 26 random digits
 * must each be as likely as any other, or numbers are easier to guess than they look. A
 * byte taken modulo 10 without dropping 250..255 makes 0-5 likelier; this counts the digits
 * of many generated numbers and judges them with a chi-square test.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/reqnum.h"

#define NUMBERS	100000	/* 2.6 million random digits: a bias of 1/255 is ~30 sigmas */
/*
 * Chi-square with 9 degrees of freedom exceeds 50 by chance once in ~10^7 runs; the
 * smallest bias a byte modulo 10 gives (one value in 255 or 256) scores ~1000 here.
 */
#define CHI2_LIMIT	50.0

static void
test_digits_equally_likely(void **state)
{
	unsigned long	count[10] = { 0 }, total = 0;
	char		num[REQNUM_LEN + 1], *cause = NULL;
	double		expected, chi2 = 0;
	size_t		i, j, seen;
	int		d;

	(void)state;
	for (i = 0; i < NUMBERS; i++) {
		assert_int_equal(reqnum_generate(num, &cause), 0);
		/* The last digit is Damm's check digit, not random: left out. */
		for (j = 0, seen = 0; num[j] != '\0' && seen < REQNUM_DIGITS - 1; j++) {
			if (num[j] == '-')
				continue;
			count[num[j] - '0']++;
			seen++;
		}
		total += seen;
	}
	expected = (double)total / 10;
	for (d = 0; d < 10; d++)
		chi2 += ((double)count[d] - expected) * ((double)count[d] - expected) / expected;
	if (chi2 > CHI2_LIMIT) {
		for (d = 0; d < 10; d++)
			print_message("digit %d: %lu of %lu\n", d, count[d], total);
		fail_msg("the digits are not equally likely (chi-square %.1f > %.1f)", chi2,
		    CHI2_LIMIT);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digits_equally_likely),
	};

	return cmocka_run_group_tests_name("reqnum-digits", tests, NULL, NULL);
}

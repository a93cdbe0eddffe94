/*
 * Request numbers: unguessable, typed back without fear. Every single-digit typo and every
 * swap of neighbouring digits must be caught before the number reaches the network.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/appstatus.h"
#include "common/reqnum.h"

static void
digits_of(const char *num, char d[REQNUM_DIGITS + 1])
{
	size_t	n = 0;

	for (; *num; num++)
		if (*num != '-')
			d[n++] = *num;
	d[n] = '\0';
	assert_int_equal(n, REQNUM_DIGITS);
}

static int
parses(const char *in)
{
	struct problems	p;
	char		out[REQNUM_LEN + 1];
	int		rc;

	problems_init(&p);
	rc = reqnum_parse(in, out, &p);
	problems_free(&p);
	return rc == 0;
}

static void
test_generate_shape(void **state)
{
	char	a[REQNUM_LEN + 1], b[REQNUM_LEN + 1];
	size_t	i;

	(void)state;
	assert_int_equal(reqnum_generate(a, NULL), 0);
	assert_int_equal(reqnum_generate(b, NULL), 0);
	assert_int_equal(strlen(a), REQNUM_LEN);
	for (i = 0; i < REQNUM_LEN; i++)
		assert_true(i % 5 == 4 ? a[i] == '-' : (a[i] >= '0' && a[i] <= '9'));
	assert_string_not_equal(a, b);
	assert_true(parses(a));
}

static void
test_every_typo_caught(void **state)
{
	char	num[REQNUM_LEN + 1], d[REQNUM_DIGITS + 1], t[REQNUM_DIGITS + 1];
	int	round, i, v;

	(void)state;
	for (round = 0; round < 20; round++) {
		assert_int_equal(reqnum_generate(num, NULL), 0);
		digits_of(num, d);
		for (i = 0; i < REQNUM_DIGITS; i++) {
			for (v = 0; v < 10; v++) {
				if (d[i] == '0' + v)
					continue;
				memcpy(t, d, sizeof t);
				t[i] = (char)('0' + v);
				if (parses(t))
					fail_msg("typo at %d not caught in %s", i, num);
			}
			if (i + 1 < REQNUM_DIGITS && d[i] != d[i + 1]) {
				memcpy(t, d, sizeof t);
				t[i] = d[i + 1];
				t[i + 1] = d[i];
				if (parses(t))
					fail_msg("swap at %d not caught in %s", i, num);
			}
		}
	}
}

static void
test_separators_and_canonical_form(void **state)
{
	char		num[REQNUM_LEN + 1], d[REQNUM_DIGITS + 1], spaced[64], out[REQNUM_LEN + 1];
	struct problems	p;
	size_t		i, o = 0;

	(void)state;
	assert_int_equal(reqnum_generate(num, NULL), 0);
	digits_of(num, d);
	for (i = 0; i < REQNUM_DIGITS; i++) {
		if (i && i % 4 == 0)
			spaced[o++] = ' ';
		spaced[o++] = d[i];
	}
	spaced[o] = '\0';
	problems_init(&p);
	assert_int_equal(reqnum_parse(spaced, out, &p), 0);
	assert_string_equal(out, num);
	assert_int_equal(reqnum_parse(d, out, &p), 0);
	assert_string_equal(out, num);
}

static void
test_refusals_named(void **state)
{
	struct problems	p;
	char		out[REQNUM_LEN + 1];

	(void)state;
	problems_init(&p);
	assert_int_equal(reqnum_parse("1234-5678", out, &p), -1);
	assert_true(problems_has(&p, "request_number.length"));
	assert_int_equal(reqnum_parse("1234-567A", out, &p), -1);
	assert_true(problems_has(&p, "request_number.not_digit"));
	problems_free(&p);
}

static void
test_statuses(void **state)
{
	enum app_status	s;
	int		i;

	(void)state;
	for (i = 0; i < APP_STATUS__MAX; i++) {
		assert_int_equal(appstatus_parse(appstatus_wire((enum app_status)i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(appstatus_label(APP_INSTALLED), "Certificates installed");
	assert_int_equal(appstatus_parse("approved", &s), -1);
}

/* What a log keeps of a number: its first group, whichever way it was written. */
static void
test_mask_in_logs(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "application 4821-0937-5512-0684-3319-7725-4406 submitted",
		    "application 4821-* submitted" },
		{ "renewal 4821093755120684331977254406 of 1111-2222-3333-4444-5555-6666-7777.",
		    "renewal 4821-* of 1111-*." },
		{ "(4821-0937-5512-0684-3319-7725-4406)", "(4821-*)" },
		/* Not a number: too few or too many digits, or part of a longer word. */
		{ "BIN 940140000385", "BIN 940140000385" },
		{ "4821-0937-5512-0684-3319-7725-44061", "4821-0937-5512-0684-3319-7725-44061" },
		{ "x4821093755120684331977254406", "x4821093755120684331977254406" },
		{ "4821093755120684331977254406ab", "4821093755120684331977254406ab" },
		{ "a--4821-0937-5512-0684-3319-7725-4406--", "a--4821-*--" },
		{ "", "" },
	};
	char	buf[128];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		(void)snprintf(buf, sizeof buf, "%s", cases[i].in);
		reqnum_mask(buf);
		assert_string_equal(buf, cases[i].out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_shape),
		cmocka_unit_test(test_every_typo_caught),
		cmocka_unit_test(test_separators_and_canonical_form),
		cmocka_unit_test(test_refusals_named),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_mask_in_logs),
	};

	return cmocka_run_group_tests_name("reqnum", tests, NULL, NULL);
}

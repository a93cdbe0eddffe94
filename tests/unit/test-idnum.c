/* IIN and BIN: the public vectors of nca-facts.md §1 and every rule a number can break. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/idnum.h"

/* 2026-11-25T00:00:00Z: births after it are in the future. */
#define NOW ((time_t)1795564800)

/* Completes 11 digits with the check digit the library computes (never-valid ones fail). */
static void
with_check(const char *eleven, char out[13])
{
	int	c;

	memcpy(out, eleven, 11);
	c = idnum_check_digit(out);
	assert_true(c >= 0);
	out[11] = (char)('0' + c);
	out[12] = '\0';
}

static void
assert_iin_fails(const char *s, const char *code)
{
	struct problems	p;

	problems_init(&p);
	assert_int_equal(idnum_validate_iin(s, NOW, NULL, &p), -1);
	if (!problems_has(&p, code))
		fail_msg("%s: expected %s, got %s", s, code, p.n ? p.v[0].code : "nothing");
	problems_free(&p);
}

static void
assert_bin_fails(const char *s, const char *code)
{
	struct problems	p;

	problems_init(&p);
	assert_int_equal(idnum_validate_bin(s, NULL, &p), -1);
	if (!problems_has(&p, code))
		fail_msg("%s: expected %s, got %s", s, code, p.n ? p.v[0].code : "nothing");
	problems_free(&p);
}

static void
test_public_iins_valid(void **state)
{
	static const char	*v[] = { "871008401427", "760212350620", "830717350867",
				    "061211600012" };
	struct problems		 p;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		problems_init(&p);
		if (idnum_validate_iin(v[i], NOW, NULL, &p) != 0)
			fail_msg("%s refused: %s", v[i], p.v[0].message);
		problems_free(&p);
	}
}

static void
test_public_bins_valid(void **state)
{
	static const char	*v[] = { "940140000385", "961141000023", "070941024691" };
	struct problems		 p;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		problems_init(&p);
		if (idnum_validate_bin(v[i], NULL, &p) != 0)
			fail_msg("%s refused: %s", v[i], p.v[0].message);
		problems_free(&p);
	}
}

/* The vectors marked "second pass" must really take it: the first weighting gives 10. */
static void
test_second_pass_vectors(void **state)
{
	static const char	*v[] = { "830717350867", "061211600012", "961141000023" };
	size_t			 i, k;
	int			 s;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (s = 0, k = 0; k < 11; k++)
			s += (v[i][k] - '0') * (int)(k + 1);
		assert_int_equal(s % 11, 10);
		assert_int_equal(idnum_check_digit(v[i]), v[i][11] - '0');
	}
}

static void
test_never_valid(void **state)
{
	(void)state;
	assert_int_equal(idnum_check_digit("00081315989"), -1);
	assert_iin_fails("000813159890", "iin.never_valid");
}

static void
test_wrong_check_digit_names_expected(void **state)
{
	struct problems	p;

	(void)state;
	problems_init(&p);
	assert_int_equal(idnum_validate_iin("871008401428", NOW, NULL, &p), -1);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].code, "iin.check_digit");
	assert_non_null(strstr(p.v[0].message, "must be 7"));
	problems_free(&p);
	assert_bin_fails("940140000386", "bin.check_digit");
}

static void
test_shape(void **state)
{
	struct problems	p;

	(void)state;
	assert_iin_fails("87100840142", "iin.length");
	assert_iin_fails("8710084014277", "iin.length");
	assert_iin_fails("", "iin.length");
	assert_iin_fails("87100840142a", "iin.not_digit");
	assert_iin_fails("871008 01427", "iin.not_digit");
	assert_iin_fails("87100840142\xff", "iin.not_digit");
	assert_bin_fails("9401400003", "bin.length");
	/* A Cyrillic letter is one character: named as typed, at its position, no length error. */
	problems_init(&p);
	assert_int_equal(idnum_validate_iin("8710084014\xd0\xb7" "7", NOW, NULL, &p), -1);
	assert_int_equal(p.n, 1);
	assert_non_null(strstr(p.v[0].message, "'\xd0\xb7' at position 11"));
	problems_free(&p);
}

static void
test_iin_dates(void **state)
{
	char	s[13];

	(void)state;
	with_check("87130840142", s);
	assert_iin_fails(s, "iin.month");
	with_check("87000840142", s);
	assert_iin_fails(s, "iin.month");
	with_check("87043140142", s);		/* 31 April */
	assert_iin_fails(s, "iin.day");
	with_check("87040040142", s);		/* day 00 */
	assert_iin_fails(s, "iin.day");
	with_check("00022930142", s);		/* 1900 was not a leap year */
	assert_iin_fails(s, "iin.day");
	with_check("00022950142", s);		/* 2000 was */
	{
		struct problems	p;
		struct iin_info	info;

		problems_init(&p);
		assert_int_equal(idnum_validate_iin(s, NOW, &info, &p), 0);
		assert_int_equal(info.year, 2000);
		assert_int_equal(info.month, 2);
		assert_int_equal(info.day, 29);
		assert_int_equal(info.sex, IDNUM_MALE);
	}
	with_check("99010150142", s);		/* born 2099 */
	assert_iin_fails(s, "iin.future");
	with_check("87100870142", s);
	assert_iin_fails(s, "iin.century");
	with_check("87100800142", s);
	assert_iin_fails(s, "iin.century");
}

/* Born on YYMMDD in the 2000s (digit 7 = 5), judged at now: 0 or -1, and only iin.future. */
static int
t_born(const char *yymmdd, time_t now)
{
	char		 eleven[12], s[13];
	struct problems	 p;
	int		 rc;

	(void)snprintf(eleven, sizeof eleven, "%s50142", yymmdd);
	with_check(eleven, s);
	problems_init(&p);
	rc = idnum_validate_iin(s, now, NULL, &p);
	if (rc == -1 && (p.n != 1 || !problems_has(&p, "iin.future")))
		fail_msg("%s: %s", s, p.v[0].code);
	problems_free(&p);
	return rc;
}

/* The day, the month and the year each decide at their edge (UTC). */
static void
test_iin_future_edges(void **state)
{
	const time_t	eve = (time_t)1798761599;	/* 2026-12-31T23:59:59Z */

	(void)state;
	assert_int_equal(t_born("261125", NOW), 0);		/* today */
	assert_int_equal(t_born("261101", NOW), 0);
	assert_int_equal(t_born("261031", NOW), 0);		/* last month */
	assert_int_equal(t_born("261126", NOW), -1);		/* tomorrow */
	assert_int_equal(t_born("261130", NOW), -1);		/* later this month */
	assert_int_equal(t_born("261201", NOW), -1);		/* next month */
	assert_int_equal(t_born("261224", NOW), -1);		/* an earlier day of it */
	assert_int_equal(t_born("261231", eve), 0);
	assert_int_equal(t_born("270101", eve), -1);		/* next year */
	assert_int_equal(t_born("270101", eve + 1), 0);
}

static void
test_iin_info(void **state)
{
	struct problems	p;
	struct iin_info	info;

	(void)state;
	problems_init(&p);
	assert_int_equal(idnum_validate_iin("871008401427", NOW, &info, &p), 0);
	assert_int_equal(info.year, 1987);
	assert_int_equal(info.month, 10);
	assert_int_equal(info.day, 8);
	assert_int_equal(info.sex, IDNUM_FEMALE);
	assert_int_equal(idnum_validate_iin("760212350620", NOW, &info, &p), 0);
	assert_int_equal(info.year, 1976);
	assert_int_equal(info.sex, IDNUM_MALE);
	assert_int_equal(idnum_validate_iin("061211600012", NOW, &info, &p), 0);
	assert_int_equal(info.year, 2006);
	assert_int_equal(info.sex, IDNUM_FEMALE);
}

static void
test_kind_mixups(void **state)
{
	(void)state;
	assert_iin_fails("940140000385", "iin.is_bin");
	assert_bin_fails("871008401427", "bin.is_iin");
}

static void
test_bin_rules(void **state)
{
	struct problems	p;
	struct bin_info	info;
	char		s[13];

	(void)state;
	with_check("94134000038", s);
	assert_bin_fails(s, "bin.month");
	with_check("94014400038", s);
	assert_bin_fails(s, "bin.attribute");
	with_check("94014900038", s);
	assert_bin_fails(s, "bin.attribute");
	problems_init(&p);
	assert_int_equal(idnum_validate_bin("070941024691", &info, &p), 0);
	assert_int_equal(info.yy, 7);
	assert_int_equal(info.month, 9);
	assert_int_equal(info.type, BIN_RESIDENT);
	assert_int_equal(info.attribute, BIN_BRANCH);
	assert_string_equal(idnum_bin_attr_name(info.attribute), "branch");
	with_check("96115200002", s);
	assert_int_equal(idnum_validate_bin(s, &info, &p), 0);
	assert_int_equal(info.type, BIN_NONRESIDENT);
	assert_int_equal(info.attribute, BIN_REPRESENTATIVE);
}

/* Several broken rules are all named, not just the first. */
static void
test_every_rule_named(void **state)
{
	struct problems	p;

	(void)state;
	problems_init(&p);
	assert_int_equal(idnum_validate_iin("871331901420", NOW, NULL, &p), -1);
	assert_true(problems_has(&p, "iin.month"));
	assert_true(problems_has(&p, "iin.century"));
	assert_true(p.n >= 2);
	problems_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_iins_valid),
		cmocka_unit_test(test_public_bins_valid),
		cmocka_unit_test(test_second_pass_vectors),
		cmocka_unit_test(test_never_valid),
		cmocka_unit_test(test_wrong_check_digit_names_expected),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_iin_dates),
		cmocka_unit_test(test_iin_future_edges),
		cmocka_unit_test(test_iin_info),
		cmocka_unit_test(test_kind_mixups),
		cmocka_unit_test(test_bin_rules),
		cmocka_unit_test(test_every_rule_named),
	};

	return cmocka_run_group_tests_name("idnum", tests, NULL, NULL);
}

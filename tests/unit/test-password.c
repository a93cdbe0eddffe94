/* The PC container password policy: every rule, alone and together. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/password.h"

static void
assert_ok(const char *pw)
{
	struct problems	p;

	problems_init(&p);
	if (password_check(pw, &p) != 0)
		fail_msg("'%s' refused: %s", pw, p.v[0].message);
	problems_free(&p);
}

/* Exactly these codes, in any order. */
static void
assert_fails_exactly(const char *pw, const char *const *codes, size_t n)
{
	struct problems	p;
	size_t		i;

	problems_init(&p);
	assert_int_equal(password_check(pw, &p), -1);
	for (i = 0; i < n; i++)
		if (!problems_has(&p, codes[i]))
			fail_msg("'%s': %s not reported", pw, codes[i]);
	assert_int_equal(p.n, n);
	problems_free(&p);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_ok("Qwerty12");
	assert_ok("abc123");
	assert_ok("ABC123");
	assert_ok("a1#$^+=!*()@%&_?-.");
	assert_ok("abcdefghijklmnopqrstuvwxyz123456");	/* 32 */
}

static void
test_length(void **state)
{
	static const char *const	short_[] = { "password.too_short" };
	static const char *const	long_[] = { "password.too_long" };

	(void)state;
	assert_fails_exactly("abc12", short_, 1);
	assert_fails_exactly("abcdefghijklmnopqrstuvwxyz1234567", long_, 1);
}

static void
test_missing_classes(void **state)
{
	static const char *const	digit[] = { "password.no_digit" };
	static const char *const	letter[] = { "password.no_letter" };

	(void)state;
	assert_fails_exactly("abcdef", digit, 1);
	assert_fails_exactly("123456", letter, 1);
	assert_fails_exactly("#$^+=!1", letter, 1);
}

static void
test_disallowed_named(void **state)
{
	struct problems	p;

	(void)state;
	problems_init(&p);
	assert_int_equal(password_check("pass word1;", &p), -1);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].code, "password.char");
	assert_non_null(strstr(p.v[0].message, "space"));
	assert_non_null(strstr(p.v[0].message, ";"));
	problems_free(&p);

	/* Cyrillic letters are named as typed, each once; length counts letters, not bytes. */
	problems_init(&p);
	assert_int_equal(password_check("\xd0\xbf\xd0\xb0\xd0\xbf\xd0\xb0" "12", &p), -1);
	assert_int_equal(p.n, 2);
	assert_true(problems_has(&p, "password.char"));
	assert_true(problems_has(&p, "password.no_letter"));
	assert_non_null(strstr(p.v[0].message, "\xd0\xbf, \xd0\xb0"));
	assert_null(strstr(p.v[0].message, "\xd0\xbf, \xd0\xb0, \xd0\xbf"));
	problems_free(&p);
}

static void
test_all_at_once(void **state)
{
	static const char *const	all[] = { "password.too_short", "password.char",
					    "password.no_digit", "password.no_letter" };

	(void)state;
	assert_fails_exactly("\xd0\xb6", all, 4);
	assert_fails_exactly("", (const char *const[]){ "password.too_short",
	    "password.no_digit", "password.no_letter" }, 3);
}

static void
test_checklist(void **state)
{
	int	met[PASSWORD_RULE__MAX];

	(void)state;
	assert_int_equal(password_rules_met("abc", met), -1);
	assert_false(met[PASSWORD_RULE_MIN_LENGTH]);
	assert_true(met[PASSWORD_RULE_MAX_LENGTH]);
	assert_true(met[PASSWORD_RULE_ALLOWED]);
	assert_false(met[PASSWORD_RULE_DIGIT]);
	assert_true(met[PASSWORD_RULE_LETTER]);
	assert_int_equal(password_rules_met("Qwerty12", met), 0);
	assert_string_equal(password_rule_code(PASSWORD_RULE_DIGIT), "password.no_digit");
	assert_string_equal(password_rule_code(PASSWORD_RULE__MAX), "?");
	assert_string_equal(password_rule_text(PASSWORD_RULE__MAX), "?");
}

/* The checklist's lines say the policy's own numbers and characters, rule by rule. */
static void
test_rule_texts(void **state)
{
	char	min[40], max[40], allowed[80];

	(void)state;
	(void)snprintf(min, sizeof min, "at least %d characters", PASSWORD_MIN);
	(void)snprintf(max, sizeof max, "at most %d characters", PASSWORD_MAX);
	(void)snprintf(allowed, sizeof allowed, "only Latin letters, digits and %s",
	    PASSWORD_SPECIALS);
	assert_string_equal(password_rule_text(PASSWORD_RULE_MIN_LENGTH), min);
	assert_string_equal(password_rule_text(PASSWORD_RULE_MAX_LENGTH), max);
	assert_string_equal(password_rule_text(PASSWORD_RULE_ALLOWED), allowed);
	assert_string_equal(password_rule_text(PASSWORD_RULE_DIGIT), "at least one digit");
	assert_string_equal(password_rule_text(PASSWORD_RULE_LETTER),
	    "at least one Latin letter");
	/* The policy itself (nca-facts.md §5), so the texts cannot follow a wrong number. */
	assert_int_equal(PASSWORD_MIN, 6);
	assert_int_equal(PASSWORD_MAX, 32);
	assert_string_equal(PASSWORD_SPECIALS, "#$^+=!*()@%&_?-.");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_missing_classes),
		cmocka_unit_test(test_disallowed_named),
		cmocka_unit_test(test_all_at_once),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_rule_texts),
	};

	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}

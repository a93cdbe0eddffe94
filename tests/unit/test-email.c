/* E-mail syntax: what people really type, right and wrong. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/email.h"

static void
test_valid(void **state)
{
	static const char	*v[] = {
		"user@example.kz", "a.b+tag@mail.example.com", "x_y-z@gov.kz",
		"user@\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd2\x9b\xd0\xb0\xd0\xb7",
		"user@xn--e1afmkfd.xn--80ao21a", "o'brien@example.org", "1@2.kz",
	};
	struct problems		 p;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		problems_init(&p);
		if (email_check(v[i], &p) != 0)
			fail_msg("%s refused: %s", v[i], p.v[0].message);
		problems_free(&p);
	}
}

static void
test_invalid(void **state)
{
	static const struct { const char *addr, *code; } v[] = {
		{ "", "email.empty" },
		{ "userexample.kz", "email.no_at" },
		{ "a@b@mail.kz", "email.many_at" },
		{ "@mail.kz", "email.local_empty" },
		{ "user@", "email.domain_empty" },
		{ "user@localhost", "email.domain_no_dot" },
		{ "user@mail,kz", "email.domain_no_dot" },
		{ ".user@mail.kz", "email.local_dots" },
		{ "us..er@mail.kz", "email.local_dots" },
		{ "user.@mail.kz", "email.local_dots" },
		{ "user@mail..kz", "email.domain_dots" },
		{ "user@.mail.kz", "email.domain_dots" },
		{ "user@mail.kz.", "email.domain_dots" },
		{ "user@-mail.kz", "email.label_hyphen" },
		{ "user@mail-.kz", "email.label_hyphen" },
		{ "user@mail.123", "email.tld_numeric" },
		{ "user@mail.k", "email.tld_short" },
		{ "us er@mail.kz", "email.local_char" },
		{ "us(er@mail.kz", "email.local_char" },
		{ "\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd@mail.kz", "email.local_char" },
		{ "user@ma il.kz", "email.domain_char" },
		{ "user@mail_x.kz", "email.domain_char" },
		{ "user@mail\xe3\x80\x82kz.kz", "email.domain_char" },
		{ "user@mail.kz\xff", "email.encoding" },
	};
	struct problems	p;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		problems_init(&p);
		assert_int_equal(email_check(v[i].addr, &p), -1);
		if (!problems_has(&p, v[i].code))
			fail_msg("'%s': expected %s, got %s", v[i].addr, v[i].code,
			    p.n ? p.v[0].code : "nothing");
		problems_free(&p);
	}
}

static void
test_lengths(void **state)
{
	char		addr[400];
	struct problems	p;

	(void)state;
	memset(addr, 'a', 65);
	strcpy(addr + 65, "@mail.kz");
	problems_init(&p);
	assert_int_equal(email_check(addr, &p), -1);
	assert_true(problems_has(&p, "email.local_too_long"));
	problems_free(&p);

	strcpy(addr, "u@");
	memset(addr + 2, 'b', 64);
	strcpy(addr + 66, ".kz");
	assert_int_equal(email_check(addr, &p), -1);
	assert_true(problems_has(&p, "email.label_too_long"));
	problems_free(&p);

	/* 63 is the longest label allowed. */
	memset(addr + 2, 'b', 63);
	strcpy(addr + 65, ".kz");
	assert_int_equal(email_check(addr, &p), 0);

	strcpy(addr, "u@");
	memset(addr + 2, 'c', 300);
	strcpy(addr + 302, ".kz");
	assert_int_equal(email_check(addr, &p), -1);
	assert_true(problems_has(&p, "email.too_long"));
	problems_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_lengths),
	};

	return cmocka_run_group_tests_name("email", tests, NULL, NULL);
}

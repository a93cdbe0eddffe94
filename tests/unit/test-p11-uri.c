/* PKCS#11 URIs (p11-uri.c): what each attribute becomes; every refusal, never quoting a value. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "p11/p11.h"

static void
test_attributes(void **state)
{
	struct p11_uri	 u;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(p11_uri_parse("pkcs11:token=nca%20ca;serial=5a7e1c15;"
	    "object=issuing-ca;id=%01%Ff;type=private", &u, &cause), 0);
	assert_string_equal(u.token, "nca ca");
	assert_string_equal(u.serial, "5a7e1c15");
	assert_string_equal(u.object, "issuing-ca");
	assert_int_equal(u.idlen, 2);
	assert_memory_equal(u.id, "\x01\xff", 2);
	p11_uri_free(&u);
	assert_null(u.token);
	/* An id alone names the key; an id may hold a zero byte, a label may not. */
	assert_int_equal(p11_uri_parse("pkcs11:id=%00%01", &u, &cause), 0);
	assert_null(u.token);
	assert_null(u.object);
	assert_int_equal(u.idlen, 2);
	p11_uri_free(&u);
	assert_null(cause);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*uri;
		const char	*said;
	} bad[] = {
		{ "/etc/ncaenroll/ca.key", "not a PKCS#11 URI" },
		{ "pkcs11:token=a;object=b?pin-value=4829", "with a query" },
		{ "pkcs11:token=a;object=b;pin-value=4829", "\"pin-value\" is not understood" },
		{ "pkcs11:token=a", "names no key" },
		{ "pkcs11:object=", "object= is empty" },
		{ "pkcs11:object=a%2", "object= is empty or badly encoded" },
		{ "pkcs11:object=a%zz", "object= is empty or badly encoded" },
		{ "pkcs11:object=a%00b", "object= is empty or badly encoded" },
		{ "pkcs11:object=a;object=b", "object= is given twice" },
		{ "pkcs11:id=%01;id=%02", "id= is given twice" },
		{ "pkcs11:object=a;type=cert", "only type=private" },
		{ "pkcs11:object", "\"object\" is not understood" },
	};
	struct p11_uri	 u;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(p11_uri_parse(bad[i].uri, &u, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i].said) == NULL)
			fail_msg("%s: said \"%s\", not \"%s\"", bad[i].uri, cause, bad[i].said);
		assert_null(strstr(cause, "4829"));	/* a PIN is never repeated */
		assert_null(u.object);
		assert_null(u.id);
		free(cause);
	}
}

static void
test_is(void **state)
{
	(void)state;
	assert_true(p11_uri_is("pkcs11:"));
	assert_false(p11_uri_is("/etc/ncaenroll/pkcs11:ca.key"));
	assert_false(p11_uri_is(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tui-validate: each validator name reaches its rule in src/common; empty is fine unless required. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/i18n.h"
#include "tui/tui-validate.h"

static void
ok(const char *name, const char *value, int required)
{
	char	*msg = (char *)"untouched";

	if (tui_validate(name, value, required, &msg) != 0)
		fail_msg("%s '%s' refused: %s", name != NULL ? name : "-", value, msg);
	assert_null(msg);
}

static void
bad(const char *name, const char *value, int required, const char *says)
{
	char	*msg = NULL;

	if (tui_validate(name, value, required, &msg) != -1)
		fail_msg("%s '%s' accepted", name != NULL ? name : "-", value);
	assert_non_null(msg);
	if (strcmp(msg, says) != 0)
		fail_msg("%s '%s': \"%s\", not \"%s\"", name, value, msg, says);
	free(msg);
}

static void
test_table(void **state)
{
	static const char *const names[] = { "bin", "iin", "email", "gu_code", "password",
	    "required" };
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_non_null(tui_validate_find(names[i]));
		assert_string_equal(tui_validate_find(names[i])->name, names[i]);
	}
	assert_null(tui_validate_find("iban"));
	assert_null(tui_validate_find(""));
}

static void
test_rules(void **state)
{
	(void)state;
	ok("bin", "940140000385", 1);
	/* The rule's own first sentence (src/common), whole: each name reaches its rule. */
	bad("bin", "12345", 0, "must be exactly 12 digits, not 5");
	bad("bin", "871008401427", 0,			/* an IIN is no BIN */
	    "digit 5 is 0, which marks an IIN (a person's number), not a BIN");
	ok("iin", "871008401427", 1);
	bad("iin", "871008401428", 0,
	    "wrong check digit: with these first 11 digits the last one must be 7, not 8");
	bad("iin", "940140000385", 0,
	    "digit 5 is 4, which marks a BIN (a legal entity's number), not an IIN");
	ok("email", "", 0);				/* optional: empty is fine */
	bad("email", "", 1, "This field is required.");
	ok("email", "aigul@example.kz", 0);
	ok("email", "aigul@мысал.қаз", 0);
	bad("email", "aigul.example.kz", 0,
	    "has no @ between the name and the domain (name@example.kz)");
	ok("gu_code", "1234", 1);
	bad("gu_code", "12", 1, "must be 4 to 8 digits, not 2");
	ok("password", "Secret9", 1);
	/* Named by the first rule broken, never by the characters (shoulder surfing). */
	bad("password", "Sec", 1, "the password needs at least 6 characters");
	bad("password", "Secret9;", 1,
	    "the password needs only Latin letters, digits and #$^+=!*()@%&_?-.");
	bad("required", "", 0, "This field is required.");
	bad("required", "   ", 0, "This field is required.");
	ok("required", "x", 0);
	ok(NULL, "", 0);
	bad(NULL, "", 1, "This field is required.");
	bad("iban", "x", 0, "This value is not valid.");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_rules),
	};

	if (i18n_init("en", NULL) == -1)
		return 1;
	return cmocka_run_group_tests_name("tui-validate", tests, NULL, NULL);
}

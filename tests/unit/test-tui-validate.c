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
	if (strstr(msg, says) == NULL)
		fail_msg("%s '%s': \"%s\" does not say \"%s\"", name, value, msg, says);
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
		assert_non_null(tui_validator_find(names[i]));
		assert_string_equal(tui_validator_find(names[i])->name, names[i]);
	}
	assert_null(tui_validator_find("iban"));
	assert_null(tui_validator_find(""));
}

static void
test_rules(void **state)
{
	(void)state;
	ok("bin", "940140000385", 1);
	bad("bin", "12345", 0, "12");
	bad("bin", "871008401427", 0, "");		/* an IIN is no BIN */
	ok("iin", "871008401427", 1);
	bad("iin", "871008401428", 0, "");
	ok("email", "", 0);				/* optional: empty is fine */
	bad("email", "", 1, "required");
	ok("email", "aigul@example.kz", 0);
	ok("email", "aigul@мысал.қаз", 0);
	bad("email", "aigul.example.kz", 0, "@");
	ok("gu_code", "1234", 1);
	bad("gu_code", "12", 1, "");
	ok("password", "Secret9", 1);
	bad("password", "Sec", 1, "6");
	bad("required", "", 0, "required");
	bad("required", "   ", 0, "required");
	ok("required", "x", 0);
	ok(NULL, "", 0);
	bad(NULL, "", 1, "required");
	bad("iban", "x", 0, "not valid");
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

/*
 * test-helperrun — a helper's run as the callers read it, with real programs (/bin/sh
 * scripts): what it said, how it ended, a deadline that kills it, one that is not there.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "common/helperrun.h"

/* sh reads its commands from its standard input: the input is the script. */
static int
run_sh(struct helperrun *h, const char *script, int timeout)
{
	static char *const	env[] = { (char *)"PATH=/usr/bin:/bin", NULL };

	*h = (struct helperrun){ .prog = "/bin/sh", .name = "sh", .env = env,
	    .timeout = timeout };
	return helperrun(h, script, strlen(script));
}

/* The input arrives whole (its last line runs), and the first line said is kept. */
static void
test_input_and_first_line(void **state)
{
	struct helperrun	h;
	char			script[8192];
	size_t			n = 0;

	(void)state;
	while (n < sizeof script - 100)
		n += (size_t)snprintf(script + n, sizeof script - n, "# a form of a few KB\n");
	(void)snprintf(script + n, sizeof script - n,
	    "echo >&2; echo 'the last line ran' >&2; echo later >&2\n");
	assert_int_equal(run_sh(&h, script, 0), 0);
	assert_string_equal(h.line, "the last line ran");
	assert_true(helperrun_ok(&h));
}

static void
test_status_said(void **state)
{
	struct helperrun	h;

	(void)state;
	assert_int_equal(run_sh(&h, "exit 3\n", 0), 0);
	assert_false(helperrun_ok(&h));
	assert_true(WIFEXITED(h.status) && WEXITSTATUS(h.status) == 3);
	assert_string_equal(h.line, "");
	assert_int_equal(run_sh(&h, "kill -SEGV $$\n", 0), 0);
	assert_true(WIFSIGNALED(h.status) && WTERMSIG(h.status) == SIGSEGV);
	assert_false(helperrun_ok(&h));
}

/* A helper that hangs is killed at its deadline, and the caller is back soon after. */
static void
test_deadline(void **state)
{
	struct helperrun	h;
	time_t			t0 = time(NULL);

	(void)state;
	assert_int_equal(run_sh(&h, "echo started >&2; exec sleep 30\n", 1), 0);
	assert_true(h.late);
	assert_false(helperrun_ok(&h));
	assert_string_equal(h.line, "started");
	assert_true(time(NULL) - t0 <= 5);
}

static void
test_not_there(void **state)
{
	struct helperrun	h = { .prog = "/nonexistent/ncaenroll-pdf", .name = "x" };

	(void)state;
	assert_int_equal(helperrun(&h, "", 0), ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_and_first_line),
		cmocka_unit_test(test_status_said),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_not_there),
	};

	return cmocka_run_group_tests_name("helperrun", tests, NULL, NULL);
}

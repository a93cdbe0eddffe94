/* Secrets: held, compared, wiped, read from a descriptor, and never logged. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/secret.h"

static void
test_hold_and_compare(void **state)
{
	struct secret	*a = secret_new("Qwerty12", 8), *b = secret_new("Qwerty12", 8);
	struct secret	*c = secret_new("Qwerty13", 8);

	(void)state;
	assert_string_equal(secret_reveal(a), "Qwerty12");
	assert_int_equal(secret_len(a), 8);
	assert_true(secret_equal(a, b));
	assert_false(secret_equal(a, c));
	secret_free(a);
	secret_free(b);
	secret_free(c);
	secret_free(NULL);
}

static void
test_redacted_while_alive(void **state)
{
	struct secret	*s = secret_new("Qwerty12", 8);
	char		 msg[] = "opening with Qwerty12 and again Qwerty12.";
	char		 after[] = "opening with Qwerty12";

	(void)state;
	secret_redact(msg);
	assert_string_equal(msg, "opening with ******** and again ********.");
	secret_free(s);
	secret_redact(after);
	assert_string_equal(after, "opening with Qwerty12");
}

/* The logger itself refuses: a message that carries a live secret comes out masked. */
static void
test_logger_masks(void **state)
{
	struct secret	*pin = secret_new("1234567890", 10);
	char		 path[] = "/tmp/nca-logXXXXXX", buf[512];
	int		 fd = mkstemp(path), saved = dup(2);
	ssize_t		 n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	log_open("test", LOG_TO_STDERR, LOGL_DEBUG);
	log_error("token login with PIN %s failed", secret_reveal(pin));
	(void)fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	assert_int_equal(close(saved), 0);
	n = pread(fd, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_null(strstr(buf, "1234567890"));
	assert_non_null(strstr(buf, "PIN ********** failed"));
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
	secret_free(pin);
}

static struct secret *
read_from(const char *input, char **cause)
{
	int		 p[2];
	struct secret	*s;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], input, strlen(input)), (ssize_t)strlen(input));
	assert_int_equal(close(p[1]), 0);
	s = secret_read_line(p[0], cause);
	assert_int_equal(close(p[0]), 0);
	return s;
}

static void
test_read_line(void **state)
{
	struct secret	*s;
	char		*cause = NULL, big[1100];

	(void)state;
	s = read_from("Qwerty12\r\nrest", &cause);
	assert_non_null(s);
	assert_string_equal(secret_reveal(s), "Qwerty12");
	secret_free(s);
	s = read_from("last line without newline", &cause);
	assert_string_equal(secret_reveal(s), "last line without newline");
	secret_free(s);
	assert_null(read_from("", &cause));
	assert_non_null(strstr(cause, "no password"));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(read_from(big, &cause));
	assert_non_null(strstr(cause, "longer than"));
	free(cause);
}

static void
test_log_levels(void **state)
{
	enum log_level	l;

	(void)state;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOGL_DEBUG);
	assert_int_equal(log_level_parse("loud", &l), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_and_compare),
		cmocka_unit_test(test_redacted_while_alive),
		cmocka_unit_test(test_logger_masks),
		cmocka_unit_test(test_read_line),
		cmocka_unit_test(test_log_levels),
	};

	return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}

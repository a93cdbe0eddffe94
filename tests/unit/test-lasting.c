/*
 * srv_lasting_report: a background failure that lasts is said when it starts, after 1, 2,
 * 4... minutes (at most hourly) and when it ends, on the clock it is given.
 */
#include "config.h"

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
#include "ncaenrolld/srv.h"

#define LOG_MAX	(64 * 1024)

/* Ten hours of rounds a second, failing, then one that works; the log they wrote. */
static char *
ten_hours(struct srv_lasting *l, time_t t0)
{
	char		 path[] = "/tmp/nca-lastingXXXXXX", *buf, *cause;
	int		 fd = mkstemp(path), saved = dup(2);
	time_t		 t;
	ssize_t		 n;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	log_open("test", LOG_TO_STDERR, LOGL_INFO);
	for (t = t0; t < t0 + 36000; t++) {
		/* The cause changes after 100 s: it waits for the next line. */
		cause = strdup(t < t0 + 100 ? "disk full" : "disk still full");
		assert_non_null(cause);
		srv_lasting_report(l, "jobs", "working again", t, -1, &cause);
		assert_null(cause);
	}
	cause = NULL;
	srv_lasting_report(l, "jobs", "working again", t, 0, &cause);
	(void)fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	assert_int_equal(close(saved), 0);
	assert_non_null(buf = malloc(LOG_MAX));
	n = pread(fd, buf, LOG_MAX - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(close(fd), 0);
	assert_int_equal(unlink(path), 0);
	return buf;
}

static int
count_lines(const char *text)
{
	int	n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

static void
test_said_at_widening_intervals(void **state)
{
	struct srv_lasting	 l;
	char			*log;

	(void)state;
	memset(&l, 0, sizeof l);
	log = ten_hours(&l, 1700000000);
	/* 0 s; 1, 3, 7, 15, 31, 63 min; then hourly up to 10 h: 8 more; the end. */
	assert_int_equal(count_lines(log), 1 + 6 + 8 + 1);
	assert_non_null(strstr(log, "jobs: disk full (said again after 1 min"));
	assert_non_null(strstr(log, "jobs: disk full (still failing after 1m00s; 60 failed "
	    "rounds since it was last said)"));
	assert_non_null(strstr(log, "jobs: disk still full (still failing after 3m00s; 120 "
	    "failed rounds"));
	assert_non_null(strstr(log, "still failing after 1h03m; 1920 failed rounds"));
	assert_non_null(strstr(log, "still failing after 2h03m; 3600 failed rounds"));
	assert_non_null(strstr(log, "jobs: working again (after 36000 failed rounds over "
	    "10h00m)"));
	assert_null(l.failing);
	free(log);
	/* Ended: the next failure is new, said at once. */
	log = ten_hours(&l, 1800000000);
	assert_int_equal(count_lines(log), 16);
	free(log);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_said_at_widening_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test-ratelimit — per-address, per-bucket counts in one-minute windows; IPv6 counted per
 * /64; a table flooded with addresses stays bounded and still limits the busy client.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "ncaenrolld/ratelimit.h"

static void
test_window(void **state)
{
	struct srv_ratelimit	*rl = ratelimit_new(64, NULL);
	int			 i, retry = 0;

	(void)state;
	assert_non_null(rl);
	for (i = 0; i < 3; i++)
		assert_int_equal(ratelimit_hit(rl, "10.0.0.1", RATELIMIT_CAPTCHA, 3, 6000, &retry),
		    0);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", RATELIMIT_CAPTCHA, 3, 6010, &retry), -1);
	assert_int_equal(retry, 50);
	/* another bucket, another address: their own counts */
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", RATELIMIT_CHECK, 3, 6010, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.2", RATELIMIT_CAPTCHA, 3, 6010, &retry), 0);
	/* the next minute starts afresh */
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", RATELIMIT_CAPTCHA, 3, 6060, &retry), 0);
	ratelimit_free(rl);
}

static void
test_ipv6_per_64(void **state)
{
	struct srv_ratelimit	*rl = ratelimit_new(64, NULL);
	int			 retry;

	(void)state;
	assert_int_equal(ratelimit_hit(rl, "2001:db8:1:2::1", RATELIMIT_CHECK, 2, 0, &retry), 0);
	assert_int_equal(ratelimit_hit(rl, "2001:db8:1:2::ffff", RATELIMIT_CHECK, 2, 0, &retry),
	    0);
	assert_int_equal(ratelimit_hit(rl, "2001:db8:1:2:aaaa::9", RATELIMIT_CHECK, 2, 0,
	    &retry), -1);
	assert_int_equal(ratelimit_hit(rl, "2001:db8:1:3::1", RATELIMIT_CHECK, 2, 0, &retry), 0);
	ratelimit_free(rl);
}

/* A shared store's key: the bucket and the address as counted (IPv6: its /64), no more. */
static void
test_store_key(void **state)
{
	char	key[RATELIMIT_STORE_KEY_MAX];

	(void)state;
	ratelimit_store_key("2001:db8:1:2::ffff", RATELIMIT_STATUS, key);
	assert_string_equal(key, "status 2001:db8:1:2::");
	ratelimit_store_key("10.0.0.1", RATELIMIT_CAPTCHA, key);
	assert_string_equal(key, "captcha 10.0.0.1");
}

static void
test_flood_keeps_busy_client(void **state)
{
	struct srv_ratelimit	*rl = ratelimit_new(16, NULL);
	char			 addr[32];
	int			 i, retry;

	(void)state;
	for (i = 0; i < 5; i++)
		(void)ratelimit_hit(rl, "192.0.2.7", RATELIMIT_CHECK, 5, 120, &retry);
	for (i = 0; i < 10000; i++) {
		(void)snprintf(addr, sizeof addr, "198.51.%d.%d", i / 256, i % 256);
		(void)ratelimit_hit(rl, addr, RATELIMIT_CHECK, 5, 120, &retry);
	}
	/* Whatever the flood evicted, it was not the entry with the most hits. */
	assert_int_equal(ratelimit_hit(rl, "192.0.2.7", RATELIMIT_CHECK, 5, 121, &retry), -1);
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_ipv6_per_64),
		cmocka_unit_test(test_store_key),
		cmocka_unit_test(test_flood_keeps_busy_client),
	};

	return cmocka_run_group_tests_name("ratelimit", tests, NULL, NULL);
}

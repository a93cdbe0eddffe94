/*
 * test-proxy — the trusted_proxies list (addresses, CIDR blocks, IPv4 written as IPv6),
 * PROXY protocol v2 headers (complete, cut short, LOCAL, other families, not one at all)
 * and the client an X-Forwarded-For value names.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ncaenrolld/proxy.h"

static const unsigned char sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

static void
test_list(void **state)
{
	struct proxy_list	l;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(proxy_list_parse("127.0.0.1 ::1, 10.1.0.0/16 2001:db8::/32 "
	    "::ffff:192.0.2.0/120", &l, &cause), 0);
	assert_int_equal(l.n, 5);
	assert_true(proxy_list_has_text(&l, "127.0.0.1"));
	assert_true(proxy_list_has_text(&l, "::ffff:127.0.0.1"));
	assert_false(proxy_list_has_text(&l, "127.0.0.2"));
	assert_true(proxy_list_has_text(&l, "::1"));
	assert_true(proxy_list_has_text(&l, "10.1.255.7"));
	assert_false(proxy_list_has_text(&l, "10.2.0.1"));
	assert_true(proxy_list_has_text(&l, "2001:db8:ffff::1"));
	assert_false(proxy_list_has_text(&l, "2001:db9::1"));
	assert_true(proxy_list_has_text(&l, "192.0.2.200"));
	assert_false(proxy_list_has_text(&l, "192.0.3.1"));
	assert_false(proxy_list_has_text(&l, "not an address"));
	proxy_list_free(&l);
	assert_int_equal(proxy_list_parse(NULL, &l, &cause), 0);
	assert_int_equal(l.n, 0);
	assert_false(proxy_list_has_text(&l, "127.0.0.1"));
	assert_int_equal(proxy_list_parse("127.0.0.1 proxy.example", &l, &cause), -1);
	assert_non_null(strstr(cause, "'proxy.example'"));
	free(cause);
	cause = NULL;
	assert_int_equal(proxy_list_parse("10.0.0.0/33", &l, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(proxy_list_parse("10.0.0.0/", &l, &cause), -1);
	free(cause);
}

/* A v2 header: command, family, then the body given. */
static size_t
header(unsigned char *out, int cmd, int fam, const unsigned char *body, size_t n)
{
	memcpy(out, sig, 12);
	out[12] = (unsigned char)(0x20 | cmd);
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(n >> 8);
	out[15] = (unsigned char)n;
	memcpy(out + 16, body, n);
	return 16 + n;
}

static void
test_v2(void **state)
{
	static const unsigned char v4[12] = { 203, 0, 113, 7, 127, 0, 0, 1, 0x9c, 0x40, 0x20,
	    0xfb };
	unsigned char		 buf[PROXY_V2_MAX + 64], v6[36 + 8];
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl = 0;
	size_t			 n, hl = 0, i;
	char			 text[64];

	(void)state;
	n = header(buf, 1, 0x11, v4, sizeof v4);
	buf[n] = 0x16;		/* TLS after it */
	assert_int_equal(proxy_v2_parse(buf, n + 1, &hl, &ss, &sl), PROXY_V2_ADDR);
	assert_int_equal(hl, 28);
	assert_int_equal(sl, sizeof *s4);
	assert_string_equal(inet_ntop(AF_INET, &s4->sin_addr, text, sizeof text), "203.0.113.7");
	assert_int_equal(ntohs(s4->sin_port), 40000);
	for (i = 0; i < n; i++)		/* every cut short: wait for more */
		assert_int_equal(proxy_v2_parse(buf, i, &hl, &ss, &sl), PROXY_V2_MORE);
	/* IPv6, with a TLV after the addresses (skipped) */
	memset(v6, 0, sizeof v6);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::5", v6), 1);
	v6[36] = 0x04;	/* PP2_TYPE_NOOP, length 1 */
	v6[38] = 1;
	n = header(buf, 1, 0x21, v6, 40);
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_ADDR);
	assert_int_equal(hl, 56);
	assert_string_equal(inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof text),
	    "2001:db8::5");
	/* LOCAL, and families we cannot count by: the connection's own address */
	n = header(buf, 0, 0, v4, 0);
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_LOCAL);
	assert_int_equal(hl, 16);
	n = header(buf, 1, 0x31, v4, sizeof v4);	/* AF_UNIX */
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_LOCAL);
	/* what we do not take */
	n = header(buf, 1, 0x11, v4, 8);		/* addresses cut short */
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_BAD);
	n = header(buf, 2, 0x11, v4, sizeof v4);	/* no such command */
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_BAD);
	n = header(buf, 1, 0x11, v4, sizeof v4);
	buf[12] = 0x11;					/* version 1 in binary */
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_BAD);
	buf[12] = 0x21;
	buf[14] = 0xff;					/* longer than we read */
	assert_int_equal(proxy_v2_parse(buf, n, &hl, &ss, &sl), PROXY_V2_BAD);
	/* not a header: a TLS ClientHello, PROXY v1's text */
	assert_int_equal(proxy_v2_parse((const unsigned char *)"\x16\x03\x01", 3, &hl, &ss,
	    &sl), PROXY_V2_NONE);
	assert_int_equal(proxy_v2_parse((const unsigned char *)"PROXY TCP4 ", 11, &hl, &ss,
	    &sl), PROXY_V2_NONE);
}

static void
test_xff(void **state)
{
	struct proxy_list	 l;
	char			 out[PROXY_ADDR_MAX];

	(void)state;
	assert_int_equal(proxy_list_parse("127.0.0.1 10.0.0.0/8", &l, NULL), 0);
	assert_int_equal(proxy_xff(&l, "198.51.100.9", out), 0);
	assert_string_equal(out, "198.51.100.9");
	/* the right-most that is not a proxy; what is left of it is the client's word */
	assert_int_equal(proxy_xff(&l, "1.2.3.4, 198.51.100.9, 10.2.3.4, 127.0.0.1", out), 0);
	assert_string_equal(out, "198.51.100.9");
	assert_int_equal(proxy_xff(&l, " 2001:db8::1 ,", out), 0);
	assert_string_equal(out, "2001:db8::1");
	assert_int_equal(proxy_xff(&l, "::ffff:198.51.100.9", out), 0);
	assert_string_equal(out, "198.51.100.9");
	/* nothing to believe: the connection's own address stands */
	assert_int_equal(proxy_xff(&l, NULL, out), -1);
	assert_int_equal(proxy_xff(&l, "", out), -1);
	assert_int_equal(proxy_xff(&l, "10.1.1.1, 127.0.0.1", out), -1);
	assert_int_equal(proxy_xff(&l, "198.51.100.9, unknown", out), -1);
	assert_int_equal(proxy_xff(&l, "198.51.100.9:443", out), -1);
	proxy_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_v2),
		cmocka_unit_test(test_xff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * fuzz-proxy — what a proxy sends before TLS and in its requests' headers (proxy.c): the
 * PROXY protocol v2 header, read from the first bytes as http_acceptor reads them, and the
 * X-Forwarded-For value. A header taken must fit in the bytes given and name an IPv4 or
 * IPv6 source; X-Forwarded-For yields a numeric address or nothing, never a trusted one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ncaenrolld/proxy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct proxy_list	 l, any;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = 0;
	size_t			 hl = 0;
	char			 out[PROXY_ADDR_MAX], *s;
	unsigned char		 a[16];

	switch (proxy_v2_parse(data, len, &hl, &ss, &sl)) {
	case PROXY_V2_ADDR:
		if (sl != sizeof(struct sockaddr_in) && sl != sizeof(struct sockaddr_in6))
			fuzz_die("proxy_v2_parse", "an address of no known size");
		/* FALLTHROUGH */
	case PROXY_V2_LOCAL:
		if (hl < 16 || hl > len || hl > PROXY_V2_MAX)
			fuzz_die("proxy_v2_parse", "a header longer than the bytes");
		break;
	default:
		break;
	}
	if (proxy_list_parse("127.0.0.1 ::1 10.0.0.0/8", &l, NULL) == -1)
		fuzz_die("proxy_list_parse", NULL);
	s = fuzz_string(data, len);
	if (proxy_xff(&l, s, out) == 0) {
		if (strnlen(out, sizeof out) == sizeof out ||
		    (inet_pton(AF_INET, out, a) != 1 && inet_pton(AF_INET6, out, a) != 1))
			fuzz_die("proxy_xff", "not a numeric address");
		if (proxy_list_has_text(&l, out))
			fuzz_die("proxy_xff", "a trusted proxy named as the client");
	}
	if (proxy_list_parse(s, &any, NULL) == 0)	/* the input as a trusted_proxies list */
		proxy_list_free(&any);
	free(s);
	proxy_list_free(&l);
	return 0;
}

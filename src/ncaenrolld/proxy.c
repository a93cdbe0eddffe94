/*
 * proxy — the trusted_proxies list, the PROXY protocol v2 header and X-Forwarded-For
 * (proxy.h). The header's layout is HAProxy's proxy-protocol.txt, section 2.2: a
 * 12-byte signature, version and command, family and transport, a 16-bit length, then
 * the addresses and TLVs (ignored).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "ncaenrolld/proxy.h"

static const unsigned char proxy_v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

/* One numeric address into family and 16 bytes; an IPv4-mapped IPv6 one becomes IPv4. */
static int
proxy_addr_parse(const char *s, int *family, unsigned char addr[16])
{
	struct in6_addr	a6;

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) != 1)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) {
		*family = AF_INET;
		memcpy(addr, &a6.s6_addr[12], 4);
	} else {
		*family = AF_INET6;
		memcpy(addr, a6.s6_addr, 16);
	}
	return 0;
}

/* "ADDR" or "ADDR/BITS" into n: 0, or -1. */
static int
proxy_net_parse(const char *word, struct proxy_net *n)
{
	char		 buf[PROXY_ADDR_MAX + 8], *slash, *end;
	long		 bits;
	int		 max;

	if (strlen(word) >= sizeof buf)
		return -1;
	(void)strcpy(buf, word);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (proxy_addr_parse(buf, &n->family, n->addr) == -1)
		return -1;
	n->bits = n->family == AF_INET ? 32 : 128;
	if (slash == NULL)
		return 0;
	max = strchr(buf, ':') != NULL ? 128 : 32;	/* as written */
	bits = strtol(slash + 1, &end, 10);
	if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || bits > max)
		return -1;
	/* a mapped address was written in IPv6's terms: its prefix counts from bit 96 */
	if (n->family == AF_INET && max == 128)
		bits = bits >= 96 ? bits - 96 : -1;
	if (bits < 0)
		return -1;
	n->bits = (int)bits;
	return 0;
}

int
proxy_list_parse(const char *text, struct proxy_list *l, char **cause)
{
	const char	*p = text != NULL ? text : "";
	char		 word[PROXY_ADDR_MAX + 8];
	size_t		 len, cap = 0;
	struct proxy_net *nv;

	l->v = NULL;
	l->n = 0;
	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			return 0;
		len = strcspn(p, " \t,");
		if (len >= sizeof word) {
			cause_set(cause, "trusted_proxies: '%.*s' is not an address or CIDR block",
			    (int)len, p);
			break;
		}
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		if (l->n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if ((nv = reallocarray(l->v, cap, sizeof *nv)) == NULL) {
				cause_set(cause, "out of memory");
				break;
			}
			l->v = nv;
		}
		if (proxy_net_parse(word, &l->v[l->n]) == -1) {
			cause_set(cause, "trusted_proxies: '%s' is not an address or CIDR block",
			    word);
			break;
		}
		l->n++;
	}
	proxy_list_free(l);
	return -1;
}

void
proxy_list_free(struct proxy_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
proxy_list_match(const struct proxy_list *l, int family, const unsigned char addr[16])
{
	const struct proxy_net	*n;
	size_t			 i;
	int			 full, rest;

	for (i = 0; i < l->n; i++) {
		n = &l->v[i];
		if (n->family != family)
			continue;
		full = n->bits / 8;
		rest = n->bits % 8;
		if (memcmp(n->addr, addr, (size_t)full) != 0)
			continue;
		if (rest == 0 || ((n->addr[full] ^ addr[full]) & (0xff << (8 - rest))) == 0)
			return 1;
	}
	return 0;
}

int
proxy_list_has(const struct proxy_list *l, const struct sockaddr *sa)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;
	unsigned char			 addr[16];

	if (l == NULL || l->n == 0 || sa == NULL)
		return 0;
	memset(addr, 0, sizeof addr);
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return proxy_list_match(l, AF_INET, addr);
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(addr, &s6->sin6_addr.s6_addr[12], 4);
		return proxy_list_match(l, AF_INET, addr);
	}
	return proxy_list_match(l, AF_INET6, s6->sin6_addr.s6_addr);
}

int
proxy_list_has_text(const struct proxy_list *l, const char *s)
{
	unsigned char	addr[16];
	int		family;

	if (l == NULL || l->n == 0 || proxy_addr_parse(s, &family, addr) == -1)
		return 0;
	return proxy_list_match(l, family, addr);
}

enum proxy_v2
proxy_v2_parse(const unsigned char *buf, size_t len, size_t *hdrlen,
    struct sockaddr_storage *src, socklen_t *srclen)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)src;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)src;
	size_t			 body, n = len < sizeof proxy_v2_sig ? len : sizeof proxy_v2_sig;

	if (memcmp(buf, proxy_v2_sig, n) != 0)
		return PROXY_V2_NONE;
	if (len < 16)
		return PROXY_V2_MORE;
	if ((buf[12] & 0xf0) != 0x20 || (buf[12] & 0x0f) > 1)
		return PROXY_V2_BAD;	/* version 2; command LOCAL (0) or PROXY (1) */
	body = (size_t)buf[14] << 8 | buf[15];
	if (16 + body > PROXY_V2_MAX)
		return PROXY_V2_BAD;
	if (len < 16 + body)
		return PROXY_V2_MORE;
	*hdrlen = 16 + body;
	if ((buf[12] & 0x0f) == 0)
		return PROXY_V2_LOCAL;	/* the proxy's own (a health check) */
	memset(src, 0, sizeof *src);
	switch (buf[13]) {
	case 0x11:			/* TCP over IPv4: src, dst, src port, dst port */
		if (body < 12)
			return PROXY_V2_BAD;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, buf + 16, 4);
		memcpy(&s4->sin_port, buf + 24, 2);
		*srclen = sizeof *s4;
		return PROXY_V2_ADDR;
	case 0x21:			/* TCP over IPv6 */
		if (body < 36)
			return PROXY_V2_BAD;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, buf + 16, 16);
		memcpy(&s6->sin6_port, buf + 48, 2);
		*srclen = sizeof *s6;
		return PROXY_V2_ADDR;
	default:			/* UNSPEC, UDP, UNIX: nothing we can count by */
		return PROXY_V2_LOCAL;
	}
}

int
proxy_xff(const struct proxy_list *l, const char *xff, char out[PROXY_ADDR_MAX])
{
	const char	*end, *start;
	char		 word[PROXY_ADDR_MAX];
	unsigned char	 addr[16];
	size_t		 len;
	int		 family;

	if (xff == NULL)
		return -1;
	for (end = xff + strlen(xff); end > xff; end = start) {
		while (end > xff && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == ','))
			end--;
		for (start = end; start > xff && start[-1] != ',' && start[-1] != ' ' &&
		    start[-1] != '\t'; start--)
			continue;
		if ((len = (size_t)(end - start)) == 0)
			break;
		if (len >= sizeof word)
			return -1;
		memcpy(word, start, len);
		word[len] = '\0';
		if (proxy_addr_parse(word, &family, addr) == -1)
			return -1;
		if (!proxy_list_match(l, family, addr)) {
			/* written as the service writes addresses: mapped IPv4 as IPv4 */
			if (inet_ntop(family, addr, out, PROXY_ADDR_MAX) == NULL)
				return -1;
			return 0;
		}
	}
	return -1;
}

/*
 * proxy — who may tell the service a client's real address, and how: the trusted_proxies
 * list (addresses and CIDR blocks, ncaenrolld.yaml(5)), the PROXY protocol version 2
 * header a proxy such as HAProxy (send-proxy-v2) puts before a connection's first byte,
 * and the X-Forwarded-For header of a request. Pure functions over bytes and strings, no
 * sockets: http.c reads the socket and decides whom to ask; test-proxy.c and the fuzzer
 * call them directly. 0/-1 with a cause, or the enum below; a list is freed by
 * proxy_list_free.
 */
#ifndef NCA_PROXY_H
#define NCA_PROXY_H

#include <stddef.h>
#include <sys/socket.h>

#define PROXY_ADDR_MAX		64	/* a numeric address as text, NUL included */
#define PROXY_V2_MAX		(16 + 536)	/* the header and the longest we read */

struct proxy_net {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	int		bits;		/* the prefix: 32 or 128 for one address */
};

struct proxy_list {
	struct proxy_net	*v;
	size_t			 n;
};

/*
 * text: addresses and CIDR blocks apart by spaces ("127.0.0.1 ::1 10.1.0.0/16"); NULL or
 * "" is the empty list. An IPv4 address written as IPv6 (::ffff:a.b.c.d) counts as IPv4.
 */
int	proxy_list_parse(const char *text, struct proxy_list *, char **cause);
void	proxy_list_free(struct proxy_list *);
/* 1 when sa (or the numeric address text) is in the list, else 0. */
int	proxy_list_has(const struct proxy_list *, const struct sockaddr *sa);
int	proxy_list_has_text(const struct proxy_list *, const char *addr);

/*
 * The PROXY protocol v2 header at the start of buf[0..len): PROXY_V2_NONE when buf does
 * not start like one (len of at least 12 decides; fewer that match so far: MORE),
 * PROXY_V2_MORE when it does but is not all there yet, PROXY_V2_BAD when it is not a
 * header we take (another version or command, a length past PROXY_V2_MAX, addresses
 * cut short), PROXY_V2_LOCAL for a LOCAL command or an address family other than TCP over
 * IPv4 or IPv6 (the connection's own address stands), PROXY_V2_ADDR with the source
 * address in *src (port included). *hdrlen: the bytes the header takes, for LOCAL and ADDR.
 */
enum proxy_v2 {
	PROXY_V2_NONE, PROXY_V2_MORE, PROXY_V2_BAD, PROXY_V2_LOCAL, PROXY_V2_ADDR
};
enum proxy_v2	proxy_v2_parse(const unsigned char *buf, size_t len, size_t *hdrlen,
		    struct sockaddr_storage *src, socklen_t *srclen);

/*
 * The client's address from an X-Forwarded-For value that a trusted proxy passed on: the
 * right-most entry that is not itself a trusted proxy (the entries to its left are the
 * client's own word). 0 with it in out, or -1 when the value holds no such entry or an
 * entry that is not an IP address (then the connection's own address stands).
 */
int	proxy_xff(const struct proxy_list *, const char *xff, char out[PROXY_ADDR_MAX]);

#endif

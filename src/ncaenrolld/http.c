/*
 * http — libmicrohttpd (GnuTLS) serving the route table over TLS 1.2/1.3; and a second
 * daemon, plain http, serving the public route table (signed objects only: CRLs, CA
 * certificates, OCSP), with the same threads, limits and watchdog, bodies of at most
 * CA_OCSP_REQUEST_MAX bytes, and no client certificate to look at.
 *
 * Threads: MHD's internal polling with a fixed pool of threads (policy.threads), not a
 * thread per connection. A thread per connection would let a client that opens many slow
 * connections make as many threads; a pool keeps the threads (and the store handles, one
 * per thread in flight) bounded, while each thread polls many connections. Handlers are
 * short (a few SQLite statements), so a pool of a few threads is not held up by them.
 *
 * Slow clients: MHD's connection timeout only counts idle time, so a client trickling a
 * byte every few seconds would never be cut off. A watchdog thread therefore gives every
 * request (from connect, or from the previous answer on a kept-alive connection, to its
 * answer) policy.request_timeout seconds and shuts the socket of a connection that goes
 * over; MHD then sees the socket closed and cleans up. Until a request's headers are in
 * (the TLS handshake, the request line, the headers) the deadline is the shorter
 * policy.header_timeout: a connection that sends nothing holds a slot for seconds, not half
 * a minute. The watchdog shuts sockets only under the lock that MHD's "connection closed"
 * notification takes, which MHD sends before it closes the descriptor, so a reused
 * descriptor is never hit.
 *
 * Slots: policy.max_connections in all and policy.connections_per_address per client
 * address (IPv6: per /64), and once more than half the slots are taken, only
 * policy.connections_per_address_busy per address: a handful of hosts holding many
 * connections cannot take the last slots from the hosts that hold one or two. MHD's accept
 * policy callback counts the open connections on the watchdog's list and refuses; MHD's
 * total stays behind it as a backstop, but not its per-address limit, which refused
 * before the callback saw the connection, and silently. Every refusal and cut-off is
 * counted (http_counts) and logged at most once a minute each: the first at once, the
 * rest summed up (an attack would otherwise write a line per connection, and fill the
 * disk the log is on).
 *
 * Behind proxies (trusted_proxies): MHD gets no listening socket; http_acceptor accepts,
 * reads a listed proxy's PROXY v2 header first, and hands each connection to MHD with the
 * client's address (MHD_add_connection), so the slots, rate limits and log count clients,
 * not the proxy. A listed proxy's requests may name the client in X-Forwarded-For.
 *
 * Client certificates: with an operator CA configured, MHD is given it as its trust list,
 * which makes GnuTLS *request* (not require) a client certificate in every handshake, with
 * that CA's name in the request. Applicants send none and go on as before. GnuTLS checks
 * only that a client holds the key of what it sent; http.c passes the DER on, and the RA
 * routes' gate (api-ra.c) has operator.c judge it, at the service's clock.
 *
 * Malformed requests MHD passes on: a method that is not an HTTP token gets 400; a query
 * with more arguments than MHD's per-connection memory holds is answered 414 before MHD
 * parses it (http_uri_seen), as MHD would otherwise answer nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/log.h"
#include "common/privfile.h"
#include "common/utf8.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/proxy.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"

/*
 * GnuTLS priorities: TLS 1.3 and 1.2, and in 1.2 only suites with forward secrecy (ECDHE)
 * and an AEAD cipher: no RSA key transport (a stolen TLS key would open recorded
 * sessions), no CBC with SHA-1 (padding-oracle history), no CCM (no client of ours needs
 * it). TLS 1.3's suites are all of that kind; its AES-128-CCM goes with the cipher.
 */
#define HTTP_PRIORITIES		"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
				"-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA:" \
				"-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:" \
				"-MAC-ALL:+AEAD"
#define HTTP_PEM_MAX		(1024 * 1024)
#define HTTP_ADDR_MAX		64
#define HTTP_PATH_BUF		1024
#define HTTP_DISCARD_MAX	16	/* times max_body read and dropped before a 413 */
#define HTTP_QUERY_ARGS_MAX	64	/* the API's queries have one or two arguments */
#define HTTP_TALLY_GAP		60	/* seconds between two lines of one tally */
#define HTTP_TALLY_LINE		256
#define HTTP_FDS_SPARE		64	/* descriptors besides the connections' */
#define HTTP_PENDING_MAX	256	/* proxies' connections waiting for a PROXY header */

/* One per connection (MHD's socket context), on the watchdog's list while open. */
struct http_conn {
	struct http_conn	*prev, *next;
	int			 fd;
	time_t			 started;	/* monotonic: connect or last answer */
	int			 cut;
	size_t			 refused;	/* query arguments, when too many */
	int			 requested;	/* the current request's headers are in */
	int			 proxy;		/* from a trusted proxy: X-Forwarded-For */
	char			 addr[HTTP_ADDR_MAX];
	char			 key[RATELIMIT_ADDR_MAX];	/* addr, or its /64 */
};

/*
 * Events of one kind (refused connections, cut-offs) said at most once per
 * HTTP_TALLY_GAP: the first of a quiet spell at once, the others counted and summed up by
 * the watchdog. Under the server's lock.
 */
struct http_tally {
	const char	*what;		/* "refused", "cut off" */
	unsigned long	 n;		/* events since the last line */
	unsigned long long total;	/* events since the start (http_counts) */
	time_t		 said;		/* monotonic: the last line */
	char		 last[HTTP_TALLY_LINE];	/* the latest event, as it would be said */
};

/* One per request (MHD's con_cls): the body as it arrives. */
struct http_rctx {
	char		*body;
	size_t		 len, cap;
	int		 too_big;
	struct timespec	 t0;
	const struct http_route *route;	/* matched, for the metrics; NULL: none */
	char		 addr[PROXY_ADDR_MAX];	/* X-Forwarded-For's client, or "" */
};

struct http_server {
	struct srv		*srv;
	const struct http_route	*routes;
	size_t			 nroutes;
	int			 plain;		/* no TLS: the public routes */
	size_t			 max_body;
	struct MHD_Daemon	*mhd;
	int			 fd;
	char			*cert, *key;	/* PEM held for MHD's lifetime; key wiped */
	char			*trust;		/* the operator CA (PEM), or NULL */
	size_t			 keylen;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	int			 stopping;
	pthread_t		 watchdog;
	int			 watchdog_running;
	struct http_conn	*conns;
	size_t			 nconns;
	struct http_tally	 refusals, cutoffs;
	struct proxy_list	 proxies;	/* trusted_proxies; none: MHD accepts */
	pthread_t		 acceptor;	/* with proxies: reads PROXY headers */
	int			 acceptor_running;
	/* held while the acceptor hands a connection to mhd, and to change mhd (a reload) */
	pthread_mutex_t		 handover;
};

/* ---- responses ---- */

void
http_json(struct http_resp *resp, int status, json_t *json)
{
	resp->status = status;
	json_decref(resp->json);
	resp->json = json;
}

void
http_raw(struct http_resp *resp, int status, const char *content_type, unsigned char *data,
    size_t len)
{
	resp->status = status;
	free(resp->raw);
	resp->raw = data;
	resp->raw_len = len;
	resp->content_type = content_type;
}

void
http_error(struct http_resp *resp, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	/*
	 * A message may quote what a client sent (a path): bytes that are not UTF-8 would
	 * make no JSON string, and the client a 500 instead of its 4xx.
	 */
	if (msg != NULL && utf8_count(msg) == -1)
		(void)utf8_sanitize(msg, 1);
	free(resp->raw);
	resp->raw = NULL;
	http_json(resp, status, json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code,
	    "message", msg != NULL ? msg : code, "field", field));
	free(msg);
}

void
http_resp_free(struct http_resp *resp)
{
	json_decref(resp->json);
	resp->json = NULL;
	free(resp->raw);
	resp->raw = NULL;
}

const char *
http_body_string(const struct http_req *req, struct http_resp *resp, const char *name)
{
	json_t	*v = req->body != NULL ? json_object_get(req->body, name) : NULL;

	if (v == NULL || json_is_null(v)) {
		http_error(resp, 400, "field.missing", name, "'%s' is required", name);
		return NULL;
	}
	if (!json_is_string(v)) {
		http_error(resp, 400, "field.type", name, "'%s' must be a string", name);
		return NULL;
	}
	return json_string_value(v);
}

/* ---- routing ---- */

int
http_route_match(const char *pattern, const char *path, const char *params[HTTP_MAX_PARAMS],
    char *buf, size_t bufsz)
{
	size_t	np = 0, used = 0, n;

	while (*pattern != '\0') {
		if (strcmp(pattern, "{*}") == 0) {
			n = strlen(path);
			if (n == 0 || np == HTTP_MAX_PARAMS || used + n + 1 > bufsz)
				return 0;
			memcpy(buf + used, path, n + 1);
			params[np++] = buf + used;
			path += n;
			break;
		}
		if (strncmp(pattern, "{}", 2) == 0) {
			n = strcspn(path, "/");
			if (n == 0 || np == HTTP_MAX_PARAMS || used + n + 1 > bufsz)
				return 0;
			memcpy(buf + used, path, n);
			buf[used + n] = '\0';
			params[np++] = buf + used;
			used += n + 1;
			pattern += 2;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	if (*path != '\0')
		return 0;
	while (np < HTTP_MAX_PARAMS)
		params[np++] = NULL;
	return 1;
}

static const char *
http_query(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->impl, MHD_GET_ARGUMENT_KIND, name);
}

static const char *
http_header(const struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->impl, MHD_HEADER_KIND, name);
}

/*
 * Finds the route for method and path: its index, or -1 with resp filled (404, or 405
 * and the methods the path has in allow).
 */
static int
http_route_find(const struct http_route *rt, size_t nroutes, const char *method,
    const char *path, struct http_req *req, char *buf, size_t bufsz, struct http_resp *resp,
    char *allow, size_t allowsz)
{
	const char		*params[HTTP_MAX_PARAMS];
	size_t			 i;
	int			 any = 0;

	allow[0] = '\0';
	for (i = 0; i < nroutes; i++) {
		if (!http_route_match(rt[i].pattern, path, params, buf, bufsz))
			continue;
		if (strcmp(rt[i].method, method) == 0) {
			memcpy(req->params, params, sizeof req->params);
			return (int)i;
		}
		if (strstr(allow, rt[i].method) == NULL) {
			(void)snprintf(allow + strlen(allow), allowsz - strlen(allow), "%s%s",
			    any ? ", " : "", rt[i].method);
			any = 1;
		}
	}
	if (any)
		http_error(resp, 405, "method_not_allowed", NULL,
		    "%s is not allowed here (allowed: %s)", method, allow);
	else
		http_error(resp, 404, "not_found", NULL, "there is no %s", path);
	return -1;
}

/* ---- the body ---- */

static int
http_content_type_ok(const char *ct)
{
	size_t	n = strlen("application/json");

	if (ct == NULL)
		return 1;
	return strncasecmp(ct, "application/json", n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Parses the request's body for a route that needs a JSON object: 0, or -1 and resp. */
static int
http_body_parse(const char *content_type, const char *body, size_t len, struct http_req *req,
    struct http_resp *resp)
{
	json_error_t	err;

	if (!http_content_type_ok(content_type)) {
		http_error(resp, 415, "body.content_type", NULL,
		    "the body must be JSON (Content-Type: application/json)");
		return -1;
	}
	if (len == 0) {
		http_error(resp, 400, "body.missing", NULL, "a JSON object body is required");
		return -1;
	}
	req->body = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &err);
	if (req->body == NULL) {
		if (json_error_code(&err) == json_error_invalid_utf8)
			http_error(resp, 400, "body.utf8", NULL,
			    "the body is not valid UTF-8 (at byte %d)", err.position);
		else
			http_error(resp, 400, "body.json", NULL,
			    "the body is not valid JSON: %s (line %d, column %d)", err.text,
			    err.line, err.column);
		return -1;
	}
	if (!json_is_object(req->body)) {
		http_error(resp, 400, "body.not_object", NULL,
		    "the body must be a JSON object ({...})");
		return -1;
	}
	return 0;
}

static int
http_body_add(struct http_rctx *r, const char *data, size_t len, size_t max)
{
	char	*p;
	size_t	 cap;

	if (r->too_big || len > max - r->len) {
		r->too_big = 1;
		return 0;
	}
	if (r->len + len > r->cap) {
		cap = r->cap > 0 ? r->cap : 4096;
		while (cap < r->len + len)
			cap *= 2;
		if (cap > max)
			cap = max;
		if ((p = realloc(r->body, cap)) == NULL)
			return -1;
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, len);
	r->len += len;
	return 0;
}

/* ---- sending ---- */

/* Microseconds from t0 to now (monotonic), 0 if the clock went back or cannot be read. */
static uint64_t
http_us_since(const struct timespec *t0)
{
	struct timespec	t;

	if (clock_gettime(CLOCK_MONOTONIC, &t) == -1 || t.tv_sec < t0->tv_sec ||
	    (t.tv_sec == t0->tv_sec && t.tv_nsec < t0->tv_nsec))
		return 0;
	return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000000 +
	    (uint64_t)((t.tv_nsec - t0->tv_nsec) / 1000);
}

static int
http_add_header(struct MHD_Response *r, const char *name, const char *value)
{
	return MHD_add_response_header(r, name, value) == MHD_YES ? 0 : -1;
}

/* s for a log line: control characters (an unescaped %0A in a path) become '?'. */
static void
http_log_safe(const char *s, char *out, size_t outsz)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
	/* Bytes that are not UTF-8, and a character cut at outsz, become '?': a log is text. */
	(void)utf8_sanitize(out, 0);
}

/*
 * The path for the access log: a request number is the key to an application's status
 * and certificates, so a segment holding one (HTTP_LOG_DIGITS digits or more, however
 * written) keeps only its first group, "4821-*": enough to follow one application through
 * the log, far too little to ask the service about it.
 */
#define HTTP_LOG_DIGITS	8
#define HTTP_LOG_KEEP	4

static void
http_log_path(const char *path, char *out, size_t outsz)
{
	char		 buf[256];
	const char	*seg, *end;
	size_t		 n = 0, len, digits, i;

	http_log_safe(path, buf, sizeof buf);
	for (seg = buf; *seg != '\0' && n + 1 < outsz; seg = end) {
		end = seg + 1 + strcspn(seg + 1, "/");	/* seg is "/..." or the start */
		len = (size_t)(end - seg);
		for (digits = 0, i = 0; i < len; i++)
			digits += seg[i] >= '0' && seg[i] <= '9';
		if (digits >= HTTP_LOG_DIGITS && len > 1 + HTTP_LOG_KEEP)
			n += (size_t)snprintf(out + n, outsz - n, "%.*s-*",
			    (int)(HTTP_LOG_KEEP + (*seg == '/')), seg);
		else
			n += (size_t)snprintf(out + n, outsz - n, "%.*s", (int)len, seg);
		if (n >= outsz)
			n = outsz - 1;
	}
	out[n] = '\0';
}

/* Queues resp (taking what it holds) and writes the access log line. */
static enum MHD_Result
http_send(const struct http_server *hs, struct MHD_Connection *c, const char *method,
    const char *path, const struct http_conn *conn, const struct http_rctx *r,
    struct http_resp *resp, const char *allow)
{
	struct MHD_Response	*mr;
	enum MHD_Result		 ret;
	char			*text = NULL, num[64], m[16], p[256];
	size_t			 len;
	uint64_t		 us;
	int			 bad = 0;

	if (resp->raw != NULL) {
		len = resp->raw_len;
		mr = MHD_create_response_from_buffer(len, resp->raw, MHD_RESPMEM_MUST_FREE);
		if (mr != NULL)
			resp->raw = NULL;
	} else {
		if (resp->json == NULL || (text = json_dumps(resp->json, JSON_COMPACT)) == NULL) {
			resp->status = 500;
			text = strdup("{\"error\":{\"code\":\"internal\",\"message\":"
			    "\"out of memory\",\"field\":null}}");
			if (text == NULL)
				return MHD_NO;
		}
		len = strlen(text);
		mr = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		if (mr == NULL)
			free(text);
	}
	if (mr == NULL)
		return MHD_NO;
	bad |= http_add_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, text != NULL ?
	    "application/json; charset=utf-8" : resp->content_type != NULL ?
	    resp->content_type : "application/octet-stream");
	bad |= http_add_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	bad |= http_add_header(mr, "X-Content-Type-Options", "nosniff");
	if (!hs->plain)
		bad |= http_add_header(mr, MHD_HTTP_HEADER_STRICT_TRANSPORT_SECURITY,
		    "max-age=31536000");
	if (allow != NULL && *allow != '\0')
		bad |= http_add_header(mr, MHD_HTTP_HEADER_ALLOW, allow);
	if (resp->close)
		bad |= http_add_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
	if (resp->retry_after > 0) {
		(void)snprintf(num, sizeof num, "%d", resp->retry_after);
		bad |= http_add_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	ret = bad ? MHD_NO : MHD_queue_response(c, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	/* one reading of the clock for the metrics and the log: they agree */
	us = r != NULL ? http_us_since(&r->t0) : 0;
	metrics_request(hs->srv->metrics, r != NULL ? r->route : NULL, resp->status, us);
	/* Never the body or the query: they carry personal data; nor a request number. */
	http_log_safe(method, m, sizeof m);
	http_log_path(path, p, sizeof p);
	if (conn != NULL && conn->refused > 0)
		(void)snprintf(num, sizeof num, " (%zu query arguments, more than %d)",
		    conn->refused, HTTP_QUERY_ARGS_MAX);
	else
		num[0] = '\0';
	log_info("%s \"%s %s\" %d %zu %llums%s", r != NULL && r->addr[0] != '\0' ? r->addr :
	    conn != NULL ? conn->addr : "-", m, p,
	    resp->status, len, (unsigned long long)(us / 1000), num);
	return ret;
}

/* ---- the access handler ---- */

/*
 * The certificate the client presented in the handshake (GnuTLS keeps it for the
 * session's life, longer than the request's). GnuTLS has checked only that the client
 * holds its key (CertificateVerify); whose it is, operator.c decides.
 */
static void
http_peer_cert(struct MHD_Connection *c, struct http_req *req)
{
	const union MHD_ConnectionInfo	*ci;
	const gnutls_datum_t		*peers;
	unsigned int			 n = 0;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return;
	peers = gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
	if (peers != NULL && n > 0 && peers[0].data != NULL && peers[0].size > 0) {
		req->client_cert = peers[0].data;
		req->client_cert_len = peers[0].size;
	}
}

enum http_result
http_route_call(struct srv *srv, const struct http_route *rt, struct http_req *req,
    struct http_resp *resp)
{
	enum http_result	r = HTTP_GO_ON;

	if (rt->gate != NULL)
		r = rt->gate->check(srv, req, resp);
	if (r == HTTP_GO_ON)
		r = rt->handler(srv, req, resp);
	if (rt->gate != NULL)
		rt->gate->end(srv, req);
	return r;
}

void
http_handle(struct srv *srv, const struct http_route *routes, size_t nroutes,
    struct http_req *req, const struct http_body *b, struct http_resp *resp, char *allow,
    size_t allowsz)
{
	char		 buf[HTTP_PATH_BUF];
	int		 i;

	req->body = NULL;
	if ((i = http_route_find(routes, nroutes, req->method, req->path, req, buf, sizeof buf,
	    resp, allow, allowsz)) == -1)
		return;
	req->route = &routes[i];
	if (b->too_big) {
		http_error(resp, 413, "body.too_large", NULL,
		    "the body is larger than %zu bytes", b->max);
		return;
	}
	if (routes[i].body && http_body_parse(b->content_type, b->data, b->len, req,
	    resp) == -1)
		goto out;
	if (!routes[i].body && b->len > 0) {
		req->raw_body = (const unsigned char *)b->data;
		req->raw_len = b->len;
	}
	if (http_route_call(srv, &routes[i], req, resp) != HTTP_ANSWERED ||
	    resp->status < 100 || resp->status > 599 ||
	    (resp->json == NULL && resp->raw == NULL)) {
		log_error("%s: the handler failed", routes[i].pattern);
		http_resp_free(resp);
		resp->retry_after = 0;
		http_error(resp, 500, "internal", NULL,
		    "the service failed to answer; try again later");
	}
out:
	json_decref(req->body);
	req->body = NULL;
}

static void
http_dispatch(struct http_server *hs, struct MHD_Connection *c, const char *method,
    const char *path, const struct http_conn *conn, struct http_rctx *r,
    struct http_resp *resp, char *allow, size_t allowsz)
{
	struct http_req		req;
	struct http_body	b;

	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	req.client_addr = conn->addr;
	/* A trusted proxy's word on whom it serves; anyone else's is not asked for. */
	if (conn->proxy && proxy_xff(&hs->proxies, MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "X-Forwarded-For"), r->addr) == 0)
		req.client_addr = r->addr;
	if (!hs->plain)
		http_peer_cert(c, &req);
	req.query = http_query;
	req.header = http_header;
	req.impl = c;
	b.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	b.data = r->body;
	b.len = r->len;
	b.too_big = r->too_big;
	b.max = hs->max_body;
	http_handle(hs->srv, hs->routes, hs->nroutes, &req, &b, resp, allow, allowsz);
	r->route = req.route;
}

static struct http_conn *
http_conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/* RFC 9110's token: what a method may be. MHD passes control bytes and separators on. */
static int
http_method_ok(const char *m)
{
	static const char	punct[] = "!#$%&'*+-.^_`|~";
	const char		*p;

	for (p = m; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(punct, *p) != NULL))
			return 0;
	return p != m;
}

/* The number of arguments in uri's query (MHD splits it on '&'). */
static size_t
http_query_count(const char *uri)
{
	const char	*q = strchr(uri, '?');
	size_t		 n = 1;

	if (q == NULL || q[1] == '\0')
		return 0;
	while ((q = strchr(q + 1, '&')) != NULL)
		n++;
	return n;
}

/*
 * MHD's URI callback, before MHD parses the query. MHD 0.9.75 keeps every argument in the
 * connection's 32 KiB pool; some 600 arguments exhaust it, and MHD then neither answers
 * nor logs, holding the connection until the timeout. A query with more arguments than
 * any route takes is cut off after its '?' here, in MHD's own buffer (it parses the
 * arguments from there after this call), so MHD reads an empty query and goes on to the
 * access handler, which answers 414 as any refusal. Answering straight on the socket
 * instead left MHD with a connection it had not finished, and it crashed at shutdown now
 * and then. Nothing is allocated here: MHD does not always report the end of a request.
 */
static void *
http_uri_seen(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_conn	*conn = http_conn_of(c);
	size_t			 n = http_query_count(uri);
	char			*q;

	(void)cls;
	if (n <= HTTP_QUERY_ARGS_MAX || conn == NULL || (q = strchr(uri, '?')) == NULL)
		return NULL;
	conn->refused = n;
	q[1] = '\0';	/* MHD's writable read buffer, handed to us as const */
	return NULL;
}

static enum MHD_Result
http_access(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct http_server	*hs = cls;
	struct http_rctx	*r = *con_cls;
	struct http_conn	*conn = http_conn_of(c);
	struct http_resp	 resp;
	const char		*cl;
	char			 allow[64] = "";
	enum MHD_Result		 ret;
	size_t			 max = hs->max_body;
	unsigned long long	 n;

	(void)version;
	memset(&resp, 0, sizeof resp);
	if (r == NULL) {	/* the headers are in */
		if ((r = calloc(1, sizeof *r)) == NULL || conn == NULL) {
			free(r);
			return MHD_NO;
		}
		(void)clock_gettime(CLOCK_MONOTONIC, &r->t0);
		*con_cls = r;
		(void)pthread_mutex_lock(&hs->lock);
		conn->requested = 1;	/* request_timeout from here, not header_timeout */
		(void)pthread_mutex_unlock(&hs->lock);
		if (conn->refused > 0) {
			http_error(&resp, 414, "request.too_many_arguments", NULL,
			    "the query has more than %d arguments", HTTP_QUERY_ARGS_MAX);
			resp.close = 1;
		} else if (!http_method_ok(method))
			http_error(&resp, 400, "request.method", NULL,
			    "the request method is not an HTTP token");
		if (resp.status != 0) {
			ret = http_send(hs, c, method, url, conn, r, &resp, NULL);
			http_resp_free(&resp);
			return ret;
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl == NULL || (n = strtoull(cl, NULL, 10)) <= max)
			return MHD_YES;
		r->too_big = 1;
		/*
		 * A client that sends its body without waiting would see the connection
		 * close under it and never read the answer: up to HTTP_DISCARD_MAX times
		 * the limit, the body is read and thrown away, and 413 comes at its end.
		 * A client waiting for 100 Continue, or a body past that, gets 413 now.
		 */
		if (n <= HTTP_DISCARD_MAX * max && MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT) == NULL)
			return MHD_YES;
		http_error(&resp, 413, "body.too_large", NULL,
		    "the body is larger than %zu bytes", max);
		ret = http_send(hs, c, method, url, conn, r, &resp, NULL);
		http_resp_free(&resp);
		return ret;
	}
	if (*upload_size > 0) {
		if (http_body_add(r, upload, *upload_size, max) == -1)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	http_dispatch(hs, c, method, url, conn, r, &resp, allow, sizeof allow);
	ret = http_send(hs, c, method, url, conn, r, &resp, resp.status == 405 ? allow : NULL);
	http_resp_free(&resp);
	return ret;
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server	*hs = cls;
	struct http_rctx	*r = *con_cls;
	struct http_conn	*conn = http_conn_of(c);
	struct timespec		 t;

	(void)toe;
	if (r != NULL) {
		free(r->body);
		free(r);
		*con_cls = NULL;
	}
	if (conn != NULL && clock_gettime(CLOCK_MONOTONIC, &t) == 0) {
		(void)pthread_mutex_lock(&hs->lock);
		conn->started = t.tv_sec;	/* the next request's time starts now */
		conn->requested = 0;
		(void)pthread_mutex_unlock(&hs->lock);
	}
}

/* ---- connections and the watchdog ---- */

static void
http_addr_string(const struct sockaddr *sa, char out[HTTP_ADDR_MAX])
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;
	socklen_t			 len = sizeof(struct sockaddr_in6);
	struct sockaddr_in		 v4;

	if (sa == NULL) {
		(void)strcpy(out, "-");
		return;
	}
	if (sa->sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memset(&v4, 0, sizeof v4);
		v4.sin_family = AF_INET;
		memcpy(&v4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
		sa = (const struct sockaddr *)&v4;
		len = sizeof v4;
	}
	if (getnameinfo(sa, len, out, HTTP_ADDR_MAX, NULL, 0, NI_NUMERICHOST) != 0)
		(void)strcpy(out, "-");
}

static void
http_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server		*hs = cls;
	struct http_conn		*conn = *socket_context;
	const union MHD_ConnectionInfo	*ci;
	struct timespec			 t;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		if ((conn = calloc(1, sizeof *conn)) == NULL)
			return;		/* the access handler refuses it */
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn->fd = ci != NULL ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		http_addr_string(ci != NULL ? ci->client_addr : NULL, conn->addr);
		ratelimit_key(conn->addr, conn->key);
		conn->proxy = proxy_list_has(&hs->proxies, ci != NULL ? ci->client_addr : NULL);
		conn->started = clock_gettime(CLOCK_MONOTONIC, &t) == 0 ? t.tv_sec : 0;
		(void)pthread_mutex_lock(&hs->lock);
		conn->next = hs->conns;
		if (hs->conns != NULL)
			hs->conns->prev = conn;
		hs->conns = conn;
		hs->nconns++;
		(void)pthread_mutex_unlock(&hs->lock);
		*socket_context = conn;
		return;
	}
	if (conn == NULL)
		return;
	(void)pthread_mutex_lock(&hs->lock);
	if (conn->prev != NULL)
		conn->prev->next = conn->next;
	else
		hs->conns = conn->next;
	if (conn->next != NULL)
		conn->next->prev = conn->prev;
	hs->nconns--;
	(void)pthread_mutex_unlock(&hs->lock);
	free(conn);
	*socket_context = NULL;
}

static time_t
http_mono(void)
{
	struct timespec	t;

	return clock_gettime(CLOCK_MONOTONIC, &t) == 0 ? t.tv_sec : 0;
}

/*
 * Counts one event, said as line: 1 when it is to be logged now (the first after a quiet
 * HTTP_TALLY_GAP), 0 when the watchdog's summary will count it. Under hs->lock.
 */
static int
http_tally_add(struct http_tally *t, time_t now, const char *line)
{
	t->total++;
	if (t->n == 0 && now - t->said >= HTTP_TALLY_GAP) {
		t->said = now;
		return 1;
	}
	t->n++;
	(void)snprintf(t->last, sizeof t->last, "%s", line);
	return 0;
}

/* Logs what t counted once HTTP_TALLY_GAP has passed, or now when forced. Under hs->lock. */
static void
http_tally_say(struct http_tally *t, time_t now, int force)
{
	if (t->n == 0 || (!force && now - t->said < HTTP_TALLY_GAP))
		return;
	log_warning("%lu more connections %s in the last %llds; the last: %s", t->n, t->what,
	    (long long)(now - t->said), t->last);
	t->n = 0;
	t->said = now;
}

/*
 * 1 and why in why when a client whose address counts as key may not open another
 * connection now, 0 when it may. Under hs->lock.
 */
static int
http_slot_refused(const struct http_server *hs, const char *key, int proxy, char *why,
    size_t len, enum metrics_refusal *reason)
{
	const struct srv_policy	*pol = &hs->srv->cfg->policy;
	const struct http_conn	*conn;
	size_t			 held = 0, all = (size_t)pol->max_connections;

	for (conn = hs->conns; conn != NULL; conn = conn->next)
		held += strcmp(conn->key, key) == 0;
	if (hs->nconns >= all)
		(void)snprintf(why, len, "all %zu slots are taken", all),
		    *reason = METRICS_REFUSED_FULL;
	else if (proxy)		/* many clients behind one address: max_connections only */
		return 0;
	else if (held >= (size_t)pol->connections_per_address)
		(void)snprintf(why, len, "the address holds %zu, as many as one address may",
		    held), *reason = METRICS_REFUSED_ADDRESS;
	else if (2 * hs->nconns > all && held >= (size_t)pol->connections_per_address_busy)
		(void)snprintf(why, len, "%zu of the %zu slots are taken, more than half, and "
		    "the address holds %zu, as many as one address may then", hs->nconns, all,
		    held), *reason = METRICS_REFUSED_ADDRESS_BUSY;
	else
		return 0;
	return 1;
}

/* One refused connection: counted, and logged (or summed up with the others). */
static void
http_refuse_say(struct http_server *hs, const char *addr, const char *why,
    enum metrics_refusal reason)
{
	char	line[HTTP_TALLY_LINE];
	int	say;

	metrics_refused(hs->srv->metrics, reason);

	(void)snprintf(line, sizeof line, "%s: connection refused: %s", addr, why);
	(void)pthread_mutex_lock(&hs->lock);
	say = http_tally_add(&hs->refusals, http_mono(), line);
	(void)pthread_mutex_unlock(&hs->lock);
	if (say)
		log_warning("%s (more refusals are summed up once a minute)", line);
}

/*
 * MHD's accept policy: the slots kept for addresses that hold few (http_slot_refused).
 * Behind a proxy that sends PROXY headers, sa is the client's address the header gave
 * (http_acceptor hands the connection over with it). MHD's own per-address limit is not
 * set: its refusals are silent.
 */
static enum MHD_Result
http_accept(void *cls, const struct sockaddr *sa, socklen_t salen)
{
	struct http_server	*hs = cls;
	char			 addr[HTTP_ADDR_MAX], key[RATELIMIT_ADDR_MAX], why[160];
	enum metrics_refusal	 reason = METRICS_REFUSED_FULL;
	int			 refused;

	(void)salen;
	http_addr_string(sa, addr);
	ratelimit_key(addr, key);
	(void)pthread_mutex_lock(&hs->lock);
	refused = http_slot_refused(hs, key, proxy_list_has(&hs->proxies, sa), why,
	    sizeof why, &reason);
	(void)pthread_mutex_unlock(&hs->lock);
	if (refused)
		http_refuse_say(hs, addr, why, reason);
	return refused ? MHD_NO : MHD_YES;
}

/* ---- behind a proxy: the PROXY protocol's header, read before MHD sees a byte ---- */

struct http_pending {
	int			 fd;
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	time_t			 since;		/* monotonic: accepted */
};

/*
 * fd to MHD as a connection from sa; MHD closes it if it refuses. A refusal by
 * http_accept leaves errno as it was (MHD 0.9.75 sets "EACCESS", which Linux does not
 * define), and http_accept has said it; any other is said here.
 */
static void
http_hand_over(struct http_server *hs, int fd, const struct sockaddr *sa, socklen_t len)
{
	char		addr[HTTP_ADDR_MAX];
	enum MHD_Result	r;
	int		e;

	(void)pthread_mutex_lock(&hs->handover);
	errno = 0;
	r = MHD_add_connection(hs->mhd, fd, sa, len);
	e = errno;
	(void)pthread_mutex_unlock(&hs->handover);
	errno = e;
	if (r == MHD_NO && errno != 0 && errno != EACCES) {
		http_addr_string(sa, addr);
		http_refuse_say(hs, addr, errno == ENFILE ? "the server's threads hold all "
		    "the connections they may" : "the server could not take it",
		    METRICS_REFUSED_FULL);
	}
}

/*
 * Reads what a trusted proxy sent first: the PROXY v2 header (consumed; the connection
 * counts as the client's address it gives), or none (the proxy's own address stands,
 * and its requests' X-Forwarded-For). 1 when p is done with, 0 while its header is
 * still coming.
 */
static int
http_pending_read(struct http_server *hs, struct http_pending *p, time_t now)
{
	unsigned char		 buf[PROXY_V2_MAX];
	struct sockaddr_storage	 src;
	socklen_t		 srclen = 0;
	size_t			 hdrlen = 0;
	ssize_t			 n;
	char			 addr[HTTP_ADDR_MAX];
	const char		*why;
	enum proxy_v2		 v = PROXY_V2_MORE;

	n = recv(p->fd, buf, sizeof buf, MSG_PEEK);
	if (n > 0)
		v = proxy_v2_parse(buf, (size_t)n, &hdrlen, &src, &srclen);
	else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
		(void)close(p->fd);	/* gone before a byte: nothing to refuse */
		return 1;
	}
	if (v == PROXY_V2_MORE && now - p->since < hs->srv->cfg->policy.header_timeout)
		return 0;
	if ((v == PROXY_V2_LOCAL || v == PROXY_V2_ADDR) &&
	    recv(p->fd, buf, hdrlen, 0) != (ssize_t)hdrlen)
		v = PROXY_V2_BAD;	/* it was there a moment ago */
	switch (v) {
	case PROXY_V2_NONE:
	case PROXY_V2_LOCAL:
		http_hand_over(hs, p->fd, (struct sockaddr *)&p->peer, p->len);
		return 1;
	case PROXY_V2_ADDR:
		http_hand_over(hs, p->fd, (struct sockaddr *)&src, srclen);
		return 1;
	case PROXY_V2_MORE:
		why = "a trusted proxy's PROXY header did not come in time";
		break;
	default:
		why = "a trusted proxy sent a PROXY header that is not version 2 (PROXY or "
		    "LOCAL, TCP over IPv4 or IPv6)";
		break;
	}
	/* the proxy's address as text only for the refusal's line, not at every read */
	http_addr_string((struct sockaddr *)&p->peer, addr);
	http_refuse_say(hs, addr, why, METRICS_REFUSED_PROXY);
	(void)close(p->fd);
	return 1;
}

/* Takes the connections waiting on the listening socket: a trusted proxy's into pend. */
static size_t
http_accept_all(struct http_server *hs, struct http_pending *pend, size_t np)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			fd;

	while (np < HTTP_PENDING_MAX) {
		len = sizeof ss;
		if ((fd = accept4(hs->fd, (struct sockaddr *)&ss, &len,
		    SOCK_CLOEXEC | SOCK_NONBLOCK)) == -1)
			break;		/* EAGAIN, or a connection gone before it was taken */
		if (!proxy_list_has(&hs->proxies, (struct sockaddr *)&ss)) {
			/* anyone else: its own address, and a PROXY header is TLS garbage */
			http_hand_over(hs, fd, (struct sockaddr *)&ss, len);
			continue;
		}
		pend[np].fd = fd;
		pend[np].peer = ss;
		pend[np].len = len;
		pend[np].since = http_mono();
		np++;
	}
	return np;
}

/*
 * The accepting thread when trusted_proxies is set (MHD then has no listening socket):
 * connections from anyone else go to MHD at once; a trusted proxy's wait here, at most
 * header_timeout, for what it sends first.
 */
static void *
http_acceptor(void *arg)
{
	struct http_server	*hs = arg;
	struct http_pending	*pend;
	struct pollfd		*pfd;
	size_t			 np = 0, i, k;
	time_t			 now;
	int			 stop = 0, r;

	pend = calloc(HTTP_PENDING_MAX, sizeof *pend);
	pfd = calloc(HTTP_PENDING_MAX + 1, sizeof *pfd);
	if (pend == NULL || pfd == NULL) {
		log_error("the accepting thread: out of memory: no connection is taken");
		stop = 1;
	}
	while (!stop) {
		pfd[0].fd = np < HTTP_PENDING_MAX ? hs->fd : -1;
		pfd[0].events = POLLIN;
		for (i = 0; i < np; i++) {
			pfd[1 + i].fd = pend[i].fd;
			pfd[1 + i].events = POLLIN;
			pfd[1 + i].revents = 0;
		}
		r = poll(pfd, 1 + np, 250);
		now = http_mono();
		for (i = k = 0; i < np; i++)
			if (!((r > 0 && pfd[1 + i].revents != 0) ||
			    now - pend[i].since >= hs->srv->cfg->policy.header_timeout) ||
			    !http_pending_read(hs, &pend[i], now))
				pend[k++] = pend[i];
		np = k;
		if (r > 0 && (pfd[0].revents & POLLIN))
			np = http_accept_all(hs, pend, np);
		(void)pthread_mutex_lock(&hs->lock);
		stop = hs->stopping;
		(void)pthread_mutex_unlock(&hs->lock);
	}
	for (i = 0; i < np; i++)
		(void)close(pend[i].fd);
	free(pend);
	free(pfd);
	return NULL;
}

void
http_counts(struct http_server *hs, unsigned long long *refused,
    unsigned long long *cut_off)
{
	(void)pthread_mutex_lock(&hs->lock);
	*refused = hs->refusals.total;
	*cut_off = hs->cutoffs.total;
	(void)pthread_mutex_unlock(&hs->lock);
}

static void *
http_watchdog(void *arg)
{
	struct http_server	*hs = arg;
	const struct srv_policy	*pol = &hs->srv->cfg->policy;
	struct http_conn	*conn;
	struct timespec		 until;
	time_t			 now, limit, full = pol->request_timeout;
	/* Before a request's headers: the shorter of the two. */
	time_t			 headers = pol->header_timeout < pol->request_timeout ?
				    pol->header_timeout : pol->request_timeout;
	char			 line[HTTP_TALLY_LINE];

	(void)pthread_mutex_lock(&hs->lock);
	while (!hs->stopping) {
		now = http_mono();
		for (conn = hs->conns; conn != NULL; conn = conn->next) {
			limit = conn->requested ? full : headers;
			if (conn->cut || conn->fd < 0 || now - conn->started < limit)
				continue;
			/* Shut, not closed: MHD still owns the descriptor. */
			(void)snprintf(line, sizeof line, "%s: cut off after %llds without a "
			    "complete request", conn->addr, (long long)limit);
			if ((shutdown(conn->fd, SHUT_RDWR) == 0 || errno == ENOTCONN) &&
			    http_tally_add(&hs->cutoffs, now, line))
				log_info("%s (more cut-offs are summed up once a minute)", line);
			conn->cut = 1;
			metrics_count(hs->srv->metrics, METRICS_CUT_OFF);
		}
		http_tally_say(&hs->refusals, now, 0);
		http_tally_say(&hs->cutoffs, now, 0);
		(void)clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&hs->wake, &hs->lock, &until);
	}
	(void)pthread_mutex_unlock(&hs->lock);
	return NULL;
}

static void	http_mhd_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	*msg = NULL;
	size_t	 n;

	(void)cls;
	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	/* TLS handshakes refused (old clients, scanners) land here: not an error of ours. */
	log_debug("libmicrohttpd: %s", msg);
	free(msg);
}

/* ---- start and stop ---- */

static char *
http_read_pem(const char *file, size_t *len, char **cause)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(file, "rb")) == NULL) {
		cause_set(cause, "cannot read %s: %s", file, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(HTTP_PEM_MAX + 1)) == NULL) {
		(void)fclose(f);
		cause_set(cause, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, HTTP_PEM_MAX + 1, f);
	if (ferror(f) || n == 0 || n > HTTP_PEM_MAX) {
		cause_set(cause, "cannot read %s: %s", file, ferror(f) ? strerror(errno) :
		    n == 0 ? "the file is empty" : "the file is too large for PEM");
		OPENSSL_cleanse(buf, HTTP_PEM_MAX + 1);
		free(buf);
		(void)fclose(f);
		return NULL;
	}
	(void)fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int
http_listen(const char *host, int port, int *bound, char **cause)
{
	struct addrinfo		 hints, *res = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			 service[16];
	int			 fd = -1, on = 1, e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	(void)snprintf(service, sizeof service, "%d", port);
	if ((e = getaddrinfo(strcmp(host, "*") == 0 ? NULL : host, service, &hints, &res))
	    != 0) {
		cause_set(cause, "cannot listen on %s:%d: %s", host, port, gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol))
	    == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		cause_set(cause, "cannot listen on %s:%d: %s", host, port, strerror(errno));
		if (fd != -1)
			(void)close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	*bound = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static void
http_server_free(struct http_server *hs)
{
	if (hs == NULL)
		return;
	if (hs->key != NULL)
		OPENSSL_cleanse(hs->key, hs->keylen);
	free(hs->key);
	free(hs->cert);
	free(hs->trust);
	(void)pthread_cond_destroy(&hs->wake);
	(void)pthread_mutex_destroy(&hs->lock);
	(void)pthread_mutex_destroy(&hs->handover);
	if (hs->fd != -1)
		(void)close(hs->fd);
	proxy_list_free(&hs->proxies);
	free(hs);
}

/* The watchdog's condition waits on the monotonic clock, as the deadlines are. */
static int
http_server_locks(struct http_server *hs, char **cause)
{
	pthread_condattr_t	attr;

	if ((errno = pthread_condattr_init(&attr)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		return -1;
	}
	if ((errno = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) != 0 ||
	    (errno = pthread_cond_init(&hs->wake, &attr)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		(void)pthread_condattr_destroy(&attr);
		return -1;
	}
	(void)pthread_condattr_destroy(&attr);
	if ((errno = pthread_mutex_init(&hs->lock, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		(void)pthread_cond_destroy(&hs->wake);
		return -1;
	}
	if ((errno = pthread_mutex_init(&hs->handover, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		(void)pthread_mutex_destroy(&hs->lock);
		(void)pthread_cond_destroy(&hs->wake);
		return -1;
	}
	return 0;
}

static struct MHD_Daemon *
http_mhd_start(struct http_server *hs)
{
	const struct srv_policy	*pol = &hs->srv->cfg->policy;
	int			 proxied = hs->proxies.n > 0;
	/* A trust list makes MHD ask for (not require) a client certificate. */
	struct MHD_OptionItem	 extra[] = {
		{ proxied ? MHD_OPTION_END : MHD_OPTION_LISTEN_SOCKET, hs->fd, NULL },
		{ hs->trust != NULL ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0,
		    hs->trust },
		{ MHD_OPTION_END, 0, NULL },
	};

	/*
	 * Behind proxies, http_acceptor takes the connections and hands them over. MHD_USE_ITC:
	 * a reload's MHD_quiesce_daemon needs it (http_reload).
	 */
	return MHD_start_daemon(MHD_USE_TLS | MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
	    MHD_USE_ITC | (proxied ? MHD_USE_NO_LISTEN_SOCKET : 0),
	    0, http_accept, hs, http_access, hs,
	    MHD_OPTION_HTTPS_MEM_CERT, hs->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, hs->key,
	    MHD_OPTION_HTTPS_PRIORITIES, HTTP_PRIORITIES,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)pol->threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)pol->request_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)pol->max_connections,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify, hs,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, hs,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_seen, hs,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, hs,
	    MHD_OPTION_ARRAY, extra,
	    MHD_OPTION_END);
}

/* Plain http: the same pool, limits and watchdog, no TLS. */
static struct MHD_Daemon *
http_mhd_start_plain(struct http_server *hs)
{
	const struct srv_policy	*pol = &hs->srv->cfg->policy;
	int			 proxied = hs->proxies.n > 0;
	struct MHD_OptionItem	 extra[] = {
		{ proxied ? MHD_OPTION_END : MHD_OPTION_LISTEN_SOCKET, hs->fd, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG |
	    (proxied ? MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC : 0),
	    0, http_accept, hs, http_access, hs,
	    MHD_OPTION_ARRAY, extra,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)pol->threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)pol->request_timeout,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)pol->max_connections,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify, hs,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, hs,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_seen, hs,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, hs,
	    MHD_OPTION_END);
}

/*
 * Each connection is a descriptor: the soft limit of open files is raised (up to the hard
 * one) to hold both listeners' max_connections and the rest; short of that, it is said.
 */
static void
http_nofile(const struct srv_policy *pol)
{
	struct rlimit	rl;
	rlim_t		need = 2 * (rlim_t)pol->max_connections + HTTP_FDS_SPARE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max >= need ? need : rl.rlim_max;	/* RLIM_INFINITY is max */
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < need)
		log_warning("open files are limited to %llu, and max_connections %d needs %llu: "
		    "raise the limit (ulimit -n, systemd's LimitNOFILE=)",
		    (unsigned long long)rl.rlim_cur, pol->max_connections,
		    (unsigned long long)need);
}

static struct http_server *
http_server_new(struct srv *srv, int listen_fd, const struct http_route *routes,
    size_t nroutes, int plain, char **cause)
{
	struct http_server	*hs;

	if ((hs = calloc(1, sizeof *hs)) == NULL) {
		cause_set(cause, "out of memory");
		(void)close(listen_fd);
		return NULL;
	}
	hs->srv = srv;
	hs->fd = listen_fd;
	hs->plain = plain;
	hs->routes = routes;
	hs->nroutes = nroutes;
	hs->max_body = plain ? CA_OCSP_REQUEST_MAX : srv->cfg->policy.max_body;
	hs->refusals.what = "refused";
	hs->cutoffs.what = "cut off";
	hs->refusals.said = hs->cutoffs.said = http_mono() - HTTP_TALLY_GAP;
	if (http_server_locks(hs, cause) == -1) {
		free(hs);	/* nothing else is held yet */
		(void)close(listen_fd);
		return NULL;
	}
	if (proxy_list_parse(srv->cfg->trusted_proxies, &hs->proxies, cause) == -1) {
		http_server_free(hs);
		return NULL;
	}
	return hs;
}

/* MHD started (it owns the socket from here): the watchdog next. */
static struct http_server *
http_server_run(struct http_server *hs, const char *what, char **cause)
{
	if (hs->proxies.n == 0)
		hs->fd = -1;	/* MHD's now: it closes it when it stops */
	if (hs->mhd == NULL) {
		cause_set(cause, "%s", what);
		goto fail;
	}
	if ((errno = pthread_create(&hs->watchdog, NULL, http_watchdog, hs)) != 0) {
		cause_set(cause, "cannot start a thread: %s", strerror(errno));
		MHD_stop_daemon(hs->mhd);
		goto fail;
	}
	hs->watchdog_running = 1;
	if (hs->proxies.n > 0 && (fcntl(hs->fd, F_SETFL, fcntl(hs->fd, F_GETFL) |
	    O_NONBLOCK) == -1 ||
	    (errno = pthread_create(&hs->acceptor, NULL, http_acceptor, hs)) != 0)) {
		cause_set(cause, "cannot start a thread: %s", strerror(errno));
		http_stop(hs);
		return NULL;
	}
	hs->acceptor_running = hs->proxies.n > 0;
	return hs;
fail:
	http_server_free(hs);
	return NULL;
}

struct http_server *
http_start(struct srv *srv, int listen_fd, char **cause)
{
	struct http_server	*hs;
	size_t			 certlen;
	char			 what[512];

	if ((hs = http_server_new(srv, listen_fd, http_routes, http_nroutes, 0, cause)) == NULL)
		return NULL;
	http_nofile(&srv->cfg->policy);
	if ((hs->cert = http_read_pem(srv->cfg->tls_cert, &certlen, cause)) == NULL ||
	    privfile_check(-1, srv->cfg->tls_key, 1, cause) == -1 ||
	    (hs->key = http_read_pem(srv->cfg->tls_key, &hs->keylen, cause)) == NULL)
		goto fail;
	if (srv->opca != NULL && srv->cfg->operators.ca_cert != NULL &&
	    (hs->trust = http_read_pem(srv->cfg->operators.ca_cert, &certlen, cause)) == NULL)
		goto fail;
	hs->mhd = http_mhd_start(hs);
	(void)snprintf(what, sizeof what, "cannot start the HTTPS service (is %s the key of "
	    "%s?)", srv->cfg->tls_key, srv->cfg->tls_cert);
	return http_server_run(hs, what, cause);
fail:
	http_server_free(hs);
	return NULL;
}

struct http_server *
http_start_plain(struct srv *srv, int listen_fd, const struct http_route *routes,
    size_t nroutes, char **cause)
{
	struct http_server	*hs;

	if ((hs = http_server_new(srv, listen_fd, routes, nroutes, 1, cause)) == NULL)
		return NULL;
	hs->mhd = http_mhd_start_plain(hs);
	return http_server_run(hs, "cannot start the plain http service", cause);
}

void
http_stop(struct http_server *hs)
{
	if (hs == NULL)
		return;
	if (hs->watchdog_running) {
		(void)pthread_mutex_lock(&hs->lock);
		hs->stopping = 1;
		(void)pthread_cond_signal(&hs->wake);
		(void)pthread_mutex_unlock(&hs->lock);
		(void)pthread_join(hs->watchdog, NULL);
	}
	if (hs->acceptor_running)	/* it sees stopping within its poll's 250 ms */
		(void)pthread_join(hs->acceptor, NULL);
	MHD_stop_daemon(hs->mhd);
	/* What the last minute counted, said before the service ends. */
	http_tally_say(&hs->refusals, http_mono(), 1);
	http_tally_say(&hs->cutoffs, http_mono(), 1);
	http_server_free(hs);
}

/* ---- reloading the certificate ---- */

/* Waits until the daemon that stopped accepting has no connection left, or for limit. */
static void
http_drain(struct MHD_Daemon *old, int limit)
{
	const union MHD_DaemonInfo	*di;
	struct timespec			 pause = { 0, 100 * 1000 * 1000 };
	int				 i;

	for (i = 0; i < limit * 10; i++) {
		di = MHD_get_daemon_info(old, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di == NULL || di->num_connections == 0)
			return;
		(void)nanosleep(&pause, NULL);
	}
}

int
http_reload(struct http_server *hs, int *changed, char **cause)
{
	const struct srv_config	*cfg = hs->srv->cfg;
	const union MHD_DaemonInfo *di;
	struct MHD_Daemon	*old = hs->mhd, *new;
	char			*cert = NULL, *key = NULL, *old_cert = hs->cert, *old_key = hs->key;
	size_t			 certlen, keylen = 0, old_keylen = hs->keylen;
	int			 fd = -1, rc = -1, proxied = hs->proxies.n > 0;

	*changed = 0;
	if ((cert = http_read_pem(cfg->tls_cert, &certlen, cause)) == NULL ||
	    privfile_check(-1, cfg->tls_key, 1, cause) == -1 ||
	    (key = http_read_pem(cfg->tls_key, &keylen, cause)) == NULL)
		goto out;
	if (strcmp(cert, old_cert) == 0 && strcmp(key, old_key) == 0) {
		rc = 0;		/* the same files: the daemon serving them goes on */
		goto out;
	}
	/* Behind proxies the acceptor keeps the socket and hands connections to hs->mhd. */
	if (!proxied && ((di = MHD_get_daemon_info(old, MHD_DAEMON_INFO_LISTEN_FD)) == NULL ||
	    (fd = fcntl(di->listen_fd, F_DUPFD_CLOEXEC, 0)) == -1)) {
		cause_set(cause, "cannot share the listening socket: %s", strerror(errno));
		goto out;
	}
	/* A second daemon on the same socket with the new pair, sharing slots and watchdog. */
	if (!proxied)
		hs->fd = fd;
	hs->cert = cert;
	hs->key = key;
	hs->keylen = keylen;
	new = http_mhd_start(hs);
	if (!proxied)
		hs->fd = -1;
	if (new == NULL) {
		hs->cert = old_cert;
		hs->key = old_key;
		hs->keylen = old_keylen;
		if (fd != -1)
			(void)close(fd);
		cause_set(cause, "cannot serve the new certificate (is %s the key of %s?)",
		    cfg->tls_key, cfg->tls_cert);
		goto out;
	}
	(void)pthread_mutex_lock(&hs->handover);
	hs->mhd = new;
	(void)pthread_mutex_unlock(&hs->handover);
	cert = key = NULL;	/* the new daemon's */
	/* The old one accepts no more; its connections end as their clients go. */
	if ((fd = MHD_quiesce_daemon(old)) != MHD_INVALID_SOCKET)
		(void)close(fd);
	http_drain(old, cfg->policy.request_timeout + 1);
	MHD_stop_daemon(old);
	OPENSSL_cleanse(old_key, old_keylen);
	free(old_key);
	free(old_cert);
	*changed = 1;
	rc = 0;
out:
	if (key != NULL)
		OPENSSL_cleanse(key, keylen);
	free(key);
	free(cert);
	return rc;
}

/*
 * http — the service's HTTP layer (libmicrohttpd over TLS 1.2/1.3) as handlers see it:
 * a parsed request in, a JSON (or raw) response out. http.c owns the daemon, body limits,
 * timeouts and routing over the route table of routes.c; handlers (api-*.c) never touch
 * libmicrohttpd and are unit-testable with a struct http_req built by hand. A handler
 * returns HTTP_ANSWERED after filling the response, or HTTP_FAILED for an internal failure
 * (http.c answers 500). Who may call a route is the route's gate, checked before it.
 * Every error answer has the shape {"error":{"code","message","field"}} (doc/api.md).
 */
#ifndef NCA_HTTP_H
#define NCA_HTTP_H

#include <jansson.h>
#include <stddef.h>

struct srv;

#define HTTP_MAX_PARAMS 2

struct http_req {
	const char	*method;
	const char	*path;			/* without the query */
	const char	*params[HTTP_MAX_PARAMS];	/* the {} parts of the route, in order */
	json_t		*body;			/* parsed JSON object, or NULL */
	/* the body as it came, for a route that takes no JSON (body 0); NULL when none */
	const unsigned char *raw_body;
	size_t		 raw_len;
	const char	*client_addr;		/* for rate limits and logs */
	/*
	 * The client's TLS certificate (DER) when it presented one, else NULL/0. Valid for
	 * the request; http.c does not judge it (operator.c does, for the RA endpoints).
	 */
	const unsigned char *client_cert;
	size_t		 client_cert_len;
	/* query argument by name, or NULL (set by http.c; tests may set their own) */
	const char	*(*query)(const struct http_req *, const char *name);
	/* request header by name, or NULL (set by http.c; may be NULL in tests) */
	const char	*(*header)(const struct http_req *, const char *name);
	void		*impl;			/* http.c's own, for query() */
	void		*caller;		/* what the route's gate established */
	const struct http_route *route;		/* set by http_handle: the one matched */
};

struct http_resp {
	int		 status;
	json_t		*json;			/* answer as JSON, or */
	unsigned char	*raw;			/* raw bytes (PEM, DER), malloc'd */
	size_t		 raw_len;
	const char	*content_type;		/* for raw */
	int		 retry_after;		/* seconds for a Retry-After header; 0 = none */
	int		 close;			/* 1: Connection: close after it */
};

/*
 * What a handler, or a step of one, did: answered (resp holds the answer, whatever its
 * status), failed (an internal failure), or, for a step only (a gate, a check inside a
 * handler), nothing answered yet: go on. A handler's 0 and -1 of old keep their meaning.
 */
enum http_result { HTTP_FAILED = -1, HTTP_ANSWERED = 0, HTTP_GO_ON = 1 };

typedef enum http_result http_handler_fn(struct srv *, const struct http_req *,
    struct http_resp *);
typedef http_handler_fn *http_handler;

/*
 * Who may call a route, checked after the body is parsed and before the handler: check
 * answers (a refusal), fails, or goes on with req->caller set to what it established for
 * the handler. end, called after check whatever it returned, gives back what check took.
 */
struct http_gate {
	enum http_result (*check)(struct srv *, struct http_req *, struct http_resp *);
	void		 (*end)(struct srv *, struct http_req *);
};

struct http_route {
	const char		*method;
	/* "/api/v1/applications/{}/certificates"; a final "{*}" takes the rest, '/' too */
	const char		*pattern;
	http_handler		 handler;
	int			 body;		/* 1: a JSON object body is required */
	const struct http_gate	*gate;		/* NULL: anyone may call it */
};

extern const struct http_route http_routes[];
extern const size_t http_nroutes;
/* metrics_listen's: the probes and the metrics (routes.c, api-health.c). */
extern const struct http_route http_metrics_routes[];
extern const size_t http_metrics_nroutes;
/* The plain-http listener's: public signed objects only (routes.c, api-publish.c). */

/* Fill resp; both take ownership of what they are given. */
void	http_json(struct http_resp *, int status, json_t *);
void	http_raw(struct http_resp *, int status, const char *content_type,
	    unsigned char *data, size_t len);
void	http_error(struct http_resp *, int status, const char *code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	http_resp_free(struct http_resp *);
/*
 * The body's string member `name`: NULL after answering 400 with field `name` (code
 * "field.missing" when absent or null, "field.type" when not a string).
 */
const char *http_body_string(const struct http_req *, struct http_resp *, const char *name);

/*
 * The daemon (ncaenrolld.c's main only). http_listen binds HOST:PORT ("*" = every address;
 * port 0 = any free one, *bound gets the port); http_start serves on that socket over TLS
 * with srv's configuration until http_stop, which also closes it. 0/-1, NULL with a cause.
 * When srv->opca is set, the TLS layer asks every client for a certificate issued by the
 * operator CA (cfg->operators.ca_cert); a client without one still connects (applicants
 * never have one), and the RA handlers refuse it.
 */
struct http_server;
int	http_listen(const char *host, int port, int *bound, char **cause);
struct http_server *http_start(struct srv *, int listen_fd, char **cause);
/*
 * The same over plain http with the given routes only (the CRLs, certificates and OCSP of
 * api_publish_routes: signed objects, doc/api-lifecycle.md), bodies up to
 * CA_OCSP_REQUEST_MAX bytes. The routes must outlive the server.
 */
struct http_server *http_start_plain(struct srv *, int listen_fd, const struct http_route *,
		    size_t nroutes, char **cause);
void	http_stop(struct http_server *);
/*
 * SIGHUP (main's thread): the TLS certificate and key read again from srv's files; when
 * they changed, a second daemon serves them on the same socket, the first stops accepting
 * and is stopped once its connections are done (at most policy.request_timeout): no
 * connection is dropped. 0 with *changed, or -1 with a cause and the old pair served on.
 */
int	http_reload(struct http_server *, int *changed, char **cause);

/*
 * Connections refused (no slot for the address, no slot at all, a bad PROXY header) and
 * cut off (no complete request in time) since the start: every one is counted here and
 * logged (the first of a quiet minute at once, the rest summed up once a minute).
 */
void	http_counts(struct http_server *, unsigned long long *refused,
	    unsigned long long *cut_off);

/* Runs a route on a parsed request: its gate, then its handler. */
enum http_result http_route_call(struct srv *, const struct http_route *, struct http_req *,
    struct http_resp *);

/* A request's body as it came, for http_handle. */
struct http_body {
	const char	*content_type;	/* the header as sent; NULL: none */
	const char	*data;		/* len bytes; NULL when none came */
	size_t		 len;
	int		 too_big;	/* more than max came (and was dropped) */
	size_t		 max;		/* the limit, for the 413's words */
};

/*
 * What http.c does with a request once it is in, without libmicrohttpd: the route of
 * req->method and req->path among routes (404, or 405 with the path's methods in allow),
 * the body parsed as that route asks (413, 415, 400), its gate and handler, and a 500 when
 * they fail. req carries method, path, client_addr, the client certificate, query and
 * header; its params and body are set here, for the call only. resp is filled in every
 * case. The daemon calls it for each request; the handlers' fuzzer (tests/fuzz) too.
 */
void	http_handle(struct srv *, const struct http_route *, size_t nroutes,
	    struct http_req *req, const struct http_body *, struct http_resp *resp,
	    char *allow, size_t allowsz);

/* Matches path against pattern, filling params; 1 on match, 0 otherwise. */
int	http_route_match(const char *pattern, const char *path,
	    const char *params[HTTP_MAX_PARAMS], char *buf, size_t bufsz);

#endif

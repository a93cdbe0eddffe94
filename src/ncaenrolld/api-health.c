/*
 * api-health — what a supervisor, a load balancer and Prometheus ask (doc/api.md
 * "Operations"): /healthz (the process answers), /readyz (the store answers a trivial
 * query and the CA is loaded, its key's token still answering: send it work) and /metrics
 * (metrics.h). They say nothing secret and nothing about an application, and are not rate
 * limited: a probe every second costs a lookup.
 */
#include "config.h"

#include <stdlib.h>

#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/srv.h"

/* Seconds a load balancer is told to wait before asking a service that is not ready. */
#define API_HEALTH_RETRY	5

enum http_result
api_health_alive(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	(void)srv;
	(void)req;
	http_json(resp, 200, json_pack("{s:s}", "status", "alive"));
	return HTTP_ANSWERED;
}

/* The store's cheapest statement (one row of one table), on a handle of the pool. */
static int
api_health_store(struct srv *srv, char **cause)
{
	struct store	*st;
	long long	 gen;
	int		 rc;

	if ((st = srv_store_get(srv, cause)) == NULL)
		return -1;
	rc = store_revocation_generation(st, &gen, cause);
	srv_store_put(srv, st);
	return rc;
}

/*
 * 503 with what is not ready: for a prober, not an error of the API (no error code a
 * client would have to know).
 */
static enum http_result
api_health_not_ready(struct http_resp *resp, const char *reason, const char *message)
{
	http_json(resp, 503, json_pack("{s:s, s:s, s:s}", "status", "not_ready", "reason",
	    reason, "message", message));
	resp->retry_after = API_HEALTH_RETRY;
	return HTTP_ANSWERED;
}

enum http_result
api_health_ready(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	char	*cause = NULL;

	(void)req;
	if (srv->ca == NULL)
		return api_health_not_ready(resp, "ca", "the CA is not loaded");
	if (ca_ready(srv->ca, &cause) == -1) {
		/* A token pulled out or an HSM gone: no approval could be signed now. */
		log_warning("not ready: the CA's key does not answer: %s", cause != NULL ?
		    cause : "?");
		free(cause);
		return api_health_not_ready(resp, "ca", "the CA's key does not answer");
	}
	if (api_health_store(srv, &cause) == -1) {
		/* The cause names files and the database's words: the log's, not a prober's. */
		log_warning("not ready: the store does not answer: %s", cause != NULL ? cause :
		    "?");
		free(cause);
		return api_health_not_ready(resp, "store", "the store does not answer");
	}
	http_json(resp, 200, json_pack("{s:s}", "status", "ready"));
	return HTTP_ANSWERED;
}

enum http_result
api_health_metrics(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	char	*text, *cause = NULL;
	size_t	 len;

	(void)req;
	if ((text = metrics_text(srv->metrics, srv, &len, &cause)) == NULL) {
		log_error("metrics: %s", cause != NULL ? cause : "?");
		free(cause);
		return HTTP_FAILED;
	}
	http_raw(resp, 200, "text/plain; version=0.0.4; charset=utf-8", (unsigned char *)text,
	    len);
	return HTTP_ANSWERED;
}

/* On the main listener: only while no metrics_listen takes the metrics elsewhere. */
enum http_result
api_health_metrics_main(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	if (srv->cfg != NULL && srv->cfg->metrics_listen != NULL) {
		http_error(resp, 404, "not_found", NULL, "there is no %s", req->path);
		return HTTP_ANSWERED;
	}
	return api_health_metrics(srv, req, resp);
}

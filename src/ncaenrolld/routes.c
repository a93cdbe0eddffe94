/*
 * routes — the service's whole API surface in one table (doc/api.md documents each row).
 * A handler lives in the api-*.c file of its group. The plain-http listener's routes are
 * made from the configured URLs (api_publish_routes); a metrics_listen listener serves
 * http_metrics_routes.
 */
#include "config.h"

#include "ncaenrolld/api.h"
#include "ncaenrolld/http.h"

const struct http_route http_routes[] = {
	{ "POST", "/api/v1/captcha", api_captcha_new, 0, NULL },
	{ "POST", "/api/v1/bin-check", api_registry_bin_check, 1, NULL },
	{ "POST", "/api/v1/iin-check", api_registry_iin_check, 1, NULL },
	{ "GET", "/api/v1/directories/roles", api_directories_roles, 0, NULL },
	{ "GET", "/api/v1/directories/regions", api_directories_regions, 0, NULL },
	{ "GET", "/api/v1/directories/regions/{}/cities", api_directories_cities, 0, NULL },
	{ "GET", "/api/v1/directories/support", api_directories_support, 0, NULL },
	{ "GET", "/api/v1/gu-codes", api_directories_gu_codes, 0, NULL },
	{ "POST", "/api/v1/applications", api_applications_submit, 1, NULL },
	{ "GET", "/api/v1/applications/{}", api_applications_status, 0, NULL },
	/* Without a proof of the AUTH key: 403 (the POST below gives them). */
	{ "GET", "/api/v1/applications/{}/certificates", api_applications_certificates, 0,
	    NULL },
	{ "POST", "/api/v1/applications/{}/installed", api_applications_installed, 1,
	    NULL },
	/* The holder's signed requests (doc/api-lifecycle.md). */
	{ "POST", "/api/v1/applications/{}/challenge", api_lifecycle_challenge, 1, NULL },
	{ "POST", "/api/v1/applications/{}/revoke", api_lifecycle_revoke, 1, NULL },
	{ "POST", "/api/v1/applications/{}/renew", api_lifecycle_renew, 1, NULL },
	{ "POST", "/api/v1/applications/{}/certificates", api_lifecycle_certificates, 1,
	    NULL },
	{ "GET", "/api/v1/ca/chain", api_ca_chain, 0, NULL },
	/* The full CRL of /crl/ca.crl, for clients older than the plain-http listener. */
	{ "GET", "/api/v1/crl", api_publish_crl, 0, NULL },
	/* The RA desk (doc/api-ra.md): an operator's client certificate, checked by the gate. */
	{ "GET", "/api/v1/ra/me", api_ra_me, 0, &api_ra_operator },
	{ "GET", "/api/v1/ra/reject-reasons", api_ra_reasons, 0, &api_ra_operator },
	{ "GET", "/api/v1/ra/queue", api_ra_queue, 0, &api_ra_operator },
	{ "GET", "/api/v1/ra/applications/{}", api_ra_application, 0, &api_ra_operator },
	{ "POST", "/api/v1/ra/applications/{}/approve", api_ra_approve, 1, &api_ra_operator },
	{ "POST", "/api/v1/ra/applications/{}/reject", api_ra_reject, 1, &api_ra_operator },
	{ "POST", "/api/v1/ra/applications/{}/revoke", api_ra_revoke, 1, &api_ra_operator },
	{ "GET", "/api/v1/ra/certificates", api_ra_certificates, 0, &api_ra_operator },
	/* Operations (doc/api.md): probes and Prometheus, no secrets, no request numbers. */
	{ "GET", "/healthz", api_health_alive, 0, NULL },
	{ "GET", "/readyz", api_health_ready, 0, NULL },
	{ "GET", "/metrics", api_health_metrics_main, 0, NULL },
};
const size_t http_nroutes = sizeof http_routes / sizeof http_routes[0];

/* The metrics_listen listener's (plain http, meant for loopback or a private network). */
const struct http_route http_metrics_routes[] = {
	{ "GET", "/healthz", api_health_alive, 0, NULL },
	{ "GET", "/readyz", api_health_ready, 0, NULL },
	{ "GET", "/metrics", api_health_metrics, 0, NULL },
};
const size_t http_metrics_nroutes = sizeof http_metrics_routes / sizeof http_metrics_routes[0];

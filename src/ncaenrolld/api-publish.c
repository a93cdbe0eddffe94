/*
 * api-publish — the plain-http listener's routes (doc/api-lifecycle.md "Publication"):
 * the CRLs and CA certificates as DER at the URLs the certificates name, and the OCSP
 * responder over POST and GET (RFC 6960 Appendix A.1). Nothing here is secret and nothing
 * is written: the objects are signed already (publish.c) or signed per request (OCSP).
 * The routes are made at start from the URLs the certificates name (the service's own
 * settings, and what the issuing CA's certificate names for the root), so what a
 * certificate says is served is what this listener serves, whatever the paths.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/srv.h"

#define API_PUBLISH_CRL		"application/pkix-crl"
#define API_PUBLISH_CERT	"application/pkix-cert"
#define API_PUBLISH_OCSP_REQ	"application/ocsp-request"
#define API_PUBLISH_OCSP_RESP	"application/ocsp-response"

static const char *const api_publish_types[] = {
	[PUBLISH_CRL] = API_PUBLISH_CRL,
	[PUBLISH_DELTA_CRL] = API_PUBLISH_CRL,
	[PUBLISH_ROOT_CRL] = API_PUBLISH_CRL,
	[PUBLISH_CA_CER] = API_PUBLISH_CERT,
	[PUBLISH_ROOT_CER] = API_PUBLISH_CERT,
};
_Static_assert(sizeof api_publish_types / sizeof api_publish_types[0] == PUBLISH__MAX,
    "a content type per object");

/* The object as publish.c keeps it (a CRL brought up to date first), or 404. */
static enum http_result
api_publish_serve(struct srv *srv, const struct http_req *req, struct http_resp *resp,
    enum publish_object o)
{
	struct store	*st = NULL;
	unsigned char	*der = NULL;
	size_t		 len = 0;
	char		*cause = NULL;
	int		 rc;

	if (srv->pub == NULL)
		return HTTP_FAILED;
	if ((st = srv_store_get(srv, &cause)) == NULL) {
		log_error("%s: %s", req->path, cause);
		free(cause);
		return HTTP_FAILED;
	}
	rc = publish_get(srv, st, o, &der, &len, &cause);
	srv_store_put(srv, st);
	if (rc == -1) {
		log_error("%s: %s", req->path, cause);
		free(cause);
		return HTTP_FAILED;
	}
	if (der == NULL) {
		http_error(resp, 404, "not_found", NULL, "%s is not published here", req->path);
		return HTTP_ANSWERED;
	}
	http_raw(resp, 200, api_publish_types[o], der, len);
	return HTTP_ANSWERED;
}

enum http_result
api_publish_crl(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	return api_publish_serve(srv, req, resp, PUBLISH_CRL);
}

enum http_result
api_publish_delta_crl(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	return api_publish_serve(srv, req, resp, PUBLISH_DELTA_CRL);
}

enum http_result
api_publish_root_crl(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	return api_publish_serve(srv, req, resp, PUBLISH_ROOT_CRL);
}

enum http_result
api_publish_ca_cer(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	return api_publish_serve(srv, req, resp, PUBLISH_CA_CER);
}

enum http_result
api_publish_root_cer(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	return api_publish_serve(srv, req, resp, PUBLISH_ROOT_CER);
}

static enum http_result
api_publish_ocsp_answer(struct srv *srv, const unsigned char *der, size_t len,
    struct http_resp *resp)
{
	struct store	*st;
	unsigned char	*out = NULL;
	size_t		 outlen = 0;
	char		*cause = NULL;
	int		 rc;

	if ((st = srv_store_get(srv, &cause)) == NULL) {
		log_error("OCSP: %s", cause);
		free(cause);
		/* Still an OCSP answer: a client understands tryLater, not a JSON 500. */
		if (ca_ocsp_refusal(CA_OCSP_TRY_LATER, &out, &outlen) == -1)
			return HTTP_FAILED;
		http_raw(resp, 200, API_PUBLISH_OCSP_RESP, out, outlen);
		return HTTP_ANSWERED;
	}
	rc = publish_ocsp(srv, st, der, len, &out, &outlen, &cause);
	srv_store_put(srv, st);
	free(cause);
	if (rc == -1)
		return HTTP_FAILED;
	http_raw(resp, 200, API_PUBLISH_OCSP_RESP, out, outlen);
	return HTTP_ANSWERED;
}

/* POST /ocsp: the DER request is the body (RFC 6960 A.1.1). */
enum http_result
api_publish_ocsp_post(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const char	*ct = req->header != NULL ? req->header(req, "Content-Type") : NULL;
	size_t		 n = strlen(API_PUBLISH_OCSP_REQ);

	if (srv->pub == NULL)
		return HTTP_FAILED;
	if (ct == NULL || strncasecmp(ct, API_PUBLISH_OCSP_REQ, n) != 0 ||
	    (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')) {
		http_error(resp, 415, "body.content_type", NULL,
		    "the body must be an OCSP request (Content-Type: %s)",
		    API_PUBLISH_OCSP_REQ);
		return HTTP_ANSWERED;
	}
	return api_publish_ocsp_answer(srv, req->raw_body, req->raw_len, resp);
}

/*
 * GET /ocsp/{base64 of the DER request}, URL-decoded already by the HTTP layer (RFC 6960
 * A.1.1). The base64url alphabet is taken too, and missing '=' padding: what a client
 * builds with either encoder reaches the same request.
 */
enum http_result
api_publish_ocsp_get(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const char	*in = req->params[0];
	unsigned char	*der = NULL;
	char		*b64 = NULL;
	size_t		 i, n = in != NULL ? strlen(in) : 0;
	int		 len = -1;
	enum http_result r;

	if (srv->pub == NULL)
		return HTTP_FAILED;
	if (n > 0 && n <= (size_t)CA_OCSP_REQUEST_MAX * 4 / 3 + 4 &&
	    (b64 = malloc(n + 4)) != NULL && (der = malloc(n / 4 * 3 + 3)) != NULL) {
		for (i = 0; i < n; i++)
			b64[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
		while (i % 4 != 0)
			b64[i++] = '=';
		b64[i] = '\0';
		if ((len = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)i)) > 0) {
			/* EVP_DecodeBlock counts the padding as zero bytes: drop them. */
			while (i > 0 && b64[--i] == '=')
				len--;
		}
	}
	free(b64);
	/* Not base64 at all: handed on empty, so it is answered malformedRequest. */
	r = api_publish_ocsp_answer(srv, der, len > 0 ? (size_t)len : 0, resp);
	free(der);
	return r;
}

/* ---- the routes, from the URLs ---- */

/* The path of an http URL (what follows the host, without query): malloc'd, "/" if none. */
static char *
api_publish_path(const char *url)
{
	const char	*p = strstr(url, "://");
	size_t		 n;

	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?#");
	n = strcspn(p, "?#");
	return n == 0 ? strdup("/") : strndup(p, n);
}

/* One route's pattern: the URL's path, or (ocsp_get) the path a GET request goes under. */
static char *
api_publish_pattern(const char *url, int ocsp_get)
{
	char	*path, *pattern;
	size_t	 n;

	if ((path = api_publish_path(url)) == NULL || !ocsp_get)
		return path;
	n = strlen(path);
	if (asprintf(&pattern, "%s%s{*}", path, path[n - 1] == '/' ? "" : "/") == -1)
		pattern = NULL;
	free(path);
	return pattern;
}

void
api_publish_routes_free(struct http_route *v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		free((char *)v[i].pattern);
	free(v);
}

int
api_publish_routes(struct srv *srv, struct http_route **vp, size_t *np, char **cause)
{
	const struct srv_config	*cfg = srv->cfg;
	char			*root[2] = { ca_parent_url(srv->ca, 1), ca_parent_url(srv->ca, 0) };
	const struct {
		const char	*setting, *url, *method;
		http_handler_fn	*handler;
		int		 ocsp_get;
	} want[] = {
		{ "ca.crl_url", cfg->crl_url, "GET", api_publish_crl, 0 },
		{ "ca.delta_crl_url", cfg->delta_crl_url, "GET", api_publish_delta_crl, 0 },
		{ "ca.ca_issuers_url", cfg->ca_issuers_url, "GET", api_publish_ca_cer, 0 },
		{ "the issuing CA's CRL distribution point", root[0], "GET",
		    api_publish_root_crl, 0 },
		{ "the issuing CA's caIssuers", root[1], "GET", api_publish_root_cer, 0 },
		{ "ca.ocsp_url", cfg->ocsp_url, "POST", api_publish_ocsp_post, 0 },
		{ "ca.ocsp_url", cfg->ocsp_url, "GET", api_publish_ocsp_get, 1 },
	};
	struct http_route	*v;
	size_t			 from[sizeof want / sizeof want[0]], i, j, n = 0;
	int			 rc = -1;

	*vp = NULL;
	*np = 0;
	if ((v = calloc(sizeof want / sizeof want[0], sizeof *v)) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (want[i].url == NULL)	/* a root this CA's certificate names no URL of */
			continue;
		v[n] = (struct http_route){ want[i].method, NULL, want[i].handler, 0, NULL };
		from[n] = i;
		if ((v[n].pattern = api_publish_pattern(want[i].url, want[i].ocsp_get)) == NULL) {
			cause_set(cause, "out of memory");
			goto out;
		}
		/* Two objects at one path: a relying party would get the wrong one. */
		for (j = 0; j < n; j++) {
			if (strcmp(v[j].method, v[n].method) == 0 &&
			    strcmp(v[j].pattern, v[n].pattern) == 0) {
				cause_set(cause, "%s and %s both name the path %s: the plain "
				    "http listener cannot serve two things there", want[i].setting,
				    want[from[j]].setting, v[n].pattern);
				n++;
				goto out;
			}
		}
		n++;
	}
	*vp = v;
	*np = n;
	v = NULL;
	rc = 0;
out:
	api_publish_routes_free(v, n);
	free(root[0]);
	free(root[1]);
	return rc;
}

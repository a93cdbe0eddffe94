/*
 * fuzz-srv — the real service the handler targets call (fuzz.h): the demo CA made in the
 * private folder, a SQLite store there holding the demo registries (data/demo), the OCSP
 * responder, demo mode with a fixed captcha (FUZZ_CAPTCHA, in the dictionaries) and rate
 * limits a fuzzer does not meet, a BIN check token (FUZZ_TOKEN) for 940140000385 held by
 * 127.0.0.1, and one application submitted and issued through the handlers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/log.h"
#include "fuzz.h"
#include "fuzz-srv.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/registry-load.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/srvconf.h"

/* The one service of the process (a target's fixture lives as long as the process). */
static struct fuzz_srv_state {
	int			 made;
	char			 dir[128], uri[160], path[4][160];
	struct srv_config	 cfg;
	struct srv		 srv;
	char			 number[REQNUM_LEN + 1];
	char			*cert_auth;
	EVP_PKEY		*auth_key;	/* the issued application's AUTH key */
} fz;

#define FUZZ_OK(call, what) do {					\
	char	*fuzz_cause_ = NULL;					\
	if ((call) == -1)						\
		fuzz_die((what), fuzz_cause_);				\
} while (0)

static char *
fuzz_csr(EVP_PKEY *k)
{
	X509_REQ	*r = X509_REQ_new();
	X509_NAME	*n = X509_NAME_new();
	BIO		*b = BIO_new(BIO_s_mem());
	char		*data, *s;
	long		 len;

	if (r == NULL || n == NULL || b == NULL ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"fuzz",
	    -1, -1, 0) != 1 || X509_REQ_set_subject_name(r, n) != 1 ||
	    X509_REQ_set_pubkey(r, k) != 1 || X509_REQ_sign(r, k, EVP_sha256()) <= 0 ||
	    PEM_write_bio_X509_REQ(b, r) != 1 || (len = BIO_get_mem_data(b, &data)) <= 0 ||
	    (s = malloc((size_t)len + 1)) == NULL)
		fuzz_die("CSR", NULL);
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	BIO_free(b);
	X509_NAME_free(n);
	X509_REQ_free(r);
	return s;
}

static void
fuzz_srv_ca(void)
{
	struct ca_config	*cc = &fz.cfg.ca;
	char			*cause = NULL;

	if (ca_demo_create(fz.dir, "localhost,127.0.0.1", NULL, &cause) == -1)
		fuzz_die("demo CA", cause);
	(void)snprintf(fz.path[0], sizeof fz.path[0], "%s/ca.pem", fz.dir);
	(void)snprintf(fz.path[1], sizeof fz.path[1], "%s/ca.key", fz.dir);
	(void)snprintf(fz.path[2], sizeof fz.path[2], "%s/ca-chain.pem", fz.dir);
	(void)snprintf(fz.path[3], sizeof fz.path[3], "%s/root.crl", fz.dir);
	memset(cc, 0, sizeof *cc);
	cc->cert_file = fz.path[0];
	cc->key_file = fz.path[1];
	cc->chain_file = fz.path[2];
	cc->crl_url = "http://127.0.0.1/crl/ca.crl";
	cc->delta_crl_url = "http://127.0.0.1/crl/ca-delta.crl";
	cc->ocsp_url = "http://127.0.0.1/ocsp";
	cc->ca_issuers_url = "http://127.0.0.1/cert/ca.cer";
	cc->cps_url = "http://127.0.0.1/cps";
	FUZZ_OK(srvconf_set(&fz.cfg.crl_url, cc->crl_url, &fuzz_cause_), "config");
	FUZZ_OK(srvconf_set(&fz.cfg.delta_crl_url, cc->delta_crl_url, &fuzz_cause_), "config");
	FUZZ_OK(srvconf_set(&fz.cfg.ocsp_url, cc->ocsp_url, &fuzz_cause_), "config");
	FUZZ_OK(srvconf_set(&fz.cfg.ca_issuers_url, cc->ca_issuers_url, &fuzz_cause_),
	    "config");
	FUZZ_OK(srvconf_set(&fz.cfg.root_crl, fz.path[3], &fuzz_cause_), "config");
	if ((fz.srv.ca = ca_load(cc, &cause)) == NULL)
		fuzz_die("ca_load", cause);
}

static void
fuzz_srv_store(void)
{
	struct store	*st;
	char		*cause = NULL;

	(void)snprintf(fz.uri, sizeof fz.uri, "sqlite:%s/store.db", fz.dir);
	if ((fz.srv.stores = srv_pool_new(fz.uri, 2, &cause)) == NULL)
		fuzz_die("store", cause);
	if ((fz.srv.ratelimit = ratelimit_new(64, &cause)) == NULL)
		fuzz_die("ratelimit", cause);
	if ((st = srv_store_get(&fz.srv, &cause)) == NULL)
		fuzz_die("store", cause);
	if (registry_load(st, FUZZ_SRCDIR_PATH("data/demo"), &cause) == -1)
		fuzz_die("registries", cause);
	/* Good for ten years: a run never outlives it. */
	if (store_token_put(st, FUZZ_TOKEN, FUZZ_BIN, FUZZ_CLIENT,
	    time(NULL) + 3650L * 86400, &cause) == -1)
		fuzz_die("token", cause);
	srv_store_put(&fz.srv, st);
}

/* One application through the handler, as a client submits it, then issued. */
static void
fuzz_srv_app(void)
{
	struct http_req		 req;
	struct http_resp	 resp;
	struct store		*st;
	struct store_app	 a;
	EVP_PKEY		*k[2];
	char			*csr[2], *cause = NULL;
	enum app_status		 cur;
	int			 i, won = 0, found = 0;

	for (i = 0; i < 2; i++)
		if ((k[i] = EVP_RSA_gen(2048)) == NULL || (csr[i] = fuzz_csr(k[i])) == NULL)
			fuzz_die("key", NULL);
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.method = "POST";
	req.path = "/api/v1/applications";
	req.client_addr = FUZZ_CLIENT;
	req.body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "token", FUZZ_TOKEN, "bin", FUZZ_BIN, "iin", FUZZ_IIN, "email", "fuzz@mail.kz",
	    "role", "ROLE01", "region", "karaganda", "city", "karaganda", "gu_code", "1001",
	    "storage", "pc", "lang", "ru", "csr_auth", csr[0], "csr_sign", csr[1]);
	if (req.body == NULL || api_applications_submit(&fz.srv, &req, &resp) != HTTP_ANSWERED ||
	    resp.status != 201)
		fuzz_die("submit", resp.json != NULL ? json_dumps(resp.json, 0) : NULL);
	(void)snprintf(fz.number, sizeof fz.number, "%s", json_string_value(
	    json_object_get(resp.json, "request_number")));
	json_decref(req.body);
	http_resp_free(&resp);
	if ((st = srv_store_get(&fz.srv, &cause)) == NULL ||
	    issue_application(&fz.srv, st, fz.number, "fuzz", &won, &cur, &cause) == -1 ||
	    store_app_get(st, fz.number, &a, &found, &cause) == -1 || !found)
		fuzz_die("issue", cause);
	free(fz.cert_auth);
	if ((fz.cert_auth = strdup(a.cert_auth)) == NULL)
		fuzz_die("strdup", NULL);
	store_app_free(&a);
	srv_store_put(&fz.srv, st);
	EVP_PKEY_free(fz.auth_key);
	fz.auth_key = k[0];
	EVP_PKEY_free(k[1]);
	for (i = 0; i < 2; i++)
		free(csr[i]);
}

struct srv *
fuzz_srv(void)
{
	char	*cause = NULL;

	if (fz.made)
		return &fz.srv;
	/* The handlers' errors are what the fuzzer provokes: only failures are worth a line. */
	log_open("fuzz", LOG_TO_STDERR, LOGL_ERROR);
	(void)snprintf(fz.dir, sizeof fz.dir, "%s", fuzz_dir());
	FUZZ_OK(srvconf_init(&fz.cfg, &fuzz_cause_), "config");
	fz.cfg.demo.enabled = 1;
	fz.cfg.demo.auto_approve = -1;
	FUZZ_OK(srvconf_set(&fz.cfg.demo.fixed_captcha, FUZZ_CAPTCHA, &fuzz_cause_), "config");
	FUZZ_OK(srvconf_set(&fz.cfg.state_dir, fz.dir, &fuzz_cause_), "config");
	fz.cfg.policy.captcha_per_minute = 1000000;
	fz.cfg.policy.checks_per_minute = 1000000;
	fz.srv.cfg = &fz.cfg;
	fuzz_srv_ca();
	fuzz_srv_store();
	if (srv_captcha_key(&fz.srv, fz.dir, &cause) == -1)
		fuzz_die("captcha key", cause);
	if ((fz.srv.pub = publish_new(&fz.srv, &cause)) == NULL)
		fuzz_die("publish", cause);
	fuzz_srv_app();
	fz.made = 1;
	return &fz.srv;
}

const char *
fuzz_srv_number(void)
{
	(void)fuzz_srv();
	return fz.number;
}

void
fuzz_srv_new_app(void)
{
	(void)fuzz_srv();
	fuzz_srv_app();
}

EVP_PKEY *
fuzz_srv_auth_key(void)
{
	(void)fuzz_srv();
	return fz.auth_key;
}

const char *
fuzz_srv_cert(void)
{
	(void)fuzz_srv();
	return fz.cert_auth;
}

/* The request's query, from FUZZ_QUERY_MAX name=value pairs the target parsed. */
const char *
fuzz_srv_query(const struct http_req *req, const char *name)
{
	const struct fuzz_query	*q = req->impl;
	size_t			 i;

	for (i = 0; q != NULL && i < q->n; i++)
		if (strcmp(q->name[i], name) == 0)
			return q->value[i];
	return NULL;
}

const char *
fuzz_srv_header(const struct http_req *req, const char *name)
{
	const struct fuzz_query	*q = req->impl;

	return q != NULL && strcasecmp(name, "Content-Type") == 0 ? q->content_type : NULL;
}

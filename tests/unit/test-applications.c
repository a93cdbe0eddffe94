/*
 * An application's life through the handlers, with a real SQLite store and a real demo CA
 * in a temporary folder, requests built by hand, keys and signatures made here with
 * OpenSSL: submit, repeat, key reuse, every validation error, issue, certificates, the
 * installed report with proof of possession, masking, expiry and auto-approval on an
 * injected clock, two approvals racing, the CA endpoints and the mail's shape.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/appstatus.h"
#include "common/reqnum.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/jobs.h"
#include "ncaenrolld/mail.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define T_BIN		"940140000385"
#define T_BIN_OTHER	"070941024691"
#define T_IIN		"871008401427"
#define T_IIN_UNKNOWN	"760212350620"
#define T_GU		"1234567"
#define T_TOKEN		"tok-good"
#define T_TOKEN_OTHER	"tok-other-bin"
#define T_DAY		86400
#define T_NKEYS		24

struct fx {
	char			 dir[64];
	char			 clock[128], db[128];
	char			 ca_cert[128], ca_key[128], ca_chain[128],
				 root_crl[128];
	struct srv_config	 cfg;
	struct srv		 srv;
	time_t			 t0;
	EVP_PKEY		*keys[T_NKEYS];
	size_t			 nextkey;
};

/* ---- fixture ---- */

static void
fx_clock(struct fx *fx, time_t t)
{
	FILE	*f = fopen(fx->clock, "w");

	assert_non_null(f);
	assert_true(fprintf(f, "%lld\n", (long long)t) > 0);
	assert_int_equal(fclose(f), 0);
}

#define fx_ok(call, cause) do {						\
	if ((call) == -1)							\
		fail_msg("%s: %s", #call, (cause) != NULL ? (cause) : "?");	\
} while (0)

static void
fx_entry(struct store *st, enum store_dir d, const char *id, const char *parent,
    const char *name, const char *dc, const char *oid)
{
	struct store_entry	 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	e.id = (char *)id;
	e.parent_id = (char *)parent;
	e.name.kk = e.name.ru = e.name.en = (char *)name;
	e.dc = (char *)dc;
	e.oid = (char *)oid;
	if (store_entry_put(st, d, &e, &cause) == -1)
		fail_msg("entry %s: %s", id, cause);
}

static void
fx_registries(struct fx *fx)
{
	struct store_org	 org;
	struct store_person	 p;
	struct store		*st;
	char			*cause = NULL;
	time_t			 far = fx->t0 + 3650L * T_DAY;

	st = store_open(fx->db, &cause);
	if (st == NULL)
		fail_msg("store: %s", cause);
	memset(&org, 0, sizeof org);
	memcpy(org.bin, T_BIN, 13);
	org.name.kk = (char *)"«Сынақ» ММ";
	org.name.ru = (char *)"ГУ «Испытание»";
	org.region_id = (char *)"astana";
	memset(&p, 0, sizeof p);
	memcpy(p.iin, T_IIN, 13);
	p.surname = (char *)"ИВАНОВ";
	p.given_name = (char *)"ИВАН";
	p.patronymic = (char *)"ИВАНОВИЧ";
	fx_entry(st, STORE_ROLES, "employee", NULL, "Employee", "ROLE05",
	    "1.2.398.3.3.4.1.2.5");
	fx_entry(st, STORE_REGIONS, "astana", NULL, "Astana", NULL, NULL);
	fx_entry(st, STORE_REGIONS, "almaty-region", NULL, "Almaty Region", NULL, NULL);
	fx_entry(st, STORE_CITIES, "astana-city", "astana", "Astana", NULL, NULL);
	fx_entry(st, STORE_CITIES, "taldykorgan", "almaty-region", "Taldykorgan", NULL, NULL);
	fx_ok(store_org_put(st, &org, &cause), cause);
	memcpy(org.bin, T_BIN_OTHER, 13);
	fx_ok(store_org_put(st, &org, &cause), cause);
	fx_ok(store_gu_code_put(st, T_BIN, T_GU, &cause), cause);
	fx_ok(store_gu_code_put(st, T_BIN_OTHER, "7654321", &cause), cause);
	fx_ok(store_person_put(st, &p, &cause), cause);
	fx_ok(store_token_put(st, T_TOKEN, T_BIN, "127.0.0.1", far, &cause), cause);
	fx_ok(store_token_put(st, T_TOKEN_OTHER, T_BIN_OTHER, "127.0.0.1", far, &cause),
	    cause);
	store_close(st);
}

static void
fx_ca(struct fx *fx)
{
	struct ca_config	 cc;
	char			*cause = NULL;

	if (ca_demo_create(fx->dir, "localhost,127.0.0.1", NULL, &cause) == -1)
		fail_msg("demo CA: %s", cause);
	memset(&cc, 0, sizeof cc);
	cc.cert_file = fx->ca_cert;
	cc.key_file = fx->ca_key;
	cc.chain_file = fx->ca_chain;
	cc.crl_url = "http://crl.example.kz/nca.crl";
	cc.delta_crl_url = "http://crl.example.kz/nca_d.crl";
	cc.ocsp_url = "http://ocsp.example.kz";
	cc.ca_issuers_url = "http://example.kz/nca.crt";
	cc.cps_url = "http://example.kz/cps";
	cc.file_days = 365;
	cc.token_days = 1095;
	if ((fx->srv.ca = ca_load(&cc, &cause)) == NULL)
		fail_msg("ca_load: %s", cause);
}

static int
fx_setup(void **state)
{
	struct fx	*fx;
	char		*cause = NULL;
	size_t		 i;

	fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	(void)snprintf(fx->dir, sizeof fx->dir, "/tmp/test-applications.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	(void)snprintf(fx->clock, sizeof fx->clock, "%s/clock", fx->dir);
	(void)snprintf(fx->db, sizeof fx->db, "sqlite:%s/store.db", fx->dir);
	(void)snprintf(fx->ca_cert, sizeof fx->ca_cert, "%s/ca.pem", fx->dir);
	(void)snprintf(fx->ca_key, sizeof fx->ca_key, "%s/ca.key", fx->dir);
	(void)snprintf(fx->ca_chain, sizeof fx->ca_chain, "%s/ca-chain.pem", fx->dir);
	(void)snprintf(fx->root_crl, sizeof fx->root_crl, "%s/root.crl", fx->dir);
	fx->t0 = time(NULL);
	fx_clock(fx, fx->t0);
	fx->cfg.clock_file = fx->clock;
	fx->cfg.policy.verification_days = 30;
	fx->cfg.demo.auto_approve = -1;
	fx->cfg.policy.status_per_minute = 100000;	/* the limit's own test is a system one */
	fx->srv.cfg = &fx->cfg;
	assert_non_null(fx->srv.ratelimit = ratelimit_new(64, NULL));
	fx_ca(fx);
	fx_registries(fx);
	if ((fx->srv.stores = srv_pool_new(fx->db, 4, &cause)) == NULL)
		fail_msg("pool: %s", cause);
	fx->cfg.state_dir = fx->dir;		/* the OCSP responder's files */
	fx->cfg.root_crl = fx->root_crl;
	if (publish_new(&fx->srv, &cause) == NULL)
		fail_msg("publish: %s", cause);
	for (i = 0; i < T_NKEYS; i++)
		assert_non_null(fx->keys[i] = EVP_RSA_gen(2048));
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[128];
	size_t		 i;

	if (fx == NULL)
		return 0;
	for (i = 0; i < T_NKEYS; i++)
		EVP_PKEY_free(fx->keys[i]);
	publish_free(fx->srv.pub);
	srv_pool_free(fx->srv.stores);
	ratelimit_free(fx->srv.ratelimit);
	ca_free(fx->srv.ca);
	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

static EVP_PKEY *
fx_key(struct fx *fx)
{
	assert_true(fx->nextkey < T_NKEYS);
	return fx->keys[fx->nextkey++];
}

/* ---- OpenSSL helpers: the applicant's side ---- */

static char *
t_csr(EVP_PKEY *k, const char *cn)
{
	X509_REQ	*r = X509_REQ_new();
	X509_NAME	*n = X509_NAME_new();
	BIO		*b = BIO_new(BIO_s_mem());
	char		*data, *s;
	long		 len;

	assert_non_null(r);
	assert_non_null(n);
	assert_non_null(b);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_REQ_set_subject_name(r, n), 1);
	assert_int_equal(X509_REQ_set_pubkey(r, k), 1);
	assert_true(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_bio_X509_REQ(b, r), 1);
	len = BIO_get_mem_data(b, &data);
	assert_non_null(s = malloc((size_t)len + 1));
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	BIO_free(b);
	X509_NAME_free(n);
	X509_REQ_free(r);
	return s;
}

static char *
t_sign(EVP_PKEY *k, const char *msg)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	unsigned char	 sig[512];
	size_t		 siglen = sizeof sig;
	char		*b64 = malloc(4 * sizeof sig / 3 + 8);

	assert_non_null(md);
	assert_non_null(b64);
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg,
	    strlen(msg)), 1);
	assert_true(EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen) > 0);
	EVP_MD_CTX_free(md);
	return b64;
}

/* ---- requests ---- */

struct t_app {
	EVP_PKEY	*ka, *ks;
	char		*csr_auth, *csr_sign;
	char		 number[REQNUM_LEN + 1];
};

static void
t_app_keys(struct fx *fx, struct t_app *a)
{
	memset(a, 0, sizeof *a);
	a->ka = fx_key(fx);
	a->ks = fx_key(fx);
	a->csr_auth = t_csr(a->ka, "auth");
	a->csr_sign = t_csr(a->ks, "sign");
}

static void
t_app_free(struct t_app *a)
{
	free(a->csr_auth);
	free(a->csr_sign);
}

static json_t *
t_form(const struct t_app *a)
{
	json_t	*o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "token", T_TOKEN, "bin", T_BIN, "iin", T_IIN, "email", "user@mail.kz",
	    "role", "employee", "region", "astana", "city", "astana-city", "gu_code", T_GU,
	    "storage", "pc", "lang", "ru", "csr_auth", a->csr_auth, "csr_sign", a->csr_sign);

	assert_non_null(o);
	return o;
}

/* Calls a handler as http.c would; body is taken. Returns the answer's status. */
static int
t_call(struct fx *fx, http_handler h, const char *method, const char *number, json_t *body,
    struct http_resp *resp)
{
	struct http_req	req;

	memset(&req, 0, sizeof req);
	memset(resp, 0, sizeof *resp);
	req.method = method;
	req.path = "/api/v1/test";
	req.params[0] = number;
	req.body = body;
	req.client_addr = "127.0.0.1";
	assert_int_equal(h(&fx->srv, &req, resp), 0);
	json_decref(body);
	return resp->status;
}

static const char *
t_str(const struct http_resp *r, const char *key)
{
	return json_string_value(json_object_get(r->json, key));
}

static void
t_expect_error(const struct http_resp *r, int status, const char *code, const char *field)
{
	json_t		*e = json_object_get(r->json, "error");
	const char	*c = json_string_value(json_object_get(e, "code"));
	const char	*f = json_string_value(json_object_get(e, "field"));

	if (r->status != status || c == NULL || strcmp(c, code) != 0)
		fail_msg("wanted %d %s, got %d %s", status, code, r->status, c ? c : "(none)");
	if (field != NULL && (f == NULL || strcmp(f, field) != 0))
		fail_msg("%s: wanted field %s, got %s", code, field, f ? f : "(none)");
}

/*
 * The certificates as the holder fetches them: a "certificates" challenge signed with
 * the AUTH key (doc/api-lifecycle.md). The answer's status.
 */
static int
t_certificates(struct fx *fx, const struct t_app *a, struct http_resp *r)
{
	char	*nonce, *msg, *sig;
	int	 st;

	assert_int_equal(t_call(fx, api_lifecycle_challenge, "POST", a->number,
	    json_pack("{s:s}", "action", "certificates"), r), 200);
	assert_non_null(nonce = strdup(t_str(r, "nonce")));
	http_resp_free(r);
	assert_true(asprintf(&msg, "certificates\n%s\n%s\n", a->number, nonce) > 0);
	sig = t_sign(a->ka, msg);
	st = t_call(fx, api_lifecycle_certificates, "POST", a->number,
	    json_pack("{s:s, s:s}", "nonce", nonce, "signature", sig), r);
	free(sig);
	free(msg);
	free(nonce);
	return st;
}

static void
t_submit(struct fx *fx, struct t_app *a, int want_status)
{
	struct http_resp	r;

	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, t_form(a), &r),
	    want_status);
	assert_non_null(t_str(&r, "request_number"));
	(void)snprintf(a->number, sizeof a->number, "%s", t_str(&r, "request_number"));
	http_resp_free(&r);
}

/* A moment as the service writes it: ISO 8601, UTC, to the second. */
static const char *
t_iso(time_t t, char buf[21])
{
	struct tm	tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm), 20);
	return buf;
}

static enum app_status
t_status(struct fx *fx, const char *number)
{
	struct http_resp	r;
	enum app_status		s;

	assert_int_equal(t_call(fx, api_applications_status, "GET", number, NULL, &r), 200);
	assert_int_equal(appstatus_parse(t_str(&r, "status"), &s), 0);
	http_resp_free(&r);
	return s;
}

static void
t_issue(struct fx *fx, const char *number, int want_won)
{
	struct store	*st;
	enum app_status	 cur;
	char		*cause = NULL;
	int		 won = -1;

	assert_non_null(st = srv_store_get(&fx->srv, &cause));
	if (issue_application(&fx->srv, st, number, "test", &won, &cur, &cause) == -1)
		fail_msg("issue: %s", cause);
	srv_store_put(&fx->srv, st);
	assert_int_equal(won, want_won);
	assert_int_equal(cur, APP_ISSUED);
}

/* ---- the tests ---- */

static void
test_lifecycle(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a;
	struct http_resp	 r;
	const char		*nonce;
	char			*sig, *nonce_copy, *dump, when[21];
	json_t			*body;

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	/* A client re-sending after a crash (a minute later) gets the same number. */
	fx_clock(fx, fx->t0 + 60);
	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, t_form(&a), &r),
	    200);
	assert_string_equal(t_str(&r, "request_number"), a.number);
	assert_true(json_is_true(json_object_get(r.json, "existing")));
	assert_string_equal(t_str(&r, "status"), "submitted");
	/* The 30 days (policy.verification_days) run from the submission, not the re-send. */
	assert_string_equal(t_str(&r, "deadline"), t_iso(fx->t0 + 30 * T_DAY, when));
	http_resp_free(&r);

	assert_int_equal(t_status(fx, a.number), APP_SUBMITTED);
	assert_int_equal(t_call(fx, api_lifecycle_challenge, "POST", a.number,
	    json_pack("{s:s}", "action", "certificates"), &r), 409);
	t_expect_error(&r, 409, "application.not_issued", NULL);
	http_resp_free(&r);
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number,
	    json_pack("{s:s, s:s}", "nonce", "x", "signature", "eA=="), &r), 409);
	http_resp_free(&r);

	fx_clock(fx, fx->t0 + 3600);		/* each step at its own moment */
	t_issue(fx, a.number, 1);
	fx_clock(fx, fx->t0 + 7200);
	t_issue(fx, a.number, 0);	/* a second approval changes nothing */

	/* Status: masked personal data, certificate data. */
	assert_int_equal(t_call(fx, api_applications_status, "GET", a.number, NULL, &r),
	    200);
	assert_string_equal(t_str(&r, "status"), "issued");
	assert_string_equal(t_str(&r, "status_label"), "Registration certificates are issued");
	assert_string_equal(t_str(&r, "decided"), t_iso(fx->t0 + 3600, when));
	assert_non_null(dump = json_dumps(r.json, 0));
	assert_null(strstr(dump, T_IIN));
	assert_null(strstr(dump, "ИВАНОВ"));
	assert_null(strstr(dump, "ИВАН\""));
	assert_null(strstr(dump, "user@mail.kz"));
	assert_non_null(strstr(dump, "\"IIN8710******27\""));
	assert_non_null(strstr(dump, "\"u***@mail.kz\""));
	assert_non_null(strstr(dump, "\"И***\""));
	assert_non_null(strstr(dump, "\"ROLE05\""));
	assert_non_null(strstr(dump, "\"KS" T_GU "\""));
	free(dump);
	assert_non_null(json_string_value(json_object_get(json_object_get(json_object_get(
	    r.json, "certificates"), "auth"), "serial")));
	http_resp_free(&r);

	/* Certificates: not to the number alone (they name the holder in full)... */
	assert_int_equal(t_call(fx, api_applications_certificates, "GET", a.number, NULL,
	    &r), 403);
	t_expect_error(&r, 403, "certificates.proof_required", NULL);
	assert_non_null(dump = json_dumps(r.json, 0));
	assert_null(strstr(dump, T_IIN));
	assert_null(strstr(dump, "BEGIN CERTIFICATE"));
	free(dump);
	http_resp_free(&r);
	/* ...but to the AUTH key's holder: both, the chain, the nonce to sign. */
	assert_int_equal(t_certificates(fx, &a, &r), 200);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r.json,
	    "auth"), "pem")), "BEGIN CERTIFICATE"));
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(r.json,
	    "sign"), "ski"))), 40);
	assert_non_null(strstr(t_str(&r, "chain_pem"), "BEGIN CERTIFICATE"));
	assert_non_null(nonce = t_str(&r, "install_nonce"));
	assert_int_equal(strlen(nonce), 32);
	assert_non_null(nonce_copy = strdup(nonce));
	http_resp_free(&r);

	/* Proof by the SIGN key, or over another text: refused. */
	sig = t_sign(a.ks, nonce_copy);
	body = json_pack("{s:s, s:s}", "nonce", nonce_copy, "signature", sig);
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    403);
	t_expect_error(&r, 403, "install.proof_invalid", "signature");
	http_resp_free(&r);
	free(sig);
	sig = t_sign(a.ka, "something else");
	body = json_pack("{s:s, s:s}", "nonce", nonce_copy, "signature", sig);
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    403);
	http_resp_free(&r);
	free(sig);
	body = json_pack("{s:s, s:s}", "nonce", "00000000000000000000000000000000",
	    "signature", "AAAA");
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    403);
	t_expect_error(&r, 403, "install.nonce_invalid", "nonce");
	http_resp_free(&r);
	body = json_pack("{s:s, s:s}", "nonce", nonce_copy, "signature", "!!not base64!!");
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    400);
	t_expect_error(&r, 400, "signature.encoding", "signature");
	http_resp_free(&r);
	assert_int_equal(t_status(fx, a.number), APP_ISSUED);

	/* The right proof, then again: installed, idempotent. */
	fx_clock(fx, fx->t0 + 10800);
	sig = t_sign(a.ka, nonce_copy);
	body = json_pack("{s:s, s:s}", "nonce", nonce_copy, "signature", sig);
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    200);
	assert_string_equal(t_str(&r, "status"), "installed");
	assert_true(json_is_false(json_object_get(r.json, "already_installed")));
	http_resp_free(&r);
	body = json_pack("{s:s, s:s}", "nonce", nonce_copy, "signature", sig);
	assert_int_equal(t_call(fx, api_applications_installed, "POST", a.number, body, &r),
	    200);
	assert_true(json_is_true(json_object_get(r.json, "already_installed")));
	http_resp_free(&r);
	free(sig);

	assert_int_equal(t_call(fx, api_applications_status, "GET", a.number, NULL, &r),
	    200);
	assert_string_equal(t_str(&r, "status"), "installed");
	assert_string_equal(t_str(&r, "status_label"), "Certificates installed");
	assert_string_equal(t_str(&r, "installed"), t_iso(fx->t0 + 10800, when));
	http_resp_free(&r);
	/* Certificates stay available after installation. */
	assert_int_equal(t_certificates(fx, &a, &r), 200);
	http_resp_free(&r);
	free(nonce_copy);
	t_app_free(&a);
}

/* The certificates carry the registry's data, not the CSR's subject. */
static void
test_subject_from_registry(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a;
	struct http_resp	 r;
	X509			*x;
	BIO			*b;
	char			 buf[512];

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	t_issue(fx, a.number, 1);
	assert_int_equal(t_certificates(fx, &a, &r), 200);
	assert_non_null(b = BIO_new_mem_buf(json_string_value(json_object_get(json_object_get(
	    r.json, "auth"), "pem")), -1));
	assert_non_null(x = PEM_read_bio_X509(b, NULL, NULL, NULL));
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_serialNumber,
	    buf, sizeof buf) > 0);
	assert_string_equal(buf, "IIN" T_IIN);
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    buf, sizeof buf) > 0);
	assert_string_equal(buf, "ИВАНОВ ИВАН");
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_organizationName,
	    buf, sizeof buf) > 0);
	assert_string_equal(buf, "ГУ «Испытание»");
	/* It certifies the AUTH CSR's key. */
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(x), a.ka), 1);
	X509_free(x);
	BIO_free(b);
	http_resp_free(&r);
	t_app_free(&a);
}

static void
test_key_reuse(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a, b;
	struct http_resp	 r;
	json_t			*body;

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	/* A new SIGN key with the old AUTH key: refused. */
	memset(&b, 0, sizeof b);
	b.csr_auth = strdup(a.csr_auth);
	b.csr_sign = t_csr(fx_key(fx), "sign2");
	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, t_form(&b), &r),
	    409);
	t_expect_error(&r, 409, "csr.key_reused", NULL);
	http_resp_free(&r);
	/* The same pair for another organization is no re-send either. */
	body = t_form(&a);
	assert_int_equal(json_object_set_new(body, "token", json_string(T_TOKEN_OTHER)), 0);
	assert_int_equal(json_object_set_new(body, "bin", json_string(T_BIN_OTHER)), 0);
	assert_int_equal(json_object_set_new(body, "gu_code", json_string("7654321")), 0);
	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, body, &r), 409);
	t_expect_error(&r, 409, "csr.key_reused", NULL);
	http_resp_free(&r);
	t_app_free(&a);
	t_app_free(&b);
}

static void
test_validation(void **state)
{
	static const struct {
		const char	*field, *value;	/* value NULL: leave the field out */
		int		 status;
		const char	*code, *efield;
	} v[] = {
		{ "token", NULL, 400, "field.missing", "token" },
		{ "token", "no-such-token", 403, "token.invalid", "token" },
		{ "token", T_TOKEN_OTHER, 403, "token.bin_mismatch", "token" },
		{ "bin", "940140000386", 400, "bin.check_digit", "bin" },
		{ "bin", NULL, 400, "field.missing", "bin" },
		{ "iin", "871008401428", 400, "iin.check_digit", "iin" },
		{ "iin", T_IIN_UNKNOWN, 404, "iin.not_found", "iin" },
		{ "email", "user@localhost", 400, "email.domain_no_dot", "email" },
		{ "role", "pope", 400, "role.unknown", "role" },
		{ "region", "atlantis", 400, "region.unknown", "region" },
		{ "city", "nowhere", 400, "city.unknown", "city" },
		{ "city", "taldykorgan", 400, "city.not_in_region", "city" },
		{ "gu_code", "12", 400, "gu_code.length", "gu_code" },
		{ "gu_code", "7654321", 400, "gu_code.not_registered", "gu_code" },
		{ "storage", "floppy", 400, "storage.unknown", "storage" },
		{ "lang", "de", 400, "lang.unknown", "lang" },
		{ "csr_auth", "-----BEGIN CERTIFICATE REQUEST-----\nxx\n", 400,
		    "csr_auth.invalid", "csr_auth" },
		{ "csr_sign", "", 400, "csr_sign.invalid", "csr_sign" },
	};
	struct fx		*fx = *state;
	struct t_app		 a;
	struct http_resp	 r;
	json_t			*body;
	const char		*code;
	size_t			 i;

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		body = t_form(&a);
		if (v[i].value == NULL)
			assert_int_equal(json_object_del(body, v[i].field), 0);
		else
			assert_int_equal(json_object_set_new(body, v[i].field,
			    json_string(v[i].value)), 0);
		(void)t_call(fx, api_applications_submit, "POST", NULL, body, &r);
		if (v[i].code != NULL)
			t_expect_error(&r, v[i].status, v[i].code, v[i].efield);
		else {
			code = json_string_value(json_object_get(json_object_get(r.json,
			    "error"), "code"));
			if (r.status != v[i].status || code == NULL ||
			    strncmp(code, "gucode.", 7) != 0)
				fail_msg("%s=%s: got %d %s", v[i].field, v[i].value, r.status,
				    code ? code : "-");
		}
		http_resp_free(&r);
	}
	/* Wrong types, and the same key twice. */
	body = t_form(&a);
	assert_int_equal(json_object_set_new(body, "iin", json_integer(871008401427LL)), 0);
	(void)t_call(fx, api_applications_submit, "POST", NULL, body, &r);
	t_expect_error(&r, 400, "field.type", "iin");
	http_resp_free(&r);
	body = t_form(&a);
	assert_int_equal(json_object_set_new(body, "csr_sign", json_string(a.csr_auth)), 0);
	(void)t_call(fx, api_applications_submit, "POST", NULL, body, &r);
	t_expect_error(&r, 400, "csr.same_key", "csr_sign");
	http_resp_free(&r);
	(void)t_call(fx, api_applications_submit, "POST", NULL, json_array(), &r);
	t_expect_error(&r, 400, "body.not_object", NULL);
	http_resp_free(&r);
	/* After all that, the form itself is fine (nothing was half-stored). */
	t_submit(fx, &a, 201);
	t_app_free(&a);
}

static void
test_weak_key(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a;
	struct http_resp	 r;
	EVP_PKEY		*weak;

	t_app_keys(fx, &a);
	assert_non_null(weak = EVP_RSA_gen(1024));
	free(a.csr_sign);
	a.csr_sign = t_csr(weak, "weak");
	(void)t_call(fx, api_applications_submit, "POST", NULL, t_form(&a), &r);
	t_expect_error(&r, 400, "csr_sign.invalid", "csr_sign");
	http_resp_free(&r);
	EVP_PKEY_free(weak);
	t_app_free(&a);
}

static void
test_number_errors(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	char			 num[REQNUM_LEN + 1], typo[REQNUM_LEN + 1];

	assert_int_equal(reqnum_generate(num, NULL), 0);
	(void)t_call(fx, api_applications_status, "GET", num, NULL, &r);
	t_expect_error(&r, 404, "application.not_found", "request_number");
	http_resp_free(&r);
	memcpy(typo, num, sizeof typo);
	typo[0] = typo[0] == '9' ? '0' : (char)(typo[0] + 1);
	(void)t_call(fx, api_applications_status, "GET", typo, NULL, &r);
	t_expect_error(&r, 400, "request_number.check_digit", "request_number");
	http_resp_free(&r);
	/* Without a proof nothing is looked up, not even the number's form. */
	(void)t_call(fx, api_applications_certificates, "GET", "12ab", NULL, &r);
	t_expect_error(&r, 403, "certificates.proof_required", NULL);
	http_resp_free(&r);
	(void)t_call(fx, api_applications_installed, "POST", num, json_pack("{}"), &r);
	t_expect_error(&r, 404, "application.not_found", NULL);
	http_resp_free(&r);
}

static void
test_expiry(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a;
	struct store		*st;
	struct store_event	*ev = NULL;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 seen = 0;

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	fx_clock(fx, fx->t0 + 30 * T_DAY - 1);
	assert_int_equal(jobs_run_once(&fx->srv, &cause), 0);
	assert_int_equal(t_status(fx, a.number), APP_SUBMITTED);
	fx_clock(fx, fx->t0 + 30 * T_DAY);
	assert_int_equal(jobs_run_once(&fx->srv, &cause), 0);
	assert_int_equal(t_status(fx, a.number), APP_SUBMITTED);
	fx_clock(fx, fx->t0 + 30 * T_DAY + 1);
	if (jobs_run_once(&fx->srv, &cause) == -1)
		fail_msg("jobs: %s", cause);
	assert_int_equal(t_status(fx, a.number), APP_CANCELLED);
	/* Recorded with its actor; a cancelled application cannot be issued. */
	assert_non_null(st = srv_store_get(&fx->srv, &cause));
	assert_int_equal(store_events(st, a.number, &ev, &n, &cause), 0);
	for (i = 0; i < n; i++)
		if (strcmp(ev[i].actor, "expiry") == 0 && strcmp(ev[i].action, "cancelled") == 0)
			seen = 1;
	store_events_free(ev, n);
	srv_store_put(&fx->srv, st);
	assert_true(seen);
	fx_clock(fx, fx->t0);
	t_app_free(&a);
}

static void
test_auto_approve(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a;
	char			*cause = NULL;

	fx_clock(fx, fx->t0 + 100 * T_DAY);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	fx->cfg.demo.enabled = 1;
	fx->cfg.demo.auto_approve = 60;
	fx_clock(fx, fx->t0 + 100 * T_DAY + 59);
	assert_int_equal(jobs_run_once(&fx->srv, &cause), 0);
	assert_int_equal(t_status(fx, a.number), APP_SUBMITTED);
	fx_clock(fx, fx->t0 + 100 * T_DAY + 60);
	if (jobs_run_once(&fx->srv, &cause) == -1)
		fail_msg("jobs: %s", cause);
	assert_int_equal(t_status(fx, a.number), APP_ISSUED);
	fx->cfg.demo.enabled = 0;
	fx->cfg.demo.auto_approve = -1;
	fx_clock(fx, fx->t0);
	t_app_free(&a);
}

struct t_race {
	struct fx	*fx;
	const char	*number;
	int		 won, rc;
	enum app_status	 cur;
};

static void *
t_race_main(void *arg)
{
	struct t_race	*r = arg;
	struct store	*st;
	char		*cause = NULL;

	if ((st = srv_store_get(&r->fx->srv, &cause)) == NULL) {
		r->rc = -1;
		free(cause);
		return NULL;
	}
	r->rc = issue_application(&r->fx->srv, st, r->number, "race", &r->won, &r->cur,
	    &cause);
	if (r->rc == -1)
		(void)fprintf(stderr, "# race: %s\n", cause);
	free(cause);
	srv_store_put(&r->fx->srv, st);
	return NULL;
}

static void
test_concurrent_issue(void **state)
{
	struct fx	*fx = *state;
	struct t_app	 a;
	struct t_race	 r[2];
	pthread_t	 th[2];
	int		 i;

	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	for (i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].fx = fx;
		r[i].number = a.number;
		assert_int_equal(pthread_create(&th[i], NULL, t_race_main, &r[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(r[0].rc, 0);
	assert_int_equal(r[1].rc, 0);
	assert_int_equal(r[0].won + r[1].won, 1);
	assert_int_equal(r[0].cur, APP_ISSUED);
	assert_int_equal(r[1].cur, APP_ISSUED);
	assert_int_equal(t_status(fx, a.number), APP_ISSUED);
	t_app_free(&a);
}

static void
test_jobs_stop_promptly(void **state)
{
	struct fx	*fx = *state;
	struct jobs	*j;
	struct timespec	 a, b, nap = { 0, 300 * 1000 * 1000 };
	char		*cause = NULL;
	double		 took;

	fx_clock(fx, fx->t0);
	if ((j = jobs_start(&fx->srv, &cause)) == NULL)
		fail_msg("jobs: %s", cause);
	(void)nanosleep(&nap, NULL);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	jobs_stop(j);
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	if (took > 0.5)
		fail_msg("jobs_stop took %.2f s", took);
}

static void
test_ca_endpoints(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	const unsigned char	*p;
	X509_CRL		*crl;
	X509			*ca;
	FILE			*f;

	assert_int_equal(t_call(fx, api_ca_chain, "GET", NULL, NULL, &r), 200);
	assert_string_equal(r.content_type, "application/pem-certificate-chain");
	assert_non_null(r.raw);
	assert_non_null(strstr(strstr((const char *)r.raw, "BEGIN CERTIFICATE") + 1,
	    "BEGIN CERTIFICATE"));
	http_resp_free(&r);

	assert_int_equal(t_call(fx, api_publish_crl, "GET", NULL, NULL, &r), 200);
	assert_string_equal(r.content_type, "application/pkix-crl");
	p = r.raw;
	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)r.raw_len));
	assert_non_null(f = fopen(fx->ca_cert, "r"));
	assert_non_null(ca = PEM_read_X509(f, NULL, NULL, NULL));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(ca)), 1);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0, 1);
	X509_free(ca);
	X509_CRL_free(crl);
	http_resp_free(&r);
}

/* Mail: a relay that is down never fails the submission. */
/* An OCSP request for serial (hex) under the demo CA: DER, malloc'd. */
static unsigned char *
t_ocsp_request(struct fx *fx, const char *serial, size_t *len)
{
	OCSP_REQUEST	*q;
	OCSP_CERTID	*id;
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai;
	X509		*ca;
	FILE		*f;
	unsigned char	*der = NULL, *p;
	int		 n;

	assert_non_null(f = fopen(fx->ca_cert, "r"));
	assert_non_null(ca = PEM_read_X509(f, NULL, NULL, NULL));
	assert_int_equal(fclose(f), 0);
	assert_true(BN_hex2bn(&bn, serial) > 0);
	assert_non_null(ai = BN_to_ASN1_INTEGER(bn, NULL));
	assert_non_null(id = OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca),
	    X509_get0_pubkey_bitstr(ca), ai));
	assert_non_null(q = OCSP_REQUEST_new());
	assert_non_null(OCSP_request_add0_id(q, id));
	assert_true((n = i2d_OCSP_REQUEST(q, NULL)) > 0);
	assert_non_null(der = p = malloc((size_t)n));
	assert_int_equal(i2d_OCSP_REQUEST(q, &p), n);
	*len = (size_t)n;
	OCSP_REQUEST_free(q);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	X509_free(ca);
	return der;
}

/* The one status of a DER OCSP response (V_OCSP_CERTSTATUS_*), and its reason. */
static int
t_ocsp_status(const unsigned char *der, size_t len, int *reason)
{
	const unsigned char	*p = der;
	OCSP_RESPONSE		*resp;
	OCSP_BASICRESP		*bs;
	int			 st;

	assert_non_null(resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len));
	assert_int_equal(OCSP_response_status(resp), OCSP_RESPONSE_STATUS_SUCCESSFUL);
	assert_non_null(bs = OCSP_response_get1_basic(resp));
	st = OCSP_single_get0_status(OCSP_resp_get0(bs, 0), reason, NULL, NULL, NULL);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	return st;
}

/* The reasonCode of serial in a DER CRL; -1 when it is not listed. */
static int
t_crl_reason(const unsigned char *der, size_t len, const char *serial)
{
	const unsigned char	*p = der;
	X509_CRL		*crl;
	X509_REVOKED		*rev;
	BIGNUM			*bn = NULL;
	ASN1_INTEGER		*ai;
	ASN1_ENUMERATED		*e;
	int			 code = -1;

	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)len));
	assert_true(BN_hex2bn(&bn, serial) > 0);
	assert_non_null(ai = BN_to_ASN1_INTEGER(bn, NULL));
	if (X509_CRL_get0_by_serial(crl, &rev, ai) == 1) {
		code = 0;
		if ((e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL)) != NULL)
			code = (int)ASN1_ENUMERATED_get(e);
		ASN1_ENUMERATED_free(e);
	}
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	X509_CRL_free(crl);
	return code;
}

static int
t_ocsp(struct fx *fx, const unsigned char *req, size_t reqlen, int *reason)
{
	struct store	*st;
	unsigned char	*der = NULL;
	size_t		 len = 0;
	char		*cause = NULL;
	int		 status;

	assert_non_null(st = srv_store_get(&fx->srv, &cause));
	if (publish_ocsp(&fx->srv, st, req, reqlen, &der, &len, &cause) == -1)
		fail_msg("publish_ocsp: %s", cause);
	srv_store_put(&fx->srv, st);
	status = t_ocsp_status(der, len, reason);
	free(der);
	return status;
}

static int
t_published_reason(struct fx *fx, enum publish_object o, const char *serial)
{
	struct store	*st;
	unsigned char	*der = NULL;
	size_t		 len = 0;
	char		*cause = NULL;
	int		 code;

	assert_non_null(st = srv_store_get(&fx->srv, &cause));
	if (publish_get(&fx->srv, st, o, &der, &len, &cause) == -1)
		fail_msg("publish_get: %s", cause);
	srv_store_put(&fx->srv, st);
	assert_non_null(der);
	code = t_crl_reason(der, len, serial);
	free(der);
	return code;
}

/*
 * What is published follows a revocation at once, with pre-produced OCSP answers on: the
 * kept "good" answer is dropped, the CRL and its delta re-signed with the entry.
 */
static void
test_publication_follows_revocation(void **state)
{
	struct fx			*fx = *state;
	struct t_app			 a;
	struct store			*st;
	struct store_cert_status	 cs;
	struct http_resp		 r;
	enum store_revoke_result	 res;
	unsigned char			*req;
	size_t				 reqlen;
	char				*cause = NULL, serial[41];
	int				 reason = -1, found = 0;

	publish_free(fx->srv.pub);
	fx->cfg.ocsp_preproduced = 1;
	if ((fx->srv.pub = publish_new(&fx->srv, &cause)) == NULL)
		fail_msg("publish: %s", cause);
	fx_clock(fx, fx->t0);
	t_app_keys(fx, &a);
	t_submit(fx, &a, 201);
	t_issue(fx, a.number, 1);
	assert_int_equal(t_call(fx, api_applications_status, "GET", a.number, NULL, &r), 200);
	(void)snprintf(serial, sizeof serial, "%s", json_string_value(json_object_get(
	    json_object_get(json_object_get(r.json, "certificates"), "auth"), "serial")));
	http_resp_free(&r);

	req = t_ocsp_request(fx, serial, &reqlen);
	assert_int_equal(t_ocsp(fx, req, reqlen, &reason), V_OCSP_CERTSTATUS_GOOD);
	assert_int_equal(t_ocsp(fx, req, reqlen, &reason), V_OCSP_CERTSTATUS_GOOD);
	assert_int_equal(t_published_reason(fx, PUBLISH_CRL, serial), -1);

	assert_non_null(st = srv_store_get(&fx->srv, &cause));
	if (store_app_revoke(st, a.number, "keyCompromise", "holder", "test", "", fx->t0 + 60,
	    &res, &cause) == -1)
		fail_msg("revoke: %s", cause);
	assert_int_equal(res, STORE_REVOKE_DONE);
	assert_int_equal(store_cert_status(st, serial, &cs, &found, &cause), 0);
	assert_true(found && cs.revoked);
	srv_store_put(&fx->srv, st);

	assert_int_equal(t_ocsp(fx, req, reqlen, &reason), V_OCSP_CERTSTATUS_REVOKED);
	assert_int_equal(reason, 1);					/* keyCompromise */
	assert_int_equal(t_published_reason(fx, PUBLISH_CRL, serial), 1);
	assert_int_equal(t_published_reason(fx, PUBLISH_DELTA_CRL, serial), 1);
	free(req);
	/* A serial the CA never issued: unknown. */
	req = t_ocsp_request(fx, "0123456789ABCDEF", &reqlen);
	assert_int_equal(t_ocsp(fx, req, reqlen, &reason), V_OCSP_CERTSTATUS_UNKNOWN);
	free(req);
	t_app_free(&a);
}

/*
 * What a submission says of mail: "queued" when mail is configured (it goes from the
 * outbox later; a relay that is down holds up nothing), "none" when the service sends
 * none, never "sent".
 */
static void
test_mail_word(void **state)
{
	struct fx		*fx = *state;
	struct t_app		 a, b;
	struct http_resp	 r;

	fx_clock(fx, fx->t0);
	fx->cfg.mail.smtp_url = (char *)"smtp://127.0.0.1:1";
	t_app_keys(fx, &a);
	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, t_form(&a), &r),
	    201);
	assert_string_equal(t_str(&r, "mail"), "queued");
	(void)snprintf(a.number, sizeof a.number, "%s", t_str(&r, "request_number"));
	http_resp_free(&r);
	t_issue(fx, a.number, 1);
	fx->cfg.mail.smtp_url = NULL;
	t_app_keys(fx, &b);
	assert_int_equal(t_call(fx, api_applications_submit, "POST", NULL, t_form(&b), &r),
	    201);
	assert_string_equal(t_str(&r, "mail"), "none");
	http_resp_free(&r);
	t_app_free(&a);
	t_app_free(&b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_subject_from_registry),
		cmocka_unit_test(test_key_reuse),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_number_errors),
		cmocka_unit_test(test_concurrent_issue),
		cmocka_unit_test(test_ca_endpoints),
		cmocka_unit_test(test_publication_follows_revocation),
		cmocka_unit_test(test_mail_word),
		cmocka_unit_test(test_jobs_stop_promptly),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_auto_approve),
	};

	return cmocka_run_group_tests_name("applications", tests, fx_setup, fx_teardown);
}

/*
 * The RA handlers (api-ra.c) called as http.c calls them, with the client certificate's
 * DER in the request: a real store with directories and offices, a real demo CA and
 * operator CA in a temporary folder,
     applications submitted through api_applications_submit, an
 * injected clock. Refusals on every route, the queue's scopes and filters, an application
 * in full, approve and reject with their checks, the race of two approvals, and a
 * decision after expiry.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "common/appstatus.h"
#include "common/reqnum.h"
#include "common/secret.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/jobs.h"
#include "ncaenrolld/operator.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"
#include "teststore.h"

#define T_BIN		"940140000385"
#define T_IIN		"871008401427"
#define T_GU		"1234567"
#define T_TOKEN		"tok-good"
#define T_DAY		86400
#define T_PW		"Operator2026"

struct t_op {
	unsigned char	*der;
	size_t		 len;
};

struct fx {
	char			 dir[64], clock[128], db[128];
	char			 ca_cert[128], ca_key[128], ca_chain[128], op_cert[128];
	struct srv_config	 cfg;
	struct srv		 srv;
	time_t			 t0;
	struct t_op		 astana, taldy, chief;
};

#define fx_ok(call, cause) do {						\
	if ((call) == -1)							\
		fail_msg("%s: %s", #call, (cause) != NULL ? (cause) : "?");	\
} while (0)

static void
fx_clock(struct fx *fx, time_t t)
{
	FILE	*f = fopen(fx->clock, "w");

	assert_non_null(f);
	assert_true(fprintf(f, "%lld\n", (long long)t) > 0);
	assert_int_equal(fclose(f), 0);
}

static void
fx_entry(struct store *st, enum store_dir d, const char *id, const char *parent,
    const char *dc, const char *oid)
{
	struct store_entry	 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	e.id = (char *)id;
	e.parent_id = (char *)parent;
	e.name.kk = e.name.ru = e.name.en = (char *)id;
	e.dc = (char *)dc;
	e.oid = (char *)oid;
	fx_ok(store_entry_put(st, d, &e, &cause), cause);
}

static void
fx_registries(struct fx *fx)
{
	struct store_org	 org;
	struct store_person	 p;
	struct store		*st;
	char			*cause = NULL;

	if ((st = store_open(fx->db, &cause)) == NULL)
		fail_msg("store: %s", cause);
	memset(&org, 0, sizeof org);
	memcpy(org.bin, T_BIN, 13);
	org.name.kk = org.name.ru = (char *)"ГУ «Испытание»";
	org.region_id = (char *)"astana";
	memset(&p, 0, sizeof p);
	memcpy(p.iin, T_IIN, 13);
	p.surname = (char *)"ИВАНОВ";
	p.given_name = (char *)"ИВАН";
	p.patronymic = (char *)"ИВАНОВИЧ";
	fx_entry(st, STORE_ROLES, "employee", NULL, "ROLE05", "1.2.398.3.3.4.1.2.5");
	fx_entry(st, STORE_REGIONS, "astana", NULL, NULL, NULL);
	fx_entry(st, STORE_REGIONS, "almaty-region", NULL, NULL, NULL);
	fx_entry(st, STORE_CITIES, "astana-city", "astana", NULL, NULL);
	fx_entry(st, STORE_CITIES, "taldykorgan", "almaty-region", NULL, NULL);
	fx_entry(st, STORE_OFFICES, "astana-1", "astana-city", NULL, NULL);
	fx_entry(st, STORE_OFFICES, "taldykorgan-1", "taldykorgan", NULL, NULL);
	fx_ok(store_org_put(st, &org, &cause), cause);
	fx_ok(store_gu_code_put(st, T_BIN, T_GU, &cause), cause);
	fx_ok(store_person_put(st, &p, &cause), cause);
	fx_ok(store_token_put(st, T_TOKEN, T_BIN, "127.0.0.1", fx->t0 + 3650L * T_DAY,
	    &cause), cause);
	store_close(st);
}

static void
fx_ca(struct fx *fx)
{
	struct ca_config	 cc;
	char			*cause = NULL;

	fx_ok(ca_demo_create(fx->dir, "localhost", NULL, &cause), cause);
	memset(&cc, 0, sizeof cc);
	cc.cert_file = fx->ca_cert;
	cc.key_file = fx->ca_key;
	cc.chain_file = fx->ca_chain;
	cc.crl_url = cc.delta_crl_url = "http://crl.example.kz/nca.crl";
	cc.ocsp_url = "http://ocsp.example.kz";
	cc.ca_issuers_url = "http://example.kz/nca.crt";
	cc.cps_url = "http://example.kz/cps";
	if ((fx->srv.ca = ca_load(&cc, &cause)) == NULL)
		fail_msg("ca_load: %s", cause);
}

/* An operator issued and recorded; its certificate's DER for the requests. */
static void
fx_operator(struct fx *fx, struct operator_ca *oc, const char *name, const char *office,
    enum operator_role role, struct t_op *out)
{
	struct operator_issued	 is;
	struct store_operator	 row;
	struct secret		*pw;
	struct store		*st;
	const unsigned char	*p;
	PKCS12			*p12;
	EVP_PKEY		*key = NULL;
	X509			*x = NULL;
	unsigned char		*der = NULL;
	char			*cause = NULL;
	int			 n;

	assert_non_null(pw = secret_new(T_PW, strlen(T_PW)));
	fx_ok(operator_issue(oc, name, office, role, fx->t0, 365, pw, &is, &cause), cause);
	p = is.p12;
	assert_non_null(p12 = d2i_PKCS12(NULL, &p, (long)is.p12_len));
	assert_int_equal(PKCS12_parse(p12, T_PW, &key, &x, NULL), 1);
	assert_true((n = i2d_X509(x, &der)) > 0);
	assert_non_null(out->der = malloc((size_t)n));
	memcpy(out->der, der, (size_t)n);
	out->len = (size_t)n;
	memset(&row, 0, sizeof row);
	row.name = (char *)name;
	row.office = (char *)office;
	row.role = (char *)operator_role_name(role);
	memcpy(row.serial, is.serial, sizeof row.serial);
	row.created = fx->t0;
	row.not_after = is.not_after;
	if ((st = store_open(fx->db, &cause)) == NULL)
		fail_msg("store: %s", cause);
	fx_ok(store_operator_put(st, &row, "test", fx->t0, &cause), cause);
	store_close(st);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(key);
	PKCS12_free(p12);
	operator_issued_free(&is);
	secret_free(pw);
}

static int
fx_setup(void **state)
{
	struct fx		*fx = calloc(1, sizeof *fx);
	struct operator_ca	*issuer;
	char			*cause = NULL, key[128];

	assert_non_null(fx);
	(void)snprintf(fx->dir, sizeof fx->dir, "/tmp/test-ra-api.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	(void)snprintf(fx->clock, sizeof fx->clock, "%s/clock", fx->dir);
	{	/* SQLite in the folder, or a PostgreSQL database (teststore.h) */
		char	*loc = teststore_location(state, fx->dir);

		(void)snprintf(fx->db, sizeof fx->db, "%s%s",
		    teststore_is_pg(loc) ? "" : "sqlite:", loc);
		free(loc);
	}
	(void)snprintf(fx->ca_cert, sizeof fx->ca_cert, "%s/ca.pem", fx->dir);
	(void)snprintf(fx->ca_key, sizeof fx->ca_key, "%s/ca.key", fx->dir);
	(void)snprintf(fx->ca_chain, sizeof fx->ca_chain, "%s/ca-chain.pem", fx->dir);
	(void)snprintf(fx->op_cert, sizeof fx->op_cert, "%s/operators-ca.pem", fx->dir);
	(void)snprintf(key, sizeof key, "%s/operators-ca.key", fx->dir);
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
	fx_ok(operator_ca_create_demo(fx->dir, &cause), cause);
	if ((issuer = operator_ca_load(fx->op_cert, key, &cause)) == NULL ||
	    (fx->srv.opca = operator_ca_load(fx->op_cert, NULL, &cause)) == NULL)
		fail_msg("operator CA: %s", cause);
	fx_operator(fx, issuer, "asel", "astana-1", OPERATOR_ROLE_OPERATOR, &fx->astana);
	fx_operator(fx, issuer, "timur", "taldykorgan-1", OPERATOR_ROLE_OPERATOR, &fx->taldy);
	fx_operator(fx, issuer, "chief", "astana-1", OPERATOR_ROLE_SUPERVISOR, &fx->chief);
	operator_ca_free(issuer);
	if ((fx->srv.stores = srv_pool_new(fx->db, 4, &cause)) == NULL)
		fail_msg("pool: %s", cause);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[128];

	free(fx->astana.der);
	free(fx->taldy.der);
	free(fx->chief.der);
	srv_pool_free(fx->srv.stores);
	teststore_forget(fx->db);
	ratelimit_free(fx->srv.ratelimit);
	ca_free(fx->srv.ca);
	operator_ca_free(fx->srv.opca);
	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

/* ---- requests ---- */

/* The query string of a test request: "a=1&b=2" held in req->impl. */
static const char *
t_query(const struct http_req *req, const char *name)
{
	static __thread char	 val[256];
	const char		*q = req->impl, *p;
	size_t			 n = strlen(name), len;

	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&') != NULL ?
	    strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			len = strcspn(p + n + 1, "&");
			(void)snprintf(val, sizeof val, "%.*s", (int)len, p + n + 1);
			return val;
		}
	}
	return NULL;
}

/* The route of handler h, to be called as http.c calls it: its gate, then h. */
static const struct http_route *
t_route(http_handler h)
{
	size_t	i;

	for (i = 0; i < http_nroutes; i++)
		if (http_routes[i].handler == h)
			return &http_routes[i];
	fail_msg("no route for the handler");
	return NULL;
}

/* Calls h's route with op's certificate (NULL: none); body is taken. The answer's status. */
static int
t_call(struct fx *fx, http_handler h, const struct t_op *op, const char *number,
    const char *query, json_t *body, struct http_resp *resp)
{
	struct http_req	req;

	memset(&req, 0, sizeof req);
	memset(resp, 0, sizeof *resp);
	req.method = "GET";
	req.path = "/api/v1/ra/test";
	req.params[0] = number;
	req.body = body;
	req.client_addr = "127.0.0.1";
	req.query = t_query;
	req.impl = (void *)(query != NULL ? query : "");
	if (op != NULL) {
		req.client_cert = op->der;
		req.client_cert_len = op->len;
	}
	assert_int_equal(http_route_call(&fx->srv, t_route(h), &req, resp), 0);
	json_decref(body);
	return resp->status;
}

static const char *
t_code(const struct http_resp *r)
{
	const char	*c = json_string_value(json_object_get(json_object_get(r->json,
			    "error"), "code"));

	return c != NULL ? c : "(none)";
}

static void
t_expect(struct fx *fx, http_handler h, const struct t_op *op, const char *number,
    const char *query, json_t *body, int status, const char *code)
{
	struct http_resp	r;

	if (t_call(fx, h, op, number, query, body, &r) != status ||
	    (code != NULL && strcmp(t_code(&r), code) != 0))
		fail_msg("wanted %d %s, got %d %s", status, code != NULL ? code : "",
		    r.status, t_code(&r));
	http_resp_free(&r);
}

static char *
t_csr(void)
{
	EVP_PKEY	*k = EVP_RSA_gen(2048);
	X509_REQ	*r = X509_REQ_new();
	BIO		*b = BIO_new(BIO_s_mem());
	char		*data, *s;
	long		 len;

	assert_non_null(k);
	assert_non_null(r);
	assert_non_null(b);
	assert_int_equal(X509_REQ_set_pubkey(r, k), 1);
	assert_true(X509_REQ_sign(r, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_bio_X509_REQ(b, r), 1);
	len = BIO_get_mem_data(b, &data);
	assert_non_null(s = malloc((size_t)len + 1));
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	BIO_free(b);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	return s;
}

/* Submits an application in astana-city at the clock's now; its number into out. */
static void
t_submit(struct fx *fx, char out[REQNUM_LEN + 1])
{
	struct http_req		 req;
	struct http_resp	 r;
	char			*a = t_csr(), *s = t_csr();

	memset(&req, 0, sizeof req);
	memset(&r, 0, sizeof r);
	req.method = "POST";
	req.client_addr = "127.0.0.1";
	req.body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "token", T_TOKEN, "bin", T_BIN, "iin", T_IIN, "role", "employee",
	    "region", "astana", "city", "astana-city", "gu_code", T_GU, "storage", "pc",
	    "lang", "ru", "csr_auth", a, "csr_sign", s);
	assert_non_null(req.body);
	assert_int_equal(api_applications_submit(&fx->srv, &req, &r), 0);
	assert_int_equal(r.status, 201);
	(void)snprintf(out, REQNUM_LEN + 1, "%s",
	    json_string_value(json_object_get(r.json, "request_number")));
	json_decref(req.body);
	http_resp_free(&r);
	free(a);
	free(s);
}

static json_t *
t_docs(void)
{
	return json_pack("{s:[s, s, s]}", "documents", "form", "identity", "authority");
}

/* The queue's numbers as one string "N1 N2 " for easy checks; total into *total. */
static void
t_queue(struct fx *fx, const struct t_op *op, const char *query, char *out, size_t outsz,
    json_int_t *total)
{
	struct http_resp	 r;
	json_t			*v;
	size_t			 i;

	assert_int_equal(t_call(fx, api_ra_queue, op, NULL, query, NULL, &r), 200);
	out[0] = '\0';
	json_array_foreach(json_object_get(r.json, "applications"), i, v) {
		(void)strncat(out, json_string_value(json_object_get(v, "request_number")),
		    outsz - strlen(out) - 2);
		(void)strncat(out, " ", outsz - strlen(out) - 1);
	}
	if (total != NULL)
		*total = json_integer_value(json_object_get(r.json, "total"));
	http_resp_free(&r);
}

/* ---- tests ---- */

static void
test_refused_without_an_operator(void **state)
{
	struct fx		*fx = *state;
	static const http_handler h[] = { api_ra_me, api_ra_reasons, api_ra_queue,
	    api_ra_application, api_ra_approve, api_ra_reject };
	static const unsigned char junk[] = { 0x30, 0x01, 0x00 };
	struct t_op		 bad = { (unsigned char *)junk, sizeof junk };
	struct operator_ca	*keep = fx->srv.opca;
	size_t			 i;

	for (i = 0; i < sizeof h / sizeof h[0]; i++) {
		t_expect(fx, h[i], NULL, "1", NULL, NULL, 403, "ra.no_certificate");
		t_expect(fx, h[i], &bad, "1", NULL, NULL, 403, "ra.bad_certificate");
	}
	fx->srv.opca = NULL;
	t_expect(fx, api_ra_me, &fx->astana, NULL, NULL, NULL, 403, "ra.no_operator_ca");
	fx->srv.opca = keep;
	t_expect(fx, api_ra_me, &fx->astana, NULL, NULL, NULL, 200, NULL);
}

static void
test_queue_scopes_and_filters(void **state)
{
	struct fx	*fx = *state;
	char		 n1[REQNUM_LEN + 1], n2[REQNUM_LEN + 1], q[4096], arg[128];
	json_int_t	 total;

	t_submit(fx, n1);
	fx_clock(fx, fx->t0 + 10 * T_DAY);
	t_submit(fx, n2);
	/* Own office's city by default: astana sees both, oldest deadline first. */
	t_queue(fx, &fx->astana, NULL, q, sizeof q, &total);
	assert_int_equal(total, 2);
	assert_ptr_equal(strstr(q, n1), q);
	assert_non_null(strstr(q, n2));
	t_queue(fx, &fx->taldy, NULL, q, sizeof q, &total);
	assert_int_equal(total, 0);
	/* Another place asked for, a search, an age. */
	t_queue(fx, &fx->taldy, "office=astana-1", q, sizeof q, &total);
	assert_int_equal(total, 2);
	t_queue(fx, &fx->taldy, "region=astana", q, sizeof q, &total);
	assert_int_equal(total, 2);
	t_queue(fx, &fx->taldy, "q=" T_IIN, q, sizeof q, &total);
	assert_int_equal(total, 2);
	(void)snprintf(arg, sizeof arg, "q=%s", n2);
	t_queue(fx, &fx->taldy, arg, q, sizeof q, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(q, n2));
	t_queue(fx, &fx->astana, "older_than_days=5", q, sizeof q, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(q, n1));
	t_queue(fx, &fx->astana, "max_age_days=5", q, sizeof q, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(q, n2));
	t_queue(fx, &fx->astana, "limit=1&offset=1", q, sizeof q, &total);
	assert_int_equal(total, 2);
	assert_ptr_equal(strstr(q, n2), q);
	t_expect(fx, api_ra_queue, &fx->astana, NULL, "q=12", NULL, 400, "query.search");
	t_expect(fx, api_ra_queue, &fx->astana, NULL, "limit=x", NULL, 400, "query.invalid");
	t_expect(fx, api_ra_queue, &fx->astana, NULL, "office=none", NULL, 400,
	    "office.unknown");
	t_expect(fx, api_ra_queue, &fx->astana, NULL, "scope=all", NULL, 403,
	    "ra.supervisor_only");
	t_queue(fx, &fx->chief, "scope=all", q, sizeof q, &total);
	assert_int_equal(total, 2);
	fx_clock(fx, fx->t0);
}

static void
test_show(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	char			 n[REQNUM_LEN + 1];
	json_t			*a;

	t_submit(fx, n);
	assert_int_equal(t_call(fx, api_ra_application, &fx->taldy, n, NULL, NULL, &r), 200);
	a = r.json;
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "applicant"),
	    "iin")), T_IIN);
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "applicant"),
	    "full_name")), "ИВАНОВ ИВАН ИВАНОВИЧ");
	assert_int_equal(json_integer_value(json_object_get(a, "days_left")), 30);
	assert_int_equal(json_array_size(json_object_get(a, "documents")), 3);
	assert_int_equal(json_array_size(json_object_get(a, "history")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(a, "form")), n));
	http_resp_free(&r);
	t_expect(fx, api_ra_application, &fx->taldy, "1234", NULL, NULL, 400, NULL);
	t_expect(fx, api_ra_application, &fx->taldy, "0000-0000-0000-0000-0000-0000-0000",
	    NULL, NULL, 404, "application.not_found");
}

static void
test_approve(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	char			 n[REQNUM_LEN + 1];
	json_t			*err;

	t_submit(fx, n);
	t_expect(fx, api_ra_approve, &fx->astana, n, NULL, json_object(), 400,
	    "field.missing");
	t_expect(fx, api_ra_approve, &fx->astana, n, NULL,
	    json_pack("{s:[s, s]}", "documents", "form", "identity"), 400, "documents.missing");
	t_expect(fx, api_ra_approve, &fx->astana, n, NULL,
	    json_pack("{s:[s, s, s, s]}", "documents", "form", "identity", "authority", "x"),
	    400, "documents.unknown");
	assert_int_equal(t_call(fx, api_ra_approve, &fx->astana, n, NULL, t_docs(), &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "issued");
	http_resp_free(&r);
	assert_int_equal(t_call(fx, api_ra_reject, &fx->taldy, n, NULL,
	    json_pack("{s:s}", "reason", "data_error"), &r), 409);
	assert_string_equal(t_code(&r), "application.already_decided");
	err = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(err, "decided_by")),
	    "operator:asel");
	assert_string_equal(json_string_value(json_object_get(err, "status")), "issued");
	assert_non_null(json_string_value(json_object_get(err, "decided_at")));
	http_resp_free(&r);
}

/*
 * An approval the CA cannot carry out is an answer the operator can act on, never a 500:
 * data the CA refuses (the register renamed the organization past the CA's bound after
 * the application was made) is 409 not_issuable; a CA whose certificate would end before
 * the new one is 503 ca.unavailable. Either way the application still waits.
 */
static void
test_approve_the_ca_cannot_do(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	struct store_org	 org;
	struct store		*st;
	struct ca_config	 cc;
	char			 n[REQNUM_LEN + 1], name[1200], *cause = NULL;

	t_submit(fx, n);
	memset(name, 'X', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	memset(&org, 0, sizeof org);
	memcpy(org.bin, T_BIN, 13);
	org.name.kk = org.name.ru = name;
	org.region_id = (char *)"astana";
	if ((st = store_open(fx->db, &cause)) == NULL)
		fail_msg("store: %s", cause);
	fx_ok(store_org_put(st, &org, &cause), cause);
	t_expect(fx, api_ra_approve, &fx->astana, n, NULL, t_docs(), 409,
	    "application.not_issuable");
	org.name.kk = org.name.ru = (char *)"ГУ «Испытание»";
	fx_ok(store_org_put(st, &org, &cause), cause);
	store_close(st);
	/* A CA with 20 years to give and 10 left. */
	memset(&cc, 0, sizeof cc);
	cc.cert_file = fx->ca_cert;
	cc.key_file = fx->ca_key;
	cc.chain_file = fx->ca_chain;
	cc.crl_url = cc.delta_crl_url = "http://crl.example.kz/nca.crl";
	cc.ocsp_url = "http://ocsp.example.kz";
	cc.ca_issuers_url = "http://example.kz/nca.crt";
	cc.cps_url = "http://example.kz/cps";
	cc.file_days = 20 * 365;
	ca_free(fx->srv.ca);
	if ((fx->srv.ca = ca_load(&cc, &cause)) == NULL)
		fail_msg("ca_load: %s", cause);
	t_expect(fx, api_ra_approve, &fx->astana, n, NULL, t_docs(), 503, "ca.unavailable");
	assert_int_equal(t_call(fx, api_ra_application, &fx->astana, n, NULL, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "submitted");
	http_resp_free(&r);
}

static void
test_reject(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	char			 n[REQNUM_LEN + 1];

	t_submit(fx, n);
	t_expect(fx, api_ra_reject, &fx->astana, n, NULL, json_pack("{s:s}", "reason", "other"),
	    400, "text.required");
	t_expect(fx, api_ra_reject, &fx->astana, n, NULL, json_pack("{s:s}", "reason", "x"),
	    400, "reason.unknown");
	t_expect(fx, api_ra_reject, &fx->astana, n, NULL, json_pack("{s:s, s:i}", "reason",
	    "other", "text", 1), 400, "field.type");
	assert_int_equal(t_call(fx, api_ra_reject, &fx->astana, n, NULL, json_pack("{s:s, s:s}",
	    "reason", "other", "text", "came without a passport"), &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "reject_reason")),
	    "Other reason: came without a passport");
	http_resp_free(&r);
	/* The applicant's status says it too. */
	{
		struct http_req	req;

		memset(&req, 0, sizeof req);
		req.params[0] = n;
		memset(&r, 0, sizeof r);
		assert_int_equal(api_applications_status(&fx->srv, &req, &r), 0);
		assert_string_equal(json_string_value(json_object_get(r.json, "status")),
		    "rejected");
		assert_non_null(strstr(json_string_value(json_object_get(r.json,
		    "reject_reason")), "passport"));
		http_resp_free(&r);
	}
}

struct t_race {
	struct fx		*fx;
	const struct t_op	*op;
	const char		*number;
	pthread_barrier_t	*go;
	int			 status;
	char			 by[64];
};

static void *
t_race_main(void *arg)
{
	struct t_race		*t = arg;
	struct http_resp	 r;
	struct http_req		 req;

	memset(&req, 0, sizeof req);
	memset(&r, 0, sizeof r);
	req.params[0] = t->number;
	req.body = t_docs();
	req.client_cert = t->op->der;
	req.client_cert_len = t->op->len;
	req.client_addr = "127.0.0.1";
	(void)pthread_barrier_wait(t->go);
	if (http_route_call(&t->fx->srv, t_route(api_ra_approve), &req, &r) == 0) {
		t->status = r.status;
		if (r.status == 409)
			(void)snprintf(t->by, sizeof t->by, "%s", json_string_value(
			    json_object_get(json_object_get(r.json, "error"), "decided_by")));
	}
	json_decref(req.body);
	http_resp_free(&r);
	return NULL;
}

static void
test_two_approvals_one_winner(void **state)
{
	struct fx		*fx = *state;
	struct t_race		 t[2];
	pthread_t		 th[2];
	pthread_barrier_t	 go;
	char			 n[REQNUM_LEN + 1];
	int			 i;

	t_submit(fx, n);
	assert_int_equal(pthread_barrier_init(&go, NULL, 2), 0);
	for (i = 0; i < 2; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].fx = fx;
		t[i].op = i == 0 ? &fx->astana : &fx->taldy;
		t[i].number = n;
		t[i].go = &go;
		assert_int_equal(pthread_create(&th[i], NULL, t_race_main, &t[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	(void)pthread_barrier_destroy(&go);
	assert_int_equal(t[0].status + t[1].status, 200 + 409);
	i = t[0].status == 409 ? 0 : 1;
	assert_string_equal(t[i].by, i == 0 ? "operator:timur" : "operator:asel");
}

static void
test_decision_after_expiry(void **state)
{
	struct fx		*fx = *state;
	struct http_resp	 r;
	char			 n[REQNUM_LEN + 1], *cause = NULL;

	t_submit(fx, n);
	fx_clock(fx, fx->t0 + 30 * T_DAY);
	fx_ok(jobs_run_once(&fx->srv, &cause), cause);
	assert_int_equal(t_call(fx, api_ra_application, &fx->astana, n, NULL, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "submitted");
	assert_int_equal(json_integer_value(json_object_get(r.json, "days_left")), 0);
	http_resp_free(&r);
	fx_clock(fx, fx->t0 + 30 * T_DAY + 1);
	fx_ok(jobs_run_once(&fx->srv, &cause), cause);
	assert_int_equal(t_call(fx, api_ra_approve, &fx->astana, n, NULL, t_docs(), &r), 409);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"),
	    "decided_by")), "expiry");
	http_resp_free(&r);
	fx_clock(fx, fx->t0);
}

int
main(void)
{
	/* Each case makes a CA (seconds): PostgreSQL runs the approvals only. */
	const struct CMUnitTest sqlite_only[] = {
		cmocka_unit_test_setup_teardown(test_refused_without_an_operator, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_scopes_and_filters, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_show, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_approve_the_ca_cannot_do, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_reject, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_decision_after_expiry, fx_setup,
		    fx_teardown),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_approve, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_two_approvals_one_winner, fx_setup,
		    fx_teardown),
	};

	return teststore_main("ra-api", tests, sizeof tests / sizeof tests[0], sqlite_only,
	    sizeof sqlite_only / sizeof sqlite_only[0]);
}

/*
 * test-api — the captcha, registry and directory handlers called directly with requests
 * built by hand (no HTTP, no TLS): a real SQLite store in a temporary folder holding the
 * demo registries, a fixed captcha. Covers what the system tests reach only with effort:
 * exact rate-limit counts and a store that cannot be opened (the handler fails, http.c
 * answers 500).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/registry-load.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/srvconf.h"

#define BIN	"940140000385"
#define IIN	"871008401427"
#define CODE	"K7M3P"

struct fixture {
	char			dir[64];
	struct srv_config	cfg;
	struct srv		srv;
	const char		*query_bin, *query_token;
};

static const char *
fake_query(const struct http_req *req, const char *name)
{
	const struct fixture	*f = req->impl;

	return strcmp(name, "bin") == 0 ? f->query_bin :
	    strcmp(name, "token") == 0 ? f->query_token : NULL;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	struct store	*st;
	char		 uri[128], data[512], *cause = NULL;
	const char	*src = getenv("NCA_SRCDIR");

	assert_non_null(f);
	(void)strcpy(f->dir, "/tmp/test-api.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(srvconf_init(&f->cfg, NULL), 0);
	assert_int_equal(srvconf_set(&f->cfg.demo.fixed_captcha, CODE, NULL), 0);
	f->cfg.demo.enabled = 1;
	f->cfg.policy.captcha_per_minute = 1000;
	f->cfg.policy.checks_per_minute = 1000;
	(void)snprintf(uri, sizeof uri, "sqlite:%s/db", f->dir);
	f->srv.cfg = &f->cfg;
	assert_non_null(f->srv.stores = srv_pool_new(uri, 2, NULL));
	assert_non_null(f->srv.ratelimit = ratelimit_new(64, NULL));
	(void)snprintf(data, sizeof data, "%s/data/demo", src != NULL ? src : "..");
	assert_non_null(st = srv_store_get(&f->srv, &cause));
	if (registry_load(st, data, &cause) == -1)
		fail_msg("%s", cause);
	srv_store_put(&f->srv, st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	static const char *const files[] = { "db", "db-wal", "db-shm", "db-journal" };
	struct fixture	*f = *state;
	char		 path[128];
	size_t		 i;

	srv_pool_free(f->srv.stores);
	ratelimit_free(f->srv.ratelimit);
	srvconf_free(&f->cfg);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", f->dir, files[i]);
		(void)unlink(path);
	}
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

/* Calls handler with body (JSON text or NULL) and param; returns the status. */
static int
call(struct fixture *f, http_handler h, const char *body, const char *param,
    struct http_resp *resp)
{
	struct http_req	req;
	int		rc;

	memset(&req, 0, sizeof req);
	memset(resp, 0, sizeof *resp);
	req.method = body != NULL ? "POST" : "GET";
	req.path = "/test";
	req.client_addr = "192.0.2.1";
	req.params[0] = param;
	req.query = fake_query;
	req.impl = f;
	req.body = body != NULL ? json_loads(body, 0, NULL) : NULL;
	rc = h(&f->srv, &req, resp);
	json_decref(req.body);
	return rc == -1 ? 500 : resp->status;
}

static const char *
error_code(const struct http_resp *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
}

static char *
new_captcha(struct fixture *f)
{
	struct http_resp	 r;
	char			*id;

	assert_int_equal(call(f, api_captcha_new, NULL, NULL, &r), 200);
	id = strdup(json_string_value(json_object_get(r.json, "id")));
	assert_non_null(id);
	http_resp_free(&r);
	return id;
}

static int
bin_check(struct fixture *f, const char *bin, const char *answer, struct http_resp *r)
{
	char	*id = new_captcha(f), body[256];

	(void)snprintf(body, sizeof body,
	    "{\"bin\":\"%s\",\"captcha_id\":\"%s\",\"captcha_answer\":\"%s\"}", bin, id, answer);
	free(id);
	return call(f, api_registry_bin_check, body, NULL, r);
}

static void
test_checks(void **state)
{
	struct fixture		*f = *state;
	struct http_resp	 r;
	char			 body[256];
	int			 i;

	assert_int_equal(bin_check(f, BIN, CODE, &r), 200);
	(void)snprintf(body, sizeof body, "{\"iin\":\"%s\",\"token\":\"%s\"}", IIN,
	    json_string_value(json_object_get(r.json, "token")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "token_expires_in")), 1800);
	http_resp_free(&r);
	assert_int_equal(call(f, api_registry_iin_check, body, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "iin")), IIN);
	http_resp_free(&r);
	/* a token serves API_IIN_CHECKS_PER_TOKEN names, then asks for a new captcha */
	for (i = 1; i < API_IIN_CHECKS_PER_TOKEN; i++) {
		assert_int_equal(call(f, api_registry_iin_check, body, NULL, &r), 200);
		http_resp_free(&r);
	}
	assert_int_equal(call(f, api_registry_iin_check, body, NULL, &r), 403);
	assert_string_equal(error_code(&r), "token.used_up");
	http_resp_free(&r);
	assert_int_equal(bin_check(f, BIN, "22222", &r), 400);
	assert_string_equal(error_code(&r), "captcha.wrong");
	http_resp_free(&r);
	assert_int_equal(bin_check(f, "940140000386", CODE, &r), 400);
	assert_string_equal(error_code(&r), "bin.check_digit");
	http_resp_free(&r);
	assert_int_equal(call(f, api_registry_iin_check,
	    "{\"iin\":\"" IIN "\",\"token\":\"00\"}", NULL,
	    &r), 403);
	assert_string_equal(error_code(&r), "token.invalid");
	http_resp_free(&r);
}

static void
test_rate_limits(void **state)
{
	struct fixture		*f = *state;
	struct http_resp	 r;
	int			 i;

	f->cfg.policy.captcha_per_minute = 2;
	f->cfg.policy.checks_per_minute = 1;
	free(new_captcha(f));
	free(new_captcha(f));
	assert_int_equal(call(f, api_captcha_new, NULL, NULL, &r), 429);
	assert_string_equal(error_code(&r), "rate_limited");
	assert_true(r.retry_after >= 1 && r.retry_after <= 60);
	http_resp_free(&r);
	/* the checks' budget: one, shared by bin-check, iin-check and gu-codes */
	f->query_bin = BIN;
	for (i = 0; i < 2; i++) {
		(void)call(f, api_directories_gu_codes, NULL, NULL, &r);
		http_resp_free(&r);
	}
	assert_int_equal(call(f, api_registry_iin_check,
	    "{\"iin\":\"" IIN "\",\"token\":\"00\"}", NULL,
	    &r), 429);
	http_resp_free(&r);
}

static void
test_directories(void **state)
{
	struct fixture		*f = *state;
	struct http_resp	 r;
	char			*token;

	assert_int_equal(call(f, api_directories_roles, NULL, NULL, &r), 200);
	assert_int_equal(json_array_size(r.json), 5);
	http_resp_free(&r);
	assert_int_equal(call(f, api_directories_regions, NULL, NULL, &r), 200);
	assert_int_equal(json_array_size(r.json), 20);
	http_resp_free(&r);
	assert_int_equal(call(f, api_directories_cities, NULL, "abai", &r), 200);
	assert_true(json_array_size(r.json) > 0);
	assert_true(json_array_size(json_object_get(json_array_get(r.json, 0), "offices")) > 0);
	http_resp_free(&r);
	assert_int_equal(call(f, api_directories_cities, NULL, "atlantis", &r), 404);
	http_resp_free(&r);
	f->query_bin = NULL;
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 400);
	assert_string_equal(error_code(&r), "field.missing");
	http_resp_free(&r);
	/* the codes tell a BIN is registered: only with its check token */
	f->query_bin = BIN;
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 400);
	assert_string_equal(error_code(&r), "field.missing");
	http_resp_free(&r);
	f->query_token = "00";
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 403);
	assert_string_equal(error_code(&r), "token.invalid");
	http_resp_free(&r);
	assert_int_equal(bin_check(f, BIN, CODE, &r), 200);
	token = strdup(json_string_value(json_object_get(r.json, "token")));
	assert_non_null(token);
	http_resp_free(&r);
	f->query_token = token;
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 200);
	assert_true(json_array_size(r.json) > 0);
	http_resp_free(&r);
	f->query_bin = "070941024691";
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 403);
	assert_string_equal(error_code(&r), "token.bin_mismatch");
	http_resp_free(&r);
	f->query_token = NULL;
	free(token);
}

static void
test_store_failure(void **state)
{
	struct fixture		*f = *state;
	struct store_pool	*good = f->srv.stores;
	struct http_resp	 r;

	/* A store that cannot be opened: each handler fails, nothing half-answered. */
	assert_non_null(f->srv.stores = srv_pool_new("sqlite:/nonexistent/dir/db", 1, NULL));
	assert_int_equal(call(f, api_captcha_new, NULL, NULL, &r), 500);
	http_resp_free(&r);
	assert_int_equal(call(f, api_directories_roles, NULL, NULL, &r), 500);
	http_resp_free(&r);
	assert_int_equal(call(f, api_directories_cities, NULL, "abai", &r), 500);
	http_resp_free(&r);
	f->query_bin = BIN;
	f->query_token = "00";
	assert_int_equal(call(f, api_directories_gu_codes, NULL, NULL, &r), 500);
	http_resp_free(&r);
	f->query_token = NULL;
	assert_int_equal(call(f, api_registry_bin_check,
	    "{\"bin\":\"" BIN "\",\"captcha_id\":\"x\","
	    "\"captcha_answer\":\"y\"}", NULL, &r), 500);
	http_resp_free(&r);
	srv_pool_free(f->srv.stores);
	f->srv.stores = good;
}

/*
 * The real route table: every row under /api/v1/ but the operations' (at the paths
 * probes and Prometheus expect, which metrics_listen's table serves too), reachable, and
 * no row shadowing another.
 */
static void
test_route_table(void **state)
{
	static const char *const ops[] = { "/healthz", "/readyz", "/metrics" };
	const char	*params[HTTP_MAX_PARAMS];
	char		 path[256], buf[256], *p;
	size_t		 i, j, nops = 0;
	int		 op;

	(void)state;
	assert_true(http_nroutes > 0);
	assert_int_equal(http_metrics_nroutes, sizeof ops / sizeof ops[0]);
	for (i = 0; i < http_metrics_nroutes; i++)
		assert_string_equal(http_metrics_routes[i].pattern, ops[i]);
	for (i = 0; i < http_nroutes; i++) {
		for (j = 0, op = 0; j < sizeof ops / sizeof ops[0]; j++)
			op |= strcmp(http_routes[i].pattern, ops[j]) == 0;
		if (!op)
			assert_int_equal(strncmp(http_routes[i].pattern, "/api/v1/", 8), 0);
		nops += (size_t)op;
		assert_non_null(http_routes[i].handler);
		/* a path for the row: each {} becomes "x1" */
		(void)snprintf(path, sizeof path, "%s", http_routes[i].pattern);
		while ((p = strstr(path, "{}")) != NULL)
			memcpy(p, "x1", 2);
		for (j = 0; j < http_nroutes; j++) {
			if (!http_route_match(http_routes[j].pattern, path, params, buf,
			    sizeof buf))
				continue;
			if (j != i && strcmp(http_routes[j].method, http_routes[i].method) == 0)
				fail_msg("%s %s is shadowed by %s", http_routes[i].method,
				    http_routes[i].pattern, http_routes[j].pattern);
		}
		assert_int_equal(http_route_match(http_routes[i].pattern, path, params, buf,
		    sizeof buf), 1);
	}
	assert_int_equal(nops, sizeof ops / sizeof ops[0]);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_failure, setup, teardown),
		cmocka_unit_test(test_route_table),
	};

	log_open("test-api", LOG_TO_STDERR, LOGL_ERROR);
	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}

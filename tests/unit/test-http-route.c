/*
 * test-http-route — http.c's pieces that need no network: matching paths against route
 * patterns (parameters, trailing slashes, buffer limits), the error shape every 4xx/5xx
 * answer has, and reading string members of a body. It links http.c with a route table of
 * its own and no metrics, so it needs neither a store nor a CA.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ncaenrolld/http.h"
#include "ncaenrolld/metrics.h"

static enum http_result
fake_handler(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	(void)srv;
	(void)req;
	http_json(resp, 200, json_object());
	return HTTP_ANSWERED;
}

const struct http_route http_routes[] = {
	{ "GET", "/api/v1/things", fake_handler, 0, NULL },
	{ "GET", "/api/v1/things/{}", fake_handler, 0, NULL },
	{ "GET", "/api/v1/things/{}/parts/{}", fake_handler, 0, NULL },
};
const size_t http_nroutes = sizeof http_routes / sizeof http_routes[0];

/* http.c counts what it serves (metrics.c, which needs a store): nothing is kept here. */
void
metrics_request(struct metrics *m, const void *route, int status, uint64_t us)
{
	(void)m;
	(void)route;
	(void)status;
	(void)us;
}

void
metrics_count(struct metrics *m, enum metrics_event e)
{
	(void)m;
	(void)e;
}

void
metrics_refused(struct metrics *m, enum metrics_refusal r)
{
	(void)m;
	(void)r;
}

static int
match(const char *pattern, const char *path, const char *params[HTTP_MAX_PARAMS])
{
	char	buf[64];
	static char keep[2][64];
	int	r;

	r = http_route_match(pattern, path, params, buf, sizeof buf);
	if (r) {	/* params point into buf: copy them out for the caller */
		if (params[0] != NULL) {
			(void)strcpy(keep[0], params[0]);
			params[0] = keep[0];
		}
		if (params[1] != NULL) {
			(void)strcpy(keep[1], params[1]);
			params[1] = keep[1];
		}
	}
	return r;
}

static void
test_literal(void **state)
{
	const char	*p[HTTP_MAX_PARAMS];

	(void)state;
	assert_int_equal(match("/api/v1/captcha", "/api/v1/captcha", p), 1);
	assert_null(p[0]);
	assert_null(p[1]);
	assert_int_equal(match("/api/v1/captcha", "/api/v1/captcha/", p), 0);
	assert_int_equal(match("/api/v1/captcha", "/api/v1/captch", p), 0);
	assert_int_equal(match("/api/v1/captcha", "/api/v1/captchas", p), 0);
	assert_int_equal(match("/api/v1/captcha", "/API/v1/captcha", p), 0);
	assert_int_equal(match("/api/v1/captcha", "", p), 0);
}

static void
test_params(void **state)
{
	const char	*p[HTTP_MAX_PARAMS];

	(void)state;
	assert_int_equal(match("/api/v1/applications/{}", "/api/v1/applications/1234-5678",
	    p), 1);
	assert_string_equal(p[0], "1234-5678");
	assert_null(p[1]);
	assert_int_equal(match("/api/v1/applications/{}/certificates",
	    "/api/v1/applications/42/certificates", p), 1);
	assert_string_equal(p[0], "42");
	assert_int_equal(match("/a/{}/b/{}", "/a/x/b/y", p), 1);
	assert_string_equal(p[0], "x");
	assert_string_equal(p[1], "y");
}

static void
test_params_refused(void **state)
{
	const char	*p[HTTP_MAX_PARAMS];

	(void)state;
	/* a parameter is one whole, non-empty segment */
	assert_int_equal(match("/api/v1/applications/{}", "/api/v1/applications/", p), 0);
	assert_int_equal(match("/api/v1/applications/{}", "/api/v1/applications/1/2", p), 0);
	assert_int_equal(match("/api/v1/applications/{}/certificates",
	    "/api/v1/applications//certificates", p), 0);
	assert_int_equal(match("/api/v1/applications/{}", "/api/v1/applications", p), 0);
	/* a third parameter does not fit HTTP_MAX_PARAMS */
	assert_int_equal(match("/{}/{}/{}", "/a/b/c", p), 0);
}

/* "{*}" takes the rest, slashes too: a GET OCSP request is base64, which has '/'. */
static void
test_rest(void **state)
{
	const char	*p[HTTP_MAX_PARAMS];

	(void)state;
	assert_int_equal(match("/ocsp/{*}", "/ocsp/MEow/SDBG+A==", p), 1);
	assert_string_equal(p[0], "MEow/SDBG+A==");
	assert_null(p[1]);
	assert_int_equal(match("/ocsp/{*}", "/ocsp/", p), 0);
	assert_int_equal(match("/ocsp/{*}", "/ocsp", p), 0);
	assert_int_equal(match("/ocsp/{*}", "/ocspx/a", p), 0);
}

static void
test_buffer_limit(void **state)
{
	const char	*p[HTTP_MAX_PARAMS];
	char		 small[4];

	(void)state;
	assert_int_equal(http_route_match("/x/{}", "/x/abc", p, small, sizeof small), 1);
	assert_string_equal(p[0], "abc");
	assert_int_equal(http_route_match("/x/{}", "/x/abcd", p, small, sizeof small), 0);
	assert_int_equal(http_route_match("/x/{}/{}", "/x/ab/c", p, small, sizeof small), 0);
}

static void
test_error_shape(void **state)
{
	struct http_resp	 r;
	json_t			*e;

	(void)state;
	memset(&r, 0, sizeof r);
	http_error(&r, 400, "bin.check_digit", "bin", "wrong check digit %d", 5);
	assert_int_equal(r.status, 400);
	e = json_object_get(r.json, "error");
	assert_non_null(e);
	assert_int_equal(json_object_size(r.json), 1);
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(json_string_value(json_object_get(e, "code")), "bin.check_digit");
	assert_string_equal(json_string_value(json_object_get(e, "message")),
	    "wrong check digit 5");
	assert_string_equal(json_string_value(json_object_get(e, "field")), "bin");
	/* field null when there is none; a second error replaces the first */
	http_error(&r, 404, "not_found", NULL, "nothing");
	e = json_object_get(r.json, "error");
	assert_int_equal(r.status, 404);
	assert_true(json_is_null(json_object_get(e, "field")));
	http_resp_free(&r);
	assert_null(r.json);
	http_resp_free(&r);	/* twice is harmless */
}

static void
test_raw_and_json(void **state)
{
	struct http_resp	 r;
	unsigned char		*pem = (unsigned char *)strdup("-----BEGIN-----");

	(void)state;
	memset(&r, 0, sizeof r);
	http_raw(&r, 200, "application/x-pem-file", pem, strlen((char *)pem));
	assert_int_equal(r.status, 200);
	assert_ptr_equal(r.raw, pem);
	assert_string_equal(r.content_type, "application/x-pem-file");
	http_json(&r, 201, json_pack("{s:i}", "n", 1));
	assert_int_equal(r.status, 201);
	http_resp_free(&r);
}

static void
test_body_string(void **state)
{
	struct http_req		 req;
	struct http_resp	 r;
	json_t			*e;

	(void)state;
	memset(&req, 0, sizeof req);
	memset(&r, 0, sizeof r);
	req.body = json_pack("{s:s, s:i, s:n}", "bin", "940140000385", "n", 7, "z");
	assert_string_equal(http_body_string(&req, &r, "bin"), "940140000385");
	assert_null(r.json);
	assert_null(http_body_string(&req, &r, "n"));
	e = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "field.type");
	assert_string_equal(json_string_value(json_object_get(e, "field")), "n");
	assert_int_equal(r.status, 400);
	assert_null(http_body_string(&req, &r, "z"));
	e = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "field.missing");
	assert_null(http_body_string(&req, &r, "absent"));
	e = json_object_get(r.json, "error");
	assert_string_equal(json_string_value(json_object_get(e, "field")), "absent");
	http_resp_free(&r);
	json_decref(req.body);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_params_refused),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_buffer_limit),
		cmocka_unit_test(test_error_shape),
		cmocka_unit_test(test_raw_and_json),
		cmocka_unit_test(test_body_string),
	};

	return cmocka_run_group_tests_name("http-route", tests, NULL, NULL);
}

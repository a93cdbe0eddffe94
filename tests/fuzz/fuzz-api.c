/*
 * fuzz-api — the service's request handlers (every route of routes.c but the desk's,
 * which its gate refuses without an operator certificate) through http_handle, as the
 * daemon hands them a request, on a real store and a real CA (fuzz-srv.c). An input is
 *
 *	METHOD PATH[?QUERY]
 *	[Content-Type: TYPE]
 *	BODY
 *
 * with %XX in the path and the query decoded as libmicrohttpd does, "@NUMBER@"
 * standing for the request number of the application the fixture issued and "@CAPTCHA@"
 * for the id of a captcha asked just before (its answer is FUZZ_CAPTCHA). Every answer
 * must be one a client can read: a status of 100-599 other than 500 (a handler that
 * fails on what a client sent is a bug), a JSON or raw body, and for 4xx the error shape.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "fuzz-srv.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/srv.h"

static int
fuzz_api_hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* %XX and, in a query, '+' decoded in place. */
static void
fuzz_api_unescape(char *s, int plus)
{
	char	*out = s;
	int	 h, l;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (h = fuzz_api_hex(s[1])) >= 0 && (l = fuzz_api_hex(s[2])) >= 0) {
			*out++ = (char)(h * 16 + l);
			s += 2;
		} else
			*out++ = plus && *s == '+' ? ' ' : *s;
	}
	*out = '\0';
}

static void
fuzz_api_query(char *q, struct fuzz_query *fq)
{
	char	*pair, *eq, *save = NULL;

	for (pair = strtok_r(q, "&", &save); pair != NULL && fq->n < FUZZ_QUERY_MAX;
	    pair = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(pair, '=')) != NULL)
			*eq++ = '\0';
		fuzz_api_unescape(pair, 1);
		if (eq != NULL)
			fuzz_api_unescape(eq, 1);
		fq->name[fq->n] = pair;
		fq->value[fq->n++] = eq != NULL ? eq : "";
	}
}

/* What a client would be unable to read, or a handler that failed: a crash. */
static void
fuzz_api_judge(const struct http_resp *resp)
{
	json_t	*e;
	char	*text = NULL, why[64];

	(void)snprintf(why, sizeof why, "status %d, %s", resp->status,
	    resp->json != NULL ? "JSON" : resp->raw != NULL ? "raw" : "no body");
	if (resp->status < 100 || resp->status > 599 || resp->status == 500 ||
	    (resp->json == NULL) == (resp->raw == NULL))
		fuzz_die("an answer no client can read", why);
	if (resp->json == NULL)
		return;
	if ((text = json_dumps(resp->json, JSON_COMPACT)) == NULL)
		fuzz_die("an answer that cannot be written as JSON", why);
	e = json_object_get(resp->json, "error");
	if (resp->status >= 400 && resp->status < 500 &&
	    (!json_is_string(json_object_get(e, "code")) ||
	    !json_is_string(json_object_get(e, "message"))))
		fuzz_die("an error without its code or message", text);
	free(text);
}

/* As http.c's http_method_ok: anything else is answered 400 before any route. */
static int
fuzz_api_method_ok(const char *m)
{
	return *m != '\0' && m[strspn(m, "!#$%&'*+-.^_`|~0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")] == '\0';
}

/* A new captcha's id, as POST /captcha gives it. */
static char *
fuzz_api_captcha(struct srv *srv)
{
	struct http_req		 req;
	struct http_resp	 resp;
	struct http_body	 b;
	char			 allow[64], *id;
	const char		*v;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	memset(&b, 0, sizeof b);
	req.method = "POST";
	req.path = "/api/v1/captcha";
	req.client_addr = FUZZ_CLIENT;
	http_handle(srv, http_routes, http_nroutes, &req, &b, &resp, allow, sizeof allow);
	v = json_string_value(json_object_get(resp.json, "id"));
	if (v == NULL || (id = strdup(v)) == NULL)
		fuzz_die("captcha", NULL);
	http_resp_free(&resp);
	return id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct srv		*srv = fuzz_srv();
	struct fuzz_query	 fq;
	struct http_req		 req;
	struct http_resp	 resp;
	struct http_body	 b;
	char			*in, *line, *body, *sp, *q, allow[64];

	in = fuzz_replace(fuzz_string(data, len), FUZZ_NUMBER_MARK, fuzz_srv_number());
	if (strstr(in, "@CAPTCHA@") != NULL) {
		char	*id = fuzz_api_captcha(srv);

		in = fuzz_replace(in, "@CAPTCHA@", id);
		free(id);
	}
	memset(&fq, 0, sizeof fq);
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	memset(&b, 0, sizeof b);
	line = in;
	body = in + strcspn(in, "\n");
	if (*body != '\0')
		*body++ = '\0';
	if (strncasecmp(body, "Content-Type:", 13) == 0) {
		fq.content_type = body + 13 + strspn(body + 13, " ");
		body += strcspn(body, "\n");
		if (*body != '\0')
			*body++ = '\0';
	}
	if ((sp = strchr(line, ' ')) == NULL)
		goto out;
	*sp++ = '\0';
	if (!fuzz_api_method_ok(line))
		goto out;
	if ((q = strchr(sp, '?')) != NULL) {
		*q++ = '\0';
		fuzz_api_query(q, &fq);
	}
	fuzz_api_unescape(sp, 0);
	req.method = line;
	req.path = sp;
	req.client_addr = FUZZ_CLIENT;
	req.query = fuzz_srv_query;
	req.header = fuzz_srv_header;
	req.impl = &fq;
	b.content_type = fq.content_type;
	b.data = *body != '\0' ? body : NULL;
	b.len = strlen(body);
	b.max = srv->cfg->policy.max_body;
	b.too_big = b.len > b.max;
	http_handle(srv, http_routes, http_nroutes, &req, &b, &resp, allow, sizeof allow);
	fuzz_api_judge(&resp);
	http_resp_free(&resp);
out:
	free(in);
	return 0;
}

/*
 * fuzz-lifecycle — a holder's signed requests (api-lifecycle.c, doc/api-lifecycle.md):
 * the bodies of revoke, renew and challenge on the application fuzz-srv.c issued,
 * through http_handle as the daemon routes them. The first byte chooses the request
 * (revoke, renew, challenge); the rest is the JSON body, where
 *
 *	@NONCE@	is a nonce the service just gave for this request's action,
 *	@SIG@	the AUTH key's signature (base64) over what the service checks: the action,
 *		the number, the nonce, and the reason (revoke) or the CSRs' key ids (renew)
 *		as the body gives them,
 *
 * so the fuzzer gets past the proof to what follows it. A request that revokes or renews
 * spends the application: the next input gets a new one. Answers are judged as fuzz-api
 * judges them (no 500; one a client can read).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "fuzz-srv.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/srv.h"

static const char *const fuzz_lc_actions[] = { "revoke", "renew", "challenge" };

/* One call of a route, the answer in resp (the caller frees it). */
static void
fuzz_lc_call(const char *action, const char *body, struct http_resp *resp)
{
	struct http_req	 req;
	struct http_body b;
	char		 path[128], allow[64];

	(void)snprintf(path, sizeof path, "/api/v1/applications/%s/%s", fuzz_srv_number(),
	    action);
	memset(&req, 0, sizeof req);
	memset(resp, 0, sizeof *resp);
	memset(&b, 0, sizeof b);
	req.method = "POST";
	req.path = path;
	req.client_addr = FUZZ_CLIENT;
	b.content_type = "application/json";
	b.data = body;
	b.len = strlen(body);
	b.max = fuzz_srv()->cfg->policy.max_body;
	b.too_big = b.len > b.max;
	http_handle(fuzz_srv(), http_routes, http_nroutes, &req, &b, resp, allow, sizeof allow);
	if (resp->status == 500 || resp->status < 100 || resp->status > 599 ||
	    (resp->json == NULL && resp->raw == NULL))
		abort();
}

/* A nonce for action, or "" when the application allows it no more. */
static char *
fuzz_lc_nonce(const char *action)
{
	struct http_resp	 resp;
	char			 body[64], *nonce;
	const char		*v;

	(void)snprintf(body, sizeof body, "{\"action\":\"%s\"}", action);
	fuzz_lc_call("challenge", body, &resp);
	v = json_string_value(json_object_get(resp.json, "nonce"));
	if ((nonce = strdup(v != NULL ? v : "")) == NULL)
		fuzz_die("strdup", NULL);
	http_resp_free(&resp);
	return nonce;
}

/* The detail the service binds: the reason, or "AUTHKEYID:SIGNKEYID" (ca_csr_check). */
static void
fuzz_lc_detail(const char *action, const char *body, char *out, size_t outsz)
{
	json_t		*o = json_loads(body, 0, NULL);
	const char	*reason = json_string_value(json_object_get(o, "reason"));
	const char	*a = json_string_value(json_object_get(o, "csr_auth"));
	const char	*s = json_string_value(json_object_get(o, "csr_sign"));
	char		 ka[65] = "", ks[65] = "";

	*out = '\0';
	if (strcmp(action, "revoke") == 0 && reason != NULL)
		(void)snprintf(out, outsz, "%s", reason);
	else if (strcmp(action, "renew") == 0 && a != NULL && s != NULL &&
	    ca_csr_check(a, ka, NULL) == 0 && ca_csr_check(s, ks, NULL) == 0)
		(void)snprintf(out, outsz, "%s:%s", ka, ks);
	json_decref(o);
}

static char *
fuzz_lc_sign(const char *action, const char *nonce, const char *detail)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	unsigned char	 sig[1024];
	size_t		 siglen = sizeof sig;
	char		*msg = NULL, *b64;

	if (md == NULL || asprintf(&msg, "%s\n%s\n%s\n%s", action, fuzz_srv_number(), nonce,
	    detail) == -1 || (b64 = malloc(sizeof sig / 3 * 4 + 8)) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, fuzz_srv_auth_key()) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg, strlen(msg)) != 1)
		fuzz_die("signature", NULL);
	(void)EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	EVP_MD_CTX_free(md);
	free(msg);
	return b64;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct http_resp	 resp;
	const char		*action;
	char			*body, *nonce = NULL, *sig, detail[160];

	if (len < 1)
		return 0;
	action = fuzz_lc_actions[data[0] % 3];
	body = fuzz_string(data + 1, len - 1);
	if (strstr(body, "@NONCE@") != NULL) {
		nonce = fuzz_lc_nonce(action);
		body = fuzz_replace(body, "@NONCE@", nonce);
	}
	if (strstr(body, "@SIG@") != NULL) {
		/* The detail as the body holds it with the signature's place still empty. */
		char	*bare = strdup(body);

		if (bare == NULL)
			fuzz_die("strdup", NULL);
		bare = fuzz_replace(bare, "@SIG@", "");
		fuzz_lc_detail(action, bare, detail, sizeof detail);
		free(bare);
		sig = fuzz_lc_sign(action, nonce != NULL ? nonce : "", detail);
		body = fuzz_replace(body, "@SIG@", sig);
		free(sig);
	}
	fuzz_lc_call(action, body, &resp);
	if (strcmp(action, "challenge") != 0 && resp.status >= 200 && resp.status < 300)
		fuzz_srv_new_app();
	http_resp_free(&resp);
	free(nonce);
	free(body);
	return 0;
}

/*
 * api-registry — the registry checks: POST /api/v1/bin-check (a solved captcha buys one
 * look-up of an organization and a check token bound to its BIN and to the client's
 * address) and POST /api/v1/iin-check (a person's name, only with a live token of this
 * client, API_IIN_CHECKS_PER_TOKEN times), so the registries cannot be walked without
 * solving a captcha per few names. Both are rate-limited per client address.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/idnum.h"
#include "common/log.h"
#include "common/problem.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/captcha.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"

#define API_TOKEN_BYTES	16	/* 128 bits */

const char *
api_client(const struct http_req *req)
{
	return req->client_addr != NULL ? req->client_addr : "";
}

static int
api_registry_limited(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	int	retry;

	if (srv_rate_hit(srv, req->client_addr, RATELIMIT_CHECK,
	    srv_policy(srv)->checks_per_minute, &retry) == 0)
		return 0;
	http_error(resp, 429, "rate_limited", NULL,
	    "too many checks from your address; try again in %d seconds", retry);
	resp->retry_after = retry;
	return -1;
}

/* Answers 400 with the validator's first problem for field; the caller returns 0. */
static void
api_registry_invalid(struct http_resp *resp, const char *field, struct problems *probs)
{
	const char	*code = probs->n > 0 ? probs->v[0].code : "invalid";
	const char	*msg = probs->n > 0 && probs->v[0].message != NULL ?
			    probs->v[0].message : "the number is not valid";

	http_error(resp, 400, code, field, "%s", msg);
	problems_free(probs);
}

/* Takes the captcha (whatever the answer: single use): 0 solved, -1 resp filled or failed. */
static int
api_registry_captcha(struct srv *srv, struct store *st, const char *id, const char *answer,
    struct http_resp *resp, int *failed)
{
	char	*hash = NULL, *cause = NULL;
	int	 found = 0;

	if (store_captcha_take(st, id, srv_now(srv), &hash, &found, &cause) == -1) {
		log_error("bin-check: %s", cause);
		free(cause);
		*failed = 1;
		return -1;
	}
	if (!found) {
		http_error(resp, 400, "captcha.expired", "captcha_answer",
		    "the captcha has expired or was already used; ask for a new one");
		return -1;
	}
	if (!captcha_check(srv->captcha_key, id, answer, hash)) {
		free(hash);
		/* Not the person's mistake: never call an answer we cannot judge wrong. */
		if (srv_captcha_elsewhere(srv, id)) {
			http_error(resp, 503, "captcha.other_key", NULL, "this picture was drawn "
			    "by another of the service's instances, whose captcha key differs; "
			    "the administrator must give them one key");
			return -1;
		}
		http_error(resp, 400, "captcha.wrong", "captcha_answer",
		    "the code from the picture is wrong; ask for a new captcha");
		return -1;
	}
	free(hash);
	return 0;
}

static json_t *
api_registry_org_json(const struct store_org *org, const char *token, int lifetime)
{
	return json_pack("{s:s, s:{s:s?, s:s?}, s:s, s:i}", "bin", org->bin, "name",
	    "kk", org->name.kk, "ru", org->name.ru, "token", token, "token_expires_in",
	    lifetime);
}

enum http_result
api_registry_bin_check(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const struct srv_policy	*pol = srv_policy(srv);
	const char		*bin, *cid, *answer;
	struct problems		 probs;
	struct store		*st = NULL;
	struct store_org	 org;
	char			 token[2 * API_TOKEN_BYTES + 1], *cause = NULL;
	int			 found = 0, failed = 0, rc = -1;

	memset(&org, 0, sizeof org);
	if (api_registry_limited(srv, req, resp) == -1 ||
	    (bin = http_body_string(req, resp, "bin")) == NULL ||
	    (cid = http_body_string(req, resp, "captcha_id")) == NULL ||
	    (answer = http_body_string(req, resp, "captcha_answer")) == NULL)
		return 0;
	problems_init(&probs);
	if (idnum_validate_bin(bin, NULL, &probs) == -1) {
		api_registry_invalid(resp, "bin", &probs);
		return 0;
	}
	problems_free(&probs);
	if ((st = srv_store_get(srv, &cause)) == NULL)
		goto out;
	if (api_registry_captcha(srv, st, cid, answer, resp, &failed) == -1) {
		rc = failed ? -1 : 0;
		goto out;
	}
	if (store_org_get(st, bin, &org, &found, &cause) == -1)
		goto out;
	if (!found) {
		http_error(resp, 404, "bin.not_found", "bin",
		    "no organization with BIN %s in the registry", bin);
		rc = 0;
		goto out;
	}
	if (srv_random_hex(token, API_TOKEN_BYTES, &cause) == -1 ||
	    store_token_put(st, token, org.bin, api_client(req),
	    srv_now(srv) + pol->token_lifetime, &cause) == -1)
		goto out;
	http_json(resp, 200, api_registry_org_json(&org, token, pol->token_lifetime));
	rc = 0;
out:
	if (cause != NULL)
		log_error("bin-check: %s", cause);
	free(cause);
	if (found)
		store_org_free(&org);
	srv_store_put(srv, st);
	return rc;
}

enum http_result
api_registry_iin_check(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const char		*iin, *token;
	struct problems		 probs;
	struct store		*st = NULL;
	struct store_person	 p;
	enum store_token_use	 use;
	char			*cause = NULL;
	int			 found = 0, rc = -1;

	memset(&p, 0, sizeof p);
	if (api_registry_limited(srv, req, resp) == -1 ||
	    (iin = http_body_string(req, resp, "iin")) == NULL ||
	    (token = http_body_string(req, resp, "token")) == NULL)
		return 0;
	problems_init(&probs);
	if (idnum_validate_iin(iin, srv_now(srv), NULL, &probs) == -1) {
		api_registry_invalid(resp, "iin", &probs);
		return 0;
	}
	problems_free(&probs);
	/* Counted before the look-up: "no such person" tells as much as a name. */
	if ((st = srv_store_get(srv, &cause)) == NULL ||
	    store_token_use_iin(st, token, api_client(req), srv_now(srv),
	    API_IIN_CHECKS_PER_TOKEN, &use, &cause) == -1)
		goto out;
	if (use == STORE_TOKEN_UNKNOWN) {
		http_error(resp, 403, "token.invalid", "token",
		    "the check token is unknown or has expired; check the BIN again");
		rc = 0;
		goto out;
	}
	if (use == STORE_TOKEN_USED_UP) {
		http_error(resp, 403, "token.used_up", "token",
		    "this check token has served its %d IIN checks; solve a new captcha and "
		    "check the BIN again", API_IIN_CHECKS_PER_TOKEN);
		rc = 0;
		goto out;
	}
	if (store_person_get(st, iin, &p, &found, &cause) == -1)
		goto out;
	if (!found) {
		http_error(resp, 404, "iin.not_found", "iin",
		    "no person with IIN %s in the registry", iin);
		rc = 0;
		goto out;
	}
	http_json(resp, 200, json_pack("{s:s, s:s, s:s, s:s}", "iin", p.iin, "surname",
	    p.surname, "given_name", p.given_name, "patronymic",
	    p.patronymic != NULL ? p.patronymic : ""));
	store_person_free(&p);
	rc = 0;
out:
	if (cause != NULL)
		log_error("iin-check: %s", cause);
	free(cause);
	srv_store_put(srv, st);
	return rc;
}

/*
 * api-captcha — POST /api/v1/captcha: a new picture to solve before a registry check.
 * The store keeps only the keyed MAC of the id and the code (captcha.h), for captcha_lifetime
 * seconds, single use; new captchas are rate-limited per client address.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/captcha.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"

#define API_CAPTCHA_ID_BYTES	16	/* 128 bits */

enum http_result
api_captcha_new(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const struct srv_config	*cfg = srv->cfg;
	const struct srv_policy	*pol = srv_policy(srv);
	struct captcha		 cap = { 0 };
	struct store		*st = NULL;
	char			 id[CAPTCHA_TAG_LEN + 2 * API_CAPTCHA_ID_BYTES + 1];
	char			 hash[CAPTCHA_HASH_LEN + 1];
	size_t			 tag = strlen(srv->captcha_tag);
	char			*cause = NULL;
	json_t			*bitmap = NULL;
	time_t			 now = srv_now(srv);
	int			 retry, rc = -1;

	if (srv_rate_hit(srv, req->client_addr, RATELIMIT_CAPTCHA,
	    pol->captcha_per_minute, &retry) == -1) {
		http_error(resp, 429, "rate_limited", NULL,
		    "too many captchas from your address; try again in %d seconds", retry);
		resp->retry_after = retry;
		return 0;
	}
	/* The key's tag, then the random part: srv_captcha_elsewhere reads the tag. */
	memcpy(id, srv->captcha_tag, tag);
	if (srv_random_hex(id + tag, API_CAPTCHA_ID_BYTES, &cause) == -1 ||
	    captcha_make(cfg->demo.fixed_captcha, &cap, &cause) == -1)
		goto out;
	if (captcha_hash(srv->captcha_key, id, cap.code, hash) == -1) {
		log_error("captcha: cannot hash the answer");
		goto out;
	}
	if ((bitmap = captcha_bitmap_json(&cap)) == NULL) {
		log_error("captcha: out of memory");
		goto out;
	}
	if ((st = srv_store_get(srv, &cause)) == NULL ||
	    store_captcha_put(st, id, hash, now + pol->captcha_lifetime, &cause) == -1)
		goto out;
	http_json(resp, 200, json_pack("{s:s, s:i, s:i, s:o, s:i}", "id", id, "width",
	    cap.width, "height", cap.height, "bitmap", bitmap, "expires_in",
	    pol->captcha_lifetime));
	bitmap = NULL;
	rc = 0;
out:
	if (cause != NULL)
		log_error("captcha: %s", cause);
	free(cause);
	json_decref(bitmap);
	srv_store_put(srv, st);
	captcha_free(&cap);
	return rc;
}

/*
 * api-lifecycle — what a holder does online with issued certificates, proven with the
 * application's current AUTH key (doc/api-lifecycle.md): a single-use challenge, then
 * fetching the certificates (their subjects name the holder in full, so the request number
 * alone does not get them), revoking both certificates, or renewing them with two new keys
 * (issued at once, the old pair revoked as superseded when the new one is installed:
 * store_app_transition). The holder signs ACTION "\n" NUMBER "\n" NONCE "\n" DETAIL (RSA
 * PKCS#1 v1.5, SHA-256, as the installed report): the nonce makes a signature good once,
 * for one application and one action; the detail binds what is asked (nothing for the
 * certificates; the reason; the new keys), so a captured request can be neither replayed
 * nor altered.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/revocation.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define LC_NONCE_BYTES	32		/* 43 base64url characters */
#define LC_NONCE_MAX	64		/* longer is no nonce of ours */
#define LC_CHALLENGE_S	300		/* a challenge is good for five minutes */

/* One request of a holder: what every step reads. */
struct lc_ctx {
	struct srv		*srv;
	const struct http_req	*req;
	struct http_resp	*resp;
	struct store		*st;
	struct store_app	 app;
	time_t			 now;
	char			 actor[96];	/* the history's: "holder (ADDRESS)" */
};

/* ---- whether an application allows an action ---- */

static enum http_result
lc_revocable(struct lc_ctx *c)
{
	if (c->app.status == APP_REVOKED)
		return app_already_revoked(c->resp, &c->app);
	if (c->app.status == APP_ISSUED || c->app.status == APP_INSTALLED)
		return HTTP_GO_ON;
	http_error(c->resp, 409, "application.not_revocable", "request_number",
	    _("there are no certificates to revoke: the application is %s"),
	    appstatus_wire(c->app.status));
	return HTTP_ANSWERED;
}

/* Why a renewal is refused, as the wire's "why" and the message. */
static const struct {
	const char	*why;
	const char	*text;
} lc_not_renewable[] = {
	{ "revoked", N_("the certificates are revoked: a new application at a registration "
	    "desk is needed") },
	{ "not_issued", N_("there are no certificates to renew: the application was never "
	    "issued") },
	{ "expired", N_("the certificates have expired: a new application at a registration "
	    "desk is needed") },
};

static enum http_result
lc_renewable(struct lc_ctx *c)
{
	const struct store_app	*a = &c->app;
	json_t			*err;
	size_t			 i;

	if (a->status == APP_REVOKED)
		i = 0;
	else if (a->status != APP_ISSUED && a->status != APP_INSTALLED)
		i = 1;
	else if (a->not_after <= c->now)
		i = 2;
	else
		return HTTP_GO_ON;
	http_error(c->resp, 409, "application.not_renewable", "request_number", "%s",
	    _(lc_not_renewable[i].text));
	err = json_object_get(c->resp->json, "error");
	if (err == NULL || json_object_set_new(err, "why",
	    json_string(lc_not_renewable[i].why)) == -1)
		return HTTP_FAILED;
	return HTTP_ANSWERED;
}

/* Certificates are given while issued or installed; revoked ones are no longer handed out. */
static enum http_result
lc_fetchable(struct lc_ctx *c)
{
	if (c->app.status == APP_ISSUED || c->app.status == APP_INSTALLED)
		return HTTP_GO_ON;
	http_error(c->resp, 409, "application.not_issued", "request_number",
	    _("no certificates yet: the application is %s"), appstatus_wire(c->app.status));
	return HTTP_ANSWERED;
}

static const struct {
	const char		*name;
	enum http_result	(*allowed)(struct lc_ctx *);
} lc_actions[] = {
	{ "revoke", lc_revocable },
	{ "renew", lc_renewable },
	{ "certificates", lc_fetchable },
};

/* ---- the request's frame ---- */

/*
 * Store, application, actor: HTTP_GO_ON, HTTP_ANSWERED (429 over the lookups' budget, 400,
 * 404) or HTTP_FAILED.
 */
static enum http_result
lc_begin(struct lc_ctx *c, struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	char	*cause = NULL;

	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->req = req;
	c->resp = resp;
	c->now = srv_now(srv);
	(void)snprintf(c->actor, sizeof c->actor, "holder (%s)",
	    req->client_addr != NULL ? req->client_addr : "?");
	if (app_lookup_limited(srv, req, resp) == -1)
		return HTTP_ANSWERED;
	if ((c->st = srv_store_get(srv, &cause)) == NULL) {
		log_error("store: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	return app_load(c->st, req, resp, &c->app);
}

static void
lc_end(struct lc_ctx *c)
{
	store_app_free(&c->app);
	if (c->st != NULL)
		srv_store_put(c->srv, c->st);
}

/* Answers 200/201 with the application as GET shows it and "mail": "queued" when the change
 * told of queued a mail (told), else "none". */
static enum http_result
lc_answer(struct lc_ctx *c, const char *number, int status, int told)
{
	struct store_app	 a;
	char			*cause = NULL;
	json_t			*o;
	int			 found = 0;

	if (store_app_get(c->st, number, &a, &found, &cause) == -1 || !found) {
		log_error("application %s: %s", number, cause != NULL ? cause : "vanished");
		free(cause);
		return HTTP_FAILED;
	}
	mailer_wake(c->srv->mailer);
	o = app_status_json(c->st, &a);
	if (o == NULL || json_object_set_new(o, "mail",
	    json_string(told ? app_mail_word(c->srv, &a) : "none")) == -1) {
		store_app_free(&a);
		json_decref(o);
		return HTTP_FAILED;
	}
	store_app_free(&a);
	http_json(c->resp, status, o);
	return HTTP_ANSWERED;
}

/* ---- the challenge ---- */

/* LC_NONCE_BYTES random bytes as unpadded base64url. */
static int
lc_nonce(char out[LC_NONCE_MAX])
{
	unsigned char	raw[LC_NONCE_BYTES];
	char		b64[4 * ((LC_NONCE_BYTES + 2) / 3) + 1];
	size_t		i, n;

	_Static_assert(sizeof b64 <= LC_NONCE_MAX, "the nonce fits");
	if (RAND_bytes(raw, sizeof raw) != 1)
		return -1;
	(void)EVP_EncodeBlock((unsigned char *)b64, raw, sizeof raw);
	for (i = n = 0; b64[i] != '\0' && b64[i] != '='; i++)
		out[n++] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	out[n] = '\0';
	return 0;
}

enum http_result
api_lifecycle_challenge(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct lc_ctx		 c;
	const char		*action;
	char			 nonce[LC_NONCE_MAX], expires[32], *cause = NULL;
	size_t			 i;
	enum http_result	 rc;

	if ((action = http_body_string(req, resp, "action")) == NULL)
		return HTTP_ANSWERED;
	for (i = 0; i < sizeof lc_actions / sizeof lc_actions[0]; i++)
		if (strcmp(lc_actions[i].name, action) == 0)
			break;
	if (i == sizeof lc_actions / sizeof lc_actions[0]) {
		http_error(resp, 400, "action.unknown", "action", "%s",
		    _("the action is \"certificates\", \"revoke\" or \"renew\""));
		return HTTP_ANSWERED;
	}
	if ((rc = lc_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = lc_actions[i].allowed(&c)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (lc_nonce(nonce) == -1) {
		log_error("challenge: no random bytes");
		goto out;
	}
	if (store_challenge_put(c.st, nonce, c.app.number, lc_actions[i].name,
	    c.now + LC_CHALLENGE_S, &cause) == -1) {
		log_error("challenge for %s: %s", c.app.number, cause);
		free(cause);
		goto out;
	}
	app_iso(c.now + LC_CHALLENGE_S, expires);
	http_json(resp, 200, json_pack("{s:s, s:s}", "nonce", nonce, "expires", expires));
	rc = HTTP_ANSWERED;
out:
	lc_end(&c);
	return rc;
}

/* ---- the proof ---- */

/*
 * The holder's proof for action with detail: the nonce taken first (single use, whatever
 * follows), then the signature over the message by the application's AUTH certificate's
 * key. HTTP_GO_ON; HTTP_ANSWERED: 400 nonce.invalid (unknown, used, expired, or another
 * application's or action's), 400 signature.encoding, 403 revoke.proof_invalid; or
 * HTTP_FAILED.
 */
static enum http_result
lc_check_proof(struct lc_ctx *c, const char *action, const char *detail)
{
	const char	*nonce, *sig64;
	char		 number[REQNUM_LEN + 1], act[STORE_ACTION_MAX], *msg = NULL;
	char		*cause = NULL;
	unsigned char	*sig = NULL;
	size_t		 siglen = 0;
	int		 found = 0, ok;

	if ((nonce = http_body_string(c->req, c->resp, "nonce")) == NULL ||
	    (sig64 = http_body_string(c->req, c->resp, "signature")) == NULL)
		return HTTP_ANSWERED;
	if (strlen(nonce) < LC_NONCE_MAX && store_challenge_take(c->st, nonce, c->now, number,
	    act, &found, &cause) == -1) {
		log_error("challenge of %s: %s", c->app.number, cause);
		free(cause);
		return HTTP_FAILED;
	}
	if (!found || strcmp(number, c->app.number) != 0 || strcmp(act, action) != 0) {
		http_error(c->resp, 400, "nonce.invalid", "nonce", "%s", _("this nonce is "
		    "unknown, used or expired, or was given for another request: ask a new "
		    "challenge"));
		return HTTP_ANSWERED;
	}
	if ((sig = app_base64(sig64, &siglen)) == NULL) {
		http_error(c->resp, 400, "signature.encoding", "signature", "%s",
		    _("the signature must be base64"));
		return HTTP_ANSWERED;
	}
	if (asprintf(&msg, "%s\n%s\n%s\n%s", action, c->app.number, nonce, detail) == -1) {
		free(sig);
		return HTTP_FAILED;
	}
	ok = c->app.cert_auth != NULL && app_proof_ok(c->app.cert_auth, msg, sig, siglen);
	free(msg);
	free(sig);
	if (!ok) {
		http_error(c->resp, 403, "revoke.proof_invalid", "signature", "%s",
		    _("the signature is not by this application's AUTH key over this request"));
		return HTTP_ANSWERED;
	}
	return HTTP_GO_ON;
}

/* ---- revoke ---- */

enum http_result
app_revocation_reason(const struct http_req *req, struct http_resp *resp,
    const struct revocation_kind **k)
{
	const char	*code;
	char		*list;

	if ((code = http_body_string(req, resp, "reason")) == NULL)
		return HTTP_ANSWERED;
	if ((*k = revocation_find(code)) != NULL && (*k)->chosen)
		return HTTP_GO_ON;
	if ((list = revocation_choices(NULL)) == NULL)
		return HTTP_FAILED;
	http_error(resp, 400, "reason.unknown", "reason", _("the reason is one of %s"), list);
	free(list);
	return HTTP_ANSWERED;
}

/* After store_app_revoke: the answer for each outcome, the mail for a new one. */
static enum http_result
lc_revoked(struct lc_ctx *c, enum store_revoke_result res)
{
	struct store_app	 a;
	char			*cause = NULL;
	int			 found = 0;
	enum http_result	 rc = HTTP_FAILED;

	memset(&a, 0, sizeof a);
	if (res == STORE_REVOKE_NOT_FOUND) {
		http_error(c->resp, 404, "application.not_found", "request_number", "%s",
		    _("no application with this request number"));
		return HTTP_ANSWERED;
	}
	if (store_app_get(c->st, c->app.number, &a, &found, &cause) == -1 || !found) {
		log_error("application %s: %s", c->app.number, cause != NULL ? cause : "gone");
		goto out;
	}
	if (res == STORE_REVOKE_ALREADY) {
		rc = app_already_revoked(c->resp, &a);
		goto out;
	}
	if (res == STORE_REVOKE_REFUSED) {
		store_app_free(&c->app);
		c->app = a;
		return lc_revocable(c);
	}
	metrics_count(c->srv->metrics, METRICS_REVOCATION);
	log_info("application %s revoked by the holder (%s)", a.number, a.revoke_reason);
	rc = lc_answer(c, a.number, 200, 1);
out:
	free(cause);
	store_app_free(&a);
	return rc;
}

enum http_result
api_lifecycle_revoke(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const struct revocation_kind	*k = NULL;
	enum store_revoke_result	 res = STORE_REVOKE_NOT_FOUND;
	struct lc_ctx			 c;
	char				*cause = NULL, *detail = NULL;
	enum http_result		 rc;

	if ((rc = lc_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = app_revocation_reason(c.req, c.resp, &k)) != HTTP_GO_ON || (rc = lc_revocable(&c)) != HTTP_GO_ON ||
	    (rc = lc_check_proof(&c, "revoke", k->code)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (asprintf(&detail, "%s; signed with the AUTH key", k->code) == -1) {
		detail = NULL;
		goto out;
	}
	if (store_app_revoke(c.st, c.app.number, k->code, "holder", c.actor, detail, c.now,
	    &res, &cause) == -1) {
		log_error("revoking %s: %s", c.app.number, cause);
		free(cause);
		goto out;
	}
	rc = lc_revoked(&c, res);
out:
	free(detail);
	lc_end(&c);
	return rc;
}

/* ---- the certificates ---- */

/* 1 if the body carries a nonce and a signature, each a string: a proof to check. */
static int
lc_has_proof(const struct http_req *req)
{
	return json_is_string(json_object_get(req->body, "nonce")) &&
	    json_is_string(json_object_get(req->body, "signature"));
}

/*
 * The certificates to the holder of the AUTH key: a "certificates" challenge signed with
 * an empty detail. No proof at all: 403 certificates.proof_required, nothing looked up.
 */
enum http_result
api_lifecycle_certificates(struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	struct lc_ctx		 c;
	enum http_result	 rc;

	if (!lc_has_proof(req)) {
		app_certificates_refused(resp);
		return HTTP_ANSWERED;
	}
	if ((rc = lc_begin(&c, srv, req, resp)) == HTTP_GO_ON &&
	    (rc = lc_check_proof(&c, "certificates", "")) == HTTP_GO_ON)
		rc = app_certificates_answer(srv, resp, &c.app);
	lc_end(&c);
	return rc;
}

/* ---- renew ---- */

/* The two CSRs and their key ids (ca_csr_check), or a 400 naming the one at fault. */
static enum http_result
lc_csrs(struct lc_ctx *c, const char **csr, char keys[2][65])
{
	static const char *const names[] = { "csr_auth", "csr_sign" };
	char			*cause = NULL;
	char			 code[32];
	int			 i;

	for (i = 0; i < 2; i++) {
		if ((csr[i] = http_body_string(c->req, c->resp, names[i])) == NULL)
			return HTTP_ANSWERED;
		if (ca_csr_check(csr[i], keys[i], &cause) == -1) {
			(void)snprintf(code, sizeof code, "%s.invalid", names[i]);
			http_error(c->resp, 400, code, names[i], "%s",
			    cause != NULL ? cause : _("not a valid CSR"));
			free(cause);
			return HTTP_ANSWERED;
		}
	}
	return HTTP_GO_ON;
}

/*
 * A renewal stored but not issued is cancelled at once (it must not wait in a desk's
 * queue), and the holder told why: the data (409), the CA (503), the service (500).
 */
static enum http_result
lc_not_issued(struct lc_ctx *c, const char *number, enum issue_failure why, char *cause)
{
	enum app_status	 cur;
	char		*ccause = NULL;
	int		 won = 0;

	log_warning("renewal %s of %s not issued: %s", number, c->app.number,
	    cause != NULL ? cause : "?");
	if (store_app_transition(c->st, number, APP_SUBMITTED, APP_CANCELLED, NULL, "service",
	    "renewal not issued", c->now, &won, &cur, &ccause) == -1) {
		log_error("renewal %s: %s", number, ccause);
		free(ccause);
	}
	if (why == ISSUE_FAIL_DATA)
		http_error(c->resp, 409, "application.not_issuable", NULL, _("the CA refuses "
		    "this application's data (%s): a new application at a registration desk is "
		    "needed"), cause != NULL ? cause : "?");
	else if (why == ISSUE_FAIL_CA)
		http_error(c->resp, 503, "ca.unavailable", NULL, "%s", _("the CA cannot issue "
		    "certificates now; try again later"));
	free(cause);
	return why == ISSUE_FAIL_INTERNAL ? HTTP_FAILED : HTTP_ANSWERED;
}

enum http_result
api_lifecycle_renew(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct issue_report	 rep = { ISSUE_FAIL_INTERNAL };
	struct lc_ctx		 c;
	enum app_status		 cur = APP_SUBMITTED;
	const char		*csr[2];
	char			 keys[2][65], detail[2 * 65 + 1], number[REQNUM_LEN + 1];
	char			 note[REQNUM_LEN + 16], *cause = NULL;
	int			 won = 0;
	enum http_result	 rc;

	if ((rc = lc_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = lc_renewable(&c)) != HTTP_GO_ON || (rc = lc_csrs(&c, csr, keys)) != HTTP_GO_ON)
		goto out;
	(void)snprintf(detail, sizeof detail, "%s:%s", keys[0], keys[1]);
	if ((rc = lc_check_proof(&c, "renew", detail)) != HTTP_GO_ON ||
	    (rc = app_renewal_insert(srv, c.st, resp, &c.app, csr[0], csr[1], c.actor,
	    number)) != HTTP_GO_ON)
		goto out;
	(void)snprintf(note, sizeof note, "renewal of %s", c.app.number);
	if (issue_application_note(srv, c.st, number, c.actor, note, &won, &cur, &rep,
	    &cause) == -1) {
		rc = lc_not_issued(&c, number, rep.why, cause);
		goto out;
	}
	if (!won && cur != APP_ISSUED && cur != APP_INSTALLED) {
		log_error("renewal %s: %s meanwhile", number, appstatus_wire(cur));
		rc = HTTP_FAILED;
		goto out;
	}
	log_info("application %s renewed as %s", c.app.number, number);
	rc = lc_answer(&c, number, 201, won);
out:
	lc_end(&c);
	return rc;
}

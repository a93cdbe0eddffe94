/*
 * enroll-lifecycle — the holder's signed requests (enroll.h): revoking an application's
 * certificates and renewing them online, each over a single-use challenge of the service
 * signed with the application's current AUTH key (doc/api-lifecycle.md).
 */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appfield.h"
#include "common/fault.h"
#include "common/i18n.h"
#include "common/revocation.h"
#include "enroll/answer.h"
#include "enroll/enroll-int.h"

char *
enroll_signed_message(const char *action, const char *number, const char *nonce,
    const char *detail)
{
	char	*msg;

	if (asprintf(&msg, "%s\n%s\n%s\n%s", action, number, nonce, detail) == -1)
		return NULL;
	return msg;
}

void
enroll_revocation_free(struct enroll_revocation *r)
{
	free(r->reason);
	free(r->at);
	free(r->by);
	memset(r, 0, sizeof *r);
}

static const char *
enroll_lc_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *
enroll_lc_dup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* The revocation an answer holds: a status's "revocation", or a 409's members. */
static void
enroll_lc_revocation(const json_t *j, int already, struct enroll_revocation *rev)
{
	const json_t	*r = json_object_get(j, "revocation");
	const json_t	*e = json_object_get(j, "error");

	enroll_revocation_free(rev);
	rev->already = already;
	if (r != NULL) {
		rev->reason = enroll_lc_dup(enroll_lc_str(r, "reason"));
		rev->at = enroll_lc_dup(enroll_lc_str(r, "at"));
		rev->by = enroll_lc_dup(enroll_lc_str(r, "by"));
		return;
	}
	/* application.already_revoked: revoked_at and reason beside the code. */
	rev->reason = enroll_lc_dup(enroll_lc_str(e, "reason") != NULL ?
	    enroll_lc_str(e, "reason") : enroll_lc_str(j, "reason"));
	rev->at = enroll_lc_dup(enroll_lc_str(e, "revoked_at") != NULL ?
	    enroll_lc_str(e, "revoked_at") : enroll_lc_str(j, "revoked_at"));
	rev->by = enroll_lc_dup(enroll_lc_str(e, "revoked_by") != NULL ?
	    enroll_lc_str(e, "revoked_by") : enroll_lc_str(j, "revoked_by"));
}

/* The local copy moved to revoked, with what the service said of it. */
static int
enroll_lc_record_revoked(struct enroll *e, const char *id,
    const struct enroll_revocation *rev, struct failure *err)
{
	return enroll_record(e, id, ME_REVOKED, err, APPKEY_STATUS, "revoked",
	    APPKEY_REVOKED_AT, rev->at, APPKEY_REVOKE_REASON, rev->reason,
	    APPKEY_REVOKED_BY, rev->by, (char *)NULL);
}

/* The application by id or number, sent to the service (it has a request number). */
static struct state_app *
enroll_lc_app(struct enroll *e, const char *key, struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, key);

	if (a == NULL)
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.unknown",
		    _("no application %s is kept on this computer"), key);
	else if (state_get(a, APPKEY_REQUEST_NUMBER) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_submitted",
		    "%s", _("this application has not been submitted yet"));
		a = NULL;
	}
	return a;
}

/* What opens the current AUTH key of a: nothing, the containers' password, the PIN. */
static enum enroll_secret
enroll_lc_need(const struct state_app *a)
{
	if (enroll_on_token(a))
		return ENROLL_SECRET_PIN;
	return state_get(a, APPKEY_CONTAINER_AUTH) != NULL ? ENROLL_SECRET_PASSWORD :
	    ENROLL_SECRET_NONE;
}

/*
 * The service's status asked now: the local copy moves along (a revocation at a desk,
 * a renewal installed elsewhere are learnt here), *status is the answer (caller frees).
 */
static struct state_app *
enroll_lc_refresh(struct enroll *e, const char *key, json_t **status, struct failure *err)
{
	char			 id[STATE_ID_LEN + 1];
	struct state_app	*a;

	if ((a = enroll_lc_app(e, key, err)) == NULL)
		return NULL;
	memcpy(id, a->id, sizeof id);
	if (enroll_refresh(e, id, status, err) == -1)
		return NULL;
	return state_app_find(e->st, id);
}

int
enroll_revoke_plan(struct enroll *e, const char *key, enum enroll_secret *need,
    struct enroll_revocation *rev, struct failure *err)
{
	struct state_app	*a;
	json_t			*status = NULL;
	const char		*s;
	char			 id[STATE_ID_LEN + 1];
	int			 rc = -1;

	*need = ENROLL_SECRET_NONE;
	if ((a = enroll_lc_refresh(e, key, &status, err)) == NULL)
		goto out;
	memcpy(id, a->id, sizeof id);
	s = enroll_lc_str(status, "status") != NULL ? enroll_lc_str(status, "status") : "";
	if (strcmp(s, "revoked") == 0) {
		enroll_lc_revocation(status, 1, rev);
		rc = a->state == MS_REVOKED && state_get(a, APPKEY_REVOKE_REASON) != NULL ? 0 :
		    enroll_lc_record_revoked(e, id, rev, err);
	} else if (strcmp(s, "issued") != 0 && strcmp(s, "installed") != 0)
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_revocable",
		    _("there is nothing to revoke: no certificates were issued for application "
		    "%s"), state_get(a, APPKEY_REQUEST_NUMBER));
	else {
		*need = enroll_lc_need(a);
		rc = 0;
	}
out:
	json_decref(status);
	return rc;
}

/*
 * A single-use challenge for action on number: its nonce (malloc'd), or NULL. A refusal's
 * body goes to *refusal (the caller's) when asked for: it may say "revoked already".
 */
static char *
enroll_lc_challenge(struct enroll *e, const char *number, const char *action,
    json_t **refusal, struct failure *err)
{
	struct client_result	 res;
	json_t			*body = json_pack("{s:s}", "action", action);
	char			*path = NULL, *nonce = NULL;

	memset(&res, 0, sizeof res);
	if (body == NULL ||
	    asprintf(&path, "/api/v1/applications/%s/challenge", number) == -1) {
		path = NULL;
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	} else if (enroll_call(e, "POST", path, body, 0, ANSWER_CHALLENGE, &res, err) == -1) {
		if (refusal != NULL && res.failure == CLIENT_REFUSED)
			*refusal = json_incref(res.json);
	} else if ((nonce = strdup(enroll_lc_str(res.json, "nonce"))) == NULL)
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	client_result_free(&res);
	json_decref(body);
	free(path);
	return nonce;
}

static char *
enroll_lc_base64(const unsigned char *sig, size_t len)
{
	char	*b64;

	if ((b64 = calloc(1, 4 * ((len + 2) / 3) + 1)) != NULL)
		(void)EVP_EncodeBlock((unsigned char *)b64, sig, (int)len);
	return b64;
}

/* The sentence for a password the container refuses, with the way left without it. */
static void
enroll_lc_wrong_password(struct failure *err, const char *action, const char *cause)
{
	if (strcmp(action, "revoke") == 0)
		enroll_fail(err, FAILURE_REFUSED, "password", "password.wrong", _("%s. A lost "
		    "password cannot be recovered, and without it the certificates can be revoked "
		    "only at a registration desk: go there with your identity document"), cause);
	else
		enroll_fail(err, FAILURE_REFUSED, "password", "password.wrong", _("%s. A lost "
		    "password cannot be recovered: without it these certificates cannot be "
		    "renewed; have them revoked at a registration desk and apply again"), cause);
}

/*
 * The message signed with a's current AUTH key (the installed container with its
 * password, the pending key in its folder, or the token with its PIN), base64 into *b64.
 */
static int
enroll_lc_sign(const struct state_app *a, const struct secret *secret, const char *action,
    const char *msg, char **b64, struct failure *err)
{
	struct keystore	*ks = NULL;
	unsigned char	*sig = NULL;
	char		*cause = NULL;
	size_t		 siglen = 0;
	int		 wrong = 0, rc = -1;

	*b64 = NULL;
	if (enroll_lc_need(a) == ENROLL_SECRET_PASSWORD) {
		if (keystore_file_container_sign(state_get(a, APPKEY_CONTAINER_AUTH),
		    KEYSTORE_AUTH, secret, msg, strlen(msg), &sig, &siglen, &wrong, &cause) == -1) {
			if (wrong)
				enroll_lc_wrong_password(err, action, cause);
			else
				enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
			goto out;
		}
	} else if ((ks = enroll_keystore(a, secret, err)) == NULL)
		goto out;
	else if (ks->ops->sign(ks, KEYSTORE_AUTH, msg, strlen(msg), &sig, &siglen,
	    &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, enroll_on_token(a) ? "pin" : "dir", NULL,
		    cause);
		goto out;
	}
	if ((*b64 = enroll_lc_base64(sig, siglen)) == NULL)
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	else
		rc = 0;
out:
	keystore_close(ks);
	free(sig);
	free(cause);
	return rc;
}

/* Challenge, message, signature: the members nonce and signature of a holder's request. */
json_t *
enroll_lc_signed_body(struct enroll *e, const struct state_app *a, const char *action,
    const char *detail, const struct secret *secret, json_t **refusal, struct failure *err)
{
	const char	*number = state_get(a, APPKEY_REQUEST_NUMBER);
	json_t		*body = NULL;
	char		*nonce, *msg = NULL, *sig = NULL;

	if ((nonce = enroll_lc_challenge(e, number, action, refusal, err)) == NULL)
		return NULL;
	if ((msg = enroll_signed_message(action, number, nonce, detail)) == NULL)
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	else if (enroll_lc_sign(a, secret, action, msg, &sig, err) == 0 &&
	    (body = json_pack("{s:s, s:s}", "nonce", nonce, "signature", sig)) == NULL)
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	free(nonce);
	free(msg);
	free(sig);
	return body;
}

/* A refusal (of the challenge or of the revocation) that says "revoked already". */
static int
enroll_lc_already(const char *code)
{
	return code != NULL && strcmp(code, "application.already_revoked") == 0;
}

static int
enroll_lc_reason_ok(const char *reason, struct failure *err)
{
	const struct revocation_kind	*k = revocation_find(reason);
	char				*list;

	if (k != NULL && k->chosen)
		return 0;
	list = revocation_choices(i18n_current());
	enroll_fail(err, FAILURE_REFUSED, "reason", "reason.unknown", _("'%s' is not "
	    "a reason a holder may give; give one of: %s"), reason != NULL ? reason : "",
	    list != NULL ? list : "keyCompromise, affiliationChanged, cessationOfOperation");
	free(list);
	return -1;
}

int
enroll_revoke(struct enroll *e, const char *key, const char *reason,
    const struct secret *secret, struct enroll_revocation *rev, struct failure *err)
{
	struct client_result	 res;
	struct state_app	*a;
	json_t			*body = NULL, *refusal = NULL;
	char			 id[STATE_ID_LEN + 1], *path = NULL;
	int			 rc = -1;

	memset(&res, 0, sizeof res);
	if (enroll_lc_reason_ok(reason, err) == -1 || (a = enroll_lc_app(e, key, err)) == NULL)
		return -1;
	memcpy(id, a->id, sizeof id);
	if ((body = enroll_lc_signed_body(e, a, "revoke", reason, secret, &refusal,
	    err)) == NULL) {
		if (refusal == NULL || err == NULL || !enroll_lc_already(err->code))
			goto out;
		/* Revoked meanwhile (at a desk, another run): answered, not repeated. */
		failure_free(err);
		enroll_lc_revocation(refusal, 1, rev);
		goto record;
	}
	if (json_object_set_new(body, "reason", json_string(reason)) == -1 ||
	    asprintf(&path, "/api/v1/applications/%s/revoke",
	    state_get(a, APPKEY_REQUEST_NUMBER)) == -1) {
		path = NULL;
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		goto out;
	}
	if (enroll_call(e, "POST", path, body, 0, ANSWER_STATUS, &res, err) == 0)
		enroll_lc_revocation(res.json, 0, rev);
	else if (enroll_lc_already(res.code)) {
		failure_free(err);
		enroll_lc_revocation(res.json, 1, rev);
	} else
		goto out;
record:
	rc = enroll_lc_record_revoked(e, id, rev, err);
out:
	client_result_free(&res);
	json_decref(body);
	json_decref(refusal);
	free(path);
	return rc;
}

/* ---- renewal ---- */

time_t
enroll_cert_not_after(const char *pem)
{
	BIO		*bio;
	X509		*x = NULL;
	struct tm	 tm;
	time_t		 t = 0;

	if (pem == NULL || (bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return 0;
	if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL &&
	    ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		t = timegm(&tm);
	X509_free(x);
	BIO_free(bio);
	return t;
}

/* Why a renewal cannot be, in the person's words: expired, revoked or never issued. */
static int
enroll_lc_not_renewable(struct failure *err, const char *why, const char *number)
{
	if (strcmp(why, "expired") == 0)
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_renewable",
		    _("the certificates of application %s have expired and cannot be renewed: a "
		    "new application is needed"), number);
	else if (strcmp(why, "revoked") == 0)
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_renewable",
		    _("the certificates of application %s are revoked and cannot be renewed: a "
		    "new application is needed"), number);
	else
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_renewable",
		    _("no certificates were issued for application %s, so there is nothing to "
		    "renew"), number);
	return -1;
}

/* What the local copy says against a renewal; 0 when it says nothing. */
static int
enroll_lc_renewable(const struct state_app *a, struct failure *err)
{
	const char	*number = state_get(a, APPKEY_REQUEST_NUMBER);
	time_t		 until = enroll_cert_not_after(state_get(a, APPKEY_CERT_AUTH));

	if (a->state == MS_REVOKED)
		return enroll_lc_not_renewable(err, "revoked", number);
	if (a->state != MS_ISSUED && a->state != MS_CERTS_READY && a->state != MS_INSTALLED)
		return enroll_lc_not_renewable(err, "not_issued", number);
	if (until != 0 && until <= time(NULL))
		return enroll_lc_not_renewable(err, "expired", number);
	return 0;
}

int
enroll_renew_plan(struct enroll *e, const char *key, enum enroll_secret *need,
    struct failure *err)
{
	struct state_app	*a;
	json_t			*status = NULL;
	int			 rc = -1;

	*need = ENROLL_SECRET_NONE;
	/* Revoked or expired is said first from what is kept, then from the service. */
	if ((a = enroll_lc_app(e, key, err)) == NULL || enroll_lc_renewable(a, err) == -1 ||
	    (a = enroll_lc_refresh(e, key, &status, err)) == NULL ||
	    enroll_lc_renewable(a, err) == -1)
		goto out;
	*need = enroll_lc_need(a);
	rc = 0;
out:
	json_decref(status);
	return rc;
}

/* What a renewal does not take over from the application it renews. */
static const char *const enroll_lc_not_copied[] = {
	APPKEY_REQUEST_NUMBER, APPKEY_DEADLINE, APPKEY_MAIL, APPKEY_SCREEN,
	APPKEY_CONTAINER_AUTH, APPKEY_CONTAINER_SIGN, APPKEY_CERT_AUTH, APPKEY_CERT_SIGN,
	APPKEY_CHAIN, APPKEY_INSTALLED_AT, APPKEY_INSTALL_NONCE, APPKEY_INSTALL_PROOF,
	APPKEY_REPORTED, APPKEY_KEYS_REMOVED, APPKEY_STATUS, APPKEY_REVOKED_AT,
	APPKEY_REVOKE_REASON, APPKEY_REVOKED_BY, APPKEY_RENEWS, APPKEY_RENEWED_BY,
	APPKEY_CREATED, APPKEY_UPDATED, APPKEY_CHECK_TOKEN, APPKEY_CHECK_TOKEN_EXPIRES,
};

static int
enroll_lc_copied(const char *key)
{
	size_t	i;

	for (i = 0; i < sizeof enroll_lc_not_copied / sizeof enroll_lc_not_copied[0]; i++)
		if (strcmp(enroll_lc_not_copied[i], key) == 0)
			return 0;
	return 1;
}

/*
 * The renewal's own application in the state: the one a renewal cut short left (its keys
 * are used again, no third pair is made), else a new draft with the old one's form.
 */
static int
enroll_lc_renewal_app(struct enroll *e, const char *old_id, char id[STATE_ID_LEN + 1],
    struct failure *err)
{
	struct state_app	*old, *a = NULL;
	const char		*number;
	char			*cause = NULL;
	size_t			 i;

	if ((old = enroll_begin(e, old_id, err)) == NULL)
		return -1;
	number = state_get(old, APPKEY_REQUEST_NUMBER);
	for (i = 0; i < e->st->napps && a == NULL; i++)
		if (state_get(&e->st->apps[i], APPKEY_RENEWS) != NULL &&
		    strcmp(state_get(&e->st->apps[i], APPKEY_RENEWS), number) == 0 &&
		    (e->st->apps[i].state == MS_DRAFT || e->st->apps[i].state == MS_KEYS_READY))
			a = &e->st->apps[i];
	if (a != NULL) {
		memcpy(id, a->id, STATE_ID_LEN + 1);
		state_abort(e->st);
		return 0;
	}
	if ((a = state_app_add(e->st, &cause)) == NULL)
		goto fail;
	old = state_app_find(e->st, old_id);	/* the array may have moved */
	for (i = 0; i < old->nf; i++)
		if (enroll_lc_copied(old->f[i].key) &&
		    state_set(a, old->f[i].key, old->f[i].value, &cause) == -1)
			goto fail;
	if (state_set(a, APPKEY_RENEWS, state_get(old, APPKEY_REQUEST_NUMBER), &cause) == -1)
		goto fail;
	memcpy(id, a->id, STATE_ID_LEN + 1);
	return enroll_commit(e, err);
fail:
	state_abort(e->st);
	enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
	free(cause);
	return -1;
}

/* Lower hex SHA-256 of a request's DER SubjectPublicKeyInfo (ca_csr_check's key id). */
static int
enroll_lc_key_id(const char *csr_pem, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	BIO			*bio;
	X509_REQ		*req = NULL;
	unsigned char		*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	int			 len = -1, rc = -1;

	if ((bio = BIO_new_mem_buf(csr_pem, -1)) == NULL)
		return -1;
	if ((req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL)) != NULL &&
	    (len = i2d_PUBKEY(X509_REQ_get0_pubkey(req), &der)) > 0 &&
	    EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32) {
		for (i = 0; i < mdlen; i++) {
			out[2 * i] = hex[md[i] >> 4];
			out[2 * i + 1] = hex[md[i] & 15];
		}
		out[64] = '\0';
		rc = 0;
	}
	OPENSSL_free(der);
	X509_REQ_free(req);
	BIO_free(bio);
	return rc;
}

/* The new keys (made now, or kept from a renewal cut short) and their two requests. */
static int
enroll_lc_new_keys(struct enroll *e, const char *id, const struct secret *secret,
    char *csr[KEYSTORE_KEY__MAX], struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	struct keystore		*ks;
	char			*cause = NULL;
	int			 created, k, rc = -1;

	/* The token is opened with its PIN; a folder with nothing (a password is not a PIN). */
	if ((ks = enroll_keystore(a, enroll_on_token(a) ? secret : NULL, err)) == NULL)
		return -1;
	if (ks->ops->generate(ks, &created, &cause) == -1)
		goto fail;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (ks->ops->csr(ks, k, &csr[k], &cause) == -1)
			goto fail;
	keystore_close(ks);
	ks = NULL;
	if (state_app_find(e->st, id)->state == MS_DRAFT &&
	    enroll_record(e, id, ME_KEYS_MADE, err, (char *)NULL) == -1)
		goto out;
	rc = 0;
	goto out;
fail:
	enroll_fail_cause(err, FAILURE_LOCAL, enroll_on_token(a) ? "pin" : "dir", NULL, cause);
out:
	keystore_close(ks);
	free(cause);
	return rc;
}

/* The service's refusal of a renewal (its body, or NULL), with its why, in the person's
 * words: the code is the one err holds. */
static void
enroll_lc_renew_refused(const json_t *body, const char *number, struct failure *err)
{
	const json_t	*e = json_object_get(body, "error");
	const char	*why = enroll_lc_str(e, "why") != NULL ? enroll_lc_str(e, "why") :
			    enroll_lc_str(body, "why");
	const char	*code = err != NULL ? err->code : NULL;

	if (body == NULL || code == NULL)
		return;
	if (strcmp(code, "application.not_renewable") == 0)
		(void)enroll_lc_not_renewable(err, why != NULL ? why : "", number);
	/* The registers changed since the desk verified them: only a desk can again. */
	else if (strcmp(code, "application.not_issuable") == 0)
		enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_issuable",
		    "%s", _("the registers no longer hold the same data for these certificates (the "
		    "organization, the person, the role or the ГУ/СКС code changed), so they "
		    "cannot be renewed online: a new application at a registration desk is "
		    "needed"));
}

/*
 * The number a renewal cut short was given: the service took these new keys before the
 * answer was recorded here (a crash, a lost connection), so it refuses them again
 * (key.reused) and names the renewal in the old application's status. 0 and new_number,
 * or -1 (err kept as it was) when it does not.
 */
static int
enroll_lc_renewed_before(struct enroll *e, const char *old_id,
    char new_number[REQNUM_LEN + 1], struct failure *err)
{
	json_t		*status = NULL;
	const char	*by;
	int		 rc = -1;

	if (err == NULL || err->code == NULL || strcmp(err->code, "key.reused") != 0 ||
	    enroll_refresh(e, old_id, &status, NULL) == -1)
		return -1;
	if ((by = enroll_lc_str(status, "renewed_by")) != NULL && strlen(by) == REQNUM_LEN) {
		(void)snprintf(new_number, REQNUM_LEN + 1, "%s", by);
		failure_free(err);
		rc = 0;
	}
	json_decref(status);
	return rc;
}

/* POST renew: the new application, issued at once, recorded (old and new linked). */
static int
enroll_lc_post_renew(struct enroll *e, const char *old_id, const char *new_id,
    json_t *body, char new_number[REQNUM_LEN + 1], struct failure *err)
{
	struct state_app	*old = state_app_find(e->st, old_id);
	struct client_result	 res;
	char			*path = NULL, number[REQNUM_LEN + 1];
	int			 rc = -1;

	memset(&res, 0, sizeof res);
	(void)snprintf(number, sizeof number, "%s", state_get(old, APPKEY_REQUEST_NUMBER));
	if (asprintf(&path, "/api/v1/applications/%s/renew", number) == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return -1;
	}
	if (enroll_call(e, "POST", path, body, 0, ANSWER_STATUS, &res, err) == 0)
		(void)snprintf(new_number, REQNUM_LEN + 1, "%s",
		    enroll_lc_str(res.json, "request_number"));
	else if (enroll_lc_renewed_before(e, old_id, new_number, err) == -1) {
		enroll_lc_renew_refused(res.json, number, err);
		goto out;
	}
	FAULT_POINT("renew.answered");
	if (enroll_record(e, new_id, ME_RENEWED, err, APPKEY_REQUEST_NUMBER, new_number,
	    APPKEY_STATUS, "issued", (char *)NULL) == -1 ||
	    enroll_record(e, old_id, ENROLL_NO_MOVE, err, APPKEY_RENEWED_BY, new_number,
	    (char *)NULL) == -1)
		goto out;
	rc = 0;
out:
	client_result_free(&res);
	free(path);
	return rc;
}

int
enroll_renew(struct enroll *e, const char *key, const struct secret *secret,
    char new_number[REQNUM_LEN + 1], struct failure *err)
{
	struct state_app	*a;
	json_t			*body = NULL;
	char			 old_id[STATE_ID_LEN + 1], new_id[STATE_ID_LEN + 1];
	char			*csr[KEYSTORE_KEY__MAX] = { NULL, NULL };
	char			 kid[KEYSTORE_KEY__MAX][65], detail[2 * 65];
	json_t			*refusal = NULL;
	int			 rc = -1;

	new_number[0] = '\0';
	if ((a = enroll_lc_app(e, key, err)) == NULL || enroll_lc_renewable(a, err) == -1)
		return -1;
	memcpy(old_id, a->id, sizeof old_id);
	if (enroll_lc_renewal_app(e, old_id, new_id, err) == -1 ||
	    enroll_lc_new_keys(e, new_id, secret, csr, err) == -1)
		goto out;
	if (enroll_lc_key_id(csr[KEYSTORE_AUTH], kid[KEYSTORE_AUTH]) == -1 ||
	    enroll_lc_key_id(csr[KEYSTORE_SIGN], kid[KEYSTORE_SIGN]) == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s",
		    _("the new keys' requests cannot be read"));
		goto out;
	}
	(void)snprintf(detail, sizeof detail, "%s:%s", kid[KEYSTORE_AUTH], kid[KEYSTORE_SIGN]);
	if ((body = enroll_lc_signed_body(e, state_app_find(e->st, old_id), "renew", detail,
	    secret, &refusal, err)) == NULL) {
		enroll_lc_renew_refused(refusal, state_get(state_app_find(e->st, old_id),
		    APPKEY_REQUEST_NUMBER), err);
		goto out;
	}
	if (json_object_set_new(body, "csr_auth", json_string(csr[KEYSTORE_AUTH])) == -1 ||
	    json_object_set_new(body, "csr_sign", json_string(csr[KEYSTORE_SIGN])) == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		goto out;
	}
	rc = enroll_lc_post_renew(e, old_id, new_id, body, new_number, err);
out:
	json_decref(body);
	json_decref(refusal);
	free(csr[KEYSTORE_AUTH]);
	free(csr[KEYSTORE_SIGN]);
	return rc;
}

/*
 * enroll-certs — the certificates on this computer (enroll.h): every application of the
 * state whose certificates were installed, what its AUTH certificate says of its
 * validity, whether its folder or token is here, and, when asked, its OCSP responder's
 * word (ocsp.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "common/log.h"
#include "enroll/enroll-int.h"
#include "enroll/ocsp.h"

#define ENROLL_CERTS_OCSP_TIMEOUT	10	/* seconds for one OCSP question */

/* Installed once: installed now, or revoked after it was. */
static int
enroll_certs_listed(const struct state_app *a)
{
	return state_get(a, APPKEY_CERT_AUTH) != NULL && (a->state == MS_INSTALLED ||
	    (a->state == MS_REVOKED && state_get(a, APPKEY_INSTALLED_AT) != NULL));
}

static char *
enroll_certs_holder(const struct state_app *a)
{
	char		*s;
	const char	*g = state_get(a, APPKEY_GIVEN_NAME), *p = state_get(a, APPKEY_PATRONYMIC);

	if (asprintf(&s, "%s%s%s%s%s", state_get(a, APPKEY_SURNAME) != NULL ?
	    state_get(a, APPKEY_SURNAME) : "", g != NULL && *g != '\0' ? " " : "",
	    g != NULL ? g : "", p != NULL && *p != '\0' ? " " : "", p != NULL ? p : "") == -1)
		return NULL;
	return s;
}

/* The role's name in the current language, as the form kept it (role_kk...). */
static char *
enroll_certs_role(const struct state_app *a)
{
	char		 key[32];
	const char	*v;

	(void)snprintf(key, sizeof key, "%s_%s", APPKEY_ROLE, i18n_current());
	v = state_get(a, key) != NULL ? state_get(a, key) : state_get(a, APPKEY_ROLE);
	return strdup(v != NULL ? v : "");
}

/* Is the token with this serial connected now? The list is read once, when first needed. */
static int
enroll_certs_connected(struct enroll *e, const char *serial, struct keystore_token **tok,
    size_t *ntok, int *read)
{
	size_t	i;

	if (!*read) {
		*read = 1;
		if (enroll_tokens(e, tok, ntok, NULL) == -1) {
			*tok = NULL;
			*ntok = 0;
		}
	}
	for (i = 0; serial != NULL && i < *ntok; i++)
		if ((*tok)[i].serial != NULL && strcmp((*tok)[i].serial, serial) == 0)
			return 1;
	return 0;
}

static enum enroll_ocsp
enroll_certs_ocsp(const struct state_app *a, int *reason, time_t *at)
{
	struct ocsp_result	 r;
	char			*cause = NULL;

	if (ocsp_ask(state_get(a, APPKEY_CERT_AUTH), state_get(a, APPKEY_CHAIN),
	    ENROLL_CERTS_OCSP_TIMEOUT, &r, &cause) == -1) {
		log_debug("%s: %s", state_get(a, APPKEY_REQUEST_NUMBER), cause);
		free(cause);
		return ENROLL_OCSP_NO_ANSWER;
	}
	*reason = r.crl_reason;
	*at = r.revoked_at;
	return r.status == OCSP_STATUS_GOOD ? ENROLL_OCSP_GOOD :
	    r.status == OCSP_STATUS_REVOKED ? ENROLL_OCSP_REVOKED : ENROLL_OCSP_UNKNOWN;
}

long
enroll_cert_days_left(time_t not_after, time_t now)
{
	return not_after >= now ? (long)((not_after - now) / 86400) :
	    -1 - (long)((now - not_after) / 86400);
}

static int
enroll_certs_one(struct enroll *e, const struct state_app *a, int ocsp, time_t now,
    struct enroll_cert *c, struct keystore_token **tok, size_t *ntok, int *read)
{
	const char	*label = state_get(a, APPKEY_TOKEN_LABEL);
	const char	*renewed = state_get(a, APPKEY_RENEWED_BY);

	memset(c, 0, sizeof *c);
	(void)snprintf(c->number, sizeof c->number, "%s", state_get(a, APPKEY_REQUEST_NUMBER) !=
	    NULL ? state_get(a, APPKEY_REQUEST_NUMBER) : a->id);
	c->state = a->state;
	c->on_token = enroll_on_token(a);
	c->crl_reason = -1;
	c->not_after = enroll_cert_not_after(state_get(a, APPKEY_CERT_AUTH));
	c->days_left = enroll_cert_days_left(c->not_after, now);
	if (c->on_token)
		c->present = enroll_certs_connected(e, state_get(a, APPKEY_TOKEN), tok, ntok, read);
	else
		c->present = state_get(a, APPKEY_CONTAINER_AUTH) != NULL &&
		    access(state_get(a, APPKEY_CONTAINER_AUTH), R_OK) == 0;
	c->ocsp = ocsp ? enroll_certs_ocsp(a, &c->crl_reason, &c->revoked_at) :
	    ENROLL_OCSP_NOT_ASKED;
	if ((c->holder = enroll_certs_holder(a)) == NULL ||
	    (c->role = enroll_certs_role(a)) == NULL ||
	    (c->where = strdup(c->on_token ? (label != NULL ? label :
	    state_get(a, APPKEY_TOKEN) != NULL ? state_get(a, APPKEY_TOKEN) : "") :
	    state_get(a, APPKEY_DIR) != NULL ? state_get(a, APPKEY_DIR) : "")) == NULL ||
	    (renewed != NULL && (c->renewed_by = strdup(renewed)) == NULL))
		return -1;
	return 0;
}

int
enroll_certs(struct enroll *e, int ocsp, struct enroll_cert **out, size_t *n,
    struct failure *err)
{
	struct keystore_token	*tok = NULL;
	struct enroll_cert	*v = NULL;
	size_t			 i, ntok = 0, k = 0;
	int			*listed = NULL, read = 0, rc = -1;
	time_t			 now = time(NULL);

	*out = NULL;
	*n = 0;
	if (e->st->napps > 0 && ((v = calloc(e->st->napps, sizeof *v)) == NULL ||
	    (listed = calloc(e->st->napps, sizeof *listed)) == NULL))
		goto oom;
	for (i = 0; i < e->st->napps; i++) {
		if (!(listed[i] = enroll_certs_listed(&e->st->apps[i])))
			continue;
		if (enroll_certs_one(e, &e->st->apps[i], ocsp, now, &v[k++], &tok, &ntok,
		    &read) == -1)
			goto oom;
	}
	if (ocsp) {
		(void)enroll_certs_connected(e, NULL, &tok, &ntok, &read);
		if (enroll_certs_tokens(e, listed, tok, ntok, ocsp, now, &v, &k) == -1)
			goto oom;
	}
	*out = v;
	*n = k;
	v = NULL;
	rc = 0;
	goto out;
oom:
	enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
out:
	enroll_certs_free(v, k);
	keystore_pkcs11_tokens_free(tok, ntok);
	free(listed);
	return rc;
}

void
enroll_certs_free_one(struct enroll_cert *c)
{
	free(c->holder);
	free(c->role);
	free(c->where);
	free(c->renewed_by);
}

void
enroll_certs_free(struct enroll_cert *v, size_t n)
{
	size_t	i;

	for (i = 0; v != NULL && i < n; i++)
		enroll_certs_free_one(&v[i]);
	free(v);
}

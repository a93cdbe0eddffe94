/*
 * enroll-certs-token — certificates on the connected tokens that this computer's state does
 * not know (installed from another computer, or before the state was lost), for
 * enroll_certs. Each token is opened without a PIN in a read-only public session:
 * certificates are public objects. A certificate is kept when it is an end-entity one
 * signed by a CA of this service: a CA certificate of a chain the state holds, else of the
 * chain the service gives (GET /api/v1/ca/chain, asked only when the state's chains sign
 * none of them). The signature is checked, not only the issuer's name: a token can carry
 * anything. The AUTH and SIGN certificates of one person (same subject serialNumber and OU,
 * same notBefore) are one row, its dates and OCSP status the AUTH one's, as for the state's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <p11-kit/pkcs11.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "common/log.h"
#include "enroll/client.h"
#include "enroll/enroll-int.h"
#include "enroll/ocsp.h"
#include "p11/p11.h"

#define CERTS_TOKEN_OCSP_TIMEOUT	10	/* seconds for one OCSP question */
#define CERTS_TOKEN_CHAINS_MAX		8	/* distinct chains looked at */

struct certs_token_ctx {
	struct enroll	*e;
	char		*chains[CERTS_TOKEN_CHAINS_MAX];	/* PEM, the state's then the service's */
	size_t		 nchains;
	int		 asked;		/* the service's chain was asked for */
	char		**known;	/* serials (hex) the state lists */
	size_t		 nknown;
	json_t		*roles;		/* the service's roles directory, or NULL */
	int		 roles_asked;
	time_t		 now;		/* the listing's */
};

/* One row being made: the person's key, the certificate it shows, its chain. */
struct certs_token_row {
	char		*key;
	X509		*cert;
	int		 auth;
	const char	*chain;
};

static char *
certs_token_serial(const X509 *x)
{
	BIGNUM	*bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char	*hex = bn != NULL ? BN_bn2hex(bn) : NULL, *s = hex != NULL ? strdup(hex) : NULL;

	OPENSSL_free(hex);
	BN_free(bn);
	return s;
}

static X509 *
certs_token_pem_cert(const char *pem)
{
	BIO	*b = pem != NULL ? BIO_new_mem_buf(pem, -1) : NULL;
	X509	*x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	return x;
}

static char *
certs_token_x509_pem(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*p = NULL, *s = NULL;
	long	 n;

	if (b != NULL && PEM_write_bio_X509(b, x) == 1 && (n = BIO_get_mem_data(b, &p)) > 0 &&
	    (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, p, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(b);
	return s;
}

static int
certs_token_add_chain(struct certs_token_ctx *c, const char *pem)
{
	size_t	i;

	for (i = 0; i < c->nchains; i++)
		if (strcmp(c->chains[i], pem) == 0)
			return 0;
	if (c->nchains == CERTS_TOKEN_CHAINS_MAX)
		return 0;
	return (c->chains[c->nchains++] = strdup(pem)) != NULL ? 0 : -1;
}

static int
certs_token_add_known(struct certs_token_ctx *c, const char *pem)
{
	X509	*x = certs_token_pem_cert(pem);
	char	**grown, *s;

	if (x == NULL)
		return 0;
	s = certs_token_serial(x);
	X509_free(x);
	if (s == NULL || (grown = realloc(c->known, (c->nknown + 1) * sizeof *grown)) == NULL) {
		free(s);
		return -1;
	}
	c->known = grown;
	c->known[c->nknown++] = s;
	return 0;
}

/* The serials and chains of the applications listed from the state (listed[i] nonzero). */
static int
certs_token_ctx_init(struct certs_token_ctx *c, struct enroll *e, const int *listed)
{
	const struct state_app	*a;
	size_t			 i;

	memset(c, 0, sizeof *c);
	c->e = e;
	for (i = 0; i < e->st->napps; i++) {
		a = &e->st->apps[i];
		if (!listed[i])
			continue;
		if (certs_token_add_known(c, state_get(a, APPKEY_CERT_AUTH)) == -1 ||
		    certs_token_add_known(c, state_get(a, APPKEY_CERT_SIGN)) == -1 ||
		    (state_get(a, APPKEY_CHAIN) != NULL &&
		    certs_token_add_chain(c, state_get(a, APPKEY_CHAIN)) == -1))
			return -1;
	}
	return 0;
}

static void
certs_token_ctx_free(struct certs_token_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->nchains; i++)
		free(c->chains[i]);
	for (i = 0; i < c->nknown; i++)
		free(c->known[i]);
	free(c->known);
	json_decref(c->roles);
}

static int
certs_token_known(const struct certs_token_ctx *c, const X509 *x)
{
	char	*s = certs_token_serial(x);
	size_t	 i;
	int	 yes = s == NULL;	/* unreadable: not listed twice */

	for (i = 0; s != NULL && !yes && i < c->nknown; i++)
		yes = strcmp(s, c->known[i]) == 0;
	free(s);
	return yes;
}

/* 1 when a CA certificate of the chain pem issued and signed x. */
static int
certs_token_signed_by(const char *pem, X509 *x)
{
	BIO		*b = BIO_new_mem_buf(pem, -1);
	X509		*ca;
	EVP_PKEY	*k;
	int		 yes = 0;

	while (b != NULL && !yes && (ca = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		k = X509_get0_pubkey(ca);
		yes = X509_check_ca(ca) != 0 && X509_check_issued(ca, x) == X509_V_OK &&
		    k != NULL && X509_verify(x, k) == 1;
		X509_free(ca);
	}
	BIO_free(b);
	return yes;
}

/* The service's chain, asked once; a failure only means no further chain. */
static void
certs_token_ask_chain(struct certs_token_ctx *c)
{
	struct client_result	 res;
	char			*cause = NULL;

	c->asked = 1;
	if (c->e->cl == NULL)
		return;
	if (client_get_raw(c->e->cl, "/api/v1/ca/chain", &res, &cause) == 0 &&
	    res.body != NULL && strstr(res.body, "-----BEGIN CERTIFICATE-----") != NULL) {
		if (certs_token_add_chain(c, res.body) == -1)
			log_debug("%s", _("out of memory"));
	} else
		log_debug("GET /api/v1/ca/chain: %s", cause != NULL ? cause : "?");
	free(cause);
	client_result_free(&res);
}

/* The chain whose CA signed x, or NULL when none of this service's did. */
static const char *
certs_token_chain_of(struct certs_token_ctx *c, X509 *x)
{
	size_t	i;

	if (X509_check_ca(x) != 0)
		return NULL;
	for (i = 0; i < c->nchains; i++)
		if (certs_token_signed_by(c->chains[i], x))
			return c->chains[i];
	if (c->asked)
		return NULL;
	certs_token_ask_chain(c);
	return i < c->nchains && certs_token_signed_by(c->chains[i], x) ? c->chains[i] : NULL;
}

static char *
certs_token_rdn(const X509 *x, int nid)
{
	X509_NAME	*name = X509_get_subject_name(x);
	int		 i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char	*u = NULL;
	char		*s;

	if (i < 0 || ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, i))) < 0)
		return strdup("");
	s = strdup((char *)u);
	OPENSSL_free(u);
	return s;
}

/* One person's pair: same IIN (serialNumber), same BIN (OU), made at the same moment. */
static char *
certs_token_key(const X509 *x)
{
	char	*sn = certs_token_rdn(x, NID_serialNumber), *ou = certs_token_rdn(x,
		    NID_organizationalUnitName), *k = NULL;
	time_t	 t = 0;
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) == 1)
		t = timegm(&tm);
	if (sn != NULL && ou != NULL && asprintf(&k, "%s/%s/%lld", sn, ou, (long long)t) == -1)
		k = NULL;
	free(sn);
	free(ou);
	return k;
}

/* AUTH: for logging in and key exchange; SIGN: non-repudiation only. */
static int
certs_token_is_auth(X509 *x)
{
	return !(X509_get_key_usage(x) & KU_NON_REPUDIATION);
}

/*
 * The holder as NCA's subject gives it: CN is "SURNAME GIVEN", G the patronymic
 * (ca-profile.c); the surname (SN) alone when there is no CN.
 */
static char *
certs_token_holder(const X509 *x)
{
	char	*cn = certs_token_rdn(x, NID_commonName), *g = certs_token_rdn(x,
		    NID_givenName), *sn = certs_token_rdn(x, NID_surname), *s = NULL;

	if (cn != NULL && g != NULL && sn != NULL && asprintf(&s, "%s%s%s", *cn != '\0' ? cn :
	    sn, *g != '\0' ? " " : "", g) == -1)
		s = NULL;
	free(cn);
	free(g);
	free(sn);
	return s;
}

/* The role's name in the current language from the service's roles, else the DC as is. */
static char *
certs_token_role(struct certs_token_ctx *c, const X509 *x)
{
	char		*dc = certs_token_rdn(x, NID_domainComponent);
	const char	*name = NULL;
	json_t		*r;
	size_t		 i;

	if (dc == NULL)
		return NULL;
	if (!c->roles_asked) {
		c->roles_asked = 1;
		if (enroll_directory(c->e, "", "roles", &c->roles, NULL) == -1)
			c->roles = NULL;
	}
	json_array_foreach(c->roles, i, r) {
		if (json_is_string(json_object_get(r, "dc")) &&
		    strcmp(json_string_value(json_object_get(r, "dc")), dc) == 0)
			name = json_string_value(json_object_get(json_object_get(r, "name"),
			    i18n_current()));
	}
	if (name != NULL && *name != '\0') {
		free(dc);
		return strdup(name);
	}
	return dc;
}

static enum enroll_ocsp
certs_token_ocsp(const char *pem, const char *chain, int *reason, time_t *at)
{
	struct ocsp_result	 r;
	char			*cause = NULL;

	if (ocsp_ask(pem, chain, CERTS_TOKEN_OCSP_TIMEOUT, &r, &cause) == -1) {
		log_debug("%s", cause);
		free(cause);
		return ENROLL_OCSP_NO_ANSWER;
	}
	*reason = r.crl_reason;
	*at = r.revoked_at;
	return r.status == OCSP_STATUS_GOOD ? ENROLL_OCSP_GOOD :
	    r.status == OCSP_STATUS_REVOKED ? ENROLL_OCSP_REVOKED : ENROLL_OCSP_UNKNOWN;
}

static int
certs_token_fill(struct certs_token_ctx *c, const struct certs_token_row *row,
    const char *label, int ocsp, struct enroll_cert *out)
{
	char		*pem = certs_token_x509_pem(row->cert);
	struct tm	 tm;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	out->from_token = 1;
	out->on_token = 1;
	out->present = 1;
	out->state = MS_INSTALLED;
	out->crl_reason = -1;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(row->cert), &tm) == 1)
		out->not_after = timegm(&tm);
	out->days_left = enroll_cert_days_left(out->not_after, c->now);
	out->ocsp = ocsp && pem != NULL ? certs_token_ocsp(pem, row->chain, &out->crl_reason,
	    &out->revoked_at) : ENROLL_OCSP_NOT_ASKED;
	if (pem != NULL && (out->holder = certs_token_holder(row->cert)) != NULL &&
	    (out->role = certs_token_role(c, row->cert)) != NULL &&
	    (out->where = strdup(label)) != NULL)
		rc = 0;
	free(pem);
	return rc;
}

/* Kept certificates of one token into rows, the AUTH one shown for a pair. */
static int
certs_token_rows(struct certs_token_ctx *c, struct p11 *t, struct certs_token_row **rows,
    size_t *nrows)
{
	struct certs_token_row	*grown, *r;
	unsigned long		*objs = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	const char		*chain;
	char			*cause = NULL, *key;
	size_t			 n = 0, i, j, len;
	X509			*x;
	int			 rc = -1;

	if (p11_find(t, CKO_CERTIFICATE, NULL, NULL, 0, &objs, &n, &cause) == -1) {
		log_debug("%s", cause);
		free(cause);
		return 0;
	}
	for (i = 0; i < n; i++) {
		der = NULL;
		if (p11_attr(t, objs[i], CKA_VALUE, &der, &len, &cause) == -1) {
			log_debug("%s", cause);
			free(cause);
			cause = NULL;
			continue;
		}
		p = der;
		x = der != NULL ? d2i_X509(NULL, &p, (long)len) : NULL;
		free(der);
		if (x == NULL || certs_token_known(c, x) || (chain = certs_token_chain_of(c,
		    x)) == NULL || (key = certs_token_key(x)) == NULL) {
			X509_free(x);
			continue;
		}
		for (j = 0; j < *nrows && strcmp((*rows)[j].key, key) != 0; j++)
			;
		if (j < *nrows) {
			r = &(*rows)[j];
			free(key);
			if (!r->auth && certs_token_is_auth(x)) {
				X509_free(r->cert);
				r->cert = x;
				r->auth = 1;
				r->chain = chain;
			} else
				X509_free(x);
			continue;
		}
		if ((grown = realloc(*rows, (*nrows + 1) * sizeof *grown)) == NULL) {
			free(key);
			X509_free(x);
			goto out;
		}
		*rows = grown;
		grown[(*nrows)++] = (struct certs_token_row){ key, x, certs_token_is_auth(x),
		    chain };
	}
	rc = 0;
out:
	free(objs);
	return rc;
}

static void
certs_token_rows_free(struct certs_token_row *rows, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(rows[i].key);
		X509_free(rows[i].cert);
	}
	free(rows);
}

/* One token's rows appended to *v (*n of them, room grown as needed). */
static int
certs_token_one(struct certs_token_ctx *c, const struct keystore_token *tok, int ocsp,
    struct enroll_cert **v, size_t *n)
{
	struct certs_token_row	*rows = NULL;
	struct enroll_cert	*grown;
	struct p11		*t;
	char			*cause = NULL;
	size_t			 nrows = 0, i;
	int			 rc = -1;

	if ((t = p11_open_public(keystore_pkcs11_module(), tok->serial, NULL, &cause)) ==
	    NULL) {
		log_debug("%s", cause);
		free(cause);
		return 0;
	}
	if (certs_token_rows(c, t, &rows, &nrows) == -1)
		goto out;
	if (nrows > 0 && (grown = realloc(*v, (*n + nrows) * sizeof *grown)) == NULL)
		goto out;
	if (nrows > 0)
		*v = grown;
	for (i = 0; i < nrows; i++) {
		if (certs_token_fill(c, &rows[i], tok->label != NULL ? tok->label : tok->serial,
		    ocsp, &(*v)[*n]) == -1) {
			enroll_certs_free_one(&(*v)[*n]);
			goto out;
		}
		(*n)++;
	}
	rc = 0;
out:
	certs_token_rows_free(rows, nrows);
	p11_close(t);
	return rc;
}

int
enroll_certs_tokens(struct enroll *e, const int *listed, const struct keystore_token *tok,
    size_t ntok, int ocsp, time_t now, struct enroll_cert **v, size_t *n)
{
	struct certs_token_ctx	c;
	size_t			i;
	int			rc = -1;

	if (certs_token_ctx_init(&c, e, listed) == -1)
		goto out;
	c.now = now;
	for (i = 0; i < ntok; i++)
		if (tok[i].serial != NULL && certs_token_one(&c, &tok[i], ocsp, v, n) == -1)
			goto out;
	rc = 0;
out:
	certs_token_ctx_free(&c);
	return rc;
}

/*
 * ca-crl — CRLs (v2, sha256WithRSAEncryption) as NCA's carry them: issuer, thisUpdate,
 * nextUpdate, each entry with its revocation date and a reasonCode extension, and the CRL
 * extensions AKI and CRL number; a full CRL of the issuing CA also names its delta
 * (Freshest CRL), a delta carries the critical deltaCRLIndicator with its base's number
 * (RFC 5280 §5.2.4). Numbers and dates come from the caller (the service keeps the
 * counter, store_crl_number_next): the CA keeps no state of its own. ca_crl_make signs
 * with any issuer (the demo's root signs its own CRL with it, ca-demo.c).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "ncaenrolld/ca-int.h"

static ASN1_INTEGER *
ca_crl_serial(const char *hex, char **cause)
{
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai = NULL;
	size_t		 n = hex != NULL ? strlen(hex) : 0;

	if (n == 0 || n > 2 * CA_SERIAL_LEN || strspn(hex, "0123456789ABCDEFabcdef") != n ||
	    BN_hex2bn(&bn, hex) != (int)n || (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
		ERR_clear_error();
		cause_set(cause, _("Not a certificate serial number: \"%s\""),
		    hex != NULL ? hex : "");
	}
	BN_free(bn);
	return ai;
}

/* reasonCode (RFC 5280 §5.3.1); unspecified (0) is left out, as the RFC asks. */
static int
ca_crl_reason(X509_REVOKED *rev, int reason)
{
	ASN1_ENUMERATED	*e;
	int		 rc;

	if (reason <= 0)
		return 1;
	if ((e = ASN1_ENUMERATED_new()) == NULL || ASN1_ENUMERATED_set(e, reason) != 1) {
		ASN1_ENUMERATED_free(e);
		return 0;
	}
	rc = X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, e, 0, 0);
	ASN1_ENUMERATED_free(e);
	return rc;
}

static int
ca_crl_add(X509_CRL *crl, const struct ca_revoked *r, char **cause)
{
	X509_REVOKED	*rev = NULL;
	ASN1_INTEGER	*serial;
	ASN1_TIME	*when = NULL;
	int		 rc = -1;

	if (r->reason < 0 || r->reason > 10 || r->reason == 7) {
		cause_set(cause, _("Not a CRL reason code: %d"), r->reason);
		return -1;
	}
	if ((serial = ca_crl_serial(r->serial, cause)) == NULL)
		return -1;
	if ((rev = X509_REVOKED_new()) == NULL || (when = ASN1_TIME_set(NULL, r->when)) == NULL ||
	    X509_REVOKED_set_serialNumber(rev, serial) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, when) != 1 ||
	    ca_crl_reason(rev, r->reason) != 1 ||
	    X509_CRL_add0_revoked(crl, rev) != 1)
		ca_x509_openssl_cause(cause, _("Cannot add an entry to the CRL"));
	else {
		rev = NULL;
		rc = 0;
	}
	X509_REVOKED_free(rev);
	ASN1_TIME_free(when);
	ASN1_INTEGER_free(serial);
	return rc;
}

static int
ca_crl_add_number(X509_CRL *crl, int nid, long long n, int critical)
{
	ASN1_INTEGER	*num = ASN1_INTEGER_new();
	int		 rc;

	rc = num != NULL && ASN1_INTEGER_set_int64(num, (int64_t)n) == 1 &&
	    X509_CRL_add1_ext_i2d(crl, nid, num, critical, 0) == 1;
	ASN1_INTEGER_free(num);
	return rc ? 0 : -1;
}

static int
ca_crl_add_freshest(X509_CRL *crl, const char *url)
{
	CRL_DIST_POINTS	*dps;
	int		 rc;

	if (url == NULL)
		return 0;
	if ((dps = ca_profile_crldp(url)) == NULL)
		return -1;
	rc = X509_CRL_add1_ext_i2d(crl, NID_freshest_crl, dps, 0, 0) == 1 ? 0 : -1;
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return rc;
}

/* Version, issuer, dates and the CRL extensions. */
static int
ca_crl_frame(const struct ca_crl_signer *s, X509_CRL *crl, const struct ca_crl_spec *spec,
    char **cause)
{
	ASN1_TIME	*last = ASN1_TIME_set(NULL, spec->this_update);
	ASN1_TIME	*next = ASN1_TIME_set(NULL, spec->next_update);
	AUTHORITY_KEYID	*aki = NULL;
	unsigned char	 ski[64];
	size_t		 skilen = sizeof ski;
	int		 rc = -1;

	if (ca_x509_ski(s->cert, ski, &skilen, cause) == -1)
		goto out;
	if (last == NULL || next == NULL ||
	    X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(s->cert)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, last) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, next) != 1 ||
	    (aki = ca_x509_aki_new(ski, skilen, cause)) == NULL ||
	    X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, aki, 0, 0) != 1 ||
	    ca_crl_add_number(crl, NID_crl_number, spec->number, 0) == -1 ||
	    (spec->base > 0 &&
	    ca_crl_add_number(crl, NID_delta_crl, spec->base, 1) == -1) ||
	    (spec->base == 0 && ca_crl_add_freshest(crl, s->freshest_url) == -1))
		ca_x509_openssl_cause(cause, _("Cannot assemble the CRL"));
	else
		rc = 0;
out:
	AUTHORITY_KEYID_free(aki);
	ASN1_TIME_free(next);
	ASN1_TIME_free(last);
	return rc;
}

static int
ca_crl_sign(const struct ca_crl_signer *s, X509_CRL *crl, char **cause)
{
	int	rc = 0;

	if (s->lock != NULL && (errno = pthread_mutex_lock(s->lock)) != 0) {
		cause_set(cause, _("Cannot take the CA's lock: %s"), strerror(errno));
		return -1;
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, s->key, EVP_sha256()) <= 0) {
		ca_x509_sign_cause(s->key, cause, _("Cannot sign the CRL"));
		rc = -1;
	} else if (X509_CRL_verify(crl, X509_get0_pubkey(s->cert)) != 1) {
		/* A token that failed half-way: no CRL a relying party would refuse. */
		ERR_clear_error();
		cause_set(cause, "%s", _("The CA's signature on a new CRL does not verify with "
		    "the CA's certificate; it was not published"));
		rc = -1;
	}
	if (s->lock != NULL)
		(void)pthread_mutex_unlock(s->lock);
	return rc;
}

static int
ca_crl_der(X509_CRL *crl, unsigned char **der, size_t *len, char **cause)
{
	unsigned char	*p;
	int		 n;

	if ((n = i2d_X509_CRL(crl, NULL)) <= 0) {
		ca_x509_openssl_cause(cause, _("Cannot encode the CRL"));
		return -1;
	}
	if ((*der = p = malloc((size_t)n)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return -1;
	}
	if (i2d_X509_CRL(crl, &p) != n) {
		ca_x509_openssl_cause(cause, _("Cannot encode the CRL"));
		free(*der);
		*der = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int
ca_crl_make(const struct ca_crl_signer *s, const struct ca_revoked *revoked, size_t n,
    const struct ca_crl_spec *spec, unsigned char **der, size_t *len, char **cause)
{
	X509_CRL	*crl;
	size_t		 i;
	int		 rc = -1;

	if (s == NULL || der == NULL || len == NULL || (n > 0 && revoked == NULL) ||
	    spec == NULL || spec->number <= 0 || spec->base < 0 ||
	    (spec->base > 0 && spec->base >= spec->number) ||
	    spec->next_update <= spec->this_update) {
		cause_set(cause, "%s", _("A CRL was asked for with invalid arguments"));
		return -1;
	}
	*der = NULL;
	*len = 0;
	if ((crl = X509_CRL_new()) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return -1;
	}
	if (ca_crl_frame(s, crl, spec, cause) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (ca_crl_add(crl, &revoked[i], cause) == -1)
			goto out;
	}
	if (ca_crl_sign(s, crl, cause) == -1 || ca_crl_der(crl, der, len, cause) == -1)
		goto out;
	rc = 0;
out:
	X509_CRL_free(crl);
	return rc;
}

int
ca_crl(struct ca *ca, const struct ca_revoked *revoked, size_t n,
    const struct ca_crl_spec *spec, unsigned char **der, size_t *len, char **cause)
{
	struct ca_crl_signer	s;

	if (ca == NULL) {
		cause_set(cause, "%s", _("A CRL was asked for with invalid arguments"));
		return -1;
	}
	s.cert = ca->cert;
	s.key = ca->key;
	s.lock = &ca->lock;
	s.freshest_url = ca->url[CA_URL_DELTA_CRL];
	return ca_crl_make(&s, revoked, n, spec, der, len, cause);
}

static time_t
ca_crl_time(const ASN1_TIME *t)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* DER or PEM, whichever the file holds. */
static X509_CRL *
ca_crl_read_file(const char *path)
{
	BIO		*b;
	X509_CRL	*crl = NULL;

	if ((b = BIO_new_file(path, "rb")) == NULL)
		return NULL;
	crl = d2i_X509_CRL_bio(b, NULL);
	if (crl == NULL && BIO_reset(b) == 0)
		crl = PEM_read_bio_X509_CRL(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	return crl;
}

int
ca_root_crl_read(const struct ca *ca, const char *path, unsigned char **der, size_t *len,
    time_t *next_update, char **cause)
{
	X509_CRL	*crl;
	int		 rc = -1;

	*der = NULL;
	if ((crl = ca_crl_read_file(path)) == NULL) {
		cause_set(cause, _("Cannot read a CRL from %s"), path);
		goto out;
	}
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca->root)) != 0 ||
	    X509_CRL_verify(crl, X509_get0_pubkey(ca->root)) != 1) {
		cause_set(cause, _("The CRL in %s is not signed by the root of the chain"),
		    path);
		goto out;
	}
	*next_update = ca_crl_time(X509_CRL_get0_nextUpdate(crl));
	rc = ca_crl_der(crl, der, len, cause);
out:
	ERR_clear_error();
	X509_CRL_free(crl);
	return rc;
}

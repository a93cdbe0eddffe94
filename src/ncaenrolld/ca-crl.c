/*
 * ca-crl — the issuing CA's full CRL (v2, sha256WithRSAEncryption) from the list of
 * revoked serials the store keeps. The CRL number is `now` in seconds: the CA keeps no
 * state of its own, and a later CRL always gets a larger number (one per second at most).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

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

static int
ca_crl_add(X509_CRL *crl, const struct ca_revoked *r, char **cause)
{
	X509_REVOKED	*rev = NULL;
	ASN1_INTEGER	*serial;
	ASN1_TIME	*when = NULL;
	int		 rc = -1;

	if ((serial = ca_crl_serial(r->serial, cause)) == NULL)
		return -1;
	if ((rev = X509_REVOKED_new()) == NULL || (when = ASN1_TIME_set(NULL, r->when)) == NULL ||
	    X509_REVOKED_set_serialNumber(rev, serial) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, when) != 1 ||
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

/* Version, issuer, dates and the extensions NCA's CRLs carry: AKI and CRL number. */
static int
ca_crl_frame(struct ca *ca, X509_CRL *crl, time_t now, int days, char **cause)
{
	ASN1_TIME	*last = ASN1_TIME_set(NULL, now);
	ASN1_TIME	*next = ASN1_TIME_set(NULL, now + (time_t)days * 86400);
	ASN1_INTEGER	*num = ASN1_INTEGER_new();
	AUTHORITY_KEYID	*aki = NULL;
	int		 rc = -1;

	if (last == NULL || next == NULL || num == NULL ||
	    X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_CRL_set1_lastUpdate(crl, last) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, next) != 1 ||
	    ASN1_INTEGER_set_int64(num, (int64_t)now) != 1 ||
	    (aki = ca_x509_aki_new(ca->aki, ca->aki_len, cause)) == NULL ||
	    X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, aki, 0, 0) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1)
		ca_x509_openssl_cause(cause, _("Cannot assemble the CRL"));
	else
		rc = 0;
	AUTHORITY_KEYID_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(next);
	ASN1_TIME_free(last);
	return rc;
}

static int
ca_crl_sign(struct ca *ca, X509_CRL *crl, char **cause)
{
	int	rc = 0;

	if ((errno = pthread_mutex_lock(&ca->lock)) != 0) {
		cause_set(cause, _("Cannot take the CA's lock: %s"), strerror(errno));
		return -1;
	}
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, ca->key, EVP_sha256()) <= 0) {
		ca_x509_openssl_cause(cause, _("Cannot sign the CRL"));
		rc = -1;
	}
	(void)pthread_mutex_unlock(&ca->lock);
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
ca_crl(struct ca *ca, const struct ca_revoked *revoked, size_t n, time_t now,
    int next_update_days, unsigned char **der, size_t *len, char **cause)
{
	X509_CRL	*crl;
	size_t		 i;
	int		 rc = -1;

	if (ca == NULL || der == NULL || len == NULL || (n > 0 && revoked == NULL) ||
	    next_update_days <= 0) {
		cause_set(cause, "%s", _("A CRL was asked for with invalid arguments"));
		return -1;
	}
	*der = NULL;
	*len = 0;
	if ((crl = X509_CRL_new()) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return -1;
	}
	if (ca_crl_frame(ca, crl, now, next_update_days, cause) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (ca_crl_add(crl, &revoked[i], cause) == -1)
			goto out;
	}
	if (ca_crl_sign(ca, crl, cause) == -1 || ca_crl_der(crl, der, len, cause) == -1)
		goto out;
	rc = 0;
out:
	X509_CRL_free(crl);
	return rc;
}

/*
 * ca-x509 — the building blocks of every certificate the CA makes (applicants', the demo
 * CAs', the TLS server's): serials, validity, names with an exact ASN.1 string type, and
 * extensions built as ASN.1 structures rather than from config strings, so a URL or a
 * name can never inject another field; and a made key written out (the demo CAs').
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"
#include "p11/p11.h"
#include "ncaenrolld/ca-int.h"

/* The operator sees which step failed and OpenSSL's first (root-cause) reason. */
void
ca_x509_openssl_cause(char **cause, const char *what)
{
	unsigned long	 e = ERR_peek_error();
	const char	*why = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (why != NULL)
		cause_set(cause, "%s: %s", what, why);
	else
		cause_set(cause, "%s", what);
	ERR_clear_error();
}

/* Never prompt on a terminal: the daemon has none. Encrypted CA keys are not supported. */
int
ca_x509_no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int
ca_x509_hex(const unsigned char *p, size_t n, int upper, char *out, size_t outlen)
{
	const char	*digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t		 i;

	if (outlen < 2 * n + 1)
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
	return 0;
}

/*
 * Both the key id (SHA-256) and the SKI (SHA-1) hash the whole DER SubjectPublicKeyInfo.
 * i2d_PUBKEY is cheap for a request's key (ca-csr.c reads it the legacy way, a few us); it
 * builds an encoder context only for a key OpenSSL's decoders made, which only the CA's
 * own certificates' keys are, at start-up.
 */
int
ca_x509_spki_digest(EVP_PKEY *pkey, const EVP_MD *md, unsigned char *out, unsigned int *len,
    char **cause)
{
	unsigned char	*der = NULL;
	int		 n, rc = -1;

	if ((n = i2d_PUBKEY(pkey, &der)) <= 0)
		ca_x509_openssl_cause(cause, _("Cannot encode the public key"));
	else if (EVP_Digest(der, (size_t)n, out, len, md, NULL) != 1)
		ca_x509_openssl_cause(cause, _("Cannot hash the public key"));
	else
		rc = 0;
	OPENSSL_free(der);
	return rc;
}

/*
 * 20 random bytes, top bit clear (a positive INTEGER) and first byte non-zero, so the DER
 * INTEGER is always exactly 20 octets like NCA's. NCA derives its serial from the SKI;
 * ours is random so nobody can predict it from a CSR (nca-facts.md §2, a decision).
 */
int
ca_x509_set_serial(X509 *x, unsigned char serial[CA_SERIAL_LEN], char **cause)
{
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai = NULL;
	int		 rc = -1;

	do {
		if (RAND_bytes(serial, CA_SERIAL_LEN) != 1) {
			ca_x509_openssl_cause(cause,
			    _("Cannot draw a random serial number"));
			return -1;
		}
		serial[0] &= 0x7f;
	} while (serial[0] == 0);
	if ((bn = BN_bin2bn(serial, CA_SERIAL_LEN, NULL)) == NULL ||
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_set_serialNumber(x, ai) != 1)
		ca_x509_openssl_cause(cause, _("Cannot set the serial number"));
	else
		rc = 0;
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return rc;
}

/* ASN1_TIME_set picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 asks. */
int
ca_x509_set_validity(X509 *x, time_t from, time_t to, char **cause)
{
	if (ASN1_TIME_set(X509_getm_notBefore(x), from) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), to) == NULL) {
		ca_x509_openssl_cause(cause, _("Cannot set the validity period"));
		return -1;
	}
	return 0;
}

static int
ca_x509_add_i2d(X509 *x, int nid, void *value, int critical, char **cause)
{
	if (X509_add1_ext_i2d(x, nid, value, critical, X509V3_ADD_APPEND) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot add a certificate extension"));
		return -1;
	}
	return 0;
}

int
ca_x509_add_key_usage(X509 *x, unsigned int bits, char **cause)
{
	ASN1_BIT_STRING	*bs;
	int		 i, rc = -1;

	if ((bs = ASN1_BIT_STRING_new()) == NULL) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		return -1;
	}
	for (i = 0; i < 9; i++) {
		if ((bits & (1u << i)) != 0 && ASN1_BIT_STRING_set_bit(bs, i, 1) != 1) {
			ca_x509_openssl_cause(cause, _("Out of memory"));
			goto out;
		}
	}
	rc = ca_x509_add_i2d(x, NID_key_usage, bs, 1, cause);
out:
	ASN1_BIT_STRING_free(bs);
	return rc;
}

int
ca_x509_add_eku(X509 *x, const char *const *oids, size_t n, char **cause)
{
	EXTENDED_KEY_USAGE	*eku;
	ASN1_OBJECT		*o;
	size_t			 i;
	int			 rc = -1;

	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((o = OBJ_txt2obj(oids[i], 1)) == NULL) {
			cause_set(cause, _("Not an object identifier: %s"), oids[i]);
			goto out;
		}
		if (sk_ASN1_OBJECT_push(eku, o) <= 0) {
			ASN1_OBJECT_free(o);
			ca_x509_openssl_cause(cause, _("Out of memory"));
			goto out;
		}
	}
	rc = ca_x509_add_i2d(x, NID_ext_key_usage, eku, 0, cause);
out:
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return rc;
}

int
ca_x509_add_basic_constraints(X509 *x, int is_ca, long pathlen, char **cause)
{
	BASIC_CONSTRAINTS	*bc;
	int			 rc = -1;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		return -1;
	}
	bc->ca = is_ca ? 0xff : 0;
	if (is_ca && pathlen >= 0 && ((bc->pathlen = ASN1_INTEGER_new()) == NULL ||
	    ASN1_INTEGER_set(bc->pathlen, pathlen) != 1))
		ca_x509_openssl_cause(cause, _("Out of memory"));
	else
		rc = ca_x509_add_i2d(x, NID_basic_constraints, bc, 1, cause);
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

int
ca_x509_add_ski(X509 *x, const unsigned char ski[CA_SKI_LEN], char **cause)
{
	ASN1_OCTET_STRING	*os;
	int			 rc = -1;

	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(os, ski, CA_SKI_LEN) != 1)
		ca_x509_openssl_cause(cause, _("Out of memory"));
	else
		rc = ca_x509_add_i2d(x, NID_subject_key_identifier, os, 0, cause);
	ASN1_OCTET_STRING_free(os);
	return rc;
}

/* keyIdentifier only, as in NCA's end-entity certificates (no issuer name and serial). */
AUTHORITY_KEYID *
ca_x509_aki_new(const unsigned char *keyid, size_t len, char **cause)
{
	AUTHORITY_KEYID	*aki;

	if ((aki = AUTHORITY_KEYID_new()) == NULL ||
	    (aki->keyid = ASN1_OCTET_STRING_new()) == NULL ||
	    ASN1_OCTET_STRING_set(aki->keyid, keyid, (int)len) != 1) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		AUTHORITY_KEYID_free(aki);
		return NULL;
	}
	return aki;
}

int
ca_x509_add_aki(X509 *x, const unsigned char *keyid, size_t len, char **cause)
{
	AUTHORITY_KEYID	*aki;
	int		 rc;

	if ((aki = ca_x509_aki_new(keyid, len, cause)) == NULL)
		return -1;
	rc = ca_x509_add_i2d(x, NID_authority_key_identifier, aki, 0, cause);
	AUTHORITY_KEYID_free(aki);
	return rc;
}

static int
ca_x509_is_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789 '()+,-./:=?", *s) == NULL)
			return 0;
	}
	return 1;
}

static int
ca_x509_is_ia5(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	}
	return 1;
}

/*
 * Adds the attribute with exactly `type` (no MBSTRING conversion, so OpenSSL's global
 * string mask cannot change it), after checking the value fits that type.
 */
int
ca_x509_name_add(X509_NAME *name, int nid, int type, const char *value, char **cause)
{
	int	fits;

	if (type == V_ASN1_PRINTABLESTRING)
		fits = ca_x509_is_printable(value);
	else if (type == V_ASN1_IA5STRING)
		fits = ca_x509_is_ia5(value);
	else
		fits = utf8_count(value) >= 0;
	if (*value == '\0' || !fits) {
		cause_set(cause, _("The value of %s cannot go into a certificate: \"%s\""),
		    OBJ_nid2sn(nid), value);
		return -1;
	}
	if (X509_NAME_add_entry_by_NID(name, nid, type, (const unsigned char *)value, -1, -1,
	    0) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot add a name attribute"));
		return -1;
	}
	return 0;
}

/* A signature refused: a token's key says what its token said (p11.h), others OpenSSL. */
void
ca_x509_sign_cause(EVP_PKEY *key, char **cause, const char *what)
{
	char	*why = NULL;

	if (p11_key_failure(key, &why)) {
		ERR_clear_error();
		cause_set(cause, "%s: %s", what, why);
	} else
		ca_x509_openssl_cause(cause, what);
	free(why);
}

int
ca_x509_sign(X509 *x, EVP_PKEY *key, char **cause)
{
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		ca_x509_sign_cause(key, cause, _("Cannot sign the certificate"));
		return -1;
	}
	return 0;
}

int
ca_x509_verify_issued(X509 *x, X509 *issuer, char **cause)
{
	if (X509_verify(x, X509_get0_pubkey(issuer)) != 1) {
		ERR_clear_error();
		cause_set(cause, "%s", _("The CA's signature on a new certificate does not "
		    "verify with the CA's certificate; nothing was issued"));
		return -1;
	}
	return 0;
}

int
ca_x509_sign_checked(X509 *x, EVP_PKEY *key, X509 *issuer, char **cause)
{
	if (ca_x509_sign(x, key, cause) == -1)
		return -1;
	return ca_x509_verify_issued(x, issuer, cause);
}

char *
ca_x509_bio_string(BIO *b, char **cause)
{
	char	*p, *s;
	long	 n;

	if ((n = BIO_get_mem_data(b, &p)) <= 0) {
		cause_set(cause, "%s", _("Nothing was written"));
		return NULL;
	}
	if ((s = malloc((size_t)n + 1)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return NULL;
	}
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	return s;
}

char *
ca_x509_pem_cert(X509 *x, char **cause)
{
	BIO	*b;
	char	*s = NULL;

	if ((b = BIO_new(BIO_s_mem())) == NULL || PEM_write_bio_X509(b, x) != 1)
		ca_x509_openssl_cause(cause, _("Cannot write the certificate as PEM"));
	else
		s = ca_x509_bio_string(b, cause);
	BIO_free(b);
	return s;
}

int
ca_x509_ski(X509 *x, unsigned char *ski, size_t *len, char **cause)
{
	const ASN1_OCTET_STRING	*os = X509_get0_subject_key_id(x);
	unsigned int		 n;

	if (os != NULL) {
		if ((size_t)os->length > *len) {
			cause_set(cause, "%s", _("The CA's subject key identifier is too long"));
			return -1;
		}
		memcpy(ski, os->data, (size_t)os->length);
		*len = (size_t)os->length;
		return 0;
	}
	if (*len < CA_SKI_LEN ||
	    ca_x509_spki_digest(X509_get0_pubkey(x), EVP_sha1(), ski, &n, cause) == -1)
		return -1;
	*len = n;
	return 0;
}

/* The SKI of a certificate the CA makes: SHA-1 of its own SPKI (RFC 5280, 4.2.1.2). */
int
ca_x509_add_own_ski(X509 *x, char **cause)
{
	unsigned char	ski[EVP_MAX_MD_SIZE];
	unsigned int	len;

	if (ca_x509_spki_digest(X509_get0_pubkey(x), EVP_sha1(), ski, &len, cause) == -1)
		return -1;
	return ca_x509_add_ski(x, ski, cause);
}

int
ca_x509_add_aki_of(X509 *x, X509 *issuer, char **cause)
{
	unsigned char	ski[64];
	size_t		len = sizeof ski;

	if (ca_x509_ski(issuer, ski, &len, cause) == -1)
		return -1;
	return ca_x509_add_aki(x, ski, len, cause);
}

int
ca_x509_add_aki_full(X509 *x, X509 *issuer, char **cause)
{
	unsigned char	 ski[64];
	size_t		 len = sizeof ski;
	AUTHORITY_KEYID	*aki;
	GENERAL_NAME	*dir = NULL;
	int		 rc = -1;

	if (ca_x509_ski(issuer, ski, &len, cause) == -1 ||
	    (aki = ca_x509_aki_new(ski, len, cause)) == NULL)
		return -1;
	if ((aki->issuer = GENERAL_NAMES_new()) == NULL || (dir = GENERAL_NAME_new()) == NULL ||
	    (dir->d.directoryName = X509_NAME_dup(X509_get_issuer_name(issuer))) == NULL) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		goto out;
	}
	dir->type = GEN_DIRNAME;
	if (sk_GENERAL_NAME_push(aki->issuer, dir) <= 0) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		goto out;
	}
	dir = NULL;
	if ((aki->serial = ASN1_INTEGER_dup(X509_get0_serialNumber(issuer))) == NULL) {
		ca_x509_openssl_cause(cause, _("Out of memory"));
		goto out;
	}
	rc = ca_x509_add_i2d(x, NID_authority_key_identifier, aki, 0, cause);
out:
	GENERAL_NAME_free(dir);
	AUTHORITY_KEYID_free(aki);
	return rc;
}

/* Through a secure-heap BIO: the key's PEM text is wiped when it is freed. */
int
ca_x509_write_key(const char *path, EVP_PKEY *key, char **cause)
{
	BIO	*b;
	char	*p;
	long	 n;
	int	 rc = -1;

	if ((b = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    (n = BIO_get_mem_data(b, &p)) <= 0)
		ca_x509_openssl_cause(cause, _("Cannot write the private key as PEM"));
	else
		rc = atomicfile_write(path, p, (size_t)n, 0600, cause);
	BIO_free(b);
	return rc;
}

/* The URI of a general name, malloc'd; NULL for another kind of name. */
static char *
ca_x509_gen_uri(const GENERAL_NAME *g)
{
	const ASN1_IA5STRING	*u;

	if (g == NULL || g->type != GEN_URI)
		return NULL;
	u = g->d.uniformResourceIdentifier;
	return strndup((const char *)ASN1_STRING_get0_data(u), (size_t)ASN1_STRING_length(u));
}

char *
ca_x509_uri(X509 *x, int nid)
{
	CRL_DIST_POINTS		*dps;
	AUTHORITY_INFO_ACCESS	*aia;
	const DIST_POINT	*dp;
	ACCESS_DESCRIPTION	*ad;
	char			*uri = NULL;
	int			 i;

	if (nid == NID_crl_distribution_points) {
		dps = X509_get_ext_d2i(x, nid, NULL, NULL);
		dp = dps != NULL && sk_DIST_POINT_num(dps) > 0 ? sk_DIST_POINT_value(dps, 0) :
		    NULL;
		if (dp != NULL && dp->distpoint != NULL && dp->distpoint->type == 0 &&
		    sk_GENERAL_NAME_num(dp->distpoint->name.fullname) > 0)
			uri = ca_x509_gen_uri(sk_GENERAL_NAME_value(dp->distpoint->name.fullname,
			    0));
		sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	} else {
		aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
		for (i = 0; uri == NULL && aia != NULL && i < sk_ACCESS_DESCRIPTION_num(aia);
		    i++) {
			ad = sk_ACCESS_DESCRIPTION_value(aia, i);
			if (OBJ_obj2nid(ad->method) == NID_ad_ca_issuers)
				uri = ca_x509_gen_uri(ad->location);
		}
		AUTHORITY_INFO_ACCESS_free(aia);
	}
	ERR_clear_error();
	return uri;
}

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

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"
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

/* Both the key id (SHA-256) and the SKI (SHA-1) hash the whole DER SubjectPublicKeyInfo. */
/* A DER length of n at p (NULL: only counted): the bytes it takes. */
static size_t
ca_x509_der_len(unsigned char *p, size_t n)
{
	size_t	k = 0, i, m;

	if (n < 0x80) {
		if (p != NULL)
			p[0] = (unsigned char)n;
		return 1;
	}
	for (m = n; m > 0; m >>= 8)
		k++;
	if (p != NULL) {
		p[0] = (unsigned char)(0x80 | k);
		for (i = 0; i < k; i++)
			p[1 + i] = (unsigned char)(n >> (8 * (k - 1 - i)));
	}
	return 1 + k;
}

/* A positive INTEGER's DER at p (NULL: only counted); 0 when bn is not positive. */
static size_t
ca_x509_der_uint(unsigned char *p, const BIGNUM *bn)
{
	size_t	body, pad, h;

	if (BN_is_negative(bn) || BN_is_zero(bn))
		return 0;
	body = (size_t)BN_num_bytes(bn);
	pad = BN_num_bits(bn) % 8 == 0;		/* high bit set: a 0 before it */
	h = 1 + ca_x509_der_len(NULL, body + pad);
	if (p != NULL) {
		p[0] = 0x02;
		(void)ca_x509_der_len(p + 1, body + pad);
		if (pad)
			p[h] = 0;
		if (BN_bn2bin(bn, p + h + pad) != (int)body)
			return 0;
	}
	return h + pad + body;
}

/*
 * The SubjectPublicKeyInfo of an RSA key in DER, as i2d_PUBKEY writes it (rsaEncryption,
 * NULL parameters, RSAPublicKey in the BIT STRING), written here from n and e: OpenSSL
 * 3.0's i2d_PUBKEY builds an encoder context on every call (the SPKI digest of each
 * submitted CSR spent 12% of the service's time there, submit_bench.py). NULL when pkey
 * is not RSA, or out of memory; *len its length. test-ca.c compares it with i2d_PUBKEY.
 */
static unsigned char *
ca_x509_rsa_spki(EVP_PKEY *pkey, size_t *len)
{
	static const unsigned char alg[] = {	/* SEQUENCE { rsaEncryption, NULL } */
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
		0x05, 0x00,
	};
	BIGNUM		*n = NULL, *e = NULL;
	unsigned char	*der = NULL, *p;
	size_t		 ln, le, rsa, bits, all;

	if (!EVP_PKEY_is_a(pkey, "RSA") ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
	    (ln = ca_x509_der_uint(NULL, n)) == 0 || (le = ca_x509_der_uint(NULL, e)) == 0)
		goto out;
	rsa = ln + le;				/* RSAPublicKey's contents */
	bits = 1 + ca_x509_der_len(NULL, rsa) + rsa + 1;	/* BIT STRING's: 0, then it */
	all = sizeof alg + 1 + ca_x509_der_len(NULL, bits) + bits;
	if ((der = malloc(1 + ca_x509_der_len(NULL, all) + all)) == NULL)
		goto out;
	p = der;
	*p++ = 0x30;
	p += ca_x509_der_len(p, all);
	memcpy(p, alg, sizeof alg);
	p += sizeof alg;
	*p++ = 0x03;
	p += ca_x509_der_len(p, bits);
	*p++ = 0x00;				/* no unused bits */
	*p++ = 0x30;
	p += ca_x509_der_len(p, rsa);
	p += ca_x509_der_uint(p, n);
	p += ca_x509_der_uint(p, e);
	*len = (size_t)(p - der);
out:
	BN_free(n);
	BN_free(e);
	return der;
}

int
ca_x509_spki_digest(EVP_PKEY *pkey, const EVP_MD *md, unsigned char *out, unsigned int *len,
    char **cause)
{
	unsigned char	*der = NULL, *own;
	size_t		 n = 0;
	int		 i, rc = -1;

	ERR_set_mark();
	own = ca_x509_rsa_spki(pkey, &n);
	(void)ERR_pop_to_mark();
	if (own == NULL) {
		if ((i = i2d_PUBKEY(pkey, &der)) <= 0) {
			ca_x509_openssl_cause(cause, _("Cannot encode the public key"));
			goto out;
		}
		n = (size_t)i;
	}
	if (EVP_Digest(own != NULL ? own : der, n, out, len, md, NULL) != 1)
		ca_x509_openssl_cause(cause, _("Cannot hash the public key"));
	else
		rc = 0;
out:
	free(own);
	OPENSSL_free(der);
	return rc;
}

/* For test-ca.c: the SPKI DER this file hashes (malloc'd), or NULL. */
unsigned char *
ca_x509_spki_der(EVP_PKEY *pkey, size_t *len)
{
	return ca_x509_rsa_spki(pkey, len);
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

int
ca_x509_sign(X509 *x, EVP_PKEY *key, char **cause)
{
	if (X509_sign(x, key, EVP_sha256()) <= 0) {
		ca_x509_openssl_cause(cause, _("Cannot sign the certificate"));
		return -1;
	}
	return 0;
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

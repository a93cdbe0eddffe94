/* testca — see testca.h. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "testca.h"

char *
testca_pem(X509 *x)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*data, *s;
	long	 len;

	assert_non_null(b);
	assert_int_equal(PEM_write_bio_X509(b, x), 1);
	len = BIO_get_mem_data(b, &data);
	assert_non_null(s = malloc((size_t)len + 1));
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	BIO_free(b);
	return s;
}

static void
testca_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	assert_non_null(ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value));
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

static void
testca_spki_sha1(EVP_PKEY *pub, unsigned char md[20])
{
	unsigned char	*der = NULL;
	int		 len;

	assert_true((len = i2d_PUBKEY(pub, &der)) > 0);
	assert_int_equal(EVP_Digest(der, (size_t)len, md, NULL, EVP_sha1(), NULL), 1);
	OPENSSL_free(der);
}

void
testca_ski(EVP_PKEY *pub, char hex[41])
{
	unsigned char	md[20];
	int		i;

	testca_spki_sha1(pub, md);
	for (i = 0; i < 20; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

X509 *
testca_cert(EVP_PKEY *pub, const char *cn, const struct testca *ca, EVP_PKEY *signer,
    const char *ku, int is_ca)
{
	X509			*x = X509_new();
	X509_NAME		*name = X509_NAME_new();
	ASN1_OCTET_STRING	*ski = ASN1_OCTET_STRING_new();
	unsigned char		 md[20], serial[20];
	BIGNUM			*bn;

	assert_non_null(x);
	assert_non_null(name);
	assert_non_null(ski);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(RAND_bytes(serial, sizeof serial), 1);
	serial[0] &= 0x7f;
	assert_non_null(bn = BN_bin2bn(serial, sizeof serial, NULL));
	assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
	BN_free(bn);
	assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(X509_set_issuer_name(x, ca != NULL ?
	    X509_get_subject_name(ca->cert) : name), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400));
	assert_int_equal(X509_set_pubkey(x, pub), 1);
	testca_spki_sha1(pub, md);
	assert_int_equal(ASN1_OCTET_STRING_set(ski, md, sizeof md), 1);
	assert_int_equal(X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, 0), 1);
	if (is_ca)
		testca_ext(x, x, NID_basic_constraints, "critical,CA:TRUE");
	testca_ext(x, ca != NULL ? ca->cert : x, NID_authority_key_identifier, "keyid:always");
	testca_ext(x, x, NID_key_usage, ku);
	assert_true(X509_sign(x, ca != NULL ? ca->key : signer, EVP_sha256()) > 0);
	ASN1_OCTET_STRING_free(ski);
	X509_NAME_free(name);
	return x;
}

void
testca_make(struct testca *ca, const char *cn)
{
	assert_non_null(ca->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	ca->cert = testca_cert(ca->key, cn, NULL, ca->key, "critical,keyCertSign,cRLSign", 1);
	ca->pem = testca_pem(ca->cert);
}

void
testca_free(struct testca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	free(ca->pem);
	memset(ca, 0, sizeof *ca);
}

/* The request's public key after checking its signature; with cn, what NCA asks of it too. */
static EVP_PKEY *
testca_csr_read(const char *pem, const char *cn)
{
	BIO		*b = BIO_new_mem_buf(pem, -1);
	X509_REQ	*req;
	EVP_PKEY	*pub;
	char		 got[64];

	assert_non_null(b);
	assert_non_null(req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL));
	assert_non_null(pub = X509_REQ_get_pubkey(req));
	assert_int_equal(X509_REQ_verify(req, pub), 1);
	if (cn != NULL) {
		assert_int_equal(X509_REQ_get_signature_nid(req), NID_sha256WithRSAEncryption);
		assert_true(X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req),
		    NID_commonName, got, sizeof got) > 0);
		assert_string_equal(got, cn);
	}
	X509_REQ_free(req);
	BIO_free(b);
	return pub;
}

EVP_PKEY *
testca_csr_pubkey(const char *pem)
{
	return testca_csr_read(pem, NULL);
}

EVP_PKEY *
testca_csr_check(const char *pem, const char *cn)
{
	return testca_csr_read(pem, cn);
}

char *
testca_issue(const struct testca *ca, const char *csr_pem, const char *cn, const char *ku)
{
	EVP_PKEY	*pub = testca_csr_pubkey(csr_pem);
	X509		*x = testca_cert(pub, cn, ca, NULL, ku, 0);
	char		*pem = testca_pem(x);

	X509_free(x);
	EVP_PKEY_free(pub);
	return pem;
}

/*
 * ca-csr — the gate for an applicant's PKCS#10 request: one PEM block and nothing else but
 * whitespace, RSA with a sane exponent and at least 2048 bits, a self-signature that
 * verifies. Cheap checks come before the signature so an oversized key cannot make the
 * service do expensive work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "ncaenrolld/ca-int.h"

#define CA_CSR_MIN_BITS	2048
#define CA_CSR_MAX_BITS	8192	/* bigger keys are a denial of service, not security */
#define CA_CSR_MAX_PEM	65536

#define CA_CSR_BEGIN	"-----BEGIN CERTIFICATE REQUEST-----"
#define CA_CSR_END	"-----END CERTIFICATE REQUEST-----"
#define CA_CSR_SPACE	" \t\r\n\v\f"

/*
 * The one PEM block pem holds, from its BEGIN line: NULL (and cause) when there is text
 * before it or after its first END line (a second block is such text). OpenSSL would
 * read the first block and pass over the rest, so what is stored and shown would not be
 * what was checked.
 */
static const char *
ca_csr_one_block(const char *pem, char **cause)
{
	const char	*p = pem + strspn(pem, CA_CSR_SPACE), *end;

	if (strncmp(p, CA_CSR_BEGIN, strlen(CA_CSR_BEGIN)) == 0 &&
	    (end = strstr(p, CA_CSR_END)) != NULL) {
		end += strlen(CA_CSR_END);
		if (end[strspn(end, CA_CSR_SPACE)] == '\0')
			return p;
	}
	cause_set(cause, "%s", _("The certificate request must be exactly one PEM "
	    "\"CERTIFICATE REQUEST\" block, with nothing else but spaces and line breaks "
	    "around it"));
	return NULL;
}

/* The PEM text's checks before any parsing: its size and its one block; NULL with a cause. */
static const char *
ca_csr_text(const char *pem, char **cause)
{
	if (pem == NULL || strnlen(pem, CA_CSR_MAX_PEM + 1) > CA_CSR_MAX_PEM ||
	    strstr(pem, CA_CSR_BEGIN) == NULL) {
		cause_set(cause, "%s", _("The certificate request is not a PEM "
		    "\"CERTIFICATE REQUEST\" (PKCS#10)"));
		return NULL;
	}
	return ca_csr_one_block(pem, cause);
}

static X509_REQ *
ca_csr_parse(const char *pem, char **cause)
{
	BIO		*b = NULL;
	X509_REQ	*req = NULL;

	if ((b = BIO_new_mem_buf(pem, (int)strlen(pem))) == NULL ||
	    (req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL)) == NULL)
		ca_x509_openssl_cause(cause, _("The certificate request cannot be read"));
	BIO_free(b);
	return req;
}

/*
 * PKCS#10 as X509_REQ has it, but with the public key left as its algorithm and bits:
 * OpenSSL 3.0 decodes an X509_REQ's key through its decoder framework, which builds a
 * decoder context per key (295 us a request against 84 here; 22% of the service's time
 * in submit_bench.py). ca_csr_raw_info keeps the bytes as received, which the signature
 * covers, as X509_REQ_INFO does.
 */
typedef struct {
	X509_ALGOR		*algor;
	ASN1_BIT_STRING		*key;
} ca_csr_raw_spki;

typedef struct {
	ASN1_ENCODING		 enc;
	ASN1_INTEGER		*version;
	X509_NAME		*subject;
	ca_csr_raw_spki		*spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
} ca_csr_raw_info;

typedef struct {
	ca_csr_raw_info		*info;
	X509_ALGOR		*sig_alg;
	ASN1_BIT_STRING		*signature;
} ca_csr_raw;

ASN1_SEQUENCE(ca_csr_raw_spki) = {
	ASN1_SIMPLE(ca_csr_raw_spki, algor, X509_ALGOR),
	ASN1_SIMPLE(ca_csr_raw_spki, key, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(ca_csr_raw_spki)

ASN1_SEQUENCE_enc(ca_csr_raw_info, enc, 0) = {
	ASN1_SIMPLE(ca_csr_raw_info, version, ASN1_INTEGER),
	ASN1_SIMPLE(ca_csr_raw_info, subject, X509_NAME),
	ASN1_SIMPLE(ca_csr_raw_info, spki, ca_csr_raw_spki),
	ASN1_IMP_SET_OF_OPT(ca_csr_raw_info, attributes, X509_ATTRIBUTE, 0)
} static_ASN1_SEQUENCE_END_ref(ca_csr_raw_info, ca_csr_raw_info)

ASN1_SEQUENCE(ca_csr_raw) = {
	ASN1_SIMPLE(ca_csr_raw, info, ca_csr_raw_info),
	ASN1_SIMPLE(ca_csr_raw, sig_alg, X509_ALGOR),
	ASN1_SIMPLE(ca_csr_raw, signature, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(ca_csr_raw)

/*
 * An RSA request read the fast way: the parsed request and its key (RSAPublicKey from the
 * SPKI's bits, no decoder), or NULL for anything else (another key type, a structure
 * OpenSSL's own reading should judge and word): then X509_REQ's way decides.
 */
static ca_csr_raw *
ca_csr_raw_read(const char *pem, EVP_PKEY **pkey)
{
	BIO			*b;
	ca_csr_raw		*c = NULL;
	unsigned char		*der = NULL;
	char			*name = NULL;
	const unsigned char	*p, *k;
	long			 len = 0;

	*pkey = NULL;
	ERR_set_mark();
	if ((b = BIO_new_mem_buf(pem, (int)strlen(pem))) != NULL &&
	    PEM_bytes_read_bio(&der, &len, &name, PEM_STRING_X509_REQ, b, NULL, NULL) == 1 &&
	    (p = der, c = (ca_csr_raw *)ASN1_item_d2i(NULL, &p, len,
	    ASN1_ITEM_rptr(ca_csr_raw))) != NULL && p == der + len &&
	    OBJ_obj2nid(c->info->spki->algor->algorithm) == NID_rsaEncryption &&
	    (k = c->info->spki->key->data) != NULL &&
	    (*pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &k, c->info->spki->key->length)) !=
	    NULL && k == c->info->spki->key->data + c->info->spki->key->length) {
		(void)ERR_pop_to_mark();
	} else {
		(void)ERR_pop_to_mark();
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
		ASN1_item_free((ASN1_VALUE *)c, ASN1_ITEM_rptr(ca_csr_raw));
		c = NULL;
	}
	BIO_free(b);
	OPENSSL_free(der);
	OPENSSL_free(name);
	return c;
}

/* CA/Browser Forum practice: an odd exponent of at least 65537 (NCA's keys use 65537). */
static int
ca_csr_rsa_ok(EVP_PKEY *pkey, char **cause)
{
	BIGNUM	*e = NULL;
	int	 bits, rc = -1;

	if (!EVP_PKEY_is_a(pkey, "RSA")) {
		cause_set(cause, _("The certificate request holds a %s key; an RSA key is "
		    "required"), EVP_PKEY_get0_type_name(pkey));
		return -1;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < CA_CSR_MIN_BITS || bits > CA_CSR_MAX_BITS)
		cause_set(cause, _("The RSA key has %d bits; %d to %d are accepted"), bits,
		    CA_CSR_MIN_BITS, CA_CSR_MAX_BITS);
	else if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		ca_x509_openssl_cause(cause, _("Cannot read the RSA public exponent"));
	else if (!BN_is_odd(e) || BN_num_bits(e) < 17)
		cause_set(cause, "%s", _("The RSA public exponent is weak (65537 or more is "
		    "required)"));
	else
		rc = 0;
	BN_free(e);
	return rc;
}

/*
 * The key of the one PEM block csr_pem holds, with what it was read from: *raw the fast
 * way, else *req OpenSSL's way (the caller frees both). NULL with a cause.
 */
static EVP_PKEY *
ca_csr_read(const char *csr_pem, ca_csr_raw **raw, X509_REQ **req, char **cause)
{
	EVP_PKEY	*pkey = NULL;
	const char	*pem;

	*raw = NULL;
	*req = NULL;
	ERR_clear_error();
	if ((pem = ca_csr_text(csr_pem, cause)) == NULL)
		return NULL;
	if ((*raw = ca_csr_raw_read(pem, &pkey)) != NULL)
		return pkey;
	if ((*req = ca_csr_parse(pem, cause)) == NULL)
		return NULL;
	if ((pkey = X509_REQ_get_pubkey(*req)) == NULL)
		ca_x509_openssl_cause(cause, _("The certificate request's public key cannot "
		    "be read"));
	return pkey;
}

EVP_PKEY *
ca_csr_key(const char *csr_pem, char key_id[65], char **cause)
{
	X509_REQ	*req = NULL;
	ca_csr_raw	*raw = NULL;
	EVP_PKEY	*pkey, *ret = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	int		 ok;

	if ((pkey = ca_csr_read(csr_pem, &raw, &req, cause)) == NULL ||
	    ca_csr_rsa_ok(pkey, cause) == -1)
		goto out;
	/* what X509_REQ_verify does, on the bytes as received */
	ok = raw != NULL ? ASN1_item_verify(ASN1_ITEM_rptr(ca_csr_raw_info), raw->sig_alg,
	    raw->signature, raw->info, pkey) : X509_REQ_verify(req, pkey);
	if (ok != 1) {
		ca_x509_openssl_cause(cause, _("The certificate request's signature does "
		    "not verify"));
		goto out;
	}
	if (ca_x509_spki_digest(pkey, EVP_sha256(), md, &mdlen, cause) == -1)
		goto out;
	if (ca_x509_hex(md, mdlen, 0, key_id, 65) == -1) {
		cause_set(cause, "%s", _("Cannot format the key id"));
		goto out;
	}
	ret = pkey;
	pkey = NULL;
out:
	EVP_PKEY_free(pkey);
	X509_REQ_free(req);
	ASN1_item_free((ASN1_VALUE *)raw, ASN1_ITEM_rptr(ca_csr_raw));
	return ret;
}

/*
 * Not repeated here, and why: the self-signature (it proved, at submission, that the
 * applicant holds the key; the bytes it covers are the bytes stored, and the store never
 * rewrites a CSR) and the key id (the store keeps it, unique, since then). The CSR's own
 * subject is not checked at all: ca_issue ignores it and takes the application's. What
 * the profile asks of the key is applied again, as cheap as it is: a service upgraded
 * since the submission may be stricter.
 */
struct ca_key *
ca_csr_stored_key(const char *csr_pem, char **cause)
{
	X509_REQ	*req = NULL;
	ca_csr_raw	*raw = NULL;
	EVP_PKEY	*pkey;
	struct ca_key	*k = NULL;

	if ((pkey = ca_csr_read(csr_pem, &raw, &req, cause)) == NULL ||
	    ca_csr_rsa_ok(pkey, cause) == -1)
		goto out;
	if ((k = malloc(sizeof *k)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		goto out;
	}
	k->pkey = pkey;
	pkey = NULL;
out:
	EVP_PKEY_free(pkey);
	X509_REQ_free(req);
	ASN1_item_free((ASN1_VALUE *)raw, ASN1_ITEM_rptr(ca_csr_raw));
	return k;
}

void
ca_key_free(struct ca_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
ca_csr_check(const char *csr_pem, char key_id[65], char **cause)
{
	EVP_PKEY	*pkey;

	if ((pkey = ca_csr_key(csr_pem, key_id, cause)) == NULL)
		return -1;
	EVP_PKEY_free(pkey);
	return 0;
}

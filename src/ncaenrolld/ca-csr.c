/*
 * ca-csr — the gate for an applicant's PKCS#10 request: one PEM block and nothing else but
 * whitespace, RSA with a sane exponent and at least 2048 bits, a self-signature that
 * verifies. Cheap checks come before the signature so an oversized key cannot make the
 * service do expensive work.
 */
#include "config.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
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

static X509_REQ *
ca_csr_parse(const char *pem, char **cause)
{
	BIO		*b = NULL;
	X509_REQ	*req = NULL;
	size_t		 len;

	if (pem == NULL || (len = strnlen(pem, CA_CSR_MAX_PEM + 1)) > CA_CSR_MAX_PEM ||
	    strstr(pem, CA_CSR_BEGIN) == NULL) {
		cause_set(cause, "%s", _("The certificate request is not a PEM "
		    "\"CERTIFICATE REQUEST\" (PKCS#10)"));
		return NULL;
	}
	if ((pem = ca_csr_one_block(pem, cause)) == NULL)
		return NULL;
	if ((b = BIO_new_mem_buf(pem, (int)strlen(pem))) == NULL ||
	    (req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL)) == NULL)
		ca_x509_openssl_cause(cause, _("The certificate request cannot be read"));
	BIO_free(b);
	return req;
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

EVP_PKEY *
ca_csr_key(const char *csr_pem, char key_id[65], char **cause)
{
	X509_REQ	*req;
	EVP_PKEY	*pkey = NULL, *ret = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;

	ERR_clear_error();
	if ((req = ca_csr_parse(csr_pem, cause)) == NULL)
		return NULL;
	if ((pkey = X509_REQ_get_pubkey(req)) == NULL) {
		ca_x509_openssl_cause(cause, _("The certificate request's public key "
		    "cannot be read"));
		goto out;
	}
	if (ca_csr_rsa_ok(pkey, cause) == -1)
		goto out;
	if (X509_REQ_verify(req, pkey) != 1) {
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
	return ret;
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

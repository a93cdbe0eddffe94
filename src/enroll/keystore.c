/*
 * What every keystore backend shares: closing, the installed-names record, and the one
 * judgement of a certificate before it is stored (chain, key usage, public key, SKI).
 * A backend's ops->close releases ks->impl and whatever it holds; keystore_close then
 * frees the struct keystore itself, which the backend's open allocated with malloc.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "enroll/keystore.h"

static const struct {
	const char	*name;
	uint32_t	 usage;		/* exactly these keyUsage bits (nca-facts.md §2) */
} keystore_keys[] = {
	[KEYSTORE_AUTH] = { "AUTH", KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT },
	[KEYSTORE_SIGN] = { "SIGN", KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION },
};
_Static_assert(sizeof keystore_keys / sizeof keystore_keys[0] == KEYSTORE_KEY__MAX,
    "one row per keystore key");

void
keystore_close(struct keystore *ks)
{
	if (ks == NULL)
		return;
	if (ks->ops != NULL && ks->ops->close != NULL)
		ks->ops->close(ks);
	free(ks);
}

void
keystore_installed_free(struct keystore_installed *in)
{
	int	k;

	if (in == NULL)
		return;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		free(in->path[k]);
		in->path[k] = NULL;
	}
}

const char *
keystore_key_name(enum keystore_key k)
{
	return (unsigned)k < KEYSTORE_KEY__MAX ? keystore_keys[k].name : "?";
}

/* OpenSSL's first queued reason, for a cause; the queue is emptied either way. */
static const char *
keystore_ssl_reason(void)
{
	unsigned long	e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r != NULL ? r : _("unknown reason");
}

static X509 *
keystore_cert_parse(const char *pem)
{
	BIO	*b;
	X509	*x = NULL;

	if ((b = BIO_new_mem_buf(pem, -1)) != NULL)
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

/* Every certificate in a PEM bundle; NULL if there is none or one is damaged. */
static STACK_OF(X509) *
keystore_chain_parse(const char *pem)
{
	STACK_OF(X509)	*sk = NULL;
	BIO		*b = NULL;
	X509		*x;
	unsigned long	 e;
	int		 ok = 0;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL || (sk = sk_X509_new_null()) == NULL)
		goto out;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_push(sk, x) <= 0) {
			X509_free(x);
			goto out;
		}
	}
	e = ERR_peek_last_error();
	ok = sk_X509_num(sk) > 0 && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
	ERR_clear_error();
out:
	BIO_free(b);
	if (!ok) {
		sk_X509_pop_free(sk, X509_free);
		sk = NULL;
	}
	return sk;
}

/*
 * The self-signed certificates of the chain are the anchors and the rest may serve as
 * intermediates; a chain without a self-signed one (an issuing CA alone) is trusted as given.
 */
static int
keystore_chain_load(X509_STORE *store, STACK_OF(X509) *untrusted, STACK_OF(X509) *chain)
{
	X509	*c;
	int	 i, anchors = 0;

	for (i = 0; i < sk_X509_num(chain); i++) {
		c = sk_X509_value(chain, i);
		if (X509_self_signed(c, 0) == 1) {
			if (X509_STORE_add_cert(store, c) != 1)
				return -1;
			anchors++;
		} else if (sk_X509_push(untrusted, c) <= 0)
			return -1;
	}
	if (anchors > 0)
		return 0;
	for (i = 0; i < sk_X509_num(chain); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(chain, i)) != 1)
			return -1;
	return X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN) == 1 ? 0 : -1;
}

static int
keystore_cert_chains(enum keystore_key which, X509 *cert, const char *chain_pem,
    char **cause)
{
	STACK_OF(X509)	*chain = NULL, *untrusted = NULL;
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*ctx = NULL;
	int		 rc = -1;

	if ((chain = keystore_chain_parse(chain_pem)) == NULL)
		cause_set(cause, _("the CA chain holds no readable certificate"));
	else if ((store = X509_STORE_new()) == NULL ||
	    (untrusted = sk_X509_new_null()) == NULL || (ctx = X509_STORE_CTX_new()) == NULL ||
	    keystore_chain_load(store, untrusted, chain) == -1 ||
	    X509_STORE_CTX_init(ctx, store, cert, untrusted) != 1)
		cause_set(cause, _("cannot check the %s certificate: %s"),
		    keystore_key_name(which), keystore_ssl_reason());
	else if (X509_verify_cert(ctx) != 1) {
		cause_set(cause, _("the %s certificate does not chain to the CA: %s"),
		    keystore_key_name(which),
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		ERR_clear_error();
	} else
		rc = 0;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);		/* its certificates are chain's */
	sk_X509_pop_free(chain, X509_free);
	return rc;
}

static int
keystore_cert_usage(enum keystore_key which, X509 *cert, char **cause)
{
	uint32_t	ku = X509_get_key_usage(cert);
	int		k;

	if (ku == UINT32_MAX) {
		cause_set(cause, _("the %s certificate has no key usage"), keystore_key_name(which));
		return -1;
	}
	ku &= 0xffff;
	if (ku == keystore_keys[which].usage)
		return 0;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (ku == keystore_keys[k].usage) {
			cause_set(cause, _("the certificate given as %s has the key usage of a %s "
			    "certificate (were the two swapped?)"), keystore_key_name(which),
			    keystore_key_name(k));
			return -1;
		}
	cause_set(cause, _("the %s certificate has an unexpected key usage"),
	    keystore_key_name(which));
	return -1;
}

int
keystore_cert_check(enum keystore_key which, const char *cert_pem, const char *chain_pem,
    const unsigned char *spki, size_t spkilen, char ski[41], char **cause)
{
	static const char	 hex[] = "0123456789abcdef";
	X509			*cert = NULL;
	unsigned char		*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	int			 derlen, rc = -1;

	if ((unsigned)which >= KEYSTORE_KEY__MAX || cert_pem == NULL || chain_pem == NULL) {
		cause_set(cause, _("a certificate or the CA chain is missing"));
		goto out;
	}
	if ((cert = keystore_cert_parse(cert_pem)) == NULL) {
		ERR_clear_error();
		cause_set(cause, _("the %s certificate cannot be read"), keystore_key_name(which));
	} else if (keystore_cert_chains(which, cert, chain_pem, cause) == -1 ||
	    keystore_cert_usage(which, cert, cause) == -1)
		;	/* cause set */
	else if ((derlen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der)) <= 0)
		cause_set(cause, _("the %s certificate's public key cannot be read"),
		    keystore_key_name(which));
	else if (spki != NULL && ((size_t)derlen != spkilen || memcmp(der, spki, spkilen) != 0))
		cause_set(cause, _("the %s certificate is for another key, not the one made for "
		    "this application"), keystore_key_name(which));
	else if (EVP_Digest(der, (size_t)derlen, md, &mdlen, EVP_sha1(), NULL) != 1 ||
	    mdlen != 20)
		cause_set(cause, _("cannot hash the %s public key: %s"), keystore_key_name(which),
		    keystore_ssl_reason());
	else {
		for (i = 0; i < mdlen; i++) {
			ski[2 * i] = hex[md[i] >> 4];
			ski[2 * i + 1] = hex[md[i] & 0xf];
		}
		ski[2 * mdlen] = '\0';
		rc = 0;
	}
out:
	OPENSSL_free(der);
	X509_free(cert);
	return rc;
}

int
keystore_cert_check_csr(enum keystore_key which, const char *cert_pem, const char *chain_pem,
    const char *csr_pem, char **cause)
{
	X509_REQ	*req = NULL;
	EVP_PKEY	*pub;
	BIO		*b;
	unsigned char	*spki = NULL;
	char		 ski[41];
	int		 len = 0, rc = -1;

	if ((b = BIO_new_mem_buf(csr_pem, -1)) == NULL ||
	    (req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL)) == NULL ||
	    (pub = X509_REQ_get0_pubkey(req)) == NULL || (len = i2d_PUBKEY(pub, &spki)) <= 0)
		cause_set(cause, _("cannot read the %s public key: %s"), keystore_key_name(which),
		    keystore_ssl_reason());
	else
		rc = keystore_cert_check(which, cert_pem, chain_pem, spki, (size_t)len, ski,
		    cause);
	OPENSSL_free(spki);
	X509_REQ_free(req);
	BIO_free(b);
	return rc;
}

X509_REQ *
keystore_req_new(const char *app_id, EVP_PKEY *pub)
{
	X509_REQ	*req;
	X509_NAME	*name = NULL;

	if ((req = X509_REQ_new()) == NULL || (name = X509_NAME_new()) == NULL ||
	    X509_REQ_set_version(req, 0) != 1 ||
	    X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)app_id, -1, -1, 0) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 || X509_REQ_set_pubkey(req, pub) != 1) {
		X509_REQ_free(req);
		req = NULL;
	}
	X509_NAME_free(name);
	return req;
}

int
keystore_req_pem(X509_REQ *req, char **pem)
{
	BIO	*b;
	char	*data;
	long	 len;
	int	 rc = -1;

	*pem = NULL;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	/* Not strndup: the BIO's data has no terminator to stop at. */
	if (PEM_write_bio_X509_REQ(b, req) == 1 && (len = BIO_get_mem_data(b, &data)) > 0 &&
	    (*pem = malloc((size_t)len + 1)) != NULL) {
		memcpy(*pem, data, (size_t)len);
		(*pem)[len] = '\0';
		rc = 0;
	}
	BIO_free(b);
	return rc;
}

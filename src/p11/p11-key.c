/*
 * p11-key — a token's RSA private key as an OpenSSL EVP_PKEY, for TLS client
 * authentication (the desk operator's identity, p11-identity.c) and for the service's
 * signatures as the issuing CA (X509_sign, X509_CRL_sign: ncaenrolld/ca-token.c).
 *
 * OpenSSL 3 reaches a key held elsewhere either through a provider or through the legacy
 * RSA_METHOD, which it still honours for "foreign" keys (EVP_PKEY_assign with a method of
 * one's own). An RSA_METHOD is some sixty lines and is what libssl's handshake, X509_sign
 * and EVP_DigestSign all use here; a provider would be ten times that. So this file, and
 * only this file, uses the RSA_METHOD API that OpenSSL 3 marks deprecated.
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* RSA_METHOD: see above */

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "p11/p11-int.h"

/* What a key made by p11_key needs to reach its token. */
struct p11_rsa {
	struct p11		*t;	/* a reference, released when the key is freed */
	CK_OBJECT_HANDLE	 obj;
	CK_RV			 failed;	/* of the last operation, CKR_OK if it worked */
};

/*
 * The method and the ex_data slot are made once per process and never change after;
 * OpenSSL keeps a pointer to the method in every key.
 */
static pthread_once_t	 p11_key_once = PTHREAD_ONCE_INIT;
static RSA_METHOD	*p11_key_method;
static int		 p11_key_index = -1;

static int
p11_key_priv_enc(int flen, const unsigned char *from, unsigned char *to, RSA *rsa,
    int padding)
{
	struct p11_rsa		*k = RSA_get_ex_data(rsa, p11_key_index);
	CK_MECHANISM		 mech = { CKM_RSA_PKCS, NULL, 0 };
	CK_ULONG		 len = (CK_ULONG)RSA_size(rsa);
	CK_FUNCTION_LIST	*f;

	if (k == NULL || flen < 0)
		return -1;
	/* PKCS#1 v1.5: the DigestInfo, padded by the token. PSS (TLS 1.3): padded by
	 * OpenSSL already, so the token only raises it to d (raw RSA). */
	if (padding == RSA_NO_PADDING)
		mech.mechanism = CKM_RSA_X_509;
	else if (padding != RSA_PKCS1_PADDING)
		return -1;
	f = k->t->mod->f;
	if ((k->failed = f->C_SignInit(k->t->session, &mech, k->obj)) != CKR_OK ||
	    (k->failed = f->C_Sign(k->t->session, (CK_BYTE_PTR)from, (CK_ULONG)flen, to,
	    &len)) != CKR_OK)
		return -1;
	return (int)len;
}

/* Decryption stays on the token too; a key without CKA_DECRYPT refuses it there. */
static int
p11_key_priv_dec(int flen, const unsigned char *from, unsigned char *to, RSA *rsa,
    int padding)
{
	struct p11_rsa		*k = RSA_get_ex_data(rsa, p11_key_index);
	CK_MECHANISM		 mech = { CKM_RSA_PKCS, NULL, 0 };
	CK_ULONG		 len = (CK_ULONG)RSA_size(rsa);
	CK_FUNCTION_LIST	*f;

	if (k == NULL || flen < 0 || padding != RSA_PKCS1_PADDING)
		return -1;
	f = k->t->mod->f;
	if ((k->failed = f->C_DecryptInit(k->t->session, &mech, k->obj)) != CKR_OK ||
	    (k->failed = f->C_Decrypt(k->t->session, (CK_BYTE_PTR)from, (CK_ULONG)flen, to,
	    &len)) != CKR_OK)
		return -1;
	return (int)len;
}

static int
p11_key_finish(RSA *rsa)
{
	struct p11_rsa	*k = RSA_get_ex_data(rsa, p11_key_index);

	if (k != NULL) {
		(void)RSA_set_ex_data(rsa, p11_key_index, NULL);
		p11_close(k->t);
		free(k);
	}
	return 1;
}

static void
p11_key_init_once(void)
{
	RSA_METHOD	*m;

	if ((p11_key_index = RSA_get_ex_new_index(0, NULL, NULL, NULL, NULL)) < 0)
		return;
	if ((m = RSA_meth_dup(RSA_PKCS1_OpenSSL())) == NULL)
		return;
	if (RSA_meth_set1_name(m, "ncaenroll PKCS#11") != 1 ||
	    RSA_meth_set_priv_enc(m, p11_key_priv_enc) != 1 ||
	    RSA_meth_set_priv_dec(m, p11_key_priv_dec) != 1 ||
	    RSA_meth_set_finish(m, p11_key_finish) != 1) {
		RSA_meth_free(m);
		return;
	}
	p11_key_method = m;
}

EVP_PKEY *
p11_key(struct p11 *t, unsigned long obj, char **cause)
{
	EVP_PKEY	*pub = NULL, *pkey = NULL;
	BIGNUM		*n = NULL, *e = NULL;
	RSA		*rsa = NULL;
	struct p11_rsa	*k = NULL;

	if (pthread_once(&p11_key_once, p11_key_init_once) != 0 || p11_key_method == NULL) {
		cause_set(cause, _("cannot make a key object for the token"));
		return NULL;
	}
	if ((pub = p11_public(t, obj, cause)) == NULL)
		return NULL;
	if (EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
	    (rsa = RSA_new()) == NULL || (k = calloc(1, sizeof *k)) == NULL ||
	    RSA_set_method(rsa, p11_key_method) != 1 || RSA_set0_key(rsa, n, e, NULL) != 1)
		goto fail;
	n = e = NULL;		/* rsa's now */
	k->t = t;
	k->obj = obj;
	if (RSA_set_ex_data(rsa, p11_key_index, k) != 1)
		goto fail;
	t->refs++;
	k = NULL;		/* freed with rsa, by p11_key_finish */
	/* No p, q or d here: OpenSSL must not look for them. */
	RSA_set_flags(rsa, RSA_FLAG_EXT_PKEY);
	if ((pkey = EVP_PKEY_new()) == NULL || EVP_PKEY_assign_RSA(pkey, rsa) != 1)
		goto fail;
	EVP_PKEY_free(pub);
	return pkey;
fail:
	ERR_clear_error();
	cause_set(cause, _("cannot make a key object for the token %s"), t->name);
	EVP_PKEY_free(pkey);
	RSA_free(rsa);
	free(k);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(pub);
	return NULL;
}

int
p11_key_failure(EVP_PKEY *key, char **cause)
{
	const RSA	*rsa;
	struct p11_rsa	*k;

	if (p11_key_method == NULL || key == NULL || (rsa = EVP_PKEY_get0_RSA(key)) == NULL ||
	    RSA_get_method(rsa) != p11_key_method ||
	    (k = RSA_get_ex_data(rsa, p11_key_index)) == NULL || k->failed == CKR_OK) {
		ERR_clear_error();
		return 0;
	}
	p11_fail(k->t, k->failed, _("the key could not sign for the service"), cause);
	return 1;
}

/*
 * keystore-pkcs11 — the keystore on a PKCS#11 token (eToken PRO 72K, JaCarta, Kaztoken,
 * AKey; SoftHSM2 in the tests), through p11.c. The two key pairs are made on the token and
 * found again by their labels, ncaenroll-<app>-AUTH and -SIGN, so a resumed apply keeps
 * them; what the CSRs and "installed" reports need signing is hashed here and signed by
 * the token. Install judges both certificates before it writes either, then stores each
 * beside its key with the key's CKA_ID; a certificate already there is left as it is.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/secret.h"
#include "enroll/keystore.h"
#include "p11/p11.h"

#define KEYSTORE_PKCS11_BITS		2048
#define KEYSTORE_PKCS11_APPID_MAX	64
#define KEYSTORE_PKCS11_IDLEN		20	/* as long as a SHA-1, like most tools' IDs */

struct keystore_pkcs11 {
	struct p11	*t;
	char		*app_id;
	char		*label[KEYSTORE_KEY__MAX];	/* ncaenroll-<app>-AUTH, -SIGN */
};

const char *
keystore_pkcs11_module(void)
{
	return p11_default_module();
}

void
keystore_pkcs11_token_clear(struct keystore_token *t)
{
	free(t->label);
	free(t->serial);
	free(t->manufacturer);
	free(t->model);
	memset(t, 0, sizeof *t);
}

void
keystore_pkcs11_tokens_free(struct keystore_token *list, size_t n)
{
	size_t	i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		keystore_pkcs11_token_clear(&list[i]);
	free(list);
}

static int
keystore_pkcs11_token_copy(struct keystore_token *kt, const struct p11_token_info *ti)
{
	memset(kt, 0, sizeof *kt);
	kt->login_required = (ti->flags & CKF_LOGIN_REQUIRED) != 0;
	kt->pin_locked = (ti->flags & CKF_USER_PIN_LOCKED) != 0;
	kt->initialized = (ti->flags & CKF_TOKEN_INITIALIZED) != 0;
	kt->pin_count_low = (ti->flags & CKF_USER_PIN_COUNT_LOW) != 0;
	kt->pin_final_try = (ti->flags & CKF_USER_PIN_FINAL_TRY) != 0;
	kt->pin_min = ti->pin_min;
	kt->pin_max = ti->pin_max;
	if ((kt->label = strdup(ti->label)) == NULL || (kt->serial = strdup(ti->serial)) == NULL ||
	    (kt->manufacturer = strdup(ti->manufacturer)) == NULL ||
	    (kt->model = strdup(ti->model)) == NULL)
		return -1;
	return 0;
}

int
keystore_pkcs11_tokens(const char *module, struct keystore_token **list, size_t *n,
    char **cause)
{
	struct p11_token_info	*ti = NULL;
	size_t			 nti = 0, i;
	int			 rc = -1;

	*list = NULL;
	*n = 0;
	if (p11_list(module != NULL ? module : keystore_pkcs11_module(), &ti, &nti, cause) == -1)
		return -1;
	if (nti > 0 && (*list = calloc(nti, sizeof **list)) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	for (i = 0; i < nti; i++) {
		/* Keys cannot be made there: p11-kit's trusted CAs, a locked-down card. */
		if (ti[i].flags & CKF_WRITE_PROTECTED)
			continue;
		if (keystore_pkcs11_token_copy(&(*list)[(*n)++], &ti[i]) == -1) {
			cause_set(cause, _("out of memory"));
			goto out;
		}
	}
	rc = 0;
out:
	if (rc == -1) {
		keystore_pkcs11_tokens_free(*list, *n);
		*list = NULL;
		*n = 0;
	}
	free(ti);
	return rc;
}

/* Labels are shown by every token tool: keep app ids to what the file keystore allows. */
static int
keystore_pkcs11_app_id_ok(const char *id)
{
	size_t	n = strlen(id);

	if (n == 0 || n > KEYSTORE_PKCS11_APPID_MAX || id[0] == '.' || id[0] == '-')
		return 0;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The private key labelled for k: 1 found, 0 none, -1 (cause) unreadable or ambiguous. */
static int
keystore_pkcs11_key(struct keystore_pkcs11 *kp, enum keystore_key k, unsigned long *obj,
    char **cause)
{
	unsigned long	*objs = NULL;
	size_t		 n = 0;
	int		 rc = -1;

	if (p11_find(kp->t, CKO_PRIVATE_KEY, kp->label[k], NULL, 0, &objs, &n, cause) == -1)
		return -1;
	if (n == 1) {
		*obj = objs[0];
		rc = 1;
	} else if (n == 0)
		rc = 0;
	else
		cause_set(cause, _("the token %s holds %zu private keys labelled %s, and only one "
		    "may be; remove the others with the token's own tool"), p11_name(kp->t), n,
		    kp->label[k]);
	free(objs);
	return rc;
}

/* The key of k, which must be there; its public half when pub is not NULL. */
static int
keystore_pkcs11_need_key(struct keystore_pkcs11 *kp, enum keystore_key k,
    unsigned long *obj, EVP_PKEY **pub, char **cause)
{
	int	ex;

	if (pub != NULL)
		*pub = NULL;
	if ((unsigned)k >= KEYSTORE_KEY__MAX) {
		cause_set(cause, _("no such key"));
		return -1;
	}
	if ((ex = keystore_pkcs11_key(kp, k, obj, cause)) == -1)
		return -1;
	if (ex == 0) {
		cause_set(cause, _("the %s key (%s) is not on the token %s"),
		    keystore_key_name(k), kp->label[k], p11_name(kp->t));
		return -1;
	}
	if (pub != NULL && (*pub = p11_public(kp->t, *obj, cause)) == NULL)
		return -1;
	return 0;
}

static int
keystore_pkcs11_kept_ok(struct keystore_pkcs11 *kp, enum keystore_key k, unsigned long obj,
    char **cause)
{
	EVP_PKEY	*pub;
	int		 ok;

	if ((pub = p11_public(kp->t, obj, cause)) == NULL)
		return -1;
	ok = EVP_PKEY_get_bits(pub) == KEYSTORE_PKCS11_BITS;
	EVP_PKEY_free(pub);
	if (!ok)
		cause_set(cause, _("the key %s on the token %s is not an RSA-%d key"),
		    kp->label[k], p11_name(kp->t), KEYSTORE_PKCS11_BITS);
	return ok ? 0 : -1;
}

/*
 * Keeps a key pair already on the token (a resumed apply) and makes only a missing one.
 * The AUTH key may decrypt, as its certificate's keyEncipherment allows; the SIGN key, a
 * nonRepudiation key, only signs.
 */
static int
keystore_pkcs11_generate(struct keystore *ks, int *created, char **cause)
{
	struct keystore_pkcs11	*kp = ks->impl;
	unsigned char		 id[KEYSTORE_PKCS11_IDLEN];
	unsigned long		 obj;
	int			 k, ex;

	*created = 0;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if ((ex = keystore_pkcs11_key(kp, k, &obj, cause)) == -1)
			return -1;
		if (ex) {
			if (keystore_pkcs11_kept_ok(kp, k, obj, cause) == -1)
				return -1;
			continue;
		}
		if (RAND_bytes(id, sizeof id) != 1) {
			ERR_clear_error();
			cause_set(cause, _("cannot draw a random key ID"));
			return -1;
		}
		if (p11_rsa_generate(kp->t, KEYSTORE_PKCS11_BITS, kp->label[k], id, sizeof id,
		    k == KEYSTORE_AUTH, &obj, cause) == -1)
			return -1;
		log_info(_("made the %s key %s on the token %s"), keystore_key_name(k),
		    kp->label[k], p11_name(kp->t));
		*created = 1;
	}
	return 0;
}

static int
keystore_pkcs11_has_keys(struct keystore *ks, int *yes, char **cause)
{
	struct keystore_pkcs11	*kp = ks->impl;
	unsigned long		 obj;
	int			 k, ex;

	*yes = 1;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if ((ex = keystore_pkcs11_key(kp, k, &obj, cause)) == -1)
			return -1;
		*yes &= ex;
	}
	return 0;
}

/* The request before its signature: subject CN = app id, as keystore-file.c makes it. */
static X509_REQ *
keystore_pkcs11_req(struct keystore_pkcs11 *kp, EVP_PKEY *pub)
{
	X509_REQ	*req;
	X509_ALGOR	*alg = NULL;
	int		 ok = 0;

	if ((req = keystore_req_new(kp->app_id, pub)) != NULL &&
	    (alg = X509_ALGOR_new()) != NULL &&
	    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL,
	    NULL) == 1 && X509_REQ_set1_signature_algo(req, alg) == 1)
		ok = 1;
	X509_ALGOR_free(alg);
	if (!ok) {
		X509_REQ_free(req);
		req = NULL;
	}
	return req;
}

/* The token signs the request's DER body; the signature is put in and checked. */
static int
keystore_pkcs11_req_sign(struct keystore_pkcs11 *kp, X509_REQ *req, unsigned long obj,
    EVP_PKEY *pub, enum keystore_key k, char **cause)
{
	unsigned char	*tbs = NULL, *sig = NULL;
	size_t		 siglen = 0;
	ASN1_BIT_STRING	*bs = NULL;
	int		 tbslen, rc = -1;

	if ((tbslen = i2d_re_X509_REQ_tbs(req, &tbs)) <= 0) {
		cause_set(cause, _("cannot make the %s certificate request"), keystore_key_name(k));
		goto out;
	}
	if (p11_sign(kp->t, obj, tbs, (size_t)tbslen, &sig, &siglen, cause) == -1)
		goto out;
	if (siglen > INT32_MAX || (bs = ASN1_BIT_STRING_new()) == NULL ||
	    ASN1_BIT_STRING_set(bs, sig, (int)siglen) != 1) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	/* All bits used: else DER would drop a signature's trailing zero bits. */
	bs->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
	bs->flags |= ASN1_STRING_FLAG_BITS_LEFT;
	X509_REQ_set0_signature(req, bs);
	bs = NULL;
	if (X509_REQ_verify(req, pub) != 1)
		cause_set(cause, _("the token %s made a signature for the %s request that does "
		    "not verify"), p11_name(kp->t), keystore_key_name(k));
	else
		rc = 0;
out:
	ERR_clear_error();
	ASN1_BIT_STRING_free(bs);
	free(sig);
	OPENSSL_free(tbs);
	return rc;
}

static int
keystore_pkcs11_csr(struct keystore *ks, enum keystore_key k, char **pem, char **cause)
{
	struct keystore_pkcs11	*kp = ks->impl;
	EVP_PKEY		*pub = NULL;
	X509_REQ		*req = NULL;
	unsigned long		 obj;
	int			 rc = -1;

	*pem = NULL;
	if (keystore_pkcs11_need_key(kp, k, &obj, &pub, cause) == -1)
		goto out;
	if ((req = keystore_pkcs11_req(kp, pub)) == NULL) {
		ERR_clear_error();
		cause_set(cause, _("cannot make the %s certificate request"), keystore_key_name(k));
		goto out;
	}
	if (keystore_pkcs11_req_sign(kp, req, obj, pub, k, cause) == -1)
		goto out;
	if (keystore_req_pem(req, pem) == -1) {
		ERR_clear_error();
		cause_set(cause, _("cannot make the %s certificate request"), keystore_key_name(k));
		goto out;
	}
	rc = 0;
out:
	X509_REQ_free(req);
	EVP_PKEY_free(pub);
	return rc;
}

static int
keystore_pkcs11_sign(struct keystore *ks, enum keystore_key k, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, char **cause)
{
	struct keystore_pkcs11	*kp = ks->impl;
	unsigned long		 obj;

	*sig = NULL;
	*siglen = 0;
	if (keystore_pkcs11_need_key(kp, k, &obj, NULL, cause) == -1)
		return -1;
	return p11_sign(kp->t, obj, msg, len, sig, siglen, cause);
}

/* Everything install needs, judged before anything is written on the token. */
struct keystore_pkcs11_plan {
	X509		*cert[KEYSTORE_KEY__MAX];
	unsigned char	*id[KEYSTORE_KEY__MAX];		/* the key's CKA_ID */
	size_t		 idlen[KEYSTORE_KEY__MAX];
	int		 present[KEYSTORE_KEY__MAX];	/* this very certificate is there */
	unsigned long	*old[KEYSTORE_KEY__MAX];	/* others with the key's ID */
	size_t		 nold[KEYSTORE_KEY__MAX];
	unsigned long	 made[KEYSTORE_KEY__MAX];
	int		 wrote[KEYSTORE_KEY__MAX];
};

static X509 *
keystore_pkcs11_cert_parse(const char *pem)
{
	BIO	*b;
	X509	*x = NULL;

	if ((b = BIO_new_mem_buf(pem, -1)) != NULL)
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	ERR_clear_error();
	return x;
}

/* Is the certificate object obj this certificate (the same DER)? */
static int
keystore_pkcs11_same_cert(struct keystore_pkcs11 *kp, unsigned long obj, X509 *x,
    int *same, char **cause)
{
	unsigned char	*val = NULL, *der = NULL;
	size_t		 len = 0;
	int		 derlen;

	*same = 0;
	if (p11_attr(kp->t, obj, CKA_VALUE, &val, &len, cause) == -1)
		return -1;
	if ((derlen = i2d_X509(x, &der)) <= 0) {
		free(val);
		ERR_clear_error();
		cause_set(cause, _("out of memory"));
		return -1;
	}
	*same = len == (size_t)derlen && memcmp(val, der, len) == 0;
	OPENSSL_free(der);
	free(val);
	return 0;
}

/* What is on the token already under the key's ID: this certificate, or others. */
static int
keystore_pkcs11_plan_present(struct keystore_pkcs11 *kp, enum keystore_key k,
    struct keystore_pkcs11_plan *pl, char **cause)
{
	unsigned long	*objs = NULL;
	size_t		 n = 0, i;
	int		 same, rc = -1;

	if (p11_find(kp->t, CKO_CERTIFICATE, NULL, pl->id[k], pl->idlen[k], &objs, &n,
	    cause) == -1)
		return -1;
	if (n > 0 && (pl->old[k] = calloc(n, sizeof *pl->old[k])) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (keystore_pkcs11_same_cert(kp, objs[i], pl->cert[k], &same, cause) == -1)
			goto out;
		if (same)
			pl->present[k] = 1;
		else
			pl->old[k][pl->nold[k]++] = objs[i];
	}
	rc = 0;
out:
	free(objs);
	return rc;
}

static int
keystore_pkcs11_plan_one(struct keystore_pkcs11 *kp, enum keystore_key k,
    struct keystore_pkcs11_plan *pl, const char *cert_pem, const char *chain_pem,
    struct keystore_installed *out, char **cause)
{
	EVP_PKEY	*pub = NULL;
	unsigned char	*spki = NULL;
	unsigned long	 obj;
	int		 ex, spkilen, rc = -1;

	if ((ex = keystore_pkcs11_key(kp, k, &obj, cause)) == -1)
		goto out;
	if (ex == 0) {
		cause_set(cause, _("the %s key (%s) is not on the token %s; this certificate "
		    "cannot be installed here"), keystore_key_name(k), kp->label[k],
		    p11_name(kp->t));
		goto out;
	}
	if ((pub = p11_public(kp->t, obj, cause)) == NULL)
		goto out;
	if ((spkilen = i2d_PUBKEY(pub, &spki)) <= 0) {
		ERR_clear_error();
		cause_set(cause, _("cannot read the %s public key"), keystore_key_name(k));
		goto out;
	}
	if (keystore_cert_check(k, cert_pem, chain_pem, spki, (size_t)spkilen, out->ski[k],
	    cause) == -1)
		goto out;
	if ((pl->cert[k] = keystore_pkcs11_cert_parse(cert_pem)) == NULL) {
		cause_set(cause, _("the %s certificate cannot be read"), keystore_key_name(k));
		goto out;
	}
	if (p11_attr(kp->t, obj, CKA_ID, &pl->id[k], &pl->idlen[k], cause) == -1)
		goto out;
	if (pl->id[k] == NULL) {
		cause_set(cause, _("the %s key on the token %s has no ID to store its "
		    "certificate under"), keystore_key_name(k), p11_name(kp->t));
		goto out;
	}
	rc = keystore_pkcs11_plan_present(kp, k, pl, cause);
out:
	OPENSSL_free(spki);
	EVP_PKEY_free(pub);
	return rc;
}

/*
 * Writes what is missing; a failure removes what this call wrote, so the token is as it
 * was. A different certificate for the same key (issued again) is replaced: the new one
 * is written first, so a crash leaves two, never none.
 */
static int
keystore_pkcs11_commit(struct keystore_pkcs11 *kp, struct keystore_pkcs11_plan *pl,
    char **cause)
{
	char	*why = NULL;
	size_t	 i;
	int	 k;

	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (pl->present[k])
			continue;
		if (p11_cert_store(kp->t, pl->cert[k], kp->label[k], pl->id[k], pl->idlen[k],
		    &pl->made[k], cause) == -1)
			goto undo;
		pl->wrote[k] = 1;
	}
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		for (i = 0; i < pl->nold[k]; i++)
			if (p11_destroy(kp->t, pl->old[k][i], &why) == -1) {
				log_warning(_("the older %s certificate stays on the token: %s"),
				    keystore_key_name(k), why);
				free(why);
				why = NULL;
			}
	return 0;
undo:
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (pl->wrote[k] && p11_destroy(kp->t, pl->made[k], &why) == -1) {
			log_warning(_("the %s certificate written before the failure stays on "
			    "the token: %s"), keystore_key_name(k), why);
			free(why);
			why = NULL;
		}
	return -1;
}

static int
keystore_pkcs11_install(struct keystore *ks, const char *cert_pem[KEYSTORE_KEY__MAX],
    const char *chain_pem, const struct secret *password, enum keystore_p12_layout layout,
    struct keystore_installed *out, char **cause)
{
	struct keystore_pkcs11		*kp = ks->impl;
	struct keystore_pkcs11_plan	 pl;
	int				 k, rc = -1;

	(void)password;		/* the token's PIN, given at open, protects the keys */
	(void)layout;
	memset(&pl, 0, sizeof pl);
	memset(out, 0, sizeof *out);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (keystore_pkcs11_plan_one(kp, k, &pl, cert_pem[k], chain_pem, out,
		    cause) == -1)
			goto out;
	if (keystore_pkcs11_commit(kp, &pl, cause) == -1)
		goto out;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		log_info(_("installed the %s certificate on the token %s, beside its key %s"),
		    keystore_key_name(k), p11_name(kp->t), kp->label[k]);
	rc = 0;
out:
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		X509_free(pl.cert[k]);
		free(pl.id[k]);
		free(pl.old[k]);
	}
	if (rc == -1)
		memset(out->ski, 0, sizeof out->ski);
	return rc;
}

/* The key objects labelled for the application, private and public, destroyed. */
static int
keystore_pkcs11_remove_keys(struct keystore *ks, int *removed, char **cause)
{
	static const unsigned long	 classes[] = { CKO_PRIVATE_KEY, CKO_PUBLIC_KEY };
	struct keystore_pkcs11		*kp = ks->impl;
	unsigned long			*objs = NULL;
	size_t				 n = 0, c, i;
	int				 k, rc = 0;

	*removed = 0;
	for (k = 0; k < KEYSTORE_KEY__MAX && rc == 0; k++) {
		for (c = 0; c < sizeof classes / sizeof classes[0] && rc == 0; c++) {
			if (p11_find(kp->t, classes[c], kp->label[k], NULL, 0, &objs, &n,
			    cause) == -1)
				return -1;
			for (i = 0; i < n && rc == 0; i++)
				rc = p11_destroy(kp->t, objs[i], cause);
			if (rc == 0 && n > 0 && classes[c] == CKO_PRIVATE_KEY) {
				(*removed)++;
				log_info(_("removed the %s key %s from the token %s"),
				    keystore_key_name(k), kp->label[k], p11_name(kp->t));
			}
			free(objs);
			objs = NULL;
		}
	}
	return rc;
}

static void
keystore_pkcs11_close(struct keystore *ks)
{
	struct keystore_pkcs11	*kp = ks->impl;
	int			 k;

	if (kp == NULL)
		return;
	p11_close(kp->t);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(kp->label[k]);
	free(kp->app_id);
	free(kp);
	ks->impl = NULL;
}

static const struct keystore_ops keystore_pkcs11_ops = {
	.name = "pkcs11",
	.generate = keystore_pkcs11_generate,
	.has_keys = keystore_pkcs11_has_keys,
	.csr = keystore_pkcs11_csr,
	.sign = keystore_pkcs11_sign,
	.install = keystore_pkcs11_install,
	.remove_keys = keystore_pkcs11_remove_keys,
	.close = keystore_pkcs11_close,
};

static int
keystore_pkcs11_labels(struct keystore_pkcs11 *kp, const char *app_id)
{
	int	k;

	if ((kp->app_id = strdup(app_id)) == NULL)
		return -1;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (asprintf(&kp->label[k], "ncaenroll-%s-%s", app_id,
		    keystore_key_name(k)) == -1) {
			kp->label[k] = NULL;
			return -1;
		}
	return 0;
}

struct keystore *
keystore_pkcs11_open_why(const char *module, const char *serial, const char *app_id,
    const struct secret *pin, enum p11_failure *why, char **cause)
{
	struct keystore		*ks = NULL;
	struct keystore_pkcs11	*kp = NULL;
	enum p11_failure	 w = P11_DEVICE;

	if (app_id == NULL || !keystore_pkcs11_app_id_ok(app_id)) {
		cause_set(cause, _("an application id of letters, digits, '.', '_' or '-' is "
		    "needed"));
		goto out;
	}
	if ((ks = calloc(1, sizeof *ks)) == NULL || (kp = calloc(1, sizeof *kp)) == NULL) {
		free(ks);
		ks = NULL;
		cause_set(cause, _("out of memory"));
		goto out;
	}
	ks->ops = &keystore_pkcs11_ops;
	ks->impl = kp;
	if (keystore_pkcs11_labels(kp, app_id) == -1)
		cause_set(cause, _("out of memory"));
	else if ((kp->t = p11_open(module != NULL ? module : keystore_pkcs11_module(), serial,
	    pin, 1, &w, cause)) != NULL)
		w = P11_OK;
out:
	if (w != P11_OK) {
		keystore_close(ks);
		ks = NULL;
	}
	if (why != NULL)
		*why = w;
	return ks;
}

int
keystore_pkcs11_change_pin(const char *module, const char *serial,
    const struct secret *old, const struct secret *new_pin, enum p11_failure *why,
    char **cause)
{
	struct p11	*t;
	int		 rc;

	if ((t = p11_open(module != NULL ? module : keystore_pkcs11_module(), serial, old, 1,
	    why, cause)) == NULL)
		return -1;
	if ((rc = p11_set_pin(t, old, new_pin, why, cause)) == 0)
		log_info(_("changed the PIN of the token %s"), p11_name(t));
	p11_close(t);
	return rc;
}

struct keystore *
keystore_pkcs11_open(const char *module, const char *serial, const char *app_id,
    const struct secret *pin, char **cause)
{
	return keystore_pkcs11_open_why(module, serial, app_id, pin, NULL, cause);
}

/*
 * The token keystore on a real SoftHSM2 token made for each test: the token is listed as a
 * person knows it, keys are made once and stay on the token (sensitive, never
 * extractable, read back from the token), CSRs and signatures verify with the token's
 * public key, a wrong PIN and an absent token are told apart, install refuses a
 * certificate for another key without writing anything, and stores both certificates
 * beside their keys (same CKA_ID) once, however often it is repeated. The desk's
 * identity on a token (p11_identity_open) signs as OpenSSL asks: PKCS#1 and RSA-PSS.
 */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "common/secret.h"
#include "enroll/keystore.h"
#include "desk/p11-identity.h"
#include "p11/p11.h"
#include "softhsm.h"
#include "testca.h"
#include "testks.h"

#define APP	"A2611-0042"
#define LABEL	"ncaenroll test"
#define PIN	"482915"
#define SOPIN	"11223344"

struct group {
	struct testca	 ca, other;	/* other: a CA the keystore is not told about */
};

struct fx {
	struct group	*g;
	struct softhsm	 hsm;
	struct secret	*pin;
	struct keystore	*ks;
	/* Closed by teardown too, should an assertion fail on the way. */
	struct p11		*peek;
	struct keystore		*other;
	struct p11_identity	 id;
	int			 server;	/* p11-kit server serving the token, or 0 */
};

static int
group_setup(void **state)
{
	struct group	*g = calloc(1, sizeof *g);

	assert_non_null(g);
	testca_make(&g->ca, "ncaenroll test CA");
	testca_make(&g->other, "another CA");
	*state = g;
	return 0;
}

static int
group_teardown(void **state)
{
	struct group	*g = *state;

	testca_free(&g->ca);
	testca_free(&g->other);
	free(g);
	return 0;
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof *f);
	char		*cause = NULL;

	assert_non_null(f);
	f->g = *state;
	softhsm_make(&f->hsm, LABEL, PIN, SOPIN);
	assert_non_null(f->pin = secret_new(PIN, strlen(PIN)));
	if ((f->ks = keystore_pkcs11_open(keystore_pkcs11_module(), f->hsm.serial, APP, f->pin,
	    &cause)) == NULL)
		fail_msg("open: %s", cause);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	struct group	*g = f->g;

	p11_close(f->peek);
	keystore_close(f->other);
	p11_identity_free(&f->id);
	keystore_close(f->ks);
	if (f->server != 0)
		softhsm_unplug(f->server);
	secret_free(f->pin);
	softhsm_free(&f->hsm);
	free(f);
	*state = g;
	return 0;
}

/*
 * A second, read-only look at the token, as another program would take it. It must be
 * closed (unpeek) before the token is left: SoftHSM2 reads its configuration only when
 * the last user of the module is gone and the next one starts it.
 */
static struct p11 *
peek(struct fx *f)
{
	char	*cause = NULL;

	assert_null(f->peek);
	if ((f->peek = p11_open(SOFTHSM_MODULE, f->hsm.serial, f->pin, 0, NULL,
	    &cause)) == NULL)
		fail_msg("peek: %s", cause);
	return f->peek;
}

static void
unpeek(struct fx *f)
{
	p11_close(f->peek);
	f->peek = NULL;
}

static size_t
count(struct p11 *t, unsigned long cls, const char *label)
{
	unsigned long	*objs = NULL;
	size_t		 n = 0;
	char		*cause = NULL;

	if (p11_find(t, cls, label, NULL, 0, &objs, &n, &cause) != 0)
		fail_msg("find: %s", cause);
	free(objs);
	return n;
}

static unsigned long
one(struct p11 *t, unsigned long cls, const char *label)
{
	unsigned long	*objs = NULL, h;
	size_t		 n = 0;

	assert_int_equal(p11_find(t, cls, label, NULL, 0, &objs, &n, NULL), 0);
	assert_int_equal(n, 1);
	h = objs[0];
	free(objs);
	return h;
}

static void
label_of(enum keystore_key k, char *buf, size_t size)
{
	(void)snprintf(buf, size, "ncaenroll-%s-%s", APP, keystore_key_name(k));
}

/* The key pair's ID and modulus, to tell one key from another. */
static void
fingerprint(struct p11 *t, enum keystore_key k, unsigned char **id, size_t *idlen,
    unsigned char **mod, size_t *modlen)
{
	char		label[64];
	unsigned long	h;

	label_of(k, label, sizeof label);
	h = one(t, CKO_PRIVATE_KEY, label);
	assert_int_equal(p11_attr(t, h, CKA_ID, id, idlen, NULL), 0);
	assert_int_equal(p11_attr(t, h, CKA_MODULUS, mod, modlen, NULL), 0);
}

/* --- tests ---------------------------------------------------------------------------- */

static void
test_tokens_listed(void **state)
{
	struct fx		*f = *state;
	struct keystore_token	*list = NULL;
	size_t			 n = 0, i, found = 0;
	char			*cause = NULL;

	assert_string_equal(keystore_pkcs11_module(), SOFTHSM_MODULE);
	if (keystore_pkcs11_tokens(keystore_pkcs11_module(), &list, &n, &cause) != 0)
		fail_msg("tokens: %s", cause);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].serial, f->hsm.serial) != 0)
			continue;
		found++;
		assert_string_equal(list[i].label, LABEL);
		assert_string_equal(list[i].manufacturer, "SoftHSM project");
		assert_string_equal(list[i].model, "SoftHSM v2");
		assert_true(list[i].initialized);
		assert_true(list[i].login_required);
		assert_false(list[i].pin_locked);
	}
	assert_int_equal(found, 1);
	keystore_pkcs11_tokens_free(list, n);

	/* A module that is not there is a sentence, not a crash. */
	assert_int_equal(keystore_pkcs11_tokens("/nonexistent/libnothing.so", &list, &n,
	    &cause), -1);
	assert_non_null(strstr(cause, "cannot load the PKCS#11 module"));
	assert_null(list);
	assert_int_equal(n, 0);
	free(cause);
}

static void
test_generate_keeps_keys(void **state)
{
	struct fx	*f = *state;
	struct p11	*t;
	unsigned char	*id[2][KEYSTORE_KEY__MAX], *mod[2][KEYSTORE_KEY__MAX];
	size_t		 idlen[2][KEYSTORE_KEY__MAX], modlen[2][KEYSTORE_KEY__MAX];
	char		*cause = NULL, label[64];
	int		 yes = -1, k, round;

	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, &cause), 0);
	assert_false(yes);
	testks_generate(f->ks, 1);
	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, &cause), 0);
	assert_true(yes);
	for (round = 0; round < 2; round++) {
		t = peek(f);
		for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
			label_of(k, label, sizeof label);
			assert_int_equal(count(t, CKO_PRIVATE_KEY, label), 1);
			assert_int_equal(count(t, CKO_PUBLIC_KEY, label), 1);
			fingerprint(t, k, &id[round][k], &idlen[round][k], &mod[round][k],
			    &modlen[round][k]);
			assert_int_equal(modlen[round][k], 256);	/* RSA-2048 */
		}
		assert_int_equal(count(t, CKO_PRIVATE_KEY, NULL), 2);
		unpeek(f);
		/* A resumed apply: a new process opens the token again and generates. */
		keystore_close(f->ks);
		if ((f->ks = keystore_pkcs11_open(NULL, f->hsm.serial, APP, f->pin,
		    &cause)) == NULL)
			fail_msg("reopen: %s", cause);
		testks_generate(f->ks, 0);
	}
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		assert_int_equal(idlen[0][k], 20);
		assert_memory_equal(id[0][k], id[1][k], 20);
		assert_memory_equal(mod[0][k], mod[1][k], 256);
	}
	/* Each pair has an ID of its own. */
	assert_memory_not_equal(id[0][KEYSTORE_AUTH], id[0][KEYSTORE_SIGN], 20);
	for (round = 0; round < 2; round++)
		for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
			free(id[round][k]);
			free(mod[round][k]);
		}
}

static void
test_keys_never_leave(void **state)
{
	struct fx	*f = *state;
	struct p11	*t;
	unsigned char	*val = NULL;
	size_t		 len = 0;
	char		*cause = NULL, label[64];
	unsigned long	 h;
	int		 k, yes;

	testks_generate(f->ks, 1);
	t = peek(f);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		label_of(k, label, sizeof label);
		h = one(t, CKO_PRIVATE_KEY, label);
		static const struct {
			unsigned long	type;
			int		want;
		} want[] = {
			{ CKA_TOKEN, 1 }, { CKA_PRIVATE, 1 }, { CKA_SENSITIVE, 1 },
			{ CKA_ALWAYS_SENSITIVE, 1 }, { CKA_EXTRACTABLE, 0 },
			{ CKA_NEVER_EXTRACTABLE, 1 }, { CKA_SIGN, 1 }, { CKA_LOCAL, 1 },
		};
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
			assert_int_equal(p11_attr_bool(t, h, want[i].type, &yes, NULL), 0);
			assert_int_equal(yes, want[i].want);
		}
		/* Only the AUTH key may decrypt (keyEncipherment); SIGN is nonRepudiation. */
		assert_int_equal(p11_attr_bool(t, h, CKA_DECRYPT, &yes, NULL), 0);
		assert_int_equal(yes, k == KEYSTORE_AUTH);
		/* The token refuses to show the private exponent. */
		assert_int_equal(p11_attr(t, h, CKA_PRIVATE_EXPONENT, &val, &len, &cause), -1);
		assert_non_null(strstr(cause, "CKR_ATTRIBUTE_SENSITIVE"));
		assert_null(val);
		free(cause);
		cause = NULL;
		h = one(t, CKO_PUBLIC_KEY, label);
		assert_int_equal(p11_attr_bool(t, h, CKA_VERIFY, &yes, NULL), 0);
		assert_true(yes);
		assert_int_equal(p11_attr_bool(t, h, CKA_TOKEN, &yes, NULL), 0);
		assert_true(yes);
	}
	unpeek(f);
}

static void
test_csr_and_sign_verify(void **state)
{
	struct fx		*f = *state;
	struct p11		*t;
	EVP_PKEY		*req_pub, *tok_pub;
	EVP_MD_CTX		*md;
	char			*pem = NULL, *cause = NULL, label[64];
	unsigned char		*sig = NULL;
	size_t			 siglen = 0;
	static const char	 msg[] = "installed 4821-0937-5512-0684-3319-7725-4406";
	int			 k;

	testks_generate(f->ks, 1);
	t = peek(f);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (f->ks->ops->csr(f->ks, k, &pem, &cause) != 0)
			fail_msg("csr: %s", cause);
		req_pub = testca_csr_check(pem, APP);	/* verifies, SHA-256 with RSA, CN */
		label_of(k, label, sizeof label);
		assert_non_null(tok_pub = p11_public(t, one(t, CKO_PRIVATE_KEY, label), NULL));
		assert_int_equal(EVP_PKEY_eq(req_pub, tok_pub), 1);

		if (f->ks->ops->sign(f->ks, k, msg, strlen(msg), &sig, &siglen, &cause) != 0)
			fail_msg("sign: %s", cause);
		assert_int_equal(siglen, 256);
		assert_non_null(md = EVP_MD_CTX_new());
		assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, tok_pub), 1);
		assert_int_equal(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
		    strlen(msg)), 1);
		EVP_MD_CTX_free(md);
		free(sig);
		free(pem);
		EVP_PKEY_free(req_pub);
		EVP_PKEY_free(tok_pub);
	}
	unpeek(f);
}

static void
test_wrong_pin_and_absent_token(void **state)
{
	struct fx		*f = *state;
	struct secret		*bad;
	struct keystore		*ks;
	enum p11_failure	 why = P11_OK;
	char			*cause = NULL;

	assert_non_null(bad = secret_new("999999", 6));
	/* The token is logged in already in this process (f->ks): the PIN is still judged. */
	ks = keystore_pkcs11_open_why(NULL, f->hsm.serial, APP, bad, &why, &cause);
	assert_null(ks);
	assert_int_equal(why, P11_PIN);
	assert_non_null(strstr(cause, "the PIN is wrong for the token \"" LABEL "\""));
	free(cause);
	cause = NULL;
	/* And by the token itself, once nothing here is logged in. */
	keystore_close(f->ks);
	f->ks = NULL;
	ks = keystore_pkcs11_open_why(NULL, f->hsm.serial, APP, bad, &why, &cause);
	assert_null(ks);
	assert_int_equal(why, P11_PIN);
	assert_non_null(strstr(cause, "the PIN is wrong for the token \"" LABEL "\""));
	assert_null(strstr(cause, "999999"));
	free(cause);
	cause = NULL;
	/* The right PIN still opens it: a wrong one did not lock SoftHSM2. */
	assert_non_null(ks = keystore_pkcs11_open(NULL, f->hsm.serial, APP, f->pin, &cause));
	keystore_close(ks);

	ks = keystore_pkcs11_open_why(NULL, "0000deadbeef0000", APP, f->pin, &why, &cause);
	assert_null(ks);
	assert_int_equal(why, P11_ABSENT);
	assert_non_null(strstr(cause, "no token with serial number 0000deadbeef0000"));
	assert_non_null(strstr(cause, f->hsm.serial));		/* what is connected instead */
	free(cause);
	cause = NULL;

	ks = keystore_pkcs11_open_why("/nonexistent/libnothing.so", f->hsm.serial, APP,
	    f->pin, &why, &cause);
	assert_null(ks);
	assert_int_equal(why, P11_MODULE);
	free(cause);
	cause = NULL;

	assert_null(keystore_pkcs11_open(NULL, f->hsm.serial, "../evil", f->pin, &cause));
	assert_non_null(cause);
	free(cause);
	secret_free(bad);
}

/* Object counts of every kind on the token, to see that nothing was written. */
static void
snapshot(struct fx *f, size_t out[3])
{
	struct p11	*t = peek(f);

	out[0] = count(t, CKO_CERTIFICATE, NULL);
	out[1] = count(t, CKO_PRIVATE_KEY, NULL);
	out[2] = count(t, CKO_PUBLIC_KEY, NULL);
	unpeek(f);
}

static void
test_install_other_key_refused(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	EVP_PKEY			*stranger;
	X509				*x;
	char				*cert[KEYSTORE_KEY__MAX], *cause = NULL;
	size_t				 before[3], after[3];
	int				 k;

	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, cert);
	snapshot(f, before);
	assert_int_equal(before[0], 0);
	/* AUTH is right; SIGN is for a key that was never on this token. */
	assert_non_null(stranger = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	x = testca_cert(stranger, APP, &f->g->ca, NULL, TESTCA_KU_SIGN, 0);
	free(cert[KEYSTORE_SIGN]);
	cert[KEYSTORE_SIGN] = testca_pem(x);
	X509_free(x);
	EVP_PKEY_free(stranger);
	assert_int_equal(f->ks->ops->install(f->ks, (const char **)cert, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause), -1);
	assert_non_null(strstr(cause, "SIGN certificate is for another key"));
	free(cause);
	cause = NULL;
	snapshot(f, after);
	assert_memory_equal(before, after, sizeof before);	/* not even the AUTH one */

	/* Another CA's certificates are refused alike. */
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(cert[k]);
	testks_issue_both(f->ks, &f->g->other, APP, cert);
	assert_int_equal(f->ks->ops->install(f->ks, (const char **)cert, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause), -1);
	assert_non_null(strstr(cause, "does not chain to the CA"));
	free(cause);
	snapshot(f, after);
	assert_memory_equal(before, after, sizeof before);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(cert[k]);
}

static void
assert_installed(struct fx *f, char *cert[KEYSTORE_KEY__MAX],
    const struct keystore_installed *out)
{
	struct p11	*t = peek(f);
	unsigned char	*kid, *cid, *val, *der = NULL, *clabel;
	size_t		 kidlen, cidlen, vallen, clabellen;
	unsigned long	 key, crt;
	char		 label[64], ski[41];
	BIO		*b;
	X509		*x;
	int		 k, derlen;

	assert_int_equal(count(t, CKO_CERTIFICATE, NULL), 2);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		assert_null(out->path[k]);
		label_of(k, label, sizeof label);
		key = one(t, CKO_PRIVATE_KEY, label);
		crt = one(t, CKO_CERTIFICATE, label);
		assert_int_equal(p11_attr(t, key, CKA_ID, &kid, &kidlen, NULL), 0);
		assert_int_equal(p11_attr(t, crt, CKA_ID, &cid, &cidlen, NULL), 0);
		assert_int_equal(kidlen, cidlen);
		assert_memory_equal(kid, cid, kidlen);
		assert_int_equal(p11_attr(t, crt, CKA_LABEL, &clabel, &clabellen, NULL), 0);
		assert_int_equal(clabellen, strlen(label));
		assert_memory_equal(clabel, label, clabellen);
		assert_int_equal(p11_attr(t, crt, CKA_VALUE, &val, &vallen, NULL), 0);
		assert_non_null(b = BIO_new_mem_buf(cert[k], -1));
		assert_non_null(x = PEM_read_bio_X509(b, NULL, NULL, NULL));
		assert_true((derlen = i2d_X509(x, &der)) > 0);
		assert_int_equal(vallen, (size_t)derlen);
		assert_memory_equal(val, der, vallen);
		testca_ski(X509_get0_pubkey(x), ski);
		assert_string_equal(out->ski[k], ski);
		OPENSSL_free(der);
		der = NULL;
		X509_free(x);
		BIO_free(b);
		free(kid);
		free(cid);
		free(val);
		free(clabel);
	}
	unpeek(f);
}

static void
test_install_and_repeat(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	char				*cert[KEYSTORE_KEY__MAX], *cause = NULL;
	size_t				 before[3], after[3];
	int				 k, round;

	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, cert);
	for (round = 0; round < 3; round++) {
		if (f->ks->ops->install(f->ks, (const char **)cert, f->g->ca.pem, NULL,
		    KEYSTORE_P12_MODERN, &out, &cause) != 0)
			fail_msg("install %d: %s", round, cause);
		assert_installed(f, cert, &out);
		keystore_installed_free(&out);
		if (round == 1) {
			/* A repeat from a new process, as after a crash. */
			keystore_close(f->ks);
			if ((f->ks = keystore_pkcs11_open(NULL, f->hsm.serial, APP, f->pin,
			    &cause)) == NULL)
				fail_msg("reopen: %s", cause);
		}
	}
	/* The keys are still the two of apply, and still on the token. */
	snapshot(f, after);
	before[0] = 2, before[1] = 2, before[2] = 2;
	assert_memory_equal(before, after, sizeof before);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(cert[k]);
}

/* A certificate issued again for the same key replaces the older one beside it. */
static void
test_install_replaces_older(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	char				*first[KEYSTORE_KEY__MAX], *second[KEYSTORE_KEY__MAX];
	char				*cause = NULL;
	int				 k;

	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, first);
	testks_issue_both(f->ks, &f->g->ca, APP, second);
	assert_int_equal(f->ks->ops->install(f->ks, (const char **)first, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause), 0);
	if (f->ks->ops->install(f->ks, (const char **)second, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause) != 0)
		fail_msg("install again: %s", cause);
	assert_installed(f, second, &out);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		free(first[k]);
		free(second[k]);
	}
}

static void
test_install_without_keys(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	struct keystore			*other;
	char				*cert[KEYSTORE_KEY__MAX], *cause = NULL;
	int				 k;

	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, cert);
	/* The same token, another application: its keys were never made. */
	if ((f->other = other = keystore_pkcs11_open(NULL, f->hsm.serial, "A2611-0043", f->pin,
	    &cause)) == NULL)
		fail_msg("open: %s", cause);
	assert_int_equal(other->ops->install(other, (const char **)cert, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause), -1);
	assert_non_null(strstr(cause, "is not on the token"));
	assert_non_null(strstr(cause, "cannot be installed here"));
	free(cause);
	keystore_close(other);
	f->other = NULL;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(cert[k]);
}

/*
 * The token goes away while the keystore is open (its p11-kit server ends, as a USB token
 * is pulled out): each operation says so in words, nothing hangs, and once it is back the
 * keys made before are still there.
 */
static void
test_token_removed(void **state)
{
	struct fx	*f = *state;
	void		(*old)(int);
	unsigned char	*sig = NULL;
	size_t		 siglen = 0;
	char		*pem = NULL, *cause = NULL;
	int		 created, yes = 0;

	keystore_close(f->ks);
	f->ks = NULL;
	f->server = softhsm_serve(&f->hsm, P11KIT_CLIENT_MODULE);
	if ((f->ks = keystore_pkcs11_open(NULL, f->hsm.serial, APP, f->pin, &cause)) == NULL)
		fail_msg("open through p11-kit: %s", cause);
	testks_generate(f->ks, 1);
	if (f->ks->ops->csr(f->ks, KEYSTORE_AUTH, &pem, &cause) != 0)
		fail_msg("csr: %s", cause);
	free(pem);
	pem = NULL;

	old = signal(SIGPIPE, SIG_IGN);
	softhsm_unplug(f->server);
	f->server = 0;
	assert_int_equal(f->ks->ops->csr(f->ks, KEYSTORE_SIGN, &pem, &cause), -1);
	assert_null(pem);
	assert_non_null(strstr(cause, "the token \"" LABEL "\""));
	assert_non_null(strstr(cause, "was disconnected; connect it again and repeat"));
	free(cause);
	cause = NULL;
	assert_int_equal(f->ks->ops->generate(f->ks, &created, &cause), -1);
	assert_non_null(strstr(cause, "was disconnected"));
	free(cause);
	cause = NULL;
	assert_int_equal(f->ks->ops->sign(f->ks, KEYSTORE_AUTH, "x", 1, &sig, &siglen,
	    &cause), -1);
	assert_non_null(strstr(cause, "was disconnected"));
	free(cause);
	cause = NULL;
	keystore_close(f->ks);
	f->ks = NULL;
	(void)signal(SIGPIPE, old);

	/* Connected again: the keys of before, nothing made twice. */
	f->server = softhsm_serve(&f->hsm, P11KIT_CLIENT_MODULE);
	if ((f->ks = keystore_pkcs11_open(NULL, f->hsm.serial, APP, f->pin, &cause)) == NULL)
		fail_msg("reopen: %s", cause);
	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, &cause), 0);
	assert_true(yes);
	testks_generate(f->ks, 0);
	keystore_close(f->ks);
	f->ks = NULL;
	softhsm_unplug(f->server);
	f->server = 0;
}

/* OpenSSL signing with the token's key, as TLS 1.2 (PKCS#1) and TLS 1.3 (PSS) ask. */
static void
sign_verify(EVP_PKEY *key, X509 *cert, int pss)
{
	static const unsigned char	 msg[] = "CertificateVerify";
	EVP_PKEY_CTX			*pctx = NULL;
	EVP_MD_CTX			*md;
	unsigned char			 sig[512];
	size_t				 siglen = sizeof sig;

	assert_non_null(md = EVP_MD_CTX_new());
	assert_int_equal(EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key), 1);
	if (pss) {
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
	}
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, msg, sizeof msg), 1);
	EVP_MD_CTX_free(md);
	assert_non_null(md = EVP_MD_CTX_new());
	pctx = NULL;
	assert_int_equal(EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL,
	    X509_get0_pubkey(cert)), 1);
	if (pss)
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
	assert_int_equal(EVP_DigestVerify(md, sig, siglen, msg, sizeof msg), 1);
	EVP_MD_CTX_free(md);
}

static void
test_identity(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	struct p11_identity		*id = &f->id;
	enum p11_failure		 why;
	struct secret			*bad;
	char				*cert[KEYSTORE_KEY__MAX], *cause = NULL, uri[160];
	int				 k;

	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, cert);
	assert_int_equal(f->ks->ops->install(f->ks, (const char **)cert, f->g->ca.pem, NULL,
	    KEYSTORE_P12_MODERN, &out, &cause), 0);
	keystore_close(f->ks);
	f->ks = NULL;

	(void)snprintf(uri, sizeof uri, "pkcs11:token=ncaenroll%%20test;serial=%s?"
	    "module-path=%s", f->hsm.serial, SOFTHSM_MODULE);
	if (p11_identity_open(uri, f->pin, id, &why, &cause) != 0)
		fail_msg("identity: %s", cause);
	assert_int_equal(why, P11_OK);
	assert_true(id->pss);
	sign_verify(id->key, id->cert, 0);
	sign_verify(id->key, id->cert, 1);
	p11_identity_free(id);

	assert_non_null(bad = secret_new("000000", 6));
	(void)snprintf(uri, sizeof uri, "pkcs11:serial=%s", f->hsm.serial);
	assert_int_equal(p11_identity_open(uri, bad, id, &why, &cause), -1);
	assert_int_equal(why, P11_PIN);
	assert_null(id->key);
	free(cause);
	cause = NULL;
	secret_free(bad);
	(void)snprintf(uri, sizeof uri, "pkcs11:serial=%s?pin-value=%s", f->hsm.serial, PIN);
	assert_int_equal(p11_identity_open(uri, f->pin, id, &why, &cause), -1);
	assert_non_null(strstr(cause, "never taken from a PKCS#11 URI"));
	free(cause);
	cause = NULL;
	assert_int_equal(p11_identity_open("pkcs11:token=x", f->pin, id, &why, &cause), -1);
	assert_non_null(strstr(cause, "names no token"));
	free(cause);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(cert[k]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tokens_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_keeps_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_never_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr_and_sign_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_pin_and_absent_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_other_key_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_and_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_replaces_older, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_without_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
	};

	return cmocka_run_group_tests_name("keystore-pkcs11", tests, group_setup,
	    group_teardown);
}

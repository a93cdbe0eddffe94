/*
 * The PC-folder keystore against the tests' little CA (testca.c): keys and folders made
 * right, CSRs and signatures that verify, containers that open and carry NCA's names and
 * attributes, and every refusal leaving the folder exactly as it was.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/asn1t.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "common/secret.h"
#include "enroll/keystore.h"
#include "testca.h"
#include "testks.h"

#define APP	"A2611-0042"
#define PW	"Qwerty12"

struct group {
	struct testca	 ca, other;	/* other: a CA the keystore is not told about */
	OSSL_PROVIDER	*prov[2];	/* to read the legacy layout back */
};

struct fx {
	struct group	*g;
	char		 top[64];
	char		 dir[96];
	char		 wrap[96];	/* the wrapping keys, outside dir */
	struct keystore	*ks;
	char		*cert[KEYSTORE_KEY__MAX];
};

/* --- the folder --------------------------------------------------------------------- */

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp = fopen(path, "rb");
	char	*buf;
	long	 n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((n = ftell(fp)) >= 0);
	rewind(fp);
	assert_non_null(buf = malloc((size_t)n + 1));
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	(void)fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
put(const char *path, const char *data, size_t len)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static int
snap_filter(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Names, modes and contents of everything in dir, in one string to compare. */
static char *
snapshot(const char *dir)
{
	struct dirent	**ents;
	struct stat	  st;
	char		  path[512], *out = NULL, *more, *data, hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned char	  md[EVP_MAX_MD_SIZE];
	unsigned int	  mdlen, j;
	size_t		  len;
	int		  n, i;

	assert_true((n = scandir(dir, &ents, snap_filter, alphasort)) >= 0);
	assert_non_null(out = strdup(""));
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
		assert_int_equal(lstat(path, &st), 0);
		data = slurp(path, &len);
		assert_int_equal(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL), 1);
		for (j = 0; j < mdlen; j++)
			(void)snprintf(hex + 2 * j, 3, "%02x", md[j]);
		assert_true(asprintf(&more, "%s%s %o %s\n", out, ents[i]->d_name,
		    (unsigned)st.st_mode, hex) != -1);
		free(out);
		out = more;
		free(data);
		free(ents[i]);
	}
	free(ents);
	return out;
}

static mode_t
mode_of(const char *path)
{
	struct stat	st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static int
exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

static void
keypath(struct fx *f, enum keystore_key k, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s/ncaenroll-%s-%s.key", f->dir, APP,
	    k == KEYSTORE_AUTH ? "AUTH" : "SIGN");
}

static EVP_PKEY *
load_pending(struct fx *f, enum keystore_key k)
{
	char		 path[256], *pass;
	FILE		*fp;
	EVP_PKEY	*key;

	/* Encrypted under the wrapping key: 64 hex digits and a newline. */
	(void)snprintf(path, sizeof path, "%s/%s.key", f->wrap, APP);
	pass = slurp(path, NULL);
	assert_int_equal(strlen(pass), 65);
	pass[64] = '\0';
	keypath(f, k, path, sizeof path);
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(key = PEM_read_PrivateKey(fp, NULL, NULL, pass));
	(void)fclose(fp);
	free(pass);
	return key;
}

/* --- fixtures ----------------------------------------------------------------------- */

static int
group_setup(void **state)
{
	struct group	*g = calloc(1, sizeof *g);

	assert_non_null(g);
	testca_make(&g->ca, "Test Root CA");
	testca_make(&g->other, "Another CA");
	/* Reading RC2-40 back needs the legacy provider; the keystore loads its own. */
	assert_non_null(g->prov[0] = OSSL_PROVIDER_load(NULL, "default"));
	assert_non_null(g->prov[1] = OSSL_PROVIDER_load(NULL, "legacy"));
	*state = g;
	return 0;
}

static int
group_teardown(void **state)
{
	struct group	*g = *state;

	testca_free(&g->ca);
	testca_free(&g->other);
	OSSL_PROVIDER_unload(g->prov[1]);
	OSSL_PROVIDER_unload(g->prov[0]);
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
	(void)snprintf(f->top, sizeof f->top, "/tmp/test-keystore-XXXXXX");
	assert_non_null(mkdtemp(f->top));
	(void)snprintf(f->dir, sizeof f->dir, "%s/my keys", f->top);
	(void)snprintf(f->wrap, sizeof f->wrap, "%s/wrap", f->top);
	if ((f->ks = keystore_file_open_at(f->dir, APP, f->wrap, &cause)) == NULL)
		fail_msg("open: %s", cause);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[160];
	int		 k;

	keystore_close(f->ks);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(f->cert[k]);
	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->top);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Keys made and both certificates issued by the test CA, as they should be. */
static void
ready(struct fx *f)
{
	testks_generate(f->ks, 1);
	testks_issue_both(f->ks, &f->g->ca, APP, f->cert);
}

static int
install(struct fx *f, const char *const cert[KEYSTORE_KEY__MAX], const char *chain,
    const char *pw, size_t pwlen, enum keystore_p12_layout layout,
    struct keystore_installed *out, char **cause)
{
	struct secret	*s;
	const char	*c[KEYSTORE_KEY__MAX] = { cert[0], cert[1] };
	int		 rc;

	assert_non_null(s = secret_new(pw, pwlen));
	rc = f->ks->ops->install(f->ks, c, chain, s, layout, out, cause);
	secret_free(s);
	return rc;
}

static void
install_ok(struct fx *f, enum keystore_p12_layout layout, struct keystore_installed *out)
{
	char	*cause = NULL;

	if (install(f, (const char *const *)f->cert, f->g->ca.pem, PW, strlen(PW), layout, out,
	    &cause) != 0)
		fail_msg("install: %s", cause);
}

/* install refuses, says something containing `why`, and the folder is as it was. */
static void
install_refused(struct fx *f, const char *const cert[KEYSTORE_KEY__MAX], const char *chain,
    const char *pw, size_t pwlen, const char *why)
{
	struct keystore_installed	 out;
	char				*before, *after, *cause = NULL;

	before = snapshot(f->dir);
	assert_int_equal(install(f, cert, chain, pw, pwlen, KEYSTORE_P12_MODERN, &out, &cause),
	    -1);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("cause '%s' does not say '%s'", cause, why);
	assert_null(out.path[0]);
	assert_null(out.path[1]);
	after = snapshot(f->dir);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(cause);
}

/* --- containers read back ----------------------------------------------------------- */

static PKCS12 *
p12_read(const char *path)
{
	char			*buf;
	const unsigned char	*p;
	size_t			 len;
	PKCS12			*p12;

	buf = slurp(path, &len);
	p = (const unsigned char *)buf;
	assert_non_null(p12 = d2i_PKCS12(NULL, &p, (long)len));
	free(buf);
	return p12;
}

static int
alg_nid(const X509_ALGOR *a)
{
	const ASN1_OBJECT	*obj;

	X509_ALGOR_get0(&obj, NULL, NULL, a);
	return OBJ_obj2nid(obj);
}

static long
pbe_iter(const X509_ALGOR *a)
{
	const void	*param;
	int		 ptype;
	PBEPARAM	*pbe;
	long		 iter;
	ASN1_TYPE	 t;

	X509_ALGOR_get0(NULL, &ptype, &param, a);
	assert_int_equal(ptype, V_ASN1_SEQUENCE);
	t.type = ptype;
	t.value.sequence = (ASN1_STRING *)param;
	assert_non_null(pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), &t));
	iter = ASN1_INTEGER_get(pbe->iter);
	PBEPARAM_free(pbe);
	return iter;
}

/* PBES2 must be AES-256-CBC keyed by PBKDF2 with HMAC-SHA256. */
static void
assert_pbes2_aes256(const X509_ALGOR *a)
{
	const void	*param;
	int		 ptype;
	PBE2PARAM	*pbe2;
	PBKDF2PARAM	*kdf;
	ASN1_TYPE	 t;

	assert_int_equal(alg_nid(a), NID_pbes2);
	X509_ALGOR_get0(NULL, &ptype, &param, a);
	t.type = ptype;
	t.value.sequence = (ASN1_STRING *)param;
	assert_non_null(pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), &t));
	assert_int_equal(alg_nid(pbe2->encryption), NID_aes_256_cbc);
	assert_int_equal(alg_nid(pbe2->keyfunc), NID_id_pbkdf2);
	assert_non_null(kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM),
	    pbe2->keyfunc->parameter));
	assert_non_null(kdf->prf);
	assert_int_equal(alg_nid(kdf->prf), NID_hmacWithSHA256);
	assert_true(ASN1_INTEGER_get(kdf->iter) >= 2048);
	PBKDF2PARAM_free(kdf);
	PBE2PARAM_free(pbe2);
}

/*
 * The layout as written: MAC digest, then for each bag its encryption, one key and one
 * certificate, each with friendlyName and localKeyID = the hex.
 */
static void
assert_layout(PKCS12 *p12, enum keystore_p12_layout layout, const char *hex)
{
	const X509_ALGOR		*macalg, *alg;
	const ASN1_INTEGER		*iter;
	const ASN1_TYPE			*id;
	STACK_OF(PKCS7)			*safes;
	STACK_OF(PKCS12_SAFEBAG)	*bags;
	PKCS12_SAFEBAG			*bag;
	PKCS7				*p7;
	char				*name, idhex[41];
	int				 i, j, keys = 0, certs = 0, legacy;

	legacy = layout == KEYSTORE_P12_LEGACY;
	PKCS12_get0_mac(NULL, &macalg, NULL, &iter, p12);
	assert_int_equal(alg_nid(macalg), legacy ? NID_sha1 : NID_sha256);
	if (legacy)
		assert_int_equal(ASN1_INTEGER_get(iter), 1024);
	assert_non_null(safes = PKCS12_unpack_authsafes(p12));
	for (i = 0; i < sk_PKCS7_num(safes); i++) {
		p7 = sk_PKCS7_value(safes, i);
		if (PKCS7_type_is_data(p7))
			bags = PKCS12_unpack_p7data(p7);
		else {
			assert_int_equal(OBJ_obj2nid(p7->type), NID_pkcs7_encrypted);
			alg = p7->d.encrypted->enc_data->algorithm;
			if (legacy) {
				assert_int_equal(alg_nid(alg), NID_pbe_WithSHA1And40BitRC2_CBC);
				assert_int_equal(pbe_iter(alg), 1024);
			} else
				assert_pbes2_aes256(alg);
			bags = PKCS12_unpack_p7encdata(p7, PW, -1);
		}
		assert_non_null(bags);
		for (j = 0; j < sk_PKCS12_SAFEBAG_num(bags); j++) {
			bag = sk_PKCS12_SAFEBAG_value(bags, j);
			switch (PKCS12_SAFEBAG_get_nid(bag)) {
			case NID_pkcs8ShroudedKeyBag:
				keys++;
				X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &alg, NULL);
				if (legacy) {
					assert_int_equal(alg_nid(alg),
					    NID_pbe_WithSHA1And3_Key_TripleDES_CBC);
					assert_int_equal(pbe_iter(alg), 1024);
				} else
					assert_pbes2_aes256(alg);
				break;
			case NID_certBag:
				certs++;
				break;
			default:
				fail_msg("unexpected bag %d", PKCS12_SAFEBAG_get_nid(bag));
			}
			assert_non_null(name = PKCS12_get_friendlyname(bag));
			assert_string_equal(name, hex);
			OPENSSL_free(name);
			assert_non_null(id = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID));
			assert_int_equal(id->type, V_ASN1_OCTET_STRING);
			assert_int_equal(ASN1_STRING_length(id->value.octet_string), 20);
			for (int b = 0; b < 20; b++)
				(void)snprintf(idhex + 2 * b, 3, "%02x",
				    ASN1_STRING_get0_data(id->value.octet_string)[b]);
			assert_string_equal(idhex, hex);
		}
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	assert_int_equal(keys, 1);
	assert_int_equal(certs, 1);
}

/*
 * The container at the expected name: 0600, opens with the password (and not with another),
 * holds exactly `key` and the issued certificate, no chain, NCA's attributes.
 */
static void
assert_container(struct fx *f, enum keystore_key k, const struct keystore_installed *out,
    EVP_PKEY *key, enum keystore_p12_layout layout)
{
	char		 want[256], hex[41];
	PKCS12		*p12;
	EVP_PKEY	*got = NULL;
	X509		*cert = NULL, *issued;
	STACK_OF(X509)	*ca = NULL;
	BIO		*b;
	const unsigned char *alias;
	int		 len;

	testca_ski(key, hex);
	assert_string_equal(out->ski[k], hex);
	(void)snprintf(want, sizeof want, "%s/%s%s.p12", f->dir,
	    k == KEYSTORE_AUTH ? "AUTH_RSA256_" : "RSA256_", hex);
	assert_non_null(out->path[k]);
	assert_string_equal(out->path[k], want);
	assert_int_equal(mode_of(want), 0600);
	p12 = p12_read(want);
	assert_int_equal(PKCS12_verify_mac(p12, PW, -1), 1);
	assert_int_equal(PKCS12_verify_mac(p12, "Qwerty13", -1), 0);
	assert_int_equal(PKCS12_parse(p12, PW, &got, &cert, &ca), 1);
	assert_int_equal(EVP_PKEY_eq(got, key), 1);
	assert_non_null(b = BIO_new_mem_buf(f->cert[k], -1));
	assert_non_null(issued = PEM_read_bio_X509(b, NULL, NULL, NULL));
	assert_int_equal(X509_cmp(cert, issued), 0);
	assert_true(ca == NULL || sk_X509_num(ca) == 0);
	assert_non_null(alias = X509_alias_get0(cert, &len));
	assert_int_equal(len, 40);
	assert_memory_equal(alias, hex, 40);
	assert_layout(p12, layout, hex);
	ERR_clear_error();
	sk_X509_pop_free(ca, X509_free);
	X509_free(issued);
	BIO_free(b);
	X509_free(cert);
	EVP_PKEY_free(got);
	PKCS12_free(p12);
}

/* --- the cases ---------------------------------------------------------------------- */

static void
test_generate(void **state)
{
	struct fx	*f = *state;
	char		 path[256], *pem;
	int		 k, yes = -1;

	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, NULL), 0);
	assert_int_equal(yes, 0);
	assert_int_equal(mode_of(f->dir), 0700);
	testks_generate(f->ks, 1);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		keypath(f, k, path, sizeof path);
		assert_int_equal(mode_of(path), 0600);
		pem = slurp(path, NULL);
		assert_non_null(strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
		free(pem);
	}
	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, NULL), 0);
	assert_int_equal(yes, 1);
}

static void
test_generate_keeps_keys(void **state)
{
	struct fx	*f = *state;
	char		*before, *after, *cause = NULL, path[256];

	testks_generate(f->ks, 1);
	before = snapshot(f->dir);
	testks_generate(f->ks, 0);
	keystore_close(f->ks);		/* a resumed apply opens the folder anew */
	if ((f->ks = keystore_file_open_at(f->dir, APP, f->wrap, &cause)) == NULL)
		fail_msg("open: %s", cause);
	testks_generate(f->ks, 0);
	after = snapshot(f->dir);
	assert_string_equal(before, after);
	free(after);
	/* A crash between the two keys: only the missing one is made. */
	keypath(f, KEYSTORE_SIGN, path, sizeof path);
	assert_int_equal(unlink(path), 0);
	testks_generate(f->ks, 1);
	after = snapshot(f->dir);
	assert_string_equal(strtok(before, "\n"), strtok(after, "\n"));	/* AUTH kept */
	free(before);
	free(after);
}

static void
test_csr(void **state)
{
	struct fx	*f = *state;
	char		*pem;
	EVP_PKEY	*pub, *key;
	int		 k;

	testks_generate(f->ks, 1);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		pem = NULL;
		assert_int_equal(f->ks->ops->csr(f->ks, k, &pem, NULL), 0);
		pub = testca_csr_check(pem, APP);	/* verifies, SHA-256 with RSA, CN */
		assert_true(EVP_PKEY_is_a(pub, "RSA"));
		assert_int_equal(EVP_PKEY_get_bits(pub), 2048);
		key = load_pending(f, k);
		assert_int_equal(EVP_PKEY_eq(pub, key), 1);
		EVP_PKEY_free(key);
		EVP_PKEY_free(pub);
		free(pem);
	}
	/* The AUTH and SIGN keys are two keys. */
	{
		EVP_PKEY	*a = load_pending(f, KEYSTORE_AUTH), *s = load_pending(f, KEYSTORE_SIGN);

		assert_int_not_equal(EVP_PKEY_eq(a, s), 1);
		EVP_PKEY_free(a);
		EVP_PKEY_free(s);
	}
}

static void
test_sign(void **state)
{
	static const char	 msg[] = "installed A2611-0042";
	struct fx		*f = *state;
	unsigned char		*sig = NULL;
	size_t			 siglen = 0;
	EVP_PKEY		*key;
	EVP_MD_CTX		*md;
	int			 k;

	testks_generate(f->ks, 1);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		assert_int_equal(f->ks->ops->sign(f->ks, k, msg, strlen(msg), &sig, &siglen,
		    NULL), 0);
		assert_int_equal(siglen, 256);
		key = load_pending(f, k);
		assert_non_null(md = EVP_MD_CTX_new());
		assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
		assert_int_equal(EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
		    strlen(msg)), 1);
		/* and not over another message */
		assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key), 1);
		assert_int_not_equal(EVP_DigestVerify(md, sig, siglen,
		    (const unsigned char *)msg, strlen(msg) - 1), 1);
		ERR_clear_error();
		EVP_MD_CTX_free(md);
		EVP_PKEY_free(key);
		free(sig);
	}
}

static void
install_and_check(struct fx *f, enum keystore_p12_layout layout)
{
	struct keystore_installed	 out;
	EVP_PKEY			*key[KEYSTORE_KEY__MAX];
	char				 path[256];
	int				 k, yes = -1;

	ready(f);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		key[k] = load_pending(f, k);
	install_ok(f, layout, &out);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		assert_container(f, k, &out, key[k], layout);
		keypath(f, k, path, sizeof path);
		assert_false(exists(path));
		EVP_PKEY_free(key[k]);
	}
	assert_int_equal(f->ks->ops->has_keys(f->ks, &yes, NULL), 0);
	assert_int_equal(yes, 0);
	keystore_installed_free(&out);
	keystore_installed_free(&out);	/* safe twice */
}

static void
test_install(void **state)
{
	install_and_check(*state, KEYSTORE_P12_MODERN);
}

static void
test_install_legacy(void **state)
{
	install_and_check(*state, KEYSTORE_P12_LEGACY);
}

static void
test_refuse_other_key(void **state)
{
	struct fx	*f = *state;
	EVP_PKEY	*stranger;
	X509		*x;
	const char	*cert[KEYSTORE_KEY__MAX];

	ready(f);
	assert_non_null(stranger = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
	x = testca_cert(stranger, APP, &f->g->ca, NULL, TESTCA_KU_SIGN, 0);
	cert[KEYSTORE_AUTH] = f->cert[KEYSTORE_AUTH];
	cert[KEYSTORE_SIGN] = testca_pem(x);
	install_refused(f, cert, f->g->ca.pem, PW, strlen(PW), "another key");
	free((char *)cert[KEYSTORE_SIGN]);
	X509_free(x);
	EVP_PKEY_free(stranger);
}

static void
test_refuse_other_ca(void **state)
{
	struct fx	*f = *state;
	const char	*cert[KEYSTORE_KEY__MAX];
	char		*both;

	ready(f);
	cert[KEYSTORE_AUTH] = testks_issue(f->ks, &f->g->other, KEYSTORE_AUTH, APP, TESTCA_KU_AUTH);
	cert[KEYSTORE_SIGN] = f->cert[KEYSTORE_SIGN];
	install_refused(f, cert, f->g->ca.pem, PW, strlen(PW), "does not chain");
	/* The right certificates against the wrong CA; then no CA at all. */
	install_refused(f, (const char *const *)f->cert, f->g->other.pem, PW, strlen(PW),
	    "does not chain");
	install_refused(f, (const char *const *)f->cert, "", PW, strlen(PW), "CA chain");
	/* A chain with the right root in it is enough. */
	assert_true(asprintf(&both, "%s%s", f->g->other.pem, f->g->ca.pem) != -1);
	{
		struct keystore_installed	 out;
		char				*cause = NULL;

		if (install(f, (const char *const *)f->cert, both, PW, strlen(PW),
		    KEYSTORE_P12_MODERN, &out, &cause) != 0)
			fail_msg("install: %s", cause);
		keystore_installed_free(&out);
	}
	free(both);
	free((char *)cert[KEYSTORE_AUTH]);
}

static void
test_refuse_swapped(void **state)
{
	struct fx	*f = *state;
	const char	*cert[KEYSTORE_KEY__MAX];

	ready(f);
	cert[KEYSTORE_AUTH] = f->cert[KEYSTORE_SIGN];
	cert[KEYSTORE_SIGN] = f->cert[KEYSTORE_AUTH];
	install_refused(f, cert, f->g->ca.pem, PW, strlen(PW), "swapped");
	/* The AUTH key certified with SIGN's key usage. */
	cert[KEYSTORE_AUTH] = testks_issue(f->ks, &f->g->ca, KEYSTORE_AUTH, APP, TESTCA_KU_SIGN);
	cert[KEYSTORE_SIGN] = f->cert[KEYSTORE_SIGN];
	install_refused(f, cert, f->g->ca.pem, PW, strlen(PW), "key usage");
	free((char *)cert[KEYSTORE_AUTH]);
	cert[KEYSTORE_AUTH] = testks_issue(f->ks, &f->g->ca, KEYSTORE_AUTH, APP,
	    "critical,digitalSignature");
	install_refused(f, cert, f->g->ca.pem, PW, strlen(PW), "key usage");
	free((char *)cert[KEYSTORE_AUTH]);
}

static void
test_refuse_password(void **state)
{
	static const struct {
		const char	*pw;
		const char	*why;
	} bad[] = {
		{ "Qwe12", "too short" },
		{ "Qwerty12Qwerty12Qwerty12Qwerty123", "too long" },
		{ "Qwerty 12", "not allowed" },
		{ "Qwerty12\xd0\x96", "not allowed" },
		{ "Qwertyui", "no digit" },
		{ "12345678", "no Latin letter" },
		{ "", "too short" },
	};
	struct fx	*f = *state;
	size_t		 i;

	ready(f);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		install_refused(f, (const char *const *)f->cert, f->g->ca.pem, bad[i].pw,
		    strlen(bad[i].pw), bad[i].why);
	install_refused(f, (const char *const *)f->cert, f->g->ca.pem, "Qwerty12\0x", 10,
	    "NUL");
}

static void
test_install_repeat(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out, again;
	char				*before, *after;
	int				 k;

	ready(f);
	install_ok(f, KEYSTORE_P12_MODERN, &out);
	before = snapshot(f->dir);
	install_ok(f, KEYSTORE_P12_MODERN, &again);
	after = snapshot(f->dir);
	assert_string_equal(before, after);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		assert_string_equal(out.path[k], again.path[k]);
		assert_string_equal(out.ski[k], again.ski[k]);
	}
	/* With another password the containers cannot be confirmed: refused, untouched. */
	install_refused(f, (const char *const *)f->cert, f->g->ca.pem, "Other123", 8,
	    "another password");
	free(before);
	free(after);
	keystore_installed_free(&out);
	keystore_installed_free(&again);
}

static void
test_install_after_crash(void **state)
{
	struct fx			*f = *state;
	struct keystore_installed	 out;
	EVP_PKEY			*key[KEYSTORE_KEY__MAX];
	char				*pem[KEYSTORE_KEY__MAX], path[KEYSTORE_KEY__MAX][256];
	char				 wpath[160], *wrap;
	size_t				 len[KEYSTORE_KEY__MAX], wlen;
	int				 k, round;

	ready(f);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		key[k] = load_pending(f, k);
		keypath(f, k, path[k], sizeof path[k]);
		pem[k] = slurp(path[k], &len[k]);
	}
	(void)snprintf(wpath, sizeof wpath, "%s/%s.key", f->wrap, APP);
	wrap = slurp(wpath, &wlen);
	install_ok(f, KEYSTORE_P12_MODERN, &out);
	keystore_installed_free(&out);
	assert_false(exists(wpath));
	/*
	 * Round 0: the crash came after both containers, before any key was removed.
	 * Round 1: after the AUTH key was removed, before the SIGN key. Either way the
	 * wrapping key, removed after both, is still there.
	 */
	for (round = 0; round < 2; round++) {
		for (k = round; k < KEYSTORE_KEY__MAX; k++)
			put(path[k], pem[k], len[k]);
		put(wpath, wrap, wlen);
		install_ok(f, KEYSTORE_P12_MODERN, &out);
		for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
			assert_false(exists(path[k]));
			assert_container(f, k, &out, key[k], KEYSTORE_P12_MODERN);
		}
		assert_false(exists(wpath));
		keystore_installed_free(&out);
	}
	OPENSSL_cleanse(wrap, wlen);
	free(wrap);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		OPENSSL_cleanse(pem[k], len[k]);
		free(pem[k]);
		EVP_PKEY_free(key[k]);
	}
}

static void
test_install_without_keys(void **state)
{
	struct fx	*f = *state;
	char		 path[256];

	ready(f);
	keypath(f, KEYSTORE_SIGN, path, sizeof path);
	assert_int_equal(unlink(path), 0);
	install_refused(f, (const char *const *)f->cert, f->g->ca.pem, PW, strlen(PW),
	    "cannot be installed here");
}

static void
test_open_refuses(void **state)
{
	struct fx	*f = *state;
	struct keystore	*ks;
	char		*cause = NULL, path[160];

	assert_int_equal(chmod(f->dir, 0777), 0);
	assert_null(ks = keystore_file_open(f->dir, APP, &cause));
	assert_non_null(strstr(cause, "other users"));
	free(cause);
	cause = NULL;
	assert_int_equal(chmod(f->dir, 0700), 0);
	assert_null(keystore_file_open(f->dir, "../evil", &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	(void)snprintf(path, sizeof path, "%s/file", f->top);
	put(path, "x", 1);
	assert_null(keystore_file_open(path, APP, &cause));
	assert_non_null(strstr(cause, "not a folder"));
	free(cause);
	keystore_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_keeps_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_legacy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_other_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_other_ca, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_swapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_without_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refuses, setup, teardown),
	};

	return cmocka_run_group_tests_name("keystore-file", tests, group_setup,
	    group_teardown);
}

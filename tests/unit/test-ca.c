/*
 * The CA against real OpenSSL: a demo PKI in a temporary folder, CSRs made here, and every
 * issued certificate parsed back field by field and compared with the profile of
 * nca-facts.md §2 (the structure of NCA's test certificate in shared/reference).
 */
#include "config.h"

#include <pthread.h>
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

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ncaenrolld/ca.h"
#include "ncaenrolld/ca-int.h"		/* ca_idna_email */

#define HOSTS "localhost,127.0.0.1,::1"
#define CPS "http://pki.example.test/cps"

struct fx {
	char		 dir[64];
	char		 cert[96], key[96], chain[96];
	struct ca	*ca;
	X509		*cacert, *root;
	EVP_PKEY	*k2048, *k2048b, *k1024, *kec;
	char		*csr, *csrb;
	time_t		 now;
};

static const char *const demo_files[] = { "root.pem", "root.key", "ca.pem", "ca.key",
	"ca-chain.pem", "tls.pem", "tls.key" };

static const struct ca_subject subject = {
	.role_dc = "ROLE02",
	.surname = "ТЕСТТОВ", .given_name = "ТЕСТТ", .patronymic = "ТЕСТТОВИЧ",
	.iin = "871008401427", .bin = "940140000385", .organization = "АО \"ТЕСТ\"",
	.gu_code = "1234", .email = NULL,
};

/* --- fixtures ---------------------------------------------------------------------- */

/* A memory BIO's bytes are not NUL-terminated: no strndup on them. */
static char *
dup_bytes(const char *p, long n)
{
	char	*s = malloc((size_t)n + 1);

	assert_non_null(s);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	return s;
}

static char *
csr_pem(EVP_PKEY *k)
{
	X509_REQ	*req = X509_REQ_new();
	BIO		*b = BIO_new(BIO_s_mem());
	char		*p, *s;
	long		 n;

	assert_non_null(req);
	assert_non_null(b);
	assert_int_equal(X509_REQ_set_pubkey(req, k), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
	    MBSTRING_UTF8, (const unsigned char *)"ignored", -1, -1, 0), 1);
	assert_true(X509_REQ_sign(req, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_bio_X509_REQ(b, req), 1);
	n = BIO_get_mem_data(b, &p);
	assert_true(n > 0);
	s = dup_bytes(p, n);
	BIO_free(b);
	X509_REQ_free(req);
	return s;
}

static X509 *
read_cert(const char *path)
{
	FILE	*f = fopen(path, "r");
	X509	*x;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	assert_non_null(x);
	(void)fclose(f);
	return x;
}

static X509 *
parse_pem(const char *pem)
{
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x;

	assert_non_null(b);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(x);
	BIO_free(b);
	return x;
}

static void
fx_config(const struct fx *f, struct ca_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->cert_file = f->cert;
	cfg->key_file = f->key;
	cfg->chain_file = f->chain;
	cfg->crl_url = "http://pki.example.test/crl/demo.crl";
	cfg->delta_crl_url = "http://pki.example.test/crl/demo_d.crl";
	cfg->ocsp_url = "http://pki.example.test/ocsp/";
	cfg->ca_issuers_url = "http://pki.example.test/cert/demo.cer";
	cfg->cps_url = CPS;
	cfg->file_days = 0;		/* NCA's calendar years */
	cfg->token_days = 0;
}

static int
setup(void **state)
{
	struct fx		*f = calloc(1, sizeof *f);
	struct ca_config	 cfg;
	char			*cause = NULL;
	char			 path[128];

	assert_non_null(f);
	(void)snprintf(f->dir, sizeof f->dir, "/tmp/test-ca-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (ca_demo_create(f->dir, HOSTS, NULL, &cause) != 0)
		fail_msg("ca_demo_create: %s", cause);
	(void)snprintf(f->cert, sizeof f->cert, "%s/ca.pem", f->dir);
	(void)snprintf(f->key, sizeof f->key, "%s/ca.key", f->dir);
	(void)snprintf(f->chain, sizeof f->chain, "%s/ca-chain.pem", f->dir);
	fx_config(f, &cfg);
	if ((f->ca = ca_load(&cfg, &cause)) == NULL)
		fail_msg("ca_load: %s", cause);
	f->cacert = read_cert(f->cert);
	(void)snprintf(path, sizeof path, "%s/root.pem", f->dir);
	f->root = read_cert(path);
	assert_non_null(f->k2048 = EVP_RSA_gen(2048));
	assert_non_null(f->k2048b = EVP_RSA_gen(2048));
	assert_non_null(f->k1024 = EVP_RSA_gen(1024));
	assert_non_null(f->kec = EVP_EC_gen("P-256"));
	f->csr = csr_pem(f->k2048);
	f->csrb = csr_pem(f->k2048b);
	f->now = time(NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 path[128];
	size_t		 i;

	for (i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", f->dir, demo_files[i]);
		(void)unlink(path);
	}
	(void)rmdir(f->dir);
	ca_free(f->ca);
	X509_free(f->cacert);
	X509_free(f->root);
	EVP_PKEY_free(f->k2048);
	EVP_PKEY_free(f->k2048b);
	EVP_PKEY_free(f->k1024);
	EVP_PKEY_free(f->kec);
	free(f->csr);
	free(f->csrb);
	free(f);
	return 0;
}

/* --- helpers ----------------------------------------------------------------------- */

static void
assert_oid(const ASN1_OBJECT *o, const char *want)
{
	char	buf[128];

	assert_true(OBJ_obj2txt(buf, sizeof buf, o, 1) > 0);
	assert_string_equal(buf, want);
}

/* Takes the cause by address: it must be read after the call that sets it. */
static void
assert_cause(int rc, char **cause, const char *fragment)
{
	assert_int_equal(rc, -1);
	assert_non_null(*cause);
	if (strstr(*cause, fragment) == NULL)
		fail_msg("cause \"%s\" does not mention \"%s\"", *cause, fragment);
	free(*cause);
	*cause = NULL;
}

static void
assert_hex(const unsigned char *p, size_t n, int upper, const char *want)
{
	char	buf[256];
	size_t	i;

	assert_true(2 * n < sizeof buf);
	for (i = 0; i < n; i++)
		(void)snprintf(buf + 2 * i, 3, upper ? "%02X" : "%02x", p[i]);
	assert_string_equal(buf, want);
}

static void
spki_digest(EVP_PKEY *k, const EVP_MD *md, unsigned char *out, unsigned int *len)
{
	unsigned char	*der = NULL;
	int		 n = i2d_PUBKEY(k, &der);

	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, out, len, md, NULL), 1);
	OPENSSL_free(der);
}

/* Verifies x up to the demo root with strict RFC 5280 checks, at `when`. */
static void
assert_chain_ok(const struct fx *f, X509 *x, X509 *intermediate, time_t when)
{
	X509_STORE		*st = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	STACK_OF(X509)		*untrusted = sk_X509_new_null();
	int			 ok;

	assert_non_null(st);
	assert_non_null(ctx);
	assert_non_null(untrusted);
	assert_int_equal(X509_STORE_add_cert(st, f->root), 1);
	if (intermediate != NULL)
		assert_true(sk_X509_push(untrusted, intermediate) > 0);
	assert_int_equal(X509_STORE_CTX_init(ctx, st, x, untrusted), 1);
	X509_STORE_CTX_set_time(ctx, 0, when);
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_X509_STRICT);
	ok = X509_verify_cert(ctx);
	if (ok != 1)
		fail_msg("verify: %s",
		    X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
}

static X509 *
issue(struct fx *f, enum ca_usage u, enum ca_storage st, const struct ca_subject *s,
    struct ca_issued *out)
{
	char	*cause = NULL;

	if (ca_issue(f->ca, u, st, f->csr, s, f->now, out, &cause) != 0)
		fail_msg("ca_issue: %s", cause);
	return parse_pem(out->pem);
}

/* --- the demo PKI ------------------------------------------------------------------ */

static void
test_demo_files(void **state)
{
	struct fx	*f = *state;
	static const char *const keys[] = { "root.key", "ca.key", "tls.key" };
	char		 path[128];
	struct stat	 sb;
	size_t		 i;

	for (i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", f->dir, demo_files[i]);
		assert_int_equal(stat(path, &sb), 0);
	}
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", f->dir, keys[i]);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0600);
	}
	assert_non_null(ca_chain_pem(f->ca));
	assert_non_null(strstr(ca_chain_pem(f->ca), "BEGIN CERTIFICATE"));
}

static void
assert_ca_name(const X509_NAME *n, const char *cn)
{
	const X509_NAME_ENTRY	*e;
	const ASN1_STRING	*v;

	assert_int_equal(X509_NAME_entry_count(n), 2);
	e = X509_NAME_get_entry(n, 0);
	v = X509_NAME_ENTRY_get_data(e);
	assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), NID_commonName);
	assert_int_equal(ASN1_STRING_type(v), V_ASN1_UTF8STRING);
	assert_int_equal(ASN1_STRING_length(v), (int)strlen(cn));
	assert_memory_equal(ASN1_STRING_get0_data(v), cn, strlen(cn));
	e = X509_NAME_get_entry(n, 1);
	assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), NID_countryName);
	assert_int_equal(ASN1_STRING_type(X509_NAME_ENTRY_get_data(e)),
	    V_ASN1_PRINTABLESTRING);
}

static void
test_demo_ca_certs(void **state)
{
	struct fx	*f = *state;

	assert_ca_name(X509_get_subject_name(f->root),
	    "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO");
	assert_ca_name(X509_get_subject_name(f->cacert),
	    "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO");
	assert_int_equal(X509_check_ca(f->cacert), 1);
	assert_true(EVP_PKEY_get_bits(X509_get0_pubkey(f->root)) >= 3072);
	assert_true(EVP_PKEY_get_bits(X509_get0_pubkey(f->cacert)) >= 2048);
	assert_int_equal(X509_get_signature_nid(f->cacert), NID_sha256WithRSAEncryption);
	assert_true(X509_get_key_usage(f->cacert) & KU_KEY_CERT_SIGN);
	assert_true(X509_get_key_usage(f->cacert) & KU_CRL_SIGN);
	assert_chain_ok(f, f->cacert, NULL, f->now + 60);
}

static void
test_demo_tls(void **state)
{
	struct fx	*f = *state;
	char		 path[128];
	X509		*tls;

	(void)snprintf(path, sizeof path, "%s/tls.pem", f->dir);
	tls = read_cert(path);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(tls),
	    X509_get_subject_name(f->root)), 0);
	assert_int_equal(X509_check_host(tls, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_ip_asc(tls, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(tls, "::1", 0), 1);
	assert_int_equal(X509_check_host(tls, "example.com", 0, 0, NULL), 0);
	assert_int_equal(X509_check_purpose(tls, X509_PURPOSE_SSL_SERVER, 0), 1);
	assert_int_equal(X509_check_ca(tls), 0);
	assert_chain_ok(f, tls, NULL, f->now + 60);
	X509_free(tls);
}

static char *
slurp(const char *dir, const char *name)
{
	char	 path[128], *s;
	FILE	*fp;
	long	 n;

	(void)snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((n = ftell(fp)) > 0);
	rewind(fp);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	(void)fclose(fp);
	return s;
}

/* A restart keeps every file; a new host only remakes the TLS certificate. */
static void
test_demo_reuse(void **state)
{
	struct fx	*f = *state;
	static const char *const kept[] = { "root.pem", "root.key", "ca.pem", "ca.key",
			    "ca-chain.pem" };
	char		*before[5], *tls, *tls2, *cause = NULL;
	size_t		 i;

	for (i = 0; i < 5; i++)
		before[i] = slurp(f->dir, kept[i]);
	tls = slurp(f->dir, "tls.pem");
	assert_int_equal(ca_demo_create(f->dir, HOSTS, NULL, &cause), 0);
	tls2 = slurp(f->dir, "tls.pem");
	assert_string_equal(tls, tls2);
	free(tls2);
	assert_int_equal(ca_demo_create(f->dir, HOSTS ",enroll.example.test", NULL, &cause),
	    0);
	tls2 = slurp(f->dir, "tls.pem");
	assert_string_not_equal(tls, tls2);
	for (i = 0; i < 5; i++) {
		char	*after = slurp(f->dir, kept[i]);

		assert_string_equal(before[i], after);
		free(after);
		free(before[i]);
	}
	free(tls);
	free(tls2);
	assert_cause(ca_demo_create(f->dir, "", NULL, &cause), &cause, "host");
	assert_cause(ca_demo_create(f->dir, "bad host!", NULL, &cause), &cause, "host");
}

/* --- CSR checks -------------------------------------------------------------------- */

static void
test_csr_key_id(void **state)
{
	struct fx	*f = *state;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len;
	char		 key_id[65], *cause = NULL;

	assert_int_equal(ca_csr_check(f->csr, key_id, &cause), 0);
	assert_null(cause);
	spki_digest(f->k2048, EVP_sha256(), md, &len);
	assert_int_equal(len, 32);
	assert_hex(md, len, 0, key_id);
}

/* i2d_PUBKEY's bytes hashed, compared with ca_x509_spki_digest's answer for k. */
static void
spki_digest_is_i2d(EVP_PKEY *k)
{
	unsigned char	*theirs = NULL, mine[EVP_MAX_MD_SIZE], want[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, wn = 0;
	int		 m;
	char		*cause = NULL;

	assert_int_equal(ca_x509_spki_digest(k, EVP_sha256(), mine, &n, &cause), 0);
	assert_true((m = i2d_PUBKEY(k, &theirs)) > 0);
	assert_int_equal(EVP_Digest(theirs, (size_t)m, want, &wn, EVP_sha256(), NULL), 1);
	assert_int_equal(n, wn);
	assert_memory_equal(mine, want, n);
	OPENSSL_free(theirs);
}

/* The SPKI the key ids hash is i2d_PUBKEY's, byte for byte, whatever the exponent. */
static void
test_spki_der(void **state)
{
	static const unsigned long	 exps[] = { 3, 65537, 0x800001, 0xffffffffUL };
	struct fx			*f = *state;
	EVP_PKEY			*k;
	EVP_PKEY_CTX			*c;
	BIGNUM				*e;
	size_t				 i;

	spki_digest_is_i2d(f->k2048);
	for (i = 0; i < sizeof exps / sizeof exps[0]; i++) {
		k = NULL;
		assert_non_null(c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL));
		assert_non_null(e = BN_new());
		assert_int_equal(BN_set_word(e, exps[i]), 1);
		assert_int_equal(EVP_PKEY_keygen_init(c), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(c, 1024), 1);
		assert_int_equal(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(c, e), 1);
		assert_int_equal(EVP_PKEY_keygen(c, &k), 1);
		spki_digest_is_i2d(k);
		BN_free(e);
		EVP_PKEY_CTX_free(c);
		EVP_PKEY_free(k);
	}
	spki_digest_is_i2d(f->kec);
}

/* Flips one bit of the CSR's signature and writes it back as PEM. */
static char *
tampered(const char *pem)
{
	BIO		*b = BIO_new_mem_buf(pem, -1), *o = BIO_new(BIO_s_mem());
	X509_REQ	*req;
	unsigned char	*der = NULL;
	char		*p, *s;
	int		 n;
	long		 m;

	assert_non_null(req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL));
	assert_true((n = i2d_X509_REQ(req, &der)) > 0);
	der[n - 10] ^= 0x01;		/* inside the signature BIT STRING */
	X509_REQ_free(req);
	{
		const unsigned char	*q = der;

		assert_non_null(req = d2i_X509_REQ(NULL, &q, n));
	}
	assert_int_equal(PEM_write_bio_X509_REQ(o, req), 1);
	assert_true((m = BIO_get_mem_data(o, &p)) > 0);
	s = dup_bytes(p, m);
	OPENSSL_free(der);
	X509_REQ_free(req);
	BIO_free(o);
	BIO_free(b);
	return s;
}

static void
test_csr_refused(void **state)
{
	struct fx	*f = *state;
	char		 key_id[65], *cause = NULL, *bad;

	assert_cause(ca_csr_check("hello", key_id, &cause), &cause, "PEM");
	assert_cause(ca_csr_check(NULL, key_id, &cause), &cause, "PEM");
	assert_cause(ca_csr_check("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
	    "-----END CERTIFICATE REQUEST-----\n", key_id, &cause), &cause, "cannot be read");
	bad = tampered(f->csr);
	assert_cause(ca_csr_check(bad, key_id, &cause), &cause, "signature");
	free(bad);
	bad = csr_pem(f->k1024);
	assert_cause(ca_csr_check(bad, key_id, &cause), &cause, "1024 bits");
	free(bad);
	bad = csr_pem(f->kec);
	assert_cause(ca_csr_check(bad, key_id, &cause), &cause, "RSA");
	free(bad);
}

/* --- issuance: the profile, field by field ----------------------------------------- */

struct rdn_want {
	int		 nid;
	int		 type;
	const char	*value;
};

static void
assert_subject(X509 *x, const struct rdn_want *w, int n)
{
	const X509_NAME		*name = X509_get_subject_name(x);
	const X509_NAME_ENTRY	*e;
	const ASN1_STRING	*v;
	int			 i;

	assert_int_equal(X509_NAME_entry_count(name), n);
	for (i = 0; i < n; i++) {
		e = X509_NAME_get_entry(name, i);
		v = X509_NAME_ENTRY_get_data(e);
		assert_int_equal(X509_NAME_ENTRY_set(e), i);	/* one attribute per RDN */
		assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), w[i].nid);
		assert_int_equal(ASN1_STRING_type(v), w[i].type);
		assert_int_equal(ASN1_STRING_length(v), (int)strlen(w[i].value));
		assert_memory_equal(ASN1_STRING_get0_data(v), w[i].value,
		    strlen(w[i].value));
	}
}

static void
assert_ext_order(X509 *x, const char *const *oids, int n)
{
	int	i;

	assert_int_equal(X509_get_ext_count(x), n);
	for (i = 0; i < n; i++) {
		X509_EXTENSION	*e = X509_get_ext(x, i);

		assert_oid(X509_EXTENSION_get_object(e), oids[i]);
		assert_int_equal(X509_EXTENSION_get_critical(e),
		    strcmp(oids[i], "2.5.29.15") == 0);
	}
}

static void
assert_ext_der(X509 *x, const char *oid, const unsigned char *der, size_t len)
{
	ASN1_OBJECT		*o = OBJ_txt2obj(oid, 1);
	int			 i = X509_get_ext_by_OBJ(x, o, -1);
	const ASN1_OCTET_STRING	*v;

	assert_true(i >= 0);
	v = X509_EXTENSION_get_data(X509_get_ext(x, i));
	assert_int_equal(ASN1_STRING_length(v), (int)len);
	assert_memory_equal(ASN1_STRING_get0_data(v), der, len);
	ASN1_OBJECT_free(o);
}

static void
assert_eku(X509 *x, const char *first)
{
	EXTENDED_KEY_USAGE	*eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	const char *const	 want[] = { first, "1.2.398.3.3.4.1.2", "1.2.398.5.19.1.2.2.1" };
	int			 i;

	/* As NCA's K2 certificates: no role OID, the role is the subject's DC. */
	assert_non_null(eku);
	assert_int_equal(sk_ASN1_OBJECT_num(eku), 3);
	for (i = 0; i < 3; i++)
		assert_oid(sk_ASN1_OBJECT_value(eku, i), want[i]);
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
}

static void
assert_policy(X509 *x, const char *oid)
{
	CERTIFICATEPOLICIES	*p = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	POLICYINFO		*pi;
	POLICYQUALINFO		*q;

	assert_non_null(p);
	assert_int_equal(sk_POLICYINFO_num(p), 1);
	pi = sk_POLICYINFO_value(p, 0);
	assert_oid(pi->policyid, oid);
	assert_int_equal(sk_POLICYQUALINFO_num(pi->qualifiers), 1);
	q = sk_POLICYQUALINFO_value(pi->qualifiers, 0);
	assert_int_equal(OBJ_obj2nid(q->pqualid), NID_id_qt_cps);
	assert_string_equal((const char *)ASN1_STRING_get0_data(q->d.cpsuri), CPS);
	sk_POLICYINFO_pop_free(p, POLICYINFO_free);
}

static void
assert_uri(const GENERAL_NAME *g, const char *want)
{
	assert_int_equal(g->type, GEN_URI);
	assert_string_equal((const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier),
	    want);
}

static void
assert_urls(X509 *x)
{
	AUTHORITY_INFO_ACCESS	*aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	CRL_DIST_POINTS		*dp = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL,
				    NULL);
	CRL_DIST_POINTS		*fr = X509_get_ext_d2i(x, NID_freshest_crl, NULL, NULL);
	ACCESS_DESCRIPTION	*ad;

	assert_non_null(aia);
	assert_int_equal(sk_ACCESS_DESCRIPTION_num(aia), 2);
	ad = sk_ACCESS_DESCRIPTION_value(aia, 0);
	assert_int_equal(OBJ_obj2nid(ad->method), NID_ad_OCSP);
	assert_uri(ad->location, "http://pki.example.test/ocsp/");
	ad = sk_ACCESS_DESCRIPTION_value(aia, 1);
	assert_int_equal(OBJ_obj2nid(ad->method), NID_ad_ca_issuers);
	assert_uri(ad->location, "http://pki.example.test/cert/demo.cer");
	assert_non_null(dp);
	assert_int_equal(sk_DIST_POINT_num(dp), 1);
	assert_uri(sk_GENERAL_NAME_value(sk_DIST_POINT_value(dp, 0)->distpoint->name.fullname,
	    0), "http://pki.example.test/crl/demo.crl");
	assert_non_null(fr);
	assert_uri(sk_GENERAL_NAME_value(sk_DIST_POINT_value(fr, 0)->distpoint->name.fullname,
	    0), "http://pki.example.test/crl/demo_d.crl");
	AUTHORITY_INFO_ACCESS_free(aia);
	CRL_DIST_POINTS_free(dp);
	CRL_DIST_POINTS_free(fr);
}

static void
assert_keyids(const struct fx *f, X509 *x, const struct ca_issued *out)
{
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 len;
	const ASN1_OCTET_STRING	*ski = X509_get0_subject_key_id(x);
	const ASN1_OCTET_STRING	*aki = X509_get0_authority_key_id(x);
	const ASN1_OCTET_STRING	*caski = X509_get0_subject_key_id(f->cacert);

	spki_digest(f->k2048, EVP_sha1(), md, &len);
	assert_non_null(ski);
	assert_int_equal(ASN1_STRING_length(ski), 20);
	assert_memory_equal(ASN1_STRING_get0_data(ski), md, 20);
	assert_hex(md, 20, 0, out->ski);
	assert_non_null(aki);
	assert_non_null(caski);
	assert_int_equal(ASN1_OCTET_STRING_cmp(aki, caski), 0);
	assert_null(X509_get0_authority_issuer(x));
	assert_null(X509_get0_authority_serial(x));
}

static void
assert_serial(X509 *x, const struct ca_issued *out)
{
	BIGNUM		*bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	unsigned char	 b[20];

	assert_non_null(bn);
	assert_int_equal(BN_num_bytes(bn), 20);
	assert_int_equal(BN_bn2bin(bn, b), 20);
	assert_int_equal(b[0] & 0x80, 0);
	assert_hex(b, 20, 1, out->serial);
	BN_free(bn);
}

/* notAfter: the same date and time `years` later (29 February: test_validity_years). */
static void
assert_validity(X509 *x, const struct ca_issued *out, time_t from, int years)
{
	struct tm	a, b;

	assert_int_equal(out->not_before, from);
	assert_non_null(gmtime_r(&from, &a));
	assert_non_null(gmtime_r(&out->not_after, &b));
	assert_int_equal(b.tm_year, a.tm_year + years);
	assert_int_equal(b.tm_mon, a.tm_mon);
	if (!(a.tm_mon == 1 && a.tm_mday == 29))
		assert_int_equal(b.tm_mday, a.tm_mday);
	assert_int_equal(b.tm_hour * 3600 + b.tm_min * 60 + b.tm_sec,
	    a.tm_hour * 3600 + a.tm_min * 60 + a.tm_sec);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notBefore(x), from), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_get0_notAfter(x), out->not_after), 0);
	assert_int_equal(ASN1_STRING_type(X509_get0_notBefore(x)), V_ASN1_UTCTIME);
}

static void
test_issue_auth_file(void **state)
{
	struct fx		*f = *state;
	static const char *const order[] = { "2.5.29.37", "2.5.29.32", "1.3.6.1.5.5.7.1.1",
				    "2.5.29.31", "2.5.29.46", "2.5.29.15", "2.5.29.14",
				    "2.5.29.35", "1.2.398.3.3.5" };
	static const unsigned char ku[] = { 0x03, 0x02, 0x05, 0xa0 };
	static const unsigned char storage[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x83, 0x0e,
				    0x03, 0x03, 0x05, 0x01, 0x01 };
	const int		 u8 = V_ASN1_UTF8STRING, ps = V_ASN1_PRINTABLESTRING;
	const struct rdn_want	 want[] = {
		{ NID_domainComponent, V_ASN1_IA5STRING, "ROLE02" },
		{ NID_commonName, u8, "ТЕСТТОВ ТЕСТТ" },
		{ NID_surname, u8, "ТЕСТТОВ" },
		{ NID_serialNumber, ps, "IIN871008401427" },
		{ NID_countryName, ps, "KZ" },
		{ NID_organizationName, u8, "АО \"ТЕСТ\"" },
		{ NID_organizationalUnitName, u8, "BIN940140000385" },
		{ NID_businessCategory, u8, "KS1234" },
		{ NID_givenName, u8, "ТЕСТТОВИЧ" },
	};
	struct ca_issued	 out;
	X509			*x = issue(f, CA_AUTH, CA_STORAGE_FILE, &subject, &out);

	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(f->cacert)), 0);
	assert_true(EVP_PKEY_eq(X509_get0_pubkey(x), f->k2048) == 1);
	assert_subject(x, want, 9);
	assert_ext_order(x, order, 9);
	assert_ext_der(x, "2.5.29.15", ku, sizeof ku);
	assert_ext_der(x, "1.2.398.3.3.5", storage, sizeof storage);
	assert_eku(x, "1.3.6.1.5.5.7.3.2");
	assert_policy(x, "1.2.398.3.3.2.2");
	assert_urls(x);
	assert_keyids(f, x, &out);
	assert_serial(x, &out);
	assert_validity(x, &out, f->now, 1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_basic_constraints, -1), -1);
	assert_chain_ok(f, x, f->cacert, f->now + 60);
	X509_free(x);
	ca_issued_free(&out);
	assert_null(out.pem);
}

static void
test_issue_sign_token(void **state)
{
	struct fx		*f = *state;
	static const char *const order[] = { "2.5.29.37", "2.5.29.32", "1.3.6.1.5.5.7.1.1",
				    "2.5.29.31", "2.5.29.46", "2.5.29.15", "2.5.29.14",
				    "2.5.29.35", "1.2.398.3.3.5", "2.5.29.17" };
	static const unsigned char ku[] = { 0x03, 0x02, 0x06, 0xc0 };
	static const unsigned char storage[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x83, 0x0e,
				    0x03, 0x03, 0x05, 0x01, 0x02 };
	struct ca_subject	 s = subject;
	struct ca_issued	 out;
	GENERAL_NAMES		*san;
	GENERAL_NAME		*g;
	X509			*x;

	s.email = "test.user@example.kz";
	s.role_dc = "ROLE05";
	x = issue(f, CA_SIGN, CA_STORAGE_TOKEN, &s, &out);
	assert_ext_order(x, order, 10);
	assert_ext_der(x, "2.5.29.15", ku, sizeof ku);
	assert_ext_der(x, "1.2.398.3.3.5", storage, sizeof storage);
	assert_eku(x, "1.3.6.1.5.5.7.3.4");
	assert_policy(x, "1.2.398.3.3.2.1");
	assert_validity(x, &out, f->now, 3);
	assert_non_null(san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL));
	assert_int_equal(sk_GENERAL_NAME_num(san), 1);
	g = sk_GENERAL_NAME_value(san, 0);
	assert_int_equal(g->type, GEN_EMAIL);
	assert_string_equal((const char *)ASN1_STRING_get0_data(g->d.rfc822Name),
	    "test.user@example.kz");
	GENERAL_NAMES_free(san);
	assert_int_equal(X509_check_email(x, "test.user@example.kz", 0, 0), 1);
	assert_chain_ok(f, x, f->cacert, f->now + 60);
	X509_free(x);
	ca_issued_free(&out);
}

/* RFC 3492's and well-known vectors; the local part is kept as typed. */
static void
test_idna_email(void **state)
{
	static const char *const v[][2] = {
		{ "user@example.kz", "user@example.kz" },
		{ "user@пример.қаз", "user@xn--e1afmkfd.xn--80ao21a" },
		{ "Buh@ПРИМЕР.ҚАЗ", "Buh@xn--e1afmkfd.xn--80ao21a" },
		{ "a@bücher.de", "a@xn--bcher-kva.de" },
		{ "a@münchen.de", "a@xn--mnchen-3ya.de" },
		{ "a@әғқңөұүһі.kz", NULL },
	};
	char	*got, *cause = NULL;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		if ((got = ca_idna_email(v[i][0], &cause)) == NULL)
			fail_msg("%s: %s", v[i][0], cause);
		if (v[i][1] != NULL)
			assert_string_equal(got, v[i][1]);
		else
			assert_non_null(strstr(got, "@xn--"));
		free(got);
	}
	assert_cause(ca_idna_email("no-at-sign", &cause) == NULL ? -1 : 0, &cause,
	    "e-mail");
}

static void
test_issue_idn_email(void **state)
{
	struct fx		*f = *state;
	struct ca_subject	 s = subject;
	struct ca_issued	 out;
	X509			*x;

	s.email = "user@пример.қаз";
	x = issue(f, CA_SIGN, CA_STORAGE_FILE, &s, &out);
	assert_int_equal(X509_check_email(x, "user@xn--e1afmkfd.xn--80ao21a", 0, 0), 1);
	X509_free(x);
	ca_issued_free(&out);
}

/*
 * Calendar years from issue, as NCA (8 May 2026 -> 8 May 2027): across 29 February a year
 * is 366 days, and 29 February + 1 year is 28 February. A configured number of days is
 * taken as it is.
 */
static void
test_validity_years(void **state)
{
	struct fx		*f = *state;
	static const struct {
		enum ca_storage	st;
		time_t		from, until;
	} cases[] = {
		{ CA_STORAGE_FILE, 1803902400, 1835524800 },	/* 2027-03-01 -> 2028-03-01 */
		{ CA_STORAGE_FILE, 1835438400, 1866974400 },	/* 2028-02-29 -> 2029-02-28 */
		{ CA_STORAGE_TOKEN, 1835438400, 1930046400 },	/* 2028-02-29 -> 2031-02-28 */
	};
	struct ca_config	 cfg;
	struct ca_issued	 out;
	struct ca		*ca;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (ca_issue(f->ca, CA_AUTH, cases[i].st, f->csr, &subject, cases[i].from,
		    &out, &cause) != 0)
			fail_msg("ca_issue: %s", cause);
		assert_int_equal(out.not_before, cases[i].from);
		assert_int_equal(out.not_after, cases[i].until);
		ca_issued_free(&out);
	}
	fx_config(f, &cfg);
	cfg.file_days = 30;
	if ((ca = ca_load(&cfg, &cause)) == NULL)
		fail_msg("ca_load: %s", cause);
	if (ca_issue(ca, CA_AUTH, CA_STORAGE_FILE, f->csr, &subject, f->now, &out,
	    &cause) != 0)
		fail_msg("ca_issue: %s", cause);
	assert_int_equal(out.not_after, f->now + 30 * 86400L);
	ca_issued_free(&out);
	ca_free(ca);
}

static void
test_issue_no_patronymic(void **state)
{
	struct fx		*f = *state;
	struct ca_subject	 s = subject;
	struct ca_issued	 out;
	X509			*x;
	const X509_NAME		*n;

	s.patronymic = "";
	x = issue(f, CA_AUTH, CA_STORAGE_FILE, &s, &out);
	n = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_entry_count(n), 8);
	assert_int_equal(X509_NAME_get_index_by_NID(n, NID_givenName, -1), -1);
	assert_int_equal(X509_get_ext_by_NID(x, NID_subject_alt_name, -1), -1);
	X509_free(x);
	ca_issued_free(&out);
}

static void
assert_refused(struct fx *f, const struct ca_subject *s, const char *fragment)
{
	struct ca_issued	 out;
	char			*cause = NULL;

	assert_cause(ca_issue(f->ca, CA_AUTH, CA_STORAGE_FILE, f->csr, s, f->now, &out,
	    &cause), &cause, fragment);
	assert_null(out.pem);
}

static void
test_issue_refused(void **state)
{
	struct fx		*f = *state;
	struct ca_subject	 s;
	struct ca_issued	 out;
	char			*cause = NULL, *bad;

	s = subject, s.iin = "87100840142";
	assert_refused(f, &s, "IIN");
	s = subject, s.iin = "871008401428";		/* wrong check digit */
	assert_refused(f, &s, "IIN");
	s = subject, s.bin = "9401400003851";
	assert_refused(f, &s, "BIN");
	s = subject, s.surname = "";
	assert_refused(f, &s, "surname");
	s = subject, s.given_name = NULL;
	assert_refused(f, &s, "given name");
	s = subject, s.organization = "АО\n\"ТЕСТ\"";
	assert_refused(f, &s, "organization");
	s = subject, s.role_dc = "РОЛЬ02";
	assert_refused(f, &s, "role code");
	s = subject, s.gu_code = "12";
	assert_refused(f, &s, "code");
	s = subject, s.email = "not an address";
	assert_refused(f, &s, "e-mail");
	assert_cause(ca_issue(f->ca, CA_AUTH, CA_STORAGE_FILE, f->csr, NULL, f->now, &out,
	    &cause), &cause, "subject");
	bad = csr_pem(f->k1024);
	assert_cause(ca_issue(f->ca, CA_AUTH, CA_STORAGE_FILE, bad, &subject, f->now, &out,
	    &cause), &cause, "1024");
	free(bad);
	assert_cause(ca_issue(f->ca, CA_USAGE__MAX, CA_STORAGE_FILE, f->csr, &subject,
	    f->now, &out, &cause), &cause, "invalid");
	/* A certificate may not outlive the issuing CA (10 years). */
	assert_cause(ca_issue(f->ca, CA_AUTH, CA_STORAGE_TOKEN, f->csr, &subject,
	    f->now + 9 * 365 * 86400L, &out, &cause), &cause, "outlive");
}

/* 0 when ca_csr_stored_key read a key (then freed), -1 with its cause. */
static int
stored_key_rc(const char *pem, char **cause)
{
	struct ca_key	*k = ca_csr_stored_key(pem, cause);

	ca_key_free(k);
	return k != NULL ? 0 : -1;
}

/*
 * An approval's way (issue.c): the key of a CSR the store holds, its rules applied again
 * but its signature not verified again (ca_csr_check did at submission). The certificate
 * is ca_issue's for the same CSR, but for its serial.
 */
static void
test_issue_stored_key(void **state)
{
	struct fx		*f = *state;
	struct ca_key		*k;
	struct ca_issued	 a, b;
	X509			*xa, *xb;
	char			*cause = NULL, *bad;
	int			 i;

	if ((k = ca_csr_stored_key(f->csr, &cause)) == NULL)
		fail_msg("ca_csr_stored_key: %s", cause);
	if (ca_issue_key(f->ca, CA_AUTH, CA_STORAGE_FILE, k, &subject, f->now, &a,
	    &cause) != 0)
		fail_msg("ca_issue_key: %s", cause);
	xa = parse_pem(a.pem);
	xb = issue(f, CA_AUTH, CA_STORAGE_FILE, &subject, &b);
	assert_true(EVP_PKEY_eq(X509_get0_pubkey(xa), f->k2048) == 1);
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(xa),
	    X509_get_subject_name(xb)), 0);
	assert_string_equal(a.ski, b.ski);
	assert_string_not_equal(a.serial, b.serial);
	assert_int_equal(X509_get_ext_count(xa), X509_get_ext_count(xb));
	for (i = 0; i < X509_get_ext_count(xa); i++) {
		X509_EXTENSION	*ea = X509_get_ext(xa, i), *eb = X509_get_ext(xb, i);

		assert_int_equal(OBJ_cmp(X509_EXTENSION_get_object(ea),
		    X509_EXTENSION_get_object(eb)), 0);
		assert_int_equal(ASN1_STRING_cmp(X509_EXTENSION_get_data(ea),
		    X509_EXTENSION_get_data(eb)), 0);
	}
	assert_chain_ok(f, xa, f->cacert, f->now + 60);
	X509_free(xa);
	X509_free(xb);
	ca_issued_free(&a);
	ca_issued_free(&b);
	assert_cause(ca_issue_key(f->ca, CA_AUTH, CA_STORAGE_FILE, NULL, &subject, f->now,
	    &a, &cause), &cause, "invalid");
	assert_cause(ca_issue_key(f->ca, CA_AUTH, CA_STORAGE_FILE, k, NULL, f->now, &a,
	    &cause), &cause, "subject");
	ca_key_free(k);
	/* The key's rules and the text's, applied again. */
	assert_cause(stored_key_rc("hello", &cause), &cause, "PEM");
	bad = csr_pem(f->k1024);
	assert_cause(stored_key_rc(bad, &cause), &cause, "1024 bits");
	free(bad);
	bad = csr_pem(f->kec);
	assert_cause(stored_key_rc(bad, &cause), &cause, "RSA");
	free(bad);
	/* Not the signature: verified at submission, over the very bytes stored. */
	bad = tampered(f->csr);
	assert_int_equal(stored_key_rc(bad, &cause), 0);
	free(bad);
}

/* --- concurrency ------------------------------------------------------------------- */

#define THREADS	4
#define PER	3

struct worker {
	struct fx	*f;
	char		 serial[PER][41];
	int		 rc;
};

static void *
worker_run(void *arg)
{
	struct worker		*w = arg;
	struct ca_issued	 out;
	int			 i;

	for (i = 0; i < PER; i++) {
		if (ca_issue(w->f->ca, i % 2 ? CA_SIGN : CA_AUTH, CA_STORAGE_FILE, w->f->csrb,
		    &subject, w->f->now, &out, NULL) != 0) {
			w->rc = -1;
			return NULL;
		}
		memcpy(w->serial[i], out.serial, sizeof out.serial);
		ca_issued_free(&out);
	}
	return NULL;
}

static void
test_issue_threads(void **state)
{
	struct worker	w[THREADS];
	pthread_t	t[THREADS];
	int		i, j;

	memset(w, 0, sizeof w);
	for (i = 0; i < THREADS; i++) {
		w[i].f = *state;
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].rc, 0);
	}
	for (i = 0; i < THREADS * PER; i++)
		for (j = i + 1; j < THREADS * PER; j++)
			assert_string_not_equal(w[i / PER].serial[i % PER],
			    w[j / PER].serial[j % PER]);
}

/* --- CRL --------------------------------------------------------------------------- */

/* The entry's reasonCode, or -1 when it has none. */
static int
crl_entry_reason(X509_REVOKED *rev)
{
	ASN1_ENUMERATED	*e;
	int		 crit = 0, code = -1;

	if ((e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL)) != NULL)
		code = (int)ASN1_ENUMERATED_get(e);
	ASN1_ENUMERATED_free(e);
	return code;
}

static long
crl_number_ext(X509_CRL *crl, int nid, int *critical)
{
	ASN1_INTEGER	*n;
	long		 v = -1;

	*critical = -1;
	if ((n = X509_CRL_get_ext_d2i(crl, nid, critical, NULL)) != NULL)
		v = ASN1_INTEGER_get(n);
	ASN1_INTEGER_free(n);
	return v;
}

static void
test_crl(void **state)
{
	struct fx			*f = *state;
	const struct ca_revoked		 r[] = {
		{ "60954F23D41DB3F42FB04DB6F538609D98978D32", 1790000000, 1 },
		{ "0A", 1790000100, 0 },
	};
	struct ca_crl_spec		 spec = { 41, 0, 0, 0 };
	unsigned char			*der = NULL;
	const unsigned char		*p;
	size_t				 len = 0;
	char				*cause = NULL;
	X509_CRL			*crl;
	X509_REVOKED			*rev;
	ASN1_INTEGER			*want;
	BIGNUM				*bn = NULL;
	int				 crit;

	spec.this_update = f->now;
	spec.next_update = f->now + 7 * 86400;
	if (ca_crl(f->ca, r, 2, &spec, &der, &len, &cause) != 0)
		fail_msg("ca_crl: %s", cause);
	p = der;
	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)len));
	assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(f->cacert)), 1);
	assert_int_equal(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(f->cacert)), 0);
	assert_int_equal(X509_CRL_get_signature_nid(crl), NID_sha256WithRSAEncryption);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_CRL_get0_lastUpdate(crl), f->now), 0);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_CRL_get0_nextUpdate(crl),
	    f->now + 7 * 86400), 0);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
	assert_int_equal(BN_hex2bn(&bn, r[0].serial), 40);
	assert_non_null(want = BN_to_ASN1_INTEGER(bn, NULL));
	assert_int_equal(X509_CRL_get0_by_serial(crl, &rev, want), 1);
	assert_int_equal(ASN1_TIME_cmp_time_t(X509_REVOKED_get0_revocationDate(rev),
	    r[0].when), 0);
	assert_int_equal(crl_entry_reason(rev), 1);		/* keyCompromise */
	assert_true(X509_CRL_get_ext_by_NID(crl, NID_authority_key_identifier, -1) >= 0);
	assert_int_equal(crl_number_ext(crl, NID_crl_number, &crit), 41);
	assert_int_equal(crl_number_ext(crl, NID_delta_crl, &crit), -1);
	assert_true(X509_CRL_get_ext_by_NID(crl, NID_freshest_crl, -1) >= 0);
	ASN1_INTEGER_free(want);
	BN_free(bn);
	X509_CRL_free(crl);
	free(der);
	{
		const struct ca_revoked	bad[] = { { "XYZ", 0, 0 } };

		assert_cause(ca_crl(f->ca, bad, 1, &spec, &der, &len, &cause), &cause,
		    "serial");
		assert_null(der);
	}
}

/* A delta: the critical deltaCRLIndicator names its base, no Freshest CRL of its own. */
static void
test_crl_delta(void **state)
{
	struct fx			*f = *state;
	const struct ca_revoked		 r[] = {
		{ "0B", 1790000200, 5 },
	};
	struct ca_crl_spec		 spec = { 43, 41, 0, 0 };
	unsigned char			*der = NULL;
	const unsigned char		*p;
	size_t				 len = 0;
	char				*cause = NULL;
	X509_CRL			*crl;
	X509_REVOKED			*rev;
	int				 crit;

	spec.this_update = f->now;
	spec.next_update = f->now + 86400;
	if (ca_crl(f->ca, r, 1, &spec, &der, &len, &cause) != 0)
		fail_msg("ca_crl: %s", cause);
	p = der;
	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)len));
	assert_int_equal(crl_number_ext(crl, NID_crl_number, &crit), 43);
	assert_int_equal(crl_number_ext(crl, NID_delta_crl, &crit), 41);
	assert_int_equal(crit, 1);
	assert_int_equal(X509_CRL_get_ext_by_NID(crl, NID_freshest_crl, -1), -1);
	assert_non_null(rev = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0));
	assert_int_equal(crl_entry_reason(rev), 5);		/* cessationOfOperation */
	X509_CRL_free(crl);
	free(der);
	/* A base that is not older than the delta is refused. */
	spec.base = 43;
	assert_cause(ca_crl(f->ca, r, 1, &spec, &der, &len, &cause), &cause, "CRL");
}

/* --- the OCSP responder ------------------------------------------------------------- */

static X509 *
read_pem_cert(const char *path)
{
	FILE	*f;
	X509	*x;

	assert_non_null(f = fopen(path, "r"));
	assert_non_null(x = PEM_read_X509(f, NULL, NULL, NULL));
	assert_int_equal(fclose(f), 0);
	return x;
}

/*
 * The delegated responder: issued by the CA with id-kp-OCSPSigning and ocsp-nocheck, key
 * 0600; kept on a second load, made anew (another key) when a week or less is left.
 */
static void
test_responder(void **state)
{
	struct fx		*f = *state;
	struct ca_responder	*r;
	char			*cause = NULL, crt[128], key[128];
	struct stat		 sb;
	X509			*a, *b, *c;
	ASN1_OBJECT		*nocheck;

	(void)snprintf(crt, sizeof crt, "%s/ocsp.pem", f->dir);
	(void)snprintf(key, sizeof key, "%s/ocsp.key", f->dir);
	(void)unlink(crt);
	if ((r = ca_responder_load(f->ca, f->dir, f->now, &cause)) == NULL)
		fail_msg("responder: %s", cause);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	a = read_pem_cert(crt);
	assert_int_equal(X509_verify(a, X509_get0_pubkey(f->cacert)), 1);
	assert_true(X509_get_extended_key_usage(a) & XKU_OCSP_SIGN);
	assert_non_null(nocheck = OBJ_nid2obj(NID_id_pkix_OCSP_noCheck));
	assert_true(X509_get_ext_by_OBJ(a, nocheck, -1) >= 0);
	assert_int_equal(X509_check_ca(a), 0);
	assert_true(ca_responder_due(r) > f->now + 20 * 86400);
	ca_responder_free(r);

	assert_non_null(r = ca_responder_load(f->ca, f->dir, f->now + 86400, &cause));
	b = read_pem_cert(crt);
	assert_int_equal(X509_cmp(a, b), 0);			/* still fits: kept */
	ca_responder_free(r);

	assert_non_null(r = ca_responder_load(f->ca, f->dir, f->now + 24 * 86400, &cause));
	c = read_pem_cert(crt);
	assert_int_not_equal(X509_cmp(a, c), 0);		/* 6 days left: remade */
	assert_int_not_equal(EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(c)), 1);
	ca_responder_free(r);
	X509_free(a);
	X509_free(b);
	X509_free(c);
}

/* --- loading ----------------------------------------------------------------------- */

static void
test_load_refused(void **state)
{
	struct fx		*f = *state;
	struct ca_config	 cfg;
	char			 rootkey[96], rootpem[96], *cause = NULL;

	(void)snprintf(rootkey, sizeof rootkey, "%s/root.key", f->dir);
	(void)snprintf(rootpem, sizeof rootpem, "%s/root.pem", f->dir);
	fx_config(f, &cfg);
	cfg.key_file = rootkey;
	assert_null(ca_load(&cfg, &cause));
	assert_cause(-1, &cause, "does not belong");
	fx_config(f, &cfg);
	cfg.cert_file = "/nonexistent/ca.pem";
	assert_null(ca_load(&cfg, &cause));
	assert_cause(-1, &cause, "/nonexistent/ca.pem");
	fx_config(f, &cfg);
	cfg.chain_file = rootpem;
	assert_null(ca_load(&cfg, &cause));
	assert_cause(-1, &cause, "chain");
	fx_config(f, &cfg);
	cfg.ocsp_url = "http://bad url/";
	assert_null(ca_load(&cfg, &cause));
	assert_cause(-1, &cause, "OCSP");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_files),
		cmocka_unit_test(test_demo_ca_certs),
		cmocka_unit_test(test_demo_tls),
		cmocka_unit_test(test_demo_reuse),
		cmocka_unit_test(test_csr_key_id),
		cmocka_unit_test(test_spki_der),
		cmocka_unit_test(test_csr_refused),
		cmocka_unit_test(test_issue_auth_file),
		cmocka_unit_test(test_issue_sign_token),
		cmocka_unit_test(test_validity_years),
		cmocka_unit_test(test_issue_no_patronymic),
		cmocka_unit_test(test_idna_email),
		cmocka_unit_test(test_issue_idn_email),
		cmocka_unit_test(test_issue_refused),
		cmocka_unit_test(test_issue_stored_key),
		cmocka_unit_test(test_issue_threads),
		cmocka_unit_test(test_crl),
		cmocka_unit_test(test_crl_delta),
		cmocka_unit_test(test_responder),
		cmocka_unit_test(test_load_refused),
	};

	return cmocka_run_group_tests_name("ca", tests, setup, teardown);
}

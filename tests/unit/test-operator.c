/*
 * operator.c with real OpenSSL and a real store: the demo operator CA (made once, kept),
 * an operator's PKCS#12 (opens with its password only; AES-256 and a SHA-256 MAC; the
 * subject and extensions the service checks), and operator_verify's every verdict: none,
 * unreadable, another CA, an applicant's CA, expired, not yet valid, no operator fields,
 * unknown, revoked, replaced, and a good one with the store's office and role.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/secret.h"
#include "ncaenrolld/operator.h"
#include "ncaenrolld/store.h"

#define T_PASSWORD	"Operator2026"
#define T_DAY		86400

struct fx {
	char			 dir[64], other[96], path[160];
	struct operator_ca	*oc, *other_ca;
	struct store		*st;
	struct secret		*pw;
	time_t			 now;
};

#define fx_ok(call, cause) do {						\
	if ((call) == -1)							\
		fail_msg("%s: %s", #call, (cause) != NULL ? (cause) : "?");	\
} while (0)

static struct operator_ca *
fx_ca(const char *dir)
{
	struct operator_ca	*oc;
	char			 crt[160], key[160], *cause = NULL;

	fx_ok(operator_ca_create_demo(dir, &cause), cause);
	(void)snprintf(crt, sizeof crt, "%s/operators-ca.pem", dir);
	(void)snprintf(key, sizeof key, "%s/operators-ca.key", dir);
	if ((oc = operator_ca_load(crt, key, &cause)) == NULL)
		fail_msg("load: %s", cause);
	return oc;
}

static int
fx_setup(void **state)
{
	struct fx	*fx = calloc(1, sizeof *fx);
	char		*cause = NULL;

	assert_non_null(fx);
	(void)snprintf(fx->dir, sizeof fx->dir, "/tmp/test-operator.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	(void)snprintf(fx->other, sizeof fx->other, "%s/other", fx->dir);
	assert_int_equal(mkdir(fx->other, 0700), 0);
	(void)snprintf(fx->path, sizeof fx->path, "sqlite:%s/store.db", fx->dir);
	fx->oc = fx_ca(fx->dir);
	fx->other_ca = fx_ca(fx->other);
	if ((fx->st = store_open(fx->path, &cause)) == NULL)
		fail_msg("store: %s", cause);
	assert_non_null(fx->pw = secret_new(T_PASSWORD, strlen(T_PASSWORD)));
	fx->now = time(NULL);
	*state = fx;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*fx = *state;
	char		 cmd[128];

	secret_free(fx->pw);
	store_close(fx->st);
	operator_ca_free(fx->oc);
	operator_ca_free(fx->other_ca);
	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		(void)fprintf(stderr, "could not remove %s\n", fx->dir);
	free(fx);
	return 0;
}

/* An issued operator's certificate out of its PKCS#12, as DER (malloc'd). */
struct t_cert {
	unsigned char	*der;
	size_t		 len;
	char		 serial[41];
	time_t		 not_after;
};

static void
t_issue(struct fx *fx, struct operator_ca *oc, const char *name, const char *office,
    enum operator_role role, time_t now, int days, struct t_cert *out)
{
	struct operator_issued	 is;
	const unsigned char	*p;
	PKCS12			*p12;
	EVP_PKEY		*key = NULL;
	X509			*x = NULL;
	unsigned char		*der = NULL;
	char			*cause = NULL;
	int			 n;

	fx_ok(operator_issue(oc, name, office, role, now, days, fx->pw, &is, &cause), cause);
	p = is.p12;
	assert_non_null(p12 = d2i_PKCS12(NULL, &p, (long)is.p12_len));
	assert_int_equal(PKCS12_verify_mac(p12, "wrong", -1), 0);
	assert_int_equal(PKCS12_parse(p12, T_PASSWORD, &key, &x, NULL), 1);
	assert_int_equal(X509_check_private_key(x, key), 1);
	assert_true((n = i2d_X509(x, &der)) > 0);
	out->der = malloc((size_t)n);
	assert_non_null(out->der);
	memcpy(out->der, der, (size_t)n);
	out->len = (size_t)n;
	memcpy(out->serial, is.serial, sizeof out->serial);
	out->not_after = is.not_after;
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(key);
	PKCS12_free(p12);
	operator_issued_free(&is);
}

static void
t_record(struct fx *fx, const char *name, const char *office, const char *role,
    const struct t_cert *c)
{
	struct store_operator	 op;
	char			*cause = NULL;

	memset(&op, 0, sizeof op);
	op.name = (char *)name;
	op.office = (char *)office;
	op.role = (char *)role;
	memcpy(op.serial, c->serial, sizeof op.serial);
	op.created = fx->now;
	op.not_after = c->not_after;
	fx_ok(store_operator_put(fx->st, &op, "test", fx->now, &cause), cause);
}

/* A certificate with only CN=bolat, signed with the operator CA's key from its file. */
static void
t_bare(struct fx *fx, struct t_cert *out)
{
	char		 path[160];
	BIO		*b;
	EVP_PKEY	*cakey, *key;
	X509		*ca, *x;
	X509_EXTENSION	*eku;
	unsigned char	*der = NULL;
	int		 n;

	(void)snprintf(path, sizeof path, "%s/operators-ca.key", fx->dir);
	assert_non_null(b = BIO_new_file(path, "r"));
	assert_non_null(cakey = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL));
	BIO_free(b);
	(void)snprintf(path, sizeof path, "%s/operators-ca.pem", fx->dir);
	assert_non_null(b = BIO_new_file(path, "r"));
	assert_non_null(ca = PEM_read_bio_X509(b, NULL, NULL, NULL));
	BIO_free(b);
	assert_non_null(key = EVP_RSA_gen(2048));
	assert_non_null(x = X509_new());
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_UTF8, (const unsigned char *)"bolat", -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(ca)), 1);
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x), 0, -60, &fx->now));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x), 1, 0, &fx->now));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	/* Made for signing in (clientAuth): only the subject is wrong. */
	assert_non_null(eku = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, "clientAuth"));
	assert_int_equal(X509_add_ext(x, eku, -1), 1);
	X509_EXTENSION_free(eku);
	assert_true(X509_sign(x, cakey, EVP_sha256()) > 0);
	assert_true((n = i2d_X509(x, &der)) > 0);
	assert_non_null(out->der = malloc((size_t)n));
	memcpy(out->der, der, (size_t)n);
	out->len = (size_t)n;
	OPENSSL_free(der);
	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
}

static enum operator_refusal
t_verify(struct fx *fx, const char *applicant_pem, const unsigned char *der, size_t len,
    time_t now, struct operator *op)
{
	struct operator		 none;
	enum operator_refusal	 why = OPERATOR_REFUSAL__MAX;
	char			*cause = NULL;

	fx_ok(operator_verify(fx->oc, applicant_pem, fx->st, der, len, now,
	    op != NULL ? op : &none, &why, &cause), cause);
	if (op == NULL)
		operator_free(&none);
	return why;
}

/* ---- tests ---- */

static void
test_names_and_roles(void **state)
{
	enum operator_role	 r;

	(void)state;
	assert_int_equal(operator_name_check("aigerim", NULL), 0);
	assert_int_equal(operator_name_check("a.b-c_9", NULL), 0);
	assert_int_equal(operator_name_check("", NULL), -1);
	assert_int_equal(operator_name_check("Aigerim", NULL), -1);
	assert_int_equal(operator_name_check("-x", NULL), -1);
	assert_int_equal(operator_name_check("a b", NULL), -1);
	assert_int_equal(operator_name_check("expiry'--", NULL), -1);
	assert_int_equal(operator_role_parse("supervisor", &r), 0);
	assert_int_equal(r, OPERATOR_ROLE_SUPERVISOR);
	assert_int_equal(operator_role_parse("admin", &r), -1);
	assert_string_equal(operator_refusal_code(OPERATOR_REVOKED), "ra.revoked");
	assert_string_equal(operator_refusal_code(OPERATOR_APPLICANT), "ra.not_operator");
}

static void
test_demo_ca_is_kept(void **state)
{
	struct fx	*fx = *state;
	char		 crt[160], *before, *cause = NULL;
	struct stat	 sb;

	(void)snprintf(crt, sizeof crt, "%s/operators-ca.key", fx->dir);
	assert_int_equal(stat(crt, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_non_null(before = strdup(operator_ca_pem(fx->oc)));
	operator_ca_free(fx->oc);
	fx->oc = fx_ca(fx->dir);
	assert_string_equal(before, operator_ca_pem(fx->oc));
	free(before);
	/* A CA without its key verifies but cannot issue. */
	(void)snprintf(crt, sizeof crt, "%s/operators-ca.pem", fx->dir);
	operator_ca_free(fx->oc);
	if ((fx->oc = operator_ca_load(crt, NULL, &cause)) == NULL)
		fail_msg("load: %s", cause);
	{
		struct operator_issued	is;

		assert_int_equal(operator_issue(fx->oc, "x", "o", OPERATOR_ROLE_OPERATOR,
		    fx->now, 1, fx->pw, &is, &cause), -1);
		free(cause);
	}
}

static void
test_certificate_profile(void **state)
{
	struct fx		*fx = *state;
	struct t_cert		 c;
	const unsigned char	*p;
	X509			*x;
	char			 buf[128];
	uint32_t		 xku;

	t_issue(fx, fx->oc, "aigerim", "karaganda-1", OPERATOR_ROLE_SUPERVISOR, fx->now, 365,
	    &c);
	p = c.der;
	assert_non_null(x = d2i_X509(NULL, &p, (long)c.len));
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf,
	    sizeof buf) > 0);
	assert_string_equal(buf, "aigerim");
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_organizationalUnitName, buf, sizeof buf) > 0);
	assert_string_equal(buf, "karaganda-1");
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_title, buf,
	    sizeof buf) > 0);
	assert_string_equal(buf, "supervisor");
	xku = X509_get_extended_key_usage(x);
	assert_true((xku & XKU_SSL_CLIENT) != 0);
	assert_true((xku & XKU_SSL_SERVER) == 0);
	assert_int_equal(X509_check_ca(x), 0);
	assert_int_equal(strlen(c.serial), 40);
	X509_free(x);
	free(c.der);
}

static void
test_verdicts(void **state)
{
	struct fx		*fx = *state;
	struct t_cert		 good, other, bare_name, old;
	struct operator		 op;
	char			*cause = NULL;
	int			 found;
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

	t_issue(fx, fx->oc, "aigerim", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now, 30,
	    &good);
	t_issue(fx, fx->other_ca, "aigerim", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now,
	    30, &other);
	assert_int_equal(t_verify(fx, NULL, NULL, 0, fx->now, NULL), OPERATOR_NO_CERT);
	assert_int_equal(t_verify(fx, NULL, junk, sizeof junk, fx->now, NULL),
	    OPERATOR_BAD_CERT);
	assert_int_equal(t_verify(fx, NULL, other.der, other.len, fx->now, NULL),
	    OPERATOR_WRONG_CA);
	/* The other CA standing for the applicants' CA: named as an applicant's. */
	assert_int_equal(t_verify(fx, operator_ca_pem(fx->other_ca), other.der, other.len,
	    fx->now, NULL), OPERATOR_APPLICANT);
	/* Ours, valid, but not in the store yet. */
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL),
	    OPERATOR_UNKNOWN);
	t_record(fx, "aigerim", "karaganda-1", "operator", &good);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, &op), OPERATOR_OK);
	assert_string_equal(op.row.name, "aigerim");
	assert_string_equal(op.row.office, "karaganda-1");
	assert_string_equal(op.row.role, "operator");
	assert_int_equal(op.not_after, good.not_after);
	operator_free(&op);
	/* Time: the service's clock, not the machine's. */
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, good.not_after + 1, NULL),
	    OPERATOR_EXPIRED);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now - T_DAY, NULL),
	    OPERATOR_NOT_YET_VALID);
	/* Replaced by a newer certificate: the old one is worthless. */
	old = good;
	t_issue(fx, fx->oc, "aigerim", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now, 30,
	    &good);
	t_record(fx, "aigerim", "karaganda-1", "operator", &good);
	assert_int_equal(t_verify(fx, NULL, old.der, old.len, fx->now, NULL),
	    OPERATOR_REPLACED);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL), OPERATOR_OK);
	fx_ok(store_operator_revoke(fx->st, "aigerim", "test", fx->now, &found, &cause),
	    cause);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL),
	    OPERATOR_REVOKED);
	/* A name the store may hold but no operator may have: refused before the store. */
	assert_int_equal(operator_issue(fx->oc, "Bad Name", "x", OPERATOR_ROLE_OPERATOR,
	    fx->now, 1, fx->pw, &(struct operator_issued){ 0 }, &cause), -1);
	free(cause);
	cause = NULL;
	/* Our CA's signature on a certificate that names no office and role. */
	t_bare(fx, &bare_name);
	assert_int_equal(t_verify(fx, NULL, bare_name.der, bare_name.len, fx->now, NULL),
	    OPERATOR_NOT_OPERATOR);
	free(bare_name.der);
	free(other.der);
	free(old.der);
	free(good.der);
}

/*
 * A certificate accepted once is remembered (operator_verify does not verify its chain
 * again), but what can change between two requests of a desk still decides the next one:
 * the clock against its validity and the CA's, the store's row. And a certificate of
 * other bytes is not taken for the remembered one.
 */
static void
test_remembered_rechecked(void **state)
{
	struct fx		*fx = *state;
	struct t_cert		 good, longer, newer;
	unsigned char		*forged;
	char			*cause = NULL;
	int			 found;

	t_issue(fx, fx->oc, "aigerim", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now, 30,
	    &good);
	t_record(fx, "aigerim", "karaganda-1", "operator", &good);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL), OPERATOR_OK);
	/* The clock: at its end (OpenSSL's notAfter is exclusive) and before its start,
	 * each time back to now in between (checked afresh). */
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, good.not_after - 1, NULL),
	    OPERATOR_OK);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, good.not_after, NULL),
	    OPERATOR_EXPIRED);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL), OPERATOR_OK);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now - T_DAY, NULL),
	    OPERATOR_NOT_YET_VALID);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL), OPERATOR_OK);
	/* The same certificate with one bit of its signature flipped: not the one. */
	assert_non_null(forged = malloc(good.len));
	memcpy(forged, good.der, good.len);
	forged[good.len - 8] ^= 0x01;
	assert_int_equal(t_verify(fx, NULL, forged, good.len, fx->now, NULL),
	    OPERATOR_WRONG_CA);
	free(forged);
	/* Replaced, then revoked: the very next call says so. */
	t_issue(fx, fx->oc, "aigerim", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now, 30,
	    &newer);
	t_record(fx, "aigerim", "karaganda-1", "operator", &newer);
	assert_int_equal(t_verify(fx, NULL, good.der, good.len, fx->now, NULL),
	    OPERATOR_REPLACED);
	assert_int_equal(t_verify(fx, NULL, newer.der, newer.len, fx->now, NULL), OPERATOR_OK);
	fx_ok(store_operator_revoke(fx->st, "aigerim", "test", fx->now, &found, &cause),
	    cause);
	assert_int_equal(found, 1);
	assert_int_equal(t_verify(fx, NULL, newer.der, newer.len, fx->now, NULL),
	    OPERATOR_REVOKED);
	/* A certificate outliving the operator CA (10 years) is refused once the CA ends. */
	t_issue(fx, fx->oc, "bolat", "karaganda-1", OPERATOR_ROLE_OPERATOR, fx->now, 12 * 365,
	    &longer);
	t_record(fx, "bolat", "karaganda-1", "operator", &longer);
	assert_int_equal(t_verify(fx, NULL, longer.der, longer.len, fx->now, NULL),
	    OPERATOR_OK);
	assert_int_equal(t_verify(fx, NULL, longer.der, longer.len, fx->now + 11 * 365 * T_DAY,
	    NULL), OPERATOR_EXPIRED);
	free(longer.der);
	free(newer.der);
	free(good.der);
}

static void
test_no_operator_ca(void **state)
{
	struct fx		*fx = *state;
	struct operator		 op;
	enum operator_refusal	 why;
	char			*cause = NULL;
	static const unsigned char any[] = { 0x30, 0x00 };

	fx_ok(operator_verify(NULL, NULL, fx->st, any, sizeof any, fx->now, &op, &why,
	    &cause), cause);
	assert_int_equal(why, OPERATOR_NO_CA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_roles),
		cmocka_unit_test_setup_teardown(test_demo_ca_is_kept, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_certificate_profile, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_verdicts, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_remembered_rechecked, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_operator_ca, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests_name("operator", tests, NULL, NULL);
}

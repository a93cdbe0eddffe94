/*
 * operator — the operator CA and the check of an operator's client certificate. The CA is
 * a self-signed root of its own: an operator's certificate can never chain to the
 * applicants' CA and an applicant's never to this one, so "an applicant's certificate is
 * never an operator's" holds by construction, and the check names it when it happens.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/privfile.h"
#include "ncaenrolld/ca-int.h"
#include "ncaenrolld/ca-keygen.h"
#include "ncaenrolld/operator.h"

#define OPERATOR_CA_CN		"ncaenroll RA OPERATORS CA DEMO"
#define OPERATOR_CA_BITS	3072
#define OPERATOR_CA_DAYS	(10 * 365)
#define OPERATOR_BITS		2048
#define OPERATOR_BACKDATE	300	/* seconds: clocks a little behind the service's */
#define OPERATOR_O		"ncaenroll RA"
#define OPERATOR_P12_ITER	100000
#define OPERATOR_EKU_CLIENT	"1.3.6.1.5.5.7.3.2"

#define OPERATOR_MEMO_N		32	/* certificates remembered: a few per desk */

/*
 * A client certificate that passed every check of operator_verify that depends only on
 * its bytes and on the CA (the chain and its signatures, the use, the subject), kept by
 * the SHA-256 of its DER: a desk sends the same certificate with every request of its
 * connection, and parsing and verifying it each time was 9% of an approval's CPU
 * (doc/performance.md). What can change between two requests is still checked on every
 * one: the service's clock against [from, until) (outside it, the full check runs again
 * and names the refusal, expired or not yet valid) and the operator's row in the store
 * (revoked, replaced). The CA is loaded once and never changes while the service runs.
 */
struct operator_memo {
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	char		 name[OPERATOR_NAME_MAX + 1];
	char		 serial[41];
	time_t		 from, until;	/* the certificate's and the CA's validity, both */
	time_t		 not_after;	/* the certificate's own */
	int		 used;
};

struct operator_ca {
	pthread_mutex_t	 lock;		/* held while the CA key signs */
	X509		*cert;
	EVP_PKEY	*key;		/* NULL: verify only */
	char		*pem;
	pthread_mutex_t	 memo_lock;	/* held while memo is read or written */
	struct operator_memo memo[OPERATOR_MEMO_N];
	size_t		 memo_next;	/* the slot the next certificate takes */
};

static const char *const operator_roles[] = {
	[OPERATOR_ROLE_OPERATOR] = "operator",
	[OPERATOR_ROLE_SUPERVISOR] = "supervisor",
};
_Static_assert(sizeof operator_roles / sizeof operator_roles[0] == OPERATOR_ROLE__MAX,
    "a name per role");

static const struct {
	const char	*code;
	const char	*text;
} operator_refusals[] = {
	[OPERATOR_OK] = { "ra.ok", "an operator" },
	[OPERATOR_NO_CERT] = { "ra.no_certificate",
	    "no client certificate: open the operator's certificate (PKCS#12) to use the "
	    "RA desk" },
	[OPERATOR_BAD_CERT] = { "ra.bad_certificate",
	    "the client certificate cannot be read" },
	[OPERATOR_APPLICANT] = { "ra.not_operator",
	    "this is an applicant's registration certificate, not an RA operator's" },
	[OPERATOR_WRONG_CA] = { "ra.unknown_issuer",
	    "the client certificate was not issued by this service's operator CA" },
	[OPERATOR_EXPIRED] = { "ra.certificate_expired",
	    "the operator's certificate has expired: ask for a new one" },
	[OPERATOR_NOT_YET_VALID] = { "ra.not_yet_valid",
	    "the operator's certificate is not valid yet (check the clock)" },
	[OPERATOR_NOT_OPERATOR] = { "ra.not_operator",
	    "the certificate names no operator, office and role" },
	[OPERATOR_NOT_CLIENT] = { "ra.not_operator",
	    "the certificate is not made for signing in (TLS client authentication, "
	    "extendedKeyUsage clientAuth): ask for a new one" },
	[OPERATOR_UNKNOWN] = { "ra.unknown_operator",
	    "the service knows no operator of this name" },
	[OPERATOR_REVOKED] = { "ra.revoked",
	    "this operator's access was revoked" },
	[OPERATOR_REPLACED] = { "ra.replaced",
	    "this certificate was replaced by a newer one for the same operator" },
	[OPERATOR_NO_CA] = { "ra.no_operator_ca",
	    "the service has no operator CA configured: the RA desk is closed" },
};
_Static_assert(sizeof operator_refusals / sizeof operator_refusals[0] ==
    OPERATOR_REFUSAL__MAX, "a row per refusal");

const char *
operator_role_name(enum operator_role r)
{
	return r < OPERATOR_ROLE__MAX ? operator_roles[r] : "?";
}

int
operator_role_parse(const char *s, enum operator_role *out)
{
	int	i;

	for (i = 0; i < OPERATOR_ROLE__MAX; i++) {
		if (s != NULL && strcmp(s, operator_roles[i]) == 0) {
			*out = (enum operator_role)i;
			return 0;
		}
	}
	return -1;
}

int
operator_name_check(const char *s, char **cause)
{
	size_t	n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > OPERATOR_NAME_MAX ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
	    strchr("._-", s[0]) != NULL) {
		cause_set(cause, _("'%s' is not an operator name: 1 to %d small Latin letters, "
		    "digits, '.', '_' or '-', starting with a letter or digit"), s != NULL ? s :
		    "", OPERATOR_NAME_MAX);
		return -1;
	}
	return 0;
}

const char *
operator_refusal_code(enum operator_refusal r)
{
	return r < OPERATOR_REFUSAL__MAX ? operator_refusals[r].code : "ra.unknown_operator";
}

const char *
operator_refusal_text(enum operator_refusal r)
{
	return r < OPERATOR_REFUSAL__MAX ? operator_refusals[r].text : "refused";
}

/* ---- the CA ---- */

void
operator_ca_free(struct operator_ca *oc)
{
	if (oc == NULL)
		return;
	X509_free(oc->cert);
	EVP_PKEY_free(oc->key);
	free(oc->pem);
	(void)pthread_mutex_destroy(&oc->lock);
	(void)pthread_mutex_destroy(&oc->memo_lock);
	free(oc);
}

const char *
operator_ca_pem(const struct operator_ca *oc)
{
	return oc->pem;
}

static X509 *
operator_read_cert(const char *file, char **cause)
{
	BIO	*b;
	X509	*x = NULL;

	if ((b = BIO_new_file(file, "r")) != NULL)
		x = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	if (x == NULL)
		ca_x509_openssl_cause(cause, file);
	return x;
}

static EVP_PKEY *
operator_read_key(const char *file, char **cause)
{
	BIO		*b;
	EVP_PKEY	*k = NULL;

	if (privfile_check(-1, file, 0, cause) == -1)
		return NULL;
	if ((b = BIO_new_file(file, "r")) != NULL)
		k = PEM_read_bio_PrivateKey(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	if (k == NULL)
		ca_x509_openssl_cause(cause, file);
	return k;
}

struct operator_ca *
operator_ca_load(const char *cert_file, const char *key_file, char **cause)
{
	struct operator_ca	*oc;

	if ((oc = calloc(1, sizeof *oc)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return NULL;
	}
	if ((errno = pthread_mutex_init(&oc->lock, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		free(oc);
		return NULL;
	}
	if ((errno = pthread_mutex_init(&oc->memo_lock, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		(void)pthread_mutex_destroy(&oc->lock);
		free(oc);
		return NULL;
	}
	if ((oc->cert = operator_read_cert(cert_file, cause)) == NULL ||
	    (oc->pem = ca_x509_pem_cert(oc->cert, cause)) == NULL)
		goto fail;
	if (X509_check_ca(oc->cert) == 0) {
		cause_set(cause, _("%s is not a CA certificate"), cert_file);
		goto fail;
	}
	if (key_file != NULL) {
		if ((oc->key = operator_read_key(key_file, cause)) == NULL)
			goto fail;
		if (X509_check_private_key(oc->cert, oc->key) != 1) {
			ERR_clear_error();
			cause_set(cause, _("%s is not the key of %s"), key_file, cert_file);
			goto fail;
		}
	}
	return oc;
fail:
	operator_ca_free(oc);
	return NULL;
}

static X509 *
operator_ca_make(EVP_PKEY *key, time_t now, char **cause)
{
	unsigned char	 serial[CA_SERIAL_LEN];
	X509		*x;
	X509_NAME	*name;

	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_pubkey(x, key) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot assemble the certificate"));
		goto fail;
	}
	name = X509_get_subject_name(x);
	if (ca_x509_name_add(name, NID_commonName, V_ASN1_UTF8STRING, OPERATOR_CA_CN,
	    cause) == -1 ||
	    ca_x509_name_add(name, NID_organizationName, V_ASN1_UTF8STRING, OPERATOR_O,
	    cause) == -1 ||
	    ca_x509_name_add(name, NID_countryName, V_ASN1_PRINTABLESTRING, "KZ",
	    cause) == -1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    ca_x509_set_serial(x, serial, cause) == -1 ||
	    ca_x509_set_validity(x, now - 86400, now + (time_t)OPERATOR_CA_DAYS * 86400,
	    cause) == -1 ||
	    ca_x509_add_basic_constraints(x, 1, 0, cause) == -1 ||
	    ca_x509_add_key_usage(x, CA_KU_KEY_CERT_SIGN | CA_KU_CRL_SIGN, cause) == -1 ||
	    ca_x509_add_own_ski(x, cause) == -1 ||
	    ca_x509_sign(x, key, cause) == -1)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

int
operator_ca_create_demo(const char *dir, char **cause)
{
	struct operator_ca	*oc;
	EVP_PKEY		*key = NULL;
	X509			*x = NULL;
	char			*crt = NULL, *kf = NULL, *pem = NULL, *ignored = NULL;
	int			 rc = -1;

	if (asprintf(&crt, "%s/operators-ca.pem", dir) == -1 ||
	    asprintf(&kf, "%s/operators-ca.key", dir) == -1) {
		cause_set(cause, "%s", _("Out of memory"));
		goto out;
	}
	/*
	 * Kept across restarts, so that issued operator certificates stay good: one that is
	 * there but cannot be used (a key others may read) is said, never silently replaced.
	 */
	if ((oc = operator_ca_load(crt, kf, &ignored)) != NULL) {
		operator_ca_free(oc);
		rc = 0;
		goto out;
	}
	if (access(crt, F_OK) == 0 || access(kf, F_OK) == 0) {
		cause_set(cause, "%s", ignored != NULL ? ignored : _("Out of memory"));
		goto out;
	}
	if ((key = ca_keygen_rsa(OPERATOR_CA_BITS)) == NULL) {
		ca_x509_openssl_cause(cause, _("Cannot generate an RSA key"));
		goto out;
	}
	if ((x = operator_ca_make(key, time(NULL), cause)) == NULL ||
	    (pem = ca_x509_pem_cert(x, cause)) == NULL ||
	    ca_x509_write_key(kf, key, cause) == -1 ||
	    atomicfile_write(crt, pem, strlen(pem), 0644, cause) == -1)
		goto out;
	rc = 0;
out:
	free(ignored);
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
	free(kf);
	free(crt);
	return rc;
}

/* ---- issuing ---- */

/* The serial as upper-case hex of its magnitude; "" if it does not fit. */
static void
operator_serial_hex(const X509 *x, char out[41])
{
	const ASN1_INTEGER	*ai = X509_get0_serialNumber(x);
	int			 n = ASN1_STRING_length(ai);

	out[0] = '\0';
	if (n <= 0 || n > 20 || ca_x509_hex(ASN1_STRING_get0_data(ai), (size_t)n, 1, out,
	    41) == -1)
		out[0] = '\0';
}

static int
operator_subject(X509 *x, const char *name, const char *office, enum operator_role role,
    char **cause)
{
	X509_NAME	*n = X509_get_subject_name(x);

	if (ca_x509_name_add(n, NID_countryName, V_ASN1_PRINTABLESTRING, "KZ",
	    cause) == -1 ||
	    ca_x509_name_add(n, NID_organizationName, V_ASN1_UTF8STRING, OPERATOR_O,
	    cause) == -1 ||
	    ca_x509_name_add(n, NID_organizationalUnitName, V_ASN1_UTF8STRING, office,
	    cause) == -1 ||
	    ca_x509_name_add(n, NID_title, V_ASN1_UTF8STRING, operator_role_name(role),
	    cause) == -1 ||
	    ca_x509_name_add(n, NID_commonName, V_ASN1_UTF8STRING, name, cause) == -1)
		return -1;
	return 0;
}

static X509 *
operator_make(struct operator_ca *oc, EVP_PKEY *key, const char *name, const char *office,
    enum operator_role role, time_t now, int days, char **cause)
{
	static const char *const	 eku[] = { OPERATOR_EKU_CLIENT };
	unsigned char			 serial[CA_SERIAL_LEN];
	X509				*x;
	int				 signed_ok;

	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_pubkey(x, key) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot assemble the certificate"));
		goto fail;
	}
	if (operator_subject(x, name, office, role, cause) == -1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(oc->cert)) != 1 ||
	    ca_x509_set_serial(x, serial, cause) == -1 ||
	    ca_x509_set_validity(x, now - OPERATOR_BACKDATE, now + (time_t)days * 86400,
	    cause) == -1 ||
	    ca_x509_add_basic_constraints(x, 0, -1, cause) == -1 ||
	    ca_x509_add_key_usage(x, CA_KU_DIGITAL_SIGNATURE, cause) == -1 ||
	    ca_x509_add_eku(x, eku, 1, cause) == -1 ||
	    ca_x509_add_own_ski(x, cause) == -1 ||
	    ca_x509_add_aki_of(x, oc->cert, cause) == -1)
		goto fail;
	(void)pthread_mutex_lock(&oc->lock);
	signed_ok = ca_x509_sign(x, oc->key, cause) == 0;
	(void)pthread_mutex_unlock(&oc->lock);
	if (signed_ok)
		return x;
fail:
	X509_free(x);
	return NULL;
}

static int
operator_p12(EVP_PKEY *key, X509 *x, const char *name, const struct secret *password,
    struct operator_issued *out, char **cause)
{
	PKCS12		*p12;
	unsigned char	*der = NULL;
	int		 n, rc = -1;

	p12 = PKCS12_create_ex(secret_reveal(password), name, key, x, NULL, NID_aes_256_cbc,
	    NID_aes_256_cbc, OPERATOR_P12_ITER, -1, 0, NULL, NULL);
	if (p12 == NULL ||
	    PKCS12_set_mac(p12, secret_reveal(password), -1, NULL, 0, OPERATOR_P12_ITER,
	    EVP_sha256()) != 1 ||
	    (n = i2d_PKCS12(p12, &der)) <= 0) {
		ca_x509_openssl_cause(cause, _("Cannot make the operator's PKCS#12"));
		goto out;
	}
	if ((out->p12 = malloc((size_t)n)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		goto out;
	}
	memcpy(out->p12, der, (size_t)n);
	out->p12_len = (size_t)n;
	rc = 0;
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	return rc;
}

int
operator_issue(struct operator_ca *oc, const char *name, const char *office,
    enum operator_role role, time_t now, int days, const struct secret *password,
    struct operator_issued *out, char **cause)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	int		 rc = -1;

	memset(out, 0, sizeof *out);
	if (oc->key == NULL) {
		cause_set(cause, "%s", _("the operator CA's key is not loaded"));
		return -1;
	}
	if (operator_name_check(name, cause) == -1)
		return -1;
	if (office == NULL || *office == '\0' || role >= OPERATOR_ROLE__MAX || days < 1) {
		cause_set(cause, "%s", _("an operator needs an office, a role and a validity"));
		return -1;
	}
	if ((key = ca_keygen_rsa(OPERATOR_BITS)) == NULL) {
		ca_x509_openssl_cause(cause, _("Cannot generate an RSA key"));
		goto out;
	}
	if ((x = operator_make(oc, key, name, office, role, now, days, cause)) == NULL ||
	    operator_p12(key, x, name, password, out, cause) == -1)
		goto out;
	operator_serial_hex(x, out->serial);
	out->not_before = now - OPERATOR_BACKDATE;
	out->not_after = now + (time_t)days * 86400;
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(key);
	if (rc == -1)
		operator_issued_free(out);
	return rc;
}

void
operator_issued_free(struct operator_issued *o)
{
	if (o == NULL)
		return;
	if (o->p12 != NULL)
		OPENSSL_cleanse(o->p12, o->p12_len);
	free(o->p12);
	memset(o, 0, sizeof *o);
}

/* ---- verifying a client certificate ---- */

/*
 * The X509 verification error of x against the trusted PEM certificates, at now; with
 * purpose (X509_PURPOSE_*), also for that use, or for any with 0.
 */
static int
operator_chain_error(const char *trusted_pem, X509 *x, time_t now, int purpose, int *err)
{
	X509_STORE	*store = NULL;
	X509_STORE_CTX	*ctx = NULL;
	BIO		*b = NULL;
	X509		*t;
	int		 rc = -1, added = 0;

	*err = X509_V_ERR_UNSPECIFIED;
	if ((store = X509_STORE_new()) == NULL ||
	    (b = BIO_new_mem_buf(trusted_pem, -1)) == NULL)
		goto out;
	while ((t = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL)) != NULL) {
		if (X509_STORE_add_cert(store, t) != 1) {
			X509_free(t);
			goto out;
		}
		X509_free(t);
		added++;
	}
	ERR_clear_error();
	if (added == 0 || (ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, store, x, NULL) != 1)
		goto out;
	X509_STORE_CTX_set_time(ctx, 0, now);
	if (purpose != 0 && X509_STORE_CTX_set_purpose(ctx, purpose) != 1)
		goto out;
	*err = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	rc = 0;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	BIO_free(b);
	X509_STORE_free(store);
	return rc;
}

/* The first value of nid in the subject as a malloc'd UTF-8 string, or NULL. */
static char *
operator_subject_get(X509 *x, int nid)
{
	X509_NAME	*n = X509_get_subject_name(x);
	unsigned char	*utf8 = NULL;
	char		*s = NULL;
	int		 i, len;

	if ((i = X509_NAME_get_index_by_NID(n, nid, -1)) < 0 ||
	    X509_NAME_get_index_by_NID(n, nid, i) >= 0)	/* none, or twice */
		return NULL;
	if ((len = ASN1_STRING_to_UTF8(&utf8,
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)))) < 0)
		return NULL;
	if ((size_t)len == strlen((const char *)utf8))
		s = strdup((const char *)utf8);
	OPENSSL_free(utf8);
	return s;
}

/*
 * OpenSSL's TLS-client purpose passes a certificate with no extendedKeyUsage at all (any
 * use then goes); the desk wants the use named, as `operator add` names it.
 */
static int
operator_names_client_auth(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) != 0 &&
	    (X509_get_extended_key_usage(x) & XKU_SSL_CLIENT) != 0;
}

/* The chain, the time and the use: OPERATOR_OK or why not. */
static enum operator_refusal
operator_check_chain(const struct operator_ca *oc, const char *applicant_chain_pem,
    X509 *x, time_t now)
{
	int	err;

	if (operator_chain_error(oc->pem, x, now, X509_PURPOSE_SSL_CLIENT, &err) == -1)
		return OPERATOR_WRONG_CA;
	switch (err) {
	case X509_V_OK:
		return operator_names_client_auth(x) ? OPERATOR_OK : OPERATOR_NOT_CLIENT;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return OPERATOR_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return OPERATOR_NOT_YET_VALID;
	case X509_V_ERR_INVALID_PURPOSE:	/* ours, but not for a TLS client */
		return OPERATOR_NOT_CLIENT;
	default:
		break;
	}
	/* Not ours: say so plainly when it is an applicant's (AUTH or SIGN, valid or not). */
	if (applicant_chain_pem != NULL &&
	    operator_chain_error(applicant_chain_pem, x, now, 0, &err) == 0 &&
	    (err == X509_V_OK || err == X509_V_ERR_CERT_HAS_EXPIRED ||
	    err == X509_V_ERR_CERT_NOT_YET_VALID))
		return OPERATOR_APPLICANT;
	return OPERATOR_WRONG_CA;
}

/* The subject's name, office and role: OPERATOR_OK with the name in m, or why not. */
static enum operator_refusal
operator_check_subject(X509 *x, struct operator_memo *m)
{
	char			*name, *office, *role;
	enum operator_role	 r;
	enum operator_refusal	 why = OPERATOR_NOT_OPERATOR;

	name = operator_subject_get(x, NID_commonName);
	office = operator_subject_get(x, NID_organizationalUnitName);
	role = operator_subject_get(x, NID_title);
	if (name != NULL && office != NULL && role != NULL &&
	    operator_name_check(name, NULL) == 0 && operator_role_parse(role, &r) == 0) {
		/* operator_name_check bounds it by OPERATOR_NAME_MAX */
		memcpy(m->name, name, strlen(name) + 1);
		why = OPERATOR_OK;
	}
	free(name);
	free(office);
	free(role);
	return why;
}

/* An ASN1_TIME as time_t: 0, or -1 when it cannot be read. */
static int
operator_time(const ASN1_TIME *t, time_t *out)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

/*
 * When a memo of x holds: from the later of its and the CA's notBefore to the earlier of
 * their notAfter. -1 when a time cannot be read (then x is not remembered).
 */
static int
operator_memo_window(const struct operator_ca *oc, X509 *x, struct operator_memo *m)
{
	time_t	ca_from, ca_until;

	if (operator_time(X509_get0_notBefore(x), &m->from) == -1 ||
	    operator_time(X509_get0_notAfter(x), &m->not_after) == -1 ||
	    operator_time(X509_get0_notBefore(oc->cert), &ca_from) == -1 ||
	    operator_time(X509_get0_notAfter(oc->cert), &ca_until) == -1)
		return -1;
	if (ca_from > m->from)
		m->from = ca_from;
	m->until = ca_until < m->not_after ? ca_until : m->not_after;
	return 0;
}

/*
 * A remembered certificate of this digest whose validity holds at now: 0 with it copied
 * to m, or -1. A certificate remembered but outside its window is forgotten, so the full
 * check runs and says why.
 */
static int
operator_memo_find(struct operator_ca *oc, const unsigned char *md, time_t now,
    struct operator_memo *m)
{
	size_t	i;
	int	rc = -1;

	if (pthread_mutex_lock(&oc->memo_lock) != 0)
		return -1;
	for (i = 0; i < OPERATOR_MEMO_N; i++) {
		struct operator_memo	*e = &oc->memo[i];

		if (!e->used || memcmp(e->md, md, sizeof e->md) != 0)
			continue;
		/* strictly inside: at either edge the full check decides */
		if (now > e->from && now < e->until) {
			*m = *e;
			rc = 0;
		} else
			e->used = 0;
		break;
	}
	(void)pthread_mutex_unlock(&oc->memo_lock);
	return rc;
}

static void
operator_memo_add(struct operator_ca *oc, const struct operator_memo *m)
{
	if (pthread_mutex_lock(&oc->memo_lock) != 0)
		return;
	oc->memo[oc->memo_next] = *m;
	oc->memo[oc->memo_next].used = 1;
	oc->memo_next = (oc->memo_next + 1) % OPERATOR_MEMO_N;
	(void)pthread_mutex_unlock(&oc->memo_lock);
}

/*
 * Everything about the certificate itself, in full: parsed, its chain at now, its use, its
 * subject. OPERATOR_OK with m filled (and remembered), or why not.
 */
static enum operator_refusal
operator_check_cert(struct operator_ca *oc, const char *applicant_chain_pem,
    const unsigned char *der, size_t len, time_t now, struct operator_memo *m)
{
	const unsigned char	*p = der;
	X509			*x;
	enum operator_refusal	 why;

	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL || p != der + len)
		why = OPERATOR_BAD_CERT;
	else if ((why = operator_check_chain(oc, applicant_chain_pem, x, now)) ==
	    OPERATOR_OK && (why = operator_check_subject(x, m)) == OPERATOR_OK) {
		operator_serial_hex(x, m->serial);
		if (operator_memo_window(oc, x, m) == 0)
			operator_memo_add(oc, m);
		else
			m->not_after = 0;
	}
	X509_free(x);
	return why;
}

/*
 * The store's word, asked on every request: the operator of this name exists, is not
 * revoked, and this certificate is their current one. Fills op->row when it is OPERATOR_OK;
 * -1 when the store fails.
 */
static int
operator_check_row(struct store *st, const struct operator_memo *m, struct operator *op,
    enum operator_refusal *refusal, char **cause)
{
	int	found = 0;

	if (store_operator_get(st, m->name, &op->row, &found, cause) == -1)
		return -1;
	if (!found)
		*refusal = OPERATOR_UNKNOWN;
	else if (op->row.revoked != 0)
		*refusal = OPERATOR_REVOKED;
	else if (m->serial[0] == '\0' || strcmp(m->serial, op->row.serial) != 0)
		*refusal = OPERATOR_REPLACED;
	else
		*refusal = OPERATOR_OK;
	if (*refusal != OPERATOR_OK)
		store_operator_free(&op->row);
	else
		op->not_after = m->not_after;
	return 0;
}

int
operator_verify(struct operator_ca *oc, const char *applicant_chain_pem,
    struct store *st, const unsigned char *der, size_t len, time_t now,
    struct operator *op, enum operator_refusal *refusal, char **cause)
{
	struct operator_memo	m;
	unsigned char		md[SHA256_DIGEST_LENGTH];
	int			rc = 0;

	memset(op, 0, sizeof *op);
	memset(&m, 0, sizeof m);
	if (der == NULL || len == 0)
		*refusal = OPERATOR_NO_CERT;
	else if (oc == NULL)
		*refusal = OPERATOR_NO_CA;
	else if (len > 65536 || SHA256(der, len, md) == NULL)
		*refusal = OPERATOR_BAD_CERT;
	else {
		memcpy(m.md, md, sizeof m.md);
		if (operator_memo_find(oc, md, now, &m) == 0 ||
		    (*refusal = operator_check_cert(oc, applicant_chain_pem, der, len, now,
		    &m)) == OPERATOR_OK)
			rc = operator_check_row(st, &m, op, refusal, cause);
	}
	ERR_clear_error();
	return rc;
}

void
operator_free(struct operator *op)
{
	if (op == NULL)
		return;
	store_operator_free(&op->row);
	memset(op, 0, sizeof *op);
}

/*
 * ca — the issuing CA's life (load, free, chain) and issuance: the applicant's CSR and
 * subject are checked first, outside the lock; the certificate is then assembled from the
 * profile (ca-profile.c) and signed under the CA's lock.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/privfile.h"
#include "p11/p11.h"
#include "ncaenrolld/ca-int.h"

#define CA_CHAIN_MAX	(1024 * 1024)
#define CA_DAYS_MAX	(20 * 366)

/* NCA's validity in calendar years from issue (nca-facts.md §2): a folder 1, a token 3. */
static const int ca_years[] = {
	[CA_STORAGE_FILE] = 1,
	[CA_STORAGE_TOKEN] = 3,
};
_Static_assert(sizeof ca_years / sizeof ca_years[0] == CA_STORAGE__MAX,
    "a validity per storage");

static const struct {
	size_t		 off;
	const char	*label;
} ca_urls[] = {
	[CA_URL_CRL] = { offsetof(struct ca_config, crl_url), N_("CRL distribution point") },
	[CA_URL_DELTA_CRL] = { offsetof(struct ca_config, delta_crl_url),
	    N_("Freshest (delta) CRL") },
	[CA_URL_OCSP] = { offsetof(struct ca_config, ocsp_url), N_("OCSP responder") },
	[CA_URL_CA_ISSUERS] = { offsetof(struct ca_config, ca_issuers_url),
	    N_("CA issuers") },
	[CA_URL_CPS] = { offsetof(struct ca_config, cps_url), N_("CPS") },
};
_Static_assert(sizeof ca_urls / sizeof ca_urls[0] == CA_URL__MAX, "a row per URL");

/* A URL goes into an IA5String: printable ASCII, no spaces, and a scheme. */
static int
ca_url_ok(const char *u)
{
	const char	*s;

	if (u == NULL || strstr(u, "://") == NULL)
		return 0;
	for (s = u; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	}
	return 1;
}

static int
ca_load_urls(struct ca *ca, const struct ca_config *cfg, char **cause)
{
	const char	*u;
	size_t		 i;

	for (i = 0; i < CA_URL__MAX; i++) {
		memcpy(&u, (const char *)cfg + ca_urls[i].off, sizeof u);
		if (!ca_url_ok(u)) {
			cause_set(cause, _("The %s URL is missing or not a plain ASCII URL: "
			    "\"%s\""), _(ca_urls[i].label), u != NULL ? u : "");
			return -1;
		}
		if ((ca->url[i] = strdup(u)) == NULL) {
			cause_set(cause, "%s", _("Out of memory"));
			return -1;
		}
	}
	return 0;
}

/* 0 or less: calendar years as NCA issues (ca_years), not a number of days. */
static int
ca_load_days(struct ca *ca, const struct ca_config *cfg, char **cause)
{
	ca->days[CA_STORAGE_FILE] = cfg->file_days > 0 ? cfg->file_days : 0;
	ca->days[CA_STORAGE_TOKEN] = cfg->token_days > 0 ? cfg->token_days : 0;
	if (ca->days[CA_STORAGE_FILE] > CA_DAYS_MAX ||
	    ca->days[CA_STORAGE_TOKEN] > CA_DAYS_MAX) {
		cause_set(cause, _("A validity of more than %d days is not accepted"),
		    CA_DAYS_MAX);
		return -1;
	}
	return 0;
}

static X509 *
ca_read_cert(const char *path, char **cause)
{
	BIO	*b;
	X509	*x = NULL;

	if ((b = BIO_new_file(path, "r")) == NULL ||
	    (x = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL)) == NULL)
		cause_set(cause, _("Cannot read a PEM certificate from %s"), path);
	ERR_clear_error();
	BIO_free(b);
	return x;
}

static EVP_PKEY *
ca_read_key(const char *path, char **cause)
{
	BIO		*b;
	EVP_PKEY	*k = NULL;

	if (privfile_check(-1, path, 0, cause) == -1)
		return NULL;
	if ((b = BIO_new_file(path, "r")) == NULL ||
	    (k = PEM_read_bio_PrivateKey(b, NULL, ca_x509_no_password, NULL)) == NULL)
		cause_set(cause, _("Cannot read an unencrypted PEM private key from %s"),
		    path);
	ERR_clear_error();
	BIO_free(b);
	return k;
}

/*
 * The chain as served: text that must start with the issuing CA's certificate; *root gets
 * its last certificate.
 */
static char *
ca_read_chain(const char *path, X509 *cert, X509 **root, char **cause)
{
	BIO	*b = NULL, *m = NULL;
	X509	*first = NULL, *next;
	char	 buf[4096], *s = NULL;
	int	 n;

	if ((b = BIO_new_file(path, "r")) == NULL || (m = BIO_new(BIO_s_mem())) == NULL) {
		cause_set(cause, _("Cannot read the chain %s"), path);
		goto out;
	}
	while ((n = BIO_read(b, buf, sizeof buf)) > 0) {
		if (BIO_write(m, buf, n) != n || BIO_pending(m) > CA_CHAIN_MAX) {
			cause_set(cause, _("The chain %s is too large"), path);
			goto out;
		}
	}
	if ((s = ca_x509_bio_string(m, cause)) == NULL)
		goto out;
	BIO_free(b);
	if ((b = BIO_new_mem_buf(s, -1)) == NULL ||
	    (first = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL)) == NULL ||
	    X509_cmp(first, cert) != 0) {
		cause_set(cause, _("The chain %s does not start with the CA certificate"), path);
		free(s);
		s = NULL;
		goto out;
	}
	*root = first;
	first = NULL;
	while ((next = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL)) != NULL) {
		X509_free(*root);
		*root = next;
	}
out:
	ERR_clear_error();
	X509_free(first);
	BIO_free(m);
	BIO_free(b);
	return s;
}

static int
ca_load_files(struct ca *ca, const struct ca_config *cfg, char **cause)
{
	if (cfg->cert_file == NULL || cfg->key_file == NULL || cfg->chain_file == NULL) {
		cause_set(cause, "%s", _("The CA certificate, key and chain files must all "
		    "be configured"));
		return -1;
	}
	if ((ca->cert = ca_read_cert(cfg->cert_file, cause)) == NULL)
		return -1;
	/* Before the key: a token is logged in to only for a certificate that can serve. */
	if (X509_check_ca(ca->cert) < 1 ||
	    (X509_get_key_usage(ca->cert) & KU_KEY_CERT_SIGN) == 0) {
		cause_set(cause, _("The certificate %s is not a CA that may sign certificates"),
		    cfg->cert_file);
		return -1;
	}
	if (p11_uri_is(cfg->key_file)) {
		/* ca_token_load compares the keys itself, in the token's words. */
		if ((ca->key = ca_token_load(cfg, ca->cert, &ca->token, cause)) == NULL)
			return -1;
	} else if ((ca->key = ca_read_key(cfg->key_file, cause)) == NULL)
		return -1;
	else if (X509_check_private_key(ca->cert, ca->key) != 1) {
		ERR_clear_error();
		cause_set(cause, _("The key %s does not belong to the certificate %s"),
		    cfg->key_file, cfg->cert_file);
		return -1;
	}
	if ((ca->chain_pem = ca_read_chain(cfg->chain_file, ca->cert, &ca->root, cause)) ==
	    NULL)
		return -1;
	ca->aki_len = sizeof ca->aki;
	return ca_x509_ski(ca->cert, ca->aki, &ca->aki_len, cause);
}

struct ca *
ca_load(const struct ca_config *cfg, char **cause)
{
	struct ca	*ca;

	if (cfg == NULL) {
		cause_set(cause, "%s", _("No CA configuration was given"));
		return NULL;
	}
	if ((ca = calloc(1, sizeof *ca)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return NULL;
	}
	if ((errno = pthread_mutex_init(&ca->lock, NULL)) != 0) {
		cause_set(cause, _("Cannot create the CA's lock: %s"), strerror(errno));
		free(ca);
		return NULL;
	}
	if (ca_load_urls(ca, cfg, cause) == -1 || ca_load_days(ca, cfg, cause) == -1 ||
	    ca_load_files(ca, cfg, cause) == -1) {
		ca_free(ca);
		return NULL;
	}
	return ca;
}

void
ca_free(struct ca *ca)
{
	size_t	i;

	if (ca == NULL)
		return;
	(void)pthread_mutex_destroy(&ca->lock);
	X509_free(ca->cert);
	X509_free(ca->root);
	EVP_PKEY_free(ca->key);
	p11_close(ca->token);	/* after the key, which holds the token too */
	free(ca->chain_pem);
	for (i = 0; i < CA_URL__MAX; i++)
		free(ca->url[i]);
	free(ca);
}

int
ca_ready(struct ca *ca, char **cause)
{
	int	rc;

	if (ca->token == NULL)
		return 0;
	if ((errno = pthread_mutex_lock(&ca->lock)) != 0) {
		cause_set(cause, _("Cannot take the CA's lock: %s"), strerror(errno));
		return -1;
	}
	rc = p11_alive(ca->token, cause);
	(void)pthread_mutex_unlock(&ca->lock);
	return rc;
}

const char *
ca_chain_pem(const struct ca *ca)
{
	return ca->chain_pem;
}

char *
ca_parent_url(const struct ca *ca, int crl)
{
	return ca_x509_uri(ca->cert, crl ? NID_crl_distribution_points : NID_info_access);
}

int
ca_cert_der(const struct ca *ca, int root, unsigned char **der, size_t *len, char **cause)
{
	unsigned char	*p;
	int		 n;

	*der = NULL;
	if ((n = i2d_X509(root ? ca->root : ca->cert, NULL)) <= 0) {
		ca_x509_openssl_cause(cause, _("Cannot encode the certificate"));
		return -1;
	}
	if ((*der = p = malloc((size_t)n)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return -1;
	}
	if (i2d_X509(root ? ca->root : ca->cert, &p) != n) {
		ca_x509_openssl_cause(cause, _("Cannot encode the certificate"));
		free(*der);
		*der = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * The same date and time `years` on, in UTC. 29 February goes to 28 February of a common
 * year: the certificate never outlives the years it was issued for (1 March would be a day
 * more), as Java's Calendar.add and .NET's AddYears do (doc/certificate-profile.md).
 */
static time_t
ca_years_after(time_t from, int years)
{
	struct tm	tm;
	int		y;

	if (gmtime_r(&from, &tm) == NULL)
		return (time_t)-1;
	tm.tm_year += years;
	y = tm.tm_year + 1900;
	if (tm.tm_mon == 1 && tm.tm_mday == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		tm.tm_mday = 28;
	return timegm(&tm);
}

/* Issuer, serial, validity and key: the parts of the body that are not the profile. */
static int
ca_issue_frame(struct ca *ca, X509 *x, EVP_PKEY *key, enum ca_storage st, time_t now,
    unsigned char serial[CA_SERIAL_LEN], struct ca_issued *out, char **cause)
{
	out->not_before = now;
	out->not_after = ca->days[st] > 0 ? now + (time_t)ca->days[st] * 86400 :
	    ca_years_after(now, ca_years[st]);
	if (out->not_after == (time_t)-1) {
		cause_set(cause, "%s", _("Cannot assemble the certificate"));
		return -1;
	}
	if (ASN1_TIME_cmp_time_t(X509_get0_notAfter(ca->cert), out->not_after) < 0) {
		cause_set(cause, "%s", _("The certificate would outlive the issuing CA's own "
		    "certificate; the CA must be renewed first"));
		return -1;
	}
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) != 1 ||
	    X509_set_pubkey(x, key) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot assemble the certificate"));
		return -1;
	}
	if (ca_x509_set_serial(x, serial, cause) == -1 ||
	    ca_x509_set_validity(x, out->not_before, out->not_after, cause) == -1)
		return -1;
	return 0;
}

/*
 * Only signing touches the CA's key; one signature at a time. For a key on a token this
 * lock is also what keeps its one session to one thread (p11.h): the approvals' HTTP
 * threads and the jobs' CRLs meet here. A session per thread would let a token sign in
 * parallel, but each would be one more session the HSM counts and one more place a
 * pulled token must be noticed; a signature costs milliseconds (doc/performance.md).
 */
static int
ca_issue_sign(struct ca *ca, X509 *x, char **cause)
{
	int	rc;

	if ((errno = pthread_mutex_lock(&ca->lock)) != 0) {
		cause_set(cause, _("Cannot take the CA's lock: %s"), strerror(errno));
		return -1;
	}
	rc = ca_x509_sign(x, ca->key, cause);
	(void)pthread_mutex_unlock(&ca->lock);
	/*
	 * A token's signature is checked before the certificate leaves: nothing else sees what
	 * the device computed. A file key's is not checked twice: OpenSSL's RSA already checks
	 * its CRT result with the public exponent and recomputes a wrong one.
	 */
	if (rc == 0 && ca->token != NULL)
		rc = ca_x509_verify_issued(x, ca->cert, cause);
	return rc;
}

static int
ca_issue_args(struct ca *ca, enum ca_usage u, enum ca_storage st, struct ca_issued *out,
    char **cause)
{
	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (ca == NULL || out == NULL || (unsigned)u >= CA_USAGE__MAX ||
	    (unsigned)st >= CA_STORAGE__MAX) {
		cause_set(cause, "%s", _("Issuance was asked for with invalid arguments"));
		return -1;
	}
	return 0;
}

/* The certificate for key, the arguments checked (ca_issue_args, the subject). */
static int
ca_issue_pkey(struct ca *ca, enum ca_usage u, enum ca_storage st, EVP_PKEY *key,
    const struct ca_subject *subj, time_t now, struct ca_issued *out, char **cause)
{
	X509		*x;
	unsigned char	 serial[CA_SERIAL_LEN], ski[EVP_MAX_MD_SIZE];
	unsigned int	 skilen;
	int		 rc = -1;

	if ((x = X509_new()) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return -1;
	}
	if (ca_issue_frame(ca, x, key, st, now, serial, out, cause) == -1 ||
	    ca_x509_spki_digest(key, EVP_sha1(), ski, &skilen, cause) == -1 ||
	    ca_profile_subject(x, subj, cause) == -1 ||
	    ca_profile_extensions(ca, x, u, st, subj, ski, cause) == -1 ||
	    ca_issue_sign(ca, x, cause) == -1 ||
	    (out->pem = ca_x509_pem_cert(x, cause)) == NULL)
		goto out;
	(void)ca_x509_hex(serial, CA_SERIAL_LEN, 1, out->serial, sizeof out->serial);
	(void)ca_x509_hex(ski, CA_SKI_LEN, 0, out->ski, sizeof out->ski);
	rc = 0;
out:
	X509_free(x);
	return rc;
}

int
ca_issue(struct ca *ca, enum ca_usage u, enum ca_storage st, const char *csr_pem,
    const struct ca_subject *subj, time_t now, struct ca_issued *out, char **cause)
{
	EVP_PKEY	*key = NULL;
	char		 key_id[65];
	int		 rc = -1;

	if (ca_issue_args(ca, u, st, out, cause) == 0 &&
	    ca_profile_subject_check(subj, NULL, cause) == 0 &&
	    (key = ca_csr_key(csr_pem, key_id, cause)) != NULL)
		rc = ca_issue_pkey(ca, u, st, key, subj, now, out, cause);
	EVP_PKEY_free(key);
	return rc;
}

int
ca_issue_key(struct ca *ca, enum ca_usage u, enum ca_storage st, const struct ca_key *k,
    const struct ca_subject *subj, time_t now, struct ca_issued *out, char **cause)
{
	if (ca_issue_args(ca, u, st, out, cause) == -1 ||
	    ca_profile_subject_check(subj, NULL, cause) == -1)
		return -1;
	if (k == NULL || k->pkey == NULL) {
		cause_set(cause, "%s", _("Issuance was asked for with invalid arguments"));
		return -1;
	}
	return ca_issue_pkey(ca, u, st, k->pkey, subj, now, out, cause);
}

void
ca_issued_free(struct ca_issued *out)
{
	if (out == NULL)
		return;
	free(out->pem);
	out->pem = NULL;
}

/*
 * ca-demo — a private PKI for `ncaenroll --demo` and the tests: a root, the issuing CA
 * under it and the service's TLS certificate, also under the root. Each tier is a row of
 * ca_demo_tiers; on a restart a tier's files are kept while they still fit (key matches,
 * signed by its parent, TLS names and dates still right, the issuing CA's URLs still the
 * ones asked for) and remade otherwise, which also remakes everything a remade parent
 * signed. A certificate is remade around the key it already has whenever that key is
 * still there and matches: so a demo restarted on another port re-certifies its issuing
 * CA with the new URLs, and the certificates it issued before still chain to it (same
 * name, same key, same SKI). The root also signs its own CRL, root.crl (DER).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "ncaenrolld/ca-int.h"
#include "ncaenrolld/ca-keygen.h"

#define CA_DEMO_HOST_MAX	253
#define CA_DEMO_TLS_MARGIN	(30 * 86400)	/* remake the TLS cert this close to expiry */
#define CA_DEMO_BACKDATE	86400		/* tolerate clocks a little behind ours */
#define CA_DEMO_ROOT_CRL_DAYS	180		/* the root's CRL: an offline root's rhythm */
#define CA_DEMO_ROOT_CRL_MARGIN	(30 * 86400)	/* re-signed this close to nextUpdate */
#define CA_DEMO_CA_POLICY	"1.2.398.3.3.2"	/* NCA's CA certificates' policy (reference/) */

enum ca_demo_tier_id { CA_DEMO_ROOT, CA_DEMO_ISSUING, CA_DEMO_TLS, CA_DEMO__MAX };

struct ca_demo_pair {
	X509		*cert;
	EVP_PKEY	*key;
	int		 fresh;		/* made in this run */
};

/* What the tiers are made for: the TLS names and the URLs the issuing CA names. */
struct ca_demo_ctx {
	const char			*hosts;
	const struct ca_demo_urls	*urls;	/* NULL: none */
};

struct ca_demo_tier {
	const char		*stem;		/* <stem>.pem and <stem>.key */
	const char		*cn;		/* NULL: the first host */
	int			 bits, days;	/* bits 0: an EC key on P-256 */
	enum ca_demo_tier_id	 parent;	/* itself for the root */
	int			(*extend)(X509 *, const struct ca_demo_pair *parent,
				    const struct ca_demo_ctx *, char **);
	int			(*fits)(X509 *, const struct ca_demo_ctx *, time_t now);
};

/* --- hosts ------------------------------------------------------------------------- */

/* Calls fn for each comma-separated host, spaces trimmed; stops at the first -1. */
static int
ca_demo_each_host(const char *hosts, int (*fn)(const char *, void *), void *arg)
{
	char	*copy, *h, *last = NULL, *end;
	int	 rc = 0, n = 0;

	if (hosts == NULL || (copy = strdup(hosts)) == NULL)
		return -1;
	for (h = strtok_r(copy, ",", &last); h != NULL && rc == 0;
	    h = strtok_r(NULL, ",", &last)) {
		h += strspn(h, " \t");
		for (end = h + strlen(h); end > h && (end[-1] == ' ' || end[-1] == '\t'); )
			*--end = '\0';
		if (*h != '\0') {
			rc = fn(h, arg);
			n++;
		}
	}
	free(copy);
	return n == 0 ? -1 : rc;
}

static int
ca_demo_host_ok(const char *h, void *arg)
{
	ASN1_OCTET_STRING	*ip;

	(void)arg;
	if ((ip = a2i_IPADDRESS(h)) != NULL) {
		ASN1_OCTET_STRING_free(ip);
		return 0;
	}
	ERR_clear_error();
	return strlen(h) <= CA_DEMO_HOST_MAX && *h != '.' && *h != '-' &&
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
	    strlen(h) ? 0 : -1;
}

static int
ca_demo_host_push(const char *h, void *arg)
{
	GENERAL_NAMES		*gens = arg;
	GENERAL_NAME		*g;
	ASN1_OCTET_STRING	*v;
	int			 type = GEN_IPADD;

	if ((v = a2i_IPADDRESS(h)) == NULL) {
		ERR_clear_error();
		type = GEN_DNS;
		if ((v = ASN1_IA5STRING_new()) == NULL || ASN1_STRING_set(v, h, -1) != 1) {
			ASN1_STRING_free(v);
			return -1;
		}
	}
	if ((g = GENERAL_NAME_new()) == NULL) {
		ASN1_STRING_free(v);
		return -1;
	}
	GENERAL_NAME_set0_value(g, type, v);
	if (sk_GENERAL_NAME_push(gens, g) <= 0) {
		GENERAL_NAME_free(g);
		return -1;
	}
	return 0;
}

static int
ca_demo_host_covered(const char *h, void *arg)
{
	X509			*x = arg;
	ASN1_OCTET_STRING	*ip;
	int			 ok;

	if ((ip = a2i_IPADDRESS(h)) != NULL) {
		ASN1_OCTET_STRING_free(ip);
		ok = X509_check_ip_asc(x, h, 0) == 1;
	} else
		ok = X509_check_host(x, h, 0, 0, NULL) == 1;
	ERR_clear_error();
	return ok ? 0 : -1;
}

static int
ca_demo_first_host(const char *h, void *arg)
{
	char	*out = arg;

	(void)snprintf(out, CA_DEMO_HOST_MAX + 1, "%s", h);
	return 1;		/* stop: only the first */
}

/* --- the tiers' extensions --------------------------------------------------------- */

/* As NCA's CA certificates: basicConstraints, keyUsage, SKI, AKI. */
static int
ca_demo_extend_root(X509 *x, const struct ca_demo_pair *parent,
    const struct ca_demo_ctx *ctx, char **cause)
{
	(void)parent;
	(void)ctx;
	if (ca_x509_add_basic_constraints(x, 1, -1, cause) == -1 ||
	    ca_x509_add_key_usage(x, CA_KU_KEY_CERT_SIGN | CA_KU_CRL_SIGN, cause) == -1 ||
	    ca_x509_add_own_ski(x, cause) == -1)
		return -1;
	return 0;
}

/*
 * As NCA's issuing CAs, in their order: also the root's CRL (CRL DP), an AKI naming the
 * root by key id, name and serial, the root's certificate (AIA caIssuers) and NCA's policy
 * with the CPS.
 */
static int
ca_demo_extend_issuing(X509 *x, const struct ca_demo_pair *parent,
    const struct ca_demo_ctx *ctx, char **cause)
{
	const struct ca_demo_urls	*u = ctx->urls;

	if (ca_x509_add_basic_constraints(x, 1, 0, cause) == -1 ||
	    ca_x509_add_key_usage(x, CA_KU_KEY_CERT_SIGN | CA_KU_CRL_SIGN, cause) == -1 ||
	    (u != NULL && u->root_crl != NULL && ca_profile_add_crldp(x,
	    NID_crl_distribution_points, u->root_crl, cause) == -1) ||
	    ca_x509_add_own_ski(x, cause) == -1 ||
	    ca_x509_add_aki_full(x, parent->cert, cause) == -1 ||
	    (u != NULL && u->root_cer != NULL &&
	    ca_profile_add_aia(x, NULL, u->root_cer, cause) == -1) ||
	    (u != NULL && u->cps != NULL &&
	    ca_profile_add_policy(x, CA_DEMO_CA_POLICY, u->cps, cause) == -1))
		return -1;
	return 0;
}

/* Whether x names want (NULL: nothing) as its first CRL DP or its caIssuers (nid). */
static int
ca_demo_uri_is(X509 *x, int nid, const char *want)
{
	char	*uri = ca_x509_uri(x, nid);
	int	 same = want == NULL ? uri == NULL : uri != NULL && strcmp(uri, want) == 0;

	free(uri);
	return same;
}

static int
ca_demo_fits_issuing(X509 *x, const struct ca_demo_ctx *ctx, time_t now)
{
	const struct ca_demo_urls	*u = ctx->urls;

	(void)now;
	if (u == NULL)
		return 1;	/* nothing asked for: what it names stays */
	return ca_demo_uri_is(x, NID_crl_distribution_points, u->root_crl) &&
	    ca_demo_uri_is(x, NID_info_access, u->root_cer);
}

static int
ca_demo_extend_tls(X509 *x, const struct ca_demo_pair *parent,
    const struct ca_demo_ctx *ctx, char **cause)
{
	static const char *const	 eku[] = { "1.3.6.1.5.5.7.3.1" };	/* serverAuth */
	GENERAL_NAMES			*gens;
	int				 rc = -1;
	unsigned int			 ku = CA_KU_DIGITAL_SIGNATURE | CA_KU_KEY_ENCIPHERMENT;

	if ((gens = sk_GENERAL_NAME_new_null()) == NULL ||
	    ca_demo_each_host(ctx->hosts, ca_demo_host_push, gens) == -1) {
		cause_set(cause, "%s", _("Cannot list the TLS certificate's host names"));
		goto out;
	}
	/* keyEncipherment is RSA key transport: an EC key (the demo's own) only signs. */
	if (EVP_PKEY_get_base_id(X509_get0_pubkey(x)) != EVP_PKEY_RSA)
		ku = CA_KU_DIGITAL_SIGNATURE;
	if (ca_x509_add_basic_constraints(x, 0, -1, cause) == -1 ||
	    ca_x509_add_key_usage(x, ku, cause) == -1 ||
	    ca_x509_add_eku(x, eku, 1, cause) == -1)
		goto out;
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_APPEND) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot add a certificate extension"));
		goto out;
	}
	if (ca_x509_add_own_ski(x, cause) == -1 ||
	    ca_x509_add_aki_of(x, parent->cert, cause) == -1)
		goto out;
	rc = 0;
out:
	GENERAL_NAMES_free(gens);
	return rc;
}

static int
ca_demo_fits_tls(X509 *x, const struct ca_demo_ctx *ctx, time_t now)
{
	time_t	soon = now + CA_DEMO_TLS_MARGIN;

	if (X509_cmp_time(X509_get0_notAfter(x), &soon) <= 0)
		return 0;
	return ca_demo_each_host(ctx->hosts, ca_demo_host_covered, x) == 0;
}

static const struct ca_demo_tier ca_demo_tiers[] = {
	[CA_DEMO_ROOT] = { "root", "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO", 3072, 20 * 365,
	    CA_DEMO_ROOT, ca_demo_extend_root, NULL },
	[CA_DEMO_ISSUING] = { "ca", "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO", 3072, 10 * 365,
	    CA_DEMO_ROOT, ca_demo_extend_issuing, ca_demo_fits_issuing },
	/*
	 * The TLS key is no part of NCA's certificate profile: P-256 takes a millisecond
	 * where RSA-2048 takes a tenth of a second or more of a demo's first start.
	 */
	[CA_DEMO_TLS] = { "tls", NULL, 0, 397, CA_DEMO_ROOT, ca_demo_extend_tls,
	    ca_demo_fits_tls },
};
_Static_assert(sizeof ca_demo_tiers / sizeof ca_demo_tiers[0] == CA_DEMO__MAX,
    "a row per tier");

/* --- files ------------------------------------------------------------------------- */

static char *
ca_demo_path(const char *dir, const char *stem, const char *ext, char **cause)
{
	char	*p;

	if (asprintf(&p, "%s/%s%s", dir, stem, ext) == -1) {
		cause_set(cause, "%s", _("Out of memory"));
		return NULL;
	}
	return p;
}

static int
ca_demo_write_text(const char *path, const char *pem, char **cause)
{
	return atomicfile_write(path, pem, strlen(pem), 0644, cause);
}

static int
ca_demo_write_cert(const char *path, X509 *x, char **cause)
{
	char	*pem;
	int	 rc;

	if ((pem = ca_x509_pem_cert(x, cause)) == NULL)
		return -1;
	rc = ca_demo_write_text(path, pem, cause);
	free(pem);
	return rc;
}

/* --- one tier ---------------------------------------------------------------------- */

static void
ca_demo_pair_clear(struct ca_demo_pair *p)
{
	X509_free(p->cert);
	EVP_PKEY_free(p->key);
	p->cert = NULL;
	p->key = NULL;
}

/*
 * 1 when the files on disk can stay; anything unreadable or stale means remake (demo).
 * On 0, p->key is still set when the key file matched its certificate: it is kept.
 */
static int
ca_demo_reuse(const char *crt, const char *key, const struct ca_demo_tier *t,
    const struct ca_demo_pair *parent, const struct ca_demo_ctx *ctx, time_t now,
    struct ca_demo_pair *p)
{
	int	 keep_key;

	BIO		*b;
	EVP_PKEY	*signer;
	int		 ok;

	if ((b = BIO_new_file(crt, "r")) != NULL)
		p->cert = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	if ((b = BIO_new_file(key, "r")) != NULL)
		p->key = PEM_read_bio_PrivateKey(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	ok = keep_key = p->cert != NULL && p->key != NULL &&
	    X509_check_private_key(p->cert, p->key) == 1;
	signer = parent != NULL ? parent->key : p->key;
	ok = ok && X509_verify(p->cert, signer) == 1 &&
	    X509_check_issued(parent != NULL ? parent->cert : p->cert, p->cert) ==
	    X509_V_OK && (t->fits == NULL || t->fits(p->cert, ctx, now));
	ERR_clear_error();
	if (!ok) {
		X509_free(p->cert);
		p->cert = NULL;
		if (!keep_key) {
			EVP_PKEY_free(p->key);
			p->key = NULL;
		}
	}
	return ok;
}

static X509 *
ca_demo_make(const struct ca_demo_tier *t, EVP_PKEY *key, const struct ca_demo_pair *parent,
    const struct ca_demo_ctx *ctx, time_t now, char **cause)
{
	X509		*x;
	unsigned char	 serial[CA_SERIAL_LEN];
	char		 cn[CA_DEMO_HOST_MAX + 1];
	X509_NAME	*name;

	if (t->cn != NULL)
		(void)snprintf(cn, sizeof cn, "%s", t->cn);
	else
		(void)ca_demo_each_host(ctx->hosts, ca_demo_first_host, cn);
	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_pubkey(x, key) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot assemble the certificate"));
		goto fail;
	}
	name = X509_get_subject_name(x);
	if (ca_x509_name_add(name, NID_commonName, V_ASN1_UTF8STRING, cn, cause) == -1 ||
	    ca_x509_name_add(name, NID_countryName, V_ASN1_PRINTABLESTRING, "KZ",
	    cause) == -1 ||
	    X509_set_issuer_name(x, parent != NULL ? X509_get_subject_name(parent->cert) :
	    name) != 1 ||
	    ca_x509_set_serial(x, serial, cause) == -1 ||
	    ca_x509_set_validity(x, now - CA_DEMO_BACKDATE, now + (time_t)t->days * 86400,
	    cause) == -1 ||
	    t->extend(x, parent, ctx, cause) == -1 ||
	    ca_x509_sign(x, parent != NULL ? parent->key : key, cause) == -1)
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

static int
ca_demo_tier(const char *dir, enum ca_demo_tier_id id, struct ca_demo_pair *pairs,
    const struct ca_demo_ctx *ctx, time_t now, char **cause)
{
	const struct ca_demo_tier	*t = &ca_demo_tiers[id];
	struct ca_demo_pair		*p = &pairs[id];
	const struct ca_demo_pair	*parent = t->parent != id ? &pairs[t->parent] : NULL;
	char				*crt = NULL, *key = NULL;
	int				 rc = -1;

	if ((crt = ca_demo_path(dir, t->stem, ".pem", cause)) == NULL ||
	    (key = ca_demo_path(dir, t->stem, ".key", cause)) == NULL)
		goto out;
	if (ca_demo_reuse(crt, key, t, parent, ctx, now, p)) {
		rc = 0;
		goto out;
	}
	p->fresh = 1;
	if (p->key == NULL && (p->key = t->bits > 0 ? ca_keygen_rsa(t->bits) :
	    EVP_EC_gen("P-256")) == NULL) {
		ca_x509_openssl_cause(cause, t->bits > 0 ? _("Cannot generate an RSA key") :
		    _("Cannot generate an EC key"));
		goto out;
	}
	/* The key first: a crash before the certificate only makes the next run remake. */
	if ((p->cert = ca_demo_make(t, p->key, parent, ctx, now, cause)) == NULL ||
	    ca_x509_write_key(key, p->key, cause) == -1 ||
	    ca_demo_write_cert(crt, p->cert, cause) == -1)
		goto out;
	rc = 0;
out:
	free(key);
	free(crt);
	return rc;
}

/* The chain the service serves: issuing CA, then root. */
static int
ca_demo_chain(const char *dir, const struct ca_demo_pair *pairs, char **cause)
{
	char	*path = NULL, *a = NULL, *b = NULL, *both = NULL;
	int	 rc = -1;

	if ((path = ca_demo_path(dir, "ca-chain", ".pem", cause)) == NULL)
		goto out;
	if (!pairs[CA_DEMO_ROOT].fresh && !pairs[CA_DEMO_ISSUING].fresh &&
	    access(path, R_OK) == 0) {
		rc = 0;
		goto out;
	}
	if ((a = ca_x509_pem_cert(pairs[CA_DEMO_ISSUING].cert, cause)) == NULL ||
	    (b = ca_x509_pem_cert(pairs[CA_DEMO_ROOT].cert, cause)) == NULL)
		goto out;
	if (asprintf(&both, "%s%s", a, b) == -1) {
		both = NULL;
		cause_set(cause, "%s", _("Out of memory"));
		goto out;
	}
	rc = ca_demo_write_text(path, both, cause);
out:
	free(both);
	free(b);
	free(a);
	free(path);
	return rc;
}

/* --- the root's CRL ------------------------------------------------------------------ */

/* The CRL in path when the root signed it: its number, and 1 while it is not due. */
static int
ca_demo_root_crl_read(const char *path, const struct ca_demo_pair *root, time_t now,
    long long *number)
{
	BIO		*b;
	X509_CRL	*crl = NULL;
	ASN1_INTEGER	*num = NULL;
	int64_t		 v = 0;
	time_t		 soon = now + CA_DEMO_ROOT_CRL_MARGIN;
	int		 ok;

	*number = 0;
	if ((b = BIO_new_file(path, "rb")) != NULL)
		crl = d2i_X509_CRL_bio(b, NULL);
	BIO_free(b);
	ok = crl != NULL && X509_CRL_verify(crl, root->key) == 1 &&
	    X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(root->cert)) == 0;
	if (ok && (num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL)) != NULL &&
	    ASN1_INTEGER_get_int64(&v, num) == 1 && v > 0)
		*number = (long long)v;
	ok = ok && X509_CRL_get0_nextUpdate(crl) != NULL &&
	    X509_cmp_time(X509_CRL_get0_nextUpdate(crl), &soon) > 0;
	ASN1_INTEGER_free(num);
	X509_CRL_free(crl);
	ERR_clear_error();
	return ok;
}

/* root.crl: nothing revoked, re-signed with the next number when due or unreadable. */
static int
ca_demo_root_crl_at(const char *dir, const struct ca_demo_pair *root, time_t now,
    char **cause)
{
	struct ca_crl_signer	 s = { root->cert, root->key, NULL, NULL };
	struct ca_crl_spec	 spec;
	unsigned char		*der = NULL;
	size_t			 len = 0;
	char			*path;
	long long		 number;
	int			 rc = -1;

	if ((path = ca_demo_path(dir, "root", ".crl", cause)) == NULL)
		return -1;
	if (ca_demo_root_crl_read(path, root, now, &number)) {
		free(path);
		return 0;
	}
	spec.number = number + 1;
	spec.base = 0;
	spec.this_update = now;
	spec.next_update = now + (time_t)CA_DEMO_ROOT_CRL_DAYS * 86400;
	if (ca_crl_make(&s, NULL, 0, &spec, &der, &len, cause) == 0)
		rc = atomicfile_write(path, der, len, 0644, cause);
	free(der);
	free(path);
	return rc;
}

int
ca_demo_root_crl(const char *dir, time_t now, char **cause)
{
	struct ca_demo_pair	 root = { NULL, NULL, 0 };
	char			*crt = NULL, *key = NULL;
	BIO			*b;
	int			 rc = -1;

	if ((crt = ca_demo_path(dir, "root", ".pem", cause)) == NULL ||
	    (key = ca_demo_path(dir, "root", ".key", cause)) == NULL)
		goto out;
	if ((b = BIO_new_file(crt, "r")) != NULL)
		root.cert = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	if ((b = BIO_new_file(key, "r")) != NULL)
		root.key = PEM_read_bio_PrivateKey(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (root.cert == NULL || root.key == NULL) {
		cause_set(cause, _("Cannot read the demo root's certificate and key in %s"),
		    dir);
		goto out;
	}
	rc = ca_demo_root_crl_at(dir, &root, now, cause);
out:
	ca_demo_pair_clear(&root);
	free(key);
	free(crt);
	return rc;
}

int
ca_demo_create(const char *dir, const char *hosts, const struct ca_demo_urls *urls,
    char **cause)
{
	struct ca_demo_pair	pairs[CA_DEMO__MAX];
	struct ca_demo_ctx	ctx = { hosts, urls };
	time_t			now = time(NULL);
	int			i, rc = -1;

	memset(pairs, 0, sizeof pairs);
	if (dir == NULL || now == (time_t)-1) {
		cause_set(cause, "%s", _("No folder for the demo PKI, or no clock"));
		return -1;
	}
	if (ca_demo_each_host(hosts, ca_demo_host_ok, NULL) == -1) {
		cause_set(cause, _("The TLS host list is empty or holds something that is "
		    "neither a host name nor an IP address: \"%s\""), hosts != NULL ? hosts :
		    "");
		return -1;
	}
	for (i = 0; i < CA_DEMO__MAX; i++) {
		if (ca_demo_tier(dir, (enum ca_demo_tier_id)i, pairs, &ctx, now, cause) == -1)
			goto out;
	}
	if (ca_demo_chain(dir, pairs, cause) == -1 ||
	    ca_demo_root_crl_at(dir, &pairs[CA_DEMO_ROOT], now, cause) == -1)
		goto out;
	rc = 0;
out:
	for (i = 0; i < CA_DEMO__MAX; i++)
		ca_demo_pair_clear(&pairs[i]);
	return rc;
}

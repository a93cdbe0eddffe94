/*
 * ca-int — what the ca-*.c files share and nobody else sees: the struct behind `struct ca`,
 * the extension builders every certificate uses (ca-x509.c), the applicant profile
 * (ca-profile.c) and CSR parsing (ca-csr.c). Same conventions as ca.h: 0 or -1 (NULL) with
 * a translated cause; OpenSSL objects returned are owned by the caller.
 */
#ifndef NCA_CA_INT_H
#define NCA_CA_INT_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <openssl/x509.h>

#include "ncaenrolld/ca.h"

#define CA_SERIAL_LEN	20	/* bytes, as NCA's */
#define CA_SKI_LEN	20	/* SHA-1 */

/* The configured URLs, indexed so that the profile can name them in a table. */
enum ca_url { CA_URL_CRL, CA_URL_DELTA_CRL, CA_URL_OCSP, CA_URL_CA_ISSUERS, CA_URL_CPS,
    CA_URL__MAX };

struct p11;

struct ca {
	pthread_mutex_t	 lock;		/* held while the CA key signs, or its token is
					   asked anything */
	X509		*cert;		/* issuing CA */
	EVP_PKEY	*key;
	struct p11	*token;		/* the key's token (ca-token.c); NULL: a file */
	char		*chain_pem;
	X509		*root;		/* the chain's last certificate (may be cert) */
	unsigned char	 aki[64];	/* its subjectKeyIdentifier: every AKI */
	size_t		 aki_len;
	char		*url[CA_URL__MAX];
	int		 days[CA_STORAGE__MAX];
};

/* ca-x509.c: building blocks. */
void		 ca_x509_openssl_cause(char **cause, const char *what);
int		 ca_x509_no_password(char *, int, int, void *);	/* pem_password_cb */
int		 ca_x509_hex(const unsigned char *, size_t, int upper, char *out,
		     size_t outlen);
int		 ca_x509_spki_digest(EVP_PKEY *, const EVP_MD *, unsigned char *md,
		     unsigned int *len, char **cause);
int		 ca_x509_set_serial(X509 *, unsigned char serial[CA_SERIAL_LEN],
		     char **cause);
int		 ca_x509_set_validity(X509 *, time_t from, time_t to, char **cause);
int		 ca_x509_add_key_usage(X509 *, unsigned int bits, char **cause);
int		 ca_x509_add_eku(X509 *, const char *const *oids, size_t n, char **cause);
int		 ca_x509_add_basic_constraints(X509 *, int is_ca, long pathlen,
		     char **cause);
int		 ca_x509_add_ski(X509 *, const unsigned char ski[CA_SKI_LEN], char **cause);
int		 ca_x509_add_aki(X509 *, const unsigned char *keyid, size_t len,
		     char **cause);
AUTHORITY_KEYID	*ca_x509_aki_new(const unsigned char *keyid, size_t len,
		     char **cause);
int		 ca_x509_name_add(X509_NAME *, int nid, int type, const char *value,
		     char **cause);
int		 ca_x509_sign(X509 *, EVP_PKEY *, char **cause);
/* cause = "WHAT: why" after key refused to sign (a token's own words for a token's key). */
void		 ca_x509_sign_cause(EVP_PKEY *key, char **cause, const char *what);
/*
 * ca_x509_sign, then the signature checked with issuer's public key: a token that failed
 * half-way, or a key that is not the certificate's, never gives out a certificate that
 * does not verify. The caller holds the CA's lock.
 */
int		 ca_x509_sign_checked(X509 *, EVP_PKEY *, X509 *issuer, char **cause);
/* x's signature checked with issuer's key: 0, or -1 (nothing may be issued). */
int		 ca_x509_verify_issued(X509 *, X509 *issuer, char **cause);
char		*ca_x509_pem_cert(X509 *, char **cause);
/* The certificate's SKI extension, else SHA-1 of its SPKI; *len: room in, bytes out. */
int		 ca_x509_ski(X509 *, unsigned char *ski, size_t *len, char **cause);
/* PEM text of a memory BIO as a malloc'd C string. */
char		*ca_x509_bio_string(BIO *, char **cause);
/*
 * The URI of x's first CRL distribution point (nid NID_crl_distribution_points) or of its
 * caIssuers access description (NID_info_access), malloc'd; NULL when it names none (or
 * no memory: a caller that must tell the two apart has nothing more to ask).
 */
char		*ca_x509_uri(X509 *x, int nid);
/* SKI from x's own key; AKI naming issuer's SKI (the demo CAs' and operators'). */
int		 ca_x509_add_own_ski(X509 *, char **cause);
int		 ca_x509_add_aki_of(X509 *, X509 *issuer, char **cause);
/* The AKI of a CA certificate as NCA writes it: the issuer's key id, name and serial. */
int		 ca_x509_add_aki_full(X509 *, X509 *issuer, char **cause);
/* A private key as unencrypted PEM in path, written atomically, mode 0600 (the demo CAs). */
int		 ca_x509_write_key(const char *path, EVP_PKEY *, char **cause);

/* Key usage bits, in the bit order of RFC 5280 (digitalSignature = bit 0). */
#define CA_KU_DIGITAL_SIGNATURE	(1u << 0)
#define CA_KU_NON_REPUDIATION	(1u << 1)
#define CA_KU_KEY_ENCIPHERMENT	(1u << 2)
#define CA_KU_KEY_AGREEMENT	(1u << 4)
#define CA_KU_KEY_CERT_SIGN	(1u << 5)
#define CA_KU_CRL_SIGN		(1u << 6)

/* ca-csr.c: a CSR that passed every check of ca_csr_check, and its public key. */
EVP_PKEY	*ca_csr_key(const char *csr_pem, char key_id[65], char **cause);
/* What ca_csr_stored_key hands out (ca.h): a CSR's public key, owned. */
struct ca_key {
	EVP_PKEY	*pkey;
};

/*
 * ca-token.c: the issuing CA's key on a PKCS#11 token, named by cfg->key_file (a URI):
 * the PIN read from cfg->key_pin_file and used for one login, the key found, compared
 * with cert's public key and made to sign once. *token gets the open token (p11_close).
 */
EVP_PKEY	*ca_token_load(const struct ca_config *, X509 *cert, struct p11 **token,
		     char **cause);

/* ca-idna.c: the address with its domain as A-labels, malloc'd; ASCII addresses unchanged. */
char		*ca_idna_email(const char *addr, char **cause);

/* ca-crl.c: who signs a CRL (the issuing CA, or the demo's root) and how. */
struct ca_crl_signer {
	X509		*cert;
	EVP_PKEY	*key;
	pthread_mutex_t	*lock;		/* held while signing, or NULL */
	const char	*freshest_url;	/* a full CRL's Freshest CRL, or NULL */
};
int		 ca_crl_make(const struct ca_crl_signer *, const struct ca_revoked *,
		     size_t n, const struct ca_crl_spec *, unsigned char **der, size_t *len,
		     char **cause);

/* ca-profile.c: the applicant's subject and extensions; both need a checked subject
 * (ca_profile_subject_check of ca.h). */
int		 ca_profile_subject(X509 *, const struct ca_subject *, char **cause);
int		 ca_profile_extensions(const struct ca *, X509 *, enum ca_usage,
		     enum ca_storage, const struct ca_subject *,
		     const unsigned char ski[CA_SKI_LEN], char **cause);
/* One distribution point with one URI (CRL DP, Freshest CRL); NULL: no memory. */
CRL_DIST_POINTS	*ca_profile_crldp(const char *url);
int		 ca_profile_add_crldp(X509 *, int nid, const char *url, char **cause);
int		 ca_profile_add_policy(X509 *, const char *policy, const char *cps,
		     char **cause);
/* AIA: OCSP (NULL: none), then caIssuers. */
int		 ca_profile_add_aia(X509 *, const char *ocsp, const char *issuers,
		     char **cause);

#endif

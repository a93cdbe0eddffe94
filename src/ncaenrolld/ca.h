/*
 * ca — ncaenrolld's certification authority (OpenSSL 3): a root and an issuing CA, RSA and
 * SHA-256, created for the demo or loaded from files; it checks applicants' CSRs and issues
 * the two certificates of an application (AUTH, SIGN) in the NCA RK "Treasury-Client"
 * profile of nca-facts.md §2, and the CRL. Strings in and out are UTF-8; PEM text out is
 * malloc'd and freed by the caller. Functions return 0 or -1 (NULL) with a cause.
 * Thread-safe after ca_load(): issuing takes an internal lock.
 */
#ifndef NCA_CA_H
#define NCA_CA_H

#include <stddef.h>
#include <time.h>

struct ca;

/* Where the CA's files are and what its certificates point at. */
struct ca_config {
	const char	*cert_file;	/* issuing CA certificate (PEM) */
	const char	*key_file;	/* its private key (PEM, 0600) */
	const char	*chain_file;	/* issuing CA + root, PEM, served as the chain */
	const char	*crl_url;	/* CRL distribution point */
	const char	*delta_crl_url;	/* Freshest CRL */
	const char	*ocsp_url;	/* AIA OCSP */
	const char	*ca_issuers_url;/* AIA caIssuers */
	const char	*cps_url;	/* certificatePolicies CPS qualifier */
	int		 file_days;	/* validity in days for keys in a folder; 0: 1 year */
	int		 token_days;	/* ... on a token; 0: 3 calendar years */
};

/*
 * Creates a demo PKI in dir (which must exist): root.pem/root.key, ca.pem/ca.key (the
 * issuing CA), ca-chain.pem (issuing + root), and a TLS server certificate for the
 * service, tls.pem/tls.key, issued by the root for `hosts` (comma-separated DNS names and
 * IP addresses, e.g. "localhost,127.0.0.1,::1"). Keys are written 0600, atomically.
 * A restart keeps a tier's files while they still fit (key matches, signed by its parent);
 * the TLS certificate is also remade when `hosts` names one it lacks or it expires within
 * 30 days. RSA 3072 for both CAs, 2048 for TLS.
 * Names: root "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO", issuing "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ
 * ОРТАЛЫҚ (RSA) DEMO", both C=KZ, so they can never pass for production.
 * Existing files are kept (a restart reuses the same demo CA).
 */
int		 ca_demo_create(const char *dir, const char *hosts, char **cause);

/*
 * Every URL is required (printable ASCII with a scheme); days of 0 or less mean NCA's
 * calendar years from issue (1 in a folder, 3 on a token; 29 February + 1 year is
 * 28 February). The key must be unencrypted PEM and match cert_file, which must be a CA
 * allowed to sign certificates; chain_file must start with cert_file.
 */
struct ca	*ca_load(const struct ca_config *, char **cause);
void		 ca_free(struct ca *);

/* The chain (issuing CA first, then root) as PEM; owned by the ca, valid until ca_free. */
const char	*ca_chain_pem(const struct ca *);

enum ca_usage { CA_AUTH, CA_SIGN, CA_USAGE__MAX };
enum ca_storage { CA_STORAGE_FILE, CA_STORAGE_TOKEN, CA_STORAGE__MAX };

/*
 * Checks an applicant's CSR: PEM PKCS#10, its self-signature verifies, RSA of at least 2048
 * bits. On success key_id gets the lower-case hex SHA-256 of the public key's DER
 * SubjectPublicKeyInfo (the service uses it to refuse a key seen before).
 */
int		 ca_csr_check(const char *csr_pem, char key_id[65], char **cause);

/* What goes into the subject, from the registries and the form; NULL email = none. */
struct ca_subject {
	const char	*role_dc;	/* "ROLE02" */
	const char	*surname;	/* upper case, as in the registry */
	const char	*given_name;
	const char	*patronymic;	/* may be "" (then no GN attribute) */
	const char	*iin;		/* 12 digits; becomes serialNumber=IIN<digits> */
	const char	*bin;		/* 12 digits; becomes OU=BIN<digits> */
	const char	*organization;	/* O= */
	const char	*gu_code;	/* becomes businessCategory=KS<code> */
	const char	*email;		/* subjectAltName rfc822Name, or NULL (or "");
					   an internationalised domain goes in as A-labels */
};

/*
 * Everything ca_issue checks of a subject before it builds the certificate, so a caller
 * can refuse an application the CA would refuse later: 0, or -1 with the cause and
 * *member (may be NULL) naming the struct ca_subject member at fault ("organization").
 */
int		 ca_profile_subject_check(const struct ca_subject *, const char **member,
		     char **cause);

struct ca_issued {
	char	*pem;
	char	 serial[41];	/* 20 random bytes, upper-case hex, top bit clear */
	char	 ski[41];	/* lower-case hex SHA-1 of the DER SubjectPublicKeyInfo */
	time_t	 not_before, not_after;
};

/*
 * Issues one certificate for the CSR's key (the CSR's own subject is ignored: the subject
 * is built from `subj`). now is the notBefore (injectable for tests).
 */
int		 ca_issue(struct ca *, enum ca_usage, enum ca_storage, const char *csr_pem,
		     const struct ca_subject *subj, time_t now, struct ca_issued *out,
		     char **cause);
void		 ca_issued_free(struct ca_issued *);

struct ca_revoked {
	const char	*serial;	/* upper-case hex */
	time_t		 when;
};

/*
 * A CRL signed by the issuing CA, valid from now for next_update_days; DER, malloc'd.
 * Its CRL number is `now` (the CA keeps no counter); serials are hex, up to 40 digits.
 */
int		 ca_crl(struct ca *, const struct ca_revoked *, size_t n, time_t now,
		     int next_update_days, unsigned char **der, size_t *len, char **cause);

#endif

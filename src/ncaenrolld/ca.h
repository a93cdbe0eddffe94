/*
 * ca — ncaenrolld's certification authority (OpenSSL 3): a root and an issuing CA, RSA and
 * SHA-256, created for the demo or loaded from files; it checks applicants' CSRs and issues
 * the two certificates of an application (AUTH, SIGN) in the NCA RK "Treasury-Client"
 * profile of nca-facts.md §2, and the CRL. Strings in and out are UTF-8; PEM text out is
 * malloc'd and freed by the caller. Functions return 0 or -1 (NULL) with a cause.
 * Thread-safe after ca_load(): every signature with the CA's key takes an internal lock
 * (a token's key is one PKCS#11 session, which one thread at a time may use).
 */
#ifndef NCA_CA_H
#define NCA_CA_H

#include <stddef.h>
#include <time.h>

struct ca;

/* Where the CA's files are and what its certificates point at. */
struct ca_config {
	const char	*cert_file;	/* issuing CA certificate (PEM) */
	const char	*key_file;	/* its private key (PEM, 0600), or a PKCS#11 URI
					   (pkcs11:...) naming it on a token */
	const char	*pkcs11_module;	/* the token's module; NULL: p11_default_module */
	const char	*key_pin_file;	/* the token's user PIN (0600, ours); a URI's only */
	const char	*chain_file;	/* issuing CA + root, PEM, served as the chain */
	const char	*crl_url;	/* CRL distribution point */
	const char	*delta_crl_url;	/* Freshest CRL */
	const char	*ocsp_url;	/* AIA OCSP */
	const char	*ca_issuers_url;/* AIA caIssuers */
	const char	*cps_url;	/* certificatePolicies CPS qualifier */
	int		 file_days;	/* validity in days for keys in a folder; 0: 1 year */
	int		 token_days;	/* ... on a token; 0: 3 calendar years */
};

/* What the demo's issuing CA certificate names (NULL: leave the extension out). */
struct ca_demo_urls {
	const char	*root_crl;	/* CRL distribution point: the root's CRL */
	const char	*root_cer;	/* AIA caIssuers: the root's certificate (DER) */
	const char	*cps;		/* certificatePolicies' CPS qualifier; NULL: no policy */
};

/*
 * Creates a demo PKI in dir (which must exist): root.pem/root.key, ca.pem/ca.key (the
 * issuing CA), ca-chain.pem (issuing + root), root.crl (the root's CRL, DER, nothing
 * revoked) and a TLS server certificate for the service, tls.pem/tls.key, issued by the
 * root for `hosts` (comma-separated DNS names and IP addresses, e.g.
 * "localhost,127.0.0.1,::1"). Keys are written 0600, atomically. The issuing CA names
 * `urls`; NULL: a new one names none, one that exists keeps what it names (a command
 * that serves nothing must not change it).
 * A restart keeps a tier's files while they still fit (key matches, signed by its parent);
 * the TLS certificate is also remade when `hosts` names one it lacks or it expires within
 * 30 days, the issuing CA's when its URLs differ from `urls` -- around the same key, so
 * what it issued before still chains to it. RSA 3072 for both CAs, 2048 for TLS.
 * Names: root "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) DEMO", issuing "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ
 * ОРТАЛЫҚ (RSA) DEMO", both C=KZ, so they can never pass for production.
 */
int		 ca_demo_create(const char *dir, const char *hosts,
		     const struct ca_demo_urls *urls, char **cause);
/*
 * Re-signs dir/root.crl (next CRL number, 180 days) with dir/root.key when it is within
 * 30 days of its nextUpdate, unreadable or not the root's; else leaves it.
 */
int		 ca_demo_root_crl(const char *dir, time_t now, char **cause);

/*
 * Every URL is required (printable ASCII with a scheme); days of 0 or less mean NCA's
 * calendar years from issue (1 in a folder, 3 on a token; 29 February + 1 year is
 * 28 February). The key must be unencrypted PEM, or an RSA key on a PKCS#11 token
 * (ca-token.c: logged in once with the PIN of key_pin_file), and match cert_file, which
 * must be a CA allowed to sign certificates; chain_file must start with cert_file.
 */
struct ca	*ca_load(const struct ca_config *, char **cause);
void		 ca_free(struct ca *);
/*
 * 0 when the CA can sign: always for a key file; for a token's key, while the token
 * answers in the session it was logged in to. -1 with the cause (for /readyz).
 */
int		 ca_ready(struct ca *, char **cause);

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

/*
 * The public key of a CSR the store holds, which ca_csr_check accepted when it was
 * submitted and nothing has changed since: the key's rules (RSA, bits, exponent) applied
 * again, its self-signature not verified again (ca-csr.c says why). NULL with a cause;
 * free with ca_key_free. For approvals (issue.c); a CSR from outside goes through
 * ca_csr_check, or ca_issue.
 */
struct ca_key;
struct ca_key	*ca_csr_stored_key(const char *csr_pem, char **cause);
void		 ca_key_free(struct ca_key *);

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
/* The same for a key read with ca_csr_stored_key (the CSR checked in full before). */
int		 ca_issue_key(struct ca *, enum ca_usage, enum ca_storage,
		     const struct ca_key *, const struct ca_subject *subj, time_t now,
		     struct ca_issued *out, char **cause);
void		 ca_issued_free(struct ca_issued *);

struct ca_revoked {
	const char	*serial;	/* upper-case hex */
	time_t		 when;		/* revocationDate */
	int		 reason;	/* RFC 5280 CRLReason (revocation.h); 0: no reasonCode */
};

/* What a CRL says of itself: the caller keeps the counter (store_crl_number_next). */
struct ca_crl_spec {
	long long	 number;	/* cRLNumber, > 0 */
	long long	 base;		/* 0: a full CRL; else a delta on the full CRL of
					   this number (deltaCRLIndicator), < number */
	time_t		 this_update, next_update;
};

/*
 * A CRL signed by the issuing CA (DER, malloc'd): v2, AKI, CRL number, every entry with
 * its revocationDate and reasonCode; a full CRL also names the delta CRL URL (Freshest
 * CRL), a delta carries deltaCRLIndicator. Serials are hex, up to 40 digits.
 */
int		 ca_crl(struct ca *, const struct ca_revoked *, size_t n,
		     const struct ca_crl_spec *, unsigned char **der, size_t *len,
		     char **cause);

/*
 * The root's CRL from path (DER or PEM), checked to be signed by the chain's last
 * certificate: DER malloc'd, and its nextUpdate (0: none).
 */
int		 ca_root_crl_read(const struct ca *, const char *path, unsigned char **der,
		     size_t *len, time_t *next_update, char **cause);

/*
 * What the issuing CA's own certificate names for its issuer (the root): the URL of its CRL
 * (crl 1: the first CRL distribution point) or of its certificate (crl 0: caIssuers),
 * malloc'd; NULL when it names none.
 */
char		*ca_parent_url(const struct ca *, int crl);
/* The issuing CA's certificate and the root's (the chain's last), DER, malloc'd. */
int		 ca_cert_der(const struct ca *, int root, unsigned char **der, size_t *len,
		     char **cause);

/*
 * The delegated OCSP responder (ca-ocsp.c): dir/ocsp.pem and dir/ocsp.key (0600), issued
 * by the issuing CA (CN=OCSP RESPONDER, id-kp-OCSPSigning, id-pkix-ocsp-nocheck, RSA 2048,
 * 30 days), loaded when they still fit (its key, the CA's signature, 7 days or more left)
 * and remade otherwise. ca_responder_due: when it must be remade (7 days before its end).
 */
struct ca_responder;
struct ca_responder *ca_responder_load(struct ca *, const char *dir, time_t now,
		     char **cause);
void		 ca_responder_free(struct ca_responder *);
time_t		 ca_responder_due(const struct ca_responder *);

#define CA_OCSP_REQUEST_MAX	8192	/* bytes of a request: a few CertIDs and a nonce */

enum ca_ocsp_status { CA_OCSP_GOOD, CA_OCSP_REVOKED, CA_OCSP_UNKNOWN };

/* One CertID of a request, and the answer the caller fills in for it. */
struct ca_ocsp_single {
	char			 serial[41];	/* upper-case hex, 40 digits, as stored */
	int			 ours;		/* issuer hashes are our CA's, serial fits */
	enum ca_ocsp_status	 status;	/* UNKNOWN until the caller says */
	time_t			 revoked_at;
	int			 reason;	/* CRLReason; 0: none given */
};

/*
 * A DER OCSPRequest read (at most `max` CertIDs, out[] filled in order, *nonce set when it
 * asks for one), or NULL when it is malformed (answer ca_ocsp_refusal MALFORMED). Signed
 * requests are read like unsigned ones: the answers are public.
 */
struct ca_ocsp_req;
struct ca_ocsp_req *ca_ocsp_req_parse(const struct ca *, const unsigned char *der,
		     size_t len, struct ca_ocsp_single *out, size_t max, size_t *n,
		     int *nonce);
void		 ca_ocsp_req_free(struct ca_ocsp_req *);

/*
 * The successful basic response to q, its singles answered in order, signed by the
 * responder (sha256WithRSAEncryption, responderID by key hash, its certificate included,
 * the nonce echoed), DER malloc'd.
 */
int		 ca_ocsp_answer(const struct ca_responder *, const struct ca_ocsp_req *q,
		     const struct ca_ocsp_single *, size_t n, time_t this_update,
		     time_t next_update, unsigned char **der, size_t *len, char **cause);

enum ca_ocsp_refusal { CA_OCSP_MALFORMED, CA_OCSP_INTERNAL, CA_OCSP_TRY_LATER };
/* An unsigned OCSPResponse of that status (RFC 6960 §4.2.1), DER malloc'd: 0 or -1. */
int		 ca_ocsp_refusal(enum ca_ocsp_refusal, unsigned char **der, size_t *len);

#endif

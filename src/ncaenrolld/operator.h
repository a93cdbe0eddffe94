/*
 * operator — RA operators and their certificates. The operator CA (its own key, never the
 * applicants' CA) issues each operator a client certificate in a password-protected
 * PKCS#12; the service trusts only that CA for mutual TLS, and operator_verify() decides
 * whether a client certificate is a current operator's: chain, validity at the service's
 * clock (srv_now, so a test clock works), the operator's row in the store (revoked,
 * replaced) and the subject's name, office and role. Functions return 0 or -1 (NULL) with
 * a caller-freed cause; a refusal is a result, not an error. Thread-safe after load
 * (operator_verify's memory of accepted certificates takes a lock of its own).
 */
#ifndef NCA_OPERATOR_H
#define NCA_OPERATOR_H

#include <stddef.h>
#include <time.h>

#include "common/secret.h"
#include "ncaenrolld/store.h"

#define OPERATOR_NAME_MAX	64

enum operator_role { OPERATOR_ROLE_OPERATOR, OPERATOR_ROLE_SUPERVISOR, OPERATOR_ROLE__MAX };

const char	*operator_role_name(enum operator_role);	/* "operator", "supervisor" */
int		 operator_role_parse(const char *, enum operator_role *);
/* [a-z0-9][a-z0-9._-]*, at most OPERATOR_NAME_MAX bytes: 0, or -1 with a cause. */
int		 operator_name_check(const char *, char **cause);

struct operator_ca;

/*
 * The demo's operator CA in dir: operators-ca.pem and operators-ca.key (0600), made on the
 * first call and kept while the key still matches the certificate.
 */
int		 operator_ca_create_demo(const char *dir, char **cause);
/* key_file may be NULL: the service only verifies; "operator add" also issues. */
struct operator_ca *operator_ca_load(const char *cert_file, const char *key_file,
		     char **cause);
void		 operator_ca_free(struct operator_ca *);
/* The CA certificate as PEM (for the TLS layer's list of trusted client issuers). */
const char	*operator_ca_pem(const struct operator_ca *);

struct operator_issued {
	char		 serial[41];		/* upper-case hex */
	time_t		 not_before, not_after;
	unsigned char	*p12;			/* DER PKCS#12: AES-256, PBKDF2, SHA-256 MAC */
	size_t		 p12_len;
};

/*
 * A new RSA-2048 key and certificate for name (subject CN=name, OU=office, title=role,
 * O=ncaenroll RA, C=KZ; clientAuth), valid from now for days, in a PKCS#12 encrypted with
 * password. The CA must have been loaded with its key.
 */
int		 operator_issue(struct operator_ca *, const char *name, const char *office,
		     enum operator_role, time_t now, int days, const struct secret *password,
		     struct operator_issued *, char **cause);
void		 operator_issued_free(struct operator_issued *);

/* Why a client certificate is not an operator's; each has a stable code and a sentence. */
enum operator_refusal {
	OPERATOR_OK,
	OPERATOR_NO_CERT,		/* none presented */
	OPERATOR_BAD_CERT,		/* not a readable X.509 certificate */
	OPERATOR_APPLICANT,		/* an applicant's registration certificate */
	OPERATOR_WRONG_CA,		/* issued by another CA */
	OPERATOR_EXPIRED,
	OPERATOR_NOT_YET_VALID,
	OPERATOR_NOT_OPERATOR,		/* our CA, but no operator's name, office and role */
	OPERATOR_NOT_CLIENT,		/* our CA, but not for TLS client authentication */
	OPERATOR_UNKNOWN,		/* no such operator in the store */
	OPERATOR_REVOKED,
	OPERATOR_REPLACED,		/* an older certificate of an operator re-issued since */
	OPERATOR_NO_CA,			/* the service has no operator CA configured */
	OPERATOR_REFUSAL__MAX
};

const char	*operator_refusal_code(enum operator_refusal);	/* "ra.revoked" */
const char	*operator_refusal_text(enum operator_refusal);	/* English, for people */

/* A verified operator: the store's view (office and role as recorded there). */
struct operator {
	struct store_operator	row;
	time_t			not_after;	/* of the certificate presented */
};

/*
 * Decides about the DER client certificate (NULL/0: none). applicant_chain_pem (may be
 * NULL) lets the refusal say "an applicant's certificate" rather than "another CA".
 * 0 with *refusal = OPERATOR_OK and op filled (free with operator_free), or 0 with the
 * refusal; -1 only when the check itself failed (store, memory). A certificate accepted
 * once is remembered in the CA by its DER's SHA-256, so its chain is not verified again;
 * its validity at now and the store's row are checked on every call all the same.
 */
int		 operator_verify(struct operator_ca *, const char *applicant_chain_pem,
		     struct store *, const unsigned char *der, size_t len, time_t now,
		     struct operator *op, enum operator_refusal *refusal, char **cause);
void		 operator_free(struct operator *);

#endif

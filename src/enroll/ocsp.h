/*
 * ocsp — asking a certificate's OCSP responder (RFC 6960) where it stands: the URL its
 * Authority Information Access names (http://: OCSP answers are signed objects), a
 * request with a nonce, POSTed with libcurl, and an answer trusted only when it is
 * signed by the issuer or its delegated responder, echoes the nonce (or has none:
 * RFC 5019's pre-produced answers), names this certificate and is current. Anything
 * else is "no answer", never "good". For the applicant's list of certificates
 * (enroll-certs.c). 0, or -1 with a translated cause (the caller frees it).
 */
#ifndef NCA_OCSP_H
#define NCA_OCSP_H

#include <time.h>

#include <openssl/ocsp.h>

enum ocsp_status {
	OCSP_STATUS_GOOD,
	OCSP_STATUS_REVOKED,
	OCSP_STATUS_UNKNOWN,	/* the responder does not know this certificate */
	OCSP_STATUS__MAX
};

struct ocsp_result {
	enum ocsp_status	 status;
	int			 crl_reason;	/* revoked: its reason, or -1 if none given */
	time_t			 revoked_at;	/* revoked: when */
};

/* The first http:// OCSP URL of the certificate's AIA (malloc'd), or NULL. */
char	*ocsp_url(X509 *cert);
/*
 * A request for cert issued by issuer (SHA-1 CertID, as RFC 5019 responders expect),
 * with a nonce; *id gets a copy of its CertID for reading the answer (OCSP_CERTID_free).
 */
OCSP_REQUEST	*ocsp_request(X509 *cert, X509 *issuer, OCSP_CERTID **id, char **cause);
/*
 * The whole question, for a certificate (PEM) and its chain (PEM, the issuer among it;
 * its self-signed certificates or, without one, the chain as given are trusted to check
 * the answer). timeout in seconds. 0 and *out, or -1 with the cause when the responder
 * did not answer or its answer cannot be trusted.
 */
int	ocsp_ask(const char *cert_pem, const char *chain_pem, long timeout,
	    struct ocsp_result *out, char **cause);

#endif

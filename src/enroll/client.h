/*
 * client — the applicant's side of the wire (doc/api.md): JSON over HTTPS with libcurl,
 * trusting only the configured CA bundle. Idempotent calls are retried with backoff when
 * the network or the service fails; nothing is retried after the service has answered
 * with a refusal. Every failure becomes a sentence a person can act on (service
 * unreachable, certificate not trusted, "the service said X about field Y"), and refusals
 * keep the service's code and field so a screen can put the message at the right field.
 * Not thread-safe: one client per thread. 0/-1 (NULL) with a cause.
 */
#ifndef NCA_CLIENT_H
#define NCA_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include <openssl/types.h>

struct secret;

struct client_config {
	const char	*url;		/* https://host:port, without /api/v1 */
	const char	*ca_file;	/* PEM bundle to trust; NULL = the system's */
	long		 connect_timeout;	/* seconds (10) */
	long		 timeout;		/* seconds for a whole call (60) */
	int		 tries;			/* for idempotent calls (3) */
	const char	*lang;			/* Accept-Language: kk, ru or en */
};

enum client_failure {
	CLIENT_OK,
	CLIENT_UNREACHABLE,	/* no connection, timeout, DNS */
	CLIENT_TLS,		/* the service's certificate is not trusted */
	CLIENT_REFUSED,		/* the service answered 4xx: code/field/message are set */
	CLIENT_BROKEN,		/* 5xx, or an answer that is not what doc/api.md says */
	CLIENT_IDENTITY,	/* the service refused our client certificate in the handshake */
	CLIENT_KEY,		/* our own key, on a token, could not sign (token disconnected) */
	CLIENT_CANCELLED,	/* the caller's stop function said stop (client_set_cancel) */
	CLIENT_FAILURE__MAX
};

struct client_result {
	long			 status;	/* HTTP status, 0 if none */
	enum client_failure	 failure;
	json_t			*json;		/* a JSON answer (2xx or error body) */
	char			*body;		/* the raw answer, NUL-terminated */
	size_t			 len;
	char			*code, *field, *message;	/* on CLIENT_REFUSED */
	long			 retry_after;	/* seconds the service asked to wait, or 0 */
	int			 tls_alert;	/* the fatal TLS alert the service sent, or 0 */
	int			 tls_version;	/* TLS1_2_VERSION, TLS1_3_VERSION, or 0 */
};

struct client;

/*
 * What is wrong with a configuration, found before any network use: an address that is
 * not https:// (the settings are wrong), or a CA file that is missing, unreadable or
 * holds no certificate (a local file). A NULL url is not judged here (client_new refuses
 * it). client_new makes the same checks. client_config_code names each for scripts.
 */
enum client_config_error {
	CLIENT_CONFIG_OK,
	CLIENT_CONFIG_URL,
	CLIENT_CONFIG_CA_MISSING,
	CLIENT_CONFIG_CA_UNREADABLE,
	CLIENT_CONFIG_CA_INVALID,
	CLIENT_CONFIG__MAX
};
int		 client_config_check(const struct client_config *,
		     enum client_config_error *why, char **cause);
const char	*client_config_code(enum client_config_error);
struct client	*client_new(const struct client_config *, char **cause);
void		 client_free(struct client *);
/*
 * method "GET" or "POST"; path below the URL ("/api/v1/..."); body may be NULL.
 * Returns 0 for a 2xx answer, -1 otherwise (res->failure says why; cause is the sentence).
 * res is always filled and must be freed with client_result_free.
 */
int		 client_call(struct client *, const char *method, const char *path,
		     json_t *body, int idempotent, struct client_result *res, char **cause);
/* A GET whose answer is not JSON (the CA chain's PEM): res->body and res->len hold it. */
int		 client_get_raw(struct client *, const char *path, struct client_result *res,
		     char **cause);
void		 client_result_free(struct client_result *);
/* The service's address, as messages name it. */
const char	*client_url(const struct client *);
/*
 * While set, every call asks stop(arg) as it waits on the network (several times a
 * second, and before each retry): an answer other than 0 ends the call at once with
 * CLIENT_CANCELLED and no retry. A person can so stop a call to a service that does not
 * answer instead of waiting out the timeouts. NULL clears it.
 */
void		 client_set_cancel(struct client *, int (*stop)(void *), void *arg);

/*
 * Mutual TLS (the desk's operators, doc/api-ra.md): after client_set_identity_p12 every
 * call presents the certificate and key read from a PKCS#12 file. OpenSSL opens the file
 * here, with the password, and the key is installed into each TLS context from libcurl's
 * SSL_CTX callback: the password never reaches libcurl, is never copied and is not kept.
 * A refusal of the certificate in the handshake fails the call with CLIENT_IDENTITY and
 * res->tls_alert (e.g. 48 unknown CA, 45 expired, 44 revoked, 116 certificate required).
 */
enum client_identity_error {
	CLIENT_IDENTITY_OK,
	CLIENT_IDENTITY_FILE,		/* cannot read it, or it is not PKCS#12 */
	CLIENT_IDENTITY_PASSWORD,	/* the password does not open it */
	CLIENT_IDENTITY_CONTENT,	/* no certificate with its key inside */
	CLIENT_IDENTITY_TLS,		/* this libcurl cannot present a certificate */
};

struct client_identity {
	char	*subject;	/* RFC 2253, UTF-8: "CN=...,OU=...,O=..." */
	char	*issuer;
	char	*serial;	/* hex */
	time_t	 not_before, not_after;
};

/* info may be NULL; otherwise filled (free with client_identity_free). *why says which. */
int		 client_set_identity_p12(struct client *, const char *path,
		     const struct secret *password, struct client_identity *info,
		     enum client_identity_error *why, char **cause);
/*
 * The same with a key held elsewhere (a token's, from p11_identity_open), whose private
 * operations stay there; a reference to key and cert is taken. tls12: the key cannot make
 * the RSA-PSS signatures of TLS 1.3, so calls keep to TLS 1.2 and PKCS#1 v1.5. what names
 * the identity in messages (a PKCS#11 URI).
 */
int		 client_set_identity_key(struct client *, EVP_PKEY *key, X509 *cert,
		     int tls12, const char *what, struct client_identity *info,
		     enum client_identity_error *why, char **cause);
void		 client_identity_free(struct client_identity *);
/* One RDN's value from an RFC 2253 subject ("CN", "OU", "title"), malloc'd, or NULL. */
char		*client_identity_field(const char *subject, const char *attr);

#endif

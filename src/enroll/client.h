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
	CLIENT_FAILURE__MAX
};

struct client_result {
	long			 status;	/* HTTP status, 0 if none */
	enum client_failure	 failure;
	json_t			*json;		/* a JSON answer (2xx or error body) */
	char			*body;		/* the raw answer, NUL-terminated */
	size_t			 len;
	char			*code, *field, *message;	/* on CLIENT_REFUSED */
};

struct client;

struct client	*client_new(const struct client_config *, char **cause);
void		 client_free(struct client *);
/*
 * method "GET" or "POST"; path below the URL ("/api/v1/..."); body may be NULL.
 * Returns 0 for a 2xx answer, -1 otherwise (res->failure says why; cause is the sentence).
 * res is always filled and must be freed with client_result_free.
 */
int		 client_call(struct client *, const char *method, const char *path,
		     json_t *body, int idempotent, struct client_result *res, char **cause);
void		 client_result_free(struct client_result *);

#endif

/*
 * ra — the registration desk's side of the wire (doc/api-ra.md), shared by ncaenroll-ra's
 * commands and its full-screen console: opens the operator's identity (a PKCS#12 file, or
 * a key and certificate on a PKCS#11 token named by a pkcs11: URI), calls the
 * RA endpoints with it (mutual TLS) and turns every refusal of the operator (no
 * certificate, expired, wrong CA, revoked, not an operator) into a sentence that says what
 * to do. Failures fill struct ra_error (kind doubles as the exit status, enum cmd_exit);
 * JSON answers are the caller's to json_decref. 0/-1 (NULL) convention; not thread-safe.
 */
#ifndef NCA_RA_H
#define NCA_RA_H

#include <jansson.h>
#include <stddef.h>

#include "common/reqnum.h"
#include "common/secret.h"
#include "enroll/client.h"

enum ra_fail {
	RA_REFUSED = 1,		/* the operator or the input was refused */
	RA_USAGE = 2,
	RA_SERVICE = 3,		/* unreachable, untrusted or broken service */
	RA_LOCAL = 4,		/* the container, the token or another local file */
};

struct ra_error {
	enum ra_fail	 kind;
	char		*code;		/* the service's code ("ra.revoked"), or NULL */
	char		*field;
	char		*message;	/* a sentence a person can act on */
};

struct ra_config {
	const char		*url;		/* https://host:port */
	const char		*ca_file;	/* NULL: the system's CAs */
	/* A .p12 file, or a token's URI "pkcs11:serial=SERIAL" (doc/tokens.md); NULL:
	 * connect without a certificate. */
	const char		*operator_p12;
	const struct secret	*password;	/* the file's password or the token's PIN;
						 * used only in ra_open */
	const char		*lang;
};

struct ra {
	struct client		*cl;
	char			*p12;		/* the container's path or token's URI, for
						 * messages */
	struct client_identity	 id;		/* zeroed without a container */
	char			*cn, *office, *role;	/* from the subject, or NULL */
};

struct ra_filter {
	const char	*region, *city, *office, *search;
	long		 max_age_days;	/* -1: any */
	int		 all;		/* a supervisor: every office, not only one's own */
};

struct ra	*ra_open(const struct ra_config *, struct ra_error *);
void		 ra_close(struct ra *);
void		 ra_error_free(struct ra_error *);

/* The queue's "applications" array, the nearest deadline first. */
int	ra_queue(struct ra *, const struct ra_filter *, json_t **out, struct ra_error *);
/* The application in full (unmasked), with documents and history. */
int	ra_application(struct ra *, const char *number, json_t **out, struct ra_error *);
/*
 * The places an operator filters the queue by: every region, each with its cities and
 * each city with its registration offices ([{"id","name":{kk,ru,en},"cities":[{"id",
 * "name","offices":[{"id","name"}]}]}]), from the service's public directories.
 */
int	ra_places(struct ra *, json_t **out, struct ra_error *);
/* [{"code","name":{kk,ru,en},"text_required"}] */
int	ra_reject_reasons(struct ra *, json_t **out, struct ra_error *);
/* docs: the ticked document codes. *out: the service's answer ({"status":"issued"}). */
int	ra_approve(struct ra *, const char *number, const char *const *docs, size_t ndocs,
	    json_t **out, struct ra_error *);
/* text may be NULL (required by the service for reason "other"). */
int	ra_reject(struct ra *, const char *number, const char *reason, const char *text,
	    json_t **out, struct ra_error *);

/* A request number typed any way, checked by its check digit: canonical form, or -1. */
int	ra_number(const char *in, char out[REQNUM_LEN + 1], struct ra_error *);
/* {"kk","ru","en"} (or a plain string) in the reader's language, falling back; never NULL. */
const char *ra_name(const json_t *names);
/* A JSON string member, or "". */
const char *ra_str(const json_t *o, const char *key);
/* A directory value (an id, or {"id","name":{kk,ru,en}}) as a person reads it. */
const char *ra_value_label(const json_t *v);
/* The applicant's full name from an application or a queue row. */
void	ra_applicant_name(const json_t *app, char *buf, size_t size);

/*
 * Text fitted to the terminal by display columns, never bytes: Kazakh and Russian
 * letters take one column and two bytes. ra_fit cuts with "…" and, with pad, fills with
 * spaces to exactly cols; malloc'd, NULL when memory runs out.
 */
size_t	ra_width(const char *s);
char	*ra_fit(const char *s, size_t cols, int pad);
/*
 * The queue as an 80-column table, two lines per application (number, submitted, days
 * left, organization; then applicant and role), headers first; *urgent is set when an
 * application has fewer than 7 days left (its days are marked "!"). malloc'd or NULL.
 */
char	*ra_queue_table(const json_t *apps, int *urgent);

#endif

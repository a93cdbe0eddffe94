/*
 * ra — the registration desk's side of the wire (doc/api-ra.md), shared by ncaenroll-ra's
 * commands and its full-screen console: opens the operator's identity (a PKCS#12 file, or
 * a key and certificate on a PKCS#11 token named by a pkcs11: URI), calls the
 * RA endpoints with it (mutual TLS) and turns every refusal of the operator (no
 * certificate, expired, wrong CA, revoked, not an operator) into a sentence that says what
 * to do. Failures fill struct failure (kind doubles as the exit status, enum cmd_exit);
 * JSON answers are the caller's to json_decref. 0/-1 (NULL) convention; not thread-safe.
 */
#ifndef NCA_RA_H
#define NCA_RA_H

#include <jansson.h>
#include <stddef.h>

#include "common/failure.h"
#include "common/reqnum.h"
#include "common/secret.h"
#include "enroll/client.h"

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

struct ra	*ra_open(const struct ra_config *, struct failure *);
void		 ra_close(struct ra *);

/* The queue's "applications" array, the nearest deadline first. */
int	ra_queue(struct ra *, const struct ra_filter *, json_t **out, struct failure *);
/* The application in full (unmasked), with documents and history. */
int	ra_application(struct ra *, const char *number, json_t **out, struct failure *);
/*
 * The places an operator filters the queue by: every region, each with its cities and
 * each city with its registration offices ([{"id","name":{kk,ru,en},"cities":[{"id",
 * "name","offices":[{"id","name"}]}]}]), from the service's public directories.
 */
int	ra_places(struct ra *, json_t **out, struct failure *);
/* [{"code","name":{kk,ru,en},"text_required"}] */
int	ra_reject_reasons(struct ra *, json_t **out, struct failure *);
/* docs: the ticked document codes. *out: the service's answer ({"status":"issued"}). */
int	ra_approve(struct ra *, const char *number, const char *const *docs, size_t ndocs,
	    json_t **out, struct failure *);
/* text may be NULL (required by the service for reason "other"). */
int	ra_reject(struct ra *, const char *number, const char *reason, const char *text,
	    json_t **out, struct failure *);

/*
 * Revocation at the desk (doc/api-ra.md): both certificates of an issued or installed
 * application, for a reason of src/common/revocation.h a desk may give (a `chosen` row,
 * checked here before anything is sent: else -1, FAILURE_REFUSED, code reason.unknown,
 * field reason), after the documents of the checklist were seen as for an approval.
 * text (the applicant's explanation) may be NULL. *out: the application as the service
 * now shows it, status revoked with its "revocation". One revoked before is an answer too,
 * not a failure (the service's 409 application.already_revoked): *already = 1 and *out is
 * {"status": "revoked", "already_revoked": true, "revocation": {reason, name, at, by}}.
 */
struct ra_revocation {
	const char		*reason;	/* "keyCompromise" */
	const char *const	*docs;		/* the ticked document codes */
	size_t			 ndocs;
	const char		*text;
};
int	ra_revoke(struct ra *, const char *number, const struct ra_revocation *,
	    json_t **out, int *already, struct failure *);
/* 0 for a reason a desk may give; else -1 with err naming those it may (as ra_revoke). */
int	ra_revocation_check(const char *code, struct failure *);
/*
 * Every application of a person (by IIN) that ever had certificates, newest first: the
 * service's "applications" array. A mistyped IIN is refused here (FAILURE_REFUSED,
 * field iin), before the network.
 */
int	ra_certificates(struct ra *, const char *iin, json_t **out, struct failure *);
/* Issued or installed: certificates a desk may revoke. */
int	ra_revocable(const json_t *app);
/*
 * A "revocation" object in the reader's words: "REASON, WHEN, WHO" (the reason's name from
 * revocation.h in the reader's language, local time, who asked for it); malloc'd, or NULL
 * when there is none (or no memory).
 */
char	*ra_revocation_text(const json_t *revocation);
/* Its reason's name in the reader's language (the table's, else the service's, else code). */
const char *ra_revocation_reason(const json_t *revocation);
/*
 * What the desk says once a revocation is answered: done (and whether the applicant was
 * mailed) or found already done, with when and why; malloc'd or NULL.
 */
char	*ra_revoked_text(const json_t *answer, int already);
/*
 * A person's certificates (ra_certificates' array) as an 80-column table, three lines an
 * application: number, state, valid until; organization and role; the serials or the
 * revocation. Headers first. malloc'd or NULL.
 */
char	*ra_certs_table(const json_t *apps);
/* An application's certificates in a word ("Issued", "Revoked", "Expired"...). */
const char *ra_cert_state(const json_t *app);

/*
 * The document codes of a list typed or ticked ("form, identity,authority"): buf is cut
 * up in place and codes[] points into it, each code trimmed of spaces, empty ones
 * skipped. The number of codes, or -1 with err (FAILURE_USAGE, field "documents") when there
 * are more than max: none is dropped silently, the command and the console alike.
 */
#define RA_MAX_DOCUMENTS 16
int	ra_documents_split(char *buf, const char **codes, size_t max, struct failure *);
/* A request number typed any way, checked by its check digit: canonical form, or -1. */
int	ra_number(const char *in, char out[REQNUM_LEN + 1], struct failure *);
/* {"kk","ru","en"} (or a plain string) in the reader's language, falling back; never NULL. */
const char *ra_name(const json_t *names);
/* A JSON string member, or "". */
const char *ra_str(const json_t *o, const char *key);
/* A directory value (an id, or {"id","name":{kk,ru,en}}) as a person reads it. */
const char *ra_value_label(const json_t *v);
/*
 * The organization's name in the reader's language, from an application or a queue row:
 * the register's Kazakh name when the service gives it (organization.names, a row's
 * organization_names), else the name the application carries (Russian).
 */
const char *ra_org_name(const json_t *app);
/* The keys' storage by its name in the reader's language (the service's label is English). */
const char *ra_storage_name(const json_t *app);
/*
 * The application form as the applicant printed it, in the reader's language, made here
 * from the application's data with the appform table the applicant's copy comes from (the
 * service renders it in English only): malloc'd, or NULL with a cause.
 */
char	*ra_form_text(const json_t *app, char **cause);
/*
 * Appends one line of cells to a growing table (*text, malloc'd): each cell fitted to its
 * width in display columns (utf8_fit), one space between, the line's trailing spaces
 * dropped. -1 when memory runs out (*text stays as it was).
 */
int	ra_table_cells(char **text, const char *const *cells, const size_t *cols, size_t n);
/* The applicant's full name from an application or a queue row. */
void	ra_applicant_name(const json_t *app, char *buf, size_t size);

/* Who the operator is, as the service records them: GET /ra/me ({"name", "role", "office"}). */
int	ra_me(struct ra *, json_t **out, struct failure *);

/*
 * What a person reads instead of the service's words (the service speaks wire names and
 * English; the reader may read Kazakh or Russian):
 *   ra_when  "2026-11-25T18:57:29Z" as local time with its offset, "2026-11-25 23:57
 *            +05:00" (anything else as it is; buf: RA_WHEN_MAX bytes);
 *   ra_day   its local date, "2026-11-25";
 *   ra_actor a history's actor ("operator:aigerim", "applicant (10.0.0.5)", "expiry",
 *            "auto-approve (demo)") in the reader's words; the applicant by name when
 *            app (the application, may be NULL) gives it;
 *   ra_role  an operator's role ("supervisor") in the reader's words;
 *   ra_status a status's wire name ("issued") in the reader's words.
 * Each returns buf or a static string; never NULL.
 */
#define RA_WHEN_MAX	40
const char *ra_when(const char *iso, char buf[RA_WHEN_MAX]);
const char *ra_day(const char *iso, char buf[11]);
const char *ra_actor(const char *actor, const json_t *app, char *buf, size_t size);
const char *ra_role(const char *role);
const char *ra_status(const char *wire);
/*
 * What an event of app's history says beyond its action, in the reader's words (a
 * rejection's reason, the serials and documents of an approval...): malloc'd, or NULL
 * when it says nothing more.
 */
char	*ra_event_detail(const json_t *ev, const json_t *app);
/*
 * The history's entry of the decision that put the application where it is (issued,
 * rejected, cancelled; an installed one's issuance), not merely its last entry; NULL if
 * it waits. Points into app.
 */
const json_t *ra_decision(const json_t *app);
/*
 * What the desk says once a decision went through, by the service's answer's "mail":
 * that the applicant is being told by e-mail ("queued") or was ("sent", an older
 * service) only when so. approved: 1, rejected: 0.
 */
const char *ra_decided_text(const json_t *answer, int approved);
/*
 * "already decided by WHO at WHEN; the application's status: STATUS" in the reader's
 * words, from the service's actor, time and status wire name; malloc'd or NULL. For an
 * application read from the service (its decision from ra_decision), or a 409.
 */
char	*ra_already(const char *by, const char *at, const char *status);
char	*ra_already_app(const json_t *app);

/*
 * The queue as an 80-column table, two lines per application (number, submitted, days
 * left, organization; then applicant and role), headers first; *urgent is set when an
 * application has fewer than 7 days left (its days are marked "!"). malloc'd or NULL.
 */
char	*ra_queue_table(const json_t *apps, int *urgent);

#endif

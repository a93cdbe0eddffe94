/*
 * enroll-int — what the files of the applicant's core share (enroll.c and its companions
 * enroll-abandon.c, enroll-passwd.c, enroll-lifecycle.c, enroll-certs.c); nothing outside
 * src/enroll includes it. The conventions are enroll.h's: 0/-1 with a struct failure, transitions committed
 * before a function returns, pointers into the state good until the next transaction.
 */
#ifndef NCA_ENROLL_INT_H
#define NCA_ENROLL_INT_H

#include "common/problem.h"
#include "enroll/answer.h"
#include "enroll/enroll.h"

/* No machine event: enroll_record only sets fields. */
#define ENROLL_NO_MOVE ME__MAX

/* Replaces *err (NULL-safe) with kind, field, code and the sentence. */
void	enroll_fail(struct failure *, enum failure_kind kind, const char *field,
	    const char *code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A lower layer's cause as the reason; never an empty one, when it gave none. */
void	enroll_fail_cause(struct failure *, enum failure_kind kind, const char *field,
	    const char *code, const char *cause);
/* The first problem of a local validation, placed at its field; frees p; -1. */
int	enroll_fail_problems(struct failure *, const char *field, struct problems *p);
/* Now, as the state file writes times: 2026-11-25T18:29:22Z. */
void	enroll_now_iso(char out[21]);
/* A certificate's notAfter (PEM), or 0 when it cannot be read (enroll-lifecycle.c). */
time_t	enroll_cert_not_after(const char *pem);
/*
 * Whole days from now to not_after, a part of a day counting as none (said "expires
 * today"); -1 and below once past. A listing reads the clock once and passes the same now
 * to every row, so that two rows of one certificate never disagree.
 */
long	enroll_cert_days_left(time_t not_after, time_t now);
/* 1 when the application's keys are on a token. */
int	enroll_on_token(const struct state_app *);
/*
 * enroll-certs-token.c: rows for the certificates on the tokens tok that the applications
 * marked in listed (one int per e->st->apps) do not hold, appended to *v (grown). -1 only
 * when out of memory; a token that cannot be read gives no rows.
 */
struct keystore_token;
int	enroll_certs_tokens(struct enroll *, const int *listed,
	    const struct keystore_token *tok, size_t ntok, int ocsp, time_t now,
	    struct enroll_cert **v, size_t *n);
void	enroll_certs_free_one(struct enroll_cert *);
/* Opens a transaction and finds the application in the freshly read file. */
struct state_app *enroll_begin(struct enroll *, const char *id, struct failure *);
int	enroll_commit(struct enroll *, struct failure *);
/*
 * One transaction: sets the NULL-terminated key, value pairs (a NULL value removes the
 * field), then applies the event unless it is ENROLL_NO_MOVE, then commits.
 */
int	enroll_record(struct enroll *, const char *id, enum machine_event,
	    struct failure *, ...);
/*
 * One call to the service, its 2xx answer checked against what a `kind` of answer must
 * hold (answer.c). res is always filled (the caller frees it): a refusal's body stays
 * there for a caller that reads more of it than its code.
 */
int	enroll_call(struct enroll *, const char *method, const char *path, json_t *body,
	    int idempotent, enum answer kind, struct client_result *res, struct failure *);
/*
 * The application's keystore: its PC folder, or its token opened with the PIN. A refusal
 * names the field a screen shows it at: "dir", or "pin" for a token.
 */
struct keystore	*enroll_keystore(const struct state_app *, const struct secret *pin,
		    struct failure *);
/*
 * A holder's proof (enroll-lifecycle.c): a single-use challenge for action asked of the
 * service, and {"nonce", "signature"} over ACTION\nNUMBER\nNONCE\nDETAIL by a's current
 * AUTH key (installed container with its password, pending key, or token with its PIN).
 * NULL with err; a refused challenge's body to *refusal when refusal is not NULL.
 */
json_t	*enroll_lc_signed_body(struct enroll *, const struct state_app *a,
	    const char *action, const char *detail, const struct secret *secret,
	    json_t **refusal, struct failure *);

#endif

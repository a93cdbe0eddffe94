/*
 * store — everything ncaenrolld keeps: the registries and directories it answers from,
 * captchas and check tokens, applications with their certificates, and each application's
 * history. This header is the contract; store-sqlite.c is the default backend and
 * store-pg.c the one for several instances on one PostgreSQL database, chosen by the URI
 * given to store_open().
 * Handlers never see SQL. Every function returns 0 or -1 with a cause; lookups report
 * "not there" through *found, never as an error. Strings in results are malloc'd copies
 * released by the matching *_free function. A store is used by one thread at a time;
 * the HTTP layer opens one per worker thread (SQLite in WAL mode allows that).
 */
#ifndef NCA_STORE_H
#define NCA_STORE_H

#include <stddef.h>
#include <time.h>

#include "common/appstatus.h"
#include "common/reqnum.h"

struct store;

/*
 * "sqlite:/path/to/file.db" (or a bare path), or "postgresql://[user@]host[:port]/db[?...]"
 * ("postgres://" too; libpq's URI). Creates and migrates the schema.
 */
struct store	*store_open(const char *uri, char **cause);
/* The backend store_open would use for uri, by its scheme ("sqlite", "postgresql"), without
 * opening anything; NULL: no store, or a kind this build does not know. */
const char	*store_kind(const char *uri);
void		 store_close(struct store *);
/*
 * An online copy of the whole store into file, consistent while others write: mode 0600,
 * written beside it and renamed into place (no half-written file is ever there), an
 * existing file refused unless force. A backend that cannot (PostgreSQL: pg_dump) says so
 * in the cause.
 */
int		 store_backup(struct store *, const char *file, int force, char **cause);
/* Bulk loading (the demo registries) runs inside one transaction. */
int		 store_begin(struct store *, char **cause);
int		 store_commit(struct store *, char **cause);
int		 store_rollback(struct store *);
/*
 * A reader's snapshot: the lookups between the two see one state of the store and cost
 * one read transaction instead of one each (a status answer makes two or three). Nothing
 * is written in between. Inside another transaction, or on a backend without it, both
 * do nothing; store_read_end cannot fail a reader (what it read stands).
 */
int		 store_read_begin(struct store *, char **cause);
void		 store_read_end(struct store *);

/* ---- registries and directories (names in kk, ru, en) ---- */

struct store_names {
	char	*kk, *ru, *en;
};

struct store_org {
	char			 bin[13];
	struct store_names	 name;		/* en may be NULL: registries have kk and ru */
	char			*region_id;
};

struct store_person {
	char	 iin[13];
	char	*surname, *given_name, *patronymic;	/* upper case; patronymic may be "" */
};

struct store_entry {		/* a role, region, city or RA office */
	char			*id;
	char			*parent_id;	/* city: its region; office: its city; else NULL */
	struct store_names	 name;
	char			*dc, *oid;	/* roles only: ROLE02, 1.2.398.3.3.4.1.2.2 */
	char			*address;	/* offices only */
};

enum store_dir { STORE_ROLES, STORE_REGIONS, STORE_CITIES, STORE_OFFICES, STORE_DIR__MAX };

struct store_list {
	struct store_entry	*v;
	size_t			 n;
};

int	store_org_put(struct store *, const struct store_org *, char **cause);
int	store_org_get(struct store *, const char *bin, struct store_org *, int *found,
	    char **cause);
void	store_org_free(struct store_org *);
int	store_gu_code_put(struct store *, const char *bin, const char *code, char **cause);
/* Forgets every code registered for bin (a registry reload then puts the file's codes). */
int	store_gu_codes_clear(struct store *, const char *bin, char **cause);
/* The ГУ/СКС codes registered for bin, as a NULL-terminated array (free with store_strv_free). */
int	store_gu_codes(struct store *, const char *bin, char ***codes, char **cause);
void	store_strv_free(char **);
int	store_person_put(struct store *, const struct store_person *, char **cause);
int	store_person_get(struct store *, const char *iin, struct store_person *, int *found,
	    char **cause);
void	store_person_free(struct store_person *);
int	store_entry_put(struct store *, enum store_dir, const struct store_entry *,
	    char **cause);
/*
 * parent_id NULL: the whole directory; else only entries under it (none for roles and
 * regions). Sorted for display: roles by id, the others alphabetically by their Russian
 * name, case ignored, in the Kazakh alphabet's order (which holds the Russian one).
 */
int	store_entries(struct store *, enum store_dir, const char *parent_id,
	    struct store_list *, char **cause);
int	store_entry_get(struct store *, enum store_dir, const char *id, struct store_entry *,
	    int *found, char **cause);
void	store_entry_free(struct store_entry *);
void	store_list_free(struct store_list *);

/* ---- captchas and check tokens (single use, expiring) ---- */

/* answer_hash: what the captcha module stores instead of the answer itself. */
int	store_captcha_put(struct store *, const char *id, const char *answer_hash,
	    time_t expires, char **cause);
/* Deletes the captcha whatever happens next (single use); *found = 0 if gone or expired. */
int	store_captcha_take(struct store *, const char *id, time_t now, char **answer_hash,
	    int *found, char **cause);
/*
 * A check token is bound to the BIN it was issued for and to the client (its address) that
 * solved the captcha: used by another client it is as unknown as a token never issued.
 */
int	store_token_put(struct store *, const char *token, const char *bin,
	    const char *client, time_t expires, char **cause);
/* *found = 0 for unknown, expired or another client's tokens; bin gets the token's BIN. */
int	store_token_get(struct store *, const char *token, const char *client, time_t now,
	    char bin[13], int *found, char **cause);
enum store_token_use {
	STORE_TOKEN_UNKNOWN,	/* as store_token_get's *found = 0 */
	STORE_TOKEN_COUNTED,	/* one more IIN check counted against the token */
	STORE_TOKEN_USED_UP,	/* it has served max: nothing counted */
};
/* Counts one IIN check against the token unless it has served max already (atomic). */
int	store_token_use_iin(struct store *, const char *token, const char *client, time_t now,
	    int max, enum store_token_use *, char **cause);
/* Removes expired captchas and tokens, and rate windows that have passed. */
int	store_sweep(struct store *, time_t now, char **cause);

/*
 * Rate limits counted for every instance on the store (ratelimit.c). store_rate_shared:
 * 1 if this store counts them (PostgreSQL: several instances share it), 0 if one process
 * owns the store (SQLite), which then counts in its own memory and never calls
 * store_rate_take. store_rate_take counts one request under key (a bucket and a client
 * address, never a request number or an e-mail address) in the minute starting at
 * window_start, in one atomic statement: *allowed = 1 and counted if the window had
 * fewer than limit, else *allowed = 0 and nothing counted.
 */
int	store_rate_shared(const struct store *);
int	store_rate_take(struct store *, const char *key, time_t window_start, int limit,
	    int *allowed, char **cause);

/* ---- applications ---- */

struct store_app {
	char		 number[REQNUM_LEN + 1];
	enum app_status	 status;
	time_t		 created, deadline;	/* deadline: verify at a desk before it */
	time_t		 decided, installed;	/* 0 until it happens */
	/* form and registry data, as submitted */
	char		 bin[13], iin[13];
	char		*org_name, *surname, *given_name, *patronymic;
	char		*email;			/* NULL if none */
	char		*role_id, *region_id, *city_id, *gu_code;
	char		*storage;		/* "pc", "etoken72k", "jacarta", "kaztoken", "akey",
						 * "idcard" */
	char		*lang;			/* the applicant's language: kk, ru, en */
	char		*csr_auth, *csr_sign;	/* PEM; NULL as read, until store_app_csrs */
	char		 key_auth[65], key_sign[65];	/* ca_csr_check key ids */
	/* once issued */
	char		*cert_auth, *cert_sign;	/* PEM, NULL before */
	char		 serial_auth[41], serial_sign[41];
	time_t		 not_before, not_after;
	/* once rejected: the reason's code (common/reason.h) and the operator's text as
	 * typed (NULL: none); reject_reason is both in English, for older clients */
	char		*reject_reason;
	char		*reject_code, *reject_text;
	/* proof of possession for "installed": a fresh nonce per issued application */
	char		*install_nonce;
	/* once revoked (store_app_revoke): when, the RFC 5280 name (common/revocation.h)
	 * and by whom: "holder", "operator:NAME" or "renewal NUMBER" */
	time_t		 revoked_at;
	char		*revoke_reason, *revoked_by;
	/* renewal: the application this one renews ("" if none), stored at insertion; and
	 * the newest application renewing this one ("" if none), read only, found from the
	 * other side */
	char		 renews[REQNUM_LEN + 1], renewed_by[REQNUM_LEN + 1];
};

void	store_app_free(struct store_app *);

/*
 * Inserts a new application (status submitted) and its first history entry (app->renews
 * set: a renewal of that application, which must exist). If an
 * application with the same key pair exists, *existing is set to 1 and app->number is
 * replaced by that application's number (a client re-sending after a crash). If only one
 * of the keys was seen before in any application, fails with *key_reused = 1.
 */
int	store_app_insert(struct store *, struct store_app *app, const char *actor,
	    int *existing, int *key_reused, char **cause);
int	store_app_get(struct store *, const char *number, struct store_app *, int *found,
	    char **cause);
/*
 * The CSRs are kept apart from the rest of an application (a status change then rewrites
 * a small row): store_app_get and the lists leave csr_auth and csr_sign NULL, and
 * store_app_csrs reads them into app (for app->number; freed by store_app_free). An
 * application without them is an error.
 */
int	store_app_csrs(struct store *, struct store_app *app, char **cause);

/*
 * Moves an application from `from` to `to` in one transaction, with a history entry
 * (actor, action = wire name of `to`, detail), only if it is still in `from`: *won = 0
 * and *current = its status if someone else moved it first. `set` carries the fields the
 * transition fills (certificates and serials for issued, reason for rejected, the install
 * time for installed, the nonce); fields that are NULL/0 in it are left alone. set may be
 * NULL. decided (to issued, rejected, cancelled) and installed (to installed) default to
 * now when set leaves them 0. An unknown number is an error.
 * The move of a renewal (renews set) to installed also revokes the application it renews,
 * if still issued or installed, as superseded by "renewal NUMBER", in the same transaction.
 */
int	store_app_transition(struct store *, const char *number, enum app_status from,
	    enum app_status to, const struct store_app *set, const char *actor,
	    const char *detail, time_t now, int *won, enum app_status *current, char **cause);

/*
 * Numbers of applications in `status` created at or before `before` (0 = any time), oldest
 * first, as a NULL-terminated array (never NULL on success; free with store_strv_free).
 */
int	store_app_numbers(struct store *, enum app_status status, time_t before,
	    char ***numbers, char **cause);
/* Numbers of submitted applications whose deadline is before now, as above. */
int	store_app_overdue(struct store *, time_t now, char ***numbers, char **cause);

struct store_event {
	time_t	 at;
	char	*actor, *action, *detail;
};

/* The history of number, oldest first; an unknown number has none (*n = 0). */
int	store_events(struct store *, const char *number, struct store_event **v, size_t *n,
	    char **cause);
void	store_events_free(struct store_event *, size_t n);

/* ---- revocation, renewal, challenges ---- */

enum store_revoke_result {
	STORE_REVOKE_DONE,		/* revoked now */
	STORE_REVOKE_ALREADY,		/* it was revoked before: nothing written */
	STORE_REVOKE_REFUSED,		/* never issued (submitted, rejected, cancelled) */
	STORE_REVOKE_NOT_FOUND,
};

/*
 * Revokes both certificates of number (issued or installed) in one transaction: status
 * revoked with revoked_at = now, revoke_reason = reason (an RFC 5280 name of
 * common/revocation.h, else an error) and revoked_by = by; one row per serial in the
 * revocations; the revocation generation bumped; a history entry "revoked" by actor with
 * detail and its audit entry "application.revoked". A second revocation is answered
 * (*result ALREADY; store_app_get tells when and why), never repeated.
 */
int	store_app_revoke(struct store *, const char *number, const char *reason,
	    const char *by, const char *actor, const char *detail, time_t now,
	    enum store_revoke_result *result, char **cause);

/*
 * Every application of iin that ever had certificates (issued, installed, revoked),
 * newest first (of two made in the same second, the one stored last).
 */
int	store_apps_by_iin(struct store *, const char *iin, struct store_app **v, size_t *n,
	    char **cause);

/*
 * A holder's single-use challenge (nonce) for action ("revoke", "renew") on number, until
 * expires. take deletes it whatever happens next: *found = 0 if unknown, used or expired;
 * else number and action are copied out (the caller compares them). store_sweep removes
 * expired ones.
 */
#define STORE_ACTION_MAX	16
int	store_challenge_put(struct store *, const char *nonce, const char *number,
	    const char *action, time_t expires, char **cause);
int	store_challenge_take(struct store *, const char *nonce, time_t now,
	    char number[REQNUM_LEN + 1], char action[STORE_ACTION_MAX], int *found,
	    char **cause);

/* ---- the outbox: the applicant's mail (doc/mail.md) ---- */

/*
 * A mail is queued by the store itself, in the transaction of the change it tells of,
 * when the application has an e-mail address: "received" by store_app_insert, "issued",
 * "rejected" and "cancelled" by store_app_transition, "revoked" by store_app_revoke
 * (not for superseded: the holder who renewed knows); "reminder" and "expiring-N" by
 * store_mail_queue_due. One mail per application and notice, ever (UNIQUE), so a change
 * or a sweep run twice queues nothing twice. The recipient and language are copied from
 * the application at queueing.
 */
enum store_mail_state {
	STORE_MAIL_QUEUED,		/* waiting for its next try */
	STORE_MAIL_SENDING,		/* claimed by a sender (one at a time) */
	STORE_MAIL_SENT,		/* the relay took it (250) */
	STORE_MAIL_REFUSED,		/* the relay refused it for good (5xx) */
	STORE_MAIL_FAILED,		/* temporary failures outlasted mail.retry_for */
	STORE_MAIL__MAX
};

struct store_mail {
	long long		 id;
	char			 number[REQNUM_LEN + 1];
	char			*notice;	/* "received", "expiring-14", ... (notice.h) */
	char			*recipient;	/* the address, as the applicant gave it */
	char			*lang;		/* kk, ru, en */
	enum store_mail_state	 state;
	int			 attempts;	/* tries begun; > 1 after a retry or a crash */
	time_t			 queued, next_try;
	time_t			 done;		/* when sent, refused or given up; 0 before */
	char			*error;		/* the last failure, as the relay said it */
};

/*
 * Whether this handle's changes queue mail: they do when opened. A service that sends no
 * mail (no mail.smtp_url) turns it off on every handle it uses, so that no row claims a
 * mail that will never go.
 */
void		 store_set_mail(struct store *, int on);
/* The state's wire name ("queued", ...) and back; -1 for an unknown name. */
const char	*store_mail_state_wire(enum store_mail_state);
int		 store_mail_state_parse(const char *, enum store_mail_state *);

/*
 * The sweep's notices, at now: "reminder" for submitted applications whose deadline is
 * at most reminder_days away; "expiring-30", "-14", "-7" for issued or installed ones
 * whose certificates end within that many days (only the nearest threshold: a service
 * that was down for a week sends one, not three). *queued: how many were added.
 */
int	store_mail_queue_due(struct store *, time_t now, int reminder_days, int *queued,
	    char **cause);
/*
 * Claims the oldest mail due at now (queued, next_try <= now): state sending, attempts
 * + 1, in one transaction, so two senders never take the same one. *found = 0: none due.
 * PostgreSQL: the claim is a lease; a mail still "sending" when it ends is claimable.
 */
int	store_mail_claim(struct store *, time_t now, struct store_mail *, int *found,
	    char **cause);
/*
 * The outcome of a claimed mail: SENT, REFUSED or FAILED (done = now, error kept), or
 * QUEUED again with next_try and the error of this try.
 */
int	store_mail_finish(struct store *, long long id, enum store_mail_state,
	    time_t next_try, const char *error, time_t now, char **cause);
/*
 * At start: mails left sending by a sender that died are queued again, due now. One of
 * them may have reached the relay already: its second delivery is the only duplicate
 * the outbox allows (attempts shows it). *n: how many. PostgreSQL, where another
 * instance may be sending: only mails whose claim's lease has run out (store_mail_claim
 * takes those over itself too).
 */
int	store_mail_recover(struct store *, time_t now, int *n, char **cause);
/* Mails of number (NULL: all), oldest first; problems: only refused and failed ones. */
int	store_mail_list(struct store *, const char *number, int problems,
	    struct store_mail **v, size_t *n, char **cause);
int	store_mail_get(struct store *, long long id, struct store_mail *, int *found,
	    char **cause);
void	store_mail_free(struct store_mail *);
void	store_mails_free(struct store_mail *, size_t n);

/*
 * What a status answer reads, in as few round trips as the backend can. rate (NULL: the
 * caller counts, or nothing is counted): a store_rate_take made first, on a store that
 * counts rates (store_rate_shared); when it refuses, view->allowed is 0 and nothing else
 * is given. Then the application as store_app_get gives it (view->found) and, if found,
 * its mail as store_mail_list(number, 0) does. PostgreSQL sends all three as one
 * pipeline: one round trip and one transaction, so that a read that fails counts
 * nothing. The caller frees the view with store_view_free (also after -1).
 */
struct store_rate {
	const char	*key;		/* as store_rate_take's */
	time_t		 window_start;
	int		 limit;
};
struct store_view {
	int			 allowed;
	int			 found;
	struct store_app	 app;
	struct store_mail	*mail;
	size_t			 nmail;
};
int	store_app_view(struct store *, const struct store_rate *rate, const char *number,
	    struct store_view *, char **cause);
/* Frees what the view holds and empties it. */
void	store_view_free(struct store_view *);

/* ---- what CRLs and OCSP read (the publication side reads only these) ---- */

struct store_cert_status {
	char	number[REQNUM_LEN + 1];	/* the application holding the certificate */
	int	revoked;
	time_t	revoked_at;		/* 0 unless revoked */
	int	crl_reason;		/* RFC 5280 CRLReason value; 0 unless revoked */
	time_t	not_after;
};

/*
 * The status of a certificate this CA issued, by serial (hex, either case): *found = 0
 * for a serial it never issued (OCSP "unknown").
 */
int	store_cert_status(struct store *, const char *serial_hex,
	    struct store_cert_status *out, int *found, char **cause);

struct store_revocation {
	char	serial[41];		/* upper-case hex */
	time_t	at;
	int	crl_reason;
};

/* The revoked certificates, oldest first: all (since 0), else those revoked at or after. */
int	store_revocations(struct store *, time_t since, struct store_revocation **v,
	    size_t *n, char **cause);
void	store_revocations_free(struct store_revocation *, size_t n);
/* The next CRL number of name ("ca", "root"): strictly increasing, persisted, from 1. */
int	store_crl_number_next(struct store *, const char *name, long long *n, char **cause);
/*
 * A number that grows with every revocation (0: none yet), so that a reader can tell
 * whether something was revoked since it last looked.
 */
int	store_revocation_generation(struct store *, long long *gen, char **cause);

/* ---- RA operators (their certificates come from the operator CA, operator.c) ---- */

struct store_operator {
	char	*name;			/* [a-z0-9._-], the certificate's CN */
	char	*office;		/* an id of the offices directory */
	char	*role;			/* "operator" or "supervisor" */
	char	 serial[41];		/* the current certificate's, upper-case hex */
	time_t	 created, not_after;	/* of that certificate */
	time_t	 revoked;		/* 0 while active */
};

/*
 * Records an operator's new certificate (a first one, or a replacement that makes the old
 * one worthless: only `serial` is accepted), revoked cleared, with an audit entry
 * "operator.added" (or "operator.replaced") by actor, in one transaction.
 */
int	store_operator_put(struct store *, const struct store_operator *, const char *actor,
	    time_t now, char **cause);
int	store_operator_get(struct store *, const char *name, struct store_operator *,
	    int *found, char **cause);
/*
 * Marks the operator revoked at now with an audit entry: *found = 1; 0 if there is no
 * such name, 2 if it was revoked already (nothing is written).
 */
int	store_operator_revoke(struct store *, const char *name, const char *actor, time_t now,
	    int *found, char **cause);
/* Every operator, by name. */
int	store_operators(struct store *, struct store_operator **v, size_t *n, char **cause);
void	store_operator_free(struct store_operator *);
void	store_operators_free(struct store_operator *, size_t n);

/* ---- the RA queue ---- */

/* Submitted applications matching every non-NULL/non-zero member. */
struct store_queue_filter {
	const char	*city_id, *region_id;
	time_t		 created_before;	/* created at or before (older than an age) */
	time_t		 created_after;		/* created at or after (younger than an age) */
	const char	*number;		/* exact request number */
	const char	*idnum;			/* 12 digits: the applicant's IIN or the BIN */
	size_t		 limit, offset;		/* limit 0: 100 */
};

/* Oldest deadline first; *total counts every match, not only the page returned. */
int	store_app_queue(struct store *, const struct store_queue_filter *,
	    struct store_app **v, size_t *n, size_t *total, char **cause);
void	store_apps_free(struct store_app *, size_t n);

/* ---- the background jobs of several instances on one store ---- */

/*
 * Takes the job lock `name` if no other handle (in this or another instance) holds it:
 * *got = 1, and the caller runs the job and then calls store_job_unlock; *got = 0, another
 * runs it now. A lock dies with its holder's connection. SQLite has one process: *got = 1.
 */
int	store_job_lock(struct store *, const char *name, int *got, char **cause);
void	store_job_unlock(struct store *, const char *name);

/* ---- counts, for the service's metrics ---- */

struct store_counts {
	long long	apps[APP_STATUS__MAX];		/* applications by status */
	long long	mails[STORE_MAIL__MAX];		/* the outbox by state */
};

/* One cheap read of both; a backend without it fails with a cause. */
int	store_counts(struct store *, struct store_counts *, char **cause);

/* ---- the audit log: append-only, hash-chained (doc/audit.md) ---- */

#define STORE_AUDIT_HASH_LEN	64	/* lower-case hex SHA-256 */

struct store_audit {
	long long	 id;
	time_t		 at;
	char		*actor, *action, *number, *detail;	/* "" when none */
	char		 prev_hash[STORE_AUDIT_HASH_LEN + 1], hash[STORE_AUDIT_HASH_LEN + 1];
};

/*
 * Every status change of an application (store_app_insert, store_app_transition) and
 * every operator change writes its entry in the same transaction; action is
 * "application.<status>" or "operator.<what>". store_audit_add appends one more for
 * anything else worth recording, in its own transaction (or store_begin's).
 */
int	store_audit_add(struct store *, time_t at, const char *actor, const char *action,
	    const char *number, const char *detail, char **cause);
/* Entries of number (NULL: all), oldest first. */
int	store_audit_list(struct store *, const char *number, struct store_audit **v,
	    size_t *n, char **cause);
void	store_audit_free(struct store_audit *, size_t n);

struct store_audit_check {
	long long	count;			/* entries read */
	long long	broken;			/* id of the first broken entry; 0 = none */
	char		why[256];		/* what is wrong with it */
	long long	head_id;		/* the last entry, as found */
	char		head[STORE_AUDIT_HASH_LEN + 1];
};

/* Walks the chain; a broken chain is a result (check->broken), not an error. */
int	store_audit_verify(struct store *, struct store_audit_check *, char **cause);

/*
 * The canonical bytes an entry's hash covers (doc/audit.md), malloc'd, *len without the
 * terminating NUL; and that hash. Shared by the backends and the tests.
 */
char	*store_audit_encode(const struct store_audit *, size_t *len);
int	 store_audit_hash(const struct store_audit *, char out[STORE_AUDIT_HASH_LEN + 1]);

#endif

/*
 * store-pg-int — what the PostgreSQL backend's files share (internal to store-pg*.c): the
 * handle and the few helpers every statement goes through. store-pg.c keeps the
 * connection, the schema, transactions and the registries; store-pg-app.c applications,
 * revocations, operators and the audit log; store-pg-mail.c the outbox. Every value
 * travels as a text parameter of PQexecParams, never inside SQL. Helpers return 0 or -1
 * with a cause naming the store (never its password).
 */
#ifndef NCA_STORE_PG_INT_H
#define NCA_STORE_PG_INT_H

#include <stddef.h>
#include <time.h>

#include <libpq-fe.h>

#include "common/appstatus.h"
#include "ncaenrolld/store-ops.h"

/*
 * Advisory lock keys (pg_advisory_xact_lock(class, key)): class "NCA\0" so that other
 * programs sharing the database are not in the way.
 */
#define STORE_PG_LOCK_CLASS	"1313030400"
#define STORE_PG_LOCK_MIGRATE	"1"	/* schema migrations */
#define STORE_PG_LOCK_AUDIT	"2"	/* the audit chain's tail */
#define STORE_PG_LOCK_JOBS	"3"	/* job_lock: key = 3, name hashed in the class */

/* Seconds a rate window lasts (ratelimit.c counts per minute). */
#define STORE_PG_RATE_WINDOW	"60"

/* The columns of an application row as store_pg_app_read reads them (renewed_by last). */
#define STORE_PG_APP_COLUMNS \
	"number, status, created, deadline, decided, installed, bin, iin, org_name, " \
	"surname, given_name, patronymic, email, role_id, region_id, city_id, gu_code, " \
	"storage, lang, key_auth, key_sign, cert_auth, cert_sign, " \
	"serial_auth, serial_sign, not_before, not_after, reject_reason, install_nonce, " \
	"reject_code, reject_text, revoked_at, revoke_reason, revoked_by, renews"
/* The SELECT adds renewed_by, found from the other side. */
#define STORE_PG_APP_SELECT STORE_PG_APP_COLUMNS ", " \
	"(SELECT r.number FROM applications r WHERE r.renews = applications.number" \
	" ORDER BY r.created DESC, r.seq DESC LIMIT 1) AS renewed_by"
/* The columns of a mail row as store_pg_mail_read reads them. */
#define STORE_PG_MAIL_COLUMNS \
	"id, number, notice, recipient, lang, state, attempts, queued, next_try, done, error"

/*
 * The statements of the hot paths (a status lookup: the rate count, the application, its
 * mail), prepared on a connection at their first use there (store-pg-view.c), so that
 * PostgreSQL parses and plans them once per connection rather than at every call.
 */
enum store_pg_stmt {
	STORE_PG_RATE_TAKE,	/* $1 key, $2 window_start, $3 limit: a row if counted */
	STORE_PG_APP_GET,	/* $1 number: STORE_PG_APP_SELECT */
	STORE_PG_MAIL_OF,	/* $1 number: STORE_PG_MAIL_COLUMNS, oldest first */
	STORE_PG_STMT__MAX
};

struct store_pg {
	struct store	 base;		/* first: store.c sees only this */
	PGconn		*conn;
	char		*conninfo;	/* the URI, for reconnecting */
	char		*where;		/* the URI without user, password and options */
	int		 depth;		/* transactions and savepoints open */
	int		 bulk;		/* store_begin's transaction is open */
	unsigned	 prepared;	/* bit 1 << enum store_pg_stmt: prepared on conn */
};

static inline struct store_pg *
store_pg_of(struct store *st)
{
	return (struct store_pg *)st;
}

/* A time as a text parameter (buf: 24 bytes); *0 variant: 0 is NULL ("not yet"). */
const char	*store_pg_i(char buf[24], long long v);
const char	*store_pg_i0(char buf[24], long long v);
/* "" is "none" (fixed-size fields of struct store_app): NULL. */
const char	*store_pg_t0(const char *v);

/*
 * Runs sql with n text parameters; the result (freed by the caller with PQclear) has
 * status COMMAND_OK or TUPLES_OK, else NULL with a cause. A read (sql starting "SELECT")
 * outside a transaction is tried again once over a fresh connection when the old one
 * was lost; a write is not: its loss is reported, never taken for success.
 */
PGresult	*store_pg_exec(struct store_pg *, const char *what, const char *sql, int n,
		    const char *const *v, char **cause);
/* store-pg-view.c: a statement's name, its parameters, whether it only reads. */
const char	*store_pg_stmt_name(enum store_pg_stmt);
int		 store_pg_stmt_nparams(enum store_pg_stmt);
int		 store_pg_stmt_read(enum store_pg_stmt);
/* Prepares stmt on this connection unless it is already (s->prepared). */
int		 store_pg_prepare(struct store_pg *, enum store_pg_stmt, char **cause);
/*
 * store_pg_exec for a prepared statement (store-pg-view.c): prepares it first when this
 * connection has not (yet, or again after a reconnect); the same retry of a read.
 */
PGresult	*store_pg_execp(struct store_pg *, enum store_pg_stmt, const char *const *v,
		    char **cause);
/* Outside any transaction, a connection found lost is opened again (prepared: none). */
void		 store_pg_revive(struct store_pg *);
/* A cause of a try that is made again: freed, *cause NULL again. */
void		 store_pg_forget(char **cause);
/* libpq's message, its last newline dropped, into the cause. */
void		 store_pg_fail(struct store_pg *, const char *what, const char *msg,
		    char **cause);
/* The same for statements whose result does not matter; *rows: rows affected (or NULL). */
int		 store_pg_run(struct store_pg *, const char *what, const char *sql, int n,
		    const char *const *v, long long *rows, char **cause);

/* Column 0 of every row of a query, as a NULL-terminated array (never NULL on success). */
int		 store_pg_strv(struct store_pg *, const char *what, const char *sql, int n,
		    const char *const *v, char ***out, char **cause);

/* Column readers: 0, or -1 (out of memory, or a value that does not fit). */
int		 store_pg_cs(const PGresult *, int row, int col, char **out);
int		 store_pg_cb(const PGresult *, int row, int col, char *buf, size_t size);
long long	 store_pg_ci(const PGresult *, int row, int col);

/*
 * One operation's transaction: BEGIN of its own, or a savepoint inside store_begin's.
 * audit: the operation appends to the audit log, so the chain's lock is taken first (every
 * writer of the log takes it first: no two wait for each other's rows in another order).
 */
int	store_pg_op_begin(struct store_pg *, int *nested, int audit, char **cause);
/* Commits if rc is 0, else rolls back; returns rc, or -1 if the commit failed. */
int	store_pg_op_end(struct store_pg *, int nested, int rc, char **cause);

/*
 * A query's result read and cleared (PQclear, whatever happens): its first row into *app
 * (*found 0 without one), or its mail rows as store_mail_list gives them (into *one
 * instead, *np 0 or 1, when one is not NULL). 0, or -1 with the cause naming what.
 */
int	store_pg_app_result(struct store_pg *, const char *what, PGresult *,
	    struct store_app *, int *found, char **cause);
int	store_pg_mail_result(struct store_pg *, const char *what, PGresult *,
	    struct store_mail **vp, struct store_mail *one, size_t *np, char **cause);

/* store-pg-app.c: the audit log's append, inside a transaction holding its lock. */
int	store_pg_audit_append(struct store_pg *, time_t at, const char *actor,
	    const char *action, const char *number, const char *detail, char **cause);

/* store-pg-mail.c: as store_sqlite_mail_queue and store_sqlite_mail_status. */
int	store_pg_mail_queue(struct store_pg *, const char *number, const char *notice,
	    time_t now, char **cause);
int	store_pg_mail_status(struct store_pg *, const char *number, enum app_status to,
	    time_t now, char **cause);

/* The store_ops members, by file. */
int	store_pg_app_insert(struct store *, struct store_app *, const char *actor,
	    int *existing, int *key_reused, char **cause);
int	store_pg_app_get(struct store *, const char *number, struct store_app *, int *found,
	    char **cause);
int	store_pg_app_csrs(struct store *, struct store_app *, char **cause);
int	store_pg_app_transition(struct store *, const char *number, enum app_status from,
	    enum app_status to, const struct store_app *set, const char *actor,
	    const char *detail, time_t now, int *won, enum app_status *current, char **cause);
int	store_pg_app_numbers(struct store *, enum app_status, time_t before,
	    char ***numbers, char **cause);
int	store_pg_app_overdue(struct store *, time_t now, char ***numbers, char **cause);
int	store_pg_events(struct store *, const char *number, struct store_event **v,
	    size_t *n, char **cause);
int	store_pg_operator_put(struct store *, const struct store_operator *,
	    const char *actor, time_t now, char **cause);
int	store_pg_operator_get(struct store *, const char *name, struct store_operator *,
	    int *found, char **cause);
int	store_pg_operator_revoke(struct store *, const char *name, const char *actor,
	    time_t now, int *found, char **cause);
int	store_pg_operators(struct store *, struct store_operator **v, size_t *n,
	    char **cause);
int	store_pg_app_queue(struct store *, const struct store_queue_filter *,
	    struct store_app **v, size_t *n, size_t *total, char **cause);
int	store_pg_audit_add(struct store *, time_t at, const char *actor, const char *action,
	    const char *number, const char *detail, char **cause);
int	store_pg_audit_list(struct store *, const char *number, struct store_audit **v,
	    size_t *n, char **cause);
int	store_pg_app_revoke(struct store *, const char *number,
	    const struct revocation_kind *, const char *by, const char *actor,
	    const char *detail, time_t now, enum store_revoke_result *result, char **cause);
int	store_pg_apps_by_iin(struct store *, const char *iin, struct store_app **v,
	    size_t *n, char **cause);
int	store_pg_cert_status(struct store *, const char *serial,
	    struct store_cert_status *out, int *found, char **cause);
int	store_pg_revocations(struct store *, time_t since, struct store_revocation **v,
	    size_t *n, char **cause);
int	store_pg_crl_number_next(struct store *, const char *name, long long *n,
	    char **cause);
int	store_pg_revocation_generation(struct store *, long long *gen, char **cause);
int	store_pg_counts(struct store *, struct store_counts *, char **cause);
int	store_pg_app_view(struct store *, const struct store_rate *, const char *number,
	    struct store_view *, char **cause);

int	store_pg_mail_queue_due(struct store *, time_t now, int reminder_days, int *queued,
	    char **cause);
int	store_pg_mail_claim(struct store *, time_t now, struct store_mail *, int *found,
	    char **cause);
int	store_pg_mail_finish(struct store *, long long id, enum store_mail_state,
	    time_t next_try, const char *error, time_t now, char **cause);
int	store_pg_mail_recover(struct store *, time_t now, int *n, char **cause);
int	store_pg_mail_list(struct store *, const char *number, int problems,
	    struct store_mail **v, size_t *n, char **cause);
int	store_pg_mail_get(struct store *, long long id, struct store_mail *, int *found,
	    char **cause);

#endif

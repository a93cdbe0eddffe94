/*
 * store-sqlite-int — what the SQLite backend's files share (internal to store-sqlite*.c):
 * the handle, its prepared statements by name, and the small helpers every statement goes
 * through. store-sqlite.c keeps the schema and most tables; store-sqlite-mail.c the outbox.
 * Helpers return 0 or -1 with a cause naming the store; binders return SQLite codes so a
 * run of them chains with ||; column readers return 0 or -1 (out of memory, or too long).
 */
#ifndef NCA_STORE_SQLITE_INT_H
#define NCA_STORE_SQLITE_INT_H

#include <stddef.h>
#include <time.h>

#include <sqlite3.h>

#include "common/appstatus.h"
#include "ncaenrolld/store-ops.h"

enum store_sqlite_q {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO, Q_BEGIN_READ,
	Q_VERSION, Q_VERSION_ADD,
	Q_ORG_PUT, Q_ORG_GET, Q_GU_PUT, Q_GU_CLEAR, Q_GU_LIST,
	Q_PERSON_PUT, Q_PERSON_GET,
	Q_CAPTCHA_PUT, Q_CAPTCHA_TAKE, Q_TOKEN_PUT, Q_TOKEN_GET,
	Q_TOKEN_USE_IIN,
	Q_SWEEP_CAPTCHAS, Q_SWEEP_TOKENS,
	Q_APP_BY_KEYS, Q_APP_KEY_SEEN, Q_APP_INSERT, Q_APP_GET, Q_APP_UPDATE, Q_APP_STATUS,
	Q_APP_NUMBERS, Q_APP_OVERDUE, Q_EVENT_ADD, Q_EVENTS, Q_CSRS_INSERT, Q_CSRS_GET,
	Q_OP_EXISTS, Q_OP_PUT, Q_OP_GET, Q_OP_REVOKE, Q_OP_LIST,
	Q_QUEUE, Q_QUEUE_COUNT,
	Q_AUDIT_LAST, Q_AUDIT_ADD, Q_AUDIT_ALL, Q_AUDIT_OF,
	Q_REVOKE_GET, Q_REVOKE_SET, Q_REVOCATION_ADD, Q_APP_RENEWS, Q_APPS_BY_IIN,
	Q_CHALLENGE_PUT, Q_CHALLENGE_TAKE, Q_SWEEP_CHALLENGES,
	Q_CERT_STATUS, Q_REVOCATIONS, Q_CRL_NUMBER_NEXT, Q_REVOCATION_GEN,
	Q__MAX
};



/* A directory's statements (store_sqlite_dirs). */
enum store_sqlite_dq { DQ_PUT, DQ_ALL, DQ_UNDER, DQ_GET, DQ__MAX };

/* The outbox's statements (store-sqlite-mail.c holds their SQL). */
enum store_sqlite_mq {
	MQ_QUEUE, MQ_DUE_REMINDER, MQ_DUE_EXPIRING, MQ_CLAIM, MQ_FINISH, MQ_RECOVER,
	MQ_LIST, MQ_LIST_APP, MQ_GET, MQ__MAX
};

#define STORE_SQLITE_BUSY_MS	10000	/* a writer waits this long for another's turn */

struct store_sqlite_file;

struct store_sqlite {
	struct store	 base;		/* first: store.c sees only this */
	sqlite3		*db;
	char		*path;
	struct store_sqlite_file *file;	/* shared with this file's other handles */
	int		 writing;	/* this handle holds the file's writer turn */
	int		 reading;	/* store_read_begin's transaction is open */
	sqlite3_int64	 changes;	/* rows changed before this transaction */
	sqlite3_stmt	*q[Q__MAX];
	sqlite3_stmt	*dq[STORE_DIR__MAX][DQ__MAX];
	sqlite3_stmt	*mq[MQ__MAX];
};

static inline struct store_sqlite *
store_sqlite_of(struct store *st)
{
	return (struct store_sqlite *)st;
}

void	store_sqlite_fail(struct store_sqlite *s, const char *what, char **cause);
sqlite3_stmt	*store_sqlite_prep(struct store_sqlite *s, sqlite3_stmt **slot,
	    const char *sql, char **cause);
sqlite3_stmt	*store_sqlite_q(struct store_sqlite *s, enum store_sqlite_q q,
	    char **cause);
int	store_sqlite_done(struct store_sqlite *s, sqlite3_stmt *st, int rc,
	    const char *what, char **cause);
int	store_sqlite_step(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
	    char **cause);
int	store_sqlite_run(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
	    char **cause);
int	store_sqlite_bound(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
	    char **cause, int failed);
int	store_sqlite_bt(sqlite3_stmt *st, int i, const char *v);
int	store_sqlite_bt0(sqlite3_stmt *st, int i, const char *v);
int	store_sqlite_bi(sqlite3_stmt *st, int i, time_t v);
int	store_sqlite_bi0(sqlite3_stmt *st, int i, time_t v);
int	store_sqlite_bn(sqlite3_stmt *st, const char *name, const char *v);
int	store_sqlite_cs(sqlite3_stmt *st, int i, char **out);
int	store_sqlite_cb(sqlite3_stmt *st, int i, char *buf, size_t size);
time_t	store_sqlite_ci(sqlite3_stmt *st, int i);
int	store_sqlite_cstatus(sqlite3_stmt *st, int i, enum app_status *out);
int	store_sqlite_op_begin(struct store_sqlite *s, int *nested, char **cause);
int	store_sqlite_op_end(struct store_sqlite *s, int nested, int rc, char **cause);

/*
 * The handles of one file in this process (store-sqlite-sync.c): attach after opening,
 * detach after sqlite3_close. writer_begin before a write transaction's BEGIN (one writer
 * at a time, without SQLite's busy sleeps); writer_end after its COMMIT or ROLLBACK
 * (committed: 1 when it committed): gives the turn back once the transaction is over and,
 * for a commit, returns when it is on the disk. 0 or -1 with a cause.
 */
int	store_sqlite_file_attach(struct store_sqlite *, char **cause);
void	store_sqlite_file_detach(struct store_sqlite *);
int	store_sqlite_writer_begin(struct store_sqlite *, char **cause);
int	store_sqlite_writer_end(struct store_sqlite *, int committed, char **cause);

/*
 * The outbox (store-sqlite-mail.c). Inside a change's transaction: queue notice for
 * number (nothing without an address, nothing twice), or the notice a move to status
 * `to` tells of, if any. The rest are the store_ops members of the same names.
 */
int	store_sqlite_mail_queue(struct store_sqlite *, const char *number,
	    const char *notice, time_t now, char **cause);
int	store_sqlite_mail_status(struct store_sqlite *, const char *number,
	    enum app_status to, time_t now, char **cause);
int	store_sqlite_mail_queue_due(struct store *, time_t now, int reminder_days,
	    int *queued, char **cause);
int	store_sqlite_mail_claim(struct store *, time_t now, struct store_mail *, int *found,
	    char **cause);
int	store_sqlite_mail_finish(struct store *, long long id, enum store_mail_state,
	    time_t next_try, const char *error, time_t now, char **cause);
int	store_sqlite_mail_recover(struct store *, time_t now, int *n, char **cause);
int	store_sqlite_mail_list(struct store *, const char *number, int problems,
	    struct store_mail **v, size_t *n, char **cause);
/*
 * store-sqlite-admin.c: an online copy of s into file (store_backup's contract), used by
 * the backup op and before a migration; and the ops of the same names.
 */
int	store_sqlite_backup_to(struct store_sqlite *, const char *file, int force,
	    char **cause);
int	store_sqlite_backup(struct store *, const char *file, int force, char **cause);
int	store_sqlite_counts(struct store *, struct store_counts *, char **cause);
int	store_sqlite_mail_get(struct store *, long long id, struct store_mail *, int *found,
	    char **cause);

#endif

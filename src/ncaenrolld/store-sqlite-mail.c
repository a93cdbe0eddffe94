/*
 * store-sqlite-mail — the outbox of the SQLite backend (store.h, "the outbox"): mails are
 * queued by the statements below inside the transaction of the change they tell of, and
 * a sender claims, finishes and recovers them. Each queueing is one INSERT ... SELECT from
 * the application, so the address and language are the application's own at that moment,
 * an application without an address queues nothing, and UNIQUE (number, notice) turns a
 * second queueing of the same notice into nothing (ON CONFLICT DO NOTHING).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/reqnum.h"
#include "ncaenrolld/store-sqlite-int.h"

#define STORE_MAIL_DAY		86400

#define STORE_MAIL_COLUMNS \
	"id, number, notice, recipient, lang, state, attempts, queued, next_try, done, error"
/* The values every queueing inserts, from the applications row being read. */
#define STORE_MAIL_FROM_APP(notice) \
	"INSERT INTO outbox (number, notice, recipient, lang, state, queued, next_try)" \
	" SELECT number, " notice ", email, COALESCE(NULLIF(lang, ''), 'en'), 'queued'," \
	" ?1, ?1 FROM applications WHERE email IS NOT NULL AND email <> ''"

static const char *const store_mail_sql[] = {
	[MQ_QUEUE] = STORE_MAIL_FROM_APP("?3") " AND number = ?2"
	    " ON CONFLICT (number, notice) DO NOTHING",
	/* Only where the window was longer than the reminder's lead: a short window (a
	 * test's, a desk's policy) would be reminded of at once. */
	[MQ_DUE_REMINDER] = STORE_MAIL_FROM_APP("'reminder'")
	    " AND status = 'submitted' AND deadline > ?1 AND deadline <= ?1 + ?2"
	    " AND deadline - created > ?2"
	    " ON CONFLICT (number, notice) DO NOTHING",
	/* The nearest threshold only; none while a renewal is under way or done. */
	[MQ_DUE_EXPIRING] = STORE_MAIL_FROM_APP(
	    "CASE WHEN not_after - ?1 <= 7 * 86400 THEN 'expiring-7'"
	    " WHEN not_after - ?1 <= 14 * 86400 THEN 'expiring-14' ELSE 'expiring-30' END")
	    " AND status IN ('issued', 'installed') AND not_after > ?1"
	    " AND not_after <= ?1 + 30 * 86400"
	    " AND NOT EXISTS (SELECT 1 FROM applications r WHERE r.renews = applications.number"
	    "  AND r.status IN ('submitted', 'issued', 'installed'))"
	    " ON CONFLICT (number, notice) DO NOTHING",
	[MQ_CLAIM] = "UPDATE outbox SET state = 'sending', attempts = attempts + 1"
	    " WHERE id = (SELECT id FROM outbox WHERE state = 'queued' AND next_try <= ?1"
	    "  ORDER BY next_try, id LIMIT 1)"
	    " RETURNING " STORE_MAIL_COLUMNS,
	[MQ_FINISH] = "UPDATE outbox SET state = ?2, next_try = ?3, error = ?4, done = ?5"
	    " WHERE id = ?1 AND state = 'sending'",
	[MQ_RECOVER] = "UPDATE outbox SET state = 'queued', next_try = ?1"
	    " WHERE state = 'sending'",
	[MQ_LIST] = "SELECT " STORE_MAIL_COLUMNS " FROM outbox"
	    " WHERE ?2 = 0 OR state IN ('refused', 'failed') ORDER BY id",
	/* Apart from MQ_LIST: SQLite plans a statement once, and "?1 IS NULL OR number =
	 * ?1" would scan the whole outbox on every status answer (tests/bench/
	 * store_bench.py: 80% of a lookup's CPU at 10,000 applications). */
	[MQ_LIST_APP] = "SELECT " STORE_MAIL_COLUMNS " FROM outbox"
	    " WHERE number = ?1 AND (?2 = 0 OR state IN ('refused', 'failed')) ORDER BY id",
	[MQ_GET] = "SELECT " STORE_MAIL_COLUMNS " FROM outbox WHERE id = ?1",
};
_Static_assert(sizeof store_mail_sql / sizeof store_mail_sql[0] == MQ__MAX,
    "one statement per MQ_ name");

static sqlite3_stmt *
store_sqlite_mq(struct store_sqlite *s, enum store_sqlite_mq q, char **cause)
{
	return store_sqlite_prep(s, &s->mq[q], store_mail_sql[q], cause);
}

int
store_sqlite_mail_queue(struct store_sqlite *s, const char *number, const char *notice,
    time_t now, char **cause)
{
	sqlite3_stmt	*st;

	if (s->base.nomail)
		return 0;
	if ((st = store_sqlite_mq(s, MQ_QUEUE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_queue", cause,
	    store_sqlite_bi(st, 1, now) || store_sqlite_bt(st, 2, number) ||
	    store_sqlite_bt(st, 3, notice)) == -1)
		return -1;
	return store_sqlite_run(s, st, "mail_queue", cause);
}

int
store_sqlite_mail_status(struct store_sqlite *s, const char *number, enum app_status to,
    time_t now, char **cause)
{
	const char	*notice = store_mail_on_status(to);

	return notice != NULL ? store_sqlite_mail_queue(s, number, notice, now, cause) : 0;
}

/* Runs one of the sweep's INSERTs; *added grows by the rows it queued. */
static int
store_sqlite_mail_due(struct store_sqlite *s, enum store_sqlite_mq q, time_t now,
    long long lead, int *added, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = store_sqlite_mq(s, q, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_due", cause, store_sqlite_bi(st, 1, now) ||
	    (q == MQ_DUE_REMINDER && sqlite3_bind_int64(st, 2, lead) != SQLITE_OK)) == -1)
		return -1;
	if ((r = store_sqlite_run(s, st, "mail_due", cause)) == 0)
		*added += sqlite3_changes(s->db);
	return r;
}

int
store_sqlite_mail_queue_due(struct store *stp, time_t now, int reminder_days, int *queued,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	*queued = 0;
	if (s->base.nomail)
		return 0;
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_mail_due(s, MQ_DUE_REMINDER, now,
	    (long long)reminder_days * STORE_MAIL_DAY, queued, cause);
	if (rc == 0)
		rc = store_sqlite_mail_due(s, MQ_DUE_EXPIRING, now, 0, queued, cause);
	if ((rc = store_sqlite_op_end(s, nested, rc, cause)) == -1)
		*queued = 0;
	return rc;
}

/* One row of STORE_MAIL_COLUMNS into *m; -1 when it cannot be read (what: the column). */
static int
store_sqlite_mail_read(sqlite3_stmt *st, struct store_mail *m, const char **what)
{
	const unsigned char	*state;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	if (store_sqlite_cb(st, 1, m->number, sizeof m->number) == -1)
		return *what = "number", -1;
	if (store_sqlite_cs(st, 2, &m->notice) == -1 || m->notice == NULL)
		return *what = "notice", -1;
	if (store_sqlite_cs(st, 3, &m->recipient) == -1 || m->recipient == NULL)
		return *what = "recipient", -1;
	if (store_sqlite_cs(st, 4, &m->lang) == -1 || m->lang == NULL)
		return *what = "lang", -1;
	state = sqlite3_column_text(st, 5);
	if (state == NULL || store_mail_state_parse((const char *)state, &m->state) == -1)
		return *what = "state", -1;
	m->attempts = sqlite3_column_int(st, 6);
	m->queued = store_sqlite_ci(st, 7);
	m->next_try = store_sqlite_ci(st, 8);
	m->done = store_sqlite_ci(st, 9);
	if (store_sqlite_cs(st, 10, &m->error) == -1)
		return *what = "error", -1;
	return 0;
}

/* Every row st gives into a malloc'd array (or the one row into *one, *np 0 or 1). */
static int
store_sqlite_mail_rows(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
    struct store_mail **vp, struct store_mail *one, size_t *np, char **cause)
{
	struct store_mail	*v = NULL, *nv;
	const char		*bad = NULL;
	size_t			 n = 0, cap = 0;
	int			 r;

	while ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (one != NULL) {
			if (store_sqlite_mail_read(st, one, &bad) == -1)
				break;
			n = 1;
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		if (store_sqlite_mail_read(st, &v[n], &bad) == -1) {
			store_mail_free(&v[n]);
			break;
		}
		n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: %s: cannot read %s"), s->path, what,
		    bad != NULL ? bad : _("a row (out of memory)"));
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1) {
		if (one != NULL)
			store_mail_free(one);
		store_mails_free(v, n);
		*np = 0;
		return -1;
	}
	if (vp != NULL)
		*vp = v;
	*np = n;
	return 0;
}

int
store_sqlite_mail_claim(struct store *stp, time_t now, struct store_mail *m, int *found,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	size_t			 n = 0;
	int			 nested, rc;

	*found = 0;
	memset(m, 0, sizeof *m);
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	if ((st = store_sqlite_mq(s, MQ_CLAIM, cause)) == NULL)
		rc = -1;
	else if ((rc = store_sqlite_bound(s, st, "mail_claim", cause,
	    store_sqlite_bi(st, 1, now))) == 0)
		rc = store_sqlite_mail_rows(s, st, "mail_claim", NULL, m, &n, cause);
	if ((rc = store_sqlite_op_end(s, nested, rc, cause)) == -1) {
		store_mail_free(m);
		return -1;
	}
	*found = n == 1;
	return 0;
}

int
store_sqlite_mail_finish(struct store *stp, long long id, enum store_mail_state state,
    time_t next_try, const char *error, time_t now, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	if ((st = store_sqlite_mq(s, MQ_FINISH, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_finish", cause,
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    store_sqlite_bt(st, 2, store_mail_state_wire(state)) ||
	    store_sqlite_bi(st, 3, state == STORE_MAIL_QUEUED ? next_try : now) ||
	    store_sqlite_bt(st, 4, error) ||
	    store_sqlite_bi0(st, 5, state == STORE_MAIL_QUEUED ? 0 : now)) == -1)
		return -1;
	if ((r = store_sqlite_run(s, st, "mail_finish", cause)) == 0 &&
	    sqlite3_changes(s->db) == 0) {
		cause_set(cause, _("the store %s: mail %lld was not being sent"), s->path, id);
		r = -1;
	}
	return r;
}

int
store_sqlite_mail_recover(struct store *stp, time_t now, int *n, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	*n = 0;
	if ((st = store_sqlite_mq(s, MQ_RECOVER, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_recover", cause,
	    store_sqlite_bi(st, 1, now)) == -1)
		return -1;
	if ((r = store_sqlite_run(s, st, "mail_recover", cause)) == 0)
		*n = sqlite3_changes(s->db);
	return r;
}

int
store_sqlite_mail_list(struct store *stp, const char *number, int problems,
    struct store_mail **v, size_t *n, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*v = NULL;
	*n = 0;
	if ((st = store_sqlite_mq(s, number != NULL ? MQ_LIST_APP : MQ_LIST, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_list", cause, (number != NULL &&
	    store_sqlite_bt(st, 1, number)) ||
	    sqlite3_bind_int(st, 2, problems != 0) != SQLITE_OK) == -1)
		return -1;
	return store_sqlite_mail_rows(s, st, "mail_list", v, NULL, n, cause);
}

int
store_sqlite_mail_get(struct store *stp, long long id, struct store_mail *m, int *found,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	size_t			 n = 0;

	*found = 0;
	memset(m, 0, sizeof *m);
	if ((st = store_sqlite_mq(s, MQ_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "mail_get", cause,
	    sqlite3_bind_int64(st, 1, id) != SQLITE_OK) == -1)
		return -1;
	if (store_sqlite_mail_rows(s, st, "mail_get", NULL, m, &n, cause) == -1)
		return -1;
	*found = n == 1;
	return 0;
}

/*
 * store-pg-mail — the outbox of the PostgreSQL backend (store.h, "the outbox"), queued as
 * store-sqlite-mail.c does it. What several instances change: a sender claims a mail with
 * SELECT ... FOR UPDATE SKIP LOCKED (two senders never wait for or take the same row) and
 * holds it for a lease; a mail whose sender died is claimed again once its lease has run
 * out, by any instance, so that a start need not (and must not: another instance may be
 * sending) put every "sending" mail back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/reqnum.h"
#include "ncaenrolld/store-pg-int.h"

#define STORE_PG_MAIL_DAY	86400
/*
 * How long a claimed mail is the claimer's: well beyond one delivery (mail-deliver.c's
 * connect and reply timeouts are a minute or two), so that only a dead sender's mail is
 * taken over.
 */
#define STORE_PG_MAIL_LEASE	900

#define STORE_PG_MAIL_FROM_APP(notice) \
	"INSERT INTO outbox (number, notice, recipient, lang, state, queued, next_try)" \
	" SELECT number, " notice ", email, COALESCE(NULLIF(lang, ''), 'en'), 'queued'," \
	" $1::bigint, $1::bigint FROM applications WHERE email IS NOT NULL AND email <> ''"

int
store_pg_mail_queue(struct store_pg *s, const char *number, const char *notice,
    time_t now, char **cause)
{
	char		 b[24];
	const char	*v[] = { store_pg_i(b, (long long)now), number, notice };

	if (s->base.nomail)
		return 0;
	return store_pg_run(s, "mail_queue", STORE_PG_MAIL_FROM_APP("$3::text")
	    " AND number = $2 ON CONFLICT (number, notice) DO NOTHING", 3, v, NULL, cause);
}

int
store_pg_mail_status(struct store_pg *s, const char *number, enum app_status to,
    time_t now, char **cause)
{
	const char	*notice = store_mail_on_status(to);

	return notice != NULL ? store_pg_mail_queue(s, number, notice, now, cause) : 0;
}

/*
 * The sweep's notices. Two instances sweeping at once queue nothing twice: the UNIQUE
 * (number, notice) makes the second INSERT wait for the first and then do nothing.
 */
int
store_pg_mail_queue_due(struct store *stp, time_t now, int reminder_days, int *queued,
    char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	char		 b[2][24];
	const char	*v[] = { store_pg_i(b[0], (long long)now),
	    store_pg_i(b[1], (long long)reminder_days * STORE_PG_MAIL_DAY) };
	long long	 n1 = 0, n2 = 0;
	int		 nested, rc = -1;

	*queued = 0;
	if (s->base.nomail)
		return 0;
	if (store_pg_op_begin(s, &nested, 0, cause) == -1)
		return -1;
	if (store_pg_run(s, "mail_due", STORE_PG_MAIL_FROM_APP("'reminder'")
	    " AND status = 'submitted' AND deadline > $1::bigint"
	    " AND deadline <= $1::bigint + $2::bigint AND deadline - created > $2::bigint"
	    " ON CONFLICT (number, notice) DO NOTHING", 2, v, &n1, cause) == 0 &&
	    store_pg_run(s, "mail_due", STORE_PG_MAIL_FROM_APP(
	    "CASE WHEN not_after - $1::bigint <= 7 * 86400 THEN 'expiring-7'"
	    " WHEN not_after - $1::bigint <= 14 * 86400 THEN 'expiring-14'"
	    " ELSE 'expiring-30' END")
	    " AND status IN ('issued', 'installed') AND not_after > $1::bigint"
	    " AND not_after <= $1::bigint + 30 * 86400"
	    " AND NOT EXISTS (SELECT 1 FROM applications r WHERE r.renews = applications.number"
	    "  AND r.status IN ('submitted', 'issued', 'installed'))"
	    " ON CONFLICT (number, notice) DO NOTHING", 1, v, &n2, cause) == 0)
		rc = 0;
	if ((rc = store_pg_op_end(s, nested, rc, cause)) == 0)
		*queued = (int)(n1 + n2);
	return rc;
}

/* One row of STORE_PG_MAIL_COLUMNS into *m; -1 when it cannot be read (what: the column). */
static int
store_pg_mail_read(const PGresult *res, int row, struct store_mail *m, const char **what)
{
	memset(m, 0, sizeof *m);
	m->id = store_pg_ci(res, row, 0);
	if (store_pg_cb(res, row, 1, m->number, sizeof m->number) == -1)
		return *what = "number", -1;
	if (store_pg_cs(res, row, 2, &m->notice) == -1 || m->notice == NULL)
		return *what = "notice", -1;
	if (store_pg_cs(res, row, 3, &m->recipient) == -1 || m->recipient == NULL)
		return *what = "recipient", -1;
	if (store_pg_cs(res, row, 4, &m->lang) == -1 || m->lang == NULL)
		return *what = "lang", -1;
	if (store_mail_state_parse(PQgetvalue(res, row, 5), &m->state) == -1)
		return *what = "state", -1;
	m->attempts = (int)store_pg_ci(res, row, 6);
	m->queued = (time_t)store_pg_ci(res, row, 7);
	m->next_try = (time_t)store_pg_ci(res, row, 8);
	m->done = (time_t)store_pg_ci(res, row, 9);
	if (store_pg_cs(res, row, 10, &m->error) == -1)
		return *what = "error", -1;
	return 0;
}

int
store_pg_mail_result(struct store_pg *s, const char *what, PGresult *res,
    struct store_mail **vp, struct store_mail *one, size_t *np, char **cause)
{
	struct store_mail	*mv = NULL;
	const char		*bad = NULL;
	int			 i, rows;
	size_t			 got = 0;

	*np = 0;
	rows = PQntuples(res);
	if (one != NULL) {
		if (rows > 0 && store_pg_mail_read(res, 0, one, &bad) == -1) {
			store_mail_free(one);
			goto bad;
		}
		*np = rows > 0;
		PQclear(res);
		return 0;
	}
	if (rows > 0 && (mv = calloc((size_t)rows, sizeof *mv)) == NULL)
		goto bad;
	for (i = 0; i < rows; i++) {
		if (store_pg_mail_read(res, i, &mv[i], &bad) == -1) {
			store_mail_free(&mv[i]);
			goto bad;
		}
		got++;
	}
	PQclear(res);
	*vp = mv;
	*np = got;
	return 0;
bad:
	cause_set(cause, _("the store %s: %s: cannot read %s"), s->where, what,
	    bad != NULL ? bad : _("a row (out of memory)"));
	store_mails_free(mv, got);
	PQclear(res);
	return -1;
}

/* Every row of a query into a malloc'd array (or the first into *one, *np 0 or 1). */
static int
store_pg_mail_rows(struct store_pg *s, const char *what, const char *sql, int n,
    const char *const *v, struct store_mail **vp, struct store_mail *one, size_t *np,
    char **cause)
{
	PGresult	*res;

	*np = 0;
	if ((res = store_pg_exec(s, what, sql, n, v, cause)) == NULL)
		return -1;
	return store_pg_mail_result(s, what, res, vp, one, np, cause);
}

/*
 * The oldest mail due, or one whose sender's lease ran out: SKIP LOCKED passes over rows
 * another instance is claiming this moment, so each claim gets its own mail.
 */
int
store_pg_mail_claim(struct store *stp, time_t now, struct store_mail *m, int *found,
    char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	char		 b[2][24];
	const char	*v[] = { store_pg_i(b[0], (long long)now),
	    store_pg_i(b[1], (long long)now + STORE_PG_MAIL_LEASE) };
	size_t		 n = 0;

	*found = 0;
	memset(m, 0, sizeof *m);
	if (store_pg_mail_rows(s, "mail_claim", "UPDATE outbox SET state = 'sending',"
	    " attempts = attempts + 1, lease = $2::bigint"
	    " WHERE id = (SELECT id FROM outbox WHERE (state = 'queued' AND next_try <= $1::bigint)"
	    "  OR (state = 'sending' AND lease <= $1::bigint)"
	    "  ORDER BY next_try, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
	    " RETURNING " STORE_PG_MAIL_COLUMNS, 2, v, NULL, m, &n, cause) == -1)
		return -1;
	*found = n == 1;
	return 0;
}

int
store_pg_mail_finish(struct store *stp, long long id, enum store_mail_state state,
    time_t next_try, const char *error, time_t now, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	char		 b[3][24];
	const char	*v[5];
	long long	 changed = 0;

	v[0] = store_pg_i(b[0], id);
	v[1] = store_mail_state_wire(state);
	v[2] = store_pg_i(b[1], (long long)(state == STORE_MAIL_QUEUED ? next_try : now));
	v[3] = error;
	v[4] = store_pg_i0(b[2], (long long)(state == STORE_MAIL_QUEUED ? 0 : now));
	if (store_pg_run(s, "mail_finish", "UPDATE outbox SET state = $2, next_try = $3,"
	    " error = $4, done = $5, lease = NULL WHERE id = $1 AND state = 'sending'", 5, v,
	    &changed, cause) == -1)
		return -1;
	if (changed == 0) {
		cause_set(cause, _("the store %s: mail %lld was not being sent"), s->where, id);
		return -1;
	}
	return 0;
}

/*
 * At start: only mails whose lease has run out are queued again (their sender died); a
 * "sending" mail within its lease may be another instance's, on its way to the relay.
 */
int
store_pg_mail_recover(struct store *stp, time_t now, int *n, char **cause)
{
	char		 b[24];
	const char	*v[] = { store_pg_i(b, (long long)now) };
	long long	 rows = 0;

	*n = 0;
	if (store_pg_run(store_pg_of(stp), "mail_recover", "UPDATE outbox SET"
	    " state = 'queued', next_try = $1, lease = NULL"
	    " WHERE state = 'sending' AND lease <= $1", 1, v, &rows, cause) == -1)
		return -1;
	*n = (int)rows;
	return 0;
}

int
store_pg_mail_list(struct store *stp, const char *number, int problems,
    struct store_mail **v, size_t *n, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	const char	*p[] = { number, problems ? "1" : "0" };
	PGresult	*res;

	*v = NULL;
	*n = 0;
	/* one application's: the hot path's own statement (its plan: the UNIQUE index) */
	if (number != NULL && !problems) {
		if ((res = store_pg_execp(s, STORE_PG_MAIL_OF, p, cause)) == NULL)
			return -1;
		return store_pg_mail_result(s, "mail_list", res, v, NULL, n, cause);
	}
	return store_pg_mail_rows(s, "mail_list", "SELECT "
	    STORE_PG_MAIL_COLUMNS " FROM outbox WHERE ($1::text IS NULL OR number = $1::text)"
	    " AND ($2::int = 0 OR state IN ('refused', 'failed')) ORDER BY id", 2, p, v, NULL,
	    n, cause);
}

int
store_pg_mail_get(struct store *stp, long long id, struct store_mail *m, int *found,
    char **cause)
{
	char		 b[24];
	const char	*v[] = { store_pg_i(b, id) };
	size_t		 n = 0;

	*found = 0;
	memset(m, 0, sizeof *m);
	if (store_pg_mail_rows(store_pg_of(stp), "mail_get", "SELECT " STORE_PG_MAIL_COLUMNS
	    " FROM outbox WHERE id = $1", 1, v, NULL, m, &n, cause) == -1)
		return -1;
	*found = n == 1;
	return 0;
}

/*
 * store-pg-view — the status lookup of the PostgreSQL backend in one round trip: the
 * statements of the hot paths, prepared on each connection at their first use, and
 * store_app_view, which sends the rate count, the application and its mail as one libpq
 * pipeline. A lookup was three round trips, each parsed and planned anew; on a loaded
 * machine every round trip waits for a backend process to be scheduled, and that wait
 * was the tail of the latency (doc/performance.md, "The store at 10^6 applications").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "ncaenrolld/store-pg-int.h"

static const struct {
	const char	*name;		/* the prepared statement's, and the errors' */
	int		 nparams;
	int		 read;		/* a read: tried again over a new connection */
	const char	*sql;
} store_pg_stmts[] = {
	/*
	 * One statement decides, whichever instance asks: a window's row is made at its
	 * first request and counted up while below the limit; at the limit the WHERE
	 * refuses the update and nothing is returned. Its transaction commits without
	 * waiting for the WAL's flush (synchronous_commit for this transaction only): a
	 * count is not worth a disk's sync on every lookup, and a crash loses at most the
	 * counts of its last moments (a client then gets a few requests more, once).
	 */
	[STORE_PG_RATE_TAKE] = { "rate_take", 3, 0,
	    "WITH c AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true))"
	    " INSERT INTO rate_windows AS r (key, window_start, n)"
	    " SELECT $1::text, $2::bigint, 1 FROM c"
	    " ON CONFLICT (key, window_start) DO UPDATE SET n = r.n + 1 WHERE r.n < $3::int"
	    " RETURNING n" },
	[STORE_PG_APP_GET] = { "app_get", 1, 1, "SELECT " STORE_PG_APP_SELECT
	    " FROM applications WHERE number = $1" },
	/* its own statement, not mail_list's "$1 IS NULL OR": a plan made once must use
	 * the outbox's UNIQUE (number, notice) index */
	[STORE_PG_MAIL_OF] = { "mail_of", 1, 1, "SELECT " STORE_PG_MAIL_COLUMNS
	    " FROM outbox WHERE number = $1 ORDER BY id" },
};
_Static_assert(sizeof store_pg_stmts / sizeof store_pg_stmts[0] == STORE_PG_STMT__MAX,
    "a row per prepared statement");
_Static_assert(STORE_PG_STMT__MAX <= 8 * sizeof(unsigned), "a bit per statement");

const char *
store_pg_stmt_name(enum store_pg_stmt stmt)
{
	return store_pg_stmts[stmt].name;
}

int
store_pg_stmt_nparams(enum store_pg_stmt stmt)
{
	return store_pg_stmts[stmt].nparams;
}

int
store_pg_stmt_read(enum store_pg_stmt stmt)
{
	return store_pg_stmts[stmt].read;
}

int
store_pg_prepare(struct store_pg *s, enum store_pg_stmt stmt, char **cause)
{
	PGresult	*res;
	const char	*state;
	int		 rc = 0;

	if (s->prepared & (1u << stmt))
		return 0;
	res = PQprepare(s->conn, store_pg_stmts[stmt].name, store_pg_stmts[stmt].sql,
	    store_pg_stmts[stmt].nparams, NULL);
	state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	/* duplicate_prepared_statement: this session has it (the same program made it) */
	if (state != NULL && strcmp(state, "42P05") == 0)
		s->prepared |= 1u << stmt;
	else if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		store_pg_fail(s, store_pg_stmts[stmt].name, res != NULL ?
		    PQresultErrorMessage(res) : PQerrorMessage(s->conn), cause);
		rc = -1;
	} else
		s->prepared |= 1u << stmt;
	PQclear(res);
	return rc;
}

/* ---- the status lookup's pipeline ---- */

enum { VIEW_RATE, VIEW_APP, VIEW_MAIL, VIEW__MAX };

static const enum store_pg_stmt store_pg_view_stmts[VIEW__MAX] = {
	[VIEW_RATE] = STORE_PG_RATE_TAKE,
	[VIEW_APP] = STORE_PG_APP_GET,
	[VIEW_MAIL] = STORE_PG_MAIL_OF,
};

/*
 * Leaves pipeline mode whatever state the pipeline is in: every result still due is read
 * (up to the sync, if it was sent). A connection that cannot be brought back to the
 * ordinary mode is reset: the next call must not find a half-read pipeline.
 */
static void
store_pg_view_leave(struct store_pg *s, int synced)
{
	PGresult	*res;
	int		 nulls = 0;

	while (synced && PQstatus(s->conn) == CONNECTION_OK && nulls < 2) {
		if ((res = PQgetResult(s->conn)) == NULL) {
			nulls++;	/* the end of one query's results */
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		PQclear(res);
	}
	if (PQexitPipelineMode(s->conn) != 1 && PQstatus(s->conn) == CONNECTION_OK) {
		log_warning("the store %s: leaving pipeline mode: %s: connecting again",
		    s->where, PQerrorMessage(s->conn));
		PQreset(s->conn);
		s->prepared = 0;
	}
}

/*
 * Sends the pipeline and reads each query's result into res[] (NULL for one not sent):
 * 0 when every one succeeded, else -1 with the first failure's cause; *stale when the
 * server no longer knew a prepared statement (a pooler's DISCARD, say).
 */
static int
store_pg_view_run(struct store_pg *s, const char *const *v[VIEW__MAX],
    PGresult *res[VIEW__MAX], int *stale, char **cause)
{
	PGresult	*r;
	ExecStatusType	 es;
	const char	*state;
	int		 i, synced = 0, failed = 0;

	if (PQenterPipelineMode(s->conn) != 1) {
		store_pg_fail(s, "status lookup", PQerrorMessage(s->conn), cause);
		return -1;
	}
	for (i = 0; i < VIEW__MAX; i++) {
		if (v[i] != NULL && PQsendQueryPrepared(s->conn,
		    store_pg_stmts[store_pg_view_stmts[i]].name,
		    store_pg_stmts[store_pg_view_stmts[i]].nparams, v[i], NULL, NULL, 0) != 1)
			goto fail;
	}
	if (PQpipelineSync(s->conn) != 1)
		goto fail;
	synced = 1;
	for (i = 0; i < VIEW__MAX; i++) {
		if (v[i] == NULL)
			continue;
		if ((res[i] = PQgetResult(s->conn)) == NULL)
			goto fail;
		es = PQresultStatus(res[i]);
		/* the first failure; the queries after it are PGRES_PIPELINE_ABORTED */
		if (es != PGRES_TUPLES_OK && es != PGRES_COMMAND_OK && !failed) {
			state = PQresultErrorField(res[i], PG_DIAG_SQLSTATE);
			if (state != NULL && strcmp(state, "26000") == 0) {
				/* invalid_sql_statement_name */
				s->prepared &= ~(1u << store_pg_view_stmts[i]);
				*stale = 1;
			}
			store_pg_fail(s, store_pg_stmts[store_pg_view_stmts[i]].name,
			    PQresultErrorMessage(res[i]), cause);
			failed = 1;
		}
		if ((r = PQgetResult(s->conn)) != NULL) {	/* one result a query */
			PQclear(r);
			goto fail;
		}
	}
	if ((r = PQgetResult(s->conn)) == NULL || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
		PQclear(r);
		goto fail;
	}
	PQclear(r);
	if (PQexitPipelineMode(s->conn) != 1)
		goto fail;
	return failed ? -1 : 0;
fail:
	if (!failed)
		store_pg_fail(s, "status lookup", PQerrorMessage(s->conn), cause);
	store_pg_view_leave(s, synced);
	return -1;
}

/*
 * One try: -1 with *again when it may be tried once more (the connection was found lost,
 * or a prepared statement gone).
 */
static int
store_pg_view_once(struct store_pg *s, const struct store_rate *rate, const char *number,
    struct store_view *view, int *again, char **cause)
{
	PGresult	*res[VIEW__MAX] = { NULL };
	char		 b[2][24];
	const char	*rv[] = { rate != NULL ? rate->key : NULL,
	    store_pg_i(b[0], rate != NULL ? (long long)rate->window_start : 0),
	    store_pg_i(b[1], rate != NULL ? rate->limit : 0) };
	const char *const *v[VIEW__MAX] = { rate != NULL ? rv : NULL, &number, &number };
	int		 i, stale = 0, rc = -1;

	*again = 0;
	store_pg_revive(s);
	for (i = 0; i < VIEW__MAX; i++)
		if (v[i] != NULL && store_pg_prepare(s, store_pg_view_stmts[i], cause) == -1)
			goto out;
	if (store_pg_view_run(s, v, res, &stale, cause) == -1)
		goto out;
	view->allowed = rate == NULL || PQntuples(res[VIEW_RATE]) == 1;
	if (!view->allowed) {
		rc = 0;
		goto out;
	}
	rc = store_pg_app_result(s, "app_get", res[VIEW_APP], &view->app, &view->found,
	    cause);
	res[VIEW_APP] = NULL;
	if (rc == 0 && view->found) {
		rc = store_pg_mail_result(s, "mail_list", res[VIEW_MAIL], &view->mail, NULL,
		    &view->nmail, cause);
		res[VIEW_MAIL] = NULL;
	}
out:
	for (i = 0; i < VIEW__MAX; i++)
		PQclear(res[i]);
	*again = rc == -1 && (stale || (s->depth == 0 && PQstatus(s->conn) == CONNECTION_BAD));
	return rc;
}

/*
 * The pipeline's queries run in one implicit transaction, committed at its sync: a read
 * that fails takes the count back with it. A refused count still reads the application
 * (the pipeline is sent whole); its answer is dropped. A connection found lost is opened
 * again and the pipeline sent once more, as store_pg_exec does for a read (and so is one
 * whose prepared statements are gone): the count may then be taken twice, never
 * skipped. Inside store_begin's transaction the calls are made one by one.
 */
int
store_pg_app_view(struct store *stp, const struct store_rate *rate, const char *number,
    struct store_view *view, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 again, rc;

	memset(view, 0, sizeof *view);
	if (s->depth > 0)
		return store_app_view_each(stp, rate, number, view, cause);
	if ((rc = store_pg_view_once(s, rate, number, view, &again, cause)) == -1) {
		store_view_free(view);
		if (again) {
			store_pg_forget(cause);
			rc = store_pg_view_once(s, rate, number, view, &again, cause);
		}
		if (rc == -1)
			store_view_free(view);
	}
	return rc;
}

/*
 * store-pg — the PostgreSQL backend of store.h, for several ncaenrolld instances on one
 * database. One connection per handle (the HTTP layer keeps one handle per thread, as with
 * SQLite). Every statement is static SQL with text parameters. Transactions are READ
 * COMMITTED; what must not happen twice across instances is decided by the database in
 * one statement (UPDATE ... WHERE status = from, DELETE ... RETURNING, INSERT ... ON
 * CONFLICT, SELECT ... FOR UPDATE SKIP LOCKED) or under an advisory lock (migrations, the
 * audit chain's tail, the background jobs). A connection lost outside a transaction is
 * opened again on the next call; a read is then tried once more, a write reported.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "common/alpha.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "ncaenrolld/store-pg-int.h"

/*
 * Ordered migrations, as SQLite's (store-sqlite.c): element i takes the schema from
 * version i to i + 1 in the transaction that records it. Version 1 is SQLite's schema at
 * its version 6 in PostgreSQL's words, plus what several writers need: an identity per
 * application row (the order of two made in the same second), one per revocation (the
 * revocation generation) and a lease on a mail being sent. Never edit a shipped one.
 */
static const char *const store_pg_migrations[] = {
	/* 1: the schema */
	"CREATE TABLE roles ("
	" id TEXT PRIMARY KEY,"
	" name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT,"
	" dc TEXT NOT NULL, oid TEXT NOT NULL);"
	"CREATE TABLE regions ("
	" id TEXT PRIMARY KEY,"
	" name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT);"
	"CREATE TABLE cities ("
	" id TEXT PRIMARY KEY,"
	" region_id TEXT NOT NULL REFERENCES regions (id),"
	" name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT);"
	"CREATE INDEX cities_region ON cities (region_id);"
	"CREATE TABLE offices ("
	" id TEXT PRIMARY KEY,"
	" city_id TEXT NOT NULL REFERENCES cities (id),"
	" name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT,"
	" address TEXT);"
	"CREATE INDEX offices_city ON offices (city_id);"
	"CREATE TABLE organizations ("
	" bin TEXT PRIMARY KEY,"
	" name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT,"
	" region_id TEXT REFERENCES regions (id));"
	"CREATE TABLE gu_codes ("
	" bin TEXT NOT NULL REFERENCES organizations (bin) ON DELETE CASCADE,"
	" code TEXT NOT NULL,"
	" PRIMARY KEY (bin, code));"
	"CREATE TABLE persons ("
	" iin TEXT PRIMARY KEY,"
	" surname TEXT NOT NULL, given_name TEXT NOT NULL, patronymic TEXT NOT NULL);"
	"CREATE TABLE captchas ("
	" id TEXT PRIMARY KEY, answer_hash TEXT NOT NULL, expires BIGINT NOT NULL);"
	"CREATE INDEX captchas_expires ON captchas (expires);"
	"CREATE TABLE tokens ("
	" token TEXT PRIMARY KEY, bin TEXT NOT NULL, expires BIGINT NOT NULL,"
	" client TEXT NOT NULL DEFAULT '', iin_checks INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX tokens_expires ON tokens (expires);"
	"CREATE TABLE applications ("
	" number TEXT PRIMARY KEY,"
	" seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('submitted', 'issued', 'installed', 'rejected', 'cancelled', 'revoked')),"
	" created BIGINT NOT NULL, deadline BIGINT NOT NULL,"
	" decided BIGINT, installed BIGINT,"
	" bin TEXT NOT NULL, iin TEXT NOT NULL,"
	" org_name TEXT, surname TEXT, given_name TEXT, patronymic TEXT, email TEXT,"
	" role_id TEXT, region_id TEXT, city_id TEXT, gu_code TEXT, storage TEXT, lang TEXT,"
	" csr_auth TEXT NOT NULL, csr_sign TEXT NOT NULL,"
	" key_auth TEXT NOT NULL UNIQUE, key_sign TEXT NOT NULL UNIQUE,"
	" cert_auth TEXT, cert_sign TEXT, serial_auth TEXT, serial_sign TEXT,"
	" not_before BIGINT, not_after BIGINT,"
	" reject_reason TEXT, install_nonce TEXT, reject_code TEXT, reject_text TEXT,"
	" revoked_at BIGINT, revoke_reason TEXT, revoked_by TEXT,"
	" renews TEXT REFERENCES applications (number));"
	"CREATE INDEX applications_status_created ON applications (status, created);"
	"CREATE INDEX applications_status_deadline ON applications (status, deadline);"
	"CREATE INDEX applications_iin ON applications (iin, created);"
	"CREATE INDEX applications_renews ON applications (renews);"
	"CREATE INDEX applications_serial_auth ON applications (serial_auth);"
	"CREATE INDEX applications_serial_sign ON applications (serial_sign);"
	"CREATE INDEX applications_not_after ON applications (status, not_after);"
	"CREATE TABLE events ("
	" id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX events_number ON events (number, at);"
	"CREATE TABLE operators ("
	" name TEXT PRIMARY KEY,"
	" office TEXT NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor')),"
	" serial TEXT NOT NULL,"
	" created BIGINT NOT NULL, not_after BIGINT NOT NULL, revoked BIGINT);"
	"CREATE TABLE audit ("
	" id BIGINT PRIMARY KEY,"
	" at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
	" number TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_number ON audit (number);"
	"CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	" 'BEGIN RAISE EXCEPTION ''the audit log is append-only''; END';"
	"CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
	" FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
	"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
	" FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();"
	"CREATE TABLE revocations ("
	" serial TEXT PRIMARY KEY,"
	" id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" reason INTEGER NOT NULL, revoked_at BIGINT NOT NULL);"
	"CREATE INDEX revocations_at ON revocations (revoked_at);"
	"CREATE TABLE challenges ("
	" nonce TEXT PRIMARY KEY, number TEXT NOT NULL, action TEXT NOT NULL,"
	" expires BIGINT NOT NULL);"
	"CREATE INDEX challenges_expires ON challenges (expires);"
	"CREATE TABLE crl_numbers (name TEXT PRIMARY KEY, last BIGINT NOT NULL);"
	"CREATE TABLE outbox ("
	" id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" notice TEXT NOT NULL, recipient TEXT NOT NULL, lang TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN"
	"  ('queued', 'sending', 'sent', 'refused', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" queued BIGINT NOT NULL, next_try BIGINT NOT NULL, done BIGINT, error TEXT,"
	" lease BIGINT,"
	" UNIQUE (number, notice));"
	"CREATE INDEX outbox_due ON outbox (state, next_try);",
	/* 2: rate limits counted for every instance (store_rate_take) */
	"CREATE TABLE rate_windows ("
	" key TEXT NOT NULL, window_start BIGINT NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (key, window_start));"
	"CREATE INDEX rate_windows_start ON rate_windows (window_start);",
	/* 3: the CSRs in a table of their own, as SQLite's migration 7 (PostgreSQL already
	 * kept them out of line, TOASTed: the same shape for both, read by store_app_csrs) */
	"CREATE TABLE csrs ("
	" number TEXT PRIMARY KEY REFERENCES applications (number),"
	" csr_auth TEXT NOT NULL, csr_sign TEXT NOT NULL);"
	"INSERT INTO csrs (number, csr_auth, csr_sign)"
	" SELECT number, csr_auth, csr_sign FROM applications ORDER BY seq;"
	"ALTER TABLE applications DROP COLUMN csr_auth, DROP COLUMN csr_sign;",
};
#define STORE_PG_VERSION \
	((int)(sizeof store_pg_migrations / sizeof store_pg_migrations[0]))

/* ---- parameters, results, errors ---- */

const char *
store_pg_i(char buf[24], long long v)
{
	(void)snprintf(buf, 24, "%lld", v);
	return buf;
}

const char *
store_pg_i0(char buf[24], long long v)
{
	return v == 0 ? NULL : store_pg_i(buf, v);
}

const char *
store_pg_t0(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

int
store_pg_cs(const PGresult *res, int row, int col, char **out)
{
	*out = NULL;
	if (PQgetisnull(res, row, col))
		return 0;
	return (*out = strdup(PQgetvalue(res, row, col))) == NULL ? -1 : 0;
}

int
store_pg_cb(const PGresult *res, int row, int col, char *buf, size_t size)
{
	const char	*v;
	size_t		 len;

	buf[0] = '\0';
	if (PQgetisnull(res, row, col))
		return 0;
	v = PQgetvalue(res, row, col);
	if ((len = strlen(v)) >= size)
		return -1;
	memcpy(buf, v, len + 1);
	return 0;
}

long long
store_pg_ci(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return 0;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

void
store_pg_fail(struct store_pg *s, const char *what, const char *msg, char **cause)
{
	char	*m;
	size_t	 len;

	if ((m = strdup(msg != NULL && *msg != '\0' ? msg : "?")) == NULL) {
		cause_set(cause, _("the store %s: %s: out of memory"), s->where, what);
		return;
	}
	len = strlen(m);
	while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
		m[--len] = '\0';
	cause_set(cause, _("the store %s: %s: %s"), s->where, what, m);
	free(m);
}

void
store_pg_forget(char **cause)
{
	if (cause != NULL) {
		free(*cause);
		*cause = NULL;
	}
}

void
store_pg_revive(struct store_pg *s)
{
	if (s->depth == 0 && PQstatus(s->conn) == CONNECTION_BAD) {
		log_warning("the store %s: the connection was lost: connecting again", s->where);
		PQreset(s->conn);
		s->prepared = 0;	/* the statements went with the old session */
	}
}

/*
 * stmt: a prepared statement's (prepared here first if this connection has not), or
 * STORE_PG_STMT__MAX for sql sent as it is. A prepared statement the server no longer
 * knows (a pooler's DISCARD, say) is prepared again once.
 */
static PGresult *
store_pg_exec_as(struct store_pg *s, const char *what, enum store_pg_stmt stmt,
    const char *sql, int n, const char *const *v, int read, char **cause)
{
	PGresult	*res;
	ExecStatusType	 es;
	const char	*state;
	int		 tries, gone = 0;

	for (tries = 0;; tries++) {
		store_pg_revive(s);
		if (stmt == STORE_PG_STMT__MAX)
			res = PQexecParams(s->conn, sql, n, NULL, v, NULL, NULL, 0);
		else if (store_pg_prepare(s, stmt, cause) == -1) {
			if (tries > 0 || !read || s->depth > 0 ||
			    PQstatus(s->conn) != CONNECTION_BAD)
				return NULL;
			store_pg_forget(cause);	/* lost before its first use: again */
			continue;
		} else
			res = PQexecPrepared(s->conn, store_pg_stmt_name(stmt),
			    store_pg_stmt_nparams(stmt), v, NULL, NULL, 0);
		es = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK)
			return res;
		state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		if (stmt != STORE_PG_STMT__MAX && !gone && state != NULL &&
		    strcmp(state, "26000") == 0) {
			s->prepared &= ~(1u << stmt);	/* invalid_sql_statement_name */
			gone = 1;
			PQclear(res);
			continue;
		}
		if (tries == 0 && read && s->depth == 0 &&
		    PQstatus(s->conn) == CONNECTION_BAD) {
			PQclear(res);
			continue;
		}
		store_pg_fail(s, what, res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(s->conn), cause);
		PQclear(res);
		return NULL;
	}
}

PGresult *
store_pg_exec(struct store_pg *s, const char *what, const char *sql, int n,
    const char *const *v, char **cause)
{
	return store_pg_exec_as(s, what, STORE_PG_STMT__MAX, sql, n, v,
	    strncmp(sql, "SELECT", 6) == 0, cause);
}

PGresult *
store_pg_execp(struct store_pg *s, enum store_pg_stmt stmt, const char *const *v,
    char **cause)
{
	return store_pg_exec_as(s, store_pg_stmt_name(stmt), stmt, NULL, 0, v,
	    store_pg_stmt_read(stmt), cause);
}

int
store_pg_run(struct store_pg *s, const char *what, const char *sql, int n,
    const char *const *v, long long *rows, char **cause)
{
	PGresult	*res;

	if ((res = store_pg_exec(s, what, sql, n, v, cause)) == NULL)
		return -1;
	if (rows != NULL)
		*rows = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* ---- transactions ---- */

static const char *const store_pg_audit_lock[] = { STORE_PG_LOCK_CLASS,
    STORE_PG_LOCK_AUDIT };

int
store_pg_op_begin(struct store_pg *s, int *nested, int audit, char **cause)
{
	*nested = s->bulk;
	if (store_pg_run(s, "begin", *nested ? "SAVEPOINT store_op" : "BEGIN", 0, NULL, NULL,
	    cause) == -1)
		return -1;
	s->depth++;
	if (audit && store_pg_run(s, "audit lock",
	    "SELECT pg_advisory_xact_lock($1::int, $2::int)", 2, store_pg_audit_lock, NULL,
	    cause) == -1) {
		(void)store_pg_op_end(s, *nested, -1, NULL);
		return -1;
	}
	return 0;
}

int
store_pg_op_end(struct store_pg *s, int nested, int rc, char **cause)
{
	if (rc == 0 && store_pg_run(s, "commit", nested ? "RELEASE store_op" : "COMMIT", 0,
	    NULL, NULL, cause) == -1)
		rc = -1;
	if (rc == -1 && nested) {
		if (store_pg_run(s, "rollback", "ROLLBACK TO store_op", 0, NULL, NULL,
		    NULL) == -1 ||
		    store_pg_run(s, "rollback", "RELEASE store_op", 0, NULL, NULL, NULL) == -1)
			log_warning("the store %s: rolling back to a savepoint failed",
			    s->where);
	} else if (rc == -1 && PQtransactionStatus(s->conn) != PQTRANS_IDLE &&
	    PQstatus(s->conn) == CONNECTION_OK) {
		if (store_pg_run(s, "rollback", "ROLLBACK", 0, NULL, NULL, NULL) == -1)
			log_warning("the store %s: rollback failed", s->where);
	}
	s->depth--;
	return rc;
}

static int
store_pg_begin(struct store *st, char **cause)
{
	struct store_pg	*s = store_pg_of(st);

	if (s->bulk) {
		cause_set(cause, _("the store %s: a transaction is already open"), s->where);
		return -1;
	}
	if (store_pg_run(s, "begin", "BEGIN", 0, NULL, NULL, cause) == -1)
		return -1;
	s->depth++;
	s->bulk = 1;
	return 0;
}

static int
store_pg_commit(struct store *st, char **cause)
{
	struct store_pg	*s = store_pg_of(st);
	int		 rc;

	if (!s->bulk)
		return store_pg_run(s, "commit", "COMMIT", 0, NULL, NULL, cause);
	rc = store_pg_run(s, "commit", "COMMIT", 0, NULL, NULL, cause);
	s->bulk = 0;
	s->depth--;
	return rc;
}

static int
store_pg_rollback(struct store *st)
{
	struct store_pg	*s = store_pg_of(st);
	int		 rc = 0;

	if (!s->bulk)
		return 0;	/* nothing open */
	s->bulk = 0;
	s->depth--;
	if (PQstatus(s->conn) == CONNECTION_OK)
		rc = store_pg_run(s, "rollback", "ROLLBACK", 0, NULL, NULL, NULL);
	return rc;
}

/* ---- opening: the connection and migrations ---- */

/* libpq's notices (a ROLLBACK with nothing open) are not the service's to show. */
static void
store_pg_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgresql: %s", message);
}

/* The URI as messages name it: no user, password or options (they may hold secrets). */
static char *
store_pg_where(const char *uri)
{
	const char	*host = strstr(uri, "://"), *at, *end;
	char		*w = NULL;

	host = host != NULL ? host + 3 : uri;
	end = host + strcspn(host, "?");
	if ((at = memchr(host, '@', (size_t)(end - host))) != NULL)
		host = at + 1;
	if (asprintf(&w, "postgresql://%.*s", (int)(end - host), host) == -1)
		return NULL;
	return w;
}

static int
store_pg_migrate(struct store_pg *s, char **cause)
{
	static const char *const lock[] = { STORE_PG_LOCK_CLASS, STORE_PG_LOCK_MIGRATE };
	PGresult	*res;
	const char	*v[2];
	char		 b[2][24];
	int		 nested, version, rc = -1;

	/* Instances starting together: the first migrates, the others wait and find it done. */
	if (store_pg_op_begin(s, &nested, 0, cause) == -1)
		return -1;
	if (store_pg_run(s, "migration", "SELECT pg_advisory_xact_lock($1::int, $2::int)", 2,
	    lock, NULL, cause) == -1 ||
	    store_pg_run(s, "migration", "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, applied BIGINT NOT NULL)", 0, NULL, NULL,
	    cause) == -1)
		goto out;
	if ((res = store_pg_exec(s, "schema version",
	    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", 0, NULL, cause)) == NULL)
		goto out;
	version = (int)store_pg_ci(res, 0, 0);
	PQclear(res);
	if (version > STORE_PG_VERSION) {
		cause_set(cause, _("the store %s has schema version %d, newer than this "
		    "program knows (%d): run a newer ncaenrolld or restore a backup"), s->where,
		    version, STORE_PG_VERSION);
		goto out;
	}
	for (; version < STORE_PG_VERSION; version++) {
		/* static SQL without values, several statements: the simple protocol */
		res = PQexec(s->conn, store_pg_migrations[version]);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			store_pg_fail(s, "migration", PQresultErrorMessage(res), cause);
			PQclear(res);
			goto out;
		}
		PQclear(res);
		v[0] = store_pg_i(b[0], version + 1);
		v[1] = store_pg_i(b[1], (long long)time(NULL));
		if (store_pg_run(s, "migration", "INSERT INTO schema_migrations (version, applied)"
		    " VALUES ($1, $2)", 2, v, NULL, cause) == -1)
			goto out;
		log_info("the store %s: schema migrated to version %d", s->where, version + 1);
	}
	rc = 0;
out:
	return store_pg_op_end(s, nested, rc, cause);
}

static void
store_pg_close(struct store *st)
{
	struct store_pg	*s = store_pg_of(st);

	if (s == NULL)
		return;
	PQfinish(s->conn);
	free(s->conninfo);
	free(s->where);
	free(s);
}

static struct store *
store_pg_open(const char *location, char **cause)
{
	struct store_pg	*s;

	if ((s = calloc(1, sizeof *s)) == NULL ||
	    asprintf(&s->conninfo, "postgresql://%s", location) == -1 ||
	    (s->where = store_pg_where(s->conninfo)) == NULL) {
		if (s != NULL)
			free(s->conninfo);
		free(s);
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	s->base.ops = &store_pg_ops;
	if ((s->conn = PQconnectdb(s->conninfo)) == NULL) {
		cause_set(cause, _("the store %s: out of memory"), s->where);
		goto fail;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		store_pg_fail(s, "connect", PQerrorMessage(s->conn), cause);
		goto fail;
	}
	(void)PQsetNoticeProcessor(s->conn, store_pg_notice, NULL);
	/* UTC epoch integers throughout; the session's own settings change nothing here. */
	if (PQsetClientEncoding(s->conn, "UTF8") != 0) {
		store_pg_fail(s, "connect", PQerrorMessage(s->conn), cause);
		goto fail;
	}
	if (store_pg_migrate(s, cause) == -1)
		goto fail;
	return &s->base;
fail:
	store_pg_close(&s->base);
	return NULL;
}

/* ---- registries ---- */

static int
store_pg_org_put(struct store *stp, const struct store_org *o, char **cause)
{
	const char	*v[] = { o->bin, o->name.kk, o->name.ru, o->name.en, o->region_id };

	return store_pg_run(store_pg_of(stp), "org_put",
	    "INSERT INTO organizations (bin, name_kk, name_ru, name_en, region_id)"
	    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (bin) DO UPDATE SET"
	    " name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
	    " name_en = excluded.name_en, region_id = excluded.region_id", 5, v, NULL, cause);
}

static int
store_pg_org_get(struct store *stp, const char *bin, struct store_org *o, int *found,
    char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	int		 rc = 0;

	memset(o, 0, sizeof *o);
	*found = 0;
	if ((res = store_pg_exec(s, "org_get", "SELECT name_kk, name_ru, name_en, region_id"
	    " FROM organizations WHERE bin = $1", 1, &bin, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if (strlen(bin) >= sizeof o->bin || store_pg_cs(res, 0, 0, &o->name.kk) ||
		    store_pg_cs(res, 0, 1, &o->name.ru) || store_pg_cs(res, 0, 2, &o->name.en) ||
		    store_pg_cs(res, 0, 3, &o->region_id)) {
			cause_set(cause, _("the store %s: org_get: out of memory"), s->where);
			store_org_free(o);
			rc = -1;
		} else {
			memcpy(o->bin, bin, strlen(bin) + 1);
			*found = 1;
		}
	}
	PQclear(res);
	return rc;
}

static int
store_pg_gu_code_put(struct store *stp, const char *bin, const char *code, char **cause)
{
	const char	*v[] = { bin, code };

	return store_pg_run(store_pg_of(stp), "gu_code_put", "INSERT INTO gu_codes (bin, code)"
	    " VALUES ($1, $2) ON CONFLICT (bin, code) DO NOTHING", 2, v, NULL, cause);
}

static int
store_pg_gu_codes_clear(struct store *stp, const char *bin, char **cause)
{
	return store_pg_run(store_pg_of(stp), "gu_codes_clear",
	    "DELETE FROM gu_codes WHERE bin = $1", 1, &bin, NULL, cause);
}

int
store_pg_strv(struct store_pg *s, const char *what, const char *sql, int n,
    const char *const *v, char ***out, char **cause)
{
	PGresult	*res;
	char		**sv;
	int		  i, rows;

	*out = NULL;
	if ((res = store_pg_exec(s, what, sql, n, v, cause)) == NULL)
		return -1;
	rows = PQntuples(res);
	if ((sv = calloc((size_t)rows + 1, sizeof *sv)) == NULL)
		goto oom;
	for (i = 0; i < rows; i++)
		if (store_pg_cs(res, i, 0, &sv[i]) == -1 || sv[i] == NULL)
			goto oom;
	PQclear(res);
	*out = sv;
	return 0;
oom:
	cause_set(cause, _("the store %s: %s: out of memory"), s->where, what);
	store_strv_free(sv);
	PQclear(res);
	return -1;
}

static int
store_pg_gu_codes(struct store *stp, const char *bin, char ***codes, char **cause)
{
	return store_pg_strv(store_pg_of(stp), "gu_codes",
	    "SELECT code FROM gu_codes WHERE bin = $1 ORDER BY code", 1, &bin, codes, cause);
}

static int
store_pg_person_put(struct store *stp, const struct store_person *p, char **cause)
{
	const char	*v[] = { p->iin, p->surname, p->given_name, p->patronymic };

	return store_pg_run(store_pg_of(stp), "person_put",
	    "INSERT INTO persons (iin, surname, given_name, patronymic)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT (iin) DO UPDATE SET"
	    " surname = excluded.surname, given_name = excluded.given_name,"
	    " patronymic = excluded.patronymic", 4, v, NULL, cause);
}

static int
store_pg_person_get(struct store *stp, const char *iin, struct store_person *p,
    int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	int		 rc = 0;

	memset(p, 0, sizeof *p);
	*found = 0;
	if ((res = store_pg_exec(s, "person_get", "SELECT surname, given_name, patronymic"
	    " FROM persons WHERE iin = $1", 1, &iin, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if (strlen(iin) >= sizeof p->iin || store_pg_cs(res, 0, 0, &p->surname) ||
		    store_pg_cs(res, 0, 1, &p->given_name) ||
		    store_pg_cs(res, 0, 2, &p->patronymic)) {
			cause_set(cause, _("the store %s: person_get: out of memory"), s->where);
			store_person_free(p);
			rc = -1;
		} else {
			memcpy(p->iin, iin, strlen(iin) + 1);
			*found = 1;
		}
	}
	PQclear(res);
	return rc;
}

/* ---- directories ---- */

/*
 * One table each, every query yielding the same eight columns as SQLite's (id, parent,
 * kk, ru, en, dc, oid, address). Sorting by the Russian name in the Kazakh alphabet's
 * order is done here with common/alpha.c, as SQLite's collation does: the server's ICU
 * collations differ between versions, and a directory is a few hundred rows.
 */
enum store_pg_dq { PDQ_PUT, PDQ_ALL, PDQ_UNDER, PDQ_GET, PDQ__MAX };
/* The fields of struct store_entry a put may send. */
enum store_pg_ed { ED_ID, ED_PARENT, ED_KK, ED_RU, ED_EN, ED_DC, ED_OID, ED_ADDRESS };

static const struct {
	const char	*name;
	int		 alpha;			/* sorted by name, else by id */
	int		 put[8];		/* PDQ_PUT's $1..$n: fields, -1 ends */
	const char	*sql[PDQ__MAX];		/* PDQ_UNDER NULL: no parents */
} store_pg_dirs[] = {
	[STORE_ROLES] = { "role", 0, { ED_ID, ED_KK, ED_RU, ED_EN, ED_DC, ED_OID, -1 }, {
	    [PDQ_PUT] = "INSERT INTO roles (id, name_kk, name_ru, name_en, dc, oid)"
		" VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO UPDATE SET"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en, dc = excluded.dc, oid = excluded.oid",
	    [PDQ_ALL] = "SELECT id, NULL, name_kk, name_ru, name_en, dc, oid, NULL"
		" FROM roles ORDER BY id",
	    [PDQ_GET] = "SELECT id, NULL, name_kk, name_ru, name_en, dc, oid, NULL"
		" FROM roles WHERE id = $1",
	} },
	[STORE_REGIONS] = { "region", 1, { ED_ID, ED_KK, ED_RU, ED_EN, -1 }, {
	    [PDQ_PUT] = "INSERT INTO regions (id, name_kk, name_ru, name_en)"
		" VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en",
	    [PDQ_ALL] = "SELECT id, NULL, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM regions ORDER BY id",
	    [PDQ_GET] = "SELECT id, NULL, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM regions WHERE id = $1",
	} },
	[STORE_CITIES] = { "city", 1, { ED_ID, ED_PARENT, ED_KK, ED_RU, ED_EN, -1 }, {
	    [PDQ_PUT] = "INSERT INTO cities (id, region_id, name_kk, name_ru, name_en)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET"
		" region_id = excluded.region_id, name_kk = excluded.name_kk,"
		" name_ru = excluded.name_ru, name_en = excluded.name_en",
	    [PDQ_ALL] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities ORDER BY id",
	    [PDQ_UNDER] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities WHERE region_id = $1 ORDER BY id",
	    [PDQ_GET] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities WHERE id = $1",
	} },
	[STORE_OFFICES] = { "office", 1,
	    { ED_ID, ED_PARENT, ED_KK, ED_RU, ED_EN, ED_ADDRESS, -1 }, {
	    [PDQ_PUT] = "INSERT INTO offices (id, city_id, name_kk, name_ru, name_en, address)"
		" VALUES ($1, $2, $3, $4, $5, $6)"
		" ON CONFLICT (id) DO UPDATE SET city_id = excluded.city_id,"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en, address = excluded.address",
	    [PDQ_ALL] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices ORDER BY id",
	    [PDQ_UNDER] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices WHERE city_id = $1 ORDER BY id",
	    [PDQ_GET] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices WHERE id = $1",
	} },
};
_Static_assert(sizeof store_pg_dirs / sizeof store_pg_dirs[0] == STORE_DIR__MAX,
    "one row per directory");

static int
store_pg_entry_put(struct store *stp, enum store_dir d, const struct store_entry *e,
    char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	const char	*all[] = { e->id, e->parent_id, e->name.kk, e->name.ru, e->name.en,
	    e->dc, e->oid, e->address };
	const char	*v[8];
	int		 n;

	for (n = 0; n < 8 && store_pg_dirs[d].put[n] != -1; n++)
		v[n] = all[store_pg_dirs[d].put[n]];
	return store_pg_run(s, store_pg_dirs[d].name, store_pg_dirs[d].sql[PDQ_PUT], n, v,
	    NULL, cause);
}

static int
store_pg_entry_read(const PGresult *res, int row, struct store_entry *e)
{
	memset(e, 0, sizeof *e);
	if (store_pg_cs(res, row, 0, &e->id) || store_pg_cs(res, row, 1, &e->parent_id) ||
	    store_pg_cs(res, row, 2, &e->name.kk) || store_pg_cs(res, row, 3, &e->name.ru) ||
	    store_pg_cs(res, row, 4, &e->name.en) || store_pg_cs(res, row, 5, &e->dc) ||
	    store_pg_cs(res, row, 6, &e->oid) || store_pg_cs(res, row, 7, &e->address)) {
		store_entry_free(e);
		return -1;
	}
	return 0;
}

static int
store_pg_entry_cmp(const void *a, const void *b)
{
	const struct store_entry	*x = a, *y = b;
	int				 c;

	c = alpha_strcmp(x->name.ru != NULL ? x->name.ru : "",
	    y->name.ru != NULL ? y->name.ru : "");
	return c != 0 ? c : strcmp(x->id, y->id);
}

static int
store_pg_entries(struct store *stp, enum store_dir d, const char *parent_id,
    struct store_list *l, char **cause)
{
	struct store_pg		*s = store_pg_of(stp);
	const char		*what = store_pg_dirs[d].name;
	enum store_pg_dq	 q = parent_id == NULL ? PDQ_ALL : PDQ_UNDER;
	PGresult		*res;
	int			 i, rows;

	memset(l, 0, sizeof *l);
	if (store_pg_dirs[d].sql[q] == NULL)
		return 0;	/* roles and regions have no parents: nothing is under one */
	if ((res = store_pg_exec(s, what, store_pg_dirs[d].sql[q], parent_id != NULL,
	    &parent_id, cause)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (l->v = calloc((size_t)rows, sizeof *l->v)) == NULL)
		goto oom;
	for (i = 0; i < rows; i++, l->n++)
		if (store_pg_entry_read(res, i, &l->v[i]) == -1)
			goto oom;
	PQclear(res);
	if (store_pg_dirs[d].alpha && l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, store_pg_entry_cmp);
	return 0;
oom:
	cause_set(cause, _("the store %s: %s: out of memory"), s->where, what);
	store_list_free(l);
	PQclear(res);
	return -1;
}

static int
store_pg_entry_get(struct store *stp, enum store_dir d, const char *id,
    struct store_entry *e, int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	const char	*what = store_pg_dirs[d].name;
	PGresult	*res;
	int		 rc = 0;

	memset(e, 0, sizeof *e);
	*found = 0;
	if ((res = store_pg_exec(s, what, store_pg_dirs[d].sql[PDQ_GET], 1, &id,
	    cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if (store_pg_entry_read(res, 0, e) == -1) {
			cause_set(cause, _("the store %s: %s: out of memory"), s->where, what);
			rc = -1;
		} else
			*found = 1;
	}
	PQclear(res);
	return rc;
}

/* ---- captchas, tokens, challenges ---- */

static int
store_pg_captcha_put(struct store *stp, const char *id, const char *answer_hash,
    time_t expires, char **cause)
{
	char		 b[24];
	const char	*v[] = { id, answer_hash, store_pg_i(b, expires) };

	return store_pg_run(store_pg_of(stp), "captcha_put", "INSERT INTO captchas"
	    " (id, answer_hash, expires) VALUES ($1, $2, $3)", 3, v, NULL, cause);
}

/* One statement deletes and reads back: of two instances taking it, one gets it. */
static int
store_pg_captcha_take(struct store *stp, const char *id, time_t now, char **answer_hash,
    int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	int		 rc = 0;

	*answer_hash = NULL;
	*found = 0;
	if ((res = store_pg_exec(s, "captcha_take", "DELETE FROM captchas WHERE id = $1"
	    " RETURNING answer_hash, expires", 1, &id, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0 && now < store_pg_ci(res, 0, 1)) {
		if (store_pg_cs(res, 0, 0, answer_hash) == -1 || *answer_hash == NULL) {
			cause_set(cause, _("the store %s: captcha_take: out of memory"),
			    s->where);
			rc = -1;
		} else
			*found = 1;
	}
	PQclear(res);
	return rc;
}

static int
store_pg_token_put(struct store *stp, const char *token, const char *bin,
    const char *client, time_t expires, char **cause)
{
	char		 b[24];
	const char	*v[] = { token, bin, client, store_pg_i(b, expires) };

	return store_pg_run(store_pg_of(stp), "token_put", "INSERT INTO tokens"
	    " (token, bin, client, expires) VALUES ($1, $2, $3, $4)", 4, v, NULL, cause);
}

/* sql (bound to token, client, now[, max]) gives the token's BIN in its one row. */
static int
store_pg_token_row(struct store_pg *s, const char *what, const char *sql,
    const char *token, const char *client, time_t now, int max, char bin[13], int *found,
    char **cause)
{
	PGresult	*res;
	char		 b[2][24];
	const char	*v[] = { token, client, store_pg_i(b[0], now), store_pg_i(b[1], max) };
	int		 rc = 0;

	bin[0] = '\0';
	*found = 0;
	if ((res = store_pg_exec(s, what, sql, strstr(sql, "$4") != NULL ? 4 : 3, v,
	    cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if (store_pg_cb(res, 0, 0, bin, 13) == -1) {
			cause_set(cause, _("the store %s: %s: a stored BIN is too long"),
			    s->where, what);
			rc = -1;
		} else
			*found = 1;
	}
	PQclear(res);
	return rc;
}

#define STORE_PG_TOKEN_GET "SELECT bin FROM tokens WHERE token = $1 AND client = $2" \
	" AND expires > $3"

static int
store_pg_token_get(struct store *stp, const char *token, const char *client, time_t now,
    char bin[13], int *found, char **cause)
{
	return store_pg_token_row(store_pg_of(stp), "token_get", STORE_PG_TOKEN_GET, token,
	    client, now, 0, bin, found, cause);
}

/* One UPDATE counts or not: the row's lock makes checks from two instances take turns. */
static int
store_pg_token_use_iin(struct store *stp, const char *token, const char *client,
    time_t now, int max, enum store_token_use *use, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	char		 bin[13];
	int		 found;

	*use = STORE_TOKEN_UNKNOWN;
	if (store_pg_token_row(s, "token_use_iin", "UPDATE tokens SET iin_checks ="
	    " iin_checks + 1 WHERE token = $1 AND client = $2 AND expires > $3"
	    " AND iin_checks < $4 RETURNING bin", token, client, now, max, bin, &found,
	    cause) == -1)
		return -1;
	if (found) {
		*use = STORE_TOKEN_COUNTED;
		return 0;
	}
	if (store_pg_token_row(s, "token_get", STORE_PG_TOKEN_GET, token, client, now, 0,
	    bin, &found, cause) == -1)
		return -1;
	if (found)
		*use = STORE_TOKEN_USED_UP;
	return 0;
}

static int
store_pg_sweep(struct store *stp, time_t now, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	char		 b[24];
	const char	*v[] = { store_pg_i(b, now) };
	int		 nested, rc = -1;

	if (store_pg_op_begin(s, &nested, 0, cause) == -1)
		return -1;
	if (store_pg_run(s, "sweep", "DELETE FROM captchas WHERE expires <= $1", 1, v, NULL,
	    cause) == 0 &&
	    store_pg_run(s, "sweep", "DELETE FROM tokens WHERE expires <= $1", 1, v, NULL,
	    cause) == 0 &&
	    store_pg_run(s, "sweep", "DELETE FROM challenges WHERE expires <= $1", 1, v, NULL,
	    cause) == 0 &&
	    store_pg_run(s, "sweep", "DELETE FROM rate_windows WHERE window_start + "
	    STORE_PG_RATE_WINDOW " <= $1", 1, v, NULL, cause) == 0)
		rc = 0;
	return store_pg_op_end(s, nested, rc, cause);
}

/*
 * One statement (store-pg-view.c's STORE_PG_RATE_TAKE) decides, whichever instance asks.
 * No transaction of its own: a count holds no lock after it. Inside store_begin's it is
 * sent without its own synchronous_commit, which would be the whole transaction's.
 */
static int
store_pg_rate_take(struct store *stp, const char *key, time_t window_start, int limit,
    int *allowed, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	char		 b[24], l[24];
	const char	*v[] = { key, store_pg_i(b, window_start), store_pg_i(l, limit) };

	*allowed = 0;
	if (limit <= 0)
		return 0;
	if (s->depth > 0)
		res = store_pg_exec(s, "rate_take", "INSERT INTO rate_windows AS r"
		    " (key, window_start, n) VALUES ($1, $2, 1)"
		    " ON CONFLICT (key, window_start) DO UPDATE SET n = r.n + 1 WHERE r.n < $3"
		    " RETURNING n", 3, v, cause);
	else
		res = store_pg_execp(s, STORE_PG_RATE_TAKE, v, cause);
	if (res == NULL)
		return -1;
	*allowed = PQntuples(res) == 1;
	PQclear(res);
	return 0;
}

static int
store_pg_challenge_put(struct store *stp, const char *nonce, const char *number,
    const char *action, time_t expires, char **cause)
{
	char		 b[24];
	const char	*v[] = { nonce, number, action, store_pg_i(b, expires) };

	return store_pg_run(store_pg_of(stp), "challenge_put", "INSERT INTO challenges"
	    " (nonce, number, action, expires) VALUES ($1, $2, $3, $4)", 4, v, NULL, cause);
}

/* One statement deletes and reads back: of two instances taking it, one gets it. */
static int
store_pg_challenge_take(struct store *stp, const char *nonce, time_t now,
    char number[REQNUM_LEN + 1], char action[STORE_ACTION_MAX], int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	int		 rc = 0;

	number[0] = action[0] = '\0';
	*found = 0;
	if ((res = store_pg_exec(s, "challenge_take", "DELETE FROM challenges"
	    " WHERE nonce = $1 RETURNING number, action, expires", 1, &nonce,
	    cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0 && now < store_pg_ci(res, 0, 2)) {
		if (store_pg_cb(res, 0, 0, number, REQNUM_LEN + 1) == -1 ||
		    store_pg_cb(res, 0, 1, action, STORE_ACTION_MAX) == -1) {
			cause_set(cause, _("the store %s: challenge_take: a stored value is too "
			    "long"), s->where);
			number[0] = action[0] = '\0';
			rc = -1;
		} else
			*found = 1;
	}
	PQclear(res);
	return rc;
}

/* ---- the background jobs: one instance at a time ---- */

/*
 * A session lock, so that it outlives the job's transactions and goes with the connection
 * if the instance dies. The name is hashed into the key under class NCA.
 */
static int
store_pg_job_lock(struct store *stp, const char *name, int *got, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;

	*got = 0;
	if ((res = store_pg_exec(s, "job_lock", "SELECT pg_try_advisory_lock("
	    STORE_PG_LOCK_CLASS " + " STORE_PG_LOCK_JOBS ", hashtext($1))", 1, &name,
	    cause)) == NULL)
		return -1;
	*got = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return 0;
}

static void
store_pg_job_unlock(struct store *stp, const char *name)
{
	struct store_pg	*s = store_pg_of(stp);
	char		*cause = NULL;

	/* a lost connection took the lock with it */
	if (PQstatus(s->conn) != CONNECTION_OK)
		return;
	if (store_pg_run(s, "job_unlock", "SELECT pg_advisory_unlock(" STORE_PG_LOCK_CLASS
	    " + " STORE_PG_LOCK_JOBS ", hashtext($1))", 1, &name, NULL, &cause) == -1)
		log_warning("%s", cause);
	free(cause);
}

const struct store_ops store_pg_ops = {
	.scheme = "postgresql",
	.alias = "postgres",
	.open = store_pg_open,
	.close = store_pg_close,
	.begin = store_pg_begin,
	.commit = store_pg_commit,
	.rollback = store_pg_rollback,
	.org_put = store_pg_org_put,
	.org_get = store_pg_org_get,
	.gu_code_put = store_pg_gu_code_put,
	.gu_codes_clear = store_pg_gu_codes_clear,
	.gu_codes = store_pg_gu_codes,
	.person_put = store_pg_person_put,
	.person_get = store_pg_person_get,
	.entry_put = store_pg_entry_put,
	.entries = store_pg_entries,
	.entry_get = store_pg_entry_get,
	.captcha_put = store_pg_captcha_put,
	.captcha_take = store_pg_captcha_take,
	.token_put = store_pg_token_put,
	.token_get = store_pg_token_get,
	.token_use_iin = store_pg_token_use_iin,
	.sweep = store_pg_sweep,
	.rate_take = store_pg_rate_take,
	.app_insert = store_pg_app_insert,
	.app_get = store_pg_app_get,
	.app_csrs = store_pg_app_csrs,
	.app_transition = store_pg_app_transition,
	.app_numbers = store_pg_app_numbers,
	.app_overdue = store_pg_app_overdue,
	.events = store_pg_events,
	.operator_put = store_pg_operator_put,
	.operator_get = store_pg_operator_get,
	.operator_revoke = store_pg_operator_revoke,
	.operators = store_pg_operators,
	.app_queue = store_pg_app_queue,
	.app_revoke = store_pg_app_revoke,
	.apps_by_iin = store_pg_apps_by_iin,
	.challenge_put = store_pg_challenge_put,
	.challenge_take = store_pg_challenge_take,
	.cert_status = store_pg_cert_status,
	.revocations = store_pg_revocations,
	.crl_number_next = store_pg_crl_number_next,
	.revocation_generation = store_pg_revocation_generation,
	.audit_add = store_pg_audit_add,
	.audit_list = store_pg_audit_list,
	.mail_queue_due = store_pg_mail_queue_due,
	.mail_claim = store_pg_mail_claim,
	.mail_finish = store_pg_mail_finish,
	.mail_recover = store_pg_mail_recover,
	.mail_list = store_pg_mail_list,
	.mail_get = store_pg_mail_get,
	.job_lock = store_pg_job_lock,
	.job_unlock = store_pg_job_unlock,
	.counts = store_pg_counts,
	.app_view = store_pg_app_view,
};

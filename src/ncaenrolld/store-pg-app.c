/*
 * store-pg-app — applications, revocations, RA operators, the queue and the audit log of
 * the PostgreSQL backend (store.h). The SQL follows store-sqlite.c's. What differs is how
 * writers of several instances are kept apart: a move of an application is one UPDATE
 * ... WHERE status = from (the row's lock makes a second mover wait and then find it
 * moved); every change that writes the audit log takes the chain's advisory lock at its
 * start (store_pg_op_begin), so the chain stays one line and the revocation generation
 * grows in commit order.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/revocation.h"
#include "ncaenrolld/store-pg-int.h"

#define STORE_PG_OP_COLUMNS \
	"name, office, role, serial, created, not_after, revoked"
#define STORE_PG_AUDIT_COLUMNS \
	"id, at, actor, action, number, detail, prev_hash, hash"
#define STORE_PG_QUEUE_WHERE \
	"status = 'submitted' AND ($1::text IS NULL OR city_id = $1::text)" \
	" AND ($2::text IS NULL OR region_id = $2::text)" \
	" AND ($3::bigint IS NULL OR created <= $3::bigint)" \
	" AND ($4::bigint IS NULL OR created >= $4::bigint)" \
	" AND ($5::text IS NULL OR number = $5::text)" \
	" AND ($6::text IS NULL OR iin = $6::text OR bin = $6::text)"

enum store_pg_kind { PK_BUF, PK_STR, PK_TIME, PK_STATUS };

#define STORE_PG_COL(kind, field) \
	{ kind, #field, offsetof(struct store_app, field), \
	  sizeof(((struct store_app *)0)->field) }

static const struct {
	enum store_pg_kind	 kind;
	const char		*name;
	size_t			 off, size;
} store_pg_app_cols[] = {
	STORE_PG_COL(PK_BUF, number),
	STORE_PG_COL(PK_STATUS, status),
	STORE_PG_COL(PK_TIME, created),
	STORE_PG_COL(PK_TIME, deadline),
	STORE_PG_COL(PK_TIME, decided),
	STORE_PG_COL(PK_TIME, installed),
	STORE_PG_COL(PK_BUF, bin),
	STORE_PG_COL(PK_BUF, iin),
	STORE_PG_COL(PK_STR, org_name),
	STORE_PG_COL(PK_STR, surname),
	STORE_PG_COL(PK_STR, given_name),
	STORE_PG_COL(PK_STR, patronymic),
	STORE_PG_COL(PK_STR, email),
	STORE_PG_COL(PK_STR, role_id),
	STORE_PG_COL(PK_STR, region_id),
	STORE_PG_COL(PK_STR, city_id),
	STORE_PG_COL(PK_STR, gu_code),
	STORE_PG_COL(PK_STR, storage),
	STORE_PG_COL(PK_STR, lang),
	STORE_PG_COL(PK_BUF, key_auth),
	STORE_PG_COL(PK_BUF, key_sign),
	STORE_PG_COL(PK_STR, cert_auth),
	STORE_PG_COL(PK_STR, cert_sign),
	STORE_PG_COL(PK_BUF, serial_auth),
	STORE_PG_COL(PK_BUF, serial_sign),
	STORE_PG_COL(PK_TIME, not_before),
	STORE_PG_COL(PK_TIME, not_after),
	STORE_PG_COL(PK_STR, reject_reason),
	STORE_PG_COL(PK_STR, install_nonce),
	STORE_PG_COL(PK_STR, reject_code),
	STORE_PG_COL(PK_STR, reject_text),
	STORE_PG_COL(PK_TIME, revoked_at),
	STORE_PG_COL(PK_STR, revoke_reason),
	STORE_PG_COL(PK_STR, revoked_by),
	STORE_PG_COL(PK_BUF, renews),
};
#define STORE_PG_APP_NCOLS ((int)(sizeof store_pg_app_cols / sizeof store_pg_app_cols[0]))
_Static_assert(sizeof store_pg_app_cols / sizeof store_pg_app_cols[0] == 35,
    "the INSERT sends $1 to $35");

/* ---- applications: reading and writing rows ---- */

/* a's columns as text parameters; times are formatted into b. */
static void
store_pg_app_params(const struct store_app *a, const char *v[STORE_PG_APP_NCOLS],
    char b[STORE_PG_APP_NCOLS][24])
{
	const char	*base = (const char *)a;
	int		 i;

	for (i = 0; i < STORE_PG_APP_NCOLS; i++) {
		const void	*p = base + store_pg_app_cols[i].off;

		switch (store_pg_app_cols[i].kind) {
		case PK_BUF:
			v[i] = store_pg_t0(p);
			break;
		case PK_STR:
			v[i] = *(char *const *)p;
			break;
		case PK_TIME:
			v[i] = store_pg_i0(b[i], (long long)*(const time_t *)p);
			break;
		case PK_STATUS:
			v[i] = appstatus_wire(*(const enum app_status *)p);
			break;
		}
	}
}

/* Fills a from a row of STORE_PG_APP_SELECT; 0, or -1 naming the column that failed. */
static int
store_pg_app_read(const PGresult *res, int row, struct store_app *a, const char **bad)
{
	char	*base = (char *)a;
	int	 i, r = 0;

	memset(a, 0, sizeof *a);
	for (i = 0; i < STORE_PG_APP_NCOLS && r == 0; i++) {
		void	*p = base + store_pg_app_cols[i].off;

		*bad = store_pg_app_cols[i].name;
		switch (store_pg_app_cols[i].kind) {
		case PK_BUF:
			r = store_pg_cb(res, row, i, p, store_pg_app_cols[i].size);
			break;
		case PK_STR:
			r = store_pg_cs(res, row, i, p);
			break;
		case PK_TIME:
			*(time_t *)p = (time_t)store_pg_ci(res, row, i);
			break;
		case PK_STATUS:
			r = appstatus_parse(PQgetvalue(res, row, i), p);
			break;
		}
	}
	if (r == 0) {
		*bad = "renewed_by";
		r = store_pg_cb(res, row, STORE_PG_APP_NCOLS, a->renewed_by,
		    sizeof a->renewed_by);
	}
	if (r == -1)
		store_app_free(a);
	return r;
}

/* Every application row of a query into a malloc'd array (free with store_apps_free). */
static int
store_pg_apps_read(struct store_pg *s, const char *what, const char *sql, int n,
    const char *const *v, struct store_app **vp, size_t *np, char **cause)
{
	struct store_app	*a = NULL;
	const char		*bad = "a row";
	PGresult		*res;
	int			 i, rows;
	size_t			 got = 0;

	*vp = NULL;
	*np = 0;
	if ((res = store_pg_exec(s, what, sql, n, v, cause)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (a = calloc((size_t)rows, sizeof *a)) == NULL)
		goto bad;
	for (i = 0; i < rows; i++, got++)
		if (store_pg_app_read(res, i, &a[i], &bad) == -1)
			goto bad;
	PQclear(res);
	*vp = a;
	*np = got;
	return 0;
bad:
	cause_set(cause, _("the store %s: %s: cannot read %s"), s->where, what, bad);
	store_apps_free(a, got);
	PQclear(res);
	return -1;
}

/* The number of the application holding a key of the pair (sql: both, or either). */
static int
store_pg_app_by_keys(struct store_pg *s, const char *sql, const struct store_app *a,
    char number[REQNUM_LEN + 1], char **cause)
{
	const char	*v[] = { a->key_auth, a->key_sign };
	PGresult	*res;
	int		 rc = 0;

	number[0] = '\0';
	if ((res = store_pg_exec(s, "app_insert", sql, 2, v, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0 && store_pg_cb(res, 0, 0, number, REQNUM_LEN + 1) == -1) {
		cause_set(cause, _("the store %s: a stored request number is too long"),
		    s->where);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* ---- the audit log ---- */

/*
 * Appends one entry inside the caller's transaction, which holds the chain's lock
 * (store_pg_op_begin): the last entry cannot change under us, in any instance.
 */
int
store_pg_audit_append(struct store_pg *s, time_t at, const char *actor,
    const char *action, const char *number, const char *detail, char **cause)
{
	struct store_audit	 e;
	PGresult		*res;
	char			 b[2][24];
	const char		*v[8];

	memset(&e, 0, sizeof e);
	memset(e.prev_hash, '0', STORE_AUDIT_HASH_LEN);
	if ((res = store_pg_exec(s, "audit", "SELECT id, hash FROM audit"
	    " ORDER BY id DESC LIMIT 1", 0, NULL, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		e.id = store_pg_ci(res, 0, 0);
		if (store_pg_cb(res, 0, 1, e.prev_hash, sizeof e.prev_hash) == -1) {
			cause_set(cause, _("the store %s: the audit log's last entry (%lld) has a "
			    "malformed hash: run \"ncaenrolld audit verify\""), s->where, e.id);
			PQclear(res);
			return -1;
		}
	}
	PQclear(res);
	e.id++;
	e.at = at;
	e.actor = (char *)(actor != NULL ? actor : "");
	e.action = (char *)action;
	e.number = (char *)(number != NULL ? number : "");
	e.detail = (char *)(detail != NULL ? detail : "");
	if (store_audit_hash(&e, e.hash) == -1) {
		cause_set(cause, _("the store %s: audit: cannot hash an entry"), s->where);
		return -1;
	}
	v[0] = store_pg_i(b[0], e.id);
	v[1] = store_pg_i(b[1], (long long)e.at);
	v[2] = e.actor;
	v[3] = e.action;
	v[4] = e.number;
	v[5] = e.detail;
	v[6] = e.prev_hash;
	v[7] = e.hash;
	if (store_pg_run(s, "audit", "INSERT INTO audit (id, at, actor, action, number,"
	    " detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", 8, v, NULL,
	    cause) == -1)
		return -1;
	log_info("audit #%lld %s %s", e.id, e.action, e.hash);
	return 0;
}

int
store_pg_audit_add(struct store *stp, time_t at, const char *actor, const char *action,
    const char *number, const char *detail, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 nested, rc;

	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	rc = store_pg_audit_append(s, at, actor, action, number, detail, cause);
	return store_pg_op_end(s, nested, rc, cause);
}

/* A hash column as read, "" when it is not 64 characters (verify reports it). */
static void
store_pg_audit_hash_col(const PGresult *res, int row, int col,
    char out[STORE_AUDIT_HASH_LEN + 1])
{
	if (store_pg_cb(res, row, col, out, STORE_AUDIT_HASH_LEN + 1) == -1 ||
	    strlen(out) != STORE_AUDIT_HASH_LEN)
		out[0] = '\0';
}

int
store_pg_audit_list(struct store *stp, const char *number, struct store_audit **vp,
    size_t *np, char **cause)
{
	struct store_pg		*s = store_pg_of(stp);
	struct store_audit	*v = NULL, *e;
	PGresult		*res;
	int			 i, rows;
	size_t			 n = 0;

	*vp = NULL;
	*np = 0;
	res = store_pg_exec(s, "audit", number != NULL ?
	    "SELECT " STORE_PG_AUDIT_COLUMNS " FROM audit WHERE number = $1 ORDER BY id" :
	    "SELECT " STORE_PG_AUDIT_COLUMNS " FROM audit ORDER BY id", number != NULL,
	    &number, cause);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL)
		goto oom;
	for (i = 0; i < rows; i++, n++) {
		e = &v[i];
		e->id = store_pg_ci(res, i, 0);
		e->at = (time_t)store_pg_ci(res, i, 1);
		store_pg_audit_hash_col(res, i, 6, e->prev_hash);
		store_pg_audit_hash_col(res, i, 7, e->hash);
		if (store_pg_cs(res, i, 2, &e->actor) || store_pg_cs(res, i, 3, &e->action) ||
		    store_pg_cs(res, i, 4, &e->number) || store_pg_cs(res, i, 5, &e->detail)) {
			n++;	/* its strings are freed with the others */
			goto oom;
		}
	}
	PQclear(res);
	*vp = v;
	*np = n;
	return 0;
oom:
	cause_set(cause, _("the store %s: audit: out of memory"), s->where);
	store_audit_free(v, n);
	PQclear(res);
	return -1;
}

/* A history entry and its audit entry "application.<action>". */
static int
store_pg_event_add(struct store_pg *s, const char *number, time_t at, const char *actor,
    const char *action, const char *detail, char **cause)
{
	char		 b[24], *what = NULL;
	const char	*v[] = { number, store_pg_i(b, (long long)at),
	    actor != NULL ? actor : "", action, detail };
	int		 rc;

	if (store_pg_run(s, "event", "INSERT INTO events (number, at, actor, action, detail)"
	    " VALUES ($1, $2, $3, $4, $5)", 5, v, NULL, cause) == -1)
		return -1;
	if (asprintf(&what, "application.%s", action) == -1) {
		cause_set(cause, _("the store %s: audit: out of memory"), s->where);
		return -1;
	}
	rc = store_pg_audit_append(s, at, actor, what, number, detail, cause);
	free(what);
	return rc;
}

/* ---- applications ---- */

/*
 * Inside the operation's transaction, which holds the chain's lock: so two instances
 * inserting the same key pair take turns, and the second finds the first's row.
 */
static int
store_pg_app_insert_tx(struct store_pg *s, struct store_app *app, const char *actor,
    int *existing, int *key_reused, char **cause)
{
	char		 number[REQNUM_LEN + 1], b[STORE_PG_APP_NCOLS][24];
	const char	*v[STORE_PG_APP_NCOLS];
	const char	*csrs[] = { app->number, app->csr_auth, app->csr_sign };
	struct store_app row;

	if (store_pg_app_by_keys(s, "SELECT number FROM applications WHERE key_auth = $1"
	    " AND key_sign = $2", app, number, cause) == -1)
		return -1;
	if (number[0] != '\0') {
		*existing = 1;
		memcpy(app->number, number, sizeof number);
		return 0;
	}
	if (store_pg_app_by_keys(s, "SELECT number FROM applications"
	    " WHERE key_auth IN ($1, $2) OR key_sign IN ($1, $2) LIMIT 1", app, number,
	    cause) == -1)
		return -1;
	if (number[0] != '\0' || strcmp(app->key_auth, app->key_sign) == 0) {
		*key_reused = 1;
		cause_set(cause, _("a key of this application was already used in another "
		    "request"));
		return -1;
	}
	row = *app;
	row.status = APP_SUBMITTED;
	store_pg_app_params(&row, v, b);
	if (store_pg_run(s, "app_insert", "INSERT INTO applications (" STORE_PG_APP_COLUMNS
	    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
	    " $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32,"
	    " $33, $34, $35)", STORE_PG_APP_NCOLS, v, NULL, cause) == -1)
		return -1;
	if (store_pg_run(s, "app_insert", "INSERT INTO csrs (number, csr_auth, csr_sign)"
	    " VALUES ($1, $2, $3)", 3, csrs, NULL, cause) == -1)
		return -1;
	if (store_pg_event_add(s, app->number, app->created, actor,
	    appstatus_wire(APP_SUBMITTED), NULL, cause) == -1)
		return -1;
	if (app->renews[0] == '\0' && store_pg_mail_queue(s, app->number, "received",
	    app->created, cause) == -1)
		return -1;
	app->status = APP_SUBMITTED;
	return 0;
}

int
store_pg_app_insert(struct store *stp, struct store_app *app, const char *actor,
    int *existing, int *key_reused, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 nested, rc;

	*existing = 0;
	*key_reused = 0;
	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	rc = store_pg_app_insert_tx(s, app, actor, existing, key_reused, cause);
	return store_pg_op_end(s, nested, rc, cause);
}

int
store_pg_app_result(struct store_pg *s, const char *what, PGresult *res,
    struct store_app *app, int *found, char **cause)
{
	const char	*bad = "a row";
	int		 rc = 0;

	memset(app, 0, sizeof *app);
	*found = 0;
	if (PQntuples(res) > 0) {
		if (store_pg_app_read(res, 0, app, &bad) == -1) {
			cause_set(cause, _("the store %s: %s: cannot read %s"), s->where, what,
			    bad);
			rc = -1;
		} else
			*found = 1;
	}
	PQclear(res);
	return rc;
}

int
store_pg_app_get(struct store *stp, const char *number, struct store_app *app, int *found,
    char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;

	memset(app, 0, sizeof *app);
	*found = 0;
	if ((res = store_pg_execp(s, STORE_PG_APP_GET, &number, cause)) == NULL)
		return -1;
	return store_pg_app_result(s, "app_get", res, app, found, cause);
}

int
store_pg_app_csrs(struct store *stp, struct store_app *app, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	const char	*number = app->number;
	PGresult	*res;
	int		 rc = -1;

	if ((res = store_pg_exec(s, "app_csrs", "SELECT csr_auth, csr_sign FROM csrs"
	    " WHERE number = $1", 1, &number, cause)) == NULL)
		return -1;
	if (PQntuples(res) == 0)
		cause_set(cause, _("the store %s: application %s has no CSRs stored"), s->where,
		    number);
	else if (store_pg_cs(res, 0, 0, &app->csr_auth) == -1 ||
	    store_pg_cs(res, 0, 1, &app->csr_sign) == -1 || app->csr_auth == NULL ||
	    app->csr_sign == NULL)
		cause_set(cause, _("the store %s: application %s: cannot read its CSRs"),
		    s->where, number);
	else
		rc = 0;
	PQclear(res);
	return rc;
}

/*
 * The compare-and-set: one UPDATE whose WHERE names the status the caller saw. Another
 * instance's mover of the same row holds its lock until it commits; this one then reads
 * the row again (READ COMMITTED) and, finding it moved, changes nothing.
 */
static int
store_pg_app_update(struct store_pg *s, const char *number, enum app_status from,
    enum app_status to, const struct store_app *set, time_t now, long long *changed,
    char **cause)
{
	static const struct store_app none;
	char		 b[4][24];
	time_t		 decided, installed;
	const char	*v[15];

	store_app_stamps(set, to, now, &decided, &installed);
	if (set == NULL)
		set = &none;
	v[0] = appstatus_wire(to);
	v[1] = store_pg_i0(b[0], (long long)decided);
	v[2] = store_pg_i0(b[1], (long long)installed);
	v[3] = set->cert_auth;
	v[4] = set->cert_sign;
	v[5] = store_pg_t0(set->serial_auth);
	v[6] = store_pg_t0(set->serial_sign);
	v[7] = store_pg_i0(b[2], (long long)set->not_before);
	v[8] = store_pg_i0(b[3], (long long)set->not_after);
	v[9] = set->reject_reason;
	v[10] = set->install_nonce;
	v[11] = number;
	v[12] = appstatus_wire(from);
	v[13] = set->reject_code;
	v[14] = set->reject_text;
	return store_pg_run(s, "app_transition", "UPDATE applications SET status = $1,"
	    " decided = COALESCE($2, decided), installed = COALESCE($3, installed),"
	    " cert_auth = COALESCE($4, cert_auth), cert_sign = COALESCE($5, cert_sign),"
	    " serial_auth = COALESCE($6, serial_auth), serial_sign = COALESCE($7, serial_sign),"
	    " not_before = COALESCE($8, not_before), not_after = COALESCE($9, not_after),"
	    " reject_reason = COALESCE($10, reject_reason),"
	    " install_nonce = COALESCE($11, install_nonce),"
	    " reject_code = COALESCE($14, reject_code), reject_text = COALESCE($15, reject_text)"
	    " WHERE number = $12 AND status = $13", 15, v, changed, cause);
}

/* The status of number now; -1 with a cause if there is no such application. */
static int
store_pg_app_status(struct store_pg *s, const char *number, enum app_status *status,
    char **cause)
{
	PGresult	*res;
	int		 rc = 0;

	if ((res = store_pg_exec(s, "app_status", "SELECT status FROM applications"
	    " WHERE number = $1", 1, &number, cause)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		cause_set(cause, _("no application %s"), number);
		rc = -1;
	} else if (appstatus_parse(PQgetvalue(res, 0, 0), status) == -1) {
		cause_set(cause, _("the store %s: application %s: unknown status"), s->where,
		    number);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static int	store_pg_supersede(struct store_pg *, const char *number, time_t now,
		    char **cause);

int
store_pg_app_transition(struct store *stp, const char *number, enum app_status from,
    enum app_status to, const struct store_app *set, const char *actor, const char *detail,
    time_t now, int *won, enum app_status *current, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	long long	 changed = 0;
	int		 nested, rc = -1;

	*won = 0;
	*current = from;
	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	if (store_pg_app_update(s, number, from, to, set, now, &changed, cause) == -1)
		goto out;
	if (changed == 0) {	/* someone moved it first, or there is no such application */
		rc = store_pg_app_status(s, number, current, cause);
		goto out;
	}
	if (store_pg_event_add(s, number, now, actor, appstatus_wire(to), detail,
	    cause) == -1)
		goto out;
	if (to == APP_INSTALLED && store_pg_supersede(s, number, now, cause) == -1)
		goto out;
	if (store_pg_mail_status(s, number, to, now, cause) == -1)
		goto out;
	*won = 1;
	*current = to;
	rc = 0;
out:
	if ((rc = store_pg_op_end(s, nested, rc, cause)) == -1)
		*won = 0;
	return rc;
}

int
store_pg_app_numbers(struct store *stp, enum app_status status, time_t before,
    char ***numbers, char **cause)
{
	char		 b[24];
	const char	*v[] = { appstatus_wire(status), store_pg_i(b, (long long)before) };

	return store_pg_strv(store_pg_of(stp), "app_numbers", "SELECT number FROM applications"
	    " WHERE status = $1 AND ($2::bigint = 0 OR created <= $2::bigint)"
	    " ORDER BY created, number", 2, v, numbers, cause);
}

int
store_pg_app_overdue(struct store *stp, time_t now, char ***numbers, char **cause)
{
	char		 b[24];
	const char	*v[] = { store_pg_i(b, (long long)now) };

	return store_pg_strv(store_pg_of(stp), "app_overdue", "SELECT number FROM applications"
	    " WHERE status = 'submitted' AND deadline < $1 ORDER BY deadline, number", 1, v,
	    numbers, cause);
}

int
store_pg_events(struct store *stp, const char *number, struct store_event **vp,
    size_t *np, char **cause)
{
	struct store_pg		*s = store_pg_of(stp);
	struct store_event	*v = NULL, *e;
	PGresult		*res;
	int			 i, rows;
	size_t			 n = 0;

	*vp = NULL;
	*np = 0;
	if ((res = store_pg_exec(s, "events", "SELECT at, actor, action, detail FROM events"
	    " WHERE number = $1 ORDER BY at, id", 1, &number, cause)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL)
		goto oom;
	for (i = 0; i < rows; i++) {
		e = &v[i];
		e->at = (time_t)store_pg_ci(res, i, 0);
		n++;
		if (store_pg_cs(res, i, 1, &e->actor) || store_pg_cs(res, i, 2, &e->action) ||
		    store_pg_cs(res, i, 3, &e->detail))
			goto oom;
	}
	PQclear(res);
	*vp = v;
	*np = n;
	return 0;
oom:
	cause_set(cause, _("the store %s: events: out of memory"), s->where);
	store_events_free(v, n);
	PQclear(res);
	return -1;
}

/* ---- revocation and renewal ---- */

/*
 * Inside the operation's transaction: the row is locked (FOR UPDATE) before it is judged,
 * so a revocation and a renewal's supersession in two instances take turns.
 */
static int
store_pg_revoke_tx(struct store_pg *s, const char *number, const struct revocation_kind *k,
    const char *by, const char *actor, const char *detail, time_t now,
    enum store_revoke_result *result, char **cause)
{
	enum app_status	 status = APP_SUBMITTED;
	PGresult	*res;
	char		 serial[2][41], b[2][24];
	const char	*v[4];
	long long	 changed = 0;
	int		 i;

	*result = STORE_REVOKE_NOT_FOUND;
	if ((res = store_pg_exec(s, "revoke", "SELECT status, serial_auth, serial_sign"
	    " FROM applications WHERE number = $1 FOR UPDATE", 1, &number, cause)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	if (appstatus_parse(PQgetvalue(res, 0, 0), &status) == -1 ||
	    store_pg_cb(res, 0, 1, serial[0], 41) == -1 ||
	    store_pg_cb(res, 0, 2, serial[1], 41) == -1) {
		cause_set(cause, _("the store %s: application %s cannot be read"), s->where,
		    number);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if ((*result = store_revoke_judge(1, status)) != STORE_REVOKE_DONE)
		return 0;
	v[0] = number;
	v[1] = store_pg_i(b[0], (long long)now);
	v[2] = k->code;
	v[3] = by;
	if (store_pg_run(s, "revoke", "UPDATE applications SET status = 'revoked',"
	    " revoked_at = $2, revoke_reason = $3, revoked_by = $4"
	    " WHERE number = $1 AND status IN ('issued', 'installed')", 4, v, &changed,
	    cause) == -1)
		return -1;
	if (changed != 1) {	/* the row is locked: cannot happen */
		cause_set(cause, _("the store %s: application %s changed under a revocation"),
		    s->where, number);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (serial[i][0] == '\0')
			continue;
		v[0] = serial[i];
		v[1] = number;
		v[2] = store_pg_i(b[0], k->crl_reason);
		v[3] = store_pg_i(b[1], (long long)now);
		if (store_pg_run(s, "revoke", "INSERT INTO revocations (serial, number, reason,"
		    " revoked_at) VALUES ($1, $2, $3, $4)", 4, v, NULL, cause) == -1)
			return -1;
	}
	if (store_pg_event_add(s, number, now, actor, appstatus_wire(APP_REVOKED), detail,
	    cause) == -1)
		return -1;
	if (strcmp(k->code, "superseded") == 0)
		return 0;
	return store_pg_mail_queue(s, number, "revoked", now, cause);
}

int
store_pg_app_revoke(struct store *stp, const char *number,
    const struct revocation_kind *k, const char *by, const char *actor, const char *detail,
    time_t now, enum store_revoke_result *result, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 nested, rc;

	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	rc = store_pg_revoke_tx(s, number, k, by, actor, detail, now, result, cause);
	return store_pg_op_end(s, nested, rc, cause);
}

static int
store_pg_supersede(struct store_pg *s, const char *number, time_t now, char **cause)
{
	enum store_revoke_result	 result;
	PGresult			*res;
	char				 old[REQNUM_LEN + 1], by[REQNUM_LEN + 16];
	int				 r = 0;

	old[0] = '\0';
	if ((res = store_pg_exec(s, "supersede", "SELECT renews FROM applications"
	    " WHERE number = $1", 1, &number, cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0 && (r = store_pg_cb(res, 0, 0, old, sizeof old)) == -1)
		cause_set(cause, _("the store %s: a stored request number is too long"),
		    s->where);
	PQclear(res);
	if (r == -1)
		return -1;
	if (old[0] == '\0')
		return 0;
	(void)snprintf(by, sizeof by, "renewal %s", number);
	return store_pg_revoke_tx(s, old, revocation_find("superseded"), by, by,
	    "superseded", now, &result, cause);
}

int
store_pg_apps_by_iin(struct store *stp, const char *iin, struct store_app **vp,
    size_t *np, char **cause)
{
	return store_pg_apps_read(store_pg_of(stp), "apps_by_iin", "SELECT "
	    STORE_PG_APP_SELECT " FROM applications WHERE iin = $1"
	    " AND status IN ('issued', 'installed', 'revoked')"
	    " ORDER BY created DESC, seq DESC", 1, &iin, vp, np, cause);
}

/* ---- what CRLs and OCSP read ---- */

int
store_pg_cert_status(struct store *stp, const char *serial,
    struct store_cert_status *out, int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	const char	*v[] = { serial };
	int		 rc = 0;

	if ((res = store_pg_exec(s, "cert_status", "SELECT a.number, a.not_after,"
	    " r.revoked_at, r.reason FROM applications a LEFT JOIN revocations r"
	    " ON r.serial = $1 WHERE a.serial_auth = $1 OR a.serial_sign = $1 LIMIT 1", 1, v,
	    cause)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		if (store_pg_cb(res, 0, 0, out->number, sizeof out->number) == -1) {
			cause_set(cause, _("the store %s: a stored request number is too long"),
			    s->where);
			memset(out, 0, sizeof *out);
			rc = -1;
		} else {
			out->not_after = (time_t)store_pg_ci(res, 0, 1);
			out->revoked = !PQgetisnull(res, 0, 2);
			out->revoked_at = (time_t)store_pg_ci(res, 0, 2);
			out->crl_reason = (int)store_pg_ci(res, 0, 3);
			*found = 1;
		}
	}
	PQclear(res);
	return rc;
}

int
store_pg_revocations(struct store *stp, time_t since, struct store_revocation **vp,
    size_t *np, char **cause)
{
	struct store_pg		*s = store_pg_of(stp);
	struct store_revocation	*v = NULL;
	PGresult		*res;
	char			 b[24];
	const char		*p[] = { store_pg_i(b, (long long)since) };
	int			 i, rows;

	*vp = NULL;
	*np = 0;
	if ((res = store_pg_exec(s, "revocations", "SELECT serial, revoked_at, reason"
	    " FROM revocations WHERE revoked_at >= $1 ORDER BY revoked_at, id", 1, p,
	    cause)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL) {
		cause_set(cause, _("the store %s: revocations: out of memory"), s->where);
		PQclear(res);
		return -1;
	}
	for (i = 0; i < rows; i++) {
		if (store_pg_cb(res, i, 0, v[i].serial, sizeof v[i].serial) == -1) {
			cause_set(cause, _("the store %s: revocations: out of memory"),
			    s->where);
			free(v);
			PQclear(res);
			return -1;
		}
		v[i].at = (time_t)store_pg_ci(res, i, 1);
		v[i].crl_reason = (int)store_pg_ci(res, i, 2);
	}
	PQclear(res);
	*vp = v;
	*np = (size_t)rows;
	return 0;
}

/* One statement counts and reads back; the row's lock orders instances signing at once. */
int
store_pg_crl_number_next(struct store *stp, const char *name, long long *np, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;

	*np = 0;
	if ((res = store_pg_exec(s, "crl_number", "INSERT INTO crl_numbers (name, last)"
	    " VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET last = crl_numbers.last + 1"
	    " RETURNING last", 1, &name, cause)) == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		cause_set(cause, _("the store %s: crl_number: no answer"), s->where);
		PQclear(res);
		return -1;
	}
	*np = store_pg_ci(res, 0, 0);
	PQclear(res);
	return 0;
}

int
store_pg_revocation_generation(struct store *stp, long long *gen, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;

	*gen = 0;
	if ((res = store_pg_exec(s, "revocation_generation",
	    "SELECT COALESCE(MAX(id), 0) FROM revocations", 0, NULL, cause)) == NULL)
		return -1;
	*gen = store_pg_ci(res, 0, 0);
	PQclear(res);
	return 0;
}

/* Both counts in one statement: one read, one snapshot (the metrics' gauges). */
int
store_pg_counts(struct store *stp, struct store_counts *c, char **cause)
{
	struct store_pg		*s = store_pg_of(stp);
	PGresult		*res;
	enum app_status		 status;
	enum store_mail_state	 state;
	const char		*kind, *name;
	int			 i;

	memset(c, 0, sizeof *c);
	if ((res = store_pg_exec(s, "counts",
	    "SELECT 'a', status, COUNT(*) FROM applications GROUP BY status UNION ALL "
	    "SELECT 'm', state, COUNT(*) FROM outbox GROUP BY state", 0, NULL, cause)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		kind = PQgetvalue(res, i, 0);
		name = PQgetvalue(res, i, 1);
		if (*kind == 'a' && appstatus_parse(name, &status) == 0)
			c->apps[status] = store_pg_ci(res, i, 2);
		else if (*kind == 'm' && store_mail_state_parse(name, &state) == 0)
			c->mails[state] = store_pg_ci(res, i, 2);
	}
	PQclear(res);
	return 0;
}

/* ---- RA operators ---- */

static int
store_pg_op_read(const PGresult *res, int row, struct store_operator *op)
{
	memset(op, 0, sizeof *op);
	op->created = (time_t)store_pg_ci(res, row, 4);
	op->not_after = (time_t)store_pg_ci(res, row, 5);
	op->revoked = (time_t)store_pg_ci(res, row, 6);
	if (store_pg_cs(res, row, 0, &op->name) || store_pg_cs(res, row, 1, &op->office) ||
	    store_pg_cs(res, row, 2, &op->role) ||
	    store_pg_cb(res, row, 3, op->serial, sizeof op->serial) ||
	    op->name == NULL || op->office == NULL || op->role == NULL) {
		store_operator_free(op);
		return -1;
	}
	return 0;
}

/* *found: 1 if name has a row. */
static int
store_pg_op_exists(struct store_pg *s, const char *name, int *found, char **cause)
{
	PGresult	*res;

	*found = 0;
	if ((res = store_pg_exec(s, "operator", "SELECT 1 FROM operators WHERE name = $1", 1,
	    &name, cause)) == NULL)
		return -1;
	*found = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}

static int
store_pg_operator_put_tx(struct store_pg *s, const struct store_operator *op,
    const char *actor, time_t now, char **cause)
{
	char		 b[2][24], *detail = NULL;
	const char	*v[] = { op->name, op->office, op->role, op->serial,
	    store_pg_i(b[0], (long long)op->created),
	    store_pg_i(b[1], (long long)op->not_after) };
	int		 existed, rc;

	if (store_pg_op_exists(s, op->name, &existed, cause) == -1)
		return -1;
	if (store_pg_run(s, "operator_put", "INSERT INTO operators (name, office, role,"
	    " serial, created, not_after, revoked) VALUES ($1, $2, $3, $4, $5, $6, NULL)"
	    " ON CONFLICT (name) DO UPDATE SET office = excluded.office, role = excluded.role,"
	    " serial = excluded.serial, created = excluded.created,"
	    " not_after = excluded.not_after, revoked = NULL", 6, v, NULL, cause) == -1)
		return -1;
	if (asprintf(&detail, "name %s, office %s, role %s, certificate %s", op->name,
	    op->office, op->role, op->serial) == -1) {
		cause_set(cause, _("the store %s: operator_put: out of memory"), s->where);
		return -1;
	}
	rc = store_pg_audit_append(s, now, actor, existed ? "operator.replaced" :
	    "operator.added", "", detail, cause);
	free(detail);
	return rc;
}

int
store_pg_operator_put(struct store *stp, const struct store_operator *op,
    const char *actor, time_t now, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 nested, rc;

	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	rc = store_pg_operator_put_tx(s, op, actor, now, cause);
	return store_pg_op_end(s, nested, rc, cause);
}

/* Every operator row of a query (one name, or all). */
static int
store_pg_ops_read(struct store_pg *s, const char *what, const char *name,
    struct store_operator **vp, size_t *np, char **cause)
{
	struct store_operator	*v = NULL;
	PGresult		*res;
	int			 i, rows;
	size_t			 n = 0;

	*vp = NULL;
	*np = 0;
	res = store_pg_exec(s, what, name != NULL ?
	    "SELECT " STORE_PG_OP_COLUMNS " FROM operators WHERE name = $1" :
	    "SELECT " STORE_PG_OP_COLUMNS " FROM operators ORDER BY name", name != NULL,
	    &name, cause);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL)
		goto bad;
	for (i = 0; i < rows; i++, n++)
		if (store_pg_op_read(res, i, &v[i]) == -1)
			goto bad;
	PQclear(res);
	*vp = v;
	*np = n;
	return 0;
bad:
	cause_set(cause, _("the store %s: operators: out of memory"), s->where);
	store_operators_free(v, n);
	PQclear(res);
	return -1;
}

int
store_pg_operator_get(struct store *stp, const char *name, struct store_operator *op,
    int *found, char **cause)
{
	struct store_operator	*v = NULL;
	size_t			 n = 0;

	memset(op, 0, sizeof *op);
	*found = 0;
	if (store_pg_ops_read(store_pg_of(stp), "operator_get", name, &v, &n, cause) == -1)
		return -1;
	if (n > 0) {
		*op = v[0];
		*found = 1;
	}
	free(v);
	return 0;
}

int
store_pg_operators(struct store *stp, struct store_operator **vp, size_t *np,
    char **cause)
{
	return store_pg_ops_read(store_pg_of(stp), "operators", NULL, vp, np, cause);
}

static int
store_pg_operator_revoke_tx(struct store_pg *s, const char *name, const char *actor,
    time_t now, int *found, char **cause)
{
	char		 b[24], *detail = NULL;
	const char	*v[] = { name, store_pg_i(b, (long long)now) };
	long long	 changed = 0;
	int		 rc;

	if (store_pg_op_exists(s, name, found, cause) == -1)
		return -1;
	if (!*found)
		return 0;
	if (store_pg_run(s, "operator_revoke", "UPDATE operators SET revoked = $2"
	    " WHERE name = $1 AND revoked IS NULL", 2, v, &changed, cause) == -1)
		return -1;
	if (changed == 0) {
		*found = 2;
		return 0;
	}
	if (asprintf(&detail, "name %s", name) == -1) {
		cause_set(cause, _("the store %s: operator_revoke: out of memory"), s->where);
		return -1;
	}
	rc = store_pg_audit_append(s, now, actor, "operator.revoked", "", detail, cause);
	free(detail);
	return rc;
}

int
store_pg_operator_revoke(struct store *stp, const char *name, const char *actor,
    time_t now, int *found, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	int		 nested, rc;

	*found = 0;
	if (store_pg_op_begin(s, &nested, 1, cause) == -1)
		return -1;
	rc = store_pg_operator_revoke_tx(s, name, actor, now, found, cause);
	return store_pg_op_end(s, nested, rc, cause);
}

/* ---- the RA queue ---- */

int
store_pg_app_queue(struct store *stp, const struct store_queue_filter *f,
    struct store_app **vp, size_t *np, size_t *total, char **cause)
{
	struct store_pg	*s = store_pg_of(stp);
	PGresult	*res;
	char		 b[4][24];
	const char	*v[] = { f->city_id, f->region_id,
	    store_pg_i0(b[0], (long long)f->created_before),
	    store_pg_i0(b[1], (long long)f->created_after), f->number, f->idnum,
	    store_pg_i(b[2], (long long)(f->limit > 0 ? f->limit : 100)),
	    store_pg_i(b[3], (long long)f->offset) };

	*vp = NULL;
	*np = 0;
	*total = 0;
	if ((res = store_pg_exec(s, "queue", "SELECT COUNT(*) FROM applications WHERE "
	    STORE_PG_QUEUE_WHERE, 6, v, cause)) == NULL)
		return -1;
	*total = (size_t)store_pg_ci(res, 0, 0);
	PQclear(res);
	return store_pg_apps_read(s, "queue", "SELECT " STORE_PG_APP_SELECT
	    " FROM applications WHERE " STORE_PG_QUEUE_WHERE
	    " ORDER BY deadline, number LIMIT $7 OFFSET $8", 8, v, vp, np, cause);
}

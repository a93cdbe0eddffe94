/*
 * The store's revocation and renewal on real SQLite files and PostgreSQL databases
 * (teststore.h): SQLite's migration 4 from a version-3
 * store made with the old schema (every row and index kept, foreign keys intact), the
 * move of the CSRs into a table of their own on both backends (SQLite 7, PostgreSQL 3), the
 * revoke transition and its refusals, what CRLs and OCSP read, single-use challenges,
 * the renewal link and the superseding revocation when a renewal is installed, the
 * certificates of an IIN, CRL numbers that survive a restart.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ncaenrolld/store.h"
#include "teststore.h"

#define W(s)	((char *)(s))

#define SERIAL_A	"7A00000000000000000000000000000000000001"
#define SERIAL_S	"0B00000000000000000000000000000000000002"

/* The schema as migrations 1 to 3 left it (store-sqlite.c before migration 4). */
static const char v3_schema[] =
	"CREATE TABLE roles ( id TEXT PRIMARY KEY, name_kk TEXT NOT NULL, name_ru TEXT"
	" NOT NULL, name_en TEXT, dc TEXT NOT NULL, oid TEXT NOT NULL);"
	"CREATE TABLE regions ( id TEXT PRIMARY KEY, name_kk TEXT NOT NULL, name_ru TEXT"
	" NOT NULL, name_en TEXT);"
	"CREATE TABLE cities ( id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES"
	" regions (id), name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT);"
	"CREATE INDEX cities_region ON cities (region_id);"
	"CREATE TABLE offices ( id TEXT PRIMARY KEY, city_id TEXT NOT NULL REFERENCES"
	" cities (id), name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT,"
	" address TEXT);"
	"CREATE INDEX offices_city ON offices (city_id);"
	"CREATE TABLE organizations ( bin TEXT PRIMARY KEY, name_kk TEXT NOT NULL,"
	" name_ru TEXT NOT NULL, name_en TEXT, region_id TEXT REFERENCES regions (id));"
	"CREATE TABLE gu_codes ( bin TEXT NOT NULL REFERENCES organizations (bin) ON"
	" DELETE CASCADE, code TEXT NOT NULL, PRIMARY KEY (bin, code));"
	"CREATE TABLE persons ( iin TEXT PRIMARY KEY, surname TEXT NOT NULL, given_name"
	" TEXT NOT NULL, patronymic TEXT NOT NULL);"
	"CREATE TABLE captchas ( id TEXT PRIMARY KEY, answer_hash TEXT NOT NULL, expires"
	" INTEGER NOT NULL);"
	"CREATE INDEX captchas_expires ON captchas (expires);"
	"CREATE TABLE tokens ( token TEXT PRIMARY KEY, bin TEXT NOT NULL, expires"
	" INTEGER NOT NULL);"
	"CREATE INDEX tokens_expires ON tokens (expires);"
	"CREATE TABLE applications ( number TEXT PRIMARY KEY, status TEXT NOT NULL CHECK"
	" (status IN  ('submitted', 'issued', 'installed', 'rejected', 'cancelled')),"
	" created INTEGER NOT NULL, deadline INTEGER NOT NULL, decided INTEGER,"
	" installed INTEGER, bin TEXT NOT NULL, iin TEXT NOT NULL, org_name TEXT,"
	" surname TEXT, given_name TEXT, patronymic TEXT, email TEXT, role_id TEXT,"
	" region_id TEXT, city_id TEXT, gu_code TEXT, storage TEXT, lang TEXT, csr_auth"
	" TEXT NOT NULL, csr_sign TEXT NOT NULL, key_auth TEXT NOT NULL UNIQUE, key_sign"
	" TEXT NOT NULL UNIQUE, cert_auth TEXT, cert_sign TEXT, serial_auth TEXT,"
	" serial_sign TEXT, not_before INTEGER, not_after INTEGER, reject_reason TEXT,"
	" install_nonce TEXT);"
	"CREATE INDEX applications_status_created ON applications (status, created);"
	"CREATE INDEX applications_status_deadline ON applications (status, deadline);"
	"CREATE TABLE events ( id INTEGER PRIMARY KEY, number TEXT NOT NULL REFERENCES"
	" applications (number), at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT"
	" NOT NULL, detail TEXT);"
	"CREATE INDEX events_number ON events (number, at);"
	"CREATE TABLE operators ( name TEXT PRIMARY KEY, office TEXT NOT NULL, role TEXT"
	" NOT NULL CHECK (role IN ('operator', 'supervisor')), serial TEXT NOT NULL,"
	" created INTEGER NOT NULL, not_after INTEGER NOT NULL, revoked INTEGER);"
	"CREATE TABLE audit ( id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT"
	" NOT NULL, action TEXT NOT NULL, number TEXT NOT NULL DEFAULT '', detail TEXT"
	" NOT NULL DEFAULT '', prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_number ON audit (number);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT,"
	" 'the audit log is append-only');"
	" END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT,"
	" 'the audit log is append-only');"
	" END;"
	"ALTER TABLE applications ADD COLUMN reject_code TEXT;"
	"ALTER TABLE applications ADD COLUMN reject_text TEXT;"
	"CREATE TEMP TABLE reason_names (code TEXT, name TEXT);"
	"INSERT INTO reason_names VALUES ('identity_mismatch', 'The applicant''s"
	" identity could not be confirmed'), ('documents_missing', 'Required documents"
	" were not presented'), ('not_authorized', 'No authority to act for the"
	" organization'), ('data_error', 'The application''s data do not match the"
	" documents'), ('applicant_request', 'Withdrawn at the applicant''s request'),"
	" ('other', 'Other reason');"
	"UPDATE applications SET reject_code = (SELECT code FROM reason_names WHERE"
	" reject_reason = name  OR substr(reject_reason, 1, length(name) + 2) = name ||"
	" ': '), reject_text = (SELECT NULLIF(substr(reject_reason, length(name) + 3),"
	" '')  FROM reason_names WHERE reject_reason = name  OR substr(reject_reason, 1,"
	" length(name) + 2) = name || ': ') WHERE reject_reason IS NOT NULL;"
	"DROP TABLE reason_names;"
;

static struct store *
reopen(const char *path)
{
	struct store	*st;
	char		*cause = NULL;

	if ((st = store_open(path, &cause)) == NULL)
		fail_msg("%s", cause);
	free(cause);
	return st;
}

static void
exec_sql(const char *path, const char *sql)
{
	sqlite3	*db = NULL;
	char	*err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s", err);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The first column of the first row of sql, as an integer (-1: no row). */
static int
count_rows(const char *path, const char *sql)
{
	return teststore_count(path, sql);
}

static void
app_number(char out[REQNUM_LEN + 1], int i)
{
	snprintf(out, REQNUM_LEN + 1, "2000-0000-0000-0000-0000-0000-%04u",
	    (unsigned)i % 10000u);
}

static void
make_app(struct store_app *a, int i, const char *iin, time_t created)
{
	memset(a, 0, sizeof *a);
	app_number(a->number, i);
	a->created = created;
	a->deadline = created + 30 * 86400;
	memcpy(a->bin, "940140000385", 13);
	snprintf(a->iin, sizeof a->iin, "%s", iin);
	a->org_name = W("ТОО «Тест»");
	a->surname = W("ТЕСТОВА");
	a->given_name = W("АЙГЕРІМ");
	a->patronymic = W("");
	a->role_id = W("ROLE02");
	a->storage = W("pc");
	a->lang = W("kk");
	a->csr_auth = W("CSR-A");
	a->csr_sign = W("CSR-S");
	snprintf(a->key_auth, sizeof a->key_auth, "%064d", 2 * i);
	snprintf(a->key_sign, sizeof a->key_sign, "%064d", 2 * i + 1);
}

/* Inserted and issued with the serials given (NULL: left submitted). */
static void
add_app(struct store *st, struct store_app *a, const char *sa, const char *ss)
{
	struct store_app	set;
	enum app_status		cur;
	int			existing, reused, won;

	OK(store_app_insert(st, a, "applicant", &existing, &reused, C));
	assert_int_equal(existing, 0);
	if (sa == NULL)
		return;
	memset(&set, 0, sizeof set);
	set.cert_auth = W("CERT-A");
	set.cert_sign = W("CERT-S");
	snprintf(set.serial_auth, sizeof set.serial_auth, "%s", sa);
	snprintf(set.serial_sign, sizeof set.serial_sign, "%s", ss);
	set.not_before = a->created;
	set.not_after = a->created + 365 * 86400;
	OK(store_app_transition(st, a->number, APP_SUBMITTED, APP_ISSUED, &set, "operator:o",
	    NULL, a->created + 10, &won, &cur, C));
	assert_int_equal(won, 1);
}

static long long
generation(struct store *st)
{
	long long	gen = -1;

	OK(store_revocation_generation(st, &gen, C));
	return gen;
}

/* ---- migration 4 ---- */

static void
test_migrate_from_v3(void **state)
{
	struct teststore_fx		*f = *state;
	struct store_app		 got;
	struct store_event		*ev = NULL;
	struct store_audit_check	 chk;
	enum store_revoke_result	 res;
	size_t				 n = 0;
	int				 found;

	/* a version-3 store as the previous release left it, with rows in it */
	exec_sql(f->uri, v3_schema);
	exec_sql(f->uri, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL);"
	    "INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0);"
	    "INSERT INTO applications (number, status, created, deadline, decided, bin, iin,"
	    " csr_auth, csr_sign, key_auth, key_sign, cert_auth, cert_sign, serial_auth,"
	    " serial_sign, not_before, not_after, install_nonce) VALUES"
	    " ('2000-0000-0000-0000-0000-0000-0001', 'issued', 100, 200, 150,"
	    "  '940140000385', '871008401427', 'CA', 'CS', 'k1', 'k2', 'PA', 'PS',"
	    "  '" SERIAL_A "', '" SERIAL_S "', 150, 9999999999, 'n1');"
	    "INSERT INTO applications (number, status, created, deadline, decided, bin, iin,"
	    " csr_auth, csr_sign, key_auth, key_sign, reject_reason, reject_code, reject_text)"
	    " VALUES ('2000-0000-0000-0000-0000-0000-0002', 'rejected', 110, 210, 160,"
	    "  '940140000385', '871008401427', 'CA2', 'CS2', 'k3', 'k4',"
	    "  'Other reason: позже', 'other', 'позже');"
	    "INSERT INTO applications (number, status, created, deadline, bin, iin,"
	    " csr_auth, csr_sign, key_auth, key_sign) VALUES"
	    " ('2000-0000-0000-0000-0000-0000-0003', 'submitted', 120, 220,"
	    "  '940140000385', '871008401427', 'CA3', 'CS3', 'k5', 'k6');"
	    "INSERT INTO events (number, at, actor, action, detail) VALUES"
	    " ('2000-0000-0000-0000-0000-0000-0001', 100, 'applicant', 'submitted', NULL),"
	    " ('2000-0000-0000-0000-0000-0000-0001', 150, 'operator:o', 'issued', 'AUTH'),"
	    " ('2000-0000-0000-0000-0000-0000-0002', 110, 'applicant', 'submitted', NULL),"
	    " ('2000-0000-0000-0000-0000-0000-0003', 120, 'applicant', 'submitted', NULL);");
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 3);

	f->st = reopen(f->uri);
	assert_int_equal(count_rows(f->uri, "SELECT MAX(version) FROM schema_migrations"), 7);
	/* every row and every event kept, every index there, no foreign key broken */
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 3);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM events"), 4);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " type = 'index' AND name IN ('applications_status_created',"
	    " 'applications_status_deadline', 'events_number', 'applications_iin',"
	    " 'applications_renews', 'applications_serial_auth',"
	    " 'applications_serial_sign')"), 7);
	/* the UNIQUE keys survived the rebuild */
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_index_list("
	    "'applications') WHERE \"unique\" = 1"), 3);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_foreign_key_check"),
	    0);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " name = 'applications_new'"), 0);
	/* events still refer to applications (not to a table renamed away) */
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_foreign_key_list("
	    "'events') WHERE \"table\" = 'applications'"), 1);

	OK(store_app_get(f->st, "2000-0000-0000-0000-0000-0000-0001", &got, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(got.status, APP_ISSUED);
	assert_string_equal(got.serial_auth, SERIAL_A);
	assert_string_equal(got.install_nonce, "n1");
	assert_int_equal(got.revoked_at, 0);
	assert_null(got.revoke_reason);
	assert_string_equal(got.renews, "");
	OK(store_app_csrs(f->st, &got, C));	/* migration 7 moved them, each its own */
	assert_string_equal(got.csr_auth, "CA");
	assert_string_equal(got.csr_sign, "CS");
	store_app_free(&got);
	OK(store_app_get(f->st, "2000-0000-0000-0000-0000-0000-0002", &got, &found, C));
	assert_string_equal(got.reject_code, "other");
	assert_string_equal(got.reject_text, "позже");
	store_app_free(&got);
	OK(store_app_get(f->st, "2000-0000-0000-0000-0000-0000-0003", &got, &found, C));
	OK(store_app_csrs(f->st, &got, C));
	assert_string_equal(got.csr_auth, "CA3");
	assert_string_equal(got.csr_sign, "CS3");
	store_app_free(&got);

	/* the new status is allowed, and the foreign keys are enforced again */
	OK(store_app_revoke(f->st, "2000-0000-0000-0000-0000-0000-0001", "keyCompromise",
	    "holder", "holder", NULL, 500, &res, C));
	assert_int_equal(res, STORE_REVOKE_DONE);
	OK(store_events(f->st, "2000-0000-0000-0000-0000-0000-0001", &ev, &n, C));
	assert_int_equal(n, 3);
	assert_string_equal(ev[2].action, "revoked");
	store_events_free(ev, n);
	OK(store_audit_verify(f->st, &chk, C));
	assert_int_equal(chk.broken, 0);
	assert_int_equal(chk.count, 1);
	{
		struct store_app	a;
		int			existing, reused;
		char			*cause = NULL;

		make_app(&a, 9, "871008401427", 1000);
		app_number(a.renews, 77);	/* no such application */
		assert_int_equal(store_app_insert(f->st, &a, "x", &existing, &reused, &cause),
		    -1);
		assert_non_null(cause);
		free(cause);
	}
}

/*
 * Migration 3 reads the code and the operator's text back out of rejections stored
 * before it, from the six English names the service wrote until then; migration 4 then
 * keeps them (from a version-2 store: both in one go).
 */
static void
test_migrate_reject_codes_from_v2(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 got;
	int			 i, found;
	static const struct {
		const char	*reason, *code, *text;
	} rows[] = {
		{ "The applicant''s identity could not be confirmed: паспорт чужой",
		    "identity_mismatch", "паспорт чужой" },
		{ "Other reason: позже", "other", "позже" },
		{ "Required documents were not presented", "documents_missing", NULL },
	};

	exec_sql(f->uri, v3_schema);
	exec_sql(f->uri, "ALTER TABLE applications DROP COLUMN reject_code;"
	    "ALTER TABLE applications DROP COLUMN reject_text;"
	    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
	    " applied INTEGER NOT NULL);"
	    "INSERT INTO schema_migrations VALUES (1, 0), (2, 0);");
	for (i = 0; i < 3; i++) {
		char	sql[1024];

		snprintf(sql, sizeof sql, "INSERT INTO applications (number, status, created,"
		    " deadline, decided, bin, iin, csr_auth, csr_sign, key_auth, key_sign,"
		    " reject_reason) VALUES ('2000-0000-0000-0000-0000-0000-000%d', 'rejected',"
		    " 100, 200, 150, '940140000385', '871008401427', 'A', 'S', 'ka%d', 'ks%d',"
		    " '%s')", i, i, i, rows[i].reason);
		exec_sql(f->uri, sql);
	}
	f->st = reopen(f->uri);
	for (i = 0; i < 3; i++) {
		char	number[REQNUM_LEN + 1];

		snprintf(number, sizeof number, "2000-0000-0000-0000-0000-0000-000%d", i);
		OK(store_app_get(f->st, number, &got, &found, C));
		assert_int_equal(found, 1);
		assert_string_equal(got.reject_code, rows[i].code);
		if (rows[i].text == NULL)
			assert_null(got.reject_text);
		else
			assert_string_equal(got.reject_text, rows[i].text);
		store_app_free(&got);
	}
}

/* A fresh store has the latest schema at once. */
static void
test_fresh_schema(void **state)
{
	struct teststore_fx	*f = *state;

	/* PostgreSQL 1: SQLite's version 6; 2: rate_windows; 3: csrs (SQLite's 7) */
	if (teststore_is_pg(f->uri)) {
		assert_int_equal(count_rows(f->uri,
		    "SELECT MAX(version) FROM schema_migrations"), 3);
		assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM"
		    " information_schema.tables WHERE table_name IN"
		    " ('revocations', 'challenges', 'crl_numbers', 'csrs')"), 4);
		return;
	}
	assert_int_equal(count_rows(f->uri, "SELECT MAX(version) FROM schema_migrations"), 7);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " name IN ('revocations', 'challenges', 'crl_numbers', 'csrs')"), 4);
}

/* ---- the CSRs apart (SQLite 7, PostgreSQL 3) ---- */

/* The columns of applications named csr_auth or csr_sign. */
static int
csr_columns(const char *uri)
{
	return count_rows(uri, teststore_is_pg(uri) ? "SELECT COUNT(*) FROM"
	    " information_schema.columns WHERE table_name = 'applications' AND"
	    " column_name IN ('csr_auth', 'csr_sign')" : "SELECT COUNT(*) FROM"
	    " pragma_table_info('applications') WHERE name IN ('csr_auth', 'csr_sign')");
}

/*
 * A store of the version before, its applications holding their CSRs in their rows (the
 * last migration undone, rows kept), is migrated with every CSR moved to its application;
 * SQLite keeps the store as it was in PATH.before-v7 first.
 */
static void
test_migrate_csrs_apart(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 a, got;
	char			 csr[2][3][32], *copy = NULL;
	int			 i, pg = teststore_is_pg(f->uri), found;

	for (i = 0; i < 3; i++) {
		make_app(&a, i, "871008401427", 1000 + i);
		snprintf(csr[0][i], sizeof csr[0][i], "CSR-A-%d", i);
		snprintf(csr[1][i], sizeof csr[1][i], "CSR-S-%d", i);
		a.csr_auth = csr[0][i];
		a.csr_sign = csr[1][i];
		add_app(f->st, &a, i == 1 ? SERIAL_A : NULL, i == 1 ? SERIAL_S : NULL);
	}
	store_close(f->st);
	f->st = NULL;
	assert_int_equal(csr_columns(f->uri), 0);
	teststore_exec(f->uri, "ALTER TABLE applications ADD COLUMN csr_auth TEXT NOT NULL"
	    " DEFAULT '';"
	    "ALTER TABLE applications ADD COLUMN csr_sign TEXT NOT NULL DEFAULT '';"
	    "UPDATE applications SET csr_auth = c.csr_auth, csr_sign = c.csr_sign"
	    " FROM csrs c WHERE c.number = applications.number;"
	    "DROP TABLE csrs;");
	/* PostgreSQL: its last migration; SQLite's, with rowids apart from the order */
	teststore_exec(f->uri, pg ? "DELETE FROM schema_migrations WHERE version = 3" :
	    "DELETE FROM schema_migrations WHERE version = 7;"
	    "UPDATE applications SET rowid = 10 * rowid + 5;");
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"
	    " WHERE csr_auth LIKE 'CSR-A-%' AND csr_sign LIKE 'CSR-S-%'"), 3);

	f->st = reopen(f->uri);
	assert_int_equal(count_rows(f->uri, "SELECT MAX(version) FROM schema_migrations"),
	    pg ? 3 : 7);
	assert_int_equal(csr_columns(f->uri), 0);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM csrs"), 3);
	for (i = 0; i < 3; i++) {
		app_number(a.number, i);
		OK(store_app_get(f->st, a.number, &got, &found, C));
		assert_int_equal(found, 1);
		assert_int_equal(got.status, i == 1 ? APP_ISSUED : APP_SUBMITTED);
		assert_null(got.csr_auth);
		OK(store_app_csrs(f->st, &got, C));
		assert_string_equal(got.csr_auth, csr[0][i]);
		assert_string_equal(got.csr_sign, csr[1][i]);
		store_app_free(&got);
	}
	if (pg)
		return;
	/* rebuilt: every rowid kept, every index there, no foreign key broken */
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications WHERE"
	    " rowid = 10 * (CAST(substr(number, 31) AS INTEGER) + 1) + 5"), 3);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " type = 'index' AND tbl_name = 'applications' AND name IN"
	    " ('applications_status_created', 'applications_status_deadline',"
	    " 'applications_iin', 'applications_renews', 'applications_serial_auth',"
	    " 'applications_serial_sign', 'applications_not_after')"), 7);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_index_list("
	    "'applications') WHERE \"unique\" = 1"), 3);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM sqlite_master WHERE"
	    " name = 'applications_new'"), 0);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_foreign_key_list("
	    "'csrs') WHERE \"table\" = 'applications'"), 1);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM pragma_foreign_key_check"),
	    0);
	/* the copy before: version 6, the CSRs still in the rows */
	assert_int_not_equal(asprintf(&copy, "%s.before-v7", f->uri), -1);
	assert_int_equal(count_rows(copy, "SELECT MAX(version) FROM schema_migrations"), 6);
	assert_int_equal(count_rows(copy, "SELECT COUNT(*) FROM applications"
	    " WHERE csr_auth LIKE 'CSR-A-%'"), 3);
	free(copy);
}

/* ---- revocation ---- */

static void
test_revoke(void **state)
{
	struct teststore_fx		*f = *state;
	struct store			*st = f->st;
	struct store_app		 a, b, got;
	struct store_cert_status	 cs;
	struct store_revocation		*rv = NULL;
	struct store_event		*ev = NULL;
	struct store_audit		*au = NULL;
	enum store_revoke_result	 res;
	size_t				 n = 0;
	int				 found;
	char				*cause = NULL;

	make_app(&a, 1, "871008401427", 1000);
	add_app(st, &a, SERIAL_A, SERIAL_S);
	make_app(&b, 2, "871008401427", 1000);
	add_app(st, &b, NULL, NULL);
	assert_int_equal(generation(st), 0);

	/* good before */
	OK(store_cert_status(st, SERIAL_A, &cs, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(cs.revoked, 0);
	assert_string_equal(cs.number, a.number);
	assert_int_equal(cs.not_after, 1000 + 365 * 86400);

	/* nothing to revoke in a submitted application; unknown ones; unknown reasons */
	OK(store_app_revoke(st, b.number, "keyCompromise", "holder", "holder", NULL, 2000,
	    &res, C));
	assert_int_equal(res, STORE_REVOKE_REFUSED);
	OK(store_app_revoke(st, "2000-0000-0000-0000-0000-0000-0999", "keyCompromise",
	    "holder", "holder", NULL, 2000, &res, C));
	assert_int_equal(res, STORE_REVOKE_NOT_FOUND);
	assert_int_equal(store_app_revoke(st, a.number, "bogus", "holder", "holder", NULL,
	    2000, &res, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(generation(st), 0);

	OK(store_app_revoke(st, a.number, "affiliationChanged", "operator:o", "operator:o",
	    "reason affiliationChanged; documents id_card", 3000, &res, C));
	assert_int_equal(res, STORE_REVOKE_DONE);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(got.status, APP_REVOKED);
	assert_int_equal(got.revoked_at, 3000);
	assert_string_equal(got.revoke_reason, "affiliationChanged");
	assert_string_equal(got.revoked_by, "operator:o");
	assert_string_equal(got.serial_auth, SERIAL_A);		/* kept */
	store_app_free(&got);
	OK(store_events(st, a.number, &ev, &n, C));
	assert_int_equal(n, 3);
	assert_string_equal(ev[2].action, "revoked");
	assert_string_equal(ev[2].actor, "operator:o");
	assert_string_equal(ev[2].detail, "reason affiliationChanged; documents id_card");
	store_events_free(ev, n);
	OK(store_audit_list(st, a.number, &au, &n, C));
	assert_string_equal(au[n - 1].action, "application.revoked");
	store_audit_free(au, n);

	/* both serials, any case, with the CRL reason and the time */
	OK(store_cert_status(st, "7a00000000000000000000000000000000000001", &cs, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(cs.revoked, 1);
	assert_int_equal(cs.revoked_at, 3000);
	assert_int_equal(cs.crl_reason, 3);
	OK(store_cert_status(st, "B00000000000000000000000000000000000002", &cs, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(cs.revoked, 1);
	OK(store_cert_status(st, "7A00000000000000000000000000000000000009", &cs, &found, C));
	assert_int_equal(found, 0);
	OK(store_cert_status(st, "not hex", &cs, &found, C));
	assert_int_equal(found, 0);
	assert_int_equal(generation(st), 2);
	OK(store_revocations(st, 0, &rv, &n, C));
	assert_int_equal(n, 2);
	assert_int_equal(rv[0].crl_reason, 3);
	assert_int_equal(rv[0].at, 3000);
	assert_true(strcmp(rv[0].serial, SERIAL_A) == 0 || strcmp(rv[1].serial, SERIAL_A) == 0);
	store_revocations_free(rv, n);
	OK(store_revocations(st, 3001, &rv, &n, C));
	assert_int_equal(n, 0);
	store_revocations_free(rv, n);

	/* a second revocation is answered, not repeated */
	OK(store_app_revoke(st, a.number, "keyCompromise", "holder", "holder", NULL, 4000,
	    &res, C));
	assert_int_equal(res, STORE_REVOKE_ALREADY);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(got.revoked_at, 3000);
	assert_string_equal(got.revoke_reason, "affiliationChanged");
	store_app_free(&got);
	OK(store_events(st, a.number, &ev, &n, C));
	assert_int_equal(n, 3);
	store_events_free(ev, n);
	assert_int_equal(generation(st), 2);
}

/* ---- renewal ---- */

static void
test_renewal_supersedes(void **state)
{
	struct teststore_fx		*f = *state;
	struct store			*st = f->st;
	struct store_app		 old, nw, got, set;
	struct store_cert_status	 cs;
	enum store_revoke_result	 res;
	enum app_status			 cur;
	int				 found, won;

	make_app(&old, 1, "871008401427", 1000);
	add_app(st, &old, SERIAL_A, SERIAL_S);
	make_app(&nw, 2, "871008401427", 2000);
	memcpy(nw.renews, old.number, sizeof nw.renews);
	add_app(st, &nw, "7A00000000000000000000000000000000000003",
	    "7A00000000000000000000000000000000000004");

	OK(store_app_get(st, old.number, &got, &found, C));
	assert_string_equal(got.renewed_by, nw.number);
	assert_string_equal(got.renews, "");
	assert_int_equal(got.status, APP_ISSUED);	/* until the new one is installed */
	store_app_free(&got);
	OK(store_app_get(st, nw.number, &got, &found, C));
	assert_string_equal(got.renews, old.number);
	assert_string_equal(got.renewed_by, "");
	store_app_free(&got);

	memset(&set, 0, sizeof set);
	OK(store_app_transition(st, nw.number, APP_ISSUED, APP_INSTALLED, &set, "applicant",
	    NULL, 2500, &won, &cur, C));
	assert_int_equal(won, 1);
	OK(store_app_get(st, old.number, &got, &found, C));
	assert_int_equal(got.status, APP_REVOKED);
	assert_int_equal(got.revoked_at, 2500);
	assert_string_equal(got.revoke_reason, "superseded");
	assert_true(strncmp(got.revoked_by, "renewal ", 8) == 0);
	assert_string_equal(got.revoked_by + 8, nw.number);
	store_app_free(&got);
	OK(store_cert_status(st, SERIAL_S, &cs, &found, C));
	assert_int_equal(cs.revoked, 1);
	assert_int_equal(cs.crl_reason, 4);
	OK(store_cert_status(st, "7A00000000000000000000000000000000000003", &cs, &found, C));
	assert_int_equal(cs.revoked, 0);
	OK(store_app_revoke(st, old.number, "keyCompromise", "holder", "holder", NULL, 9000,
	    &res, C));
	assert_int_equal(res, STORE_REVOKE_ALREADY);
}

/* An old application revoked meanwhile keeps its own reason. */
static void
test_renewal_of_revoked(void **state)
{
	struct teststore_fx		*f = *state;
	struct store			*st = f->st;
	struct store_app		 old, nw, got;
	enum store_revoke_result	 res;
	enum app_status			 cur;
	int				 found, won;

	make_app(&old, 1, "871008401427", 1000);
	add_app(st, &old, SERIAL_A, SERIAL_S);
	make_app(&nw, 2, "871008401427", 2000);
	memcpy(nw.renews, old.number, sizeof nw.renews);
	add_app(st, &nw, "7A00000000000000000000000000000000000003",
	    "7A00000000000000000000000000000000000004");
	OK(store_app_revoke(st, old.number, "keyCompromise", "holder", "holder", NULL, 2100,
	    &res, C));
	OK(store_app_transition(st, nw.number, APP_ISSUED, APP_INSTALLED, NULL, "applicant",
	    NULL, 2500, &won, &cur, C));
	assert_int_equal(won, 1);
	OK(store_app_get(st, old.number, &got, &found, C));
	assert_string_equal(got.revoke_reason, "keyCompromise");
	assert_int_equal(got.revoked_at, 2100);
	store_app_free(&got);
	assert_int_equal(generation(st), 2);
}

/* ---- the certificates of an IIN ---- */

static void
test_by_iin(void **state)
{
	struct store			*st = ((struct teststore_fx *)*state)->st;
	struct store_app		 a[4], *v = NULL;
	enum store_revoke_result	 res;
	size_t				 n = 9;

	make_app(&a[0], 1, "871008401427", 1000);
	add_app(st, &a[0], SERIAL_A, SERIAL_S);
	make_app(&a[1], 2, "871008401427", 3000);
	add_app(st, &a[1], "7A00000000000000000000000000000000000003",
	    "7A00000000000000000000000000000000000004");
	make_app(&a[2], 3, "871008401427", 4000);	/* never issued */
	add_app(st, &a[2], NULL, NULL);
	make_app(&a[3], 4, "900101300123", 5000);	/* someone else */
	add_app(st, &a[3], "7A00000000000000000000000000000000000005",
	    "7A00000000000000000000000000000000000006");
	OK(store_app_revoke(st, a[0].number, "keyCompromise", "holder", "holder", NULL, 3500,
	    &res, C));

	OK(store_apps_by_iin(st, "871008401427", &v, &n, C));
	assert_int_equal(n, 2);
	assert_string_equal(v[0].number, a[1].number);		/* newest first */
	assert_int_equal(v[0].status, APP_ISSUED);
	assert_string_equal(v[1].number, a[0].number);
	assert_int_equal(v[1].status, APP_REVOKED);
	assert_string_equal(v[1].revoke_reason, "keyCompromise");
	store_apps_free(v, n);
	OK(store_apps_by_iin(st, "111111111111", &v, &n, C));
	assert_int_equal(n, 0);
	store_apps_free(v, n);
}

/* ---- challenges ---- */

static void
test_challenges(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st = f->st;
	char			 number[REQNUM_LEN + 1], action[STORE_ACTION_MAX];
	int			 found;

	OK(store_challenge_put(st, "nonce-1", "2000-0000-0000-0000-0000-0000-0001", "revoke",
	    1300, C));
	OK(store_challenge_take(st, "nonce-1", 1000, number, action, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(number, "2000-0000-0000-0000-0000-0000-0001");
	assert_string_equal(action, "revoke");
	/* single use */
	OK(store_challenge_take(st, "nonce-1", 1000, number, action, &found, C));
	assert_int_equal(found, 0);
	assert_string_equal(number, "");
	/* expired: refused, and gone */
	OK(store_challenge_put(st, "nonce-2", "2000-0000-0000-0000-0000-0000-0001", "renew",
	    1300, C));
	OK(store_challenge_take(st, "nonce-2", 1300, number, action, &found, C));
	assert_int_equal(found, 0);
	assert_string_equal(action, "");
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM challenges"), 0);
	/* unknown */
	OK(store_challenge_take(st, "nonce-3", 1000, number, action, &found, C));
	assert_int_equal(found, 0);
	/* the sweep removes the expired, keeps the others */
	OK(store_challenge_put(st, "nonce-4", "2000-0000-0000-0000-0000-0000-0001", "renew",
	    1300, C));
	OK(store_challenge_put(st, "nonce-5", "2000-0000-0000-0000-0000-0000-0001", "renew",
	    1600, C));
	OK(store_sweep(st, 1500, C));
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM challenges"), 1);
	OK(store_challenge_take(st, "nonce-5", 1500, number, action, &found, C));
	assert_int_equal(found, 1);
}

/* ---- CRL numbers ---- */

static void
test_crl_numbers(void **state)
{
	struct teststore_fx	*f = *state;
	long long		 n = 0;

	OK(store_crl_number_next(f->st, "ca", &n, C));
	assert_int_equal(n, 1);
	OK(store_crl_number_next(f->st, "ca", &n, C));
	assert_int_equal(n, 2);
	OK(store_crl_number_next(f->st, "root", &n, C));
	assert_int_equal(n, 1);
	store_close(f->st);
	f->st = reopen(f->uri);
	OK(store_crl_number_next(f->st, "ca", &n, C));
	assert_int_equal(n, 3);
	/* inside a bulk transaction too */
	OK(store_begin(f->st, C));
	OK(store_crl_number_next(f->st, "ca", &n, C));
	assert_int_equal(n, 4);
	OK(store_commit(f->st, C));
}

int
main(void)
{
	const struct CMUnitTest sqlite_only[] = {
		TESTSTORE_CASE_CLOSED(test_migrate_from_v3),
		TESTSTORE_CASE_CLOSED(test_migrate_reject_codes_from_v2),
	};
	const struct CMUnitTest tests[] = {
		TESTSTORE_CASE(test_fresh_schema),
		TESTSTORE_CASE(test_migrate_csrs_apart),
		TESTSTORE_CASE(test_revoke),
		TESTSTORE_CASE(test_renewal_supersedes),
		TESTSTORE_CASE(test_renewal_of_revoked),
		TESTSTORE_CASE(test_by_iin),
		TESTSTORE_CASE(test_challenges),
		TESTSTORE_CASE(test_crl_numbers),
	};

	return teststore_main("store-revoke", tests, sizeof tests / sizeof tests[0],
	    sqlite_only, sizeof sqlite_only / sizeof sqlite_only[0]);
}

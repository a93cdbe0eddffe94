/*
 * store-sqlite — the SQLite backend of store.h. One handle per thread on a shared file in
 * WAL mode (readers never wait for the writer; the writers of this process take turns in
 * store-sqlite-sync.c, which also syncs each commit before it is answered; other processes
 * queue behind busy_timeout). Every
 * statement is prepared once per handle from the static SQL below and bound, never
 * formatted. Writes that must be atomic (insert + history, transition + history) run in
 * BEGIN IMMEDIATE, so the write lock is taken before anything is read and two handles
 * cannot both decide on the same row; inside store_begin()'s bulk transaction they use a
 * savepoint instead. The SQL stays plain (ON CONFLICT ... DO UPDATE, RETURNING, integer
 * epoch times, TEXT columns) so that store-pg.c can follow it closely.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "common/alpha.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/revocation.h"
#include "common/utf8.h"
#include "ncaenrolld/store-sqlite-int.h"

/* The columns of an application at schema version 3 (migration 4 copies them). */
#define STORE_SQLITE_APP_COLUMNS_3 \
	"number, status, created, deadline, decided, installed, bin, iin, org_name, " \
	"surname, given_name, patronymic, email, role_id, region_id, city_id, gu_code, " \
	"storage, lang, csr_auth, csr_sign, key_auth, key_sign, cert_auth, cert_sign, " \
	"serial_auth, serial_sign, not_before, not_after, reject_reason, install_nonce, " \
	"reject_code, reject_text"

/* The columns of an application at schema version 7 (migration 7 copies them). */
#define STORE_SQLITE_APP_COLUMNS_7 \
	"number, status, created, deadline, decided, installed, bin, iin, org_name, " \
	"surname, given_name, patronymic, email, role_id, region_id, city_id, gu_code, " \
	"storage, lang, key_auth, key_sign, cert_auth, cert_sign, " \
	"serial_auth, serial_sign, not_before, not_after, reject_reason, install_nonce, " \
	"reject_code, reject_text, revoked_at, revoke_reason, revoked_by, renews"

/*
 * Ordered migrations: element i takes the schema from version i to i + 1, and runs in the
 * same transaction as the row that records it in schema_migrations. Never edit a shipped
 * one; append.
 */
static const char *const store_sqlite_migrations[] = {
	/* 1: the initial schema */
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
	" id TEXT PRIMARY KEY, answer_hash TEXT NOT NULL, expires INTEGER NOT NULL);"
	"CREATE INDEX captchas_expires ON captchas (expires);"
	"CREATE TABLE tokens ("
	" token TEXT PRIMARY KEY, bin TEXT NOT NULL, expires INTEGER NOT NULL);"
	"CREATE INDEX tokens_expires ON tokens (expires);"
	/* An application keeps the form and registry data as submitted: no foreign keys to
	 * the directories, which a later registry may change. */
	"CREATE TABLE applications ("
	" number TEXT PRIMARY KEY,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('submitted', 'issued', 'installed', 'rejected', 'cancelled')),"
	" created INTEGER NOT NULL, deadline INTEGER NOT NULL,"
	" decided INTEGER, installed INTEGER,"
	" bin TEXT NOT NULL, iin TEXT NOT NULL,"
	" org_name TEXT, surname TEXT, given_name TEXT, patronymic TEXT, email TEXT,"
	" role_id TEXT, region_id TEXT, city_id TEXT, gu_code TEXT, storage TEXT, lang TEXT,"
	" csr_auth TEXT NOT NULL, csr_sign TEXT NOT NULL,"
	" key_auth TEXT NOT NULL UNIQUE, key_sign TEXT NOT NULL UNIQUE,"
	" cert_auth TEXT, cert_sign TEXT, serial_auth TEXT, serial_sign TEXT,"
	" not_before INTEGER, not_after INTEGER,"
	" reject_reason TEXT, install_nonce TEXT);"
	"CREATE INDEX applications_status_created ON applications (status, created);"
	"CREATE INDEX applications_status_deadline ON applications (status, deadline);"
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX events_number ON events (number, at);",
	/* 2: RA operators and the audit log (doc/audit.md). The triggers make the log
	 * append-only for anything going through SQL; the hash chain finds what goes around
	 * them (a dropped trigger, an edited file). */
	"CREATE TABLE operators ("
	" name TEXT PRIMARY KEY,"
	" office TEXT NOT NULL,"
	" role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor')),"
	" serial TEXT NOT NULL,"
	" created INTEGER NOT NULL, not_after INTEGER NOT NULL, revoked INTEGER);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
	" number TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
	" prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE INDEX audit_number ON audit (number);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/* 3: a rejection's reason as a code (common/reason.c) and the operator's text as
	 * typed, apart, so every reader gets the reason in their language. Rows rejected
	 * before keep reject_reason ("English name[: text]"); the codes are read back from
	 * the six English names shipped until then. */
	"ALTER TABLE applications ADD COLUMN reject_code TEXT;"
	"ALTER TABLE applications ADD COLUMN reject_text TEXT;"
	"CREATE TEMP TABLE reason_names (code TEXT, name TEXT);"
	"INSERT INTO reason_names VALUES"
	" ('identity_mismatch', 'The applicant''s identity could not be confirmed'),"
	" ('documents_missing', 'Required documents were not presented'),"
	" ('not_authorized', 'No authority to act for the organization'),"
	" ('data_error', 'The application''s data do not match the documents'),"
	" ('applicant_request', 'Withdrawn at the applicant''s request'),"
	" ('other', 'Other reason');"
	"UPDATE applications SET"
	" reject_code = (SELECT code FROM reason_names WHERE reject_reason = name"
	"  OR substr(reject_reason, 1, length(name) + 2) = name || ': '),"
	" reject_text = (SELECT NULLIF(substr(reject_reason, length(name) + 3), '')"
	"  FROM reason_names WHERE reject_reason = name"
	"  OR substr(reject_reason, 1, length(name) + 2) = name || ': ')"
	" WHERE reject_reason IS NOT NULL;"
	"DROP TABLE reason_names;",
	/* 4: revocation and renewal (doc/api-lifecycle.md). SQLite cannot change a CHECK, so
	 * applications is rebuilt as SQLite's documented procedure does (foreign keys off
	 * around it, store_sqlite_migrate; events keep referring to it by name), every row
	 * and index kept. revocations: one row per revoked certificate, what CRLs and OCSP
	 * read; its largest rowid is the revocation generation (rows are never deleted).
	 * challenges: the holder's single-use nonces. crl_numbers: the last CRL number per
	 * CRL. */
	"CREATE TABLE applications_new ("
	" number TEXT PRIMARY KEY,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('submitted', 'issued', 'installed', 'rejected', 'cancelled', 'revoked')),"
	" created INTEGER NOT NULL, deadline INTEGER NOT NULL,"
	" decided INTEGER, installed INTEGER,"
	" bin TEXT NOT NULL, iin TEXT NOT NULL,"
	" org_name TEXT, surname TEXT, given_name TEXT, patronymic TEXT, email TEXT,"
	" role_id TEXT, region_id TEXT, city_id TEXT, gu_code TEXT, storage TEXT, lang TEXT,"
	" csr_auth TEXT NOT NULL, csr_sign TEXT NOT NULL,"
	" key_auth TEXT NOT NULL UNIQUE, key_sign TEXT NOT NULL UNIQUE,"
	" cert_auth TEXT, cert_sign TEXT, serial_auth TEXT, serial_sign TEXT,"
	" not_before INTEGER, not_after INTEGER,"
	" reject_reason TEXT, install_nonce TEXT, reject_code TEXT, reject_text TEXT,"
	" revoked_at INTEGER, revoke_reason TEXT, revoked_by TEXT,"
	" renews TEXT REFERENCES applications (number));"
	"INSERT INTO applications_new (" STORE_SQLITE_APP_COLUMNS_3 ")"
	" SELECT " STORE_SQLITE_APP_COLUMNS_3 " FROM applications;"
	"DROP TABLE applications;"
	"ALTER TABLE applications_new RENAME TO applications;"
	"CREATE INDEX applications_status_created ON applications (status, created);"
	"CREATE INDEX applications_status_deadline ON applications (status, deadline);"
	"CREATE INDEX applications_iin ON applications (iin, created);"
	"CREATE INDEX applications_renews ON applications (renews);"
	"CREATE INDEX applications_serial_auth ON applications (serial_auth);"
	"CREATE INDEX applications_serial_sign ON applications (serial_sign);"
	"CREATE TABLE revocations ("
	" serial TEXT PRIMARY KEY,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" reason INTEGER NOT NULL, revoked_at INTEGER NOT NULL);"
	"CREATE INDEX revocations_at ON revocations (revoked_at);"
	"CREATE TABLE challenges ("
	" nonce TEXT PRIMARY KEY, number TEXT NOT NULL, action TEXT NOT NULL,"
	" expires INTEGER NOT NULL);"
	"CREATE INDEX challenges_expires ON challenges (expires);"
	"CREATE TABLE crl_numbers (name TEXT PRIMARY KEY, last INTEGER NOT NULL);",
	/* 5: the outbox (store-sqlite-mail.c): one row per mail, queued in the transaction
	 * of the change it tells of; one per application and notice. The sweep finds
	 * certificates near their end by applications_not_after. */
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" number TEXT NOT NULL REFERENCES applications (number),"
	" notice TEXT NOT NULL, recipient TEXT NOT NULL, lang TEXT NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN"
	"  ('queued', 'sending', 'sent', 'refused', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" queued INTEGER NOT NULL, next_try INTEGER NOT NULL, done INTEGER, error TEXT,"
	" UNIQUE (number, notice));"
	"CREATE INDEX outbox_due ON outbox (state, next_try);"
	"CREATE INDEX applications_not_after ON applications (status, not_after);",
	/* 6: a check token is bound to the client address that solved its captcha and
	 * counts the IIN checks it served. Tokens issued before have no client: refused,
	 * the person checks the BIN again (they lived half an hour at most). */
	("ALTER TABLE tokens ADD COLUMN client TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE tokens ADD COLUMN iin_checks INTEGER NOT NULL DEFAULT 0;"),
	/* 7: an application's two CSRs (about 2 kB of PEM) in a table of their own. With
	 * them the row filled most of a 4 KiB page, and every status change (the expiry's,
	 * sweep_bench.py) rewrote a page per application; without them about nine share one.
	 * Only issuance reads them (store_app_csrs). applications is rebuilt as migration 4
	 * did, every row kept with its rowid and every index made again: ALTER TABLE DROP
	 * COLUMN would leave each row alone on its mostly empty page. */
	"CREATE TABLE csrs ("
	" number TEXT PRIMARY KEY REFERENCES applications (number),"
	" csr_auth TEXT NOT NULL, csr_sign TEXT NOT NULL);"
	"INSERT INTO csrs (number, csr_auth, csr_sign)"
	" SELECT number, csr_auth, csr_sign FROM applications ORDER BY rowid;"
	"CREATE TABLE applications_new ("
	" number TEXT PRIMARY KEY,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('submitted', 'issued', 'installed', 'rejected', 'cancelled', 'revoked')),"
	" created INTEGER NOT NULL, deadline INTEGER NOT NULL,"
	" decided INTEGER, installed INTEGER,"
	" bin TEXT NOT NULL, iin TEXT NOT NULL,"
	" org_name TEXT, surname TEXT, given_name TEXT, patronymic TEXT, email TEXT,"
	" role_id TEXT, region_id TEXT, city_id TEXT, gu_code TEXT, storage TEXT, lang TEXT,"
	" key_auth TEXT NOT NULL UNIQUE, key_sign TEXT NOT NULL UNIQUE,"
	" cert_auth TEXT, cert_sign TEXT, serial_auth TEXT, serial_sign TEXT,"
	" not_before INTEGER, not_after INTEGER,"
	" reject_reason TEXT, install_nonce TEXT, reject_code TEXT, reject_text TEXT,"
	" revoked_at INTEGER, revoke_reason TEXT, revoked_by TEXT,"
	" renews TEXT REFERENCES applications (number));"
	"INSERT INTO applications_new (rowid, " STORE_SQLITE_APP_COLUMNS_7 ")"
	" SELECT rowid, " STORE_SQLITE_APP_COLUMNS_7 " FROM applications ORDER BY rowid;"
	"DROP TABLE applications;"
	"ALTER TABLE applications_new RENAME TO applications;"
	"CREATE INDEX applications_status_created ON applications (status, created);"
	"CREATE INDEX applications_status_deadline ON applications (status, deadline);"
	"CREATE INDEX applications_iin ON applications (iin, created);"
	"CREATE INDEX applications_renews ON applications (renews);"
	"CREATE INDEX applications_serial_auth ON applications (serial_auth);"
	"CREATE INDEX applications_serial_sign ON applications (serial_sign);"
	"CREATE INDEX applications_not_after ON applications (status, not_after);",
};
#define STORE_SQLITE_VERSION \
	((int)(sizeof store_sqlite_migrations / sizeof store_sqlite_migrations[0]))

/*
 * The columns of an application (its CSRs apart, in csrs since migration 7), in the order
 * of store_sqlite_app_cols[] below; the SELECT adds renewed_by, found from the other side.
 */
#define STORE_SQLITE_APP_COLUMNS STORE_SQLITE_APP_COLUMNS_7
#define STORE_SQLITE_APP_SELECT STORE_SQLITE_APP_COLUMNS ", " \
	"(SELECT r.number FROM applications r WHERE r.renews = applications.number" \
	" ORDER BY r.created DESC, r.rowid DESC LIMIT 1)"

#define STORE_SQLITE_OP_COLUMNS \
	"name, office, role, serial, created, not_after, revoked"
#define STORE_SQLITE_AUDIT_COLUMNS \
	"id, at, actor, action, number, detail, prev_hash, hash"
/* The queue's filters: a NULL parameter matches everything. */
#define STORE_SQLITE_QUEUE_WHERE \
	"status = 'submitted' AND (?1 IS NULL OR city_id = ?1)" \
	" AND (?2 IS NULL OR region_id = ?2) AND (?3 IS NULL OR created <= ?3)" \
	" AND (?4 IS NULL OR created >= ?4) AND (?5 IS NULL OR number = ?5)" \
	" AND (?6 IS NULL OR iin = ?6 OR bin = ?6)"


static const char *const store_sqlite_sql[] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT store_op",
	[Q_RELEASE] = "RELEASE store_op",
	[Q_ROLLBACK_TO] = "ROLLBACK TO store_op",
	[Q_BEGIN_READ] = "BEGIN DEFERRED",	/* a snapshot from its first read */
	[Q_VERSION] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
	[Q_VERSION_ADD] = "INSERT INTO schema_migrations (version, applied) VALUES (?1, ?2)",
	[Q_ORG_PUT] = "INSERT INTO organizations (bin, name_kk, name_ru, name_en, region_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (bin) DO UPDATE SET"
	    " name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
	    " name_en = excluded.name_en, region_id = excluded.region_id",
	[Q_ORG_GET] = "SELECT name_kk, name_ru, name_en, region_id FROM organizations"
	    " WHERE bin = ?1",
	[Q_GU_PUT] = "INSERT INTO gu_codes (bin, code) VALUES (?1, ?2)"
	    " ON CONFLICT (bin, code) DO NOTHING",
	[Q_GU_CLEAR] = "DELETE FROM gu_codes WHERE bin = ?1",
	[Q_GU_LIST] = "SELECT code FROM gu_codes WHERE bin = ?1 ORDER BY code",
	[Q_PERSON_PUT] = "INSERT INTO persons (iin, surname, given_name, patronymic)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (iin) DO UPDATE SET"
	    " surname = excluded.surname, given_name = excluded.given_name,"
	    " patronymic = excluded.patronymic",
	[Q_PERSON_GET] = "SELECT surname, given_name, patronymic FROM persons WHERE iin = ?1",
	[Q_CAPTCHA_PUT] = "INSERT INTO captchas (id, answer_hash, expires) VALUES (?1, ?2, ?3)",
	[Q_CAPTCHA_TAKE] = "DELETE FROM captchas WHERE id = ?1 RETURNING answer_hash, expires",
	[Q_TOKEN_PUT] = "INSERT INTO tokens (token, bin, client, expires)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[Q_TOKEN_GET] = "SELECT bin FROM tokens WHERE token = ?1 AND client = ?2"
	    " AND expires > ?3",
	[Q_TOKEN_USE_IIN] = "UPDATE tokens SET iin_checks = iin_checks + 1 WHERE token = ?1"
	    " AND client = ?2 AND expires > ?3 AND iin_checks < ?4 RETURNING bin",
	[Q_SWEEP_CAPTCHAS] = "DELETE FROM captchas WHERE expires <= ?1",
	[Q_SWEEP_TOKENS] = "DELETE FROM tokens WHERE expires <= ?1",
	[Q_APP_BY_KEYS] = "SELECT number FROM applications WHERE key_auth = ?1 AND key_sign = ?2",
	[Q_APP_KEY_SEEN] = "SELECT number FROM applications"
	    " WHERE key_auth IN (?1, ?2) OR key_sign IN (?1, ?2) LIMIT 1",
	[Q_APP_INSERT] = "INSERT INTO applications (" STORE_SQLITE_APP_COLUMNS ") VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	    " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33,"
	    " ?34, ?35)",
	[Q_CSRS_INSERT] = "INSERT INTO csrs (number, csr_auth, csr_sign) VALUES (?1, ?2, ?3)",
	[Q_CSRS_GET] = "SELECT csr_auth, csr_sign FROM csrs WHERE number = ?1",
	[Q_APP_GET] = "SELECT " STORE_SQLITE_APP_SELECT " FROM applications WHERE number = ?1",
	[Q_APP_UPDATE] = "UPDATE applications SET status = ?1,"
	    " decided = COALESCE(?2, decided), installed = COALESCE(?3, installed),"
	    " cert_auth = COALESCE(?4, cert_auth), cert_sign = COALESCE(?5, cert_sign),"
	    " serial_auth = COALESCE(?6, serial_auth), serial_sign = COALESCE(?7, serial_sign),"
	    " not_before = COALESCE(?8, not_before), not_after = COALESCE(?9, not_after),"
	    " reject_reason = COALESCE(?10, reject_reason),"
	    " install_nonce = COALESCE(?11, install_nonce),"
	    " reject_code = COALESCE(?14, reject_code), reject_text = COALESCE(?15, reject_text)"
	    " WHERE number = ?12 AND status = ?13",
	[Q_APP_STATUS] = "SELECT status FROM applications WHERE number = ?1",
	[Q_APP_NUMBERS] = "SELECT number FROM applications"
	    " WHERE status = ?1 AND (?2 = 0 OR created <= ?2) ORDER BY created, number",
	[Q_APP_OVERDUE] = "SELECT number FROM applications"
	    " WHERE status = 'submitted' AND deadline < ?1 ORDER BY deadline, number",
	[Q_EVENT_ADD] = "INSERT INTO events (number, at, actor, action, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_EVENTS] = "SELECT at, actor, action, detail FROM events WHERE number = ?1"
	    " ORDER BY at, id",
	[Q_OP_EXISTS] = "SELECT 1 FROM operators WHERE name = ?1",
	[Q_OP_PUT] = "INSERT INTO operators (name, office, role, serial, created, not_after,"
	    " revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL) ON CONFLICT (name) DO UPDATE SET"
	    " office = excluded.office, role = excluded.role, serial = excluded.serial,"
	    " created = excluded.created, not_after = excluded.not_after, revoked = NULL",
	[Q_OP_GET] = "SELECT " STORE_SQLITE_OP_COLUMNS " FROM operators WHERE name = ?1",
	[Q_OP_REVOKE] = "UPDATE operators SET revoked = ?2 WHERE name = ?1 AND revoked IS NULL",
	[Q_OP_LIST] = "SELECT " STORE_SQLITE_OP_COLUMNS " FROM operators ORDER BY name",
	[Q_QUEUE] = "SELECT " STORE_SQLITE_APP_SELECT " FROM applications"
	    " WHERE " STORE_SQLITE_QUEUE_WHERE " ORDER BY deadline, number LIMIT ?7 OFFSET ?8",
	[Q_QUEUE_COUNT] = "SELECT COUNT(*) FROM applications WHERE " STORE_SQLITE_QUEUE_WHERE,
	[Q_AUDIT_LAST] = "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	[Q_AUDIT_ADD] = "INSERT INTO audit (id, at, actor, action, number, detail, prev_hash,"
	    " hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_AUDIT_ALL] = "SELECT " STORE_SQLITE_AUDIT_COLUMNS " FROM audit ORDER BY id",
	[Q_AUDIT_OF] = "SELECT " STORE_SQLITE_AUDIT_COLUMNS " FROM audit WHERE number = ?1"
	    " ORDER BY id",
	[Q_REVOKE_GET] = "SELECT status, serial_auth, serial_sign FROM applications"
	    " WHERE number = ?1",
	[Q_REVOKE_SET] = "UPDATE applications SET status = 'revoked', revoked_at = ?2,"
	    " revoke_reason = ?3, revoked_by = ?4"
	    " WHERE number = ?1 AND status IN ('issued', 'installed')",
	[Q_REVOCATION_ADD] = "INSERT INTO revocations (serial, number, reason, revoked_at)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[Q_APP_RENEWS] = "SELECT renews FROM applications WHERE number = ?1",
	[Q_APPS_BY_IIN] = "SELECT " STORE_SQLITE_APP_SELECT " FROM applications"
	    " WHERE iin = ?1 AND status IN ('issued', 'installed', 'revoked')"
	    " ORDER BY created DESC, rowid DESC",
	[Q_CHALLENGE_PUT] = "INSERT INTO challenges (nonce, number, action, expires)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[Q_CHALLENGE_TAKE] = "DELETE FROM challenges WHERE nonce = ?1"
	    " RETURNING number, action, expires",
	[Q_SWEEP_CHALLENGES] = "DELETE FROM challenges WHERE expires <= ?1",
	[Q_CERT_STATUS] = "SELECT a.number, a.not_after, r.revoked_at, r.reason"
	    " FROM applications a LEFT JOIN revocations r ON r.serial = ?1"
	    " WHERE a.serial_auth = ?1 OR a.serial_sign = ?1 LIMIT 1",
	[Q_REVOCATIONS] = "SELECT serial, revoked_at, reason FROM revocations"
	    " WHERE revoked_at >= ?1 ORDER BY revoked_at, rowid",
	[Q_CRL_NUMBER_NEXT] = "INSERT INTO crl_numbers (name, last) VALUES (?1, 1)"
	    " ON CONFLICT (name) DO UPDATE SET last = last + 1 RETURNING last",
	[Q_REVOCATION_GEN] = "SELECT COALESCE(MAX(rowid), 0) FROM revocations",
};
_Static_assert(sizeof store_sqlite_sql / sizeof store_sqlite_sql[0] == Q__MAX,
    "one statement per query");

/*
 * The directories: one table each, every query yielding the same eight columns (id,
 * parent, kk, ru, en, dc, oid, address) and binding by name, so one reader and one binder
 * serve all four. Roles sort by id (ROLE01, ROLE02, ...); the rest by their Russian name
 * in alphabetical order, ignoring case (collation store_alpha below; PostgreSQL would
 * name an ICU collation such as "kk-KZ-x-icu" instead).
 */
static const struct {
	const char	*name;			/* for messages */
	const char	*sql[DQ__MAX];		/* DQ_UNDER NULL: the directory has no parents */
} store_sqlite_dirs[] = {
	[STORE_ROLES] = { "role", {
	    [DQ_PUT] = "INSERT INTO roles (id, name_kk, name_ru, name_en, dc, oid)"
		" VALUES (:id, :kk, :ru, :en, :dc, :oid) ON CONFLICT (id) DO UPDATE SET"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en, dc = excluded.dc, oid = excluded.oid",
	    [DQ_ALL] = "SELECT id, NULL, name_kk, name_ru, name_en, dc, oid, NULL"
		" FROM roles ORDER BY id",
	    [DQ_GET] = "SELECT id, NULL, name_kk, name_ru, name_en, dc, oid, NULL"
		" FROM roles WHERE id = :id",
	} },
	[STORE_REGIONS] = { "region", {
	    [DQ_PUT] = "INSERT INTO regions (id, name_kk, name_ru, name_en)"
		" VALUES (:id, :kk, :ru, :en) ON CONFLICT (id) DO UPDATE SET"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en",
	    [DQ_ALL] = "SELECT id, NULL, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM regions ORDER BY name_ru COLLATE store_alpha, id",
	    [DQ_GET] = "SELECT id, NULL, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM regions WHERE id = :id",
	} },
	[STORE_CITIES] = { "city", {
	    [DQ_PUT] = "INSERT INTO cities (id, region_id, name_kk, name_ru, name_en)"
		" VALUES (:id, :parent, :kk, :ru, :en) ON CONFLICT (id) DO UPDATE SET"
		" region_id = excluded.region_id, name_kk = excluded.name_kk,"
		" name_ru = excluded.name_ru, name_en = excluded.name_en",
	    [DQ_ALL] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities ORDER BY name_ru COLLATE store_alpha, id",
	    [DQ_UNDER] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities WHERE region_id = :parent"
		" ORDER BY name_ru COLLATE store_alpha, id",
	    [DQ_GET] = "SELECT id, region_id, name_kk, name_ru, name_en, NULL, NULL, NULL"
		" FROM cities WHERE id = :id",
	} },
	[STORE_OFFICES] = { "office", {
	    [DQ_PUT] = "INSERT INTO offices (id, city_id, name_kk, name_ru, name_en, address)"
		" VALUES (:id, :parent, :kk, :ru, :en, :address)"
		" ON CONFLICT (id) DO UPDATE SET city_id = excluded.city_id,"
		" name_kk = excluded.name_kk, name_ru = excluded.name_ru,"
		" name_en = excluded.name_en, address = excluded.address",
	    [DQ_ALL] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices ORDER BY name_ru COLLATE store_alpha, id",
	    [DQ_UNDER] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices WHERE city_id = :parent"
		" ORDER BY name_ru COLLATE store_alpha, id",
	    [DQ_GET] = "SELECT id, city_id, name_kk, name_ru, name_en, NULL, NULL, address"
		" FROM offices WHERE id = :id",
	} },
};
_Static_assert(sizeof store_sqlite_dirs / sizeof store_sqlite_dirs[0] == STORE_DIR__MAX,
    "one row per directory");

/* How each column of an application maps to struct store_app. */
enum store_sqlite_kind { SK_BUF, SK_STR, SK_TIME, SK_STATUS };

#define STORE_SQLITE_COL(kind, field) \
	{ kind, #field, offsetof(struct store_app, field), \
	  sizeof(((struct store_app *)0)->field) }

static const struct {
	enum store_sqlite_kind	 kind;
	const char		*name;
	size_t			 off, size;
} store_sqlite_app_cols[] = {
	STORE_SQLITE_COL(SK_BUF, number),
	STORE_SQLITE_COL(SK_STATUS, status),
	STORE_SQLITE_COL(SK_TIME, created),
	STORE_SQLITE_COL(SK_TIME, deadline),
	STORE_SQLITE_COL(SK_TIME, decided),
	STORE_SQLITE_COL(SK_TIME, installed),
	STORE_SQLITE_COL(SK_BUF, bin),
	STORE_SQLITE_COL(SK_BUF, iin),
	STORE_SQLITE_COL(SK_STR, org_name),
	STORE_SQLITE_COL(SK_STR, surname),
	STORE_SQLITE_COL(SK_STR, given_name),
	STORE_SQLITE_COL(SK_STR, patronymic),
	STORE_SQLITE_COL(SK_STR, email),
	STORE_SQLITE_COL(SK_STR, role_id),
	STORE_SQLITE_COL(SK_STR, region_id),
	STORE_SQLITE_COL(SK_STR, city_id),
	STORE_SQLITE_COL(SK_STR, gu_code),
	STORE_SQLITE_COL(SK_STR, storage),
	STORE_SQLITE_COL(SK_STR, lang),
	STORE_SQLITE_COL(SK_BUF, key_auth),
	STORE_SQLITE_COL(SK_BUF, key_sign),
	STORE_SQLITE_COL(SK_STR, cert_auth),
	STORE_SQLITE_COL(SK_STR, cert_sign),
	STORE_SQLITE_COL(SK_BUF, serial_auth),
	STORE_SQLITE_COL(SK_BUF, serial_sign),
	STORE_SQLITE_COL(SK_TIME, not_before),
	STORE_SQLITE_COL(SK_TIME, not_after),
	STORE_SQLITE_COL(SK_STR, reject_reason),
	STORE_SQLITE_COL(SK_STR, install_nonce),
	STORE_SQLITE_COL(SK_STR, reject_code),
	STORE_SQLITE_COL(SK_STR, reject_text),
	STORE_SQLITE_COL(SK_TIME, revoked_at),
	STORE_SQLITE_COL(SK_STR, revoke_reason),
	STORE_SQLITE_COL(SK_STR, revoked_by),
	STORE_SQLITE_COL(SK_BUF, renews),
};
#define STORE_SQLITE_APP_NCOLS \
	((int)(sizeof store_sqlite_app_cols / sizeof store_sqlite_app_cols[0]))
_Static_assert(sizeof store_sqlite_app_cols / sizeof store_sqlite_app_cols[0] == 35,
    "Q_APP_INSERT binds ?1 to ?35");


/* ---- statements ---- */

void
store_sqlite_fail(struct store_sqlite *s, const char *what, char **cause)
{
	cause_set(cause, _("the store %s: %s: %s"), s->path, what, sqlite3_errmsg(s->db));
}

/* The statement for sql, prepared on first use and kept in *slot; NULL with a cause. */
sqlite3_stmt *
store_sqlite_prep(struct store_sqlite *s, sqlite3_stmt **slot, const char *sql,
    char **cause)
{
	if (*slot == NULL && sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    slot, NULL) != SQLITE_OK) {
		*slot = NULL;
		store_sqlite_fail(s, "prepare", cause);
	}
	return *slot;
}

sqlite3_stmt *
store_sqlite_q(struct store_sqlite *s, enum store_sqlite_q q, char **cause)
{
	return store_sqlite_prep(s, &s->q[q], store_sqlite_sql[q], cause);
}

/*
 * Makes st ready for its next use. rc is the caller's result so far: a reset that fails
 * after a success turns it into -1 with a cause (after a failure, reset only repeats the
 * error already reported).
 */
int
store_sqlite_done(struct store_sqlite *s, sqlite3_stmt *st, int rc, const char *what,
    char **cause)
{
	int	e1, e2;

	if (st == NULL)
		return -1;
	e1 = sqlite3_reset(st);
	e2 = sqlite3_clear_bindings(st);
	if (rc == 0 && (e1 != SQLITE_OK || e2 != SQLITE_OK)) {
		store_sqlite_fail(s, what, cause);
		return -1;
	}
	return rc;
}

/* One step: 1 a row, 0 done, -1 an error with a cause. */
int
store_sqlite_step(struct store_sqlite *s, sqlite3_stmt *st, const char *what, char **cause)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		store_sqlite_fail(s, what, cause);
		return -1;
	}
}

/* Runs a statement that returns no rows (or whose rows do not matter) and resets it. */
int
store_sqlite_run(struct store_sqlite *s, sqlite3_stmt *st, const char *what, char **cause)
{
	int	r;

	while ((r = store_sqlite_step(s, st, what, cause)) == 1)
		continue;
	return store_sqlite_done(s, st, r, what, cause);
}

/*
 * After binding st's parameters: failed is the binders' chain (non-zero when one failed).
 * 0, or -1 with the cause named what and st made ready again.
 */
int
store_sqlite_bound(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
    char **cause, int failed)
{
	if (!failed)
		return 0;
	store_sqlite_fail(s, what, cause);
	return store_sqlite_done(s, st, -1, what, NULL);
}

/* Binders: SQLITE_OK (0) or an error code, so a run of them chains with ||. */
int
store_sqlite_bt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* "" is "none": fixed-size fields of struct store_app. */
int
store_sqlite_bt0(sqlite3_stmt *st, int i, const char *v)
{
	return store_sqlite_bt(st, i, v != NULL && *v != '\0' ? v : NULL);
}

int
store_sqlite_bi(sqlite3_stmt *st, int i, time_t v)
{
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

/* 0 is "not yet": NULL. */
int
store_sqlite_bi0(sqlite3_stmt *st, int i, time_t v)
{
	return v == 0 ? sqlite3_bind_null(st, i) : store_sqlite_bi(st, i, v);
}

/* Binds :name if the statement has it. */
int
store_sqlite_bn(sqlite3_stmt *st, const char *name, const char *v)
{
	int	i;

	if ((i = sqlite3_bind_parameter_index(st, name)) == 0)
		return SQLITE_OK;
	return store_sqlite_bt(st, i, v);
}

/* Column readers: 0 or -1 (out of memory, or a value that does not fit). */
int
store_sqlite_cs(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char	*v;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	if ((v = sqlite3_column_text(st, i)) == NULL)
		return -1;
	return (*out = strdup((const char *)v)) == NULL ? -1 : 0;
}

int
store_sqlite_cb(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char	*v;
	size_t			 len;

	buf[0] = '\0';
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	if ((v = sqlite3_column_text(st, i)) == NULL)
		return -1;
	if ((len = strlen((const char *)v)) >= size)
		return -1;
	memcpy(buf, v, len + 1);
	return 0;
}

time_t
store_sqlite_ci(sqlite3_stmt *st, int i)
{
	return (time_t)sqlite3_column_int64(st, i);
}

int
store_sqlite_cstatus(sqlite3_stmt *st, int i, enum app_status *out)
{
	const unsigned char	*v;

	if ((v = sqlite3_column_text(st, i)) == NULL)
		return -1;
	return appstatus_parse((const char *)v, out);
}

/* ---- transactions ---- */

/*
 * One operation's write transaction: BEGIN IMMEDIATE of its own, or a savepoint when
 * store_begin()'s transaction is open. *nested says which, for store_sqlite_op_end.
 */
int
store_sqlite_op_begin(struct store_sqlite *s, int *nested, char **cause)
{
	sqlite3_stmt	*st;

	*nested = !sqlite3_get_autocommit(s->db);
	if (!*nested && store_sqlite_writer_begin(s, cause) == -1)
		return -1;
	if ((st = store_sqlite_q(s, *nested ? Q_SAVEPOINT : Q_BEGIN, cause)) == NULL ||
	    store_sqlite_run(s, st, "begin", cause) == -1) {
		if (!*nested)
			(void)store_sqlite_writer_end(s, 0, NULL);
		return -1;
	}
	return 0;
}

static int
store_sqlite_rollback(struct store *st)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	sqlite3_stmt		*q;
	int			 rc = 0;

	/* nothing open when SQLite has rolled back on its own */
	if (!sqlite3_get_autocommit(s->db) &&
	    ((q = store_sqlite_q(s, Q_ROLLBACK, NULL)) == NULL ||
	    store_sqlite_run(s, q, "rollback", NULL) == -1))
		rc = -1;
	(void)store_sqlite_writer_end(s, 0, NULL);
	return rc;
}

/* Commits if rc is 0, else rolls back; returns rc, or -1 if the commit failed. */
int
store_sqlite_op_end(struct store_sqlite *s, int nested, int rc, char **cause)
{
	sqlite3_stmt	*st;

	if (rc == 0) {
		if ((st = store_sqlite_q(s, nested ? Q_RELEASE : Q_COMMIT, cause)) != NULL &&
		    store_sqlite_run(s, st, "commit", cause) == 0)
			return nested ? 0 : store_sqlite_writer_end(s, 1, cause);
		rc = -1;
	}
	if (nested) {
		if ((st = store_sqlite_q(s, Q_ROLLBACK_TO, NULL)) == NULL ||
		    store_sqlite_run(s, st, "rollback", NULL) == -1)
			log_warning("the store %s: rolling back to a savepoint failed", s->path);
		if ((st = store_sqlite_q(s, Q_RELEASE, NULL)) == NULL ||
		    store_sqlite_run(s, st, "release", NULL) == -1)
			log_warning("the store %s: releasing a savepoint failed", s->path);
	} else if (store_sqlite_rollback(&s->base) == -1)
		log_warning("the store %s: rollback failed", s->path);
	return rc;
}

static int
store_sqlite_begin(struct store *st, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	int			 nested;

	if (!sqlite3_get_autocommit(s->db)) {
		cause_set(cause, _("the store %s: a transaction is already open"), s->path);
		return -1;
	}
	return store_sqlite_op_begin(s, &nested, cause);	/* not nested: BEGIN IMMEDIATE */
}

static int
store_sqlite_commit(struct store *st, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	sqlite3_stmt		*q;

	if ((q = store_sqlite_q(s, Q_COMMIT, cause)) == NULL ||
	    store_sqlite_run(s, q, "commit", cause) == -1)
		return -1;	/* still open: the caller rolls back */
	return store_sqlite_writer_end(s, 1, cause);
}

/*
 * A read transaction: SQLite takes its WAL snapshot (and the -shm's read lock, an
 * fcntl(2) each way) at the first SELECT and keeps it to the COMMIT, instead of once per
 * statement (status_bench.py: 22% of a status answer's time went to beginning and ending
 * the two or three implicit transactions).
 */
static int
store_sqlite_read_begin(struct store *st, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	sqlite3_stmt		*q;

	if (!sqlite3_get_autocommit(s->db))
		return 0;	/* inside another: its snapshot serves */
	if ((q = store_sqlite_q(s, Q_BEGIN_READ, cause)) == NULL ||
	    store_sqlite_run(s, q, "begin", cause) == -1)
		return -1;
	s->reading = 1;
	return 0;
}

static void
store_sqlite_read_end(struct store *st)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	sqlite3_stmt		*q;

	if (!s->reading)
		return;
	s->reading = 0;
	if (!sqlite3_get_autocommit(s->db) && ((q = store_sqlite_q(s, Q_COMMIT, NULL)) == NULL ||
	    store_sqlite_run(s, q, "commit", NULL) == -1))
		log_warning("the store %s: ending a read transaction failed", s->path);
}

/* ---- store_alpha: the order a reader of Kazakh and Russian expects ---- */

/* SQLite's collation callback: common/alpha.c's order. */
static int
store_sqlite_alpha(void *arg, int n1, const void *v1, int n2, const void *v2)
{
	(void)arg;
	return alpha_cmp(v1, (size_t)n1, v2, (size_t)n2);
}

/* ---- opening: pragmas and migrations ---- */

/* Runs a one-row pragma and checks that its answer is one of want (NULL-terminated). */
static int
store_sqlite_pragma(struct store_sqlite *s, const char *sql, const char *const *want,
    char **cause)
{
	sqlite3_stmt	*st = NULL;
	const char	*got = NULL;
	int		 rc = -1, i;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		store_sqlite_fail(s, sql, cause);
	else if (store_sqlite_step(s, st, sql, cause) == -1)
		;
	else if ((got = (const char *)sqlite3_column_text(st, 0)) == NULL)
		cause_set(cause, _("the store %s: %s: no answer"), s->path, sql);
	else {
		for (i = 0; want[i] != NULL; i++)
			if (strcmp(got, want[i]) == 0)
				rc = 0;
		if (rc == -1)
			cause_set(cause, _("the store %s: %s: got \"%s\", need \"%s\""), s->path,
			    sql, got, want[0]);
	}
	if (sqlite3_finalize(st) != SQLITE_OK && rc == 0) {
		store_sqlite_fail(s, sql, cause);
		rc = -1;
	}
	return rc;
}

static int
store_sqlite_version(struct store_sqlite *s, int *version, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = store_sqlite_q(s, Q_VERSION, cause)) == NULL)
		return -1;
	if ((r = store_sqlite_step(s, st, "schema version", cause)) == 1) {
		*version = sqlite3_column_int(st, 0);
		r = 0;
	} else if (r == 0) {
		*version = 0;
	}
	return store_sqlite_done(s, st, r, "schema version", cause);
}

/* Fails if anything in the store breaks a foreign key (a migration's rebuild must not). */
static int
store_sqlite_fk_check(struct store_sqlite *s, char **cause)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		store_sqlite_fail(s, "foreign_key_check", cause);
		return -1;
	}
	if ((r = store_sqlite_step(s, st, "foreign_key_check", cause)) == 1) {
		cause_set(cause, _("the store %s: a row of %s breaks a foreign key"), s->path,
		    (const char *)sqlite3_column_text(st, 0));
		r = -1;
	}
	if (sqlite3_finalize(st) != SQLITE_OK && r == 0) {
		store_sqlite_fail(s, "foreign_key_check", cause);
		r = -1;
	}
	return r;
}

/*
 * Before a store that holds data (version 1 or later) is migrated: a copy as it is,
 * PATH.before-vN (N the version it goes to). Taken before the migration's transaction
 * (a connection writing cannot be copied from), so another opener may migrate between
 * this one's look at the version and its copy: a copy is therefore never put over an
 * existing one, and the first opener's, made before it migrated, is the one that stays.
 * An in-memory store has none.
 */
static int
store_sqlite_keep_before(struct store_sqlite *s, char **cause)
{
	struct stat	 sb;
	char		*file = NULL, *why = NULL;
	int		 version = 0, rc = -1;

	if (*s->path == '\0' || strcmp(s->path, ":memory:") == 0 ||
	    strncmp(s->path, "file:", 5) == 0)
		return 0;
	/* No schema_migrations yet: a new store, nothing to keep. */
	if (store_sqlite_version(s, &version, &why) == -1 || version == 0 ||
	    version >= STORE_SQLITE_VERSION) {
		free(why);
		return 0;
	}
	if (asprintf(&file, "%s.before-v%d", s->path, STORE_SQLITE_VERSION) == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	if (lstat(file, &sb) == 0)
		log_warning("the store %s is at schema version %d: %s exists, kept as the copy "
		    "before migrating to version %d", s->path, version, file,
		    STORE_SQLITE_VERSION);
	else if (store_sqlite_backup_to(s, file, 0, &why) == 0)
		log_info("the store %s is at schema version %d: copied to %s before migrating "
		    "to version %d", s->path, version, file, STORE_SQLITE_VERSION);
	else if (lstat(file, &sb) == -1) {	/* else another opener's, made meanwhile */
		cause_set(cause, "%s", why);
		goto out;
	}
	rc = 0;
out:
	free(why);
	free(file);
	return rc;
}

/*
 * Brings the schema to STORE_SQLITE_VERSION in one transaction; refuses a newer one.
 * Foreign keys are off meanwhile (a migration may rebuild a table others refer to, which
 * SQLite allows only so) and checked as a whole before the commit; the caller turns them
 * on again.
 */
static int
store_sqlite_migrate(struct store_sqlite *s, char **cause)
{
	sqlite3_stmt	*st;
	int		 nested, version = 0, from, rc = -1;

	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "foreign_keys", cause);
		return -1;
	}
	if (store_sqlite_keep_before(s, cause) == -1 ||
	    store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	if (sqlite3_exec(s->db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)", NULL, NULL,
	    NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "schema_migrations", cause);
		goto out;
	}
	if (store_sqlite_version(s, &version, cause) == -1)
		goto out;
	if (version > STORE_SQLITE_VERSION) {
		cause_set(cause, _("the store %s has schema version %d, newer than this "
		    "program knows (%d): run a newer ncaenrolld or restore a backup"), s->path,
		    version, STORE_SQLITE_VERSION);
		goto out;
	}
	for (from = version; version < STORE_SQLITE_VERSION; version++) {
		if (sqlite3_exec(s->db, store_sqlite_migrations[version], NULL, NULL,
		    NULL) != SQLITE_OK) {
			store_sqlite_fail(s, "migration", cause);
			goto out;
		}
		if ((st = store_sqlite_q(s, Q_VERSION_ADD, cause)) == NULL)
			goto out;
		if (store_sqlite_bi(st, 1, version + 1) != SQLITE_OK ||
		    store_sqlite_bi(st, 2, time(NULL)) != SQLITE_OK) {
			store_sqlite_fail(s, "migration", cause);
			(void)store_sqlite_done(s, st, -1, "migration", NULL);
			goto out;
		}
		if (store_sqlite_run(s, st, "migration", cause) == -1)
			goto out;
	}
	/* The whole store is read: only after a migration, not at every handle's opening. */
	if (version != from && store_sqlite_fk_check(s, cause) == -1)
		goto out;
	rc = 0;
out:
	return store_sqlite_op_end(s, nested, rc, cause);
}

static void
store_sqlite_close(struct store *st)
{
	struct store_sqlite	*s = store_sqlite_of(st);
	int			 i, j;

	if (s == NULL)
		return;
	/* finalize only repeats a statement's last error, already reported where it ran */
	for (i = 0; i < Q__MAX; i++)
		(void)sqlite3_finalize(s->q[i]);
	for (i = 0; i < STORE_DIR__MAX; i++)
		for (j = 0; j < DQ__MAX; j++)
			(void)sqlite3_finalize(s->dq[i][j]);
	for (i = 0; i < MQ__MAX; i++)
		(void)sqlite3_finalize(s->mq[i]);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warning("the store %s: closing: %s", s->path, sqlite3_errmsg(s->db));
	store_sqlite_file_detach(s);
	free(s->path);
	free(s);
}

/*
 * WAL, which the file keeps once set. The switch needs the file to itself for a moment and
 * SQLite does not wait for that with the busy timeout: workers opening a fresh store at
 * once saw "database is locked" (test-store's test_open_concurrent, about 1 run in 20).
 * So it is tried again, as long as the busy timeout would have waited.
 */
static int
store_sqlite_wal(struct store_sqlite *s, char **cause)
{
	static const char *const wal[] = { "wal", "memory", NULL };
	struct timespec		 pause = { 0, 20 * 1000 * 1000 };
	char			*why;
	int			 waited, rc;

	for (waited = 0;; waited += 20) {
		why = NULL;
		if ((rc = store_sqlite_pragma(s, "PRAGMA journal_mode = WAL", wal, &why)) == 0 ||
		    (sqlite3_errcode(s->db) & 0xff) != SQLITE_BUSY ||
		    waited >= STORE_SQLITE_BUSY_MS) {
			if (rc == -1)
				cause_set(cause, "%s", why != NULL ? why : "?");
			free(why);
			return rc;
		}
		free(why);
		(void)nanosleep(&pause, NULL);
	}
}

/*
 * A store made before the service ran with umask 077 may be 0644: names and IINs for any
 * local user. Its files are made the service's own, and the log says so once.
 */
static void
store_sqlite_private(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	struct stat	 sb;
	char		 file[PATH_MAX];
	size_t		 i;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		if (snprintf(file, sizeof file, "%s%s", path, suffix[i]) >= (int)sizeof file ||
		    stat(file, &sb) == -1 || (sb.st_mode & 077) == 0)
			continue;
		if (chmod(file, sb.st_mode & 0700) == -1)
			log_warning("%s: others may read it (mode %04o) and it cannot be made "
			    "0600: %s", file, (unsigned)(sb.st_mode & 07777), strerror(errno));
		else
			log_warning("%s: others could read it (mode %04o): made 0600", file,
			    (unsigned)(sb.st_mode & 07777));
	}
}

static struct store *
store_sqlite_open(const char *path, char **cause)
{
	static const char *const on[] = { "1", NULL };
	struct store_sqlite	*s;
	int			 flags;

	if ((s = calloc(1, sizeof *s)) == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	s->base.ops = &store_sqlite_ops;
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	store_sqlite_private(path);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		if (s->db == NULL)
			cause_set(cause, _("the store %s: out of memory"), path);
		else
			store_sqlite_fail(s, "open", cause);
		goto fail;
	}
	if (sqlite3_busy_timeout(s->db, STORE_SQLITE_BUSY_MS) != SQLITE_OK ||
	    sqlite3_extended_result_codes(s->db, 1) != SQLITE_OK ||
	    sqlite3_create_collation_v2(s->db, "store_alpha", SQLITE_UTF8, NULL,
	    store_sqlite_alpha, NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "open", cause);
		goto fail;
	}
	/*
	 * synchronous=NORMAL: a commit is written to the WAL without waiting for the disk,
	 * and store-sqlite-sync.c syncs the WAL before the operation returns, once for all
	 * the commits written meanwhile (group commit).
	 */
	if (store_sqlite_file_attach(s, cause) == -1 || store_sqlite_wal(s, cause) == -1)
		goto fail;
	/*
	 * A page cache of 8 MiB (SQLite's default is 2): the expiry's chunk of 1000 changes
	 * a few MiB of pages (the rows, three status indexes, events, audit); a smaller cache
	 * spills them to the WAL before the commit (sweep_bench.py).
	 * temp_store = MEMORY: each operation inside store_begin()'s transaction runs in a
	 * savepoint, whose sub-journal keeps the first copy of every page it changes; on
	 * file (/var/tmp/etilqs_*, once one outgrew 64 KiB) that was a pwrite(2) of 4 KiB per
	 * page, 96% of the expiry's writes. Temporary tables and sorts (none large) are in
	 * memory as well.
	 */
	if (sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, "PRAGMA cache_size = -8192", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "pragma", cause);
		goto fail;
	}
	if (store_sqlite_migrate(s, cause) == -1)
		goto fail;
	/* foreign keys are off unless asked for on every connection (after migrating) */
	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "foreign_keys", cause);
		goto fail;
	}
	if (store_sqlite_pragma(s, "PRAGMA foreign_keys", on, cause) == -1)
		goto fail;
	return &s->base;
fail:
	store_sqlite_close(&s->base);
	return NULL;
}

/* ---- registries ---- */

static int
store_sqlite_org_put(struct store *stp, const struct store_org *o, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	if ((st = store_sqlite_q(s, Q_ORG_PUT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "org_put", cause,
	    store_sqlite_bt(st, 1, o->bin) || store_sqlite_bt(st, 2, o->name.kk) ||
	    store_sqlite_bt(st, 3, o->name.ru) || store_sqlite_bt(st, 4, o->name.en) ||
	    store_sqlite_bt(st, 5, o->region_id)) == -1)
		return -1;
	return store_sqlite_run(s, st, "org_put", cause);
}

static int
store_sqlite_org_get(struct store *stp, const char *bin, struct store_org *o, int *found,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	memset(o, 0, sizeof *o);
	*found = 0;
	if ((st = store_sqlite_q(s, Q_ORG_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "org_get", cause,
	    store_sqlite_bt(st, 1, bin) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "org_get", cause)) == 1) {
		if (strlen(bin) >= sizeof o->bin || store_sqlite_cs(st, 0, &o->name.kk) ||
		    store_sqlite_cs(st, 1, &o->name.ru) || store_sqlite_cs(st, 2, &o->name.en) ||
		    store_sqlite_cs(st, 3, &o->region_id)) {
			cause_set(cause, _("the store %s: org_get: out of memory"), s->path);
			store_org_free(o);
			r = -1;
		} else {
			memcpy(o->bin, bin, strlen(bin) + 1);
			*found = 1;
			r = 0;
		}
	}
	return store_sqlite_done(s, st, r, "org_get", cause);
}

/* Runs a statement whose parameters are all text, ?1 to ?n. */
static int
store_sqlite_run_text(struct store_sqlite *s, enum store_sqlite_q q, const char *what,
    char **cause, int n, const char *const *v)
{
	sqlite3_stmt	*st;
	int		 i;

	if ((st = store_sqlite_q(s, q, cause)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_sqlite_bt(st, i + 1, v[i]) != SQLITE_OK) {
			store_sqlite_fail(s, what, cause);
			return store_sqlite_done(s, st, -1, what, NULL);
		}
	}
	return store_sqlite_run(s, st, what, cause);
}

static int
store_sqlite_gu_code_put(struct store *stp, const char *bin, const char *code,
    char **cause)
{
	const char	*v[] = { bin, code };

	return store_sqlite_run_text(store_sqlite_of(stp), Q_GU_PUT, "gu_code_put", cause, 2,
	    v);
}

static int
store_sqlite_gu_codes_clear(struct store *stp, const char *bin, char **cause)
{
	return store_sqlite_run_text(store_sqlite_of(stp), Q_GU_CLEAR, "gu_codes_clear",
	    cause, 1, &bin);
}

/*
 * Collects column 0 of every row of a bound statement into a NULL-terminated array (never
 * NULL on success), and resets the statement.
 */
static int
store_sqlite_strv(struct store_sqlite *s, sqlite3_stmt *st, const char *what, char ***out,
    char **cause)
{
	char	**v, **nv;
	size_t	  n = 0, cap = 4;
	int	  r;

	*out = NULL;
	if ((v = calloc(cap, sizeof *v)) == NULL) {
		cause_set(cause, _("the store %s: %s: out of memory"), s->path, what);
		return store_sqlite_done(s, st, -1, what, NULL);
	}
	while ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (n + 1 == cap) {
			if ((nv = reallocarray(v, cap * 2, sizeof *v)) == NULL)
				break;
			v = nv;
			cap *= 2;
		}
		/* v[n] stays NULL on failure: the array is always terminated */
		if (store_sqlite_cs(st, 0, &v[n]) == -1 || v[n] == NULL)
			break;
		v[++n] = NULL;
	}
	if (r == 1) {	/* left the loop early: out of memory */
		cause_set(cause, _("the store %s: %s: out of memory"), s->path, what);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1) {
		store_strv_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

static int
store_sqlite_gu_codes(struct store *stp, const char *bin, char ***codes, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*codes = NULL;
	if ((st = store_sqlite_q(s, Q_GU_LIST, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "gu_codes", cause,
	    store_sqlite_bt(st, 1, bin) != SQLITE_OK) == -1)
		return -1;
	return store_sqlite_strv(s, st, "gu_codes", codes, cause);
}

static int
store_sqlite_person_put(struct store *stp, const struct store_person *p, char **cause)
{
	const char	*v[] = { p->iin, p->surname, p->given_name, p->patronymic };

	return store_sqlite_run_text(store_sqlite_of(stp), Q_PERSON_PUT, "person_put", cause,
	    4, v);
}

static int
store_sqlite_person_get(struct store *stp, const char *iin, struct store_person *p,
    int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	memset(p, 0, sizeof *p);
	*found = 0;
	if ((st = store_sqlite_q(s, Q_PERSON_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "person_get", cause,
	    store_sqlite_bt(st, 1, iin) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "person_get", cause)) == 1) {
		if (strlen(iin) >= sizeof p->iin || store_sqlite_cs(st, 0, &p->surname) ||
		    store_sqlite_cs(st, 1, &p->given_name) ||
		    store_sqlite_cs(st, 2, &p->patronymic)) {
			cause_set(cause, _("the store %s: person_get: out of memory"), s->path);
			store_person_free(p);
			r = -1;
		} else {
			memcpy(p->iin, iin, strlen(iin) + 1);
			*found = 1;
			r = 0;
		}
	}
	return store_sqlite_done(s, st, r, "person_get", cause);
}

/* ---- directories ---- */

static int
store_sqlite_entry_put(struct store *stp, enum store_dir d, const struct store_entry *e,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	if ((st = store_sqlite_prep(s, &s->dq[d][DQ_PUT], store_sqlite_dirs[d].sql[DQ_PUT],
	    cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, store_sqlite_dirs[d].name, cause,
	    store_sqlite_bn(st, ":id", e->id) ||
	    store_sqlite_bn(st, ":parent", e->parent_id) ||
	    store_sqlite_bn(st, ":kk", e->name.kk) ||
	    store_sqlite_bn(st, ":ru", e->name.ru) ||
	    store_sqlite_bn(st, ":en", e->name.en) || store_sqlite_bn(st, ":dc", e->dc) ||
	    store_sqlite_bn(st, ":oid", e->oid) ||
	    store_sqlite_bn(st, ":address", e->address)) == -1)
		return -1;
	return store_sqlite_run(s, st, store_sqlite_dirs[d].name, cause);
}

/* Reads the eight directory columns of the current row; 0 or -1 (out of memory). */
static int
store_sqlite_entry_read(sqlite3_stmt *st, struct store_entry *e)
{
	memset(e, 0, sizeof *e);
	if (store_sqlite_cs(st, 0, &e->id) || store_sqlite_cs(st, 1, &e->parent_id) ||
	    store_sqlite_cs(st, 2, &e->name.kk) || store_sqlite_cs(st, 3, &e->name.ru) ||
	    store_sqlite_cs(st, 4, &e->name.en) || store_sqlite_cs(st, 5, &e->dc) ||
	    store_sqlite_cs(st, 6, &e->oid) || store_sqlite_cs(st, 7, &e->address)) {
		store_entry_free(e);
		return -1;
	}
	return 0;
}

static int
store_sqlite_entries(struct store *stp, enum store_dir d, const char *parent_id,
    struct store_list *l, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	const char		*what = store_sqlite_dirs[d].name;
	enum store_sqlite_dq	 q = parent_id == NULL ? DQ_ALL : DQ_UNDER;
	struct store_entry	*nv;
	sqlite3_stmt		*st;
	size_t			 cap = 0;
	int			 r;

	memset(l, 0, sizeof *l);
	if (store_sqlite_dirs[d].sql[q] == NULL)
		return 0;	/* roles and regions have no parents: nothing is under one */
	if ((st = store_sqlite_prep(s, &s->dq[d][q], store_sqlite_dirs[d].sql[q],
	    cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, what, cause,
	    store_sqlite_bn(st, ":parent", parent_id) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (l->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(l->v, cap, sizeof *nv)) == NULL)
				break;
			l->v = nv;
		}
		if (store_sqlite_entry_read(st, &l->v[l->n]) == -1)
			break;
		l->n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: %s: out of memory"), s->path, what);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1)
		store_list_free(l);
	return r;
}

static int
store_sqlite_entry_get(struct store *stp, enum store_dir d, const char *id,
    struct store_entry *e, int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	const char		*what = store_sqlite_dirs[d].name;
	sqlite3_stmt		*st;
	int			 r;

	memset(e, 0, sizeof *e);
	*found = 0;
	if ((st = store_sqlite_prep(s, &s->dq[d][DQ_GET], store_sqlite_dirs[d].sql[DQ_GET],
	    cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, what, cause,
	    store_sqlite_bn(st, ":id", id) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (store_sqlite_entry_read(st, e) == -1) {
			cause_set(cause, _("the store %s: %s: out of memory"), s->path, what);
			r = -1;
		} else {
			*found = 1;
			r = 0;
		}
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1) {
		store_entry_free(e);
		*found = 0;
	}
	return r;
}

/* ---- captchas and tokens ---- */

static int
store_sqlite_put_expiring(struct store_sqlite *s, enum store_sqlite_q q, const char *what,
    const char *key, const char *value, time_t expires, char **cause)
{
	sqlite3_stmt	*st;

	if ((st = store_sqlite_q(s, q, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, what, cause,
	    store_sqlite_bt(st, 1, key) || store_sqlite_bt(st, 2, value) ||
	    store_sqlite_bi(st, 3, expires)) == -1)
		return -1;
	return store_sqlite_run(s, st, what, cause);
}

static int
store_sqlite_captcha_put(struct store *stp, const char *id, const char *answer_hash,
    time_t expires, char **cause)
{
	return store_sqlite_put_expiring(store_sqlite_of(stp), Q_CAPTCHA_PUT, "captcha_put",
	    id, answer_hash, expires, cause);
}

/* One statement deletes and reads back: two takers of one captcha cannot both get it. */
static int
store_sqlite_captcha_take(struct store *stp, const char *id, time_t now,
    char **answer_hash, int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	char			*hash = NULL;
	time_t			 expires = 0;
	int			 r, rows = 0;

	*answer_hash = NULL;
	*found = 0;
	if ((st = store_sqlite_q(s, Q_CAPTCHA_TAKE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "captcha_take", cause,
	    store_sqlite_bt(st, 1, id) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, "captcha_take", cause)) == 1) {
		if (rows++ > 0)
			continue;
		expires = store_sqlite_ci(st, 1);
		if (store_sqlite_cs(st, 0, &hash) == -1 || hash == NULL) {
			cause_set(cause, _("the store %s: captcha_take: out of memory"), s->path);
			r = -1;
			break;
		}
	}
	if ((r = store_sqlite_done(s, st, r, "captcha_take", cause)) == 0 && hash != NULL &&
	    now < expires) {
		*answer_hash = hash;
		*found = 1;
		hash = NULL;
	}
	free(hash);
	return r;
}

static int
store_sqlite_token_put(struct store *stp, const char *token, const char *bin,
    const char *client, time_t expires, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	if ((st = store_sqlite_q(s, Q_TOKEN_PUT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "token_put", cause,
	    store_sqlite_bt(st, 1, token) || store_sqlite_bt(st, 2, bin) ||
	    store_sqlite_bt(st, 3, client) || store_sqlite_bi(st, 4, expires)) == -1)
		return -1;
	return store_sqlite_run(s, st, "token_put", cause);
}

/*
 * q (Q_TOKEN_GET or Q_TOKEN_USE_IIN, bound here to token, client, now and max) gives the
 * token's BIN in its one row: *found and bin.
 */
static int
store_sqlite_token_row(struct store_sqlite *s, enum store_sqlite_q q, const char *what,
    const char *token, const char *client, time_t now, int max, char bin[13], int *found,
    char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	bin[0] = '\0';
	*found = 0;
	if ((st = store_sqlite_q(s, q, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, what, cause,
	    store_sqlite_bt(st, 1, token) || store_sqlite_bt(st, 2, client) ||
	    store_sqlite_bi(st, 3, now) ||
	    (q == Q_TOKEN_USE_IIN && store_sqlite_bi(st, 4, max))) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (store_sqlite_cb(st, 0, bin, 13) == -1) {
			cause_set(cause, _("the store %s: %s: a stored BIN is too long"),
			    s->path, what);
			r = -1;
		} else {
			*found = 1;
			/* to its end: an UPDATE ... RETURNING is then surely done */
			r = store_sqlite_step(s, st, what, cause) == -1 ? -1 : 0;
		}
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1) {
		bin[0] = '\0';
		*found = 0;
	}
	return r;
}

static int
store_sqlite_token_get(struct store *stp, const char *token, const char *client,
    time_t now, char bin[13], int *found, char **cause)
{
	return store_sqlite_token_row(store_sqlite_of(stp), Q_TOKEN_GET, "token_get", token,
	    client, now, 0, bin, found, cause);
}

/* One UPDATE counts or not, so two checks at once cannot both take the last one. */
static int
store_sqlite_token_use_iin(struct store *stp, const char *token, const char *client,
    time_t now, int max, enum store_token_use *use, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	char			 bin[13];
	int			 found;

	*use = STORE_TOKEN_UNKNOWN;
	if (store_sqlite_token_row(s, Q_TOKEN_USE_IIN, "token_use_iin", token, client, now,
	    max, bin, &found, cause) == -1)
		return -1;
	if (found) {
		*use = STORE_TOKEN_COUNTED;
		return 0;
	}
	/* Not counted: used up, or not this client's live token at all. */
	if (store_sqlite_token_row(s, Q_TOKEN_GET, "token_get", token, client, now, 0, bin,
	    &found, cause) == -1)
		return -1;
	if (found)
		*use = STORE_TOKEN_USED_UP;
	return 0;
}

static int
store_sqlite_delete_before(struct store_sqlite *s, enum store_sqlite_q q, time_t now,
    char **cause)
{
	sqlite3_stmt	*st;

	if ((st = store_sqlite_q(s, q, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "sweep", cause,
	    store_sqlite_bi(st, 1, now) != SQLITE_OK) == -1)
		return -1;
	return store_sqlite_run(s, st, "sweep", cause);
}

static int
store_sqlite_sweep(struct store *stp, time_t now, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc = -1;

	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	if (store_sqlite_delete_before(s, Q_SWEEP_CAPTCHAS, now, cause) == 0 &&
	    store_sqlite_delete_before(s, Q_SWEEP_TOKENS, now, cause) == 0 &&
	    store_sqlite_delete_before(s, Q_SWEEP_CHALLENGES, now, cause) == 0)
		rc = 0;
	return store_sqlite_op_end(s, nested, rc, cause);
}

/* ---- applications ---- */

static int
store_sqlite_app_bind(sqlite3_stmt *st, const struct store_app *a)
{
	const char	*base = (const char *)a;
	int		 i, e = SQLITE_OK;

	for (i = 0; i < STORE_SQLITE_APP_NCOLS && e == SQLITE_OK; i++) {
		const void	*p = base + store_sqlite_app_cols[i].off;

		switch (store_sqlite_app_cols[i].kind) {
		case SK_BUF:
			e = store_sqlite_bt0(st, i + 1, p);
			break;
		case SK_STR:
			e = store_sqlite_bt(st, i + 1, *(char *const *)p);
			break;
		case SK_TIME:
			e = store_sqlite_bi0(st, i + 1, *(const time_t *)p);
			break;
		case SK_STATUS:
			e = store_sqlite_bt(st, i + 1,
			    appstatus_wire(*(const enum app_status *)p));
			break;
		}
	}
	return e;
}

/* Fills a from the current row of Q_APP_GET; 0, or -1 naming the column that failed. */
static int
store_sqlite_app_read(sqlite3_stmt *st, struct store_app *a, const char **bad)
{
	char	*base = (char *)a;
	int	 i, r = 0;

	memset(a, 0, sizeof *a);
	for (i = 0; i < STORE_SQLITE_APP_NCOLS && r == 0; i++) {
		void	*p = base + store_sqlite_app_cols[i].off;

		*bad = store_sqlite_app_cols[i].name;
		switch (store_sqlite_app_cols[i].kind) {
		case SK_BUF:
			r = store_sqlite_cb(st, i, p, store_sqlite_app_cols[i].size);
			break;
		case SK_STR:
			r = store_sqlite_cs(st, i, p);
			break;
		case SK_TIME:
			*(time_t *)p = store_sqlite_ci(st, i);
			break;
		case SK_STATUS:
			r = store_sqlite_cstatus(st, i, p);
			break;
		}
	}
	if (r == 0) {	/* the SELECT's last column */
		*bad = "renewed_by";
		r = store_sqlite_cb(st, STORE_SQLITE_APP_NCOLS, a->renewed_by,
		    sizeof a->renewed_by);
	}
	if (r == -1)
		store_app_free(a);
	return r;
}

/* The number of the application holding a key of the pair (q: both, or either); "" if none. */
static int
store_sqlite_app_by_keys(struct store_sqlite *s, enum store_sqlite_q q,
    const struct store_app *a, char number[REQNUM_LEN + 1], char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	number[0] = '\0';
	if ((st = store_sqlite_q(s, q, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_insert", cause,
	    store_sqlite_bt(st, 1, a->key_auth) ||
	    store_sqlite_bt(st, 2, a->key_sign)) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "app_insert", cause)) == 1) {
		if (store_sqlite_cb(st, 0, number, REQNUM_LEN + 1) == -1) {
			cause_set(cause, _("the store %s: a stored request number is too long"),
			    s->path);
			r = -1;
		} else
			r = 0;
	}
	return store_sqlite_done(s, st, r, "app_insert", cause);
}

/* ---- the audit log ---- */

/* The last entry's id and hash: 0 and 64 zeros for an empty log. */
static int
store_sqlite_audit_last(struct store_sqlite *s, long long *id,
    char hash[STORE_AUDIT_HASH_LEN + 1], char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	*id = 0;
	memset(hash, '0', STORE_AUDIT_HASH_LEN);
	hash[STORE_AUDIT_HASH_LEN] = '\0';
	if ((st = store_sqlite_q(s, Q_AUDIT_LAST, cause)) == NULL)
		return -1;
	if ((r = store_sqlite_step(s, st, "audit", cause)) == 1) {
		*id = (long long)sqlite3_column_int64(st, 0);
		if (store_sqlite_cb(st, 1, hash, STORE_AUDIT_HASH_LEN + 1) == -1) {
			cause_set(cause, _("the store %s: the audit log's last entry (%lld) has a "
			    "malformed hash: run \"ncaenrolld audit verify\""), s->path, *id);
			r = -1;
		} else
			r = 0;
	}
	return store_sqlite_done(s, st, r, "audit", cause);
}

/*
 * Appends one entry inside the caller's transaction (which holds the write lock, so the
 * last entry cannot change under us): id = last + 1, prev_hash = the last entry's hash.
 */
static int
store_sqlite_audit_append(struct store_sqlite *s, time_t at, const char *actor,
    const char *action, const char *number, const char *detail, char **cause)
{
	struct store_audit	 e;
	sqlite3_stmt		*st;

	memset(&e, 0, sizeof e);
	if (store_sqlite_audit_last(s, &e.id, e.prev_hash, cause) == -1)
		return -1;
	e.id++;
	e.at = at;
	e.actor = (char *)(actor != NULL ? actor : "");
	e.action = (char *)action;
	e.number = (char *)(number != NULL ? number : "");
	e.detail = (char *)(detail != NULL ? detail : "");
	if (store_audit_hash(&e, e.hash) == -1) {
		cause_set(cause, _("the store %s: audit: cannot hash an entry"), s->path);
		return -1;
	}
	if ((st = store_sqlite_q(s, Q_AUDIT_ADD, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "audit", cause,
	    sqlite3_bind_int64(st, 1, e.id) || store_sqlite_bi(st, 2, e.at) ||
	    store_sqlite_bt(st, 3, e.actor) || store_sqlite_bt(st, 4, e.action) ||
	    store_sqlite_bt(st, 5, e.number) || store_sqlite_bt(st, 6, e.detail) ||
	    store_sqlite_bt(st, 7, e.prev_hash) || store_sqlite_bt(st, 8, e.hash)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "audit", cause) == -1)
		return -1;
	log_info("audit #%lld %s %s", e.id, e.action, e.hash);
	return 0;
}

static int
store_sqlite_audit_add(struct store *stp, time_t at, const char *actor, const char *action,
    const char *number, const char *detail, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_audit_append(s, at, actor, action, number, detail, cause);
	return store_sqlite_op_end(s, nested, rc, cause);
}

/* A hash column as read, "" when it is not 64 characters (verify reports it). */
static void
store_sqlite_audit_hash_col(sqlite3_stmt *st, int i, char out[STORE_AUDIT_HASH_LEN + 1])
{
	if (store_sqlite_cb(st, i, out, STORE_AUDIT_HASH_LEN + 1) == -1 ||
	    strlen(out) != STORE_AUDIT_HASH_LEN)
		out[0] = '\0';
}

/* Fills e from the current row of an audit query: 0, or -1 out of memory. */
static int
store_sqlite_audit_read(sqlite3_stmt *st, struct store_audit *e)
{
	memset(e, 0, sizeof *e);
	e->id = (long long)sqlite3_column_int64(st, 0);
	e->at = store_sqlite_ci(st, 1);
	store_sqlite_audit_hash_col(st, 6, e->prev_hash);
	store_sqlite_audit_hash_col(st, 7, e->hash);
	if (store_sqlite_cs(st, 2, &e->actor) || store_sqlite_cs(st, 3, &e->action) ||
	    store_sqlite_cs(st, 4, &e->number) || store_sqlite_cs(st, 5, &e->detail)) {
		free(e->actor);
		free(e->action);
		free(e->number);
		free(e->detail);
		memset(e, 0, sizeof *e);
		return -1;
	}
	return 0;
}

static int
store_sqlite_audit_list(struct store *stp, const char *number, struct store_audit **vp,
    size_t *np, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	struct store_audit	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0, cap = 0;
	int			 r;

	*vp = NULL;
	*np = 0;
	if ((st = store_sqlite_q(s, number != NULL ? Q_AUDIT_OF : Q_AUDIT_ALL, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "audit", cause,
	    number != NULL && store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, "audit", cause)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		if (store_sqlite_audit_read(st, &v[n]) == -1)
			break;
		n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: audit: out of memory"), s->path);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, "audit", cause)) == -1) {
		store_audit_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

static int
store_sqlite_event_add(struct store_sqlite *s, const char *number, time_t at,
    const char *actor, const char *action, const char *detail, char **cause)
{
	sqlite3_stmt	*st;
	char		*what = NULL;
	int		 rc;

	if ((st = store_sqlite_q(s, Q_EVENT_ADD, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "event", cause,
	    store_sqlite_bt(st, 1, number) || store_sqlite_bi(st, 2, at) ||
	    store_sqlite_bt(st, 3, actor != NULL ? actor : "") ||
	    store_sqlite_bt(st, 4, action) || store_sqlite_bt(st, 5, detail)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "event", cause) == -1)
		return -1;
	/* Every move of an application is audited in the transaction that makes it. */
	if (asprintf(&what, "application.%s", action) == -1) {
		cause_set(cause, _("the store %s: audit: out of memory"), s->path);
		return -1;
	}
	rc = store_sqlite_audit_append(s, at, actor, what, number, detail, cause);
	free(what);
	return rc;
}

/* Inside the operation's transaction: the checks, the row and its first event. */
static int
store_sqlite_app_insert_tx(struct store_sqlite *s, struct store_app *app,
    const char *actor, int *existing, int *key_reused, char **cause)
{
	char		 number[REQNUM_LEN + 1];
	struct store_app row;
	sqlite3_stmt	*st;

	if (store_sqlite_app_by_keys(s, Q_APP_BY_KEYS, app, number, cause) == -1)
		return -1;
	if (number[0] != '\0') {
		*existing = 1;
		memcpy(app->number, number, sizeof number);
		return 0;
	}
	if (store_sqlite_app_by_keys(s, Q_APP_KEY_SEEN, app, number, cause) == -1)
		return -1;
	if (number[0] != '\0' || strcmp(app->key_auth, app->key_sign) == 0) {
		*key_reused = 1;
		cause_set(cause, _("a key of this application was already used in another "
		    "request"));
		return -1;
	}
	row = *app;
	row.status = APP_SUBMITTED;
	if ((st = store_sqlite_q(s, Q_APP_INSERT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_insert", cause,
	    store_sqlite_app_bind(st, &row) != SQLITE_OK) == -1)
		return -1;
	if (store_sqlite_run(s, st, "app_insert", cause) == -1)
		return -1;
	if ((st = store_sqlite_q(s, Q_CSRS_INSERT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_insert", cause,
	    store_sqlite_bt(st, 1, app->number) || store_sqlite_bt(st, 2, app->csr_auth) ||
	    store_sqlite_bt(st, 3, app->csr_sign)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "app_insert", cause) == -1)
		return -1;
	if (store_sqlite_event_add(s, app->number, app->created, actor,
	    appstatus_wire(APP_SUBMITTED), NULL, cause) == -1)
		return -1;
	/* A renewal is issued online at once: no form to bring, its "issued" follows. */
	if (app->renews[0] == '\0' && store_sqlite_mail_queue(s, app->number, "received",
	    app->created, cause) == -1)
		return -1;
	app->status = APP_SUBMITTED;
	return 0;
}

static int
store_sqlite_app_insert(struct store *stp, struct store_app *app, const char *actor,
    int *existing, int *key_reused, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	*existing = 0;
	*key_reused = 0;
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_app_insert_tx(s, app, actor, existing, key_reused, cause);
	return store_sqlite_op_end(s, nested, rc, cause);
}

static int
store_sqlite_app_get(struct store *stp, const char *number, struct store_app *app,
    int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	const char		*bad = NULL;
	int			 r;

	memset(app, 0, sizeof *app);
	*found = 0;
	if ((st = store_sqlite_q(s, Q_APP_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_get", cause,
	    store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "app_get", cause)) == 1) {
		if (store_sqlite_app_read(st, app, &bad) == -1) {
			cause_set(cause, _("the store %s: application %s: cannot read %s"),
			    s->path, number, bad);
			r = -1;
		} else {
			*found = 1;
			r = 0;
		}
	}
	if ((r = store_sqlite_done(s, st, r, "app_get", cause)) == -1) {
		store_app_free(app);
		*found = 0;
	}
	return r;
}

static int
store_sqlite_app_csrs(struct store *stp, struct store_app *app, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	if ((st = store_sqlite_q(s, Q_CSRS_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_csrs", cause,
	    store_sqlite_bt(st, 1, app->number)) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "app_csrs", cause)) == 0) {
		cause_set(cause, _("the store %s: application %s has no CSRs stored"), s->path,
		    app->number);
		r = -1;
	} else if (r == 1) {
		if (store_sqlite_cs(st, 0, &app->csr_auth) == -1 ||
		    store_sqlite_cs(st, 1, &app->csr_sign) == -1 ||
		    app->csr_auth == NULL || app->csr_sign == NULL) {
			cause_set(cause, _("the store %s: application %s: cannot read its CSRs"),
			    s->path, app->number);
			r = -1;
		} else
			r = 0;
	}
	return store_sqlite_done(s, st, r, "app_csrs", cause);
}

/* The status of number now; -1 with a cause if there is no such application. */
static int
store_sqlite_app_status(struct store_sqlite *s, const char *number,
    enum app_status *status, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((st = store_sqlite_q(s, Q_APP_STATUS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_status", cause,
	    store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "app_status", cause)) == 0) {
		cause_set(cause, _("no application %s"), number);
		r = -1;
	} else if (r == 1) {
		if ((r = store_sqlite_cstatus(st, 0, status)) == -1)
			cause_set(cause, _("the store %s: application %s: unknown status"),
			    s->path, number);
	}
	return store_sqlite_done(s, st, r, "app_status", cause);
}

static int
store_sqlite_app_update(struct store_sqlite *s, const char *number, enum app_status from,
    enum app_status to, const struct store_app *set, time_t now, int *changed,
    char **cause)
{
	static const struct store_app none;
	sqlite3_stmt	*st;
	time_t		 decided, installed;
	int		 r;

	store_app_stamps(set, to, now, &decided, &installed);
	if (set == NULL)
		set = &none;
	if ((st = store_sqlite_q(s, Q_APP_UPDATE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_transition", cause,
	    store_sqlite_bt(st, 1, appstatus_wire(to)) ||
	    store_sqlite_bi0(st, 2, decided) ||
	    store_sqlite_bi0(st, 3, installed) || store_sqlite_bt(st, 4, set->cert_auth) ||
	    store_sqlite_bt(st, 5, set->cert_sign) ||
	    store_sqlite_bt0(st, 6, set->serial_auth) ||
	    store_sqlite_bt0(st, 7, set->serial_sign) ||
	    store_sqlite_bi0(st, 8, set->not_before) ||
	    store_sqlite_bi0(st, 9, set->not_after) ||
	    store_sqlite_bt(st, 10, set->reject_reason) ||
	    store_sqlite_bt(st, 11, set->install_nonce) ||
	    store_sqlite_bt(st, 12, number) ||
	    store_sqlite_bt(st, 13, appstatus_wire(from)) ||
	    store_sqlite_bt(st, 14, set->reject_code) ||
	    store_sqlite_bt(st, 15, set->reject_text)) == -1)
		return -1;
	r = store_sqlite_run(s, st, "app_transition", cause);
	*changed = r == 0 ? sqlite3_changes(s->db) : 0;
	return r;
}

static int	store_sqlite_supersede(struct store_sqlite *, const char *number,
		    time_t now, char **cause);

static int
store_sqlite_app_transition(struct store *stp, const char *number, enum app_status from,
    enum app_status to, const struct store_app *set, const char *actor, const char *detail,
    time_t now, int *won, enum app_status *current, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, changed = 0, rc = -1;

	*won = 0;
	*current = from;
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	if (store_sqlite_app_update(s, number, from, to, set, now, &changed, cause) == -1)
		goto out;
	if (changed == 0) {	/* someone moved it first, or there is no such application */
		rc = store_sqlite_app_status(s, number, current, cause);
		goto out;
	}
	if (store_sqlite_event_add(s, number, now, actor, appstatus_wire(to), detail,
	    cause) == -1)
		goto out;
	if (to == APP_INSTALLED && store_sqlite_supersede(s, number, now, cause) == -1)
		goto out;
	if (store_sqlite_mail_status(s, number, to, now, cause) == -1)
		goto out;
	*won = 1;
	*current = to;
	rc = 0;
out:
	if ((rc = store_sqlite_op_end(s, nested, rc, cause)) == -1)
		*won = 0;
	return rc;
}

static int
store_sqlite_app_numbers(struct store *stp, enum app_status status, time_t before,
    char ***numbers, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*numbers = NULL;
	if ((st = store_sqlite_q(s, Q_APP_NUMBERS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_numbers", cause,
	    store_sqlite_bt(st, 1, appstatus_wire(status)) ||
	    store_sqlite_bi(st, 2, before)) == -1)
		return -1;
	return store_sqlite_strv(s, st, "app_numbers", numbers, cause);
}

static int
store_sqlite_app_overdue(struct store *stp, time_t now, char ***numbers, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*numbers = NULL;
	if ((st = store_sqlite_q(s, Q_APP_OVERDUE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "app_overdue", cause,
	    store_sqlite_bi(st, 1, now) != SQLITE_OK) == -1)
		return -1;
	return store_sqlite_strv(s, st, "app_overdue", numbers, cause);
}

static int
store_sqlite_events(struct store *stp, const char *number, struct store_event **vp,
    size_t *np, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	struct store_event	*v = NULL, *nv, *e;
	sqlite3_stmt		*st;
	size_t			 n = 0, cap = 0;
	int			 r;

	*vp = NULL;
	*np = 0;
	if ((st = store_sqlite_q(s, Q_EVENTS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "events", cause,
	    store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, "events", cause)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		e = &v[n];
		memset(e, 0, sizeof *e);
		e->at = store_sqlite_ci(st, 0);
		n++;
		if (store_sqlite_cs(st, 1, &e->actor) || store_sqlite_cs(st, 2, &e->action) ||
		    store_sqlite_cs(st, 3, &e->detail))
			break;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: events: out of memory"), s->path);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, "events", cause)) == -1) {
		store_events_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

/* ---- revocation and renewal ---- */

/* The status and serials of number: *found = 0 if there is no such application. */
static int
store_sqlite_revoke_get(struct store_sqlite *s, const char *number, enum app_status *status,
    char serial[2][41], int *found, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	*found = 0;
	if ((st = store_sqlite_q(s, Q_REVOKE_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "revoke", cause,
	    store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "revoke", cause)) == 1) {
		if (store_sqlite_cstatus(st, 0, status) == -1 ||
		    store_sqlite_cb(st, 1, serial[0], 41) == -1 ||
		    store_sqlite_cb(st, 2, serial[1], 41) == -1) {
			cause_set(cause, _("the store %s: application %s cannot be read"),
			    s->path, number);
			r = -1;
		} else {
			*found = 1;
			r = 0;
		}
	}
	return store_sqlite_done(s, st, r, "revoke", cause);
}

static int
store_sqlite_revocation_add(struct store_sqlite *s, const char *serial, const char *number,
    int crl_reason, time_t now, char **cause)
{
	sqlite3_stmt	*st;

	if (*serial == '\0')
		return 0;
	if ((st = store_sqlite_q(s, Q_REVOCATION_ADD, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "revoke", cause,
	    store_sqlite_bt(st, 1, serial) || store_sqlite_bt(st, 2, number) ||
	    sqlite3_bind_int(st, 3, crl_reason) || store_sqlite_bi(st, 4, now)) == -1)
		return -1;
	return store_sqlite_run(s, st, "revoke", cause);
}

/* Inside the operation's transaction: the checks, the row, the serials, the history. */
static int
store_sqlite_revoke_tx(struct store_sqlite *s, const char *number,
    const struct revocation_kind *k, const char *by, const char *actor, const char *detail,
    time_t now, enum store_revoke_result *result, char **cause)
{
	enum app_status	 status = APP_SUBMITTED;
	sqlite3_stmt	*st;
	char		 serial[2][41];
	int		 found;

	if (store_sqlite_revoke_get(s, number, &status, serial, &found, cause) == -1)
		return -1;
	if ((*result = store_revoke_judge(found, status)) != STORE_REVOKE_DONE)
		return 0;
	if ((st = store_sqlite_q(s, Q_REVOKE_SET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "revoke", cause,
	    store_sqlite_bt(st, 1, number) || store_sqlite_bi(st, 2, now) ||
	    store_sqlite_bt(st, 3, k->code) || store_sqlite_bt(st, 4, by)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "revoke", cause) == -1)
		return -1;
	if (sqlite3_changes(s->db) != 1) {	/* the write lock is ours: cannot happen */
		cause_set(cause, _("the store %s: application %s changed under a revocation"),
		    s->path, number);
		return -1;
	}
	if (store_sqlite_revocation_add(s, serial[0], number, k->crl_reason, now,
	    cause) == -1 ||
	    store_sqlite_revocation_add(s, serial[1], number, k->crl_reason, now,
	    cause) == -1)
		return -1;
	if (store_sqlite_event_add(s, number, now, actor, appstatus_wire(APP_REVOKED),
	    detail, cause) == -1)
		return -1;
	/* A renewal's holder installed the new pair a moment ago: not news to them. */
	if (strcmp(k->code, "superseded") == 0)
		return 0;
	return store_sqlite_mail_queue(s, number, "revoked", now, cause);
}

static int
store_sqlite_app_revoke(struct store *stp, const char *number,
    const struct revocation_kind *k, const char *by, const char *actor, const char *detail,
    time_t now, enum store_revoke_result *result, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_revoke_tx(s, number, k, by, actor, detail, now, result, cause);
	return store_sqlite_op_end(s, nested, rc, cause);
}

/*
 * Inside the move of number to installed: if it renews another application still issued
 * or installed, that one is revoked as superseded, by "renewal NUMBER".
 */
static int
store_sqlite_supersede(struct store_sqlite *s, const char *number, time_t now,
    char **cause)
{
	enum store_revoke_result	 result;
	sqlite3_stmt			*st;
	char				 old[REQNUM_LEN + 1], by[REQNUM_LEN + 16];
	int				 r;

	old[0] = '\0';
	if ((st = store_sqlite_q(s, Q_APP_RENEWS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "supersede", cause,
	    store_sqlite_bt(st, 1, number) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "supersede", cause)) == 1) {
		r = store_sqlite_cb(st, 0, old, sizeof old);
		if (r == -1)
			cause_set(cause, _("the store %s: a stored request number is too long"),
			    s->path);
	}
	if (store_sqlite_done(s, st, r, "supersede", cause) == -1)
		return -1;
	if (old[0] == '\0')
		return 0;
	(void)snprintf(by, sizeof by, "renewal %s", number);	/* fits: sized for it */
	/* revoked or never issued meanwhile (ALREADY, REFUSED): nothing to supersede */
	return store_sqlite_revoke_tx(s, old, revocation_find("superseded"), by, by,
	    "superseded", now, &result, cause);
}

/*
 * Every application row a bound statement gives, in its order, into a malloc'd array (free
 * with store_apps_free): the lists a desk reads (its queue, one person's applications).
 */
static int
store_sqlite_apps_read(struct store_sqlite *s, sqlite3_stmt *st, const char *what,
    struct store_app **vp, size_t *np, char **cause)
{
	struct store_app	*v = NULL, *nv;
	const char		*bad = NULL;
	size_t			 n = 0, cap = 0;
	int			 r;

	while ((r = store_sqlite_step(s, st, what, cause)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		if (store_sqlite_app_read(st, &v[n], &bad) == -1)
			break;
		n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: %s: cannot read %s"), s->path, what,
		    bad != NULL ? bad : "a row");
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, what, cause)) == -1) {
		store_apps_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

static int
store_sqlite_apps_by_iin(struct store *stp, const char *iin, struct store_app **vp,
    size_t *np, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*vp = NULL;
	*np = 0;
	if ((st = store_sqlite_q(s, Q_APPS_BY_IIN, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "apps_by_iin", cause,
	    store_sqlite_bt(st, 1, iin) != SQLITE_OK) == -1)
		return -1;
	return store_sqlite_apps_read(s, st, "apps_by_iin", vp, np, cause);
}

/* ---- challenges ---- */

static int
store_sqlite_challenge_put(struct store *stp, const char *nonce, const char *number,
    const char *action, time_t expires, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	if ((st = store_sqlite_q(s, Q_CHALLENGE_PUT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "challenge_put", cause,
	    store_sqlite_bt(st, 1, nonce) || store_sqlite_bt(st, 2, number) ||
	    store_sqlite_bt(st, 3, action) || store_sqlite_bi(st, 4, expires)) == -1)
		return -1;
	return store_sqlite_run(s, st, "challenge_put", cause);
}

/* One statement deletes and reads back: two takers of one nonce cannot both get it. */
static int
store_sqlite_challenge_take(struct store *stp, const char *nonce, time_t now,
    char number[REQNUM_LEN + 1], char action[STORE_ACTION_MAX], int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	time_t			 expires = 0;
	int			 r, rows = 0;

	number[0] = action[0] = '\0';
	*found = 0;
	if ((st = store_sqlite_q(s, Q_CHALLENGE_TAKE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "challenge_take", cause,
	    store_sqlite_bt(st, 1, nonce) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, "challenge_take", cause)) == 1) {
		if (rows++ > 0)
			continue;
		expires = store_sqlite_ci(st, 2);
		if (store_sqlite_cb(st, 0, number, REQNUM_LEN + 1) == -1 ||
		    store_sqlite_cb(st, 1, action, STORE_ACTION_MAX) == -1) {
			cause_set(cause, _("the store %s: challenge_take: a stored value is too "
			    "long"), s->path);
			r = -1;
			break;
		}
	}
	if ((r = store_sqlite_done(s, st, r, "challenge_take", cause)) == 0 && rows > 0 &&
	    now < expires)
		*found = 1;
	if (!*found)
		number[0] = action[0] = '\0';
	return r;
}

/* ---- what CRLs and OCSP read ---- */

static int
store_sqlite_cert_status(struct store *stp, const char *serial,
    struct store_cert_status *out, int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	if ((st = store_sqlite_q(s, Q_CERT_STATUS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "cert_status", cause,
	    store_sqlite_bt(st, 1, serial) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "cert_status", cause)) == 1) {
		if (store_sqlite_cb(st, 0, out->number, sizeof out->number) == -1) {
			cause_set(cause, _("the store %s: a stored request number is too long"),
			    s->path);
			r = -1;
		} else {
			out->not_after = store_sqlite_ci(st, 1);
			out->revoked = sqlite3_column_type(st, 2) != SQLITE_NULL;
			out->revoked_at = store_sqlite_ci(st, 2);
			out->crl_reason = sqlite3_column_int(st, 3);
			*found = 1;
			r = 0;
		}
	}
	if ((r = store_sqlite_done(s, st, r, "cert_status", cause)) == -1) {
		memset(out, 0, sizeof *out);
		*found = 0;
	}
	return r;
}

static int
store_sqlite_revocations(struct store *stp, time_t since, struct store_revocation **vp,
    size_t *np, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	struct store_revocation	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0, cap = 0;
	int			 r;

	*vp = NULL;
	*np = 0;
	if ((st = store_sqlite_q(s, Q_REVOCATIONS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "revocations", cause,
	    store_sqlite_bi(st, 1, since) != SQLITE_OK) == -1)
		return -1;
	while ((r = store_sqlite_step(s, st, "revocations", cause)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		memset(&v[n], 0, sizeof v[n]);
		if (store_sqlite_cb(st, 0, v[n].serial, sizeof v[n].serial) == -1)
			break;
		v[n].at = store_sqlite_ci(st, 1);
		v[n].crl_reason = sqlite3_column_int(st, 2);
		n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: revocations: out of memory"), s->path);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, "revocations", cause)) == -1) {
		store_revocations_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

/* One statement counts and reads back, in its own write transaction. */
static int
store_sqlite_crl_number_next(struct store *stp, const char *name, long long *np,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 nested, r = -1;

	*np = 0;
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	if ((st = store_sqlite_q(s, Q_CRL_NUMBER_NEXT, cause)) == NULL)
		goto out;
	if (store_sqlite_bound(s, st, "crl_number", cause,
	    store_sqlite_bt(st, 1, name) != SQLITE_OK) == -1)
		goto out;
	if ((r = store_sqlite_step(s, st, "crl_number", cause)) == 1) {
		*np = (long long)sqlite3_column_int64(st, 0);
		while ((r = store_sqlite_step(s, st, "crl_number", cause)) == 1)
			continue;
	} else if (r == 0) {
		cause_set(cause, _("the store %s: crl_number: no answer"), s->path);
		r = -1;
	}
	r = store_sqlite_done(s, st, r, "crl_number", cause);
out:
	if ((r = store_sqlite_op_end(s, nested, r, cause)) == -1)
		*np = 0;
	return r;
}

static int
store_sqlite_revocation_generation(struct store *stp, long long *gen, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	*gen = 0;
	if ((st = store_sqlite_q(s, Q_REVOCATION_GEN, cause)) == NULL)
		return -1;
	if ((r = store_sqlite_step(s, st, "revocation_generation", cause)) == 1) {
		*gen = (long long)sqlite3_column_int64(st, 0);
		r = 0;
	}
	return store_sqlite_done(s, st, r, "revocation_generation", cause);
}

/* ---- RA operators ---- */

static int
store_sqlite_op_read(sqlite3_stmt *st, struct store_operator *op)
{
	memset(op, 0, sizeof *op);
	op->created = store_sqlite_ci(st, 4);
	op->not_after = store_sqlite_ci(st, 5);
	op->revoked = store_sqlite_ci(st, 6);
	if (store_sqlite_cs(st, 0, &op->name) || store_sqlite_cs(st, 1, &op->office) ||
	    store_sqlite_cs(st, 2, &op->role) ||
	    store_sqlite_cb(st, 3, op->serial, sizeof op->serial) ||
	    op->name == NULL || op->office == NULL || op->role == NULL) {
		store_operator_free(op);
		return -1;
	}
	return 0;
}

/* *found: 1 if name has a row. */
static int
store_sqlite_op_exists(struct store_sqlite *s, const char *name, int *found, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	*found = 0;
	if ((st = store_sqlite_q(s, Q_OP_EXISTS, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "operator", cause,
	    store_sqlite_bt(st, 1, name) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "operator", cause)) == 1) {
		*found = 1;
		r = 0;
	}
	return store_sqlite_done(s, st, r, "operator", cause);
}

static int
store_sqlite_operator_put_tx(struct store_sqlite *s, const struct store_operator *op,
    const char *actor, time_t now, char **cause)
{
	sqlite3_stmt	*st;
	char		*detail = NULL;
	int		 existed, rc;

	if (store_sqlite_op_exists(s, op->name, &existed, cause) == -1)
		return -1;
	if ((st = store_sqlite_q(s, Q_OP_PUT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "operator_put", cause,
	    store_sqlite_bt(st, 1, op->name) || store_sqlite_bt(st, 2, op->office) ||
	    store_sqlite_bt(st, 3, op->role) || store_sqlite_bt(st, 4, op->serial) ||
	    store_sqlite_bi(st, 5, op->created) ||
	    store_sqlite_bi(st, 6, op->not_after)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "operator_put", cause) == -1)
		return -1;
	if (asprintf(&detail, "name %s, office %s, role %s, certificate %s", op->name,
	    op->office, op->role, op->serial) == -1) {
		cause_set(cause, _("the store %s: operator_put: out of memory"), s->path);
		return -1;
	}
	rc = store_sqlite_audit_append(s, now, actor, existed ? "operator.replaced" :
	    "operator.added", "", detail, cause);
	free(detail);
	return rc;
}

static int
store_sqlite_operator_put(struct store *stp, const struct store_operator *op,
    const char *actor, time_t now, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_operator_put_tx(s, op, actor, now, cause);
	return store_sqlite_op_end(s, nested, rc, cause);
}

static int
store_sqlite_operator_get(struct store *stp, const char *name, struct store_operator *op,
    int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;
	int			 r;

	memset(op, 0, sizeof *op);
	*found = 0;
	if ((st = store_sqlite_q(s, Q_OP_GET, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "operator_get", cause,
	    store_sqlite_bt(st, 1, name) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "operator_get", cause)) == 1) {
		if (store_sqlite_op_read(st, op) == -1) {
			cause_set(cause, _("the store %s: operator %s cannot be read"), s->path,
			    name);
			r = -1;
		} else {
			*found = 1;
			r = 0;
		}
	}
	if ((r = store_sqlite_done(s, st, r, "operator_get", cause)) == -1) {
		store_operator_free(op);
		*found = 0;
	}
	return r;
}

static int
store_sqlite_operator_revoke_tx(struct store_sqlite *s, const char *name, const char *actor,
    time_t now, int *found, char **cause)
{
	sqlite3_stmt	*st;
	char		*detail = NULL;
	int		 rc;

	if (store_sqlite_op_exists(s, name, found, cause) == -1)
		return -1;
	if (!*found)
		return 0;
	if ((st = store_sqlite_q(s, Q_OP_REVOKE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "operator_revoke", cause,
	    store_sqlite_bt(st, 1, name) || store_sqlite_bi(st, 2, now)) == -1)
		return -1;
	if (store_sqlite_run(s, st, "operator_revoke", cause) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		*found = 2;		/* already revoked: nothing to record */
		return 0;
	}
	if (asprintf(&detail, "name %s", name) == -1) {
		cause_set(cause, _("the store %s: operator_revoke: out of memory"), s->path);
		return -1;
	}
	rc = store_sqlite_audit_append(s, now, actor, "operator.revoked", "", detail, cause);
	free(detail);
	return rc;
}

static int
store_sqlite_operator_revoke(struct store *stp, const char *name, const char *actor,
    time_t now, int *found, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	int			 nested, rc;

	*found = 0;
	if (store_sqlite_op_begin(s, &nested, cause) == -1)
		return -1;
	rc = store_sqlite_operator_revoke_tx(s, name, actor, now, found, cause);
	return store_sqlite_op_end(s, nested, rc, cause);
}

static int
store_sqlite_operators(struct store *stp, struct store_operator **vp, size_t *np,
    char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	struct store_operator	*v = NULL, *nv;
	sqlite3_stmt		*st;
	size_t			 n = 0, cap = 0;
	int			 r;

	*vp = NULL;
	*np = 0;
	if ((st = store_sqlite_q(s, Q_OP_LIST, cause)) == NULL)
		return -1;
	while ((r = store_sqlite_step(s, st, "operators", cause)) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				break;
			v = nv;
		}
		if (store_sqlite_op_read(st, &v[n]) == -1)
			break;
		n++;
	}
	if (r == 1) {
		cause_set(cause, _("the store %s: operators: out of memory"), s->path);
		r = -1;
	}
	if ((r = store_sqlite_done(s, st, r, "operators", cause)) == -1) {
		store_operators_free(v, n);
		return -1;
	}
	*vp = v;
	*np = n;
	return 0;
}

/* ---- the RA queue ---- */

static int
store_sqlite_queue_bind(sqlite3_stmt *st, const struct store_queue_filter *f)
{
	return store_sqlite_bt(st, 1, f->city_id) || store_sqlite_bt(st, 2, f->region_id) ||
	    store_sqlite_bi0(st, 3, f->created_before) ||
	    store_sqlite_bi0(st, 4, f->created_after) ||
	    store_sqlite_bt(st, 5, f->number) ||
	    store_sqlite_bt(st, 6, f->idnum);
}

static int
store_sqlite_queue_count(struct store_sqlite *s, const struct store_queue_filter *f,
    size_t *total, char **cause)
{
	sqlite3_stmt	*st;
	int		 r;

	*total = 0;
	if ((st = store_sqlite_q(s, Q_QUEUE_COUNT, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "queue", cause,
	    store_sqlite_queue_bind(st, f) != SQLITE_OK) == -1)
		return -1;
	if ((r = store_sqlite_step(s, st, "queue", cause)) == 1) {
		*total = (size_t)sqlite3_column_int64(st, 0);
		r = 0;
	}
	return store_sqlite_done(s, st, r, "queue", cause);
}

static int
store_sqlite_app_queue(struct store *stp, const struct store_queue_filter *f,
    struct store_app **vp, size_t *np, size_t *total, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st;

	*vp = NULL;
	*np = 0;
	if (store_sqlite_queue_count(s, f, total, cause) == -1)
		return -1;
	if ((st = store_sqlite_q(s, Q_QUEUE, cause)) == NULL)
		return -1;
	if (store_sqlite_bound(s, st, "queue", cause,
	    store_sqlite_queue_bind(st, f) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 7, (sqlite3_int64)(f->limit > 0 ? f->limit : 100)) ||
	    sqlite3_bind_int64(st, 8, (sqlite3_int64)f->offset)) == -1)
		return -1;
	return store_sqlite_apps_read(s, st, "queue", vp, np, cause);
}

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = store_sqlite_open,
	.close = store_sqlite_close,
	.begin = store_sqlite_begin,
	.commit = store_sqlite_commit,
	.rollback = store_sqlite_rollback,
	.read_begin = store_sqlite_read_begin,
	.read_end = store_sqlite_read_end,
	.org_put = store_sqlite_org_put,
	.org_get = store_sqlite_org_get,
	.gu_code_put = store_sqlite_gu_code_put,
	.gu_codes_clear = store_sqlite_gu_codes_clear,
	.gu_codes = store_sqlite_gu_codes,
	.person_put = store_sqlite_person_put,
	.person_get = store_sqlite_person_get,
	.entry_put = store_sqlite_entry_put,
	.entries = store_sqlite_entries,
	.entry_get = store_sqlite_entry_get,
	.captcha_put = store_sqlite_captcha_put,
	.captcha_take = store_sqlite_captcha_take,
	.token_put = store_sqlite_token_put,
	.token_get = store_sqlite_token_get,
	.token_use_iin = store_sqlite_token_use_iin,
	.sweep = store_sqlite_sweep,
	.app_insert = store_sqlite_app_insert,
	.app_get = store_sqlite_app_get,
	.app_csrs = store_sqlite_app_csrs,
	.app_transition = store_sqlite_app_transition,
	.app_numbers = store_sqlite_app_numbers,
	.app_overdue = store_sqlite_app_overdue,
	.events = store_sqlite_events,
	.operator_put = store_sqlite_operator_put,
	.operator_get = store_sqlite_operator_get,
	.operator_revoke = store_sqlite_operator_revoke,
	.operators = store_sqlite_operators,
	.app_queue = store_sqlite_app_queue,
	.app_revoke = store_sqlite_app_revoke,
	.apps_by_iin = store_sqlite_apps_by_iin,
	.challenge_put = store_sqlite_challenge_put,
	.challenge_take = store_sqlite_challenge_take,
	.cert_status = store_sqlite_cert_status,
	.revocations = store_sqlite_revocations,
	.crl_number_next = store_sqlite_crl_number_next,
	.revocation_generation = store_sqlite_revocation_generation,
	.counts = store_sqlite_counts,
	.backup = store_sqlite_backup,
	.audit_add = store_sqlite_audit_add,
	.audit_list = store_sqlite_audit_list,
	.mail_queue_due = store_sqlite_mail_queue_due,
	.mail_claim = store_sqlite_mail_claim,
	.mail_finish = store_sqlite_mail_finish,
	.mail_recover = store_sqlite_mail_recover,
	.mail_list = store_sqlite_mail_list,
	.mail_get = store_sqlite_mail_get,
};

/*
 * The audit log of store.h on a real SQLite file and a PostgreSQL database (teststore.h): the canonical encoding against known
 * vectors (doc/audit.md), an entry for every status change and operator change written in
 * the same transaction (none when the change does not happen), the triggers that refuse
 * UPDATE and DELETE, and store_audit_verify naming the first broken entry when a row was
 * altered, deleted or inserted behind the store's back (with the triggers dropped).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/appstatus.h"
#include "ncaenrolld/store.h"
#include "teststore.h"

#define T_T0	1764000000

#define fx_ok(call, cause) do {						\
	if ((call) == -1)							\
		fail_msg("%s: %s", #call, (cause) != NULL ? (cause) : "?");	\
} while (0)

/* Runs SQL on the store directly, as someone with sqlite3 or psql would: 0 or -1. */
static int
fx_sql(struct teststore_fx *fx, const char *sql)
{
	return teststore_try(fx->uri, sql);
}

/* Drops the triggers that keep the log append-only, as such a person could. */
static void
fx_unguard(struct teststore_fx *fx)
{
	assert_int_equal(fx_sql(fx, teststore_is_pg(fx->uri) ?
	    "DROP TRIGGER audit_no_change ON audit" :
	    "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"), 0);
}

/* An application row (the store does not parse CSRs); its number into out. */
static void
fx_app(struct teststore_fx *fx, int i, char out[REQNUM_LEN + 1])
{
	struct store_app	 a;
	char			*cause = NULL;
	int			 existing, reused;

	memset(&a, 0, sizeof a);
	assert_int_equal(reqnum_generate(a.number, &cause), 0);
	a.created = T_T0;
	a.deadline = T_T0 + 30 * 86400;
	memcpy(a.bin, "940140000385", 13);
	memcpy(a.iin, "871008401427", 13);
	a.csr_auth = a.csr_sign = (char *)"csr";
	(void)snprintf(a.key_auth, sizeof a.key_auth, "auth-%d", i);
	(void)snprintf(a.key_sign, sizeof a.key_sign, "sign-%d", i);
	fx_ok(store_app_insert(fx->st, &a, "applicant (test)", &existing, &reused, &cause),
	    cause);
	memcpy(out, a.number, REQNUM_LEN + 1);
}

/* Five entries: two submissions, an issuance, an operator added and revoked. */
static void
fx_history(struct teststore_fx *fx, char n1[REQNUM_LEN + 1])
{
	struct store_operator	 op;
	char			 n2[REQNUM_LEN + 1], *cause = NULL;
	enum app_status		 cur;
	int			 won, found;

	fx_app(fx, 1, n1);
	fx_app(fx, 2, n2);
	fx_ok(store_app_transition(fx->st, n1, APP_SUBMITTED, APP_ISSUED, NULL,
	    "operator:aigerim", "AUTH 01, SIGN 02", T_T0 + 60, &won, &cur, &cause), cause);
	assert_true(won);
	memset(&op, 0, sizeof op);
	op.name = (char *)"aigerim";
	op.office = (char *)"karaganda-1";
	op.role = (char *)"operator";
	memcpy(op.serial, "0A0B", 5);
	op.created = T_T0;
	op.not_after = T_T0 + 365 * 86400;
	fx_ok(store_operator_put(fx->st, &op, "admin:root", T_T0 + 100, &cause), cause);
	fx_ok(store_operator_revoke(fx->st, "aigerim", "admin:root", T_T0 + 200, &found,
	    &cause), cause);
	assert_int_equal(found, 1);
}

static void
fx_verify(struct teststore_fx *fx, long long broken, const char *why_part)
{
	struct store_audit_check	 c;
	char				*cause = NULL;

	fx_ok(store_audit_verify(fx->st, &c, &cause), cause);
	if (c.broken != broken)
		fail_msg("wanted entry %lld broken, got %lld (%s)", broken, c.broken, c.why);
	if (why_part != NULL && strstr(c.why, why_part) == NULL)
		fail_msg("'%s' does not say '%s'", c.why, why_part);
}

/* ---- tests ---- */

static void
test_encoding_vectors(void **state)
{
	struct store_audit	 e;
	char			*text, hash[STORE_AUDIT_HASH_LEN + 1];
	size_t			 len;

	(void)state;
	memset(&e, 0, sizeof e);
	memset(e.prev_hash, '0', STORE_AUDIT_HASH_LEN);
	e.id = 1;
	e.at = T_T0;
	e.actor = (char *)"operator:aigerim";
	e.action = (char *)"application.issued";
	e.number = (char *)"4821-0937-5512-0684-3319-7725-4406";
	e.detail = (char *)"AUTH 01, SIGN 02";
	assert_non_null(text = store_audit_encode(&e, &len));
	assert_string_equal(text, "ncaenroll-audit-v1|"
	    "0000000000000000000000000000000000000000000000000000000000000000|1|1764000000|"
	    "16:operator:aigerim|18:application.issued|"
	    "34:4821-0937-5512-0684-3319-7725-4406|16:AUTH 01, SIGN 02\n");
	assert_int_equal(len, strlen(text));
	free(text);
	assert_int_equal(store_audit_hash(&e, hash), 0);
	assert_string_equal(hash,
	    "d667ad460b3959e1a341b57b25a180b976e945b9facb1472c2a02fca923cd9d5");
	/* Lengths are bytes, not letters; an empty field is "0:". */
	e.id = 2;
	e.actor = (char *)"admin:";
	e.action = (char *)"operator.added";
	e.number = (char *)"";
	e.detail = (char *)"Алма «тест»";
	assert_int_equal(store_audit_hash(&e, hash), 0);
	assert_string_equal(hash,
	    "92f7adf4f3edc41da21c5905510d626d0a6fde19bb7343e9380da943a42c631b");
}

static void
test_every_change_is_audited(void **state)
{
	struct teststore_fx	*fx = *state;
	struct store_audit	*v = NULL;
	char			 n1[REQNUM_LEN + 1], *cause = NULL;
	enum app_status		 cur;
	size_t			 n = 0, i;
	int			 won, found;

	fx_history(fx, n1);
	fx_ok(store_audit_list(fx->st, NULL, &v, &n, &cause), cause);
	assert_int_equal(n, 5);
	assert_string_equal(v[0].action, "application.submitted");
	assert_string_equal(v[2].action, "application.issued");
	assert_string_equal(v[2].actor, "operator:aigerim");
	assert_string_equal(v[2].number, n1);
	assert_string_equal(v[3].action, "operator.added");
	assert_non_null(strstr(v[3].detail, "karaganda-1"));
	assert_string_equal(v[4].action, "operator.revoked");
	assert_string_equal(v[0].prev_hash,
	    "0000000000000000000000000000000000000000000000000000000000000000");
	for (i = 1; i < n; i++) {
		assert_int_equal(v[i].id, (long long)i + 1);
		assert_string_equal(v[i].prev_hash, v[i - 1].hash);
	}
	store_audit_free(v, n);
	/* A move that does not happen (no longer submitted), a second revoke: no entry. */
	fx_ok(store_app_transition(fx->st, n1, APP_SUBMITTED, APP_REJECTED, NULL, "late",
	    NULL, T_T0 + 300, &won, &cur, &cause), cause);
	assert_false(won);
	assert_int_equal(cur, APP_ISSUED);
	fx_ok(store_operator_revoke(fx->st, "aigerim", "admin:root", T_T0 + 300, &found,
	    &cause), cause);
	assert_int_equal(found, 2);
	fx_ok(store_audit_list(fx->st, n1, &v, &n, &cause), cause);
	assert_int_equal(n, 2);		/* submitted, issued */
	store_audit_free(v, n);
	fx_ok(store_audit_add(fx->st, T_T0 + 400, "test", "note.test", "", "a note", &cause),
	    cause);
	fx_verify(fx, 0, NULL);
}

static void
test_sql_cannot_change_it(void **state)
{
	struct teststore_fx	*fx = *state;
	char			 n1[REQNUM_LEN + 1];

	fx_history(fx, n1);
	assert_int_not_equal(fx_sql(fx, "UPDATE audit SET detail = 'x' WHERE id = 1"),
	    0);
	assert_int_not_equal(fx_sql(fx, "DELETE FROM audit WHERE id = 5"), 0);
	fx_verify(fx, 0, NULL);
}

static void
test_altered_row_is_named(void **state)
{
	struct teststore_fx	*fx = *state;
	char			 n1[REQNUM_LEN + 1];

	fx_history(fx, n1);
	fx_unguard(fx);
	assert_int_equal(fx_sql(fx, "UPDATE audit SET actor = 'operator:someone' WHERE id = 3"), 0);
	fx_verify(fx, 3, "altered");
}

static void
test_rehashed_row_breaks_the_next(void **state)
{
	struct teststore_fx	*fx = *state;
	struct store_audit	*v = NULL;
	char			 n1[REQNUM_LEN + 1], sql[512], *cause = NULL;
	size_t			 n = 0;

	fx_history(fx, n1);
	/* A careful forger fixes entry 3's own hash: entry 4 no longer follows it. */
	fx_ok(store_audit_list(fx->st, NULL, &v, &n, &cause), cause);
	v[2].at += 1;
	assert_int_equal(store_audit_hash(&v[2], v[2].hash), 0);
	fx_unguard(fx);
	(void)snprintf(sql, sizeof sql, "UPDATE audit SET at = %lld, hash = '%s' WHERE id = 3", (long long)v[2].at,
	    v[2].hash);
	store_audit_free(v, n);
	assert_int_equal(fx_sql(fx, sql), 0);
	fx_verify(fx, 4, "entry 3");
}

static void
test_deleted_row_is_named(void **state)
{
	struct teststore_fx	*fx = *state;
	char			 n1[REQNUM_LEN + 1];

	fx_history(fx, n1);
	fx_unguard(fx);
	assert_int_equal(fx_sql(fx, "DELETE FROM audit WHERE id = 2"), 0);
	fx_verify(fx, 3, "entries 2 to 2");
	assert_int_equal(fx_sql(fx, "DELETE FROM audit WHERE id = 1"), 0);
	fx_verify(fx, 3, "entries 1 to 2");
}

static void
test_inserted_row_is_named(void **state)
{
	struct teststore_fx	*fx = *state;
	char			 n1[REQNUM_LEN + 1], *cause = NULL;

	fx_history(fx, n1);
	assert_int_equal(fx_sql(fx, "INSERT INTO audit (id, at, actor, action, number, detail,"
	    " prev_hash, hash) VALUES (6, 1764000999, 'operator:ghost', 'application.issued',"
	    " '', '', 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',"
	    " 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee')"), 0);
	fx_verify(fx, 6, "prev_hash");
	/* Appending goes on from the stored head, and the break stays found. */
	fx_ok(store_audit_add(fx->st, T_T0 + 500, "test", "note.test", "", "", &cause), cause);
	fx_verify(fx, 6, NULL);
}

static void
test_reopened_store_keeps_the_chain(void **state)
{
	struct teststore_fx	*fx = *state;
	struct store_audit_check c;
	char			 n1[REQNUM_LEN + 1], *cause = NULL;

	fx_history(fx, n1);
	store_close(fx->st);
	if ((fx->st = store_open(fx->uri, &cause)) == NULL)
		fail_msg("store: %s", cause);
	fx_ok(store_audit_add(fx->st, T_T0 + 600, "test", "note.test", "", "", &cause), cause);
	fx_ok(store_audit_verify(fx->st, &c, &cause), cause);
	assert_int_equal(c.broken, 0);
	assert_int_equal(c.count, 6);
	assert_int_equal(c.head_id, 6);
	assert_int_equal(strlen(c.head), STORE_AUDIT_HASH_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding_vectors),
		TESTSTORE_CASE(test_every_change_is_audited),
		TESTSTORE_CASE(test_sql_cannot_change_it),
		TESTSTORE_CASE(test_altered_row_is_named),
		TESTSTORE_CASE(test_rehashed_row_breaks_the_next),
		TESTSTORE_CASE(test_deleted_row_is_named),
		TESTSTORE_CASE(test_inserted_row_is_named),
		TESTSTORE_CASE(test_reopened_store_keeps_the_chain),
	};

	return teststore_main("audit", tests, sizeof tests / sizeof tests[0], NULL, 0);
}

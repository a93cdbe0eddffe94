/*
 * The store on real SQLite files in a temporary folder: round trips of every entity,
 * "not found" apart from errors, uniqueness refusals, racing transitions (two handles, two
 * threads), expiry, and refusal of a schema newer than the code.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ncaenrolld/store.h"
#include "teststore.h"

/* A literal where the store's structs hold char *: the store only reads it. */
#define W(s)	((char *)(s))

static struct store *
reopen(const char *path)
{
	struct store	*st;
	char		*cause = NULL;

	st = store_open(path, &cause);
	if (st == NULL)
		fail_msg("%s", cause);
	free(cause);
	return st;
}

static void	make_app(struct store_app *, int, time_t);
static void	insert_app(struct store *, struct store_app *);

/* Expects a refusal with a cause. */
static void
expect_refusal(int rc, char **cause)
{
	assert_int_equal(rc, -1);
	assert_non_null(*cause);
	free(*cause);
	*cause = NULL;
}

/* ---- opening ---- */

static void
test_open_uri(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st;
	char			*uri = NULL, *cause = NULL;

	if (teststore_is_pg(f->uri)) {
		/* postgres:// is the same backend */
		assert_int_not_equal(asprintf(&uri, "postgres:%s",
		    f->uri + strlen("postgresql:")), -1);
	} else
		assert_int_not_equal(asprintf(&uri, "sqlite:%s", f->uri), -1);
	st = reopen(uri);
	store_close(st);
	free(uri);
	assert_int_not_equal(asprintf(&uri, teststore_is_pg(f->uri) ? "%s" : "sqlite://%s",
	    f->uri), -1);
	st = reopen(uri);
	store_close(st);
	free(uri);

	/* a server that is not there: the cause names the store, never a password */
	assert_null(store_open("postgresql://nca:secret@/nca?host=/nonexistent-dir", &cause));
	assert_non_null(strstr(cause, "postgresql://"));
	assert_null(strstr(cause, "secret"));
	free(cause);
	cause = NULL;
	assert_null(store_open("mysql://localhost/nca", &cause));
	assert_non_null(strstr(cause, "mysql"));
	free(cause);
	cause = NULL;
	assert_null(store_open("", &cause));
	free(cause);
	cause = NULL;
	assert_null(store_open("/nonexistent-dir/x/store.db", &cause));
	assert_non_null(cause);
	free(cause);
}

static int
count_rows(const char *path, const char *sql)
{
	return teststore_count(path, sql);
}

static void
exec_sql(const char *path, const char *sql)
{
	teststore_exec(path, sql);
}

static void
test_schema(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st;
	char			*cause = NULL;

	/* migrated once (SQLite 7 migrations, PostgreSQL 3); reopening applies nothing again */
	int		 v = teststore_is_pg(f->uri) ? 3 : 7;

	assert_int_equal(count_rows(f->uri, "SELECT MAX(version) FROM schema_migrations"), v);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM schema_migrations"), v);
	st = reopen(f->uri);
	store_close(st);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM schema_migrations"), v);
	if (!teststore_is_pg(f->uri))		/* SQLite: in WAL mode */
		assert_int_equal(count_rows(f->uri,
		    "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);

	/* a schema from a newer program is refused, and left as it is */
	exec_sql(f->uri, "INSERT INTO schema_migrations (version, applied) VALUES (8, 0)");
	assert_null(store_open(f->uri, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "schema version 8"));
	free(cause);
	assert_int_equal(count_rows(f->uri, "SELECT MAX(version) FROM schema_migrations"), 8);
}

/* A lookup that cannot run is an error with a cause, not "not found". */
static void
test_lookup_error(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_person	 p;
	struct store_app	 a;
	char			*cause = NULL;
	int			 found = -1;

	exec_sql(f->uri, "DROP TABLE persons; DROP TABLE events");
	assert_int_equal(store_person_get(f->st, "871008401427", &p, &found, &cause), -1);
	assert_int_equal(found, 0);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "persons"));
	free(cause);
	cause = NULL;
	/* and a write that fails half-way leaves nothing: the application without history */
	make_app(&a, 1, 1000);
	assert_int_equal(store_app_insert(f->st, &a, "x", &found, &found, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 0);
}

struct opener {
	const char		*path;
	pthread_barrier_t	*start;
	struct store		*st;
	char			*cause;
};

static void *
opener_run(void *arg)
{
	struct opener	*o = arg;

	(void)pthread_barrier_wait(o->start);
	o->st = store_open(o->path, &o->cause);
	return NULL;
}

/* The service's workers open their handles at once, on a file that may not exist yet. */
static void
test_open_concurrent(void **state)
{
	struct teststore_fx	*f = *state;
	struct opener		 o[6];
	pthread_t		 t[6];
	pthread_barrier_t	 start;
	char			*path = NULL;
	int			 i;

	/* PostgreSQL: instances starting together on an empty database migrate it once */
	if (teststore_is_pg(f->uri))
		path = teststore_new_db();
	else
		assert_int_not_equal(asprintf(&path, "%s/fresh.db", f->dir), -1);
	assert_int_equal(pthread_barrier_init(&start, NULL, 6), 0);
	for (i = 0; i < 6; i++) {
		o[i] = (struct opener){ .path = path, .start = &start };
		assert_int_equal(pthread_create(&t[i], NULL, opener_run, &o[i]), 0);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(pthread_barrier_destroy(&start), 0);
	for (i = 0; i < 6; i++) {
		if (o[i].st == NULL)
			fail_msg("opener %d: %s", i, o[i].cause ? o[i].cause : "?");
		store_close(o[i].st);
	}
	assert_int_equal(count_rows(path, "SELECT COUNT(*) FROM schema_migrations"),
	    teststore_is_pg(path) ? 3 : 7);
	teststore_forget(path);
	free(path);
}

/* ---- registries and directories ---- */

static void
test_org(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_entry	 region = { .id = W("astana"),
	    .name = { W("Астана"), W("Астана"), W("Astana") } };
	struct store_org	 o = { .bin = "940140000385",
	    .name = { W("«Тест» ЖШС"), W("ТОО «Тест»"), NULL }, .region_id = W("astana") };
	struct store_org	 got;
	char			**codes = NULL, *cause = NULL;
	int			 found = -1;

	/* an organization must name a region the store knows */
	expect_refusal(store_org_put(st, &o, &cause), &cause);
	cause = NULL;
	OK(store_entry_put(st, STORE_REGIONS, &region, C));
	OK(store_org_put(st, &o, C));
	OK(store_org_get(st, "940140000385", &got, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(got.bin, "940140000385");
	assert_string_equal(got.name.kk, "«Тест» ЖШС");
	assert_string_equal(got.name.ru, "ТОО «Тест»");
	assert_null(got.name.en);
	assert_string_equal(got.region_id, "astana");
	store_org_free(&got);

	/* putting again replaces */
	o.name.en = W("Test LLP");
	OK(store_org_put(st, &o, C));
	OK(store_org_get(st, "940140000385", &got, &found, C));
	assert_string_equal(got.name.en, "Test LLP");
	store_org_free(&got);

	OK(store_org_get(st, "961141000023", &got, &found, C));
	assert_int_equal(found, 0);
	store_org_free(&got);

	/* ГУ/СКС codes: sorted, repeat-safe, cleared; none is an empty list */
	OK(store_gu_code_put(st, "940140000385", "56781", C));
	OK(store_gu_code_put(st, "940140000385", "1234", C));
	OK(store_gu_code_put(st, "940140000385", "1234", C));
	OK(store_gu_codes(st, "940140000385", &codes, C));
	assert_non_null(codes);
	assert_string_equal(codes[0], "1234");
	assert_string_equal(codes[1], "56781");
	assert_null(codes[2]);
	store_strv_free(codes);
	expect_refusal(store_gu_code_put(st, "070941024691", "1234", &cause), &cause);
	cause = NULL;
	OK(store_gu_codes_clear(st, "940140000385", C));
	OK(store_gu_codes(st, "940140000385", &codes, C));
	assert_non_null(codes);
	assert_null(codes[0]);
	store_strv_free(codes);
}

static void
test_person(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_person	 p = { .iin = "871008401427", .surname = W("ТЕСТОВА"),
	    .given_name = W("АЙГЕРІМ"), .patronymic = W("") };
	struct store_person	 got;
	int			 found = -1;

	OK(store_person_put(st, &p, C));
	OK(store_person_get(st, "871008401427", &got, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(got.iin, "871008401427");
	assert_string_equal(got.surname, "ТЕСТОВА");
	assert_string_equal(got.given_name, "АЙГЕРІМ");
	assert_string_equal(got.patronymic, "");
	store_person_free(&got);

	p.patronymic = W("САПАРҚЫЗЫ");
	OK(store_person_put(st, &p, C));
	OK(store_person_get(st, "871008401427", &got, &found, C));
	assert_string_equal(got.patronymic, "САПАРҚЫЗЫ");
	store_person_free(&got);

	OK(store_person_get(st, "760212350620", &got, &found, C));
	assert_int_equal(found, 0);
	assert_null(got.surname);
	store_person_free(&got);
}

static void
put_entry(struct store *st, enum store_dir d, const char *id, const char *parent,
    const char *ru)
{
	struct store_entry	e = { .id = (char *)id, .parent_id = (char *)parent,
	    .name = { W("kk"), (char *)ru, W("en") } };

	if (d == STORE_ROLES) {
		e.dc = (char *)id;
		e.oid = W("1.2.398.3.3.4.1.2.1");
	}
	if (d == STORE_OFFICES)
		e.address = W("ул. Тестовая, 1");
	OK(store_entry_put(st, d, &e, C));
}

static void
test_directories(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_list	 l;
	struct store_entry	 e;
	char			*cause = NULL;
	int			 found = -1;

	put_entry(st, STORE_ROLES, "ROLE02", NULL, "Право подписи");
	put_entry(st, STORE_ROLES, "ROLE01", NULL, "Первый руководитель");
	put_entry(st, STORE_REGIONS, "karaganda", NULL, "Карагандинская область");
	put_entry(st, STORE_REGIONS, "almaty", NULL, "Алматы");
	put_entry(st, STORE_REGIONS, "astana", NULL, "Астана");
	put_entry(st, STORE_CITIES, "temirtau", "karaganda", "Темиртау");
	put_entry(st, STORE_CITIES, "karaganda", "karaganda", "Караганда");
	put_entry(st, STORE_CITIES, "astana", "astana", "Астана");
	put_entry(st, STORE_OFFICES, "krg-2", "karaganda", "ЦОН №2");
	put_entry(st, STORE_OFFICES, "krg-1", "karaganda", "ЦОН №1");
	put_entry(st, STORE_OFFICES, "ast-1", "astana", "ЦОН Астаны");

	/* a city under an unknown region is refused */
	{
		struct store_entry	bad = { .id = W("x"), .parent_id = W("nowhere"),
		    .name = { W("x"), W("x"), W("x") } };

		expect_refusal(store_entry_put(st, STORE_CITIES, &bad, &cause), &cause);
		cause = NULL;
	}

	OK(store_entries(st, STORE_ROLES, NULL, &l, C));
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "ROLE01");
	assert_string_equal(l.v[0].dc, "ROLE01");
	assert_string_equal(l.v[0].oid, "1.2.398.3.3.4.1.2.1");
	assert_null(l.v[0].parent_id);
	assert_null(l.v[0].address);
	assert_string_equal(l.v[1].id, "ROLE02");
	store_list_free(&l);

	OK(store_entries(st, STORE_REGIONS, NULL, &l, C));
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name.ru, "Алматы");
	assert_string_equal(l.v[1].name.ru, "Астана");
	assert_string_equal(l.v[2].name.ru, "Карагандинская область");
	assert_string_equal(l.v[2].name.kk, "kk");
	assert_string_equal(l.v[2].name.en, "en");
	assert_null(l.v[2].dc);
	store_list_free(&l);

	OK(store_entries(st, STORE_CITIES, "karaganda", &l, C));
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "karaganda");
	assert_string_equal(l.v[0].parent_id, "karaganda");
	assert_string_equal(l.v[1].id, "temirtau");
	store_list_free(&l);
	OK(store_entries(st, STORE_CITIES, NULL, &l, C));
	assert_int_equal(l.n, 3);
	store_list_free(&l);
	OK(store_entries(st, STORE_CITIES, "nowhere", &l, C));
	assert_int_equal(l.n, 0);
	store_list_free(&l);
	/* nothing is under a role */
	OK(store_entries(st, STORE_ROLES, "ROLE01", &l, C));
	assert_int_equal(l.n, 0);
	store_list_free(&l);

	OK(store_entries(st, STORE_OFFICES, "karaganda", &l, C));
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "krg-1");
	assert_string_equal(l.v[0].address, "ул. Тестовая, 1");
	store_list_free(&l);

	OK(store_entry_get(st, STORE_OFFICES, "ast-1", &e, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(e.parent_id, "astana");
	assert_string_equal(e.name.ru, "ЦОН Астаны");
	store_entry_free(&e);
	OK(store_entry_get(st, STORE_ROLES, "ROLE09", &e, &found, C));
	assert_int_equal(found, 0);
	store_entry_free(&e);
	/* ids are per directory */
	OK(store_entry_get(st, STORE_REGIONS, "temirtau", &e, &found, C));
	assert_int_equal(found, 0);
	store_entry_free(&e);

	/* putting again replaces, and moves a city */
	put_entry(st, STORE_CITIES, "temirtau", "astana", "Темиртау");
	OK(store_entries(st, STORE_CITIES, "astana", &l, C));
	assert_int_equal(l.n, 2);
	store_list_free(&l);
}

/* Alphabetical as a Kazakh or Russian reader expects: case ignored, Ё after Е, Ә after А. */
static void
test_directory_order(void **state)
{
	static const char *const expect[] = {
		"Алматы", "Астана", "Әлем", "город Шымкент", "Ещё", "Ёлкино",
		"Карагандинская область", "область Абай", "Уральск", "Ұлытау",
	};
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_list	 l;
	char			 id[8];
	size_t			 i, n = sizeof expect / sizeof expect[0];

	for (i = 0; i < n; i++) {
		/* put in reverse so that insertion order cannot pass for sorting */
		snprintf(id, sizeof id, "r%zu", i);
		put_entry(st, STORE_REGIONS, id, NULL, expect[n - 1 - i]);
	}
	OK(store_entries(st, STORE_REGIONS, NULL, &l, C));
	assert_int_equal(l.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(l.v[i].name.ru, expect[i]);
	store_list_free(&l);
}

/* ---- captchas and tokens ---- */

static void
test_captcha(void **state)
{
	struct store	*st = ((struct teststore_fx *)*state)->st;
	char		*hash = NULL, *cause = NULL;
	int		 found = -1;

	OK(store_captcha_put(st, "c1", "hash-1", 1000, C));
	OK(store_captcha_put(st, "c2", "hash-2", 1000, C));
	expect_refusal(store_captcha_put(st, "c1", "other", 2000, &cause), &cause);

	OK(store_captcha_take(st, "c1", 999, &hash, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(hash, "hash-1");
	free(hash);
	/* single use */
	OK(store_captcha_take(st, "c1", 999, &hash, &found, C));
	assert_int_equal(found, 0);
	assert_null(hash);
	/* expired: not found, and gone */
	OK(store_captcha_take(st, "c2", 1000, &hash, &found, C));
	assert_int_equal(found, 0);
	assert_null(hash);
	OK(store_captcha_put(st, "c2", "hash-2b", 3000, C));
	OK(store_captcha_take(st, "unknown", 0, &hash, &found, C));
	assert_int_equal(found, 0);
}

static void
test_token_and_sweep(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st = f->st;
	char			 bin[13], *hash = NULL, *cause = NULL;
	int			 found = -1, i;
	enum store_token_use use;

	OK(store_token_put(st, "t1", "940140000385", "192.0.2.1", 1000, C));
	OK(store_token_put(st, "t2", "070941024691", "192.0.2.1", 2000, C));
	expect_refusal(store_token_put(st, "t1", "940140000385", "192.0.2.1", 5000, &cause),
	    &cause);
	OK(store_token_get(st, "t1", "192.0.2.1", 999, bin, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(bin, "940140000385");
	/* still there after a read: tokens are not single use */
	OK(store_token_get(st, "t1", "192.0.2.1", 999, bin, &found, C));
	assert_int_equal(found, 1);
	/* bound to the client that solved the captcha */
	OK(store_token_get(st, "t1", "192.0.2.2", 999, bin, &found, C));
	assert_int_equal(found, 0);
	OK(store_token_get(st, "t1", "192.0.2.1", 1000, bin, &found, C));
	assert_int_equal(found, 0);
	assert_string_equal(bin, "");
	OK(store_token_get(st, "nope", "192.0.2.1", 0, bin, &found, C));
	assert_int_equal(found, 0);
	/* IIN checks: counted up to max, then used up; another client's are unknown */
	for (i = 0; i < 2; i++) {
		OK(store_token_use_iin(st, "t2", "192.0.2.1", 999, 2, &use, C));
		assert_int_equal(use, STORE_TOKEN_COUNTED);
	}
	OK(store_token_use_iin(st, "t2", "192.0.2.1", 999, 2, &use, C));
	assert_int_equal(use, STORE_TOKEN_USED_UP);
	OK(store_token_use_iin(st, "t2", "192.0.2.2", 999, 5, &use, C));
	assert_int_equal(use, STORE_TOKEN_UNKNOWN);
	OK(store_token_use_iin(st, "t2", "192.0.2.1", 2000, 5, &use, C));
	assert_int_equal(use, STORE_TOKEN_UNKNOWN);
	assert_int_equal(count_rows(f->uri,
	    "SELECT iin_checks FROM tokens WHERE token = 't2'"), 2);
	/* used up for names, still good for the application */
	OK(store_token_get(st, "t2", "192.0.2.1", 999, bin, &found, C));
	assert_int_equal(found, 1);

	OK(store_captcha_put(st, "c1", "h1", 1000, C));
	OK(store_captcha_put(st, "c2", "h2", 2000, C));
	OK(store_sweep(st, 1500, C));
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM tokens"), 1);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM captchas"), 1);
	OK(store_token_get(st, "t2", "192.0.2.1", 1500, bin, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(bin, "070941024691");
	OK(store_captcha_take(st, "c2", 1500, &hash, &found, C));
	assert_int_equal(found, 1);
	free(hash);
	OK(store_sweep(st, 5000, C));
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM tokens"), 0);
}

/* ---- applications ---- */

/* The number of test application i (0 to 9999). */
static void
app_number(char out[REQNUM_LEN + 1], int i)
{
	snprintf(out, REQNUM_LEN + 1, "1000-0000-0000-0000-0000-0000-%04u",
	    (unsigned)i % 10000u);
}

/* A complete application numbered by i, with keys of its own. */
static void
make_app(struct store_app *a, int i, time_t created)
{
	memset(a, 0, sizeof *a);
	app_number(a->number, i);
	a->status = APP_SUBMITTED;
	a->created = created;
	a->deadline = created + 30 * 86400;
	memcpy(a->bin, "940140000385", 13);
	memcpy(a->iin, "871008401427", 13);
	a->org_name = W("ТОО «Тест»");
	a->surname = W("ТЕСТОВА");
	a->given_name = W("АЙГЕРІМ");
	a->patronymic = W("");
	a->email = W("a@example.kz");
	a->role_id = W("ROLE02");
	a->region_id = W("astana");
	a->city_id = W("astana");
	a->gu_code = W("1234");
	a->storage = W("pc");
	a->lang = W("kk");
	a->csr_auth = W("-----BEGIN CERTIFICATE REQUEST-----\nA\n"
	    "-----END CERTIFICATE REQUEST-----\n");
	a->csr_sign = W("-----BEGIN CERTIFICATE REQUEST-----\nS\n"
	    "-----END CERTIFICATE REQUEST-----\n");
	snprintf(a->key_auth, sizeof a->key_auth, "%064d", 2 * i);
	snprintf(a->key_sign, sizeof a->key_sign, "%064d", 2 * i + 1);
}

static void
insert_app(struct store *st, struct store_app *a)
{
	int	existing = -1, reused = -1;

	OK(store_app_insert(st, a, "applicant", &existing, &reused, C));
	assert_int_equal(existing, 0);
	assert_int_equal(reused, 0);
}

static void
test_app_roundtrip(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_app	 a, got;
	struct store_event	*ev = NULL;
	size_t			 n = 99;
	int			 found = -1;

	make_app(&a, 1, 1700000000);
	a.status = APP_ISSUED;		/* ignored: a new application is submitted */
	insert_app(st, &a);
	assert_int_equal(a.status, APP_SUBMITTED);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(got.number, a.number);
	assert_int_equal(got.status, APP_SUBMITTED);
	assert_int_equal(got.created, 1700000000);
	assert_int_equal(got.deadline, 1700000000 + 30 * 86400);
	assert_int_equal(got.decided, 0);
	assert_int_equal(got.installed, 0);
	assert_string_equal(got.bin, a.bin);
	assert_string_equal(got.iin, a.iin);
	assert_string_equal(got.org_name, a.org_name);
	assert_string_equal(got.surname, a.surname);
	assert_string_equal(got.given_name, a.given_name);
	assert_string_equal(got.patronymic, "");
	assert_string_equal(got.email, a.email);
	assert_string_equal(got.role_id, a.role_id);
	assert_string_equal(got.region_id, a.region_id);
	assert_string_equal(got.city_id, a.city_id);
	assert_string_equal(got.gu_code, a.gu_code);
	assert_string_equal(got.storage, a.storage);
	assert_string_equal(got.lang, a.lang);
	assert_null(got.csr_auth);	/* kept apart: read only by store_app_csrs */
	assert_null(got.csr_sign);
	assert_string_equal(got.key_auth, a.key_auth);
	assert_string_equal(got.key_sign, a.key_sign);
	assert_null(got.cert_auth);
	assert_null(got.cert_sign);
	assert_string_equal(got.serial_auth, "");
	assert_string_equal(got.serial_sign, "");
	assert_int_equal(got.not_before, 0);
	assert_int_equal(got.not_after, 0);
	assert_null(got.reject_reason);
	assert_null(got.install_nonce);
	OK(store_app_csrs(st, &got, C));
	assert_string_equal(got.csr_auth, a.csr_auth);
	assert_string_equal(got.csr_sign, a.csr_sign);
	store_app_free(&got);

	OK(store_events(st, a.number, &ev, &n, C));
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].at, 1700000000);
	assert_string_equal(ev[0].actor, "applicant");
	assert_string_equal(ev[0].action, "submitted");
	assert_null(ev[0].detail);
	store_events_free(ev, n);

	/* no e-mail stays NULL */
	make_app(&a, 2, 1700000000);
	a.email = NULL;
	insert_app(st, &a);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_null(got.email);
	store_app_free(&got);

	OK(store_app_get(st, "9999-9999-9999-9999-9999-9999-9999", &got, &found, C));
	assert_int_equal(found, 0);
	/* no such application: no CSRs either, an error that says so */
	memcpy(got.number, "9999-9999-9999-9999-9999-9999-9999", REQNUM_LEN + 1);
	{
		char	*cause = NULL;

		assert_int_equal(store_app_csrs(st, &got, &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "no CSRs"));
		free(cause);
	}
	assert_null(got.csr_auth);
	store_app_free(&got);
	OK(store_events(st, "9999-9999-9999-9999-9999-9999-9999", &ev, &n, C));
	assert_int_equal(n, 0);
	store_events_free(ev, n);
}

static void
test_app_keys(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st = f->st;
	struct store_app	 a, b;
	char			*cause = NULL;
	int			 existing, reused;

	make_app(&a, 1, 1000);
	insert_app(st, &a);

	/* the same pair again: the same application */
	make_app(&b, 2, 2000);
	memcpy(b.key_auth, a.key_auth, sizeof b.key_auth);
	memcpy(b.key_sign, a.key_sign, sizeof b.key_sign);
	OK(store_app_insert(st, &b, "applicant", &existing, &reused, C));
	assert_int_equal(existing, 1);
	assert_int_equal(reused, 0);
	assert_string_equal(b.number, a.number);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 1);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM events"), 1);

	/* one key seen before, in either role, or one key for both: refused */
	static const struct {
		int	auth_from, sign_from;	/* 0: fresh, 1: a's auth key, 2: a's sign key */
	} cases[] = { { 1, 0 }, { 0, 2 }, { 2, 0 }, { 0, 1 }, { 3, 3 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		make_app(&b, 10 + (int)i, 2000);
		if (cases[i].auth_from == 1)
			memcpy(b.key_auth, a.key_auth, sizeof b.key_auth);
		if (cases[i].auth_from == 2)
			memcpy(b.key_auth, a.key_sign, sizeof b.key_auth);
		if (cases[i].sign_from == 1)
			memcpy(b.key_sign, a.key_auth, sizeof b.key_sign);
		if (cases[i].sign_from == 2)
			memcpy(b.key_sign, a.key_sign, sizeof b.key_sign);
		if (cases[i].auth_from == 3)
			memcpy(b.key_sign, b.key_auth, sizeof b.key_sign);
		existing = reused = -1;
		cause = NULL;
		expect_refusal(store_app_insert(st, &b, "applicant", &existing, &reused,
		    &cause), &cause);
		assert_int_equal(reused, 1);
		assert_int_equal(existing, 0);
	}
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 1);

	/* a number taken already is an error, and leaves nothing behind */
	make_app(&b, 1, 3000);
	snprintf(b.key_auth, sizeof b.key_auth, "%064d", 777);
	snprintf(b.key_sign, sizeof b.key_sign, "%064d", 778);
	cause = NULL;
	expect_refusal(store_app_insert(st, &b, "applicant", &existing, &reused, &cause),
	    &cause);
	assert_int_equal(reused, 0);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM events"), 1);
}

static void
test_app_transition(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_app	 a, set, got;
	struct store_event	*ev = NULL;
	enum app_status		 cur;
	size_t			 n;
	char			*cause = NULL;
	int			 won = -1, found;

	make_app(&a, 1, 1000);
	insert_app(st, &a);

	memset(&set, 0, sizeof set);
	set.cert_auth = W("CERT-A");
	set.cert_sign = W("CERT-S");
	memcpy(set.serial_auth, "0a0b", 5);
	memcpy(set.serial_sign, "0c0d", 5);
	set.not_before = 2000;
	set.not_after = 2000 + 365 * 86400;
	set.install_nonce = W("nonce-1");
	OK(store_app_transition(st, a.number, APP_SUBMITTED, APP_ISSUED, &set, "operator-1",
	    "approved at desk", 2000, &won, &cur, C));
	assert_int_equal(won, 1);
	assert_int_equal(cur, APP_ISSUED);

	/* too late: someone moved it */
	OK(store_app_transition(st, a.number, APP_SUBMITTED, APP_REJECTED, NULL, "operator-2",
	    "no documents", 2001, &won, &cur, C));
	assert_int_equal(won, 0);
	assert_int_equal(cur, APP_ISSUED);

	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(got.status, APP_ISSUED);
	assert_int_equal(got.decided, 2000);
	assert_string_equal(got.cert_auth, "CERT-A");
	assert_string_equal(got.cert_sign, "CERT-S");
	assert_string_equal(got.serial_auth, "0a0b");
	assert_string_equal(got.serial_sign, "0c0d");
	assert_int_equal(got.not_before, 2000);
	assert_int_equal(got.not_after, 2000 + 365 * 86400);
	assert_null(got.reject_reason);
	assert_string_equal(got.install_nonce, "nonce-1");
	store_app_free(&got);

	/* installed: fields not in set are left alone, the time defaults to now */
	OK(store_app_transition(st, a.number, APP_ISSUED, APP_INSTALLED, NULL, "applicant",
	    NULL, 3000, &won, &cur, C));
	assert_int_equal(won, 1);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(got.status, APP_INSTALLED);
	assert_int_equal(got.installed, 3000);
	assert_int_equal(got.decided, 2000);
	assert_string_equal(got.cert_auth, "CERT-A");
	store_app_free(&got);

	OK(store_events(st, a.number, &ev, &n, C));
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].action, "submitted");
	assert_int_equal(ev[1].at, 2000);
	assert_string_equal(ev[1].actor, "operator-1");
	assert_string_equal(ev[1].action, "issued");
	assert_string_equal(ev[1].detail, "approved at desk");
	assert_string_equal(ev[2].action, "installed");
	assert_string_equal(ev[2].actor, "applicant");
	assert_null(ev[2].detail);
	store_events_free(ev, n);

	/* rejected with a reason */
	make_app(&a, 2, 1000);
	insert_app(st, &a);
	memset(&set, 0, sizeof set);
	set.reject_reason = W("Документы не представлены");
	OK(store_app_transition(st, a.number, APP_SUBMITTED, APP_REJECTED, &set, "operator-2",
	    NULL, 2500, &won, &cur, C));
	assert_int_equal(won, 1);
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_int_equal(got.status, APP_REJECTED);
	assert_int_equal(got.decided, 2500);
	assert_string_equal(got.reject_reason, "Документы не представлены");
	assert_null(got.reject_code);
	store_app_free(&got);

	/* the reason's code and the operator's text, apart */
	make_app(&a, 3, 1000);
	insert_app(st, &a);
	memset(&set, 0, sizeof set);
	set.reject_code = W("documents_missing");
	set.reject_text = W("нет приказа");
	OK(store_app_transition(st, a.number, APP_SUBMITTED, APP_REJECTED, &set, "operator-2",
	    NULL, 2500, &won, &cur, C));
	OK(store_app_get(st, a.number, &got, &found, C));
	assert_string_equal(got.reject_code, "documents_missing");
	assert_string_equal(got.reject_text, "нет приказа");
	store_app_free(&got);

	/* no such application: an error, not a lost race */
	expect_refusal(store_app_transition(st, "9999-9999-9999-9999-9999-9999-9999",
	    APP_SUBMITTED, APP_ISSUED, NULL, "x", NULL, 1, &won, &cur, &cause), &cause);
	assert_int_equal(won, 0);
}

static void
test_app_race_handles(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*other = reopen(f->uri);
	struct store_app	 a;
	struct store_event	*ev = NULL;
	enum app_status		 cur;
	size_t			 n;
	int			 won1 = -1, won2 = -1;

	make_app(&a, 1, 1000);
	insert_app(f->st, &a);
	/* both read "submitted" before either moves it */
	OK(store_app_transition(f->st, a.number, APP_SUBMITTED, APP_ISSUED, NULL, "one", NULL,
	    2000, &won1, &cur, C));
	OK(store_app_transition(other, a.number, APP_SUBMITTED, APP_CANCELLED, NULL, "two",
	    NULL, 2000, &won2, &cur, C));
	assert_int_equal(won1, 1);
	assert_int_equal(won2, 0);
	assert_int_equal(cur, APP_ISSUED);
	OK(store_events(other, a.number, &ev, &n, C));
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].actor, "one");
	store_events_free(ev, n);
	store_close(other);
}

#define RACE_APPS	40

struct racer {
	const char		*path;
	pthread_barrier_t	*start;
	enum app_status		 to;
	int			 won[RACE_APPS];
	enum app_status		 current[RACE_APPS];
	int			 failed;
	char			*cause;
};

static void *
racer_run(void *arg)
{
	struct racer		*r = arg;
	struct store		*st;
	char			 number[REQNUM_LEN + 1];
	int			 i;

	st = store_open(r->path, &r->cause);
	(void)pthread_barrier_wait(r->start);
	if (st == NULL) {
		r->failed = 1;
		return NULL;
	}
	for (i = 0; i < RACE_APPS && !r->failed; i++) {
		app_number(number, i);
		if (store_app_transition(st, number, APP_SUBMITTED, r->to, NULL,
		    appstatus_wire(r->to), NULL, 5000, &r->won[i], &r->current[i],
		    &r->cause) == -1)
			r->failed = 1;
	}
	store_close(st);
	return NULL;
}

static void
test_app_race_threads(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 a;
	struct racer		 r[2];
	pthread_t		 t[2];
	pthread_barrier_t	 start;
	struct store_event	*ev = NULL;
	size_t			 n;
	int			 i, wins[2] = { 0, 0 };

	for (i = 0; i < RACE_APPS; i++) {
		make_app(&a, i, 1000);
		insert_app(f->st, &a);
	}
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	memset(r, 0, sizeof r);
	r[0].to = APP_ISSUED;
	r[1].to = APP_CANCELLED;
	for (i = 0; i < 2; i++) {
		r[i].path = f->uri;
		r[i].start = &start;
		assert_int_equal(pthread_create(&t[i], NULL, racer_run, &r[i]), 0);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(pthread_barrier_destroy(&start), 0);
	for (i = 0; i < 2; i++) {
		if (r[i].failed)
			fail_msg("racer %d: %s", i, r[i].cause ? r[i].cause : "?");
		free(r[i].cause);
	}
	for (i = 0; i < RACE_APPS; i++) {
		/* exactly one wins; the loser sees what the winner made of it */
		assert_int_equal(r[0].won[i] + r[1].won[i], 1);
		if (r[0].won[i]) {
			assert_int_equal(r[1].current[i], APP_ISSUED);
			wins[0]++;
		} else {
			assert_int_equal(r[0].current[i], APP_CANCELLED);
			wins[1]++;
		}
		make_app(&a, i, 1000);
		OK(store_events(f->st, a.number, &ev, &n, C));
		assert_int_equal(n, 2);
		store_events_free(ev, n);
	}
	assert_int_equal(wins[0] + wins[1], RACE_APPS);
}

static void
test_app_lists(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_app	 a;
	enum app_status		 cur;
	char			**v = NULL;
	int			 won;

	for (int i = 0; i < 4; i++) {
		make_app(&a, i, 1000 * (4 - i));	/* created 4000, 3000, 2000, 1000 */
		insert_app(st, &a);
	}
	OK(store_app_transition(st, "1000-0000-0000-0000-0000-0000-0001", APP_SUBMITTED,
	    APP_REJECTED, NULL, "op", NULL, 5000, &won, &cur, C));

	OK(store_app_numbers(st, APP_SUBMITTED, 0, &v, C));
	assert_string_equal(v[0], "1000-0000-0000-0000-0000-0000-0003");
	assert_string_equal(v[1], "1000-0000-0000-0000-0000-0000-0002");
	assert_string_equal(v[2], "1000-0000-0000-0000-0000-0000-0000");
	assert_null(v[3]);
	store_strv_free(v);
	OK(store_app_numbers(st, APP_SUBMITTED, 2000, &v, C));
	assert_string_equal(v[0], "1000-0000-0000-0000-0000-0000-0003");
	assert_string_equal(v[1], "1000-0000-0000-0000-0000-0000-0002");
	assert_null(v[2]);
	store_strv_free(v);
	OK(store_app_numbers(st, APP_REJECTED, 0, &v, C));
	assert_string_equal(v[0], "1000-0000-0000-0000-0000-0000-0001");
	assert_null(v[1]);
	store_strv_free(v);
	OK(store_app_numbers(st, APP_INSTALLED, 0, &v, C));
	assert_non_null(v);
	assert_null(v[0]);
	store_strv_free(v);

	/* deadlines are created + 30 days; the rejected one is not overdue */
	OK(store_app_overdue(st, 3000 + 30 * 86400, &v, C));
	assert_string_equal(v[0], "1000-0000-0000-0000-0000-0000-0003");
	assert_string_equal(v[1], "1000-0000-0000-0000-0000-0000-0002");
	assert_null(v[2]);
	store_strv_free(v);
	OK(store_app_overdue(st, 0, &v, C));
	assert_null(v[0]);
	store_strv_free(v);
}

static void
test_bulk_transaction(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*st = f->st;
	struct store_app	 a;
	struct store_person	 p = { .iin = "871008401427", .surname = W("А"),
	    .given_name = W("Б"), .patronymic = W("") }, got;
	enum app_status		 cur;
	char			*cause = NULL;
	int			 found, won, existing, reused;

	OK(store_begin(st, C));
	expect_refusal(store_begin(st, &cause), &cause);
	OK(store_person_put(st, &p, C));
	make_app(&a, 1, 1000);
	insert_app(st, &a);		/* nested: a savepoint */
	OK(store_app_transition(st, a.number, APP_SUBMITTED, APP_ISSUED, NULL, "op", NULL,
	    2000, &won, &cur, C));
	/* a refusal inside rolls back only itself */
	make_app(&a, 2, 1000);
	memcpy(a.key_sign, "0000000000000000000000000000000000000000000000000000000000000002", 65);
	cause = NULL;
	expect_refusal(store_app_insert(st, &a, "x", &existing, &reused, &cause), &cause);
	OK(store_person_get(st, p.iin, &got, &found, C));
	assert_int_equal(found, 1);
	store_person_free(&got);
	assert_int_equal(store_rollback(st), 0);
	OK(store_person_get(st, p.iin, &got, &found, C));
	assert_int_equal(found, 0);
	store_person_free(&got);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM applications"), 0);

	OK(store_begin(st, C));
	OK(store_person_put(st, &p, C));
	OK(store_commit(st, C));
	OK(store_person_get(st, p.iin, &got, &found, C));
	assert_int_equal(found, 1);
	store_person_free(&got);
	assert_int_equal(store_rollback(st), 0);	/* nothing open: harmless */
}

/* The desk's queue: submitted only, every filter, oldest deadline first, paged. */
static void
test_app_queue(void **state)
{
	struct store	*st = ((struct teststore_fx *)*state)->st;
	struct store_queue_filter q;
	struct store_app	 a, *v = NULL;
	enum app_status		 cur;
	size_t			 n = 0, total = 0;
	int			 won;

	for (int i = 0; i < 5; i++) {
		make_app(&a, i, 1000 * (i + 1));	/* created 1000 .. 5000 */
		if (i >= 3) {
			a.city_id = W("temirtau");
			a.region_id = W("karaganda");
			memcpy(a.iin, "760212350620", 13);
		}
		insert_app(st, &a);
	}
	OK(store_app_transition(st, "1000-0000-0000-0000-0000-0000-0000", APP_SUBMITTED,
	    APP_REJECTED, NULL, "op", NULL, 6000, &won, &cur, C));

	memset(&q, 0, sizeof q);
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 4);
	assert_int_equal(total, 4);
	assert_string_equal(v[0].number, "1000-0000-0000-0000-0000-0000-0001");
	assert_string_equal(v[3].number, "1000-0000-0000-0000-0000-0000-0004");
	assert_string_equal(v[0].surname, a.surname);	/* whole rows, but for the CSRs */
	assert_null(v[0].csr_auth);
	store_apps_free(v, n);

	q.city_id = "temirtau";
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 2);
	store_apps_free(v, n);
	memset(&q, 0, sizeof q);
	q.region_id = "karaganda";
	q.created_before = 4000;
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 1);
	assert_string_equal(v[0].number, "1000-0000-0000-0000-0000-0000-0003");
	store_apps_free(v, n);
	memset(&q, 0, sizeof q);
	q.created_after = 3000;
	q.idnum = "871008401427";		/* the IIN; the BIN matches all */
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 1);
	assert_string_equal(v[0].number, "1000-0000-0000-0000-0000-0000-0002");
	store_apps_free(v, n);
	memset(&q, 0, sizeof q);
	q.number = "1000-0000-0000-0000-0000-0000-0004";
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 1);
	store_apps_free(v, n);
	/* a page: the total counts every match */
	memset(&q, 0, sizeof q);
	q.idnum = "940140000385";
	q.limit = 2;
	q.offset = 1;
	OK(store_app_queue(st, &q, &v, &n, &total, C));
	assert_int_equal(n, 2);
	assert_int_equal(total, 4);
	assert_string_equal(v[0].number, "1000-0000-0000-0000-0000-0000-0002");
	store_apps_free(v, n);
}

/* RA operators: added, replaced, revoked once, listed by name. */
static void
test_operators(void **state)
{
	struct store		*st = ((struct teststore_fx *)*state)->st;
	struct store_operator	 op = { .name = W("zhanar"), .office = W("krg-1"),
	    .role = W("operator"), .created = 100, .not_after = 200 }, got, *v = NULL;
	struct store_audit	*au = NULL;
	size_t			 n = 0;
	int			 found = -1;

	memcpy(op.serial, "0A", 3);
	OK(store_operator_put(st, &op, "admin", 100, C));
	op.name = W("aliya");
	op.role = W("supervisor");
	OK(store_operator_put(st, &op, "admin", 101, C));
	memcpy(op.serial, "0B", 3);
	OK(store_operator_put(st, &op, "admin", 102, C));	/* a new certificate */
	OK(store_operator_get(st, "aliya", &got, &found, C));
	assert_int_equal(found, 1);
	assert_string_equal(got.serial, "0B");
	assert_string_equal(got.role, "supervisor");
	assert_int_equal(got.revoked, 0);
	store_operator_free(&got);
	OK(store_operator_get(st, "nobody", &got, &found, C));
	assert_int_equal(found, 0);

	OK(store_operator_revoke(st, "zhanar", "admin", 300, &found, C));
	assert_int_equal(found, 1);
	OK(store_operator_revoke(st, "zhanar", "admin", 301, &found, C));
	assert_int_equal(found, 2);
	OK(store_operator_revoke(st, "nobody", "admin", 301, &found, C));
	assert_int_equal(found, 0);

	OK(store_operators(st, &v, &n, C));
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "aliya");
	assert_string_equal(v[1].name, "zhanar");
	assert_int_equal(v[1].revoked, 300);
	store_operators_free(v, n);

	OK(store_audit_list(st, NULL, &au, &n, C));
	assert_int_equal(n, 4);
	assert_string_equal(au[0].action, "operator.added");
	assert_string_equal(au[2].action, "operator.replaced");
	assert_string_equal(au[3].action, "operator.revoked");
	store_audit_free(au, n);
}

/*
 * The background jobs' lock: one holder at a time across handles (instances) on
 * PostgreSQL, free again once unlocked or once its holder is gone; SQLite has one process
 * and every handle gets it.
 */
static void
test_job_lock(void **state)
{
	struct teststore_fx	*f = *state;
	struct store		*other = reopen(f->uri);
	int			 got = -1, pg = teststore_is_pg(f->uri);

	OK(store_job_lock(f->st, "jobs", &got, C));
	assert_int_equal(got, 1);
	OK(store_job_lock(other, "jobs", &got, C));
	assert_int_equal(got, !pg);
	if (!pg)
		store_job_unlock(other, "jobs");
	OK(store_job_lock(other, "mail", &got, C));		/* another job */
	assert_int_equal(got, 1);
	store_job_unlock(other, "mail");
	store_job_unlock(f->st, "jobs");
	OK(store_job_lock(other, "jobs", &got, C));
	assert_int_equal(got, 1);
	/*
	 * The holder dies without unlocking: its lock goes with its connection, as soon as
	 * the server has seen the connection end (a moment after the client closed it).
	 */
	store_close(other);
	for (int tries = 0; tries < 100; tries++) {
		struct timespec	pause = { 0, 20 * 1000 * 1000 };

		OK(store_job_lock(f->st, "jobs", &got, C));
		if (got)
			break;
		(void)nanosleep(&pause, NULL);
	}
	assert_int_equal(got, 1);
	store_job_unlock(f->st, "jobs");
}

/* PostgreSQL: the server ends the store's connection (a restart, a failover). */
static void
kill_connections(const char *uri)
{
	teststore_exec(uri, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE datname = current_database() AND pid <> pg_backend_pid()");
}

/*
 * A connection lost while idle is opened again: a read is tried once more and answers; a
 * write is reported lost (it may or may not have been done: never taken for done), and
 * the next one works. Inside a transaction nothing is tried again on a new connection.
 */
static void
test_pg_connection_lost(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_person	 p = { .iin = "871008401427", .surname = W("ТЕСТОВА"),
	    .given_name = W("АЙГЕРІМ"), .patronymic = W("") }, got;
	char			*cause = NULL;
	int			 found = -1;

	OK(store_person_put(f->st, &p, C));
	kill_connections(f->uri);
	OK(store_person_get(f->st, p.iin, &got, &found, C));
	assert_int_equal(found, 1);
	store_person_free(&got);

	kill_connections(f->uri);
	p.surname = W("ЖАҢА");
	expect_refusal(store_person_put(f->st, &p, &cause), &cause);
	OK(store_person_put(f->st, &p, C));
	OK(store_person_get(f->st, p.iin, &got, &found, C));
	assert_string_equal(got.surname, "ЖАҢА");
	store_person_free(&got);

	/* a bulk transaction lost half-way: the rest fails, nothing is half-done */
	OK(store_begin(f->st, C));
	p.iin[11] = '8';
	OK(store_person_put(f->st, &p, C));
	kill_connections(f->uri);
	p.iin[11] = '9';
	expect_refusal(store_person_put(f->st, &p, &cause), &cause);
	expect_refusal(store_commit(f->st, &cause), &cause);
	(void)store_rollback(f->st);
	assert_int_equal(count_rows(f->uri, "SELECT COUNT(*) FROM persons"), 1);
	OK(store_person_get(f->st, "871008401428", &got, &found, C));
	assert_int_equal(found, 0);
	store_person_free(&got);
}

/*
 * What a status answer reads (store_app_view): the application and its mail, as
 * store_app_get and store_mail_list give them; an unknown number is not found. Where the
 * store counts rates (PostgreSQL), the count goes with the reads: up to the limit
 * allowed, then refused with nothing read; a limit of 0 allows nothing; a read that fails
 * counts nothing (one transaction); a connection lost while idle is opened again (its
 * statements prepared again) and the lookup answers.
 */
static void
test_app_view(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 a, got;
	struct store_view	 v;
	struct store		*other;
	struct store_mail	*mv = NULL;
	struct store_rate	 rate = { "status 192.0.2.1", 6000, 2 };
	const char		*unknown = "9999-9999-9999-9999-9999-9999-9999";
	char			*cause = NULL;
	size_t			 n = 0;
	int			 found = 0, pg = teststore_is_pg(f->uri);

	make_app(&a, 1, 1700000000);
	insert_app(f->st, &a);
	OK(store_app_view(f->st, NULL, a.number, &v, C));
	assert_int_equal(v.allowed, 1);
	assert_int_equal(v.found, 1);
	assert_string_equal(v.app.number, a.number);
	assert_string_equal(v.app.surname, a.surname);
	assert_null(v.app.csr_auth);	/* views carry no CSRs (store_app_csrs) */
	OK(store_mail_list(f->st, a.number, 0, &mv, &n, C));
	assert_int_equal(n, 1);
	assert_int_equal(v.nmail, n);
	assert_int_equal(v.mail[0].id, mv[0].id);
	assert_string_equal(v.mail[0].notice, "received");
	assert_string_equal(v.mail[0].recipient, a.email);
	store_mails_free(mv, n);
	store_view_free(&v);
	OK(store_app_view(f->st, NULL, unknown, &v, C));
	assert_int_equal(v.allowed, 1);
	assert_int_equal(v.found, 0);
	assert_int_equal(v.nmail, 0);
	store_view_free(&v);
	if (!pg)
		return;		/* SQLite's process counts rates itself (ratelimit.c) */

	OK(store_app_view(f->st, &rate, a.number, &v, C));
	assert_int_equal(v.allowed, 1);
	assert_int_equal(v.found, 1);
	assert_int_equal(v.nmail, 1);
	store_view_free(&v);
	OK(store_app_view(f->st, &rate, unknown, &v, C));	/* counted, known or not */
	assert_int_equal(v.allowed, 1);
	assert_int_equal(v.found, 0);
	store_view_free(&v);
	OK(store_app_view(f->st, &rate, a.number, &v, C));
	assert_int_equal(v.allowed, 0);
	assert_int_equal(v.found, 0);
	assert_null(v.app.csr_auth);
	assert_int_equal(v.nmail, 0);
	store_view_free(&v);
	assert_int_equal(teststore_count(f->uri, "SELECT n FROM rate_windows"
	    " WHERE key = 'status 192.0.2.1' AND window_start = 6000"), 2);
	rate.limit = 0;
	rate.window_start = 6060;
	OK(store_app_view(f->st, &rate, a.number, &v, C));
	assert_int_equal(v.allowed, 0);
	store_view_free(&v);

	/* the mail's read fails: the count of the same lookup is taken back */
	rate.limit = 5;
	teststore_exec(f->uri, "ALTER TABLE outbox RENAME TO outbox_away");
	expect_refusal(store_app_view(f->st, &rate, a.number, &v, &cause), &cause);
	store_view_free(&v);
	teststore_exec(f->uri, "ALTER TABLE outbox_away RENAME TO outbox");
	assert_int_equal(teststore_count(f->uri, "SELECT count(*) FROM rate_windows"
	    " WHERE window_start = 6060"), 0);

	/* the server ends the connection: opened again, prepared again, answered */
	kill_connections(f->uri);
	OK(store_app_view(f->st, &rate, a.number, &v, C));
	assert_int_equal(v.allowed, 1);
	assert_int_equal(v.found, 1);
	assert_int_equal(v.nmail, 1);
	store_view_free(&v);
	kill_connections(f->uri);
	OK(store_app_get(f->st, a.number, &got, &found, C));	/* a read, prepared */
	assert_int_equal(found, 1);
	store_app_free(&got);
	OK(store_app_view(f->st, &rate, a.number, &v, C));
	assert_int_equal(v.found, 1);
	store_view_free(&v);
	assert_int_equal(teststore_count(f->uri, "SELECT n FROM rate_windows"
	    " WHERE window_start = 6060"), 2);

	/* lost before a statement's first use on it: prepared on the new one */
	other = reopen(f->uri);
	kill_connections(f->uri);
	OK(store_app_get(other, a.number, &got, &found, C));
	assert_int_equal(found, 1);
	store_app_free(&got);
	store_close(other);
	other = reopen(f->uri);
	kill_connections(f->uri);
	OK(store_app_view(other, &rate, a.number, &v, C));
	assert_int_equal(v.found, 1);
	store_view_free(&v);
	store_close(other);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TESTSTORE_CASE(test_open_uri),
		TESTSTORE_CASE(test_schema),
		TESTSTORE_CASE(test_open_concurrent),
		TESTSTORE_CASE(test_lookup_error),
		TESTSTORE_CASE(test_org),
		TESTSTORE_CASE(test_person),
		TESTSTORE_CASE(test_directories),
		TESTSTORE_CASE(test_directory_order),
		TESTSTORE_CASE(test_captcha),
		TESTSTORE_CASE(test_token_and_sweep),
		TESTSTORE_CASE(test_app_roundtrip),
		TESTSTORE_CASE(test_app_keys),
		TESTSTORE_CASE(test_app_transition),
		TESTSTORE_CASE(test_app_race_handles),
		TESTSTORE_CASE(test_app_race_threads),
		TESTSTORE_CASE(test_app_lists),
		TESTSTORE_CASE(test_bulk_transaction),
		TESTSTORE_CASE(test_app_queue),
		TESTSTORE_CASE(test_operators),
		TESTSTORE_CASE(test_job_lock),
		TESTSTORE_CASE(test_pg_connection_lost),
		TESTSTORE_CASE(test_app_view),
	};

	return teststore_main("store", tests, sizeof tests / sizeof tests[0],
	    NULL, 0);
}

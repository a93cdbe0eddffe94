/*
 * The registry loader on fixture folders written by the test: a good folder loads (twice,
 * harmlessly, and a changed one replaces), and each kind of bad entry is refused with a
 * cause naming file[index] and the reason, leaving the store as it was.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncaenrolld/registry-load.h"
#include "ncaenrolld/store.h"
#include "teststore.h"

struct fixture {
	struct teststore_fx	*ts;	/* the store, in ts->dir */
	char			*data;	/* ts->dir/data: the registry folder */
};

static const char good_roles[] =
	"[{\"id\":\"ROLE01\",\"dc\":\"ROLE01\",\"oid\":\"1.2.398.3.3.4.1.2.1\","
	"\"name\":{\"kk\":\"Бірінші басшы\",\"ru\":\"Первый руководитель\","
	"\"en\":\"First head\"}},"
	" {\"id\":\"ROLE02\",\"dc\":\"ROLE02\",\"oid\":\"1.2.398.3.3.4.1.2.2\","
	"\"name\":{\"kk\":\"Қол қою құқығы\",\"ru\":\"Право подписи\","
	"\"en\":\"Signing right\"}}]";

static const char good_regions[] =
	"[{\"id\":\"astana\",\"name\":{\"kk\":\"Астана\",\"ru\":\"Астана\",\"en\":\"Astana\"},"
	"  \"cities\":[{\"id\":\"astana\",\"name\":{\"kk\":\"Астана\",\"ru\":\"Астана\","
	"\"en\":\"Astana\"},"
	"    \"offices\":[{\"id\":\"astana-1\",\"name\":{\"kk\":\"ХҚКО №1\",\"ru\":\"ЦОН №1\","
	"\"en\":\"PSC 1\"},\"address\":\"пр. Мәңгілік Ел, 1\"}]}]},"
	" {\"id\":\"karaganda\",\"name\":{\"kk\":\"Қарағанды облысы\","
	"\"ru\":\"Карагандинская область\",\"en\":\"Karaganda Region\"},"
	"  \"cities\":[{\"id\":\"karaganda\",\"name\":{\"kk\":\"Қарағанды\","
	"\"ru\":\"Караганда\",\"en\":\"Karaganda\"},\"offices\":[]},"
	"   {\"id\":\"temirtau\",\"name\":{\"kk\":\"Теміртау\",\"ru\":\"Темиртау\","
	"\"en\":\"Temirtau\"}}]}]";

static const char good_orgs[] =
	"[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"«Тест» ЖШС\",\"ru\":\"ТОО «Тест»\"},"
	"\"region\":\"astana\",\"gu_codes\":[\"56781\",\"1234\"]},"
	" {\"bin\":\"961141000023\",\"name\":{\"kk\":\"Мекеме\",\"ru\":\"Учреждение\","
	"\"en\":\"Institution\"},\"region\":\"karaganda\",\"gu_codes\":[]}]";

static const char good_persons[] =
	"[{\"iin\":\"871008401427\",\"surname\":\"ТЕСТОВА\",\"given_name\":\"АЙГЕРІМ\","
	"\"patronymic\":\"САПАРҚЫЗЫ\"},"
	" {\"iin\":\"760212350620\",\"surname\":\"SMITH\",\"given_name\":\"JOHN\","
	"\"patronymic\":\"\"}]";

static void
write_file(const struct fixture *f, const char *name, const char *text)
{
	char	*path = NULL;
	FILE	*fp;

	assert_int_not_equal(asprintf(&path, "%s/%s", f->data, name), -1);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static void
write_good(const struct fixture *f)
{
	write_file(f, "roles.json", good_roles);
	write_file(f, "regions.json", good_regions);
	write_file(f, "organizations.json", good_orgs);
	write_file(f, "persons.json", good_persons);
}

static int
setup(void **state)
{
	struct fixture	*f;

	if (teststore_setup(state) == -1)
		return -1;
	if ((f = calloc(1, sizeof *f)) == NULL) {
		(void)teststore_teardown(state);
		return -1;
	}
	f->ts = *state;
	*state = f;
	if (asprintf(&f->data, "%s/data", f->ts->dir) == -1)
		f->data = NULL;
	if (f->data == NULL || mkdir(f->data, 0700) == -1) {
		free(f->data);
		*state = f->ts;
		free(f);
		(void)teststore_teardown(state);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	*state = f->ts;
	free(f->data);
	free(f);
	return teststore_teardown(state);
}

static void
load_ok(struct fixture *f)
{
	char	*cause = NULL;

	if (registry_load(f->ts->st, f->data, &cause) != 0)
		fail_msg("registry_load: %s", cause);
	free(cause);
}

static size_t
count(struct store *st, enum store_dir d, const char *parent)
{
	struct store_list	 l;
	char			*cause = NULL;
	size_t			 n;

	if (store_entries(st, d, parent, &l, &cause) != 0)
		fail_msg("%s", cause);
	n = l.n;
	store_list_free(&l);
	return n;
}

static void
test_load(void **state)
{
	struct fixture		*f = *state;
	struct store_org	 o;
	struct store_person	 p;
	struct store_entry	 e;
	struct store_list	 l;
	char			**codes = NULL, *cause = NULL;
	int			 found;

	write_good(f);
	load_ok(f);
	assert_int_equal(count(f->ts->st, STORE_ROLES, NULL), 2);
	assert_int_equal(count(f->ts->st, STORE_REGIONS, NULL), 2);
	assert_int_equal(count(f->ts->st, STORE_CITIES, "karaganda"), 2);
	assert_int_equal(count(f->ts->st, STORE_OFFICES, "astana"), 1);

	assert_int_equal(store_entry_get(f->ts->st, STORE_ROLES, "ROLE02", &e, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(e.dc, "ROLE02");
	assert_string_equal(e.oid, "1.2.398.3.3.4.1.2.2");
	assert_string_equal(e.name.kk, "Қол қою құқығы");
	store_entry_free(&e);
	assert_int_equal(store_entry_get(f->ts->st, STORE_OFFICES, "astana-1", &e, &found, &cause),
	    0);
	assert_string_equal(e.parent_id, "astana");
	assert_string_equal(e.address, "пр. Мәңгілік Ел, 1");
	store_entry_free(&e);

	assert_int_equal(store_org_get(f->ts->st, "940140000385", &o, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(o.name.ru, "ТОО «Тест»");
	assert_null(o.name.en);
	assert_string_equal(o.region_id, "astana");
	store_org_free(&o);
	assert_int_equal(store_gu_codes(f->ts->st, "940140000385", &codes, &cause), 0);
	assert_string_equal(codes[0], "1234");
	assert_string_equal(codes[1], "56781");
	assert_null(codes[2]);
	store_strv_free(codes);

	assert_int_equal(store_person_get(f->ts->st, "871008401427", &p, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(p.given_name, "АЙГЕРІМ");
	assert_string_equal(p.patronymic, "САПАРҚЫЗЫ");
	store_person_free(&p);
	assert_int_equal(store_person_get(f->ts->st, "760212350620", &p, &found, &cause), 0);
	assert_string_equal(p.patronymic, "");
	store_person_free(&p);

	/* twice is harmless; a changed file replaces names and codes */
	load_ok(f);
	assert_int_equal(count(f->ts->st, STORE_REGIONS, NULL), 2);
	write_file(f, "organizations.json",
	    "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"Жаңа\",\"ru\":\"Новое\"},"
	    "\"region\":\"karaganda\",\"gu_codes\":[\"4321\"]}]");
	load_ok(f);
	assert_int_equal(store_org_get(f->ts->st, "940140000385", &o, &found, &cause), 0);
	assert_string_equal(o.name.ru, "Новое");
	assert_string_equal(o.region_id, "karaganda");
	store_org_free(&o);
	assert_int_equal(store_gu_codes(f->ts->st, "940140000385", &codes, &cause), 0);
	assert_string_equal(codes[0], "4321");
	assert_null(codes[1]);
	store_strv_free(codes);

	/* sorted by the Russian name */
	assert_int_equal(store_entries(f->ts->st, STORE_CITIES, NULL, &l, &cause), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name.ru, "Астана");
	assert_string_equal(l.v[1].name.ru, "Караганда");
	assert_string_equal(l.v[2].name.ru, "Темиртау");
	store_list_free(&l);
}

/*
 * Bad folders: each replaces one file of the good set and expects the load to fail with
 * a cause holding every fragment listed, and nothing from the good files to be stored.
 */
static const struct {
	const char	*file;
	const char	*text;
	const char	*expect[3];
} bad_cases[] = {
	{ "organizations.json",		/* check digit */
	  "[{\"bin\":\"940140000386\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\"}]",
	  { "organizations.json[0]", "940140000386" } },
	{ "organizations.json",		/* an IIN where a BIN belongs */
	  "[{\"bin\":\"871008401427\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\"}]",
	  { "organizations.json[0]", "BIN" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\"},"
	  " {\"bin\":\"070941024691\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"mars\"}]",
	  { "organizations.json[1]", "mars" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\"},"
	  " {\"bin\":\"940140000385\",\"name\":{\"kk\":\"b\",\"ru\":\"b\"},\"region\":\"astana\"}]",
	  { "organizations.json[1]", "twice" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\","
	  "\"gu_codes\":[\"1234\",\"12a4\"]}]",
	  { "organizations.json[0]", "12a4" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\","
	  "\"gu_codes\":[\"123\"]}]",
	  { "organizations.json[0]", "123" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"region\":\"astana\","
	  "\"gu_codes\":[\"1234\",\"1234\"]}]",
	  { "organizations.json[0].gu_codes[1]", "twice" } },
	{ "organizations.json",
	  "[{\"bin\":\"940140000385\",\"name\":{\"kk\":\"a\"},\"region\":\"astana\"}]",
	  { "organizations.json[0].name", "\"ru\"" } },
	{ "persons.json",
	  "[{\"iin\":\"871008401427\",\"surname\":\"А\",\"given_name\":\"Б\",\"patronymic\":\"\"},"
	  " {\"iin\":\"871008401428\",\"surname\":\"А\",\"given_name\":\"Б\",\"patronymic\":\"\"}]",
	  { "persons.json[1]", "871008401428" } },
	{ "persons.json",
	  "[{\"iin\":\"000813159890\",\"surname\":\"А\",\"given_name\":\"Б\",\"patronymic\":\"\"}]",
	  { "persons.json[0]", "IIN" } },
	{ "persons.json",
	  "[{\"iin\":\"871008401427\",\"surname\":\"Тестова\",\"given_name\":\"Б\","
	  "\"patronymic\":\"\"}]",
	  { "persons.json[0]", "surname", "upper case" } },
	{ "persons.json",
	  "[{\"iin\":\"871008401427\",\"surname\":\"А\",\"given_name\":\"Б\"}]",
	  { "persons.json[0]", "patronymic" } },
	{ "persons.json",
	  "[{\"iin\":\"871008401427\",\"surname\":\"А\",\"given_name\":\"Б\",\"patronymic\":\"\"},"
	  " {\"iin\":\"871008401427\",\"surname\":\"В\",\"given_name\":\"Г\",\"patronymic\":\"\"}]",
	  { "persons.json[1]", "twice" } },
	{ "roles.json",
	  "[{\"id\":\"ROLE01\",\"dc\":\"ROLE01\",\"oid\":\"1.2.398\",\"name\":{\"kk\":\"a\","
	  "\"ru\":\"a\",\"en\":\"a\"}}, {\"id\":\"ROLE01\",\"dc\":\"ROLE01\",\"oid\":\"1.2\","
	  "\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]",
	  { "roles.json[1]", "ROLE01", "twice" } },
	{ "roles.json",
	  "[{\"id\":\"ROLE01\",\"dc\":\"ROLE01\",\"oid\":\"1..2\",\"name\":{\"kk\":\"a\","
	  "\"ru\":\"a\",\"en\":\"a\"}}]",
	  { "roles.json[0]", "oid" } },
	{ "roles.json",
	  "[{\"id\":\"ROLE 1\",\"dc\":\"ROLE01\",\"oid\":\"1.2\",\"name\":{\"kk\":\"a\","
	  "\"ru\":\"a\",\"en\":\"a\"}}]",
	  { "roles.json[0]", "\"id\"" } },
	{ "roles.json",
	  "[{\"id\":\"ROLE01\",\"oid\":\"1.2\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]",
	  { "roles.json[0]", "\"dc\"" } },
	{ "roles.json", "{\"id\":\"ROLE01\"}", { "roles.json", "array" } },
	{ "roles.json", "[{\"id\":\"ROLE01\",", { "roles.json", "line 1" } },
	{ "regions.json",
	  "[{\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"cities\":["
	  "{\"id\":\"c\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]},"
	  " {\"id\":\"b\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"cities\":["
	  "{\"id\":\"c\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]}]",
	  { "regions.json[1].cities[0]", "city", "twice" } },
	{ "regions.json",
	  "[{\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"cities\":["
	  "{\"id\":\"c\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"offices\":["
	  "{\"id\":\"o\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]}]}]",
	  { "regions.json[0].cities[0].offices[0]", "address" } },
	{ "regions.json",
	  "[{\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\"},\"cities\":[]}]",
	  { "regions.json[0].name", "\"en\"" } },
	{ "regions.json",
	  "[{\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"}}]",
	  { "regions.json[0]", "cities" } },
	{ "regions.json",
	  "[{\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"cities\":[]},"
	  " {\"id\":\"a\",\"name\":{\"kk\":\"a\",\"ru\":\"a\",\"en\":\"a\"},\"cities\":[]}]",
	  { "regions.json[1]", "twice" } },
};

static void
test_refusals(void **state)
{
	struct fixture		*f = *state;
	struct store_person	 p;
	char			*cause;
	size_t			 i, j;
	int			 found;

	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		write_good(f);
		write_file(f, bad_cases[i].file, bad_cases[i].text);
		cause = NULL;
		if (registry_load(f->ts->st, f->data, &cause) != -1)
			fail_msg("case %zu: loaded", i);
		if (cause == NULL)
			fail_msg("case %zu: no cause", i);
		for (j = 0; j < 3 && bad_cases[i].expect[j] != NULL; j++) {
			if (strstr(cause, bad_cases[i].expect[j]) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause,
				    bad_cases[i].expect[j]);
		}
		free(cause);
		/* nothing loaded: not even the files before the bad one */
		assert_int_equal(count(f->ts->st, STORE_ROLES, NULL), 0);
		assert_int_equal(count(f->ts->st, STORE_REGIONS, NULL), 0);
		cause = NULL;
		assert_int_equal(store_person_get(f->ts->st, "871008401427", &p, &found, &cause), 0);
		assert_int_equal(found, 0);
		store_person_free(&p);
	}

	/* a missing file */
	write_good(f);
	{
		char	*path = NULL;

		assert_int_not_equal(asprintf(&path, "%s/persons.json", f->data), -1);
		assert_int_equal(unlink(path), 0);
		free(path);
	}
	cause = NULL;
	assert_int_equal(registry_load(f->ts->st, f->data, &cause), -1);
	assert_non_null(strstr(cause, "persons.json"));
	free(cause);
	assert_int_equal(count(f->ts->st, STORE_ROLES, NULL), 0);
}

/* The demo registries (data/demo, README.md there) load, with the vectors it promises. */
static void
test_demo_data(void **state)
{
	struct fixture		*f = *state;
	const char		*srcdir = getenv("NCA_SRCDIR");
	struct store_org	 o;
	struct store_person	 p;
	char			*demo = NULL, *roles = NULL, **codes = NULL, *cause = NULL;
	int			 found;

	if (srcdir == NULL)
		skip();
	assert_int_not_equal(asprintf(&demo, "%s/data/demo", srcdir), -1);
	assert_int_not_equal(asprintf(&roles, "%s/roles.json", demo), -1);
	if (access(roles, R_OK) == -1) {
		free(roles);
		free(demo);
		skip();
	}
	free(roles);
	if (registry_load(f->ts->st, demo, &cause) != 0)
		fail_msg("registry_load %s: %s", demo, cause);
	free(demo);
	assert_int_equal(count(f->ts->st, STORE_ROLES, NULL), 5);
	assert_true(count(f->ts->st, STORE_REGIONS, NULL) > 0);
	assert_int_equal(store_org_get(f->ts->st, "940140000385", &o, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(o.region_id, "karaganda");
	store_org_free(&o);
	assert_int_equal(store_gu_codes(f->ts->st, "940140000385", &codes, &cause), 0);
	assert_string_equal(codes[0], "1001");
	assert_string_equal(codes[1], "100385");
	store_strv_free(codes);
	assert_int_equal(store_person_get(f->ts->st, "871008401427", &p, &found, &cause), 0);
	assert_int_equal(found, 1);
	assert_string_equal(p.surname, "ЖАҚСЫЛЫҚОВА");
	assert_string_equal(p.given_name, "ӘСЕЛ");
	assert_string_equal(p.patronymic, "ҚАЙРАТҚЫЗЫ");
	store_person_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demo_data, setup, teardown),
	};

	return teststore_main("registry-load", tests, sizeof tests / sizeof tests[0], NULL, 0);
}

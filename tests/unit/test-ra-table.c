/*
 * The desk's pure helpers: the queue table in 80 columns by display width (Kazakh and
 * Russian names cut by letters, never bytes), and reading the operator's certificate subject.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/i18n.h"
#include "common/utf8.h"
#include "desk/ra.h"
#include "enroll/client.h"

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("abc"), 3);
	assert_int_equal(utf8_width("Қарағанды"), 9);			/* 18 bytes */
	assert_int_equal(utf8_width("Ерлан"), 5);
	assert_int_equal(utf8_width("е\xcc\x81"), 1);			/* е + combining acute */
	assert_int_equal(utf8_width(""), 0);
}

static void
test_fit(void **state)
{
	char	*s;

	(void)state;
	s = utf8_fit("Қарағанды", 5, 0);
	assert_string_equal(s, "Қара…");
	assert_int_equal(utf8_width(s), 5);
	assert_int_not_equal(utf8_count(s), -1);	/* never cut inside a letter */
	free(s);
	s = utf8_fit("Әлем", 8, 1);
	assert_string_equal(s, "Әлем    ");
	free(s);
	s = utf8_fit("Әлем", 4, 1);
	assert_string_equal(s, "Әлем");
	free(s);
	s = utf8_fit("a\tb\x1b[2J", 10, 0);			/* no terminal escapes */
	assert_null(strchr(s, '\x1b'));
	assert_null(strchr(s, '\t'));
	free(s);
}

static json_t *
test_app(const char *number, const char *org, const char *surname, const char *given,
    const char *patronymic, const char *role, int days)
{
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:i}", "request_number", number,
	    "organization", org, "applicant", "surname", surname, "given_name", given,
	    "patronymic", patronymic, "role", role, "submitted", "2026-11-20T09:15:00Z",
	    "days_left", days);
}

static void
test_table(void **state)
{
	json_t		*apps = json_array();
	char		*text, *line, *save = NULL;
	int		 urgent, lines = 0;

	(void)state;
	(void)json_array_append_new(apps, test_app("4821-0937-5512-0684-3319-7725-4406",
	    "«Қарағанды облысының қаржы басқармасы» мемлекеттік мекемесі",
	    "Нұрмағамбетова", "Әсемгүл", "Жұмабайқызы",
	    "Бірінші қол қою құқығы бар басшы (ұйымның бірінші басшысы)", 3));
	(void)json_array_append_new(apps, test_app("1111-2222-3333-4444-5555-6666-7770",
	    "Государственное учреждение «Управление финансов Карагандинской области»",
	    "Константинопольский", "Александр", "Вячеславович",
	    "Сотрудник с правом первой подписи", 29));
	text = ra_queue_table(apps, &urgent);
	assert_non_null(text);
	assert_true(urgent);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), lines++) {
		assert_true(utf8_width(line) <= 80);
		assert_int_not_equal(utf8_count(line), -1);
	}
	assert_int_equal(lines, 6);	/* two header lines, two per application */
	free(text);
	text = ra_queue_table(apps, &urgent);
	assert_non_null(strstr(text, "4821-0937-5512-0684-3319-7725-4406"));
	assert_non_null(strstr(text, "   3!"));			/* under 7 days: marked */
	assert_null(strstr(text, "  29!"));
	assert_non_null(strstr(text, "Нұрмағамбетова Әсемгүл Жұмабайқызы"));
	assert_non_null(strstr(text, "…"));			/* the long names were cut */
	free(text);
	json_decref(apps);
}

/* A person's certificates: 80 columns, both serials whole, a long revocation wrapped. */
static void
test_certs_table(void **state)
{
	json_t		*apps = json_array();
	char		*text, *copy, *line, *save = NULL;
	int		 revoked_lines = 0;

	(void)state;
	(void)json_array_append_new(apps, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:{s:s, s:s, s:s, s:s}}", "request_number", "4821-0937-5512-0684-3319-7725-4406",
	    "status", "revoked", "organization",
	    "«Қарағанды облысының қаржы басқармасы» мемлекеттік мекемесі", "role",
	    "Бірінші қол қою құқығы бар басшы (ұйымның бірінші басшысы)",
	    "serial_auth", "349AAD51D9C1D27F8DBFBC2E97BCF45958EBC212",
	    "serial_sign", "4A0F57FAE4F3AE5C0E0AD9922E7FC787A4FAE15C",
	    "not_after", "2099-11-25T18:29:23Z", "revocation", "reason", "cessationOfOperation",
	    "at", "2026-12-06T22:00:00Z", "by",
	    "operator:aigerim-nurmagambetova-karaganda-office-number-one-supervisor",
	    "name", "ignored: the table's own names are read"));
	text = ra_certs_table(apps);
	assert_non_null(text);
	assert_non_null(strstr(text, "AUTH 349AAD51D9C1D27F8DBFBC2E97BCF45958EBC212"));
	assert_non_null(strstr(text, "RSA  4A0F57FAE4F3AE5C0E0AD9922E7FC787A4FAE15C"));
	assert_non_null(strstr(text, "The organization ceased operation"));
	assert_non_null(strstr(text, "aigerim-nurmagambetova-karaganda-office-number-one-"
	    "supervisor"));					/* wrapped, not cut */
	assert_non_null(strstr(text, "2099-11-25"));
	copy = strdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		assert_true(utf8_width(line) <= 80);
		assert_int_not_equal(utf8_count(line), -1);
		revoked_lines += strstr(line, "4821-0937") != NULL &&
		    strstr(line, "Revoked") != NULL;
	}
	assert_int_equal(revoked_lines, 1);	/* the application's line says revoked */
	free(copy);
	free(text);
	json_decref(apps);
}

static void
test_subject(void **state)
{
	const char	*subj = "CN=aigerim,title=supervisor,OU=karaganda-1,O=ncaenroll RA\\, "
			    "Karaganda,C=KZ";
	char		*v;

	(void)state;
	assert_string_equal(v = client_identity_field(subj, "CN"), "aigerim");
	free(v);
	assert_string_equal(v = client_identity_field(subj, "title"), "supervisor");
	free(v);
	assert_string_equal(v = client_identity_field(subj, "OU"), "karaganda-1");
	free(v);
	assert_string_equal(v = client_identity_field(subj, "O"), "ncaenroll RA, Karaganda");
	free(v);
	assert_null(client_identity_field(subj, "L"));
	assert_null(client_identity_field("", "CN"));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_certs_table),
		cmocka_unit_test(test_subject),
	};

	(void)i18n_init("en", NULL);
	return cmocka_run_group_tests_name("ra-table", tests, NULL, NULL);
}

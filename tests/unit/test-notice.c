/*
 * The applicant's notices (notice.c): every notice in every language carries its facts
 * (the number, times in Kazakhstan time, serials, the reason in the reader's language),
 * kk and ru texts hold no Latin words, an unknown language reads English, a missing
 * patronymic leaves no gap, and the role, region and city are named from a real store.
 */
#include "config.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncaenrolld/documents.h"
#include "ncaenrolld/notice.h"
#include "ncaenrolld/store.h"
#include "testok.h"

#define W(s)	((char *)(s))

#define NUMBER		"4821-0937-5512-0684-3319-7725-4406"
#define SERIAL_A	"7A00000000000000000000000000000000000001"
#define SERIAL_S	"0B00000000000000000000000000000000000002"
#define EMAIL		"askar@mail.kz"
#define DAY		86400
#define CREATED		1796652300	/* 2026-12-07T14:05:00Z: 19:05 in Astana */
#define DEADLINE	(CREATED + 30 * DAY)
#define NOT_BEFORE	1796724000	/* 2026-12-08T10:00:00Z */
#define NOT_AFTER	1828260000	/* 2027-12-08T10:00:00Z */
#define REVOKED_AT	1803875400	/* 2027-03-01T04:30:00Z */
#define OPERATOR_TEXT	"Сенімхаттың түпнұсқасы жоқ"

static const char *const langs[] = { "kk", "ru", "en" };

struct fixture {
	char		 dir[64];
	char		*path;
	struct store	*st;
	struct store_app app;
};

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
put_entry(struct store *st, enum store_dir d, const char *id, const char *parent,
    const char *kk, const char *ru, const char *en)
{
	struct store_entry	e = { .id = W(id), .parent_id = W(parent),
	    .name = { W(kk), W(ru), W(en) } };

	if (d == STORE_ROLES) {
		e.dc = W(id);
		e.oid = W("1.2.398.3.3.4.1.2.2");
	}
	OK(store_entry_put(st, d, &e, C));
}

static int
setup(void **state)
{
	struct fixture	*f;
	char		*cause = NULL;

	if ((f = calloc(1, sizeof *f)) == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof f->dir, "/tmp/test-notice.XXXXXX");
	if (mkdtemp(f->dir) == NULL || asprintf(&f->path, "%s/store.db", f->dir) == -1)
		return -1;
	if ((f->st = store_open(f->path, &cause)) == NULL) {
		print_error("%s\n", cause);
		free(cause);
		return -1;
	}
	put_entry(f->st, STORE_ROLES, "ROLE02", NULL, "Қол қою құқығы бар қызметкер",
	    "Сотрудник с правом подписи", "Employee with the right to sign");
	put_entry(f->st, STORE_REGIONS, "akmola", NULL, "Ақмола облысы",
	    "Акмолинская область", "Akmola Region");
	put_entry(f->st, STORE_CITIES, "kokshetau", "akmola", "Көкшетау", "Кокшетау",
	    "Kokshetau");
	f->app = (struct store_app){ .number = NUMBER, .status = APP_ISSUED,
	    .created = CREATED, .deadline = DEADLINE, .decided = NOT_BEFORE,
	    .bin = "940140000385", .iin = "871008401427", .org_name = W("«Тест» ЖШС"),
	    .surname = W("Сәрсенбаев"), .given_name = W("Асқар"),
	    .patronymic = W("Нұрланұлы"), .email = W(EMAIL), .role_id = W("ROLE02"),
	    .region_id = W("akmola"), .city_id = W("kokshetau"), .gu_code = W("1234"),
	    .storage = W("pc"), .lang = W("kk"), .serial_auth = SERIAL_A,
	    .serial_sign = SERIAL_S, .not_before = NOT_BEFORE, .not_after = NOT_AFTER,
	    .reject_code = W("documents_missing"), .reject_text = W(OPERATOR_TEXT),
	    .revoked_at = REVOKED_AT, .revoke_reason = W("keyCompromise") };
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	store_close(f->st);
	(void)nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f->path);
	free(f);
	return 0;
}

struct text {
	char	*subject, *body;
};

static struct text
render_at(struct fixture *f, enum notice n, const char *lang, int days, time_t now)
{
	struct text	t = { NULL, NULL };

	OK(notice_render(n, f->st, &f->app, lang, days, now, &t.subject, &t.body, C));
	assert_non_null(t.subject);
	assert_non_null(t.body);
	return t;
}

static struct text
render(struct fixture *f, enum notice n, const char *lang)
{
	return render_at(f, n, lang, 30, CREATED);
}

static void
text_free(struct text *t)
{
	free(t->subject);
	free(t->body);
}

/* Macros, so that a failure names the test's line. */
#define has(hay, needle) do {						\
	if (strstr((hay), (needle)) == NULL)				\
		fail_msg("\"%s\" not in:\n%s", (needle), (hay));	\
} while (0)
#define hasnt(hay, needle) do {						\
	if (strstr((hay), (needle)) != NULL)				\
		fail_msg("\"%s\" unexpected in:\n%s", (needle), (hay));	\
} while (0)

static void
test_wire(void **state)
{
	static const char *const names[] = { "received", "issued", "rejected", "reminder",
	    "cancelled", "expiring-30", "expiring-14", "expiring-7", "revoked" };
	enum notice	n, back;

	(void)state;
	_Static_assert(sizeof names / sizeof names[0] == NOTICE__MAX, "nine notices");
	for (n = 0; n < NOTICE__MAX; n++) {
		assert_string_equal(notice_wire(n), names[n]);
		back = NOTICE__MAX;
		assert_int_equal(notice_parse(names[n], &back), 0);
		assert_int_equal(back, n);
	}
	assert_null(notice_wire(NOTICE__MAX));
	back = NOTICE_ISSUED;
	assert_int_equal(notice_parse("expiring-1", &back), -1);
	assert_int_equal(notice_parse("", &back), -1);
	assert_int_equal(notice_parse(NULL, &back), -1);
	assert_int_equal(back, NOTICE_ISSUED);
}

/*
 * No Latin letter in s once what is not a word is taken out: the request number, the
 * serials, the address, the program's name and "PDF". The operator's text is typed by a
 * person and left as it is (the fixture's is Kazakh).
 */
static void
assert_no_latin(const char *s, const char *what)
{
	static const char *const allowed[] = { NUMBER, SERIAL_A, SERIAL_S, EMAIL,
	    "ncaenroll", "PDF" };
	char	*copy, *p;
	size_t	 i, len;

	assert_non_null(copy = strdup(s));
	for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		len = strlen(allowed[i]);
		while ((p = strstr(copy, allowed[i])) != NULL)
			memset(p, '_', len);
	}
	for (p = copy; *p != '\0'; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			fail_msg("%s: a Latin letter at \"%.20s\" in:\n%s", what,
			    s + (p - copy), s);
	free(copy);
}

static const char *
signature(const char *lang)
{
	if (strcmp(lang, "kk") == 0)
		return "ҚР ҰКО";
	return strcmp(lang, "ru") == 0 ? "НУЦ РК" : "NCA RK";
}

/* What every notice in every language has: the number, the signature as its last line,
 * no holes, one line of subject; kk in Kazakh letters, kk and ru without Latin words. */
static void
test_every_notice(void **state)
{
	struct fixture	*f = *state;
	struct text	 t;
	const char	*last;
	enum notice	 n;
	size_t		 i, len;

	for (n = 0; n < NOTICE__MAX; n++) {
		for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			t = render(f, n, langs[i]);
			has(t.subject, NUMBER);
			has(t.body, NUMBER);
			assert_null(strchr(t.subject, '\n'));
			assert_true(*t.subject != '\0');
			len = strlen(t.body);
			assert_true(len > 2 && t.body[len - 1] == '\n');
			assert_true(t.body[len - 2] != '\n');
			for (last = t.body + len - 1; last > t.body && last[-1] != '\n'; last--)
				continue;
			has(last, signature(langs[i]));
			hasnt(t.body, "(null)");
			hasnt(t.body, "{");
			hasnt(t.body, "  ");
			hasnt(t.body, "\n\n\n");
			hasnt(t.body, "\r");
			if (strcmp(langs[i], "en") != 0) {
				assert_no_latin(t.subject, "subject");
				assert_no_latin(t.body, notice_wire(n));
			}
			if (strcmp(langs[i], "kk") == 0)
				has(t.body, "өтінім");
			if (strcmp(langs[i], "ru") == 0)
				has(t.body, "заявк");
			text_free(&t);
		}
	}
}

static void
test_received(void **state)
{
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i, k;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render(f, NOTICE_RECEIVED, langs[i]);
		has(t.body, "2026-12-07 19:05 +05:00");	/* submitted, Astana time */
		has(t.body, "2027-01-06 19:05 +05:00");	/* the deadline */
		has(t.body, "PDF");
		has(t.body, "940140000385");
		has(t.body, "«Тест» ЖШС");
		has(t.body, "Сәрсенбаев Асқар Нұрланұлы");
		for (k = 0; k < DOCUMENTS_N; k++)
			has(t.body, documents_name(&documents_checklist[k], langs[i]));
		text_free(&t);
	}
	t = render(f, NOTICE_RECEIVED, "kk");
	has(t.subject, "тіркелді");
	has(t.body, "30 күн");
	has(t.body, "тіркеу пункті");
	has(t.body, "Қол қою құқығы бар қызметкер");
	has(t.body, "Ақмола облысы, Көкшетау");
	text_free(&t);
	t = render(f, NOTICE_RECEIVED, "ru");
	has(t.subject, "зарегистрирована");
	has(t.body, "30 дней");
	has(t.body, "пункт регистрации");
	has(t.body, "Сотрудник с правом подписи");
	has(t.body, "Акмолинская область, Кокшетау");
	text_free(&t);
	t = render(f, NOTICE_RECEIVED, "en");
	has(t.body, "30 days");
	has(t.body, "Employee with the right to sign");
	has(t.body, "Akmola Region, Kokshetau");
	text_free(&t);
}

/* Without a store (or with one that lacks the entry) the ids stand in for the names. */
static void
test_received_without_store(void **state)
{
	struct fixture	*f = *state;
	struct text	 t = { NULL, NULL };

	OK(notice_render(NOTICE_RECEIVED, NULL, &f->app, "ru", 30, CREATED, &t.subject,
	    &t.body, C));
	has(t.body, "ROLE02");
	has(t.body, "akmola, kokshetau");
	text_free(&t);
	f->app.role_id = W("ROLE99");
	t = render(f, NOTICE_RECEIVED, "ru");
	has(t.body, "ROLE99");
	has(t.body, "Акмолинская область, Кокшетау");
	text_free(&t);
}

/* Days are counted in words each language declines: 21 день, 3 дня, 11 дней. */
static void
test_days_in_words(void **state)
{
	static const struct {
		int		 days;
		const char	*lang, *words;
	} cases[] = {
		{ 21, "ru", "21 день" }, { 3, "ru", "3 дня" }, { 11, "ru", "11 дней" },
		{ 24, "ru", "24 дня" }, { 112, "ru", "112 дней" }, { 21, "kk", "21 күн" },
		{ 1, "en", "1 day" }, { 21, "en", "21 days" },
	};
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f->app.deadline = CREATED + cases[i].days * DAY;
		t = render_at(f, NOTICE_RECEIVED, cases[i].lang, cases[i].days, CREATED);
		has(t.body, cases[i].words);
		text_free(&t);
	}
}

static void
test_issued(void **state)
{
	static const char *const install[] = { "«Сертификаттарды орнату»",
	    "«Установить сертификаты»", "Install certificates" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render_at(f, NOTICE_ISSUED, langs[i], 30, NOT_BEFORE);
		has(t.body, SERIAL_A);
		has(t.body, SERIAL_S);
		has(t.body, "2027-12-08 15:00 +05:00");
		has(t.body, "ncaenroll");
		has(t.body, install[i]);
		text_free(&t);
	}
	t = render(f, NOTICE_ISSUED, "kk");
	has(t.subject, "сертификаттар берілді");
	has(t.body, "Аутентификация сертификаты");
	has(t.body, "Қол қою сертификаты");
	text_free(&t);
	t = render(f, NOTICE_ISSUED, "ru");
	has(t.body, "Сертификат аутентификации");
	has(t.body, "Сертификат подписи");
	text_free(&t);
}

/* The reason in the reader's language, the operator's words as typed beside it. */
static void
test_rejected(void **state)
{
	static const char *const reason[] = { "Құжаттар толық емес",
	    "Не представлены документы", "Required documents were not presented" };
	static const char *const again[] = { "жаңа кілттермен", "с новыми ключами",
	    "new keys" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render(f, NOTICE_REJECTED, langs[i]);
		has(t.body, reason[i]);
		has(t.body, OPERATOR_TEXT);
		has(t.body, again[i]);
		text_free(&t);
	}
	/* no text typed: no line for it */
	f->app.reject_text = NULL;
	t = render(f, NOTICE_REJECTED, "kk");
	has(t.body, reason[0]);
	hasnt(t.body, OPERATOR_TEXT);
	hasnt(t.body, ": \n");
	text_free(&t);
	/* the operator's text is theirs: kept as typed, even in another script */
	f->app.reject_code = W("other");
	f->app.reject_text = W("Doverennost' ne podpisana");
	t = render(f, NOTICE_REJECTED, "ru");
	has(t.body, "Другая причина");
	has(t.body, "Doverennost' ne podpisana");
	text_free(&t);
}

static void
test_reminder(void **state)
{
	static const char *const left[] = { "7 күн", "7 дней", "7 days" };
	static const char *const left2[] = { "2 күн", "2 дня", "2 days" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render_at(f, NOTICE_REMINDER, langs[i], 30, DEADLINE - 7 * DAY);
		has(t.body, "2027-01-06 19:05 +05:00");
		has(t.body, left[i]);
		text_free(&t);
		/* two calendar days in Astana, though a little less than 48 hours */
		t = render_at(f, NOTICE_REMINDER, langs[i], 30, DEADLINE - 2 * DAY + 3600);
		has(t.body, left2[i]);
		text_free(&t);
	}
	t = render_at(f, NOTICE_REMINDER, "kk", 30, DEADLINE - 7 * DAY);
	has(t.body, "күші жойылады");
	text_free(&t);
}

static void
test_cancelled(void **state)
{
	static const char *const words[] = { "күші жойылды", "аннулирована", "cancelled" };
	static const char *const days[] = { "30 күн", "30 дней", "30 days" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render_at(f, NOTICE_CANCELLED, langs[i], 30, DEADLINE + 60);
		has(t.subject, words[i]);
		has(t.body, days[i]);
		text_free(&t);
	}
}

static void
test_expiring(void **state)
{
	static const enum notice notices[] = { NOTICE_EXPIRING_30, NOTICE_EXPIRING_14,
	    NOTICE_EXPIRING_7 };
	static const int days[] = { 30, 14, 7 };
	static const char *const unit[] = { "күн", "дней", "days" };
	static const char *const where[] = { "«Менің сертификаттарым»", "«Мои сертификаты»",
	    "My certificates" };
	static const char *const renew[] = { "«Жаңарту»", "«Продлить»", "Renew" };
	struct fixture	*f = *state;
	struct text	 t;
	char		 want[32];
	size_t		 i, k;

	for (k = 0; k < sizeof days / sizeof days[0]; k++) {
		for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			t = render_at(f, notices[k], langs[i], 30, NOT_AFTER - days[k] * DAY);
			(void)snprintf(want, sizeof want, "%d %s", days[k], unit[i]);
			has(t.body, want);
			has(t.body, "2027-12-08 15:00 +05:00");
			has(t.body, where[i]);
			has(t.body, renew[i]);
			text_free(&t);
		}
	}
	t = render_at(f, NOTICE_EXPIRING_7, "en", 30, NOT_AFTER - 7 * DAY);
	has(t.body, "ncaenroll renew " NUMBER);
	text_free(&t);
}

static void
test_revoked(void **state)
{
	static const char *const reason[] = { "Кілттің құпиялылығы бұзылды",
	    "Компрометация ключа", "Key compromised" };
	static const char *const desk[] = { "тіркеу пункті", "пункт регистрации",
	    "registration desk" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i;

	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		t = render_at(f, NOTICE_REVOKED, langs[i], 30, REVOKED_AT);
		has(t.body, reason[i]);
		has(t.body, "2027-03-01 09:30 +05:00");
		has(t.body, desk[i]);
		text_free(&t);
	}
}

/* Anything but kk and ru reads English, word for word. */
static void
test_unknown_language(void **state)
{
	static const char *const others[] = { "de", "", "KK", "kk-KZ", NULL };
	struct fixture	*f = *state;
	struct text	 en, t;
	enum notice	 n;
	size_t		 i;

	for (n = 0; n < NOTICE__MAX; n++) {
		en = render(f, n, "en");
		for (i = 0; i < sizeof others / sizeof others[0]; i++) {
			t = render(f, n, others[i]);
			assert_string_equal(t.subject, en.subject);
			assert_string_equal(t.body, en.body);
			text_free(&t);
		}
		text_free(&en);
	}
}

/* A person with no patronymic is greeted by surname and name, with no gap. */
static void
test_no_patronymic(void **state)
{
	static const char *const greeting[] = { "Құрметті Сәрсенбаев Асқар!\n",
	    "Здравствуйте, Сәрсенбаев Асқар!\n", "Dear Сәрсенбаев Асқар,\n" };
	struct fixture	*f = *state;
	struct text	 t;
	size_t		 i, k;

	for (k = 0; k < 2; k++) {
		f->app.patronymic = k == 0 ? NULL : W("");
		for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
			t = render(f, NOTICE_RECEIVED, langs[i]);
			assert_true(strncmp(t.body, greeting[i], strlen(greeting[i])) == 0);
			hasnt(t.body, "Асқар ");
			text_free(&t);
		}
	}
}

/* An application with no certificates or reasons yet still renders: dashes, no holes. */
static void
test_missing_facts(void **state)
{
	struct fixture	*f = *state;
	struct text	 t;
	enum notice	 n;

	f->app.serial_auth[0] = f->app.serial_sign[0] = '\0';
	f->app.not_after = f->app.revoked_at = 0;
	f->app.reject_code = f->app.reject_text = f->app.revoke_reason = NULL;
	f->app.org_name = NULL;
	for (n = 0; n < NOTICE__MAX; n++) {
		t = render(f, n, "kk");
		hasnt(t.body, "(null)");
		hasnt(t.body, "1970");
		assert_no_latin(t.body, notice_wire(n));
		text_free(&t);
	}
}

static void
test_bad_notice(void **state)
{
	struct fixture	*f = *state;
	char		*subject = NULL, *body = NULL, *cause = NULL;

	assert_int_equal(notice_render(NOTICE__MAX, f->st, &f->app, "kk", 30, CREATED,
	    &subject, &body, &cause), -1);
	assert_non_null(cause);
	assert_null(subject);
	assert_null(body);
	free(cause);
	cause = NULL;
	f->app.number[0] = '\0';
	assert_int_equal(notice_render(NOTICE_ISSUED, f->st, &f->app, "kk", 30, CREATED,
	    &subject, &body, &cause), -1);
	assert_non_null(cause);
	assert_null(subject);
	assert_null(body);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire),
		cmocka_unit_test_setup_teardown(test_every_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_received, setup, teardown),
		cmocka_unit_test_setup_teardown(test_received_without_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_days_in_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_issued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_patronymic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_notice, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The printable application form, read back the way a person and the desk would: its text
 * through poppler's pdftotext (the letters a person reads), its page rendered at 150 dpi and
 * scanned with zbarimg (the desk's scanner), its page count and where every word sits. And
 * the JSON that carries a form from ncaenroll to the helper drawing it: round trip, refusals.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/appform-json.h"
#include "common/appform-pdf.h"
#include "common/i18n.h"

extern char **environ;

#define NUMBER	"4821-0937-5512-0684-3319-7725-4406"

/* Every Kazakh letter (ә ғ қ ң ө ұ ү һ і), in capitals and small, is somewhere in here. */
static const struct appform form_kk = {
	.number = NUMBER,
	.date = "2026-11-25 18:20 UTC",
	.deadline = "2026-12-25 18:20 UTC",
	.org_name = "«ҚАЗАҚСТАН ТЕМІР ЖОЛЫ» ұлттық компаниясы» АҚ",
	.bin = "020240000555",
	.applicant = "ӘБДІҺАМИТОВ ҮСЕН ҒАЛЫМҰЛЫ",
	.iin = "871008401427",
	.email = "buhgalter@mail.kz",
	.role = "Қаржы құжаттарына қол қою құқығы бар тұлға",
	.region = "Маңғыстау облысы",
	.city = "Жаңаөзен шаһары",
	.gu_code = "1001",
	.storage = "Компьютердегі қалта",
	.days = 30,
};

static const struct appform form_ru = {
	.number = NUMBER,
	.date = "2026-11-25 18:20 UTC",
	.deadline = "2026-12-25 18:20 UTC",
	.org_name = "АО «Национальная компания «Қазақстан темір жолы»»",
	.bin = "020240000555",
	.applicant = "ИВАНОВА ЕЛЕНА ПЕТРОВНА",
	.iin = "760212350620",
	.email = NULL,
	.role = "Сотрудник",
	.region = "Карагандинская область",
	.city = "Караганда",
	.gu_code = "100385",
	.storage = "Папка на компьютере",
	.days = 30,
};

/* A real kind of name: a state enterprise under a committee under a ministry. */
#define LONG_ORG "Республиканское государственное предприятие на праве хозяйственного " \
	"ведения «Национальный центр экспертизы и сертификации» Комитета технического " \
	"регулирования и метрологии Министерства торговли и интеграции Республики Казахстан"

struct fixture {
	char	dir[64];
	char	pdf[128];
};

/*
 * Runs argv, its standard output into a malloc'd string (*out); the exit status. quiet:
 * standard error to /dev/null (zbarimg complains there is no D-Bus to announce codes on).
 */
static int
run(char *const argv[], char **out, int quiet)
{
	posix_spawn_file_actions_t	 fa;
	char				*buf = NULL, chunk[4096];
	size_t				 len = 0;
	ssize_t				 n;
	pid_t				 pid;
	int				 fds[2], status;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_adddup2(&fa, fds[1], 1), 0);
	assert_int_equal(posix_spawn_file_actions_addclose(&fa, fds[0]), 0);
	if (quiet)
		assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
		    0), 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		fail_msg("cannot run %s (deps/debian-packages lists the package)", argv[0]);
	assert_int_equal(posix_spawn_file_actions_destroy(&fa), 0);
	assert_int_equal(close(fds[1]), 0);
	while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		assert_non_null(buf = realloc(buf, len + (size_t)n + 1));
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
	}
	assert_int_equal(close(fds[0]), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (buf == NULL)
		assert_non_null(buf = strdup(""));
	buf[len] = '\0';
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *
pdf_text(const char *pdf)
{
	char	*const argv[] = { (char *)"pdftotext", (char *)"-enc", (char *)"UTF-8",
		    (char *)pdf, (char *)"-", NULL };
	char	*text;

	assert_int_equal(run(argv, &text, 0), 0);
	return text;
}

/* What the desk's scanner reads off the printed page (rendered at 150 dpi). */
static char *
pdf_qr(struct fixture *fx)
{
	char	 png[160], *out;
	char	*const ppm[] = { (char *)"pdftoppm", (char *)"-r", (char *)"150",
		    (char *)"-png", (char *)"-singlefile", fx->pdf, png, NULL };
	char	*const zbar[] = { (char *)"zbarimg", (char *)"--raw", (char *)"-q", png, NULL };

	(void)snprintf(png, sizeof png, "%s/page", fx->dir);
	assert_int_equal(run(ppm, &out, 0), 0);
	free(out);
	(void)snprintf(png, sizeof png, "%s/page.png", fx->dir);
	assert_int_equal(run(zbar, &out, 1), 0);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static int
pdf_pages(const char *pdf)
{
	char	*const argv[] = { (char *)"pdfinfo", (char *)pdf, NULL };
	char	*out, *p;
	int	 pages;

	assert_int_equal(run(argv, &out, 0), 0);
	assert_non_null(p = strstr(out, "Pages:"));
	pages = atoi(p + 6);
	free(out);
	return pages;
}

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	(void)snprintf(fx->dir, sizeof fx->dir, "/tmp/test-appform-pdf.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	(void)snprintf(fx->pdf, sizeof fx->pdf, "%s/application.pdf", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	struct dirent	*de;
	DIR		*d;
	char		 path[512];

	(void)chmod(fx->dir, 0700);
	if ((d = opendir(fx->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			(void)snprintf(path, sizeof path, "%s/%s", fx->dir, de->d_name);
			(void)rmdir(path);
			(void)unlink(path);
		}
		(void)closedir(d);
	}
	(void)rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
use_language(const char *lang)
{
	char	*cause = NULL;

	if (i18n_init(lang, &cause) == -1)
		fail_msg("%s", cause);
	/* make check points at the build's catalogs: the labels must then be translated. */
	if (getenv("NCAENROLL_LOCALEDIR") != NULL)
		assert_string_equal(i18n_current(), lang);
}

/* The person's own letters, the numbers the desk checks, labels in their language. */
static void
check_form(struct fixture *fx, const struct appform *af, const char *lang)
{
	const char	*want[11];
	struct stat	 st;
	char		*text, *cause = NULL, *qr;
	size_t		 i = 0;

	use_language(lang);
	want[i++] = af->number;
	want[i++] = af->org_name;
	want[i++] = af->applicant;
	want[i++] = af->iin;
	want[i++] = af->bin;
	want[i++] = af->city;
	want[i++] = af->role;
	want[i++] = af->deadline;
	want[i++] = appform_label(APPFORM_ORG);
	want[i++] = appform_label(APPFORM_GU_CODE);
	want[i++] = appform_bring(1);
	if (appform_pdf_write(af, lang, fx->pdf, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(stat(fx->pdf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);	/* a person's data: the owner's alone */
	assert_int_equal(pdf_pages(fx->pdf), 1);
	text = pdf_text(fx->pdf);
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		if (strstr(text, want[i]) == NULL)
			fail_msg("'%s' is not on the page:\n%s", want[i], text);
	free(text);
	qr = pdf_qr(fx);
	assert_string_equal(qr, af->number);
	free(qr);
}

static void
test_kazakh(void **state)
{
	check_form(*state, &form_kk, "kk");
	if (getenv("NCAENROLL_LOCALEDIR") != NULL)
		assert_string_equal(appform_label(APPFORM_ORG), "Ұйым");
}

static void
test_russian(void **state)
{
	check_form(*state, &form_ru, "ru");
}

/*
 * Every word pdftotext -bbox finds: inside the page's printable area; and how many lines
 * (distinct tops) hold the words of `phrase`, each of which must be there.
 */
static int
words_inside(const char *bbox, double w, double h, const char *phrase)
{
	const char	*p;
	double		 x0, y0, x1, y1, tops[64];
	char		 word[256], *copy, *tok, *save;
	size_t		 ntops = 0, i, found;
	int		 n;

	for (p = bbox; (p = strstr(p, "<word ")) != NULL; p++) {
		n = sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%255[^<]",
		    &x0, &y0, &x1, &y1, word);
		assert_int_equal(n, 5);
		if (x0 < 20 || x1 > w - 20 || y0 < 20 || y1 > h - 20)
			fail_msg("'%s' at x %.0f-%.0f y %.0f-%.0f is off a %.0fx%.0f page", word,
			    x0, x1, y0, y1, w, h);
	}
	assert_non_null(copy = strdup(phrase));
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		(void)snprintf(word, sizeof word, ">%s</word>", tok);
		if ((p = strstr(bbox, word)) == NULL)
			fail_msg("'%s' of the long name is not on the page", tok);
		while (p > bbox && strncmp(p, "<word ", 6) != 0)
			p--;
		assert_int_equal(sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\"", &x0, &y0), 2);
		for (found = 0, i = 0; i < ntops; i++)
			found |= tops[i] == y0;
		if (!found && ntops < sizeof tops / sizeof tops[0])
			tops[ntops++] = y0;
	}
	free(copy);
	return (int)ntops;
}

static char *
pdf_bbox(const char *pdf, double *w, double *h)
{
	char	*const argv[] = { (char *)"pdftotext", (char *)"-bbox", (char *)"-enc",
		    (char *)"UTF-8", (char *)pdf, (char *)"-", NULL };
	char	*out, *p;

	assert_int_equal(run(argv, &out, 0), 0);
	assert_non_null(p = strstr(out, "<page width=\""));
	assert_int_equal(sscanf(p, "<page width=\"%lf\" height=\"%lf\"", w, h), 2);
	return out;
}

static void
test_long_name_wraps_inside_the_page(void **state)
{
	struct fixture	*fx = *state;
	struct appform	 af = form_ru;
	char		*bbox, *cause = NULL, *qr;
	double		 w, h;

	use_language("ru");
	af.org_name = LONG_ORG;
	if (appform_pdf_write(&af, "ru", fx->pdf, &cause) == -1)
		fail_msg("%s", cause);
	bbox = pdf_bbox(fx->pdf, &w, &h);
	assert_true(w > 594 && w < 596 && h > 841 && h < 843);	/* A4 */
	assert_true(words_inside(bbox, w, h, LONG_ORG) >= 3);
	free(bbox);
	qr = pdf_qr(fx);
	assert_string_equal(qr, NUMBER);
	free(qr);
}

/*
 * Absurdly long values everywhere: still one page, nothing off it, signatures on it. (A
 * value cut short ends in "…" on paper; pdftotext still reads the whole of it, as cairo
 * keeps the text behind the ellipsis for copying, so the cut is not checked here.)
 */
static void
test_everything_long_stays_on_one_page(void **state)
{
	struct fixture	*fx = *state;
	struct appform	 af;
	char		*bbox, *text, *cause = NULL, big[8192];
	double		 w, h;
	size_t		 i;

	use_language("en");
	for (big[0] = '\0', i = 0; i < 12; i++)
		assert_true(strlen(big) + sizeof LONG_ORG + 1 < sizeof big &&
		    strcat(big, LONG_ORG " ") == big);
	af = form_kk;
	af.org_name = af.applicant = af.role = af.region = af.city = af.storage = big;
	af.email = "an.address.that.is.quite.long.indeed.for.a.person@some-organization.gov.kz";
	if (appform_pdf_write(&af, "en", fx->pdf, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(pdf_pages(fx->pdf), 1);
	bbox = pdf_bbox(fx->pdf, &w, &h);
	(void)words_inside(bbox, w, h, "Registration desk operator");
	free(bbox);
	text = pdf_text(fx->pdf);
	assert_non_null(strstr(text, NUMBER));
	assert_non_null(strstr(text, "your identity document"));
	free(text);
}

static size_t
entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	size_t		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	assert_int_equal(closedir(d), 0);
	return n;
}

static void
test_unwritable_folder(void **state)
{
	struct fixture	*fx = *state;
	char		 path[256], *cause = NULL;

	use_language("en");
	/* A folder that is not there: the cause names the file, nothing is made. */
	(void)snprintf(path, sizeof path, "%s/gone/application.pdf", fx->dir);
	assert_int_equal(appform_pdf_write(&form_ru, "ru", path, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, "it does not exist"));
	free(cause);
	cause = NULL;
	assert_int_equal(entries(fx->dir), 0);
	/* A folder this user may not write in (root writes anywhere). */
	if (geteuid() != 0) {
		assert_int_equal(chmod(fx->dir, 0555), 0);
		assert_int_equal(appform_pdf_write(&form_ru, "ru", fx->pdf, &cause), -1);
		assert_non_null(strstr(cause, fx->pdf));
		assert_non_null(strstr(cause, "permission denied"));
		free(cause);
		assert_int_equal(chmod(fx->dir, 0700), 0);
		assert_int_equal(entries(fx->dir), 0);
	}
}

/* Bytes that are not UTF-8 would print as boxes: refused, naming the field. */
static void
test_malformed_text_refused(void **state)
{
	struct fixture	*fx = *state;
	struct appform	 af = form_ru;
	char		*cause = NULL;

	use_language("en");
	af.org_name = "\xd0\x9e\xd0 broken";
	assert_int_equal(appform_pdf_write(&af, "en", fx->pdf, &cause), -1);
	assert_string_equal(cause, "Organization: \"??? broken\" is not valid UTF-8");
	free(cause);
	assert_int_equal(entries(fx->dir), 0);
}

/* A replaced form is the new one, whole: never the old and new mixed. */
static void
test_replaces_whole(void **state)
{
	struct fixture	*fx = *state;
	struct appform	 af = form_ru;
	char		*cause = NULL, *text;

	use_language("ru");
	assert_int_equal(appform_pdf_write(&form_ru, "ru", fx->pdf, &cause), 0);
	af.iin = "830717350867";
	assert_int_equal(appform_pdf_write(&af, "ru", fx->pdf, &cause), 0);
	text = pdf_text(fx->pdf);
	assert_non_null(strstr(text, "830717350867"));
	assert_null(strstr(text, form_ru.iin));
	free(text);
	assert_int_equal(entries(fx->dir), 1);
}

static void
same_string(const char *want, const char *got)
{
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(want, got);
}

/* Every field comes back as it went, a missing e-mail as none (not "" or "null"). */
static void
test_json_round_trip(void **state)
{
	struct appform_json	 req;
	char			*text, *cause = NULL;

	(void)state;
	assert_non_null(text = appform_json_dump(&form_ru, "ru", "/tmp/a b/форма.pdf", &cause));
	assert_int_equal(appform_json_load(text, strlen(text), &req, &cause), 0);
	same_string(form_ru.number, req.form.number);
	same_string(form_ru.date, req.form.date);
	same_string(form_ru.deadline, req.form.deadline);
	same_string(form_ru.org_name, req.form.org_name);
	same_string(form_ru.bin, req.form.bin);
	same_string(form_ru.applicant, req.form.applicant);
	same_string(form_ru.iin, req.form.iin);
	assert_null(req.form.email);
	same_string(form_ru.role, req.form.role);
	same_string(form_ru.region, req.form.region);
	same_string(form_ru.city, req.form.city);
	same_string(form_ru.gu_code, req.form.gu_code);
	same_string(form_ru.storage, req.form.storage);
	assert_int_equal(req.form.days, 30);
	assert_string_equal(req.lang, "ru");
	assert_string_equal(req.path, "/tmp/a b/форма.pdf");
	appform_json_free(&req);
	free(text);
}

static void
json_refused(const char *text, const char *why)
{
	struct appform_json	 req;
	char			*cause = NULL;

	assert_int_equal(appform_json_load(text, strlen(text), &req, &cause), -1);
	if (cause == NULL || strstr(cause, why) == NULL)
		fail_msg("%s: '%s', not '%s'", text, cause, why);
	assert_null(req.root);
	free(cause);
}

/* A request from a program of another build, or none at all, is refused by name. */
static void
test_json_refusals(void **state)
{
	char	*text, *cause = NULL, *p, *rest, bad[4096];

	(void)state;
	/* The refusals are read in English: an earlier case left the language at kk. */
	use_language("en");
	json_refused("", "request: ");
	json_refused("[1]", "not a JSON object");
	assert_non_null(text = appform_json_dump(&form_kk, "kk", "f.pdf", &cause));
	p = strstr(text, "\"city\"");
	assert_non_null(p);
	(void)snprintf(bad, sizeof bad, "%.*s\"town\"%s", (int)(p - text), text, p + 6);
	json_refused(bad, "unknown key \"town\"");
	(void)snprintf(bad, sizeof bad, "%.*s\"city\":\"A\",%s", (int)(p - text), text, p);
	json_refused(bad, "duplicate");
	assert_non_null(rest = strstr(p, ",\"gu_code\""));
	(void)snprintf(bad, sizeof bad, "%.*s\"city\":7%s", (int)(p - text), text, rest);
	json_refused(bad, "\"city\" is not a string");
	(void)snprintf(bad, sizeof bad, "%s", text);
	assert_non_null(p = strstr(bad, "\"lang\":\"kk\""));
	memcpy(p + 8, "de", 2);
	json_refused(bad, "unknown language \"de\"");
	free(text);
	json_refused("{\"number\":null}", "\"date\" is missing");
	/* A file name JSON cannot carry: said before any helper runs. */
	assert_null(appform_json_dump(&form_kk, "kk", "/tmp/\xe9t\xe9.pdf", &cause));
	assert_non_null(strstr(cause, "the file name is not valid UTF-8"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_kazakh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_russian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_name_wraps_inside_the_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_everything_long_stays_on_one_page, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_text_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces_whole, setup, teardown),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_refusals),
	};

	return cmocka_run_group_tests_name("appform-pdf", tests, NULL, NULL);
}

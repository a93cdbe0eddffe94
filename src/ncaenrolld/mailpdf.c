/*
 * mailpdf — the form's fields from the store in the reader's language, and the helper run
 * (common/helperrun.h) with a clean environment and a deadline after which it is killed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/appform-json.h"
#include "common/cause.h"
#include "common/helperrun.h"
#include "common/storage.h"
#include "ncaenrolld/mailpdf.h"

#define MAILPDF_HELPER		"ncaenroll-pdf"
#define MAILPDF_KZ_OFFSET	(5 * 3600)	/* Kazakhstan: UTC+05:00, one zone */

/* What the helper may know of our environment: where the build tree keeps its words. */
static const char *const mailpdf_passed[] = { "NCAENROLL_LOCALEDIR", "NCAENROLL_DATADIR" };

char *
mailpdf_dir_name(struct store *st, enum store_dir dir, const char *id, const char *lang)
{
	struct store_entry	 e;
	const char		*n = NULL;
	char			*s;
	int			 found = 0;

	memset(&e, 0, sizeof e);
	if (store_entry_get(st, dir, id, &e, &found, NULL) == -1 || !found)
		return strdup(id);
	if (lang != NULL && strcmp(lang, "kk") == 0)
		n = e.name.kk;
	else if (lang != NULL && strcmp(lang, "ru") == 0)
		n = e.name.ru;
	else
		n = e.name.en;
	if (n == NULL || *n == '\0')
		n = e.name.en != NULL ? e.name.en : e.name.ru;
	s = strdup(n != NULL ? n : id);
	store_entry_free(&e);
	return s;
}

/* The organization's name in lang: kk in Kazakh, else Russian (registries have no en). */
static char *
mailpdf_org_name(struct store *st, const struct store_app *a, const char *lang)
{
	struct store_org	 o;
	const char		*n;
	char			*s;
	int			 found = 0;

	memset(&o, 0, sizeof o);
	if (store_org_get(st, a->bin, &o, &found, NULL) == -1 || !found)
		return strdup(a->org_name);
	n = strcmp(lang, "kk") == 0 && o.name.kk != NULL ? o.name.kk : o.name.ru;
	s = strdup(n != NULL ? n : a->org_name);
	store_org_free(&o);
	return s;
}

/* The date a person in Kazakhstan reads for t: "2026-12-07". */
static void
mailpdf_day(time_t t, char buf[16])
{
	time_t		kz = t + MAILPDF_KZ_OFFSET;
	struct tm	tm;

	if (gmtime_r(&kz, &tm) == NULL || strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
		(void)snprintf(buf, 16, "%lld", (long long)t);
}

/* The request for the helper (appform-json.h); malloc'd, NULL with a cause. */
static char *
mailpdf_request(const struct srv *srv, struct store *st, const struct store_app *a,
    const char *lang, const char *path, char **cause)
{
	const struct storage_kind	*stg = storage_find(a->storage);
	struct appform			 af;
	char				 date[16], deadline[16], *json = NULL;
	char				*org, *role, *region, *city, *applicant;

	mailpdf_day(a->created, date);
	mailpdf_day(a->deadline, deadline);
	org = mailpdf_org_name(st, a, lang);
	role = mailpdf_dir_name(st, STORE_ROLES, a->role_id, lang);
	region = mailpdf_dir_name(st, STORE_REGIONS, a->region_id, lang);
	city = mailpdf_dir_name(st, STORE_CITIES, a->city_id, lang);
	applicant = appform_full_name(a->surname, a->given_name, a->patronymic);
	af = (struct appform){ .number = a->number, .date = date, .deadline = deadline,
	    .org_name = org, .bin = a->bin, .applicant = applicant, .iin = a->iin,
	    .email = a->email, .role = role, .region = region, .city = city,
	    .gu_code = a->gu_code, .storage = stg != NULL ? storage_name(stg, lang) :
	    a->storage, .days = srv_policy(srv)->verification_days };
	if (org == NULL || role == NULL || region == NULL || city == NULL ||
	    applicant == NULL)
		cause_set(cause, "out of memory");
	else
		json = appform_json_dump(&af, lang, path, cause);
	free(org);
	free(role);
	free(region);
	free(city);
	free(applicant);
	return json;
}

/* PATH, LANG and what mailpdf_passed lets through; malloc'd strings in env[]. */
static int
mailpdf_env(char *env[], size_t max)
{
	const char	*v;
	size_t		 i, n = 0;

	if ((env[n++] = strdup("PATH=/usr/bin:/bin")) == NULL ||
	    (env[n++] = strdup("LANG=C.UTF-8")) == NULL)
		return -1;
	for (i = 0; i < sizeof mailpdf_passed / sizeof mailpdf_passed[0] && n + 1 < max; i++) {
		if ((v = getenv(mailpdf_passed[i])) == NULL)
			continue;
		if (asprintf(&env[n], "%s=%s", mailpdf_passed[i], v) == -1) {
			env[n] = NULL;
			return -1;
		}
		n++;
	}
	env[n] = NULL;
	return 0;
}

/* Runs the helper on json; 0, or -1 with a cause in its words or how it ended. */
static int
mailpdf_run(const char *json, char **cause)
{
	const char		*dir = getenv("NCAENROLL_LIBEXECDIR");
	struct helperrun	 h = { .name = MAILPDF_HELPER, .timeout = MAILPDF_TIMEOUT };
	char			*env[8] = { NULL }, *prog = NULL;
	int			 e, rc = -1;
	size_t			 i;

	if (asprintf(&prog, "%s/%s", dir != NULL && *dir != '\0' ? dir : PKGLIBEXECDIR,
	    MAILPDF_HELPER) == -1 || mailpdf_env(env, sizeof env / sizeof env[0]) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	h.prog = prog;
	h.env = env;
	if ((e = helperrun(&h, json, strlen(json))) != 0)
		cause_set(cause, "cannot run %s: %s", MAILPDF_HELPER, strerror(e));
	else if (h.late)
		cause_set(cause, "%s took longer than %d s", MAILPDF_HELPER, MAILPDF_TIMEOUT);
	else if (helperrun_ok(&h))
		rc = 0;
	else if (*h.line != '\0')
		cause_set(cause, "%s: %s", MAILPDF_HELPER, h.line);
	else if (h.wait_errno != 0)
		cause_set(cause, "cannot wait for %s: %s", MAILPDF_HELPER,
		    strerror(h.wait_errno));
	else if (WIFSIGNALED(h.status))
		cause_set(cause, "%s was stopped by signal %d", MAILPDF_HELPER,
		    WTERMSIG(h.status));
	else if (h.send_errno != 0)
		cause_set(cause, "%s: %s", MAILPDF_HELPER, strerror(h.send_errno));
	else
		cause_set(cause, "%s ended with exit status %d", MAILPDF_HELPER,
		    WIFEXITED(h.status) ? WEXITSTATUS(h.status) : -1);
out:
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(prog);
	return rc;
}

int
mailpdf_make(const struct srv *srv, struct store *st, const struct store_app *a,
    const char *lang, struct mailpdf *pdf, char **cause)
{
	const char	*tmp = getenv("TMPDIR");
	char		*json = NULL, *why = NULL, *name = NULL, *path = NULL;
	int		 rc = -1;

	memset(pdf, 0, sizeof *pdf);
	if (asprintf(&pdf->dir, "%s/ncaenrolld-mail-XXXXXX", tmp != NULL && *tmp == '/' ?
	    tmp : "/tmp") == -1) {
		pdf->dir = NULL;
		cause_set(cause, "out of memory");
		return -1;
	}
	if (mkdtemp(pdf->dir) == NULL) {
		cause_set(cause, "cannot make a private folder for the PDF: %s",
		    strerror(errno));
		free(pdf->dir);
		pdf->dir = NULL;
		return -1;
	}
	if (asprintf(&name, "application-%s.pdf", a->number) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	pdf->name = name;
	if (asprintf(&path, "%s/%s", pdf->dir, name) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	pdf->path = path;
	if ((json = mailpdf_request(srv, st, a, lang, pdf->path, &why)) != NULL)
		rc = mailpdf_run(json, &why);
	if (rc == -1)
		cause_set(cause, "cannot make the PDF: %s", why != NULL ? why : "out of memory");
out:
	free(json);
	free(why);
	if (rc == -1)
		mailpdf_remove(pdf);
	return rc;
}

void
mailpdf_remove(struct mailpdf *pdf)
{
	/* Nothing more can be done if these fail: the folder is private and names no one. */
	if (pdf->path != NULL)
		(void)unlink(pdf->path);
	if (pdf->dir != NULL)
		(void)rmdir(pdf->dir);
	free(pdf->path);
	free(pdf->dir);
	free(pdf->name);
	memset(pdf, 0, sizeof *pdf);
}

/*
 * enroll-form — the application form of a submitted application from the state file
 * alone: its words filled from the kept fields, shown, printed to PDF and saved.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/appfield.h"
#include "common/appform.h"
#include "common/atomicfile.h"
#include "common/i18n.h"
#include "common/storage.h"
#include "common/when.h"
#include "enroll/enroll-form.h"
#include "enroll/pdfhelper.h"

/*
 * The verification window when the state cannot tell it (nca-facts.md §5); a service may
 * be set to another, so the form reads it from the application's own dates first.
 */
#define ENROLL_FORM_DAYS	30

static void
enroll_form_fail(struct failure *err, enum failure_kind kind, char *msg)
{
	failure_free(err);
	err->kind = kind;
	err->message = msg != NULL ? msg : strdup(_("out of memory"));
}

static const struct state_app *
enroll_form_app(struct enroll *e, const char *key, struct failure *err)
{
	struct state_app	*a = enroll_app(e, key);
	char			*msg = NULL;

	if (a != NULL && state_get(a, APPKEY_REQUEST_NUMBER) != NULL)
		return a;
	if (asprintf(&msg, _("no submitted application %s is kept on this computer"), key) == -1)
		msg = NULL;
	enroll_form_fail(err, FAILURE_REFUSED, msg);
	return NULL;
}

/* A directory value's name in the reader's language, kept when it was chosen; else its id. */
static const char *
enroll_form_word(const struct state_app *a, const char *field)
{
	char		 key[64];
	const char	*v;

	(void)snprintf(key, sizeof key, "%s_%s", field, i18n_current());
	if ((v = state_get(a, key)) == NULL || *v == '\0') {
		(void)snprintf(key, sizeof key, "%s_ru", field);
		v = state_get(a, key);
	}
	return v != NULL && *v != '\0' ? v : state_get(a, field);
}

/*
 * The form's dates, local as the desk's copy of the same form shows them (the state keeps
 * the service's UTC moments): kept beside the form's fields until it is rendered.
 */
struct enroll_form_days {
	char	date[WHEN_DAY_MAX], deadline[WHEN_DAY_MAX];
};

/*
 * The days the service gave for verification: its deadline is the submission plus a
 * whole number of days (api-lifecycle.md), so the form says what the desk's copy says.
 */
static int
enroll_form_window(const struct state_app *a)
{
	time_t	created = when_parse(state_get(a, APPKEY_CREATED));
	time_t	deadline = when_parse(state_get(a, APPKEY_DEADLINE));

	if (created == (time_t)-1 || deadline == (time_t)-1 || deadline <= created ||
	    deadline - created > (time_t)366 * 86400)
		return ENROLL_FORM_DAYS;
	return (int)((deadline - created + 43200) / 86400);
}

/* The form's fields from what the state file keeps; *who: the name, the caller frees it. */
static int
enroll_form_fill(struct enroll *e, const char *key, struct appform *f, char **who,
    struct enroll_form_days *days, struct failure *err)
{
	const struct state_app	*a;
	const char		*storage;

	*who = NULL;
	if ((a = enroll_form_app(e, key, err)) == NULL)
		return -1;
	if ((*who = appform_full_name(state_get(a, APPKEY_SURNAME),
	    state_get(a, APPKEY_GIVEN_NAME), state_get(a, APPKEY_PATRONYMIC))) == NULL) {
		enroll_form_fail(err, FAILURE_LOCAL, NULL);
		return -1;
	}
	storage = state_get(a, APPKEY_STORAGE) ? state_get(a, APPKEY_STORAGE) : "";
	memset(f, 0, sizeof *f);
	f->number = state_get(a, APPKEY_REQUEST_NUMBER);
	f->date = when_day(state_get(a, APPKEY_CREATED), days->date);
	f->deadline = when_day(state_get(a, APPKEY_DEADLINE), days->deadline);
	f->org_name = state_get(a, strcmp(i18n_current(), "kk") == 0 ? APPKEY_ORG_NAME_KK :
	    APPKEY_ORG_NAME_RU);
	f->bin = state_get(a, APPKEY_BIN);
	f->applicant = *who;
	f->iin = state_get(a, APPKEY_IIN);
	f->email = state_get(a, APPKEY_EMAIL);
	f->role = enroll_form_word(a, APPKEY_ROLE);
	f->region = enroll_form_word(a, APPKEY_REGION);
	f->city = enroll_form_word(a, APPKEY_CITY);
	f->gu_code = state_get(a, APPKEY_GU_CODE);
	f->storage = storage_find(storage) != NULL ?
	    storage_name(storage_find(storage), i18n_current()) : storage;
	f->days = enroll_form_window(a);
	return 0;
}

char *
enroll_form_text(struct enroll *e, const char *key, int flags, struct failure *err)
{
	struct appform		 f;
	struct enroll_form_days	 days;
	char			*who = NULL, *text = NULL, *cause = NULL;

	if (enroll_form_fill(e, key, &f, &who, &days, err) == -1)
		return NULL;
	if ((text = appform_render(&f, flags, &cause)) == NULL)
		enroll_form_fail(err, FAILURE_LOCAL, cause);
	free(who);
	return text;
}

int
enroll_form_pdf(struct enroll *e, const char *key, const char *path, struct failure *err)
{
	struct appform		 f;
	struct enroll_form_days	 days;
	char			*who = NULL, *cause = NULL;
	int			 rc = -1;

	if (enroll_form_fill(e, key, &f, &who, &days, err) == -1)
		return -1;
	if (pdfhelper_run(&f, i18n_current(), path, &cause) == -1)
		enroll_form_fail(err, FAILURE_LOCAL, cause);
	else
		rc = 0;
	free(who);
	return rc;
}

/*
 * Where the saved form goes: beside the keys; for keys on a token (no folder of theirs),
 * where a person keeps documents: $XDG_DOCUMENTS_DIR if it is a folder, else $HOME.
 */
static char *
enroll_form_base(const struct state_app *a, struct failure *err)
{
	const char	*dir = state_get(a, APPKEY_DIR), *docs = getenv("XDG_DOCUMENTS_DIR");
	const char	*home = getenv("HOME");
	struct stat	 st;
	char		*base = NULL;

	if (dir == NULL && docs != NULL && *docs == '/' && stat(docs, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		dir = docs;
	if (dir == NULL && home != NULL && *home == '/')
		dir = home;
	if (dir == NULL) {
		enroll_form_fail(err, FAILURE_REFUSED,
		    strdup(_("this application has no folder for its keys")));
		return NULL;
	}
	if (asprintf(&base, "%s/application-%s", dir,
	    state_get(a, APPKEY_REQUEST_NUMBER)) == -1) {
		enroll_form_fail(err, FAILURE_LOCAL, NULL);
		return NULL;
	}
	return base;
}

int
enroll_form_save(struct enroll *e, const char *key, char **path, struct failure *err)
{
	const struct state_app	*a;
	char			*base = NULL, *txt = NULL, *text = NULL, *cause = NULL;
	int			 rc = -1;

	*path = NULL;
	if ((a = enroll_form_app(e, key, err)) == NULL ||
	    (base = enroll_form_base(a, err)) == NULL)
		return -1;
	/* Both names first: a is good only until the next call into the core. */
	if (asprintf(&txt, "%s.txt", base) == -1) {
		txt = NULL;	/* asprintf leaves it undefined on failure */
		enroll_form_fail(err, FAILURE_LOCAL, NULL);
		goto out;
	}
	if (asprintf(path, "%s.pdf", base) == -1) {
		*path = NULL;
		enroll_form_fail(err, FAILURE_LOCAL, NULL);
		goto out;
	}
	if ((text = enroll_form_text(e, key, APPFORM_BIG_NUMBER, err)) == NULL)
		goto out;
	if (atomicfile_write(txt, text, strlen(text), 0600, &cause) == -1) {
		enroll_form_fail(err, FAILURE_LOCAL, cause);
		goto out;
	}
	if (enroll_form_pdf(e, key, *path, err) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		free(*path);
		*path = NULL;
	}
	free(text);
	free(txt);
	free(base);
	return rc;
}

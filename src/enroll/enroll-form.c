#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appform.h"
#include "common/atomicfile.h"
#include "common/i18n.h"
#include "enroll/enroll-form.h"

/* The verification window the service gives (nca-facts.md §5). */
#define ENROLL_FORM_DAYS	30

static void
enroll_form_fail(struct enroll_error *err, enum enroll_fail kind, char *msg)
{
	enroll_error_free(err);
	err->kind = kind;
	err->message = msg != NULL ? msg : strdup(_("out of memory"));
}

static const struct state_app *
enroll_form_app(struct enroll *e, const char *key, struct enroll_error *err)
{
	struct state_app	*a = enroll_app(e, key);
	char			*msg = NULL;

	if (a != NULL && state_get(a, "request_number") != NULL)
		return a;
	if (asprintf(&msg, _("no submitted application %s is kept on this computer"), key) == -1)
		msg = NULL;
	enroll_form_fail(err, ENROLL_REFUSED, msg);
	return NULL;
}

char *
enroll_form_text(struct enroll *e, const char *key, int flags, struct enroll_error *err)
{
	const struct state_app	*a;
	struct appform		 f;
	const char		*storage;
	char			*who = NULL, *text = NULL, *cause = NULL;

	if ((a = enroll_form_app(e, key, err)) == NULL)
		return NULL;
	if (asprintf(&who, "%s %s %s", state_get(a, "surname") ? state_get(a, "surname") : "",
	    state_get(a, "given_name") ? state_get(a, "given_name") : "",
	    state_get(a, "patronymic") ? state_get(a, "patronymic") : "") == -1) {
		enroll_form_fail(err, ENROLL_LOCAL, NULL);
		return NULL;
	}
	storage = state_get(a, "storage") ? state_get(a, "storage") : "";
	memset(&f, 0, sizeof f);
	f.number = state_get(a, "request_number");
	f.date = state_get(a, "created");
	f.deadline = state_get(a, "deadline");
	f.org_name = state_get(a, strcmp(i18n_current(), "kk") == 0 ? "org_name_kk" :
	    "org_name_ru");
	f.bin = state_get(a, "bin");
	f.applicant = who;
	f.iin = state_get(a, "iin");
	f.email = state_get(a, "email");
	f.role = state_get(a, "role");
	f.region = state_get(a, "region");
	f.city = state_get(a, "city");
	f.gu_code = state_get(a, "gu_code");
	f.storage = strcmp(storage, "pc") == 0 ? _("PC folder") : storage;
	f.days = ENROLL_FORM_DAYS;
	if ((text = appform_render(&f, flags, &cause)) == NULL)
		enroll_form_fail(err, ENROLL_LOCAL, cause);
	free(who);
	return text;
}

int
enroll_form_save(struct enroll *e, const char *key, char **path, struct enroll_error *err)
{
	const struct state_app	*a;
	char			*text = NULL, *cause = NULL;
	int			 rc = -1;

	*path = NULL;
	if ((a = enroll_form_app(e, key, err)) == NULL)
		return -1;
	if (state_get(a, "dir") == NULL) {
		enroll_form_fail(err, ENROLL_REFUSED,
		    strdup(_("this application has no folder for its keys")));
		return -1;
	}
	if (asprintf(path, "%s/application-%s.txt", state_get(a, "dir"),
	    state_get(a, "request_number")) == -1) {
		*path = NULL;
		enroll_form_fail(err, ENROLL_LOCAL, NULL);
		return -1;
	}
	/* enroll_form_text re-reads nothing, but keep the path first: a is good until then. */
	if ((text = enroll_form_text(e, key, APPFORM_BIG_NUMBER, err)) == NULL)
		goto out;
	if (atomicfile_write(*path, text, strlen(text), 0644, &cause) == -1) {
		enroll_form_fail(err, ENROLL_LOCAL, cause);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		free(*path);
		*path = NULL;
	}
	free(text);
	return rc;
}

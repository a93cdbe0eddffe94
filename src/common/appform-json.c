/*
 * appform-json — the form as it crosses to the PDF helper: one table of struct appform's
 * fields by name, read both ways, so the dump and the load cannot disagree; a load refuses
 * keys it does not know rather than guess (program and helper may be of different builds).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/appform-json.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"

/* A form states a verification window of days; the service gives 30, a year is absurd. */
#define APPFORM_JSON_DAYS_MAX	366

/* The form's strings by name; "days", "lang" and "path" are read on their own. */
static const struct appform_json_field {
	const char	*name;
	size_t		 off;
} appform_json_fields[] = {
	{ "number", offsetof(struct appform, number) },
	{ "date", offsetof(struct appform, date) },
	{ "deadline", offsetof(struct appform, deadline) },
	{ "org_name", offsetof(struct appform, org_name) },
	{ "bin", offsetof(struct appform, bin) },
	{ "applicant", offsetof(struct appform, applicant) },
	{ "iin", offsetof(struct appform, iin) },
	{ "email", offsetof(struct appform, email) },
	{ "role", offsetof(struct appform, role) },
	{ "region", offsetof(struct appform, region) },
	{ "city", offsetof(struct appform, city) },
	{ "gu_code", offsetof(struct appform, gu_code) },
	{ "storage", offsetof(struct appform, storage) },
};
#define APPFORM_JSON_NFIELDS	(sizeof appform_json_fields / sizeof appform_json_fields[0])
static const char *const appform_json_others[] = { "days", "lang", "path" };

static const char *
appform_json_get(const struct appform *af, const struct appform_json_field *f)
{
	return *(const char *const *)(const void *)((const char *)af + f->off);
}

static void
appform_json_put(struct appform *af, const struct appform_json_field *f, const char *s)
{
	*(const char **)(void *)((char *)af + f->off) = s;
}

char *
appform_json_dump(const struct appform *af, const char *lang, const char *path, char **cause)
{
	json_t		*o;
	const char	*s;
	char		*text = NULL;
	size_t		 i;
	int		 rc = 0;

	if (appform_check(af, cause) == -1)
		return NULL;
	if (utf8_count(path) < 0) {
		cause_set(cause, _("%s: the file name is not valid UTF-8"), path);
		return NULL;
	}
	/* json_object_set_new takes NULL for the object or the value and says -1. */
	o = json_object();
	for (i = 0; i < APPFORM_JSON_NFIELDS; i++) {
		s = appform_json_get(af, &appform_json_fields[i]);
		rc |= json_object_set_new(o, appform_json_fields[i].name,
		    s != NULL ? json_string(s) : json_null());
	}
	rc |= json_object_set_new(o, "days", json_integer(af->days));
	rc |= json_object_set_new(o, "lang", json_string(lang));
	rc |= json_object_set_new(o, "path", json_string(path));
	if (rc != 0 || (text = json_dumps(o, JSON_COMPACT)) == NULL)
		cause_set(cause, "%s", _("out of memory"));
	json_decref(o);
	return text;
}

/* Every key is one this version knows: a helper and a program from different builds differ. */
static int
appform_json_keys(json_t *root, char **cause)
{
	const char	*key;
	json_t		*v;
	size_t		 i;
	int		 known;

	json_object_foreach(root, key, v) {
		known = 0;
		for (i = 0; i < APPFORM_JSON_NFIELDS; i++)
			known |= strcmp(key, appform_json_fields[i].name) == 0;
		for (i = 0; i < sizeof appform_json_others / sizeof appform_json_others[0]; i++)
			known |= strcmp(key, appform_json_others[i]) == 0;
		if (!known) {
			cause_set(cause, "request: unknown key \"%s\"", key);
			return -1;
		}
	}
	return 0;
}

/* A string, or null for none (nullable); the key must be there. */
static int
appform_json_string(json_t *root, const char *key, int nullable, const char **out,
    char **cause)
{
	json_t	*v = json_object_get(root, key);

	*out = NULL;
	if (v == NULL)
		cause_set(cause, "request: \"%s\" is missing", key);
	else if (nullable && json_is_null(v))
		return 0;
	else if (!json_is_string(v))
		cause_set(cause, "request: \"%s\" is not a string", key);
	else {
		*out = json_string_value(v);
		return 0;
	}
	return -1;
}

static int
appform_json_read(json_t *root, struct appform_json *req, char **cause)
{
	const char	*s;
	json_t		*days;
	size_t		 i;

	if (!json_is_object(root)) {
		cause_set(cause, "request: not a JSON object");
		return -1;
	}
	if (appform_json_keys(root, cause) == -1)
		return -1;
	for (i = 0; i < APPFORM_JSON_NFIELDS; i++) {
		if (appform_json_string(root, appform_json_fields[i].name, 1, &s, cause) == -1)
			return -1;
		appform_json_put(&req->form, &appform_json_fields[i], s);
	}
	days = json_object_get(root, "days");
	if (!json_is_integer(days) || json_integer_value(days) < 0 ||
	    json_integer_value(days) > APPFORM_JSON_DAYS_MAX) {
		cause_set(cause, "request: \"days\" is not a number from 0 to %d",
		    APPFORM_JSON_DAYS_MAX);
		return -1;
	}
	req->form.days = (int)json_integer_value(days);
	if (appform_json_string(root, "lang", 0, &req->lang, cause) == -1 ||
	    appform_json_string(root, "path", 0, &req->path, cause) == -1)
		return -1;
	if (!i18n_known(req->lang)) {
		cause_set(cause, "request: unknown language \"%s\"", req->lang);
		return -1;
	}
	if (*req->path == '\0') {
		cause_set(cause, "request: \"path\" is empty");
		return -1;
	}
	return 0;
}

int
appform_json_load(const char *text, size_t len, struct appform_json *req, char **cause)
{
	json_error_t	 jerr;
	json_t		*root;

	memset(req, 0, sizeof *req);
	/* Without JSON_ALLOW_NUL a string holding U+0000 is refused: C would cut it short. */
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		cause_set(cause, "request: %s (line %d)", jerr.text, jerr.line);
		return -1;
	}
	req->root = root;
	if (appform_json_read(root, req, cause) == -1) {
		appform_json_free(req);
		return -1;
	}
	return 0;
}

void
appform_json_free(struct appform_json *req)
{
	json_decref(req->root);
	memset(req, 0, sizeof *req);
}

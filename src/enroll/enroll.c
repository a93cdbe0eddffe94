/*
 * enroll — the applicant's core (enroll.h): opening the state and the client, the draft,
 * the BIN and IIN checks, setting the form's fields by the field table, apply, status,
 * install and the report of it. Every failure leaves the person a reason.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appfield.h"
#include "common/email.h"
#include "common/mailnote.h"
#include "common/fault.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/reason.h"
#include "common/idnum.h"
#include "common/password.h"
#include "common/problem.h"
#include "common/reqnum.h"
#include "common/storage.h"
#include "enroll/answer.h"
#include "enroll/enroll-int.h"

void
enroll_now_iso(char out[21])
{
	time_t		now = time(NULL);
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 21, "%s", "1970-01-01T00:00:00Z");
}

int
enroll_on_token(const struct state_app *a)
{
	const struct storage_kind	*k = storage_find(state_get(a, APPKEY_STORAGE));

	return k != NULL && k->token;
}

void
enroll_fail_cause(struct failure *err, enum failure_kind kind, const char *field,
    const char *code, const char *cause)
{
	/* A layer below that failed without a word still leaves the person a reason. */
	if (cause == NULL || *cause == '\0')
		cause = kind == FAILURE_SERVICE ? _("the service could not be reached or failed") :
		    _("a local file or device failed");
	enroll_fail(err, kind, field, code, "%s", cause);
}

void
enroll_fail(struct failure *err, enum failure_kind kind, const char *field,
    const char *code, const char *fmt, ...)
{
	va_list	ap;
	char	*msg;

	if (err == NULL)
		return;
	failure_free(err);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	/* Never an empty reason: a sentence that could not be made is for want of memory. */
	if (msg == NULL)
		msg = strdup(_("out of memory"));
	err->kind = kind;
	err->message = msg;
	err->field = field != NULL ? strdup(field) : NULL;
	err->code = code != NULL ? strdup(code) : NULL;
}

int
enroll_fail_problems(struct failure *err, const char *field, struct problems *p)
{
	enroll_fail(err, FAILURE_REFUSED, field, p->n ? p->v[0].code : NULL, "%s",
	    p->n && p->v[0].message != NULL ? p->v[0].message : _("invalid value"));
	problems_free(p);
	return -1;
}

struct enroll *
enroll_open(const struct enroll_config *cfg, struct failure *err)
{
	enum client_config_error	 why = CLIENT_CONFIG_OK;
	struct enroll			*e;
	char				*path = NULL, *cause = NULL;

	if ((e = calloc(1, sizeof *e)) == NULL ||
	    (e->lang = strdup(cfg->lang != NULL ? cfg->lang : "en")) == NULL ||
	    (cfg->mail_dir != NULL && (e->mail_dir = strdup(cfg->mail_dir)) == NULL)) {
		if (e != NULL)
			free(e->lang);
		free(e);
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return NULL;
	}
	e->factory_pin_allow = cfg->factory_pin_allow;
	if (cfg->state_path == NULL && state_default_path(&path, &cause) == -1)
		goto local;
	if ((e->st = state_open(cfg->state_path != NULL ? cfg->state_path : path, &cause)) ==
	    NULL)
		goto local;
	free(path);
	/* A wrong setting is said now, before anything goes on the network. */
	if (cfg->service.url != NULL &&
	    (client_config_check(&cfg->service, &why, &cause) == -1 ||
	    (e->cl = client_new(&cfg->service, &cause)) == NULL)) {
		enroll_fail_cause(err, why == CLIENT_CONFIG_URL ? FAILURE_USAGE : FAILURE_LOCAL, NULL,
		    why != CLIENT_CONFIG_OK ? client_config_code(why) : NULL, cause);
		free(cause);
		enroll_close(e);
		return NULL;
	}
	return e;
local:
	enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
	free(cause);
	free(path);
	enroll_close(e);
	return NULL;
}

void
enroll_close(struct enroll *e)
{
	if (e == NULL)
		return;
	state_free(e->st);
	client_free(e->cl);
	free(e->lang);
	free(e->mail_dir);
	json_decref(e->support);
	free(e);
}

struct state_app *
enroll_app(struct enroll *e, const char *key)
{
	return state_app_find(e->st, key);
}

struct state_app *
enroll_begin(struct enroll *e, const char *id, struct failure *err)
{
	struct state_app	*a;
	char			*cause = NULL;

	if (state_begin(e->st, &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
		free(cause);
		return NULL;
	}
	if ((a = state_app_find(e->st, id)) == NULL) {
		state_abort(e->st);
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
		    _("no application %s is kept on this computer"), id);
	}
	return a;
}

int
enroll_commit(struct enroll *e, struct failure *err)
{
	char	*cause = NULL;

	if (state_commit(e->st, &cause) == 0)
		return 0;
	enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
	free(cause);
	return -1;
}

int
enroll_record(struct enroll *e, const char *id, enum machine_event ev,
    struct failure *err, ...)
{
	struct state_app	*a;
	const char		*k, *v;
	char			*cause = NULL;
	va_list			 ap;
	int			 ok = 1;

	if ((a = enroll_begin(e, id, err)) == NULL)
		return -1;
	va_start(ap, err);
	while (ok && (k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		ok = state_set(a, k, v, &cause) == 0;
	}
	va_end(ap);
	if (ok && ev != ENROLL_NO_MOVE)
		ok = state_move(a, ev, &cause) == 0;
	if (!ok) {
		state_abort(e->st);
		enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
		free(cause);
		return -1;
	}
	return enroll_commit(e, err);
}

/*
 * One call to the service; a 2xx answer is then checked against what a `kind` of answer
 * must hold (answer.c) before anyone reads it.
 */
int
enroll_call(struct enroll *e, const char *method, const char *path, json_t *body,
    int idempotent, enum answer kind, struct client_result *res, struct failure *err)
{
	char	*cause = NULL;
	int	 rc;

	if (e->cl == NULL) {
		memset(res, 0, sizeof *res);
		enroll_fail(err, FAILURE_USAGE, NULL, "service.none", "%s",
		    _("no enrollment service is named: give --service https://HOST:PORT (and "
		    "--ca-file FILE), or write 'service: https://HOST:PORT' in "
		    "~/.config/ncaenroll/config.yaml; --demo starts a demo service"));
		return -1;
	}
	rc = client_call(e->cl, method, path, body, idempotent, res, &cause);
	if (rc == -1)
		enroll_fail(err, res->failure == CLIENT_REFUSED ? FAILURE_REFUSED :
		    res->failure == CLIENT_CANCELLED ? FAILURE_CANCELLED : FAILURE_SERVICE,
		    res->field, res->code, "%s", cause != NULL ? cause : "?");
	else if ((rc = answer_check(res->json, kind, client_url(e->cl), &cause)) == -1)
		enroll_fail_cause(err, FAILURE_SERVICE, NULL, NULL, cause);
	free(cause);
	return rc;
}

static const char *
enroll_jstr(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/*
 * An application that can no longer go on is not taken up again: the sentence says why
 * and what to do instead. 0 for one that can (or is sent already, which changes nothing).
 */
static int
enroll_closed(const struct state_app *a, struct failure *err)
{
	const char	*n = state_get(a, APPKEY_REQUEST_NUMBER) != NULL ?
			    state_get(a, APPKEY_REQUEST_NUMBER) : a->id;

	if (a->state == MS_ABANDONED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.closed",
		    _("application %s was given up ('ncaenroll abandon') and cannot be sent; "
		    "start a new one with 'ncaenroll apply'"), n);
	else if (a->state == MS_REJECTED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.closed",
		    _("application %s was rejected at the registration desk and cannot go on; "
		    "apply again with new keys ('ncaenroll apply')"), n);
	else if (a->state == MS_REVOKED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.closed",
		    _("the certificates of application %s are revoked; a new application is "
		    "needed ('ncaenroll apply')"), n);
	else if (a->state == MS_CANCELLED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.closed",
		    _("application %s was cancelled (it was not verified at a registration "
		    "desk in time) and cannot go on; apply again with new keys ('ncaenroll "
		    "apply')"), n);
	else
		return 0;
	return -1;
}

int
enroll_draft(struct enroll *e, const char *resume, char id[STATE_ID_LEN + 1],
    struct failure *err)
{
	struct state_app	*a;
	char			*cause = NULL;

	if (resume != NULL) {
		if ((a = state_app_find(e->st, resume)) == NULL) {
			enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
			    _("no application %s is kept on this computer"), resume);
			return -1;
		}
		if (enroll_closed(a, err) == -1)
			return -1;
		memcpy(id, a->id, STATE_ID_LEN + 1);
		return 0;
	}
	if (state_begin(e->st, &cause) == -1 || (a = state_app_add(e->st, &cause)) == NULL ||
	    state_set(a, APPKEY_LANG, e->lang, &cause) == -1) {
		state_abort(e->st);
		enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
		free(cause);
		return -1;
	}
	memcpy(id, a->id, STATE_ID_LEN + 1);
	return enroll_commit(e, err);
}

int
enroll_captcha(struct enroll *e, struct enroll_captcha *c, struct failure *err)
{
	struct client_result	 res;
	json_t			*rows;
	const char		*row;
	size_t			 y, x;
	int			 rc = -1;

	memset(c, 0, sizeof *c);
	if (enroll_call(e, "POST", "/api/v1/captcha", NULL, 0, ANSWER_CAPTCHA, &res, err) == -1)
		goto out;
	rows = json_object_get(res.json, "bitmap");
	c->width = (int)json_integer_value(json_object_get(res.json, "width"));
	c->height = (int)json_integer_value(json_object_get(res.json, "height"));
	if (snprintf(c->id, sizeof c->id, "%s", enroll_jstr(res.json, "id")) >=
	    (int)sizeof c->id || c->id[0] == '\0' || c->width <= 0 || c->width > 200 ||
	    c->height <= 0 || c->height > 100 || !json_is_array(rows) ||
	    json_array_size(rows) != (size_t)c->height ||
	    (c->bits = calloc((size_t)c->width, (size_t)c->height)) == NULL) {
		enroll_fail(err, FAILURE_SERVICE, NULL, NULL, "%s",
		    _("the service sent a picture that cannot be shown"));
		goto out;
	}
	for (y = 0; y < (size_t)c->height; y++) {
		row = json_string_value(json_array_get(rows, y));
		if (row == NULL || strlen(row) != (size_t)c->width) {
			enroll_fail(err, FAILURE_SERVICE, NULL, NULL, "%s",
			    _("the service sent a picture that cannot be shown"));
			goto out;
		}
		for (x = 0; x < (size_t)c->width; x++)
			c->bits[y * (size_t)c->width + x] = row[x] == '#';
	}
	rc = 0;
out:
	if (rc == -1)
		enroll_captcha_free(c);
	client_result_free(&res);
	return rc;
}

void
enroll_captcha_free(struct enroll_captcha *c)
{
	free(c->bits);
	c->bits = NULL;
}

int
enroll_check_bin(struct enroll *e, const char *id, const char *bin, const char *captcha_id,
    const char *answer, struct failure *err)
{
	struct problems		 p;
	struct client_result	 res;
	json_t			*body, *name;
	char			 expires[24];
	int			 rc = -1;

	problems_init(&p);
	if (idnum_validate_bin(bin, NULL, &p) == -1)
		return enroll_fail_problems(err, "bin", &p);
	if (answer == NULL || *answer == '\0') {
		enroll_fail(err, FAILURE_REFUSED, "captcha_answer", "captcha.missing", "%s",
		    _("type the code from the picture"));
		return -1;
	}
	body = json_pack("{s:s, s:s, s:s}", "bin", bin, "captcha_id", captcha_id,
	    "captcha_answer", answer);
	if (enroll_call(e, "POST", "/api/v1/bin-check", body, 0, ANSWER_BIN_CHECK, &res,
	    err) == 0) {
		name = json_object_get(res.json, "name");
		(void)snprintf(expires, sizeof expires, "%lld", (long long)time(NULL) +
		    json_integer_value(json_object_get(res.json, "token_expires_in")));
		rc = enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_BIN, bin,
		    APPKEY_ORG_NAME_KK, enroll_jstr(name, "kk"),
		    APPKEY_ORG_NAME_RU, enroll_jstr(name, "ru"),
		    APPKEY_CHECK_TOKEN, enroll_jstr(res.json, "token"),
		    APPKEY_CHECK_TOKEN_EXPIRES, expires, (char *)NULL);
	}
	json_decref(body);
	client_result_free(&res);
	return rc;
}

/* 1 for the service's answers that the BIN check's token will serve no more IIN checks. */
static int
enroll_token_spent(const char *code)
{
	static const char *const spent[] = { "token.invalid", "token.used_up",
	    "token.bin_mismatch" };
	size_t	i;

	for (i = 0; code != NULL && i < sizeof spent / sizeof spent[0]; i++)
		if (strcmp(code, spent[i]) == 0)
			return 1;
	return 0;
}

/*
 * The token is dropped from the state, so that the BIN is checked again with a new
 * picture; the failure being reported already says why, so one of the state is not added.
 */
static void
enroll_forget_check(struct enroll *e, const char *id)
{
	struct failure	ignored = { 0, NULL, NULL, NULL };

	(void)enroll_record(e, id, ENROLL_NO_MOVE, &ignored, APPKEY_CHECK_TOKEN, (char *)NULL,
	    APPKEY_CHECK_TOKEN_EXPIRES, (char *)NULL, (char *)NULL);
	failure_free(&ignored);
}

int
enroll_check_iin(struct enroll *e, const char *id, const char *iin, struct failure *err)
{
	struct problems		 p;
	struct client_result	 res;
	struct state_app	*a;
	json_t			*body;
	const char		*token;
	int			 rc = -1;

	problems_init(&p);
	if (idnum_validate_iin(iin, time(NULL), NULL, &p) == -1)
		return enroll_fail_problems(err, "iin", &p);
	if ((a = state_app_find(e->st, id)) == NULL ||
	    (token = state_get(a, APPKEY_CHECK_TOKEN)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, "bin", "token.missing", "%s",
		    _("check the BIN first"));
		return -1;
	}
	body = json_pack("{s:s, s:s}", "iin", iin, "token", token);
	if (enroll_call(e, "POST", "/api/v1/iin-check", body, 1, ANSWER_IIN_CHECK, &res,
	    err) == 0)
		rc = enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_IIN, iin,
		    APPKEY_SURNAME, enroll_jstr(res.json, "surname"),
		    APPKEY_GIVEN_NAME, enroll_jstr(res.json, "given_name"),
		    APPKEY_PATRONYMIC, enroll_jstr(res.json, "patronymic"), (char *)NULL);
	else if (enroll_token_spent(err->code))
		enroll_forget_check(e, id);
	json_decref(body);
	client_result_free(&res);
	return rc;
}

int
enroll_precheck(const char *field, const char *value, struct failure *err)
{
	const struct appfield	*f = appfield_find(field);
	struct problems		 p;

	problems_init(&p);
	if (f != NULL && f->check != NULL && f->check(value, time(NULL), &p) == -1)
		return enroll_fail_problems(err, field, &p);
	return 0;
}

/*
 * What the core checks of a field's value beyond its syntax (appfield.h), before it is
 * stored; one row per field of the table, NULL for one not set with enroll_set (the BIN
 * and the IIN come with their checks).
 */
static int
enroll_check_storage(const struct appfield *f, const char *value, struct failure *err)
{
	if (storage_find(value) != NULL)
		return 0;
	enroll_fail(err, FAILURE_REFUSED, f->name, "storage.unknown",
	    _("unknown key storage '%s' (pc, etoken72k, jacarta, kaztoken, akey, idcard)"),
	    value);
	return -1;
}

static int
enroll_check_token(const struct appfield *f, const char *value, struct failure *err)
{
	if (*value != '\0' && strlen(value) <= 64)
		return 0;
	enroll_fail(err, FAILURE_REFUSED, f->name, "token.missing", "%s",
	    _("choose a connected token"));
	return -1;
}

static int
enroll_check_dir(const struct appfield *f, const char *value, struct failure *err)
{
	char	*cause = NULL;

	if (*value != '/') {
		enroll_fail(err, FAILURE_REFUSED, f->name, "dir.relative", "%s",
		    _("give the folder as a full path, starting with /"));
		return -1;
	}
	/* Said now, with its reason, not when the keys are made at Apply. */
	if (keystore_dir_probe(value, &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, f->name, "dir.unwritable", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* A value chosen from a list: its presence here, its place in the list later. */
static int
enroll_check_chosen(const struct appfield *f, const char *value, struct failure *err)
{
	if (*value != '\0')
		return 0;
	enroll_fail(err, FAILURE_REFUSED, f->name, "value.missing", "%s", _("choose a value"));
	return -1;
}

static int
enroll_check_syntax(const struct appfield *f, const char *value, struct failure *err)
{
	struct problems	p;

	problems_init(&p);
	if (f->check(value, time(NULL), &p) == -1)
		return enroll_fail_problems(err, f->name, &p);
	return 0;
}

static int (*const enroll_checks[APPFIELD__MAX])(const struct appfield *, const char *,
    struct failure *) = {
	[APPFIELD_EMAIL] = enroll_check_syntax,
	[APPFIELD_ROLE] = enroll_check_chosen,
	[APPFIELD_REGION] = enroll_check_chosen,
	[APPFIELD_CITY] = enroll_check_chosen,
	[APPFIELD_GU_CODE] = enroll_check_syntax,
	[APPFIELD_STORAGE] = enroll_check_storage,
	[APPFIELD_DIR] = enroll_check_dir,
	[APPFIELD_TOKEN] = enroll_check_token,
};

/* Where the person stopped (a screen's id, for Continue): not in the form. */
static int
enroll_check_screen(const char *value, struct failure *err)
{
	if (*value == '\0' || strlen(value) > 32 ||
	    strspn(value, "abcdefghijklmnopqrstuvwxyz_") != strlen(value)) {
		enroll_fail(err, FAILURE_LOCAL, APPKEY_SCREEN, NULL, "bad screen id '%s'", value);
		return -1;
	}
	return 0;
}

static int
enroll_check_field(const char *field, const char *value, struct failure *err)
{
	const struct appfield	*f = appfield_find(field);

	if (strcmp(field, APPKEY_SCREEN) == 0)
		return enroll_check_screen(value, err);
	if (f == NULL || enroll_checks[f - appfield_table] == NULL) {
		enroll_fail(err, FAILURE_LOCAL, field, NULL, "unknown field '%s'", field);
		return -1;
	}
	return enroll_checks[f - appfield_table](f, value, err);
}

/* The entry with this id in a directory answer (an array of {id, ...} or {code}), or NULL. */
static json_t *
enroll_dir_find(json_t *list, const char *key, const char *value)
{
	size_t	 i;
	json_t	*item;

	json_array_foreach(list, i, item)
		if (strcmp(enroll_jstr(item, key), value) == 0)
			return item;
	return NULL;
}

int
enroll_directory(struct enroll *e, const char *id, const char *which, json_t **out,
    struct failure *err)
{
	struct client_result	 res;
	struct state_app	*a = state_app_find(e->st, id);
	char			*path = NULL;
	int			 rc = -1;

	*out = NULL;
	if (strcmp(which, "roles") == 0 || strcmp(which, "regions") == 0)
		rc = asprintf(&path, "/api/v1/directories/%s", which);
	else if (strncmp(which, "cities:", 7) == 0)
		rc = asprintf(&path, "/api/v1/directories/regions/%s/cities", which + 7);
	else if (strcmp(which, "gu-codes") == 0 && a != NULL &&
	    state_get(a, APPKEY_BIN) != NULL) {
		/* The service names them only to the BIN's check (the token is hex). */
		if (state_get(a, APPKEY_CHECK_TOKEN) == NULL) {
			enroll_fail(err, FAILURE_REFUSED, "bin", "token.missing", "%s",
			    _("check the BIN first"));
			return -1;
		}
		rc = asprintf(&path, "/api/v1/gu-codes?bin=%s&token=%s",
		    state_get(a, APPKEY_BIN), state_get(a, APPKEY_CHECK_TOKEN));
	}
	if (rc == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "unknown directory '%s'", which);
		return -1;
	}
	rc = enroll_call(e, "GET", path, NULL, 1, strcmp(which, "gu-codes") == 0 ?
	    ANSWER_GU_CODES : ANSWER_DIRECTORY, &res, err);
	if (rc == 0)
		*out = json_incref(res.json);
	client_result_free(&res);
	free(path);
	return rc;
}

/*
 * A value chosen from one of the service's directories (role, region, city, ГУ/СКС code:
 * the table's directory) must be in it; its names (kk, ru, en) come back into names[]
 * (malloc'd, NULL when it has none) so the application form can show them later without
 * the network.
 */
static int
enroll_check_directory(struct enroll *e, const char *id, const struct appfield *f,
    const char *value, char *names[3], struct failure *err)
{
	static const char *const langs[] = { "kk", "ru", "en" };
	struct state_app	*a = state_app_find(e->st, id);
	json_t			*list = NULL, *item;
	char			*which = NULL;
	const char		*region, *n;
	int			 rc = 0, l, gu = f == &appfield_table[APPFIELD_GU_CODE];

	if (f->directory == NULL || f == &appfield_table[APPFIELD_TOKEN])
		return 0;	/* no list, or the tokens connected here (enroll_set_token) */
	if (f == &appfield_table[APPFIELD_CITY]) {
		if (a == NULL || (region = state_get(a, APPKEY_REGION)) == NULL) {
			enroll_fail(err, FAILURE_REFUSED, appfield_table[APPFIELD_REGION].name,
			    "region.missing", "%s", _("choose the region first"));
			return -1;
		}
		rc = asprintf(&which, "%s:%s", f->directory, region);
	} else
		rc = asprintf(&which, "%s", f->directory);
	if (rc == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return -1;
	}
	rc = enroll_directory(e, id, which, &list, err);
	free(which);
	if (rc == -1)
		return -1;
	item = enroll_dir_find(list, gu ? "code" : "id", value);
	for (l = 0; item != NULL && l < 3; l++)
		if ((n = json_string_value(json_object_get(json_object_get(item, "name"),
		    langs[l]))) != NULL && *n != '\0')
			names[l] = strdup(n);
	json_decref(list);
	if (item == NULL) {
		enroll_fail(err, FAILURE_REFUSED, f->name, "value.unknown",
		    gu ? _("%s is not a ГУ/СКС code of this organization") :
		    f == &appfield_table[APPFIELD_CITY] ?
		    _("there is no city '%s' in the chosen region") :
		    _("'%s' is not in the list"), value);
		return -1;
	}
	return 0;
}

/* A token is chosen only while it is connected; its label is kept for the screens. */
static int
enroll_set_token(struct enroll *e, const char *id, const char *serial,
    struct failure *err)
{
	struct keystore_token	*list = NULL;
	size_t			 n = 0, i;
	int			 rc;

	if (enroll_tokens(e, &list, &n, err) == -1)
		return -1;
	for (i = 0; i < n && strcmp(list[i].serial, serial) != 0; i++)
		;
	if (i == n) {
		enroll_fail(err, FAILURE_REFUSED, "token", "token.absent",
		    _("no token with serial number %s is connected"), serial);
		rc = -1;
	} else
		rc = enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_TOKEN, serial,
		    APPKEY_TOKEN_LABEL, list[i].label, (char *)NULL);
	keystore_pkcs11_tokens_free(list, n);
	return rc;
}

/* role_kk, role_ru, role_en...: the form is printed without asking the service. */
static int
enroll_set_named(struct enroll *e, const char *id, const struct appfield *f,
    const char *value, char *const names[3], struct failure *err)
{
	char	key[3][32];
	int	l;

	for (l = 0; l < 3; l++)
		(void)snprintf(key[l], sizeof key[l], "%s_%s", f->key, l == 0 ? "kk" :
		    l == 1 ? "ru" : "en");
	/* A new region makes the old city meaningless. */
	if (f == &appfield_table[APPFIELD_REGION])
		return enroll_record(e, id, ENROLL_NO_MOVE, err, f->key, value, key[0],
		    names[0], key[1], names[1], key[2], names[2], APPKEY_CITY, (char *)NULL,
		    APPKEY_CITY "_kk", (char *)NULL, APPKEY_CITY "_ru", (char *)NULL,
		    APPKEY_CITY "_en", (char *)NULL, (char *)NULL);
	return enroll_record(e, id, ENROLL_NO_MOVE, err, f->key, value, key[0], names[0],
	    key[1], names[1], key[2], names[2], (char *)NULL);
}

int
enroll_set(struct enroll *e, const char *id, const char *field, const char *value,
    struct failure *err)
{
	const struct appfield	*f;
	char			*names[3] = { NULL, NULL, NULL };
	int			 rc, l;

	if (enroll_check_field(field, value, err) == -1)
		return -1;
	if ((f = appfield_find(field)) == NULL)		/* the screen, checked above */
		return enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_SCREEN, value,
		    (char *)NULL);
	if (enroll_check_directory(e, id, f, value, names, err) == -1)
		return -1;
	if (f == &appfield_table[APPFIELD_TOKEN])
		return enroll_set_token(e, id, value, err);
	if (f == &appfield_table[APPFIELD_ROLE] || f == &appfield_table[APPFIELD_REGION] ||
	    f == &appfield_table[APPFIELD_CITY])
		rc = enroll_set_named(e, id, f, value, names, err);
	else
		rc = enroll_record(e, id, ENROLL_NO_MOVE, err, f->key, value, (char *)NULL);
	for (l = 0; l < 3; l++)
		free(names[l]);
	return rc;
}

/*
 * What an application needs before its keys are made, in this order: the table's fields
 * (a refusal names the field's label, never the key) and, after the BIN and the IIN,
 * their checks, which bring the organization's and the applicant's names.
 */
static const struct {
	enum appfield_id	 field;	/* APPFIELD__MAX: a check, key and name below */
	const char		*key;
	const char		*name;	/* N_() */
} enroll_required[] = {
	{ APPFIELD_BIN, NULL, NULL },
	{ APPFIELD__MAX, APPKEY_ORG_NAME_RU, N_("Check of the organization") },
	{ APPFIELD_IIN, NULL, NULL },
	{ APPFIELD__MAX, APPKEY_SURNAME, N_("Check of the applicant") },
	{ APPFIELD_ROLE, NULL, NULL },
	{ APPFIELD_REGION, NULL, NULL },
	{ APPFIELD_CITY, NULL, NULL },
	{ APPFIELD_GU_CODE, NULL, NULL },
	{ APPFIELD_STORAGE, NULL, NULL },
	/* Then one of the two, by the storage. */
	{ APPFIELD_DIR, NULL, NULL },
	{ APPFIELD_TOKEN, NULL, NULL },
};
#define ENROLL_NREQUIRED (sizeof enroll_required / sizeof enroll_required[0])

static int
enroll_complete(const struct state_app *a, struct failure *err)
{
	enum appfield_id	 skip = enroll_on_token(a) ? APPFIELD_DIR : APPFIELD_TOKEN;
	const char		*key, *name;
	size_t			 i;

	for (i = 0; i < ENROLL_NREQUIRED; i++) {
		if (enroll_required[i].field == skip)
			continue;
		key = enroll_required[i].field == APPFIELD__MAX ? enroll_required[i].key :
		    appfield_table[enroll_required[i].field].key;
		name = enroll_required[i].field == APPFIELD__MAX ? enroll_required[i].name :
		    appfield_table[enroll_required[i].field].label;
		if (state_get(a, key) != NULL)
			continue;
		enroll_fail(err, FAILURE_REFUSED, key, "value.missing",
		    _("the application is not complete: '%s' is missing"), _(name));
		return -1;
	}
	return 0;
}

/*
 * The application's keystore: its PC folder, or its token opened with the PIN (the
 * person's, for this one call; never kept). A refusal names the field a screen shows it
 * at: "dir", or "pin" for a token (a wrong PIN, no token, a locked one).
 */
struct keystore *
enroll_keystore(const struct state_app *a, const struct secret *pin,
    struct failure *err)
{
	struct keystore		*ks;
	enum p11_failure	 why = P11_OK;
	char			*cause = NULL;

	if (!enroll_on_token(a))
		ks = keystore_file_open(state_get(a, APPKEY_DIR), a->id, &cause);
	else if (pin == NULL) {
		enroll_fail(err, FAILURE_REFUSED, "pin", "pin.missing", "%s",
		    _("the keys are on a token: its PIN is needed"));
		return NULL;
	} else
		ks = keystore_pkcs11_open_why(keystore_pkcs11_module(),
		    state_get(a, APPKEY_TOKEN), a->id, pin, &why, &cause);
	if (ks == NULL && !enroll_on_token(a))
		enroll_fail_cause(err, FAILURE_LOCAL, "dir", NULL, cause);
	else if (ks == NULL && (why == P11_PIN || why == P11_LOCKED))
		enroll_fail_cause(err, FAILURE_REFUSED, "pin", why == P11_PIN ? "pin.wrong" :
		    "pin.locked", cause);
	else if (ks == NULL)		/* not connected, pulled out, no module */
		enroll_fail_cause(err, FAILURE_LOCAL, "token", "token.unavailable", cause);
	free(cause);
	return ks;
}

/* Where the keys are, for messages: the folder, or the token's label or serial. */
static const char *
enroll_key_field(const struct state_app *a)
{
	return enroll_on_token(a) ? "pin" : "dir";
}

int
enroll_tokens(struct enroll *e, struct keystore_token **list, size_t *n,
    struct failure *err)
{
	char	*cause = NULL;

	size_t	i, kept = 0;

	(void)e;
	if (keystore_pkcs11_tokens(keystore_pkcs11_module(), list, n, &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, "token", NULL, cause);
		free(cause);
		return -1;
	}
	/* A token never initialised (a blank one, SoftHSM's spare slot) has no PIN to open it. */
	for (i = 0; i < *n; i++)
		if ((*list)[i].initialized)
			(*list)[kept++] = (*list)[i];
		else
			keystore_pkcs11_token_clear(&(*list)[i]);
	*n = kept;
	return 0;
}

static int
enroll_make_keys(struct enroll *e, const char *id, const struct secret *pin,
    struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	struct keystore		*ks;
	char			*cause = NULL;
	int			 created;

	if ((ks = enroll_keystore(a, pin, err)) == NULL)
		return -1;
	if (ks->ops->generate(ks, &created, &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, enroll_key_field(a), NULL, cause);
		free(cause);
		keystore_close(ks);
		return -1;
	}
	keystore_close(ks);
	FAULT_POINT("apply.keys-made");
	if (enroll_record(e, id, ME_KEYS_MADE, err, (char *)NULL) == -1)
		return -1;
	FAULT_POINT("apply.keys-ready");
	return 0;
}

/* Every field the table sends, by its member; an empty optional one is not sent. */
static json_t *
enroll_submission(const struct state_app *a, const char *csr_auth, const char *csr_sign)
{
	const char	*v;
	json_t		*body;
	size_t		 i;

	body = json_pack("{s:s, s:s, s:s, s:s}",
	    "token", state_get(a, APPKEY_CHECK_TOKEN) ? state_get(a, APPKEY_CHECK_TOKEN) : "",
	    "lang", state_get(a, APPKEY_LANG) ? state_get(a, APPKEY_LANG) : "en",
	    "csr_auth", csr_auth, "csr_sign", csr_sign);
	for (i = 0; body != NULL && i < APPFIELD__MAX; i++) {
		if (appfield_table[i].wire == NULL ||
		    ((v = state_get(a, appfield_table[i].key)) == NULL || *v == '\0'))
			continue;
		if (json_object_set_new(body, appfield_table[i].wire, json_string(v)) == -1) {
			json_decref(body);
			body = NULL;
		}
	}
	return body;
}

static int
enroll_submit(struct enroll *e, const char *id, const struct secret *pin,
    struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	struct keystore		*ks;
	struct client_result	 res;
	json_t			*body = NULL;
	char			*csr[KEYSTORE_KEY__MAX] = { NULL, NULL }, *cause = NULL;
	int			 rc = -1;

	memset(&res, 0, sizeof res);
	if ((ks = enroll_keystore(a, pin, err)) == NULL)
		return -1;
	/* RSA PKCS#1 v1.5 signatures are deterministic: the same keys give the same CSRs. */
	if (ks->ops->csr(ks, KEYSTORE_AUTH, &csr[KEYSTORE_AUTH], &cause) == -1 ||
	    ks->ops->csr(ks, KEYSTORE_SIGN, &csr[KEYSTORE_SIGN], &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, enroll_key_field(a), NULL, cause);
		goto out;
	}
	if ((body = enroll_submission(a, csr[KEYSTORE_AUTH], csr[KEYSTORE_SIGN])) == NULL) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		goto out;
	}
	/* Safe to repeat: the service answers a known key pair with the same number. */
	if (enroll_call(e, "POST", "/api/v1/applications", body, 1, ANSWER_SUBMITTED,
	    &res, err) == -1)
		goto out;
	FAULT_POINT("apply.submit-answered");
	rc = enroll_record(e, id, ME_SUBMIT_OK, err,
	    APPKEY_REQUEST_NUMBER, enroll_jstr(res.json, "request_number"),
	    APPKEY_DEADLINE, enroll_jstr(res.json, "deadline"),
	    APPKEY_MAIL, enroll_jstr(res.json, "mail"),
	    APPKEY_CHECK_TOKEN, (char *)NULL, APPKEY_CHECK_TOKEN_EXPIRES, (char *)NULL,
	    (char *)NULL);
	if (rc == 0)
		FAULT_POINT("apply.submitted");
out:
	client_result_free(&res);
	json_decref(body);
	free(csr[KEYSTORE_AUTH]);
	free(csr[KEYSTORE_SIGN]);
	free(cause);
	keystore_close(ks);
	return rc;
}

static void
enroll_fail_stopped(struct failure *err)
{
	enroll_fail(err, FAILURE_CANCELLED, NULL, NULL, "%s", _("Stopped. Nothing is lost: "
	    "the keys are kept, and applying again goes on from here."));
}

/* Between two steps: did the person say stop? */
static int
enroll_stopped(const struct enroll_progress *pg, struct failure *err)
{
	if (pg == NULL || pg->stop == NULL || pg->stop(pg->arg) == 0)
		return 0;
	enroll_fail_stopped(err);
	return 1;
}

int
enroll_apply(struct enroll *e, const char *id, const struct secret *pin,
    const struct enroll_progress *pg, struct failure *err)
{
	struct state_app	*a;
	int			 rc;

	if ((a = state_app_find(e->st, id)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
		    _("no application %s is kept on this computer"), id);
		return -1;
	}
	if (a->state != MS_DRAFT && a->state != MS_KEYS_READY)
		return 0;	/* already submitted: applying again changes nothing */
	if (enroll_complete(a, err) == -1)
		return -1;
	if (a->state == MS_DRAFT) {
		/* Never under a factory PIN (unless allowed): whoever took the token could sign. */
		if (enroll_pin_refuse(e, id, pin, err) == -1)
			return -1;
		if (pg != NULL && pg->step != NULL)
			pg->step(pg->arg, ENROLL_STEP_KEYS);
		if (enroll_make_keys(e, id, pin, err) == -1)
			return -1;
	}
	if (enroll_stopped(pg, err))
		return -1;
	if (pg != NULL && pg->step != NULL)
		pg->step(pg->arg, ENROLL_STEP_SEND);
	if (e->cl != NULL && pg != NULL)
		client_set_cancel(e->cl, pg->stop, pg->arg);
	rc = enroll_submit(e, id, pin, err);
	if (e->cl != NULL)
		client_set_cancel(e->cl, NULL, NULL);
	if (rc == -1 && err != NULL && err->kind == FAILURE_CANCELLED)
		enroll_fail_stopped(err);
	return rc;
}

/* What the service's status means for the local application. */
static const struct {
	const char		*status;
	enum machine_event	 event;
} enroll_status_events[] = {
	{ "issued", ME_APPROVED },
	{ "installed", ME_APPROVED },
	{ "rejected", ME_REJECTED },
	{ "cancelled", ME_EXPIRED },
	{ "revoked", ME_REVOKED },
};

/* A revocation the service reports (by a desk, a renewal, another run), kept with it. */
static void
enroll_note_revocation(struct state_app *a, json_t *status)
{
	json_t	*r = json_object_get(status, "revocation");

	if (!json_is_object(r))
		return;
	/* Best effort: the status itself is kept; a field that cannot be is learnt again. */
	(void)state_set(a, APPKEY_REVOKED_AT, json_string_value(json_object_get(r, "at")),
	    NULL);
	(void)state_set(a, APPKEY_REVOKE_REASON,
	    json_string_value(json_object_get(r, "reason")), NULL);
	(void)state_set(a, APPKEY_REVOKED_BY, json_string_value(json_object_get(r, "by")),
	    NULL);
}

int
enroll_refresh(struct enroll *e, const char *key, json_t **status, struct failure *err)
{
	struct client_result	 res;
	struct state_app	*a;
	struct problems		 p;
	enum machine_state	 to;
	const char		*number = key, *svc;
	char			 canon[REQNUM_LEN + 1], *path = NULL, *cause = NULL;
	size_t			 i;
	int			 rc = -1;

	if (status != NULL)
		*status = NULL;
	if ((a = state_app_find(e->st, key)) != NULL &&
	    (number = state_get(a, APPKEY_REQUEST_NUMBER)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.not_submitted", "%s",
		    _("this application has not been submitted yet"));
		return -1;
	}
	problems_init(&p);
	if (reqnum_parse(number, canon, &p) == -1)
		return enroll_fail_problems(err, "request_number", &p);
	if (asprintf(&path, "/api/v1/applications/%s", canon) == -1)
		return -1;
	if (enroll_call(e, "GET", path, NULL, 1, ANSWER_STATUS, &res, err) == -1)
		goto out;
	svc = enroll_jstr(res.json, "status");
	if ((a = state_app_find(e->st, canon)) != NULL) {
		if ((a = enroll_begin(e, canon, err)) == NULL)
			goto out;
		(void)state_set(a, APPKEY_STATUS, svc, NULL);
		for (i = 0; i < sizeof enroll_status_events / sizeof enroll_status_events[0]; i++)
			if (strcmp(svc, enroll_status_events[i].status) == 0 &&
			    machine_next(a->state, enroll_status_events[i].event, &to) == 0)
				(void)state_move(a, enroll_status_events[i].event, &cause);
		enroll_note_revocation(a, res.json);
		if (json_string_value(json_object_get(res.json, "renewed_by")) != NULL)
			(void)state_set(a, APPKEY_RENEWED_BY,
			    json_string_value(json_object_get(res.json, "renewed_by")), NULL);
		if (enroll_commit(e, err) == -1)
			goto out;
	}
	if (status != NULL)
		*status = json_incref(res.json);
	rc = 0;
out:
	client_result_free(&res);
	free(path);
	free(cause);
	return rc;
}

/*
 * The certificates judged as install will judge them (chain, key usage, the pending
 * key's public half, read from a request the keystore makes) before they are recorded:
 * kept in the state, a wrong answer would be installed again at every try. A refusal is
 * the service's failure.
 */
static int
enroll_certs_fit(struct enroll *e, const char *id, const struct secret *pin,
    json_t *certs, struct failure *err)
{
	static const char *const member[KEYSTORE_KEY__MAX] = { "auth", "sign" };
	struct state_app	*a = state_app_find(e->st, id);
	struct keystore		*ks;
	char			*csr = NULL, *cause = NULL;
	int			 k, rc = 0;

	if ((ks = enroll_keystore(a, pin, err)) == NULL)
		return -1;
	for (k = 0; rc == 0 && k < KEYSTORE_KEY__MAX; k++) {
		if (ks->ops->csr(ks, k, &csr, &cause) == -1) {
			enroll_fail_cause(err, FAILURE_LOCAL, enroll_key_field(a), NULL, cause);
			rc = -1;
		} else if (keystore_cert_check_csr(k, enroll_jstr(json_object_get(certs,
		    member[k]), "pem"), enroll_jstr(certs, "chain_pem"), csr, &cause) == -1) {
			enroll_fail(err, FAILURE_SERVICE, NULL, NULL, _("the service at %s sent "
			    "certificates this program will not install: %s"), client_url(e->cl),
			    cause);
			rc = -1;
		}
		free(csr);
		free(cause);
		csr = cause = NULL;
	}
	keystore_close(ks);
	return rc;
}

/*
 * issued -> certs_ready: the certificates and the nonce to prove the key with. They name
 * the holder in full, so the service gives them only against a signature by the pending
 * AUTH key over a "certificates" challenge (doc/api-lifecycle.md).
 */
static int
enroll_download(struct enroll *e, const char *id, const char *number,
    const struct secret *pin, struct failure *err)
{
	struct client_result	 res;
	json_t			*body = NULL;
	char			*path = NULL;
	int			 rc = -1;

	memset(&res, 0, sizeof res);
	if (asprintf(&path, "/api/v1/applications/%s/certificates", number) == -1) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return -1;
	}
	/* Not repeated on a lost answer: the nonce is spent; install again asks a new one. */
	if ((body = enroll_lc_signed_body(e, state_app_find(e->st, id), "certificates", "",
	    pin, NULL, err)) == NULL ||
	    enroll_call(e, "POST", path, body, 0, ANSWER_CERTIFICATES, &res, err) == -1 ||
	    enroll_certs_fit(e, id, pin, res.json, err) == -1)
		goto out;
	rc = enroll_record(e, id, ME_DOWNLOADED, err,
	    APPKEY_CERT_AUTH, enroll_jstr(json_object_get(res.json, "auth"), "pem"),
	    APPKEY_CERT_SIGN, enroll_jstr(json_object_get(res.json, "sign"), "pem"),
	    APPKEY_CHAIN, enroll_jstr(res.json, "chain_pem"),
	    APPKEY_INSTALL_NONCE, enroll_jstr(res.json, "install_nonce"), (char *)NULL);
	if (rc == 0)
		FAULT_POINT("install.downloaded");
out:
	client_result_free(&res);
	json_decref(body);
	free(path);
	return rc;
}

/*
 * The proof is made while the pending key still exists and is kept in the state (it
 * proves possession, it grants nothing), so a report that fails can be retried after
 * the pending keys are gone.
 */
static int
enroll_prove(struct enroll *e, const char *id, const struct secret *pin,
    struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	struct keystore		*ks;
	unsigned char		*sig = NULL;
	char			*b64 = NULL, *cause = NULL;
	const char		*nonce = state_get(a, APPKEY_INSTALL_NONCE);
	size_t			 siglen = 0;
	int			 rc = -1;

	if (state_get(a, APPKEY_INSTALL_PROOF) != NULL)
		return 0;
	if (nonce == NULL) {
		enroll_fail(err, FAILURE_LOCAL, NULL, "install.no_proof", "%s",
		    _("the service's request for the proof of the installation was not kept on "
		    "this computer"));
		return -1;
	}
	if ((ks = enroll_keystore(a, pin, err)) == NULL)
		return -1;
	if (ks->ops->sign(ks, KEYSTORE_AUTH, nonce, strlen(nonce), &sig, &siglen, &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, enroll_key_field(a), NULL, cause);
		goto out;
	}
	if ((b64 = calloc(1, 4 * ((siglen + 2) / 3) + 1)) == NULL) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		goto out;
	}
	(void)EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	if ((rc = enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_INSTALL_PROOF, b64,
	    (char *)NULL)) == 0)
		FAULT_POINT("install.proved");
out:
	keystore_close(ks);
	free(sig);
	free(b64);
	free(cause);
	return rc;
}

static int
enroll_report(struct enroll *e, const char *id, const char *number, struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	struct client_result	 res;
	json_t			*body;
	char			*path = NULL;
	int			 rc = -1;

	if (state_get(a, APPKEY_REPORTED) != NULL)
		return 0;
	/* An older ncaenroll installed without keeping the proof: nothing to report with. */
	if (state_get(a, APPKEY_INSTALL_NONCE) == NULL ||
	    state_get(a, APPKEY_INSTALL_PROOF) == NULL) {
		enroll_fail(err, FAILURE_LOCAL, NULL, "install.no_proof", "%s",
		    _("the certificates are installed, but the service cannot be told so: "
		    "the proof of the installation was not kept on this computer"));
		return -1;
	}
	body = json_pack("{s:s, s:s}", "nonce", state_get(a, APPKEY_INSTALL_NONCE),
	    "signature", state_get(a, APPKEY_INSTALL_PROOF));
	if (body == NULL || asprintf(&path, "/api/v1/applications/%s/installed", number) == -1) {
		json_decref(body);
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return -1;
	}
	if (enroll_call(e, "POST", path, body, 1, ANSWER_INSTALLED, &res, err) == 0) {
		FAULT_POINT("install.reported");
		rc = enroll_record(e, id, ENROLL_NO_MOVE, err, APPKEY_REPORTED, "yes",
		    APPKEY_STATUS, "installed", (char *)NULL);
	}
	client_result_free(&res);
	json_decref(body);
	free(path);
	return rc;
}

static int
enroll_write_containers(struct enroll *e, const char *id, const struct secret *pw,
    enum keystore_p12_layout layout, struct failure *err)
{
	struct state_app		*a = state_app_find(e->st, id);
	struct keystore			*ks;
	struct keystore_installed	 done;
	const char			*certs[KEYSTORE_KEY__MAX];
	char				*cause = NULL, now[21];
	int				 rc = -1;

	memset(&done, 0, sizeof done);
	certs[KEYSTORE_AUTH] = state_get(a, APPKEY_CERT_AUTH);
	certs[KEYSTORE_SIGN] = state_get(a, APPKEY_CERT_SIGN);
	if ((ks = enroll_keystore(a, pw, err)) == NULL)
		return -1;
	if (ks->ops->install(ks, certs, state_get(a, APPKEY_CHAIN), pw, layout, &done,
	    &cause) == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, NULL, NULL, cause);
		goto out;
	}
	FAULT_POINT("install.containers-written");
	enroll_now_iso(now);
	rc = enroll_record(e, id, ME_INSTALLED, err,
	    APPKEY_CONTAINER_AUTH, done.path[KEYSTORE_AUTH],
	    APPKEY_CONTAINER_SIGN, done.path[KEYSTORE_SIGN], APPKEY_INSTALLED_AT, now,
	    (char *)NULL);
	if (rc == 0)
		FAULT_POINT("install.installed");
out:
	keystore_installed_free(&done);
	keystore_close(ks);
	free(cause);
	return rc;
}

/*
 * What a person reads when an application has nothing to install, or NULL (malloc'd).
 * status: the service's answer, or NULL when it was not had (deadline: the one kept).
 */
static char *
enroll_not_ready_text(enum machine_state st, const json_t *status, const char *deadline)
{
	char	*why = NULL, *text = NULL;

	if (json_string_value(json_object_get(status, "deadline")) != NULL)
		deadline = json_string_value(json_object_get(status, "deadline"));

	if (st == MS_REJECTED) {
		why = reason_describe(status, i18n_current());
		if (asprintf(&text, _("the application was rejected at the registration desk%s%s, "
		    "so there is nothing to install; apply again with new keys"),
		    why != NULL ? ": " : "", why != NULL ? why : "") == -1)
			text = NULL;
	} else if (st == MS_CANCELLED)
		text = strdup(_("the application was cancelled: it was not verified at a "
		    "registration desk in time, so there is nothing to install; apply again with "
		    "new keys"));
	else if (asprintf(&text, _("the certificates are not issued yet: the application "
	    "waits for verification at a registration desk (until %.10s); install after it is "
	    "approved"), deadline != NULL ? deadline : "?") == -1)
		text = NULL;
	free(why);
	return text;
}

int
enroll_install_ready(struct enroll *e, const char *key, struct failure *err)
{
	struct state_app	*a = enroll_app(e, key);
	enum machine_state	 st;
	json_t			*status = NULL;
	char			*text, deadline[32];

	if (a == NULL || (a->state != MS_SUBMITTED && a->state != MS_REJECTED &&
	    a->state != MS_CANCELLED))
		return 0;
	st = a->state;
	(void)snprintf(deadline, sizeof deadline, "%s", state_get(a, APPKEY_DEADLINE) != NULL ?
	    state_get(a, APPKEY_DEADLINE) : "?");
	/*
	 * The service may have decided meanwhile; unreachable, install itself says so. A
	 * refusal or a cancellation is for good: known here, it is said without the service.
	 */
	if (enroll_refresh(e, key, &status, err) == -1 || (a = enroll_app(e, key)) == NULL) {
		failure_free(err);
		json_decref(status);
		status = NULL;
		if (st == MS_SUBMITTED)
			return 0;
	} else
		st = a->state;
	if (st != MS_SUBMITTED && st != MS_REJECTED && st != MS_CANCELLED) {
		json_decref(status);
		return 0;
	}
	text = enroll_not_ready_text(st, status, deadline);
	json_decref(status);
	enroll_fail(err, FAILURE_REFUSED, "request_number", "application.not_issued", "%s",
	    text != NULL ? text : _("out of memory"));
	free(text);
	return -1;
}

/*
 * A renewal installed: the service has revoked the application it renews (superseded),
 * which the local copy learns now. Best effort: a status asked later learns it too.
 */
static void
enroll_install_superseded(struct enroll *e, const char *id)
{
	struct state_app	*a = state_app_find(e->st, id);
	char			 old[REQNUM_LEN + 1];

	if (a == NULL || state_get(a, APPKEY_RENEWS) == NULL)
		return;
	(void)snprintf(old, sizeof old, "%s", state_get(a, APPKEY_RENEWS));
	if (state_app_find(e->st, old) != NULL)
		(void)enroll_refresh(e, old, NULL, NULL);
}

int
enroll_install(struct enroll *e, const char *key, const struct secret *pw,
    enum keystore_p12_layout layout, struct failure *err)
{
	struct state_app	*a;
	struct problems		 p;
	char			 id[STATE_ID_LEN + 1], number[REQNUM_LEN + 1];

	if ((a = state_app_find(e->st, key)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
		    _("no application %s is kept on this computer; install on the computer "
		    "where the keys were made"), key);
		return -1;
	}
	memcpy(id, a->id, sizeof id);
	if (a->state == MS_INSTALLED)
		goto report;
	problems_init(&p);
	/* The password is judged before anything is fetched or written (a PIN is the
	 * token's to judge). */
	if (!enroll_on_token(a) && password_check(secret_reveal(pw), &p) == -1)
		return enroll_fail_problems(err, "password", &p);
	if (state_get(a, APPKEY_REQUEST_NUMBER) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.not_submitted", "%s",
		    _("this application has not been submitted yet"));
		return -1;
	}
	(void)snprintf(number, sizeof number, "%s", state_get(a, APPKEY_REQUEST_NUMBER));
	if (a->state == MS_SUBMITTED && enroll_refresh(e, id, NULL, err) == -1)
		return -1;
	a = state_app_find(e->st, id);
	if (a->state == MS_SUBMITTED || a->state == MS_REJECTED || a->state == MS_CANCELLED) {
		char	*text = enroll_not_ready_text(a->state, NULL,
		    state_get(a, APPKEY_DEADLINE));

		enroll_fail(err, FAILURE_REFUSED, NULL, "application.not_issued", "%s",
		    text != NULL ? text : _("out of memory"));
		free(text);
		return -1;
	}
	if (a->state == MS_ISSUED && enroll_download(e, id, number, pw, err) == -1)
		return -1;
	if (enroll_prove(e, id, pw, err) == -1 ||
	    enroll_write_containers(e, id, pw, layout, err) == -1)
		return -1;
report:
	a = state_app_find(e->st, id);
	(void)snprintf(number, sizeof number, "%s", state_get(a, APPKEY_REQUEST_NUMBER));
	if (enroll_report(e, id, number, err) == -1)
		return -1;
	enroll_install_superseded(e, id);
	return 0;
}

const char *
enroll_mail_outcome(const struct state_app *a, char *buf, size_t size)
{
	const char	*mail = a != NULL ? state_get(a, APPKEY_MAIL) : NULL;
	const char	*to = a != NULL ? state_get(a, APPKEY_EMAIL) : NULL;

	if (mail == NULL || *mail == '\0')
		(void)snprintf(buf, size, "%s", "");
	else if (strcmp(mail, "queued") == 0)
		(void)snprintf(buf, size, _("on its way to %s"), to != NULL ? to : "");
	/* An older service sent it in the request, and said how that went. */
	else if (strcmp(mail, "sent") == 0)
		(void)snprintf(buf, size, _("sent to %s"), to != NULL ? to : "");
	else if (strcmp(mail, "failed") == 0)
		(void)snprintf(buf, size, _("not sent to %s: the service could not send it; "
		    "save or print the form now"), to != NULL ? to : "");
	else if (to != NULL && *to != '\0')
		(void)snprintf(buf, size, _("not sent to %s: this service sends no e-mail"), to);
	else
		(void)snprintf(buf, size, "%s", _("not sent: no address was given"));
	return buf;
}

#define ENROLL_DEMO_MAIL_TICKS	50	/* of 100 ms: the demo's mail comes within 5 s */

char *
enroll_demo_mail(struct enroll *e, const struct state_app *a, int (*tick)(void *),
    void *arg)
{
	struct timespec	 pause = { 0, 100 * 1000 * 1000 };
	const char	*num = a != NULL ? state_get(a, APPKEY_REQUEST_NUMBER) : NULL;
	const char	*mail = a != NULL ? state_get(a, APPKEY_MAIL) : NULL;
	const char	*to = a != NULL && state_get(a, APPKEY_EMAIL) != NULL ?
			    state_get(a, APPKEY_EMAIL) : "";
	char		*file = NULL, *text = NULL;
	int		 i, rc;

	if (e->mail_dir == NULL || num == NULL || mail == NULL || strcmp(mail, "queued") != 0)
		return NULL;
	/* The service's mailer thread sends it after the answer: a moment later. */
	for (i = 0; (file = mailnote_demo_file(e->mail_dir, "received", num)) == NULL &&
	    i < ENROLL_DEMO_MAIL_TICKS && (tick == NULL || tick(arg) == 0); i++)
		(void)nanosleep(&pause, NULL);
	if (file != NULL)
		rc = asprintf(&text, _("the demo delivered it, not to %s but to the file %s"), to,
		    file);
	else
		rc = asprintf(&text, _("on its way; the demo delivers it, not to %s but into the "
		    "folder %s/new"), to, e->mail_dir);
	free(file);
	return rc == -1 ? NULL : text;
}

/* ---- the support contact ---- */

static const char *
enroll_support_str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

#define ENROLL_SUPPORT_RETRY	60	/* seconds */

int
enroll_support(struct enroll *e, struct enroll_support *out, struct failure *err)
{
	struct client_result	 res;
	const char		*lang = i18n_current();

	memset(out, 0, sizeof *out);
	/*
	 * A service that failed to give it is not asked again for a while: F1 and every
	 * failure box ask for it, and each ask of a service that is down costs its retries.
	 */
	if (e->support == NULL && e->support_failed != 0 &&
	    time(NULL) - e->support_failed < ENROLL_SUPPORT_RETRY) {
		enroll_fail(err, FAILURE_SERVICE, NULL, NULL, "%s",
		    _("the service's support contact could not be had a moment ago"));
		return -1;
	}
	if (e->support == NULL) {
		if (enroll_call(e, "GET", "/api/v1/directories/support", NULL, 1,
		    ANSWER_SUPPORT, &res, err) == -1) {
			client_result_free(&res);
			e->support_failed = time(NULL);
			return -1;
		}
		e->support = json_incref(res.json);
		client_result_free(&res);
	}
	out->phone = enroll_support_str(e->support, "phone");
	out->email = enroll_support_str(e->support, "email");
	out->web = enroll_support_str(e->support, "web");
	out->address = enroll_support_str(json_object_get(e->support, "address"), lang);
	out->hours = enroll_support_str(json_object_get(e->support, "hours"), lang);
	return 0;
}

char *
enroll_support_text(struct enroll *e, struct failure *err)
{
	static const char *const labels[] = { N_("Phone"), N_("E-mail"), N_("Web site"),
	    N_("Address"), N_("Hours") };
	struct enroll_support	 s;
	const char		*values[sizeof labels / sizeof labels[0]];
	char			*text = NULL, *grown;
	size_t			 i;

	if (enroll_support(e, &s, err) == -1)
		return NULL;
	values[0] = s.phone;
	values[1] = s.email;
	values[2] = s.web;
	values[3] = s.address;
	values[4] = s.hours;
	if ((text = strdup("")) == NULL)
		goto oom;
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (values[i] == NULL)
			continue;
		if (asprintf(&grown, "%s%s%s: %s", text, *text != '\0' ? "\n" : "",
		    _(labels[i]), values[i]) == -1)
			goto oom;
		free(text);
		text = grown;
	}
	return text;
oom:
	free(text);
	enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	return NULL;
}

/*
 * api-applications — an application's life as the applicant sees it: submit (form + two
 * CSRs -> request number), status by number (personal data masked: the number is the only
 * key and anyone might type it; lookups counted per client address), the certificates once
 * issued (their subjects carry the full IIN and name, so only to the holder of the AUTH key:
 * api-lifecycle.c checks that proof, this file answers), and the "installed" report proven
 * with a signature by the new AUTH key over the application's install nonce.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/appfield.h"
#include "common/cause.h"
#include "common/email.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/log.h"
#include "common/problem.h"
#include "common/reason.h"
#include "common/reqnum.h"
#include "common/revocation.h"
#include "common/storage.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

/* ---- the submitted form: one row per field ---- */

enum app_field {
	F_TOKEN, F_BIN, F_IIN, F_EMAIL, F_ROLE, F_REGION, F_CITY, F_GU_CODE, F_STORAGE,
	F_LANG, F_CSR_AUTH, F_CSR_SIGN, F__MAX
};

/* The form's fields are the field table's (common/appfield.h); the rest are the wire's. */
static const struct {
	enum appfield_id field;		/* APPFIELD__MAX: not a field of the form */
	const char	*name;
	int		 required;
	size_t		 max;		/* bytes */
} app_fields[F__MAX] = {
	[F_TOKEN] = { APPFIELD__MAX, "token", 1, 256 },
	[F_BIN] = { APPFIELD_BIN, NULL, 0, 0 },
	[F_IIN] = { APPFIELD_IIN, NULL, 0, 0 },
	[F_EMAIL] = { APPFIELD_EMAIL, NULL, 0, 0 },
	[F_ROLE] = { APPFIELD_ROLE, NULL, 0, 0 },
	[F_REGION] = { APPFIELD_REGION, NULL, 0, 0 },
	[F_CITY] = { APPFIELD_CITY, NULL, 0, 0 },
	[F_GU_CODE] = { APPFIELD_GU_CODE, NULL, 0, 0 },
	[F_STORAGE] = { APPFIELD_STORAGE, NULL, 0, 0 },
	[F_LANG] = { APPFIELD__MAX, "lang", 0, 8 },
	[F_CSR_AUTH] = { APPFIELD__MAX, "csr_auth", 1, 16384 },
	[F_CSR_SIGN] = { APPFIELD__MAX, "csr_sign", 1, 16384 },
};

/* Row i of the submission as the service reads it: its member, whether it must be
 * there, how long it may be. */
static void
app_field(size_t i, const char **name, int *required, size_t *max)
{
	const struct appfield	*f;

	if (app_fields[i].field == APPFIELD__MAX) {
		*name = app_fields[i].name;
		*required = app_fields[i].required;
		*max = app_fields[i].max;
		return;
	}
	f = &appfield_table[app_fields[i].field];
	*name = f->wire;
	*required = !f->optional;
	*max = f->wire_max;
}

struct app_submit {
	struct srv		*srv;
	struct store		*st;
	struct http_resp	*resp;
	time_t			 now;
	const char		*client;	/* its address: a check token is bound to it */
	const char		*v[F__MAX];
	char			 key_auth[65], key_sign[65];
	struct store_org	 org;
	struct store_person	 person;
	const struct store_app	*renews;	/* a renewal: the application it renews */
};

/*
 * The checks of a submission return HTTP_GO_ON when the application passed them,
 * HTTP_ANSWERED with the refusal in resp (app_fail), or HTTP_FAILED.
 */
static enum http_result
app_fail(struct app_submit *s, int status, const char *code, const char *field,
    const char *msg)
{
	http_error(s->resp, status, code, field, "%s", msg);
	return HTTP_ANSWERED;
}

static enum http_result
app_fail_problems(struct app_submit *s, const char *field, struct problems *p)
{
	return app_fail(s, 400, p->v[0].code, field,
	    p->v[0].message != NULL ? p->v[0].message : p->v[0].code);
}

static enum http_result
app_read_fields(struct app_submit *s, const json_t *body)
{
	const json_t	*j;
	const char	*name;
	size_t		 i, max;
	int		 required;

	for (i = 0; i < F__MAX; i++) {
		app_field(i, &name, &required, &max);
		j = json_object_get(body, name);
		if (j == NULL || json_is_null(j)) {
			if (required)
				return app_fail(s, 400, "field.missing", name,
				    _("this field is required"));
			continue;
		}
		/* A string, without NUL bytes, within its length (codes as http.h's). */
		if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j))
			return app_fail(s, 400, "field.type", name, _("this field must be a string"));
		if (json_string_length(j) > max)
			return app_fail(s, 400, "field.too_long", name, _("this field is too long"));
		s->v[i] = json_string_value(j);
		if (*s->v[i] == '\0' && !required)
			s->v[i] = NULL;
	}
	return HTTP_GO_ON;
}

/* The BIN's syntax, then the check token: valid, unexpired, issued for this BIN. */
static enum http_result
app_check_token(struct app_submit *s)
{
	struct problems	 p;
	char		 bin[13], *cause = NULL;
	int		 found;

	problems_init(&p);
	if (idnum_validate_bin(s->v[F_BIN], NULL, &p) == -1) {
		(void)app_fail_problems(s, "bin", &p);
		problems_free(&p);
		return HTTP_ANSWERED;
	}
	problems_free(&p);
	if (store_token_get(s->st, s->v[F_TOKEN], s->client, s->now, bin, &found,
	    &cause) == -1) {
		log_error("token lookup: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	if (!found)
		return app_fail(s, 403, "token.invalid", "token", _("the check token is unknown "
		    "or expired; check the BIN again"));
	else if (strcmp(bin, s->v[F_BIN]) != 0)
		return app_fail(s, 403, "token.bin_mismatch", "token",
		    _("the check token was issued for another BIN"));
	return HTTP_GO_ON;
}

static enum http_result
app_check_syntax(struct app_submit *s)
{
	struct problems		p;
	enum http_result	r = HTTP_GO_ON;

	problems_init(&p);
	if (idnum_validate_iin(s->v[F_IIN], s->now, NULL, &p) == -1)
		r = app_fail_problems(s, "iin", &p);
	else if (s->v[F_EMAIL] != NULL && email_check(s->v[F_EMAIL], &p) == -1)
		r = app_fail_problems(s, "email", &p);
	else if (gucode_check(s->v[F_GU_CODE], &p) == -1)
		r = app_fail_problems(s, "gu_code", &p);
	else if (storage_find(s->v[F_STORAGE]) == NULL)
		r = app_fail(s, 400, "storage.unknown", "storage", _("choose one of: pc, etoken72k, "
		    "jacarta, kaztoken, akey, idcard"));
	else if (s->v[F_LANG] != NULL && !i18n_known(s->v[F_LANG]))
		r = app_fail(s, 400, "lang.unknown", "lang", _("choose one of: kk, ru, en"));
	problems_free(&p);
	return r;
}

/* Looks id up in a directory: 0 with *found, or -1. */
static int
app_dir_has(struct app_submit *s, enum store_dir dir, const char *id, const char *parent,
    int *found)
{
	struct store_entry	 e;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	if (store_entry_get(s->st, dir, id, &e, found, &cause) == -1) {
		log_error("directory lookup: %s", cause);
		free(cause);
		return -1;
	}
	if (*found && parent != NULL)
		*found = e.parent_id != NULL && strcmp(e.parent_id, parent) == 0 ? 1 : 2;
	store_entry_free(&e);
	return 0;
}

/* Role, region, city in that region. */
static enum http_result
app_check_places(struct app_submit *s)
{
	int	found;

	if (app_dir_has(s, STORE_ROLES, s->v[F_ROLE], NULL, &found) == -1)
		return HTTP_FAILED;
	if (!found)
		return app_fail(s, 400, "role.unknown", "role", _("no such role"));
	if (app_dir_has(s, STORE_REGIONS, s->v[F_REGION], NULL, &found) == -1)
		return HTTP_FAILED;
	if (!found)
		return app_fail(s, 400, "region.unknown", "region", _("no such region"));
	if (app_dir_has(s, STORE_CITIES, s->v[F_CITY], s->v[F_REGION], &found) == -1)
		return HTTP_FAILED;
	if (found == 0)
		return app_fail(s, 400, "city.unknown", "city", _("no such city"));
	else if (found == 2)
		return app_fail(s, 400, "city.not_in_region", "city",
		    _("this city is not in the chosen region"));
	return HTTP_GO_ON;
}

/* The ГУ/СКС code must be one the organization registered. */
static enum http_result
app_check_gu_code(struct app_submit *s)
{
	char	**codes = NULL, *cause = NULL;
	size_t	  i;
	int	  found = 0;

	if (store_gu_codes(s->st, s->v[F_BIN], &codes, &cause) == -1) {
		log_error("ГУ/СКС codes: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	for (i = 0; codes != NULL && codes[i] != NULL && !found; i++)
		found = strcmp(codes[i], s->v[F_GU_CODE]) == 0;
	store_strv_free(codes);
	if (!found)
		return app_fail(s, 400, "gu_code.not_registered", "gu_code",
		    _("this ГУ/СКС code is not registered for the organization"));
	return HTTP_GO_ON;
}

static enum http_result
app_check_registries(struct app_submit *s)
{
	char	*cause = NULL;
	int	 found;

	if (store_org_get(s->st, s->v[F_BIN], &s->org, &found, &cause) == -1)
		goto fail;
	if (!found)
		return app_fail(s, 404, "bin.not_found", "bin",
		    _("no organization with this BIN in the register of legal entities"));
	if (store_person_get(s->st, s->v[F_IIN], &s->person, &found, &cause) == -1)
		goto fail;
	if (!found)
		return app_fail(s, 404, "iin.not_found", "iin",
		    _("no person with this IIN in the register of individuals"));
	return HTTP_GO_ON;
fail:
	log_error("registry lookup: %s", cause);
	free(cause);
	return HTTP_FAILED;
}

static enum http_result
app_check_csrs(struct app_submit *s)
{
	char			*cause = NULL;
	enum http_result	 r = HTTP_GO_ON;

	if (ca_csr_check(s->v[F_CSR_AUTH], s->key_auth, &cause) == -1)
		r = app_fail(s, 400, "csr_auth.invalid", "csr_auth",
		    cause != NULL ? cause : _("not a valid CSR"));
	else if (ca_csr_check(s->v[F_CSR_SIGN], s->key_sign, &cause) == -1)
		r = app_fail(s, 400, "csr_sign.invalid", "csr_sign",
		    cause != NULL ? cause : _("not a valid CSR"));
	else if (strcmp(s->key_auth, s->key_sign) == 0)
		r = app_fail(s, 400, "csr.same_key", "csr_sign",
		    _("the AUTH and SIGN requests must have different keys"));
	free(cause);
	return r;
}

static void
app_fill(struct app_submit *s, struct store_app *a)
{
	memset(a, 0, sizeof *a);
	a->status = APP_SUBMITTED;
	a->created = s->now;
	a->deadline = s->now + (time_t)srv_policy(s->srv)->verification_days * 86400;
	memcpy(a->bin, s->v[F_BIN], sizeof a->bin);
	memcpy(a->iin, s->v[F_IIN], sizeof a->iin);
	/* Cast away const: a is only read by the store; app_submit frees nothing of it. */
	a->org_name = s->org.name.ru != NULL ? s->org.name.ru : s->org.name.kk;
	a->surname = s->person.surname;
	a->given_name = s->person.given_name;
	a->patronymic = s->person.patronymic != NULL ? s->person.patronymic : (char *)"";
	a->email = (char *)s->v[F_EMAIL];
	a->role_id = (char *)s->v[F_ROLE];
	a->region_id = (char *)s->v[F_REGION];
	a->city_id = (char *)s->v[F_CITY];
	a->gu_code = (char *)s->v[F_GU_CODE];
	a->storage = (char *)s->v[F_STORAGE];
	a->lang = (char *)(s->v[F_LANG] != NULL ? s->v[F_LANG] : "en");
	a->csr_auth = (char *)s->v[F_CSR_AUTH];
	a->csr_sign = (char *)s->v[F_CSR_SIGN];
	memcpy(a->key_auth, s->key_auth, sizeof a->key_auth);
	memcpy(a->key_sign, s->key_sign, sizeof a->key_sign);
}

void
app_iso(time_t t, char buf[32])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, 32, "%lld", (long long)t);
}

static int
app_set_time(json_t *o, const char *key, time_t t)
{
	char	buf[32];

	if (t == 0)
		return 0;
	app_iso(t, buf);
	return json_object_set_new(o, key, json_string(buf));
}

/*
 * Nothing the CA would refuse at approval gets a request number: the subject is built
 * and checked now, as issue.c will build it, and a refusal names the member it came from.
 */
static enum http_result
app_check_issuable(struct app_submit *s)
{
	struct store_app	 a;
	enum issue_failure	 why = ISSUE_FAIL_INTERNAL;
	const char		*field = NULL;
	char			*cause = NULL, *msg = NULL;

	app_fill(s, &a);
	if (issue_check(s->st, &a, &field, &why, &cause) == 0)
		return HTTP_GO_ON;
	if (why != ISSUE_FAIL_DATA) {
		log_error("checking an application's subject: %s", cause != NULL ? cause : "?");
		free(cause);
		return HTTP_FAILED;
	}
	if (asprintf(&msg, _("a certificate cannot carry this application's data: %s"),
	    cause != NULL ? cause : "?") == -1)
		msg = NULL;
	(void)app_fail(s, 400, "subject.invalid", field, msg != NULL ? msg : "subject.invalid");
	free(msg);
	free(cause);
	return HTTP_ANSWERED;
}

/* Stores the application (or finds the one with the same key pair) and answers. */
static enum http_result
app_insert(struct app_submit *s, const char *actor)
{
	struct store_app	 a, old;
	char			*cause = NULL;
	int			 existing = 0, reused = 0, found = 0;
	enum http_result	 rc = HTTP_FAILED;
	const char		*mail = NULL;
	json_t			*o;

	memset(&old, 0, sizeof old);
	app_fill(s, &a);
	if (reqnum_generate(a.number, &cause) == -1 ||
	    store_app_insert(s->st, &a, actor, &existing, &reused, &cause) == -1) {
		if (reused)
			rc = app_fail(s, 409, "csr.key_reused", "csr_auth", _("one of these "
			    "keys was already used in another application; make new keys"));
		else
			log_error("storing an application: %s", cause);
		goto out;
	}
	if (store_app_get(s->st, a.number, &old, &found, &cause) == -1 || !found) {
		log_error("application %s vanished: %s", a.number, cause ? cause : "not found");
		goto out;
	}
	/* The same keys, someone else's form: not a re-send but a reuse of the keys. */
	if (existing && (strcmp(old.bin, a.bin) != 0 || strcmp(old.iin, a.iin) != 0)) {
		rc = app_fail(s, 409, "csr.key_reused", "csr_auth", _("these keys were already "
		    "used in another application; make new keys"));
		goto out;
	}
	if (!existing) {
		log_info("application %s submitted (BIN %s)", old.number, old.bin);
		/* The applicant is told, so a mail that never comes is not waited for. */
		mail = app_mail_word(s->srv, &old);
		/* Only for a mail: every wake is a write transaction of the mailer's. */
		if (strcmp(mail, "queued") == 0)
			mailer_wake(s->srv->mailer);
	}
	o = json_pack("{s:s, s:s, s:b}", "request_number", old.number, "status",
	    appstatus_wire(old.status), "existing", existing);
	if (o == NULL || app_set_time(o, "deadline", old.deadline) == -1 ||
	    (mail != NULL && json_object_set_new(o, "mail", json_string(mail)) == -1)) {
		json_decref(o);
		goto out;
	}
	http_json(s->resp, existing ? 200 : 201, o);
	rc = HTTP_ANSWERED;
out:
	free(cause);
	store_app_free(&old);
	return rc;
}

/* ---- renewal: a submission made of an issued application's data ---- */

/*
 * 409 application.not_issuable: the registries no longer confirm a renewal's data, why
 * naming the check (a submission's own code, or bin.renamed, iin.renamed); a new
 * application at a desk is needed.
 */
static enum http_result
app_not_issuable(struct app_submit *s, const char *why, const char *field, const char *msg)
{
	json_t	*err;

	http_error(s->resp, 409, "application.not_issuable", field, _("the registries no "
	    "longer confirm this application's data (%s): a new application at a registration "
	    "desk is needed"), msg);
	err = json_object_get(s->resp->json, "error");
	if (err == NULL || json_object_set_new(err, "why", json_string(why)) == -1)
		return HTTP_FAILED;
	return HTTP_ANSWERED;
}

/* The registries still name the organization and the person as the certificates do. */
static enum http_result
app_check_same_subject(struct app_submit *s)
{
	const struct store_app	*a = s->renews;
	const char		*org = s->org.name.ru != NULL ? s->org.name.ru : s->org.name.kk;
	const char		*pat = s->person.patronymic != NULL ? s->person.patronymic : "";

	if (org == NULL || a->org_name == NULL || strcmp(org, a->org_name) != 0)
		return app_not_issuable(s, "bin.renamed", "bin", _("the organization's "
		    "registered name is no longer the one in the certificates"));
	if (a->surname == NULL || a->given_name == NULL ||
	    strcmp(s->person.surname, a->surname) != 0 ||
	    strcmp(s->person.given_name, a->given_name) != 0 ||
	    strcmp(pat, a->patronymic != NULL ? a->patronymic : "") != 0)
		return app_not_issuable(s, "iin.renamed", "iin", _("the person's registered name "
		    "is no longer the one in the certificates"));
	return HTTP_GO_ON;
}

/* What a renewal re-checks of the registries and directories, in order. */
static enum http_result (*const app_renewal_checks[])(struct app_submit *) = {
	app_check_places, app_check_gu_code, app_check_registries, app_check_same_subject,
	app_check_issuable,
};

/*
 * A submission check's refusal, said as a renewal's: 409 application.not_issuable with
 * "why" the check's own code and its message (one already said so is left as it is).
 */
static enum http_result
app_renewal_refused(struct app_submit *s)
{
	json_t		*err = json_object_get(s->resp->json, "error");
	const char	*code = json_string_value(json_object_get(err, "code"));
	const char	*msg = json_string_value(json_object_get(err, "message"));
	char		*why, *text;
	enum http_result rc;

	if (code != NULL && strcmp(code, "application.not_issuable") == 0)
		return HTTP_ANSWERED;
	why = strdup(code != NULL ? code : "?");
	text = strdup(msg != NULL ? msg : "?");
	rc = why == NULL || text == NULL ? HTTP_FAILED :
	    app_not_issuable(s, why, NULL, text);
	free(why);
	free(text);
	return rc;
}

/* Stores the renewal (status submitted, renews set): key.reused for keys seen before. */
static enum http_result
app_renewal_store(struct app_submit *s, const char *actor, char number[REQNUM_LEN + 1])
{
	struct store_app	 a;
	char			*cause = NULL;
	int			 existing = 0, reused = 0;

	app_fill(s, &a);
	memcpy(a.renews, s->renews->number, sizeof a.renews);
	if (reqnum_generate(a.number, &cause) == -1 ||
	    store_app_insert(s->st, &a, actor, &existing, &reused, &cause) == -1) {
		if (!reused) {
			log_error("storing a renewal of %s: %s", s->renews->number,
			    cause != NULL ? cause : "?");
			free(cause);
			return HTTP_FAILED;
		}
		free(cause);
		existing = 1;
	}
	if (existing)
		return app_fail(s, 409, "key.reused", "csr_auth", _("a key of these requests "
		    "was already used in an application; make new keys"));
	memcpy(number, a.number, REQNUM_LEN + 1);
	return HTTP_GO_ON;
}

enum http_result
app_renewal_insert(struct srv *srv, struct store *st, struct http_resp *resp,
    const struct store_app *old, const char *csr_auth, const char *csr_sign,
    const char *actor, char number[REQNUM_LEN + 1])
{
	struct app_submit	 s;
	size_t			 i;
	enum http_result	 rc;

	memset(&s, 0, sizeof s);
	s.srv = srv;
	s.st = st;
	s.resp = resp;
	s.now = srv_now(srv);
	s.renews = old;
	s.v[F_BIN] = old->bin;
	s.v[F_IIN] = old->iin;
	s.v[F_EMAIL] = old->email;
	s.v[F_ROLE] = old->role_id;
	s.v[F_REGION] = old->region_id;
	s.v[F_CITY] = old->city_id;
	s.v[F_GU_CODE] = old->gu_code;
	s.v[F_STORAGE] = old->storage;
	s.v[F_LANG] = old->lang;
	s.v[F_CSR_AUTH] = csr_auth;
	s.v[F_CSR_SIGN] = csr_sign;
	if ((rc = app_check_csrs(&s)) != HTTP_GO_ON)
		return rc;
	if (old->role_id == NULL || old->region_id == NULL || old->city_id == NULL ||
	    old->gu_code == NULL || old->storage == NULL)
		return app_not_issuable(&s, "application.incomplete", NULL,
		    _("the application lacks data a renewal needs"));
	for (i = 0; rc == HTTP_GO_ON &&
	    i < sizeof app_renewal_checks / sizeof app_renewal_checks[0]; i++)
		rc = app_renewal_checks[i](&s);
	if (rc == HTTP_ANSWERED)
		rc = app_renewal_refused(&s);
	if (rc == HTTP_GO_ON)
		rc = app_renewal_store(&s, actor, number);
	store_org_free(&s.org);
	store_person_free(&s.person);
	return rc;
}

/* The checks of a submission, in order; the first to answer or fail ends it. */
static enum http_result (*const app_checks[])(struct app_submit *) = {
	app_check_token, app_check_syntax, app_check_places, app_check_gu_code,
	app_check_registries, app_check_csrs, app_check_issuable,
};

enum http_result
api_applications_submit(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct app_submit	 s;
	char			*cause = NULL, actor[96];
	size_t			 i;
	enum http_result	 rc;

	memset(&s, 0, sizeof s);
	s.srv = srv;
	s.resp = resp;
	s.now = srv_now(srv);
	s.client = api_client(req);
	if (req->body == NULL || !json_is_object(req->body)) {
		http_error(resp, 400, "body.not_object", NULL, "%s",
		    _("the request body must be a JSON object"));
		return HTTP_ANSWERED;
	}
	if ((s.st = srv_store_get(srv, &cause)) == NULL) {
		log_error("store: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	(void)snprintf(actor, sizeof actor, "applicant (%s)",
	    req->client_addr != NULL ? req->client_addr : "?");
	rc = app_read_fields(&s, req->body);
	for (i = 0; rc == HTTP_GO_ON && i < sizeof app_checks / sizeof app_checks[0]; i++)
		rc = app_checks[i](&s);
	if (rc == HTTP_GO_ON)
		rc = app_insert(&s, actor);
	store_org_free(&s.org);
	store_person_free(&s.person);
	srv_store_put(srv, s.st);
	return rc;
}

/* ---- status, certificates, installed ---- */

/*
 * Parses the number in the path and loads the application: HTTP_GO_ON with *a filled,
 * HTTP_ANSWERED (a typo, an unknown number), or HTTP_FAILED.
 */
/* The number in the path into num: HTTP_GO_ON, or HTTP_ANSWERED with a 400 (if resp). */
static enum http_result
app_number(const struct http_req *req, struct http_resp *resp, char num[REQNUM_LEN + 1])
{
	struct problems	 p;

	problems_init(&p);
	if (req->params[0] == NULL || reqnum_parse(req->params[0], num, &p) == -1) {
		if (resp != NULL)
			http_error(resp, 400, p.n > 0 ? p.v[0].code :
			    "request_number.missing", "request_number", "%s",
			    p.n > 0 && p.v[0].message != NULL ? p.v[0].message :
			    _("not a request number"));
		problems_free(&p);
		return HTTP_ANSWERED;
	}
	problems_free(&p);
	return HTTP_GO_ON;
}

static enum http_result
app_not_found(struct http_resp *resp)
{
	http_error(resp, 404, "application.not_found", "request_number", "%s",
	    _("no application with this request number"));
	return HTTP_ANSWERED;
}

enum http_result
app_load(struct store *st, const struct http_req *req, struct http_resp *resp,
    struct store_app *a)
{
	char			 num[REQNUM_LEN + 1], *cause = NULL;
	int			 found;
	enum http_result	 rc;

	if ((rc = app_number(req, resp, num)) != HTTP_GO_ON)
		return rc;
	if (store_app_get(st, num, a, &found, &cause) == -1) {
		log_error("application %s: %s", num, cause);
		free(cause);
		return HTTP_FAILED;
	}
	return found ? HTTP_GO_ON : app_not_found(resp);
}

/* "8710******27": enough to recognise one's own, too little to learn someone's. */
static char *
app_mask_iin(const char *iin)
{
	char	*s = NULL;

	if (strlen(iin) != 12)
		return strdup("************");
	return asprintf(&s, "%.4s******%s", iin, iin + 10) == -1 ? NULL : s;
}

/* First character (UTF-8) and three asterisks; "" stays "". */
static char *
app_mask_word(const char *w, size_t len)
{
	char	*s = NULL;
	size_t	 n = 1;

	if (len == 0)
		return strdup("");
	while (n < len && ((unsigned char)w[n] & 0xc0) == 0x80)
		n++;
	return asprintf(&s, "%.*s***", (int)n, w) == -1 ? NULL : s;
}

static char *
app_mask_name(const char *name)
{
	return app_mask_word(name != NULL ? name : "", name != NULL ? strlen(name) : 0);
}

char *
app_mask_email(const char *email)
{
	const char	*at = strrchr(email, '@');
	char		*local, *s = NULL;

	if (at == NULL)
		return strdup("***");
	if ((local = app_mask_word(email, (size_t)(at - email))) == NULL)
		return NULL;
	if (asprintf(&s, "%s%s", local, at) == -1)
		s = NULL;
	free(local);
	return s;
}

static int
app_set_masked(json_t *o, const char *key, char *masked)
{
	int	rc;

	if (masked == NULL)
		return -1;
	rc = json_object_set_new(o, key, json_string(masked));
	free(masked);
	return rc;
}

/* The certificates' subject (nca-facts.md §2) with the person's data masked. */
static json_t *
app_subject(struct store *st, const struct store_app *a)
{
	struct store_entry	 role;
	json_t			*o;
	char			*cause = NULL, *sn = NULL, *gn = NULL, *cn = NULL;
	char			*iin = NULL, *serial = NULL, *ou = NULL, *bc = NULL;
	int			 found = 0, bad;

	memset(&role, 0, sizeof role);
	if (store_entry_get(st, STORE_ROLES, a->role_id, &role, &found, &cause) == -1) {
		log_warning("role %s: %s", a->role_id, cause);
		free(cause);
	}
	sn = app_mask_name(a->surname);
	gn = app_mask_name(a->given_name);
	iin = app_mask_iin(a->iin);
	bad = sn == NULL || gn == NULL || iin == NULL ||
	    asprintf(&cn, "%s %s", sn, gn) == -1 || asprintf(&serial, "IIN%s", iin) == -1 ||
	    asprintf(&ou, "BIN%s", a->bin) == -1 || asprintf(&bc, "KS%s", a->gu_code) == -1;
	o = bad ? NULL : json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s?, s:s, s:s}",
	    "dc", found ? role.dc : NULL, "cn", cn, "surname", sn, "serial_number", serial,
	    "c", "KZ", "o", a->org_name, "ou", ou, "business_category", bc);
	if (o != NULL && a->patronymic != NULL && *a->patronymic != '\0' &&
	    app_set_masked(o, "given_name", app_mask_name(a->patronymic)) == -1)
		bad = 1;
	if (o != NULL && a->email != NULL && *a->email != '\0' &&
	    app_set_masked(o, "email", app_mask_email(a->email)) == -1)
		bad = 1;
	if (bad) {
		json_decref(o);
		o = NULL;
	}
	free(sn);
	free(gn);
	free(cn);
	free(iin);
	free(serial);
	free(ou);
	free(bc);
	store_entry_free(&role);
	return o;
}

static json_t *
app_certinfo(struct store *st, const struct store_app *a)
{
	json_t	*o, *subj;
	char	 nb[32], na[32];

	app_iso(a->not_before, nb);
	app_iso(a->not_after, na);
	if ((subj = app_subject(st, a)) == NULL)
		return NULL;
	o = json_pack("{s:{s:s}, s:{s:s}, s:s, s:s, s:o}",
	    "auth", "serial", a->serial_auth, "sign", "serial", a->serial_sign,
	    "not_before", nb, "not_after", na, "subject", subj);
	return o;
}

int
app_lifecycle_json(json_t *o, const struct store_app *a)
{
	json_t	*r;
	char	 at[32];

	if (a->status == APP_REVOKED && a->revoke_reason != NULL) {
		app_iso(a->revoked_at, at);
		if ((r = revocation_json(a->revoke_reason, at, a->revoked_by)) == NULL ||
		    json_object_set_new(o, "revocation", r) == -1)
			return -1;
	}
	if (a->renews[0] != '\0' &&
	    json_object_set_new(o, "renews", json_string(a->renews)) == -1)
		return -1;
	if (a->renewed_by[0] != '\0' &&
	    json_object_set_new(o, "renewed_by", json_string(a->renewed_by)) == -1)
		return -1;
	return 0;
}

enum http_result
app_already_revoked(struct http_resp *resp, const struct store_app *a)
{
	const struct revocation_kind	*k = revocation_find(a->revoke_reason);
	json_t				*err;
	char				 at[32];

	app_iso(a->revoked_at, at);
	http_error(resp, 409, "application.already_revoked", "request_number",
	    _("the certificates were already revoked on %s (%s)"), at,
	    k != NULL ? k->en : a->revoke_reason != NULL ? a->revoke_reason : "?");
	err = json_object_get(resp->json, "error");
	if (err == NULL || json_object_set_new(err, "revoked_at", json_string(at)) == -1 ||
	    json_object_set_new(err, "reason", a->revoke_reason != NULL ?
	    json_string(a->revoke_reason) : json_null()) == -1)
		return HTTP_FAILED;
	return HTTP_ANSWERED;
}

/* The application as the status shows it, without its mail. */
static json_t *
app_status_body(struct store *st, const struct store_app *a)
{
	json_t	*o, *certs;

	o = json_pack("{s:s, s:s, s:s, s:s}", "request_number", a->number,
	    "status", appstatus_wire(a->status), "status_label", appstatus_label(a->status),
	    "storage", a->storage != NULL ? a->storage : "");
	if (o == NULL || app_set_time(o, "created", a->created) == -1 ||
	    app_set_time(o, "deadline", a->deadline) == -1 ||
	    app_set_time(o, "decided", a->decided) == -1 ||
	    app_set_time(o, "installed", a->installed) == -1)
		goto fail;
	if (a->reject_reason != NULL && json_object_set_new(o, "reject_reason",
	    json_string(a->reject_reason)) == -1)
		goto fail;
	/* The reason as a code and the operator's text as typed: clients name it in the
	 * reader's language (common/reason.h); reject_reason stays for older ones. */
	if (a->status == APP_REJECTED && a->reject_code != NULL &&
	    json_object_set_new(o, "reject", reason_json(a->reject_code, a->reject_text)) == -1)
		goto fail;
	if (a->cert_auth != NULL && a->cert_sign != NULL) {
		if ((certs = app_certinfo(st, a)) == NULL ||
		    json_object_set_new(o, "certificates", certs) == -1)
			goto fail;
	}
	if (app_lifecycle_json(o, a) == -1)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *
app_status_json(struct store *st, const struct store_app *a)
{
	json_t	*o;

	if ((o = app_status_body(st, a)) != NULL &&
	    app_mail_json(st, o, a->number, 0) == -1) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static void
app_limited(struct http_resp *resp, int retry)
{
	http_error(resp, 429, "rate_limited", NULL,
	    "too many requests by request number from your address; try again in %d seconds",
	    retry);
	resp->retry_after = retry;
}

int
app_lookup_limited(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	int	retry;

	if (srv_rate_hit(srv, api_client(req), RATELIMIT_STATUS,
	    srv_policy(srv)->status_per_minute, &retry) == 0)
		return 0;
	app_limited(resp, retry);
	return -1;
}

/*
 * The count of the lookup goes with its reads where the store counts (store_app_view:
 * PostgreSQL's one round trip); a malformed number is counted as any lookup, then told.
 */
enum http_result
api_applications_status(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct store_view	 v;
	struct store_rate	 rate;
	struct store		*st;
	json_t			*o;
	char			 num[REQNUM_LEN + 1], key[RATELIMIT_STORE_KEY_MAX];
	char			*cause = NULL;
	int			 shared, retry;
	enum http_result	 rc;

	memset(&v, 0, sizeof v);
	if ((st = srv_store_get(srv, &cause)) == NULL) {
		log_error("store: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	shared = srv_rate_of(srv, st, api_client(req), RATELIMIT_STATUS,
	    srv_policy(srv)->status_per_minute, &rate, key, &retry);
	if (!shared || app_number(req, NULL, num) != HTTP_GO_ON) {
		shared = 0;	/* counted here, then */
		if (app_lookup_limited(srv, req, resp) == -1) {
			rc = HTTP_ANSWERED;
			goto out;
		}
	}
	if ((rc = app_number(req, resp, num)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (store_app_view(st, shared ? &rate : NULL, num, &v, &cause) == -1) {
		log_error("application %s: %s", num, cause);
		free(cause);
		goto out;
	}
	rc = HTTP_ANSWERED;
	if (!v.allowed)
		app_limited(resp, retry);
	else if (!v.found)
		(void)app_not_found(resp);
	else if ((o = app_status_body(st, &v.app)) == NULL ||
	    app_mail_set(o, v.mail, v.nmail, 0) == -1) {
		json_decref(o);
		rc = HTTP_FAILED;
	} else
		http_json(resp, 200, o);
out:
	store_view_free(&v);
	srv_store_put(srv, st);
	return rc;
}

/* The subjectKeyIdentifier ncaenroll names files by: SHA-1 of the whole DER SPKI. */
static int
app_ski(const char *pem, char out[41])
{
	BIO		*bio;
	X509		*x = NULL;
	unsigned char	*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	int		 len, rc = -1;

	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return -1;
	if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL &&
	    (len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) > 0 &&
	    EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha1(), NULL) == 1 && mdlen == 20) {
		for (i = 0; i < mdlen; i++)
			(void)snprintf(out + 2 * i, 3, "%02x", md[i]);
		rc = 0;
	}
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	return rc;
}

static json_t *
app_cert_json(const char *pem, const char *serial)
{
	char	ski[41];

	if (app_ski(pem, ski) == -1)
		return NULL;
	return json_pack("{s:s, s:s, s:s}", "pem", pem, "serial", serial, "ski", ski);
}

void
app_certificates_refused(struct http_resp *resp)
{
	http_error(resp, 403, "certificates.proof_required", NULL, "%s", _("the certificates "
	    "name their holder in full: they are given only with a signature by the "
	    "application's AUTH key over a \"certificates\" challenge (POST, with \"nonce\" and "
	    "\"signature\")"));
}

enum http_result
app_certificates_answer(struct srv *srv, struct http_resp *resp, const struct store_app *a)
{
	json_t			*o, *auth = NULL, *sign = NULL;
	enum http_result	 rc = HTTP_FAILED;

	if ((a->status != APP_ISSUED && a->status != APP_INSTALLED) || a->cert_auth == NULL ||
	    a->cert_sign == NULL) {
		http_error(resp, 409, "application.not_issued", "request_number",
		    _("no certificates yet: the application is %s"), appstatus_wire(a->status));
		return HTTP_ANSWERED;
	}
	if ((auth = app_cert_json(a->cert_auth, a->serial_auth)) == NULL ||
	    (sign = app_cert_json(a->cert_sign, a->serial_sign)) == NULL) {
		log_error("application %s: a stored certificate does not parse", a->number);
		goto out;
	}
	o = json_pack("{s:o, s:o, s:s, s:s?}", "auth", auth, "sign", sign,
	    "chain_pem", ca_chain_pem(srv->ca), "install_nonce", a->install_nonce);
	auth = sign = NULL;	/* json_pack's "o" took them, even on failure */
	if (o == NULL)
		goto out;
	http_json(resp, 200, o);
	rc = HTTP_ANSWERED;
out:
	json_decref(auth);
	json_decref(sign);
	return rc;
}

/* The number alone gets nothing: not even whether it is known (the status says that). */
enum http_result
api_applications_certificates(struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	(void)srv;
	(void)req;
	app_certificates_refused(resp);
	return HTTP_ANSWERED;
}

/* Base64 (standard alphabet, newlines allowed) into a malloc'd buffer; NULL if bad. */
unsigned char *
app_base64(const char *in, size_t *outlen)
{
	EVP_ENCODE_CTX	*ctx;
	unsigned char	*out;
	size_t		 inlen = strlen(in);
	int		 n = 0, m = 0, ok;

	if (inlen == 0 || inlen > 8192 || (out = malloc(inlen)) == NULL)
		return NULL;
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL) {
		free(out);
		return NULL;
	}
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, out, &n, (const unsigned char *)in, (int)inlen) != -1 &&
	    EVP_DecodeFinal(ctx, out + n, &m) == 1;
	EVP_ENCODE_CTX_free(ctx);
	if (!ok || n + m == 0) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)(n + m);
	return out;
}

/* 1 if sig is an RSA PKCS#1 v1.5 SHA-256 signature over msg by the certificate's key. */
int
app_proof_ok(const char *cert_pem, const char *msg, const unsigned char *sig, size_t siglen)
{
	BIO		*bio;
	X509		*x = NULL;
	EVP_PKEY	*pk = NULL;
	EVP_MD_CTX	*md = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	int		 ok = 0;

	if ((bio = BIO_new_mem_buf(cert_pem, -1)) == NULL)
		return 0;
	if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL &&
	    (pk = X509_get_pubkey(x)) != NULL && EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	    (md = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pk) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1)
		ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg,
		    strlen(msg)) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	X509_free(x);
	BIO_free(bio);
	return ok;
}

static int
app_installed_answer(struct http_resp *resp, const struct store_app *a, time_t installed,
    int already)
{
	json_t	*o;
	char	 buf[32];

	app_iso(installed, buf);
	o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "request_number", a->number,
	    "status", appstatus_wire(APP_INSTALLED), "status_label",
	    appstatus_label(APP_INSTALLED), "installed", buf, "already_installed", already);
	if (o == NULL)
		return -1;
	http_json(resp, 200, o);
	return 0;
}

/* Checks the proof of possession: HTTP_GO_ON when good, else HTTP_ANSWERED. */
static enum http_result
app_check_proof(const struct http_req *req, struct http_resp *resp,
    const struct store_app *a)
{
	const char	*nonce, *sig64;
	unsigned char	*sig;
	size_t		 siglen = 0;
	int		 ok;

	if ((nonce = http_body_string(req, resp, "nonce")) == NULL ||
	    (sig64 = http_body_string(req, resp, "signature")) == NULL)
		return HTTP_ANSWERED;
	if (a->install_nonce == NULL || strlen(nonce) != strlen(a->install_nonce) ||
	    CRYPTO_memcmp(nonce, a->install_nonce, strlen(nonce)) != 0) {
		http_error(resp, 403, "install.nonce_invalid", "nonce", "%s",
		    _("this is not the install nonce of this application"));
		return HTTP_ANSWERED;
	}
	if ((sig = app_base64(sig64, &siglen)) == NULL) {
		http_error(resp, 400, "signature.encoding", "signature", "%s",
		    _("the signature must be base64"));
		return HTTP_ANSWERED;
	}
	ok = app_proof_ok(a->cert_auth, a->install_nonce, sig, siglen);
	free(sig);
	if (!ok) {
		http_error(resp, 403, "install.proof_invalid", "signature", "%s",
		    _("the signature is not by this application's AUTH key"));
		return HTTP_ANSWERED;
	}
	return HTTP_GO_ON;
}

static int
app_mark_installed(struct srv *srv, struct store *st, const struct http_req *req,
    struct http_resp *resp, const struct store_app *a)
{
	struct store_app	 set;
	enum app_status		 cur = a->status;
	char			*cause = NULL, actor[96];
	time_t			 now = srv_now(srv);
	int			 won = 0;

	if (a->status == APP_INSTALLED)
		return app_installed_answer(resp, a, a->installed, 1);
	memset(&set, 0, sizeof set);
	set.installed = now;
	(void)snprintf(actor, sizeof actor, "applicant (%s)",
	    req->client_addr != NULL ? req->client_addr : "?");
	if (store_app_transition(st, a->number, APP_ISSUED, APP_INSTALLED, &set, actor,
	    "proof of possession of the AUTH key", now, &won, &cur, &cause) == -1) {
		log_error("application %s: %s", a->number, cause);
		free(cause);
		return -1;
	}
	if (won) {
		log_info("application %s: certificates installed", a->number);
		return app_installed_answer(resp, a, now, 0);
	}
	if (cur == APP_INSTALLED)	/* a concurrent report won: same outcome */
		return app_installed_answer(resp, a, now, 1);
	http_error(resp, 409, "application.not_issued", "request_number",
	    _("the application is %s"), appstatus_wire(cur));
	return 0;
}

enum http_result
api_applications_installed(struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	struct store_app	 a;
	struct store		*st;
	char			*cause = NULL;
	enum http_result	 rc;

	memset(&a, 0, sizeof a);
	if (req->body == NULL || !json_is_object(req->body)) {
		http_error(resp, 400, "body.not_object", NULL, "%s",
		    _("the request body must be a JSON object"));
		return HTTP_ANSWERED;
	}
	if (app_lookup_limited(srv, req, resp) == -1)
		return HTTP_ANSWERED;
	if ((st = srv_store_get(srv, &cause)) == NULL) {
		log_error("store: %s", cause);
		free(cause);
		return HTTP_FAILED;
	}
	if ((rc = app_load(st, req, resp, &a)) != HTTP_GO_ON)
		goto out;
	if ((a.status != APP_ISSUED && a.status != APP_INSTALLED) || a.cert_auth == NULL) {
		http_error(resp, 409, "application.not_issued", "request_number",
		    _("no certificates to install: the application is %s"),
		    appstatus_wire(a.status));
		rc = HTTP_ANSWERED;
		goto out;
	}
	if ((rc = app_check_proof(req, resp, &a)) != HTTP_GO_ON)
		goto out;
	rc = app_mark_installed(srv, st, req, resp, &a) == -1 ? HTTP_FAILED : HTTP_ANSWERED;
out:
	store_app_free(&a);
	srv_store_put(srv, st);
	return rc;
}

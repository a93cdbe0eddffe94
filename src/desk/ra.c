/*
 * ra — the desk's calls to the service with the operator's identity (file or token), every
 * refusal of the operator as what to do about it, and how the desk's answers read: the
 * queue's table, the form, the history's events, a decision taken or already taken.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "desk/ra.h"
#include "common/appform.h"
#include "common/appstatus.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/problem.h"
#include "common/reason.h"
#include "common/revocation.h"
#include "common/storage.h"
#include "common/utf8.h"
#include "common/when.h"
#include "desk/p11-identity.h"

/*
 * What each refusal of the operator means and what to do about it, whether the service
 * says it with an error code or, in the handshake, with a TLS alert.
 */
static const struct ra_refusal {
	const char	*code;		/* doc/api-ra.md */
	int		 alert;		/* the TLS alert that says the same, or 0 */
	int		 names_file;	/* the message is about the container */
	const char	*what;		/* untranslated */
} ra_refusals[] = {
	{ "ra.no_certificate", 116, 0,
	  N_("the desk needs your operator certificate: give your container with "
	  "--operator FILE.p12, or set 'operator:' in ~/.config/ncaenroll/ra.yaml") },
	{ "ra.bad_certificate", 42, 1,
	  N_("the service cannot read this certificate; use the container the service's "
	  "administrator made for you") },
	{ "ra.not_operator", 0, 1,
	  N_("this is not an operator's certificate (an applicant's registration "
	  "certificate never opens the desk); use the container the service's "
	  "administrator made for you (ncaenrolld operator add)") },
	{ "ra.unknown_issuer", 48, 1,
	  N_("this certificate was not issued by this service's operator CA; use the "
	  "container the service's administrator made for you (ncaenrolld operator add)") },
	{ "ra.certificate_expired", 45, 1,
	  N_("this operator certificate has expired; ask the service's administrator for "
	  "a new container (ncaenrolld operator add)") },
	{ "ra.not_yet_valid", 0, 1,
	  N_("this operator certificate is not valid yet; check the date and time of this "
	  "computer and of the service") },
	{ "ra.unknown_operator", 0, 1,
	  N_("the service has no operator with this certificate; ask the service's "
	  "administrator to add you (ncaenrolld operator add)") },
	{ "ra.revoked", 44, 1,
	  N_("this operator certificate has been revoked; ask the service's administrator "
	  "for a new container if you still work at the desk") },
	{ "ra.replaced", 0, 1,
	  N_("a newer certificate has been issued for this operator; use the newest "
	  "container the service's administrator gave you") },
	{ "ra.no_operator_ca", 0, 0,
	  N_("this service has no operator CA, so no desk can sign in; its administrator "
	  "must configure one (operators.ca_cert in ncaenrolld.yaml)") },
	{ "ra.supervisor_only", 0, 0,
	  N_("only a supervisor sees every office's queue; leave out --all to see your "
	  "office's, or name one with --office ID") },
	/* Not the operator's fault, but theirs to act on: an approval the CA cannot do. */
	{ "application.not_issuable", 0, 0,
	  N_("the CA cannot issue this application as it is: the registers' data for it do "
	  "not fit into a certificate; so that the applicant can apply again, reject it "
	  "with the reason") },
	{ "ca.unavailable", 0, 0,
	  N_("the service's CA cannot issue certificates now; the application still "
	  "waits; tell the service's administrator") },
	/* A revocation asked of an application that has no certificates (doc/api-ra.md). */
	{ "application.not_revocable", 0, 0,
	  N_("this application has no certificates to revoke: only an issued or installed "
	  "application's certificates can be revoked") },
	{ "iin.invalid", 0, 0,
	  N_("the service does not take this IIN: type the person's 12-digit IIN as their "
	  "identity document gives it") },
};
#define RA_NREFUSALS (sizeof ra_refusals / sizeof ra_refusals[0])

static void
ra_fail(struct failure *err, enum failure_kind kind, const char *code, const char *field,
    char *message)
{
	failure_free(err);
	err->kind = kind;
	err->code = code != NULL ? strdup(code) : NULL;
	err->field = field != NULL ? strdup(field) : NULL;
	err->message = message != NULL ? message : strdup(_("out of memory"));
}

static char *
ra_dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
ra_dup_printf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	return s;
}

/* The operator's refusal as a sentence naming the container, and when it ran out. */
static char *
ra_refusal_text(const struct ra *ra, const struct ra_refusal *r)
{
	char	date[32] = "";

	/* The one sentence that names a reason to reject with: by its name, not its code. */
	if (strcmp(r->code, "application.not_issuable") == 0)
		return ra_dup_printf("%s \"%s\"", _(r->what),
		    reason_name(reason_find("data_error"), i18n_current()));
	if (!r->names_file || ra->p12 == NULL)
		return ra_dup_printf("%s", _(r->what));
	if (strcmp(r->code, "ra.certificate_expired") == 0 && ra->id.not_after > 0 &&
	    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&ra->id.not_after)) > 0)
		return ra_dup_printf("%s: %s (%s %s)", ra->p12, _(r->what),
		    _("valid until"), date);
	return ra_dup_printf("%s: %s", ra->p12, _(r->what));
}

static const struct ra_refusal *
ra_refusal_find(const char *code, int alert)
{
	size_t	i;

	for (i = 0; i < RA_NREFUSALS; i++)
		if ((code != NULL && strcmp(ra_refusals[i].code, code) == 0) ||
		    (code == NULL && alert != 0 && ra_refusals[i].alert == alert))
			return &ra_refusals[i];
	return NULL;
}

/* The service's word for a revocation asked twice: answered, never repeated. */
#define RA_ALREADY_REVOKED	"application.already_revoked"

/*
 * The 409's members (revoked_at, reason, and revoked_by if the service names who) as the
 * "revocation" object a revoked application carries.
 */
static json_t *
ra_already_revocation(const json_t *e)
{
	const char	*by = json_string_value(json_object_get(e, "revoked_by"));

	return revocation_json(ra_str(e, "reason"), ra_str(e, "revoked_at"), by);
}

/* "already revoked: REASON, WHEN" in the reader's words; malloc'd. */
static char *
ra_already_revoked(const json_t *e)
{
	json_t	*rev = ra_already_revocation(e);
	char	*what = ra_revocation_text(rev), *s;

	s = ra_dup_printf(_("the certificates of this application were already revoked: %s"),
	    what != NULL ? what : "?");
	free(what);
	json_decref(rev);
	return s;
}

/* A failed call in the desk's words; cause (the client's sentence) is consumed. */
static void
ra_fail_call(struct ra *ra, const struct client_result *res, char *cause,
    struct failure *err)
{
	const struct ra_refusal	*r;
	const json_t		*e;

	if (res->failure == CLIENT_KEY)
		/* The operator's token, not the service: local, like a missing container. */
		ra_fail(err, FAILURE_LOCAL, "operator.token", "operator", cause);
	else if (res->failure == CLIENT_IDENTITY) {
		if ((r = ra_refusal_find(NULL, res->tls_alert)) != NULL) {
			ra_fail(err, FAILURE_REFUSED, r->code, NULL, ra_refusal_text(ra, r));
			free(cause);
		} else
			ra_fail(err, FAILURE_REFUSED, "ra.tls_refused", NULL, cause);
	} else if (res->failure == CLIENT_REFUSED &&
	    (r = ra_refusal_find(res->code, 0)) != NULL) {
		ra_fail(err, FAILURE_REFUSED, r->code, NULL, ra_refusal_text(ra, r));
		free(cause);
	} else if (res->failure == CLIENT_REFUSED && res->status == 409 && res->code != NULL &&
	    strcmp(res->code, "application.already_decided") == 0) {
		/* Who decided and when, from the answer's members, in the reader's words. */
		e = json_object_get(res->json, "error");
		ra_fail(err, FAILURE_REFUSED, res->code, res->field, ra_already(ra_str(e,
		    "decided_by"), ra_str(e, "decided_at"), ra_str(e, "status")));
		free(cause);
	} else if (res->failure == CLIENT_REFUSED && res->status == 409 && res->code != NULL &&
	    strcmp(res->code, RA_ALREADY_REVOKED) == 0) {
		/* Said even where it is not taken as an answer (ra_revoke takes it). */
		ra_fail(err, FAILURE_REFUSED, res->code, res->field, ra_already_revoked(
		    json_object_get(res->json, "error")));
		free(cause);
	} else if (res->failure == CLIENT_REFUSED)
		ra_fail(err, FAILURE_REFUSED, res->code, res->field, cause);
	else if (res->failure == CLIENT_BROKEN && (r = ra_refusal_find(res->code, 0)) != NULL) {
		/* The service's own failure with a code of its own (ca.unavailable). */
		ra_fail(err, FAILURE_SERVICE, r->code, NULL, ra_refusal_text(ra, r));
		free(cause);
	} else
		ra_fail(err, FAILURE_SERVICE, NULL, NULL, cause);
}

static int
ra_call(struct ra *ra, const char *method, const char *path, json_t *body, int idempotent,
    json_t **out, struct failure *err)
{
	struct client_result	 res;
	char			*cause = NULL;
	int			 rc = -1;

	*out = NULL;
	if (client_call(ra->cl, method, path, body, idempotent, &res, &cause) == -1)
		ra_fail_call(ra, &res, cause, err);
	else if (res.json == NULL) {
		free(cause);
		ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
		    _("the service sent an answer that is not JSON")));
	} else {
		free(cause);
		*out = json_incref(res.json);
		rc = 0;
	}
	client_result_free(&res);
	return rc;
}

/* Who the certificate says the operator is: CN=NAME, title=ROLE, OU=OFFICE. */
static void
ra_read_subject(struct ra *ra)
{
	ra->cn = client_identity_field(ra->id.subject, "CN");
	ra->role = client_identity_field(ra->id.subject, "title");
	ra->office = client_identity_field(ra->id.subject, "OU");
}

/*
 * The operator's key and certificate on a token: a wrong or locked PIN is the operator's
 * to put right (refused, as a wrong password is); a token that is not there, or a module
 * that fails, is this computer's (local). TLS 1.3 needs the token to sign RSA-PSS; one
 * that cannot keeps the desk on TLS 1.2.
 */
static int
ra_open_token(struct ra *ra, const struct ra_config *cfg, struct failure *err)
{
	struct p11_identity		 id;
	enum p11_failure		 w = P11_OK;
	enum client_identity_error	 why;
	char				*cause = NULL;
	int				 rc = -1;

	if (p11_identity_open(cfg->operator_p12, cfg->password, &id, &w, &cause) == -1) {
		if (w == P11_PIN || w == P11_LOCKED)
			ra_fail(err, FAILURE_REFUSED, "operator.pin", "password", cause);
		else if (w == P11_CONTENT)
			ra_fail(err, FAILURE_REFUSED, "operator.container", "operator", cause);
		else
			ra_fail(err, FAILURE_LOCAL, "operator.token", "operator", cause);
		return -1;
	}
	if (client_set_identity_key(ra->cl, id.key, id.cert, !id.pss, cfg->operator_p12,
	    &ra->id, &why, &cause) == -1)
		ra_fail(err, FAILURE_LOCAL, "operator.token", "operator", cause);
	else {
		ra_read_subject(ra);
		rc = 0;
	}
	p11_identity_free(&id);
	return rc;
}

static int
ra_open_identity(struct ra *ra, const struct ra_config *cfg, struct failure *err)
{
	enum client_identity_error	 why;
	char				*cause = NULL;

	if ((ra->p12 = strdup(cfg->operator_p12)) == NULL) {
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
		return -1;
	}
	if (p11_uri_is(cfg->operator_p12))
		return ra_open_token(ra, cfg, err);
	if (client_set_identity_p12(ra->cl, cfg->operator_p12, cfg->password, &ra->id, &why,
	    &cause) == 0) {
		ra_read_subject(ra);
		return 0;
	}
	switch (why) {
	case CLIENT_IDENTITY_PASSWORD:
		free(cause);
		ra_fail(err, FAILURE_REFUSED, "operator.password", "password", ra_dup_printf(
		    _("the password does not open %s; type the password you chose when "
		    "the container was made"), cfg->operator_p12));
		break;
	case CLIENT_IDENTITY_CONTENT:
		ra_fail(err, FAILURE_REFUSED, "operator.container", "operator", cause);
		break;
	default:
		ra_fail(err, FAILURE_LOCAL, "operator.file", "operator", cause);
		break;
	}
	return -1;
}

struct ra *
ra_open(const struct ra_config *cfg, struct failure *err)
{
	struct client_config	 cc;
	struct ra		*ra;
	char			*cause = NULL;

	memset(err, 0, sizeof *err);
	if ((ra = calloc(1, sizeof *ra)) == NULL) {
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
		return NULL;
	}
	memset(&cc, 0, sizeof cc);
	cc.url = cfg->url;
	cc.ca_file = cfg->ca_file;
	cc.lang = cfg->lang;
	if ((ra->cl = client_new(&cc, &cause)) == NULL) {
		ra_fail(err, FAILURE_USAGE, NULL, "service", cause);
		ra_close(ra);
		return NULL;
	}
	if (cfg->operator_p12 != NULL && ra_open_identity(ra, cfg, err) == -1) {
		ra_close(ra);
		return NULL;
	}
	return ra;
}

void
ra_close(struct ra *ra)
{
	if (ra == NULL)
		return;
	client_free(ra->cl);
	client_identity_free(&ra->id);
	free(ra->p12);
	free(ra->cn);
	free(ra->office);
	free(ra->role);
	free(ra);
}

/* Appends "&key=value" (percent-encoded) to a query being built in *q. */
static int
ra_query_add(char **q, const char *key, const char *value)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 len = *q != NULL ? strlen(*q) : 0, i;
	char			*grown, *p;

	if (value == NULL || *value == '\0')
		return 0;
	if ((grown = realloc(*q, len + strlen(key) + 3 * strlen(value) + 3)) == NULL)
		return -1;
	*q = grown;
	p = grown + len;
	p += sprintf(p, "%c%s=", len == 0 ? '?' : '&', key);
	for (i = 0; value[i] != '\0'; i++) {
		unsigned char	ch = (unsigned char)value[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL)
			*p++ = (char)ch;
		else {
			*p++ = '%';
			*p++ = hex[ch >> 4];
			*p++ = hex[ch & 15];
		}
	}
	*p = '\0';
	return 0;
}

int
ra_queue(struct ra *ra, const struct ra_filter *f, json_t **out, struct failure *err)
{
	char	*q = NULL, *path = NULL, age[24] = "";
	json_t	*answer = NULL;
	int	 rc = -1;

	*out = NULL;
	if (f->max_age_days >= 0)
		(void)snprintf(age, sizeof age, "%ld", f->max_age_days);
	if (ra_query_add(&q, "region", f->region) == -1 ||
	    ra_query_add(&q, "city", f->city) == -1 ||
	    ra_query_add(&q, "office", f->office) == -1 ||
	    ra_query_add(&q, "scope", f->all ? "all" : NULL) == -1 ||
	    ra_query_add(&q, "max_age_days", age) == -1 ||
	    ra_query_add(&q, "q", f->search) == -1 ||
	    asprintf(&path, "/api/v1/ra/queue%s", q != NULL ? q : "") == -1) {
		free(q);
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
		return -1;
	}
	if (ra_call(ra, "GET", path, NULL, 1, &answer, err) == 0) {
		if (!json_is_array(*out = json_object_get(answer, "applications"))) {
			*out = NULL;
			ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
			    _("the service's queue is not what doc/api-ra.md says")));
		} else {
			*out = json_incref(*out);
			rc = 0;
		}
	}
	json_decref(answer);
	free(path);
	free(q);
	return rc;
}

int
ra_number(const char *in, char out[REQNUM_LEN + 1], struct failure *err)
{
	struct problems	p;
	int		rc;

	problems_init(&p);
	if ((rc = reqnum_parse(in, out, &p)) == -1)
		ra_fail(err, FAILURE_REFUSED, p.n > 0 ? p.v[0].code : "request_number",
		    "request_number", ra_dup_printf("%s", p.n > 0 && p.v[0].message != NULL ?
		    p.v[0].message : _("not a request number")));
	problems_free(&p);
	return rc;
}

int
ra_documents_split(char *buf, const char **codes, size_t max, struct failure *err)
{
	char	*tok, *save = NULL, *end;
	size_t	 n = 0;

	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		for (end = tok + strlen(tok); end > tok && end[-1] == ' '; end--)
			end[-1] = '\0';
		if (*tok == '\0')
			continue;
		if (n == max) {
			ra_fail(err, FAILURE_USAGE, "documents.too_many", "documents",
			    ra_dup_printf("%s", _("too many documents")));
			return -1;
		}
		codes[n++] = tok;
	}
	return (int)n;
}

/* "/api/v1/ra/applications/NUMBER[/what]" for a number typed any way. */
static char *
ra_app_path(const char *number, const char *what, struct failure *err)
{
	char	 canon[REQNUM_LEN + 1], *path = NULL;

	if (ra_number(number, canon, err) == -1)
		return NULL;
	if (asprintf(&path, "/api/v1/ra/applications/%s%s%s", canon, what != NULL ? "/" : "",
	    what != NULL ? what : "") == -1) {
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
		return NULL;
	}
	return path;
}

int
ra_application(struct ra *ra, const char *number, json_t **out, struct failure *err)
{
	char	*path;
	int	 rc;

	*out = NULL;
	if ((path = ra_app_path(number, NULL, err)) == NULL)
		return -1;
	rc = ra_call(ra, "GET", path, NULL, 1, out, err);
	free(path);
	return rc;
}

int
ra_places(struct ra *ra, json_t **out, struct failure *err)
{
	json_t	*regions = NULL, *region, *cities;
	char	*path;
	size_t	 i;

	*out = NULL;
	if (ra_call(ra, "GET", "/api/v1/directories/regions", NULL, 1, &regions, err) == -1)
		return -1;
	if (!json_is_array(regions))
		goto broken;
	json_array_foreach(regions, i, region) {
		const char	*id = json_string_value(json_object_get(region, "id"));

		if (id == NULL || strchr(id, '/') != NULL || strchr(id, '?') != NULL)
			goto broken;
		if (asprintf(&path, "/api/v1/directories/regions/%s/cities", id) == -1) {
			ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
			json_decref(regions);
			return -1;
		}
		cities = NULL;
		if (ra_call(ra, "GET", path, NULL, 1, &cities, err) == -1) {
			free(path);
			json_decref(regions);
			return -1;
		}
		free(path);
		if (!json_is_array(cities) || json_object_set_new(region, "cities", cities) == -1) {
			json_decref(cities);
			goto broken;
		}
	}
	*out = regions;
	return 0;
broken:
	json_decref(regions);
	ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
	    _("the service's directory of places is not what doc/api.md says")));
	return -1;
}

int
ra_reject_reasons(struct ra *ra, json_t **out, struct failure *err)
{
	json_t	*answer = NULL;

	*out = NULL;
	if (ra_call(ra, "GET", "/api/v1/ra/reject-reasons", NULL, 1, &answer, err) == -1)
		return -1;
	if (!json_is_array(answer)) {
		json_decref(answer);
		ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
		    _("the service's list of reasons is not what doc/api-ra.md says")));
		return -1;
	}
	*out = answer;
	return 0;
}

static int
ra_decide(struct ra *ra, const char *number, const char *what, json_t *body, json_t **out,
    struct failure *err)
{
	char	*path;
	int	 rc = -1;

	*out = NULL;
	if (body == NULL)
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
	else if ((path = ra_app_path(number, what, err)) != NULL) {
		/* Not idempotent: a retry after a lost answer would meet "already decided". */
		rc = ra_call(ra, "POST", path, body, 0, out, err);
		free(path);
	}
	json_decref(body);
	return rc;
}

int
ra_approve(struct ra *ra, const char *number, const char *const *docs, size_t ndocs,
    json_t **out, struct failure *err)
{
	json_t	*list = json_array();
	size_t	 i;

	for (i = 0; list != NULL && i < ndocs; i++)
		if (json_array_append_new(list, json_string(docs[i])) == -1) {
			json_decref(list);
			list = NULL;
		}
	return ra_decide(ra, number, "approve", list != NULL ?
	    json_pack("{s:o}", "documents", list) : NULL, out, err);
}

int
ra_reject(struct ra *ra, const char *number, const char *reason, const char *text,
    json_t **out, struct failure *err)
{
	return ra_decide(ra, number, "reject", json_pack("{s:s, s:s?}", "reason", reason,
	    "text", text), out, err);
}

int
ra_revocation_check(const char *code, struct failure *err)
{
	const struct revocation_kind	*k = revocation_find(code);
	char				*list;

	if (k != NULL && k->chosen)
		return 0;
	list = revocation_choices(i18n_current());
	ra_fail(err, FAILURE_REFUSED, "reason.unknown", "reason", ra_dup_printf(
	    _("'%s' is not a reason a desk may revoke for; give one of: %s"),
	    code != NULL ? code : "", list != NULL ? list : "?"));
	free(list);
	return -1;
}

/*
 * POST .../revoke; the service's "already revoked" is the answer it is (the revocation
 * as it was made), not a failure: a second revocation is answered, never repeated.
 */
static int
ra_revoke_call(struct ra *ra, const char *path, json_t *body, json_t **out, int *already,
    struct failure *err)
{
	struct client_result	 res;
	char			*cause = NULL;
	json_t			*rev;
	int			 rc = -1;

	if (client_call(ra->cl, "POST", path, body, 0, &res, &cause) == 0 && res.json != NULL) {
		*out = json_incref(res.json);
		rc = 0;
	} else if (res.failure == CLIENT_REFUSED && res.status == 409 && res.code != NULL &&
	    strcmp(res.code, RA_ALREADY_REVOKED) == 0) {
		rev = ra_already_revocation(json_object_get(res.json, "error"));
		if (rev != NULL && (*out = json_pack("{s:s, s:b, s:o}", "status", "revoked",
		    "already_revoked", 1, "revocation", rev)) != NULL) {
			*already = 1;
			rc = 0;
		} else
			ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
	} else if (res.failure == CLIENT_OK)
		ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
		    _("the service sent an answer that is not JSON")));
	else {
		ra_fail_call(ra, &res, cause, err);
		cause = NULL;
	}
	free(cause);
	client_result_free(&res);
	return rc;
}

int
ra_revoke(struct ra *ra, const char *number, const struct ra_revocation *r, json_t **out,
    int *already, struct failure *err)
{
	json_t	*list = NULL, *body = NULL;
	char	*path = NULL;
	size_t	 i;
	int	 rc = -1;

	*out = NULL;
	*already = 0;
	if (ra_revocation_check(r->reason, err) == -1 ||
	    (path = ra_app_path(number, "revoke", err)) == NULL)
		return -1;
	if ((list = json_array()) == NULL)
		goto oom;
	for (i = 0; i < r->ndocs; i++)
		if (json_array_append_new(list, json_string(r->docs[i])) == -1)
			goto oom;
	if ((body = json_pack("{s:s, s:O, s:s?}", "reason", r->reason, "documents", list,
	    "text", r->text)) == NULL)
		goto oom;
	rc = ra_revoke_call(ra, path, body, out, already, err);
	goto out;
oom:
	ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
out:
	json_decref(body);
	json_decref(list);
	free(path);
	return rc;
}

int
ra_certificates(struct ra *ra, const char *iin, json_t **out, struct failure *err)
{
	struct problems	 p;
	json_t		*answer = NULL;
	char		*q = NULL, *path = NULL;
	int		 rc = -1;

	*out = NULL;
	problems_init(&p);
	if (idnum_validate_iin(iin, 0, NULL, &p) == -1) {
		ra_fail(err, FAILURE_REFUSED, p.n > 0 ? p.v[0].code : "iin.invalid", "iin",
		    ra_dup_printf("%s: %s", _("IIN"), p.n > 0 && p.v[0].message != NULL ?
		    p.v[0].message : _("not an IIN")));
		problems_free(&p);
		return -1;
	}
	problems_free(&p);
	if (ra_query_add(&q, "iin", iin) == -1 ||
	    asprintf(&path, "/api/v1/ra/certificates%s", q) == -1) {
		path = NULL;
		ra_fail(err, FAILURE_LOCAL, NULL, NULL, NULL);
	} else if (ra_call(ra, "GET", path, NULL, 1, &answer, err) == 0) {
		if (!json_is_array(json_object_get(answer, "applications")))
			ra_fail(err, FAILURE_SERVICE, NULL, NULL, ra_dup_printf("%s",
			    _("the service's list of certificates is not what doc/api-ra.md "
			    "says")));
		else {
			*out = json_incref(json_object_get(answer, "applications"));
			rc = 0;
		}
	}
	json_decref(answer);
	free(path);
	free(q);
	return rc;
}

const char *
ra_name(const json_t *names)
{
	static const char *const	 order[] = { "ru", "kk", "en" };
	const char			*s;
	size_t				 i;

	if (json_is_string(names))
		return json_string_value(names);
	if ((s = json_string_value(json_object_get(names, i18n_current()))) != NULL)
		return s;
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if ((s = json_string_value(json_object_get(names, order[i]))) != NULL)
			return s;
	return "";
}

const char *
ra_str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

int
ra_table_cells(char **text, const char *const *cells, const size_t *cols, size_t n)
{
	char	*line = NULL, *cell, *grown;
	size_t	 i, len = 0, tlen = *text != NULL ? strlen(*text) : 0;

	for (i = 0; i < n; i++) {
		if ((cell = utf8_fit(cells[i], cols[i], i + 1 < n)) == NULL ||
		    (grown = realloc(line, len + strlen(cell) + 2)) == NULL) {
			free(cell);
			free(line);
			return -1;
		}
		line = grown;
		len += (size_t)sprintf(line + len, "%s%s", cell, i + 1 < n ? " " : "");
		free(cell);
	}
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	if ((grown = realloc(*text, tlen + len + 2)) == NULL) {
		free(line);
		return -1;
	}
	*text = grown;
	(void)sprintf(*text + tlen, "%s\n", line != NULL ? line : "");
	free(line);
	return 0;
}

/* The applicant as "Surname Given Patronymic", whatever shape the service sends. */
void
ra_applicant_name(const json_t *app, char *buf, size_t size)
{
	const json_t	*a = json_object_get(app, "applicant");

	if (json_is_string(a))
		(void)snprintf(buf, size, "%s", json_string_value(a));
	else if (*ra_str(a, "full_name") != '\0')
		(void)snprintf(buf, size, "%s", ra_str(a, "full_name"));
	else
		(void)snprintf(buf, size, "%s%s%s%s%s", ra_str(a, "surname"),
		    *ra_str(a, "given_name") != '\0' ? " " : "", ra_str(a, "given_name"),
		    *ra_str(a, "patronymic") != '\0' ? " " : "", ra_str(a, "patronymic"));
}

/* A directory value: a plain id, or {"id","name":{...}} shown by its name. */
const char *
ra_value_label(const json_t *v)
{
	const char	*s;

	if (json_is_string(v))
		return json_string_value(v);
	if (json_object_get(v, "name") != NULL && *(s = ra_name(json_object_get(v, "name"))) != '\0')
		return s;
	return ra_str(v, "id");
}

const char *
ra_storage_name(const json_t *app)
{
	const json_t			*st = json_object_get(app, "storage");
	const struct storage_kind	*k = storage_find(json_is_string(st) ?
					    json_string_value(st) : ra_str(st, "id"));

	if (k != NULL)
		return storage_name(k, i18n_current());
	return *ra_str(st, "label") != '\0' ? ra_str(st, "label") : ra_value_label(st);
}

/* Days between submission and deadline: the window this service gives (30 by default). */
static int
ra_form_window(const json_t *app)
{
	time_t	a = when_parse(ra_str(app, "submitted")), b = when_parse(ra_str(app, "deadline"));

	if (a == (time_t)-1 || b == (time_t)-1 || b <= a)
		return 30;
	return (int)((b - a + 43200) / 86400);
}

char *
ra_form_text(const json_t *app, char **cause)
{
	const json_t	*org = json_object_get(app, "organization");
	const json_t	*a = json_object_get(app, "applicant");
	struct appform	 af;
	char		 who[512], date[WHEN_DAY_MAX], deadline[WHEN_DAY_MAX];

	ra_applicant_name(app, who, sizeof who);
	af = (struct appform){ .number = ra_str(app, "request_number"),
	    .date = when_day(ra_str(app, "submitted"), date),
	    .deadline = when_day(ra_str(app, "deadline"), deadline),
	    .org_name = ra_org_name(app), .bin = ra_str(org, "bin"), .applicant = who,
	    .iin = ra_str(a, "iin"), .email = ra_str(a, "email"),
	    .role = ra_value_label(json_object_get(app, "role")),
	    .region = ra_value_label(json_object_get(app, "region")),
	    .city = ra_value_label(json_object_get(app, "city")),
	    .gu_code = ra_str(app, "gu_code"), .storage = ra_storage_name(app),
	    .days = ra_form_window(app) };
	return appform_render(&af, 0, cause);
}

const char *
ra_org_name(const json_t *app)
{
	const json_t	*org = json_object_get(app, "organization");
	const json_t	*names = json_is_object(org) ? json_object_get(org, "names") :
			    json_object_get(app, "organization_names");
	const char	*s = json_string_value(json_object_get(names, i18n_current()));

	if (s != NULL && *s != '\0')
		return s;
	return json_is_object(org) && json_object_get(org, "name") != NULL ?
	    ra_name(json_object_get(org, "name")) : ra_value_label(org);
}

char *
ra_queue_table(const json_t *apps, int *urgent)
{
	static const size_t	 cols1[] = { REQNUM_LEN, 10, 5, 28 };	/* 80 with spaces */
	static const size_t	 cols2[] = { 1, 38, 39 };
	const json_t		*app;
	const char		*cells[4];
	char			*text = NULL, person[512], left[16], date[11];
	size_t			 i;
	json_int_t		 days;

	*urgent = 0;
	cells[0] = _("Request number");
	cells[1] = _("Submitted");
	cells[2] = _("Left");
	cells[3] = _("Organization");
	if (ra_table_cells(&text, cells, cols1, 4) == -1)
		goto oom;
	cells[0] = "";
	cells[1] = _("Applicant");
	cells[2] = _("Role");
	if (ra_table_cells(&text, cells, cols2, 3) == -1)
		goto oom;
	json_array_foreach(apps, i, app) {
		days = json_integer_value(json_object_get(app, "days_left"));
		(void)snprintf(left, sizeof left, "%4lld%s", (long long)days, days < 7 ? "!" : "");
		*urgent |= days < 7;
		(void)ra_day(ra_str(app, "submitted"), date);
		ra_applicant_name(app, person, sizeof person);
		cells[0] = ra_str(app, "request_number");
		cells[1] = date;
		cells[2] = left;
		cells[3] = ra_org_name(app);
		if (ra_table_cells(&text, cells, cols1, 4) == -1)
			goto oom;
		cells[0] = "";
		cells[1] = person;
		cells[2] = ra_value_label(json_object_get(app, "role"));
		if (ra_table_cells(&text, cells, cols2, 3) == -1)
			goto oom;
	}
	return text;
oom:
	free(text);
	return NULL;
}

int
ra_me(struct ra *ra, json_t **out, struct failure *err)
{
	return ra_call(ra, "GET", "/api/v1/ra/me", NULL, 1, out, err);
}

_Static_assert(RA_WHEN_MAX >= WHEN_MAX && 11 >= WHEN_DAY_MAX, "ra_when and ra_day hold "
    "when_local's and when_day's");

const char *
ra_when(const char *iso, char buf[RA_WHEN_MAX])
{
	return when_local(iso, buf);
}

const char *
ra_day(const char *iso, char buf[11])
{
	return when_day(iso, buf);
}

/*
 * The service's actors (doc/api-lifecycle.md) and how a person reads each: a word in the
 * reader's language, then what follows the prefix (a name, an address) as it is.
 */
static const struct {
	const char	*prefix;	/* the actor starts with it ... */
	int		 whole;		/* ... and is exactly it */
	const char	*word;		/* untranslated */
	const char	*join;		/* between the word and the rest */
} ra_actors[] = {
	{ "operator:", 0, N_("operator"), " " },
	{ "applicant (", 0, N_("applicant"), " (" },
	{ "auto-approve (demo)", 1, N_("automatic approval (demo)"), "" },
	/* Who revoked (doc/api-lifecycle.md): the holder with their key, or a renewal. */
	{ "holder", 1, N_("the holder, signing with their key"), "" },
	{ "holder (", 0, N_("the holder, signing with their key"), " (" },
	{ "renewal ", 0, N_("renewal: new application"), " " },
	{ "expiry", 1, N_("the service: not verified in time"), "" },
};

const char *
ra_actor(const char *actor, const json_t *app, char *buf, size_t size)
{
	char	name[512] = "";
	size_t	i, n;

	for (i = 0; i < sizeof ra_actors / sizeof ra_actors[0]; i++) {
		n = strlen(ra_actors[i].prefix);
		if (ra_actors[i].whole ? strcmp(actor, ra_actors[i].prefix) != 0 :
		    strncmp(actor, ra_actors[i].prefix, n) != 0)
			continue;
		if (ra_actors[i].whole)
			return _(ra_actors[i].word);
		/* The service knows the applicant only by address; the application, by name. */
		if (app != NULL && strcmp(ra_actors[i].prefix, "applicant (") == 0)
			ra_applicant_name(app, name, sizeof name);
		(void)snprintf(buf, size, "%s%s%s%s%s", _(ra_actors[i].word), *name != '\0' ?
		    " " : "", name, ra_actors[i].join, actor + n);
		return buf;
	}
	return actor;
}

const char *
ra_role(const char *role)
{
	if (role != NULL && strcmp(role, "supervisor") == 0)
		return _("supervisor");
	if (role != NULL && strcmp(role, "operator") == 0)
		return _("operator");
	return role != NULL ? role : "?";
}

const char *
ra_status(const char *wire)
{
	enum app_status	st;

	return appstatus_parse(wire, &st) == 0 ? _(appstatus_label(st)) : wire;
}

/* A document's name in the reader's language, by its code, from the application's list. */
static const char *
ra_document_name(const json_t *app, const char *code)
{
	const json_t	*d;
	size_t		 i;

	json_array_foreach(json_object_get(app, "documents"), i, d)
		if (strcmp(ra_str(d, "code"), code) == 0)
			return ra_name(json_object_get(d, "name"));
	return code;
}

static char *
ra_event_rejected(const json_t *ev, const json_t *app)
{
	(void)app;
	return reason_describe(ev, i18n_current());
}

/* Appends "; documents checked: NAME, ..." for the codes of an event's "documents". */
static char *
ra_event_documents(char *text, const json_t *ev, const json_t *app)
{
	const json_t	*code;
	char		*grown;
	size_t		 i;

	json_array_foreach(json_object_get(ev, "documents"), i, code) {
		if (asprintf(&grown, "%s%s%s", text, i == 0 ? _("; documents checked: ") : ", ",
		    ra_document_name(app, json_string_value(code) != NULL ?
		    json_string_value(code) : "")) == -1)
			break;
		free(text);
		text = grown;
	}
	return text;
}

/* "certificates AUTH X, RSA Y; documents checked: the printed form, ..." */
static char *
ra_event_issued(const json_t *ev, const json_t *app)
{
	const json_t	*serials = json_object_get(ev, "serials");
	char		*text = NULL;

	if (!json_is_object(serials) || asprintf(&text, _("certificates AUTH %s, RSA %s"),
	    ra_str(serials, "auth"), ra_str(serials, "sign")) == -1)
		return NULL;
	return ra_event_documents(text, ev, app);
}

static char *
ra_event_cancelled(const json_t *ev, const json_t *app)
{
	char	*text = NULL;

	(void)app;
	if (!json_is_integer(json_object_get(ev, "days")) || asprintf(&text,
	    ngettext("not verified within %d day", "not verified within %d days",
	    (unsigned long)json_integer_value(json_object_get(ev, "days"))),
	    (int)json_integer_value(json_object_get(ev, "days"))) == -1)
		return NULL;
	return text;
}

/*
 * A revocation: its reason by name; the documents checked and the operator's words when
 * the service gives them apart ("documents", "text"), as a rejection's.
 */
static char *
ra_event_revoked(const json_t *ev, const json_t *app)
{
	const struct revocation_kind	*k = revocation_find(ra_str(ev, "reason"));
	char				*text = NULL;

	if (k == NULL || asprintf(&text, "%s%s%s", revocation_name(k, i18n_current()),
	    *ra_str(ev, "text") != '\0' ? ": " : "", ra_str(ev, "text")) == -1)
		return NULL;
	return ra_event_documents(text, ev, app);
}

static char *
ra_event_installed(const json_t *ev, const json_t *app)
{
	(void)ev;
	(void)app;
	return strdup(_("the applicant proved they hold the authentication key"));
}

/*
 * What an event of the history says beyond its action, in the reader's words: made from
 * the members the service gives beside its English "detail" (doc/api-ra.md). An event
 * of an action not here, or from a service that gives no such members, shows the detail
 * as it is.
 */
static const struct {
	const char	*action;
	char		*(*words)(const json_t *ev, const json_t *app);
} ra_events[] = {
	{ "rejected", ra_event_rejected },
	{ "issued", ra_event_issued },
	{ "cancelled", ra_event_cancelled },
	{ "installed", ra_event_installed },
	{ "revoked", ra_event_revoked },
};

char *
ra_event_detail(const json_t *ev, const json_t *app)
{
	const char	*detail = ra_str(ev, "detail");
	char		*words;
	size_t		 i;

	for (i = 0; i < sizeof ra_events / sizeof ra_events[0]; i++)
		if (strcmp(ra_str(ev, "action"), ra_events[i].action) == 0 &&
		    (words = ra_events[i].words(ev, app)) != NULL)
			return words;
	return *detail != '\0' ? strdup(detail) : NULL;
}

const json_t *
ra_decision(const json_t *app)
{
	const json_t	*h = json_object_get(app, "history"), *ev;
	const char	*want = ra_str(app, "status");
	size_t		 i;

	/* Installed: who decided is who issued it. */
	if (strcmp(want, "installed") == 0)
		want = "issued";
	if (strcmp(want, "submitted") == 0)
		return NULL;
	for (i = json_array_size(h); i > 0; i--)
		if (strcmp(ra_str(ev = json_array_get(h, i - 1), "action"), want) == 0)
			return ev;
	return NULL;
}

const char *
ra_decided_text(const json_t *answer, int approved)
{
	const char	*mail = ra_str(answer, "mail");

	if (strcmp(mail, "queued") == 0)
		return approved ? _("Approved: both certificates are issued, and an e-mail on "
		    "its way tells the applicant so.") : _("Rejected: an e-mail on its way tells "
		    "the applicant so, with the reason.");
	/* An older service sent it during the request. */
	if (strcmp(mail, "sent") == 0)
		return approved ? _("Approved: both certificates are issued, and the applicant "
		    "is told so by e-mail.") : _("Rejected: the applicant is told so, with the "
		    "reason, by e-mail.");
	if (strcmp(mail, "none") == 0)
		return approved ? _("Approved: both certificates are issued. No e-mail goes to "
		    "the applicant (none was given, or this service sends none): tell them to "
		    "install the certificates.") : _("Rejected. No e-mail goes to the "
		    "applicant (none was given, or this service sends none): tell them the "
		    "reason.");
	if (strcmp(mail, "failed") == 0)
		return approved ? _("Approved: both certificates are issued, but the e-mail to "
		    "the applicant could not be sent: tell them to install the certificates.") :
		    _("Rejected, but the e-mail to the applicant could not be sent: tell them "
		    "the reason.");
	/* An older service does not say: say nothing about a notice. */
	return approved ? _("Approved: both certificates are issued.") : _("Rejected.");
}

char *
ra_already(const char *by, const char *at, const char *status)
{
	char	who[256], when[RA_WHEN_MAX];

	return ra_dup_printf(_("already decided by %s at %s; the application's status: %s"),
	    ra_actor(by != NULL ? by : "?", NULL, who, sizeof who), ra_when(at != NULL ? at : "?",
	    when), ra_status(status != NULL ? status : "?"));
}

char *
ra_already_app(const json_t *app)
{
	const json_t	*ev = ra_decision(app);

	return ra_already(ra_str(ev, "actor"), ra_str(ev, "at"), ra_str(app, "status"));
}

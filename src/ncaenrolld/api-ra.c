/*
 * api-ra — the registration desk's half of the API (doc/api-ra.md): who the operator is,
 * the queue of applications waiting for verification, an application in full (unmasked:
 * only a verified operator gets here), and the decisions. Every handler first verifies the
 * client certificate (operator.c); a refusal is 403 with the refusal's code. Approving
 * goes through issue_application and rejecting through store_app_transition, so the
 * store's "only if still submitted" decides a race: one winner, and the loser gets 409
 * naming who decided and when, read from the application's history.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appform.h"
#include "common/cause.h"
#include "common/idnum.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/problem.h"
#include "common/reason.h"
#include "common/reqnum.h"
#include "common/revocation.h"
#include "common/storage.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/documents.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/operator.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define RA_QUEUE_LIMIT		100
#define RA_QUEUE_MAX		500
#define RA_COMMENT_MAX		1000
#define RA_ACTOR_MAX		(OPERATOR_NAME_MAX + 16)

/* The documents checklist (documents.h): every one is required, and an approval names
 * them all. */
_Static_assert(DOCUMENTS_N == 3, "ra_approve_documents names three");

/* ---- small helpers ---- */

static void
ra_iso(time_t t, char buf[32])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, 32, "%lld", (long long)t);
}

static int
ra_set_time(json_t *o, const char *key, time_t t)
{
	char	buf[32];

	if (t == 0)
		return json_object_set_new(o, key, json_null());
	ra_iso(t, buf);
	return json_object_set_new(o, key, json_string(buf));
}

/* Whole days before the deadline, rounded down, never below 0. */
static long
ra_days_left(time_t deadline, time_t now)
{
	return deadline <= now ? 0 : (long)((deadline - now) / 86400);
}

static json_t *
ra_names(const struct store_names *n)
{
	return json_pack("{s:s?, s:s?, s:s?}", "kk", n->kk, "ru", n->ru, "en", n->en);
}

static int
ra_store_fail(const char *what, char *cause)
{
	log_error("%s: %s", what, cause != NULL ? cause : "failed");
	free(cause);
	return -1;
}

/* ---- the operator ---- */

/*
 * What the gate of the RA routes (api_ra_operator) establishes for their handlers: the
 * operator its client certificate proves, and the store that was checked against, held
 * until the handler is done.
 */
struct ra_caller {
	struct store		*st;
	struct operator		 op;
};

static enum http_result
ra_gate_check(struct srv *srv, struct http_req *req, struct http_resp *resp)
{
	struct ra_caller	*who;
	enum operator_refusal	 why;
	char			*cause = NULL;

	if ((who = calloc(1, sizeof *who)) == NULL)
		return HTTP_FAILED;
	req->caller = who;
	if ((who->st = srv_store_get(srv, &cause)) == NULL)
		return ra_store_fail("store", cause);
	if (operator_verify(srv->opca, srv->ca != NULL ? ca_chain_pem(srv->ca) : NULL, who->st,
	    req->client_cert, req->client_cert_len, srv_now(srv), &who->op, &why,
	    &cause) == -1)
		return ra_store_fail("operator check", cause);
	if (why != OPERATOR_OK) {
		log_info("%s: RA request refused: %s", req->client_addr != NULL ?
		    req->client_addr : "-", operator_refusal_code(why));
		http_error(resp, 403, operator_refusal_code(why), NULL, "%s",
		    operator_refusal_text(why));
		return HTTP_ANSWERED;
	}
	return HTTP_GO_ON;
}

static void
ra_gate_end(struct srv *srv, struct http_req *req)
{
	struct ra_caller	*who = req->caller;

	if (who == NULL)
		return;
	operator_free(&who->op);
	srv_store_put(srv, who->st);
	free(who);
	req->caller = NULL;
}

const struct http_gate api_ra_operator = { ra_gate_check, ra_gate_end };

struct ra_ctx {
	struct srv		*srv;
	const struct http_req	*req;
	struct http_resp	*resp;
	struct store		*st;
	const struct operator	*op;
	char			 actor[RA_ACTOR_MAX];
	time_t			 now;
};

/* A handler's context from what the gate established: HTTP_GO_ON, or HTTP_FAILED. */
static enum http_result
ra_begin(struct ra_ctx *c, struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	const struct ra_caller	*who = req->caller;

	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->req = req;
	c->resp = resp;
	c->now = srv_now(srv);
	if (who == NULL) {
		log_error("%s: an RA handler called without its gate", req->path != NULL ?
		    req->path : "-");
		return HTTP_FAILED;
	}
	c->st = who->st;
	c->op = &who->op;
	(void)snprintf(c->actor, sizeof c->actor, "operator:%s", c->op->row.name);
	return HTTP_GO_ON;
}

/* An entry of a directory as {"id", "name": {...}} (just the id if it is gone). */
static json_t *
ra_entry_json(struct store *st, enum store_dir d, const char *id)
{
	struct store_entry	 e;
	json_t			*o;
	char			*cause = NULL;
	int			 found = 0;

	if (id == NULL)
		return json_null();
	memset(&e, 0, sizeof e);
	if (store_entry_get(st, d, id, &e, &found, &cause) == -1) {
		log_warning("directory: %s", cause);
		free(cause);
	}
	if (!found)
		return json_pack("{s:s, s:n}", "id", id, "name");
	o = json_pack("{s:s, s:o}", "id", id, "name", ra_names(&e.name));
	if (o != NULL && e.dc != NULL && json_object_set_new(o, "dc", json_string(e.dc)) == -1) {
		json_decref(o);
		o = NULL;
	}
	if (o != NULL && e.address != NULL &&
	    json_object_set_new(o, "address", json_string(e.address)) == -1) {
		json_decref(o);
		o = NULL;
	}
	if (o != NULL && e.parent_id != NULL &&
	    json_object_set_new(o, "parent", json_string(e.parent_id)) == -1) {
		json_decref(o);
		o = NULL;
	}
	store_entry_free(&e);
	return o;
}

static json_t *
ra_operator_json(struct ra_ctx *c)
{
	json_t	*o;

	o = json_pack("{s:s, s:s, s:o, s:s}", "name", c->op->row.name, "role", c->op->row.role,
	    "office", ra_entry_json(c->st, STORE_OFFICES, c->op->row.office),
	    "certificate_serial", c->op->row.serial);
	if (o != NULL && ra_set_time(o, "certificate_not_after", c->op->not_after) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The operator's office's city ("" if the office is not in the directory). */
static int
ra_office_city(struct store *st, const char *office, char **city, int *found)
{
	struct store_entry	 e;
	char			*cause = NULL;

	*city = NULL;
	memset(&e, 0, sizeof e);
	if (store_entry_get(st, STORE_OFFICES, office, &e, found, &cause) == -1)
		return ra_store_fail("office", cause);
	if (*found && e.parent_id != NULL && (*city = strdup(e.parent_id)) == NULL) {
		store_entry_free(&e);
		return -1;
	}
	store_entry_free(&e);
	return 0;
}

enum http_result
api_ra_me(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx	 c;
	json_t		*o;

	if (ra_begin(&c, srv, req, resp) != HTTP_GO_ON || (o = ra_operator_json(&c)) == NULL)
		return HTTP_FAILED;
	http_json(resp, 200, o);
	return HTTP_ANSWERED;
}

enum http_result
api_ra_reasons(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	json_t			*a = NULL, *o;
	size_t			 i;
	enum http_result	 rc = HTTP_FAILED;

	if (ra_begin(&c, srv, req, resp) != HTTP_GO_ON || (a = json_array()) == NULL)
		goto out;
	for (i = 0; i < reason_nkinds; i++) {
		o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:b}", "code", reason_kinds[i].code,
		    "name", "kk", reason_kinds[i].kk, "ru", reason_kinds[i].ru, "en",
		    reason_kinds[i].en, "text_required", reason_kinds[i].text_required);
		if (o == NULL || json_array_append_new(a, o) == -1)
			goto out;
	}
	http_json(resp, 200, a);
	a = NULL;
	rc = HTTP_ANSWERED;
out:
	json_decref(a);
	return rc;
}

/* ---- the queue ---- */

/* A non-negative integer query argument: 0 (maybe absent: *v untouched) or 400. */
static int
ra_query_uint(const struct http_req *req, struct http_resp *resp, const char *name,
    long max, long *v)
{
	const char	*s = req->query != NULL ? req->query(req, name) : NULL;
	char		*end;
	long		 n;

	if (s == NULL || *s == '\0')
		return 0;
	n = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || n < 0 || n > max) {
		http_error(resp, 400, "query.invalid", name, "'%s' must be a number from 0 to %ld",
		    name, max);
		return -1;
	}
	*v = n;
	return 0;
}

static const char *
ra_query(const struct http_req *req, const char *name)
{
	const char	*s = req->query != NULL ? req->query(req, name) : NULL;

	return s != NULL && *s != '\0' ? s : NULL;
}

/*
 * q: a request number (in any spelling reqnum_parse takes) or a 12-digit IIN or BIN.
 * 0 with the filter set, or -1 after a 400.
 */
static int
ra_search(const char *q, struct store_queue_filter *f, char num[REQNUM_LEN + 1],
    struct http_resp *resp)
{
	struct problems	p;
	size_t		n = strlen(q);

	if (n == 12 && strspn(q, "0123456789") == 12) {
		f->idnum = q;
		return 0;
	}
	problems_init(&p);
	if (reqnum_parse(q, num, &p) == 0) {
		problems_free(&p);
		f->number = num;
		return 0;
	}
	problems_free(&p);
	http_error(resp, 400, "query.search", "q", "%s",
	    "search by a request number, or a 12-digit IIN or BIN");
	return -1;
}

struct ra_queue_args {
	struct store_queue_filter	 f;
	char				 num[REQNUM_LEN + 1];
	char				*city;		/* malloc'd: an office's city */
	const char			*scope;
};

/* Reads the query into a filter: HTTP_GO_ON, HTTP_ANSWERED (a 400), or HTTP_FAILED. */
static enum http_result
ra_queue_filter(struct ra_ctx *c, struct ra_queue_args *q)
{
	const char	*office = ra_query(c->req, "office"), *s;
	long		 older = -1, newer = -1, limit = RA_QUEUE_LIMIT, offset = 0;
	int		 found;

	memset(q, 0, sizeof *q);
	q->f.region_id = ra_query(c->req, "region");
	q->f.city_id = ra_query(c->req, "city");
	q->scope = ra_query(c->req, "scope");
	if (q->scope != NULL && strcmp(q->scope, "office") != 0 && strcmp(q->scope, "all") != 0) {
		http_error(c->resp, 400, "query.invalid", "scope", "%s",
		    "scope is \"office\" (the default) or \"all\"");
		return HTTP_ANSWERED;
	}
	if (q->scope != NULL && strcmp(q->scope, "all") == 0 &&
	    strcmp(c->op->row.role, operator_role_name(OPERATOR_ROLE_SUPERVISOR)) != 0) {
		http_error(c->resp, 403, "ra.supervisor_only", "scope", "%s",
		    "only a supervisor sees every office's queue at once");
		return HTTP_ANSWERED;
	}
	/* max_age_days is the same filter as newer_than_days, under the console's name. */
	if (ra_query_uint(c->req, c->resp, "older_than_days", 3650, &older) == -1 ||
	    ra_query_uint(c->req, c->resp, "newer_than_days", 3650, &newer) == -1 ||
	    ra_query_uint(c->req, c->resp, "max_age_days", 3650, &newer) == -1 ||
	    ra_query_uint(c->req, c->resp, "limit", RA_QUEUE_MAX, &limit) == -1 ||
	    ra_query_uint(c->req, c->resp, "offset", INT_MAX, &offset) == -1)
		return HTTP_ANSWERED;
	if ((s = ra_query(c->req, "q")) != NULL && ra_search(s, &q->f, q->num, c->resp) == -1)
		return HTTP_ANSWERED;
	/* No place asked for and no search: the operator's own office's city. */
	if (office == NULL && q->f.region_id == NULL && q->f.city_id == NULL && s == NULL &&
	    (q->scope == NULL || strcmp(q->scope, "office") == 0))
		office = c->op->row.office;
	if (office != NULL) {
		if (ra_office_city(c->st, office, &q->city, &found) == -1)
			return HTTP_FAILED;
		if (!found || q->city == NULL) {
			http_error(c->resp, 400, "office.unknown", "office", "no office '%s'",
			    office);
			return HTTP_ANSWERED;
		}
		q->f.city_id = q->city;
	}
	if (older >= 0)
		q->f.created_before = c->now - (time_t)older * 86400;
	if (newer >= 0)
		q->f.created_after = c->now - (time_t)newer * 86400;
	q->f.limit = limit > 0 ? (size_t)limit : RA_QUEUE_LIMIT;
	q->f.offset = (size_t)offset;
	return HTTP_GO_ON;
}

/*
 * The organization's name in Kazakh and Russian, for a desk that reads Kazakh: the
 * application keeps the one name its certificates carry (the register's Russian name at
 * submission); the register holds both. Given only while the register's Russian name is
 * still the application's (a renamed organization keeps the name it applied with, alone):
 * a JSON object, or NULL for none.
 */
static json_t *
ra_org_names(struct ra_ctx *c, const struct store_app *a)
{
	struct store_org	 org;
	json_t			*o = NULL;
	char			*cause = NULL;
	int			 found = 0;

	memset(&org, 0, sizeof org);
	if (store_org_get(c->st, a->bin, &org, &found, &cause) == -1) {
		log_warning("register: %s", cause != NULL ? cause : "?");
		free(cause);
	}
	if (found && org.name.kk != NULL && org.name.ru != NULL && a->org_name != NULL &&
	    strcmp(org.name.ru, a->org_name) == 0)
		o = json_pack("{s:s, s:s}", "kk", org.name.kk, "ru", org.name.ru);
	store_org_free(&org);
	return o;
}

static json_t *
ra_queue_item(struct ra_ctx *c, const struct store_app *a)
{
	json_t	*o, *names;
	char	*name;

	if ((name = appform_full_name(a->surname, a->given_name, a->patronymic)) == NULL)
		return NULL;
	o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s, s:o, s:s?, s:s?, s:I}",
	    "request_number", a->number, "status", appstatus_wire(a->status),
	    "organization", a->org_name, "bin", a->bin, "applicant", name, "iin", a->iin,
	    "role", ra_entry_json(c->st, STORE_ROLES, a->role_id),
	    "region", a->region_id, "city", a->city_id,
	    "days_left", (json_int_t)ra_days_left(a->deadline, c->now));
	free(name);
	if (o != NULL && (ra_set_time(o, "submitted", a->created) == -1 ||
	    ra_set_time(o, "deadline", a->deadline) == -1 ||
	    ((names = ra_org_names(c, a)) != NULL &&
	    json_object_set_new(o, "organization_names", names) == -1))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum http_result
api_ra_queue(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	struct ra_queue_args	 q;
	struct store_app	*v = NULL;
	json_t			*items = NULL, *o;
	char			*cause = NULL;
	size_t			 n = 0, total = 0, i;
	enum http_result	 rc;

	memset(&q, 0, sizeof q);
	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = ra_queue_filter(&c, &q)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (store_app_queue(c.st, &q.f, &v, &n, &total, &cause) == -1) {
		(void)ra_store_fail("queue", cause);
		goto out;
	}
	if ((items = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if ((o = ra_queue_item(&c, &v[i])) == NULL ||
		    json_array_append_new(items, o) == -1)
			goto out;
	o = json_pack("{s:o, s:I, s:I, s:I, s:s?, s:s?}", "applications", items,
	    "total", (json_int_t)total, "limit", (json_int_t)q.f.limit,
	    "offset", (json_int_t)q.f.offset, "city", q.f.city_id, "region", q.f.region_id);
	items = NULL;
	if (o == NULL || ra_set_time(o, "now", c.now) == -1) {
		json_decref(o);
		goto out;
	}
	http_json(resp, 200, o);
	rc = HTTP_ANSWERED;
out:
	json_decref(items);
	store_apps_free(v, n);
	free(q.city);
	return rc;
}

/* ---- one application ---- */

/* The number in the path, then the application: as app_load in api-applications.c. */
static enum http_result
ra_load(struct ra_ctx *c, struct store_app *a)
{
	struct problems	 p;
	char		 num[REQNUM_LEN + 1], *cause = NULL;
	int		 found;

	problems_init(&p);
	if (c->req->params[0] == NULL || reqnum_parse(c->req->params[0], num, &p) == -1) {
		http_error(c->resp, 400, p.n > 0 ? p.v[0].code : "request_number.missing",
		    "request_number", "%s", p.n > 0 && p.v[0].message != NULL ?
		    p.v[0].message : "not a request number");
		problems_free(&p);
		return HTTP_ANSWERED;
	}
	problems_free(&p);
	if (store_app_get(c->st, num, a, &found, &cause) == -1)
		return ra_store_fail("application", cause);
	if (!found) {
		http_error(c->resp, 404, "application.not_found", "request_number", "%s",
		    "no application with this request number");
		return HTTP_ANSWERED;
	}
	return HTTP_GO_ON;
}

/* A revocation's event says its reason apart: the code its detail starts with. */
static int
ra_history_revocation(json_t *o, const char *detail)
{
	const struct revocation_kind	*k;
	char				 code[64];

	(void)snprintf(code, sizeof code, "%.*s", (int)strcspn(detail, ";:"), detail);
	if ((k = revocation_find(code)) == NULL)
		return 0;
	return json_object_set_new(o, "reason", json_string(k->code));
}

/*
 * A rejection's event also says its reason apart: "reason" (the code) and "text" (the
 * operator's words), read from the detail ra_reject_reason wrote ("CODE[: TEXT]").
 */
static int
ra_history_reason(json_t *o, const struct store_event *ev)
{
	const struct reason_kind	*k;
	const char			*d = ev->detail, *colon;
	char				 code[64];

	if (d != NULL && strcmp(ev->action, appstatus_wire(APP_REVOKED)) == 0)
		return ra_history_revocation(o, d);
	if (strcmp(ev->action, appstatus_wire(APP_REJECTED)) != 0 || d == NULL)
		return 0;
	colon = strstr(d, ": ");
	(void)snprintf(code, sizeof code, "%.*s", (int)(colon != NULL ? (size_t)(colon - d) :
	    strlen(d)), d);
	if ((k = reason_find(code)) == NULL)
		return 0;
	if (json_object_set_new(o, "reason", json_string(k->code)) == -1 ||
	    json_object_set_new(o, "text", colon != NULL ? json_string(colon + 2) :
	    json_null()) == -1)
		return -1;
	return 0;
}

/*
 * An issue's event also says its parts apart, for a reader in another language:
 * "serials" ({"auth", "sign"}) and, when the desk checked them, "documents" (their
 * codes), read from the detail issue.c wrote ("AUTH X, SIGN Y[; documents checked: A,
 * B, C]"); a cancellation's says "days" (jobs.c: "not verified within N days").
 */
static int
ra_history_parts(json_t *o, const struct store_event *ev)
{
	const char	*d = ev->detail, *docs;
	char		 auth[64], sign[64], code[32];
	json_t		*codes;
	int		 days, n;

	if (d == NULL)
		return 0;
	if (strcmp(ev->action, appstatus_wire(APP_CANCELLED)) == 0 &&
	    sscanf(d, "not verified within %d days", &days) == 1)
		return json_object_set_new(o, "days", json_integer(days));
	if (strcmp(ev->action, appstatus_wire(APP_ISSUED)) != 0 ||
	    sscanf(d, "AUTH %63[0-9A-Fa-f], SIGN %63[0-9A-Fa-f]", auth, sign) != 2)
		return 0;
	if (json_object_set_new(o, "serials", json_pack("{s:s, s:s}", "auth", auth, "sign",
	    sign)) == -1)
		return -1;
	if ((docs = strstr(d, "; documents checked: ")) == NULL)
		return 0;
	if ((codes = json_array()) == NULL)
		return -1;
	docs += strlen("; documents checked: ");
	while (sscanf(docs, "%31[a-z_]%n", code, &n) == 1) {
		if (json_array_append_new(codes, json_string(code)) == -1) {
			json_decref(codes);
			return -1;
		}
		if (strncmp(docs + n, ", ", 2) != 0)
			break;
		docs += n + 2;
	}
	return json_object_set_new(o, "documents", codes);
}

static json_t *
ra_history(struct store *st, const char *number)
{
	struct store_event	*ev = NULL;
	json_t			*a, *o;
	char			*cause = NULL, at[32];
	size_t			 n = 0, i;

	if (store_events(st, number, &ev, &n, &cause) == -1) {
		(void)ra_store_fail("history", cause);
		return NULL;
	}
	if ((a = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		ra_iso(ev[i].at, at);
		o = json_pack("{s:s, s:s, s:s, s:s?}", "at", at, "actor", ev[i].actor,
		    "action", ev[i].action, "detail", ev[i].detail);
		if (o != NULL && (ra_history_reason(o, &ev[i]) == -1 ||
		    ra_history_parts(o, &ev[i]) == -1)) {
			json_decref(o);
			o = NULL;
		}
		if (o == NULL || json_array_append_new(a, o) == -1) {
			json_decref(a);
			a = NULL;
			break;
		}
	}
out:
	store_events_free(ev, n);
	return a;
}

static json_t *
ra_documents_json(void)
{
	const struct documents_item	*d;
	json_t				*a, *o;
	size_t				 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < DOCUMENTS_N; i++) {
		d = &documents_checklist[i];
		o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:b}", "code", d->code,
		    "name", "kk", d->kk, "ru", d->ru, "en", d->en, "required", 1);
		if (o == NULL || json_array_append_new(a, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The printed form as the applicant has it (English labels; the service speaks English). */
static json_t *
ra_form_text(struct ra_ctx *c, const struct store_app *a, const char *applicant)
{
	const struct storage_kind	*stg = storage_find(a->storage);
	struct appform			 af;
	char				 date[32], deadline[32], *form, *cause = NULL;
	json_t				*j;

	ra_iso(a->created, date);
	ra_iso(a->deadline, deadline);
	af = (struct appform){ .number = a->number, .date = date, .deadline = deadline,
	    .org_name = a->org_name, .bin = a->bin, .applicant = applicant, .iin = a->iin,
	    .email = a->email, .role = a->role_id, .region = a->region_id, .city = a->city_id,
	    .gu_code = a->gu_code, .storage = stg != NULL ? storage_name(stg, "en") : a->storage,
	    .days = srv_policy(c->srv)->verification_days };
	if ((form = appform_render(&af, 0, &cause)) == NULL) {
		log_warning("application form: %s", cause != NULL ? cause : "?");
		free(cause);
		return json_null();
	}
	j = json_string(form);
	free(form);
	return j;
}

static int
ra_app_certs(json_t *o, const struct store_app *a)
{
	json_t	*certs;

	if (a->cert_auth == NULL || a->cert_sign == NULL)
		return 0;
	certs = json_pack("{s:{s:s}, s:{s:s}}", "auth", "serial", a->serial_auth,
	    "sign", "serial", a->serial_sign);
	if (certs == NULL || ra_set_time(certs, "not_before", a->not_before) == -1 ||
	    ra_set_time(certs, "not_after", a->not_after) == -1) {
		json_decref(certs);
		return -1;
	}
	return json_object_set_new(o, "certificates", certs);
}

static json_t *
ra_app_json(struct ra_ctx *c, const struct store_app *a)
{
	const struct storage_kind	*stg = storage_find(a->storage);
	json_t				*o, *names;
	char				*name;

	if ((name = appform_full_name(a->surname, a->given_name, a->patronymic)) == NULL)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s?, s:s?, s:s?, s:s, s:s?}, s:{s:s, s:s?},"
	    " s:o, s:o, s:o, s:s?, s:{s:s?, s:s?}, s:s?, s:s?, s:o, s:o, s:o}",
	    "request_number", a->number, "status", appstatus_wire(a->status),
	    "status_label", appstatus_label(a->status),
	    "applicant", "full_name", name, "surname", a->surname, "given_name", a->given_name,
	    "patronymic", a->patronymic, "iin", a->iin, "email", a->email,
	    "organization", "bin", a->bin, "name", a->org_name,
	    "role", ra_entry_json(c->st, STORE_ROLES, a->role_id),
	    "region", ra_entry_json(c->st, STORE_REGIONS, a->region_id),
	    "city", ra_entry_json(c->st, STORE_CITIES, a->city_id),
	    "gu_code", a->gu_code,
	    "storage", "id", a->storage, "label", stg != NULL ? storage_name(stg, "en") : NULL,
	    "lang", a->lang, "reject_reason", a->reject_reason,
	    "documents", ra_documents_json(),
	    "history", ra_history(c->st, a->number),
	    "form", ra_form_text(c, a, name));
	free(name);
	if (o == NULL || ra_set_time(o, "submitted", a->created) == -1 ||
	    ra_set_time(o, "deadline", a->deadline) == -1 ||
	    ra_set_time(o, "decided", a->decided) == -1 ||
	    json_object_set_new(o, "days_left", a->status == APP_SUBMITTED ?
	    json_integer((json_int_t)ra_days_left(a->deadline, c->now)) : json_null()) == -1 ||
	    ra_app_certs(o, a) == -1 ||
	    ((names = ra_org_names(c, a)) != NULL && json_object_set_new(json_object_get(o,
	    "organization"), "names", names) == -1) ||
	    (a->status == APP_REJECTED && a->reject_code != NULL &&
	    json_object_set_new(o, "reject", reason_json(a->reject_code,
	    a->reject_text)) == -1) || app_lifecycle_json(o, a) == -1 ||
	    app_mail_json(c->st, o, a->number, 1) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum http_result
api_ra_application(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	struct store_app	 a;
	json_t			*o;
	enum http_result	 rc;

	memset(&a, 0, sizeof a);
	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = ra_load(&c, &a)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if ((o = ra_app_json(&c, &a)) == NULL)
		goto out;
	http_json(resp, 200, o);
	rc = HTTP_ANSWERED;
out:
	store_app_free(&a);
	return rc;
}

/* ---- decisions ---- */

/*
 * 409: the application is no longer submitted. Who moved it and when come from the last
 * history entry that moved it to its current status.
 */
static enum http_result
ra_already(struct ra_ctx *c, const char *number, enum app_status cur)
{
	struct store_event	*ev = NULL;
	enum app_status		 decision;
	const char		*by = NULL;
	char			*cause = NULL, at[32] = "";
	size_t			 n = 0, i;
	json_t			*err;

	if (store_events(c->st, number, &ev, &n, &cause) == -1)
		return ra_store_fail("history", cause);
	/* Installed: who decided is who issued it. */
	decision = cur == APP_INSTALLED ? APP_ISSUED : cur;
	for (i = n; i > 0 && by == NULL; i--) {
		if (strcmp(ev[i - 1].action, appstatus_wire(decision)) == 0) {
			by = ev[i - 1].actor;
			ra_iso(ev[i - 1].at, at);
		}
	}
	http_error(c->resp, 409, "application.already_decided", "request_number",
	    "already decided by %s at %s: the application is %s", by != NULL ? by : "?",
	    *at != '\0' ? at : "?", appstatus_wire(cur));
	err = json_object_get(c->resp->json, "error");
	if (err != NULL && (json_object_set_new(err, "decided_by", by != NULL ?
	    json_string(by) : json_null()) == -1 ||
	    json_object_set_new(err, "decided_at", *at != '\0' ? json_string(at) :
	    json_null()) == -1 ||
	    json_object_set_new(err, "status", json_string(appstatus_wire(cur))) == -1)) {
		store_events_free(ev, n);
		return HTTP_FAILED;
	}
	store_events_free(ev, n);
	return HTTP_ANSWERED;
}

/*
 * After a decision: the application as it now is, 200, with "mail": "queued" when the
 * decision queued the applicant's mail (the store did, in the decision's transaction),
 * else "none", so the desk never says "notified" untruly.
 */
static enum http_result
ra_decided(struct ra_ctx *c, const char *number)
{
	struct store_app	 a;
	char			*cause = NULL;
	json_t			*o;
	int			 found;
	enum http_result	 rc = HTTP_FAILED;

	memset(&a, 0, sizeof a);
	if (store_app_get(c->st, number, &a, &found, &cause) == -1 || !found)
		return ra_store_fail("application", cause);
	mailer_wake(c->srv->mailer);
	if ((o = ra_app_json(c, &a)) != NULL && json_object_set_new(o, "mail",
	    json_string(app_mail_word(c->srv, &a))) == 0) {
		http_json(c->resp, 200, o);
		rc = HTTP_ANSWERED;
	} else
		json_decref(o);
	store_app_free(&a);
	return rc;
}

/*
 * The body of an approval: {"documents": [every code of documents_checklist]}. HTTP_GO_ON
 * with the note for the history ("documents: form, identity, authority"), HTTP_ANSWERED (a
 * 400), or HTTP_FAILED.
 */
static enum http_result
ra_approve_documents(struct ra_ctx *c, char **note)
{
	const json_t	*list = json_object_get(c->req->body, "documents"), *v;
	size_t		 i, k;
	int		 seen[DOCUMENTS_N] = { 0 };

	*note = NULL;
	if (!json_is_array(list)) {
		http_error(c->resp, 400, list == NULL ? "field.missing" : "field.type",
		    "documents", "%s", "'documents' must list the codes of the documents "
		    "checked at the desk");
		return HTTP_ANSWERED;
	}
	json_array_foreach(list, i, v) {
		for (k = 0; k < DOCUMENTS_N; k++)
			if (json_is_string(v) &&
			    strcmp(json_string_value(v), documents_checklist[k].code) == 0)
				break;
		if (k == DOCUMENTS_N) {
			http_error(c->resp, 400, "documents.unknown", "documents",
			    "'%s' is no document of the checklist", json_is_string(v) ?
			    json_string_value(v) : "?");
			return HTTP_ANSWERED;
		}
		seen[k] = 1;
	}
	for (k = 0; k < DOCUMENTS_N; k++) {
		if (!seen[k]) {
			http_error(c->resp, 400, "documents.missing", "documents",
			    "not checked: %s; check every document before approving",
			    documents_checklist[k].en);
			return HTTP_ANSWERED;
		}
	}
	if (asprintf(note, "documents checked: %s, %s, %s", documents_checklist[0].code,
	    documents_checklist[1].code, documents_checklist[2].code) == -1) {
		*note = NULL;
		return HTTP_FAILED;
	}
	return HTTP_GO_ON;
}

/*
 * An approval the CA could not carry out, said so that the operator can act: the data
 * refused (409: reject it), or the CA unable to issue now (503: its administrator must
 * act; the application still waits). Anything else is the service's failure (-1, 500).
 */
static enum http_result
ra_issue_failed(struct ra_ctx *c, const char *number, enum issue_failure why, char *cause)
{
	const char	*what = cause != NULL ? cause : "?";

	if (why == ISSUE_FAIL_DATA) {
		log_warning("application %s cannot be issued: %s", number, what);
		http_error(c->resp, 409, "application.not_issuable", NULL, "the CA refuses this "
		    "application's data (%s): it cannot be issued as it is; reject it "
		    "(reason data_error) so that the applicant can apply again", what);
	} else if (why == ISSUE_FAIL_CA) {
		log_error("application %s: the CA cannot issue: %s", number, what);
		http_error(c->resp, 503, "ca.unavailable", NULL, "the CA cannot issue "
		    "certificates now (%s); the application still waits: tell the service's "
		    "administrator", what);
	} else
		return ra_store_fail("approve", cause);
	free(cause);
	return HTTP_ANSWERED;
}

enum http_result
api_ra_approve(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	struct store_app	 a;
	struct issue_report	 rep = { ISSUE_FAIL_INTERNAL };
	enum app_status		 cur = APP_SUBMITTED;
	char			*cause = NULL, *note = NULL;
	int			 won = 0;
	enum http_result	 rc;

	memset(&a, 0, sizeof a);
	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = ra_load(&c, &a)) != HTTP_GO_ON)
		goto out;
	if ((rc = ra_approve_documents(&c, &note)) != HTTP_GO_ON)
		goto out;
	if (issue_application_note(srv, c.st, a.number, c.actor, note, &won, &cur, &rep,
	    &cause) == -1) {
		rc = ra_issue_failed(&c, a.number, rep.why, cause);
		goto out;
	}
	if (!won)
		rc = ra_already(&c, a.number, cur);
	else {
		log_info("application %s approved by %s", a.number, c.actor);
		rc = ra_decided(&c, a.number);
	}
out:
	free(note);
	store_app_free(&a);
	return rc;
}

/*
 * The operator's optional "text" of a decision: NULL when absent, null or empty; a string of
 * at most RA_COMMENT_MAX bytes with no NUL inside. HTTP_ANSWERED (400) otherwise.
 */
static enum http_result
ra_body_text(struct ra_ctx *c, const char **text)
{
	json_t	*j = json_object_get(c->req->body, "text");

	*text = NULL;
	if (j == NULL || json_is_null(j))
		return HTTP_GO_ON;
	if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j)) {
		http_error(c->resp, 400, "field.type", "text", "%s", "'text' must be a string");
		return HTTP_ANSWERED;
	}
	if (json_string_length(j) > RA_COMMENT_MAX) {
		http_error(c->resp, 400, "field.too_long", "text",
		    "'text' is longer than %d bytes", RA_COMMENT_MAX);
		return HTTP_ANSWERED;
	}
	*text = json_string_length(j) > 0 ? json_string_value(j) : NULL;
	return HTTP_GO_ON;
}

/*
 * The body of a rejection: a reason code of common/reason.c and, maybe, the operator's
 * text. 0 with set's reject_code, reject_text (may stay NULL) and reject_reason (both in
 * English, for older clients) and the history's detail ("CODE[: TEXT]"); HTTP_ANSWERED
 * (a 400); or HTTP_FAILED.
 */
static enum http_result
ra_reject_reason(struct ra_ctx *c, struct store_app *set, char **detail)
{
	const struct reason_kind	*k;
	const char			*id, *comment = NULL;

	*detail = NULL;
	if ((id = http_body_string(c->req, c->resp, "reason")) == NULL)
		return HTTP_ANSWERED;
	if ((k = reason_find(id)) == NULL) {
		http_error(c->resp, 400, "reason.unknown", "reason", "%s",
		    "no such reason (GET /api/v1/ra/reject-reasons lists them)");
		return HTTP_ANSWERED;
	}
	if (ra_body_text(c, &comment) != HTTP_GO_ON)
		return HTTP_ANSWERED;
	if (k->text_required && comment == NULL) {
		http_error(c->resp, 400, "text.required", "text", "%s",
		    "this reason needs an explanation in 'text'");
		return HTTP_ANSWERED;
	}
	if ((set->reject_code = strdup(k->code)) == NULL ||
	    (comment != NULL && (set->reject_text = strdup(comment)) == NULL))
		return HTTP_FAILED;
	if (asprintf(&set->reject_reason, "%s%s%s", k->en, comment != NULL ? ": " : "",
	    comment != NULL ? comment : "") == -1) {
		set->reject_reason = NULL;
		return HTTP_FAILED;
	}
	if (asprintf(detail, "%s%s%s", k->code, comment != NULL ? ": " : "",
	    comment != NULL ? comment : "") == -1) {
		*detail = NULL;
		return HTTP_FAILED;
	}
	return HTTP_GO_ON;
}

enum http_result
api_ra_reject(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	struct store_app	 a, set;
	enum app_status		 cur = APP_SUBMITTED;
	char			*cause = NULL, *detail = NULL;
	int			 won = 0;
	enum http_result	 rc;

	memset(&a, 0, sizeof a);
	memset(&set, 0, sizeof set);
	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = ra_load(&c, &a)) != HTTP_GO_ON)
		goto out;
	if ((rc = ra_reject_reason(&c, &set, &detail)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (store_app_transition(c.st, a.number, APP_SUBMITTED, APP_REJECTED, &set, c.actor,
	    detail, c.now, &won, &cur, &cause) == -1) {
		(void)ra_store_fail("reject", cause);
		goto out;
	}
	if (!won)
		rc = ra_already(&c, a.number, cur);
	else {
		log_info("application %s rejected by %s", a.number, c.actor);
		rc = ra_decided(&c, a.number);
	}
out:
	free(detail);
	store_app_free(&set);
	store_app_free(&a);
	return rc;
}

/* ---- revocation at the desk; every certificate of a person ---- */

/*
 * The body of a desk's revocation: a reason a holder or a desk may give, the documents
 * checklist as for an approval (the same identity checks), maybe the operator's text.
 * HTTP_GO_ON with the history's detail ("CODE; documents checked: ...[: TEXT]"),
 * HTTP_ANSWERED (a 400), or HTTP_FAILED.
 */
static enum http_result
ra_revoke_body(struct ra_ctx *c, const struct revocation_kind **k, char **detail)
{
	const char	*text = NULL;
	char		*note = NULL;
	enum http_result rc;

	*detail = NULL;
	if ((rc = app_revocation_reason(c->req, c->resp, k)) != HTTP_GO_ON ||
	    (rc = ra_body_text(c, &text)) != HTTP_GO_ON)
		return rc;
	if ((rc = ra_approve_documents(c, &note)) != HTTP_GO_ON)
		return rc;
	if (asprintf(detail, "%s; %s%s%s", (*k)->code, note, text != NULL ? ": " : "",
	    text != NULL ? text : "") == -1) {
		*detail = NULL;
		rc = HTTP_FAILED;
	}
	free(note);
	return rc;
}

enum http_result
api_ra_revoke(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const struct revocation_kind	*k = NULL;
	enum store_revoke_result	 res = STORE_REVOKE_NOT_FOUND;
	struct ra_ctx			 c;
	struct store_app		 a;
	char				*cause = NULL, *detail = NULL;
	char				 number[REQNUM_LEN + 1];
	int				 found = 0;
	enum http_result		 rc;

	memset(&a, 0, sizeof a);
	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON ||
	    (rc = ra_load(&c, &a)) != HTTP_GO_ON ||
	    (rc = ra_revoke_body(&c, &k, &detail)) != HTTP_GO_ON)
		goto out;
	rc = HTTP_FAILED;
	if (store_app_revoke(c.st, a.number, k->code, c.actor, c.actor, detail, c.now, &res,
	    &cause) == -1) {
		(void)ra_store_fail("revoke", cause);
		goto out;
	}
	if (res == STORE_REVOKE_DONE) {
		metrics_count(srv->metrics, METRICS_REVOCATION);
		log_info("application %s revoked by %s (%s)", a.number, c.actor, k->code);
		rc = ra_decided(&c, a.number);
		goto out;
	}
	memcpy(number, a.number, sizeof number);
	store_app_free(&a);
	if (store_app_get(c.st, number, &a, &found, &cause) == -1 || !found) {
		(void)ra_store_fail("application", cause);
		goto out;
	}
	if (res == STORE_REVOKE_ALREADY)
		rc = app_already_revoked(resp, &a);
	else {
		http_error(resp, 409, "application.not_revocable", "request_number",
		    "there are no certificates to revoke: the application is %s",
		    appstatus_wire(a.status));
		rc = HTTP_ANSWERED;
	}
out:
	free(detail);
	store_app_free(&a);
	return rc;
}

/* An application of a person's list: the queue's summary, its certificates, revocation. */
static json_t *
ra_certificate_item(struct ra_ctx *c, const struct store_app *a)
{
	json_t	*o;

	if ((o = ra_queue_item(c, a)) == NULL)
		return NULL;
	if (json_object_set_new(o, "serial_auth", json_string(a->serial_auth)) == -1 ||
	    json_object_set_new(o, "serial_sign", json_string(a->serial_sign)) == -1 ||
	    ra_set_time(o, "not_before", a->not_before) == -1 ||
	    ra_set_time(o, "not_after", a->not_after) == -1 ||
	    app_lifecycle_json(o, a) == -1) {
		json_decref(o);
		return NULL;
	}
	return o;
}

enum http_result
api_ra_certificates(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct ra_ctx		 c;
	struct store_app	*v = NULL;
	struct problems		 p;
	const char		*iin;
	json_t			*items = NULL, *o;
	char			*cause = NULL;
	size_t			 n = 0, i;
	enum http_result	 rc;

	if ((rc = ra_begin(&c, srv, req, resp)) != HTTP_GO_ON)
		return rc;
	problems_init(&p);
	iin = ra_query(req, "iin");
	if (iin == NULL || idnum_validate_iin(iin, c.now, NULL, &p) == -1) {
		http_error(resp, 400, "iin.invalid", "iin", "%s", p.n > 0 &&
		    p.v[0].message != NULL ? p.v[0].message : "give the person's 12-digit IIN");
		problems_free(&p);
		return HTTP_ANSWERED;
	}
	problems_free(&p);
	rc = HTTP_FAILED;
	if (store_apps_by_iin(c.st, iin, &v, &n, &cause) == -1) {
		(void)ra_store_fail("certificates", cause);
		goto out;
	}
	if ((items = json_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if ((o = ra_certificate_item(&c, &v[i])) == NULL ||
		    json_array_append_new(items, o) == -1)
			goto out;
	o = json_pack("{s:s, s:o}", "iin", iin, "applications", items);
	items = NULL;	/* json_pack's "o" took it, even on failure */
	if (o == NULL)
		goto out;
	http_json(resp, 200, o);
	rc = HTTP_ANSWERED;
out:
	json_decref(items);
	store_apps_free(v, n);
	return rc;
}

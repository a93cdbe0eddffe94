/*
 * store — the backend-independent half of store.h: picks the backend by the URI's scheme,
 * dispatches to its ops, frees the results (they are plain malloc'd structs whatever
 * backend filled them), hashes audit entries and walks their chain (doc/audit.md).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/revocation.h"
#include "ncaenrolld/store-ops.h"

static const struct store_ops *const store_backends[] = {
	&store_sqlite_ops,
	&store_pg_ops,
};

/* Whether uri's scheme, len bytes long, is name. */
static int
store_scheme_is(const char *uri, size_t len, const char *name)
{
	return name != NULL && strlen(name) == len && strncmp(uri, name, len) == 0;
}

/* The length of "scheme" in "scheme:rest" (RFC 3986 syntax), or 0 for a bare path. */
static size_t
store_scheme_len(const char *uri)
{
	size_t	i;

	if (!isalpha((unsigned char)uri[0]))
		return 0;
	for (i = 1; uri[i] != '\0' && uri[i] != ':'; i++) {
		if (!isalnum((unsigned char)uri[i]) && strchr("+.-", uri[i]) == NULL)
			return 0;
	}
	return uri[i] == ':' ? i : 0;
}

/* uri's backend (a bare path is SQLite's), *location what follows its scheme; NULL:
 * none of this build's. */
static const struct store_ops *
store_backend(const char *uri, const char **location)
{
	size_t	len, i;

	*location = uri;
	if ((len = store_scheme_len(uri)) == 0)
		return &store_sqlite_ops;
	*location = uri + len + 1;
	if (strncmp(*location, "//", 2) == 0)	/* sqlite:///var/lib/x.db */
		*location += 2;
	for (i = 0; i < sizeof store_backends / sizeof store_backends[0]; i++) {
		if (store_scheme_is(uri, len, store_backends[i]->scheme) ||
		    store_scheme_is(uri, len, store_backends[i]->alias))
			return store_backends[i];
	}
	return NULL;
}

const char *
store_kind(const char *uri)
{
	const struct store_ops	*ops;
	const char		*location;

	if (uri == NULL || *uri == '\0')
		return NULL;
	ops = store_backend(uri, &location);
	return ops != NULL ? ops->scheme : NULL;
}

struct store *
store_open(const char *uri, char **cause)
{
	const struct store_ops	*ops;
	const char		*location;

	if (uri == NULL || *uri == '\0') {
		cause_set(cause, _("no store is configured"));
		return NULL;
	}
	if ((ops = store_backend(uri, &location)) == NULL) {
		cause_set(cause, _("the store %s: unknown kind \"%.*s\" (this build knows "
		    "\"sqlite\" and \"postgresql\")"), uri, (int)store_scheme_len(uri), uri);
		return NULL;
	}
	return ops->open(location, cause);
}

/* The optional members: a backend without one says which, and what to use instead. */
int
store_counts(struct store *s, struct store_counts *c, char **cause)
{
	if (s->ops->counts == NULL) {
		cause_set(cause, "the %s store keeps no counts", s->ops->scheme);
		return -1;
	}
	return s->ops->counts(s, c, cause);
}

int
store_backup(struct store *s, const char *file, int force, char **cause)
{
	if (s->ops->backup == NULL) {
		cause_set(cause, _("backup copies only an SQLite store for now; for the %s "
		    "store use its own tools (pg_dump for PostgreSQL)"), s->ops->scheme);
		return -1;
	}
	return s->ops->backup(s, file, force, cause);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

int
store_begin(struct store *s, char **cause)
{
	return s->ops->begin(s, cause);
}

int
store_commit(struct store *s, char **cause)
{
	return s->ops->commit(s, cause);
}

int
store_rollback(struct store *s)
{
	return s->ops->rollback(s);
}

int
store_read_begin(struct store *s, char **cause)
{
	return s->ops->read_begin != NULL ? s->ops->read_begin(s, cause) : 0;
}

void
store_read_end(struct store *s)
{
	if (s->ops->read_end != NULL)
		s->ops->read_end(s);
}

int
store_org_put(struct store *s, const struct store_org *o, char **cause)
{
	return s->ops->org_put(s, o, cause);
}

int
store_org_get(struct store *s, const char *bin, struct store_org *o, int *found,
    char **cause)
{
	return s->ops->org_get(s, bin, o, found, cause);
}

int
store_gu_code_put(struct store *s, const char *bin, const char *code, char **cause)
{
	return s->ops->gu_code_put(s, bin, code, cause);
}

int
store_gu_codes_clear(struct store *s, const char *bin, char **cause)
{
	return s->ops->gu_codes_clear(s, bin, cause);
}

int
store_gu_codes(struct store *s, const char *bin, char ***codes, char **cause)
{
	return s->ops->gu_codes(s, bin, codes, cause);
}

int
store_person_put(struct store *s, const struct store_person *p, char **cause)
{
	return s->ops->person_put(s, p, cause);
}

int
store_person_get(struct store *s, const char *iin, struct store_person *p, int *found,
    char **cause)
{
	return s->ops->person_get(s, iin, p, found, cause);
}

int
store_entry_put(struct store *s, enum store_dir d, const struct store_entry *e,
    char **cause)
{
	if (d >= STORE_DIR__MAX) {
		cause_set(cause, _("no such directory"));
		return -1;
	}
	return s->ops->entry_put(s, d, e, cause);
}

int
store_entries(struct store *s, enum store_dir d, const char *parent_id,
    struct store_list *l, char **cause)
{
	if (d >= STORE_DIR__MAX) {
		cause_set(cause, _("no such directory"));
		return -1;
	}
	return s->ops->entries(s, d, parent_id, l, cause);
}

int
store_entry_get(struct store *s, enum store_dir d, const char *id, struct store_entry *e,
    int *found, char **cause)
{
	if (d >= STORE_DIR__MAX) {
		cause_set(cause, _("no such directory"));
		return -1;
	}
	return s->ops->entry_get(s, d, id, e, found, cause);
}

int
store_captcha_put(struct store *s, const char *id, const char *answer_hash, time_t expires,
    char **cause)
{
	return s->ops->captcha_put(s, id, answer_hash, expires, cause);
}

int
store_captcha_take(struct store *s, const char *id, time_t now, char **answer_hash,
    int *found, char **cause)
{
	return s->ops->captcha_take(s, id, now, answer_hash, found, cause);
}

int
store_token_put(struct store *s, const char *token, const char *bin, const char *client,
    time_t expires, char **cause)
{
	return s->ops->token_put(s, token, bin, client, expires, cause);
}

int
store_token_get(struct store *s, const char *token, const char *client, time_t now,
    char bin[13], int *found, char **cause)
{
	return s->ops->token_get(s, token, client, now, bin, found, cause);
}

int
store_token_use_iin(struct store *s, const char *token, const char *client, time_t now,
    int max, enum store_token_use *use, char **cause)
{
	return s->ops->token_use_iin(s, token, client, now, max, use, cause);
}

int
store_sweep(struct store *s, time_t now, char **cause)
{
	return s->ops->sweep(s, now, cause);
}

int
store_rate_shared(const struct store *s)
{
	return s->ops->rate_take != NULL;
}

int
store_rate_take(struct store *s, const char *key, time_t window_start, int limit,
    int *allowed, char **cause)
{
	if (s->ops->rate_take == NULL) {
		cause_set(cause, "this store does not count rates");
		return -1;
	}
	return s->ops->rate_take(s, key, window_start, limit, allowed, cause);
}

int
store_app_insert(struct store *s, struct store_app *app, const char *actor, int *existing,
    int *key_reused, char **cause)
{
	return s->ops->app_insert(s, app, actor, existing, key_reused, cause);
}

int
store_app_get(struct store *s, const char *number, struct store_app *app, int *found,
    char **cause)
{
	return s->ops->app_get(s, number, app, found, cause);
}

int
store_app_csrs(struct store *s, struct store_app *app, char **cause)
{
	free(app->csr_auth);
	free(app->csr_sign);
	app->csr_auth = app->csr_sign = NULL;
	if (s->ops->app_csrs(s, app, cause) == 0)
		return 0;
	free(app->csr_auth);
	free(app->csr_sign);
	app->csr_auth = app->csr_sign = NULL;
	return -1;
}

int
store_app_transition(struct store *s, const char *number, enum app_status from,
    enum app_status to, const struct store_app *set, const char *actor, const char *detail,
    time_t now, int *won, enum app_status *current, char **cause)
{
	if (from >= APP_STATUS__MAX || to >= APP_STATUS__MAX) {
		cause_set(cause, _("no such application status"));
		return -1;
	}
	return s->ops->app_transition(s, number, from, to, set, actor, detail, now, won,
	    current, cause);
}

void
store_app_stamps(const struct store_app *set, enum app_status to, time_t now,
    time_t *decided, time_t *installed)
{
	*decided = set != NULL ? set->decided : 0;
	if (*decided == 0 && (to == APP_ISSUED || to == APP_REJECTED || to == APP_CANCELLED))
		*decided = now;
	*installed = set != NULL ? set->installed : 0;
	if (*installed == 0 && to == APP_INSTALLED)
		*installed = now;
}

enum store_revoke_result
store_revoke_judge(int found, enum app_status status)
{
	if (!found)
		return STORE_REVOKE_NOT_FOUND;
	if (status == APP_REVOKED)
		return STORE_REVOKE_ALREADY;
	if (status != APP_ISSUED && status != APP_INSTALLED)
		return STORE_REVOKE_REFUSED;
	return STORE_REVOKE_DONE;
}

int
store_app_numbers(struct store *s, enum app_status status, time_t before, char ***numbers,
    char **cause)
{
	if (status >= APP_STATUS__MAX) {
		cause_set(cause, _("no such application status"));
		return -1;
	}
	return s->ops->app_numbers(s, status, before, numbers, cause);
}

int
store_app_overdue(struct store *s, time_t now, char ***numbers, char **cause)
{
	return s->ops->app_overdue(s, now, numbers, cause);
}

int
store_events(struct store *s, const char *number, struct store_event **v, size_t *n,
    char **cause)
{
	return s->ops->events(s, number, v, n, cause);
}

/* ---- results: plain malloc'd data, freed the same way for every backend ---- */

static void
store_names_free(struct store_names *n)
{
	free(n->kk);
	free(n->ru);
	free(n->en);
	n->kk = n->ru = n->en = NULL;
}

void
store_org_free(struct store_org *o)
{
	if (o == NULL)
		return;
	store_names_free(&o->name);
	free(o->region_id);
	o->region_id = NULL;
}

void
store_strv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
store_person_free(struct store_person *p)
{
	if (p == NULL)
		return;
	free(p->surname);
	free(p->given_name);
	free(p->patronymic);
	p->surname = p->given_name = p->patronymic = NULL;
}

void
store_entry_free(struct store_entry *e)
{
	if (e == NULL)
		return;
	free(e->id);
	free(e->parent_id);
	store_names_free(&e->name);
	free(e->dc);
	free(e->oid);
	free(e->address);
	memset(e, 0, sizeof *e);
}

void
store_list_free(struct store_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		store_entry_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
store_app_free_strings(struct store_app *a)
{
	char	**const strings[] = {
		&a->org_name, &a->surname, &a->given_name, &a->patronymic, &a->email,
		&a->role_id, &a->region_id, &a->city_id, &a->gu_code, &a->storage, &a->lang,
		&a->csr_auth, &a->csr_sign, &a->cert_auth, &a->cert_sign, &a->reject_reason,
		&a->install_nonce, &a->reject_code, &a->reject_text, &a->revoke_reason,
		&a->revoked_by,
	};
	size_t	  i;

	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

void
store_app_free(struct store_app *a)
{
	if (a != NULL)
		store_app_free_strings(a);
}

void
store_events_free(struct store_event *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].actor);
		free(v[i].action);
		free(v[i].detail);
	}
	free(v);
}

/* ---- RA operators, the queue, the audit log ---- */

int
store_operator_put(struct store *s, const struct store_operator *op, const char *actor,
    time_t now, char **cause)
{
	return s->ops->operator_put(s, op, actor, now, cause);
}

int
store_operator_get(struct store *s, const char *name, struct store_operator *op,
    int *found, char **cause)
{
	return s->ops->operator_get(s, name, op, found, cause);
}

int
store_operator_revoke(struct store *s, const char *name, const char *actor, time_t now,
    int *found, char **cause)
{
	return s->ops->operator_revoke(s, name, actor, now, found, cause);
}

int
store_operators(struct store *s, struct store_operator **v, size_t *n, char **cause)
{
	return s->ops->operators(s, v, n, cause);
}

int
store_app_queue(struct store *s, const struct store_queue_filter *f, struct store_app **v,
    size_t *n, size_t *total, char **cause)
{
	return s->ops->app_queue(s, f, v, n, total, cause);
}

/* ---- revocation, renewal, challenges, what CRLs and OCSP read ---- */

int
store_app_revoke(struct store *s, const char *number, const char *reason, const char *by,
    const char *actor, const char *detail, time_t now, enum store_revoke_result *result,
    char **cause)
{
	const struct revocation_kind	*k;

	*result = STORE_REVOKE_NOT_FOUND;
	if ((k = revocation_find(reason)) == NULL) {
		cause_set(cause, _("unknown revocation reason \"%s\""),
		    reason != NULL ? reason : "");
		return -1;
	}
	return s->ops->app_revoke(s, number, k, by, actor, detail, now, result, cause);
}

int
store_apps_by_iin(struct store *s, const char *iin, struct store_app **v, size_t *n,
    char **cause)
{
	return s->ops->apps_by_iin(s, iin, v, n, cause);
}

int
store_challenge_put(struct store *s, const char *nonce, const char *number,
    const char *action, time_t expires, char **cause)
{
	return s->ops->challenge_put(s, nonce, number, action, expires, cause);
}

int
store_challenge_take(struct store *s, const char *nonce, time_t now,
    char number[REQNUM_LEN + 1], char action[STORE_ACTION_MAX], int *found, char **cause)
{
	return s->ops->challenge_take(s, nonce, now, number, action, found, cause);
}

static const char *const store_mail_states[] = {
	[STORE_MAIL_QUEUED] = "queued",
	[STORE_MAIL_SENDING] = "sending",
	[STORE_MAIL_SENT] = "sent",
	[STORE_MAIL_REFUSED] = "refused",
	[STORE_MAIL_FAILED] = "failed",
};
_Static_assert(sizeof store_mail_states / sizeof store_mail_states[0] == STORE_MAIL__MAX,
    "one name per mail state");

/* What each status an application moves to tells its applicant; NULL: nothing. */
static const char *const store_mail_notices[] = {
	[APP_ISSUED] = "issued",
	[APP_REJECTED] = "rejected",
	[APP_CANCELLED] = "cancelled",
};

const char *
store_mail_on_status(enum app_status to)
{
	if ((size_t)to >= sizeof store_mail_notices / sizeof store_mail_notices[0])
		return NULL;
	return store_mail_notices[to];
}

void
store_set_mail(struct store *s, int on)
{
	s->nomail = !on;
}

const char *
store_mail_state_wire(enum store_mail_state state)
{
	if ((size_t)state >= sizeof store_mail_states / sizeof store_mail_states[0])
		return "?";
	return store_mail_states[state];
}

int
store_mail_state_parse(const char *s, enum store_mail_state *out)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof store_mail_states / sizeof store_mail_states[0];
	    i++)
		if (strcmp(s, store_mail_states[i]) == 0) {
			*out = (enum store_mail_state)i;
			return 0;
		}
	return -1;
}

int
store_mail_queue_due(struct store *s, time_t now, int reminder_days, int *queued,
    char **cause)
{
	return s->ops->mail_queue_due(s, now, reminder_days, queued, cause);
}

int
store_mail_claim(struct store *s, time_t now, struct store_mail *m, int *found,
    char **cause)
{
	return s->ops->mail_claim(s, now, m, found, cause);
}

int
store_mail_finish(struct store *s, long long id, enum store_mail_state state,
    time_t next_try, const char *error, time_t now, char **cause)
{
	if (state == STORE_MAIL_SENDING) {
		cause_set(cause, "mail %lld: finishing it as still being sent", id);
		return -1;
	}
	return s->ops->mail_finish(s, id, state, next_try, error, now, cause);
}

int
store_mail_recover(struct store *s, time_t now, int *n, char **cause)
{
	return s->ops->mail_recover(s, now, n, cause);
}

int
store_mail_list(struct store *s, const char *number, int problems, struct store_mail **v,
    size_t *n, char **cause)
{
	return s->ops->mail_list(s, number, problems, v, n, cause);
}

int
store_mail_get(struct store *s, long long id, struct store_mail *m, int *found,
    char **cause)
{
	return s->ops->mail_get(s, id, m, found, cause);
}

void
store_mail_free(struct store_mail *m)
{
	if (m == NULL)
		return;
	free(m->notice);
	free(m->recipient);
	free(m->lang);
	free(m->error);
	memset(m, 0, sizeof *m);
}

void
store_mails_free(struct store_mail *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		store_mail_free(&v[i]);
	free(v);
}

int
store_app_view_each(struct store *s, const struct store_rate *rate, const char *number,
    struct store_view *view, char **cause)
{
	int	rc;

	view->allowed = 1;
	if (rate != NULL && store_rate_take(s, rate->key, rate->window_start, rate->limit,
	    &view->allowed, cause) == -1)
		return -1;
	if (!view->allowed)
		return 0;
	if (store_read_begin(s, cause) == -1)
		return -1;
	rc = store_app_get(s, number, &view->app, &view->found, cause);
	if (rc == 0 && view->found)
		rc = store_mail_list(s, number, 0, &view->mail, &view->nmail, cause);
	store_read_end(s);
	return rc;
}

int
store_app_view(struct store *s, const struct store_rate *rate, const char *number,
    struct store_view *view, char **cause)
{
	memset(view, 0, sizeof *view);
	if (rate != NULL && rate->limit <= 0)
		return 0;	/* as store_rate_take: nothing is allowed */
	if (s->ops->app_view != NULL)
		return s->ops->app_view(s, rate, number, view, cause);
	return store_app_view_each(s, rate, number, view, cause);
}

void
store_view_free(struct store_view *view)
{
	store_app_free(&view->app);
	store_mails_free(view->mail, view->nmail);
	memset(view, 0, sizeof *view);
}

/*
 * A serial as the CA stores it (ca-x509.c: 20 octets, 40 upper-case hex digits): case
 * folded, leading zeros as needed. 0, or -1 if it is no serial this CA could have made.
 */
static int
store_serial(const char *hex, char out[41])
{
	size_t	len, i;

	while (*hex == '0')
		hex++;
	if ((len = strlen(hex)) > 40)
		return -1;
	memset(out, '0', 40 - len);
	for (i = 0; i < len; i++) {
		if (strchr("0123456789abcdefABCDEF", hex[i]) == NULL)
			return -1;
		out[40 - len + i] = (char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]);
	}
	out[40] = '\0';
	return 0;
}

int
store_cert_status(struct store *s, const char *serial_hex, struct store_cert_status *out,
    int *found, char **cause)
{
	char	serial[41];

	memset(out, 0, sizeof *out);
	*found = 0;
	if (serial_hex == NULL || store_serial(serial_hex, serial) == -1)
		return 0;
	return s->ops->cert_status(s, serial, out, found, cause);
}

int
store_revocations(struct store *s, time_t since, struct store_revocation **v, size_t *n,
    char **cause)
{
	return s->ops->revocations(s, since, v, n, cause);
}

void
store_revocations_free(struct store_revocation *v, size_t n)
{
	(void)n;	/* the rows hold no pointers */
	free(v);
}

int
store_crl_number_next(struct store *s, const char *name, long long *n, char **cause)
{
	return s->ops->crl_number_next(s, name, n, cause);
}

int
store_revocation_generation(struct store *s, long long *gen, char **cause)
{
	return s->ops->revocation_generation(s, gen, cause);
}

int
store_audit_add(struct store *s, time_t at, const char *actor, const char *action,
    const char *number, const char *detail, char **cause)
{
	return s->ops->audit_add(s, at, actor, action, number, detail, cause);
}

int
store_job_lock(struct store *s, const char *name, int *got, char **cause)
{
	if (s->ops->job_lock == NULL) {
		*got = 1;
		return 0;
	}
	return s->ops->job_lock(s, name, got, cause);
}

void
store_job_unlock(struct store *s, const char *name)
{
	if (s->ops->job_unlock != NULL)
		s->ops->job_unlock(s, name);
}

int
store_audit_list(struct store *s, const char *number, struct store_audit **v, size_t *n,
    char **cause)
{
	return s->ops->audit_list(s, number, v, n, cause);
}

void
store_operator_free(struct store_operator *op)
{
	if (op == NULL)
		return;
	free(op->name);
	free(op->office);
	free(op->role);
	memset(op, 0, sizeof *op);
}

void
store_operators_free(struct store_operator *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_operator_free(&v[i]);
	free(v);
}

void
store_apps_free(struct store_app *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		store_app_free(&v[i]);
	free(v);
}

void
store_audit_free(struct store_audit *v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].actor);
		free(v[i].action);
		free(v[i].number);
		free(v[i].detail);
	}
	free(v);
}

/*
 * doc/audit.md: "ncaenroll-audit-v1|PREV|ID|AT|n:ACTOR|n:ACTION|n:NUMBER|n:DETAIL\n", n
 * the byte length of what follows it, so no content can pass for a separator.
 */
char *
store_audit_encode(const struct store_audit *e, size_t *len)
{
	const char	*actor = e->actor != NULL ? e->actor : "";
	const char	*action = e->action != NULL ? e->action : "";
	const char	*number = e->number != NULL ? e->number : "";
	const char	*detail = e->detail != NULL ? e->detail : "";
	char		*s = NULL;
	int		 n;

	n = asprintf(&s, "ncaenroll-audit-v1|%s|%lld|%lld|%zu:%s|%zu:%s|%zu:%s|%zu:%s\n",
	    e->prev_hash, e->id, (long long)e->at, strlen(actor), actor, strlen(action),
	    action, strlen(number), number, strlen(detail), detail);
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return s;
}

int
store_audit_hash(const struct store_audit *e, char out[STORE_AUDIT_HASH_LEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	char			*text;
	size_t			 len;
	int			 ok;

	if ((text = store_audit_encode(e, &len)) == NULL)
		return -1;
	ok = EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32;
	free(text);
	if (!ok)
		return -1;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

/* What is wrong with entry e after prev (NULL: e is the first); 0 when nothing. */
static int
store_audit_judge(const struct store_audit *e, long long prev_id,
    const char *prev_hash, struct store_audit_check *c)
{
	char	hash[STORE_AUDIT_HASH_LEN + 1];

	if (e->id != prev_id + 1)
		(void)snprintf(c->why, sizeof c->why, e->id > prev_id + 1 ?
		    "entries %lld to %lld before it are missing (deleted)" :
		    "its id does not follow entry %lld (inserted)",
		    prev_id + 1, e->id > prev_id + 1 ? e->id - 1 : prev_id);
	else if (e->prev_hash[0] == '\0' || e->hash[0] == '\0')
		(void)snprintf(c->why, sizeof c->why, "%s",
		    "its prev_hash or hash is not 64 hex digits (altered)");
	else if (strcmp(e->prev_hash, prev_hash) != 0)
		(void)snprintf(c->why, sizeof c->why, prev_id == 0 ?
		    "its prev_hash is not the chain's start (an entry before it was removed "
		    "or it was inserted)" : "its prev_hash is not the hash of entry %lld "
		    "(an entry was removed, inserted or rewritten)", prev_id);
	else if (store_audit_hash(e, hash) == -1)
		return -1;
	else if (strcmp(hash, e->hash) != 0)
		(void)snprintf(c->why, sizeof c->why, "%s",
		    "its contents do not match its hash (the entry was altered)");
	else
		return 0;
	c->broken = e->id;
	return 0;
}

/*
 * The chain is walked here, above the backends: it reads the entries through the store
 * contract (audit_list), so any backend's log is judged by the same rules.
 */
int
store_audit_verify(struct store *st, struct store_audit_check *c, char **cause)
{
	struct store_audit	*v = NULL;
	size_t			 n = 0, i;
	long long		 prev_id = 0;
	const char		*prev_hash;
	char			 zeros[STORE_AUDIT_HASH_LEN + 1];

	memset(c, 0, sizeof *c);
	memset(zeros, '0', STORE_AUDIT_HASH_LEN);
	zeros[STORE_AUDIT_HASH_LEN] = '\0';
	prev_hash = zeros;
	/* One read (one statement): a consistent snapshot even while the service writes. */
	if (store_audit_list(st, NULL, &v, &n, cause) == -1)
		return -1;
	for (i = 0; i < n && c->broken == 0; i++) {
		if (store_audit_judge(&v[i], prev_id, prev_hash, c) == -1) {
			cause_set(cause, _("the audit log: cannot hash entry %lld"), v[i].id);
			store_audit_free(v, n);
			return -1;
		}
		prev_id = v[i].id;
		prev_hash = v[i].hash;
	}
	if (n > 0) {
		c->head_id = v[n - 1].id;
		(void)snprintf(c->head, sizeof c->head, "%s", v[n - 1].hash);
	}
	c->count = (long long)n;
	store_audit_free(v, n);
	return 0;
}

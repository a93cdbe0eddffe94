/*
 * issue — an approval from the stored application to its two certificates: the registry
 * data loaded, the CA's checks and issuance, the one move submitted -> issued.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/storage.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/metrics.h"

#define ISSUE_NONCE_BYTES 16

/* What the certificates say: the registry's data as stored with the application. */
struct issue_ctx {
	struct store_app	app;
	struct store_entry	role;
	struct store_org	org;
	struct ca_key		*key_auth, *key_sign;
	struct ca_issued	auth, sign;
	char			nonce[2 * ISSUE_NONCE_BYTES + 1];
};

/* Which member of a submission each member of the subject comes from. */
static const struct {
	const char	*member;	/* of struct ca_subject */
	const char	*field;		/* of POST /applications */
} issue_fields[] = {
	{ "role_dc", "role" },
	{ "surname", "iin" }, { "given_name", "iin" }, { "patronymic", "iin" },
	{ "iin", "iin" }, { "bin", "bin" }, { "organization", "bin" },
	{ "gu_code", "gu_code" }, { "email", "email" },
};

static const char *
issue_field(const char *member)
{
	size_t	i;

	for (i = 0; member != NULL && i < sizeof issue_fields / sizeof issue_fields[0]; i++)
		if (strcmp(issue_fields[i].member, member) == 0)
			return issue_fields[i].field;
	return NULL;
}

static void
issue_fail(enum issue_failure *why, enum issue_failure w)
{
	if (why != NULL)
		*why = w;
}

/* The role and the organization as registered now; a role gone is the data's fault. */
static int
issue_load(struct store *st, const struct store_app *a, struct store_entry *role,
    struct store_org *org, const char **field, enum issue_failure *why, char **cause)
{
	int	found;

	issue_fail(why, ISSUE_FAIL_INTERNAL);
	if (store_entry_get(st, STORE_ROLES, a->role_id, role, &found, cause) == -1)
		return -1;
	if (!found || role->dc == NULL) {
		cause_set(cause, "role %s is not in the directory, or has no DC",
		    a->role_id);
		*field = "role";
		issue_fail(why, ISSUE_FAIL_DATA);
		return -1;
	}
	/* The organization as registered now; the name stored at submission otherwise. */
	if (store_org_get(st, a->bin, org, &found, cause) == -1)
		return -1;
	if (!found)
		memset(org, 0, sizeof *org);
	return 0;
}

/* The subject exactly as the certificates will carry it. */
static void
issue_subject(const struct store_app *a, const struct store_entry *role,
    const struct store_org *org, struct ca_subject *subj)
{
	memset(subj, 0, sizeof *subj);
	subj->role_dc = role->dc;
	subj->surname = a->surname;
	subj->given_name = a->given_name;
	subj->patronymic = a->patronymic != NULL ? a->patronymic : "";
	subj->iin = a->iin;
	subj->bin = a->bin;
	subj->organization = org->name.ru != NULL && *org->name.ru != '\0' ?
	    org->name.ru : a->org_name;
	subj->gu_code = a->gu_code;
	subj->email = a->email != NULL && *a->email != '\0' ? a->email : NULL;
}

/* The storage and the subject, as the CA will check them; role and org are filled. */
static int
issue_check_loaded(const struct store_app *a, const struct store_entry *role,
    const struct store_org *org, const char **field, enum issue_failure *why,
    char **cause)
{
	struct ca_subject	 subj;
	const char		*member = NULL;

	issue_fail(why, ISSUE_FAIL_DATA);
	if (storage_find(a->storage) == NULL) {
		cause_set(cause, "unknown storage %s", a->storage != NULL ? a->storage : "-");
		*field = "storage";
		return -1;
	}
	issue_subject(a, role, org, &subj);
	if (ca_profile_subject_check(&subj, &member, cause) == -1) {
		*field = issue_field(member);
		return -1;
	}
	return 0;
}

int
issue_check(struct store *st, const struct store_app *a, const char **field,
    enum issue_failure *why, char **cause)
{
	struct store_entry	role;
	struct store_org	org;
	int			rc = -1;

	*field = NULL;
	memset(&role, 0, sizeof role);
	memset(&org, 0, sizeof org);
	if (issue_load(st, a, &role, &org, field, why, cause) == 0 &&
	    issue_check_loaded(a, &role, &org, field, why, cause) == 0)
		rc = 0;
	store_org_free(&org);
	store_entry_free(&role);
	return rc;
}

static int
issue_certs(struct srv *srv, struct store *st, struct issue_ctx *c, time_t now,
    enum issue_failure *why, char **cause)
{
	enum ca_storage		 cls;
	struct ca_subject	 subj;
	const char		*field = NULL;

	if (issue_load(st, &c->app, &c->role, &c->org, &field, why, cause) == -1 ||
	    issue_check_loaded(&c->app, &c->role, &c->org, &field, why, cause) == -1)
		return -1;
	/*
	 * Checked in full at submission (ca_csr_check, the only way into the store), and
	 * the store never rewrites them: their keys are read, not their signatures verified
	 * again (ca_csr_stored_key). The key's rules are applied again: a CA that changed
	 * them since makes it the data's.
	 */
	if ((c->key_auth = ca_csr_stored_key(c->app.csr_auth, cause)) == NULL ||
	    (c->key_sign = ca_csr_stored_key(c->app.csr_sign, cause)) == NULL)
		return -1;
	/* What fails from here is the CA's own state (its validity, its key, memory). */
	issue_fail(why, ISSUE_FAIL_CA);
	cls = storage_find(c->app.storage)->token ? CA_STORAGE_TOKEN : CA_STORAGE_FILE;
	issue_subject(&c->app, &c->role, &c->org, &subj);
	if (ca_issue_key(srv->ca, CA_AUTH, cls, c->key_auth, &subj, now, &c->auth,
	    cause) == -1)
		return -1;
	if (ca_issue_key(srv->ca, CA_SIGN, cls, c->key_sign, &subj, now, &c->sign,
	    cause) == -1)
		return -1;
	issue_fail(why, ISSUE_FAIL_INTERNAL);
	/* 128 bits: the client signs it to prove it holds the AUTH key. */
	return srv_random_hex(c->nonce, ISSUE_NONCE_BYTES, cause);
}

static int
issue_store(struct store *st, struct issue_ctx *c, const char *actor, const char *note,
    time_t now, int *won, enum app_status *current, char **cause)
{
	struct store_app	 set;
	char			*detail = NULL;
	int			 rc;

	memset(&set, 0, sizeof set);
	set.decided = now;
	set.cert_auth = c->auth.pem;
	set.cert_sign = c->sign.pem;
	memcpy(set.serial_auth, c->auth.serial, sizeof set.serial_auth);
	memcpy(set.serial_sign, c->sign.serial, sizeof set.serial_sign);
	set.not_before = c->auth.not_before;
	set.not_after = c->auth.not_after;
	set.install_nonce = c->nonce;
	if (asprintf(&detail, "AUTH %s, SIGN %s%s%s", c->auth.serial, c->sign.serial,
	    note != NULL ? "; " : "", note != NULL ? note : "") == -1) {
		cause_set(cause, "out of memory");
		return -1;
	}
	rc = store_app_transition(st, c->app.number, APP_SUBMITTED, APP_ISSUED, &set, actor,
	    detail, now, won, current, cause);
	free(detail);
	return rc;
}

int
issue_application(struct srv *srv, struct store *st, const char *number, const char *actor,
    int *won, enum app_status *current, char **cause)
{
	return issue_application_note(srv, st, number, actor, NULL, won, current, NULL,
	    cause);
}

int
issue_application_note(struct srv *srv, struct store *st, const char *number,
    const char *actor, const char *note, int *won, enum app_status *current,
    struct issue_report *rep, char **cause)
{
	struct issue_report	 none;
	struct issue_ctx	 c;
	time_t			 now = srv_now(srv);
	int			 found, rc = -1;

	memset(&c, 0, sizeof c);
	*won = 0;
	*current = APP_SUBMITTED;
	if (rep == NULL)
		rep = &none;
	rep->why = ISSUE_FAIL_INTERNAL;
	if (store_app_get(st, number, &c.app, &found, cause) == -1)
		goto out;
	if (!found) {
		cause_set(cause, "no application %s", number);
		goto out;
	}
	if (c.app.status != APP_SUBMITTED) {
		*current = c.app.status;
		rc = 0;
		goto out;
	}
	if (store_app_csrs(st, &c.app, cause) == -1)
		goto out;
	/*
	 * Two approvals racing both reach the CA; the store lets exactly one transition
	 * win, and the loser's certificates are dropped unstored (never delivered).
	 */
	if (issue_certs(srv, st, &c, now, &rep->why, cause) == -1 ||
	    issue_store(st, &c, actor, note, now, won, current, cause) == -1)
		goto out;
	rc = 0;
	if (!*won)
		goto out;
	*current = APP_ISSUED;
	metrics_count(srv->metrics, METRICS_ISSUANCE);
	log_info("application %s issued by %s: AUTH %s, SIGN %s", number, actor,
	    c.auth.serial, c.sign.serial);
	/* The store queued the applicant's mail with the move; it goes now. */
	mailer_wake(srv->mailer);
out:
	ca_issued_free(&c.auth);
	ca_issued_free(&c.sign);
	ca_key_free(c.key_auth);
	ca_key_free(c.key_sign);
	store_org_free(&c.org);
	store_entry_free(&c.role);
	store_app_free(&c.app);
	return rc;
}

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "server/issue.h"
#include "server/mail.h"

static const struct issue_storage issue_storages[] = {
	{ "pc", CA_STORAGE_FILE, N_("PC folder") },
	{ "etoken72k", CA_STORAGE_TOKEN, N_("eToken PRO 72K") },
	{ "jacarta", CA_STORAGE_TOKEN, N_("JaCarta") },
	{ "kaztoken", CA_STORAGE_TOKEN, N_("Kaztoken") },
	{ "akey", CA_STORAGE_TOKEN, N_("AKey") },
	{ "idcard", CA_STORAGE_TOKEN, N_("National ID card") },	/* doc/tokens.md */
};

#define ISSUE_NONCE_BYTES 16

const struct issue_storage *
issue_storage_find(const char *wire)
{
	size_t	i;

	for (i = 0; i < sizeof issue_storages / sizeof issue_storages[0]; i++)
		if (strcmp(issue_storages[i].wire, wire) == 0)
			return &issue_storages[i];
	return NULL;
}

/* What the certificates say: the registry's data as stored with the application. */
struct issue_ctx {
	struct store_app	app;
	struct store_entry	role;
	struct store_org	org;
	struct ca_issued	auth, sign;
	char			nonce[2 * ISSUE_NONCE_BYTES + 1];
};

static int
issue_load(struct store *st, struct issue_ctx *c, char **cause)
{
	int	found;

	if (store_entry_get(st, STORE_ROLES, c->app.role_id, &c->role, &found, cause) == -1)
		return -1;
	if (!found) {
		cause_set(cause, "application %s: role %s is not in the directory",
		    c->app.number, c->app.role_id);
		return -1;
	}
	if (c->role.dc == NULL || c->role.oid == NULL) {
		cause_set(cause, "role %s has no DC or OID", c->app.role_id);
		return -1;
	}
	/* The organization as registered now; the name stored at submission otherwise. */
	if (store_org_get(st, c->app.bin, &c->org, &found, cause) == -1)
		return -1;
	if (!found)
		memset(&c->org, 0, sizeof c->org);
	return 0;
}

static int
issue_certs(struct srv *srv, struct issue_ctx *c, time_t now, char **cause)
{
	const struct issue_storage	*stg = issue_storage_find(c->app.storage);
	struct ca_subject		 subj;

	if (stg == NULL) {
		cause_set(cause, "application %s: unknown storage %s", c->app.number,
		    c->app.storage);
		return -1;
	}
	memset(&subj, 0, sizeof subj);
	subj.role_dc = c->role.dc;
	subj.role_oid = c->role.oid;
	subj.surname = c->app.surname;
	subj.given_name = c->app.given_name;
	subj.patronymic = c->app.patronymic != NULL ? c->app.patronymic : "";
	subj.iin = c->app.iin;
	subj.bin = c->app.bin;
	subj.organization = c->org.name.ru != NULL && *c->org.name.ru != '\0' ?
	    c->org.name.ru : c->app.org_name;
	subj.gu_code = c->app.gu_code;
	subj.email = c->app.email != NULL && *c->app.email != '\0' ? c->app.email : NULL;
	if (ca_issue(srv->ca, CA_AUTH, stg->ca, c->app.csr_auth, &subj, now, &c->auth,
	    cause) == -1)
		return -1;
	if (ca_issue(srv->ca, CA_SIGN, stg->ca, c->app.csr_sign, &subj, now, &c->sign,
	    cause) == -1)
		return -1;
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
	return issue_application_note(srv, st, number, actor, NULL, won, current, cause);
}

int
issue_application_note(struct srv *srv, struct store *st, const char *number,
    const char *actor, const char *note, int *won, enum app_status *current, char **cause)
{
	struct issue_ctx	 c;
	char			*mcause = NULL;
	time_t			 now = srv_now(srv);
	int			 found, rc = -1;

	memset(&c, 0, sizeof c);
	*won = 0;
	*current = APP_SUBMITTED;
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
	/*
	 * Two approvals racing both reach the CA; the store lets exactly one transition
	 * win, and the loser's certificates are dropped unstored (never delivered).
	 */
	if (issue_load(st, &c, cause) == -1 || issue_certs(srv, &c, now, cause) == -1 ||
	    issue_store(st, &c, actor, note, now, won, current, cause) == -1)
		goto out;
	rc = 0;
	if (!*won)
		goto out;
	*current = APP_ISSUED;
	log_info("application %s issued by %s: AUTH %s, SIGN %s", number, actor,
	    c.auth.serial, c.sign.serial);
	/* Mail reads the application as it now is: certificates and all. */
	store_app_free(&c.app);
	memset(&c.app, 0, sizeof c.app);
	if (store_app_get(st, number, &c.app, &found, &mcause) == -1 || !found ||
	    mail_issued(srv, &c.app, &mcause) == -1)
		log_warning("application %s: no issuance mail: %s", number,
		    mcause != NULL ? mcause : "application vanished");
out:
	free(mcause);
	ca_issued_free(&c.auth);
	ca_issued_free(&c.sign);
	store_org_free(&c.org);
	store_entry_free(&c.role);
	store_app_free(&c.app);
	return rc;
}

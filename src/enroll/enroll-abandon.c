/*
 * enroll-abandon — giving up an application that can no longer be issued, and removing
 * its pending private keys for good (enroll.h says what each call does).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "enroll/enroll-int.h"

/*
 * An application the desk still decides, or whose certificates are issued, is not
 * abandoned: the sentence says why and what to do instead. 0 when it may be.
 */
static int
enroll_abandon_refused(const struct state_app *a, struct failure *err)
{
	const char	*n = state_get(a, APPKEY_REQUEST_NUMBER) != NULL ?
			    state_get(a, APPKEY_REQUEST_NUMBER) : a->id;

	if (a->state == MS_SUBMITTED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.at_desk",
		    _("application %s is at the registration desk, which decides it; to "
		    "withdraw it, ask the desk to reject it at the applicant's request, or let it "
		    "be cancelled when its month is over; then its keys can be removed"), n);
	else if (a->state == MS_ISSUED || a->state == MS_CERTS_READY)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.issued",
		    _("the certificates of application %s are issued: install them with "
		    "'ncaenroll install %s'; if they are not wanted, ask a registration desk to "
		    "revoke them"), n, n);
	else if (a->state == MS_INSTALLED)
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.installed",
		    _("the certificates of application %s are installed and valid; if they are "
		    "no longer wanted, ask a registration desk to revoke them"), n);
	else
		return 0;
	return -1;
}

static int
enroll_abandon_exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

/* The pending key files in the application's folder now (PC). */
static int
enroll_abandon_files(const struct state_app *a, struct enroll_abandon *p)
{
	static const char *const which[] = { "AUTH", "SIGN" };
	char	*path;
	size_t	 k;

	for (k = 0; k < 2; k++) {
		if (asprintf(&path, "%s/ncaenroll-%s-%s.key", p->where, a->id, which[k]) == -1)
			return -1;
		if (enroll_abandon_exists(path))
			p->files[p->keys++] = path;
		else
			free(path);
	}
	return 0;
}

/* The plan of an application found in the state (a is read, not kept). */
static int
enroll_abandon_fill(const struct state_app *a, struct enroll_abandon *p,
    struct failure *err)
{
	const char	*where;

	enroll_abandon_free(p);
	memset(p, 0, sizeof *p);
	memcpy(p->id, a->id, sizeof p->id);
	p->state = a->state;
	p->becomes_abandoned = a->state == MS_DRAFT || a->state == MS_KEYS_READY;
	p->on_token = enroll_on_token(a);
	where = p->on_token ? (state_get(a, APPKEY_TOKEN_LABEL) != NULL ?
	    state_get(a, APPKEY_TOKEN_LABEL) : state_get(a, APPKEY_TOKEN)) :
	    state_get(a, APPKEY_DIR);
	if (where != NULL && (p->where = strdup(where)) == NULL)
		goto oom;
	if (!p->on_token && p->where != NULL && enroll_abandon_files(a, p) == -1)
		goto oom;
	/*
	 * On a token the keys cannot be seen without its PIN: unknown, unless they were
	 * removed before, or none were ever made (a draft: keys are recorded when made).
	 */
	if (p->on_token)
		p->keys = a->state == MS_DRAFT || state_get(a, APPKEY_KEYS_REMOVED) != NULL ||
		    p->where == NULL ? 0 : -1;
	return 0;
oom:
	enroll_abandon_free(p);
	enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
	return -1;
}

int
enroll_abandon_plan(struct enroll *e, const char *key, struct enroll_abandon *p,
    struct failure *err)
{
	struct state_app	*a;

	enroll_abandon_free(p);
	if ((a = state_app_find(e->st, key)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
		    _("no application %s is kept on this computer"), key);
		return -1;
	}
	/* The desk may have decided since the last status: ask, never guess. */
	if (a->state == MS_SUBMITTED && e->cl != NULL) {
		if (enroll_refresh(e, key, NULL, err) == -1)
			return -1;
		a = state_app_find(e->st, key);
	}
	if (enroll_abandon_refused(a, err) == -1)
		return -1;
	return enroll_abandon_fill(a, p, err);
}

/* The keys gone from the folder or the token: p->keys becomes how many were removed. */
static int
enroll_abandon_keys(struct enroll *e, struct enroll_abandon *p, const struct secret *pin,
    struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, p->id);
	struct keystore		*ks;
	char			*cause = NULL;
	int			 removed = 0, rc;

	if (p->keys == 0)
		return 0;
	if ((ks = enroll_keystore(a, pin, err)) == NULL)
		return -1;
	rc = ks->ops->remove_keys(ks, &removed, &cause);
	keystore_close(ks);
	if (rc == -1) {
		enroll_fail_cause(err, FAILURE_LOCAL, p->on_token ? "token" : "dir", NULL, cause);
		free(cause);
		return -1;
	}
	p->keys = removed;
	return 0;
}

int
enroll_abandon_remove(struct enroll *e, const char *key, const struct secret *pin,
    struct enroll_abandon *p, struct failure *err)
{
	struct state_app	*a;
	char			 now[21];

	if (enroll_abandon_plan(e, key, p, err) == -1)
		return -1;
	if (enroll_abandon_keys(e, p, pin, err) == -1) {
		enroll_abandon_free(p);
		return -1;
	}
	enroll_now_iso(now);
	/* Recorded, so that a token is not asked for its PIN again for nothing. */
	if (enroll_record(e, p->id, p->becomes_abandoned ? ME_ABANDON : ENROLL_NO_MOVE, err,
	    APPKEY_KEYS_REMOVED, now, (char *)NULL) == -1) {
		enroll_abandon_free(p);
		return -1;
	}
	if ((a = state_app_find(e->st, p->id)) != NULL)
		p->state = a->state;
	return 0;
}

void
enroll_abandon_free(struct enroll_abandon *p)
{
	free(p->where);
	free(p->files[0]);
	free(p->files[1]);
	p->where = p->files[0] = p->files[1] = NULL;
}

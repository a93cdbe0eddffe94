/*
 * enroll-passwd — an installed application: where and when its certificates were
 * installed, and a new password for its two containers (enroll.h says what each does).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "common/password.h"
#include "enroll/enroll-int.h"

static struct state_app *
enroll_installed_app(struct enroll *e, const char *key, struct failure *err)
{
	struct state_app	*a;

	if ((a = state_app_find(e->st, key)) == NULL) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown",
		    _("no application %s is kept on this computer"), key);
		return NULL;
	}
	if (a->state != MS_INSTALLED) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.not_installed",
		    _("the certificates of application %s are not installed on this computer"),
		    key);
		return NULL;
	}
	return a;
}

static int
enroll_installed_dup(char **to, const char *from)
{
	*to = NULL;
	return from != NULL && (*to = strdup(from)) == NULL ? -1 : 0;
}

int
enroll_installed(struct enroll *e, const char *key, struct enroll_installed *out,
    struct failure *err)
{
	struct state_app	*a;
	const char		*when;

	memset(out, 0, sizeof *out);
	if ((a = enroll_installed_app(e, key, err)) == NULL)
		return -1;
	/* Installed by an older ncaenroll: the last move of the application was the install. */
	when = state_get(a, APPKEY_INSTALLED_AT) != NULL ? state_get(a, APPKEY_INSTALLED_AT) :
	    state_get(a, APPKEY_UPDATED);
	if (enroll_installed_dup(&out->when, when) == -1 ||
	    enroll_installed_dup(&out->container[KEYSTORE_AUTH],
	    state_get(a, APPKEY_CONTAINER_AUTH)) == -1 ||
	    enroll_installed_dup(&out->container[KEYSTORE_SIGN],
	    state_get(a, APPKEY_CONTAINER_SIGN)) == -1 ||
	    enroll_installed_dup(&out->token, !enroll_on_token(a) ? NULL :
	    state_get(a, APPKEY_TOKEN_LABEL) != NULL ? state_get(a, APPKEY_TOKEN_LABEL) :
	    state_get(a, APPKEY_TOKEN)) == -1) {
		enroll_installed_free(out);
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, "%s", _("out of memory"));
		return -1;
	}
	return 0;
}

void
enroll_installed_free(struct enroll_installed *in)
{
	free(in->when);
	free(in->container[KEYSTORE_AUTH]);
	free(in->container[KEYSTORE_SIGN]);
	free(in->token);
	memset(in, 0, sizeof *in);
}

int
enroll_passwd(struct enroll *e, const char *key, const struct secret *old,
    const struct secret *new_pw, struct failure *err)
{
	const char		*path[KEYSTORE_KEY__MAX], *cert[KEYSTORE_KEY__MAX];
	struct state_app	*a;
	struct problems		 p;
	char			*cause = NULL;
	int			 wrong = 0, rc;

	if ((a = enroll_installed_app(e, key, err)) == NULL)
		return -1;
	if (enroll_on_token(a)) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "token.pin", "%s",
		    _("the keys of this application are on a token, which has no container "
		    "password: a token's PIN is changed with the token's own tool"));
		return -1;
	}
	problems_init(&p);
	if (password_check(secret_reveal(new_pw), &p) == -1)
		return enroll_fail_problems(err, "new_password", &p);
	path[KEYSTORE_AUTH] = state_get(a, APPKEY_CONTAINER_AUTH);
	path[KEYSTORE_SIGN] = state_get(a, APPKEY_CONTAINER_SIGN);
	cert[KEYSTORE_AUTH] = state_get(a, APPKEY_CERT_AUTH);
	cert[KEYSTORE_SIGN] = state_get(a, APPKEY_CERT_SIGN);
	if (path[KEYSTORE_AUTH] == NULL || path[KEYSTORE_SIGN] == NULL ||
	    cert[KEYSTORE_AUTH] == NULL || cert[KEYSTORE_SIGN] == NULL) {
		enroll_fail(err, FAILURE_LOCAL, NULL, NULL, _("this computer does not know the "
		    "containers of application %s"), key);
		return -1;
	}
	rc = keystore_file_change_password(path, cert, state_get(a, APPKEY_CHAIN), old, new_pw,
	    &wrong, &cause);
	if (rc == -1)
		enroll_fail(err, wrong ? FAILURE_REFUSED : FAILURE_LOCAL, wrong ? "password" : NULL,
		    wrong ? "password.wrong" : NULL, "%s", cause != NULL ? cause : "?");
	free(cause);
	return rc;
}

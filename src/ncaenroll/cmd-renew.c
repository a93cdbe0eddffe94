/*
 * ncaenroll renew NUMBER [--password-fd N | --pin-fd N] — new certificates while the
 * current ones are valid, with no desk visit: two new key pairs in the same folder or on
 * the same token, the request signed with the current AUTH key (the containers' password
 * or the token's PIN, asked without echo or read from a descriptor), and the service
 * issues a new application at once; `ncaenroll install NEW` installs it as any other, and
 * the old certificates are then revoked as superseded. Expired or revoked: refused before
 * anything is asked, a new application is needed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/i18n.h"
#include "common/storage.h"
#include "ncaenroll/cmd-ncaenroll.h"

static int
renew_done(struct cmd_ctx *ctx, struct enroll *e, const char *old, const char *number)
{
	struct state_app		*a = enroll_app(e, number);
	const struct storage_kind	*k = a != NULL ? storage_find(state_get(a,
					    APPKEY_STORAGE)) : NULL;
	const char			*where = NULL;
	int				 on_token = k != NULL && k->token;

	if (a != NULL)
		where = !on_token ? state_get(a, APPKEY_DIR) :
		    state_get(a, APPKEY_TOKEN_LABEL) != NULL ? state_get(a, APPKEY_TOKEN_LABEL) :
		    state_get(a, APPKEY_TOKEN);
	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "request_number",
		    number, "renews", old, "status", "issued", "keys_dir", on_token ? NULL : where,
		    "token", on_token ? where : NULL));
	(void)printf(_("New certificates are issued: application %s renews %s.\n"), number,
	    old);
	if (where != NULL)
		(void)printf(on_token ? _("  its new keys are on the token %s\n") :
		    _("  its new keys are in %s\n"), where);
	(void)printf(_("Install them now: ncaenroll install %s\n"), number);
	(void)printf(_("Once they are installed, the certificates of application %s are "
	    "revoked (superseded by the new ones).\n"), old);
	return CMD_EXIT_OK;
}

static struct secret *
renew_secret(struct cmd_ctx *ctx, struct enroll *e, const char *number,
    enum enroll_secret need, int fd, int *status)
{
	struct state_app	*a = enroll_app(e, number);
	const char		*label = a != NULL ? state_get(a, APPKEY_TOKEN_LABEL) : NULL;

	if (need == ENROLL_SECRET_PIN)
		return cmd_pin(ctx, fd, label != NULL ? label : state_get(a, APPKEY_TOKEN), status);
	return cmd_password(ctx, fd, _("Password of the current containers: "),
	    "--password-fd", status);
}

enum renew_option {
	RENEW_PASSWORD_FD,
	RENEW_PIN_FD,
	RENEW__MAX
};

static const struct cmd_option renew_options[] = {
	[RENEW_PASSWORD_FD] = { "password-fd", 0, N_("N"),
	    N_("read the current containers' password as one line from descriptor N") },
	[RENEW_PIN_FD] = { "pin-fd", 0, N_("N"),
	    N_("keys on a token: read its PIN as one line from descriptor N") },
	[RENEW__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(RENEW__MAX < CMD_MAX_OPTIONS, "renew_options fits cmd_args");

static int
renew_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	enum enroll_secret	 need = ENROLL_SECRET_NONE;
	struct enroll		*e;
	struct secret		*secret = NULL;
	const char		*old = args->argv[0], *fdarg;
	char			 number[REQNUM_LEN + 1], oldnum[REQNUM_LEN + 1];
	int			 rc, fd = -1;

	fdarg = args->opt[RENEW_PIN_FD] != NULL ? args->opt[RENEW_PIN_FD] :
	    args->opt[RENEW_PASSWORD_FD];
	if (fdarg != NULL && cmd_fd_arg(fdarg, &fd) == -1)
		return cmd_usage_error(ctx, &cmd_renew_entry,
		    _("--password-fd and --pin-fd need a descriptor number"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	(void)snprintf(oldnum, sizeof oldnum, "%s", enroll_app(e, old) != NULL &&
	    state_get(enroll_app(e, old), APPKEY_REQUEST_NUMBER) != NULL ?
	    state_get(enroll_app(e, old), APPKEY_REQUEST_NUMBER) : old);
	if (enroll_renew_plan(e, old, &need, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (need != ENROLL_SECRET_NONE &&
	    (secret = renew_secret(ctx, e, old, need, fd, &rc)) == NULL)
		;	/* said why, rc set */
	else if (enroll_renew(e, old, secret, number, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = renew_done(ctx, e, oldnum, number);
	secret_free(secret);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_renew_entry = {
	"renew", N_("NUMBER"),
	N_("new certificates before the current ones expire, with no desk visit\n"
	    "      (expired or revoked ones need a new application)"),
	renew_options, 1, 1, N_("give the request number of the application"),
	renew_exec,
};

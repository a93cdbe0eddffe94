/*
 * ncaenroll passwd [--password-fd N --new-password-fd M] NUMBER — another password for
 * the two containers of an installed application: the current password, then the new
 * one twice, asked without echo on a terminal (the policy shown first), or one line each
 * from descriptors N and M; never argv or the environment. Both containers are opened
 * with the current password and rewritten with the new one, in the layout they had. Keys
 * on a token have no container password: a token's PIN is changed with its own tool.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "ncaenroll/cmd-ncaenroll.h"

static int
passwd_done(struct cmd_ctx *ctx, const char *number, const struct enroll_installed *in)
{
	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:b, s:s*, s:s*}", "request_number", number,
		    "password_changed", 1, "auth", in->container[KEYSTORE_AUTH],
		    "sign", in->container[KEYSTORE_SIGN]));
	(void)printf("%s\n", _("Both containers now open with the new password:"));
	(void)printf("  %s: %s\n", _("Authentication"), in->container[KEYSTORE_AUTH]);
	(void)printf("  %s: %s\n", _("Signing"), in->container[KEYSTORE_SIGN]);
	(void)printf("%s\n", _("The old password no longer opens them. Keep the new one safe: "
	    "it cannot be recovered."));
	return CMD_EXIT_OK;
}

/* What is asked of whom: said before any question, so nothing is asked for nothing. */
static int
passwd_check(struct cmd_ctx *ctx, struct enroll *e, const char *number, int fd_old,
    int fd_new, struct enroll_installed *in)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	int			 rc = CMD_EXIT_OK;

	if (enroll_installed(e, number, in, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (in->token != NULL) {
		rc = cmd_fail(ctx, CMD_EXIT_REFUSED, "token.no_password", NULL,
		    _("the keys of application %s are on the token %s, which has no container "
		    "password: a token's PIN is changed with the token's own tool"), number,
		    in->token);
	} else if ((fd_old < 0 || fd_new < 0) && !isatty(STDIN_FILENO)) {
		rc = cmd_fail(ctx, CMD_EXIT_USAGE, "field.missing", "password", "%s",
		    _("the passwords are asked on a terminal, or read from descriptors with "
		    "--password-fd N (the current one) and --new-password-fd M (the new one)"));
	}
	failure_free(&err);
	return rc;
}

enum passwd_option {
	PASSWD_PASSWORD_FD,
	PASSWD_NEW_PASSWORD_FD,
	PASSWD__MAX
};

static const struct cmd_option passwd_options[] = {
	[PASSWD_PASSWORD_FD] = { "password-fd", 0, N_("N"),
	    N_("read the current password as one line from descriptor N") },
	[PASSWD_NEW_PASSWORD_FD] = { "new-password-fd", 0, N_("M"),
	    N_("read the new password as one line from descriptor M (never from the command "
	    "line)") },
	[PASSWD__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(PASSWD__MAX < CMD_MAX_OPTIONS, "passwd_options fits cmd_args");

static int
passwd_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct enroll_installed		 in;
	struct enroll			*e;
	struct secret			*old = NULL, *new_pw = NULL;
	const char			*number = args->argv[0];
	int				 rc, fd_old = -1, fd_new = -1;

	memset(&in, 0, sizeof in);
	if ((args->opt[PASSWD_PASSWORD_FD] != NULL &&
	    cmd_fd_arg(args->opt[PASSWD_PASSWORD_FD], &fd_old) == -1) ||
	    (args->opt[PASSWD_NEW_PASSWORD_FD] != NULL &&
	    cmd_fd_arg(args->opt[PASSWD_NEW_PASSWORD_FD], &fd_new) == -1))
		return cmd_usage_error(ctx, &cmd_passwd_entry,
		    _("--password-fd and --new-password-fd need a descriptor number"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if ((rc = passwd_check(ctx, e, number, fd_old, fd_new, &in)) != CMD_EXIT_OK)
		;	/* said why */
	else if ((old = cmd_password(ctx, fd_old, _("Current password: "), "--password-fd",
	    &rc)) == NULL ||
	    (new_pw = cmd_new_password(ctx, fd_new, "--new-password-fd", &rc)) == NULL)
		;	/* said why, rc set */
	else if (enroll_passwd(e, number, old, new_pw, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = passwd_done(ctx, number, &in);
	secret_free(old);
	secret_free(new_pw);
	enroll_installed_free(&in);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_passwd_entry = {
	"passwd", N_("NUMBER"),
	N_("another password for the two containers of installed certificates"),
	passwd_options, 1, 1, N_("give the request number of the application"),
	passwd_exec,
};

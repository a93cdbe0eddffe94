/*
 * ncaenroll passwd [--password-fd N --new-password-fd M] NUMBER — another password for
 * the two containers of an installed application: the current password, then the new
 * one twice, asked without echo on a terminal (the policy shown first), or one line each
 * from descriptors N and M; never argv or the environment. Both containers are opened
 * with the current password and rewritten with the new one, in the layout they had. Keys
 * on a token have no container password: a token's PIN is changed with its own tool.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"

static int
passwd_done(struct cmd_ctx *ctx, const char *number, const struct enroll_installed *in)
{
	if (ctx->json)
		return cmd_json(json_pack("{s:s, s:b, s:s?, s:s?}", "request_number", number,
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
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	int			 rc = CMD_EXIT_OK;

	if (enroll_installed(e, number, in, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (in->token != NULL) {
		cmd_error(ctx, _("the keys of application %s are on the token %s, which has no "
		    "container password: a token's PIN is changed with the token's own tool"),
		    number, in->token);
		rc = CMD_EXIT_REFUSED;
	} else if ((fd_old < 0 || fd_new < 0) && !isatty(STDIN_FILENO)) {
		cmd_error(ctx, "%s", _("the passwords are asked on a terminal, or read from "
		    "descriptors with --password-fd N (the current one) and --new-password-fd M "
		    "(the new one)"));
		rc = CMD_EXIT_USAGE;
	}
	enroll_error_free(&err);
	return rc;
}

static int
passwd_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "new-password-fd", required_argument, NULL, 'n' },
		{ "password-fd", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct enroll_error		 err = { 0, NULL, NULL, NULL };
	struct enroll_installed		 in;
	struct enroll			*e;
	struct secret			*old = NULL, *new_pw = NULL;
	int				 c, rc, fd_old = -1, fd_new = -1;

	memset(&in, 0, sizeof in);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j': ctx->json = 1; break;
		case 'n':
		case 'p':
			if (cmd_fd_arg(optarg, c == 'p' ? &fd_old : &fd_new) == -1)
				return cmd_usage_error(ctx, &cmd_passwd_entry,
				    _("--password-fd and --new-password-fd need a descriptor "
				    "number"));
			break;
		default:
			return cmd_usage_error(ctx, &cmd_passwd_entry, NULL);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(ctx, &cmd_passwd_entry,
		    _("give the request number of the application"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if ((rc = passwd_check(ctx, e, argv[optind], fd_old, fd_new, &in)) != CMD_EXIT_OK)
		;	/* said why */
	else if ((old = cmd_password(ctx, fd_old, _("Current password: "),
	    "--password-fd")) == NULL ||
	    (new_pw = cmd_new_password(ctx, fd_new, "--new-password-fd")) == NULL)
		rc = CMD_EXIT_REFUSED;
	else if (enroll_passwd(e, argv[optind], old, new_pw, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = passwd_done(ctx, argv[optind], &in);
	secret_free(old);
	secret_free(new_pw);
	enroll_installed_free(&in);
	enroll_error_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_passwd_entry = {
	"passwd",
	N_("[--password-fd N --new-password-fd M] [--json] NUMBER"),
	N_("another password for the two containers of installed certificates"),
	passwd_exec,
};

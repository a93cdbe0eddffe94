/*
 * ncaenroll install NUMBER — once the certificates are issued: a new password for the two
 * containers (asked twice without echo, or one line from --password-fd N; never argv or
 * the environment), or for keys on a token its PIN (asked once, or --pin-fd N), then the
 * certificates are fetched, checked and written beside the keys, and the service is told
 * they are installed. Installed already: nothing is asked, where and when are said, and
 * the exit status is 0 (another password is 'ncaenroll passwd').
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/i18n.h"
#include "ncaenroll/cmd-ncaenroll.h"

/* A new password for the containers, or the token's PIN when the keys are on a token. */
static struct secret *
install_secret(struct cmd_ctx *ctx, struct enroll *e, const char *key, int fd, int *status)
{
	struct state_app	*a = enroll_app(e, key);
	const char		*storage = a != NULL ? state_get(a, APPKEY_STORAGE) : NULL;

	if (storage == NULL || strcmp(storage, "pc") == 0)
		return cmd_new_password(ctx, fd, "--password-fd", status);
	return cmd_pin(ctx, fd, state_get(a, APPKEY_TOKEN_LABEL) != NULL ?
	    state_get(a, APPKEY_TOKEN_LABEL) : state_get(a, APPKEY_TOKEN), status);
}

static int
install_done(struct cmd_ctx *ctx, struct enroll *e, const char *number)
{
	struct state_app	*a = enroll_app(e, number);
	const char		*token = state_get(a, APPKEY_TOKEN_LABEL);

	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:s*, s:s*, s:s*}", "request_number",
		    number, "status", "installed", "auth", state_get(a, APPKEY_CONTAINER_AUTH),
		    "sign", state_get(a, APPKEY_CONTAINER_SIGN),
		    "token", state_get(a, APPKEY_TOKEN)));
	(void)printf("%s\n", _("Certificates installed"));
	if (state_get(a, APPKEY_CONTAINER_AUTH) == NULL) {
		(void)printf(_("  on token %s, beside their keys\n"), token != NULL ? token :
		    state_get(a, APPKEY_TOKEN));
		return CMD_EXIT_OK;
	}
	(void)printf("  %s: %s\n", _("Authentication"), state_get(a, APPKEY_CONTAINER_AUTH));
	(void)printf("  %s: %s\n", _("Signing"), state_get(a, APPKEY_CONTAINER_SIGN));
	(void)printf("%s\n", _("Keep the password safe: it cannot be recovered, and with a "
	    "lost password the certificates can be revoked only at a registration desk."));
	return CMD_EXIT_OK;
}

/*
 * Installed already: nothing is asked or written (another password is 'passwd'); only a
 * report the service has not had yet is sent. Where and when, and exit 0.
 */
static int
install_already(struct cmd_ctx *ctx, struct enroll *e, const char *number,
    const struct enroll_installed *in)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	int			 rc;

	if (enroll_install(e, number, NULL, KEYSTORE_P12_MODERN, &err) == -1) {
		rc = cmd_report(ctx, &err);
		failure_free(&err);
		return rc;
	}
	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:b, s:s*, s:s*, s:s*, s:s*}",
		    "request_number", number, "status", "installed", "already_installed", 1,
		    "installed", in->when, "auth", in->container[KEYSTORE_AUTH],
		    "sign", in->container[KEYSTORE_SIGN], "token", in->token));
	if (in->when != NULL)
		(void)printf(_("The certificates of application %s are already installed (%s).\n"),
		    number, in->when);
	else
		(void)printf(_("The certificates of application %s are already installed.\n"),
		    number);
	if (in->token != NULL)
		(void)printf(_("  on token %s, beside their keys\n"), in->token);
	else {
		(void)printf("  %s: %s\n", _("Authentication"), in->container[KEYSTORE_AUTH]);
		(void)printf("  %s: %s\n", _("Signing"), in->container[KEYSTORE_SIGN]);
		(void)printf(_("Nothing was changed. For another password of the containers: "
		    "ncaenroll passwd %s\n"), number);
	}
	return CMD_EXIT_OK;
}

enum install_option {
	INSTALL_PASSWORD_FD,
	INSTALL_PIN_FD,
	INSTALL_LEGACY,
	INSTALL__MAX
};

static const struct cmd_option install_options[] = {
	[INSTALL_PASSWORD_FD] = { "password-fd", 0, N_("N"),
	    N_("read the new password for the containers as one line from descriptor N "
	    "(never from the command line)") },
	[INSTALL_PIN_FD] = { "pin-fd", 0, N_("N"),
	    N_("keys on a token: read its PIN as one line from descriptor N") },
	[INSTALL_LEGACY] = { "legacy", 0, NULL,
	    N_("write NCA's older container layout (3DES, RC2-40, SHA-1) for programs that "
	    "need it") },
	[INSTALL__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(INSTALL__MAX < CMD_MAX_OPTIONS, "install_options fits cmd_args");

static int
install_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	enum keystore_p12_layout	 layout = KEYSTORE_P12_MODERN;
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct enroll_installed		 in;
	struct enroll			*e;
	struct secret			*pw = NULL;
	const char			*number = args->argv[0], *fdarg;
	int				 fd = -1, rc;

	memset(&in, 0, sizeof in);
	if (args->opt[INSTALL_LEGACY] != NULL)
		layout = KEYSTORE_P12_LEGACY;
	fdarg = args->opt[INSTALL_PIN_FD] != NULL ? args->opt[INSTALL_PIN_FD] :
	    args->opt[INSTALL_PASSWORD_FD];
	if (fdarg != NULL && cmd_fd_arg(fdarg, &fd) == -1)
		return cmd_usage_error(ctx, &cmd_install_entry,
		    args->opt[INSTALL_PIN_FD] != NULL ? _("--pin-fd needs a descriptor number") :
		    _("--password-fd needs a descriptor number"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (enroll_installed(e, number, &in, NULL) == 0)
		rc = install_already(ctx, e, number, &in);
	/* Rejected, cancelled or still waiting: said before anything is asked. */
	else if (enroll_install_ready(e, number, &err) == -1)
		rc = cmd_report(ctx, &err);
	/* Without a secret, install_secret has said why and set rc. */
	else if ((pw = install_secret(ctx, e, number, fd, &rc)) != NULL)
		rc = enroll_install(e, number, pw, layout, &err) == 0 ?
		    install_done(ctx, e, number) : cmd_report(ctx, &err);
	secret_free(pw);
	enroll_installed_free(&in);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_install_entry = {
	"install", N_("NUMBER"),
	N_("install issued certificates: two password-protected containers, or onto\n"
	    "      the token that holds the keys"),
	install_options, 1, 1, N_("give the request number of the application"),
	install_exec,
};

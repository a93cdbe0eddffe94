/*
 * ncaenroll install NUMBER — once the certificates are issued: a new password for the two
 * containers (asked twice without echo, or one line from --password-fd N; never argv or
 * the environment), or for keys on a token its PIN (asked once, or --pin-fd N), then the
 * certificates are fetched, checked and written beside the keys, and the service is told
 * they are installed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/password.h"

#define INSTALL_TRIES 3

static void
install_policy(void)
{
	int	r;

	(void)fprintf(stderr, "%s\n", _("The new password protects both containers and can "
	    "never be recovered:"));
	for (r = 0; r < PASSWORD_RULE__MAX; r++)
		(void)fprintf(stderr, "  - %s\n", _(password_rule_text((enum password_rule)r)));
}

/* Asked twice on the terminal until both agree and the policy is met. */
static struct secret *
install_ask(struct cmd_ctx *ctx, int *status)
{
	struct secret	*a = NULL, *b = NULL;
	struct problems	 p;
	char		*cause = NULL;
	size_t		 i;
	int		 tries;

	install_policy();
	for (tries = 0; tries < INSTALL_TRIES; tries++) {
		if ((a = passprompt_read(STDIN_FILENO, _("New password: "), &cause)) == NULL)
			break;
		problems_init(&p);
		if (password_check(secret_reveal(a), &p) == -1) {
			for (i = 0; i < p.n; i++)
				cmd_say(ctx, "%s", p.v[i].message);
			problems_free(&p);
			secret_free(a);
			a = NULL;
			continue;
		}
		if ((b = passprompt_read(STDIN_FILENO, _("Repeat it: "), &cause)) == NULL)
			break;
		if (secret_equal(a, b)) {
			secret_free(b);
			return a;
		}
		cmd_say(ctx, "%s", _("the two passwords differ; try again"));
		secret_free(a);
		secret_free(b);
		a = b = NULL;
	}
	if (cause != NULL)
		*status = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause);
	else
		*status = cmd_fail(ctx, CMD_EXIT_REFUSED, "password.not_chosen", "password",
		    "%s", _("no password was chosen; nothing was installed"));
	free(cause);
	secret_free(a);
	secret_free(b);
	return NULL;
}

static struct secret *
install_password(struct cmd_ctx *ctx, int fd, int *status)
{
	struct secret	*s;
	char		*cause = NULL;

	if (fd < 0) {
		if (!isatty(STDIN_FILENO)) {
			*status = cmd_fail(ctx, CMD_EXIT_USAGE, "field.missing", "password",
			    "%s", _("the password is asked on a terminal, or read from a "
			    "descriptor with --password-fd N"));
			return NULL;
		}
		return install_ask(ctx, status);
	}
	if ((s = secret_read_line(fd, &cause)) == NULL) {
		*status = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause);
		free(cause);
	}
	return s;
}

/* A new password for the containers, or the token's PIN when the keys are on a token. */
static struct secret *
install_secret(struct cmd_ctx *ctx, struct enroll *e, const char *key, int fd, int *status)
{
	struct state_app	*a = enroll_app(e, key);
	const char		*storage = a != NULL ? state_get(a, "storage") : NULL;

	if (storage == NULL || strcmp(storage, "pc") == 0)
		return install_password(ctx, fd, status);
	return cmd_pin(ctx, fd, state_get(a, "token_label") != NULL ?
	    state_get(a, "token_label") : state_get(a, "token"), status);
}

static int
install_done(struct cmd_ctx *ctx, struct enroll *e, const char *number)
{
	struct state_app	*a = enroll_app(e, number);
	const char		*token = state_get(a, "token_label");

	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:s*, s:s*, s:s*}", "request_number",
		    number, "status", "installed", "auth", state_get(a, "container_auth"),
		    "sign", state_get(a, "container_sign"), "token", state_get(a, "token")));
	(void)printf("%s\n", _("Certificates installed"));
	if (state_get(a, "container_auth") == NULL) {
		(void)printf(_("  on token %s, beside their keys\n"), token != NULL ? token :
		    state_get(a, "token"));
		return CMD_EXIT_OK;
	}
	(void)printf("  %s: %s\n", _("Authentication"), state_get(a, "container_auth"));
	(void)printf("  %s: %s\n", _("Signing"), state_get(a, "container_sign"));
	(void)printf("%s\n", _("Keep the password safe: it cannot be recovered, and a lost "
	    "password means revoking the keys."));
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
	struct enroll_error		 err = { 0, NULL, NULL, NULL };
	struct enroll			*e;
	struct secret			*pw = NULL;
	const char			*number = args->argv[0], *fdarg;
	int				 fd = -1, rc;

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
	/* Without a secret, install_secret has said why and set rc. */
	if ((pw = install_secret(ctx, e, number, fd, &rc)) != NULL)
		rc = enroll_install(e, number, pw, layout, &err) == 0 ?
		    install_done(ctx, e, number) : cmd_report(ctx, &err);
	secret_free(pw);
	enroll_error_free(&err);
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

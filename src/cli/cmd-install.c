/*
 * ncaenroll install NUMBER — once the certificates are issued: a new password for the two
 * containers (asked twice without echo, or one line from --password-fd N; never argv or
 * the environment), or for keys on a token its PIN (asked once, or --pin-fd N), then the
 * certificates are fetched, checked and written beside the keys, and the service is told
 * they are installed.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/reason.h"
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
install_ask(struct cmd_ctx *ctx)
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
				cmd_error(ctx, "%s", p.v[i].message);
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
		cmd_error(ctx, "%s", _("the two passwords differ; try again"));
		secret_free(a);
		secret_free(b);
		a = b = NULL;
	}
	if (cause != NULL)
		cmd_error(ctx, "%s", cause);
	free(cause);
	secret_free(a);
	secret_free(b);
	return NULL;
}

static struct secret *
install_password(struct cmd_ctx *ctx, int fd)
{
	struct secret	*s;
	char		*cause = NULL;

	if (fd < 0) {
		if (!isatty(STDIN_FILENO)) {
			cmd_error(ctx, "%s", _("the password is asked on a terminal, or read from "
			    "a descriptor with --password-fd N"));
			return NULL;
		}
		return install_ask(ctx);
	}
	if ((s = secret_read_line(fd, &cause)) == NULL) {
		cmd_error(ctx, "%s", cause);
		free(cause);
	}
	return s;
}

/* A new password for the containers, or the token's PIN when the keys are on a token. */
static struct secret *
install_secret(struct cmd_ctx *ctx, struct enroll *e, const char *key, int fd)
{
	struct state_app	*a = enroll_app(e, key);
	const char		*storage = a != NULL ? state_get(a, "storage") : NULL;

	if (storage == NULL || strcmp(storage, "pc") == 0)
		return install_password(ctx, fd);
	return cmd_pin(ctx, fd, state_get(a, "token_label") != NULL ?
	    state_get(a, "token_label") : state_get(a, "token"));
}

static int
install_done(struct cmd_ctx *ctx, struct enroll *e, const char *number)
{
	struct state_app	*a = enroll_app(e, number);
	const char		*token = state_get(a, "token_label");

	if (ctx->json)
		return cmd_json(json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "request_number",
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

/*
 * Nothing to install on an application that was rejected, cancelled or is still waiting:
 * said before any password is asked. This computer's copy is brought up to date first,
 * so a decision the service took meanwhile counts. CMD_EXIT_OK: go on and ask.
 */
static int
install_pending(struct cmd_ctx *ctx, struct enroll *e, const char *key)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct state_app	*a = enroll_app(e, key);
	json_t			*st = NULL;
	char			*why = NULL;
	int			 rc = CMD_EXIT_OK;

	if (a == NULL || (a->state != MS_SUBMITTED && a->state != MS_REJECTED &&
	    a->state != MS_CANCELLED))
		return CMD_EXIT_OK;
	/* Unreachable service: install itself will say so, after the question. */
	if (enroll_refresh(e, key, &st, &err) == -1 || (a = enroll_app(e, key)) == NULL) {
		enroll_error_free(&err);
		return CMD_EXIT_OK;
	}
	why = reason_describe(st, i18n_current());
	err.kind = ENROLL_REFUSED;
	err.code = strdup("application.not_issued");
	err.field = strdup("request_number");
	if (a->state == MS_REJECTED && asprintf(&err.message, _("the application was "
	    "rejected at the registration desk%s%s, so there is nothing to install; apply again "
	    "with new keys (ncaenroll apply)"), why != NULL ? ": " : "", why != NULL ? why :
	    "") == -1)
		err.message = NULL;
	else if (a->state == MS_CANCELLED)
		err.message = strdup(_("the application was cancelled: it was not verified at a "
		    "registration desk in time, so there is nothing to install; apply again with "
		    "new keys (ncaenroll apply)"));
	else if (a->state == MS_SUBMITTED && asprintf(&err.message, _("the certificates are "
	    "not issued yet: the application waits for verification at a registration desk "
	    "(until %.10s); install after it is approved"),
	    json_string_value(json_object_get(st, "deadline")) != NULL ?
	    json_string_value(json_object_get(st, "deadline")) : "?") == -1)
		err.message = NULL;
	if (a->state == MS_SUBMITTED || a->state == MS_REJECTED || a->state == MS_CANCELLED)
		rc = cmd_report(ctx, &err);
	enroll_error_free(&err);
	json_decref(st);
	free(why);
	return rc;
}

static int
install_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "legacy", no_argument, NULL, 'l' },
		{ "password-fd", required_argument, NULL, 'p' },
		{ "pin-fd", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	enum keystore_p12_layout	 layout = KEYSTORE_P12_MODERN;
	struct enroll_error		 err = { 0, NULL, NULL, NULL };
	struct enroll			*e;
	struct secret			*pw = NULL;
	int				 fd = -1;
	int				 c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'j': ctx->json = 1; break;
		case 'l': layout = KEYSTORE_P12_LEGACY; break;
		case 'p':
			if (cmd_fd_arg(optarg, &fd) == -1)
				return cmd_usage_error(ctx, &cmd_install_entry,
				    _("--password-fd needs a descriptor number"));
			break;
		default:
			return cmd_usage_error(ctx, &cmd_install_entry, NULL);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(ctx, &cmd_install_entry,
		    _("give the request number of the application"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if ((rc = install_pending(ctx, e, argv[optind])) != CMD_EXIT_OK)
		pw = NULL;		/* said why: nothing to install, nothing to ask */
	else if ((pw = install_secret(ctx, e, argv[optind], fd)) == NULL)
		rc = CMD_EXIT_REFUSED;
	else if (enroll_install(e, argv[optind], pw, layout, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = install_done(ctx, e, argv[optind]);
	secret_free(pw);
	enroll_error_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_install_entry = {
	"install",
	N_("[--password-fd N | --pin-fd N] [--legacy] [--json] NUMBER"),
	N_("install issued certificates: two password-protected containers, or onto\n"
	    "      the token that holds the keys"),
	install_exec,
};

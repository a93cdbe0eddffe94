/*
 * ncaenroll revoke NUMBER --reason REASON [--yes] [--password-fd N | --pin-fd N] — the
 * holder revokes both certificates of an application online: the request is signed with
 * the current AUTH key, opened with the containers' password (PC) or the token's PIN,
 * asked without echo or read from a descriptor, never argv or the environment. For good:
 * asked y/N on a terminal, else --yes. Revoked already: said with its date and reason,
 * exit 0. A lost password leaves one way: a registration desk (said where it is refused).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/i18n.h"
#include "common/revocation.h"
#include "common/when.h"
#include "ncaenroll/cmd-ncaenroll.h"

/* The reason's name in the reader's language, or its RFC name when it is not ours. */
static const char *
revoke_reason_name(const char *code)
{
	const struct revocation_kind	*k = revocation_find(code);

	return k != NULL ? revocation_name(k, i18n_current()) : code != NULL ? code : "?";
}

static int
revoke_done(struct cmd_ctx *ctx, const char *number, const struct enroll_revocation *rev)
{
	char	when[WHEN_MAX];

	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:b, s:{s:s?, s:s, s:s?, s:s?}}",
		    "request_number", number, "status", "revoked", "already_revoked",
		    rev->already, "revocation", "reason", rev->reason, "name",
		    revoke_reason_name(rev->reason), "at", rev->at, "by", rev->by));
	(void)when_local(rev->at != NULL ? rev->at : "?", when);
	if (rev->already)
		(void)printf(_("The certificates of application %s were already revoked on %s "
		    "(%s). Nothing was changed.\n"), number, when, revoke_reason_name(rev->reason));
	else
		(void)printf(_("The certificates of application %s are revoked (%s, %s). They "
		    "can no longer be used; for new ones apply again (ncaenroll apply).\n"),
		    number, when, revoke_reason_name(rev->reason));
	return CMD_EXIT_OK;
}

/* Revoking is for good: asked on a terminal, or --yes. CMD_EXIT_OK to go on. */
static int
revoke_confirm(struct cmd_ctx *ctx, const char *number, const char *reason, int yes)
{
	if (yes)
		return CMD_EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		cmd_error(ctx, "%s", _("revoking cannot be undone; confirm with --yes (there is "
		    "no terminal to ask on)"));
		return CMD_EXIT_USAGE;
	}
	(void)fprintf(stderr, _("Both certificates of application %s will be revoked for good "
	    "(%s).\n"), number, revoke_reason_name(reason));
	if (!cmd_confirm(_("Revoke them?"))) {
		(void)fprintf(stderr, "%s\n", _("Nothing was revoked."));
		return CMD_EXIT_REFUSED;
	}
	return CMD_EXIT_OK;
}

/* What opens the AUTH key, asked now; NULL with *status set when it could not be had. */
static struct secret *
revoke_secret(struct cmd_ctx *ctx, struct enroll *e, const char *number,
    enum enroll_secret need, int fd, int *status)
{
	struct state_app	*a = enroll_app(e, number);
	const char		*label = a != NULL ? state_get(a, APPKEY_TOKEN_LABEL) : NULL;

	if (need == ENROLL_SECRET_PIN)
		return cmd_pin(ctx, fd, label != NULL ? label : state_get(a, APPKEY_TOKEN), status);
	return cmd_password(ctx, fd, _("Password of the containers: "), "--password-fd", status);
}

enum revoke_option {
	REVOKE_REASON,
	REVOKE_YES,
	REVOKE_PASSWORD_FD,
	REVOKE_PIN_FD,
	REVOKE__MAX
};

static const struct cmd_option revoke_options[] = {
	[REVOKE_REASON] = { "reason", 0, N_("REASON"),
	    N_("why: keyCompromise (the key or its password may be known to someone else), "
	    "affiliationChanged (you left the organization) or cessationOfOperation (the "
	    "organization ceased operation)") },
	[REVOKE_YES] = { "yes", 'y', NULL,
	    N_("revoke without asking (there is no terminal to ask on)") },
	[REVOKE_PASSWORD_FD] = { "password-fd", 0, N_("N"),
	    N_("read the containers' password as one line from descriptor N; a lost password "
	    "cannot be recovered: then revoke at a registration desk") },
	[REVOKE_PIN_FD] = { "pin-fd", 0, N_("N"),
	    N_("keys on a token: read its PIN as one line from descriptor N") },
	[REVOKE__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(REVOKE__MAX < CMD_MAX_OPTIONS, "revoke_options fits cmd_args");

static int
revoke_reason_arg(struct cmd_ctx *ctx, const char *reason)
{
	const struct revocation_kind	*k = revocation_find(reason);
	char				*list, *why = NULL;
	int				 rc;

	if (k != NULL && k->chosen)
		return CMD_EXIT_OK;
	if ((list = revocation_choices(i18n_current())) == NULL)
		return cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", _("out of memory"));
	if (reason != NULL)
		rc = cmd_fail(ctx, CMD_EXIT_USAGE, "reason.unknown", "reason", _("'%s' is not "
		    "a reason a holder may give; give one of: %s"), reason, list);
	else if (asprintf(&why, _("give the reason with --reason, one of: %s"), list) == -1)
		rc = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", _("out of memory"));
	else
		rc = cmd_usage_error(ctx, &cmd_revoke_entry, why);
	free(why);
	free(list);
	return rc;
}

static int
revoke_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct failure			 err = { 0, NULL, NULL, NULL };
	struct enroll_revocation	 rev;
	enum enroll_secret		 need = ENROLL_SECRET_NONE;
	struct enroll			*e;
	struct secret			*secret = NULL;
	const char			*number = args->argv[0], *reason = args->opt[REVOKE_REASON];
	const char			*fdarg;
	int				 rc, fd = -1;

	memset(&rev, 0, sizeof rev);
	if ((rc = revoke_reason_arg(ctx, reason)) != CMD_EXIT_OK)
		return rc;
	fdarg = args->opt[REVOKE_PIN_FD] != NULL ? args->opt[REVOKE_PIN_FD] :
	    args->opt[REVOKE_PASSWORD_FD];
	if (fdarg != NULL && cmd_fd_arg(fdarg, &fd) == -1)
		return cmd_usage_error(ctx, &cmd_revoke_entry,
		    _("--password-fd and --pin-fd need a descriptor number"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (enroll_revoke_plan(e, number, &need, &rev, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (rev.already)
		rc = revoke_done(ctx, number, &rev);
	else if ((rc = revoke_confirm(ctx, number, reason, args->opt[REVOKE_YES] != NULL)) !=
	    CMD_EXIT_OK)
		;	/* said why */
	else if (need != ENROLL_SECRET_NONE &&
	    (secret = revoke_secret(ctx, e, number, need, fd, &rc)) == NULL)
		;	/* said why, rc set */
	else if (enroll_revoke(e, number, reason, secret, &rev, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = revoke_done(ctx, number, &rev);
	secret_free(secret);
	enroll_revocation_free(&rev);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_revoke_entry = {
	"revoke", N_("NUMBER"),
	N_("revoke both certificates of an application (signed with its key; a lost\n"
	    "      password: go to a registration desk)"),
	revoke_options, 1, 1, N_("give the request number of the application"),
	revoke_exec,
};

/*
 * cmd-ra-console — opens the desk's console. It needs a terminal at both ends (a script
 * gets a usage message naming the commands instead). The operator signs in first, on the
 * plain terminal: the container's password is asked without echo (or read from
 * --password-fd; --demo uses the demo operator's), and the queue is asked for once, so
 * every refusal of the operator (wrong password, revoked, expired, another CA...) is
 * printed exactly as the commands print it, with their exit status, and curses never
 * starts for an operator the service will not serve.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra-console.h"
#include "ncaenroll-ra/ra-tui.h"
#include "tui/tui-term.h"

/* The first question the console will ask anyway: it proves the service serves us. */
static int
cmd_ra_console_sign_in(struct ra_ctx *ctx, struct ra *ra)
{
	struct ra_filter	 f = { NULL, NULL, NULL, NULL, -1, 0 };
	struct failure		 err = { 0, NULL, NULL, NULL };
	json_t			*apps = NULL;
	int			 rc = CMD_EXIT_OK;

	if (ra_queue(ra, &f, &apps, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	json_decref(apps);
	failure_free(&err);
	return rc;
}

int
cmd_ra_console(struct ra_ctx *ctx)
{
	struct ra	*ra;
	char		*cause = NULL;
	int		 rc;

	if (ctx->cmd.json) {
		cmd_error(&ctx->cmd, "%s", _("the console answers no JSON; give a command with "
		    "--json (see --help)"));
		return CMD_EXIT_USAGE;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cmd_error(&ctx->cmd, "%s", _("the full-screen console needs a terminal; for "
		    "scripts give a command (see --help), e.g. 'ncaenroll-ra queue'"));
		return CMD_EXIT_USAGE;
	}
	/* Before the operator types a password for a console that cannot be drawn. */
	if (tui_term_check(&cause) == -1) {
		cmd_error(&ctx->cmd, "%s", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if ((rc = cmd_ra_console_sign_in(ctx, ra)) != CMD_EXIT_OK)
		return rc;
	/* tui_run: 0, 1 the terminal failed (a device), 2 a broken forms file. */
	if ((rc = ra_tui_run(ra, i18n_current(), &cause)) == 1)
		rc = CMD_EXIT_LOCAL;
	if (cause != NULL)
		cmd_error(&ctx->cmd, "%s", cause);
	free(cause);
	return rc;
}

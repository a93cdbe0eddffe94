/*
 * ncaenroll abandon [--yes] [--pin-fd N] ID|NUMBER — gives up an application that can no
 * longer be issued (never sent, rejected, cancelled) and removes its pending keys for
 * good: in a PC folder overwritten and then deleted, on a token destroyed there (its PIN
 * asked, or read from --pin-fd N). Removing keys is asked first on a terminal (y/N in the
 * person's language); without a terminal it needs --yes. A submitted, issued or
 * installed application is refused with what to do instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "ncaenroll/cmd-ncaenroll.h"

/* What will go, said before the question. */
static void
abandon_describe(const char *key, const struct enroll_abandon *p)
{
	int	i;

	if (p->becomes_abandoned)
		(void)fprintf(stderr, _("Application %s was never sent: it will be given up "
		    "for good.\n"), key);
	if (p->on_token)
		(void)fprintf(stderr, _("Its keys on the token %s will be destroyed.\n"),
		    p->where);
	else {
		(void)fprintf(stderr, _("Its private keys will be removed for good (overwritten, "
		    "then deleted) from %s:\n"), p->where);
		for (i = 0; i < 2 && p->files[i] != NULL; i++)
			(void)fprintf(stderr, "  %s\n", p->files[i]);
	}
}

/* Removing keys is for good: asked on a terminal, or --yes. CMD_EXIT_OK to go on. */
static int
abandon_confirm(struct cmd_ctx *ctx, const char *key, const struct enroll_abandon *p,
    int yes)
{
	if (p->keys == 0 || yes)
		return CMD_EXIT_OK;
	if (!isatty(STDIN_FILENO)) {
		cmd_error(ctx, "%s", _("abandoning removes the application's keys for good; "
		    "confirm with --yes (there is no terminal to ask on)"));
		return CMD_EXIT_USAGE;
	}
	abandon_describe(key, p);
	if (!cmd_confirm(_("Remove them for good?"))) {
		(void)fprintf(stderr, "%s\n", _("Nothing was removed."));
		return CMD_EXIT_REFUSED;
	}
	return CMD_EXIT_OK;
}

static int
abandon_done(struct cmd_ctx *ctx, const char *key, const struct enroll_abandon *p)
{
	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:i, s:s*, s:s*}", "id", p->id, "state",
		    machine_state_name(p->state), "keys_removed", p->keys,
		    "keys_dir", p->on_token ? NULL : p->where,
		    "token", p->on_token ? p->where : NULL));
	if (p->becomes_abandoned)
		(void)printf(_("Application %s is abandoned.\n"), key);
	if (p->keys > 0 && p->on_token)
		(void)printf(_("Its keys were destroyed on the token %s.\n"), p->where);
	else if (p->keys > 0)
		(void)printf(ngettext("Its %d private key was removed from %s.\n",
		    "Its %d private keys were removed from %s.\n", (unsigned long)p->keys),
		    p->keys, p->where);
	else
		(void)printf("%s\n", _("No keys of it were left to remove."));
	return CMD_EXIT_OK;
}

enum abandon_option {
	ABANDON_YES,
	ABANDON_PIN_FD,
	ABANDON__MAX
};

static const struct cmd_option abandon_options[] = {
	[ABANDON_YES] = { "yes", 'y', NULL,
	    N_("remove the keys without asking (there is no terminal to ask on)") },
	[ABANDON_PIN_FD] = { "pin-fd", 0, N_("N"),
	    N_("keys on a token: read its PIN as one line from descriptor N") },
	[ABANDON__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(ABANDON__MAX < CMD_MAX_OPTIONS, "abandon_options fits cmd_args");

static int
abandon_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_abandon	 plan;
	struct enroll		*e;
	struct secret		*pin = NULL;
	const char		*key = args->argv[0];
	int			 rc, fd = -1;

	if (args->opt[ABANDON_PIN_FD] != NULL && cmd_fd_arg(args->opt[ABANDON_PIN_FD], &fd) == -1)
		return cmd_usage_error(ctx, &cmd_abandon_entry,
		    _("--pin-fd needs a descriptor number"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	memset(&plan, 0, sizeof plan);
	if (enroll_abandon_plan(e, key, &plan, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if ((rc = abandon_confirm(ctx, key, &plan, args->opt[ABANDON_YES] != NULL)) !=
	    CMD_EXIT_OK)
		;	/* said why */
	else if (plan.on_token && plan.keys != 0 &&
	    (pin = cmd_pin(ctx, fd, plan.where, &rc)) == NULL)
		;	/* cmd_pin said why and set rc */
	else if (enroll_abandon_remove(e, key, pin, &plan, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = abandon_done(ctx, key, &plan);
	secret_free(pin);
	enroll_abandon_free(&plan);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_abandon_entry = {
	"abandon", N_("ID|NUMBER"),
	N_("give up an application that can no longer be issued and remove its keys"),
	abandon_options, 1, 1,
	N_("give the id or the request number of the application ('ncaenroll list' shows them)"),
	abandon_exec,
};

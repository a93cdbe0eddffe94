/*
 * ncaenroll abandon ID|NUMBER — gives up an application that was never sent, so it is no
 * longer offered to continue. Keys already made are left in their folder, and said so.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd.h"
#include "common/i18n.h"

static int
abandon_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll		*e;
	char			*keys = NULL;
	const char		*id = args->argv[0];
	int			 rc;

	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (enroll_abandon(e, id, &keys, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (ctx->json)
		rc = cmd_json(ctx, json_pack("{s:s, s:s, s:s*}", "id", id, "state", "abandoned",
		    "keys_dir", keys));
	else {
		(void)printf(_("Application %s is abandoned.\n"), id);
		if (keys != NULL)
			(void)printf(_("The two key pairs made for it are still in %s; they were "
			    "never sent, so delete them if you do not need them.\n"), keys);
		rc = CMD_EXIT_OK;
	}
	free(keys);
	enroll_error_free(&err);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_abandon_entry = {
	"abandon", N_("ID"),
	N_("give up an application that was never sent (see 'list')"),
	NULL, 1, 1, N_("give the id of the unfinished application ('ncaenroll list' shows it)"),
	abandon_exec,
};

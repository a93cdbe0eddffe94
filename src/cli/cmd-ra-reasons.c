/*
 * ncaenroll-ra reasons — the service's list of reasons for a rejection, with the code
 * `reject --reason` takes; the service, not this program, decides which exist.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>

#include "cli/cmd-ra.h"
#include "common/i18n.h"

static int
reasons_exec(struct ra_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ra_error			 err = { 0, NULL, NULL, NULL };
	struct ra			*ra;
	json_t				*reasons = NULL;
	int				 c, rc;

	optind = 0;	/* a fresh scan */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return ra_cmd_usage(ctx, &cmd_ra_reasons_entry, NULL);
		ctx->cmd.json = 1;
	}
	if (optind != argc)
		return ra_cmd_usage(ctx, &cmd_ra_reasons_entry, _("too many arguments"));
	if ((ra = ra_cmd_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_reject_reasons(ra, &reasons, &err) == -1)
		rc = ra_cmd_report(ctx, &err);
	else if (ctx->cmd.json)
		rc = cmd_json(json_pack("{s:O}", "reasons", reasons));
	else {
		ra_cmd_reasons(reasons);
		rc = CMD_EXIT_OK;
	}
	json_decref(reasons);
	ra_error_free(&err);
	return rc;
}

const struct ra_cmd_entry cmd_ra_reasons_entry = {
	"reasons",
	N_("[--json]"),
	N_("the reasons a rejection may give, with their codes"),
	reasons_exec,
};

/*
 * ncaenroll-ra history NUMBER — who did what to an application, and when: submission,
 * decisions, issuance, cancellation, installation.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd-ra.h"
#include "common/i18n.h"

static int
history_exec(struct ra_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ra_error			 err = { 0, NULL, NULL, NULL };
	struct ra			*ra;
	json_t				*app = NULL, *h;
	int				 c, rc;

	optind = 0;	/* a fresh scan; options may follow NUMBER */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return ra_cmd_usage(ctx, &cmd_ra_history_entry, NULL);
		ctx->cmd.json = 1;
	}
	if (argc - optind != 1)
		return ra_cmd_usage(ctx, &cmd_ra_history_entry,
		    _("give the request number of the application"));
	if ((ra = ra_cmd_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_application(ra, argv[optind], &app, &err) == -1)
		rc = ra_cmd_report(ctx, &err);
	else if (ctx->cmd.json) {
		h = json_object_get(app, "history");
		rc = cmd_json(json_pack("{s:s, s:o}", "request_number", ra_str(app, "request_number"),
		    "history", h != NULL ? json_incref(h) : json_array()));
	} else {
		(void)printf("%s %s\n", _("Application"), ra_str(app, "request_number"));
		ra_cmd_history(app);
		rc = CMD_EXIT_OK;
	}
	json_decref(app);
	ra_error_free(&err);
	return rc;
}

const struct ra_cmd_entry cmd_ra_history_entry = {
	"history",
	N_("NUMBER"),
	N_("who did what to an application, and when"),
	history_exec,
};

/*
 * ncaenroll-ra history NUMBER — who did what to an application, and when: submission,
 * decisions, issuance, cancellation, installation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra.h"

static int
history_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*app = NULL, *h;
	int		 rc;

	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_application(ra, args->argv[0], &app, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else if (c->json) {
		h = json_object_get(app, "history");
		rc = cmd_json(c, json_pack("{s:s, s:o}", "request_number", ra_str(app, "request_number"),
		    "history", h != NULL ? json_incref(h) : json_array()));
	} else {
		(void)printf("%s %s\n", _("Application"), ra_str(app, "request_number"));
		cmd_ra_history(app);
		rc = CMD_EXIT_OK;
	}
	json_decref(app);
	failure_free(&err);
	return rc;
}

const struct cmd_entry cmd_ra_history_entry = {
	"history", N_("NUMBER"),
	N_("who did what to an application, and when"),
	NULL, 1, 1, N_("give the request number of the application"),
	history_exec,
};

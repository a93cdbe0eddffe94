/*
 * ncaenroll-ra reasons — the service's list of reasons for a rejection, with the code
 * `reject --reason` takes; the service, not this program, decides which exist.
 */
#include "config.h"

#include <stdio.h>

#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra.h"

static int
reasons_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*reasons = NULL;
	int		 rc;

	(void)args;
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_reject_reasons(ra, &reasons, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else if (c->json)
		rc = cmd_json(c, json_pack("{s:O}", "reasons", reasons));
	else {
		cmd_ra_reasons(reasons);
		rc = CMD_EXIT_OK;
	}
	json_decref(reasons);
	failure_free(&err);
	return rc;
}

const struct cmd_entry cmd_ra_reasons_entry = {
	"reasons", "",
	N_("the reasons a rejection may give, with their codes"),
	NULL, 0, 0, NULL,
	reasons_exec,
};

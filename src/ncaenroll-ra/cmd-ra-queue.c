/*
 * ncaenroll-ra queue — the applications awaiting verification at the operator's office
 * (a supervisor sees all and may filter by region and office), most urgent first, as an
 * 80-column table; those with fewer than 7 days before cancellation are marked.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra.h"

static int
queue_days(const char *arg, long *days)
{
	char	*end;

	errno = 0;
	*days = strtol(arg, &end, 10);
	return errno != 0 || end == arg || *end != '\0' || *days < 0 || *days > 3650 ? -1 : 0;
}

static int
queue_print(const json_t *apps)
{
	char	*table;
	int	 urgent;

	if (json_array_size(apps) == 0) {
		(void)printf("%s\n", _("No applications are waiting for verification."));
		return CMD_EXIT_OK;
	}
	if ((table = ra_queue_table(apps, &urgent)) == NULL)
		return CMD_EXIT_LOCAL;
	(void)fputs(table, stdout);
	free(table);
	if (urgent)
		(void)printf("\n%s\n", _("! fewer than 7 days left: the application is cancelled "
		    "when none are left"));
	return CMD_EXIT_OK;
}

enum queue_option {
	QUEUE_ALL,
	QUEUE_REGION,
	QUEUE_CITY,
	QUEUE_OFFICE,
	QUEUE_MAX_AGE,
	QUEUE_SEARCH,
	QUEUE__MAX
};

static const struct cmd_option queue_options[] = {
	[QUEUE_ALL] = { "all", 0, NULL, N_("every office (supervisors only)") },
	[QUEUE_REGION] = { "region", 0, N_("ID"), N_("only this region (a directory id)") },
	[QUEUE_CITY] = { "city", 0, N_("ID"), N_("only this city (a directory id)") },
	[QUEUE_OFFICE] = { "office", 0, N_("ID"), N_("only this office (a directory id)") },
	[QUEUE_MAX_AGE] = { "max-age", 0, N_("DAYS"),
	    N_("only applications submitted within DAYS days") },
	[QUEUE_SEARCH] = { "search", 0, N_("TEXT"),
	    N_("find a request number (any spacing), an IIN or a BIN") },
	[QUEUE__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(QUEUE__MAX < CMD_MAX_OPTIONS, "queue_options fits cmd_args");

static int
queue_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx		*ctx = ra_ctx_of(c);
	struct ra_filter	 f = { NULL, NULL, NULL, NULL, -1, 0 };
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct ra		*ra;
	json_t			*apps = NULL;
	int			 rc;

	f.all = args->opt[QUEUE_ALL] != NULL;
	f.region = args->opt[QUEUE_REGION];
	f.city = args->opt[QUEUE_CITY];
	f.office = args->opt[QUEUE_OFFICE];
	f.search = args->opt[QUEUE_SEARCH];
	if (args->opt[QUEUE_MAX_AGE] != NULL &&
	    queue_days(args->opt[QUEUE_MAX_AGE], &f.max_age_days) == -1)
		return cmd_usage_error(c, &cmd_ra_queue_entry,
		    _("--max-age needs a number of days"));
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_queue(ra, &f, &apps, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else if (c->json)
		rc = cmd_json(c, json_pack("{s:O}", "applications", apps));
	else
		rc = queue_print(apps);
	json_decref(apps);
	failure_free(&err);
	return rc;
}

const struct cmd_entry cmd_ra_queue_entry = {
	"queue", "",
	N_("applications awaiting verification at your office, most urgent first;\n"
	"      --all: every office (supervisors); --search: a request number, IIN or BIN"),
	queue_options, 0, 0, NULL,
	queue_exec,
};

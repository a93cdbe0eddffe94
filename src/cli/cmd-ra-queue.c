/*
 * ncaenroll-ra queue — the applications awaiting verification at the operator's office
 * (a supervisor sees all and may filter by region and office), most urgent first, as an
 * 80-column table; those with fewer than 7 days before cancellation are marked.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd-ra.h"
#include "common/i18n.h"

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

static int
queue_exec(struct ra_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "all", no_argument, NULL, 'A' },
		{ "city", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-age", required_argument, NULL, 'a' },
		{ "office", required_argument, NULL, 'o' },
		{ "region", required_argument, NULL, 'r' },
		{ "search", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct ra_filter		 f = { NULL, NULL, NULL, NULL, -1, 0 };
	struct ra_error			 err = { 0, NULL, NULL, NULL };
	struct ra			*ra;
	json_t				*apps = NULL;
	int				 c, rc;

	optind = 0;	/* a fresh scan; options may follow NUMBER */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'A': f.all = 1; break;
		case 'c': f.city = optarg; break;
		case 'j': ctx->cmd.json = 1; break;
		case 'o': f.office = optarg; break;
		case 'r': f.region = optarg; break;
		case 's': f.search = optarg; break;
		case 'a':
			if (queue_days(optarg, &f.max_age_days) == -1)
				return ra_cmd_usage(ctx, &cmd_ra_queue_entry,
				    _("--max-age needs a number of days"));
			break;
		default:
			return ra_cmd_usage(ctx, &cmd_ra_queue_entry, NULL);
		}
	}
	if (optind != argc)
		return ra_cmd_usage(ctx, &cmd_ra_queue_entry, _("too many arguments"));
	if ((ra = ra_cmd_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_queue(ra, &f, &apps, &err) == -1)
		rc = ra_cmd_report(ctx, &err);
	else if (ctx->cmd.json)
		rc = cmd_json(json_pack("{s:O}", "applications", apps));
	else
		rc = queue_print(apps);
	json_decref(apps);
	ra_error_free(&err);
	return rc;
}

const struct ra_cmd_entry cmd_ra_queue_entry = {
	"queue",
	N_("[--all] [--region ID] [--city ID] [--office ID] [--max-age DAYS]\n"
	"      [--search TEXT]"),
	N_("applications awaiting verification at your office, most urgent first;\n"
	"      --all: every office (supervisors); --search: a request number, IIN or BIN"),
	queue_exec,
};

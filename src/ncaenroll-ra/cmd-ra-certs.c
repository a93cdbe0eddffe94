/*
 * ncaenroll-ra certs --iin IIN — every application of a person that ever had certificates
 * (issued, installed, revoked), newest first, as the desk looks for what to revoke when
 * the person comes without a request number: number, state and valid-until; organization
 * and role; both serials and the revocation, in 80 columns.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra.h"

enum certs_option {
	CERTS_IIN,
	CERTS__MAX
};

static const struct cmd_option certs_options[] = {
	[CERTS_IIN] = { "iin", 0, N_("IIN"), N_("the person's IIN (12 digits)") },
	[CERTS__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(CERTS__MAX < CMD_MAX_OPTIONS, "certs options fit cmd_args");

static int
certs_print(const char *iin, const json_t *apps)
{
	char	*table;

	if (json_array_size(apps) == 0) {
		(void)printf(_("No certificates were ever issued to the person with IIN %s.\n"),
		    iin);
		return CMD_EXIT_OK;
	}
	if ((table = ra_certs_table(apps)) == NULL)
		return CMD_EXIT_LOCAL;
	(void)fputs(table, stdout);
	free(table);
	return CMD_EXIT_OK;
}

static int
certs_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*apps = NULL;
	const char	*iin = args->opt[CERTS_IIN];
	int		 rc;

	if (iin == NULL)
		return cmd_usage_error(c, &cmd_ra_certs_entry, _("give the person's IIN with "
		    "--iin"));
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_certificates(ra, iin, &apps, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else if (c->json)
		rc = cmd_json(c, json_pack("{s:s, s:O}", "iin", iin, "applications", apps));
	else
		rc = certs_print(iin, apps);
	json_decref(apps);
	failure_free(&err);
	return rc;
}

const struct cmd_entry cmd_ra_certs_entry = {
	"certs", "",
	N_("every certificate ever issued to a person, by IIN, with its state and\n"
	"      revocation: what 'revoke' may be asked for"),
	certs_options, 0, 0, NULL,
	certs_exec,
};

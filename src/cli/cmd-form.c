/*
 * ncaenroll form NUMBER — the application form to print and bring to a registration
 * desk, from what this computer kept (no network needed).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/appform.h"
#include "common/i18n.h"

static int
form_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct appform		 f;
	struct enroll		*e;
	struct state_app	*a;
	char			*text = NULL, *cause = NULL, *who = NULL;
	int			 rc;

	if (argc != 2)
		return cmd_usage_error(ctx, &cmd_form_entry,
		    _("give the request number of the application"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if ((a = enroll_app(e, argv[1])) == NULL ||
	    state_get(a, "request_number") == NULL) {
		cmd_error(ctx, _("no submitted application %s is kept on this computer"),
		    argv[1]);
		enroll_close(e);
		return CMD_EXIT_REFUSED;
	}
	if (asprintf(&who, "%s %s %s", state_get(a, "surname"), state_get(a, "given_name"),
	    state_get(a, "patronymic") ? state_get(a, "patronymic") : "") == -1)
		who = NULL;
	memset(&f, 0, sizeof f);
	f.number = state_get(a, "request_number");
	f.date = state_get(a, "created");
	f.deadline = state_get(a, "deadline");
	f.org_name = state_get(a, strcmp(i18n_current(), "kk") == 0 ? "org_name_kk" :
	    "org_name_ru");
	f.bin = state_get(a, "bin");
	f.applicant = who;
	f.iin = state_get(a, "iin");
	f.email = state_get(a, "email");
	f.role = state_get(a, "role");
	f.region = state_get(a, "region");
	f.city = state_get(a, "city");
	f.gu_code = state_get(a, "gu_code");
	f.storage = strcmp(state_get(a, "storage") ? state_get(a, "storage") : "", "pc") == 0 ?
	    _("PC folder") : state_get(a, "storage");
	f.days = 30;
	if ((text = appform_render(&f, APPFORM_BIG_NUMBER, &cause)) == NULL) {
		cmd_error(ctx, "%s", cause);
		rc = CMD_EXIT_LOCAL;
	} else
		rc = fputs(text, stdout) == EOF ? CMD_EXIT_LOCAL : CMD_EXIT_OK;
	free(text);
	free(cause);
	free(who);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_form_entry = {
	"form",
	N_("NUMBER"),
	N_("print the application form to bring to a registration desk"),
	form_exec,
};

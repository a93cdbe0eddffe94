/*
 * ncaenroll-ra show NUMBER — an application in full, unmasked, as the operator checks it
 * against the papers on the desk: applicant and organization, role, ГУ/СКС code, storage,
 * the documents to tick, the history and the application form.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/mailnote.h"
#include "common/reason.h"
#include "ncaenroll-ra/cmd-ra.h"

static const char *
show_status(const json_t *app)
{
	enum app_status	s;

	return appstatus_parse(ra_str(app, "status"), &s) == 0 ? _(appstatus_label(s)) :
	    ra_str(app, "status");
}

/* By its name, as the form and the order of appointment say it; --json has its id. */
static void
show_role(const json_t *app)
{
	cmd_ra_field(_("Role"), ra_value_label(json_object_get(app, "role")));
}

static void
show_print(const json_t *app)
{
	const json_t	*a = json_object_get(app, "applicant");
	const json_t	*org = json_object_get(app, "organization");
	char		*form;
	char		 line[512], when[RA_WHEN_MAX], *why;

	(void)printf("%s %s\n\n", _("Application"), ra_str(app, "request_number"));
	cmd_ra_field(_("Status"), show_status(app));
	cmd_ra_field(_("Submitted"), ra_when(ra_str(app, "submitted"), when));
	if (json_is_integer(json_object_get(app, "days_left"))) {
		(void)snprintf(line, sizeof line, "%s (%s: %lld)",
		    ra_when(ra_str(app, "deadline"), when), _("days left"),
		    (long long)json_integer_value(json_object_get(app, "days_left")));
		cmd_ra_field(_("Verify before"), line);
	}
	cmd_ra_field(_("Decided"), ra_when(ra_str(app, "decided"), when));
	if ((why = reason_describe(app, i18n_current())) != NULL)
		cmd_ra_field(_("Reason"), why);
	free(why);
	/* Revoked: why, when and by whom, in the reader's words. */
	if ((why = ra_revocation_text(json_object_get(app, "revocation"))) != NULL)
		cmd_ra_field(_("Revoked"), why);
	free(why);
	if (*ra_str(json_object_get(app, "certificates"), "not_after") != '\0')
		cmd_ra_field(_("Valid until"), ra_when(ra_str(json_object_get(app,
		    "certificates"), "not_after"), when));
	ra_applicant_name(app, line, sizeof line);
	cmd_ra_field(_("Applicant"), line);
	cmd_ra_field(_("IIN"), ra_str(a, "iin"));
	cmd_ra_field(_("E-mail"), ra_str(a, "email"));
	/* A mail that did not arrive: the operator tells the person what it would have. */
	if ((why = mailnote_problem(json_object_get(app, "mail"), MAILNOTE_DESK)) != NULL)
		cmd_ra_field(_("E-mail"), why);
	free(why);
	cmd_ra_field(_("Organization"), ra_org_name(app));
	cmd_ra_field(_("BIN"), ra_str(org, "bin"));
	show_role(app);
	cmd_ra_field(_("Region"), ra_value_label(json_object_get(app, "region")));
	cmd_ra_field(_("City"), ra_value_label(json_object_get(app, "city")));
	cmd_ra_field(_("Treasury code (ГУ/СКС)"), ra_str(app, "gu_code"));
	cmd_ra_field(_("Key storage"), ra_storage_name(app));
	(void)printf("\n%s\n", _("Documents to check (approve --documents CODE,...):"));
	cmd_ra_documents(app);
	(void)printf("\n%s\n", _("History:"));
	cmd_ra_history(app);
	/* The form in the reader's words, as the console shows it (the service's is English). */
	if ((form = ra_form_text(app, NULL)) != NULL) {
		(void)printf("\n%s\n", _("Application form:"));
		cmd_ra_put(form, 1);
		(void)putchar('\n');
	}
	free(form);
}

static int
show_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*app = NULL;
	int		 rc;

	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		return rc;
	if (ra_application(ra, args->argv[0], &app, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else if (c->json)
		rc = cmd_json(c, json_incref(app));
	else {
		show_print(app);
		rc = CMD_EXIT_OK;
	}
	json_decref(app);
	failure_free(&err);
	return rc;
}

const struct cmd_entry cmd_ra_show_entry = {
	"show", N_("NUMBER"),
	N_("an application in full: applicant, organization, documents, history"),
	NULL, 1, 1, N_("give the request number of the application"),
	show_exec,
};

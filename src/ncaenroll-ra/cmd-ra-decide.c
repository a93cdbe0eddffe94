/*
 * ncaenroll-ra approve NUMBER / reject NUMBER — the operator's decision. On a terminal
 * each document is ticked as it is checked and the decision is confirmed by name; without
 * one, --documents (approve) or --reason (reject) and --yes say it all. A decision is
 * taken once: a second one, or another operator's at the same moment, meets the
 * service's "already decided by ..." (exit status 1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ncaenroll-ra/cmd-ra.h"
#include "common/i18n.h"

#define DECIDE_MAX_DOCS RA_MAX_DOCUMENTS

struct decide {
	struct ra_ctx	*ctx;
	const struct cmd_entry *entry;
	const char	*number;
	const char	*documents;	/* approve: "form,identity,..." */
	const char	*reason;	/* reject */
	const char	*text;
	int		 yes, tty;
	char		 name[512];	/* the applicant, for the question */
};

/* approve's and reject's rows share one order; a command's table holds its own. */
enum decide_option {
	DECIDE_YES,
	DECIDE_DOCUMENTS,	/* approve */
	DECIDE_REASON = DECIDE_DOCUMENTS,	/* reject */
	DECIDE_TEXT,		/* reject */
	DECIDE__MAX
};

static const struct cmd_option approve_options[] = {
	[DECIDE_YES] = { "yes", 'y', NULL, N_("do not ask for confirmation") },
	[DECIDE_DOCUMENTS] = { "documents", 0, N_("CODE,..."),
	    N_("the documents checked (their codes, as 'show' lists them); without it each "
	    "is asked for on the terminal") },
	[DECIDE_TEXT] = { NULL, 0, NULL, NULL },
};

static const struct cmd_option reject_options[] = {
	[DECIDE_YES] = { "yes", 'y', NULL, N_("do not ask for confirmation") },
	[DECIDE_REASON] = { "reason", 0, N_("CODE"),
	    N_("the reason, a code from the service's list ('reasons' shows it)") },
	[DECIDE_TEXT] = { "text", 0, N_("TEXT"),
	    N_("an explanation for the applicant (needed with the reason 'other')") },
	[DECIDE__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(DECIDE__MAX < CMD_MAX_OPTIONS, "decide options fit cmd_args");

static int
decide_options(struct decide *d, const struct cmd_args *args)
{
	int	approve = d->entry == &cmd_ra_approve_entry;

	d->yes = args->opt[DECIDE_YES] != NULL;
	if (approve)
		d->documents = args->opt[DECIDE_DOCUMENTS];
	else {
		d->reason = args->opt[DECIDE_REASON];
		d->text = args->opt[DECIDE_TEXT];
	}
	d->number = args->argv[0];
	d->tty = isatty(STDIN_FILENO) && !d->ctx->cmd.json;
	if (!d->tty && (!d->yes || (approve ? d->documents == NULL : d->reason == NULL)))
		return cmd_usage_error(&d->ctx->cmd, d->entry, approve ?
		    _("without a terminal to ask on, give --documents and --yes") :
		    _("without a terminal to ask on, give --reason and --yes"));
	return CMD_EXIT_OK;
}

/*
 * No questions about an application that is no longer submitted: as the service's 409
 * would, say who moved it last and when (its history, oldest first).
 */
static int
decide_already(struct decide *d, const json_t *app)
{
	char	*msg = ra_already_app(app);

	cmd_error(&d->ctx->cmd, "%s", msg != NULL ? msg : ra_status(ra_str(app, "status")));
	free(msg);
	return CMD_EXIT_REFUSED;
}

void
cmd_ra_decide_show(const json_t *app, char *name, size_t size)
{
	ra_applicant_name(app, name, size);
	(void)printf("%s %s\n", _("Application"), ra_str(app, "request_number"));
	cmd_ra_field(_("Applicant"), name);
	cmd_ra_field(_("IIN"), ra_str(json_object_get(app, "applicant"), "iin"));
	cmd_ra_field(_("Organization"), ra_org_name(app));
	cmd_ra_field(_("BIN"), ra_str(json_object_get(app, "organization"), "bin"));
	cmd_ra_field(_("Role"), ra_value_label(json_object_get(app, "role")));
}

/* Shows who the decision is about (a terminal only): the papers must match it. */
static int
decide_fetch(struct decide *d, struct ra *ra, json_t **app)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	int		 rc;

	if (ra_application(ra, d->number, app, &err) == -1) {
		rc = cmd_ra_report(d->ctx, &err);
		failure_free(&err);
		return rc;
	}
	cmd_ra_decide_show(*app, d->name, sizeof d->name);
	if (strcmp(ra_str(*app, "status"), "submitted") != 0)
		return decide_already(d, *app);
	return CMD_EXIT_OK;
}

/* The checklist says which documents every application needs; others may not apply. */
static int
decide_required(const json_t *doc)
{
	const json_t	*req = json_object_get(doc, "required");

	return req == NULL || json_is_true(req);
}

int
cmd_ra_decide_tick(struct ra_ctx *ctx, const json_t *app, const char *codes[RA_MAX_DOCUMENTS],
    int *n)
{
	const json_t	*doc;
	char		 q[768];
	size_t		 i;
	int		 missing = 0, required;

	*n = 0;
	(void)printf("\n%s\n", _("Check each document on the desk:"));
	json_array_foreach(json_object_get(app, "documents"), i, doc) {
		if ((required = decide_required(doc)))
			(void)snprintf(q, sizeof q, _("Checked: %s?"),
			    ra_name(json_object_get(doc, "name")));
		else
			(void)snprintf(q, sizeof q, _("Checked (if it applies): %s?"),
			    ra_name(json_object_get(doc, "name")));
		if (cmd_confirm(q) && *n < RA_MAX_DOCUMENTS)
			codes[(*n)++] = ra_str(doc, "code");
		else if (required) {
			cmd_error(&ctx->cmd, _("not checked: %s"),
			    ra_name(json_object_get(doc, "name")));
			missing = 1;
		}
	}
	return missing ? CMD_EXIT_REFUSED : CMD_EXIT_OK;
}

/* Ticks each document as the operator confirms it; CMD_EXIT_REFUSED if one is missing. */
static int
decide_tick(struct decide *d, const json_t *app, const char *codes[DECIDE_MAX_DOCS], int *n)
{
	if (cmd_ra_decide_tick(d->ctx, app, codes, n) == CMD_EXIT_OK)
		return CMD_EXIT_OK;
	cmd_error(&d->ctx->cmd, _("not approved: every document must be checked first; to "
	    "refuse, run: %s reject %s --reason documents_missing"), d->ctx->cmd.progname,
	    d->number);
	return CMD_EXIT_REFUSED;
}

static int
decide_confirm(struct decide *d, int approve)
{
	char	q[1024];

	if (d->yes)
		return CMD_EXIT_OK;
	if (approve)
		(void)snprintf(q, sizeof q, _("Approve application %s for %s?"), d->number,
		    d->name);
	else
		(void)snprintf(q, sizeof q, _("Reject application %s for %s?"), d->number,
		    d->name);
	if (cmd_confirm(q))
		return CMD_EXIT_OK;
	(void)printf("%s\n", _("Nothing was decided."));
	return CMD_EXIT_REFUSED;
}

static int
decide_done(struct decide *d, json_t *answer, int approved)
{
	if (d->ctx->cmd.json)
		return cmd_ra_json(d->ctx, json_incref(answer), d->number);
	(void)printf("%s\n", ra_decided_text(answer, approved));
	return CMD_EXIT_OK;
}

static int
approve_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct decide	 d;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*app = NULL, *answer = NULL;
	const char	*codes[DECIDE_MAX_DOCS];
	char		*list = NULL;
	int		 rc, n = 0;

	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	d.entry = &cmd_ra_approve_entry;
	if ((rc = decide_options(&d, args)) != CMD_EXIT_OK)
		return rc;
	if (d.documents != NULL && ((list = strdup(d.documents)) == NULL ||
	    (n = ra_documents_split(list, codes, DECIDE_MAX_DOCS, &err)) == -1)) {
		free(list);
		rc = cmd_usage_error(c, d.entry, err.message != NULL ? err.message :
		    _("out of memory"));
		failure_free(&err);
		return rc;
	}
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		goto out;
	if (d.tty && ((rc = decide_fetch(&d, ra, &app)) != CMD_EXIT_OK ||
	    (d.documents == NULL && (rc = decide_tick(&d, app, codes, &n)) != CMD_EXIT_OK) ||
	    (rc = decide_confirm(&d, 1)) != CMD_EXIT_OK))
		goto out;
	if (ra_approve(ra, d.number, codes, (size_t)n, &answer, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else
		rc = decide_done(&d, answer, 1);
out:
	json_decref(app);
	json_decref(answer);
	failure_free(&err);
	free(list);
	return rc;
}

/* On a terminal without --reason: the service's list, then the operator's choice. */
static int
reject_choose(struct decide *d, struct ra *ra, char **chosen)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t		*reasons = NULL;
	int		 rc;

	if (ra_reject_reasons(ra, &reasons, &err) == -1) {
		rc = cmd_ra_report(d->ctx, &err);
		failure_free(&err);
		return rc;
	}
	(void)printf("\n%s\n", _("Reasons:"));
	cmd_ra_reasons(reasons);
	json_decref(reasons);
	if ((*chosen = cmd_ask(_("Reason (type its code): "))) == NULL || **chosen == '\0')
		return CMD_EXIT_USAGE;
	d->reason = *chosen;
	return CMD_EXIT_OK;
}

static int
reject_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	struct decide	 d;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*app = NULL, *answer = NULL;
	char		*reason = NULL, *text = NULL;
	int		 rc;

	memset(&d, 0, sizeof d);
	d.ctx = ctx;
	d.entry = &cmd_ra_reject_entry;
	if ((rc = decide_options(&d, args)) != CMD_EXIT_OK)
		return rc;
	if ((ra = cmd_ra_connect(ctx, &rc)) == NULL)
		goto out;
	if (d.tty && ((rc = decide_fetch(&d, ra, &app)) != CMD_EXIT_OK ||
	    (d.reason == NULL && (rc = reject_choose(&d, ra, &reason)) != CMD_EXIT_OK)))
		goto out;
	if (d.tty && d.text == NULL) {
		if ((text = cmd_ask(_("Explanation for the applicant (optional): "))) == NULL) {
			rc = CMD_EXIT_USAGE;
			goto out;
		}
		d.text = *text != '\0' ? text : NULL;
	}
	if (d.tty && (rc = decide_confirm(&d, 0)) != CMD_EXIT_OK)
		goto out;
	if (ra_reject(ra, d.number, d.reason, d.text, &answer, &err) == -1)
		rc = cmd_ra_report(ctx, &err);
	else
		rc = decide_done(&d, answer, 0);
out:
	json_decref(app);
	json_decref(answer);
	failure_free(&err);
	free(reason);
	free(text);
	return rc;
}

const struct cmd_entry cmd_ra_approve_entry = {
	"approve", N_("NUMBER"),
	N_("approve after checking the documents: both certificates are issued"),
	approve_options, 1, 1, N_("give the request number of the application"),
	approve_exec,
};

const struct cmd_entry cmd_ra_reject_entry = {
	"reject", N_("NUMBER"),
	N_("reject with a reason from the service's list ('reasons' shows it)"),
	reject_options, 1, 1, N_("give the request number of the application"),
	reject_exec,
};

/*
 * ncaenroll-ra revoke NUMBER — both certificates of an issued or installed application
 * revoked at the desk, for a reason of the one table (src/common/revocation.c), after the
 * same documents are checked as for an approval: the person asking must be the holder or
 * have the organization's authority. On a terminal the application is shown, each
 * document ticked and the revocation confirmed by name; without one, --reason,
 * --documents and --yes say it all. A revocation is made once: asked again, the first is
 * told (when and why) and the status is 0; an application with no certificates is
 * refused (1).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/revocation.h"
#include "common/utf8.h"
#include "ncaenroll-ra/cmd-ra.h"

enum revoke_option {
	REVOKE_YES,
	REVOKE_REASON,
	REVOKE_DOCUMENTS,
	REVOKE_TEXT,
	REVOKE__MAX
};

static const struct cmd_option revoke_options[] = {
	[REVOKE_YES] = { "yes", 'y', NULL, N_("do not ask for confirmation") },
	[REVOKE_REASON] = { "reason", 0, N_("CODE"),
	    N_("why: keyCompromise, affiliationChanged (left the organization) or "
	    "cessationOfOperation (the organization ceased)") },
	[REVOKE_DOCUMENTS] = { "documents", 0, N_("CODE,..."),
	    N_("the documents checked, as for an approval (their codes, as 'show' lists "
	    "them); without it each is asked for on the terminal") },
	[REVOKE_TEXT] = { "text", 0, N_("TEXT"),
	    N_("an explanation for the applicant's e-mail (optional)") },
	[REVOKE__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(REVOKE__MAX < CMD_MAX_OPTIONS, "revoke options fit cmd_args");

struct revoke {
	struct ra_ctx		*ctx;
	const char		*number;
	struct ra_revocation	 r;
	const char		*documents;
	int			 yes, tty;
	char			 name[512];
	const char		*codes[RA_MAX_DOCUMENTS];
};

static int
revoke_fail(struct revoke *v, struct failure *err)
{
	int	rc = cmd_ra_report(v->ctx, err);

	failure_free(err);
	return rc;
}

/* The options as given; what a script must spell out without a terminal to ask on. */
static int
revoke_options_read(struct revoke *v, const struct cmd_args *args, char **list)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	int		 n;

	v->yes = args->opt[REVOKE_YES] != NULL;
	v->r.reason = args->opt[REVOKE_REASON];
	v->documents = args->opt[REVOKE_DOCUMENTS];
	v->r.text = args->opt[REVOKE_TEXT];
	v->number = args->argv[0];
	v->tty = isatty(STDIN_FILENO) && !v->ctx->cmd.json;
	if (!v->tty && (!v->yes || v->r.reason == NULL || v->documents == NULL))
		return cmd_usage_error(&v->ctx->cmd, &cmd_ra_revoke_entry,
		    _("without a terminal to ask on, give --reason, --documents and --yes"));
	/* A reason no desk may give is refused before the password is asked. */
	if (v->r.reason != NULL && ra_revocation_check(v->r.reason, &err) == -1)
		return revoke_fail(v, &err);
	if (v->documents == NULL)
		return CMD_EXIT_OK;
	if ((*list = strdup(v->documents)) == NULL)
		return cmd_usage_error(&v->ctx->cmd, &cmd_ra_revoke_entry, _("out of memory"));
	if ((n = ra_documents_split(*list, v->codes, RA_MAX_DOCUMENTS, &err)) == -1) {
		n = cmd_usage_error(&v->ctx->cmd, &cmd_ra_revoke_entry, err.message);
		failure_free(&err);
		return n;
	}
	v->r.ndocs = (size_t)n;
	return CMD_EXIT_OK;
}

/* What the desk says once the service answered (also when it was revoked before). */
static int
revoke_done(struct revoke *v, json_t *answer, int already)
{
	char	*text;

	if (v->ctx->cmd.json)
		return cmd_ra_json(v->ctx, json_incref(answer), v->number);
	if ((text = ra_revoked_text(answer, already)) == NULL)
		return CMD_EXIT_LOCAL;
	(void)printf("%s\n", text);
	free(text);
	return CMD_EXIT_OK;
}

/*
 * At a terminal: who it is about; an application already revoked is answered from its
 * status (0), one without certificates refused (1) before any question.
 */
static int
revoke_fetch(struct revoke *v, struct ra *ra, json_t **app, int *answered)
{
	struct failure	 err = { 0, NULL, NULL, NULL };

	*answered = 0;
	if (ra_application(ra, v->number, app, &err) == -1)
		return revoke_fail(v, &err);
	cmd_ra_decide_show(*app, v->name, sizeof v->name);
	if (strcmp(ra_str(*app, "status"), "revoked") == 0) {
		*answered = 1;
		return revoke_done(v, *app, 1);
	}
	if (ra_revocable(*app))
		return CMD_EXIT_OK;
	return cmd_fail(&v->ctx->cmd, CMD_EXIT_REFUSED, "application.not_revocable", NULL,
	    _("this application has no certificates to revoke (its status: %s); only an "
	    "issued or installed application's certificates can be revoked"),
	    ra_status(ra_str(*app, "status")));
}

/* On a terminal without --reason: the reasons a desk may give, then the choice. */
static int
revoke_choose(struct revoke *v, char **chosen)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	char		*code;
	size_t		 i;

	(void)printf("\n%s\n", _("Reasons:"));
	for (i = 0; i < revocation_nkinds; i++) {
		if (!revocation_kinds[i].chosen || (code = utf8_fit(
		    revocation_kinds[i].code, 20, 1)) == NULL)
			continue;
		(void)printf("  %s %s\n", code, revocation_name(&revocation_kinds[i],
		    i18n_current()));
		free(code);
	}
	if ((*chosen = cmd_ask(_("Reason (type its code): "))) == NULL || **chosen == '\0')
		return CMD_EXIT_USAGE;
	if (ra_revocation_check(*chosen, &err) == -1)
		return revoke_fail(v, &err);
	v->r.reason = *chosen;
	return CMD_EXIT_OK;
}

static int
revoke_confirm(struct revoke *v)
{
	const struct revocation_kind	*k = revocation_find(v->r.reason);
	char				 q[1536];

	if (v->yes)
		return CMD_EXIT_OK;
	(void)snprintf(q, sizeof q, _("Revoke both certificates of application %s for %s "
	    "(%s)? This cannot be undone."), v->number, v->name, k != NULL ?
	    revocation_name(k, i18n_current()) : v->r.reason);
	if (cmd_confirm(q))
		return CMD_EXIT_OK;
	(void)printf("%s\n", _("Nothing was revoked."));
	return CMD_EXIT_REFUSED;
}

/* The questions a terminal asks: reason, documents, explanation, confirmation. */
static int
revoke_ask(struct revoke *v, struct ra *ra, json_t **app, char **reason, char **text,
    int *answered)
{
	int	rc, n;

	if ((rc = revoke_fetch(v, ra, app, answered)) != CMD_EXIT_OK || *answered ||
	    (v->r.reason == NULL && (rc = revoke_choose(v, reason)) != CMD_EXIT_OK))
		return rc;
	if (v->documents == NULL) {
		if (cmd_ra_decide_tick(v->ctx, *app, v->codes, &n) != CMD_EXIT_OK) {
			cmd_error(&v->ctx->cmd, "%s", _("not revoked: every document must be "
			    "checked first, as for an approval"));
			return CMD_EXIT_REFUSED;
		}
		v->r.ndocs = (size_t)n;
	}
	if (v->r.text == NULL) {
		if ((*text = cmd_ask(_("Explanation for the applicant (optional): "))) == NULL)
			return CMD_EXIT_USAGE;
		v->r.text = **text != '\0' ? *text : NULL;
	}
	return revoke_confirm(v);
}

static int
revoke_exec(struct cmd_ctx *c, const struct cmd_args *args)
{
	struct revoke	 v;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra	*ra;
	json_t		*app = NULL, *answer = NULL;
	char		*list = NULL, *reason = NULL, *text = NULL;
	int		 rc, already = 0, answered = 0;

	memset(&v, 0, sizeof v);
	v.ctx = ra_ctx_of(c);
	v.r.docs = v.codes;
	if ((rc = revoke_options_read(&v, args, &list)) != CMD_EXIT_OK ||
	    (ra = cmd_ra_connect(v.ctx, &rc)) == NULL)
		goto out;
	if (v.tty && ((rc = revoke_ask(&v, ra, &app, &reason, &text, &answered)) !=
	    CMD_EXIT_OK || answered))
		goto out;
	if (ra_revoke(ra, v.number, &v.r, &answer, &already, &err) == -1)
		rc = revoke_fail(&v, &err);
	else
		rc = revoke_done(&v, answer, already);
out:
	json_decref(app);
	json_decref(answer);
	free(list);
	free(reason);
	free(text);
	return rc;
}

const struct cmd_entry cmd_ra_revoke_entry = {
	"revoke", N_("NUMBER"),
	N_("revoke both certificates of an issued or installed application, after\n"
	"      checking the documents as for an approval; 'certs --iin' finds them"),
	revoke_options, 1, 1, N_("give the request number of the application"),
	revoke_exec,
};

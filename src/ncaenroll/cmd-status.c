/*
 * ncaenroll status [NUMBER] — asks the service where an application stands (all of this
 * computer's submitted ones when no number is given) and moves the local copy along.
 * A number typed with a mistake is caught by its check digit before the network. With
 * --wait it asks again, less and less often, until the registration desk has decided:
 * a script's way to wait for the certificates, with no guess at how long that takes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/mailnote.h"
#include "common/reason.h"
#include "common/revocation.h"
#include "common/when.h"
#include "ncaenroll/cmd-ncaenroll.h"

static const char *
status_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Revoked: when and why, in the reader's words; and a renewal's link either way. */
static void
status_print_revocation(json_t *st)
{
	const struct revocation_kind	*k;
	json_t				*r = json_object_get(st, "revocation");
	char				 when[WHEN_MAX];

	if (json_is_object(r)) {
		k = revocation_find(status_str(r, "reason"));
		(void)printf("%s: %s (%s)\n", _("Revoked"), when_local(status_str(r, "at"), when),
		    k != NULL ? revocation_name(k, i18n_current()) : status_str(r, "reason"));
	}
	if (*status_str(st, "renews") != '\0')
		(void)printf("%s: %s\n", _("Renews application"), status_str(st, "renews"));
	if (*status_str(st, "renewed_by") != '\0')
		(void)printf("%s: %s\n", _("Renewed by application"), status_str(st, "renewed_by"));
}

static void
status_print(json_t *st)
{
	enum app_status	 s;
	json_t		*certs = json_object_get(st, "certificates"), *c;
	const char	*which[] = { "auth", "sign" };
	char		*why, from[WHEN_MAX], to[WHEN_MAX];
	size_t		 i;

	(void)printf("%s: %s\n", _("Request number"), status_str(st, "request_number"));
	(void)printf("%s: %s\n", _("Status"), appstatus_parse(status_str(st, "status"), &s) == 0 ?
	    _(appstatus_label(s)) : status_str(st, "status"));
	if (*status_str(st, "deadline") != '\0' && strcmp(status_str(st, "status"),
	    "submitted") == 0)
		(void)printf("%s: %s\n", _("Verify at a registration desk before"),
		    when_local(status_str(st, "deadline"), from));
	if ((why = reason_describe(st, i18n_current())) != NULL)
		(void)printf("%s: %s\n", _("Reason"), why);
	free(why);
	status_print_revocation(st);
	/* Nothing more can happen to it: say what does. */
	if (strcmp(status_str(st, "status"), "rejected") == 0 ||
	    strcmp(status_str(st, "status"), "cancelled") == 0)
		(void)printf("%s\n", _("What to do now: this application cannot go on. Apply "
		    "again with new keys (ncaenroll apply) and bring the printed form and the "
		    "documents to a registration desk in time."));
	if (json_is_object(certs))
		(void)printf("%s: %s - %s\n", _("Valid"),
		    when_local(status_str(certs, "not_before"), from),
		    when_local(status_str(certs, "not_after"), to));
	for (i = 0; json_is_object(certs) && i < 2; i++) {
		if ((c = json_object_get(certs, which[i])) == NULL)
			continue;
		(void)printf("%s: %s %s\n", i == 0 ? _("Authentication certificate") :
		    _("Signing certificate"), _("serial"), status_str(c, "serial"));
	}
	/* A mail that did not arrive, so the person does not wait for it; --json has all. */
	if ((why = mailnote_problem(json_object_get(st, "mail"), MAILNOTE_APPLICANT)) != NULL)
		(void)printf("%s: %s\n", _("E-mail"), why);
	free(why);
}

/*
 * A refusal or a cancellation leaves the pending keys where they are: nothing removes a
 * private key unasked. The person is told where they are and how to remove them; a script
 * reads keys_pending (and keys_dir or token) in the JSON.
 */
static void
status_keys_left(struct cmd_ctx *ctx, struct enroll *e, const char *key, json_t *st)
{
	struct enroll_abandon	 p;
	const char		*s = status_str(st, "status");

	memset(&p, 0, sizeof p);
	if ((strcmp(s, "rejected") == 0 || strcmp(s, "cancelled") == 0) &&
	    enroll_app(e, key) != NULL && enroll_abandon_plan(e, key, &p, NULL) == 0 &&
	    p.keys != 0 && p.where != NULL) {
		if (ctx->json)
			(void)(json_object_set_new(st, "keys_pending", json_true()) == -1 ||
			    json_object_set_new(st, p.on_token ? "token" : "keys_dir",
			    json_string(p.where)) == -1);
		else if (p.on_token)
			(void)printf(_("Its keys are still on the token %s; remove them with "
			    "'ncaenroll abandon %s'.\n"), p.where, status_str(st, "request_number"));
		else
			(void)printf(_("Its private keys are still in %s; remove them with "
			    "'ncaenroll abandon %s'.\n"), p.where, status_str(st, "request_number"));
	}
	enroll_abandon_free(&p);
}

#define STATUS_WAIT_MAX	30	/* seconds between two questions, at most */

enum status_option {
	STATUS_WAIT,
	STATUS__MAX
};

static const struct cmd_option status_options[] = {
	[STATUS_WAIT] = { "wait", 0, NULL,
	    N_("wait until the registration desk has decided (the application is no "
	    "longer submitted), asking again every few seconds") },
	[STATUS__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(STATUS__MAX < CMD_MAX_OPTIONS, "status_options fits cmd_args");

/* The status now, or with wait once the desk has decided; an exit status. */
static int
status_get(struct cmd_ctx *ctx, struct enroll *e, const char *key, int wait, json_t **st)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	unsigned int		 delay = 1;
	int			 rc, said = 0;

	for (;;) {
		if (enroll_refresh(e, key, st, &err) == -1) {
			rc = cmd_report(ctx, &err);
			failure_free(&err);
			return rc;
		}
		if (!wait || strcmp(status_str(*st, "status"), "submitted") != 0)
			return CMD_EXIT_OK;
		json_decref(*st);
		*st = NULL;
		if (!said++ && !ctx->json)
			(void)fprintf(stderr, _("Waiting for the registration desk to decide on "
			    "%s...\n"), key);
		(void)sleep(delay);	/* a signal only makes it ask sooner */
		delay = delay * 2 < STATUS_WAIT_MAX ? delay * 2 : STATUS_WAIT_MAX;
	}
}

static int
status_one(struct cmd_ctx *ctx, struct enroll *e, const char *key, int wait, json_t *all)
{
	json_t	*st = NULL;
	int	 rc;

	if ((rc = status_get(ctx, e, key, wait, &st)) != CMD_EXIT_OK)
		return rc;
	if (ctx->json)
		status_keys_left(ctx, e, key, st);
	if (all != NULL)
		(void)json_array_append_new(all, st);
	else if (ctx->json)
		return cmd_json(ctx, st);
	else {
		status_print(st);
		status_keys_left(ctx, e, key, st);
		json_decref(st);
	}
	return CMD_EXIT_OK;
}

static int
status_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct enroll	*e;
	json_t		*all = NULL;
	size_t		 i, shown = 0;
	int		 rc = CMD_EXIT_OK, one, wait = args->opt[STATUS_WAIT] != NULL;

	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (args->argc == 1)
		rc = status_one(ctx, e, args->argv[0], wait, NULL);
	else {
		all = ctx->json ? json_array() : NULL;
		for (i = 0; i < e->st->napps; i++) {
			char	num[64];

			if (state_get(&e->st->apps[i], APPKEY_REQUEST_NUMBER) == NULL)
				continue;
			(void)snprintf(num, sizeof num, "%s",
			    state_get(&e->st->apps[i], APPKEY_REQUEST_NUMBER));
			if (shown++ > 0 && !ctx->json)
				(void)putchar('\n');
			if ((one = status_one(ctx, e, num, wait, all)) != CMD_EXIT_OK &&
			    rc == CMD_EXIT_OK)
				rc = one;	/* the first failure's: the error's code */
			if (one != CMD_EXIT_OK && one != CMD_EXIT_REFUSED)
				break;		/* not about this one: the same for the rest */
		}
		if (shown == 0 && !ctx->json)
			(void)printf("%s\n", _("No submitted applications on this computer."));
		/* Under --json one answer: the list, or the error object if one failed. */
		if (all != NULL && rc == CMD_EXIT_OK)
			rc = cmd_json(ctx, all);
		else
			json_decref(all);
	}
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_status_entry = {
	"status", N_("[NUMBER]"),
	N_("show the status of an application (all of yours without a number)"),
	status_options, 0, 1, NULL,
	status_exec,
};

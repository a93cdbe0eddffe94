/*
 * ncaenroll status [NUMBER] — asks the service where an application stands (all of this
 * computer's submitted ones when no number is given) and moves the local copy along.
 * A number typed with a mistake is caught by its check digit before the network.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/reason.h"

static const char *
status_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static void
status_print(json_t *st)
{
	enum app_status	 s;
	json_t		*certs = json_object_get(st, "certificates"), *c;
	const char	*which[] = { "auth", "sign" };
	char		*why;
	size_t		 i;

	(void)printf("%s: %s\n", _("Request number"), status_str(st, "request_number"));
	(void)printf("%s: %s\n", _("Status"), appstatus_parse(status_str(st, "status"), &s) == 0 ?
	    _(appstatus_label(s)) : status_str(st, "status"));
	if (*status_str(st, "deadline") != '\0' && strcmp(status_str(st, "status"),
	    "submitted") == 0)
		(void)printf("%s: %s\n", _("Verify at a registration desk before"),
		    status_str(st, "deadline"));
	if ((why = reason_describe(st, i18n_current())) != NULL)
		(void)printf("%s: %s\n", _("Reason"), why);
	free(why);
	/* Nothing more can happen to it: say what does. */
	if (strcmp(status_str(st, "status"), "rejected") == 0 ||
	    strcmp(status_str(st, "status"), "cancelled") == 0)
		(void)printf("%s\n", _("What to do now: this application cannot go on. Apply "
		    "again with new keys (ncaenroll apply) and bring the printed form and the "
		    "documents to a registration desk in time."));
	if (json_is_object(certs))
		(void)printf("%s: %s - %s\n", _("Valid"), status_str(certs, "not_before"),
		    status_str(certs, "not_after"));
	for (i = 0; json_is_object(certs) && i < 2; i++) {
		if ((c = json_object_get(certs, which[i])) == NULL)
			continue;
		(void)printf("%s: %s %s\n", i == 0 ? _("Authentication certificate") :
		    _("Signing certificate"), _("serial"), status_str(c, "serial"));
	}
}

static int
status_one(struct cmd_ctx *ctx, struct enroll *e, const char *key, json_t *all)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	json_t			*st = NULL;
	int			 rc;

	if (enroll_refresh(e, key, &st, &err) == -1) {
		rc = cmd_report(ctx, &err);
		enroll_error_free(&err);
		return rc;
	}
	if (all != NULL)
		(void)json_array_append_new(all, st);
	else if (ctx->json)
		return cmd_json(st);
	else {
		status_print(st);
		json_decref(st);
	}
	return CMD_EXIT_OK;
}

static int
status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct enroll			*e;
	json_t				*all = NULL;
	size_t				 i, shown = 0;
	int				 c, rc = CMD_EXIT_OK, one;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'j')
			return cmd_usage_error(ctx, &cmd_status_entry, NULL);
		ctx->json = 1;
	}
	if (argc - optind > 1)
		return cmd_usage_error(ctx, &cmd_status_entry, _("too many arguments"));
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (optind < argc)
		rc = status_one(ctx, e, argv[optind], NULL);
	else {
		all = ctx->json ? json_array() : NULL;
		for (i = 0; i < e->st->napps; i++) {
			char	num[64];

			if (state_get(&e->st->apps[i], "request_number") == NULL)
				continue;
			(void)snprintf(num, sizeof num, "%s",
			    state_get(&e->st->apps[i], "request_number"));
			if (shown++ > 0 && !ctx->json)
				(void)putchar('\n');
			if ((one = status_one(ctx, e, num, all)) != CMD_EXIT_OK)
				rc = one;
		}
		if (shown == 0 && !ctx->json)
			(void)printf("%s\n", _("No submitted applications on this computer."));
		if (all != NULL && cmd_json(all) != CMD_EXIT_OK)
			rc = CMD_EXIT_LOCAL;
	}
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_status_entry = {
	"status",
	N_("[--json] [NUMBER]"),
	N_("show the status of an application (all of yours without a number)"),
	status_exec,
};

/*
 * ncaenroll validate KIND [VALUE] — checks one value against the NCA RK rules that the
 * application itself enforces, so desk scripts get the same answer as the screens.
 * A password is read from standard input (never argv), without echo on a terminal.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/email.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/passprompt.h"
#include "common/password.h"
#include "ncaenroll/cmd-ncaenroll.h"

/* check(): 0 valid, -1 not. On success it may describe the value in details and summary. */
struct validate_kind {
	const char	*name;
	const char	*label;		/* untranslated */
	int		 from_stdin;
	int		(*check)(const char *, struct problems *, json_t *details, char **summary);
};

static int
validate_iin(const char *v, struct problems *p, json_t *details, char **summary)
{
	struct iin_info	 info;
	char		 date[11];
	const char	*sex;

	if (idnum_validate_iin(v, time(NULL), &info, p) == -1)
		return -1;
	(void)snprintf(date, sizeof date, "%04d-%02d-%02d", info.year, info.month, info.day);
	sex = info.sex == IDNUM_MALE ? "male" : "female";
	(void)json_object_set_new(details, "birth_date", json_string(date));
	(void)json_object_set_new(details, "sex", json_string(sex));
	if (asprintf(summary, _("valid IIN: born %s, %s"), date,
	    info.sex == IDNUM_MALE ? _("male") : _("female")) == -1)
		*summary = NULL;
	return 0;
}

static int
validate_bin(const char *v, struct problems *p, json_t *details, char **summary)
{
	struct bin_info	info;
	char		reg[8];

	if (idnum_validate_bin(v, &info, p) == -1)
		return -1;
	/* The year has two digits only; the century is not in the number. */
	(void)snprintf(reg, sizeof reg, "%02d-%02d", info.yy, info.month);
	(void)json_object_set_new(details, "registered_yy_mm", json_string(reg));
	(void)json_object_set_new(details, "entity_type",
	    json_string(idnum_bin_type_name(info.type)));
	(void)json_object_set_new(details, "attribute",
	    json_string(idnum_bin_attr_name(info.attribute)));
	if (asprintf(summary, _("valid BIN: registered in month %02d of year ..%02d, %s, %s"),
	    info.month, info.yy, _(idnum_bin_type_name(info.type)),
	    _(idnum_bin_attr_name(info.attribute))) == -1)
		*summary = NULL;
	return 0;
}

static int
validate_email(const char *v, struct problems *p, json_t *details, char **summary)
{
	(void)details;
	if (email_check(v, p) == -1)
		return -1;
	if (asprintf(summary, "%s", _("valid e-mail address")) == -1)
		*summary = NULL;
	return 0;
}

static int
validate_gucode(const char *v, struct problems *p, json_t *details, char **summary)
{
	(void)details;
	if (gucode_check(v, p) == -1)
		return -1;
	if (asprintf(summary, "%s", _("valid ГУ/СКС code")) == -1)
		*summary = NULL;
	return 0;
}

static int
validate_password(const char *v, struct problems *p, json_t *details, char **summary)
{
	(void)details;
	if (password_check(v, p) == -1)
		return -1;
	if (asprintf(summary, "%s", _("the password meets the policy")) == -1)
		*summary = NULL;
	return 0;
}

static const struct validate_kind validate_kinds[] = {
	{ "iin", N_("IIN"), 0, validate_iin },
	{ "bin", N_("BIN"), 0, validate_bin },
	{ "email", N_("e-mail"), 0, validate_email },
	{ "gu-code", N_("ГУ/СКС code"), 0, validate_gucode },
	{ "password", N_("password"), 1, validate_password },
};

static const struct validate_kind *
validate_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof validate_kinds / sizeof validate_kinds[0]; i++)
		if (strcmp(validate_kinds[i].name, name) == 0)
			return &validate_kinds[i];
	return NULL;
}

static int
validate_print_json(struct cmd_ctx *ctx, const struct validate_kind *k, int ok,
    const struct problems *p, json_t *details)
{
	json_t	*root, *errors;
	size_t	 i;

	root = json_object();
	errors = json_array();
	if (root == NULL || errors == NULL) {
		json_decref(root);
		json_decref(errors);
		return -1;
	}
	for (i = 0; i < p->n; i++)
		(void)json_array_append_new(errors, json_pack("{s:s,s:s}", "code",
		    p->v[i].code, "message",
		    p->v[i].message != NULL ? p->v[i].message : p->v[i].code));
	(void)json_object_set_new(root, "valid", json_boolean(ok));
	(void)json_object_set_new(root, "kind", json_string(k->name));
	(void)json_object_set(root, "details", details);
	(void)json_object_set_new(root, "errors", errors);
	return cmd_json(ctx, root) == CMD_EXIT_OK ? 0 : -1;
}

static int
validate_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	const struct validate_kind	*k;
	char				**argv = args->argv;
	int				 argc = args->argc;
	struct problems			 p;
	struct secret			*pw = NULL;
	json_t				*details = NULL;
	char				*summary = NULL, *cause = NULL;
	const char			*value;
	size_t				 i;
	int				 ok, rc = CMD_EXIT_LOCAL;

	if ((k = validate_find(argv[0])) == NULL) {
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, _("cannot check '%s'"),
		    argv[0]);
		return cmd_usage_error(ctx, &cmd_validate_entry, NULL);
	}
	if (k->from_stdin && argc != 1)
		return cmd_usage_error(ctx, &cmd_validate_entry,
		    _("the password is read from standard input, never from the command line"));
	if (!k->from_stdin && argc != 2)
		return cmd_usage_error(ctx, &cmd_validate_entry,
		    argc < 2 ? _("the value to check is missing") : _("too many arguments"));

	problems_init(&p);
	if (k->from_stdin) {
		if ((pw = passprompt_read(STDIN_FILENO, _("Password: "), &cause)) == NULL) {
			cmd_error(ctx, "%s", cause);
			goto out;
		}
		value = secret_reveal(pw);
	} else
		value = argv[1];
	if ((details = json_object()) == NULL)
		goto out;
	ok = k->check(value, &p, details, &summary) == 0;
	rc = ok ? CMD_EXIT_OK : CMD_EXIT_REFUSED;
	if (ctx->json) {
		if (validate_print_json(ctx, k, ok, &p, details) == -1)
			rc = CMD_EXIT_LOCAL;
	} else if (ok)
		(void)printf("%s\n", summary != NULL ? summary : _("valid"));
	else
		for (i = 0; i < p.n; i++)
			cmd_error(ctx, "%s: %s", _(k->label),
			    p.v[i].message != NULL ? p.v[i].message : p.v[i].code);
out:
	json_decref(details);
	problems_free(&p);
	secret_free(pw);
	free(summary);
	free(cause);
	return rc;
}

const struct cmd_entry cmd_validate_entry = {
	"validate", N_("iin|bin|email|gu-code VALUE | password"),
	N_("check an IIN, BIN, e-mail, ГУ/СКС code, or a password read from\n"
	    "      standard input"),
	NULL, 1, 2, N_("what to check is missing"),
	validate_exec,
};

/*
 * ncaenroll apply — the whole application in one command: BIN and the code from the
 * picture, IIN, e-mail, role, region, city, ГУ/СКС code, key storage and folder (or the
 * connected token, found by itself when there is one), then the keys are made and the
 * application is submitted. Values come from options; on a
 * terminal a missing or refused value is asked for at its field. A run that was cut off
 * continues with --resume ID (or finds the draft itself) without making new keys.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/halfblock.h"
#include "common/i18n.h"

/* The form's plain fields, in the order the site asks for them. */
static const struct apply_field {
	const char	*name;		/* option and state field */
	const char	*prompt;	/* untranslated */
	const char	*list;		/* directory to show on a terminal, or NULL */
	int		 optional;
} apply_fields[] = {
	{ "email", N_("E-mail for notices (optional; check it for typos)"), NULL, 1 },
	{ "role", N_("Role (type its id)"), "roles", 0 },
	{ "region", N_("Region (type its id)"), "regions", 0 },
	{ "city", N_("City (type its id)"), "cities", 0 },
	{ "gu_code", N_("ГУ/СКС code"), "gu-codes", 0 },
	{ "storage", N_("Key storage (pc, etoken72k, jacarta, kaztoken, akey, idcard)"), NULL,
	    0 },
	{ "dir", N_("Folder for the keys (full path)"), NULL, 0 },
	{ "token", N_("Token (its serial number)"), "tokens", 0 },
};
#define APPLY_NFIELDS (sizeof apply_fields / sizeof apply_fields[0])

struct apply {
	struct cmd_ctx	*ctx;
	struct enroll	*e;
	char		 id[STATE_ID_LEN + 1];
	int		 tty;
	const char	*bin, *iin, *captcha, *resume;
	int		 pin_fd;		/* --pin-fd, or -1: asked on the terminal */
	const char	*opt[APPLY_NFIELDS];
	const struct apply_field *cur;	/* the field apply_set_field is setting */
	char		 kept_bin[16];	/* a copy: each transaction re-reads the state */
	int		 reported;	/* a refusal was already reported */
};

/* "Prompt: " and a line from the terminal, trimmed; NULL at end of input. */
static char *
apply_ask(const char *prompt)
{
	char	with_colon[512];

	(void)snprintf(with_colon, sizeof with_colon, "%s: ", prompt);
	return cmd_ask(with_colon);
}

static const char *
apply_name(json_t *item)
{
	json_t		*names = json_object_get(item, "name");
	const char	*s = json_string_value(json_object_get(names, i18n_current()));

	if (s == NULL)
		s = json_string_value(json_object_get(names, "ru"));
	return s != NULL ? s : "";
}

static void
apply_show_tokens(struct apply *a)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*t = NULL;
	size_t			 n = 0, i;

	if (enroll_tokens(a->e, &t, &n, &err) == -1) {
		cmd_error(a->ctx, "%s", err.message);
		enroll_error_free(&err);
		return;
	}
	if (n == 0)
		(void)fprintf(stderr, "  %s\n", _("(no token is connected: connect it now)"));
	for (i = 0; i < n; i++)
		(void)fprintf(stderr, "  %-16s %s (%s %s)\n", t[i].serial, t[i].label,
		    t[i].manufacturer, t[i].model);
	keystore_tokens_free(t, n);
}

/* The one token connected, when there is exactly one: the site finds it by itself. */
static const char *
apply_only_token(struct apply *a, char *buf, size_t size)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*t = NULL;
	size_t			 n = 0;
	const char		*found = NULL;

	if (enroll_tokens(a->e, &t, &n, &err) == 0 && n == 1) {
		(void)snprintf(buf, size, "%s", t[0].serial);
		found = buf;
		if (!a->ctx->json)
			(void)fprintf(stderr, _("Token: %s (serial number %s)\n"), t[0].label,
			    t[0].serial);
	}
	keystore_tokens_free(t, n);
	enroll_error_free(&err);
	return found;
}

static void
apply_show_list(struct apply *a, const char *list)
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct state_app	*app = enroll_app(a->e, a->id);
	json_t			*items = NULL, *item;
	char			 which[128];
	size_t			 i;

	if (strcmp(list, "tokens") == 0) {
		apply_show_tokens(a);
		return;
	}
	if (strcmp(list, "cities") == 0)
		(void)snprintf(which, sizeof which, "cities:%s",
		    state_get(app, "region") ? state_get(app, "region") : "");
	else
		(void)snprintf(which, sizeof which, "%s", list);
	if (enroll_directory(a->e, a->id, which, &items, &err) == -1) {
		enroll_error_free(&err);
		return;
	}
	json_array_foreach(items, i, item) {
		if (json_object_get(item, "code") != NULL)
			(void)fprintf(stderr, "  %s\n",
			    json_string_value(json_object_get(item, "code")));
		else
			(void)fprintf(stderr, "  %-16s %s\n",
			    json_string_value(json_object_get(item, "id")), apply_name(item));
	}
	json_decref(items);
}

/*
 * Asks for (or takes from its option) one value and hands it to set(); on a terminal a
 * refusal is shown and the question repeated, elsewhere it ends the command.
 */
static int
apply_value(struct apply *a, const char *given, const char *prompt, const char *list,
    int (*set)(struct apply *, const char *, struct enroll_error *))
{
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	char			*typed = NULL;
	int			 rc;

	for (;;) {
		if (given == NULL) {
			if (!a->tty) {
				cmd_error(a->ctx, _("%s is missing (there is no terminal to ask on)"),
				    prompt);
				return CMD_EXIT_USAGE;
			}
			if (list != NULL)
				apply_show_list(a, list);
			if ((typed = apply_ask(prompt)) == NULL)
				return CMD_EXIT_USAGE;
		}
		if (set(a, given != NULL ? given : typed, &err) == 0) {
			free(typed);
			return CMD_EXIT_OK;
		}
		free(typed);
		typed = NULL;
		if (!a->tty || err.kind != ENROLL_REFUSED) {
			/* A script gets one answer: the first refusal (the rest are kept back). */
			rc = a->reported ? (int)err.kind : cmd_report(a->ctx, &err);
			a->reported = 1;
			enroll_error_free(&err);
			return rc;
		}
		cmd_error(a->ctx, "%s", err.message);
		enroll_error_free(&err);
		given = NULL;
	}
}

static int
apply_set_iin(struct apply *a, const char *v, struct enroll_error *err)
{
	return enroll_check_iin(a->e, a->id, v, err);
}

/* The BIN needs a fresh picture each try: a wrong answer burns the captcha. */
static int
apply_set_bin(struct apply *a, const char *v, struct enroll_error *err)
{
	struct enroll_captcha	 c;
	char			*answer = NULL, *pic = NULL;
	size_t			 sz;
	int			 rc;

	/* A mistyped BIN is caught before the person is asked to read a picture. */
	if (enroll_precheck("bin", v, err) == -1 || enroll_captcha(a->e, &c, err) == -1)
		return -1;
	if (a->captcha == NULL) {
		sz = halfblock_size(c.width, c.height);
		if (!a->tty || (pic = malloc(sz)) == NULL ||
		    halfblock_draw(c.width, c.height, c.bits, pic, sz) == -1) {
			free(pic);
			enroll_captcha_free(&c);
			cmd_error(a->ctx, "%s", _("the code from the picture is missing "
			    "(--captcha-answer, or run on a terminal)"));
			return -1;
		}
		(void)fprintf(stderr, "\n%s\n", pic);
		free(pic);
		answer = apply_ask(_("Code from the picture"));
	}
	rc = enroll_check_bin(a->e, a->id, v, c.id, a->captcha != NULL ? a->captcha :
	    answer != NULL ? answer : "", err);
	free(answer);
	enroll_captcha_free(&c);
	/* A given answer fits one picture only; a refused one cannot be tried again. */
	if (rc == -1 && err->field != NULL && strcmp(err->field, "captcha_answer") == 0)
		a->captcha = NULL;
	return rc;
}

static int
apply_set_field(struct apply *a, const char *v, struct enroll_error *err)
{
	return enroll_set(a->e, a->id, a->cur->name, v, err);
}

static int
apply_token_fresh(const struct state_app *app)
{
	const char	*exp = state_get(app, "check_token_expires");

	return state_get(app, "check_token") != NULL && exp != NULL &&
	    strtoll(exp, NULL, 10) > (long long)time(NULL) + 60;
}

static int
apply_fill(struct apply *a)
{
	struct state_app	*app = enroll_app(a->e, a->id);
	size_t			 i;
	int			 rc, first = CMD_EXIT_OK;

	if (!apply_token_fresh(app) || (a->bin != NULL &&
	    strcmp(a->bin, state_get(app, "bin") ? state_get(app, "bin") : "") != 0)) {
		if (a->bin == NULL && state_get(app, "bin") != NULL) {
			(void)snprintf(a->kept_bin, sizeof a->kept_bin, "%s", state_get(app, "bin"));
			a->bin = a->kept_bin;
		}
		if ((rc = apply_value(a, a->bin, _("BIN of the organization"), NULL,
		    apply_set_bin)) != CMD_EXIT_OK)
			return rc;
		app = enroll_app(a->e, a->id);
		if (!a->ctx->json)
			(void)fprintf(stderr, "%s: %s\n", _("Organization"),
			    state_get(app, strcmp(i18n_current(), "kk") == 0 ? "org_name_kk" :
			    "org_name_ru"));
	}
	if (state_get(app, "iin") == NULL || a->iin != NULL) {
		if ((rc = apply_value(a, a->iin, _("IIN of the applicant"), NULL,
		    apply_set_iin)) != CMD_EXIT_OK)
			return rc;
		app = enroll_app(a->e, a->id);
		if (!a->ctx->json)
			(void)fprintf(stderr, "%s: %s %s %s\n", _("Applicant"),
			    state_get(app, "surname"), state_get(app, "given_name"),
			    state_get(app, "patronymic") ? state_get(app, "patronymic") : "");
	}
	/*
	 * A script hears of the first refused value, but every good one after it is kept,
	 * so the run that fixes it needs to give only that value again.
	 */
	for (i = 0; i < APPLY_NFIELDS; i++) {
		const char	*given = a->opt[i], *storage;
		char		 only[80];

		app = enroll_app(a->e, a->id);
		if (state_get(app, apply_fields[i].name) != NULL && a->opt[i] == NULL)
			continue;	/* resumed: already given */
		/* A folder for a PC, a token for a token; never both. */
		storage = state_get(app, "storage") != NULL ? state_get(app, "storage") : "pc";
		if ((strcmp(apply_fields[i].name, "dir") == 0 && strcmp(storage, "pc") != 0) ||
		    (strcmp(apply_fields[i].name, "token") == 0 && strcmp(storage, "pc") == 0))
			continue;
		if (given == NULL && strcmp(apply_fields[i].name, "storage") == 0)
			given = "pc";	/* not given: a folder on this computer */
		if (given == NULL && strcmp(apply_fields[i].name, "token") == 0)
			given = apply_only_token(a, only, sizeof only);
		a->cur = &apply_fields[i];
		rc = apply_value(a, given != NULL ? given :
		    (apply_fields[i].optional && !a->tty) ? "" : NULL,
		    _(apply_fields[i].prompt), apply_fields[i].list, apply_set_field);
		if (rc != CMD_EXIT_OK && first == CMD_EXIT_OK)
			first = rc;
		if (rc != CMD_EXIT_OK && rc != CMD_EXIT_REFUSED)
			return rc;
	}
	return first;
}

static int
apply_done(struct apply *a)
{
	struct state_app	*app = enroll_app(a->e, a->id);
	const char		*num = state_get(app, "request_number");
	char			 mail[256], day[11];

	if (a->ctx->json)
		return cmd_json(json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "request_number", num,
		    "id", a->id, "deadline", state_get(app, "deadline"),
		    "mail", state_get(app, "mail"), "token", state_get(app, "token")));
	(void)printf("%s: %s\n", _("Request number"), num);
	if (*enroll_mail_outcome(app, mail, sizeof mail) != '\0')
		(void)printf("%s: %s\n", _("E-mail with the form"), mail);
	(void)printf("%s\n", _("Remember it: you need it to check the status and install "
	    "the certificates."));
	/* The day is what counts for a person; the service gives an ISO time. */
	(void)snprintf(day, sizeof day, "%s", state_get(app, "deadline") ?
	    state_get(app, "deadline") : "");
	(void)printf(_("Bring the printed application form (ncaenroll form %s --print, or "
	    "--pdf FILE) and your identity document to a registration desk before %s, or the "
	    "application is cancelled.\n"), num, day);
	return CMD_EXIT_OK;
}

/* A token application needs the token's PIN to make its keys; a folder needs none. */
static int
apply_pin(struct apply *a, struct secret **pin)
{
	struct state_app	*app = enroll_app(a->e, a->id);
	const char		*storage = state_get(app, "storage");

	*pin = NULL;
	if (storage == NULL || strcmp(storage, "pc") == 0)
		return CMD_EXIT_OK;
	if ((*pin = cmd_pin(a->ctx, a->pin_fd, state_get(app, "token_label") != NULL ?
	    state_get(app, "token_label") : state_get(app, "token"))) == NULL)
		return a->pin_fd < 0 && !isatty(STDIN_FILENO) ? CMD_EXIT_USAGE : CMD_EXIT_LOCAL;
	return CMD_EXIT_OK;
}

static int
apply_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "bin", required_argument, NULL, 'b' },
		{ "iin", required_argument, NULL, 'i' },
		{ "captcha-answer", required_argument, NULL, 'c' },
		{ "resume", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "email", required_argument, NULL, 0 },
		{ "role", required_argument, NULL, 1 },
		{ "region", required_argument, NULL, 2 },
		{ "city", required_argument, NULL, 3 },
		{ "gu-code", required_argument, NULL, 4 },
		{ "storage", required_argument, NULL, 5 },
		{ "dir", required_argument, NULL, 6 },
		{ "token", required_argument, NULL, 7 },
		{ "pin-fd", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	struct apply			 a;
	struct enroll_error		 err = { 0, NULL, NULL, NULL };
	struct secret			*pin = NULL;
	int				 c, rc;

	memset(&a, 0, sizeof a);
	a.ctx = ctx;
	a.pin_fd = -1;
	a.tty = isatty(STDIN_FILENO);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'b': a.bin = optarg; break;
		case 'i': a.iin = optarg; break;
		case 'c': a.captcha = optarg; break;
		case 'R': a.resume = optarg; break;
		case 'j': ctx->json = 1; break;
		case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
			a.opt[c] = optarg;
			break;
		case 'P':
			if (cmd_fd_arg(optarg, &a.pin_fd) == -1)
				return cmd_usage_error(ctx, &cmd_apply_entry,
				    _("--pin-fd needs a descriptor number"));
			break;
		default:
			return cmd_usage_error(ctx, &cmd_apply_entry, NULL);
		}
	}
	if (optind != argc)
		return cmd_usage_error(ctx, &cmd_apply_entry, _("too many arguments"));
	if ((a.e = cmd_enroll(ctx, ctx->demo ? a.captcha : NULL, &rc)) == NULL)
		return rc;
	if (enroll_draft(a.e, a.resume, a.id, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if ((rc = apply_fill(&a)) == CMD_EXIT_OK &&
	    (rc = apply_pin(&a, &pin)) == CMD_EXIT_OK) {
		if (!ctx->json)
			(void)fprintf(stderr, "%s\n", _("Making two key pairs and sending the "
			    "application..."));
		rc = enroll_apply(a.e, a.id, pin, NULL, &err) == 0 ? apply_done(&a) :
		    cmd_report(ctx, &err);
	}
	secret_free(pin);
	if (rc != CMD_EXIT_OK && !ctx->json && a.id[0] != '\0')
		(void)fprintf(stderr, _("Nothing is lost: continue with 'ncaenroll apply --resume "
		    "%s'.\n"), a.id);
	enroll_error_free(&err);
	enroll_close(a.e);
	return rc;
}

const struct cmd_entry cmd_apply_entry = {
	"apply",
	N_("[--bin BIN] [--iin IIN] [--email ADDR] [--role ID] [--region ID]\n"
	    "      [--city ID] [--gu-code CODE]\n"
	    "      [--storage pc|etoken72k|jacarta|kaztoken|akey|idcard]\n"
	    "      [--dir DIR | --token SERIAL [--pin-fd N]]\n"
	    "      [--captcha-answer CODE] [--resume ID] [--json]"),
	N_("apply for certificates; what is not given is asked for"),
	apply_exec,
};

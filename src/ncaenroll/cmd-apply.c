/*
 * ncaenroll apply — the whole application in one command: BIN and the code from the
 * picture, IIN, e-mail, role, region, city, ГУ/СКС code, key storage and folder (or the
 * connected token, found by itself when there is one), then the keys are made and the
 * application is submitted. Values come from options; on a
 * terminal a missing or refused value is asked for at its field. A run that was cut off
 * continues with --resume ID (or finds the draft itself) without making new keys. A token
 * still on its factory PIN is said, and its PIN changed first (--new-pin-fd, or typed
 * twice on a terminal); unchanged, no keys are made (exit status 6) unless the settings
 * allow it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/halfblock.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/secret.h"
#include "common/when.h"
#include "ncaenroll/cmd-ncaenroll.h"

enum apply_option {
	APPLY_BIN,
	APPLY_IIN,
	APPLY_EMAIL,
	APPLY_ROLE,
	APPLY_REGION,
	APPLY_CITY,
	APPLY_GU_CODE,
	APPLY_STORAGE,
	APPLY_DIR,
	APPLY_TOKEN,
	APPLY_PIN_FD,
	APPLY_NEW_PIN_FD,
	APPLY_CAPTCHA,
	APPLY_RESUME,
	APPLY__MAX
};

static const struct cmd_option apply_options[] = {
	[APPLY_BIN] = { "bin", 0, N_("BIN"), N_("the organization's BIN") },
	[APPLY_IIN] = { "iin", 0, N_("IIN"), N_("the applicant's IIN") },
	[APPLY_EMAIL] = { "email", 0, N_("ADDR"),
	    N_("e-mail for notices and the form (optional)") },
	[APPLY_ROLE] = { "role", 0, N_("ID"), N_("the role (a directory id)") },
	[APPLY_REGION] = { "region", 0, N_("ID"), N_("the region (a directory id)") },
	[APPLY_CITY] = { "city", 0, N_("ID"), N_("the city (a directory id)") },
	[APPLY_GU_CODE] = { "gu-code", 0, N_("CODE"),
	    N_("the ГУ/СКС code, one of the organization's") },
	[APPLY_STORAGE] = { "storage", 0, N_("KIND"),
	    N_("where the keys are made: pc (a folder, the default), etoken72k, jacarta, "
	    "kaztoken, akey (a token) or idcard (the national ID card)") },
	[APPLY_DIR] = { "dir", 0, N_("DIR"),
	    N_("the folder for the keys (a full path; made 0700)") },
	[APPLY_TOKEN] = { "token", 0, N_("SERIAL"),
	    N_("the token (its serial number; found by itself when only one is connected)") },
	[APPLY_PIN_FD] = { "pin-fd", 0, N_("N"),
	    N_("read the token's PIN as one line from descriptor N") },
	[APPLY_NEW_PIN_FD] = { "new-pin-fd", 0, N_("M"),
	    N_("for a token still on its factory PIN: read the new PIN to change it to as one "
	    "line from descriptor M") },
	[APPLY_CAPTCHA] = { "captcha-answer", 0, N_("CODE"),
	    N_("the code from the picture") },
	[APPLY_RESUME] = { "resume", 0, N_("ID"),
	    N_("continue this unfinished application ('list' shows it)") },
	[APPLY__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(APPLY__MAX < CMD_MAX_OPTIONS, "apply_options fits cmd_args");

/*
 * The form's plain fields (rows of the field table, common/appfield.h), in the order the
 * site asks for them, each with its option.
 */
static const struct apply_field {
	enum appfield_id field;
	int		 opt;		/* its row in apply_options */
} apply_fields[] = {
	{ APPFIELD_EMAIL, APPLY_EMAIL },
	{ APPFIELD_ROLE, APPLY_ROLE },
	{ APPFIELD_REGION, APPLY_REGION },
	{ APPFIELD_CITY, APPLY_CITY },
	{ APPFIELD_GU_CODE, APPLY_GU_CODE },
	{ APPFIELD_STORAGE, APPLY_STORAGE },
	{ APPFIELD_DIR, APPLY_DIR },
	{ APPFIELD_TOKEN, APPLY_TOKEN },
};
#define APPLY_NFIELDS (sizeof apply_fields / sizeof apply_fields[0])

struct apply {
	struct cmd_ctx	*ctx;
	struct enroll	*e;
	char		 id[STATE_ID_LEN + 1];
	int		 tty;
	const char	*bin, *iin, *captcha, *resume;
	int		 pin_fd;		/* --pin-fd, or -1: asked on the terminal */
	int		 new_pin_fd;		/* --new-pin-fd, or -1 */
	const struct cmd_args *args;	/* the values given: args->opt[APPLY_...] */
	const struct appfield *cur;	/* the field apply_set_field is setting */
	char		 kept_bin[16];	/* a copy: each transaction re-reads the state */
};

/* What apply_value asks for: the form's field, its option, the question. */
struct apply_question {
	const char	*field;		/* as the core and the JSON error name it */
	int		 opt;		/* its row in apply_options */
	const char	*prompt;	/* translated */
	const char	*list;		/* directory to show on a terminal, or NULL */
};

/* The command line a hint names: the demo's data is found only with --demo. */
static const char *
apply_self(const struct cmd_ctx *ctx)
{
	return ctx->demo ? "ncaenroll --demo" : "ncaenroll";
}

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
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*t = NULL;
	size_t			 n = 0, i;

	if (enroll_tokens(a->e, &t, &n, &err) == -1) {
		cmd_say(a->ctx, "%s", err.message);
		failure_free(&err);
		return;
	}
	if (n == 0)
		(void)fprintf(stderr, "  %s\n", _("(no token is connected: connect it now)"));
	for (i = 0; i < n; i++)
		(void)fprintf(stderr, "  %-16s %s (%s %s)\n", t[i].serial, t[i].label,
		    t[i].manufacturer, t[i].model);
	keystore_pkcs11_tokens_free(t, n);
}

/* The one token connected, when there is exactly one: the site finds it by itself. */
static const char *
apply_only_token(struct apply *a, char *buf, size_t size)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
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
	keystore_pkcs11_tokens_free(t, n);
	failure_free(&err);
	return found;
}

static void
apply_show_list(struct apply *a, const char *list)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
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
		    state_get(app, APPKEY_REGION) ? state_get(app, APPKEY_REGION) : "");
	else
		(void)snprintf(which, sizeof which, "%s", list);
	if (enroll_directory(a->e, a->id, which, &items, &err) == -1) {
		failure_free(&err);
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

/* A value a script did not give: exit status 2, the field named in the JSON error. */
static int
apply_missing(struct apply *a, const char *field, int opt, const char *what)
{
	return cmd_fail(a->ctx, CMD_EXIT_USAGE, "field.missing", field,
	    _("%s is missing (there is no terminal to ask on): give --%s"), what,
	    apply_options[opt].name);
}

/*
 * Asks for (or takes from its option) one value and hands it to set(), which returns 0,
 * -1 with err, or an exit status it has reported. On a terminal a refusal is shown and
 * the question repeated; elsewhere it is reported (each refused field is named) and
 * ends this value.
 */
static int
apply_value(struct apply *a, const struct apply_question *q, const char *given,
    int (*set)(struct apply *, const char *, struct failure *))
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	char			*typed = NULL;
	int			 rc;

	for (;;) {
		if (given == NULL) {
			if (!a->tty)
				return apply_missing(a, q->field, q->opt, q->prompt);
			if (q->list != NULL)
				apply_show_list(a, q->list);
			if ((typed = apply_ask(q->prompt)) == NULL)
				return cmd_fail(a->ctx, CMD_EXIT_USAGE, "field.missing", q->field,
				    _("%s is missing (end of input)"), q->prompt);
		}
		rc = set(a, given != NULL ? given : typed, &err);
		free(typed);
		typed = NULL;
		if (rc >= 0)
			return rc;
		if (!a->tty || err.kind != FAILURE_REFUSED) {
			rc = cmd_report(a->ctx, &err);
			failure_free(&err);
			return rc;
		}
		cmd_say(a->ctx, "%s", err.message);
		failure_free(&err);
		given = NULL;
	}
}

static int
apply_set_iin(struct apply *a, const char *v, struct failure *err)
{
	return enroll_check_iin(a->e, a->id, v, err);
}

/* The BIN needs a fresh picture each try: a wrong answer burns the captcha. */
static int
apply_set_bin(struct apply *a, const char *v, struct failure *err)
{
	struct enroll_captcha	 c;
	char			*answer = NULL, *pic = NULL;
	size_t			 sz;
	int			 rc;

	/* A mistyped BIN is caught before the person is asked to read a picture. */
	if (enroll_precheck(appfield_table[APPFIELD_BIN].name, v, err) == -1)
		return -1;
	if (a->captcha == NULL && !a->tty)
		return apply_missing(a, "captcha_answer", APPLY_CAPTCHA,
		    _("Code from the picture"));
	if (enroll_captcha(a->e, &c, err) == -1)
		return -1;
	if (a->captcha == NULL) {
		sz = halfblock_size(c.width, c.height);
		if ((pic = malloc(sz)) == NULL ||
		    halfblock_draw(c.width, c.height, c.bits, pic, sz) == -1) {
			free(pic);
			enroll_captcha_free(&c);
			return cmd_fail(a->ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s",
			    _("out of memory"));
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
apply_set_field(struct apply *a, const char *v, struct failure *err)
{
	return enroll_set(a->e, a->id, a->cur->name, v, err);
}

static int
apply_token_fresh(const struct state_app *app)
{
	const char	*exp = state_get(app, APPKEY_CHECK_TOKEN_EXPIRES);

	return state_get(app, APPKEY_CHECK_TOKEN) != NULL && exp != NULL &&
	    strtoll(exp, NULL, 10) > (long long)time(NULL) + 60;
}

static int
apply_fill(struct apply *a)
{
	struct apply_question	 q = { NULL, 0, NULL, NULL };
	struct state_app	*app = enroll_app(a->e, a->id);
	size_t			 i;
	int			 rc, first = CMD_EXIT_OK;

	if (!apply_token_fresh(app) || (a->bin != NULL &&
	    strcmp(a->bin, state_get(app, APPKEY_BIN) ? state_get(app, APPKEY_BIN) : "") !=
	    0)) {
		if (a->bin == NULL && state_get(app, APPKEY_BIN) != NULL) {
			(void)snprintf(a->kept_bin, sizeof a->kept_bin, "%s",
			    state_get(app, APPKEY_BIN));
			a->bin = a->kept_bin;
		}
		q.field = appfield_table[APPFIELD_BIN].name;
		q.opt = APPLY_BIN;
		q.prompt = _(appfield_table[APPFIELD_BIN].question);
		if ((rc = apply_value(a, &q, a->bin, apply_set_bin)) != CMD_EXIT_OK)
			return rc;
		app = enroll_app(a->e, a->id);
		if (!a->ctx->json)
			(void)fprintf(stderr, "%s: %s\n", _("Organization"),
			    state_get(app, strcmp(i18n_current(), "kk") == 0 ? APPKEY_ORG_NAME_KK :
			    APPKEY_ORG_NAME_RU));
	}
	if (state_get(app, APPKEY_IIN) == NULL || a->iin != NULL) {
		q.field = appfield_table[APPFIELD_IIN].name;
		q.opt = APPLY_IIN;
		q.prompt = _(appfield_table[APPFIELD_IIN].question);
		if ((rc = apply_value(a, &q, a->iin, apply_set_iin)) != CMD_EXIT_OK)
			return rc;
		app = enroll_app(a->e, a->id);
		if (!a->ctx->json)
			(void)fprintf(stderr, "%s: %s %s %s\n", _("Applicant"),
			    state_get(app, APPKEY_SURNAME), state_get(app, APPKEY_GIVEN_NAME),
			    state_get(app, APPKEY_PATRONYMIC) ?
			    state_get(app, APPKEY_PATRONYMIC) : "");
	}
	/*
	 * A script hears of every refused value, and every good one is kept, so the run
	 * that fixes them needs to give only those values again.
	 */
	for (i = 0; i < APPLY_NFIELDS; i++) {
		const struct appfield	*f = &appfield_table[apply_fields[i].field];
		const char		*given = a->args->opt[apply_fields[i].opt], *storage;
		char			 only[80];

		app = enroll_app(a->e, a->id);
		if (state_get(app, f->key) != NULL && given == NULL)
			continue;	/* resumed: already given */
		/* A folder for a PC, a token for a token; never both. */
		storage = state_get(app, APPKEY_STORAGE) != NULL ?
		    state_get(app, APPKEY_STORAGE) : "pc";
		if ((apply_fields[i].field == APPFIELD_DIR && strcmp(storage, "pc") != 0) ||
		    (apply_fields[i].field == APPFIELD_TOKEN && strcmp(storage, "pc") == 0))
			continue;
		if (given == NULL && apply_fields[i].field == APPFIELD_STORAGE)
			given = "pc";	/* not given: a folder on this computer */
		if (given == NULL && apply_fields[i].field == APPFIELD_TOKEN)
			given = apply_only_token(a, only, sizeof only);
		a->cur = f;
		q.field = f->name;
		q.opt = apply_fields[i].opt;
		q.prompt = _(f->question);
		q.list = f->directory;
		rc = apply_value(a, &q, given != NULL ? given :
		    (f->optional && !a->tty) ? "" : NULL, apply_set_field);
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
	const char		*num = state_get(app, APPKEY_REQUEST_NUMBER);
	char			 mail[256], day[WHEN_DAY_MAX], *demo;

	if (a->ctx->json)
		return cmd_json(a->ctx, json_pack("{s:s, s:s, s:s*, s:s*, s:s*}",
		    "request_number", num, "id", a->id,
		    "deadline", state_get(app, APPKEY_DEADLINE),
		    "mail", state_get(app, APPKEY_MAIL), "token", state_get(app, APPKEY_TOKEN)));
	(void)printf("%s: %s\n", _("Request number"), num);
	/* The demo's mail lands in a file, not at the address: say which. */
	if ((demo = enroll_demo_mail(a->e, app, NULL, NULL)) != NULL)
		(void)printf("%s: %s\n", _("E-mail with the form"), demo);
	else if (*enroll_mail_outcome(app, mail, sizeof mail) != '\0')
		(void)printf("%s: %s\n", _("E-mail with the form"), mail);
	free(demo);
	(void)printf("%s\n", _("Remember it: you need it to check the status and install "
	    "the certificates."));
	/* The day is what counts for a person: the local one (the service gives UTC). */
	(void)printf(_("Bring the printed application form (%s form %s --print, or "
	    "--pdf FILE) and your identity document to a registration desk before %s, or the "
	    "application is cancelled.\n"), apply_self(a->ctx), num,
	    when_day(state_get(app, APPKEY_DEADLINE) ? state_get(app, APPKEY_DEADLINE) : "",
	    day));
	return CMD_EXIT_OK;
}

/* A token application needs the token's PIN to make its keys; a folder needs none. */
static int
apply_pin(struct apply *a, struct secret **pin)
{
	struct state_app	*app = enroll_app(a->e, a->id);
	const char		*storage = state_get(app, APPKEY_STORAGE);
	int			 rc = CMD_EXIT_OK;

	*pin = NULL;
	if (storage == NULL || strcmp(storage, "pc") == 0)
		return CMD_EXIT_OK;
	*pin = cmd_pin(a->ctx, a->pin_fd, state_get(app, APPKEY_TOKEN_LABEL) != NULL ?
	    state_get(app, APPKEY_TOKEN_LABEL) : state_get(app, APPKEY_TOKEN), &rc);
	return rc;
}

#define APPLY_PIN_TRIES	3

/* A new PIN typed twice alike on the terminal; NULL (said why) when not, *stop at the end. */
static struct secret *
apply_new_pin_typed(struct apply *a, int *stop)
{
	struct secret	*x, *y = NULL;
	char		*cause = NULL;

	if ((x = passprompt_read(STDIN_FILENO, _("New PIN: "), &cause)) == NULL ||
	    (y = passprompt_read(STDIN_FILENO, _("Repeat the new PIN: "), &cause)) == NULL) {
		/* A read that failed is this computer's; the end of input, the person's no. */
		*stop = cause != NULL ? cmd_fail(a->ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s",
		    cause) : CMD_EXIT_REFUSED;
		free(cause);
		secret_free(x);
		return NULL;
	}
	if (!secret_equal(x, y)) {
		cmd_say(a->ctx, "%s", _("the two PINs differ; try again"));
		secret_free(x);
		x = NULL;
	}
	secret_free(y);
	return x;
}

/*
 * The token's PIN changed from *pin to a new one: from --new-pin-fd (one line, judged
 * once), else typed twice on the terminal, the rules said first (three tries). *pin is the
 * new PIN once the token has it. CMD_EXIT_OK, or an exit status after saying why.
 */
static int
apply_change_pin(struct apply *a, struct secret **pin)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct secret	*new_pin = NULL;
	char		*rules, *cause = NULL;
	int		 tries, stop = CMD_EXIT_OK;

	if (a->new_pin_fd < 0 && (rules = enroll_pin_rules(a->e, a->id)) != NULL) {
		cmd_say(a->ctx, "%s: %s", _("The new PIN"), rules);
		free(rules);
	}
	for (tries = 0; tries < APPLY_PIN_TRIES && stop == CMD_EXIT_OK; tries++) {
		if (a->new_pin_fd >= 0 && (new_pin = secret_read_line(a->new_pin_fd,
		    &cause)) == NULL) {
			stop = cmd_fail(a->ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause != NULL ?
			    cause : _("out of memory"));
			free(cause);
			break;
		}
		if (new_pin == NULL && (new_pin = apply_new_pin_typed(a, &stop)) == NULL)
			continue;
		if (enroll_pin_change(a->e, a->id, *pin, new_pin, &err) == 0) {
			secret_free(*pin);
			*pin = new_pin;
			cmd_say(a->ctx, "%s", _("The token's PIN is changed; the keys are made under "
			    "the new one. Remember it: nothing else opens the keys."));
			return CMD_EXIT_OK;
		}
		secret_free(new_pin);
		new_pin = NULL;
		/* A script's PIN is judged once; a person may type another. */
		if (a->new_pin_fd >= 0 || err.field == NULL || strcmp(err.field, "new_pin") != 0)
			stop = cmd_report(a->ctx, &err);
		else
			cmd_say(a->ctx, "%s", err.message);
		failure_free(&err);
	}
	return stop != CMD_EXIT_OK ? stop : cmd_fail(a->ctx, CMD_EXIT_REFUSED, "pin.policy",
	    "new_pin", "%s", _("no new PIN was chosen; the PIN was not changed"));
}

/* The core's refusal; a factory PIN has an exit status of its own, and a way out said. */
static int
apply_failed(struct apply *a, const struct failure *err)
{
	if (err->code == NULL || strcmp(err->code, "pin.factory") != 0)
		return cmd_report(a->ctx, err);
	(void)cmd_fail(a->ctx, CMD_EXIT_FACTORY_PIN, err->code, err->field, "%s",
	    err->message);
	cmd_error(a->ctx, "%s", _("Change it first: give the new PIN with --new-pin-fd N, or "
	    "run apply on a terminal, which offers to change it."));
	return CMD_EXIT_FACTORY_PIN;
}

/*
 * A token still on its factory PIN (enroll_pin_factory), said before any key is made and
 * changed there and then when the person (on a terminal) or the script (--new-pin-fd)
 * can. Left as it is, the keys are refused in the core's words (exit status 6), unless the
 * settings allow them: then that is said too.
 */
static int
apply_factory_pin(struct apply *a, struct secret **pin)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	const char	*kind = enroll_pin_factory(a->e, a->id, *pin);
	int		 rc;

	if (kind == NULL)
		return CMD_EXIT_OK;
	cmd_say(a->ctx, _("The token's PIN is still the factory PIN of %s tokens, which anyone "
	    "can look up: whoever takes the token could use the keys."), kind);
	if (a->new_pin_fd >= 0 || (a->tty &&
	    cmd_confirm(_("Change the PIN now, before the keys are made?"))))
		return apply_change_pin(a, pin);
	if (enroll_pin_refuse(a->e, a->id, *pin, &err) == 0) {
		cmd_say(a->ctx, "%s", _("The settings of this computer allow keys under a factory "
		    "PIN: they are made, but change the PIN soon, with the token's own tool."));
		return CMD_EXIT_OK;
	}
	rc = apply_failed(a, &err);
	failure_free(&err);
	return rc;
}

static int
apply_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct apply		 a;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct secret		*pin = NULL;
	int			 rc;

	memset(&a, 0, sizeof a);
	a.ctx = ctx;
	a.args = args;
	a.pin_fd = -1;
	a.new_pin_fd = -1;
	a.tty = isatty(STDIN_FILENO);
	a.bin = args->opt[APPLY_BIN];
	a.iin = args->opt[APPLY_IIN];
	a.captcha = args->opt[APPLY_CAPTCHA];
	a.resume = args->opt[APPLY_RESUME];
	if (args->opt[APPLY_PIN_FD] != NULL &&
	    cmd_fd_arg(args->opt[APPLY_PIN_FD], &a.pin_fd) == -1)
		return cmd_usage_error(ctx, &cmd_apply_entry,
		    _("--pin-fd needs a descriptor number"));
	if (args->opt[APPLY_NEW_PIN_FD] != NULL &&
	    cmd_fd_arg(args->opt[APPLY_NEW_PIN_FD], &a.new_pin_fd) == -1)
		return cmd_usage_error(ctx, &cmd_apply_entry,
		    _("--new-pin-fd needs a descriptor number"));
	if ((a.e = cmd_enroll(ctx, ctx->demo ? a.captcha : NULL, &rc)) == NULL)
		return rc;
	if (enroll_draft(a.e, a.resume, a.id, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if ((rc = apply_fill(&a)) == CMD_EXIT_OK &&
	    (rc = apply_pin(&a, &pin)) == CMD_EXIT_OK &&
	    (rc = apply_factory_pin(&a, &pin)) == CMD_EXIT_OK) {
		if (!ctx->json)
			(void)fprintf(stderr, "%s\n", _("Making two key pairs and sending the "
			    "application..."));
		rc = enroll_apply(a.e, a.id, pin, NULL, &err) == 0 ? apply_done(&a) :
		    apply_failed(&a, &err);
	}
	secret_free(pin);
	if (rc != CMD_EXIT_OK && a.id[0] != '\0' && ctx->json)
		cmd_fail_detail(ctx, "id", a.id);	/* for --resume */
	else if (rc != CMD_EXIT_OK && a.id[0] != '\0')
		(void)fprintf(stderr,
		    _("Nothing is lost: continue with '%s apply --resume %s'.\n"),
		    apply_self(ctx), a.id);
	failure_free(&err);
	enroll_close(a.e);
	return rc;
}

const struct cmd_entry cmd_apply_entry = {
	"apply", "",
	N_("apply for certificates; what is not given is asked for"),
	apply_options, 0, 0, NULL,
	apply_exec,
};

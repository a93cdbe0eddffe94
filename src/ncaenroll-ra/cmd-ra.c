/*
 * cmd-ra — what the desk's commands share: the settings, signing in as the operator
 * (a container or a token), and the answer in words or JSON.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cliconf.h"
#include "common/appstatus.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/reason.h"
#include "common/textwrap.h"
#include "common/utf8.h"
#include "desk/p11-identity.h"
#include "ncaenroll-ra/cmd-ra.h"

/* A container's password typed at the terminal: tries before the command gives up. */
#define RA_PASSWORD_TRIES	3

/* The desk's settings files and keys (cliconf.c reads them). */
static const struct cliconf_key ra_settings_keys[] = {
	{ "service", offsetof(struct ra_settings, service) },
	{ "ca_file", offsetof(struct ra_settings, ca_file) },
	{ "operator", offsetof(struct ra_settings, operator_p12) },
	{ "lang", offsetof(struct ra_settings, lang) },
};

static const struct cliconf_spec ra_settings_spec = {
	ra_settings_keys, sizeof ra_settings_keys / sizeof ra_settings_keys[0],
	"service, ca_file, operator, lang",
	RA_SETTINGS_FILE, "ncaenroll/ra.yaml",
};

int
cmd_ra_settings_load_file(struct ra_settings *s, const char *path, char **cause)
{
	return cliconf_read_file(&ra_settings_spec, s, path, cause);
}

int
cmd_ra_settings_load(struct ra_settings *s, char **cause)
{
	return cliconf_read(&ra_settings_spec, s, cause);
}

void
cmd_ra_settings_free(struct ra_settings *s)
{
	cliconf_release(&ra_settings_spec, s);
}

/*
 * The container's password or the token's PIN: the demo's documented password for the
 * demo's own container, else from a descriptor or the terminal, never echoed.
 */
static struct secret *
cmd_ra_password(struct ra_ctx *ctx, const char *p12, int *status)
{
	struct secret	*pw;
	char		*cause = NULL, prompt[512];
	int		 token = p11_uri_is(p12);

	if (ctx->cmd.demo && !ctx->operator_given && ctx->password_fd < 0)
		return secret_new(RA_DEMO_PASSWORD, strlen(RA_DEMO_PASSWORD));
	if (ctx->password_fd < 0 && !isatty(STDIN_FILENO)) {
		*status = cmd_fail(&ctx->cmd, CMD_EXIT_USAGE, "field.missing",
		    token ? "pin" : "password", "%s", token ? _("the token's PIN is asked on "
		    "a terminal, or read from a descriptor with --password-fd N") :
		    _("the container's password is asked on a terminal, or read from a "
		    "descriptor with --password-fd N"));
		return NULL;
	}
	(void)snprintf(prompt, sizeof prompt, token ? _("PIN for the token %s: ") :
	    _("Password for %s: "), p12);
	if ((pw = passprompt_read(ctx->password_fd >= 0 ? ctx->password_fd : STDIN_FILENO,
	    prompt, &cause)) == NULL) {
		cmd_error(&ctx->cmd, "%s", cause);
		free(cause);
		*status = CMD_EXIT_LOCAL;
	}
	return pw;
}

static int
cmd_ra_demo(struct ra_ctx *ctx, char **p12, int *status)
{
	char	*cause = NULL;

	if (ctx->cmd.demo_svc.pid <= 0) {
		if (!ctx->cmd.json)
			(void)fprintf(stderr, "%s\n", _("Starting the demo service..."));
		/* The desk decides: the demo's own approval is put off for a day. */
		if (demo_start(&ctx->cmd.demo_svc, 86400, NULL, &cause) == -1) {
			cmd_error(&ctx->cmd, "%s", cause);
			free(cause);
			*status = CMD_EXIT_SERVICE;
			return -1;
		}
	}
	if (asprintf(p12, "%s/service/operators/%s.p12", ctx->cmd.demo_svc.dir,
	    RA_DEMO_OPERATOR) == -1) {
		*p12 = NULL;
		*status = CMD_EXIT_LOCAL;
		return -1;
	}
	if (!ctx->operator_given && access(*p12, R_OK) == -1) {
		cmd_error(&ctx->cmd, _("the demo service made no operator container (%s); "
		    "is its ncaenrolld older than this program?"), *p12);
		free(*p12);
		*p12 = NULL;
		*status = CMD_EXIT_SERVICE;
		return -1;
	}
	return 0;
}

/* 1 when the password is typed at the terminal's prompt now (not a descriptor, the demo's). */
static int
cmd_ra_asks(const struct ra_ctx *ctx)
{
	return ctx->password_fd < 0 && !(ctx->cmd.demo && !ctx->operator_given) &&
	    isatty(STDIN_FILENO);
}

/*
 * Opens the operator's identity. A container's password typed wrong at the terminal is
 * said and asked again (RA_PASSWORD_TRIES in all): one typo must not end the console.
 * A token's PIN is not asked again here: the token counts wrong PINs and locks itself.
 */
static struct ra *
cmd_ra_open(struct ra_ctx *ctx, struct ra_config *cfg, int *status)
{
	struct failure	 err;
	struct secret	*pw = NULL;
	struct ra	*ra = NULL;
	int		 tries;

	memset(&err, 0, sizeof err);
	for (tries = 1;; tries++) {
		if (cfg->operator_p12 != NULL &&
		    (pw = cmd_ra_password(ctx, cfg->operator_p12, status)) == NULL)
			break;
		cfg->password = pw;
		ra = ra_open(cfg, &err);
		secret_free(pw);	/* the key is open; the password is not needed again */
		cfg->password = pw = NULL;
		if (ra != NULL)
			break;
		if (tries >= RA_PASSWORD_TRIES || !cmd_ra_asks(ctx) || err.code == NULL ||
		    strcmp(err.code, "operator.password") != 0) {
			*status = cmd_ra_report(ctx, &err);
			break;
		}
		cmd_say(&ctx->cmd, "%s", err.message != NULL ? err.message : "?");
		failure_free(&err);
	}
	failure_free(&err);
	return ra;
}

struct ra *
cmd_ra_connect(struct ra_ctx *ctx, int *status)
{
	struct ra_config	 cfg;
	char			*demo_p12 = NULL;

	if (ctx->ra != NULL)
		return ctx->ra;
	memset(&cfg, 0, sizeof cfg);
	if (ctx->cmd.demo && cmd_ra_demo(ctx, &demo_p12, status) == -1)
		return NULL;
	cfg.url = ctx->cmd.demo ? ctx->cmd.demo_svc.url : ctx->set.service;
	cfg.ca_file = ctx->cmd.demo ? ctx->cmd.demo_svc.ca_file : ctx->set.ca_file;
	/* The demo's operator, unless --operator names another (not the settings' one). */
	cfg.operator_p12 = ctx->cmd.demo && !ctx->operator_given ? demo_p12 :
	    ctx->set.operator_p12;
	cfg.lang = i18n_current();
	if (cfg.url == NULL)
		*status = cmd_fail(&ctx->cmd, CMD_EXIT_USAGE, "service.none", NULL, "%s",
		    _("no service to ask: give --service URL, or set 'service:' in "
		    "~/.config/ncaenroll/ra.yaml (or try --demo)"));
	else if ((*status = cmd_check_service(&ctx->cmd, cfg.url, cfg.ca_file)) == CMD_EXIT_OK)
		ctx->ra = cmd_ra_open(ctx, &cfg, status);
	free(demo_p12);
	return ctx->ra;
}

int
cmd_ra_report(struct ra_ctx *ctx, const struct failure *err)
{
	int	status = err->kind != 0 ? (int)err->kind : CMD_EXIT_LOCAL;

	return cmd_fail(&ctx->cmd, status, err->code, err->field, "%s",
	    err->message != NULL ? err->message : cmd_status_message(status));
}


int
cmd_ra_json(struct ra_ctx *ctx, json_t *o, const char *number)
{
	if (o != NULL && number != NULL && json_is_object(o) &&
	    json_object_get(o, "request_number") == NULL &&
	    json_object_set_new(o, "request_number", json_string(number)) == -1) {
		json_decref(o);
		return CMD_EXIT_LOCAL;
	}
	return cmd_json(&ctx->cmd, o);
}

void
cmd_ra_ctx_free(struct ra_ctx *ctx)
{
	ra_close(ctx->ra);
	ctx->ra = NULL;
	cmd_ctx_free(&ctx->cmd);
	cmd_ra_settings_free(&ctx->set);
}

void
cmd_ra_put(const char *s, int lines)
{
	for (; *s != '\0'; s++)
		(void)putchar(((unsigned char)*s < 0x20 && !(lines && *s == '\n')) ||
		    *s == 0x7f ? '?' : *s);
}

void
cmd_ra_field(const char *label, const char *value)
{
	char	*l, *with = NULL;

	if (value == NULL || *value == '\0')
		return;
	if (asprintf(&with, "%s:", label) == -1 || (l = utf8_fit(with, 24, 1)) == NULL) {
		free(with);
		return;
	}
	(void)printf("%s ", l);
	cmd_ra_put(value, 0);
	(void)putchar('\n');
	free(l);
	free(with);
}


void
cmd_ra_history(const json_t *app)
{
	const json_t	*h = json_object_get(app, "history"), *ev;
	size_t		 i;
	char		 when[RA_WHEN_MAX], who[256], *rest, *when_col, *why;

	if (json_array_size(h) == 0) {
		(void)printf("  %s\n", _("(nothing yet)"));
		return;
	}
	json_array_foreach(h, i, ev) {
		/* Statuses and what the event says in the reader's words, not as codes. */
		why = ra_event_detail(ev, app);
		if (asprintf(&rest, "%s  %s%s%s", ra_actor(ra_str(ev, "actor"), app,
		    who, sizeof who), ra_status(ra_str(ev, "action")), why != NULL ? ": " : "",
		    why != NULL ? why : "") == -1) {
			free(why);
			return;
		}
		free(why);
		when_col = utf8_fit(ra_when(ra_str(ev, "at"), when), 23, 1);
		(void)printf("  %s  ", when_col != NULL ? when_col : "");
		textwrap_print(stdout, rest, 27, 27, 79);
		free(when_col);
		free(rest);
	}
}

void
cmd_ra_documents(const json_t *app)
{
	const json_t	*doc;
	char		*code;
	size_t		 i;

	json_array_foreach(json_object_get(app, "documents"), i, doc) {
		if ((code = utf8_fit(ra_str(doc, "code"), 20, 1)) == NULL)
			return;
		(void)printf("  [ ] %s ", code);
		free(code);
		textwrap_print(stdout, ra_name(json_object_get(doc, "name")), 27, 27, 79);
	}
}

void
cmd_ra_reasons(const json_t *reasons)
{
	const json_t	*r;
	char		*code;
	size_t		 i;

	json_array_foreach(reasons, i, r) {
		if ((code = utf8_fit(ra_str(r, "code"), 20, 1)) == NULL)
			return;
		(void)printf("  %s ", code);
		free(code);
		textwrap_print(stdout, ra_name(json_object_get(r, "name")), 23, 23, 79);
	}
}

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/password.h"
#include "common/secret.h"

#define CMD_PASSWORD_TRIES 3

void
cmd_error(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	(void)fprintf(stderr, "%s: ", ctx->progname);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

int
cmd_usage_error(const struct cmd_ctx *ctx, const struct cmd_entry *e, const char *why)
{
	if (why != NULL)
		cmd_error(ctx, "%s", why);
	(void)fprintf(stderr, _("Usage: %s %s %s\n"), ctx->progname, e->name, _(e->usage));
	(void)fprintf(stderr, _("Try '%s --help' for more information.\n"), ctx->progname);
	return CMD_EXIT_USAGE;
}

struct enroll *
cmd_enroll(struct cmd_ctx *ctx, const char *fixed_captcha, int *status)
{
	struct enroll_config	 cfg;
	struct enroll_error	 err = { 0, NULL, NULL, NULL };
	struct enroll		*e;
	char			*cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	if (ctx->demo && ctx->demo_svc.pid <= 0) {
		if (!ctx->json)
			(void)fprintf(stderr, "%s\n", _("Starting the demo service..."));
		if (demo_start(&ctx->demo_svc, 5, fixed_captcha, &cause) == -1) {
			cmd_error(ctx, "%s", cause);
			free(cause);
			*status = CMD_EXIT_SERVICE;
			return NULL;
		}
	}
	cfg.state_path = ctx->demo ? ctx->demo_svc.state_path : ctx->conf.state;
	cfg.service.url = ctx->demo ? ctx->demo_svc.url : ctx->conf.service;
	cfg.service.ca_file = ctx->demo ? ctx->demo_svc.ca_file : ctx->conf.ca_file;
	cfg.service.lang = i18n_current();
	cfg.lang = i18n_current();
	if ((e = enroll_open(&cfg, &err)) == NULL) {
		*status = cmd_report(ctx, &err);
		enroll_error_free(&err);
	}
	return e;
}

int
cmd_report(struct cmd_ctx *ctx, const struct enroll_error *err)
{
	json_t	*o;

	if (ctx->json) {
		o = json_pack("{s:{s:s?, s:s?, s:s?}}", "error", "code", err->code,
		    "field", err->field, "message", err->message);
		(void)cmd_json(o);
	} else
		cmd_error(ctx, "%s", err->message != NULL ? err->message : "?");
	return err->kind != 0 ? (int)err->kind : CMD_EXIT_LOCAL;
}

int
cmd_json(json_t *o)
{
	int	rc;

	if (o == NULL)
		return CMD_EXIT_LOCAL;
	rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) == 0 &&
	    putchar('\n') != EOF ? CMD_EXIT_OK : CMD_EXIT_LOCAL;
	json_decref(o);
	return rc;
}

void
cmd_ctx_free(struct cmd_ctx *ctx)
{
	if (ctx->demo_svc.pid > 0)
		demo_stop(&ctx->demo_svc);
	cliconf_free(&ctx->conf);
}

struct secret *
cmd_pin(struct cmd_ctx *ctx, int fd, const char *label)
{
	struct secret	*pin;
	char		*cause = NULL, prompt[256];

	if (fd < 0 && !isatty(STDIN_FILENO)) {
		cmd_error(ctx, "%s", _("the token's PIN is asked on a terminal, or read from a "
		    "descriptor with --pin-fd N"));
		return NULL;
	}
	(void)snprintf(prompt, sizeof prompt, _("PIN of token %s: "), label);
	pin = fd >= 0 ? secret_read_line(fd, &cause) :
	    passprompt_read(STDIN_FILENO, prompt, &cause);
	if (pin == NULL) {
		cmd_error(ctx, "%s", cause != NULL ? cause : "?");
		free(cause);
	}
	return pin;
}

int
cmd_fd_arg(const char *arg, int *fd)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < 0 || n > 1024)
		return -1;
	*fd = (int)n;
	return 0;
}

char *
cmd_ask(const char *prompt)
{
	char	*line = NULL, *s;
	size_t	 cap = 0;
	ssize_t	 n;

	(void)fprintf(stderr, "%s", prompt);
	(void)fflush(stderr);
	if ((n = getline(&line, &cap, stdin)) == -1) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
	for (s = line; *s == ' '; s++)
		;
	memmove(line, s, strlen(s) + 1);
	return line;
}

struct secret *
cmd_password(struct cmd_ctx *ctx, int fd, const char *prompt, const char *fdopt)
{
	struct secret	*s;
	char		*cause = NULL;

	if (fd < 0 && !isatty(STDIN_FILENO)) {
		cmd_error(ctx, _("the password is asked on a terminal, or read from a descriptor "
		    "with %s N"), fdopt);
		return NULL;
	}
	s = fd >= 0 ? secret_read_line(fd, &cause) :
	    passprompt_read(STDIN_FILENO, prompt, &cause);
	if (s == NULL) {
		cmd_error(ctx, "%s", cause != NULL ? cause : "?");
		free(cause);
	}
	return s;
}

static void
cmd_password_policy(void)
{
	int	r;

	(void)fprintf(stderr, "%s\n", _("The new password protects both containers and can "
	    "never be recovered:"));
	for (r = 0; r < PASSWORD_RULE__MAX; r++)
		(void)fprintf(stderr, "  - %s\n", _(password_rule_text((enum password_rule)r)));
}

/* One try: the first typing judged by the policy, then the second compared. */
static struct secret *
cmd_new_password_try(struct cmd_ctx *ctx, int *eof)
{
	struct secret	*a, *b = NULL;
	struct problems	 p;
	char		*cause = NULL;
	size_t		 i;

	if ((a = passprompt_read(STDIN_FILENO, _("New password: "), &cause)) == NULL)
		goto eof;
	problems_init(&p);
	if (password_check(secret_reveal(a), &p) == -1) {
		for (i = 0; i < p.n; i++)
			cmd_error(ctx, "%s", p.v[i].message);
		problems_free(&p);
		secret_free(a);
		return NULL;
	}
	if ((b = passprompt_read(STDIN_FILENO, _("Repeat it: "), &cause)) == NULL)
		goto eof;
	if (secret_equal(a, b)) {
		secret_free(b);
		return a;
	}
	cmd_error(ctx, "%s", _("the two passwords differ; try again"));
	secret_free(a);
	secret_free(b);
	return NULL;
eof:
	if (cause != NULL)
		cmd_error(ctx, "%s", cause);
	free(cause);
	secret_free(a);
	*eof = 1;
	return NULL;
}

struct secret *
cmd_new_password(struct cmd_ctx *ctx, int fd, const char *fdopt)
{
	struct secret	*s = NULL;
	int		 tries, eof = 0;

	if (fd >= 0 || !isatty(STDIN_FILENO))
		return cmd_password(ctx, fd, NULL, fdopt);
	cmd_password_policy();
	for (tries = 0; s == NULL && !eof && tries < CMD_PASSWORD_TRIES; tries++)
		s = cmd_new_password_try(ctx, &eof);
	return s;
}

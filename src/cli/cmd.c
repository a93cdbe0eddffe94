/*
 * cmd — the command line both client programs share: global options, a command's
 * options and operands, --help, exit statuses, errors in words or JSON.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "common/passprompt.h"
#include "common/password.h"
#include "common/secret.h"
#include "common/textwrap.h"
#include "common/utf8.h"

#define CMD_WIDTH	79	/* help lines end before the 80th column */
#define CMD_HELP_COL	30	/* where an option's help starts */
#define CMD_VAL_OWN	256	/* getopt's val for row i of the command's table: 256 + i */
#define CMD_VAL_PROG	512	/* ... of the program's table: 512 + i */
#define CMD_VAL_HELP	1024
#define CMD_VAL_VERSION	1025

static const struct cmd_option cmd_help_option = {
	"help", 'h', NULL, N_("show this help and exit")
};
static const struct cmd_option cmd_version_option = {
	"version", 'V', NULL, N_("show version information and exit")
};

/* The long options and letters getopt_long is given for one scan. */
struct cmd_scan {
	struct option		 lo[2 * CMD_MAX_OPTIONS + 3];
	const struct cmd_option	*row[2 * CMD_MAX_OPTIONS + 3];	/* lo[i]'s row */
	char			 letters[2 * CMD_MAX_OPTIONS + 8];
};

/* What a status is called in a JSON error with no code of its own, and said with none. */
static const struct cmd_status_word {
	const char	*code;
	const char	*message;	/* untranslated */
} cmd_status_words[] = {
	[CMD_EXIT_OK] = { "ok", NULL },		/* never a failure */
	[CMD_EXIT_REFUSED] = { "refused", N_("the input was refused") },
	[CMD_EXIT_USAGE] = { "usage", N_("wrong usage") },
	[CMD_EXIT_SERVICE] = { "service", N_("the service could not be reached or failed") },
	[CMD_EXIT_LOCAL] = { "local", N_("a local file or device failed") },
	[CMD_EXIT_CANCELLED] = { "cancelled", N_("stopped before it was done") },
	[CMD_EXIT_FACTORY_PIN] = { "pin.factory", N_("the token still has its factory PIN") },
};
_Static_assert(sizeof cmd_status_words / sizeof cmd_status_words[0] == CMD_EXIT__MAX,
    "a word for every exit status");

static const struct cmd_status_word *
cmd_status_word(int status)
{
	return &cmd_status_words[status > CMD_EXIT_OK && status < CMD_EXIT__MAX ? status :
	    CMD_EXIT_LOCAL];
}

const char *
cmd_status_message(int status)
{
	return _(cmd_status_word(status)->message);
}

/*
 * Under --json the failure's sentences are kept for the run's one error object (joined
 * by newlines: what a person would have read), with the first code, the first field and
 * every refused field; without it they go to stderr at once.
 */
static void	cmd_vfail(struct cmd_ctx *, const char *, const char *, const char *,
		    va_list) __attribute__((format(printf, 4, 0)));

static void
cmd_vfail(struct cmd_ctx *ctx, const char *code, const char *field, const char *fmt,
    va_list ap)
{
	json_t		*f = ctx->fail, *fields;
	const char	*was;
	char		*msg = NULL, *joined = NULL;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	if (!ctx->json) {
		(void)fprintf(stderr, "%s: %s\n", ctx->progname, msg != NULL ? msg : fmt);
		free(msg);
		return;
	}
	if (msg == NULL ||
	    (f == NULL && (f = ctx->fail = json_pack("{s:[]}", "fields")) == NULL))
		goto out;
	if ((was = json_string_value(json_object_get(f, "message"))) != NULL &&
	    asprintf(&joined, "%s\n%s", was, msg) == -1)
		goto out;
	(void)json_object_set_new(f, "message", json_string(joined != NULL ? joined : msg));
	if (code != NULL && json_object_get(f, "code") == NULL)
		(void)json_object_set_new(f, "code", json_string(code));
	if (field != NULL && json_object_get(f, "field") == NULL)
		(void)json_object_set_new(f, "field", json_string(field));
	fields = json_object_get(f, "fields");
	if (field != NULL)
		(void)json_array_append_new(fields, json_pack("{s:s, s:s, s:s}", "field", field,
		    "code", code != NULL ? code : cmd_status_words[CMD_EXIT_REFUSED].code,
		    "message", msg));
out:
	free(msg);
	free(joined);
}

#define CMD_PASSWORD_TRIES 3

void
cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_vfail(ctx, NULL, NULL, fmt, ap);
	va_end(ap);
}

int
cmd_fail(struct cmd_ctx *ctx, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cmd_vfail(ctx, code, field, fmt, ap);
	va_end(ap);
	return status;
}

void
cmd_fail_detail(struct cmd_ctx *ctx, const char *key, const char *value)
{
	if (ctx->json && ctx->fail != NULL && value != NULL)
		(void)json_object_set_new(ctx->fail, key, json_string(value));
}

void
cmd_say(const struct cmd_ctx *ctx, const char *fmt, ...)
{
	va_list	ap;

	(void)fprintf(stderr, "%s: ", ctx->progname);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

int
cmd_finish(struct cmd_ctx *ctx, int status)
{
	const struct cmd_status_word	*w = cmd_status_word(status);
	json_t				*f = ctx->fail, *e, *v;
	const char			*key;
	int				 rc;

	ctx->fail = NULL;
	if (!ctx->json || status == CMD_EXIT_OK || ctx->answered) {
		json_decref(f);
		return status;
	}
	/* In the order a person reads it: code, message, field, fields, the rest. */
	if ((e = json_object()) == NULL) {
		json_decref(f);
		return CMD_EXIT_LOCAL;
	}
	(void)json_object_set_new(e, "code", json_object_get(f, "code") != NULL ?
	    json_incref(json_object_get(f, "code")) : json_string(w->code));
	(void)json_object_set_new(e, "message", json_object_get(f, "message") != NULL ?
	    json_incref(json_object_get(f, "message")) : json_string(_(w->message)));
	if (json_object_get(f, "field") != NULL)
		(void)json_object_set(e, "field", json_object_get(f, "field"));
	(void)json_object_set_new(e, "fields", json_object_get(f, "fields") != NULL ?
	    json_incref(json_object_get(f, "fields")) : json_array());
	json_object_foreach(f, key, v)
		if (json_object_get(e, key) == NULL)
			(void)json_object_set(e, key, v);
	json_decref(f);
	rc = cmd_json(ctx, json_pack("{s:o}", "error", e));
	return rc != CMD_EXIT_OK ? CMD_EXIT_LOCAL : status;
}

/* Display columns: one a character (the kk, ru and en texts have no wide ones). */
static size_t
cmd_width(const char *s)
{
	long	n = utf8_count(s);

	return n >= 0 ? (size_t)n : strlen(s);
}

static void
cmd_help_row(const struct cmd_option *o)
{
	char	head[160];
	size_t	w;

	if (o->letter != 0)
		(void)snprintf(head, sizeof head, "  -%c, --%s", o->letter, o->name);
	else
		(void)snprintf(head, sizeof head, "      --%s", o->name);
	if (o->arg != NULL)
		(void)snprintf(head + strlen(head), sizeof head - strlen(head), "=%s",
		    _(o->arg));
	(void)fputs(head, stdout);
	if ((w = cmd_width(head)) + 2 > CMD_HELP_COL) {
		(void)putchar('\n');
		w = 0;
	}
	(void)printf("%*s", (int)(CMD_HELP_COL - w), "");
	textwrap_print(stdout, _(o->help), CMD_HELP_COL, CMD_HELP_COL, CMD_WIDTH);
}

static void
cmd_help_rows(const struct cmd_option *t)
{
	for (; t != NULL && t->name != NULL; t++)
		cmd_help_row(t);
}

void
cmd_help_options(const struct cmd_option *t, int global)
{
	cmd_help_rows(t);
	cmd_help_row(&cmd_help_option);
	if (global)
		cmd_help_row(&cmd_version_option);
}

void
cmd_help_commands(const struct cmd_ctx *ctx)
{
	const struct cmd_entry	*e;
	size_t			 i;

	(void)printf("%s\n", _("Commands:"));
	for (i = 0; i < ctx->prog->ncommands; i++) {
		e = ctx->prog->commands[i];
		(void)printf("  %s%s%s\n      ", e->name, *e->operands != '\0' ? " " : "",
		    *e->operands != '\0' ? _(e->operands) : "");
		textwrap_print(stdout, _(e->summary), 6, 6, CMD_WIDTH);
	}
	(void)printf(_("'%s COMMAND --help' shows a command's options.\n"), ctx->progname);
}

static void
cmd_usage_line(FILE *fp, const struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	char	line[512];
	size_t	n;

	(void)snprintf(line, sizeof line, _("Usage: %s %s [OPTION]... %s"), ctx->progname,
	    e->name, *e->operands != '\0' ? _(e->operands) : "");
	for (n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
		line[n - 1] = '\0';
	(void)fprintf(fp, "%s\n", line);
}

static int
cmd_help(const struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	cmd_usage_line(stdout, ctx, e);
	textwrap_print(stdout, _(e->summary), 0, 0, CMD_WIDTH);
	(void)printf("\n%s\n", _("Options:"));
	cmd_help_options(e->options, 0);
	(void)printf("\n");
	(void)printf(_("Options of every command of %s (also before its name):\n"),
	    ctx->progname);
	cmd_help_rows(ctx->prog->options);
	return CMD_EXIT_OK;
}

int
cmd_usage_error(struct cmd_ctx *ctx, const struct cmd_entry *e, const char *why)
{
	if (why != NULL)
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, "%s", why);
	if (ctx->json)
		return CMD_EXIT_USAGE;	/* the error object says it */
	cmd_usage_line(stderr, ctx, e);
	(void)fprintf(stderr, _("Try '%s %s --help' for more information.\n"), ctx->progname,
	    e->name);
	return CMD_EXIT_USAGE;
}

static size_t
cmd_rows(const struct cmd_option *t)
{
	size_t	n = 0;

	while (t != NULL && t[n].name != NULL)
		n++;
	return n;
}

static void
cmd_scan_add(struct cmd_scan *s, size_t *n, const struct cmd_option *o, int val)
{
	size_t	len = strlen(s->letters);

	s->lo[*n].name = o->name;
	s->lo[*n].has_arg = o->arg != NULL ? required_argument : no_argument;
	s->lo[*n].flag = NULL;
	s->lo[*n].val = val;
	s->row[*n] = o;
	(*n)++;
	if (o->letter != 0 && len + 2 < sizeof s->letters) {
		s->letters[len++] = (char)o->letter;
		if (o->arg != NULL)
			s->letters[len++] = ':';
		s->letters[len] = '\0';
	}
}

/*
 * Before the command name: the program's rows, --help and --version, stopping at the
 * first operand ("+"). After it: the command's rows, the program's and --help, permuted.
 * A leading ':' (after '+') tells a missing value from an unknown option.
 */
static void
cmd_scan_init(struct cmd_scan *s, const struct cmd_ctx *ctx, const struct cmd_entry *e)
{
	const struct cmd_option	*own = e != NULL ? e->options : NULL;
	const struct cmd_option	*prog = ctx->prog->options;
	size_t			 n = 0, i;

	memset(s, 0, sizeof *s);
	(void)snprintf(s->letters, sizeof s->letters, "%s", e == NULL ? "+:" : ":");
	for (i = 0; i < cmd_rows(own) && i < CMD_MAX_OPTIONS; i++)
		cmd_scan_add(s, &n, &own[i], CMD_VAL_OWN + (int)i);
	for (i = 0; i < cmd_rows(prog) && i < CMD_MAX_OPTIONS; i++)
		cmd_scan_add(s, &n, &prog[i], CMD_VAL_PROG + (int)i);
	cmd_scan_add(s, &n, &cmd_help_option, CMD_VAL_HELP);
	if (e == NULL)
		cmd_scan_add(s, &n, &cmd_version_option, CMD_VAL_VERSION);
}

/* A letter back to its row's val. */
static int
cmd_scan_letter(const struct cmd_scan *s, int c)
{
	size_t	i;

	for (i = 0; s->lo[i].name != NULL; i++)
		if (s->row[i]->letter == c)
			return s->lo[i].val;
	return -1;
}

/*
 * getopt_long's complaint, said by us (opterr is 0: glibc would say it in English, and
 * not at all in Kazakh): what was typed is argv[optind - 1] up to any '=', or the
 * letter in optopt; a row's own name when optopt holds its val.
 */
static void
cmd_scan_error(struct cmd_ctx *ctx, const struct cmd_scan *s, int c, char **argv)
{
	char		 typed[128], list[512] = "";
	const char	*arg = argv[optind - 1];
	size_t		 i, n = 0, len;

	if (optopt > 0 && optopt < CMD_VAL_OWN)
		(void)snprintf(typed, sizeof typed, "-%c", optopt);
	else
		(void)snprintf(typed, sizeof typed, "%.*s", (int)strcspn(arg, "="), arg);
	if (c == ':') {
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL,
		    _("option '%s' needs a value"), typed);
		return;
	}
	if (optopt >= CMD_VAL_OWN) {
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL,
		    _("option '%s' takes no value"), typed);
		return;
	}
	len = strlen(typed);
	for (i = 0; optopt == 0 && len > 2 && s->lo[i].name != NULL; i++)
		if (strncmp(s->lo[i].name, typed + 2, len - 2) == 0)
			(void)snprintf(list + strlen(list), sizeof list - strlen(list), "%s--%s",
			    n++ > 0 ? ", " : "", s->lo[i].name);
	if (n > 1)
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL,
		    _("option '%s' is ambiguous: it could be %s"), typed, list);
	else
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, _("unknown option '%s'"),
		    typed);
}

/*
 * One scan. Returns -1 at its end, else the val of the next option found (its value in
 * optarg), or -2 after saying what was wrong with it.
 */
static int
cmd_scan_next(struct cmd_ctx *ctx, struct cmd_scan *s, int argc, char **argv)
{
	int	c = getopt_long(argc, argv, s->letters, s->lo, NULL);

	if (c == -1)
		return -1;
	if (c == '?' || c == ':') {
		cmd_scan_error(ctx, s, c, argv);
		return -2;
	}
	return c < CMD_VAL_OWN ? cmd_scan_letter(s, c) : c;
}

int
cmd_globals(struct cmd_ctx *ctx, int argc, char **argv, int *next, int *help, int *version)
{
	struct cmd_scan	s;
	int		c, rc;

	cmd_scan_init(&s, ctx, NULL);
	opterr = 0;
	optind = 0;	/* glibc then starts afresh */
	while ((c = cmd_scan_next(ctx, &s, argc, argv)) != -1) {
		if (c == -2) {
			if (!ctx->json)
				(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
				    ctx->progname);
			return CMD_EXIT_USAGE;
		}
		if (c == CMD_VAL_HELP)
			*help = 1;
		else if (c == CMD_VAL_VERSION)
			*version = 1;
		else if ((rc = ctx->prog->set(ctx, c - CMD_VAL_PROG, optarg)) != CMD_EXIT_OK)
			return rc;
	}
	*next = optind;
	return CMD_EXIT_OK;
}

int
cmd_settings_usable(struct cmd_ctx *ctx)
{
	if (ctx->settings_cause == NULL)
		return CMD_EXIT_OK;
	return cmd_fail(ctx, CMD_EXIT_USAGE, "settings", NULL, "%s", ctx->settings_cause);
}

const char *
cmd_early_value(int argc, char **argv, const char *name)
{
	const char	*v = NULL;
	size_t		 len = strlen(name);
	int		 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, len) != 0)
			continue;
		if (argv[i][2 + len] == '=')
			v = argv[i] + 3 + len;
		else if (argv[i][2 + len] == '\0')
			v = i + 1 < argc ? argv[i + 1] : "";
	}
	return v;
}

static const struct cmd_entry *
cmd_find(const struct cmd_ctx *ctx, const char *name)
{
	size_t	i;

	for (i = 0; i < ctx->prog->ncommands; i++)
		if (strcmp(ctx->prog->commands[i]->name, name) == 0)
			return ctx->prog->commands[i];
	return NULL;
}

int
cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e;
	struct cmd_scan		 s;
	struct cmd_args		 args;
	int			 c, rc;

	if ((e = cmd_find(ctx, argv[0])) == NULL) {
		(void)cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, _("unknown command '%s'"),
		    argv[0]);
		if (!ctx->json)
			(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    ctx->progname);
		return CMD_EXIT_USAGE;
	}
	memset(&args, 0, sizeof args);
	cmd_scan_init(&s, ctx, e);
	opterr = 0;
	optind = 0;	/* a fresh scan, permuting: options may follow the operands */
	while ((c = cmd_scan_next(ctx, &s, argc, argv)) != -1) {
		if (c == -2)
			return cmd_usage_error(ctx, e, NULL);
		if (c == CMD_VAL_HELP)
			return cmd_help(ctx, e);
		if (c >= CMD_VAL_PROG) {
			if ((rc = ctx->prog->set(ctx, c - CMD_VAL_PROG, optarg)) != CMD_EXIT_OK)
				return rc;
		} else
			args.opt[c - CMD_VAL_OWN] = optarg != NULL ? optarg : "";
	}
	if (cmd_settings_usable(ctx) != CMD_EXIT_OK)
		return CMD_EXIT_USAGE;
	args.argc = argc - optind;
	args.argv = argv + optind;
	if (args.argc < e->min)
		return cmd_usage_error(ctx, e, e->missing != NULL ? _(e->missing) : NULL);
	if (e->max >= 0 && args.argc > e->max)
		return cmd_usage_error(ctx, e, _("too many arguments"));
	return e->exec(ctx, &args);
}

int
cmd_check_service(struct cmd_ctx *ctx, const char *url, const char *ca_file)
{
	struct client_config		 cfg;
	enum client_config_error	 why;
	char				*cause = NULL;
	int				 rc;

	memset(&cfg, 0, sizeof cfg);
	cfg.url = url;
	cfg.ca_file = ca_file;
	if (client_config_check(&cfg, &why, &cause) == 0)
		return CMD_EXIT_OK;
	rc = cmd_fail(ctx, why == CLIENT_CONFIG_URL ? CMD_EXIT_USAGE : CMD_EXIT_LOCAL,
	    client_config_code(why), NULL, "%s", cause != NULL ? cause : "?");
	free(cause);
	return rc;
}

struct enroll *
cmd_enroll(struct cmd_ctx *ctx, const char *fixed_captcha, int *status)
{
	struct enroll_config	 cfg;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll		*e;
	char			*cause = NULL;

	/* A caller goes on with *status as its own: it is set on every path. */
	*status = CMD_EXIT_OK;
	memset(&cfg, 0, sizeof cfg);
	if (!ctx->demo && (*status = cmd_check_service(ctx, ctx->conf.service,
	    ctx->conf.ca_file)) != CMD_EXIT_OK)
		return NULL;
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
	cfg.mail_dir = ctx->demo ? ctx->demo_svc.mail_dir : NULL;
	cfg.factory_pin_allow = cliconf_factory_pin_allowed(&ctx->conf);
	if ((e = enroll_open(&cfg, &err)) == NULL) {
		*status = cmd_report(ctx, &err);
		failure_free(&err);
	} else if (ctx->opened != NULL && !ctx->json)
		ctx->opened(e);
	return e;
}

int
cmd_report(struct cmd_ctx *ctx, const struct failure *err)
{
	int	status = err->kind != 0 ? (int)err->kind : CMD_EXIT_LOCAL;

	/* The core was opened without a service: the person has to name one. */
	if (err->kind == FAILURE_SERVICE && !ctx->demo && ctx->conf.service == NULL)
		return cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, "%s", _("no service to "
		    "ask: give --service URL, or set 'service:' in "
		    "~/.config/ncaenroll/config.yaml (or try --demo)"));
	return cmd_fail(ctx, status, err->code, err->field, "%s", err->message != NULL ?
	    err->message : cmd_status_message(status));
}

int
cmd_json(struct cmd_ctx *ctx, json_t *o)
{
	int	rc;

	ctx->answered = 1;
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
	free(ctx->settings_cause);
	ctx->settings_cause = NULL;
	json_decref(ctx->fail);
	ctx->fail = NULL;
}

struct secret *
cmd_pin(struct cmd_ctx *ctx, int fd, const char *label, int *status)
{
	struct secret	*pin;
	char		*cause = NULL, prompt[256];

	if (fd < 0 && !isatty(STDIN_FILENO)) {
		*status = cmd_fail(ctx, CMD_EXIT_USAGE, "field.missing", "pin", "%s",
		    _("the token's PIN is asked on a terminal, or read from a descriptor with "
		    "--pin-fd N"));
		return NULL;
	}
	(void)snprintf(prompt, sizeof prompt, _("PIN of token %s: "), label);
	pin = fd >= 0 ? secret_read_line(fd, &cause) :
	    passprompt_read(STDIN_FILENO, prompt, &cause);
	if (pin == NULL) {
		*status = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause != NULL ? cause :
		    _("out of memory"));
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
cmd_password(struct cmd_ctx *ctx, int fd, const char *prompt, const char *fdopt,
    int *status)
{
	struct secret	*s;
	char		*cause = NULL;

	if (fd < 0 && !isatty(STDIN_FILENO)) {
		*status = cmd_fail(ctx, CMD_EXIT_USAGE, "field.missing", "password",
		    _("the password is asked on a terminal, or read from a descriptor with %s N"),
		    fdopt);
		return NULL;
	}
	s = fd >= 0 ? secret_read_line(fd, &cause) :
	    passprompt_read(STDIN_FILENO, prompt, &cause);
	if (s == NULL) {
		*status = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause != NULL ? cause :
		    _("out of memory"));
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

/*
 * One try: the first typing judged by the policy, then the second compared. NULL with
 * *stop 0: try again (said why); with *stop set to an exit status: give up (said why).
 */
static struct secret *
cmd_new_password_try(struct cmd_ctx *ctx, int *stop)
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
			cmd_say(ctx, "%s", p.v[i].message);
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
	cmd_say(ctx, "%s", _("the two passwords differ; try again"));
	secret_free(a);
	secret_free(b);
	return NULL;
eof:
	/* A read that failed is this computer's; the end of input, the person's no. */
	*stop = cause != NULL ? cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", cause) :
	    CMD_EXIT_REFUSED;
	free(cause);
	secret_free(a);
	return NULL;
}

struct secret *
cmd_new_password(struct cmd_ctx *ctx, int fd, const char *fdopt, int *status)
{
	struct secret	*s = NULL;
	int		 tries, stop = 0;

	if (fd >= 0 || !isatty(STDIN_FILENO))
		return cmd_password(ctx, fd, NULL, fdopt, status);
	cmd_password_policy();
	for (tries = 0; s == NULL && stop == 0 && tries < CMD_PASSWORD_TRIES; tries++)
		s = cmd_new_password_try(ctx, &stop);
	if (s == NULL && stop != CMD_EXIT_LOCAL)
		stop = cmd_fail(ctx, CMD_EXIT_REFUSED, "password.not_chosen", "password", "%s",
		    _("no password was chosen; nothing was changed"));
	if (s == NULL)
		*status = stop;
	return s;
}

int
cmd_confirm(const char *question)
{
	char	*prompt = NULL, *answer;
	int	 yes;

	if (asprintf(&prompt, "%s %s ", question, _("[y/N]")) == -1)
		return 0;
	answer = cmd_ask(prompt);
	free(prompt);
	/* "y", or the first letter of the word for yes in the reader's language. */
	yes = answer != NULL && (strcasecmp(answer, "y") == 0 ||
	    strcasecmp(answer, "yes") == 0 || strcmp(answer, _("y")) == 0 ||
	    strcmp(answer, _("yes")) == 0);
	free(answer);
	return yes;
}

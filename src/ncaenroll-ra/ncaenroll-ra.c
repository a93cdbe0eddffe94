/*
 * ncaenroll-ra — the registration desk for RA operators: with a command one step for
 * scripts (queue, show, approve, reject, history, revoke, certs); without one, on a
 * terminal, the full-screen console (ra-tui.c). This file only parses global options,
 * reads the settings and dispatches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/about.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "ncaenroll-ra/cmd-ra-console.h"
#include "ncaenroll-ra/cmd-ra.h"

static const struct cmd_entry *const ncaenroll_ra_commands[] = {
	&cmd_ra_queue_entry,
	&cmd_ra_show_entry,
	&cmd_ra_approve_entry,
	&cmd_ra_reject_entry,
	&cmd_ra_history_entry,
	&cmd_ra_reasons_entry,
	&cmd_ra_revoke_entry,
	&cmd_ra_certs_entry,
};

/* The program's options: before the command name, or after it with the command's own. */
enum ncaenroll_ra_option {
	NCAENROLL_RA_SERVICE,
	NCAENROLL_RA_CA_FILE,
	NCAENROLL_RA_OPERATOR,
	NCAENROLL_RA_PASSWORD_FD,
	NCAENROLL_RA_DEMO,
	NCAENROLL_RA_JSON,
	NCAENROLL_RA_LANG,
	NCAENROLL_RA__MAX
};

static const struct cmd_option ncaenroll_ra_options[] = {
	[NCAENROLL_RA_SERVICE] = { "service", 0, N_("URL"),
	    N_("use the enrollment service at URL (https://...)") },
	[NCAENROLL_RA_CA_FILE] = { "ca-file", 0, N_("FILE"),
	    N_("trust only the CA certificates in FILE") },
	[NCAENROLL_RA_OPERATOR] = { "operator", 0, N_("FILE.p12"),
	    N_("your operator certificate and key (the password is asked without echo); "
	    "on a token: --operator=pkcs11:serial=SERIAL (its PIN is asked)") },
	[NCAENROLL_RA_PASSWORD_FD] = { "password-fd", 0, N_("N"),
	    N_("read the container's password (or the token's PIN) as one line from "
	    "descriptor N (never from the command line)") },
	[NCAENROLL_RA_DEMO] = { "demo", 0, NULL,
	    N_("use a private demo service on this computer as operator 'demo-operator', "
	    "password 'demo-operator-2026'") },
	[NCAENROLL_RA_JSON] = { "json", 0, NULL, N_("answer in JSON (for scripts)") },
	[NCAENROLL_RA_LANG] = { "lang", 0, N_("LANG"),
	    N_("kk (Қазақша), ru (Русский) or en (English)") },
	[NCAENROLL_RA__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(NCAENROLL_RA__MAX < CMD_MAX_OPTIONS, "ncaenroll_ra_options fits cmd_args");

static int
ncaenroll_ra_override(char **slot, const char *value)
{
	free(*slot);
	return (*slot = strdup(value)) == NULL ? -1 : 0;
}

/* Options win over the settings files, which are read first. */
static int
ncaenroll_ra_set(struct cmd_ctx *c, int row, const char *value)
{
	struct ra_ctx	*ctx = ra_ctx_of(c);
	char		*cause = NULL;
	int		 rc = 0;

	switch ((enum ncaenroll_ra_option)row) {
	case NCAENROLL_RA_SERVICE: rc = ncaenroll_ra_override(&ctx->set.service, value); break;
	case NCAENROLL_RA_CA_FILE: rc = ncaenroll_ra_override(&ctx->set.ca_file, value); break;
	case NCAENROLL_RA_OPERATOR:
		rc = ncaenroll_ra_override(&ctx->set.operator_p12, value);
		ctx->operator_given = 1;
		break;
	case NCAENROLL_RA_PASSWORD_FD:
		if (cmd_fd_arg(value, &ctx->password_fd) == -1) {
			cmd_error(c, "%s", _("--password-fd needs a descriptor number"));
			return CMD_EXIT_USAGE;
		}
		break;
	case NCAENROLL_RA_DEMO: c->demo = 1; break;
	case NCAENROLL_RA_JSON: c->json = 1; break;
	case NCAENROLL_RA_LANG:
		/* Known before the first message (cmd_early_value); again if abbreviated. */
		if (i18n_init(value, &cause) == -1) {
			cmd_error(c, "%s", cause);
			free(cause);
			return CMD_EXIT_USAGE;
		}
		break;
	case NCAENROLL_RA__MAX: break;
	}
	if (rc == -1) {
		cmd_error(c, "%s", _("out of memory"));
		return CMD_EXIT_LOCAL;
	}
	return CMD_EXIT_OK;
}

static const struct cmd_program ncaenroll_ra_program = {
	"ncaenroll-ra", ncaenroll_ra_options, ncaenroll_ra_set,
	ncaenroll_ra_commands, sizeof ncaenroll_ra_commands / sizeof ncaenroll_ra_commands[0],
};

static int
ncaenroll_ra_help(const struct cmd_ctx *ctx)
{
	(void)printf(_("Usage: %s [OPTION]... COMMAND [ARG]...\n"), ctx->progname);
	(void)printf(_("  or:  %s [OPTION]...   (on a terminal: the full-screen console)\n"),
	    ctx->progname);
	(void)printf("%s\n\n", _("The registration desk: verify applicants for NCA RK\n"
	    "registration certificates and approve or reject their applications."));
	cmd_help_commands(ctx);
	(void)printf("\n%s\n", _("Options:"));
	cmd_help_options(ncaenroll_ra_options, 1);
	(void)printf("\n");
	/* Each file on a line of its own: configure's --sysconfdir may make one long. */
	(void)printf("%s\n  %s\n  %s\n", _("Settings (service, ca_file, operator, lang), "
	    "read in this order;\noptions win over both:"), RA_SETTINGS_FILE,
	    "~/.config/ncaenroll/ra.yaml");
	(void)printf("\n%s\n", _("Exit status: 0 done, 1 input refused, 2 wrong usage,\n"
	    "3 service failed, 4 local file or device failed."));
	return 0;
}

/*
 * A password or a token's PIN given on the command line is refused before anything else
 * (others see argv).
 */
static int
ncaenroll_ra_password_in_argv(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--password") == 0 || strncmp(argv[i], "--password=", 11) == 0 ||
		    strcmp(argv[i], "--pass") == 0 || strncmp(argv[i], "--pass=", 7) == 0 ||
		    strcmp(argv[i], "--pin") == 0 || strncmp(argv[i], "--pin=", 6) == 0 ||
		    (strstr(argv[i], "pkcs11:") != NULL && strstr(argv[i], "pin-value=") != NULL))
			return 1;
	return 0;
}

static int
ncaenroll_ra_run(struct ra_ctx *ctx, int argc, char **argv)
{
	int	rc, next = argc, help = 0, version = 0;

	if ((rc = cmd_globals(&ctx->cmd, argc, argv, &next, &help, &version)) != CMD_EXIT_OK)
		return rc;
	if (help)
		return ncaenroll_ra_help(&ctx->cmd);
	if (version)
		return about_version(ctx->cmd.progname) == 0 ? 0 : CMD_EXIT_LOCAL;
	if (next < argc)
		return cmd_run(&ctx->cmd, argc - next, argv + next);
	if (cmd_settings_usable(&ctx->cmd) != CMD_EXIT_OK)
		return CMD_EXIT_USAGE;
	return cmd_ra_console(ctx);	/* no command: the full-screen console */
}

int
main(int argc, char **argv)
{
	struct ra_ctx	 ctx;
	const char	*lang;
	char		*cause = NULL, *lcause = NULL;
	int		 rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.cmd.progname = "ncaenroll-ra";
	ctx.cmd.prog = &ncaenroll_ra_program;
	ctx.cmd.demo_svc.pid = -1;
	ctx.password_fd = -1;
	if (hardening_no_core_dumps(&cause) == -1 || hardening_no_sigpipe(&cause) == -1) {
		(void)fprintf(stderr, "ncaenroll-ra: %s\n", cause);
		free(cause);
		return CMD_EXIT_LOCAL;
	}
	/*
	 * Settings first (they may name the language); their complaint is said once --help
	 * and --version have had their answer.
	 */
	lang = cmd_early_value(argc, argv, "lang");
	/*
	 * Until the settings are read, the language of --lang, else of the environment: the
	 * settings' own complaint is said in it.
	 */
	if (lang == NULL || i18n_init(lang, NULL) == -1)
		(void)i18n_init(NULL, NULL);
	if (cmd_ra_settings_load(&ctx.set, &cause) == -1) {
		ctx.cmd.settings_cause = cause;
		cause = NULL;
	}
	/* Under --json even a mistake before the option is answered in JSON. */
	ctx.cmd.json = cmd_early_value(argc, argv, "json") != NULL;
	if (i18n_init(lang != NULL ? lang : ctx.set.lang, &lcause) == -1) {
		(void)i18n_init(NULL, NULL);
		cmd_error(&ctx.cmd, "%s", lcause);
		rc = CMD_EXIT_USAGE;
	} else if (ncaenroll_ra_password_in_argv(argc, argv)) {
		cmd_error(&ctx.cmd, "%s", _("a password is never taken from the command line "
		    "(others can read it there): type it when asked, or use --password-fd N"));
		rc = CMD_EXIT_USAGE;
	} else
		rc = ncaenroll_ra_run(&ctx, argc, argv);
	rc = cmd_finish(&ctx.cmd, rc);
	free(cause);
	free(lcause);
	cmd_ra_ctx_free(&ctx);
	return about_close_stdout(rc);
}

/*
 * ncaenroll — the applicant's program: with no command the full-screen application, with a
 * command one step for scripts. This file only parses global options and dispatches.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/about.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "ncaenroll/cmd-ncaenroll.h"
#include "ncaenroll/screens-int.h"
#include "tui/tui-term.h"
#include "tui/tui.h"

static const struct cmd_entry *const ncaenroll_commands[] = {
	&cmd_apply_entry,
	&cmd_status_entry,
	&cmd_install_entry,
	&cmd_passwd_entry,
	&cmd_revoke_entry,
	&cmd_renew_entry,
	&cmd_certs_entry,
	&cmd_list_entry,
	&cmd_form_entry,
	&cmd_abandon_entry,
	&cmd_validate_entry,
};

/* The program's options: before the command name, or after it with the command's own. */
enum ncaenroll_option {
	NCAENROLL_SERVICE,
	NCAENROLL_CA_FILE,
	NCAENROLL_STATE,
	NCAENROLL_DEMO,
	NCAENROLL_JSON,
	NCAENROLL_LANG,
	NCAENROLL__MAX
};

static const struct cmd_option ncaenroll_options[] = {
	[NCAENROLL_SERVICE] = { "service", 0, N_("URL"),
	    N_("use the enrollment service at URL (https://...)") },
	[NCAENROLL_CA_FILE] = { "ca-file", 0, N_("FILE"),
	    N_("trust only the CA certificates in FILE") },
	[NCAENROLL_STATE] = { "state", 0, N_("FILE"), N_("keep applications in FILE") },
	[NCAENROLL_DEMO] = { "demo", 0, NULL,
	    N_("use a private demo service on this machine") },
	[NCAENROLL_JSON] = { "json", 0, NULL, N_("answer in JSON (for scripts)") },
	[NCAENROLL_LANG] = { "lang", 0, N_("LANG"),
	    N_("kk (Қазақша), ru (Русский) or en (English)") },
	[NCAENROLL__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(NCAENROLL__MAX < CMD_MAX_OPTIONS, "ncaenroll_options fits cmd_args");

static int
ncaenroll_override(char **slot, const char *value)
{
	free(*slot);
	return (*slot = strdup(value)) == NULL ? -1 : 0;
}

/* Options win over the settings files, which are read first. */
static int
ncaenroll_set(struct cmd_ctx *ctx, int row, const char *value)
{
	char	*cause = NULL;
	int	 rc = 0;

	switch ((enum ncaenroll_option)row) {
	case NCAENROLL_SERVICE: rc = ncaenroll_override(&ctx->conf.service, value); break;
	case NCAENROLL_CA_FILE: rc = ncaenroll_override(&ctx->conf.ca_file, value); break;
	case NCAENROLL_STATE: rc = ncaenroll_override(&ctx->conf.state, value); break;
	case NCAENROLL_DEMO: ctx->demo = 1; break;
	case NCAENROLL_JSON: ctx->json = 1; break;
	case NCAENROLL_LANG:
		/* Known before the first message (cmd_early_value); again if abbreviated. */
		if (i18n_init(value, &cause) == -1) {
			cmd_error(ctx, "%s", cause);
			free(cause);
			return CMD_EXIT_USAGE;
		}
		break;
	case NCAENROLL__MAX: break;
	}
	if (rc == -1) {
		cmd_error(ctx, "%s", _("out of memory"));
		return CMD_EXIT_LOCAL;
	}
	return CMD_EXIT_OK;
}

static const struct cmd_program ncaenroll_program = {
	"ncaenroll", ncaenroll_options, ncaenroll_set,
	ncaenroll_commands, sizeof ncaenroll_commands / sizeof ncaenroll_commands[0],
};

static int
ncaenroll_help(const struct cmd_ctx *ctx)
{
	(void)printf(_("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), ctx->progname);
	(void)printf("%s\n\n", _("Apply for, check and install NCA RK registration certificates\n"
	    "of a legal entity's employee (\"User of Treasury-Client IS\")."));
	cmd_help_commands(ctx);
	(void)printf("\n%s\n", _("Options:"));
	cmd_help_options(ncaenroll_options, 1);
	(void)printf("\n%s\n", _("Exit status: 0 done, 1 input refused, 2 wrong usage,\n"
	    "3 service failed, 4 local file or device failed."));
	(void)printf("%s\n", _("6 the token is still on its factory PIN: no keys made (apply)."));
	(void)printf("\n%s\n", _("A lost container password cannot be recovered: such "
	    "certificates are\nrevoked at a registration desk, not with 'ncaenroll revoke'."));
	return 0;
}

/* No command: the full-screen application, on a terminal only. */
static int
ncaenroll_tui(struct cmd_ctx *ctx)
{
	struct enroll	*e;
	char		*cause = NULL;
	int		 rc;

	if (ctx->json)
		return cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, "%s", _("the full-screen "
		    "application answers no JSON; give a command with --json (see --help)"));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_fail(ctx, CMD_EXIT_USAGE, "usage", NULL, "%s", _("the full-screen "
		    "application needs a terminal; for scripts use a command (see --help)"));
	/* Before anything starts (a demo service): a terminal it cannot draw on. */
	if (tui_term_check(&cause) == -1) {
		rc = cmd_fail(ctx, CMD_EXIT_USAGE, "terminal", NULL, "%s", cause);
		free(cause);
		return rc;
	}
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	rc = screens_run(e, i18n_current(), &cause);
	if (cause != NULL)
		cmd_error(ctx, "%s", cause);
	free(cause);
	enroll_close(e);
	return rc;
}

static int
ncaenroll_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	int	rc, next = argc, help = 0, version = 0;

	if ((rc = cmd_globals(ctx, argc, argv, &next, &help, &version)) != CMD_EXIT_OK)
		return rc;
	if (help)
		return ncaenroll_help(ctx);
	if (version)
		return about_version(ctx->progname) == 0 ? 0 : CMD_EXIT_LOCAL;
	if (next < argc)
		return cmd_run(ctx, argc - next, argv + next);
	if (cmd_settings_usable(ctx) != CMD_EXIT_OK)
		return CMD_EXIT_USAGE;
	return ncaenroll_tui(ctx);
}

int
main(int argc, char **argv)
{
	struct cmd_ctx	 ctx;
	const char	*lang;
	char		*cause = NULL, *lcause = NULL;
	int		 rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.progname = "ncaenroll";
	ctx.prog = &ncaenroll_program;
	ctx.demo_svc.pid = -1;
	ctx.opened = certs_expiry_warn;
	if (hardening_no_core_dumps(&cause) == -1 || hardening_no_sigpipe(&cause) == -1) {
		(void)fprintf(stderr, "ncaenroll: %s\n", cause);
		free(cause);
		return CMD_EXIT_LOCAL;
	}
	/*
	 * Settings first: they may name the language (--lang, wherever it is, wins; then
	 * the settings' lang; then the environment), which must be known before the first
	 * message. Their complaint is said once --help and --version have had their answer.
	 */
	lang = cmd_early_value(argc, argv, "lang");
	/*
	 * Until the settings are read, the language of --lang, else of the environment: the
	 * settings' own complaint is said in it.
	 */
	if (lang == NULL || i18n_init(lang, NULL) == -1)
		(void)i18n_init(NULL, NULL);
	if (cliconf_load(&ctx.conf, &cause) == -1) {
		ctx.settings_cause = cause;
		cause = NULL;
	}
	/* Under --json even a mistake before the option is answered in JSON. */
	ctx.json = cmd_early_value(argc, argv, "json") != NULL;
	if (i18n_init(lang != NULL ? lang : ctx.conf.lang, &lcause) == -1) {
		(void)i18n_init(NULL, NULL);
		cmd_error(&ctx, "%s", lcause);
		rc = CMD_EXIT_USAGE;
	} else
		rc = ncaenroll_run(&ctx, argc, argv);
	rc = cmd_finish(&ctx, rc);
	free(cause);
	free(lcause);
	cmd_ctx_free(&ctx);
	return about_close_stdout(rc);
}

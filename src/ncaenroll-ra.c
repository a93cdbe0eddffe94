/*
 * ncaenroll-ra — the registration desk for RA operators: with a command one step for
 * scripts (queue, show, approve, reject, history); without one, on a terminal, the
 * full-screen console (src/ra-tui). This file only parses global options, reads the
 * settings and dispatches.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd-ra.h"
#include "cli/cmd-ra-console.h"
#include "common/about.h"
#include "common/hardening.h"
#include "common/i18n.h"

static const struct ra_cmd_entry *const ncaenroll_ra_commands[] = {
	&cmd_ra_queue_entry,
	&cmd_ra_show_entry,
	&cmd_ra_approve_entry,
	&cmd_ra_reject_entry,
	&cmd_ra_history_entry,
	&cmd_ra_reasons_entry,
};
#define NCAENROLL_RA_NCOMMANDS \
	(sizeof ncaenroll_ra_commands / sizeof ncaenroll_ra_commands[0])

static int
ncaenroll_ra_help(const char *prog)
{
	size_t	i;

	(void)printf(_("Usage: %s [OPTION]... COMMAND [ARG]...\n"), prog);
	(void)printf(_("  or:  %s [OPTION]...   (on a terminal: the full-screen console)\n"),
	    prog);
	(void)printf("%s\n\n", _("The registration desk: verify applicants for NCA RK\n"
	    "registration certificates and approve or reject their applications."));
	(void)printf("%s\n", _("Commands:"));
	for (i = 0; i < NCAENROLL_RA_NCOMMANDS; i++) {
		const struct ra_cmd_entry	*e = ncaenroll_ra_commands[i];

		(void)printf("  %s %s\n      %s\n", e->name, _(e->usage), _(e->summary));
	}
	(void)printf("\n%s\n", _("Options:"));
	(void)printf("%s\n", _("      --service=URL use the enrollment service at URL (https://...)"));
	(void)printf("%s\n", _("      --ca-file=FILE trust only the CA certificates in FILE"));
	(void)printf("%s\n", _("      --operator=FILE.p12 your operator certificate and key\n"
	    "                    (the password is asked without echo)"));
	(void)printf("%s\n", _("      --operator=pkcs11:serial=SERIAL  the same on a token\n"
	    "                    (the token's PIN is asked without echo)"));
	(void)printf("%s\n", _("      --password-fd=N read the container's password (or the\n"
	    "                    token's PIN) as one line from descriptor N\n"
	    "                    (never from the command line)"));
	(void)printf(_("      --demo        use a private demo service on this computer as\n"
	    "                    operator '%s', password '%s'\n"),
	    RA_DEMO_OPERATOR, RA_DEMO_PASSWORD);
	(void)printf("%s\n", _("      --json        answer in JSON (for scripts)"));
	(void)printf("%s\n", _("      --lang=LANG   kk (Қазақша), ru (Русский) or en (English)"));
	(void)printf("%s\n", _("  -h, --help        show this help and exit"));
	(void)printf("%s\n", _("  -V, --version     show version information and exit"));
	(void)printf("\n%s\n", _("Settings: /etc/ncaenroll/ncaenroll-ra.yaml, then\n"
	    "~/.config/ncaenroll/ra.yaml (service, ca_file, operator, lang); options win."));
	(void)printf("\n%s\n", _("Exit status: 0 done, 1 input refused, 2 wrong usage,\n"
	    "3 service failed, 4 local file or device failed."));
	return 0;
}

static int
ncaenroll_ra_override(char **slot, const char *value)
{
	free(*slot);
	return (*slot = strdup(value)) == NULL ? -1 : 0;
}

static const struct ra_cmd_entry *
ncaenroll_ra_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCAENROLL_RA_NCOMMANDS; i++)
		if (strcmp(ncaenroll_ra_commands[i]->name, name) == 0)
			return ncaenroll_ra_commands[i];
	return NULL;
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

/* --help or --version: answered even when a settings file is broken. */
static int
ncaenroll_ra_asks_about(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0)
			return 1;
	return 0;
}

/* The language: --lang, else the settings' lang, else the environment. */
static int
ncaenroll_ra_lang(int argc, char **argv, const struct ra_settings *set, char **cause)
{
	const char	*lang = set->lang;
	int		 c;

	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
		if (strncmp(argv[c], "--lang=", 7) == 0)
			lang = argv[c] + 7;
		else if (strcmp(argv[c], "--lang") == 0 && c + 1 < argc)
			lang = argv[c + 1];
	return i18n_init(lang, cause);
}

static int
ncaenroll_ra_options(struct ra_ctx *ctx, int argc, char **argv, int *help, int *version)
{
	static const struct option	 opts[] = {
		{ "ca-file", required_argument, NULL, 'C' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'L' },
		{ "operator", required_argument, NULL, 'O' },
		{ "password-fd", required_argument, NULL, 'P' },
		{ "service", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int				 c, rc = 0;

	while (rc == 0 && (c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'C': rc = ncaenroll_ra_override(&ctx->set.ca_file, optarg); break;
		case 'D': ctx->cmd.demo = 1; break;
		case 'O':
			rc = ncaenroll_ra_override(&ctx->set.operator_p12, optarg);
			ctx->operator_given = 1;
			break;
		case 'S': rc = ncaenroll_ra_override(&ctx->set.service, optarg); break;
		case 'h': *help = 1; break;
		case 'j': ctx->cmd.json = 1; break;
		case 'L': break;
		case 'V': *version = 1; break;
		case 'P':
			if (cmd_fd_arg(optarg, &ctx->password_fd) == -1) {
				cmd_error(&ctx->cmd, "%s", _("--password-fd needs a descriptor number"));
				return CMD_EXIT_USAGE;
			}
			break;
		default:
			(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    ctx->cmd.progname);
			return CMD_EXIT_USAGE;
		}
	}
	return rc == 0 ? CMD_EXIT_OK : CMD_EXIT_LOCAL;
}

static int
ncaenroll_ra_run(struct ra_ctx *ctx, int argc, char **argv)
{
	const struct ra_cmd_entry	*e;
	int				 help = 0, version = 0, rc;

	if ((rc = ncaenroll_ra_options(ctx, argc, argv, &help, &version)) != CMD_EXIT_OK)
		return rc;
	if (help)
		return ncaenroll_ra_help(ctx->cmd.progname);
	if (version)
		return about_version(ctx->cmd.progname) == 0 ? 0 : CMD_EXIT_LOCAL;
	if (optind == argc)
		return cmd_ra_console(ctx);	/* no command: the full-screen console */
	if ((e = ncaenroll_ra_find(argv[optind])) == NULL) {
		cmd_error(&ctx->cmd, _("unknown command '%s'"), argv[optind]);
		(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
		    ctx->cmd.progname);
		return CMD_EXIT_USAGE;
	}
	return e->exec(ctx, argc - optind, argv + optind);
}

int
main(int argc, char **argv)
{
	struct ra_ctx	 ctx;
	char		*cause = NULL, *lcause = NULL;
	int		 rc, loaded;

	memset(&ctx, 0, sizeof ctx);
	ctx.cmd.progname = "ncaenroll-ra";
	ctx.cmd.demo_svc.pid = -1;
	ctx.password_fd = -1;
	if (hardening_no_core_dumps(&cause) == -1 || hardening_no_sigpipe(&cause) == -1) {
		(void)fprintf(stderr, "ncaenroll-ra: %s\n", cause);
		free(cause);
		return CMD_EXIT_LOCAL;
	}
	/* Settings first (they may name the language), their complaint in that language. */
	loaded = ra_settings_load(&ctx.set, &cause);
	if (ncaenroll_ra_lang(argc, argv, &ctx.set, &lcause) == -1) {
		(void)i18n_init(NULL, NULL);
		cmd_error(&ctx.cmd, "%s", lcause);
		rc = CMD_EXIT_USAGE;
	} else if (loaded == -1 && !ncaenroll_ra_asks_about(argc, argv)) {
		cmd_error(&ctx.cmd, "%s", cause);
		rc = CMD_EXIT_USAGE;
	} else if (ncaenroll_ra_password_in_argv(argc, argv)) {
		cmd_error(&ctx.cmd, "%s", _("a password is never taken from the command line "
		    "(others can read it there): type it when asked, or use --password-fd N"));
		rc = CMD_EXIT_USAGE;
	} else
		rc = ncaenroll_ra_run(&ctx, argc, argv);
	free(cause);
	free(lcause);
	ra_ctx_free(&ctx);
	return about_close_stdout(rc);
}

/*
 * ncaenroll — the applicant's program: with no command the full-screen application, with a
 * command one step for scripts. This file only parses global options and dispatches.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/about.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "tui/tui-term.h"
#include "tui/tui.h"

static const struct cmd_entry *const ncaenroll_commands[] = {
	&cmd_apply_entry,
	&cmd_status_entry,
	&cmd_install_entry,
	&cmd_list_entry,
	&cmd_form_entry,
	&cmd_abandon_entry,
	&cmd_validate_entry,
};
#define NCAENROLL_NCOMMANDS (sizeof ncaenroll_commands / sizeof ncaenroll_commands[0])

static int
ncaenroll_help(const char *prog)
{
	size_t	i;

	(void)printf(_("Usage: %s [OPTION]... [COMMAND [ARG]...]\n"), prog);
	(void)printf("%s\n\n", _("Apply for, check and install NCA RK registration certificates\n"
	    "of a legal entity's employee (\"User of Treasury-Client IS\")."));
	(void)printf("%s\n", _("Commands:"));
	for (i = 0; i < NCAENROLL_NCOMMANDS; i++) {
		const struct cmd_entry	*e = ncaenroll_commands[i];

		(void)printf("  %s %s\n      %s\n", e->name, _(e->usage), _(e->summary));
	}
	(void)printf("\n%s\n", _("Options:"));
	(void)printf("%s\n", _("      --service=URL use the enrollment service at URL (https://...)"));
	(void)printf("%s\n", _("      --ca-file=FILE trust only the CA certificates in FILE"));
	(void)printf("%s\n", _("      --state=FILE  keep applications in FILE"));
	(void)printf("%s\n", _("      --demo        use a private demo service on this machine"));
	(void)printf("%s\n", _("      --json        answer in JSON (for scripts)"));
	(void)printf("%s\n", _("      --lang=LANG   kk (Қазақша), ru (Русский) or en (English)"));
	(void)printf("%s\n", _("  -h, --help        show this help and exit"));
	(void)printf("%s\n", _("  -V, --version     show version information and exit"));
	(void)printf("\n%s\n", _("Exit status: 0 done, 1 input refused, 2 wrong usage,\n"
	    "3 service failed, 4 local file or device failed."));
	return 0;
}

static int
ncaenroll_override(char **slot, const char *value)
{
	free(*slot);
	return (*slot = strdup(value)) == NULL ? -1 : 0;
}

/* No command: the full-screen application, on a terminal only. */
static int
ncaenroll_tui(struct cmd_ctx *ctx)
{
	struct enroll	*e;
	char		*cause = NULL;
	int		 rc;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cmd_error(ctx, "%s", _("the full-screen application needs a terminal; "
		    "for scripts use a command (see --help)"));
		return CMD_EXIT_USAGE;
	}
	/* Before anything starts (a demo service): a terminal it cannot draw on. */
	if (tui_term_check(&cause) == -1) {
		cmd_error(ctx, "%s", cause);
		free(cause);
		return CMD_EXIT_USAGE;
	}
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	rc = tui_main(e, "forms", i18n_current(), &cause);
	if (cause != NULL)
		cmd_error(ctx, "%s", cause);
	free(cause);
	enroll_close(e);
	return rc;
}

static const struct cmd_entry *
ncaenroll_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCAENROLL_NCOMMANDS; i++)
		if (strcmp(ncaenroll_commands[i]->name, name) == 0)
			return ncaenroll_commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "ca-file", required_argument, NULL, 'C' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "lang", required_argument, NULL, 'L' },
		{ "service", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 'T' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_ctx			 ctx;
	const struct cmd_entry		*e;
	const char			*lang = NULL;
	char				*cause = NULL;
	int				 c, help = 0, version = 0, rc;
	char				*service = NULL, *ca_file = NULL, *state = NULL;

	memset(&ctx, 0, sizeof ctx);
	ctx.progname = "ncaenroll";
	ctx.demo_svc.pid = -1;
	if (hardening_no_core_dumps(&cause) == -1 || hardening_no_sigpipe(&cause) == -1) {
		(void)fprintf(stderr, "ncaenroll: %s\n", cause);
		free(cause);
		return CMD_EXIT_LOCAL;
	}
	/* The language must be known before the first message; find --lang first. */
	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
		if (strncmp(argv[c], "--lang=", 7) == 0)
			lang = argv[c] + 7;
		else if (strcmp(argv[c], "--lang") == 0 && c + 1 < argc)
			lang = argv[c + 1];
	if (i18n_init(lang, &cause) == -1) {
		(void)fprintf(stderr, "ncaenroll: %s\n", cause);
		free(cause);
		(void)i18n_init(NULL, NULL);
		return CMD_EXIT_USAGE;
	}
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'C': ca_file = optarg; break;
		case 'D': ctx.demo = 1; break;
		case 'S': service = optarg; break;
		case 'T': state = optarg; break;
		case 'h': help = 1; break;
		case 'j': ctx.json = 1; break;
		case 'L': break;
		case 'V': version = 1; break;
		default:
			(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    ctx.progname);
			return CMD_EXIT_USAGE;
		}
	}
	if (help)
		return about_close_stdout(ncaenroll_help(ctx.progname));
	if (version)
		return about_close_stdout(about_version(ctx.progname) == 0 ? 0 : CMD_EXIT_LOCAL);
	if (cliconf_load(&ctx.conf, &cause) == -1) {
		cmd_error(&ctx, "%s", cause);
		free(cause);
		cliconf_free(&ctx.conf);	/* what was read before the bad line */
		return CMD_EXIT_USAGE;
	}
	/* Options win over the settings files. */
	if ((service != NULL && ncaenroll_override(&ctx.conf.service, service) == -1) ||
	    (ca_file != NULL && ncaenroll_override(&ctx.conf.ca_file, ca_file) == -1) ||
	    (state != NULL && ncaenroll_override(&ctx.conf.state, state) == -1)) {
		cliconf_free(&ctx.conf);
		return CMD_EXIT_LOCAL;
	}
	if (optind == argc) {
		rc = ncaenroll_tui(&ctx);
		cmd_ctx_free(&ctx);
		return about_close_stdout(rc);
	}
	if ((e = ncaenroll_find(argv[optind])) == NULL) {
		cmd_error(&ctx, _("unknown command '%s'"), argv[optind]);
		(void)fprintf(stderr, _("Try '%s --help' for more information.\n"), ctx.progname);
		cliconf_free(&ctx.conf);
		return CMD_EXIT_USAGE;
	}
	rc = e->exec(&ctx, argc - optind, argv + optind);
	cmd_ctx_free(&ctx);
	return about_close_stdout(rc);
}

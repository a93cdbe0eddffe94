/*
 * ncaenroll-ra — the registration desk console for RA operators. This file only parses
 * global options and dispatches; the console itself arrives with its issue.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/about.h"
#include "common/hardening.h"
#include "common/i18n.h"

int
main(int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char				*cause = NULL;
	int				 c;

	if (hardening_no_core_dumps(&cause) == -1 || i18n_init(NULL, &cause) == -1) {
		(void)fprintf(stderr, "ncaenroll-ra: %s\n", cause);
		free(cause);
		return 4;
	}
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			(void)printf(_("Usage: %s [OPTION]...\n"), "ncaenroll-ra");
			(void)printf("%s\n\n", _("The registration desk console: verify applicants\n"
			    "and approve or reject their applications."));
			(void)printf("%s\n", _("  -h, --help        show this help and exit"));
			(void)printf("%s\n", _("  -V, --version     show version information and exit"));
			return about_close_stdout(0);
		case 'V':
			return about_close_stdout(about_version("ncaenroll-ra") == 0 ? 0 : 4);
		default:
			(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    "ncaenroll-ra");
			return 2;
		}
	}
	(void)fprintf(stderr, "ncaenroll-ra: %s\n", _("the desk console is not built yet"));
	return 2;
}

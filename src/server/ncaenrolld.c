/*
 * ncaenrolld — the enrollment service standing in for the NCA RK site. This file only
 * parses options and starts the service.
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
		(void)fprintf(stderr, "ncaenrolld: %s\n", cause);
		free(cause);
		return 4;
	}
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			(void)printf(_("Usage: %s [OPTION]...\n"), "ncaenrolld");
			(void)printf("%s\n", _("  -h, --help        show this help and exit"));
			(void)printf("%s\n", _("  -V, --version     show version information and exit"));
			return about_close_stdout(0);
		case 'V':
			return about_close_stdout(about_version("ncaenrolld") == 0 ? 0 : 4);
		default:
			(void)fprintf(stderr, _("Try '%s --help' for more information.\n"),
			    "ncaenrolld");
			return 2;
		}
	}
	(void)fprintf(stderr, "ncaenrolld: %s\n", _("the service is not built yet"));
	return 2;
}

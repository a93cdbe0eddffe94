/*
 * about — the --version text of the three programs and the last check of stdout: a write
 * that failed (a full disk, a closed pipe) turns a successful exit into a failed one.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/about.h"
#include "common/i18n.h"
#include "common/oserror.h"

int
about_version(const char *program)
{
	if (printf("%s (%s) %s\n", program, PACKAGE_NAME, PACKAGE_VERSION) < 0 ||
	    printf("Copyright (C) 2026 %s\n", _("the ncaenroll authors")) < 0 ||
	    printf("%s\n", _("License ISC: <https://opensource.org/licenses/ISC>.")) < 0 ||
	    printf("%s\n", _("This is free software: you are free to change and redistribute "
	    "it.\nThere is NO WARRANTY, to the extent permitted by law.")) < 0)
		return -1;
	return 0;
}

int
about_close_stdout(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		(void)fprintf(stderr, "%s: %s\n", _("write error"), OSERROR(errno));
		return status == 0 ? 4 : status;
	}
	return status;
}

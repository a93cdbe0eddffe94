/*
 * enroll-support — the applicant's core asking a service for its support contact, for the
 * system tests (not installed):
 *   enroll-support URL CAFILE STATE LANG     the lines enroll_support_text gives, or
 *                                            "(none)"; asked twice: the second answer
 *                                            must come from the run's cache
 * Exit 0, or 1 with the error on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "enroll/enroll.h"

int
main(int argc, char **argv)
{
	struct enroll_config	 cfg;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll		*e;
	char			*text = NULL, *again = NULL, *cause = NULL;
	int			 rc = 1;

	if (argc != 5) {
		(void)fprintf(stderr, "usage: enroll-support URL CAFILE STATE LANG\n");
		return 2;
	}
	if (i18n_init(argv[4], &cause) == -1) {
		(void)fprintf(stderr, "enroll-support: %s\n", cause);
		free(cause);
		return 1;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.state_path = argv[3];
	cfg.service.url = argv[1];
	cfg.service.ca_file = argv[2];
	cfg.service.lang = cfg.lang = i18n_current();
	if ((e = enroll_open(&cfg, &err)) == NULL)
		goto out;
	if ((text = enroll_support_text(e, &err)) == NULL ||
	    (again = enroll_support_text(e, &err)) == NULL)
		goto out;
	if (strcmp(text, again) != 0) {
		(void)fprintf(stderr, "enroll-support: the second answer differs\n");
		goto out;
	}
	(void)printf("%s\n", *text != '\0' ? text : "(none)");
	rc = 0;
out:
	if (rc != 0 && err.message != NULL)
		(void)fprintf(stderr, "enroll-support: %s\n", err.message);
	free(text);
	free(again);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

/*
 * ncaenroll-pdf — draws the printable application form (appform-pdf.h) for ncaenroll, which
 * runs it only when a person saves or prints a form (src/enroll/pdfhelper.h): pango, cairo
 * and libqrencode then load in this small program, not at every start of ncaenroll. Reads
 * one JSON object on standard input (appform-json.h: the form, "lang", "path"), writes the
 * PDF to path in that language and exits 0; else says why in one line on standard error
 * (ncaenroll quotes it) and exits 1, or 2 for a request it cannot read. It takes no
 * arguments and never sees a secret. Installed in $(pkglibexecdir), not on PATH.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/appform-json.h"
#include "common/appform-pdf.h"
#include "common/cause.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "common/oserror.h"

enum pdf_exit { PDF_EXIT_OK, PDF_EXIT_FAILED, PDF_EXIT_BAD_REQUEST };

/* A form is a few kilobytes; a request this long is not one. */
#define PDF_REQUEST_MAX	(1024 * 1024)

/* Standard input to its end (then closed): a malloc'd buffer, or NULL with a cause. */
static char *
pdf_read_request(size_t *len, char **cause)
{
	char	*buf = NULL, *p;
	size_t	 size = 0;
	ssize_t	 n;
	int	 bad = 1;

	for (*len = 0;;) {
		if (*len == size && size >= PDF_REQUEST_MAX) {
			cause_set(cause, "request: longer than %d bytes", PDF_REQUEST_MAX);
			break;
		}
		if (*len == size) {
			size = size == 0 ? 4096 : size * 2;
			if ((p = realloc(buf, size)) == NULL) {
				cause_set(cause, "out of memory");
				break;
			}
			buf = p;
		}
		if ((n = read(STDIN_FILENO, buf + *len, size - *len)) == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cause_set(cause, _("the form could not be read: %s"), OSERROR(errno));
			break;
		}
		if (n == 0) {
			bad = 0;
			break;
		}
		*len += (size_t)n;
	}
	if (close(STDIN_FILENO) == -1 && !bad) {
		cause_set(cause, _("the form could not be read: %s"), OSERROR(errno));
		bad = 1;
	}
	if (bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
main(int argc, char **argv)
{
	struct appform_json	 req;
	char			*text = NULL, *cause = NULL;
	size_t			 len;
	enum pdf_exit		 rc = PDF_EXIT_BAD_REQUEST;

	if (hardening_no_core_dumps(&cause) == -1) {
		(void)fprintf(stderr, "%s\n", cause != NULL ? cause : "out of memory");
		free(cause);
		return PDF_EXIT_FAILED;
	}
	if (argc != 1) {
		(void)fprintf(stderr, "usage: %s < REQUEST (run by ncaenroll)\n", argv[0]);
		return PDF_EXIT_BAD_REQUEST;
	}
	if ((text = pdf_read_request(&len, &cause)) != NULL &&
	    appform_json_load(text, len, &req, &cause) == 0) {
		if (i18n_init(req.lang, &cause) == -1 ||
		    appform_pdf_write(&req.form, req.lang, req.path, &cause) == -1)
			rc = PDF_EXIT_FAILED;
		else
			rc = PDF_EXIT_OK;
		appform_json_free(&req);
	}
	if (rc != PDF_EXIT_OK)
		(void)fprintf(stderr, "%s\n", cause != NULL ? cause : "out of memory");
	free(cause);
	free(text);
	return rc;
}

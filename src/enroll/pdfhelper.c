/*
 * pdfhelper — running ncaenroll-pdf (common/helperrun.h) on the form as JSON, and saying
 * in the person's language why it made no PDF.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/appform-json.h"
#include "common/cause.h"
#include "common/helperrun.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "enroll/pdfhelper.h"

#define PDFHELPER_NAME	"ncaenroll-pdf"

static char *
pdfhelper_path(void)
{
	const char	*dir = getenv("NCAENROLL_LIBEXECDIR");
	char		*path;

	if (dir == NULL || *dir == '\0')
		dir = PKGLIBEXECDIR;
	if (asprintf(&path, "%s/%s", dir, PDFHELPER_NAME) == -1)
		return NULL;
	return path;
}

/* Why it failed, into *why: its own words first. */
static void
pdfhelper_why(const struct helperrun *h, char **why)
{
	if (h->line[0] != '\0')
		cause_set(why, "%s", h->line);
	else if (h->wait_errno != 0)
		cause_set(why, _("cannot wait for %s to end: %s"), h->prog,
		    OSERROR(h->wait_errno));
	else if (WIFSIGNALED(h->status))
		cause_set(why, _("%s was stopped by signal %d"), h->prog, WTERMSIG(h->status));
	else if (WIFEXITED(h->status) && WEXITSTATUS(h->status) != 0)
		cause_set(why, _("%s ended with exit status %d"), h->prog,
		    WEXITSTATUS(h->status));
	else
		cause_set(why, "%s: %s", h->prog, OSERROR(h->send_errno));
}

int
pdfhelper_run(const struct appform *af, const char *lang, const char *path, char **cause)
{
	struct helperrun	 h = { .name = PDFHELPER_NAME };
	char			*json = NULL, *why = NULL, *prog = NULL;
	int			 rc = -1, e;

	/* why stays NULL only when memory ran out. */
	json = appform_json_dump(af, lang, path, &why);
	if (json != NULL && (prog = pdfhelper_path()) != NULL) {
		h.prog = prog;
		if ((e = helperrun(&h, json, strlen(json))) != 0)
			cause_set(&why, "%s: %s", prog, OSERROR(e));
		else if (helperrun_ok(&h))
			rc = 0;
		else
			pdfhelper_why(&h, &why);
	}
	if (rc == -1)
		cause_set(cause, _("cannot make the PDF: %s"), why != NULL ? why :
		    _("out of memory"));
	free(why);
	free(json);
	free(prog);
	return rc;
}

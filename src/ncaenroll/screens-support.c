/*
 * screens-support — where to turn for help, on ncaenroll's screens: the end of every F1
 * help (the engine's help_more hook), and the end of every box that reports a failure
 * the person cannot get past alone. The contact is the service's (enroll_support_text,
 * in the current language, asked once a run); it is asked the first time the service
 * answers something else, so that it is at hand when the service later fails. A contact
 * that cannot be had adds nothing: never a word about the contact itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

/* The contact under its heading, or NULL when there is none to give (malloc'd). */
static char *
screens_support_lines(const char *contact)
{
	char	*text = NULL;

	if (contact == NULL || *contact == '\0')
		return NULL;
	if (asprintf(&text, "%s\n%s", _("Where to turn for help:"), contact) == -1)
		return NULL;
	return text;
}

char *
screens_support_help(struct tui *t)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*ctx = t->ctx;
	char			*contact, *text;

	if ((contact = enroll_support_text(ctx->enroll, &err)) == NULL) {
		failure_free(&err);
		return NULL;
	}
	text = screens_support_lines(contact);
	free(contact);
	return text;
}

void
screens_support_warm(struct screen *s)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	char			*contact;

	/* Had already: the core's copy, no network. Not to be had: nothing to say. */
	if ((contact = enroll_support_text(screens_enroll(s), &err)) == NULL)
		failure_free(&err);
	free(contact);
}

char *
screens_support_failure(struct screen *s, const char *message,
    const struct failure *err)
{
	char	*contact, *lines, *text = NULL;

	if ((contact = enroll_support_for(screens_enroll(s), err)) == NULL)
		return NULL;
	lines = screens_support_lines(contact);
	free(contact);
	if (lines == NULL)
		return strdup(message);
	if (asprintf(&text, "%s\n\n%s", message, lines) == -1)
		text = NULL;
	free(lines);
	return text;
}

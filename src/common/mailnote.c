/*
 * mailnote — the words for a mail that did not arrive. The relay's own words ("550 5.1.1
 * ...") are quoted as they came: they are what an administrator of that mailbox reads.
 */
#include "config.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "common/mailnote.h"

/* The notices by wire name (contract-14, notice.h), as a person names them. */
static const struct mailnote_name {
	const char	*wire;
	const char	*name;
} mailnote_names[] = {
	{ "received",		N_("application registered") },
	{ "issued",		N_("certificates issued") },
	{ "rejected",		N_("application rejected") },
	{ "reminder",		N_("deadline reminder") },
	{ "cancelled",		N_("application cancelled") },
	{ "expiring-30",	N_("certificates expiring") },
	{ "expiring-14",	N_("certificates expiring") },
	{ "expiring-7",		N_("certificates expiring") },
	{ "revoked",		N_("certificates revoked") },
};

/* What a mail's state asks of a person. */
enum mailnote_kind {
	MAILNOTE_REFUSED,	/* the relay said no for good (5xx) */
	MAILNOTE_FAILED,	/* not taken for longer than the service tries */
	MAILNOTE_RETRIED,	/* not taken yet; tried again */
};

const char *
mailnote_notice(const char *wire)
{
	size_t	i;

	for (i = 0; i < sizeof mailnote_names / sizeof mailnote_names[0]; i++)
		if (strcmp(mailnote_names[i].wire, wire) == 0)
			return _(mailnote_names[i].name);
	return wire;
}

static const char *
mailnote_str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* What m asks of a person, or -1 when nothing (sent, or on its way with no trouble). */
static int
mailnote_kind(const json_t *m)
{
	const char	*state = mailnote_str(m, "state");

	if (strcmp(state, "refused") == 0)
		return MAILNOTE_REFUSED;
	if (strcmp(state, "failed") == 0)
		return MAILNOTE_FAILED;
	if ((strcmp(state, "queued") == 0 || strcmp(state, "sending") == 0) &&
	    *mailnote_str(m, "error") != '\0')
		return MAILNOTE_RETRIED;
	return -1;
}

/* After the address it is about, as the desk's console shows it. */
static int
mailnote_brief(char **s, int kind, int tries, const char *error)
{
	error = error != NULL ? error : "?";
	if (kind == MAILNOTE_RETRIED)
		return asprintf(s, _("the mail to it is not delivered yet: %s; the service keeps "
		    "trying"), error);
	if (kind == MAILNOTE_REFUSED)
		return asprintf(s, _("the mail to it was refused: %s; tell the applicant in "
		    "person"), error);
	return asprintf(s, _("the mail to it could not be delivered (tries: %d): %s; tell the "
	    "applicant in person"), tries, error);
}

/* One sentence into *s (asprintf's return); literal formats, so the compiler checks them. */
static int
mailnote_say(char **s, enum mailnote_reader reader, int kind, const char *notice,
    const char *to, int tries, const char *error)
{
	if (reader == MAILNOTE_DESK_BRIEF)
		return mailnote_brief(s, kind, tries, error);
	if (error == NULL && (reader == MAILNOTE_DESK || kind != MAILNOTE_FAILED))
		error = "?";
	if (kind == MAILNOTE_RETRIED)
		return asprintf(s, _("The mail \"%s\" to %s is not delivered yet: %s — the "
		    "service keeps trying."), notice, to, error);
	if (reader == MAILNOTE_DESK && kind == MAILNOTE_REFUSED)
		return asprintf(s, _("The mail \"%s\" to %s was refused: %s; tell the applicant "
		    "in person."), notice, to, error);
	if (reader == MAILNOTE_DESK)
		return asprintf(s, _("The mail \"%s\" to %s could not be delivered (tries: %d): "
		    "%s; tell the applicant in person."), notice, to, tries, error);
	if (kind == MAILNOTE_REFUSED)
		return asprintf(s, _("The mail \"%s\" to %s was refused by its mail server: %s — "
		    "check the address; the application goes on without it."), notice, to, error);
	/* The public status gives no words of a passing failure (they name the relay). */
	if (error == NULL)
		return asprintf(s, _("The mail \"%s\" to %s could not be delivered (tries: %d) — "
		    "the application goes on without it."), notice, to, tries);
	return asprintf(s, _("The mail \"%s\" to %s could not be delivered (tries: %d): %s — "
	    "the application goes on without it."), notice, to, tries, error);
}

char *
mailnote_problem(const json_t *list, enum mailnote_reader reader)
{
	const json_t	*m;
	const char	*error;
	char		*s = NULL;
	size_t		 i;
	int		 kind, rc;

	/* Newest first: a later mail that went shows the address works now. */
	for (i = json_array_size(list); i > 0; i--) {
		m = json_array_get(list, i - 1);
		if (strcmp(mailnote_str(m, "state"), "sent") == 0)
			return NULL;
		if ((kind = mailnote_kind(m)) == -1)
			continue;
		error = *mailnote_str(m, "error") != '\0' ? mailnote_str(m, "error") : NULL;
		rc = mailnote_say(&s, reader, kind, mailnote_notice(mailnote_str(m, "notice")),
		    mailnote_str(m, "to"),
		    (int)json_integer_value(json_object_get(m, "attempts")), error);
		return rc == -1 ? NULL : s;
	}
	return NULL;
}

char *
mailnote_demo_file(const char *maildir, const char *notice, const char *number)
{
	glob_t	 g;
	char	*pattern = NULL, *path = NULL;

	/* The number and the notice hold no pattern characters: digits, dashes, letters. */
	if (asprintf(&pattern, "%s/new/*.%s.%s.*.eml*", maildir, notice, number) == -1)
		return NULL;
	memset(&g, 0, sizeof g);
	/* Sorted, and the names start with the time: the first is the first delivered. */
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		path = strdup(g.gl_pathv[0]);
	globfree(&g);
	free(pattern);
	return path;
}

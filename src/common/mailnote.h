/*
 * mailnote — what became of an application's mails, in the reader's words (gettext), from
 * the "mail" list of its status or of the desk's view (doc/api.md, doc/api-ra.md): the one
 * mail a person has to act on (refused, failed, or waiting on the relay's refusal), so
 * the applicant checks the address or the operator tells them in person. A mail that went
 * or is simply on its way says nothing. Shared by ncaenroll (the address masked, as the
 * service gives it) and ncaenroll-ra (in full). Returns malloc'd text or NULL.
 */
#ifndef NCA_MAILNOTE_H
#define NCA_MAILNOTE_H

#include <jansson.h>

enum mailnote_reader {
	MAILNOTE_APPLICANT,	/* check the address; the application goes on without it */
	MAILNOTE_DESK,		/* tell the applicant in person */
	MAILNOTE_DESK_BRIEF,	/* the same after the address, on a crowded screen: "the
				   mail to it ..." without the notice or the address */
	MAILNOTE__MAX
};

/*
 * The newest mail of list that did not arrive and for which no later mail did, in one
 * sentence for reader; NULL when there is none (or no memory: then nothing is said).
 */
char	*mailnote_problem(const json_t *list, enum mailnote_reader reader);

/* The notice's name in the reader's words ("application registered"), else the wire word. */
const char *mailnote_notice(const char *wire);

/*
 * The file in maildir (the demo service's mail sink, contract-14: new/EPOCH.NOTICE.
 * NUMBER.ID.eml) that holds the mail notice (a wire name) of application number, the
 * first one delivered; malloc'd, or NULL while there is none.
 */
char	*mailnote_demo_file(const char *maildir, const char *notice, const char *number);

#endif

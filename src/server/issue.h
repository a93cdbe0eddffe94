/*
 * issue — approving an application: both certificates are issued by the CA from the stored
 * CSRs and the registry data, stored with the move submitted -> issued in one transition
 * (exactly one of two concurrent approvals wins), and the applicant is notified by mail.
 * Used by the demo auto-approve job and, later, by the RA desk's approve call.
 */
#ifndef NCA_ISSUE_H
#define NCA_ISSUE_H

#include "server/srv.h"

/* The key storages an applicant may choose (nca-facts.md §4): wire name, CA class, label. */
struct issue_storage {
	const char	*wire;		/* "pc", "etoken72k", "jacarta", "kaztoken", "akey",
					 * "idcard" */
	enum ca_storage	 ca;		/* pc: a folder; the others: a token */
	const char	*label;		/* untranslated: "PC folder", "eToken PRO 72K", ... */
};

/* The row for a wire name, or NULL. */
const struct issue_storage *issue_storage_find(const char *wire);

/* *won = 0 and *current = the status it had if the application was no longer submitted. */
int	issue_application(struct srv *, struct store *, const char *number,
	    const char *actor, int *won, enum app_status *current, char **cause);
/* The same, with note (may be NULL) appended to the history's and audit's detail. */
int	issue_application_note(struct srv *, struct store *, const char *number,
	    const char *actor, const char *note, int *won, enum app_status *current,
	    char **cause);

#endif

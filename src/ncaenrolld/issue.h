/*
 * issue — approving an application: both certificates are issued by the CA from the stored
 * CSRs and the registry data, stored with the move submitted -> issued in one transition
 * (exactly one of two concurrent approvals wins), which queues the applicant's mail.
 * Used by the demo auto-approve job and by the RA desk's approve call; submission asks
 * issue_check first, so no application is accepted that the CA would refuse.
 */
#ifndef NCA_ISSUE_H
#define NCA_ISSUE_H

#include "ncaenrolld/srv.h"

/*
 * Why an approval failed: the application's own data, which the CA refuses (it can never
 * be issued as it is: the desk rejects it); the CA's state (its certificate would end
 * before the new one, its key, its lock: the service's administrator must act); anything
 * else (the store, memory).
 */
enum issue_failure { ISSUE_FAIL_INTERNAL, ISSUE_FAIL_DATA, ISSUE_FAIL_CA, ISSUE_FAIL__MAX };

/*
 * What the CA would refuse in an application as submitted (a, not yet stored): its key
 * storage and its subject, built as issuance builds it (the role from the directory, the
 * organization as registered now). 0, or -1 with the cause, *field naming the member of
 * POST /applications at fault (NULL if none) and *why DATA (or INTERNAL: the store failed).
 */
int	issue_check(struct store *, const struct store_app *a, const char **field,
	    enum issue_failure *why, char **cause);

/* *won = 0 and *current = the status it had if the application was no longer submitted. */
int	issue_application(struct srv *, struct store *, const char *number,
	    const char *actor, int *won, enum app_status *current, char **cause);
/* What became of an approval besides the move: whose failure. */
struct issue_report {
	enum issue_failure	why;	/* on failure */
};

/*
 * The same, with note (may be NULL) appended to the history's and audit's detail, and
 * *rep (may be NULL) filled.
 */
int	issue_application_note(struct srv *, struct store *, const char *number,
	    const char *actor, const char *note, int *won, enum app_status *current,
	    struct issue_report *rep, char **cause);

#endif

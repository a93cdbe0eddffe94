/*
 * appstatus — the statuses of an application as the service keeps them and the wire names
 * them (doc/api.md). One table maps each to its wire name and to the words a person reads
 * (untranslated; show with _()). Shared by the service, the client and the desk console.
 */
#ifndef NCA_APPSTATUS_H
#define NCA_APPSTATUS_H

enum app_status {
	APP_SUBMITTED,		/* waiting for the applicant at an RA desk */
	APP_ISSUED,		/* approved; both certificates issued */
	APP_INSTALLED,		/* the applicant installed them */
	APP_REJECTED,		/* an RA operator refused, with a reason */
	APP_CANCELLED,		/* not verified within the window */
	APP_REVOKED,		/* both certificates revoked (common/revocation.h) */
	APP_STATUS__MAX
};

const char	*appstatus_wire(enum app_status);	/* "submitted", ... */
const char	*appstatus_label(enum app_status);	/* "Registration certificates are issued" */
/* 0 and *out set, or -1 if name is no status. */
int		 appstatus_parse(const char *name, enum app_status *out);

#endif

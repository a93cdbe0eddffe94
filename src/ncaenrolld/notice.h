/*
 * notice — the words of the applicant's mail: which notices there are (their wire and
 * store names, "received", "expiring-14") and each one's subject and body in kk, ru or
 * en, written from the application as the store holds it. The words are a table in
 * notice.c, not the catalogs: the service writes to each person in that person's
 * language, which process-wide gettext cannot do. notice_render returns malloc'd text
 * (the caller frees it) and 0, or -1 with a caller-freed *cause; it is safe to call from
 * any thread (no state but what it is given).
 */
#ifndef NCA_NOTICE_H
#define NCA_NOTICE_H

#include <time.h>

struct store;
struct store_app;

enum notice {
	NOTICE_RECEIVED,	/* submitted: number, deadline, documents, the form as a PDF */
	NOTICE_ISSUED,		/* approved: serials, valid until, how to install */
	NOTICE_REJECTED,	/* rejected: the reason and the operator's own text */
	NOTICE_REMINDER,	/* few days left to verify at a desk */
	NOTICE_CANCELLED,	/* not verified in time */
	NOTICE_EXPIRING_30,	/* the certificates end within 30, 14, 7 days: renew */
	NOTICE_EXPIRING_14,
	NOTICE_EXPIRING_7,
	NOTICE_REVOKED,		/* revoked: the reason and when */
	NOTICE__MAX
};

/* "received" "issued" "rejected" "reminder" "cancelled" "expiring-30" "expiring-14"
 * "expiring-7" "revoked"; NULL for a value out of range. */
const char	*notice_wire(enum notice);
/* 0 with *n set, or -1 for a name that is no notice (n untouched). */
int		 notice_parse(const char *wire, enum notice *n);

/*
 * The subject (one line) and body (UTF-8, LF line ends, ending with the signature) of
 * notice n about application a, in lang (kk, ru, en; anything else, or NULL: en), as of
 * now (for the days left). Times are written in Kazakhstan time, UTC+05:00. st names the
 * role, region and city in lang (store_entry_get); NULL, or an entry it does not know:
 * their ids. verification_days: the days an application has to be verified at a desk.
 */
int	notice_render(enum notice n, struct store *st, const struct store_app *a,
	    const char *lang, int verification_days, time_t now, char **subject,
	    char **body, char **cause);

#endif

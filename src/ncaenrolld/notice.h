/*
 * notice — the applicant's notices and their words in kk, ru and en (helper A's file on
 * branch t14-words; this copy holds only the contract's declarations, for mail.c on
 * t14-smtp, and is replaced by A's at the merge).
 */
#ifndef NCA_NOTICE_H
#define NCA_NOTICE_H

#include <time.h>

#include "ncaenrolld/store.h"

enum notice { NOTICE_RECEIVED, NOTICE_ISSUED, NOTICE_REJECTED, NOTICE_REMINDER,
	NOTICE_CANCELLED, NOTICE_EXPIRING_30, NOTICE_EXPIRING_14, NOTICE_EXPIRING_7,
	NOTICE_REVOKED, NOTICE__MAX };
/* wire/store names: "received" "issued" "rejected" "reminder" "cancelled"
   "expiring-30" "expiring-14" "expiring-7" "revoked" */
const char *notice_wire(enum notice);
int         notice_parse(const char *wire, enum notice *);   /* 0, or -1 unknown */
/* Subject (one line) and body (UTF-8, LF line ends) of notice n about application a,
   in lang (kk, ru, en; anything else en), as of now. malloc'd; 0 or -1 + cause.
   st: to name the role/region/city in lang (store_entry_get), may be NULL (ids then). */
int notice_render(enum notice n, struct store *st, const struct store_app *a,
    const char *lang, int verification_days, time_t now,
    char **subject, char **body, char **cause);

#endif

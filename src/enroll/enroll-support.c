/*
 * enroll-support — which failures end with the support contact, and the contact for them
 * (enroll.h says what each call does). The contact itself is asked in enroll.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enroll/enroll.h"
#include "enroll/svcerror.h"

/* The kinds of failure nobody gets past by typing something else (enroll_fail's order). */
static const int enroll_support_kinds[] = {
	[FAILURE_REFUSED] = 0,		/* unless the code says so (svcerror.c) */
	[FAILURE_USAGE] = 1,
	[FAILURE_SERVICE] = 1,
	[FAILURE_LOCAL] = 1,
	[FAILURE_CANCELLED] = 0,		/* the person stopped it */
};
_Static_assert(sizeof enroll_support_kinds / sizeof enroll_support_kinds[0] ==
    FAILURE_CANCELLED + 1, "a row for every kind of failure");

int
enroll_support_needed(const struct failure *err)
{
	if (err == NULL || err->kind < FAILURE_REFUSED || err->kind > FAILURE_CANCELLED)
		return 0;
	if (enroll_support_kinds[err->kind])
		return 1;
	return err->kind == FAILURE_REFUSED && svcerror_needs_support(err->code);
}

char *
enroll_support_for(struct enroll *e, const struct failure *err)
{
	struct failure	 mine = { 0, NULL, NULL, NULL };
	char			*text;

	/* A service that has just failed is not asked again, only its earlier answer used. */
	if (!enroll_support_needed(err) ||
	    (err->kind == FAILURE_SERVICE && e->support == NULL))
		return strdup("");
	if ((text = enroll_support_text(e, &mine)) == NULL) {
		failure_free(&mine);
		return strdup("");
	}
	return text;
}

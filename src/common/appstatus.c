/*
 * appstatus — the one table of an application's statuses: each one's wire name and the
 * words a person reads, so the service, the client and the desk cannot name one apart.
 */
#include "config.h"

#include <string.h>

#include "common/appstatus.h"
#include "common/i18n.h"

static const struct {
	const char	*wire;
	const char	*label;
} appstatus_names[] = {
	[APP_SUBMITTED] = { "submitted", N_("Submitted: waiting for verification at a "
	    "registration desk") },
	[APP_ISSUED] = { "issued", N_("Registration certificates are issued") },
	[APP_INSTALLED] = { "installed", N_("Certificates installed") },
	[APP_REJECTED] = { "rejected", N_("Rejected") },
	[APP_CANCELLED] = { "cancelled", N_("Cancelled: not verified in time") },
	[APP_REVOKED] = { "revoked", N_("Certificates revoked") },
};
_Static_assert(sizeof appstatus_names / sizeof appstatus_names[0] == APP_STATUS__MAX,
    "one row per status");

const char *
appstatus_wire(enum app_status s)
{
	return s < APP_STATUS__MAX ? appstatus_names[s].wire : "?";
}

const char *
appstatus_label(enum app_status s)
{
	return s < APP_STATUS__MAX ? appstatus_names[s].label : "?";
}

int
appstatus_parse(const char *name, enum app_status *out)
{
	int	i;

	for (i = 0; i < APP_STATUS__MAX; i++) {
		if (strcmp(name, appstatus_names[i].wire) == 0) {
			*out = (enum app_status)i;
			return 0;
		}
	}
	return -1;
}

/*
 * appfield — the one table of an application's fields (appfield.h): who reads which
 * column, and the small adapters that give every syntax rule one signature.
 */
#include "config.h"

#include <string.h>

#include "common/appfield.h"
#include "common/email.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"

static int
appfield_check_bin(const char *value, time_t now, struct problems *p)
{
	(void)now;
	return idnum_validate_bin(value, NULL, p);
}

static int
appfield_check_iin(const char *value, time_t now, struct problems *p)
{
	return idnum_validate_iin(value, now, NULL, p);
}

/* Optional: an empty address is no address, not a wrong one. */
static int
appfield_check_email(const char *value, time_t now, struct problems *p)
{
	(void)now;
	return *value == '\0' ? 0 : email_check(value, p);
}

static int
appfield_check_gu_code(const char *value, time_t now, struct problems *p)
{
	(void)now;
	return gucode_check(value, p);
}

const struct appfield appfield_table[APPFIELD__MAX] = {
	[APPFIELD_BIN] = { .name = "bin", .key = APPKEY_BIN, .wire = "bin", .wire_max = 64,
	    .label = N_("BIN of the organization"),
	    .question = N_("BIN of the organization"), .check = appfield_check_bin },
	[APPFIELD_IIN] = { .name = "iin", .key = APPKEY_IIN, .wire = "iin", .wire_max = 64,
	    .label = N_("IIN of the applicant"),
	    .question = N_("IIN of the applicant"), .check = appfield_check_iin },
	[APPFIELD_EMAIL] = { .name = "email", .key = APPKEY_EMAIL, .wire = "email",
	    .wire_max = 320, .optional = 1, .label = N_("E-mail"),
	    .question = N_("E-mail for notices (optional; check it for typos)"),
	    .check = appfield_check_email },
	[APPFIELD_ROLE] = { .name = "role", .key = APPKEY_ROLE, .wire = "role", .wire_max = 64,
	    .label = N_("Role"), .question = N_("Role (type its id)"), .directory = "roles" },
	[APPFIELD_REGION] = { .name = "region", .key = APPKEY_REGION, .wire = "region",
	    .wire_max = 64, .label = N_("Region"), .question = N_("Region (type its id)"),
	    .directory = "regions" },
	[APPFIELD_CITY] = { .name = "city", .key = APPKEY_CITY, .wire = "city", .wire_max = 64,
	    .label = N_("City"), .question = N_("City (type its id)"), .directory = "cities" },
	[APPFIELD_GU_CODE] = { .name = "gu_code", .key = APPKEY_GU_CODE, .wire = "gu_code",
	    .wire_max = 64, .label = N_("ГУ/СКС code"), .question = N_("ГУ/СКС code"),
	    .directory = "gu-codes", .check = appfield_check_gu_code },
	[APPFIELD_STORAGE] = { .name = "storage", .key = APPKEY_STORAGE, .wire = "storage",
	    .wire_max = 64, .label = N_("Key storage"),
	    .question = N_("Key storage (pc, etoken72k, jacarta, kaztoken, akey, idcard)") },
	/* Where the keys are made is the applicant's own business: never sent. */
	[APPFIELD_DIR] = { .name = "dir", .key = APPKEY_DIR, .label = N_("Folder for the keys"),
	    .question = N_("Folder for the keys (full path)") },
	[APPFIELD_TOKEN] = { .name = "token", .key = APPKEY_TOKEN, .label = N_("Token"),
	    .question = N_("Token (its serial number)"), .directory = "tokens" },
};

const struct appfield *
appfield_find(const char *name)
{
	size_t	i;

	for (i = 0; i < APPFIELD__MAX; i++)
		if (strcmp(appfield_table[i].name, name) == 0)
			return &appfield_table[i];
	return NULL;
}

const struct appfield *
appfield_by_wire(const char *wire)
{
	size_t	i;

	for (i = 0; i < APPFIELD__MAX; i++)
		if (appfield_table[i].wire != NULL && strcmp(appfield_table[i].wire, wire) == 0)
			return &appfield_table[i];
	return NULL;
}

/*
 * answer — what each answer of the service must hold before the core reads anything
 * from it (doc/api.md, doc/api-lifecycle.md): the members and their JSON types, one row
 * per kind of call, and the few values that must be among the known ones (an application
 * status, a request number). An answer that fails is the service failing, never an
 * application shown with empty fields. 0, or -1 with a translated cause naming the
 * service by its address (the caller frees it).
 */
#ifndef NCA_ANSWER_H
#define NCA_ANSWER_H

#include <jansson.h>

enum answer {
	ANSWER_CAPTCHA,
	ANSWER_BIN_CHECK,
	ANSWER_IIN_CHECK,
	ANSWER_DIRECTORY,	/* roles, regions, cities: [{"id", "name": {...}}] */
	ANSWER_GU_CODES,	/* [{"code"}] */
	ANSWER_SUBMITTED,
	ANSWER_STATUS,
	ANSWER_CERTIFICATES,
	ANSWER_INSTALLED,
	ANSWER_SUPPORT,		/* {"phone", "email", "web", "address": {...}, ...} */
	ANSWER_CHALLENGE,	/* {"nonce", "expires"}: for a holder's signed request */
	ANSWER__MAX
};

int	answer_check(const json_t *, enum answer, const char *service_url, char **cause);

#endif

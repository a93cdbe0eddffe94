/*
 * appfield — the fields of an application a person fills in, one row each: the name the
 * screens (the files of forms/), `ncaenroll apply` and the core (enroll_set) use and a refusal's
 * "field" carries, the key in the applicant's state file, the member of the submission
 * the service reads (doc/api.md), the label a person knows it by and the question a
 * command line asks (both N_(), translated by the caller), the list its value is chosen
 * from, and the rule of its syntax both sides check. The table is const and static;
 * lookups return a row of it or NULL, never allocate.
 */
#ifndef NCA_APPFIELD_H
#define NCA_APPFIELD_H

#include <stddef.h>
#include <time.h>

#include "common/problem.h"

enum appfield_id {
	APPFIELD_BIN,
	APPFIELD_IIN,
	APPFIELD_EMAIL,
	APPFIELD_ROLE,
	APPFIELD_REGION,
	APPFIELD_CITY,
	APPFIELD_GU_CODE,
	APPFIELD_STORAGE,
	APPFIELD_DIR,
	APPFIELD_TOKEN,
	APPFIELD__MAX
};

struct appfield {
	const char	*name;		/* forms, enroll_set, a refusal's field */
	const char	*key;		/* the applicant's state file */
	const char	*wire;		/* the submission's member; NULL: not sent */
	size_t		 wire_max;	/* bytes the service takes */
	int		 optional;	/* may stay empty (then it is not sent) */
	const char	*label;		/* N_(): the field as the screens name it */
	const char	*question;	/* N_(): what a command line asks on a terminal */
	const char	*directory;	/* the list its value comes from, or NULL */
	/* The value's own syntax (problems filled, -1), checked before anything is sent and
	 * again by the service; NULL: none beyond its list. */
	int		(*check)(const char *value, time_t now, struct problems *);
};

extern const struct appfield appfield_table[APPFIELD__MAX];

/* The row named name (as the screens and enroll_set say it), or NULL. */
const struct appfield	*appfield_find(const char *name);
/* The row whose submission member is wire, or NULL. */
const struct appfield	*appfield_by_wire(const char *wire);

/*
 * The keys of the applicant's state file (src/enroll/state.c keeps them): first the
 * fields' (their rows' key), then what the service and the registers answered and what
 * the core notes on the way. Code names a key by these, never by a string of its own.
 */
#define APPKEY_BIN			"bin"
#define APPKEY_IIN			"iin"
#define APPKEY_EMAIL			"email"
#define APPKEY_ROLE			"role"
#define APPKEY_REGION			"region"
#define APPKEY_CITY			"city"
#define APPKEY_GU_CODE			"gu_code"
#define APPKEY_STORAGE			"storage"
#define APPKEY_DIR			"dir"
#define APPKEY_TOKEN			"token"
#define APPKEY_REQUEST_NUMBER		"request_number"
#define APPKEY_CHECK_TOKEN		"check_token"
#define APPKEY_CHECK_TOKEN_EXPIRES	"check_token_expires"
#define APPKEY_ORG_NAME_RU		"org_name_ru"
#define APPKEY_ORG_NAME_KK		"org_name_kk"
#define APPKEY_SURNAME			"surname"
#define APPKEY_GIVEN_NAME		"given_name"
#define APPKEY_PATRONYMIC		"patronymic"
#define APPKEY_TOKEN_LABEL		"token_label"
#define APPKEY_DEADLINE			"deadline"
#define APPKEY_CREATED			"created"
#define APPKEY_UPDATED			"updated"
#define APPKEY_LANG			"lang"
#define APPKEY_MAIL			"mail"
#define APPKEY_SCREEN			"screen"
#define APPKEY_CONTAINER_AUTH		"container_auth"
#define APPKEY_CONTAINER_SIGN		"container_sign"
#define APPKEY_CERT_AUTH		"cert_auth"
#define APPKEY_CERT_SIGN		"cert_sign"
#define APPKEY_CHAIN			"chain"
#define APPKEY_INSTALLED_AT		"installed_at"
#define APPKEY_INSTALL_NONCE		"install_nonce"
#define APPKEY_INSTALL_PROOF		"install_proof"
#define APPKEY_REPORTED			"reported"
#define APPKEY_KEYS_REMOVED		"keys_removed"
#define APPKEY_STATUS			"status"	/* the service's, as last heard */
/* Revoked: when (ISO 8601 UTC), why (RFC 5280 name, common/revocation.h), by whom. */
#define APPKEY_REVOKED_AT		"revoked_at"
#define APPKEY_REVOKE_REASON		"revoke_reason"
#define APPKEY_REVOKED_BY		"revoked_by"
/* A renewal: the request number it renews, and on the old one the number renewing it. */
#define APPKEY_RENEWS			"renews"
#define APPKEY_RENEWED_BY		"renewed_by"

#endif

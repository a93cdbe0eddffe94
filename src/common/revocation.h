/*
 * revocation — why an application's two certificates may be revoked: one table of
 * RFC 5280 CRLReason names ("keyCompromise") with their CRL reason codes and their names
 * in kk, ru and en, shared by the service (which checks a revocation's reason, writes it
 * into the CRL and the OCSP answers, and serves it with the status, doc/api-lifecycle.md)
 * and every client that asks for or shows a revocation (the applicant's `revoke`, status
 * and certificate list; the desk's `revoke` and console). The RFC name travels on the wire
 * and is stored; `holder` says whether a holder may choose it online (superseded is the
 * service's own, written when a renewal is installed). revocation_find returns NULL for
 * an unknown name; strings returned are static unless said malloc'd.
 */
#ifndef NCA_REVOCATION_H
#define NCA_REVOCATION_H

#include <jansson.h>

struct revocation_kind {
	const char	*code;		/* RFC 5280 name, "keyCompromise" */
	int		 crl_reason;	/* its CRLReason value, 1 */
	int		 chosen;	/* a holder or a desk may give it (0: the service's) */
	const char	*kk, *ru, *en;
};

extern const struct revocation_kind	revocation_kinds[];
extern const size_t			revocation_nkinds;

const struct revocation_kind	*revocation_find(const char *code);
/* The row of a CRLReason value, or NULL. */
const struct revocation_kind	*revocation_by_crl_reason(int crl_reason);
/* Its name in lang (kk, ru, en; anything else: en). */
const char			*revocation_name(const struct revocation_kind *,
				    const char *lang);

/*
 * The reasons a holder or a desk may give, for a message: "keyCompromise,
 * affiliationChanged, cessationOfOperation" (lang NULL), or each with its name in lang,
 * "keyCompromise (Key compromised), ...". malloc'd; NULL: no memory.
 */
char				*revocation_choices(const char *lang);

/*
 * A revocation as the service sends it: {"reason": code, "name": {"kk","ru","en"} (null
 * for a code not in the table), "at": "YYYY-MM-DDThh:mm:ssZ", "by": who}. NULL: no memory.
 */
json_t				*revocation_json(const char *code, const char *at,
				    const char *by);

#endif

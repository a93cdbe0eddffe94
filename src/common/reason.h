/*
 * reason — why a registration desk may reject an application: one table of codes
 * ("documents_missing") with their names in kk, ru and en, shared by the service (which
 * checks a rejection's code and serves the list, doc/api-ra.md) and every client that
 * shows a rejection (the desk's console and commands, the applicant's status). The code
 * travels on the wire and is stored; the operator's own text travels beside it, as typed,
 * and is never translated. reason_find returns NULL for an unknown code; strings returned
 * are static unless said malloc'd (the caller frees those).
 */
#ifndef NCA_REASON_H
#define NCA_REASON_H

#include <stddef.h>

#include <jansson.h>

struct reason_kind {
	const char	*code;
	int		 text_required;	/* the applicant needs the operator's words */
	const char	*kk, *ru, *en;
};

extern const struct reason_kind	reason_kinds[];
extern const size_t		reason_nkinds;

const struct reason_kind	*reason_find(const char *code);
/* Its name in lang (kk, ru, en; anything else: en). */
const char			*reason_name(const struct reason_kind *, const char *lang);

/*
 * A rejection as the service sends it: {"reason": code, "name": {"kk","ru","en"} (null
 * for a code not in the table), "text": the operator's words or null}. NULL: no memory.
 */
json_t				*reason_json(const char *code, const char *text);

/*
 * A rejection as a person reads it in lang: "Name: the operator's text", "Name", or the
 * text alone, malloc'd; NULL when there is none. o is an application as the service sends
 * it (its "reject": {"reason", "name", "text"}, else the older English "reject_reason")
 * or a history event of one ({"reason", "text"}). A code this table does not know is named
 * by the "name" the service sent with it.
 */
char				*reason_describe(const json_t *o, const char *lang);

#endif

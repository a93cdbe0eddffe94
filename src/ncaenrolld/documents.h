/*
 * documents — the documents an applicant brings to a registration desk (nca-facts.md §5,
 * for a legal entity's employee who comes in person; a registration certificate is
 * never issued to a representative): one table of codes with their names in kk, ru and
 * en, read by the desk's API (the checklist it serves and the codes an approval must
 * name) and by the applicant's "received" mail (what to bring). Every one is required.
 * Strings are static.
 */
#ifndef NCA_DOCUMENTS_H
#define NCA_DOCUMENTS_H

#define DOCUMENTS_N	3

struct documents_item {
	const char	*code;		/* on the wire and in the history: "form" */
	const char	*kk, *ru, *en;
};

extern const struct documents_item	documents_checklist[DOCUMENTS_N];

/* Its name in lang (kk, ru, en; anything else, or NULL: en). */
const char	*documents_name(const struct documents_item *, const char *lang);

#endif

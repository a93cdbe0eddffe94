/*
 * storage — the key storages the NCA site offers legal entities (nca-facts.md §4): a
 * folder on the PC or one of four token makes, and the national ID card (doc/tokens.md
 * says why), by the ids the service takes ("pc", "etoken72k", "jacarta", "kaztoken",
 * "akey", "idcard"), with their names in kk, ru and en. One table for the applicant's
 * core and screens, the desk's console and the service (which takes the ids, gives a
 * token's keys the token policy and names the storage in the form and the mail), so a
 * storage is added, or renamed, in one place. storage_find returns NULL for an unknown id.
 */
#ifndef NCA_STORAGE_H
#define NCA_STORAGE_H

#include <stddef.h>

struct storage_kind {
	const char	*id;
	int		 token;		/* keys on a PKCS#11 token, not in a folder */
	const char	*kk, *ru, *en;
};

extern const struct storage_kind	storage_kinds[];
extern const size_t			storage_nkinds;

const struct storage_kind	*storage_find(const char *id);
/* Its name in lang (kk, ru, en; anything else: en). */
const char			*storage_name(const struct storage_kind *, const char *lang);

#endif

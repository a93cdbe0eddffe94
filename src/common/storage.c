/*
 * storage — the one table of the key storages (a PC folder, four token makes, the ID card)
 * and their names in kk, ru and en, which the applicant, the desk and the service all read.
 */
#include "config.h"

#include <string.h>

#include "common/storage.h"

const struct storage_kind storage_kinds[] = {
	{ "pc", 0, "Дербес компьютер (қалта)", "Персональный компьютер (папка)",
	    "Personal computer (a folder)" },
	{ "etoken72k", 1, "eToken PRO 72K", "eToken PRO 72K", "eToken PRO 72K" },
	{ "jacarta", 1, "JaCarta", "JaCarta", "JaCarta" },
	{ "kaztoken", 1, "Kaztoken", "Kaztoken", "Kaztoken" },
	{ "akey", 1, "AKey", "AKey", "AKey" },
	/* NCA's process names the card among the secure media; doc/tokens.md says why it is
	 * offered here. It is reached through its PKCS#11 module like the tokens. */
	{ "idcard", 1, "Жеке куәлік (ID-карта)", "Удостоверение личности (ID-карта)",
	    "National ID card" },
};
const size_t storage_nkinds = sizeof storage_kinds / sizeof storage_kinds[0];

const struct storage_kind *
storage_find(const char *id)
{
	size_t	i;

	for (i = 0; id != NULL && i < storage_nkinds; i++)
		if (strcmp(storage_kinds[i].id, id) == 0)
			return &storage_kinds[i];
	return NULL;
}

const char *
storage_name(const struct storage_kind *k, const char *lang)
{
	if (strcmp(lang, "kk") == 0)
		return k->kk;
	return strcmp(lang, "ru") == 0 ? k->ru : k->en;
}

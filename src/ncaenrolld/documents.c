/*
 * documents — the desk's checklist, named in kk, ru and en here rather than in the
 * catalogs: the desk's API serves all three names at once, and the applicant's mail is
 * written in the applicant's language, not the service's.
 */
#include "config.h"

#include <string.h>

#include "ncaenrolld/documents.h"

const struct documents_item documents_checklist[DOCUMENTS_N] = {
	{ "form", "Басып шығарылған өтініш (нөмірімен)",
	    "Распечатанное заявление (с номером)",
	    "The printed application (with its request number)" },
	{ "identity", "Жеке басын куәландыратын құжат",
	    "Документ, удостоверяющий личность", "An identity document" },
	{ "authority", "Тағайындау туралы бұйрық немесе ұйымның сенімхаты",
	    "Приказ о назначении или доверенность организации",
	    "An order of appointment or a power of attorney from the organization" },
};

const char *
documents_name(const struct documents_item *d, const char *lang)
{
	if (lang != NULL && strcmp(lang, "kk") == 0)
		return d->kk;
	return lang != NULL && strcmp(lang, "ru") == 0 ? d->ru : d->en;
}

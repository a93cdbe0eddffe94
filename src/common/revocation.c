/*
 * revocation — the one table of revocation reasons, named in kk, ru and en here rather
 * than in the catalogs: the service serves all three names at once on the wire, and the
 * CRL and OCSP need the RFC 5280 value beside the name.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/revocation.h"

const struct revocation_kind revocation_kinds[] = {
	{ "keyCompromise", 1, 1, "Кілттің құпиялылығы бұзылды", "Компрометация ключа",
	    "Key compromised" },
	{ "affiliationChanged", 3, 1, "Ұйымнан кетті", "Уход из организации",
	    "Left the organization" },
	{ "superseded", 4, 0, "Жаңа куәліктермен ауыстырылды",
	    "Заменены новыми сертификатами", "Superseded by new certificates" },
	{ "cessationOfOperation", 5, 1, "Ұйым қызметін тоқтатты",
	    "Прекращение деятельности организации", "The organization ceased operation" },
};
const size_t revocation_nkinds = sizeof revocation_kinds / sizeof revocation_kinds[0];

const struct revocation_kind *
revocation_find(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < revocation_nkinds; i++)
		if (strcmp(revocation_kinds[i].code, code) == 0)
			return &revocation_kinds[i];
	return NULL;
}

const struct revocation_kind *
revocation_by_crl_reason(int crl_reason)
{
	size_t	i;

	for (i = 0; i < revocation_nkinds; i++)
		if (revocation_kinds[i].crl_reason == crl_reason)
			return &revocation_kinds[i];
	return NULL;
}

const char *
revocation_name(const struct revocation_kind *r, const char *lang)
{
	if (lang != NULL && strcmp(lang, "kk") == 0)
		return r->kk;
	return lang != NULL && strcmp(lang, "ru") == 0 ? r->ru : r->en;
}

char *
revocation_choices(const char *lang)
{
	char	*list = NULL, *grown;
	size_t	 i;
	int	 n;

	for (i = 0; i < revocation_nkinds; i++) {
		if (!revocation_kinds[i].chosen)
			continue;
		n = lang != NULL ? asprintf(&grown, "%s%s%s (%s)", list != NULL ? list : "",
		    list != NULL ? ", " : "", revocation_kinds[i].code,
		    revocation_name(&revocation_kinds[i], lang)) :
		    asprintf(&grown, "%s%s%s", list != NULL ? list : "", list != NULL ? ", " : "",
		    revocation_kinds[i].code);
		free(list);
		if (n == -1)
			return NULL;
		list = grown;
	}
	return list;
}

json_t *
revocation_json(const char *code, const char *at, const char *by)
{
	const struct revocation_kind	*k = revocation_find(code);
	json_t				*names = k == NULL ? json_null() :
					    json_pack("{s:s, s:s, s:s}", "kk", k->kk, "ru",
					    k->ru, "en", k->en);

	if (names == NULL)
		return NULL;
	return json_pack("{s:s?, s:o, s:s?, s:s?}", "reason", code, "name", names, "at", at,
	    "by", by);
}

/*
 * reason — the one table of reasons a desk may reject with, named in kk, ru and en here
 * rather than in the catalogs: the service serves all three names at once on the wire.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reason.h"

const struct reason_kind reason_kinds[] = {
	{ "identity_mismatch", 0, "Жеке басы расталмады", "Личность не подтверждена",
	    "The applicant's identity could not be confirmed" },
	{ "documents_missing", 0, "Құжаттар толық емес", "Не представлены документы",
	    "Required documents were not presented" },
	{ "not_authorized", 0, "Өкілеттік расталмады", "Полномочия не подтверждены",
	    "No authority to act for the organization" },
	{ "data_error", 0, "Өтініш деректері сәйкес емес", "Данные заявления не совпадают",
	    "The application's data do not match the documents" },
	{ "applicant_request", 0, "Өтініш берушінің өтініші бойынша", "По просьбе заявителя",
	    "Withdrawn at the applicant's request" },
	{ "other", 1, "Басқа себеп", "Другая причина", "Other reason" },
};
const size_t reason_nkinds = sizeof reason_kinds / sizeof reason_kinds[0];

const struct reason_kind *
reason_find(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < reason_nkinds; i++)
		if (strcmp(reason_kinds[i].code, code) == 0)
			return &reason_kinds[i];
	return NULL;
}

const char *
reason_name(const struct reason_kind *r, const char *lang)
{
	if (lang != NULL && strcmp(lang, "kk") == 0)
		return r->kk;
	return lang != NULL && strcmp(lang, "ru") == 0 ? r->ru : r->en;
}

json_t *
reason_json(const char *code, const char *text)
{
	const struct reason_kind	*k = reason_find(code);
	json_t				*names = k == NULL ? json_null() :
					    json_pack("{s:s, s:s, s:s}", "kk", k->kk, "ru",
					    k->ru, "en", k->en);

	if (names == NULL)
		return NULL;
	return json_pack("{s:s?, s:o, s:s?}", "reason", code, "name", names, "text",
	    text != NULL && *text != '\0' ? text : NULL);
}

static const char *
reason_str(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

char *
reason_describe(const json_t *o, const char *lang)
{
	const json_t			*r = json_object_get(o, "reject");
	const struct reason_kind	*k;
	const char			*name, *text;
	char				*s = NULL;

	if (!json_is_object(r))
		r = o;
	k = reason_find(reason_str(r, "reason"));
	name = k != NULL ? reason_name(k, lang) :
	    reason_str(json_object_get(r, "name"), lang != NULL ? lang : "en");
	text = reason_str(r, "text");
	/* A service from before the codes: its English sentence is all there is. */
	if (name == NULL && text == NULL && (text = reason_str(o, "reject_reason")) == NULL)
		return NULL;
	if (asprintf(&s, "%s%s%s", name != NULL ? name : "", name != NULL && text != NULL ?
	    ": " : "", text != NULL ? text : "") == -1)
		return NULL;
	return s;
}

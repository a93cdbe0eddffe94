/*
 * appform-json — an application form as one JSON object: how ncaenroll hands the form to its
 * PDF helper, ncaenroll-pdf, on its standard input (never in argv or the environment). Every struct appform string
 * by its field's name (null when there is none), "days", and beside them "lang" (kk, ru, en)
 * and "path" (where the PDF goes). One table of fields serves both directions. The dump is
 * malloc'd, the caller frees it; a load's strings live in the struct until appform_json_free.
 * 0/-1 (NULL) with a caller-freed cause; a load refuses unknown or missing keys.
 */
#ifndef NCA_APPFORM_JSON_H
#define NCA_APPFORM_JSON_H

#include <stddef.h>

#include "common/appform.h"

struct appform_json {
	struct appform	 form;
	const char	*lang;
	const char	*path;
	void		*root;	/* the parsed document, owner of the strings above */
};

char	*appform_json_dump(const struct appform *, const char *lang, const char *path,
	    char **cause);
int	 appform_json_load(const char *text, size_t len, struct appform_json *, char **cause);
void	 appform_json_free(struct appform_json *);

#endif

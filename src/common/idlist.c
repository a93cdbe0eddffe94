/*
 * idlist — membership in a comma-separated list of ids (the documents a checklist ticked),
 * by whole ids only, so "form" is not found in "forms".
 */
#include "config.h"

#include <string.h>

#include "common/idlist.h"

int
idlist_has(const char *list, const char *id)
{
	size_t		 n = strlen(id), len;
	const char	*p = list;

	while (*p != '\0') {
		len = strcspn(p, ",");
		if (len == n && strncmp(p, id, n) == 0)
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

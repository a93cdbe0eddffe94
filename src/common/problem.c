/*
 * problem — the list of what is wrong with a value (a code and a translated message each)
 * that every validator appends to; a full list drops further entries rather than fail.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/problem.h"

void
problems_init(struct problems *p)
{
	memset(p, 0, sizeof *p);
}

void
problems_add(struct problems *p, const char *code, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;

	if (p->n == PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	p->v[p->n].code = code;
	p->v[p->n].message = msg;
	p->n++;
}

int
problems_has(const struct problems *p, const char *code)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].code, code) == 0)
			return 1;
	return 0;
}

void
problems_free(struct problems *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].message);
	p->n = 0;
}

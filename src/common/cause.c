/*
 * cause — the one setter of the caller-freed `char **cause` every module reports through;
 * an earlier cause is freed, and a sentence that memory cannot hold leaves NULL there.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cause.h"

void
cause_set(char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	free(*cause);
	*cause = msg;
}

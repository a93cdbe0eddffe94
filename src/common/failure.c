/*
 * failure — the one shape of a failure a person reads (failure.h): only its release
 * lives here; each core fills it in its own words.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/failure.h"

void
failure_free(struct failure *f)
{
	if (f == NULL)
		return;
	free(f->message);
	free(f->field);
	free(f->code);
	memset(f, 0, sizeof *f);
}

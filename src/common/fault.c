/*
 * fault — the crash points the resume tests kill at: a match of NCAENROLL_FAULT, then
 * SIGKILL. Compiled to nothing without ENABLE_FAULT_POINTS, so a plain build has none.
 */
#include "config.h"

#include "common/fault.h"

#ifdef ENABLE_FAULT_POINTS
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
fault_point(const char *name)
{
	const char	*want = getenv("NCAENROLL_FAULT");

	if (want != NULL && strcmp(want, name) == 0)
		(void)kill(getpid(), SIGKILL);
}

void
fault_point_path(const char *name, const char *path)
{
	const char	*want = getenv("NCAENROLL_FAULT");
	size_t		 n = strlen(name), plen = strlen(path), slen;

	if (want == NULL || strncmp(want, name, n) != 0 || want[n] != ':')
		return;
	slen = strlen(want + n + 1);
	if (slen <= plen && strcmp(path + plen - slen, want + n + 1) == 0)
		(void)kill(getpid(), SIGKILL);
}
#endif

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
#endif

/*
 * hardening — the process settings a program holding secrets makes first: no core dumps,
 * not dumpable (so no ptrace by the same user), and SIGPIPE ignored, so a token's socket
 * that went away is an error to report, not the end of the program.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "common/cause.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "common/oserror.h"

int
hardening_no_core_dumps(char **cause)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1) {
		cause_set(cause, _("cannot forbid memory dumps of this program (they could "
		    "hold a password): %s"), OSERROR(errno));
		return -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		cause_set(cause, _("cannot forbid memory dumps of this program (they could "
		    "hold a password): %s"), OSERROR(errno));
		return -1;
	}
	return 0;
}

int
hardening_no_sigpipe(char **cause)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	if (sigemptyset(&sa.sa_mask) == -1 || sigaction(SIGPIPE, &sa, NULL) == -1) {
		cause_set(cause, _("cannot set up how this program handles signals: %s"),
		    OSERROR(errno));
		return -1;
	}
	return 0;
}

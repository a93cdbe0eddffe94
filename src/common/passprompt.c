/*
 * passprompt — reading a password from a terminal with echo off (and back on, or a failure
 * said), or as one line from a pipe; the bytes go straight into a struct secret.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "common/passprompt.h"

struct secret *
passprompt_read(int fd, const char *prompt, char **cause)
{
	struct termios	 saved, quiet;
	struct secret	*s;
	int		 tty = isatty(fd);

	if (!tty)
		return secret_read_line(fd, cause);
	if (tcgetattr(fd, &saved) == -1) {
		cause_set(cause, _("cannot read the terminal settings: %s"), OSERROR(errno));
		return NULL;
	}
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
		cause_set(cause, _("cannot turn off echo: %s"), OSERROR(errno));
		return NULL;
	}
	(void)fprintf(stderr, "%s", prompt);
	(void)fflush(stderr);
	s = secret_read_line(fd, cause);
	(void)fputc('\n', stderr);
	if (tcsetattr(fd, TCSAFLUSH, &saved) == -1 && s != NULL) {
		/* Echo stays off otherwise: the person must hear of it. */
		cause_set(cause, _("cannot restore the terminal settings: %s"), OSERROR(errno));
		secret_free(s);
		return NULL;
	}
	return s;
}

/*
 * pdfhelper — running ncaenroll-pdf: no arguments, no descriptor of ours but the form (JSON
 * on a socket as its stdin), its stderr read for the reason, its end waited for and said.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/appform-json.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "enroll/pdfhelper.h"

#define PDFHELPER_NAME	"ncaenroll-pdf"

struct pdfhelper {
	char	*prog;		/* the helper's path */
	pid_t	 pid;		/* -1 when none runs */
	int	 in;		/* our end of its standard input */
	int	 err;		/* our end of its standard error */
	int	 send_errno;	/* why the request did not reach it all, or 0 */
	char	 line[512];	/* the first line it wrote on standard error */
};

static char *
pdfhelper_path(void)
{
	const char	*dir = getenv("NCAENROLL_LIBEXECDIR");
	char		*path;

	if (dir == NULL || *dir == '\0')
		dir = PKGLIBEXECDIR;
	if (asprintf(&path, "%s/%s", dir, PDFHELPER_NAME) == -1)
		return NULL;
	return path;
}

/* Whatever this process has open (a state file, a password's descriptor) stays here. */
static int
pdfhelper_closefrom(posix_spawn_file_actions_t *fa)
{
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	return posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#else
	(void)fa;
	return 0;
#endif
}

static int
pdfhelper_actions(posix_spawn_file_actions_t *fa, int in, int err)
{
	int	rc;

	if ((rc = posix_spawn_file_actions_adddup2(fa, in, STDIN_FILENO)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY,
	    0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(fa, err, STDERR_FILENO)) != 0)
		return rc;
	return pdfhelper_closefrom(fa);
}

/*
 * Starts the helper; 0 or an errno (posix_spawn reports a helper that is not there). Its
 * standard input is a socket, not a pipe, so that a helper gone early fails our send() with
 * EPIPE instead of raising SIGPIPE in a caller that did not ignore it.
 */
static int
pdfhelper_start(struct pdfhelper *h)
{
	char *const			 argv[] = { (char *)PDFHELPER_NAME, NULL };
	posix_spawn_file_actions_t	 fa;
	int				 in[2], err[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == -1)
		return errno;
	if (pipe2(err, O_CLOEXEC) == -1) {
		rc = errno;
		(void)close(in[0]);
		(void)close(in[1]);
		return rc;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		if ((rc = pdfhelper_actions(&fa, in[1], err[1])) == 0)
			rc = posix_spawn(&h->pid, h->prog, &fa, NULL, argv, environ);
		(void)posix_spawn_file_actions_destroy(&fa);
	}
	(void)close(in[1]);
	(void)close(err[1]);
	if (rc != 0) {
		h->pid = -1;
		(void)close(in[0]);
		(void)close(err[0]);
		return rc;
	}
	h->in = in[0];
	h->err = err[0];
	return 0;
}

/* The whole request, then end of file; the helper reads it all before it says anything. */
static void
pdfhelper_feed(struct pdfhelper *h, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = send(h->in, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			h->send_errno = errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	if (close(h->in) == -1 && h->send_errno == 0)
		h->send_errno = errno;
	h->in = -1;
}

/* Reads its standard error to the end, keeping the first line that is not empty. */
static void
pdfhelper_drain(struct pdfhelper *h)
{
	char	 buf[512];
	size_t	 len = 0;
	ssize_t	 n, i;
	int	 done = 0;

	for (;;) {
		if ((n = read(h->err, buf, sizeof buf)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < n && !done; i++) {
			if (buf[i] == '\n')
				done = len > 0;
			else if (len < sizeof h->line - 1)
				h->line[len++] = buf[i];
		}
	}
	h->line[len] = '\0';
	(void)close(h->err);
	h->err = -1;
}

/* Why it failed, into *why: its own words first. */
static void
pdfhelper_why(const struct pdfhelper *h, int status, char **why)
{
	if (h->line[0] != '\0')
		cause_set(why, "%s", h->line);
	else if (WIFSIGNALED(status))
		cause_set(why, _("%s was stopped by signal %d"), h->prog, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		cause_set(why, _("%s ended with exit status %d"), h->prog,
		    WEXITSTATUS(status));
	else
		cause_set(why, "%s: %s", h->prog, OSERROR(h->send_errno));
}

/* Feeds, drains and waits for a started helper; 0 if it made the PDF. */
static int
pdfhelper_finish(struct pdfhelper *h, const char *json, char **why)
{
	int	status;

	pdfhelper_feed(h, json, strlen(json));
	pdfhelper_drain(h);
	while (waitpid(h->pid, &status, 0) == -1) {
		if (errno != EINTR) {
			cause_set(why, _("cannot wait for %s to end: %s"), h->prog, OSERROR(errno));
			return -1;
		}
	}
	h->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && h->send_errno == 0)
		return 0;
	pdfhelper_why(h, status, why);
	return -1;
}

int
pdfhelper_run(const struct appform *af, const char *lang, const char *path, char **cause)
{
	struct pdfhelper	 h = { NULL, -1, -1, -1, 0, "" };
	char			*json = NULL, *why = NULL;
	int			 rc = -1, e;

	/* why stays NULL only when memory ran out. */
	json = appform_json_dump(af, lang, path, &why);
	if (json != NULL && (h.prog = pdfhelper_path()) != NULL) {
		if ((e = pdfhelper_start(&h)) != 0)
			cause_set(&why, "%s: %s", h.prog, OSERROR(e));
		else
			rc = pdfhelper_finish(&h, json, &why);
	}
	if (rc == -1)
		cause_set(cause, _("cannot make the PDF: %s"), why != NULL ? why :
		    _("out of memory"));
	free(why);
	free(json);
	free(h.prog);
	return rc;
}

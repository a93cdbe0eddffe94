/*
 * helperrun — starting a helper with posix_spawn, feeding it, hearing it and waiting for it,
 * for the applicant's ncaenroll (the form as a PDF) and the service (the PDF of a mail).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/helperrun.h"

extern char **environ;

struct helperrun_io {
	pid_t	pid;
	int	in, err;	/* our ends of its standard input and error */
	size_t	len;		/* of the line kept so far */
	int	line_done;
};

static int
helperrun_actions(posix_spawn_file_actions_t *fa, int in, int err)
{
	int	rc;

	if ((rc = posix_spawn_file_actions_adddup2(fa, in, STDIN_FILENO)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY,
	    0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(fa, err, STDERR_FILENO)) != 0)
		return rc;
	/* Whatever this process has open (a state file, a password's descriptor) stays here. */
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	return posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#else
	return 0;	/* our descriptors are all close-on-exec */
#endif
}

/*
 * 0 or an errno. Standard input is a socket, not a pipe, so that a helper gone early
 * fails our send() with EPIPE instead of raising SIGPIPE in a caller that did not ignore it.
 */
static int
helperrun_start(const struct helperrun *h, struct helperrun_io *io)
{
	char *const			 argv[] = { (char *)h->name, NULL };
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
		if ((rc = helperrun_actions(&fa, in[1], err[1])) == 0)
			rc = posix_spawn(&io->pid, h->prog, &fa, NULL, argv,
			    h->env != NULL ? h->env : environ);
		(void)posix_spawn_file_actions_destroy(&fa);
	}
	(void)close(in[1]);
	(void)close(err[1]);
	if (rc != 0) {
		(void)close(in[0]);
		(void)close(err[0]);
		return rc;
	}
	io->in = in[0];
	io->err = err[0];
	return 0;
}

/* The whole input, then end of file; the helper reads it all before it says anything. */
static int
helperrun_feed(struct helperrun_io *io, const char *buf, size_t len)
{
	ssize_t	n;
	int	rc = 0;

	while (len > 0) {
		if ((n = send(io->in, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)) == -1) {
			if (errno == EINTR)
				continue;
			rc = errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	if (close(io->in) == -1 && rc == 0)
		rc = errno;
	io->in = -1;
	return rc;
}

/* What it writes on standard error, the first line kept: 0 at its end, 1 for more. */
static int
helperrun_hear(struct helperrun *h, struct helperrun_io *io)
{
	char	buf[256];
	ssize_t	n, i;

	if ((n = read(io->err, buf, sizeof buf)) == -1)
		return errno == EINTR || errno == EAGAIN;
	for (i = 0; i < n && !io->line_done; i++) {
		if (buf[i] == '\n')
			io->line_done = io->len > 0;
		else if (io->len < sizeof h->line - 1)
			h->line[io->len++] = buf[i];
	}
	h->line[io->len] = '\0';
	return n > 0;
}

/* Its standard error to the end, then its status; killed at the deadline, if one is set. */
static void
helperrun_wait(struct helperrun *h, struct helperrun_io *io)
{
	struct pollfd	 p = { .fd = io->err, .events = POLLIN };
	time_t		 end = time(NULL) + h->timeout;
	pid_t		 w;
	int		 talking = 1;

	for (;;) {
		if ((w = waitpid(io->pid, &h->status, WNOHANG)) == io->pid)
			break;
		if (w == -1 && errno != EINTR) {
			h->wait_errno = errno;
			break;
		}
		if (h->timeout > 0 && time(NULL) >= end) {
			(void)kill(io->pid, SIGKILL);
			while (waitpid(io->pid, &h->status, 0) == -1 && errno == EINTR)
				continue;
			h->late = 1;
			break;
		}
		if (talking && poll(&p, 1, 100) > 0)
			talking = helperrun_hear(h, io);
		else if (!talking)
			(void)poll(NULL, 0, 50);
	}
	while (talking && helperrun_hear(h, io))
		continue;
	(void)close(io->err);
	io->err = -1;
}

int
helperrun(struct helperrun *h, const char *input, size_t len)
{
	struct helperrun_io	io = { -1, -1, -1, 0, 0 };
	int			e;

	h->status = 0;
	h->send_errno = 0;
	h->wait_errno = 0;
	h->late = 0;
	h->line[0] = '\0';
	if ((e = helperrun_start(h, &io)) != 0)
		return e;
	h->send_errno = helperrun_feed(&io, input, len);
	helperrun_wait(h, &io);
	return 0;
}

int
helperrun_ok(const struct helperrun *h)
{
	return !h->late && h->send_errno == 0 && h->wait_errno == 0 &&
	    WIFEXITED(h->status) && WEXITSTATUS(h->status) == 0;
}

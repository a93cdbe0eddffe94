/*
 * helperrun — one run of a helper program of ours (ncaenroll-pdf): its input on a socket as
 * its standard input, then end of file; standard output /dev/null; its standard error read,
 * the first line that is not empty kept; no other descriptor of ours; its end waited for,
 * killed with SIGKILL at a deadline if one is set. SIGCHLD must not be ignored. The input
 * is a few kilobytes: it must fit the socket's buffer, as it is sent without blocking (a
 * helper that reads nothing cannot hold the caller past the deadline).
 */
#ifndef NCA_HELPERRUN_H
#define NCA_HELPERRUN_H

#include <stddef.h>

struct helperrun {
	/* In. */
	const char	*prog;		/* its path */
	const char	*name;		/* its argv[0] */
	char *const	*env;		/* its environment; NULL: this process's */
	int		 timeout;	/* seconds; 0: wait as long as it runs */
	/* Out. */
	int		 status;	/* waitpid's */
	int		 send_errno;	/* why the input did not reach it all, or 0 */
	int		 wait_errno;	/* why its end could not be waited for, or 0 */
	int		 late;		/* 1: killed at the deadline */
	char		 line[512];	/* the first line it wrote on standard error */
};

/*
 * Runs it to its end: 0 (status, send_errno, late and line say how it went), or an errno
 * when it could not be started (posix_spawn's for a program that is not there).
 */
int	helperrun(struct helperrun *, const char *input, size_t len);
/* 1 when it read all its input and ended with status 0. */
int	helperrun_ok(const struct helperrun *);

#endif

/*
 * fuzz-mailsink — the demo's SMTP sink (src/ncaenrolld/demo-mailsink.c): any bytes as
 * what one client sends, fed line by line to its verb table and DATA reader
 * (demo_mailsink_replay) with its replies on a socket read here, and any mail it keeps
 * written into a maildir in the private folder. Every reply is a line of a three-digit
 * code; the maildir is emptied after each input, as the sink never reads it back.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "ncaenrolld/demo-mailsink.h"

static int	fuzz_ms_fd[2] = { -1, -1 };	/* [0]: the sink's; [1]: read here */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	size = 4 * 1024 * 1024;

	(void)argc;
	(void)argv;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fuzz_ms_fd) == -1)
		fuzz_die("socketpair", NULL);
	/* Room for every reply one input can draw (a reply per line, 1 MB of input). */
	(void)setsockopt(fuzz_ms_fd[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	(void)setsockopt(fuzz_ms_fd[1], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	return 0;
}

/* Each reply "NNN[ -]TEXT\r\n": read them all and hold them to that shape. */
static void
fuzz_ms_replies(void)
{
	static char	 buf[1 << 16];
	ssize_t		 n;
	size_t		 i, col = 0;
	char		 c, prev = '\0';

	while ((n = recv(fuzz_ms_fd[1], buf, sizeof buf, MSG_DONTWAIT)) > 0)
		for (i = 0; i < (size_t)n; i++, prev = c) {
			c = buf[i];
			if (c == '\n') {
				if (col < 5 || prev != '\r')
					abort();
				col = 0;
				continue;
			}
			if ((col == 0 && (c < '2' || c > '5')) ||
			    ((col == 1 || col == 2) && (c < '0' || c > '9')) ||
			    (col == 3 && c != ' ' && c != '-'))
				abort();
			col++;
		}
	if (col != 0)
		abort();	/* a reply without its line end */
}

static void
fuzz_ms_empty(const char *dir)
{
	char		 path[512];
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			(void)snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			(void)unlink(path);
		}
	(void)closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	 dir[256], sub[300], *cause = NULL;

	(void)snprintf(dir, sizeof dir, "%s/maildir", fuzz_dir());
	if (demo_mailsink_replay(dir, fuzz_ms_fd[0], (const char *)data, len, &cause) == -1)
		fuzz_die("maildir", cause);
	fuzz_ms_replies();
	(void)snprintf(sub, sizeof sub, "%s/new", dir);
	fuzz_ms_empty(sub);
	return 0;
}

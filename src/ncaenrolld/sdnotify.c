/*
 * sdnotify — systemd's notification protocol without libsystemd: a datagram of
 * "KEY=VALUE\n" lines to $NOTIFY_SOCKET. It is all sd_notify() does for a service that
 * passes no descriptors, and one library fewer to load and to trust.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cause.h"
#include "ncaenrolld/sdnotify.h"

int
sdnotify(const char *state, char **cause)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	socklen_t		 len;
	size_t			 n;
	ssize_t			 sent;
	int			 fd;

	if (path == NULL || *path == '\0')
		return 0;
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof sun.sun_path) {
		cause_set(cause, "NOTIFY_SOCKET: not a socket's path: %s", path);
		return -1;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';		/* the abstract namespace: no NUL after */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		cause_set(cause, "NOTIFY_SOCKET: %s", strerror(errno));
		return -1;
	}
	do
		sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		    (const struct sockaddr *)&sun, len);
	while (sent == -1 && errno == EINTR);
	if (sent == -1)
		cause_set(cause, "NOTIFY_SOCKET %s: %s", path, strerror(errno));
	(void)close(fd);
	return sent == -1 ? -1 : 0;
}

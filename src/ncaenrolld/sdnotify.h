/*
 * sdnotify — tells systemd (Type=notify) how the service is: READY=1 once it listens,
 * RELOADING=1 and READY=1 around a reload, STOPPING=1 as it stops (sd_notify(3)'s
 * protocol, written by hand: one datagram to the AF_UNIX socket in $NOTIFY_SOCKET, a
 * name starting with '@' in the abstract namespace). No $NOTIFY_SOCKET: nothing to tell,
 * 0. Otherwise 0, or -1 with a cause. Main thread only (it reads the environment).
 */
#ifndef NCA_SDNOTIFY_H
#define NCA_SDNOTIFY_H

int	sdnotify(const char *state, char **cause);

#endif

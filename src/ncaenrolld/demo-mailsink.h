/*
 * demo-mailsink — the demo's own mail receiver: an SMTP server (RFC 5321, just what a
 * client such as libcurl needs; no STARTTLS, no AUTH) on 127.0.0.1, on a port the kernel
 * chooses, one thread serving one connection at a time, writing every message it accepts
 * into a maildir (DIR/tmp, DIR/new, DIR/cur; 0700, files 0600) as new/EPOCH.LOCAL.eml,
 * LOCAL the Message-ID's local part, never over an earlier file (",2", ",3" ... instead).
 * Only ncaenrolld --demo without a relay of its own starts it (doc/demo.md). start: NULL
 * + cause, or the running sink that demo_mailsink_stop (NULL-safe) stops and frees.
 */
#ifndef NCA_DEMO_MAILSINK_H
#define NCA_DEMO_MAILSINK_H

#include <stddef.h>

#define DEMO_MAILSINK_MAX_SIZE	(10 * 1024 * 1024)	/* bytes of one message */
#define DEMO_MAILSINK_MAX_LINE	1000			/* octets with CRLF (4.5.3.1.6) */
#define DEMO_MAILSINK_MAX_RCPT	8
#define DEMO_MAILSINK_TIMEOUT	10			/* seconds a client may keep silent */

struct demo_mailsink;

/* dir: the maildir, made if missing. *port: where it listens. */
struct demo_mailsink	*demo_mailsink_start(const char *dir, int *port, char **cause);
/* Ends the connection in progress, if any, and joins the thread. */
void			 demo_mailsink_stop(struct demo_mailsink *);
/*
 * One conversation of the bytes data holds, as if a client had sent them on fd (its
 * replies go there: a socket the caller reads or drops), saving into dir like a
 * running sink. For the fuzzer only; 0, or -1 when dir cannot be made.
 */
int			 demo_mailsink_replay(const char *dir, int fd, const char *data,
			     size_t len, char **cause);

#endif

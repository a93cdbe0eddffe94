/*
 * demo-mailsink — the demo's SMTP receiver and maildir (demo-mailsink.h). One thread
 * polls the listening socket and up to DMS_MAX_CONNS conversations at once, so a client
 * that says nothing holds up nobody: it is told 421 and cut after DEMO_MAILSINK_TIMEOUT
 * seconds of silence, and no conversation lasts longer than DMS_MAX_SECONDS. Each
 * complete line goes to the verb table (or, inside DATA, into the message); every answer
 * is one reply, sent without waiting: a client that does not read its replies is cut.
 * Closing the stop pipe ends the thread at once.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/demo-mailsink.h"

#define DMS_MAX_ERRORS	20	/* bad commands before a client is cut */
#define DMS_MAX_LOCAL	128	/* characters of a Message-ID kept in a file name */
#define DMS_MAX_ADDR	256	/* a path's length (4.5.3.1.3) */
#define DMS_MAX_COPIES	1000	/* ",2" ... ",1000", then the mail is refused */
#define DMS_MAX_SECONDS	300	/* of one conversation, however lively */
#define DMS_MAX_CONNS	16	/* conversations at once; more are told 421 */

struct dms_conn;

struct demo_mailsink {
	char		*dir;
	int		 lfd;		/* the listening socket */
	int		 stop[2];	/* stop[1] closed ends the thread */
	pthread_t	 thread;
	int		 started;
	struct dms_conn	*conns[DMS_MAX_CONNS];	/* NULL: a free place */
	unsigned long	 count;		/* mails taken: names the temp files and the
					   mails without a Message-ID */
};

/* One client's conversation. */
struct dms_conn {
	struct demo_mailsink	*sink;
	int			 fd;
	char			 line[DEMO_MAILSINK_MAX_LINE];	/* without CRLF */
	size_t			 linelen;
	int			 toolong;	/* the line passed the limit */
	int			 indata;	/* between DATA's 354 and "." */
	int			 datatoolong;	/* a line of this message did */
	int			 helo;
	char			*from;		/* NULL: no MAIL yet */
	char			*rcpt[DEMO_MAILSINK_MAX_RCPT];
	size_t			 nrcpt;
	int			 errors, quit;
	long long		 idle_until;	/* monotonic ms: cut if silent */
	long long		 deadline;	/* monotonic ms: cut anyway */
	char			*msg;		/* DATA, dot-unstuffed, LF line ends */
	size_t			 msglen, msgcap;
	int			 toobig;
};

static void
dms_reply(struct dms_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
dms_reply(struct dms_conn *c, const char *fmt, ...)
{
	char		buf[512];
	va_list		ap;
	size_t		len, off = 0;
	ssize_t		n;
	int		m;

	va_start(ap, fmt);
	m = vsnprintf(buf, sizeof buf - 2, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	len = (size_t)m < sizeof buf - 2 ? (size_t)m : sizeof buf - 3;
	buf[len++] = '\r';
	buf[len++] = '\n';
	while (off < len &&
	    (n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT)) > 0)
		off += (size_t)n;
	if (off < len)
		c->quit = 1;	/* gone, or not reading what it is told: cut */
}

/* Monotonic milliseconds; a clock that fails reads as far in the future (all cut). */
static long long
dms_now(void)
{
	struct timespec	t;

	if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
		return (long long)1 << 62;
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
dms_reset(struct dms_conn *c)
{
	size_t	i;

	free(c->from);
	c->from = NULL;
	for (i = 0; i < c->nrcpt; i++)
		free(c->rcpt[i]);
	c->nrcpt = 0;
	free(c->msg);
	c->msg = NULL;
	c->msglen = c->msgcap = 0;
	c->toobig = 0;
}

/*
 * "<path>" after "FROM:" or "TO:" (arg as typed after the verb), copied without the
 * brackets; *params: what follows. NULL: not a path (the caller answers 501).
 */
static char *
dms_path(const char *arg, const char *key, const char **params)
{
	size_t		klen = strlen(key);
	const char	*p, *end;
	char		*v;

	if (strncasecmp(arg, key, klen) != 0)
		return NULL;
	p = arg + klen;
	while (*p == ' ')
		p++;
	if (*p != '<' || (end = strchr(p, '>')) == NULL || (size_t)(end - p - 1) > DMS_MAX_ADDR)
		return NULL;
	for (const char *q = p + 1; q < end; q++)
		if (!isgraph((unsigned char)*q) || *q == '<')
			return NULL;
	if ((v = strndup(p + 1, (size_t)(end - p - 1))) == NULL)
		return NULL;
	*params = end + 1;
	return v;
}

static void
dms_helo(struct dms_conn *c, const char *arg)
{
	if (*arg == '\0') {
		dms_reply(c, "501 5.5.4 say who you are");
		return;
	}
	dms_reset(c);
	c->helo = 1;
	dms_reply(c, "250 localhost");
}

static void
dms_ehlo(struct dms_conn *c, const char *arg)
{
	if (*arg == '\0') {
		dms_reply(c, "501 5.5.4 say who you are");
		return;
	}
	dms_reset(c);
	c->helo = 1;
	dms_reply(c, "250-localhost ncaenrolld demo mail sink");
	dms_reply(c, "250-SIZE %d", DEMO_MAILSINK_MAX_SIZE);
	dms_reply(c, "250 8BITMIME");
}

/* The SIZE= a client declared (RFC 1870), 0 if none. */
static unsigned long long
dms_size_param(const char *params)
{
	const char	*p;

	for (p = params; (p = strchr(p, ' ')) != NULL; ) {
		p++;
		if (strncasecmp(p, "SIZE=", 5) == 0)
			return strtoull(p + 5, NULL, 10);
	}
	return 0;
}

static void
dms_mail(struct dms_conn *c, const char *arg)
{
	const char	*params = "";
	char		*from;

	if (!c->helo || c->from != NULL) {
		dms_reply(c, "503 5.5.1 %s", !c->helo ? "EHLO or HELO first" :
		    "a sender is given already");
		return;
	}
	if ((from = dms_path(arg, "FROM:", &params)) == NULL) {
		dms_reply(c, "501 5.5.4 MAIL FROM:<address> expected");
		return;
	}
	if (dms_size_param(params) > DEMO_MAILSINK_MAX_SIZE) {
		free(from);
		dms_reply(c, "552 5.3.4 a message is %d bytes at most", DEMO_MAILSINK_MAX_SIZE);
		return;
	}
	c->from = from;
	dms_reply(c, "250 2.1.0 Ok");
}

static void
dms_rcpt(struct dms_conn *c, const char *arg)
{
	const char	*params;
	char		*to;

	if (c->from == NULL) {
		dms_reply(c, "503 5.5.1 MAIL first");
		return;
	}
	if (c->nrcpt == DEMO_MAILSINK_MAX_RCPT) {
		dms_reply(c, "452 4.5.3 too many recipients");
		return;
	}
	if ((to = dms_path(arg, "TO:", &params)) == NULL || *to == '\0') {
		free(to);
		dms_reply(c, "501 5.5.4 RCPT TO:<address> expected");
		return;
	}
	c->rcpt[c->nrcpt++] = to;
	dms_reply(c, "250 2.1.5 Ok");
}

/* Appends a DATA line and its LF; past the limit only notes that it is too big. */
static int
dms_append(struct dms_conn *c, const char *p, size_t len)
{
	size_t	cap;
	char	*m;

	if (c->toobig || c->msglen + len + 1 > DEMO_MAILSINK_MAX_SIZE) {
		c->toobig = 1;
		return 0;
	}
	if (c->msglen + len + 1 > c->msgcap) {
		cap = c->msgcap == 0 ? 65536 : c->msgcap * 2;
		while (cap < c->msglen + len + 1)
			cap *= 2;
		if ((m = realloc(c->msg, cap)) == NULL)
			return -1;
		c->msg = m;
		c->msgcap = cap;
	}
	memcpy(c->msg + c->msglen, p, len);
	c->msglen += len;
	c->msg[c->msglen++] = '\n';
	return 0;
}

/* The Message-ID's local part, made fit for a file name; "" when there is none. */
static void
dms_local_part(const char *msg, size_t len, char out[DMS_MAX_LOCAL + 1])
{
	const char	*p = msg, *end, *eol, *lt;
	size_t		 n = 0;

	out[0] = '\0';
	if (msg == NULL)
		return;		/* DATA ended at once: no line, no buffer */
	end = msg + len;
	for (; p < end && *p != '\n'; p = eol + 1) {	/* the header ends at a blank line */
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) < 11 || strncasecmp(p, "Message-ID:", 11) != 0)
			continue;
		if ((lt = memchr(p, '<', (size_t)(eol - p))) == NULL)
			return;
		for (lt++; lt < eol && *lt != '@' && *lt != '>' && n < DMS_MAX_LOCAL; lt++)
			out[n++] = isalnum((unsigned char)*lt) || *lt == '.' || *lt == '-' ?
			    *lt : '-';
		out[n] = '\0';
		return;
	}
}

/* Writes the whole of data to a new file at path (0600) and syncs it. */
static int
dms_write_file(const char *path, const char *head, const char *data, size_t len,
    char **cause)
{
	const char	*parts[2] = { head, data };
	size_t		 lens[2] = { strlen(head), len }, off;
	ssize_t		 n;
	int		 fd, i, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600))
	    == -1) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++)
		for (off = 0; off < lens[i]; off += (size_t)n)
			if ((n = write(fd, parts[i] + off, lens[i] - off)) <= 0) {
				cause_set(cause, "%s: %s", path, n == 0 ? "short write" :
				    strerror(errno));
				goto out;
			}
	if (fsync(fd) == -1) {
		cause_set(cause, "%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (close(fd) == -1 && rc == 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int
dms_sync_dir(const char *dir, char **cause)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		cause_set(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((rc = fsync(fd)) == -1)
		cause_set(cause, "%s: fsync: %s", dir, strerror(errno));
	(void)close(fd);
	return rc;
}

/* Which copy of local a maildir name is: "EPOCH.LOCAL.eml" 1, "EPOCH.LOCAL,N.eml" N; 0 none. */
static int
dms_copy_of(const char *name, const char *local)
{
	size_t	n = strlen(local);
	long	k = 1;
	char	*end;

	name += strspn(name, "0123456789");
	if (*name++ != '.' || strncmp(name, local, n) != 0)
		return 0;
	name += n;
	if (*name == ',') {
		errno = 0;
		k = strtol(name + 1, &end, 10);
		if (errno != 0 || k < 2 || k > DMS_MAX_COPIES)
			return 0;
		name = end;
	}
	/* cur/ adds the reader's flags (":2,S") after the name */
	return strncmp(name, ".eml", 4) == 0 && (name[4] == '\0' || name[4] == ':') ?
	    (int)k : 0;
}

/*
 * The highest copy of local in new/ and cur/, so that a second delivery of one
 * Message-ID, at whatever time, reads as ",2" beside the first (a crash's duplicate).
 */
static int
dms_copies(const char *dir, const char *local)
{
	static const char *const	 subs[] = { "new", "cur" };
	struct dirent			*e;
	char				 path[4096];
	DIR				*d;
	size_t				 i;
	int				 k, most = 0;

	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
		if ((d = opendir(path)) == NULL)
			continue;	/* none yet: link says if new/ is missing */
		while ((e = readdir(d)) != NULL)
			if ((k = dms_copy_of(e->d_name, local)) > most)
				most = k;
		(void)closedir(d);
	}
	return most;
}

/* What the delivery added above the message: who sent it and to whom. */
static char *
dms_head(const struct dms_conn *c)
{
	char	*head = NULL;
	size_t	 len = 0, i;
	FILE	*f;
	int	 bad;

	if ((f = open_memstream(&head, &len)) == NULL)
		return NULL;
	(void)fprintf(f, "Return-Path: <%s>\n", c->from);
	for (i = 0; i < c->nrcpt; i++)
		(void)fprintf(f, "Delivered-To: %s\n", c->rcpt[i]);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(head);
		return NULL;
	}
	return head;
}

/*
 * The message into tmp/, then linked into new/ under a name nobody has: link, unlike
 * rename, never replaces, so a second delivery of one Message-ID is kept beside the
 * first, as the next copy (",2"). *name: the name in new/, malloc'd.
 */
static int
dms_save(struct dms_conn *c, char **name, char **cause)
{
	struct demo_mailsink	*s = c->sink;
	char			 local[DMS_MAX_LOCAL + 1], *tmp = NULL, *head = NULL;
	char			*path = NULL, *newdir = NULL;
	time_t			 now = time(NULL);
	unsigned long		 k = ++s->count;
	int			 i, rc = -1;

	*name = NULL;
	dms_local_part(c->msg, c->msglen, local);
	if (*local == '\0')
		(void)snprintf(local, sizeof local, "%ld-%lu", (long)getpid(), k);
	if (asprintf(&tmp, "%s/tmp/%lld.%ld_%lu.localhost", s->dir, (long long)now,
	    (long)getpid(), k) == -1)
		tmp = NULL;
	if (asprintf(&newdir, "%s/new", s->dir) == -1)
		newdir = NULL;
	if (tmp == NULL || newdir == NULL || (head = dms_head(c)) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	if (dms_write_file(tmp, head, c->msg != NULL ? c->msg : "", c->msglen, cause) == -1)
		goto out;
	for (i = dms_copies(s->dir, local) + 1; i <= DMS_MAX_COPIES; i++) {
		free(*name);
		if ((i == 1 ? asprintf(name, "%lld.%s.eml", (long long)now, local) :
		    asprintf(name, "%lld.%s,%d.eml", (long long)now, local, i)) == -1) {
			*name = NULL;
			cause_set(cause, "out of memory");
			goto out;
		}
		free(path);
		if (asprintf(&path, "%s/%s", newdir, *name) == -1) {
			path = NULL;
			cause_set(cause, "out of memory");
			goto out;
		}
		if (link(tmp, path) == 0)
			break;
		if (errno != EEXIST) {
			cause_set(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (i > DMS_MAX_COPIES) {
		cause_set(cause, "%s: %d copies already", path, DMS_MAX_COPIES);
		goto out;
	}
	rc = dms_sync_dir(newdir, cause);
out:
	if (tmp != NULL)
		(void)unlink(tmp);	/* linked into new/, or given up */
	if (rc == -1) {
		free(*name);
		*name = NULL;
	}
	free(head);
	free(tmp);
	free(path);
	free(newdir);
	return rc;
}

/* The "." that ends DATA: the message kept, or refused whole. */
static void
dms_data_end(struct dms_conn *c)
{
	char	*name = NULL, *cause = NULL;

	c->indata = 0;
	if (c->toobig)
		dms_reply(c, "552 5.3.4 a message is %d bytes at most", DEMO_MAILSINK_MAX_SIZE);
	else if (c->datatoolong)
		dms_reply(c, "500 5.5.6 a line is %d octets at most", DEMO_MAILSINK_MAX_LINE);
	else if (dms_save(c, &name, &cause) == -1) {
		log_warning("demo mail sink: %s", cause);
		dms_reply(c, "451 4.3.0 cannot keep the message now");
	} else {
		log_info("demo mail for %s: %s/new/%s", c->rcpt[0], c->sink->dir, name);
		dms_reply(c, "250 2.0.0 Ok: new/%s", name);
	}
	free(name);
	free(cause);
	dms_reset(c);
}

/* A line inside DATA: the end, or one more line of the message. */
static void
dms_data_line(struct dms_conn *c)
{
	const char	*p = c->line;

	if (c->linelen == 1 && *p == '.' && !c->toolong) {
		dms_data_end(c);
		return;
	}
	c->datatoolong |= c->toolong;
	if (c->linelen > 0 && *p == '.')
		p++;	/* dot-stuffing (4.5.2) */
	if (dms_append(c, p, c->linelen - (size_t)(p - c->line)) == -1)
		c->toobig = 1;	/* out of memory: refused like a big one */
}

static void
dms_data(struct dms_conn *c, const char *arg)
{
	if (*arg != '\0' || c->nrcpt == 0) {
		dms_reply(c, "%s", *arg != '\0' ? "501 5.5.4 DATA takes nothing after it" :
		    "503 5.5.1 RCPT first");
		return;
	}
	c->indata = 1;
	c->datatoolong = 0;
	dms_reply(c, "354 End data with <CR><LF>.<CR><LF>");
}

static void
dms_rset(struct dms_conn *c, const char *arg)
{
	(void)arg;
	dms_reset(c);
	dms_reply(c, "250 2.0.0 Ok");
}

static void
dms_noop(struct dms_conn *c, const char *arg)
{
	(void)arg;
	dms_reply(c, "250 2.0.0 Ok");
}

static void
dms_quit(struct dms_conn *c, const char *arg)
{
	(void)arg;
	dms_reply(c, "221 2.0.0 Bye");
	c->quit = 1;
}

static const struct {
	const char	*verb;
	void		(*run)(struct dms_conn *, const char *arg);
} dms_verbs[] = {
	{ "EHLO", dms_ehlo },
	{ "HELO", dms_helo },
	{ "MAIL", dms_mail },
	{ "RCPT", dms_rcpt },
	{ "DATA", dms_data },
	{ "RSET", dms_rset },
	{ "NOOP", dms_noop },
	{ "QUIT", dms_quit },
};

/* One command line: its verb's function, or 500 and one more error. */
static void
dms_command(struct dms_conn *c)
{
	const char	*arg;
	size_t		 i;

	c->line[c->linelen] = '\0';
	if (c->toolong || memchr(c->line, '\0', c->linelen) != NULL) {
		dms_reply(c, "500 5.5.2 %s", c->toolong ? "line too long" : "syntax error");
		c->errors++;
		return;
	}
	for (i = 0; i < sizeof dms_verbs / sizeof dms_verbs[0]; i++) {
		if (strncasecmp(c->line, dms_verbs[i].verb, 4) != 0 ||
		    (c->line[4] != '\0' && c->line[4] != ' '))
			continue;
		for (arg = c->line + 4; *arg == ' '; arg++)
			;
		dms_verbs[i].run(c, arg);
		return;
	}
	dms_reply(c, "500 5.5.2 command not recognized");
	c->errors++;
}

/* A complete line: to DATA or to the verbs; too many errors end the conversation. */
static void
dms_line(struct dms_conn *c)
{
	if (c->linelen > 0 && c->line[c->linelen - 1] == '\r')
		c->linelen--;
	if (c->linelen > sizeof c->line - 2) {	/* 999 octets and a bare LF */
		c->linelen = sizeof c->line - 2;
		c->toolong = 1;
	}
	if (c->indata)
		dms_data_line(c);
	else
		dms_command(c);
	if (!c->quit && c->errors >= DMS_MAX_ERRORS) {
		dms_reply(c, "421 4.7.0 too many errors, closing");
		c->quit = 1;
	}
	c->linelen = 0;
	c->toolong = 0;
}

/* What one read brought: line by line, until the client is done with. */
static void
dms_feed(struct dms_conn *c, const char *buf, size_t n)
{
	size_t	i;

	for (i = 0; i < n && !c->quit; i++) {
		if (buf[i] == '\n')
			dms_line(c);
		else if (c->linelen < sizeof c->line - 1)
			c->line[c->linelen++] = buf[i];
		else
			c->toolong = 1;
	}
}

static void
dms_close(struct dms_conn *c)
{
	dms_reset(c);
	(void)close(c->fd);
	free(c);
}

/* A new client: a free place and the greeting, or 421 and closed. */
static void
dms_accept(struct demo_mailsink *s, int fd, long long now)
{
	struct dms_conn	*c;
	size_t		 i;

	for (i = 0; i < DMS_MAX_CONNS && s->conns[i] != NULL; i++)
		;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		(void)close(fd);
		return;
	}
	c->sink = s;
	c->fd = fd;
	c->idle_until = now + DEMO_MAILSINK_TIMEOUT * 1000LL;
	c->deadline = now + DMS_MAX_SECONDS * 1000LL;
	if (i == DMS_MAX_CONNS) {
		dms_reply(c, "421 4.7.0 too many connections, try again later");
		dms_close(c);
		return;
	}
	dms_reply(c, "220 localhost ESMTP ncaenrolld demo mail sink");
	s->conns[i] = c;
}

/* One conversation's turn: what it sent, or its silence measured. */
static void
dms_turn(struct dms_conn *c, short revents, long long now)
{
	char	buf[4096];
	ssize_t	n;

	if (revents != 0) {
		if ((n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
			c->idle_until = now + DEMO_MAILSINK_TIMEOUT * 1000LL;
			dms_feed(c, buf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			c->quit = 1;
	}
	if (!c->quit && (now >= c->idle_until || now >= c->deadline)) {
		dms_reply(c, "421 4.4.2 %s", now >= c->deadline ? "too long, closing" :
		    "nothing heard for too long, closing");
		c->quit = 1;
	}
}

/* Milliseconds until the first conversation's time is up; -1: none open. */
static int
dms_timeout(const struct demo_mailsink *s, long long now)
{
	long long	first = -1, t;
	size_t		i;

	for (i = 0; i < DMS_MAX_CONNS; i++) {
		if (s->conns[i] == NULL)
			continue;
		t = s->conns[i]->idle_until < s->conns[i]->deadline ?
		    s->conns[i]->idle_until : s->conns[i]->deadline;
		if (first == -1 || t < first)
			first = t;
	}
	if (first == -1)
		return -1;
	if (first <= now)
		return 0;
	/* after a clock that failed (far future), no more than a conversation lasts */
	return first - now > DMS_MAX_SECONDS * 1000LL ? DMS_MAX_SECONDS * 1000 :
	    (int)(first - now);
}

/* Loopback only: bound to 127.0.0.1, and a peer elsewhere is closed unheard all the same. */
static int
dms_loopback(const struct sockaddr_in *peer, socklen_t len)
{
	return len >= (socklen_t)sizeof *peer && peer->sin_family == AF_INET &&
	    (ntohl(peer->sin_addr.s_addr) >> 24) == 127;
}

static void
dms_accept_one(struct demo_mailsink *s, long long now)
{
	struct sockaddr_in	peer;
	socklen_t		len = sizeof peer;
	int			fd;

	/* None to take: the client gave up meanwhile, or no descriptor now. */
	if ((fd = accept4(s->lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC)) == -1)
		return;
	if (!dms_loopback(&peer, len)) {
		(void)close(fd);
		return;
	}
	dms_accept(s, fd, now);
}

static void *
dms_thread(void *arg)
{
	struct demo_mailsink	*s = arg;
	struct pollfd		 p[2 + DMS_MAX_CONNS];
	size_t			 i;
	long long		 now;
	int			 n;

	for (;;) {
		p[0] = (struct pollfd){ .fd = s->stop[0], .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		for (i = 0; i < DMS_MAX_CONNS; i++)
			p[2 + i] = (struct pollfd){ .fd = s->conns[i] != NULL ?
			    s->conns[i]->fd : -1, .events = POLLIN };
		if ((n = poll(p, 2 + DMS_MAX_CONNS, dms_timeout(s, dms_now()))) == -1 &&
		    errno != EINTR)
			break;
		if (n > 0 && p[0].revents != 0)
			break;
		now = dms_now();
		for (i = 0; i < DMS_MAX_CONNS; i++) {
			if (s->conns[i] == NULL)
				continue;
			dms_turn(s->conns[i], n > 0 ? p[2 + i].revents : 0, now);
			if (s->conns[i]->quit) {
				dms_close(s->conns[i]);
				s->conns[i] = NULL;
			}
		}
		if (n > 0 && p[1].revents != 0)
			dms_accept_one(s, now);
	}
	for (i = 0; i < DMS_MAX_CONNS; i++)
		if (s->conns[i] != NULL) {
			dms_reply(s->conns[i], "421 4.3.2 the service is stopping");
			dms_close(s->conns[i]);
		}
	return NULL;
}

/* dir and its tmp, new and cur, private: the mails name people. */
static int
dms_maildir(const char *dir, char **cause)
{
	static const char *const	 subs[] = { "", "/tmp", "/new", "/cur" };
	char				 path[4096];
	size_t				 i;

	for (i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s%s", dir, subs[i]) >= sizeof path) {
			cause_set(cause, "%s: the name is too long", dir);
			return -1;
		}
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			cause_set(cause, "cannot make %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
dms_listen(struct demo_mailsink *s, int *port, char **cause)
{
	struct sockaddr_in	 a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t		 len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s->lfd, (struct sockaddr *)&a, sizeof a) == -1 || listen(s->lfd, 16) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &len) == -1) {
		cause_set(cause, "demo mail sink on 127.0.0.1: %s", strerror(errno));
		return -1;
	}
	*port = ntohs(a.sin_port);
	return 0;
}

struct demo_mailsink *
demo_mailsink_start(const char *dir, int *port, char **cause)
{
	struct demo_mailsink	*s;
	int			 e;

	if ((s = calloc(1, sizeof *s)) == NULL || (s->dir = strdup(dir)) == NULL) {
		free(s);
		cause_set(cause, "out of memory");
		return NULL;
	}
	s->lfd = s->stop[0] = s->stop[1] = -1;
	if (dms_maildir(dir, cause) == -1 || dms_listen(s, port, cause) == -1)
		goto fail;
	if (pipe2(s->stop, O_CLOEXEC) == -1) {
		cause_set(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	if ((e = pthread_create(&s->thread, NULL, dms_thread, s)) != 0) {
		cause_set(cause, "demo mail sink thread: %s", strerror(e));
		goto fail;
	}
	s->started = 1;
	return s;
fail:
	demo_mailsink_stop(s);
	return NULL;
}

void
demo_mailsink_stop(struct demo_mailsink *s)
{
	if (s == NULL)
		return;
	/* The write end closed: the thread's every poll sees the read end hang up. */
	if (s->stop[1] != -1)
		(void)close(s->stop[1]);
	if (s->started)
		(void)pthread_join(s->thread, NULL);
	if (s->lfd != -1)
		(void)close(s->lfd);
	if (s->stop[0] != -1)
		(void)close(s->stop[0]);
	free(s->dir);
	free(s);
}

/*
 * The fuzzer's way in (tests/fuzz/fuzz-mailsink.c): the bytes a client sent, fed to a
 * conversation as dms_turn feeds what it reads, without a listening socket or thread.
 */
int
demo_mailsink_replay(const char *dir, int fd, const char *data, size_t len, char **cause)
{
	struct demo_mailsink	 s;
	struct dms_conn		*c;

	memset(&s, 0, sizeof s);
	s.dir = (char *)dir;	/* read only: never freed here */
	s.lfd = s.stop[0] = s.stop[1] = -1;
	if (dms_maildir(dir, cause) == -1)
		return -1;
	if ((c = calloc(1, sizeof *c)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	c->sink = &s;
	c->fd = fd;
	dms_feed(c, data, len);
	dms_reset(c);
	free(c);
	return 0;
}

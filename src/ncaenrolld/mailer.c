/*
 * mailer — the sending thread: claim, deliver, record; the waits between tries; the log
 * lines that say what became of each mail (never its words, never a secret).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/mail.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define MAILER_FIRST_WAIT	30		/* seconds after the first failure */
#define MAILER_LONGEST_WAIT	3600
#define MAILER_BATCH		64		/* mails per round, so stop is heard */

struct mailer {
	struct srv	*srv;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* on the monotonic clock */
	int		 stop, woken;
	struct srv_lasting lasting;	/* a store failure, not logged every round */
};

/* The wait before try attempts + 1: 30 s, 1 min, 2 min, ... at most an hour. */
static time_t
mailer_backoff(int attempts)
{
	time_t	wait = MAILER_FIRST_WAIT;

	while (--attempts > 0 && wait < MAILER_LONGEST_WAIT)
		wait *= 2;
	return wait < MAILER_LONGEST_WAIT ? wait : MAILER_LONGEST_WAIT;
}

/* The outcome of one try at m, recorded; 1 if the relay took it. */
static int
mailer_one(struct srv *srv, struct store *st, const struct store_mail *m, time_t now,
    char **cause)
{
	enum store_mail_state	 to;
	enum mail_outcome	 out;
	char			*why = NULL;
	time_t			 next = 0;
	int			 rc;

	out = mail_deliver(srv, st, m, &why);
	switch (out) {
	case MAIL_SENT:
		to = STORE_MAIL_SENT;
		log_info("mail %lld (%s of %s) sent", m->id, m->notice, m->number);
		break;
	case MAIL_REFUSED:
		to = STORE_MAIL_REFUSED;
		log_warning("mail %lld (%s of %s) refused: %s", m->id, m->notice, m->number,
		    why != NULL ? why : "?");
		break;
	default:
		next = now + mailer_backoff(m->attempts);
		if (now - m->queued >= srv->cfg->mail.retry_for) {
			to = STORE_MAIL_FAILED;
			log_warning("mail %lld (%s of %s) failed after %d tries: %s", m->id,
			    m->notice, m->number, m->attempts, why != NULL ? why : "?");
		} else {
			to = STORE_MAIL_QUEUED;
			log_info("mail %lld (%s of %s) not sent, tried again in %lld s: %s",
			    m->id, m->notice, m->number, (long long)(next - now),
			    why != NULL ? why : "?");
		}
		break;
	}
	rc = store_mail_finish(st, m->id, to, next, to == STORE_MAIL_SENT ? NULL : why, now,
	    cause);
	free(why);
	return rc == -1 ? -1 : out == MAIL_SENT;
}

/* Sends what is due; stop (may be NULL) is looked at between mails. */
static int
mailer_round(struct srv *srv, struct mailer *mr, int *sent, char **cause)
{
	struct store		*st;
	struct store_mail	 m;
	int			 found = 1, i, r, rc = 0, stop = 0;

	*sent = 0;
	if ((st = srv_store_get(srv, cause)) == NULL)
		return -1;
	for (i = 0; i < MAILER_BATCH && found && !stop; i++) {
		if (store_mail_claim(st, srv_now(srv), &m, &found, cause) == -1) {
			rc = -1;
			break;
		}
		if (!found)
			break;
		r = mailer_one(srv, st, &m, srv_now(srv), cause);
		store_mail_free(&m);
		if (r == -1) {
			rc = -1;
			break;
		}
		*sent += r;
		if (mr != NULL && pthread_mutex_lock(&mr->lock) == 0) {
			stop = mr->stop;
			(void)pthread_mutex_unlock(&mr->lock);
		}
	}
	srv_store_put(srv, st);
	return rc;
}

int
mailer_run_once(struct srv *srv, int *sent, char **cause)
{
	return mailer_round(srv, NULL, sent, cause);
}

static void *
mailer_main(void *arg)
{
	struct mailer	*mr = arg;
	struct timespec	 until;
	char		*cause = NULL;
	int		 sent, rc;

	if (pthread_mutex_lock(&mr->lock) != 0)
		return NULL;
	while (!mr->stop) {
		mr->woken = 0;
		(void)pthread_mutex_unlock(&mr->lock);
		rc = mailer_round(mr->srv, mr, &sent, &cause);
		srv_lasting_report(&mr->lasting, "mail", "the outbox can be read again",
		    srv_now(mr->srv), rc, &cause);
		if (pthread_mutex_lock(&mr->lock) != 0)
			return NULL;
		if (mr->stop || mr->woken)
			continue;	/* woken while sending: a new mail may be due */
		if (clock_gettime(CLOCK_MONOTONIC, &until) == -1)
			break;
		until.tv_sec += 1;
		(void)pthread_cond_timedwait(&mr->wake, &mr->lock, &until);
	}
	(void)pthread_mutex_unlock(&mr->lock);
	return NULL;
}

/* Mails a dead sender left "sending" go back to the queue, due now. */
static int
mailer_recover(struct srv *srv, char **cause)
{
	struct store	*st;
	int		 n = 0, rc;

	if ((st = srv_store_get(srv, cause)) == NULL)
		return -1;
	if ((rc = store_mail_recover(st, srv_now(srv), &n, cause)) == 0 && n > 0)
		log_warning("mail: %d mail(s) were being sent when the service stopped; "
		    "sending again (the relay may have taken one already)", n);
	srv_store_put(srv, st);
	return rc;
}

struct mailer *
mailer_start(struct srv *srv, char **cause)
{
	struct mailer	*mr;
	int		 e;

	if (mailer_recover(srv, cause) == -1)
		return NULL;
	if ((mr = calloc(1, sizeof *mr)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	mr->srv = srv;
	if (srv_sync_init(&mr->lock, &mr->wake, cause) == -1) {
		free(mr);
		return NULL;
	}
	if ((e = pthread_create(&mr->thread, NULL, mailer_main, mr)) != 0) {
		cause_set(cause, "cannot start the mail thread: %s", strerror(e));
		(void)pthread_cond_destroy(&mr->wake);
		(void)pthread_mutex_destroy(&mr->lock);
		free(mr);
		return NULL;
	}
	return mr;
}

void
mailer_wake(struct mailer *mr)
{
	if (mr == NULL || pthread_mutex_lock(&mr->lock) != 0)
		return;
	mr->woken = 1;
	(void)pthread_cond_signal(&mr->wake);
	(void)pthread_mutex_unlock(&mr->lock);
}

void
mailer_stop(struct mailer *mr)
{
	if (mr == NULL)
		return;
	if (pthread_mutex_lock(&mr->lock) == 0) {
		mr->stop = 1;
		(void)pthread_cond_signal(&mr->wake);
		(void)pthread_mutex_unlock(&mr->lock);
	}
	(void)pthread_join(mr->thread, NULL);
	(void)pthread_cond_destroy(&mr->wake);
	(void)pthread_mutex_destroy(&mr->lock);
	free(mr->lasting.failing);
	free(mr);
}

/*
 * jobs — the background thread's rounds (expiry, demo auto-approval, sweeping) and the
 * memory of which approval failures were already logged.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/issue.h"
#include "ncaenrolld/jobs.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/srv.h"

/*
 * The auto-approvals that failed in the last round, as "NUMBER: cause": a failure that
 * lasts (data the CA refuses, a CA past its time) is logged when it starts or changes,
 * not every second. Owned by the jobs thread.
 */
/* An applicant not yet verified is reminded when this many days are left (NCA's 7). */
#define JOBS_REMINDER_DAYS	7

struct jobs_said {
	char	**v;
	size_t	  n;
};

struct jobs {
	struct srv	*srv;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* on the monotonic clock */
	int		 stop;
	struct jobs_said said;
	struct srv_lasting lasting;
};

static void
jobs_said_free(struct jobs_said *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int
jobs_said_has(const struct jobs_said *s, const char *line)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], line) == 0)
			return 1;
	return 0;
}

/* Keeps line (consumed) for the next round; -1 when memory runs out (line freed). */
static int
jobs_said_add(struct jobs_said *s, char *line)
{
	char	**grown;

	if ((grown = realloc(s->v, (s->n + 1) * sizeof *s->v)) == NULL) {
		free(line);
		return -1;
	}
	s->v = grown;
	s->v[s->n++] = line;
	return 0;
}

/* One failed auto-approval: logged unless the last round said the same (said: NULL). */
static void
jobs_approve_failed(const struct jobs_said *before, struct jobs_said *now,
    const char *number, const char *cause)
{
	char	*line = NULL;

	if (asprintf(&line, "%s: %s", number, cause != NULL ? cause : "failed") == -1) {
		log_error("auto-approving application %s: %s", number, cause);
		return;
	}
	if (before == NULL || !jobs_said_has(before, line))
		log_error("auto-approving application %s: %s%s", number,
		    cause != NULL ? cause : "failed", before != NULL ?
		    " (said once while it lasts)" : "");
	if (now == NULL)
		free(line);
	else
		(void)jobs_said_add(now, line);
}

/*
 * Cancelled per transaction by the expiry: one transaction per application committed
 * (and synced) 404 a second, so a backlog of 100,000 (a service off for a month) took
 * four minutes; a chunk commits once for all of them, and holds the writers' turn
 * for a few tens of milliseconds at most (sweep_bench.py).
 */
#define JOBS_EXPIRE_CHUNK	1000

/*
 * Cancels v[0..n): each application with its event, audit entry and mail in its own
 * savepoint (one that fails is logged and skipped), all in one transaction. -1 when the
 * transaction itself fails: then none of them was cancelled.
 */
static int
jobs_expire_chunk(struct srv *srv, struct store *st, char **v, size_t n, time_t now,
    char **cause)
{
	struct store_app  none;
	enum app_status	  cur;
	char		 *c = NULL, detail[80];
	unsigned char	 *won;
	size_t		  i;
	int		  w;

	memset(&none, 0, sizeof none);
	(void)snprintf(detail, sizeof detail, "not verified within %d days",
	    srv_policy(srv)->verification_days);
	if ((won = calloc(n, 1)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	if (store_begin(st, cause) == -1) {
		free(won);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (store_app_transition(st, v[i], APP_SUBMITTED, APP_CANCELLED, &none, "expiry",
		    detail, now, &w, &cur, &c) == -1) {
			log_error("expiring application %s: %s", v[i], c);
			free(c);
			c = NULL;
		} else
			won[i] = (unsigned char)w;
	}
	if (store_commit(st, cause) == -1) {
		(void)store_rollback(st);
		free(won);
		return -1;
	}
	/* Said once they are so: a line for a cancellation rolled back would be false. */
	for (i = 0; i < n; i++)
		if (won[i])
			log_info("application %s cancelled: %s", v[i], detail);
	free(won);
	return 0;
}

/* Cancels the submitted applications whose verification window has passed. */
static int
jobs_expire(struct srv *srv, struct store *st, time_t now, char **cause)
{
	char	**v = NULL;
	size_t	  i, n;
	int	  rc = 0;

	if (store_app_overdue(st, now, &v, cause) == -1)
		return -1;
	for (i = 0; rc == 0 && v != NULL && v[i] != NULL; i += n) {
		for (n = 0; n < JOBS_EXPIRE_CHUNK && v[i + n] != NULL; n++)
			continue;
		rc = jobs_expire_chunk(srv, st, v + i, n, now, cause);
	}
	store_strv_free(v);
	return rc;
}

/* Demo only: approves what has waited auto_approve seconds. */
static int
jobs_auto_approve(struct srv *srv, struct store *st, time_t now, struct jobs_said *said,
    char **cause)
{
	struct jobs_said  failed = { NULL, 0 };
	enum app_status	  cur;
	char		**v = NULL, *c = NULL;
	size_t		  i;
	int		  won;

	if (!srv->cfg->demo.enabled || srv->cfg->demo.auto_approve < 0)
		return 0;
	/* 0 means "any time" to the store; a clock at the epoch has nothing to approve. */
	if (now - srv->cfg->demo.auto_approve <= 0)
		return 0;
	if (store_app_numbers(st, APP_SUBMITTED, now - srv->cfg->demo.auto_approve, &v,
	    cause) == -1)
		return -1;
	for (i = 0; v != NULL && v[i] != NULL; i++) {
		if (issue_application(srv, st, v[i], "auto-approve (demo)", &won, &cur,
		    &c) == -1) {
			jobs_approve_failed(said, said != NULL ? &failed : NULL, v[i], c);
			free(c);
			c = NULL;
		}
	}
	store_strv_free(v);
	/* What failed this round is what the next one compares with. */
	if (said != NULL) {
		jobs_said_free(said);
		*said = failed;
	}
	return 0;
}

/* The notices time brings (7 days left to verify, certificates near their end). */
static int
jobs_mail_due(struct srv *srv, struct store *st, time_t now, char **cause)
{
	int	queued = 0;

	if (store_mail_queue_due(st, now, JOBS_REMINDER_DAYS, &queued, cause) == -1)
		return -1;
	if (queued > 0)
		mailer_wake(srv->mailer);
	return 0;
}

/* One round; said NULL: every failure is logged (jobs_run_once, for tests). */
static int
jobs_round(struct srv *srv, struct jobs_said *said, char **cause)
{
	struct store	*st;
	time_t		 now = srv_now(srv);
	int		 rc = 0, mine = 0;

	if ((st = srv_store_get(srv, cause)) == NULL)
		return -1;
	/*
	 * Instances sharing a store (PostgreSQL) take turns at the rounds' changes: one
	 * expires, approves and sweeps while the others skip. Each signs its own CRLs.
	 */
	if (store_job_lock(st, "jobs", &mine, cause) == -1)
		rc = -1;
	else if (mine && (jobs_expire(srv, st, now, cause) == -1 ||
	    jobs_auto_approve(srv, st, now, said, cause) == -1 ||
	    jobs_mail_due(srv, st, now, cause) == -1 ||
	    store_sweep(st, now, cause) == -1))
		rc = -1;
	if (mine)
		store_job_unlock(st, "jobs");
	if (rc == 0 && srv->pub != NULL && publish_refresh(srv, st, cause) == -1)
		rc = -1;
	srv_store_put(srv, st);
	return rc;
}

int
jobs_run_once(struct srv *srv, char **cause)
{
	return jobs_round(srv, NULL, cause);
}

static void *
jobs_main(void *arg)
{
	struct jobs	*j = arg;
	struct timespec	 until;
	char		*cause = NULL;
	int		 rc;

	if (pthread_mutex_lock(&j->lock) != 0)
		return NULL;
	while (!j->stop) {
		(void)pthread_mutex_unlock(&j->lock);
		/*
		 * A failure that lasts (a root CRL file removed, a full disk) is logged when
		 * it starts, at widening intervals while it lasts, and when it ends: how
		 * long no work was done, without a line a second.
		 */
		rc = jobs_round(j->srv, &j->said, &cause);
		srv_lasting_report(&j->lasting, "background jobs", "working again",
		    srv_now(j->srv), rc, &cause);
		if (pthread_mutex_lock(&j->lock) != 0)
			return NULL;
		if (j->stop)
			break;
		if (clock_gettime(CLOCK_MONOTONIC, &until) == -1)
			break;
		until.tv_sec += 1;
		/* Wakes early only to stop; spurious wake-ups just run a round sooner. */
		(void)pthread_cond_timedwait(&j->wake, &j->lock, &until);
	}
	(void)pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *
jobs_start(struct srv *srv, char **cause)
{
	struct jobs	*j;
	int		 e;

	if ((j = calloc(1, sizeof *j)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	j->srv = srv;
	if (srv_sync_init(&j->lock, &j->wake, cause) == -1) {
		free(j);
		return NULL;
	}
	if ((e = pthread_create(&j->thread, NULL, jobs_main, j)) != 0) {
		cause_set(cause, "cannot start the jobs thread: %s", strerror(e));
		(void)pthread_cond_destroy(&j->wake);
		(void)pthread_mutex_destroy(&j->lock);
		free(j);
		return NULL;
	}
	return j;
}

void
jobs_stop(struct jobs *j)
{
	if (j == NULL)
		return;
	if (pthread_mutex_lock(&j->lock) == 0) {
		j->stop = 1;
		(void)pthread_cond_signal(&j->wake);
		(void)pthread_mutex_unlock(&j->lock);
	}
	(void)pthread_join(j->thread, NULL);
	(void)pthread_cond_destroy(&j->wake);
	(void)pthread_mutex_destroy(&j->lock);
	jobs_said_free(&j->said);
	free(j->lasting.failing);
	free(j);
}

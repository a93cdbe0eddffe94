/*
 * srv — the service context's shared parts: the clock (system or test file), the pool of
 * store handles (one per request in flight, reused; a store is single-threaded) and the
 * random identifiers of captchas and tokens, and the key of the captchas' stored answers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/log.h"
#include "common/privfile.h"
#include "ncaenrolld/srv.h"

struct store_pool {
	pthread_mutex_t	  lock;
	char		 *uri;
	struct store	**idle;		/* handles no request holds */
	size_t		  nidle, max;
	/* store_rate_shared of its handles, once one was given back: -1 not known yet */
	int		  rates_shared;
};

time_t
srv_now(const struct srv *srv)
{
	FILE		*f;
	long long	 t;
	int		 n;

	if (srv->cfg->clock_file == NULL)
		return time(NULL);
	/* Read each time: a test moves the clock by rewriting the file. */
	if ((f = fopen(srv->cfg->clock_file, "r")) == NULL) {
		log_warning("test clock %s: %s; using the system clock",
		    srv->cfg->clock_file, strerror(errno));
		return time(NULL);
	}
	n = fscanf(f, "%lld", &t);
	(void)fclose(f);
	if (n != 1 || t < 0) {
		log_warning("test clock %s holds no epoch; using the system clock",
		    srv->cfg->clock_file);
		return time(NULL);
	}
	return (time_t)t;
}

struct srv_policy_kept {
	struct srv_policy	 policy;
	struct srv_policy_kept	*next;
};

const struct srv_policy *
srv_policy(const struct srv *srv)
{
	const struct srv_policy	*p;

	/* acquire: the figures written before srv_policy_set's release are the ones read */
	p = atomic_load_explicit(&srv->policy, memory_order_acquire);
	return p != NULL ? p : &srv->cfg->policy;
}

struct srv_policy *
srv_policy_new(struct srv *srv, char **cause)
{
	struct srv_policy_kept	*k;

	if ((k = malloc(sizeof *k)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	k->policy = *srv_policy(srv);
	k->next = srv->policies;
	srv->policies = k;
	return &k->policy;
}

void
srv_policy_publish(struct srv *srv, const struct srv_policy *p)
{
	atomic_store_explicit(&srv->policy, p, memory_order_release);
}

void
srv_policy_free(struct srv *srv)
{
	struct srv_policy_kept	*k, *next;

	atomic_store_explicit(&srv->policy, NULL, memory_order_relaxed);
	for (k = srv->policies; k != NULL; k = next) {
		next = k->next;
		free(k);
	}
	srv->policies = NULL;
}

struct store_pool *
srv_pool_new(const char *uri, size_t max, char **cause)
{
	struct store_pool	*pool;

	if ((pool = calloc(1, sizeof *pool)) == NULL ||
	    (pool->uri = strdup(uri)) == NULL ||
	    (pool->idle = calloc(max > 0 ? max : 1, sizeof *pool->idle)) == NULL) {
		cause_set(cause, "out of memory");
		if (pool != NULL)
			free(pool->uri);
		free(pool);
		return NULL;
	}
	pool->max = max > 0 ? max : 1;
	pool->rates_shared = -1;
	if ((errno = pthread_mutex_init(&pool->lock, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		free(pool->idle);
		free(pool->uri);
		free(pool);
		return NULL;
	}
	return pool;
}

void
srv_pool_free(struct store_pool *pool)
{
	size_t	i;

	if (pool == NULL)
		return;
	for (i = 0; i < pool->nidle; i++)
		store_close(pool->idle[i]);
	(void)pthread_mutex_destroy(&pool->lock);
	free(pool->idle);
	free(pool->uri);
	free(pool);
}

struct store *
srv_store_get(struct srv *srv, char **cause)
{
	struct store_pool	*pool = srv->stores;
	struct store		*st = NULL;

	(void)pthread_mutex_lock(&pool->lock);
	if (pool->nidle > 0)
		st = pool->idle[--pool->nidle];
	(void)pthread_mutex_unlock(&pool->lock);
	/* Opened outside the lock: opening a file is slow, others need not wait. */
	if (st == NULL && (st = store_open(pool->uri, cause)) == NULL)
		return NULL;
	store_set_mail(st, srv_sends_mail(srv));
	return st;
}

int
srv_rate_hit(struct srv *srv, const char *addr, enum ratelimit_bucket bucket, int per_minute,
    int *retry_after)
{
	struct store	*st = NULL;
	char		 key[RATELIMIT_STORE_KEY_MAX], *cause = NULL;
	time_t		 now = srv_now(srv);
	int		 allowed, shared, rc;

	/* SQLite's requests need no handle for this: its answer is known after the first. */
	(void)pthread_mutex_lock(&srv->stores->lock);
	shared = srv->stores->rates_shared;
	(void)pthread_mutex_unlock(&srv->stores->lock);
	if (shared == 0 || (st = srv_store_get(srv, &cause)) == NULL ||
	    !store_rate_shared(st)) {
		free(cause);
		srv_store_put(srv, st);
		return ratelimit_hit(srv->ratelimit, addr, bucket, per_minute, now, retry_after);
	}
	ratelimit_store_key(addr, bucket, key);
	rc = store_rate_take(st, key, now - now % 60, per_minute, &allowed, &cause);
	srv_store_put(srv, st);
	if (rc == -1) {
		log_warning("rate limit: counted by this instance alone: %s", cause);
		free(cause);
		return ratelimit_hit(srv->ratelimit, addr, bucket, per_minute, now, retry_after);
	}
	if (allowed)
		return 0;
	*retry_after = (int)(60 - now % 60);
	return -1;
}

int
srv_rate_of(struct srv *srv, struct store *st, const char *addr,
    enum ratelimit_bucket bucket, int per_minute, struct store_rate *r,
    char key[RATELIMIT_STORE_KEY_MAX], int *retry_after)
{
	time_t	now = srv_now(srv);

	*retry_after = (int)(60 - now % 60);
	if (!store_rate_shared(st))
		return 0;
	ratelimit_store_key(addr, bucket, key);
	r->key = key;
	r->window_start = now - now % 60;
	r->limit = per_minute;
	return 1;
}

int
srv_sends_mail(const struct srv *srv)
{
	return srv->cfg != NULL && srv->cfg->mail.smtp_url != NULL &&
	    *srv->cfg->mail.smtp_url != '\0';
}

void
srv_store_put(struct srv *srv, struct store *st)
{
	struct store_pool	*pool = srv->stores;

	if (st == NULL)
		return;
	(void)pthread_mutex_lock(&pool->lock);
	pool->rates_shared = store_rate_shared(st);
	if (pool->nidle < pool->max) {
		pool->idle[pool->nidle++] = st;
		st = NULL;
	}
	(void)pthread_mutex_unlock(&pool->lock);
	if (st != NULL)
		store_close(st);	/* more than the pool keeps: a burst is over */
}

static int
srv_random_bytes(unsigned char *buf, size_t nbytes, char **cause)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < nbytes) {
		n = getrandom(buf + got, nbytes - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cause_set(cause, "no random numbers from the system: %s",
			    strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
srv_random_hex(char *out, size_t nbytes, char **cause)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 buf[64];
	size_t			 i;

	if (nbytes > sizeof buf) {
		cause_set(cause, "too many random bytes asked for");
		return -1;
	}
	if (srv_random_bytes(buf, nbytes, cause) == -1)
		return -1;
	for (i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 0x0f];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

int
srv_sync_init(pthread_mutex_t *lock, pthread_cond_t *wake, char **cause)
{
	pthread_condattr_t	attr;
	int			e;

	if ((e = pthread_mutex_init(lock, NULL)) != 0) {
		cause_set(cause, "pthread_mutex_init: %s", strerror(e));
		return -1;
	}
	if ((e = pthread_condattr_init(&attr)) != 0 ||
	    (e = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)) != 0 ||
	    (e = pthread_cond_init(wake, &attr)) != 0) {
		cause_set(cause, "pthread_cond_init: %s", strerror(e));
		(void)pthread_mutex_destroy(lock);
		return -1;
	}
	(void)pthread_condattr_destroy(&attr);
	return 0;
}

/* A span of seconds as a person reads it in a log: "45s", "4m05s", "2h03m". */
static void
srv_span(time_t secs, char *buf, size_t len)
{
	long long	s = secs > 0 ? (long long)secs : 0;

	if (s < 60)
		(void)snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		(void)snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else
		(void)snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
}

/* A round failed: the first line, or another once the interval has passed. */
static void
srv_lasting_failed(struct srv_lasting *l, const char *who, time_t now, char **cause)
{
	char	span[32];
	int	first = l->total == 0;

	free(l->failing);
	l->failing = *cause;	/* NULL (out of memory on the way): said as "failed" */
	*cause = NULL;
	l->times++;
	l->total++;
	if (first) {
		l->since = l->said = now;
		l->gap = SRV_LASTING_FIRST;
		l->times = 0;
		log_error("%s: %s (said again after %d min, then at doubling intervals up to "
		    "%d min, while it lasts)", who, l->failing != NULL ? l->failing : "failed",
		    SRV_LASTING_FIRST / 60, SRV_LASTING_MAX / 60);
		return;
	}
	if (now < l->said)
		l->said = now;		/* the clock went back: count from here */
	if (now - l->said < l->gap)
		return;
	srv_span(now - l->since, span, sizeof span);
	log_error("%s: %s (still failing after %s; %lu failed rounds since it was last said)",
	    who, l->failing != NULL ? l->failing : "failed", span, l->times);
	l->said = now;
	l->times = 0;
	l->gap = l->gap * 2 < SRV_LASTING_MAX ? l->gap * 2 : SRV_LASTING_MAX;
}

void
srv_lasting_report(struct srv_lasting *l, const char *who, const char *ended, time_t now,
    int rc, char **cause)
{
	char	span[32];

	if (rc != 0) {
		srv_lasting_failed(l, who, now, cause);
		return;
	}
	if (l->total > 0) {
		srv_span(now - l->since, span, sizeof span);
		log_info("%s: %s (after %lu failed rounds over %s)", who, ended, l->total, span);
	}
	free(l->failing);
	free(*cause);
	*cause = NULL;
	memset(l, 0, sizeof *l);
}

/* Reads the key from fd (path is for the cause): exactly CAPTCHA_KEY_LEN bytes, 0600. */
static int
srv_captcha_key_read(int fd, const char *path, unsigned char key[CAPTCHA_KEY_LEN],
    char **cause)
{
	struct stat	sb;
	ssize_t		n;

	if (fstat(fd, &sb) == -1) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size != CAPTCHA_KEY_LEN) {
		cause_set(cause, "%s: not a file of %d bytes (remove it: a new key is made "
		    "at the next start)", path, CAPTCHA_KEY_LEN);
		return -1;
	}
	if (privfile_check(fd, path, 0, cause) == -1)
		return -1;
	do
		n = read(fd, key, CAPTCHA_KEY_LEN);
	while (n == -1 && errno == EINTR);
	if (n != CAPTCHA_KEY_LEN) {
		cause_set(cause, "%s: %s", path, n == -1 ? strerror(errno) : "read short");
		return -1;
	}
	return 0;
}

int
srv_captcha_key(struct srv *srv, const char *state_dir, char **cause)
{
	unsigned char	*key = srv->captcha_key;
	char		*path = NULL;
	int		 fd = -1, rc = -1;

	if (asprintf(&path, "%s/captcha.key", state_dir) == -1) {
		path = NULL;
		cause_set(cause, "out of memory");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		rc = srv_captcha_key_read(fd, path, key, cause);
		goto out;
	}
	if (errno != ENOENT) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* The first start: a new key, whole on disk before any captcha uses it. */
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST) {
		cause_set(cause, "%s: %s", state_dir, strerror(errno));
		goto out;
	}
	if (srv_random_bytes(key, CAPTCHA_KEY_LEN, cause) == -1)
		goto out;
	if ((rc = atomicfile_write(path, key, CAPTCHA_KEY_LEN, 0600, cause)) == 0)
		log_info("made a new captcha key: %s", path);
out:
	if (rc == 0 && captcha_key_tag(key, srv->captcha_tag) == -1) {
		cause_set(cause, "%s: cannot tag the key (OpenSSL)", path);
		rc = -1;
	}
	if (rc == -1)
		OPENSSL_cleanse(key, CAPTCHA_KEY_LEN);
	if (fd != -1)
		(void)close(fd);
	free(path);
	return rc;
}

int
srv_captcha_elsewhere(struct srv *srv, const char *id)
{
	long long	now, said;

	if (strlen(srv->captcha_tag) != CAPTCHA_TAG_LEN || strlen(id) <= CAPTCHA_TAG_LEN ||
	    strncmp(id, srv->captcha_tag, CAPTCHA_TAG_LEN) == 0)
		return 0;
	/* One line a minute, by whichever request swaps the stamp first. */
	now = (long long)srv_now(srv);
	said = atomic_load_explicit(&srv->captcha_elsewhere_said, memory_order_relaxed);
	if ((said == 0 || now - said >= 60 || now < said) &&
	    atomic_compare_exchange_strong(&srv->captcha_elsewhere_said, &said, now))
		log_error("captcha: a picture drawn under another captcha key (tag %.*s, this "
		    "instance's %s) was answered here: every instance on the store needs the "
		    "same STATE/captcha.key (doc/deploy.md); until then such answers are "
		    "refused with captcha.other_key", CAPTCHA_TAG_LEN, id, srv->captcha_tag);
	return 1;
}

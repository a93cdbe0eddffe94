/*
 * ratelimit — per-address, per-bucket counters in one open-addressed table of fixed size.
 * A slot whose window has passed is free for anyone; when all slots a key may probe are
 * busy this minute, the one with the fewest hits is taken over (a flood of new addresses
 * then evicts each other, not the busy client being limited).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "ncaenrolld/ratelimit.h"

#define RATELIMIT_PROBES	8

/* A bucket's name in the store's keys ("captcha 10.0.0.1"). */
static const char *const ratelimit_names[] = { "captcha", "check", "status" };
_Static_assert(sizeof ratelimit_names / sizeof ratelimit_names[0] == RATELIMIT__MAX,
    "a name for each rate limit bucket");

struct ratelimit_slot {
	char		addr[RATELIMIT_ADDR_MAX];	/* "" = never used */
	int		bucket;
	long long	window;				/* now / 60 */
	int		hits;
};

struct srv_ratelimit {
	pthread_mutex_t		 lock;
	struct ratelimit_slot	*slots;
	size_t			 mask;
};

struct srv_ratelimit *
ratelimit_new(size_t slots, char **cause)
{
	struct srv_ratelimit	*rl;
	size_t			 n = RATELIMIT_PROBES;

	while (n < slots && n < ((size_t)1 << 24))
		n <<= 1;
	if ((rl = calloc(1, sizeof *rl)) == NULL ||
	    (rl->slots = calloc(n, sizeof *rl->slots)) == NULL) {
		cause_set(cause, "out of memory");
		free(rl);
		return NULL;
	}
	rl->mask = n - 1;
	if ((errno = pthread_mutex_init(&rl->lock, NULL)) != 0) {
		cause_set(cause, "cannot create a lock: %s", strerror(errno));
		free(rl->slots);
		free(rl);
		return NULL;
	}
	return rl;
}

void
ratelimit_free(struct srv_ratelimit *rl)
{
	if (rl == NULL)
		return;
	(void)pthread_mutex_destroy(&rl->lock);
	free(rl->slots);
	free(rl);
}

void
ratelimit_key(const char *addr, char out[RATELIMIT_ADDR_MAX])
{
	struct in6_addr	a6;

	if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(&a6.s6_addr[8], 0, 8);
		if (inet_ntop(AF_INET6, &a6, out, RATELIMIT_ADDR_MAX) != NULL)
			return;
	}
	(void)strncpy(out, addr, RATELIMIT_ADDR_MAX - 1);
	out[RATELIMIT_ADDR_MAX - 1] = '\0';
}

static size_t
ratelimit_hash(const char *key, int bucket)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	h = (h ^ (unsigned)bucket) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static struct ratelimit_slot *
ratelimit_find(struct srv_ratelimit *rl, const char *key, int bucket, long long window)
{
	struct ratelimit_slot	*s, *stale = NULL, *least = NULL;
	size_t			 h = ratelimit_hash(key, bucket), i;

	for (i = 0; i < RATELIMIT_PROBES; i++) {
		s = &rl->slots[(h + i) & rl->mask];
		if (s->addr[0] != '\0' && s->bucket == bucket && strcmp(s->addr, key) == 0) {
			if (s->window != window) {
				s->window = window;
				s->hits = 0;
			}
			return s;
		}
		if (stale == NULL && (s->addr[0] == '\0' || s->window != window))
			stale = s;
		if (least == NULL || s->hits < least->hits)
			least = s;
	}
	s = stale != NULL ? stale : least;
	(void)strcpy(s->addr, key);
	s->bucket = bucket;
	s->window = window;
	s->hits = 0;
	return s;
}

int
ratelimit_hit(struct srv_ratelimit *rl, const char *addr, enum ratelimit_bucket bucket,
    int per_minute, time_t now, int *retry_after)
{
	struct ratelimit_slot	*s;
	char			 key[RATELIMIT_ADDR_MAX];
	long long		 window = (long long)now / 60;
	int			 rc = 0;

	ratelimit_key(addr, key);
	(void)pthread_mutex_lock(&rl->lock);
	s = ratelimit_find(rl, key, (int)bucket, window);
	if (s->hits >= per_minute) {
		rc = -1;
		*retry_after = (int)(60 - (long long)now % 60);
	} else
		s->hits++;
	(void)pthread_mutex_unlock(&rl->lock);
	return rc;
}

void
ratelimit_store_key(const char *addr, enum ratelimit_bucket bucket,
    char out[RATELIMIT_STORE_KEY_MAX])
{
	char	key[RATELIMIT_ADDR_MAX];

	ratelimit_key(addr, key);
	(void)snprintf(out, RATELIMIT_STORE_KEY_MAX, "%s %s", ratelimit_names[bucket], key);
}

/*
 * ratelimit — how many requests of one kind (a bucket: captchas, registry checks, status
 * lookups by number) a client address may make per minute. Fixed one-minute windows in a
 * table of fixed size, so a flood of addresses costs no memory: when the table is full, the
 * least active entry nearby gives way. IPv6 clients are counted per /64 (one host holds a
 * whole /64). Thread-safe; ratelimit_free() only after the last request. Instances that
 * share a PostgreSQL store count in it instead (srv_rate_hit), so that a client spread
 * over them by a proxy meets the same limit as with one.
 */
#ifndef NCA_RATELIMIT_H
#define NCA_RATELIMIT_H

#include <stddef.h>
#include <time.h>

enum ratelimit_bucket {
	RATELIMIT_CAPTCHA, RATELIMIT_CHECK, RATELIMIT_STATUS, RATELIMIT__MAX
};

#define RATELIMIT_ADDR_MAX	64

/*
 * The key a client address counts under: IPv6 addresses become their /64; anything
 * unparsable is kept as given (truncated). http.c counts connections by it too.
 */
void			 ratelimit_key(const char *addr, char out[RATELIMIT_ADDR_MAX]);

struct srv_ratelimit;

/* slots: entries kept (rounded up to a power of two); NULL with a cause. */
struct srv_ratelimit	*ratelimit_new(size_t slots, char **cause);
void			 ratelimit_free(struct srv_ratelimit *);
/*
 * Counts one request of addr in bucket at now: 0 if within per_minute, -1 if over it, then
 * *retry_after gets the seconds until the window turns.
 */
int			 ratelimit_hit(struct srv_ratelimit *, const char *addr,
			     enum ratelimit_bucket, int per_minute, time_t now,
			     int *retry_after);
/*
 * The key bucket's count of addr goes under in a store shared by instances (srv_rate_hit,
 * store_rate_take): "captcha 10.0.0.1", the address as ratelimit_key makes it.
 */
#define RATELIMIT_STORE_KEY_MAX	(RATELIMIT_ADDR_MAX + 16)
void			 ratelimit_store_key(const char *addr, enum ratelimit_bucket,
			     char out[RATELIMIT_STORE_KEY_MAX]);

#endif

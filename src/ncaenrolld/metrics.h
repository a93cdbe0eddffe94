/*
 * metrics — the service's counters for Prometheus (GET /metrics, text format 0.0.4):
 * requests by route and status code, their latency per route, connections refused by
 * reason, issuances, revocations, OCSP answers by status; and, read from the store when
 * scraped (cached METRICS_GAUGE_TTL seconds), applications by status and the outbox.
 * Counting is lock-free (C11 atomics on memory allocated once at start): a request costs
 * a few relaxed increments and no allocation. Every function takes a NULL struct metrics
 * and does nothing (handlers' unit tests run without one). metrics_new/metrics_routes run
 * in main before the listeners start; the counting functions from any thread.
 */
#ifndef NCA_METRICS_H
#define NCA_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct srv;

/* Seconds an answer about the store's contents is reused: a scrape is one cheap query. */
#define METRICS_GAUGE_TTL	5

/* What is counted besides requests; the names in metrics.c's table. */
enum metrics_event {
	METRICS_ISSUANCE,		/* an application issued (its two certificates) */
	METRICS_REVOCATION,		/* an application's certificates revoked */
	METRICS_OCSP_GOOD,		/* one certificate's status in an OCSP answer */
	METRICS_OCSP_REVOKED,
	METRICS_OCSP_UNKNOWN,
	METRICS_CUT_OFF,		/* a connection shut for want of a complete request */
	METRICS_EVENT__MAX
};

/* Why a connection was refused at accept (http.c's slots). */
enum metrics_refusal {
	METRICS_REFUSED_FULL,		/* every slot taken */
	METRICS_REFUSED_ADDRESS,	/* the address holds connections_per_address */
	METRICS_REFUSED_ADDRESS_BUSY,	/* more than half taken, and the busy share held */
	METRICS_REFUSED_PROXY,		/* a trusted proxy's PROXY header late or bad */
	METRICS_REFUSED__MAX
};

struct metrics;

struct metrics	*metrics_new(char **cause);
void		 metrics_free(struct metrics *);
/*
 * Makes counters for a listener's route table ("https", "http", "metrics"): n rows of
 * size bytes from table, each named by name (its method and path pattern, strings that
 * outlive m, as the table must). Rows are opaque here: http.c counts, and knows them.
 * Before the listener serves: 0 or -1 with a cause.
 */
int		 metrics_routes(struct metrics *, const char *listener, const void *table,
		    size_t n, size_t size,
		    void (*name)(const void *row, const char **method, const char **pattern),
		    char **cause);
/*
 * One answered request: its route's row (NULL, or one of no table: none matched), status
 * and the microseconds it took (0: not timed). The caller's clock reading, which its
 * access log line shows too.
 */
void		 metrics_request(struct metrics *, const void *route, int status, uint64_t us);
void		 metrics_count(struct metrics *, enum metrics_event);
void		 metrics_refused(struct metrics *, enum metrics_refusal);
/*
 * The exposition of everything, malloc'd (*len bytes, NUL-terminated); the store's
 * numbers through srv's pool (left out, and said in ncaenrolld_store_up 0, when the store
 * cannot answer). NULL with a cause when out of memory.
 */
char		*metrics_text(struct metrics *, struct srv *, size_t *len, char **cause);

#endif

/*
 * metrics — counters kept with relaxed C11 atomics in arrays allocated once, per route of
 * each listener's table, and their Prometheus text exposition (doc/api.md "Operations").
 * A request finds its route's counters by the route's address in its table (a few
 * tables, compared by pointer), so counting neither locks nor allocates. The store's
 * numbers are read when scraped, at most once per METRICS_GAUGE_TTL seconds.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/appstatus.h"
#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define METRICS_TABLES		4	/* https, http, metrics, and one to spare */
#define METRICS_CODE_MIN	100
#define METRICS_CODES		500	/* 100..599 */

/* Upper bounds of the latency buckets, in microseconds (then +Inf). */
static const uint64_t metrics_bounds[] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
	5000000, 10000000,
};
#define METRICS_BUCKETS	(sizeof metrics_bounds / sizeof metrics_bounds[0] + 1)

static const struct {
	const char	*name, *help, *label;
} metrics_events[] = {
	[METRICS_ISSUANCE] = { "ncaenrolld_issuances_total",
	    "Applications issued (two certificates each), since start.", NULL },
	[METRICS_REVOCATION] = { "ncaenrolld_revocations_total",
	    "Applications whose certificates were revoked, since start.", NULL },
	[METRICS_OCSP_GOOD] = { "ncaenrolld_ocsp_responses_total",
	    "Certificate statuses given in OCSP answers, since start.", "good" },
	[METRICS_OCSP_REVOKED] = { "ncaenrolld_ocsp_responses_total", NULL, "revoked" },
	[METRICS_OCSP_UNKNOWN] = { "ncaenrolld_ocsp_responses_total", NULL, "unknown" },
	[METRICS_CUT_OFF] = { "ncaenrolld_connections_cut_off_total",
	    "Connections shut for want of a complete request in time, since start.", NULL },
};
_Static_assert(sizeof metrics_events / sizeof metrics_events[0] == METRICS_EVENT__MAX,
    "one row per event");

static const char *const metrics_refusals[] = {
	[METRICS_REFUSED_FULL] = "full",
	[METRICS_REFUSED_ADDRESS] = "address",
	[METRICS_REFUSED_ADDRESS_BUSY] = "address_busy",
	[METRICS_REFUSED_PROXY] = "proxy_header",
};
_Static_assert(sizeof metrics_refusals / sizeof metrics_refusals[0] == METRICS_REFUSED__MAX,
    "one name per refusal");

/* One route's counters, and its names. */
struct metrics_route {
	const char		*method, *pattern;
	atomic_uint_least64_t	 codes[METRICS_CODES];
	atomic_uint_least64_t	 buckets[METRICS_BUCKETS];	/* not cumulative */
	atomic_uint_least64_t	 sum_us;
};

struct metrics_table {
	const char		*listener;
	const char		*rows;		/* the first row */
	size_t			 n, size;
	struct metrics_route	*c;
};

struct metrics {
	struct metrics_table	 t[METRICS_TABLES];
	size_t			 nt;
	struct metrics_route	 unmatched;	/* no route: 404, 414... */
	atomic_uint_least64_t	 events[METRICS_EVENT__MAX];
	atomic_uint_least64_t	 refused[METRICS_REFUSED__MAX];
	pthread_mutex_t		 lock;		/* the store's numbers below */
	struct store_counts	 counts;
	int			 counts_ok;
	struct timespec		 counts_at;	/* monotonic; 0: never read */
};

struct metrics *
metrics_new(char **cause)
{
	struct metrics	*m;

	if ((m = calloc(1, sizeof *m)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&m->lock, NULL) != 0) {
		cause_set(cause, "cannot create a lock");
		free(m);
		return NULL;
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nt; i++)
		free(m->t[i].c);
	(void)pthread_mutex_destroy(&m->lock);
	free(m);
}

int
metrics_routes(struct metrics *m, const char *listener, const void *table, size_t n,
    size_t size, void (*name)(const void *, const char **, const char **), char **cause)
{
	struct metrics_table	*t;
	size_t			 i;

	if (m == NULL || n == 0)
		return 0;
	if (m->nt == METRICS_TABLES) {
		cause_set(cause, "metrics: more than %d route tables", METRICS_TABLES);
		return -1;
	}
	t = &m->t[m->nt];
	if ((t->c = calloc(n, sizeof *t->c)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	t->listener = listener;
	t->rows = table;
	t->n = n;
	t->size = size;
	for (i = 0; i < n; i++)
		name(t->rows + i * size, &t->c[i].method, &t->c[i].pattern);
	m->nt++;
	return 0;
}

static struct metrics_route *
metrics_route_of(struct metrics *m, const void *route)
{
	/* As numbers: comparing pointers into different tables is undefined in C. */
	uintptr_t	rt = (uintptr_t)route, first;
	size_t		i;

	for (i = 0; route != NULL && i < m->nt; i++) {
		first = (uintptr_t)m->t[i].rows;
		if (rt >= first && rt < first + m->t[i].n * m->t[i].size)
			return &m->t[i].c[(rt - first) / m->t[i].size];
	}
	return &m->unmatched;
}

void
metrics_request(struct metrics *m, const void *rt, int status, uint64_t us)
{
	struct metrics_route	*c;
	size_t			 b;

	if (m == NULL)
		return;
	c = metrics_route_of(m, rt);
	if (status >= METRICS_CODE_MIN && status < METRICS_CODE_MIN + METRICS_CODES)
		atomic_fetch_add_explicit(&c->codes[status - METRICS_CODE_MIN], 1,
		    memory_order_relaxed);
	for (b = 0; b + 1 < METRICS_BUCKETS && us > metrics_bounds[b]; b++)
		continue;
	atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->sum_us, us, memory_order_relaxed);
}

void
metrics_count(struct metrics *m, enum metrics_event e)
{
	if (m != NULL && (unsigned)e < METRICS_EVENT__MAX)
		atomic_fetch_add_explicit(&m->events[e], 1, memory_order_relaxed);
}

void
metrics_refused(struct metrics *m, enum metrics_refusal r)
{
	if (m != NULL && (unsigned)r < METRICS_REFUSED__MAX)
		atomic_fetch_add_explicit(&m->refused[r], 1, memory_order_relaxed);
}

static uint64_t
metrics_get(atomic_uint_least64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

/* ---- the exposition ---- */

/* A label value as the text format wants it: \, " and newline escaped. */
static void
metrics_label(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			(void)fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			(void)fputs("\\n", f);
		else
			(void)fputc(*v, f);
	}
}

static void
metrics_head(FILE *f, const char *name, const char *type, const char *help)
{
	(void)fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The labels of a route: listener, method, route ("" for the requests of no route). */
static void
metrics_route_labels(FILE *f, const char *listener, const struct metrics_route *c)
{
	(void)fprintf(f, "listener=\"%s\",method=\"", listener);
	metrics_label(f, c->method != NULL ? c->method : "");
	(void)fputs("\",route=\"", f);
	metrics_label(f, c->pattern != NULL ? c->pattern : "");
	(void)fputc('"', f);
}

static void
metrics_requests_one(FILE *f, const char *listener, struct metrics_route *c)
{
	uint64_t	v;
	size_t		i;

	for (i = 0; i < METRICS_CODES; i++) {
		if ((v = metrics_get(&c->codes[i])) == 0)
			continue;
		(void)fputs("ncaenrolld_http_requests_total{", f);
		metrics_route_labels(f, listener, c);
		(void)fprintf(f, ",code=\"%zu\"} %llu\n", i + METRICS_CODE_MIN,
		    (unsigned long long)v);
	}
}

/*
 * A route's histogram. Read bucket by bucket while others count: the count is the sum of
 * what was read, so the +Inf bucket and _count always agree.
 */
static void
metrics_latency_one(FILE *f, const char *listener, struct metrics_route *c)
{
	uint64_t	cum = 0, sum;
	size_t		b;

	sum = metrics_get(&c->sum_us);
	for (b = 0; b < METRICS_BUCKETS; b++) {
		cum += metrics_get(&c->buckets[b]);
		(void)fputs("ncaenrolld_http_request_duration_seconds_bucket{", f);
		metrics_route_labels(f, listener, c);
		if (b + 1 < METRICS_BUCKETS)
			(void)fprintf(f, ",le=\"%g\"} %llu\n", (double)metrics_bounds[b] / 1e6,
			    (unsigned long long)cum);
		else
			(void)fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	(void)fputs("ncaenrolld_http_request_duration_seconds_sum{", f);
	metrics_route_labels(f, listener, c);
	(void)fprintf(f, "} %.6f\n", (double)sum / 1e6);
	(void)fputs("ncaenrolld_http_request_duration_seconds_count{", f);
	metrics_route_labels(f, listener, c);
	(void)fprintf(f, "} %llu\n", (unsigned long long)cum);
}

/* one() for each route of each table, then for the requests of no route. */
static void
metrics_each_route(FILE *f, struct metrics *m,
    void (*one)(FILE *, const char *, struct metrics_route *))
{
	size_t	i, j;

	for (i = 0; i < m->nt; i++)
		for (j = 0; j < m->t[i].n; j++)
			one(f, m->t[i].listener, &m->t[i].c[j]);
	one(f, "", &m->unmatched);
}

static void
metrics_requests(FILE *f, struct metrics *m)
{
	metrics_head(f, "ncaenrolld_http_requests_total", "counter",
	    "Requests answered, by listener, route and status code, since start.");
	metrics_each_route(f, m, metrics_requests_one);
	metrics_head(f, "ncaenrolld_http_request_duration_seconds", "histogram",
	    "Time from a request's headers to its answer, by listener and route.");
	metrics_each_route(f, m, metrics_latency_one);
}

static void
metrics_events_text(FILE *f, struct metrics *m)
{
	size_t	i;

	for (i = 0; i < METRICS_EVENT__MAX; i++) {
		if (metrics_events[i].help != NULL)
			metrics_head(f, metrics_events[i].name, "counter",
			    metrics_events[i].help);
		if (metrics_events[i].label != NULL)
			(void)fprintf(f, "%s{status=\"%s\"} %llu\n", metrics_events[i].name,
			    metrics_events[i].label,
			    (unsigned long long)metrics_get(&m->events[i]));
		else
			(void)fprintf(f, "%s %llu\n", metrics_events[i].name,
			    (unsigned long long)metrics_get(&m->events[i]));
	}
	metrics_head(f, "ncaenrolld_connections_refused_total", "counter",
	    "Connections refused at accept, by reason (policy.max_connections, "
	    "connections_per_address, connections_per_address_busy), since start.");
	for (i = 0; i < METRICS_REFUSED__MAX; i++)
		(void)fprintf(f, "ncaenrolld_connections_refused_total{reason=\"%s\"} %llu\n",
		    metrics_refusals[i], (unsigned long long)metrics_get(&m->refused[i]));
}

/* The store's numbers, read again once they are METRICS_GAUGE_TTL seconds old. */
static int
metrics_counts(struct metrics *m, struct srv *srv, struct store_counts *out)
{
	struct timespec	 now;
	struct store	*st;
	char		*cause = NULL;
	int		 ok;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	(void)pthread_mutex_lock(&m->lock);
	if (m->counts_at.tv_sec == 0 || now.tv_sec - m->counts_at.tv_sec >= METRICS_GAUGE_TTL) {
		m->counts_ok = 0;
		if ((st = srv_store_get(srv, &cause)) != NULL) {
			m->counts_ok = store_counts(st, &m->counts, &cause) == 0;
			srv_store_put(srv, st);
		}
		if (!m->counts_ok)
			log_warning("metrics: the store's counts: %s", cause != NULL ? cause :
			    "?");
		free(cause);
		m->counts_at = now;
	}
	*out = m->counts;
	ok = m->counts_ok;
	(void)pthread_mutex_unlock(&m->lock);
	return ok;
}

static void
metrics_store(FILE *f, struct metrics *m, struct srv *srv)
{
	struct store_counts	c;
	int			ok = srv != NULL && metrics_counts(m, srv, &c);
	int			i;

	metrics_head(f, "ncaenrolld_store_up", "gauge",
	    "1 when the store answered the last count of its contents, else 0.");
	(void)fprintf(f, "ncaenrolld_store_up %d\n", ok);
	if (!ok)
		return;
	metrics_head(f, "ncaenrolld_applications", "gauge",
	    "Applications in the store, by status.");
	for (i = 0; i < APP_STATUS__MAX; i++)
		(void)fprintf(f, "ncaenrolld_applications{status=\"%s\"} %lld\n",
		    appstatus_wire((enum app_status)i), c.apps[i]);
	metrics_head(f, "ncaenrolld_outbox_mails", "gauge",
	    "Mails in the outbox, by state (queued and sending: its depth).");
	for (i = 0; i < STORE_MAIL__MAX; i++)
		(void)fprintf(f, "ncaenrolld_outbox_mails{state=\"%s\"} %lld\n",
		    store_mail_state_wire((enum store_mail_state)i), c.mails[i]);
}

char *
metrics_text(struct metrics *m, struct srv *srv, size_t *len, char **cause)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 n = 0;

	if (m == NULL) {
		cause_set(cause, "no metrics are kept");
		return NULL;
	}
	if ((f = open_memstream(&buf, &n)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	metrics_requests(f, m);
	metrics_events_text(f, m);
	metrics_store(f, m, srv);
	if (ferror(f) | fclose(f)) {
		free(buf);
		cause_set(cause, "out of memory");
		return NULL;
	}
	*len = n;
	return buf;
}

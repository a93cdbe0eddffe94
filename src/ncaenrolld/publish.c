/*
 * publish — the signed objects behind the plain-http listener, kept signed in memory.
 *
 * CRLs: a full CRL and a delta are signed together, each with its own number from the
 * store's "ca" counter (RFC 5280 §5.2.3: one sequence for both). The delta names a base,
 * the full CRL of a scheduled signing, and lists what was revoked since that base's
 * thisUpdate; a re-signing after a revocation makes a new full CRL but keeps the base, so
 * the delta shows the new entry (a delta may be used with any full CRL numbered at least
 * its base). A scheduled re-signing (every PUBLISH_RESIGN, well within both nextUpdates)
 * makes a new base. Whether something was revoked is the store's revocation generation,
 * read before the revocations, so a revocation between the two reads is signed again.
 *
 * OCSP: every request is answered from the store and signed (the responder's key signs
 * from many threads at once). With ca.ocsp_preproduced, an answer to a one-certificate
 * request without a nonce is kept (RFC 5019's pre-produced responses) by the request's
 * bytes for PUBLISH_OCSP_REUSE seconds and dropped as a whole when the revocation
 * generation moves; "unknown" is never kept (the certificate may be issued next second).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cause.h"
#include "common/log.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define PUBLISH_OCSP_MAX_IDS	16	/* CertIDs in one request */
#define PUBLISH_CACHE_SLOTS	4096	/* pre-produced answers kept (a slot per hash) */
#define PUBLISH_ROOT_MARGIN	(30 * 86400)	/* a demo re-signs its root CRL this early */

struct publish_blob {
	unsigned char	*der;
	size_t		 len;
};

struct publish_slot {
	unsigned char	*req, *resp;
	size_t		 reqlen, resplen;
	time_t		 made;
	enum ca_ocsp_status status;	/* what the answer says (for the metrics) */
};

struct publish {
	pthread_rwlock_t	 lock;		/* blobs and responder */
	struct publish_blob	 blob[PUBLISH__MAX];
	struct ca_responder	*responder;
	time_t			 responder_due;

	pthread_mutex_t		 sign;		/* one refresh at a time; what follows */
	int			 signed_once;
	long long		 signed_gen;
	time_t			 signed_at;
	long long		 base;		/* the delta's base CRL number */
	time_t			 base_at;	/* and its thisUpdate */
	time_t			 root_mtime;
	time_t			 root_next;

	pthread_mutex_t		 cache_lock;
	long long		 cache_gen;
	struct publish_slot	*cache;		/* NULL: no pre-produced answers */
};

/* --- blobs ------------------------------------------------------------------------- */

/* Takes der; frees what the slot held. */
static void
publish_set(struct publish *p, enum publish_object o, unsigned char *der, size_t len)
{
	unsigned char	*old;

	(void)pthread_rwlock_wrlock(&p->lock);
	old = p->blob[o].der;
	p->blob[o].der = der;
	p->blob[o].len = len;
	(void)pthread_rwlock_unlock(&p->lock);
	free(old);
}

static int
publish_copy(struct publish *p, enum publish_object o, unsigned char **der, size_t *len,
    char **cause)
{
	int	rc = 0;

	*der = NULL;
	*len = 0;
	(void)pthread_rwlock_rdlock(&p->lock);
	if (p->blob[o].der != NULL) {
		if ((*der = malloc(p->blob[o].len)) == NULL) {
			cause_set(cause, "out of memory");
			rc = -1;
		} else {
			memcpy(*der, p->blob[o].der, p->blob[o].len);
			*len = p->blob[o].len;
		}
	}
	(void)pthread_rwlock_unlock(&p->lock);
	return rc;
}

/* --- the CRLs ---------------------------------------------------------------------- */

/* One CRL of the revocations at or after since: a full CRL (base 0) or a delta. */
static int
publish_sign_crl(struct srv *srv, const struct store_revocation *v, size_t n, time_t since,
    long long number, long long base, time_t now, char **cause)
{
	struct ca_revoked	*r = NULL;
	struct ca_crl_spec	 spec;
	unsigned char		*der = NULL;
	size_t			 i, k = 0, len = 0;

	if (n > 0 && (r = calloc(n, sizeof *r)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (v[i].at < since)
			continue;
		r[k].serial = v[i].serial;
		r[k].when = v[i].at;
		r[k++].reason = v[i].crl_reason;
	}
	spec.number = number;
	spec.base = base;
	spec.this_update = now;
	spec.next_update = now + (base == 0 ? (time_t)PUBLISH_CRL_DAYS * 86400 :
	    (time_t)PUBLISH_DELTA_HOURS * 3600);
	if (ca_crl(srv->ca, r, k, &spec, &der, &len, cause) == -1) {
		free(r);
		return -1;
	}
	free(r);
	publish_set(srv->pub, base == 0 ? PUBLISH_CRL : PUBLISH_DELTA_CRL, der, len);
	return 0;
}

/* Both CRLs signed anew (under p->sign); a new base when scheduled or the first time. */
static int
publish_sign_crls(struct srv *srv, struct store *st, long long gen, time_t now,
    int new_base, char **cause)
{
	struct publish		*p = srv->pub;
	struct store_revocation	*v = NULL;
	size_t			 n = 0;
	long long		 full, delta;
	int			 rc = -1;

	if (store_revocations(st, 0, &v, &n, cause) == -1)
		return -1;
	if (store_crl_number_next(st, "ca", &full, cause) == -1 ||
	    store_crl_number_next(st, "ca", &delta, cause) == -1)
		goto out;
	if (new_base) {
		p->base = full;
		p->base_at = now;
	}
	if (publish_sign_crl(srv, v, n, 0, full, 0, now, cause) == -1 ||
	    publish_sign_crl(srv, v, n, p->base_at, delta, p->base, now, cause) == -1)
		goto out;
	p->signed_gen = gen;
	p->signed_at = now;
	p->signed_once = 1;
	rc = 0;
out:
	store_revocations_free(v, n);
	return rc;
}

/* --- the root's CRL ---------------------------------------------------------------- */

/* Re-read when its file changed; a demo (which holds the root's key) re-signs it when due. */
static int
publish_root_crl(struct srv *srv, time_t now, char **cause)
{
	struct publish	*p = srv->pub;
	const char	*path = srv->cfg->root_crl;
	unsigned char	*der;
	size_t		 len;
	struct stat	 sb;
	time_t		 next;

	if (path == NULL)
		return 0;
	if (srv->cfg->demo.enabled && p->root_next != 0 &&
	    now >= p->root_next - PUBLISH_ROOT_MARGIN &&
	    ca_demo_root_crl(srv->cfg->state_dir, now, cause) == -1)
		return -1;
	if (stat(path, &sb) == -1) {
		cause_set(cause, "cannot read the root CRL %s: %s", path, strerror(errno));
		return -1;
	}
	if (p->blob[PUBLISH_ROOT_CRL].der != NULL && sb.st_mtime == p->root_mtime)
		return 0;
	if (ca_root_crl_read(srv->ca, path, &der, &len, &next, cause) == -1)
		return -1;
	if (next != 0 && next <= now)
		log_warning("the root CRL %s is past its nextUpdate: relying parties will "
		    "refuse the chain until it is replaced", path);
	p->root_mtime = sb.st_mtime;
	p->root_next = next;
	publish_set(p, PUBLISH_ROOT_CRL, der, len);
	return 0;
}

/* --- the responder ----------------------------------------------------------------- */

static int
publish_responder(struct srv *srv, time_t now, char **cause)
{
	struct publish		*p = srv->pub;
	struct ca_responder	*r, *old;

	if (p->responder != NULL && now < p->responder_due)
		return 0;
	if ((r = ca_responder_load(srv->ca, srv->cfg->state_dir, now, cause)) == NULL)
		return -1;
	(void)pthread_rwlock_wrlock(&p->lock);
	old = p->responder;
	p->responder = r;
	p->responder_due = ca_responder_due(r);
	(void)pthread_rwlock_unlock(&p->lock);
	ca_responder_free(old);
	if (old != NULL)
		log_info("OCSP responder certificate renewed (%s/ocsp.pem)",
		    srv->cfg->state_dir);
	return 0;
}

/* --- refresh ----------------------------------------------------------------------- */

static int
publish_refresh_locked(struct srv *srv, struct store *st, time_t now, char **cause)
{
	struct publish	*p = srv->pub;
	long long	 gen;
	int		 sched;

	if (store_revocation_generation(st, &gen, cause) == -1)
		return -1;
	/* A clock set back (a test clock) is a schedule come due too. */
	sched = !p->signed_once || now >= p->signed_at + PUBLISH_RESIGN || now < p->signed_at;
	if ((sched || gen != p->signed_gen) &&
	    publish_sign_crls(srv, st, gen, now, sched, cause) == -1)
		return -1;
	if (publish_root_crl(srv, now, cause) == -1 || publish_responder(srv, now, cause) == -1)
		return -1;
	return 0;
}

int
publish_refresh(struct srv *srv, struct store *st, char **cause)
{
	time_t	now = srv_now(srv);
	int	rc;

	if ((errno = pthread_mutex_lock(&srv->pub->sign)) != 0) {
		cause_set(cause, "cannot take the publication lock: %s", strerror(errno));
		return -1;
	}
	rc = publish_refresh_locked(srv, st, now, cause);
	(void)pthread_mutex_unlock(&srv->pub->sign);
	return rc;
}

int
publish_get(struct srv *srv, struct store *st, enum publish_object o, unsigned char **der,
    size_t *len, char **cause)
{
	if ((unsigned)o >= PUBLISH__MAX) {
		cause_set(cause, "no such published object");
		return -1;
	}
	if ((o == PUBLISH_CRL || o == PUBLISH_DELTA_CRL) &&
	    publish_refresh(srv, st, cause) == -1)
		return -1;
	return publish_copy(srv->pub, o, der, len, cause);
}

/* --- OCSP -------------------------------------------------------------------------- */

/* FNV-1a: where a request's pre-produced answer sits. */
static size_t
publish_slot_of(const unsigned char *b, size_t n)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h % PUBLISH_CACHE_SLOTS);
}

static void
publish_slot_clear(struct publish_slot *s)
{
	free(s->req);
	free(s->resp);
	memset(s, 0, sizeof *s);
}

/* A kept answer to exactly these bytes, still valid: 1 with a copy in *der. */
static int
publish_cache_find(struct publish *p, const unsigned char *req, size_t reqlen,
    long long gen, time_t now, unsigned char **der, size_t *len, enum ca_ocsp_status *status)
{
	struct publish_slot	*s;
	size_t			 i;
	int			 hit = 0;

	(void)pthread_mutex_lock(&p->cache_lock);
	if (gen != p->cache_gen) {
		/* Something was revoked: no kept answer may say "good" any longer. */
		for (i = 0; i < PUBLISH_CACHE_SLOTS; i++)
			publish_slot_clear(&p->cache[i]);
		p->cache_gen = gen;
	}
	s = &p->cache[publish_slot_of(req, reqlen)];
	if (s->req != NULL && s->reqlen == reqlen && memcmp(s->req, req, reqlen) == 0 &&
	    now >= s->made && now < s->made + PUBLISH_OCSP_REUSE &&
	    (*der = malloc(s->resplen)) != NULL) {
		memcpy(*der, s->resp, s->resplen);
		*len = s->resplen;
		*status = s->status;
		hit = 1;
	}
	(void)pthread_mutex_unlock(&p->cache_lock);
	return hit;
}

static void
publish_cache_put(struct publish *p, const unsigned char *req, size_t reqlen, long long gen,
    time_t now, const unsigned char *der, size_t len, enum ca_ocsp_status status)
{
	struct publish_slot	*s, n;

	n.req = malloc(reqlen);
	n.resp = malloc(len);
	if (n.req == NULL || n.resp == NULL) {
		free(n.req);
		free(n.resp);
		return;		/* not kept: the next request signs again */
	}
	memcpy(n.req, req, reqlen);
	memcpy(n.resp, der, len);
	n.reqlen = reqlen;
	n.resplen = len;
	n.made = now;
	n.status = status;
	(void)pthread_mutex_lock(&p->cache_lock);
	/* Signed before a revocation the cache has seen since: not kept. */
	if (gen == p->cache_gen) {
		s = &p->cache[publish_slot_of(req, reqlen)];
		publish_slot_clear(s);
		*s = n;
		n.req = n.resp = NULL;
	}
	(void)pthread_mutex_unlock(&p->cache_lock);
	free(n.req);
	free(n.resp);
}

/* Each single of ours answered from the store; the others stay unknown. */
static int
publish_ocsp_status(struct store *st, struct ca_ocsp_single *v, size_t n, int *keep,
    char **cause)
{
	struct store_cert_status	cs;
	size_t				i;
	int				found;

	*keep = 1;
	for (i = 0; i < n; i++) {
		if (!v[i].ours) {
			*keep = 0;
			continue;
		}
		if (store_cert_status(st, v[i].serial, &cs, &found, cause) == -1)
			return -1;
		if (!found) {
			*keep = 0;
			continue;
		}
		v[i].status = cs.revoked ? CA_OCSP_REVOKED : CA_OCSP_GOOD;
		v[i].revoked_at = cs.revoked_at;
		v[i].reason = cs.crl_reason;
	}
	return 0;
}

/* The statuses an answer gives, counted for the metrics. */
static void
publish_ocsp_count(struct srv *srv, const struct ca_ocsp_single *v, size_t n)
{
	static const enum metrics_event	events[] = {
		[CA_OCSP_GOOD] = METRICS_OCSP_GOOD,
		[CA_OCSP_REVOKED] = METRICS_OCSP_REVOKED,
		[CA_OCSP_UNKNOWN] = METRICS_OCSP_UNKNOWN,
	};
	size_t				i;

	for (i = 0; i < n; i++)
		if ((size_t)v[i].status < sizeof events / sizeof events[0])
			metrics_count(srv->metrics, events[v[i].status]);
}

static int
publish_ocsp_sign(struct srv *srv, const struct ca_ocsp_req *q,
    const struct ca_ocsp_single *v, size_t n, time_t now, unsigned char **der,
    size_t *len, char **cause)
{
	struct publish	*p = srv->pub;
	int		 rc;

	(void)pthread_rwlock_rdlock(&p->lock);
	rc = p->responder == NULL ? -1 : ca_ocsp_answer(p->responder, q, v, n, now,
	    now + PUBLISH_OCSP_VALIDITY, der, len, cause);
	(void)pthread_rwlock_unlock(&p->lock);
	if (rc == -1 && p->responder == NULL)
		cause_set(cause, "no OCSP responder certificate");
	return rc;
}

int
publish_ocsp(struct srv *srv, struct store *st, const unsigned char *req, size_t reqlen,
    unsigned char **der, size_t *len, char **cause)
{
	struct ca_ocsp_single	 v[PUBLISH_OCSP_MAX_IDS];
	struct ca_ocsp_req	*q;
	struct publish		*p = srv->pub;
	time_t			 now = srv_now(srv);
	long long		 gen = 0;
	size_t			 n;
	int			 nonce, keep, rc = -1, cacheable;

	*der = NULL;
	if ((q = ca_ocsp_req_parse(srv->ca, req, reqlen, v, PUBLISH_OCSP_MAX_IDS, &n,
	    &nonce)) == NULL)
		return ca_ocsp_refusal(CA_OCSP_MALFORMED, der, len);
	cacheable = p->cache != NULL && n == 1 && !nonce;
	if (cacheable && (store_revocation_generation(st, &gen, cause) == -1 ||
	    publish_cache_find(p, req, reqlen, gen, now, der, len, &v[0].status))) {
		if ((rc = *der != NULL ? 0 : -1) == 0)
			publish_ocsp_count(srv, v, 1);
		goto out;
	}
	if (publish_ocsp_status(st, v, n, &keep, cause) == -1 ||
	    publish_ocsp_sign(srv, q, v, n, now, der, len, cause) == -1)
		goto out;
	if (cacheable && keep)
		publish_cache_put(p, req, reqlen, gen, now, *der, *len, v[0].status);
	publish_ocsp_count(srv, v, n);
	rc = 0;
out:
	ca_ocsp_req_free(q);
	if (rc == -1) {
		log_error("OCSP: %s", cause != NULL && *cause != NULL ? *cause : "failed");
		free(*der);
		rc = ca_ocsp_refusal(CA_OCSP_INTERNAL, der, len);
	}
	return rc;
}

/* --- life -------------------------------------------------------------------------- */

struct publish *
publish_new(struct srv *srv, char **cause)
{
	struct publish	*p;
	time_t		 now = srv_now(srv);
	int		 i;

	if ((p = calloc(1, sizeof *p)) == NULL) {
		cause_set(cause, "out of memory");
		return NULL;
	}
	if (pthread_rwlock_init(&p->lock, NULL) != 0 || pthread_mutex_init(&p->sign, NULL) != 0 ||
	    pthread_mutex_init(&p->cache_lock, NULL) != 0) {
		cause_set(cause, "cannot create the publication locks");
		free(p);	/* a lock that failed to start holds nothing */
		return NULL;
	}
	srv->pub = p;
	if (srv->cfg->ocsp_preproduced &&
	    (p->cache = calloc(PUBLISH_CACHE_SLOTS, sizeof *p->cache)) == NULL) {
		cause_set(cause, "out of memory");
		goto fail;
	}
	for (i = PUBLISH_CA_CER; i <= PUBLISH_ROOT_CER; i++) {
		if (ca_cert_der(srv->ca, i == PUBLISH_ROOT_CER, &p->blob[i].der,
		    &p->blob[i].len, cause) == -1)
			goto fail;
	}
	if (publish_root_crl(srv, now, cause) == -1 || publish_responder(srv, now, cause) == -1)
		goto fail;
	return p;
fail:
	srv->pub = NULL;
	publish_free(p);
	return NULL;
}

void
publish_free(struct publish *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < PUBLISH__MAX; i++)
		free(p->blob[i].der);
	for (i = 0; p->cache != NULL && i < PUBLISH_CACHE_SLOTS; i++)
		publish_slot_clear(&p->cache[i]);
	free(p->cache);
	ca_responder_free(p->responder);
	(void)pthread_mutex_destroy(&p->cache_lock);
	(void)pthread_mutex_destroy(&p->sign);
	(void)pthread_rwlock_destroy(&p->lock);
	free(p);
}

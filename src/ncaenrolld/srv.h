/*
 * srv — the running service's context: its configuration, the CA, the pool of store
 * handles and the clock, passed to every handler and job (no globals). srvconf.c fills
 * struct srv_config (from YAML and the command line; strings malloc'd, freed by
 * srvconf_free); ncaenrolld.c builds struct srv around it and owns it.
 */
#ifndef NCA_SRV_H
#define NCA_SRV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "ncaenrolld/ca.h"
#include "ncaenrolld/captcha.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/store.h"

struct srv_policy {
	int	verification_days;	/* submitted -> cancelled after this (30) */
	int	captcha_lifetime;	/* seconds (300) */
	int	token_lifetime;		/* seconds a BIN check token lives (1800) */
	int	captcha_per_minute;	/* new captchas per client address (20) */
	int	checks_per_minute;	/* bin/iin checks per client address (30) */
	int	status_per_minute;	/* requests by request number per client address (300) */
	size_t	max_body;		/* bytes of a request body (65536) */
	/* added by the service (srvconf.c, http.c): */
	int	request_timeout;	/* seconds from connect to a complete request (30) */
	int	header_timeout;		/* seconds from connect to a request's headers (5) */
	int	threads;		/* HTTP worker threads (4) */
	int	max_connections;	/* open connections in all (1024) */
	int	connections_per_address;/* open connections per client address (256) */
	/* per address once more than half of max_connections are open (16) */
	int	connections_per_address_busy;
};

/* mail.starttls: whether an smtp:// relay's session turns to TLS (smtps:// always is). */
enum srv_starttls {
	SRV_STARTTLS_WHEN_OFFERED,	/* if the relay offers it (the default) */
	SRV_STARTTLS_REQUIRED,		/* else the mail waits and says why */
	SRV_STARTTLS_OFF,		/* never: a relay on loopback or a trusted link */
};

struct srv_mail {
	char	*smtp_url;		/* smtp://host:port or smtps://; NULL = no mail */
	char	*from;			/* From: address (its domain ends each Message-ID) */
	int	 starttls;		/* enum srv_starttls */
	char	*ca_file;		/* PEM the relay's certificate is checked against;
					   NULL: the system's store */
	char	*username;		/* NULL: no login */
	char	*password_file;		/* 0600; read at load into password */
	char	*password;		/* secret: never logged, never in a cause */
	int	 retry_for;		/* seconds a temporary failure is retried (172800) */
};

struct srv_demo {
	int	 enabled;
	int	 auto_approve;		/* seconds; -1 = off */
	char	*fixed_captcha;		/* every captcha reads this; NULL = random */
};

/* Words in the three languages a person may read (each NULL, or all three set). */
struct srv_text {
	char	*kk, *ru, *en;
};

/*
 * Where a person goes for help the programs cannot give (ncaenrolld.yaml(5) "support"),
 * served with the directories (GET /directories/support). NULL: not given.
 */
struct srv_support {
	char		*phone;
	char		*email;
	char		*web;
	struct srv_text	 address;
	struct srv_text	 hours;
};

/* The operator CA (operator.c): RA operators' client certificates. */
struct srv_operators {
	char	*ca_cert;		/* PEM; NULL: no RA desk (every RA call is refused) */
	char	*ca_key;		/* PEM, 0600; needed only by "ncaenrolld operator add" */
	int	 days;			/* an operator certificate's validity (365) */
};

struct srv_config {
	char			*listen;	/* "127.0.0.1:8443"; port 0 = any free port */
	char			*http_listen;	/* plain http for CRLs, OCSP, .cer; NULL: none */
	/* plain http for /metrics (and the probes); NULL: /metrics on listen */
	char			*metrics_listen;
	/* who may tell a client's address (PROXY v2, X-Forwarded-For): "ADDR[/BITS] ...",
	   NULL: nobody (proxy.h) */
	char			*trusted_proxies;
	char			*tls_cert, *tls_key;
	char			*ca_cert, *ca_key, *ca_chain;
	/* a CA key on a token (ca_key "pkcs11:..."): its module (NULL: p11-kit's proxy) and
	   the file of its user PIN, read once at start (ca-token.c) */
	char			*ca_pkcs11_module, *ca_key_pin_file;
	struct srv_operators	 operators;
	struct ca_config	 ca;		/* points into the strings above and below */
	char			*crl_url, *delta_crl_url, *ocsp_url, *ca_issuers_url, *cps_url;
	char			*root_crl;	/* the root's CRL (DER or PEM); NULL: none */
	int			 ocsp_preproduced;	/* RFC 5019 answers kept (publish.h) */
	char			*store_uri;
	char			*data_dir;	/* registries to load into an empty store */
	char			*state_dir;
	char			*clock_file;	/* tests: "now" is read from this file */
	char			*log_level;
	struct srv_policy	 policy;
	struct srv_mail		 mail;
	struct srv_demo		 demo;
	struct srv_support	 support;
};

struct store_pool;
struct operator_ca;
struct srv_policy_kept;
struct publish;
struct mailer;
struct metrics;

struct srv {
	struct srv_config	*cfg;
	struct ca		*ca;
	struct operator_ca	*opca;		/* NULL: no operator CA configured */
	struct store_pool	*stores;
	struct srv_ratelimit	*ratelimit;
	struct publish		*pub;		/* CRLs, certificates, OCSP (publish.h) */
	struct mailer		*mailer;	/* NULL: the service sends no mail */
	struct metrics		*metrics;	/* metrics.h; NULL: nothing counted */
	/* the key of the captchas' stored answers: STATE/captcha.key, made at the first
	 * start (srv_captcha_key) */
	unsigned char		 captcha_key[CAPTCHA_KEY_LEN];
	char			 captcha_tag[CAPTCHA_TAG_LEN + 1];	/* "": ids untagged */
	_Atomic long long	 captcha_elsewhere_said;	/* srv_now of the last line */
	/* the policy a reload applied (srv_policy_set); NULL: cfg->policy, as at start */
	_Atomic(const struct srv_policy *) policy;
	struct srv_policy_kept	*policies;	/* srv_policy_new's copies (srv_policy_free) */
};

/* Now, from the system clock or, in tests, the clock file. */
time_t		 srv_now(const struct srv *);
/*
 * The policy a request reads: one whole set of figures, the start's or the last reload's.
 * A reload (the main thread, on SIGHUP) takes srv_policy_new, a copy of the current one to
 * change (NULL with a cause when memory runs out), and srv_policy_publish, which cannot
 * fail, once the rest of the reload has succeeded. Every copy lives until srv_policy_free,
 * after every thread that reads them has stopped, since a request may still hold an older
 * one.
 */
const struct srv_policy	*srv_policy(const struct srv *);
struct srv_policy	*srv_policy_new(struct srv *, char **cause);
void			 srv_policy_publish(struct srv *, const struct srv_policy *);
void			 srv_policy_free(struct srv *);
/*
 * What the background threads (jobs.c, mailer.c) share. srv_sync_init: a mutex and a
 * condition variable on the monotonic clock, for timed waits a clock change cannot
 * stretch; 0, or -1 with a cause and nothing left to destroy. srv_lasting_report, after
 * each round (rc its 0/-1, now the service's clock): a failure that lasts is logged when it
 * starts ("WHO: WHAT (...)"), again SRV_LASTING_FIRST seconds later and then at doubling
 * intervals up to SRV_LASTING_MAX, each time with the rounds failed since the last line and
 * how long it has lasted, and once when a round works again ("WHO: ENDED (after N failed
 * rounds over D)"). A line says the latest cause; a cause that changes meanwhile waits for
 * the next line (a cause that changed every round would otherwise log every round). It
 * takes *cause (NULL after). A zeroed struct is ready;
 * free failing at the end.
 */
#define SRV_LASTING_FIRST	60
#define SRV_LASTING_MAX		3600
struct srv_lasting {
	char		*failing;	/* the latest failure; NULL while rounds succeed */
	time_t		 since;		/* when it began */
	time_t		 said;		/* when a line said it last */
	time_t		 gap;		/* from said to the next line */
	unsigned long	 times;		/* rounds failed since the last line */
	unsigned long	 total;		/* rounds failed since it began */
};
int		 srv_sync_init(pthread_mutex_t *, pthread_cond_t *, char **cause);
void		 srv_lasting_report(struct srv_lasting *, const char *who, const char *ended,
		    time_t now, int rc, char **cause);

/* Whether mail is configured: then changes queue mail for applicants with an address. */
int		 srv_sends_mail(const struct srv *);
/* A store handle for this thread's request; give it back with srv_store_put. */
struct store	*srv_store_get(struct srv *, char **cause);
void		 srv_store_put(struct srv *, struct store *);

/*
 * ratelimit_hit for a request of addr, counted where the store says (store_rate_shared):
 * in the store for every instance sharing it, else in srv->ratelimit. A store that cannot
 * count now is logged and the table counts: an outage of the database then limits each
 * instance alone rather than refusing everyone.
 */
int		 srv_rate_hit(struct srv *, const char *addr, enum ratelimit_bucket,
		    int per_minute, int *retry_after);
/*
 * The count srv_rate_hit makes in a store, for a caller holding st that sends it with its
 * reads (store_app_view): 1 with *r filled (r->key is key) when st counts rates for
 * every instance, else 0 (the caller counts with srv_rate_hit). *retry_after: the
 * seconds to tell a client the count refuses.
 */
int		 srv_rate_of(struct srv *, struct store *st, const char *addr,
		    enum ratelimit_bucket, int per_minute, struct store_rate *r,
		    char key[RATELIMIT_STORE_KEY_MAX], int *retry_after);

/* The pool behind srv_store_get/put: handles opened on demand, at most `max` kept. */
struct store_pool *srv_pool_new(const char *uri, size_t max, char **cause);
void		 srv_pool_free(struct store_pool *);
/*
 * srv's captcha_key from STATE/captcha.key (0600, CAPTCHA_KEY_LEN random bytes), made with
 * the OS CSPRNG when there is none yet, and its captcha_tag; a file of another size, not a
 * regular file, or readable by others is refused. 0 or -1.
 */
int		 srv_captcha_key(struct srv *, const char *state_dir, char **cause);
/*
 * Whether a captcha id whose answer did not match was drawn under another key than srv's
 * (its tag differs): another instance on the store has its own captcha.key. Said in the
 * log at most once a minute, as it lasts.
 */
int		 srv_captcha_elsewhere(struct srv *, const char *id);
/* nbytes from the OS CSPRNG as lower-case hex into out (2 * nbytes + 1 bytes): 0 or -1. */
int		 srv_random_hex(char *out, size_t nbytes, char **cause);

#endif

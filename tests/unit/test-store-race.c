/*
 * Two instances on one store: two handles, each in its own thread (as two ncaenrolld
 * processes would hold them), started together at a barrier and racing for the same
 * things, on SQLite and on PostgreSQL (teststore.h). Each approval is issued once; each
 * captcha, challenge and mail is taken once; IIN checks on one token, and a client's
 * requests in a rate window, are counted up to the limit and no further; CRL numbers never
 * repeat; the audit log stays one chain.
 * A backend that reads and then writes without the database deciding fails these.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncaenrolld/store.h"
#include "teststore.h"

#define W(s)	((char *)(s))
#define N	60		/* things raced for in each case */
#define RACERS	2

struct racer;
typedef int	(*race_fn)(struct racer *, struct store *, int i, char **cause);

/* One "instance": its own handle, the results of its N tries. */
struct racer {
	const char		*uri;
	pthread_barrier_t	*start;
	race_fn			 fn;
	int			 who;
	int			 got[N];	/* 1: this racer had thing i */
	long long		 value[N];	/* what it got (a mail id, a CRL number) */
	char			*cause;		/* the first failure */
};

static void *
racer_main(void *arg)
{
	struct racer	*r = arg;
	struct store	*st;
	int		 i;

	st = store_open(r->uri, &r->cause);
	(void)pthread_barrier_wait(r->start);
	if (st == NULL)
		return NULL;
	for (i = 0; i < N && r->cause == NULL; i++)
		if (r->fn(r, st, i, &r->cause) == -1 && r->cause == NULL)
			r->cause = strdup("failed without a cause");
	store_close(st);
	return NULL;
}

/* Runs fn in RACERS threads at once, each on its own handle; every racer must succeed. */
static void
race(struct teststore_fx *f, race_fn fn, struct racer r[RACERS])
{
	pthread_barrier_t	start;
	pthread_t		t[RACERS];
	int			i;

	assert_int_equal(pthread_barrier_init(&start, NULL, RACERS), 0);
	memset(r, 0, RACERS * sizeof *r);
	for (i = 0; i < RACERS; i++) {
		r[i].uri = f->uri;
		r[i].start = &start;
		r[i].fn = fn;
		r[i].who = i;
		assert_int_equal(pthread_create(&t[i], NULL, racer_main, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(pthread_barrier_destroy(&start), 0);
	for (i = 0; i < RACERS; i++)
		if (r[i].cause != NULL)
			fail_msg("racer %d: %s", i, r[i].cause);
}

/* Asserts that each of the N things went to exactly one racer. */
static void
each_once(const struct racer r[RACERS])
{
	int	i, j, n;

	for (i = 0; i < N; i++) {
		for (n = 0, j = 0; j < RACERS; j++)
			n += r[j].got[i];
		if (n != 1)
			fail_msg("thing %d was had %d times", i, n);
	}
}

static void
number(char out[REQNUM_LEN + 1], int i)
{
	snprintf(out, REQNUM_LEN + 1, "5000-0000-0000-0000-0000-0000-%04d", i);
}

static void
make_app(struct store_app *a, int i)
{
	memset(a, 0, sizeof *a);
	number(a->number, i);
	a->created = 1000;
	a->deadline = 1000 + 30 * 86400;
	memcpy(a->bin, "940140000385", 13);
	memcpy(a->iin, "871008401427", 13);
	a->org_name = W("ТОО «Тест»");
	a->surname = W("ТЕСТОВА");
	a->given_name = W("АЙГЕРІМ");
	a->email = W("a@example.kz");
	a->role_id = W("ROLE02");
	a->storage = W("pc");
	a->lang = W("kk");
	a->csr_auth = W("CSR-A");
	a->csr_sign = W("CSR-S");
	snprintf(a->key_auth, sizeof a->key_auth, "%064d", 2 * i);
	snprintf(a->key_sign, sizeof a->key_sign, "%064d", 2 * i + 1);
}

static void
insert_apps(struct store *st)
{
	struct store_app	a;
	int			i, existing, reused;

	for (i = 0; i < N; i++) {
		make_app(&a, i);
		OK(store_app_insert(st, &a, "applicant", &existing, &reused, C));
	}
}

/* The whole audit log is one chain, of `want` entries. */
static void
chain_whole(struct store *st, long long want)
{
	struct store_audit_check	c;

	OK(store_audit_verify(st, &c, C));
	if (c.broken != 0)
		fail_msg("the audit chain breaks at %lld: %s", c.broken, c.why);
	assert_int_equal(c.count, want);
}

/* ---- one issuance per approval ---- */

static int
race_issue(struct racer *r, struct store *st, int i, char **cause)
{
	struct store_app	set;
	enum app_status		cur;
	char			num[REQNUM_LEN + 1], serial[41];

	number(num, i);
	memset(&set, 0, sizeof set);
	/* each racer signed its own pair: only one pair may be kept */
	snprintf(serial, sizeof serial, "%02X%038d", r->who + 1, i);
	memcpy(set.serial_auth, serial, sizeof serial);
	set.cert_auth = W("CERT");
	set.cert_sign = W("CERT");
	return store_app_transition(st, num, APP_SUBMITTED, APP_ISSUED, &set,
	    r->who == 0 ? "desk-1" : "desk-2", NULL, 2000, &r->got[i], &cur, cause);
}

static void
test_issue_once(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	struct store_app	 a;
	struct store_event	*ev = NULL;
	size_t			 n;
	int			 i, found;
	char			 num[REQNUM_LEN + 1];

	insert_apps(f->st);
	race(f, race_issue, r);
	each_once(r);
	for (i = 0; i < N; i++) {
		number(num, i);
		OK(store_app_get(f->st, num, &a, &found, C));
		assert_int_equal(a.status, APP_ISSUED);
		/* the serial kept is the winner's */
		assert_int_equal(a.serial_auth[1] - '1', r[0].got[i] ? 0 : 1);
		store_app_free(&a);
		OK(store_events(f->st, num, &ev, &n, C));
		assert_int_equal(n, 2);
		store_events_free(ev, n);
	}
	/* one "issued" mail each, one audit entry per move */
	assert_int_equal(teststore_count(f->uri,
	    "SELECT COUNT(*) FROM outbox WHERE notice = 'issued'"), N);
	chain_whole(f->st, 2 * N);
}

/* ---- captchas and challenges: single use across instances ---- */

static int
race_captcha(struct racer *r, struct store *st, int i, char **cause)
{
	char	id[16], *hash = NULL;
	int	rc;

	snprintf(id, sizeof id, "c%d", i);
	rc = store_captcha_take(st, id, 10, &hash, &r->got[i], cause);
	free(hash);
	return rc;
}

static void
test_captcha_once(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	char			 id[16];
	int			 i;

	for (i = 0; i < N; i++) {
		snprintf(id, sizeof id, "c%d", i);
		OK(store_captcha_put(f->st, id, "hash", 1000, C));
	}
	race(f, race_captcha, r);
	each_once(r);
	assert_int_equal(teststore_count(f->uri, "SELECT COUNT(*) FROM captchas"), 0);
}

static int
race_challenge(struct racer *r, struct store *st, int i, char **cause)
{
	char	nonce[16], num[REQNUM_LEN + 1], action[STORE_ACTION_MAX];

	snprintf(nonce, sizeof nonce, "n%d", i);
	return store_challenge_take(st, nonce, 10, num, action, &r->got[i], cause);
}

static void
test_challenge_once(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	char			 nonce[16], num[REQNUM_LEN + 1];
	int			 i;

	for (i = 0; i < N; i++) {
		snprintf(nonce, sizeof nonce, "n%d", i);
		number(num, i);
		OK(store_challenge_put(f->st, nonce, num, "revoke", 1000, C));
	}
	race(f, race_challenge, r);
	each_once(r);
}

/* ---- IIN checks counted atomically ---- */

static int
race_token(struct racer *r, struct store *st, int i, char **cause)
{
	enum store_token_use	use;

	if (store_token_use_iin(st, "tok", "192.0.2.1", 10, N / 3, &use, cause) == -1)
		return -1;
	r->got[i] = use == STORE_TOKEN_COUNTED;
	return 0;
}

static void
test_token_counted(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	int			 i, j, counted = 0;

	OK(store_token_put(f->st, "tok", "940140000385", "192.0.2.1", 1000, C));
	race(f, race_token, r);
	for (j = 0; j < RACERS; j++)
		for (i = 0; i < N; i++)
			counted += r[j].got[i];
	assert_int_equal(counted, N / 3);
	assert_int_equal(teststore_count(f->uri,
	    "SELECT iin_checks FROM tokens WHERE token = 'tok'"), N / 3);
}

/* ---- rate limits counted for every instance ---- */

#define RATE_KEY	"captcha 192.0.2.1"

static int
race_rate(struct racer *r, struct store *st, int i, char **cause)
{
	return store_rate_take(st, RATE_KEY, 6000, N / 3, &r->got[i], cause);
}

/*
 * Two instances' requests in one minute are counted together up to the limit and no
 * further; another key and the next minute count on their own; the sweep forgets a
 * minute that has passed. SQLite belongs to one process, which counts in its memory
 * (ratelimit.c): the store says so and counts nothing.
 */
static void
test_rate_counted(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	int			 i, j, allowed, counted = 0;
	char			*cause = NULL;

	if (!teststore_is_pg(f->uri)) {
		assert_int_equal(store_rate_shared(f->st), 0);
		assert_int_equal(store_rate_take(f->st, RATE_KEY, 6000, 1, &allowed, &cause),
		    -1);
		free(cause);
		return;
	}
	assert_int_equal(store_rate_shared(f->st), 1);
	race(f, race_rate, r);
	for (j = 0; j < RACERS; j++)
		for (i = 0; i < N; i++)
			counted += r[j].got[i];
	assert_int_equal(counted, N / 3);
	OK(store_rate_take(f->st, RATE_KEY, 6000, N / 3, &allowed, C));
	assert_int_equal(allowed, 0);
	OK(store_rate_take(f->st, "captcha 192.0.2.2", 6000, N / 3, &allowed, C));
	assert_int_equal(allowed, 1);
	OK(store_rate_take(f->st, RATE_KEY, 6060, N / 3, &allowed, C));
	assert_int_equal(allowed, 1);
	/* the sweep at 6060 forgets the minute from 6000, keeps the one from 6060 */
	OK(store_sweep(f->st, 6060, C));
	assert_int_equal(teststore_count(f->uri, "SELECT count(*) FROM rate_windows"), 1);
	OK(store_rate_take(f->st, RATE_KEY, 6060, 1, &allowed, C));
	assert_int_equal(allowed, 0);
}

/* A status lookup counted with its reads (store_app_view): of application i. */
static int
race_view(struct racer *r, struct store *st, int i, char **cause)
{
	static const struct store_rate	 rate = { "status 192.0.2.1", 6000, N / 3 };
	struct store_view		 v;
	char				 num[REQNUM_LEN + 1];
	int				 rc;

	number(num, i);
	if ((rc = store_app_view(st, &rate, num, &v, cause)) == 0) {
		r->got[i] = v.allowed;
		/* allowed: the application and its "received" mail; refused: nothing */
		if (v.allowed != v.found || v.nmail != (size_t)v.found ||
		    (v.found && strcmp(v.app.number, num) != 0))
			rc = -1;
	}
	store_view_free(&v);
	return rc;
}

/*
 * Two instances' status lookups, each counted in the same pipeline as its reads, are
 * counted together up to the limit and no further, as store_rate_take's alone are.
 */
static void
test_view_counted(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	int			 i, j, counted = 0;

	if (!teststore_is_pg(f->uri))
		return;		/* SQLite: counted in the process (test_rate_counted) */
	insert_apps(f->st);
	race(f, race_view, r);
	for (j = 0; j < RACERS; j++)
		for (i = 0; i < N; i++)
			counted += r[j].got[i];
	assert_int_equal(counted, N / 3);
	assert_int_equal(teststore_count(f->uri, "SELECT n FROM rate_windows"
	    " WHERE key = 'status 192.0.2.1'"), N / 3);
}

/* ---- the outbox: each mail claimed once ---- */

static int
race_claim(struct racer *r, struct store *st, int i, char **cause)
{
	struct store_mail	m;
	int			found;

	if (store_mail_claim(st, 5000, &m, &found, cause) == -1)
		return -1;
	if (found) {
		r->got[i] = 1;
		r->value[i] = m.id;
	}
	store_mail_free(&m);
	return 0;
}

static void
test_mail_claimed_once(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	long long		 seen[RACERS * N];
	int			 i, j, k, n = 0;

	insert_apps(f->st);		/* N "received" mails */
	race(f, race_claim, r);
	for (j = 0; j < RACERS; j++)
		for (i = 0; i < N; i++)
			if (r[j].got[i]) {
				for (k = 0; k < n; k++)
					if (seen[k] == r[j].value[i])
						fail_msg("mail %lld claimed twice",
						    r[j].value[i]);
				seen[n++] = r[j].value[i];
			}
	assert_int_equal(n, N);
	assert_int_equal(teststore_count(f->uri,
	    "SELECT COUNT(*) FROM outbox WHERE state = 'sending' AND attempts = 1"), N);
}

/* ---- CRL numbers and the audit chain ---- */

static int
race_crl(struct racer *r, struct store *st, int i, char **cause)
{
	r->got[i] = 1;
	return store_crl_number_next(st, "ca", &r->value[i], cause);
}

static void
test_crl_numbers_unique(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];
	int			 seen[RACERS * N + 1], i, j;

	memset(seen, 0, sizeof seen);
	race(f, race_crl, r);
	for (j = 0; j < RACERS; j++)
		for (i = 0; i < N; i++) {
			assert_in_range(r[j].value[i], 1, RACERS * N);
			if (seen[r[j].value[i]]++)
				fail_msg("CRL number %lld given twice", r[j].value[i]);
			/* each racer's own numbers only grow */
			if (i > 0)
				assert_true(r[j].value[i] > r[j].value[i - 1]);
		}
}

static int
race_audit(struct racer *r, struct store *st, int i, char **cause)
{
	char	detail[32];

	snprintf(detail, sizeof detail, "racer %d, entry %d", r->who, i);
	r->got[i] = 1;
	return store_audit_add(st, 3000 + i, r->who == 0 ? "one" : "two", "test.race", NULL,
	    detail, cause);
}

static void
test_audit_one_chain(void **state)
{
	struct teststore_fx	*f = *state;
	struct racer		 r[RACERS];

	OK(store_audit_add(f->st, 1, "setup", "test.start", NULL, NULL, C));
	race(f, race_audit, r);
	chain_whole(f->st, 1 + RACERS * N);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TESTSTORE_CASE(test_issue_once),
		TESTSTORE_CASE(test_captcha_once),
		TESTSTORE_CASE(test_challenge_once),
		TESTSTORE_CASE(test_token_counted),
		TESTSTORE_CASE(test_rate_counted),
		TESTSTORE_CASE(test_view_counted),
		TESTSTORE_CASE(test_mail_claimed_once),
		TESTSTORE_CASE(test_crl_numbers_unique),
		TESTSTORE_CASE(test_audit_one_chain),
	};

	return teststore_main("store-race", tests, sizeof tests / sizeof tests[0], NULL, 0);
}

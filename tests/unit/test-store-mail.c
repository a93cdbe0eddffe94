/*
 * The outbox on a real SQLite file and on a PostgreSQL database (teststore.h): a mail is queued by the change it tells of, in the
 * same transaction (a change rolled back queues nothing), only for an application with
 * an address, once per notice; a renewal's submission and a superseding revocation queue
 * none; the sweep queues the reminder and the nearest expiry notice once; a sender claims
 * a mail once, records its outcome, and a mail left "sending" by a dead sender is queued
 * again (PostgreSQL: once its lease has run out; within it, it may be another instance's
 * mail on its way); a handle told the service sends no mail queues nothing.
 */
#include "config.h"

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
#define DAY	86400
#define T0	1767225600	/* 2026-01-01 */

static void
make_app(struct store_app *a, int i, const char *email)
{
	memset(a, 0, sizeof *a);
	snprintf(a->number, sizeof a->number, "3000-0000-0000-0000-0000-0000-%04d", i);
	a->created = T0;
	a->deadline = T0 + 30 * DAY;
	memcpy(a->bin, "940140000385", 13);
	memcpy(a->iin, "870412300415", 13);
	a->org_name = W("ТОО «Тест»");
	a->surname = W("ТЕСТОВА");
	a->given_name = W("АЙГЕРІМ");
	a->email = W(email);
	a->role_id = W("ROLE02");
	a->storage = W("pc");
	a->lang = W("ru");
	a->csr_auth = W("CSR-A");
	a->csr_sign = W("CSR-S");
	snprintf(a->key_auth, sizeof a->key_auth, "%064d", 2 * i);
	snprintf(a->key_sign, sizeof a->key_sign, "%064d", 2 * i + 1);
}

static void
insert(struct store *st, struct store_app *a)
{
	int	existing, reused;

	OK(store_app_insert(st, a, "applicant", &existing, &reused, C));
	assert_int_equal(existing, 0);
}

static void
issue(struct store *st, const char *number, int i, time_t at, time_t not_after)
{
	struct store_app	set;
	enum app_status		cur;
	int			won;

	memset(&set, 0, sizeof set);
	set.cert_auth = W("CERT-A");
	set.cert_sign = W("CERT-S");
	snprintf(set.serial_auth, sizeof set.serial_auth, "7A%038d", i);
	snprintf(set.serial_sign, sizeof set.serial_sign, "0B%038d", i);
	set.not_before = at;
	set.not_after = not_after;
	OK(store_app_transition(st, number, APP_SUBMITTED, APP_ISSUED, &set, "operator:o",
	    NULL, at, &won, &cur, C));
	assert_int_equal(won, 1);
}

/* The notices queued for number, in order, as "received,issued". */
static char *
notices(struct store *st, const char *number)
{
	struct store_mail	*v = NULL;
	size_t			 n = 0, i;
	static char		 buf[256];

	OK(store_mail_list(st, number, 0, &v, &n, C));
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, ",");
		strcat(buf, v[i].notice);
	}
	store_mails_free(v, n);
	return buf;
}

static void
test_queued_with_the_change(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 a, b;
	struct store_mail	*v = NULL;
	enum app_status		 cur;
	size_t			 n = 0;
	int			 won;

	make_app(&a, 1, "buhgalter@mail.kz");
	insert(f->st, &a);
	OK(store_mail_list(f->st, a.number, 0, &v, &n, C));
	assert_int_equal(n, 1);
	assert_string_equal(v[0].notice, "received");
	assert_string_equal(v[0].recipient, "buhgalter@mail.kz");
	assert_string_equal(v[0].lang, "ru");
	assert_int_equal(v[0].state, STORE_MAIL_QUEUED);
	assert_int_equal(v[0].queued, T0);
	assert_int_equal(v[0].next_try, T0);
	store_mails_free(v, n);
	issue(f->st, a.number, 1, T0 + 60, T0 + 365 * DAY);
	assert_string_equal(notices(f->st, a.number), "received,issued");

	/* no address, no mail; a rejection and a cancellation tell */
	make_app(&b, 2, NULL);
	insert(f->st, &b);
	assert_string_equal(notices(f->st, b.number), "");
	make_app(&b, 3, "a@b.kz");
	insert(f->st, &b);
	OK(store_app_transition(f->st, b.number, APP_SUBMITTED, APP_REJECTED, NULL, "op",
	    NULL, T0 + 5, &won, &cur, C));
	assert_string_equal(notices(f->st, b.number), "received,rejected");
	make_app(&b, 4, "a@b.kz");
	insert(f->st, &b);
	OK(store_app_transition(f->st, b.number, APP_SUBMITTED, APP_CANCELLED, NULL, "expiry",
	    NULL, T0 + 5, &won, &cur, C));
	assert_string_equal(notices(f->st, b.number), "received,cancelled");
}

static void
test_rolled_back_change_queues_nothing(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app a;

	make_app(&a, 5, "a@b.kz");
	OK(store_begin(f->st, C));
	insert(f->st, &a);
	assert_int_equal(store_rollback(f->st), 0);
	assert_string_equal(notices(f->st, a.number), "");
}

static void
test_revoked_tells_unless_superseded(void **state)
{
	struct teststore_fx		*f = *state;
	struct store_app		 old, renewal;
	enum store_revoke_result	 res;
	enum app_status			 cur;
	int				 won;

	make_app(&old, 6, "a@b.kz");
	insert(f->st, &old);
	issue(f->st, old.number, 6, T0 + 60, T0 + 365 * DAY);
	/* a renewal: no "received" (nothing to bring), "issued" when issued, and the old
	 * pair superseded at installation without a mail */
	make_app(&renewal, 7, "a@b.kz");
	memcpy(renewal.renews, old.number, sizeof renewal.renews);
	insert(f->st, &renewal);
	assert_string_equal(notices(f->st, renewal.number), "");
	issue(f->st, renewal.number, 7, T0 + 90, T0 + 365 * DAY);
	OK(store_app_transition(f->st, renewal.number, APP_ISSUED, APP_INSTALLED, NULL,
	    "holder", NULL, T0 + 100, &won, &cur, C));
	assert_int_equal(won, 1);
	assert_string_equal(notices(f->st, renewal.number), "issued");
	assert_string_equal(notices(f->st, old.number), "received,issued");
	/* revoked by its holder: told */
	OK(store_app_revoke(f->st, renewal.number, "keyCompromise", "holder", "holder", NULL,
	    T0 + 200, &res, C));
	assert_int_equal(res, STORE_REVOKE_DONE);
	assert_string_equal(notices(f->st, renewal.number), "issued,revoked");
}

static void
test_sweep_queues_reminder_and_nearest_expiry_once(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app a, b, c;
	int		 q = -1;

	make_app(&a, 8, "a@b.kz");		/* deadline T0 + 30 days */
	insert(f->st, &a);
	make_app(&b, 9, "b@b.kz");
	insert(f->st, &b);
	issue(f->st, b.number, 9, T0, T0 + 40 * DAY);
	make_app(&c, 10, "c@b.kz");
	insert(f->st, &c);
	issue(f->st, c.number, 10, T0, T0 + 365 * DAY);

	OK(store_mail_queue_due(f->st, T0 + 5 * DAY, 7, &q, C));	/* 25 and 35 left */
	assert_int_equal(q, 0);
	OK(store_mail_queue_due(f->st, T0 + 24 * DAY, 7, &q, C));	/* 6 and 16 left */
	assert_int_equal(q, 2);
	assert_string_equal(notices(f->st, a.number), "received,reminder");
	assert_string_equal(notices(f->st, b.number), "received,issued,expiring-30");
	OK(store_mail_queue_due(f->st, T0 + 24 * DAY + 10, 7, &q, C));
	assert_int_equal(q, 0);
	/* down for a week: 5 days left is one mail, the nearest, not three */
	OK(store_mail_queue_due(f->st, T0 + 35 * DAY, 7, &q, C));
	assert_int_equal(q, 1);
	assert_string_equal(notices(f->st, b.number),
	    "received,issued,expiring-30,expiring-7");
	assert_string_equal(notices(f->st, c.number), "received,issued");
	/* ended: nothing more */
	OK(store_mail_queue_due(f->st, T0 + 41 * DAY, 7, &q, C));
	assert_int_equal(q, 0);
}

static void
test_claim_finish_recover(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app	 a;
	struct store_mail	 m, again, got;
	time_t			 later = T0 + 40;
	int			 found = -1;
	char			*cause = NULL;

	make_app(&a, 11, "a@b.kz");
	insert(f->st, &a);
	OK(store_mail_claim(f->st, T0 - 1, &m, &found, C));	/* not due yet */
	assert_int_equal(found, 0);
	OK(store_mail_claim(f->st, T0, &m, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(m.state, STORE_MAIL_SENDING);
	assert_int_equal(m.attempts, 1);
	OK(store_mail_claim(f->st, T0, &again, &found, C));	/* claimed once */
	assert_int_equal(found, 0);
	OK(store_mail_finish(f->st, m.id, STORE_MAIL_QUEUED, T0 + 30, "421 busy", T0, C));
	OK(store_mail_claim(f->st, T0 + 29, &again, &found, C));
	assert_int_equal(found, 0);
	OK(store_mail_claim(f->st, T0 + 30, &again, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(again.attempts, 2);
	assert_string_equal(again.error, "421 busy");
	/*
	 * The sender dies here: the mail is queued again at the next start. On PostgreSQL
	 * another instance may be sending it: only once its lease has run out.
	 */
	if (teststore_is_pg(f->uri)) {
		int	n = -1;

		OK(store_mail_recover(f->st, T0 + 40, &n, C));
		assert_int_equal(n, 0);
		OK(store_mail_claim(f->st, T0 + 40, &got, &found, C));
		assert_int_equal(found, 0);
		later = T0 + 30 + 3600;
	}
	{
		int	n = -1;

		OK(store_mail_recover(f->st, later, &n, C));
		assert_int_equal(n, 1);
	}
	assert_int_equal(store_mail_finish(f->st, m.id, STORE_MAIL_SENT, 0, NULL, later + 1,
	    &cause), -1);				/* no longer being sent */
	assert_non_null(strstr(cause, "was not being sent"));
	free(cause);
	store_mail_free(&again);
	OK(store_mail_claim(f->st, later, &again, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(again.attempts, 3);
	OK(store_mail_finish(f->st, again.id, STORE_MAIL_REFUSED, 0, "550 no such user",
	    T0 + 41, C));
	OK(store_mail_get(f->st, m.id, &got, &found, C));
	assert_int_equal(found, 1);
	assert_int_equal(got.state, STORE_MAIL_REFUSED);
	assert_int_equal(got.done, T0 + 41);
	assert_string_equal(got.error, "550 no such user");
	store_mail_free(&got);
	{
		struct store_mail	*v = NULL;
		size_t			 n = 0;

		OK(store_mail_list(f->st, NULL, 1, &v, &n, C));	/* the problems */
		assert_int_equal(n, 1);
		assert_int_equal(v[0].id, m.id);
		store_mails_free(v, n);
	}
	store_mail_free(&m);
	store_mail_free(&again);
}

static void
test_no_mail_service_queues_none(void **state)
{
	struct teststore_fx	*f = *state;
	struct store_app a;
	int		 q = -1;

	store_set_mail(f->st, 0);
	make_app(&a, 12, "a@b.kz");
	insert(f->st, &a);
	issue(f->st, a.number, 12, T0, T0 + 10 * DAY);
	OK(store_mail_queue_due(f->st, T0 + DAY, 7, &q, C));
	assert_int_equal(q, 0);
	assert_string_equal(notices(f->st, a.number), "");
}

static void
test_state_names(void **state)
{
	enum store_mail_state	s;
	int			i;

	(void)state;
	for (i = STORE_MAIL_QUEUED; i <= STORE_MAIL_FAILED; i++) {
		assert_int_equal(store_mail_state_parse(store_mail_state_wire(i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(store_mail_state_parse("delivered", &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TESTSTORE_CASE(test_queued_with_the_change),
		TESTSTORE_CASE(test_rolled_back_change_queues_nothing),
		TESTSTORE_CASE(test_revoked_tells_unless_superseded),
		TESTSTORE_CASE(test_sweep_queues_reminder_and_nearest_expiry_once),
		TESTSTORE_CASE(test_claim_finish_recover),
		TESTSTORE_CASE(test_no_mail_service_queues_none),
		cmocka_unit_test(test_state_names),
	};

	return teststore_main("store-mail", tests, sizeof tests / sizeof tests[0],
	    NULL, 0);
}

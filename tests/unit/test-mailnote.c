/*
 * mailnote: which mail of an application's list a person is told of, and the demo's
 * mail file found by its name (contract-14: new/EPOCH.NOTICE.NUMBER.ID.eml).
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/i18n.h"
#include "common/mailnote.h"

#define NUMBER	"1234-5678-9012-3456-7890-1234-5678"

static json_t *
mails(const char *text)
{
	json_error_t	 e;
	json_t		*l = json_loads(text, 0, &e);

	if (l == NULL)
		fail_msg("%s: %s", text, e.text);
	return l;
}

/* The text for list (JSON) and reader, or NULL; compared with want (NULL: nothing). */
static void
said(const char *list, enum mailnote_reader reader, const char *want)
{
	json_t	*l = mails(list);
	char	*s = mailnote_problem(l, reader);

	if (want == NULL && s != NULL)
		fail_msg("%s: said %s", list, s);
	if (want != NULL && (s == NULL || strcmp(s, want) != 0))
		fail_msg("%s: said %s, not %s", list, s != NULL ? s : "nothing", want);
	free(s);
	json_decref(l);
}

static void
test_nothing_to_say(void **state)
{
	(void)state;
	said("[]", MAILNOTE_APPLICANT, NULL);
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"sent\"}]",
	    MAILNOTE_APPLICANT, NULL);
	/* On its way, no trouble yet: not a problem. */
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"queued\"}]",
	    MAILNOTE_APPLICANT, NULL);
	/* A later mail went: the address works, an old failure is not news. */
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"failed\", "
	    "\"error\": \"421 busy\", \"attempts\": 9}, {\"notice\": \"issued\", \"to\": "
	    "\"u***@mail.kz\", \"state\": \"sent\"}]", MAILNOTE_APPLICANT, NULL);
}

static void
test_each_state_in_words(void **state)
{
	(void)state;
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"refused\", "
	    "\"error\": \"550 5.1.1 no such user\", \"attempts\": 1}]", MAILNOTE_APPLICANT,
	    "The mail \"application registered\" to u***@mail.kz was refused by its mail server: "
	    "550 5.1.1 no such user — check the address; the application goes on without it.");
	said("[{\"notice\": \"issued\", \"to\": \"u@mail.kz\", \"state\": \"refused\", "
	    "\"error\": \"550 5.1.1 no such user\", \"attempts\": 1}]", MAILNOTE_DESK,
	    "The mail \"certificates issued\" to u@mail.kz was refused: 550 5.1.1 no such user; "
	    "tell the applicant in person.");
	said("[{\"notice\": \"rejected\", \"to\": \"u@mail.kz\", \"state\": \"failed\", "
	    "\"error\": \"connection refused\", \"attempts\": 7}]", MAILNOTE_DESK,
	    "The mail \"application rejected\" to u@mail.kz could not be delivered (tries: 7): "
	    "connection refused; tell the applicant in person.");
	/* The public status gives a failed mail without the relay's words. */
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"failed\", "
	    "\"attempts\": 5}]", MAILNOTE_APPLICANT, "The mail \"application registered\" to "
	    "u***@mail.kz could not be delivered (tries: 5) — the application goes on without "
	    "it.");
	said("[{\"notice\": \"rejected\", \"to\": \"u@mail.kz\", \"state\": \"refused\", "
	    "\"error\": \"550 no\", \"attempts\": 1}]", MAILNOTE_DESK_BRIEF,
	    "the mail to it was refused: 550 no; tell the applicant in person");
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"queued\", "
	    "\"error\": \"451 try later\", \"attempts\": 2}]", MAILNOTE_APPLICANT,
	    "The mail \"application registered\" to u***@mail.kz is not delivered yet: 451 try "
	    "later — the service keeps trying.");
}

static void
test_the_newest_problem(void **state)
{
	(void)state;
	/* Two mails not delivered: the newer is told (the list is oldest first). */
	said("[{\"notice\": \"received\", \"to\": \"u***@mail.kz\", \"state\": \"refused\", "
	    "\"error\": \"550 a\", \"attempts\": 1}, {\"notice\": \"expiring-30\", \"to\": "
	    "\"u***@mail.kz\", \"state\": \"refused\", \"error\": \"550 b\", \"attempts\": 1}, "
	    "{\"notice\": \"expiring-14\", \"to\": \"u***@mail.kz\", \"state\": \"queued\"}]",
	    MAILNOTE_APPLICANT, "The mail \"certificates expiring\" to u***@mail.kz was refused "
	    "by its mail server: 550 b — check the address; the application goes on without "
	    "it.");
}

static void
touch(const char *dir, const char *name)
{
	char	path[512];
	int	fd;

	(void)snprintf(path, sizeof path, "%s/new/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1);
	assert_int_equal(close(fd), 0);
}

static void
test_the_demo_file(void **state)
{
	char	dir[] = "/tmp/test-mailnote-XXXXXX", sub[600], *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* No folder yet (the sink has written nothing): no file. */
	assert_null(mailnote_demo_file(dir, "received", NUMBER));
	(void)snprintf(sub, sizeof sub, "%s/new", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	touch(dir, "1765000000.received.1234-5678-9012-3456-7890-1234-0000.1.eml");
	touch(dir, "1765000001.issued." NUMBER ".2.eml");
	assert_null(mailnote_demo_file(dir, "received", NUMBER));
	touch(dir, "1765000003.received." NUMBER ".3.eml,2");
	touch(dir, "1765000002.received." NUMBER ".3.eml");
	f = mailnote_demo_file(dir, "received", NUMBER);
	(void)snprintf(sub, sizeof sub, "%s/new/1765000002.received." NUMBER ".3.eml", dir);
	assert_non_null(f);
	assert_string_equal(f, sub);
	free(f);
	(void)snprintf(sub, sizeof sub, "rm -r '%s'", dir);
	assert_int_equal(system(sub), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_nothing_to_say),
		cmocka_unit_test(test_each_state_in_words),
		cmocka_unit_test(test_the_newest_problem),
		cmocka_unit_test(test_the_demo_file),
	};

	if (i18n_init("en", NULL) == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

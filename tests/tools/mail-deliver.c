/*
 * mail-deliver — one attempt of mail_deliver (mail.h), as the service's mailer makes it,
 * for tests/system/test_mail_smtp.py:
 *   mail-deliver CONFIG STORE NUMBER NOTICE TO LANG ID
 * CONFIG: an ncaenrolld.yaml(5) whose mail settings are used; STORE: the store's URI
 * (sqlite:PATH); the rest: the queued mail (store.h, struct store_mail). Prints the
 * outcome (sent, retry, refused) and, on the next line, the cause; exits 0 sent,
 * 1 refused, 2 retry, 3 when it could not try.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/cause.h"
#include "ncaenrolld/mail.h"
#include "ncaenrolld/srvconf.h"

static const char *const outcome_words[] = {
	[MAIL_SENT] = "sent", [MAIL_RETRY] = "retry", [MAIL_REFUSED] = "refused",
};
static const int outcome_exits[] = { [MAIL_SENT] = 0, [MAIL_RETRY] = 2, [MAIL_REFUSED] = 1 };

int
main(int argc, char **argv)
{
	struct srv_config	 cfg;
	struct srv		 srv;
	struct store		*st = NULL;
	struct store_mail	 m;
	enum mail_outcome	 o;
	char			*cause = NULL;
	int			 rc = 3;

	if (argc != 8) {
		(void)fprintf(stderr, "usage: mail-deliver CONFIG STORE NUMBER NOTICE TO LANG ID\n");
		return 3;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		(void)fprintf(stderr, "mail-deliver: curl_global_init failed\n");
		return 3;
	}
	if (srvconf_init(&cfg, &cause) == -1 || srvconf_load(&cfg, argv[1], &cause) == -1 ||
	    (st = store_open(argv[2], &cause)) == NULL)
		goto out;
	memset(&srv, 0, sizeof srv);
	srv.cfg = &cfg;
	m = (struct store_mail){ .id = atoll(argv[7]), .notice = argv[4],
	    .recipient = argv[5], .lang = argv[6] };
	(void)snprintf(m.number, sizeof m.number, "%s", argv[3]);
	o = mail_deliver(&srv, st, &m, &cause);
	(void)printf("%s\n%s\n", outcome_words[o], cause != NULL ? cause : "");
	free(cause);
	cause = NULL;
	rc = outcome_exits[o];
out:
	if (cause != NULL)
		(void)fprintf(stderr, "mail-deliver: %s\n", cause);
	free(cause);
	if (st != NULL)
		store_close(st);
	srvconf_free(&cfg);
	curl_global_cleanup();
	return rc;
}

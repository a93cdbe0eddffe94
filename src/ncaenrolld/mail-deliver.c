/*
 * mail-deliver — mail_deliver (mail.h): one queued notice read from the store, worded by
 * notice_render, the form attached for "received", handed to mail_send_message. Apart
 * from mail.c only so that the daemon links without notice.c until the outbox calls it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "ncaenrolld/mail.h"
#include "ncaenrolld/mailpdf.h"
#include "ncaenrolld/notice.h"

/* The words and the form of m about a; MAIL_SENT when both are made. */
static enum mail_outcome
mail_deliver_app(struct srv *srv, struct store *st, const struct store_mail *m,
    const struct store_app *a, enum notice n, char **cause)
{
	struct mailpdf		 pdf;
	struct mail_message	 msg;
	char			*subject = NULL, *body = NULL, *id = NULL;
	enum mail_outcome	 rc = MAIL_RETRY;

	memset(&pdf, 0, sizeof pdf);
	if (notice_render(n, st, a, m->lang, srv_policy(srv)->verification_days,
	    srv_now(srv), &subject, &body, cause) == -1)
		goto out;
	if (n == NOTICE_RECEIVED &&
	    mailpdf_make(srv, st, a, m->lang, &pdf, cause) == -1)
		goto out;
	if ((id = mail_message_id(&srv->cfg->mail, m)) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	msg = (struct mail_message){ .to = m->recipient, .message_id = id,
	    .subject = subject, .body = body, .attachment = pdf.path,
	    .attachment_name = pdf.name, .date = srv_now(srv) };
	rc = mail_send_message(&srv->cfg->mail, &msg, cause);
out:
	mailpdf_remove(&pdf);
	free(subject);
	free(body);
	free(id);
	return rc;
}

enum mail_outcome
mail_deliver(struct srv *srv, struct store *st, const struct store_mail *m, char **cause)
{
	struct store_app	 a;
	enum notice		 n;
	enum mail_outcome	 rc;
	int			 found = 0;

	if (notice_parse(m->notice, &n) == -1) {
		cause_set(cause, "no such notice: %s", m->notice);
		return MAIL_REFUSED;
	}
	memset(&a, 0, sizeof a);
	if (store_app_get(st, m->number, &a, &found, cause) == -1)
		return MAIL_RETRY;
	if (!found) {
		cause_set(cause, "application %s is gone", m->number);
		return MAIL_REFUSED;
	}
	rc = mail_deliver_app(srv, st, m, &a, n, cause);
	store_app_free(&a);
	return rc;
}

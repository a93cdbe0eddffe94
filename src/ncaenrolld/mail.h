/*
 * mail — the applicant's e-mail over SMTP (libcurl), doc/mail.md. mail_deliver makes one
 * attempt to deliver one queued notice (store.h, "the outbox"): its words by notice_render
 * in the applicant's language, for "received" the application form as a PDF drawn by the
 * ncaenroll-pdf helper (mailpdf.h), sent as MIME built by libcurl: multipart/mixed of
 * text/plain; charset=UTF-8 (base64) and application/pdf, the subject RFC 2047 encoded,
 * over smtp:// (STARTTLS as mail.starttls says) or smtps://, the relay's certificate checked
 * against mail.ca_file or the system's store, with a login when mail.username is set.
 * One curl handle per attempt: thread-safe. Timeouts are short (connect 5 s, all 20 s):
 * only the mailer waits for them.
 *
 * Causes are what the relay said ("550 5.1.1 <a@b.kz>: no such user") or what went wrong
 * ("SSL certificate problem: ..."): they are stored with the mail and shown to the
 * applicant, so they never hold the password or a path of ours (curl's may name the
 * relay's host and port).
 */
#ifndef NCA_MAIL_H
#define NCA_MAIL_H

#include <time.h>

#include "ncaenrolld/srv.h"

enum mail_outcome {
	MAIL_SENT,		/* the relay took it (250 after DATA) */
	MAIL_RETRY,		/* connection, TLS, login, 4xx, timeout, the helper: try later */
	MAIL_REFUSED,		/* a 5xx to MAIL FROM, RCPT TO or DATA, or no application */
};

/*
 * One attempt to deliver m, claimed by the caller; *cause (caller-freed) says why it was
 * not sent (MAIL_RETRY, MAIL_REFUSED), NULL when sent.
 */
enum mail_outcome mail_deliver(struct srv *, struct store *, const struct store_mail *,
		    char **cause);

/*
 * m's Message-ID, the same on every try: "<NOTICE.NUMBER.ID@DOMAIN>", DOMAIN that of
 * mail.from ("localhost" without one). malloc'd; NULL without memory.
 */
char		*mail_message_id(const struct srv_mail *, const struct store_mail *);

/* What mail_deliver sends, once its words and its attachment are made. */
struct mail_message {
	const char	*to;		/* the recipient's address */
	const char	*message_id;	/* "<...>" */
	const char	*subject;	/* one line, UTF-8 */
	const char	*body;		/* UTF-8, LF line ends */
	const char	*attachment;	/* a file's path, or NULL */
	const char	*attachment_name; /* the name the reader sees ("application-N.pdf") */
	time_t		 date;
};

/* The last step of mail_deliver: msg over SMTP, judged as mail_deliver's outcome. */
enum mail_outcome mail_send_message(const struct srv_mail *, const struct mail_message *,
		    char **cause);

#endif

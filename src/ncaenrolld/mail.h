/*
 * mail — the applicant's e-mail notifications over SMTP (libcurl): on submission (request
 * number, deadline and the application form) and on issuance (certificates ready, how to
 * install them), rejection and revocation. Nothing is sent when cfg->mail.smtp_url is unset or the application has
 * no e-mail. Bodies are UTF-8 text/plain, subjects RFC 2047 encoded. Texts are English
 * msgids through _(): gettext's language is process-wide, so a per-applicant language
 * needs catalogs selected per message, which is left for later (directory names do follow
 * the applicant's language). Failure returns -1 with a cause; callers log it and go on:
 * mail never fails a request. Thread-safe (one curl handle per message).
 */
#ifndef NCA_MAIL_H
#define NCA_MAIL_H

#include "ncaenrolld/srv.h"

/* Raw send: one recipient, UTF-8 subject and body (LF line ends). */
int	mail_send(const struct srv_mail *, const char *to, const char *subject,
	    const char *body, char **cause);
/* The full message as sent (headers + base64 body, CRLF); malloc'd. For tests. */
char	*mail_compose(const struct srv_mail *, const char *to, const char *subject,
	    const char *body, time_t now, char **cause);

/* Each: 1 sent; 0 nothing to send (no address, or mail not configured); -1 failed. */
int	mail_submitted(struct srv *, struct store *, const struct store_app *, char **cause);
int	mail_issued(struct srv *, const struct store_app *, char **cause);
/* An RA desk rejected the application (a->reject_reason says why). */
int	mail_rejected(struct srv *, const struct store_app *, char **cause);
/* The application's certificates were revoked (a->revoke_reason, a->revoked_at). */
int	mail_revoked(struct srv *, const struct store_app *, char **cause);

/* One try at a mail of the outbox (contract-14: t14-smtp replaces this bridge). */
enum mail_outcome { MAIL_SENT, MAIL_RETRY, MAIL_REFUSED };
struct store_mail;
enum mail_outcome mail_deliver(struct srv *, struct store *, const struct store_mail *,
	    char **cause);

#endif

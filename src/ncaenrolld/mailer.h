/*
 * mailer — the outbox's sender (doc/mail.md): one thread that claims the mails that are
 * due (store_mail_claim), hands each to mail_deliver (mail.h) and records what became of
 * it. A temporary failure is tried again later, each wait twice the last (30 s up to an
 * hour), until mail.retry_for has passed since the mail was queued: then it is failed. A
 * refusal (5xx) is final at once. The thread wakes when told (mailer_wake, after a change
 * that may have queued mail) and every second (a retry coming due, the sweep's notices, a
 * test clock: time is srv_now's). At start, mails a sender left "sending" when it died are
 * queued again. Started only when mail is configured; every function takes NULL.
 * mailer_run_once sends what is due now, in the caller's thread (tests); *sent counts the
 * mails the relay took.
 */
#ifndef NCA_MAILER_H
#define NCA_MAILER_H

struct srv;
struct mailer;

struct mailer	*mailer_start(struct srv *, char **cause);
void		 mailer_wake(struct mailer *);
void		 mailer_stop(struct mailer *);
int		 mailer_run_once(struct srv *, int *sent, char **cause);

#endif

/*
 * jobs — the service's background work, one thread waking every second: cancel
 * applications not verified within the window, approve demo applications after the
 * auto-approve delay, queue the notices time brings (7 days left to verify, certificates
 * near their end: store_mail_queue_due, then the mailer is woken), sweep expired captchas
 * and tokens, re-sign the CRLs when due and renew the OCSP responder's certificate
 * (publish.h). Time comes from srv_now(), so a test clock drives it. A failed approval
 * that lasts is logged once while it lasts, not every second. jobs_run_once() does one
 * round synchronously, logging every failure (tests). 0/-1 or NULL with a cause.
 */
#ifndef NCA_JOBS_H
#define NCA_JOBS_H

struct srv;
struct jobs;

struct jobs	*jobs_start(struct srv *, char **cause);
void		 jobs_stop(struct jobs *);
int		 jobs_run_once(struct srv *, char **cause);

#endif

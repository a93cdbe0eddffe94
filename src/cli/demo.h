/*
 * demo — the private service behind `ncaenroll --demo`: a child `ncaenrolld --demo` on
 * loopback (any free port), with its data under $XDG_STATE_HOME/ncaenroll/demo/ so a later
 * --demo command finds the same applications, kept apart from real state. The child lives
 * as long as the command (it is also told to die with it) and logs to demo/ncaenrolld.log.
 */
#ifndef NCA_DEMO_H
#define NCA_DEMO_H

#include <sys/types.h>

struct demo_service {
	pid_t	 pid;
	char	*dir;		/* .../ncaenroll/demo */
	char	*url;		/* https://127.0.0.1:PORT */
	char	*ca_file;	/* dir/service/ca-chain.pem */
	char	*state_path;	/* dir/state.yaml: the applicant's demo state */
	char	*mail_dir;	/* dir/service/mail: the maildir the demo's mail sink fills */
};

/* fixed_captcha: make every captcha read this (scripted demos); NULL for real pictures. */
int	demo_start(struct demo_service *, int auto_approve, const char *fixed_captcha,
	    char **cause);
void	demo_stop(struct demo_service *);

#endif

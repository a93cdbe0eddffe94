/*
 * enroll — the applicant's core: one application from a draft to installed certificates.
 * It is the only code that combines the state file, the service client and the keystore;
 * the TUI and every subcommand call it and touch none of those themselves. Each step
 * persists its transition before returning, so a crash at any point resumes from the last
 * step with nothing lost and nothing done twice. Failures come back in struct failure
 * (common/failure.h): a kind (which doubles as the exit status), a sentence, and for a
 * refusal the form field it concerns, so a screen can put the message there.
 */
#ifndef NCA_ENROLL_H
#define NCA_ENROLL_H

#include <jansson.h>
#include <time.h>

#include "common/failure.h"
#include "common/reqnum.h"
#include "common/secret.h"
#include "enroll/client.h"
#include "enroll/keystore.h"
#include "enroll/state.h"

struct enroll_config {
	const char		*state_path;	/* NULL: state_default_path() */
	struct client_config	 service;
	const char		*lang;		/* kk, ru, en */
	const char		*mail_dir;	/* the demo's maildir, or NULL */
	int			 factory_pin_allow;	/* keys under a factory PIN (said) */
};

struct enroll {
	struct state	*st;
	struct client	*cl;
	char		*lang;
	json_t		*support;	/* GET /directories/support, once asked (enroll_support) */
	time_t		 support_failed;	/* when asking it last failed, or 0 */
	char		*mail_dir;	/* the demo service's maildir (its mail sink), or NULL */
	int		 factory_pin_allow;	/* the settings allow a factory PIN */
};

struct enroll_captcha {
	char		 id[80];
	int		 width, height;
	unsigned char	*bits;		/* width * height bytes, 1 = ink */
};

/*
 * Where a person goes for help the programs cannot give (the service's configuration,
 * doc/api.md "GET /directories/support"): NULL members where the service names none.
 */
struct enroll_support {
	const char	*phone, *email, *web;
	const char	*address, *hours;	/* in the current language (i18n_current) */
};

struct enroll	*enroll_open(const struct enroll_config *, struct failure *);
void		 enroll_close(struct enroll *);

/*
 * A new draft (its id into id[]), or the existing one with that id or request number;
 * one given up, rejected or cancelled is refused (application.closed) before anything
 * is asked of the person or the service.
 */
int	enroll_draft(struct enroll *, const char *resume, char id[STATE_ID_LEN + 1],
	    struct failure *);
/*
 * The application as last read. Every step re-reads the state file, so the pointer and
 * the strings state_get() returns from it are good only until the next enroll_* call.
 */
struct state_app	*enroll_app(struct enroll *, const char *id_or_number);

/* A value's own rules (BIN, IIN), checked here before anything reaches the network. */
int	enroll_precheck(const char *field, const char *value, struct failure *);
int	enroll_captcha(struct enroll *, struct enroll_captcha *, struct failure *);
void	enroll_captcha_free(struct enroll_captcha *);

/* BIN + captcha -> organization name (stored in the draft with a short-lived token). */
int	enroll_check_bin(struct enroll *, const char *id, const char *bin,
	    const char *captcha_id, const char *answer, struct failure *);
/* IIN -> full name from the registry (needs the BIN check's token). */
int	enroll_check_iin(struct enroll *, const char *id, const char *iin,
	    struct failure *);
/*
 * One form field: email (may be ""), role, region, city, gu_code, storage, dir, token (a
 * connected token's serial number). Checked here first (syntax; city within region;
 * gu_code among the organization's; the token connected now; a folder the keys can be
 * written to), stored. Also "screen": the id of the screen where the person is (lower
 * case and _), kept so that Continue opens it again; no part of the application.
 */
int	enroll_set(struct enroll *, const char *id, const char *field, const char *value,
	    struct failure *);
/*
 * Whose keys the folder dir already holds besides application id's own (enroll-dir.c):
 * *what gets a translated list ("application No. …; an application not sent yet…") or
 * NULL when there are none; the caller frees it. A screen shows it before the folder is
 * taken: keys side by side are not overwritten (their names differ) but are easily
 * mixed up.
 */
int	enroll_dir_others(struct enroll *, const char *id, const char *dir, char **what,
	    struct failure *);
/* Directories from the service as JSON: "roles", "regions", "cities:<region>", "gu-codes". */
int	enroll_directory(struct enroll *, const char *id, const char *which, json_t **,
	    struct failure *);

/*
 * Apply: makes the two key pairs in the chosen folder or on the chosen token (kept if a
 * crash left them), then submits both CSRs; the request number is persisted before this
 * returns. pin opens the token (NULL for a folder): used for this call, never kept.
 * progress (may be NULL) hears each step as it starts, and is asked, between the steps
 * and several times a second while the service is awaited, whether to stop. Stopping
 * fails with FAILURE_CANCELLED and loses nothing: keys already made are kept and recorded,
 * and applying again goes on from there (a submission the service took before the stop
 * is found again by its keys, with the same number).
 */
enum enroll_step { ENROLL_STEP_KEYS, ENROLL_STEP_SEND };
struct enroll_progress {
	void	(*step)(void *arg, enum enroll_step);
	int	(*stop)(void *arg);		/* non-zero: stop now */
	void	 *arg;
};
int	enroll_apply(struct enroll *, const char *id, const struct secret *pin,
	    const struct enroll_progress *, struct failure *);
/*
 * A token still on its factory PIN (nca-facts.md §4, doc/tokens.md). enroll_pin_factory:
 * the token kind ("Kaztoken") whose factory PIN pin is, for an application on a token
 * whose keys are still to be made; the application's own storage is tried first, then
 * every other kind (nothing proves the token connected is of the make chosen); NULL for
 * none. enroll_apply makes no key under such a PIN (pin.factory at field pin) unless the
 * settings allow it (enroll_config.factory_pin_allow, said by enroll_factory_pin_allowed);
 * a front end tells the person either way and offers enroll_pin_change first.
 * enroll_pin_refuse: that refusal, as enroll_apply would make it (-1, pin.factory in err),
 * or 0 when the keys may be made under pin.
 * enroll_pin_rules: what a new PIN must be, as a clause for a prompt (malloc'd, or NULL).
 * enroll_pin_change: the token's user PIN changed from old to new_pin (C_SetPIN), new_pin
 * judged first: 6 to 32 characters within the token's own bounds, printable ASCII, not a
 * factory PIN (pin.policy at field new_pin); a wrong old one is pin.wrong. 0 or -1 + err.
 */
const char	*enroll_pin_factory(struct enroll *, const char *id, const struct secret *pin);
int		 enroll_factory_pin_allowed(const struct enroll *);
int		 enroll_pin_refuse(struct enroll *, const char *id, const struct secret *pin,
		    struct failure *);
char		*enroll_pin_rules(struct enroll *, const char *id);
int		 enroll_pin_change(struct enroll *, const char *id, const struct secret *old,
		    const struct secret *new_pin, struct failure *);

/*
 * The tokens connected now (every slot of the PKCS#11 module with a token in it), for the
 * person to choose one; free with keystore_pkcs11_tokens_free.
 */
int	enroll_tokens(struct enroll *, struct keystore_token **, size_t *,
	    struct failure *);

/*
 * Abandoning an application that can no longer be issued, and removing its pending keys
 * for good. First enroll_abandon_plan says what it would do, for the person to confirm
 * (the CLI asks y/N or wants --yes; a screen asks); then enroll_abandon_remove does it
 * and fills the same struct with what was done. Either refuses (FAILURE_REFUSED, code
 * application.at_desk, .issued or .installed, and a sentence saying what to do instead) an
 * application that is submitted (the desk decides it; the service is asked first, when
 * one is configured, as the desk may have decided since), issued or installed.
 *  - never sent (draft, keys_ready): it becomes "abandoned", and its keys are removed;
 *  - rejected, cancelled (and abandoned, for keys an older version left): it stays what
 *    it is, and its keys are removed.
 * Keys in a PC folder are overwritten, synced, then unlinked; on a token they are
 * destroyed there, which needs its PIN (pin; NULL for a folder). A status that learns of
 * a refusal removes nothing: a screen asks (plan.keys != 0), then calls remove. The struct
 * starts zeroed; each call frees what it held; enroll_abandon_free at the end.
 */
struct enroll_abandon {
	char			 id[STATE_ID_LEN + 1];
	enum machine_state	 state;		/* after remove: the state it is now in */
	int			 becomes_abandoned;	/* never sent: given up for good */
	int			 on_token;	/* the keys are on a token: its PIN is needed */
	char			*where;		/* the keys' folder or the token's label, or NULL */
	char			*files[2];	/* plan, PC: the key files there now (NULL-padded) */
	int			 keys;		/* plan: keys there now, -1 on a token (not known
						   without its PIN); remove: keys removed */
};
int	enroll_abandon_plan(struct enroll *, const char *id_or_number,
	    struct enroll_abandon *, struct failure *);
int	enroll_abandon_remove(struct enroll *, const char *id_or_number,
	    const struct secret *pin, struct enroll_abandon *, struct failure *);
void	enroll_abandon_free(struct enroll_abandon *);

/*
 * What became of the e-mail with the application form, in words after "E-mail: " (on
 * its way to whom, sent by an older service, or not sent and why) in the current
 * language, into buf; "" when the service did not say (a re-send after a crash).
 */
const char	*enroll_mail_outcome(const struct state_app *, char *buf, size_t size);
/*
 * In the demo, whose service delivers mail into its own maildir (e->mail_dir), not to the
 * address: the words after "E-mail: " naming the file that holds a's "received" mail,
 * waited for up to 5 s (tick(arg), called every 100 ms, may say 1 to stop waiting; NULL:
 * no tick), else the folder it will be in. malloc'd; NULL when not the demo, when no
 * mail was queued, or without memory.
 */
char		*enroll_demo_mail(struct enroll *, const struct state_app *,
		    int (*tick)(void *), void *arg);

/* Asks the service and moves the local application along (issued, rejected...). */
int	enroll_refresh(struct enroll *, const char *id_or_number, json_t **status,
	    struct failure *);

/*
 * Install: downloads and verifies the certificates, writes the two password-protected
 * containers (PC) or stores the certificates on the token beside their keys, and reports
 * "installed" to the service with a proof made by the new key. pw: the containers' new
 * password (PC; judged by the password policy first), or the token's PIN. On an
 * application installed already nothing is written and pw is not used (it may be NULL):
 * only a report the service has not had yet is sent. Ask enroll_installed first, to say
 * "installed already" instead of asking for a password.
 */
/*
 * Whether there is anything to install, asked before any password or PIN: an
 * application rejected, cancelled or still waiting at the desk (as the service says now)
 * fails with FAILURE_REFUSED, code application.not_issued and a sentence saying why and
 * what to do (the rejection's reason in the reader's words). 0 otherwise, also when the
 * service cannot be asked (the install then says so).
 */
int	enroll_install_ready(struct enroll *, const char *id_or_number,
	    struct failure *);
int	enroll_install(struct enroll *, const char *id_or_number, const struct secret *pw,
	    enum keystore_p12_layout, struct failure *);

/*
 * Where and when an application's certificates were installed: 0 with *out filled (the
 * caller frees it with enroll_installed_free), or -1 with code application.not_installed
 * (FAILURE_REFUSED) when they are not, or application.unknown. No network, no secret.
 */
struct enroll_installed {
	char	*when;				/* ISO 8601 UTC; NULL if not noted */
	char	*container[KEYSTORE_KEY__MAX];	/* PC: the two .p12 files; token: NULL */
	char	*token;				/* token: its label (or serial); PC: NULL */
};
int	enroll_installed(struct enroll *, const char *id_or_number, struct enroll_installed *,
	    struct failure *);
void	enroll_installed_free(struct enroll_installed *);

/*
 * A new password for the two containers of an installed application (PC): both opened
 * with old, both rewritten with new_pw in the layout they had, each replaced atomically;
 * repeating a change cut short finishes it. Refused (FAILURE_REFUSED), before anything is
 * written: not installed (application.not_installed); keys on a token (token.pin: a
 * token's PIN is changed with the token's own tool); new_pw breaking the policy (field
 * "new_password", the rule's code); old not opening them (field "password",
 * password.wrong).
 */
int	enroll_passwd(struct enroll *, const char *id_or_number, const struct secret *old,
	    const struct secret *new_pw, struct failure *);

/*
 * A certificate's whole life (enroll-lifecycle.c, doc/api-lifecycle.md): a holder's
 * request is signed with the application's current AUTH key over a single-use challenge
 * of the service, "ACTION\nNUMBER\nNONCE\nDETAIL" (enroll_signed_message, malloc'd).
 * What opens that key is said before anything is asked (the *_plan calls): nothing (the
 * pending key in its folder, certificates not installed yet), the containers' password
 * (PC, installed) or the token's PIN.
 */
enum enroll_secret { ENROLL_SECRET_NONE, ENROLL_SECRET_PASSWORD, ENROLL_SECRET_PIN };
char	*enroll_signed_message(const char *action, const char *number, const char *nonce,
	    const char *detail);

/* A revocation as the service tells it; strings malloc'd (enroll_revocation_free). */
struct enroll_revocation {
	char	*reason;	/* RFC 5280 name (common/revocation.h) */
	char	*at;		/* ISO 8601 UTC */
	char	*by;		/* "holder", "operator:NAME", "renewal NUMBER", or NULL */
	int	 already;	/* revoked before this call: answered, not done again */
};
void	enroll_revocation_free(struct enroll_revocation *);
/*
 * Revocation by the holder. enroll_revoke_plan asks the service where the application
 * stands (and moves the local copy along): revoked already, it fills rev (already = 1)
 * and needs nothing; certificates never issued are refused (FAILURE_REFUSED,
 * application.not_revocable); else *need says what opens the AUTH key. enroll_revoke
 * then signs and revokes: rev filled, the state moved to revoked with its reason, date
 * and author. reason: a row of revocation.h a holder may choose, else refused at field
 * "reason" (reason.unknown). A password the container refuses fails at field "password"
 * (password.wrong) with the way left to one who lost it: a registration desk.
 */
int	enroll_revoke_plan(struct enroll *, const char *id_or_number, enum enroll_secret *need,
	    struct enroll_revocation *rev, struct failure *);
int	enroll_revoke(struct enroll *, const char *id_or_number, const char *reason,
	    const struct secret *, struct enroll_revocation *rev, struct failure *);
/*
 * Renewal while both certificates are valid. enroll_renew_plan refuses, before anything
 * is asked, an application whose certificates expired or were revoked, or were never
 * issued (FAILURE_REFUSED, application.not_renewable: a new application is needed), and
 * says what opens the current AUTH key. enroll_renew makes two new key pairs in the same
 * folder or on the same token (a new application in the state, `renews` the old number;
 * kept and used again if a renewal is repeated), signs the request with the current AUTH
 * key, and records the NEW application the service issued at once (state issued: install
 * it as any other) into new_number. The old application is revoked as superseded by the
 * service once the new one is installed.
 */
int	enroll_renew_plan(struct enroll *, const char *id_or_number, enum enroll_secret *need,
	    struct failure *);
int	enroll_renew(struct enroll *, const char *id_or_number, const struct secret *,
	    char new_number[REQNUM_LEN + 1], struct failure *);

/*
 * The certificates on this computer (enroll-certs.c): every application of the state
 * whose certificates were installed (a folder, or a token, said connected or not), with
 * what its AUTH certificate says; with ocsp, each asked of the OCSP responder its
 * certificate names. Free with enroll_certs_free. No secret is needed.
 */
enum enroll_ocsp {
	ENROLL_OCSP_NOT_ASKED,
	ENROLL_OCSP_GOOD,
	ENROLL_OCSP_REVOKED,
	ENROLL_OCSP_UNKNOWN,		/* the responder does not know it */
	ENROLL_OCSP_NO_ANSWER,		/* it did not answer, or not in a way to trust */
};
struct enroll_cert {
	char		 number[REQNUM_LEN + 1];
	char		*holder;	/* Surname Given Patronymic */
	char		*role;		/* in the current language */
	char		*where;		/* the folder, or the token's label */
	int		 on_token;
	int		 present;	/* the containers exist / the token is connected now */
	enum machine_state state;
	time_t		 not_after;	/* of the AUTH certificate; 0 if unreadable */
	long		 days_left;	/* whole days until not_after; < 0 expired */
	enum enroll_ocsp ocsp;
	int		 crl_reason;	/* OCSP revoked: its reason, or -1 */
	time_t		 revoked_at;	/* OCSP revoked: when */
	char		*renewed_by;	/* a renewal's number, or NULL */
	int		 from_token;	/* read from a connected token the state does not
					   know: number "" (not applied for from here) */
};
/*
 * ocsp: also ask each certificate's OCSP responder, and read the connected tokens for
 * certificates of this service's CA that the state does not list (from_token rows, after
 * the state's). Without it, only the state is read (the expiry warning at every start).
 */
int	enroll_certs(struct enroll *, int ocsp, struct enroll_cert **, size_t *,
	    struct failure *);
void	enroll_certs_free(struct enroll_cert *, size_t);
/* Days before expiry from which every start of ncaenroll says so. */
#define ENROLL_EXPIRY_WARN_DAYS	30

/*
 * The service's support contact, asked once a run (kept in e; its strings live until
 * enroll_close). 0, or -1 when the service cannot be asked (err says why). For a screen
 * that reports a failure the person cannot fix alone, and for help.
 */
int	enroll_support(struct enroll *, struct enroll_support *, struct failure *);
/*
 * The same as the lines a person reads, labels in the current language ("Phone: 1414",
 * one a line, no final newline); "" when the service names none. malloc'd; NULL with err.
 */
char	*enroll_support_text(struct enroll *, struct failure *);
/*
 * Whether a failure is one the person cannot get past alone (enroll-support.c): the
 * service unreachable or failing, a file, folder or device here, the settings, or a
 * refusal svcerror_needs_support marks (the program and the service disagree, the keys
 * or the registers' data cannot make a certificate...). 1 or 0.
 */
int	enroll_support_needed(const struct failure *);
/*
 * The support contact to end such a failure's message with, as enroll_support_text
 * gives it; "" for any other failure, when the service names none, or when it cannot be
 * asked (a failing service is not asked again: only a contact had earlier this run is
 * given then). Never an error of its own; malloc'd, NULL only when out of memory.
 */
char	*enroll_support_for(struct enroll *, const struct failure *);

#endif

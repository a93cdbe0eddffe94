/*
 * enroll — the applicant's core: one application from a draft to installed certificates.
 * It is the only code that combines the state file, the service client and the keystore;
 * the TUI and every subcommand call it and touch none of those themselves. Each step
 * persists its transition before returning, so a crash at any point resumes from the last
 * step with nothing lost and nothing done twice. Failures come back in struct
 * enroll_error: a kind (which doubles as the exit status), a sentence, and for a refusal
 * the form field it concerns, so a screen can put the message there.
 */
#ifndef NCA_ENROLL_H
#define NCA_ENROLL_H

#include <jansson.h>

#include "common/secret.h"
#include "enroll/client.h"
#include "enroll/keystore.h"
#include "enroll/state.h"

enum enroll_fail {
	ENROLL_REFUSED = 1,	/* bad input, or the service said no */
	ENROLL_SERVICE = 3,	/* the service is unreachable, untrusted or broken */
	ENROLL_LOCAL = 4,	/* a file, folder or device here failed */
	ENROLL_CANCELLED = 5,	/* the person stopped it (struct enroll_progress) */
};

struct enroll_error {
	enum enroll_fail	 kind;
	char			*message;
	char			*field;		/* "bin", "captcha_answer", "password"... or NULL */
	char			*code;		/* stable code, or NULL */
};

struct enroll_config {
	const char		*state_path;	/* NULL: state_default_path() */
	struct client_config	 service;
	const char		*lang;		/* kk, ru, en */
};

struct enroll {
	struct state	*st;
	struct client	*cl;
	char		*lang;
};

struct enroll_captcha {
	char		 id[80];
	int		 width, height;
	unsigned char	*bits;		/* width * height bytes, 1 = ink */
};

struct enroll	*enroll_open(const struct enroll_config *, struct enroll_error *);
void		 enroll_close(struct enroll *);
void		 enroll_error_free(struct enroll_error *);

/* A new draft (its id into id[]), or the existing one with that id or request number. */
int	enroll_draft(struct enroll *, const char *resume, char id[STATE_ID_LEN + 1],
	    struct enroll_error *);
/*
 * The application as last read. Every step re-reads the state file, so the pointer and
 * the strings state_get() returns from it are good only until the next enroll_* call.
 */
struct state_app	*enroll_app(struct enroll *, const char *id_or_number);

/* A value's own rules (BIN, IIN), checked here before anything reaches the network. */
int	enroll_precheck(const char *field, const char *value, struct enroll_error *);
int	enroll_captcha(struct enroll *, struct enroll_captcha *, struct enroll_error *);
void	enroll_captcha_free(struct enroll_captcha *);

/* BIN + captcha -> organization name (stored in the draft with a short-lived token). */
int	enroll_check_bin(struct enroll *, const char *id, const char *bin,
	    const char *captcha_id, const char *answer, struct enroll_error *);
/* IIN -> full name from the registry (needs the BIN check's token). */
int	enroll_check_iin(struct enroll *, const char *id, const char *iin,
	    struct enroll_error *);
/*
 * One form field: email (may be ""), role, region, city, gu_code, storage, dir, token (a
 * connected token's serial number). Checked here first (syntax; city within region;
 * gu_code among the organization's; the token connected now; a folder the keys can be
 * written to), stored. Also "screen": the id of the screen where the person is (lower
 * case and _), kept so that Continue opens it again; no part of the application.
 */
int	enroll_set(struct enroll *, const char *id, const char *field, const char *value,
	    struct enroll_error *);
/*
 * Whose keys the folder dir already holds besides application id's own (enroll-dir.c):
 * *what gets a translated list ("application No. …; an application not sent yet…") or
 * NULL when there are none; the caller frees it. A screen shows it before the folder is
 * taken: keys side by side are not overwritten (their names differ) but are easily
 * mixed up.
 */
int	enroll_dir_others(struct enroll *, const char *id, const char *dir, char **what,
	    struct enroll_error *);
/* Directories from the service as JSON: "roles", "regions", "cities:<region>", "gu-codes". */
int	enroll_directory(struct enroll *, const char *id, const char *which, json_t **,
	    struct enroll_error *);

/*
 * Apply: makes the two key pairs in the chosen folder or on the chosen token (kept if a
 * crash left them), then submits both CSRs; the request number is persisted before this
 * returns. pin opens the token (NULL for a folder): used for this call, never kept.
 * progress (may be NULL) hears each step as it starts, and is asked, between the steps
 * and several times a second while the service is awaited, whether to stop. Stopping
 * fails with ENROLL_CANCELLED and loses nothing: keys already made are kept and recorded,
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
	    const struct enroll_progress *, struct enroll_error *);
/*
 * The tokens connected now (every slot of the PKCS#11 module with a token in it), for the
 * person to choose one; free with keystore_tokens_free.
 */
int	enroll_tokens(struct enroll *, struct keystore_token **, size_t *,
	    struct enroll_error *);

/*
 * Gives up an application never sent (a draft, or keys made but not submitted), so it is
 * no longer offered to continue. Keys already made stay where they are (a person may
 * want them gone or kept; deleting a private key is theirs to decide): *keys_dir then
 * names their folder (malloc'd), else NULL. A submitted application cannot be abandoned
 * here: the registration desk decides it, or it expires.
 */
int	enroll_abandon(struct enroll *, const char *id_or_number, char **keys_dir,
	    struct enroll_error *);

/*
 * What became of the e-mail with the application form, in words after "E-mail: " (sent
 * to whom, or not sent and why) in the current language, into buf; "" when the service
 * did not say (an older service, or a re-send after a crash).
 */
const char	*enroll_mail_outcome(const struct state_app *, char *buf, size_t size);

/* Asks the service and moves the local application along (issued, rejected...). */
int	enroll_refresh(struct enroll *, const char *id_or_number, json_t **status,
	    struct enroll_error *);

/*
 * Install: downloads and verifies the certificates, writes the two password-protected
 * containers (PC) or stores the certificates on the token beside their keys, and reports
 * "installed" to the service with a proof made by the new key. pw: the containers' new
 * password (PC; judged by the password policy first), or the token's PIN.
 */
int	enroll_install(struct enroll *, const char *id_or_number, const struct secret *pw,
	    enum keystore_p12_layout, struct enroll_error *);

#endif

/*
 * failure — why something a person asked for did not happen, in the one shape the
 * applicant's core (src/enroll), the desk's core (ra.c) and the programs and screens that
 * report it share: a kind that doubles as the exit status, a sentence the person can act
 * on (never empty when a call failed), the field it concerns so a screen can put it
 * there, and a stable code for scripts. Below these cores the reason travels as a
 * caller-freed char **cause; a validator's findings as struct problems. The struct
 * starts zeroed; whoever fills it frees what it held first; failure_free empties it.
 */
#ifndef NCA_FAILURE_H
#define NCA_FAILURE_H

enum failure_kind {
	FAILURE_REFUSED = 1,	/* bad input, or the service or the desk said no */
	FAILURE_USAGE = 2,	/* the settings: no service named, an address not https:// */
	FAILURE_SERVICE = 3,	/* the service is unreachable, untrusted or broken */
	FAILURE_LOCAL = 4,	/* a file, folder, token or device here failed */
	FAILURE_CANCELLED = 5,	/* the person stopped it */
};

struct failure {
	enum failure_kind	 kind;
	char			*message;
	char			*field;		/* "bin", "captcha_answer", "documents"... or NULL */
	char			*code;		/* stable code ("ra.revoked"), or NULL */
};

/* Frees what it holds and zeroes it; NULL-safe, and safe to call twice. */
void	failure_free(struct failure *);

#endif

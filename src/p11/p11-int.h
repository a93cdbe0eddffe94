/*
 * p11-int — what p11.c and p11-key.c share and nobody else sees: the loaded module, the
 * open token and the sentence for a refusal of the token. Not for other modules: they use
 * p11.h, which holds no PKCS#11 types.
 */
#ifndef NCA_P11_INT_H
#define NCA_P11_INT_H

#include <p11-kit/pkcs11.h>

#include "p11/p11.h"

/*
 * A token this process is logged in to. Login is per process, not per session: a second
 * open would hear CKR_USER_ALREADY_LOGGED_IN whatever PIN it gave, so the PIN that logged
 * in is remembered as a salted SHA-256, to be compared, while any open of the token lasts.
 */
struct p11_login {
	CK_SLOT_ID		 slot;
	unsigned char		 salt[16], hash[32];
	int			 opens;
	struct p11_login	*next;
};

/* A module loaded once per process and counted (p11.c says why). */
struct p11_module {
	char			*path;
	void			*dl;
	CK_FUNCTION_LIST	*f;
	int			 refs;
	int			 finalize;	/* this process started it, so it ends it */
	struct p11_login	*logins;
	struct p11_module	*next;
};

struct p11 {
	struct p11_module	*mod;
	CK_SLOT_ID		 slot;
	CK_SESSION_HANDLE	 session;
	int			 has_session;
	int			 logged_in;	/* counted in mod->logins */
	int			 refs;		/* p11_open's, and one per p11_key */
	char			 label[33];
	char			 name[96];	/* "LABEL" (serial SERIAL), for messages */
};

/* What a refusal of the token means to a caller. */
enum p11_failure p11_failure_of(CK_RV);
/*
 * cause = "WHAT: why" in words: a disconnected token said so, other refusals with the
 * module's code (CKR_...). what is a translated clause ("cannot make the AUTH key").
 */
void		 p11_fail(const struct p11 *, CK_RV, const char *what, char **cause);
const char	*p11_rv_name(CK_RV, char buf[32]);

#endif

/*
 * p11 — a PKCS#11 module through its own function list. Why not libp11: Debian 12's
 * libp11 0.4.12 waits forever in its session pool when C_OpenSession fails (measured: a
 * login on SoftHSM's free, uninitialised slot never returns; a token pulled out takes the
 * same path), and it cannot say CKA_EXTRACTABLE = false when it makes a key. Here every
 * refusal of the module comes back as a sentence, and key templates are ours.
 */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/secret.h"
#include "p11/p11-int.h"

#define P11_FIND_BATCH	32

/*
 * C_Initialize and C_Finalize belong to the process, not to a caller: two keystores (or
 * a keystore and the desk's identity) on one module must share one initialisation, and
 * the last one out finalises it. So loaded modules are counted here, under a lock; this
 * is the one piece of process-wide state the PKCS#11 contract forces on us.
 */
static pthread_mutex_t		 p11_lock = PTHREAD_MUTEX_INITIALIZER;
static struct p11_module	*p11_modules;

static const struct {
	CK_RV		 rv;
	const char	*name;
} p11_rv_names[] = {
#define P11_RV(x)	{ x, #x }
	P11_RV(CKR_GENERAL_ERROR), P11_RV(CKR_FUNCTION_FAILED), P11_RV(CKR_ARGUMENTS_BAD),
	P11_RV(CKR_HOST_MEMORY), P11_RV(CKR_CANT_LOCK),
	P11_RV(CKR_ATTRIBUTE_SENSITIVE), P11_RV(CKR_ATTRIBUTE_TYPE_INVALID),
	P11_RV(CKR_ATTRIBUTE_VALUE_INVALID), P11_RV(CKR_DATA_LEN_RANGE),
	P11_RV(CKR_DEVICE_ERROR), P11_RV(CKR_DEVICE_MEMORY), P11_RV(CKR_DEVICE_REMOVED),
	P11_RV(CKR_FUNCTION_NOT_SUPPORTED), P11_RV(CKR_KEY_TYPE_INCONSISTENT),
	P11_RV(CKR_KEY_FUNCTION_NOT_PERMITTED), P11_RV(CKR_MECHANISM_INVALID),
	P11_RV(CKR_OPERATION_ACTIVE), P11_RV(CKR_PIN_INCORRECT), P11_RV(CKR_PIN_LOCKED),
	P11_RV(CKR_PIN_EXPIRED), P11_RV(CKR_SESSION_CLOSED), P11_RV(CKR_SESSION_COUNT),
	P11_RV(CKR_SESSION_HANDLE_INVALID), P11_RV(CKR_SESSION_READ_ONLY),
	P11_RV(CKR_SLOT_ID_INVALID), P11_RV(CKR_TEMPLATE_INCOMPLETE),
	P11_RV(CKR_TEMPLATE_INCONSISTENT), P11_RV(CKR_TOKEN_NOT_PRESENT),
	P11_RV(CKR_TOKEN_NOT_RECOGNIZED), P11_RV(CKR_TOKEN_WRITE_PROTECTED),
	P11_RV(CKR_USER_NOT_LOGGED_IN), P11_RV(CKR_USER_PIN_NOT_INITIALIZED),
	P11_RV(CKR_CRYPTOKI_NOT_INITIALIZED),
#undef P11_RV
};

const char *
p11_rv_name(CK_RV rv, char buf[32])
{
	size_t	i;

	for (i = 0; i < sizeof p11_rv_names / sizeof p11_rv_names[0]; i++)
		if (p11_rv_names[i].rv == rv)
			return p11_rv_names[i].name;
	(void)snprintf(buf, 32, "CKR 0x%lx", (unsigned long)rv);
	return buf;
}

enum p11_failure
p11_failure_of(CK_RV rv)
{
	switch (rv) {
	case CKR_OK:
		return P11_OK;
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_TOKEN_NOT_RECOGNIZED:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_SLOT_ID_INVALID:
		return P11_REMOVED;
	case CKR_PIN_INCORRECT:
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		return P11_PIN;
	case CKR_PIN_LOCKED:
	case CKR_PIN_EXPIRED:		/* no PIN typed here opens it either */
	case CKR_USER_PIN_NOT_INITIALIZED:
		return P11_LOCKED;
	default:
		return P11_DEVICE;
	}
}

/*
 * Modules tell a lost token in different words: a USB token pulled out is
 * CKR_DEVICE_REMOVED or CKR_TOKEN_NOT_PRESENT, but p11-kit's client module, whose token
 * went away with its server, says CKR_DEVICE_ERROR to everything. So after a vague
 * refusal the token is asked who it is; if it cannot even say, it is gone.
 */
static int
p11_gone(const struct p11 *t, CK_RV rv)
{
	CK_TOKEN_INFO	ti;

	if (p11_failure_of(rv) == P11_REMOVED)
		return 1;
	if (rv != CKR_DEVICE_ERROR && rv != CKR_GENERAL_ERROR && rv != CKR_FUNCTION_FAILED)
		return 0;
	return t->mod->f->C_GetTokenInfo(t->slot, &ti) != CKR_OK;
}

void
p11_fail(const struct p11 *t, CK_RV rv, const char *what, char **cause)
{
	char	buf[32];

	if (p11_gone(t, rv))
		cause_set(cause, _("%s: the token %s was disconnected; connect it again and "
		    "repeat"), what, t->name);
	else if (rv == CKR_USER_NOT_LOGGED_IN)
		cause_set(cause, _("%s: the token %s is no longer logged in (was it "
		    "disconnected?); repeat, with the PIN"), what, t->name);
	else
		cause_set(cause, _("%s: the token %s refused (%s)"), what, t->name,
		    p11_rv_name(rv, buf));
}

const char *
p11_default_module(void)
{
	const char	*m = getenv("NCAENROLL_PKCS11_MODULE");

	return m != NULL && *m != '\0' ? m : P11KIT_PROXY_MODULE;
}

/* --- the process's modules ---------------------------------------------------------- */

static void
p11_module_free(struct p11_module *m)
{
	struct p11_login	*l;

	if (m == NULL)
		return;
	while ((l = m->logins) != NULL) {
		m->logins = l->next;
		OPENSSL_cleanse(l, sizeof *l);
		free(l);
	}
	if (m->finalize)
		(void)m->f->C_Finalize(NULL);
	if (m->dl != NULL)
		(void)dlclose(m->dl);
	free(m->path);
	free(m);
}

/* Loads and starts the module; the caller holds p11_lock. */
static struct p11_module *
p11_module_load(const char *path, char **cause)
{
	struct p11_module	*m;
	CK_C_GetFunctionList	 get;
	CK_C_INITIALIZE_ARGS	 args;
	CK_RV			 rv;
	char			 buf[32];

	if ((m = calloc(1, sizeof *m)) == NULL || (m->path = strdup(path)) == NULL) {
		free(m);
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	if ((m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		cause_set(cause, _("cannot load the PKCS#11 module %s: %s"), path, dlerror());
		goto fail;
	}
	if ((get = (CK_C_GetFunctionList)dlsym(m->dl, "C_GetFunctionList")) == NULL ||
	    get(&m->f) != CKR_OK || m->f == NULL) {
		cause_set(cause, _("%s is not a PKCS#11 module"), path);
		goto fail;
	}
	/* Threads may be about (libcurl's resolver): the module must lock for itself. */
	memset(&args, 0, sizeof args);
	args.flags = CKF_OS_LOCKING_OK;
	if ((rv = m->f->C_Initialize(&args)) == CKR_CANT_LOCK)
		rv = m->f->C_Initialize(NULL);
	if (rv == CKR_OK)
		m->finalize = 1;
	else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		cause_set(cause, _("the PKCS#11 module %s does not start (%s)"), path,
		    p11_rv_name(rv, buf));
		goto fail;
	}
	m->refs = 1;
	return m;
fail:
	p11_module_free(m);
	return NULL;
}

static struct p11_module *
p11_module_get(const char *path, char **cause)
{
	struct p11_module	*m;

	if (pthread_mutex_lock(&p11_lock) != 0) {
		cause_set(cause, _("cannot load the PKCS#11 module %s"), path);
		return NULL;
	}
	for (m = p11_modules; m != NULL; m = m->next)
		if (strcmp(m->path, path) == 0) {
			m->refs++;
			break;
		}
	if (m == NULL && (m = p11_module_load(path, cause)) != NULL) {
		m->next = p11_modules;
		p11_modules = m;
	}
	(void)pthread_mutex_unlock(&p11_lock);
	return m;
}

static void
p11_module_put(struct p11_module *m)
{
	struct p11_module	**pp;

	if (m == NULL || pthread_mutex_lock(&p11_lock) != 0)
		return;
	if (--m->refs == 0) {
		for (pp = &p11_modules; *pp != NULL; pp = &(*pp)->next)
			if (*pp == m) {
				*pp = m->next;
				break;
			}
		p11_module_free(m);
	}
	(void)pthread_mutex_unlock(&p11_lock);
}

/* --- tokens --------------------------------------------------------------------------- */

/* A blank-padded CK_TOKEN_INFO field as a string. */
static void
p11_trim(char *out, size_t size, const unsigned char *in, size_t len)
{
	if (len > size - 1)
		len = size - 1;
	memcpy(out, in, len);
	while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\0'))
		len--;
	out[len] = '\0';
}

static void
p11_token_fill(struct p11_token_info *ti, CK_SLOT_ID slot, const CK_TOKEN_INFO *info)
{
	memset(ti, 0, sizeof *ti);
	ti->slot = slot;
	p11_trim(ti->label, sizeof ti->label, info->label, sizeof info->label);
	p11_trim(ti->manufacturer, sizeof ti->manufacturer, info->manufacturerID,
	    sizeof info->manufacturerID);
	p11_trim(ti->model, sizeof ti->model, info->model, sizeof info->model);
	p11_trim(ti->serial, sizeof ti->serial, info->serialNumber, sizeof info->serialNumber);
	ti->flags = info->flags;
	ti->pin_min = info->ulMinPinLen;
	ti->pin_max = info->ulMaxPinLen;
}

/* The slots with a token in them; the count may grow between the two calls. */
static int
p11_slots(struct p11_module *m, CK_SLOT_ID **slots, CK_ULONG *n, char **cause)
{
	CK_SLOT_ID	*grown;
	CK_RV		 rv;
	char		 buf[32];

	*slots = NULL;
	for (;;) {
		if ((rv = m->f->C_GetSlotList(CK_TRUE, NULL, n)) != CKR_OK)
			break;
		if (*n == 0)
			return 0;
		if ((grown = realloc(*slots, *n * sizeof **slots)) == NULL) {
			cause_set(cause, _("out of memory"));
			return -1;
		}
		*slots = grown;
		if ((rv = m->f->C_GetSlotList(CK_TRUE, *slots, n)) != CKR_BUFFER_TOO_SMALL)
			break;
	}
	if (rv == CKR_OK)
		return 0;
	cause_set(cause, _("the PKCS#11 module %s cannot list its tokens (%s)"), m->path,
	    p11_rv_name(rv, buf));
	free(*slots);
	*slots = NULL;
	return -1;
}

static int
p11_list_module(struct p11_module *m, struct p11_token_info **list, size_t *n,
    char **cause)
{
	CK_SLOT_ID	*slots = NULL;
	CK_ULONG	 ns = 0, i;
	CK_TOKEN_INFO	 info;
	CK_RV		 rv;

	*list = NULL;
	*n = 0;
	if (p11_slots(m, &slots, &ns, cause) == -1)
		return -1;
	if (ns > 0 && (*list = calloc(ns, sizeof **list)) == NULL) {
		free(slots);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	for (i = 0; i < ns; i++) {
		/* A token pulled out meanwhile, or one the module cannot read, is not there. */
		if ((rv = m->f->C_GetTokenInfo(slots[i], &info)) != CKR_OK)
			continue;
		p11_token_fill(&(*list)[(*n)++], slots[i], &info);
	}
	free(slots);
	return 0;
}

int
p11_list(const char *module, struct p11_token_info **list, size_t *n, char **cause)
{
	struct p11_module	*m;
	int			 rc;

	*list = NULL;
	*n = 0;
	if ((m = p11_module_get(module != NULL ? module : p11_default_module(), cause)) == NULL)
		return -1;
	rc = p11_list_module(m, list, n, cause);
	p11_module_put(m);
	return rc;
}

const char *
p11_name(const struct p11 *t)
{
	return t->name;
}

/*
 * "A (serial 1), B (serial 2)": the tokens connected now, malloc'd; NULL when none is.
 * An uninitialised one (SoftHSM's free slot) is nobody's token and not named.
 */
static char *
p11_seen(const struct p11_token_info *list, size_t n)
{
	char	*seen = NULL, *more;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!(list[i].flags & CKF_TOKEN_INITIALIZED))
			continue;
		if (asprintf(&more, "%s%s%s (%s %s)", seen != NULL ? seen : "",
		    seen != NULL ? ", " : "", list[i].label, _("serial"), list[i].serial) == -1)
			more = NULL;
		free(seen);
		if ((seen = more) == NULL)
			break;
	}
	return seen;
}

/* "no token with serial S; connected now: A (serial 1), B (serial 2)". */
static void
p11_absent(const char *serial, const struct p11_token_info *list, size_t n, char **cause)
{
	char	*seen = p11_seen(list, n);

	if (seen != NULL)
		cause_set(cause, _("no token with serial number %s is connected; connected "
		    "now: %s"), serial, seen);
	else
		cause_set(cause, _("no token with serial number %s is connected (no token is "
		    "connected now)"), serial);
	free(seen);
}

/* The same for a token asked for by its label alone. */
static void
p11_absent_label(const char *label, const struct p11_token_info *list, size_t n,
    char **cause)
{
	char	*seen = p11_seen(list, n);

	if (seen != NULL)
		cause_set(cause, _("no token labelled \"%s\" is connected; connected now: %s"),
		    label, seen);
	else
		cause_set(cause, _("no token labelled \"%s\" is connected (no token is "
		    "connected now)"), label);
	free(seen);
}

/*
 * The one token of list with that serial and label (either NULL: any); NULL with the
 * cause when none is, or when a label alone names two (a PIN must not go to a guess).
 * A serial number names its token: the first that fits is taken, as p11_open always did.
 */
static const struct p11_token_info *
p11_pick(const char *serial, const char *label, const struct p11_token_info *list,
    size_t n, char **cause)
{
	const struct p11_token_info	*ti = NULL;
	size_t				 i;

	for (i = 0; i < n && (ti == NULL || serial == NULL); i++) {
		if ((serial != NULL && strcmp(list[i].serial, serial) != 0) ||
		    (label != NULL && strcmp(list[i].label, label) != 0))
			continue;
		if (ti != NULL) {
			cause_set(cause, _("two tokens are labelled \"%s\" (serial numbers %s "
			    "and %s): name the one meant by its serial number too"), label,
			    ti->serial, list[i].serial);
			return NULL;
		}
		ti = &list[i];
	}
	if (ti == NULL && serial != NULL)
		p11_absent(serial, list, n, cause);
	else if (ti == NULL)
		p11_absent_label(label, list, n, cause);
	return ti;
}

/* After a wrong PIN: how close the token now is to locking, from its flags. */
static enum p11_failure
p11_wrong_pin(struct p11 *t, char **cause)
{
	CK_TOKEN_INFO	info;
	CK_FLAGS	fl = 0;

	if (t->mod->f->C_GetTokenInfo(t->slot, &info) == CKR_OK)
		fl = info.flags;
	if (fl & CKF_USER_PIN_LOCKED) {
		cause_set(cause, _("the PIN is wrong, and the token %s is now locked: no PIN "
		    "opens it until its administrator unlocks it (with the SO PIN or PUK, in "
		    "the token's own tool)"), t->name);
		return P11_LOCKED;
	}
	if (fl & CKF_USER_PIN_FINAL_TRY)
		cause_set(cause, _("the PIN is wrong for the token %s; this is the final try: "
		    "one more wrong PIN locks the token"), t->name);
	else if (fl & CKF_USER_PIN_COUNT_LOW)
		cause_set(cause, _("the PIN is wrong for the token %s; few tries are left "
		    "before the token locks"), t->name);
	else
		cause_set(cause, _("the PIN is wrong for the token %s"), t->name);
	return P11_PIN;
}

static int
p11_pin_hash(const unsigned char salt[16], const struct secret *pin, unsigned char out[32])
{
	EVP_MD_CTX	*md;
	unsigned int	 len = 0;
	int		 ok;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, salt, 16) == 1 &&
	    (pin == NULL || EVP_DigestUpdate(md, secret_reveal(pin), secret_len(pin)) == 1) &&
	    EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok ? 0 : -1;
}

static struct p11_login *
p11_login_find(struct p11_module *m, CK_SLOT_ID slot)
{
	struct p11_login	*l;

	for (l = m->logins; l != NULL; l = l->next)
		if (l->slot == slot)
			return l;
	return NULL;
}

/*
 * Another open of this token in the process logged in already: the PIN must be the one
 * it used. 1 it is, 0 it is not, -1 no such open (log in to the token).
 */
static int
p11_login_again(struct p11 *t, const struct secret *pin)
{
	struct p11_login	*l;
	unsigned char		 h[32];
	int			 rc = -1;

	if (pthread_mutex_lock(&p11_lock) != 0)
		return -1;
	if ((l = p11_login_find(t->mod, t->slot)) != NULL && p11_pin_hash(l->salt, pin, h) == 0) {
		rc = CRYPTO_memcmp(h, l->hash, sizeof h) == 0;
		if (rc == 1) {
			l->opens++;
			t->logged_in = 1;
		}
	}
	OPENSSL_cleanse(h, sizeof h);
	(void)pthread_mutex_unlock(&p11_lock);
	return rc;
}

/* This open logged in: remember the PIN's salted hash for the next open. */
static void
p11_login_note(struct p11 *t, const struct secret *pin)
{
	struct p11_login	*l;

	if (pthread_mutex_lock(&p11_lock) != 0)
		return;
	if ((l = p11_login_find(t->mod, t->slot)) != NULL)
		l->opens++;
	else if ((l = calloc(1, sizeof *l)) != NULL) {
		l->slot = t->slot;
		if (RAND_bytes(l->salt, sizeof l->salt) != 1 ||
		    p11_pin_hash(l->salt, pin, l->hash) == -1) {
			/* Unknown PIN: a later open cannot be checked, so none will match. */
			ERR_clear_error();
			memset(l->hash, 0, sizeof l->hash);
			(void)RAND_bytes(l->salt, sizeof l->salt);
		}
		l->opens = 1;
		l->next = t->mod->logins;
		t->mod->logins = l;
	}
	t->logged_in = l != NULL;
	(void)pthread_mutex_unlock(&p11_lock);
}

static void
p11_login_drop(struct p11 *t)
{
	struct p11_login	**pp, *l;

	if (!t->logged_in || pthread_mutex_lock(&p11_lock) != 0)
		return;
	for (pp = &t->mod->logins; (l = *pp) != NULL; pp = &l->next)
		if (l->slot == t->slot) {
			if (--l->opens == 0) {
				*pp = l->next;
				OPENSSL_cleanse(l, sizeof *l);
				free(l);
			}
			break;
		}
	t->logged_in = 0;
	(void)pthread_mutex_unlock(&p11_lock);
}

static enum p11_failure
p11_login(struct p11 *t, const struct secret *pin, CK_FLAGS flags, char **cause)
{
	CK_RV	rv;
	int	again;

	if (flags & CKF_PROTECTED_AUTHENTICATION_PATH)
		pin = NULL;	/* typed on the reader's own keypad, never here */
	else if (pin == NULL) {
		if (!(flags & CKF_LOGIN_REQUIRED))
			return P11_OK;
		cause_set(cause, _("the token %s needs its PIN"), t->name);
		return P11_PIN;
	}
	if ((again = p11_login_again(t, pin)) == 1)
		return P11_OK;
	if (again == 0) {
		/* Judged here: the token itself would only say "already logged in". */
		cause_set(cause, _("the PIN is wrong for the token %s"), t->name);
		return P11_PIN;
	}
	rv = t->mod->f->C_Login(t->session, CKU_USER, pin != NULL ?
	    (CK_UTF8CHAR_PTR)secret_reveal(pin) : NULL, pin != NULL ? secret_len(pin) : 0);
	switch (rv) {
	case CKR_OK:
		p11_login_note(t, pin);
		return P11_OK;
	case CKR_USER_ALREADY_LOGGED_IN:	/* by other code in this process */
		return P11_OK;
	case CKR_PIN_INCORRECT:
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		return p11_wrong_pin(t, cause);
	case CKR_PIN_LOCKED:
		cause_set(cause, _("the PIN of the token %s is locked after too many wrong "
		    "tries: no PIN opens it until its administrator unlocks it (with the SO PIN "
		    "or PUK, in the token's own tool)"), t->name);
		return P11_LOCKED;
	case CKR_PIN_EXPIRED:
		cause_set(cause, _("the PIN of the token %s has expired; change it with the "
		    "token's own tool first"), t->name);
		return P11_LOCKED;
	case CKR_USER_PIN_NOT_INITIALIZED:
		cause_set(cause, _("the token %s has no user PIN yet; set one with the token's "
		    "own tool first"), t->name);
		return P11_LOCKED;
	default:
		p11_fail(t, rv, _("cannot log in"), cause);
		return p11_failure_of(rv);
	}
}

static enum p11_failure
p11_session(struct p11 *t, int rw, char **cause)
{
	CK_RV	rv;

	rv = t->mod->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0),
	    NULL, NULL, &t->session);
	if (rv == CKR_OK) {
		t->has_session = 1;
		return P11_OK;
	}
	if (rv == CKR_TOKEN_WRITE_PROTECTED) {
		cause_set(cause, _("the token %s is write-protected: nothing can be stored on "
		    "it"), t->name);
		return P11_DEVICE;
	}
	p11_fail(t, rv, _("cannot open a session"), cause);
	return p11_failure_of(rv);
}

/* The token is there and may be logged in to: initialised, and its PIN not locked. */
static enum p11_failure
p11_usable(const struct p11 *t, CK_FLAGS flags, char **cause)
{
	if (!(flags & CKF_TOKEN_INITIALIZED)) {
		cause_set(cause, _("the token %s is not initialised; initialise it with its "
		    "vendor's tool first"), t->name);
		return P11_ABSENT;
	}
	if (flags & CKF_USER_PIN_LOCKED) {
		cause_set(cause, _("the PIN of the token %s is locked after too many wrong "
		    "tries: no PIN opens it until its administrator unlocks it (with the SO PIN "
		    "or PUK, in the token's own tool)"), t->name);
		return P11_LOCKED;
	}
	return P11_OK;
}

/* login 0: a read-only public session, no PIN asked or typed (certificates are public). */
static struct p11 *
p11_open_as(const char *module, const char *serial, const char *label,
    const struct secret *pin, int rw, int login, enum p11_failure *why, char **cause)
{
	struct p11			*t = NULL;
	struct p11_token_info		*list = NULL;
	const struct p11_token_info	*ti;
	size_t				 n = 0;
	enum p11_failure		 w = P11_DEVICE;

	if (module == NULL)
		module = p11_default_module();
	if (serial != NULL && *serial == '\0')
		serial = NULL;
	if (label != NULL && *label == '\0')
		label = NULL;
	if (serial == NULL && label == NULL) {
		cause_set(cause, _("no token serial number was given"));
		w = P11_ABSENT;
		goto out;
	}
	if ((t = calloc(1, sizeof *t)) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	t->refs = 1;
	if ((t->mod = p11_module_get(module, cause)) == NULL) {
		w = P11_MODULE;
		goto out;
	}
	if (p11_list_module(t->mod, &list, &n, cause) == -1)
		goto out;
	if ((ti = p11_pick(serial, label, list, n, cause)) == NULL) {
		w = P11_ABSENT;
		goto out;
	}
	t->slot = ti->slot;
	memcpy(t->label, ti->label, sizeof t->label);
	(void)snprintf(t->name, sizeof t->name, "\"%s\" (%s %s)", ti->label, _("serial"),
	    ti->serial);
	/* A locked PIN hides nothing public: only a login needs p11_usable's verdict. */
	if ((w = login ? p11_usable(t, ti->flags, cause) : (ti->flags &
	    CKF_TOKEN_INITIALIZED) ? P11_OK : P11_ABSENT) == P11_OK &&
	    (w = p11_session(t, rw, cause)) == P11_OK && login)
		w = p11_login(t, pin, ti->flags, cause);
out:
	free(list);
	if (w != P11_OK) {
		p11_close(t);
		t = NULL;
	}
	if (why != NULL)
		*why = w;
	return t;
}

struct p11 *
p11_open(const char *module, const char *serial, const struct secret *pin, int rw,
    enum p11_failure *why, char **cause)
{
	return p11_open_as(module, serial, NULL, pin, rw, 1, why, cause);
}

struct p11 *
p11_open_token(const char *module, const char *serial, const char *label,
    const struct secret *pin, int rw, enum p11_failure *why, char **cause)
{
	return p11_open_as(module, serial, label, pin, rw, 1, why, cause);
}

struct p11 *
p11_open_public(const char *module, const char *serial, enum p11_failure *why,
    char **cause)
{
	return p11_open_as(module, serial, NULL, NULL, 0, 0, why, cause);
}

void
p11_close(struct p11 *t)
{
	if (t == NULL || --t->refs > 0)
		return;
	/* Closing the last session logs out (PKCS#11 §5.6): no C_Logout, which would log
	 * out every other open of the token in this process too. */
	if (t->has_session)
		(void)t->mod->f->C_CloseSession(t->session);
	p11_login_drop(t);
	p11_module_put(t->mod);
	free(t);
}

int
p11_alive(struct p11 *t, char **cause)
{
	CK_SESSION_INFO	si;
	CK_RV		rv;

	if ((rv = t->mod->f->C_GetSessionInfo(t->session, &si)) != CKR_OK) {
		p11_fail(t, rv, _("the token does not answer"), cause);
		return -1;
	}
	if (t->logged_in && si.state != CKS_RO_USER_FUNCTIONS &&
	    si.state != CKS_RW_USER_FUNCTIONS) {
		p11_fail(t, CKR_USER_NOT_LOGGED_IN, _("the token does not answer"), cause);
		return -1;
	}
	return 0;
}

/*
 * After C_SetPIN the login this process remembers is the new PIN's: a later open of the
 * token (while this one lasts) is judged against the PIN that now opens it.
 */
static void
p11_login_renote(struct p11 *t, const struct secret *pin)
{
	struct p11_login	*l;

	if (!t->logged_in || pthread_mutex_lock(&p11_lock) != 0)
		return;
	if ((l = p11_login_find(t->mod, t->slot)) != NULL &&
	    (RAND_bytes(l->salt, sizeof l->salt) != 1 ||
	    p11_pin_hash(l->salt, pin, l->hash) == -1)) {
		ERR_clear_error();
		memset(l->hash, 0, sizeof l->hash);	/* unknown: no later open matches */
	}
	(void)pthread_mutex_unlock(&p11_lock);
}

int
p11_set_pin(struct p11 *t, const struct secret *old, const struct secret *new_pin,
    enum p11_failure *why, char **cause)
{
	CK_RV	rv;

	rv = t->mod->f->C_SetPIN(t->session, (CK_UTF8CHAR_PTR)secret_reveal(old),
	    secret_len(old), (CK_UTF8CHAR_PTR)secret_reveal(new_pin), secret_len(new_pin));
	*why = P11_OK;
	switch (rv) {
	case CKR_OK:
		p11_login_renote(t, new_pin);
		return 0;
	case CKR_PIN_INCORRECT:
		*why = P11_PIN;
		cause_set(cause, _("the PIN is wrong for the token %s"), t->name);
		return -1;
	case CKR_PIN_INVALID:
	case CKR_PIN_LEN_RANGE:
		*why = P11_CONTENT;
		cause_set(cause, _("the token %s does not take that new PIN (too short, too "
		    "long, or characters it does not allow)"), t->name);
		return -1;
	default:
		*why = p11_failure_of(rv);
		p11_fail(t, rv, _("cannot change the PIN"), cause);
		return -1;
	}
}

/* --- objects ---------------------------------------------------------------------------- */

int
p11_find(struct p11 *t, unsigned long cls, const char *label, const unsigned char *id,
    size_t idlen, unsigned long **objs, size_t *n, char **cause)
{
	CK_FUNCTION_LIST	*f = t->mod->f;
	CK_OBJECT_CLASS		 c = cls;
	CK_ATTRIBUTE		 tmpl[3];
	CK_OBJECT_HANDLE	 batch[P11_FIND_BATCH];
	CK_ULONG		 nt = 0, got, i;
	unsigned long		*grown;
	CK_RV			 rv, frv;

	*objs = NULL;
	*n = 0;
	tmpl[nt].type = CKA_CLASS;
	tmpl[nt].pValue = &c;
	tmpl[nt++].ulValueLen = sizeof c;
	if (label != NULL) {
		tmpl[nt].type = CKA_LABEL;
		tmpl[nt].pValue = (void *)label;
		tmpl[nt++].ulValueLen = strlen(label);
	}
	if (id != NULL) {
		tmpl[nt].type = CKA_ID;
		tmpl[nt].pValue = (void *)id;
		tmpl[nt++].ulValueLen = idlen;
	}
	if ((rv = f->C_FindObjectsInit(t->session, tmpl, nt)) != CKR_OK) {
		p11_fail(t, rv, _("cannot look for objects"), cause);
		return -1;
	}
	while ((rv = f->C_FindObjects(t->session, batch, P11_FIND_BATCH, &got)) == CKR_OK &&
	    got > 0) {
		if ((grown = realloc(*objs, (*n + got) * sizeof **objs)) == NULL) {
			rv = CKR_HOST_MEMORY;
			break;
		}
		*objs = grown;
		for (i = 0; i < got; i++)
			(*objs)[(*n)++] = batch[i];
	}
	frv = f->C_FindObjectsFinal(t->session);
	if (rv == CKR_OK)
		rv = frv;
	if (rv == CKR_OK)
		return 0;
	free(*objs);
	*objs = NULL;
	*n = 0;
	p11_fail(t, rv, _("cannot look for objects"), cause);
	return -1;
}

int
p11_attr(struct p11 *t, unsigned long obj, unsigned long type, unsigned char **val,
    size_t *len, char **cause)
{
	CK_ATTRIBUTE	a = { type, NULL, 0 };
	CK_RV		rv;

	*val = NULL;
	*len = 0;
	if ((rv = t->mod->f->C_GetAttributeValue(t->session, obj, &a, 1)) != CKR_OK ||
	    a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
		p11_fail(t, rv != CKR_OK ? rv : CKR_ATTRIBUTE_TYPE_INVALID,
		    _("cannot read an object's attribute"), cause);
		return -1;
	}
	if (a.ulValueLen == 0)
		return 0;
	if ((a.pValue = malloc(a.ulValueLen)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	if ((rv = t->mod->f->C_GetAttributeValue(t->session, obj, &a, 1)) != CKR_OK) {
		free(a.pValue);
		p11_fail(t, rv, _("cannot read an object's attribute"), cause);
		return -1;
	}
	*val = a.pValue;
	*len = a.ulValueLen;
	return 0;
}

int
p11_attr_bool(struct p11 *t, unsigned long obj, unsigned long type, int *yes, char **cause)
{
	CK_BBOOL	b = CK_FALSE;
	CK_ATTRIBUTE	a = { type, &b, sizeof b };
	CK_RV		rv;

	if ((rv = t->mod->f->C_GetAttributeValue(t->session, obj, &a, 1)) != CKR_OK ||
	    a.ulValueLen != sizeof b) {
		p11_fail(t, rv != CKR_OK ? rv : CKR_ATTRIBUTE_VALUE_INVALID,
		    _("cannot read an object's attribute"), cause);
		return -1;
	}
	*yes = b == CK_TRUE;
	return 0;
}

static EVP_PKEY *
p11_rsa_from(const unsigned char *mod, size_t modlen, const unsigned char *exp,
    size_t explen)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*ctx = NULL;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*n = NULL, *e = NULL;

	if ((n = BN_bin2bn(mod, (int)modlen, NULL)) == NULL ||
	    (e = BN_bin2bn(exp, (int)explen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	ERR_clear_error();
	return pkey;
}

EVP_PKEY *
p11_public(struct p11 *t, unsigned long key, char **cause)
{
	unsigned char	*type = NULL, *mod = NULL, *exp = NULL;
	size_t		 typelen, modlen, explen;
	CK_KEY_TYPE	 kt;
	EVP_PKEY	*pkey = NULL;

	if (p11_attr(t, key, CKA_KEY_TYPE, &type, &typelen, cause) == -1)
		goto out;
	if (typelen != sizeof kt || (memcpy(&kt, type, sizeof kt), kt != CKK_RSA)) {
		cause_set(cause, _("a key on the token %s is not an RSA key"), t->name);
		goto out;
	}
	if (p11_attr(t, key, CKA_MODULUS, &mod, &modlen, cause) == -1 ||
	    p11_attr(t, key, CKA_PUBLIC_EXPONENT, &exp, &explen, cause) == -1)
		goto out;
	if (mod == NULL || exp == NULL || modlen > INT32_MAX || explen > INT32_MAX ||
	    (pkey = p11_rsa_from(mod, modlen, exp, explen)) == NULL)
		cause_set(cause, _("the public key of a key on the token %s cannot be read"),
		    t->name);
out:
	free(exp);
	free(mod);
	free(type);
	return pkey;
}

int
p11_rsa_generate(struct p11 *t, unsigned bits, const char *label, const unsigned char *id,
    size_t idlen, int decrypt, unsigned long *priv, char **cause)
{
	static CK_BYTE		 e65537[] = { 0x01, 0x00, 0x01 };
	CK_OBJECT_CLASS		 pubc = CKO_PUBLIC_KEY, privc = CKO_PRIVATE_KEY;
	CK_KEY_TYPE		 kt = CKK_RSA;
	CK_ULONG		 modbits = bits;
	CK_BBOOL		 yes = CK_TRUE, no = CK_FALSE;
	CK_BBOOL		*crypt = decrypt ? &yes : &no;
	CK_MECHANISM		 mech = { CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
	CK_OBJECT_HANDLE	 hpub, hpriv;
	CK_RV			 rv;
	CK_ATTRIBUTE		 pub[] = {
		{ CKA_CLASS, &pubc, sizeof pubc },
		{ CKA_KEY_TYPE, &kt, sizeof kt },
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &no, sizeof no },
		{ CKA_MODULUS_BITS, &modbits, sizeof modbits },
		{ CKA_PUBLIC_EXPONENT, e65537, sizeof e65537 },
		{ CKA_VERIFY, &yes, sizeof yes },
		{ CKA_ENCRYPT, crypt, sizeof *crypt },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ID, (void *)id, idlen },
	};
	CK_ATTRIBUTE		 prv[] = {
		{ CKA_CLASS, &privc, sizeof privc },
		{ CKA_KEY_TYPE, &kt, sizeof kt },
		{ CKA_TOKEN, &yes, sizeof yes },
		{ CKA_PRIVATE, &yes, sizeof yes },
		{ CKA_SENSITIVE, &yes, sizeof yes },
		{ CKA_EXTRACTABLE, &no, sizeof no },
		{ CKA_SIGN, &yes, sizeof yes },
		{ CKA_DECRYPT, crypt, sizeof *crypt },
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ID, (void *)id, idlen },
	};

	rv = t->mod->f->C_GenerateKeyPair(t->session, &mech, pub, sizeof pub / sizeof pub[0],
	    prv, sizeof prv / sizeof prv[0], &hpub, &hpriv);
	if (rv != CKR_OK) {
		p11_fail(t, rv, _("cannot make an RSA key pair"), cause);
		return -1;
	}
	*priv = hpriv;
	return 0;
}

int
p11_sign(struct p11 *t, unsigned long priv, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, char **cause)
{
	/* DER DigestInfo of SHA-256 (RFC 8017 §9.2), before the hash itself. */
	static const unsigned char	 prefix[19] = {
		0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
		0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
	};
	unsigned char			 di[sizeof prefix + 32];
	unsigned int			 mdlen = 0;
	CK_MECHANISM			 mech = { CKM_RSA_PKCS, NULL, 0 };
	CK_ULONG			 slen = 0;
	CK_RV				 rv;

	*sig = NULL;
	*siglen = 0;
	memcpy(di, prefix, sizeof prefix);
	if (EVP_Digest(msg, len, di + sizeof prefix, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		ERR_clear_error();
		cause_set(cause, _("cannot hash what is to be signed"));
		return -1;
	}
	/* Hashing here and signing the DigestInfo works on tokens without CKM_SHA256_RSA_PKCS. */
	if ((rv = t->mod->f->C_SignInit(t->session, &mech, priv)) != CKR_OK ||
	    (rv = t->mod->f->C_Sign(t->session, di, sizeof di, NULL, &slen)) != CKR_OK)
		goto fail;
	if ((*sig = malloc(slen)) == NULL) {
		cause_set(cause, _("out of memory"));
		/* End the operation the length query left active. */
		(void)t->mod->f->C_SignInit(t->session, NULL, priv);
		return -1;
	}
	if ((rv = t->mod->f->C_Sign(t->session, di, sizeof di, *sig, &slen)) != CKR_OK)
		goto fail;
	*siglen = slen;
	return 0;
fail:
	free(*sig);
	*sig = NULL;
	p11_fail(t, rv, _("cannot sign"), cause);
	return -1;
}

int
p11_cert_store(struct p11 *t, X509 *x, const char *label, const unsigned char *id,
    size_t idlen, unsigned long *obj, char **cause)
{
	CK_OBJECT_CLASS		 c = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE	 ct = CKC_X_509;
	CK_BBOOL		 yes = CK_TRUE, no = CK_FALSE;
	CK_OBJECT_HANDLE	 h;
	unsigned char		*der = NULL, *subj = NULL, *iss = NULL, *sn = NULL;
	int			 derlen, subjlen, isslen, snlen, rc = -1;
	CK_RV			 rv;

	if ((derlen = i2d_X509(x, &der)) <= 0 ||
	    (subjlen = i2d_X509_NAME(X509_get_subject_name(x), &subj)) <= 0 ||
	    (isslen = i2d_X509_NAME(X509_get_issuer_name(x), &iss)) <= 0 ||
	    (snlen = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &sn)) <= 0) {
		ERR_clear_error();
		cause_set(cause, _("a certificate cannot be encoded for the token"));
		goto out;
	}
	{
		CK_ATTRIBUTE	tmpl[] = {
			{ CKA_CLASS, &c, sizeof c },
			{ CKA_CERTIFICATE_TYPE, &ct, sizeof ct },
			{ CKA_TOKEN, &yes, sizeof yes },
			{ CKA_PRIVATE, &no, sizeof no },
			{ CKA_LABEL, (void *)label, strlen(label) },
			{ CKA_ID, (void *)id, idlen },
			{ CKA_SUBJECT, subj, (CK_ULONG)subjlen },
			{ CKA_ISSUER, iss, (CK_ULONG)isslen },
			{ CKA_SERIAL_NUMBER, sn, (CK_ULONG)snlen },
			{ CKA_VALUE, der, (CK_ULONG)derlen },
		};

		rv = t->mod->f->C_CreateObject(t->session, tmpl, sizeof tmpl / sizeof tmpl[0],
		    &h);
	}
	if (rv != CKR_OK) {
		p11_fail(t, rv, _("cannot store a certificate"), cause);
		goto out;
	}
	if (obj != NULL)
		*obj = h;
	rc = 0;
out:
	OPENSSL_free(sn);
	OPENSSL_free(iss);
	OPENSSL_free(subj);
	OPENSSL_free(der);
	return rc;
}

int
p11_destroy(struct p11 *t, unsigned long obj, char **cause)
{
	CK_RV	rv;

	if ((rv = t->mod->f->C_DestroyObject(t->session, obj)) == CKR_OK)
		return 0;
	p11_fail(t, rv, _("cannot remove an object"), cause);
	return -1;
}

int
p11_has_mechanism(struct p11 *t, unsigned long mech)
{
	CK_MECHANISM_INFO	info;

	return t->mod->f->C_GetMechanismInfo(t->slot, mech, &info) == CKR_OK;
}

/*
 * p11 — PKCS#11 tokens, reached straight through a module's function list (dlopen): the
 * tokens a module sees, one token opened by its serial number and logged in with the PIN,
 * the objects on it, signatures made by it, and an OpenSSL key whose private operations are
 * the token's (for TLS). The applicant's keystore (keystore-pkcs11.c), the desk's
 * operator identity (src/desk/p11-identity.c) and the service's CA key
 * (src/ncaenrolld/ca-token.c) share it. Functions return 0/-1 (NULL) with
 * a cause; opening also says which failure it was (enum p11_failure), so a caller can ask
 * for the PIN again. A struct p11 is used by one thread at a time; the PIN is used once,
 * to log in, and never kept.
 * Handles, classes and attribute types are the module's CK_ULONG values (CKO_*, CKA_*).
 */
#ifndef NCA_P11_H
#define NCA_P11_H

#include <stddef.h>

#include <openssl/types.h>

#include "common/secret.h"

enum p11_failure {
	P11_OK,
	P11_MODULE,	/* the module cannot be loaded or started */
	P11_ABSENT,	/* no token with that serial number is connected, or not initialised */
	P11_REMOVED,	/* the token was disconnected while in use */
	P11_PIN,	/* the PIN is wrong (the cause says when the token is close to locking) */
	P11_LOCKED,	/* the PIN is locked: no PIN opens the token until it is unlocked */
	P11_CONTENT,	/* the token lacks what was asked for (a key, a certificate) */
	P11_DEVICE,	/* anything else the token or its module refused */
	P11_FAILURE__MAX
};

/* One token as CK_TOKEN_INFO tells it: padded texts trimmed, flags as CKF_*. */
struct p11_token_info {
	unsigned long	slot;
	char		label[33], manufacturer[33], model[17], serial[17];
	unsigned long	flags;
	unsigned long	pin_min, pin_max;	/* ulMinPinLen, ulMaxPinLen: the PIN's bounds */
};

struct p11;

/* $NCAENROLL_PKCS11_MODULE if set and not empty, else p11-kit's proxy module. */
const char	*p11_default_module(void);
/* Every token present in the module's slots, in slot order; *list is malloc'd. */
int		 p11_list(const char *module, struct p11_token_info **list, size_t *n,
		    char **cause);
/*
 * The token with that serial number, in a session (read-write when rw) logged in with the
 * PIN (NULL: a PIN pad, or a token that needs no login). p11_close releases it; keys made
 * with p11_key hold it open until they are freed.
 */
struct p11	*p11_open(const char *module, const char *serial, const struct secret *pin,
		    int rw, enum p11_failure *why, char **cause);
/*
 * The same, the token chosen by its serial number, its label, or both (either may be
 * NULL, not both): a label two connected tokens share is refused (P11_ABSENT), so that
 * the PIN is never tried on a token the caller did not mean.
 */
struct p11	*p11_open_token(const char *module, const char *serial, const char *label,
		    const struct secret *pin, int rw, enum p11_failure *why, char **cause);
/*
 * 0 while the session still answers and is logged in (C_GetSessionInfo: cheap, for a
 * readiness probe); -1 with p11_fail's sentence when the token went away.
 */
int		 p11_alive(struct p11 *, char **cause);
/*
 * The same token in a read-only session without logging in: only its public objects
 * (certificates) can be read. No PIN is asked for or typed.
 */
struct p11	*p11_open_public(const char *module, const char *serial,
		    enum p11_failure *why, char **cause);
void		 p11_close(struct p11 *);
/*
 * The user PIN changed from old to new_pin (C_SetPIN) on a token p11_open logged in to
 * with old, read-write. A wrong old PIN is P11_PIN in *why; a new one the token refuses
 * (its length, its characters) is P11_CONTENT. Neither PIN is kept.
 */
int		 p11_set_pin(struct p11 *, const struct secret *old, const struct secret *new_pin,
		    enum p11_failure *why, char **cause);
/* "LABEL (serial SERIAL)", for messages. */
const char	*p11_name(const struct p11 *);

/* The objects of class cls with that label and id (either may be NULL): malloc'd *objs. */
int	p11_find(struct p11 *, unsigned long cls, const char *label,
	    const unsigned char *id, size_t idlen, unsigned long **objs, size_t *n,
	    char **cause);
/* One attribute's value, malloc'd (an empty value gives *val = NULL, *len = 0). */
int	p11_attr(struct p11 *, unsigned long obj, unsigned long type, unsigned char **val,
	    size_t *len, char **cause);
/* A yes/no attribute (CKA_SENSITIVE, CKA_EXTRACTABLE, ...). */
int	p11_attr_bool(struct p11 *, unsigned long obj, unsigned long type, int *yes,
	    char **cause);
/* The RSA public key of a private or public key object, from CKA_MODULUS and exponent. */
EVP_PKEY *p11_public(struct p11 *, unsigned long key, char **cause);
/*
 * An RSA key pair made on the token: both objects CKA_TOKEN, with label and id; the private
 * one CKA_PRIVATE, CKA_SENSITIVE, not CKA_EXTRACTABLE, CKA_SIGN (and CKA_DECRYPT when
 * decrypt), the public one CKA_VERIFY (and CKA_ENCRYPT). *priv is the private key.
 */
int	p11_rsa_generate(struct p11 *, unsigned bits, const char *label,
	    const unsigned char *id, size_t idlen, int decrypt, unsigned long *priv,
	    char **cause);
/* RSA PKCS#1 v1.5 over SHA-256 of msg; the token signs the DigestInfo (CKM_RSA_PKCS). */
int	p11_sign(struct p11 *, unsigned long priv, const void *msg, size_t len,
	    unsigned char **sig, size_t *siglen, char **cause);
/* Stores an X.509 certificate object (CKA_TOKEN, public) with that label and id. */
int	p11_cert_store(struct p11 *, X509 *, const char *label, const unsigned char *id,
	    size_t idlen, unsigned long *obj, char **cause);
int	p11_destroy(struct p11 *, unsigned long obj, char **cause);
/* 1 when the token offers the mechanism (CKM_*), 0 when not or unknown. */
int	p11_has_mechanism(struct p11 *, unsigned long mech);

/*
 * An OpenSSL key for the token's RSA private key obj: its private operations go to the
 * token (PKCS#1 v1.5 as CKM_RSA_PKCS; the RSA-PSS of TLS 1.3, padded by OpenSSL, as
 * CKM_RSA_X_509). It holds the token open until EVP_PKEY_free.
 */
EVP_PKEY *p11_key(struct p11 *, unsigned long obj, char **cause);
/*
 * 1 (with the sentence in cause) when key is one of p11_key's and its last operation on
 * the token failed, as when the token was pulled out during a TLS handshake; else 0.
 */
int	 p11_key_failure(EVP_PKEY *key, char **cause);

/*
 * A private key named by a PKCS#11 URI (RFC 7512, the subset p11-uri.c reads): the token
 * by label and/or serial, the key by label (object=) and/or CKA_ID (id=, bytes). Members
 * are malloc'd, NULL when not given; p11_uri_free releases them. A query part (module,
 * PIN) is refused: those are configured apart. The cause never quotes the URI.
 */
struct p11_uri {
	char		*token, *serial, *object;
	unsigned char	*id;
	size_t		 idlen;
};
int	p11_uri_parse(const char *uri, struct p11_uri *, char **cause);
/* 1 when s is meant as a PKCS#11 URI (it starts "pkcs11:"), right or wrong; else 0. */
int	p11_uri_is(const char *s);
/*
 * An attribute's value s[0..len) percent-decoded (RFC 3986) into *out, malloc'd and
 * NUL-ended too, *outlen without the NUL: 0, or -1 on a bad %XX or no memory.
 */
int	p11_uri_decode(const char *s, size_t len, unsigned char **out, size_t *outlen);
void	p11_uri_free(struct p11_uri *);

#endif

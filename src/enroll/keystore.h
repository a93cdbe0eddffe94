/*
 * keystore — where an application's two key pairs (AUTH and SIGN, RSA-2048) are made and
 * kept: a PC folder (keystore-file.c) or a PKCS#11 token (keystore-pkcs11.c),
 * behind one ops table so the core never asks which. Keys never leave the keystore: the
 * core gets CSRs, signatures and, at install, the names of what was written. Functions
 * return 0 or -1 with a cause; the caller frees what comes back (PEM strings, buffers)
 * and closes the keystore with keystore_close (NULL-safe).
 */
#ifndef NCA_KEYSTORE_H
#define NCA_KEYSTORE_H

#include <stddef.h>

#include <openssl/types.h>

#include "common/secret.h"
#include "p11/p11.h"

enum keystore_key { KEYSTORE_AUTH, KEYSTORE_SIGN, KEYSTORE_KEY__MAX };

struct keystore;

struct keystore_installed {
	char	*path[KEYSTORE_KEY__MAX];	/* PC: the two .p12 files; token: NULL */
	char	 ski[KEYSTORE_KEY__MAX][41];	/* lower-case hex, as in the file names */
};

enum keystore_p12_layout {
	KEYSTORE_P12_MODERN,	/* AES-256-CBC, PBKDF2-SHA256, SHA-256 MAC (default) */
	KEYSTORE_P12_LEGACY,	/* NCA's own: 3DES keys, RC2-40 certs, SHA-1 MAC, 1024 iter. */
};

struct keystore_ops {
	const char	*name;
	/*
	 * Makes both key pairs unless they already exist for this application (then they are
	 * kept: a resumed apply must not make a third key). *created says which happened.
	 */
	int	(*generate)(struct keystore *, int *created, char **cause);
	int	(*has_keys)(struct keystore *, int *yes, char **cause);
	/* PKCS#10, SHA-256, subject CN = the application id (the service ignores it). */
	int	(*csr)(struct keystore *, enum keystore_key, char **pem, char **cause);
	/* RSA PKCS#1 v1.5 over SHA-256 of msg (proof of possession for "installed"). */
	int	(*sign)(struct keystore *, enum keystore_key, const void *msg, size_t len,
		    unsigned char **sig, size_t *siglen, char **cause);
	/*
	 * Verifies each certificate before writing anything (it chains to chain_pem, its
	 * public key is the pending key's, its key usage is the expected one), then stores
	 * them: PC writes the two PKCS#12 files, each atomically with mode 0600, and removes
	 * the pending keys only after both are durable. Repeating an install that completed
	 * (or crashed after the containers were written) finishes it without harm.
	 */
	int	(*install)(struct keystore *, const char *cert_pem[KEYSTORE_KEY__MAX],
		    const char *chain_pem, const struct secret *password,
		    enum keystore_p12_layout, struct keystore_installed *, char **cause);
	/*
	 * Removes the application's pending keys for good, when it can no longer be issued
	 * (abandoned, rejected, cancelled): PC, each key file overwritten, synced and
	 * unlinked (atomicfile_shred); token, the key objects (private and public) destroyed
	 * there. *removed: how many key pairs were there to remove (0: none left).
	 */
	int	(*remove_keys)(struct keystore *, int *removed, char **cause);
	void	(*close)(struct keystore *);
};

struct keystore {
	const struct keystore_ops	*ops;
	void				*impl;
};

/*
 * A PC folder: created 0700 if missing (an existing folder must not be group/world
 * writable). app_id names the pending key files so a person recognises them:
 * DIR/ncaenroll-<app_id>-AUTH.key and -SIGN.key (PEM, 0600), each encrypted (PKCS#8
 * PBES2, AES-256) under the application's wrapping key, WRAPDIR/<app_id>.key, which
 * generate makes before the keys and install and remove_keys remove after them
 * (doc/keys-at-rest.md). keystore_file_open: WRAPDIR is $XDG_DATA_HOME/ncaenroll/wrap
 * (~/.local/share/ncaenroll/wrap); keystore_file_open_at names another (tests).
 */
struct keystore	*keystore_file_open(const char *dir, const char *app_id, char **cause);
struct keystore	*keystore_file_open_at(const char *dir, const char *app_id,
		    const char *wrapdir, char **cause);

/*
 * A new password for the two containers of an installed application (PC): each is opened
 * with old (its MAC, then its key), rebuilt with new_pw in the layout it had (modern or
 * legacy, told by its MAC's digest) around cert_pem (checked against the key and chain_pem
 * as install checks it), and replaced atomically, mode 0600. Nothing is written until
 * both are open and new_pw meets the policy. A container that old does not open but
 * new_pw does was changed already (a change cut short, done again) and is left as it is.
 * *wrong: old opens a container neither does, so the person mistyped it (the cause names
 * the file). 0, or -1 with a cause.
 */
int	keystore_file_change_password(const char *const path[KEYSTORE_KEY__MAX],
	    const char *const cert_pem[KEYSTORE_KEY__MAX], const char *chain_pem,
	    const struct secret *old, const struct secret *new_pw, int *wrong, char **cause);

/*
 * Signs msg (RSA PKCS#1 v1.5 over SHA-256) with the private key k of an installed
 * container (PC), opened with its password: an installed application's current key,
 * for a request only its holder may make (a revocation, a renewal). *wrong: pw does not
 * open it (the cause names the file). 0, or -1 with a cause; *sig is the caller's.
 */
int	keystore_file_container_sign(const char *path, enum keystore_key k,
	    const struct secret *pw, const void *msg, size_t len, unsigned char **sig,
	    size_t *siglen, int *wrong, char **cause);

/*
 * A PKCS#11 token (keystore-pkcs11.c): the keys are made on the token and never leave it,
 * labelled ncaenroll-<app_id>-AUTH and -SIGN, each pair with a random CKA_ID of its own;
 * install stores each certificate beside its key (same CKA_ID and label) and fills
 * installed->ski, leaving path[] NULL (its password and layout are not used: the token's
 * PIN protects it). Tokens that cannot take keys (write-protected, like p11-kit's store of
 * trusted CAs) are not listed.
 */
/* A token seen in a slot of the module (a connected device), as a person identifies it. */
struct keystore_token {
	char	*label, *serial, *manufacturer, *model;
	int	 login_required;	/* CKF_LOGIN_REQUIRED */
	int	 pin_locked;		/* CKF_USER_PIN_LOCKED: no PIN will open it */
	int	 initialized;		/* CKF_TOKEN_INITIALIZED: else it cannot be opened */
	int	 pin_count_low;		/* CKF_USER_PIN_COUNT_LOW: a wrong PIN was typed */
	int	 pin_final_try;		/* CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks it */
	unsigned long	 pin_min, pin_max;	/* the PIN lengths the token takes */
};
/* The PKCS#11 module: $NCAENROLL_PKCS11_MODULE if set, else p11-kit's proxy module path. */
const char	*keystore_pkcs11_module(void);
/* Every token present in the module's slots (possibly none: *n = 0, return 0). */
int		 keystore_pkcs11_tokens(const char *module, struct keystore_token **list,
		    size_t *n, char **cause);
void		 keystore_pkcs11_tokens_free(struct keystore_token *, size_t);
/* One entry's strings freed and the entry zeroed (for a caller that drops some). */
void		 keystore_pkcs11_token_clear(struct keystore_token *);
/* Logs in to the token with that serial number with the PIN; keys are named after app_id. */
struct keystore	*keystore_pkcs11_open(const char *module, const char *serial,
		    const char *app_id, const struct secret *pin, char **cause);
/*
 * The same, saying which failure it was, so a screen can ask for the PIN again (P11_PIN),
 * say the token is locked (P11_LOCKED) or ask for it to be connected (P11_ABSENT).
 */
struct keystore	*keystore_pkcs11_open_why(const char *module, const char *serial,
		    const char *app_id, const struct secret *pin, enum p11_failure *why,
		    char **cause);
void		 keystore_close(struct keystore *);
/*
 * The token's user PIN changed from old to new_pin (C_SetPIN), for a token still on its
 * factory PIN: logged in with old, read-write, and closed again. *why as for
 * keystore_pkcs11_open_why (P11_PIN: old is wrong; P11_CONTENT: the token refuses new_pin).
 */
int		 keystore_pkcs11_change_pin(const char *module, const char *serial,
		    const struct secret *old, const struct secret *new_pin,
		    enum p11_failure *why, char **cause);

/*
 * A PC folder judged before it is chosen (keystore-dir.c). keystore_dir_probe: 0 when
 * the keys can be written there, else -1 and the reason, translated (the kernel's own
 * folders such as /proc, not a folder, another user's, writable by others, read-only, no
 * permission, full...); a folder still to be made is judged by the one it would be made
 * in. One empty file is made there and removed. keystore_dir_keys: whose keys the folder
 * already holds, by the names keystore_file_open and install give them: the application
 * ids of pending keys, and the containers' file names (a folder that does not exist holds
 * none); free with keystore_dir_keys_free.
 */
struct keystore_dir_keys {
	char	**pending;		/* application ids of ncaenroll-<id>-AUTH.key */
	size_t	  npending;
	char	**containers;		/* AUTH_RSA256_*.p12 and RSA256_*.p12 */
	size_t	  ncontainers;
};
int		 keystore_dir_probe(const char *dir, char **cause);
int		 keystore_dir_keys(const char *dir, struct keystore_dir_keys *, char **cause);
void		 keystore_dir_keys_free(struct keystore_dir_keys *);
void		 keystore_installed_free(struct keystore_installed *);

/*
 * For the backends (keystore.c), so a file and a token judge a certificate alike.
 * keystore_key_name: "AUTH" or "SIGN". keystore_cert_check: the one verification install
 * makes of a certificate (PEM) before anything is written: it chains to chain_pem (the
 * self-signed certificates there are the anchors, the rest intermediates; without a
 * self-signed one, the given CAs are trusted as they are), its key usage is exactly the
 * one of `which` (AUTH: digitalSignature + keyEncipherment; SIGN: digitalSignature +
 * nonRepudiation) and its public key is spki (DER SubjectPublicKeyInfo). On success ski
 * gets the lower-case hex of SHA-1 over the certificate's whole DER SubjectPublicKeyInfo.
 * spki may be NULL to skip the key comparison (an install being finished, key gone).
 */
const char	*keystore_key_name(enum keystore_key);
/*
 * A certificate request's parts both backends make alike: keystore_req_new, unsigned,
 * version 1, subject CN = app_id (the service ignores it), the public key of pub;
 * keystore_req_pem, the signed request as a PEM string (malloc'd). NULL or -1 on failure
 * (OpenSSL's error queue says why).
 */
struct X509_req_st	*keystore_req_new(const char *app_id, EVP_PKEY *pub);
int			 keystore_req_pem(struct X509_req_st *, char **pem);
int		 keystore_cert_check(enum keystore_key which, const char *cert_pem,
		    const char *chain_pem, const unsigned char *spki, size_t spkilen,
		    char ski[41], char **cause);
/*
 * The same judgement, with the public key read from a request (PEM) the keystore made for
 * that key: for the core, to refuse certificates before it records them.
 */
int		 keystore_cert_check_csr(enum keystore_key which, const char *cert_pem,
		    const char *chain_pem, const char *csr_pem, char **cause);

#endif

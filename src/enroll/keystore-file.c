/*
 * keystore-file — the keystore in a PC folder. Pending keys are PEM PKCS#8
 * EncryptedPrivateKeyInfo (PBES2, AES-256-CBC) files DIR/ncaenroll-<app>-AUTH.key and
 * -SIGN.key, mode 0600, in a 0700 folder, under the application's wrapping key kept
 * outside the folder (keystore-wrap.c; doc/keys-at-rest.md), until install turns each
 * into a password-protected PKCS#12 named as NCA names them (nca-facts.md §3) and removes
 * them and the wrapping key. Plain PKCS#8 keys (made before the wrapping key) are still
 * read. Every file is written with atomicfile_write; key material passes only through
 * buffers wiped before they are freed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"
#include "common/password.h"
#include "common/problem.h"
#include "common/secret.h"
#include "enroll/keystore.h"
#include "enroll/keystore-wrap.h"

#define KEYSTORE_FILE_BITS	2048
#define KEYSTORE_FILE_APPID_MAX	64
#define KEYSTORE_FILE_READ_MAX	(64 * 1024)	/* a PEM RSA-2048 key or a .p12 is < 4 KiB */

struct keystore_file {
	char	*dir;
	char	*keypath[KEYSTORE_KEY__MAX];
	char	*app_id;
	char	*wrapdir;	/* NULL: keystore_wrap_dir_default, when first needed */
	char	*wrappath;	/* WRAPDIR/<app_id>.key, once known */
};

/* The container's name before the hex (nca-facts.md §3). */
static const char *const keystore_file_prefix[] = {
	[KEYSTORE_AUTH] = "AUTH_RSA256_",
	[KEYSTORE_SIGN] = "RSA256_",
};
_Static_assert(sizeof keystore_file_prefix / sizeof keystore_file_prefix[0] ==
    KEYSTORE_KEY__MAX, "one container prefix per key");

static const struct keystore_file_layout {
	int		  nid_key, nid_cert, iter;
	const EVP_MD	*(*mac_md)(void);
	int		  legacy;	/* needs OpenSSL's legacy provider (RC2) */
	int		  salt_len;	/* of the MAC and both bags; 0: OpenSSL's default */
} keystore_file_layouts[] = {
	/* PBES2: AES-256-CBC with PBKDF2, whose PRF OpenSSL 3 makes HMAC-SHA256. */
	[KEYSTORE_P12_MODERN] = { NID_aes_256_cbc, NID_aes_256_cbc, 10000, EVP_sha256, 0, 0 },
	/* NCA's own files: 20-byte salts, as the reference nca-test-k2-user.p12. */
	[KEYSTORE_P12_LEGACY] = { NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
	    NID_pbe_WithSHA1And40BitRC2_CBC, 1024, EVP_sha1, 1, 20 },
};

static const char *
keystore_file_ssl_reason(void)
{
	unsigned long	e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r != NULL ? r : _("unknown reason");
}

/*
 * A PEM callback that hands over the wrapping key (u: a struct secret, or NULL: never
 * asks, for keys that must not be encrypted).
 */
static int
keystore_file_pass(char *buf, int size, int rwflag, void *u)
{
	const struct secret	*wk = u;

	(void)rwflag;
	if (wk == NULL || size < 0 || secret_len(wk) > (size_t)size)
		return -1;
	memcpy(buf, secret_reveal(wk), secret_len(wk));
	return (int)secret_len(wk);
}

/* The app id becomes part of a file name: keep it to a safe, recognisable alphabet. */
static int
keystore_file_app_id_ok(const char *id)
{
	size_t	n = strlen(id);

	if (n == 0 || n > KEYSTORE_FILE_APPID_MAX || id[0] == '.' || id[0] == '-')
		return 0;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Creates each missing component of dir with mode 0700, as mkdir -p would. */
static int
keystore_file_mkdirs(const char *dir, char **cause)
{
	char	*p, *s;
	int	 last, rc = -1;

	if ((s = strdup(dir)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	for (p = s + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(s, 0700) == -1 && errno != EEXIST) {
			cause_set(cause, _("cannot create the folder %s: %s"), s, OSERROR(errno));
			goto out;
		}
		if (last)
			break;
		*p = '/';
	}
	rc = 0;
out:
	free(s);
	return rc;
}

static int
keystore_file_dir_ok(const char *dir, int created, char **cause)
{
	struct stat	st;

	if (created && chmod(dir, 0700) == -1) {
		cause_set(cause, _("cannot set permissions of %s: %s"), dir, OSERROR(errno));
		return -1;
	}
	if (stat(dir, &st) == -1) {
		cause_set(cause, _("cannot use the folder %s: %s"), dir, OSERROR(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		cause_set(cause, _("%s is not a folder"), dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		cause_set(cause, _("the folder %s belongs to another user"), dir);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		cause_set(cause, _("the folder %s may be written by other users; keys cannot be "
		    "kept there (chmod 700 %s)"), dir, dir);
		return -1;
	}
	return 0;
}

static void
keystore_file_close(struct keystore *ks)
{
	struct keystore_file	*kf = ks->impl;
	int			 k;

	if (kf == NULL)
		return;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		free(kf->keypath[k]);
	free(kf->dir);
	free(kf->app_id);
	free(kf->wrapdir);
	free(kf->wrappath);
	free(kf);
	ks->impl = NULL;
}

/* 1 if path exists, 0 if not, -1 (with a cause) if that cannot be told. */
static int
keystore_file_exists(const char *path, char **cause)
{
	struct stat	st;

	if (lstat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	cause_set(cause, _("cannot look at %s: %s"), path, OSERROR(errno));
	return -1;
}

/* The whole of a small regular file (no symlink); the caller wipes and frees *buf. */
static int
keystore_file_slurp(const char *path, unsigned char **buf, size_t *len, char **cause)
{
	struct stat	 st;
	unsigned char	*b = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1) {
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > KEYSTORE_FILE_READ_MAX) {
		cause_set(cause, _("%s is not a key or container file"), path);
		goto out;
	}
	if ((st.st_mode & 077) != 0)
		log_warning(_("%s may be read by other users (chmod 600 %s)"), path, path);
	if ((b = malloc((size_t)st.st_size)) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, b + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			cause_set(cause, _("cannot read %s: %s"), path,
			    n == 0 ? _("the file is shorter than it was") : OSERROR(errno));
			goto out;
		}
		got += (size_t)n;
	}
	*buf = b;
	*len = got;
	b = NULL;
	rc = 0;
out:
	OPENSSL_clear_free(b, got);
	if (fd != -1)
		(void)close(fd);
	return rc;
}

/* Where the application's wrapping key is (kept in kf), or NULL with a cause. */
static const char *
keystore_file_wrappath(struct keystore_file *kf, char **cause)
{
	char	*dir = NULL;

	if (kf->wrappath != NULL)
		return kf->wrappath;
	if (kf->wrapdir == NULL && keystore_wrap_dir_default(&dir, cause) == -1)
		return NULL;
	if (asprintf(&kf->wrappath, "%s/%s.key", kf->wrapdir != NULL ? kf->wrapdir : dir,
	    kf->app_id) == -1) {
		kf->wrappath = NULL;
		cause_set(cause, _("out of memory"));
	}
	free(dir);
	return kf->wrappath;
}

/*
 * The wrapping key that opens an encrypted pending key, said plainly when it is not on
 * this computer: the folder was copied (or restored) without it, and nothing opens the
 * keys any more.
 */
static struct secret *
keystore_file_wrapkey(struct keystore_file *kf, enum keystore_key k, char **cause)
{
	struct secret	*wk = NULL;
	const char	*path;

	if ((path = keystore_file_wrappath(kf, cause)) == NULL ||
	    keystore_wrap_read(path, &wk, cause) == -1)
		return NULL;
	if (wk == NULL)
		cause_set(cause, _("the %s key %s is encrypted with a key that is kept outside "
		    "the folder, in %s, and that key is not on this computer: the pending keys "
		    "cannot be used without it (a copy of the key folder alone is not enough); "
		    "abandon this application and apply again"), keystore_key_name(k),
		    kf->keypath[k], path);
	return wk;
}

static EVP_PKEY *
keystore_file_load_key(struct keystore_file *kf, enum keystore_key k, char **cause)
{
	static const char	 encrypted[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----";
	unsigned char		*buf = NULL;
	size_t			 len = 0;
	BIO			*b = NULL;
	EVP_PKEY		*key = NULL;
	struct secret		*wk = NULL;

	if (keystore_file_slurp(kf->keypath[k], &buf, &len, cause) == -1)
		goto out;
	/* A plain key was made by an older version: still read, never asked a password. */
	if (len >= sizeof encrypted - 1 && memcmp(buf, encrypted, sizeof encrypted - 1) == 0 &&
	    (wk = keystore_file_wrapkey(kf, k, cause)) == NULL)
		goto out;
	if (len > INT32_MAX || (b = BIO_new_mem_buf(buf, (int)len)) == NULL ||
	    (key = PEM_read_bio_PrivateKey(b, NULL, keystore_file_pass, wk)) == NULL) {
		ERR_clear_error();
		if (wk != NULL)
			cause_set(cause, _("the key in %s does not open %s: the pending keys "
			    "cannot be used; abandon this application and apply again"),
			    kf->wrappath, kf->keypath[k]);
		else
			cause_set(cause, _("%s is not a readable private key"), kf->keypath[k]);
	} else if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) != KEYSTORE_FILE_BITS) {
		cause_set(cause, _("%s is not an RSA-%d key"), kf->keypath[k], KEYSTORE_FILE_BITS);
		EVP_PKEY_free(key);
		key = NULL;
	}
out:
	secret_free(wk);
	BIO_free(b);
	OPENSSL_clear_free(buf, len);
	return key;
}

/*
 * PKCS#8 encrypted under the wrapping key: PBES2 with AES-256-CBC (PBKDF2, whose PRF
 * OpenSSL 3 makes HMAC-SHA256), so that `openssl pkey -passin file:WRAPKEY` opens it.
 */
static int
keystore_file_write_key(const char *path, EVP_PKEY *key, const struct secret *wk,
    char **cause)
{
	BIO	*b = NULL;
	char	*data = NULL;
	long	 len = 0;
	int	 rc = -1;

	/* A secure-memory BIO: its buffer is cleared whenever it grows and when freed. */
	if ((b = BIO_new(BIO_s_secmem())) == NULL || secret_len(wk) > INT32_MAX ||
	    PEM_write_bio_PKCS8PrivateKey(b, key, EVP_aes_256_cbc(), secret_reveal(wk),
	    (int)secret_len(wk), NULL, NULL) != 1 ||
	    (len = BIO_get_mem_data(b, &data)) <= 0)
		cause_set(cause, _("cannot encode the key for %s: %s"), path,
		    keystore_file_ssl_reason());
	else if (atomicfile_write(path, data, (size_t)len, 0600, cause) == 0)
		rc = 0;
	if (data != NULL && len > 0)
		OPENSSL_cleanse(data, (size_t)len);
	BIO_free(b);
	return rc;
}

/*
 * Key pairs made by several threads at once, the first ones finished taken: an RSA key
 * takes a random time (its primes are searched for), so two threads each making one key
 * would wait for the slower of the two; threads that go on making keys until enough are
 * done wait only for the second key finished by any of them. Every key is OpenSSL's own;
 * one made too many is freed (and so wiped) in memory, never written.
 */
#define KEYSTORE_FILE_RACERS	2

struct keystore_file_race {
	pthread_mutex_t	  lock;
	EVP_PKEY	**out;
	int		  want, got;
};

/* OpenSSL's progress callback: 0 stops a key search once enough keys are made. */
static int
keystore_file_race_going(EVP_PKEY_CTX *ctx)
{
	struct keystore_file_race	*r = EVP_PKEY_CTX_get_app_data(ctx);
	int				 going;

	(void)pthread_mutex_lock(&r->lock);
	going = r->got < r->want;
	(void)pthread_mutex_unlock(&r->lock);
	return going;
}

/* Takes a finished key while one is wanted, else frees it; 1 while more are wanted. */
static int
keystore_file_race_keep(struct keystore_file_race *r, EVP_PKEY *key)
{
	int	going;

	(void)pthread_mutex_lock(&r->lock);
	if (r->got < r->want) {
		r->out[r->got++] = key;
		key = NULL;
	}
	going = r->got < r->want;
	(void)pthread_mutex_unlock(&r->lock);
	EVP_PKEY_free(key);
	return going;
}

static void *
keystore_file_race_run(void *arg)
{
	struct keystore_file_race	*r = arg;
	EVP_PKEY_CTX			*ctx;
	EVP_PKEY			*key = NULL;

	/*
	 * One context makes each of this thread's keys. Stopped by the callback, or failed:
	 * either way this thread is done.
	 */
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) != NULL &&
	    EVP_PKEY_keygen_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, KEYSTORE_FILE_BITS) > 0) {
		EVP_PKEY_CTX_set_app_data(ctx, r);
		EVP_PKEY_CTX_set_cb(ctx, keystore_file_race_going);
		while (EVP_PKEY_keygen(ctx, &key) > 0 && keystore_file_race_keep(r, key))
			key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	/* A key that failed for another reason is made again by the caller, who says why. */
	ERR_clear_error();
	OPENSSL_thread_stop();
	return NULL;
}

/*
 * The keys not there (!ex[k]), made in memory (the caller writes them); a NULL left is
 * made again.
 */
static void
keystore_file_keygen_all(const int ex[KEYSTORE_KEY__MAX], EVP_PKEY *made[KEYSTORE_KEY__MAX])
{
	EVP_PKEY			*keys[KEYSTORE_KEY__MAX] = { NULL };
	struct keystore_file_race	 r = { PTHREAD_MUTEX_INITIALIZER, keys, 0, 0 };
	pthread_t			 th[KEYSTORE_FILE_RACERS];
	int				 k, i, n = 0;

	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		r.want += !ex[k];
	if (r.want == 0)
		return;
	for (i = 0; i < KEYSTORE_FILE_RACERS; i++)
		if (pthread_create(&th[n], NULL, keystore_file_race_run, &r) == 0)
			n++;
	for (i = 0; i < n; i++)
		(void)pthread_join(th[i], NULL);
	(void)pthread_mutex_destroy(&r.lock);
	for (k = 0, i = 0; k < KEYSTORE_KEY__MAX; k++)
		if (!ex[k] && i < r.got)
			made[k] = keys[i++];
}

/*
 * Keeps a pending key that is already there (checking it is one of ours) and makes only a
 * missing one, so a resumed apply never makes a third key. Both missing ones are made at
 * once, then written one by one as before: the wrapping key first, each key 0600 through
 * atomicfile, so a crash leaves either no key or a whole one that a resumed apply keeps.
 */
static int
keystore_file_generate(struct keystore *ks, int *created, char **cause)
{
	struct keystore_file	*kf = ks->impl;
	EVP_PKEY		*key = NULL, *made[KEYSTORE_KEY__MAX] = { NULL };
	struct secret		*wk = NULL;
	const char		*wrap;
	int			 k, ex[KEYSTORE_KEY__MAX], rc = -1;

	*created = 0;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if ((ex[k] = keystore_file_exists(kf->keypath[k], cause)) == -1)
			goto out;
	keystore_file_keygen_all(ex, made);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		key = made[k];		/* NULL for a key that is there */
		made[k] = NULL;
		if (ex[k])
			key = keystore_file_load_key(kf, k, cause);
		/* The wrapping key is written before the key it protects. */
		else if (wk == NULL && ((wrap = keystore_file_wrappath(kf, cause)) == NULL ||
		    keystore_wrap_make(wrap, &wk, cause) == -1))
			goto out;
		else if (key == NULL && (key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)KEYSTORE_FILE_BITS)) == NULL)
			cause_set(cause, _("cannot make the %s key: %s"), keystore_key_name(k),
			    keystore_file_ssl_reason());
		else if (keystore_file_write_key(kf->keypath[k], key, wk, cause) == -1) {
			EVP_PKEY_free(key);
			key = NULL;
		} else {
			log_info(_("made the %s key %s"), keystore_key_name(k), kf->keypath[k]);
			*created = 1;
		}
		if (key == NULL)
			goto out;
		EVP_PKEY_free(key);
		key = NULL;
	}
	rc = 0;
out:
	EVP_PKEY_free(key);
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		EVP_PKEY_free(made[k]);
	secret_free(wk);
	return rc;
}

static int
keystore_file_has_keys(struct keystore *ks, int *yes, char **cause)
{
	struct keystore_file	*kf = ks->impl;
	int			 k, ex;

	*yes = 1;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if ((ex = keystore_file_exists(kf->keypath[k], cause)) == -1)
			return -1;
		*yes &= ex;
	}
	return 0;
}

static int
keystore_file_csr(struct keystore *ks, enum keystore_key k, char **pem, char **cause)
{
	struct keystore_file	*kf = ks->impl;
	EVP_PKEY		*key = NULL;
	X509_REQ		*req = NULL;
	int			 rc = -1;

	*pem = NULL;
	if ((unsigned)k >= KEYSTORE_KEY__MAX) {
		cause_set(cause, _("no such key"));
		goto out;
	}
	if ((key = keystore_file_load_key(kf, k, cause)) == NULL)
		goto out;
	if ((req = keystore_req_new(kf->app_id, key)) == NULL ||
	    X509_REQ_sign(req, key, EVP_sha256()) <= 0 || keystore_req_pem(req, pem) == -1)
		cause_set(cause, _("cannot make the %s certificate request: %s"),
		    keystore_key_name(k), keystore_file_ssl_reason());
	else
		rc = 0;
out:
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return rc;
}

static int	keystore_file_sign_key(EVP_PKEY *, enum keystore_key, const void *, size_t,
		    unsigned char **, size_t *, char **);

static int
keystore_file_sign(struct keystore *ks, enum keystore_key k, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, char **cause)
{
	struct keystore_file	*kf = ks->impl;
	EVP_PKEY		*key = NULL;
	int			 rc = -1;

	*sig = NULL;
	*siglen = 0;
	if ((unsigned)k >= KEYSTORE_KEY__MAX) {
		cause_set(cause, _("no such key"));
		goto out;
	}
	if ((key = keystore_file_load_key(kf, k, cause)) == NULL)
		goto out;
	rc = keystore_file_sign_key(key, k, msg, len, sig, siglen, cause);
out:
	EVP_PKEY_free(key);
	return rc;
}

/* RSA PKCS#1 v1.5 (RSA's default padding) over SHA-256 of msg with key. */
static int
keystore_file_sign_key(EVP_PKEY *key, enum keystore_key k, const void *msg, size_t len,
    unsigned char **sig, size_t *siglen, char **cause)
{
	EVP_MD_CTX	*md = NULL;
	int		 rc = -1;

	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, NULL, siglen, msg, len) != 1 ||
	    (*sig = malloc(*siglen)) == NULL ||
	    EVP_DigestSign(md, *sig, siglen, msg, len) != 1) {
		cause_set(cause, _("cannot sign with the %s key: %s"), keystore_key_name(k),
		    keystore_file_ssl_reason());
		free(*sig);
		*sig = NULL;
		*siglen = 0;
	} else
		rc = 0;
	EVP_MD_CTX_free(md);
	return rc;
}

/* The policy of password.h, refused as a whole with every broken rule named. */
static int
keystore_file_password_ok(const struct secret *password, char **cause)
{
	struct problems	 p;
	const char	*pw;
	char		*list = NULL, *more;
	size_t		 i;
	int		 rc = -1;

	problems_init(&p);
	if (password == NULL) {
		cause_set(cause, _("no password was given for the key containers"));
		goto out;
	}
	pw = secret_reveal(password);
	if (strlen(pw) != secret_len(password))
		problems_add(&p, "password.char", _("contains a NUL byte"));
	if (password_check(pw, &p) == 0 && p.n == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < p.n; i++) {
		if (asprintf(&more, "%s%s%s", list != NULL ? list : "", list != NULL ? "; " : "",
		    p.v[i].message != NULL ? p.v[i].message : p.v[i].code) == -1)
			more = NULL;
		free(list);
		if ((list = more) == NULL)
			break;
	}
	cause_set(cause, _("the password does not meet the rules for key containers: %s"),
	    list != NULL ? list : _("out of memory"));
	free(list);
out:
	problems_free(&p);
	return rc;
}

/*
 * The shrouded key bag with the layout's salt length (PKCS12_add_key_ex has no say in
 * it): OpenSSL makes a random salt of salt_len bytes (0: its default).
 */
static PKCS12_SAFEBAG *
keystore_file_p12_keybag(STACK_OF(PKCS12_SAFEBAG) **bags, EVP_PKEY *key,
    const struct keystore_file_layout *l, const char *pw, OSSL_LIB_CTX *libctx)
{
	PKCS8_PRIV_KEY_INFO	*p8;
	PKCS12_SAFEBAG		*bag = NULL;

	if ((p8 = EVP_PKEY2PKCS8(key)) == NULL)
		return NULL;
	if ((*bags == NULL && (*bags = sk_PKCS12_SAFEBAG_new_null()) == NULL) ||
	    (bag = PKCS12_SAFEBAG_create_pkcs8_encrypt_ex(l->nid_key, pw, -1, NULL,
	    l->salt_len, l->iter, p8, libctx, NULL)) == NULL ||
	    sk_PKCS12_SAFEBAG_push(*bags, bag) <= 0) {
		PKCS12_SAFEBAG_free(bag);
		bag = NULL;
	}
	PKCS8_PRIV_KEY_INFO_free(p8);
	return bag;
}

/* The certificate's bags encrypted into a safe of their own, salted as the layout says. */
static int
keystore_file_p12_certsafe(STACK_OF(PKCS7) *safes, STACK_OF(PKCS12_SAFEBAG) *bags,
    const struct keystore_file_layout *l, const char *pw, OSSL_LIB_CTX *libctx)
{
	PKCS7	*p7;

	if ((p7 = PKCS12_pack_p7encdata_ex(l->nid_cert, pw, -1, NULL, l->salt_len, l->iter,
	    bags, libctx, NULL)) == NULL)
		return -1;
	if (sk_PKCS7_push(safes, p7) <= 0) {
		PKCS7_free(p7);
		return -1;
	}
	return 0;
}

static int
keystore_file_p12_bags(STACK_OF(PKCS7) **safes, EVP_PKEY *key, X509 *cert,
    const char *ski, const struct keystore_file_layout *l, const char *pw,
    OSSL_LIB_CTX *libctx)
{
	STACK_OF(PKCS12_SAFEBAG)	*bags = NULL;
	PKCS12_SAFEBAG			*bag;
	unsigned char			 id[20];
	long				 idlen;
	unsigned char			*idbuf = NULL;
	int				 rc = -1;

	if ((idbuf = OPENSSL_hexstr2buf(ski, &idlen)) == NULL || idlen != (long)sizeof id)
		goto out;
	memcpy(id, idbuf, sizeof id);
	/* As NCA orders them: the shrouded key in plain data, then the encrypted cert. */
	if ((bag = keystore_file_p12_keybag(&bags, key, l, pw, libctx)) == NULL ||
	    PKCS12_add_friendlyname_asc(bag, ski, -1) != 1 ||
	    PKCS12_add_localkeyid(bag, id, (int)sizeof id) != 1 ||
	    PKCS12_add_safe_ex(safes, bags, -1, 0, NULL, libctx, NULL) != 1)
		goto out;
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	bags = NULL;
	if ((bag = PKCS12_add_cert(&bags, cert)) == NULL ||
	    PKCS12_add_friendlyname_asc(bag, ski, -1) != 1 ||
	    PKCS12_add_localkeyid(bag, id, (int)sizeof id) != 1 ||
	    keystore_file_p12_certsafe(*safes, bags, l, pw, libctx) == -1)
		goto out;
	rc = 0;
out:
	sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	OPENSSL_free(idbuf);
	return rc;
}

/*
 * One key and its certificate, no chain, friendlyName and localKeyID = the SKI (as NCA's
 * files carry them). The legacy layout gets a library context of its own with the legacy
 * provider, so the process's default context is left as it was.
 */
static int
keystore_file_p12(EVP_PKEY *key, const char *cert_pem, const char *ski,
    const struct secret *password, enum keystore_p12_layout layout, unsigned char **der,
    int *derlen, char **cause)
{
	const struct keystore_file_layout	*l = &keystore_file_layouts[layout];
	const char				*pw = secret_reveal(password);
	OSSL_LIB_CTX				*libctx = NULL;
	OSSL_PROVIDER				*prov[2] = { NULL, NULL };
	STACK_OF(PKCS7)				*safes = NULL;
	PKCS12					*p12 = NULL;
	X509					*cert = NULL;
	BIO					*b = NULL;
	int					 rc = -1;

	*der = NULL;
	if (l->legacy && ((libctx = OSSL_LIB_CTX_new()) == NULL ||
	    (prov[0] = OSSL_PROVIDER_load(libctx, "default")) == NULL ||
	    (prov[1] = OSSL_PROVIDER_load(libctx, "legacy")) == NULL)) {
		cause_set(cause, _("the legacy container layout needs OpenSSL's legacy "
		    "provider: %s"), keystore_file_ssl_reason());
		goto out;
	}
	if ((b = BIO_new_mem_buf(cert_pem, -1)) == NULL ||
	    (cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL ||
	    keystore_file_p12_bags(&safes, key, cert, ski, l, pw, libctx) == -1 ||
	    (p12 = PKCS12_add_safes_ex(safes, 0, libctx, NULL)) == NULL ||
	    PKCS12_set_mac(p12, pw, -1, NULL, l->salt_len, l->iter, l->mac_md()) != 1 ||
	    (*derlen = i2d_PKCS12(p12, der)) <= 0) {
		cause_set(cause, _("cannot make the key container: %s"),
		    keystore_file_ssl_reason());
		OPENSSL_free(*der);
		*der = NULL;
		goto out;
	}
	rc = 0;
out:
	PKCS12_free(p12);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	X509_free(cert);
	BIO_free(b);
	OSSL_PROVIDER_unload(prov[1]);
	OSSL_PROVIDER_unload(prov[0]);
	OSSL_LIB_CTX_free(libctx);
	return rc;
}

/*
 * The pending key is gone: an install completed here before. The container must be there
 * and open (its MAC checks) with this password; then there is nothing left to do.
 */
static int
keystore_file_installed_before(struct keystore_file *kf, enum keystore_key k,
    const char *path, const struct secret *password, char **cause)
{
	unsigned char		*buf = NULL;
	const unsigned char	*p;
	size_t			 len = 0;
	PKCS12			*p12 = NULL;
	int			 ex, rc = -1;

	if ((ex = keystore_file_exists(path, cause)) == -1)
		goto out;
	if (!ex) {
		cause_set(cause, _("the %s key (%s) is not in %s and neither is its container; "
		    "this certificate cannot be installed here"), keystore_key_name(k),
		    kf->keypath[k], kf->dir);
		goto out;
	}
	if (keystore_file_slurp(path, &buf, &len, cause) == -1)
		goto out;
	p = buf;
	if (len > INT32_MAX || (p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL)
		cause_set(cause, _("%s is not a key container"), path);
	else if (PKCS12_verify_mac(p12, secret_reveal(password), -1) != 1)
		cause_set(cause, _("%s was installed before with another password; use that "
		    "password"), path);
	else
		rc = 0;
	ERR_clear_error();
out:
	PKCS12_free(p12);
	OPENSSL_clear_free(buf, len);
	return rc;
}

/* Everything install needs, judged before a byte is written. */
struct keystore_file_plan {
	EVP_PKEY	*key[KEYSTORE_KEY__MAX];	/* NULL: installed before */
	unsigned char	*der[KEYSTORE_KEY__MAX];	/* the container to write */
	int		 derlen[KEYSTORE_KEY__MAX];
	int		 written[KEYSTORE_KEY__MAX];
};

static int
keystore_file_plan_one(struct keystore_file *kf, enum keystore_key k,
    struct keystore_file_plan *pl, const char *cert_pem, const char *chain_pem,
    const struct secret *password, enum keystore_p12_layout layout,
    struct keystore_installed *out, char **cause)
{
	unsigned char	*spki = NULL;
	int		 ex, spkilen = 0, rc = -1;

	if ((ex = keystore_file_exists(kf->keypath[k], cause)) == -1)
		goto out;
	if (ex && (pl->key[k] = keystore_file_load_key(kf, k, cause)) == NULL)
		goto out;
	if (pl->key[k] != NULL && (spkilen = i2d_PUBKEY(pl->key[k], &spki)) <= 0) {
		cause_set(cause, _("cannot read the %s public key: %s"), keystore_key_name(k),
		    keystore_file_ssl_reason());
		goto out;
	}
	if (keystore_cert_check(k, cert_pem, chain_pem, spki, (size_t)spkilen, out->ski[k],
	    cause) == -1)
		goto out;
	if (asprintf(&out->path[k], "%s/%s%s.p12", kf->dir, keystore_file_prefix[k],
	    out->ski[k]) == -1) {
		out->path[k] = NULL;
		cause_set(cause, _("out of memory"));
		goto out;
	}
	if (pl->key[k] == NULL)
		rc = keystore_file_installed_before(kf, k, out->path[k], password, cause);
	else
		rc = keystore_file_p12(pl->key[k], cert_pem, out->ski[k], password, layout,
		    &pl->der[k], &pl->derlen[k], cause);
out:
	OPENSSL_free(spki);
	return rc;
}

/*
 * The wrapping key goes after the keys it protects. Left behind it opens nothing, so a
 * failure is only warned about; without a place for it (no HOME) there was never one.
 */
static void
keystore_file_unwrap(struct keystore_file *kf)
{
	const char	*path;
	char		*cause = NULL;

	if ((path = keystore_file_wrappath(kf, NULL)) != NULL &&
	    keystore_wrap_remove(path, &cause) == -1)
		log_warning("%s", cause);
	free(cause);
}

/* Both containers durable, then the pending keys go, then their wrapping key. */
static int
keystore_file_commit(struct keystore_file *kf, struct keystore_file_plan *pl,
    const struct keystore_installed *out, char **cause)
{
	int	k;

	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (pl->der[k] == NULL)
			continue;
		if (atomicfile_write(out->path[k], pl->der[k], (size_t)pl->derlen[k], 0600,
		    cause) == -1)
			return -1;
		pl->written[k] = 1;
	}
	/* The containers stay if this fails: a repeated install will finish it. */
	pl->written[0] = pl->written[1] = 0;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (pl->key[k] != NULL && atomicfile_shred(kf->keypath[k], NULL, cause) == -1)
			return -1;
	}
	keystore_file_unwrap(kf);
	return 0;
}

/* Each pending key file overwritten, synced and unlinked; the folder synced by shred. */
static int
keystore_file_remove_keys(struct keystore *ks, int *removed, char **cause)
{
	struct keystore_file	*kf = ks->impl;
	int			 k, gone;

	*removed = 0;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (atomicfile_shred(kf->keypath[k], &gone, cause) == -1)
			return -1;
		if (gone)
			log_info(_("removed the %s key %s"), keystore_key_name(k), kf->keypath[k]);
		*removed += gone;
	}
	keystore_file_unwrap(kf);
	return 0;
}

static int
keystore_file_install(struct keystore *ks, const char *cert_pem[KEYSTORE_KEY__MAX],
    const char *chain_pem, const struct secret *password, enum keystore_p12_layout layout,
    struct keystore_installed *out, char **cause)
{
	struct keystore_file		*kf = ks->impl;
	struct keystore_file_plan	 pl;
	int				 k, rc = -1;

	memset(&pl, 0, sizeof pl);
	memset(out, 0, sizeof *out);
	if (layout != KEYSTORE_P12_MODERN && layout != KEYSTORE_P12_LEGACY) {
		cause_set(cause, _("unknown key container layout"));
		goto out;
	}
	if (keystore_file_password_ok(password, cause) == -1)
		goto out;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (keystore_file_plan_one(kf, k, &pl, cert_pem[k], chain_pem, password, layout,
		    out, cause) == -1)
			goto out;
	if (keystore_file_commit(kf, &pl, out, cause) == -1)
		goto out;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		log_info(_("installed the %s certificate in %s"), keystore_key_name(k),
		    out->path[k]);
	rc = 0;
out:
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (pl.written[k])
			(void)unlink(out->path[k]);	/* keys still pending: undo half */
		EVP_PKEY_free(pl.key[k]);
		OPENSSL_free(pl.der[k]);
	}
	if (rc == -1) {
		keystore_installed_free(out);
		memset(out->ski, 0, sizeof out->ski);
	}
	return rc;
}

static const struct keystore_ops keystore_file_ops = {
	.name = "file",
	.generate = keystore_file_generate,
	.has_keys = keystore_file_has_keys,
	.csr = keystore_file_csr,
	.sign = keystore_file_sign,
	.install = keystore_file_install,
	.remove_keys = keystore_file_remove_keys,
	.close = keystore_file_close,
};

static int
keystore_file_paths(struct keystore_file *kf, const char *dir, const char *app_id,
    const char *wrapdir)
{
	int	k;

	if ((kf->dir = strdup(dir)) == NULL || (kf->app_id = strdup(app_id)) == NULL ||
	    (wrapdir != NULL && (kf->wrapdir = strdup(wrapdir)) == NULL))
		return -1;
	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		if (asprintf(&kf->keypath[k], "%s/ncaenroll-%s-%s.key", dir, app_id,
		    keystore_key_name(k)) == -1) {
			kf->keypath[k] = NULL;
			return -1;
		}
	return 0;
}

struct keystore *
keystore_file_open(const char *dir, const char *app_id, char **cause)
{
	return keystore_file_open_at(dir, app_id, NULL, cause);
}

struct keystore *
keystore_file_open_at(const char *dir, const char *app_id, const char *wrapdir,
    char **cause)
{
	struct keystore		*ks = NULL;
	struct keystore_file	*kf = NULL;
	int			 ex, rc = -1;

	if (dir == NULL || *dir == '\0' || app_id == NULL || !keystore_file_app_id_ok(app_id)) {
		cause_set(cause, _("a folder and an application id of letters, digits, '.', "
		    "'_' or '-' are needed"));
		goto out;
	}
	if ((ks = calloc(1, sizeof *ks)) == NULL || (kf = calloc(1, sizeof *kf)) == NULL) {
		free(ks);
		ks = NULL;
		cause_set(cause, _("out of memory"));
		goto out;
	}
	ks->ops = &keystore_file_ops;
	ks->impl = kf;
	if (keystore_file_paths(kf, dir, app_id, wrapdir) == -1)
		cause_set(cause, _("out of memory"));
	else if ((ex = keystore_file_exists(dir, cause)) == -1)
		;	/* cause set */
	else if ((ex || keystore_file_mkdirs(dir, cause) == 0) &&
	    keystore_file_dir_ok(dir, !ex, cause) == 0)
		rc = 0;
out:
	if (rc == -1) {
		keystore_close(ks);
		ks = NULL;
	}
	return ks;
}

/* ---- a new password for installed containers ---- */

/* The layout a container was written in, told by the digest of its MAC. */
static enum keystore_p12_layout
keystore_file_layout_of(const PKCS12 *p12)
{
	const X509_ALGOR	*alg = NULL;
	const ASN1_OBJECT	*obj = NULL;

	PKCS12_get0_mac(NULL, &alg, NULL, NULL, p12);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	return obj != NULL && OBJ_obj2nid(obj) == NID_sha1 ? KEYSTORE_P12_LEGACY :
	    KEYSTORE_P12_MODERN;
}

/* The private key of the shrouded key bag in the plain-data safe (as NCA orders them). */
static EVP_PKEY *
keystore_file_p12_key(PKCS12 *p12, const struct secret *pw)
{
	STACK_OF(PKCS7)			*safes = PKCS12_unpack_authsafes(p12);
	STACK_OF(PKCS12_SAFEBAG)	*bags;
	PKCS8_PRIV_KEY_INFO		*p8;
	PKCS12_SAFEBAG			*bag;
	EVP_PKEY			*key = NULL;
	int				 i, j;

	for (i = 0; key == NULL && i < sk_PKCS7_num(safes); i++) {
		if (!PKCS7_type_is_data(sk_PKCS7_value(safes, i)) ||
		    (bags = PKCS12_unpack_p7data(sk_PKCS7_value(safes, i))) == NULL)
			continue;
		for (j = 0; key == NULL && j < sk_PKCS12_SAFEBAG_num(bags); j++) {
			bag = sk_PKCS12_SAFEBAG_value(bags, j);
			if (PKCS12_SAFEBAG_get_nid(bag) != NID_pkcs8ShroudedKeyBag ||
			    (p8 = PKCS12_decrypt_skey(bag, secret_reveal(pw),
			    (int)secret_len(pw))) == NULL)
				continue;
			key = EVP_PKCS82PKEY(p8);
			PKCS8_PRIV_KEY_INFO_free(p8);
		}
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
	}
	sk_PKCS7_pop_free(safes, PKCS7_free);
	ERR_clear_error();
	return key;
}

/*
 * Opens a container with pw: 1 and *key (and *layout), 0 when pw does not open it
 * (its MAC fails), -1 (cause) when it cannot be read or holds no key.
 */
static int
keystore_file_p12_open(const char *path, const struct secret *pw, EVP_PKEY **key,
    enum keystore_p12_layout *layout, char **cause)
{
	unsigned char		*buf = NULL;
	const unsigned char	*p;
	size_t			 len = 0;
	PKCS12			*p12 = NULL;
	int			 rc = -1;

	*key = NULL;
	if (keystore_file_slurp(path, &buf, &len, cause) == -1)
		return -1;
	p = buf;
	if (len > INT32_MAX || (p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL)
		cause_set(cause, _("%s is not a key container"), path);
	else if (PKCS12_verify_mac(p12, secret_reveal(pw), (int)secret_len(pw)) != 1)
		rc = 0;
	else if ((*key = keystore_file_p12_key(p12, pw)) == NULL)
		cause_set(cause, _("%s holds no private key this program can read"), path);
	else {
		*layout = keystore_file_layout_of(p12);
		rc = 1;
	}
	ERR_clear_error();
	PKCS12_free(p12);
	OPENSSL_clear_free(buf, len);
	return rc;
}

/* The container k rebuilt around its key with the new password, into *der. */
static int
keystore_file_rebuild(enum keystore_key k, EVP_PKEY *key, enum keystore_p12_layout layout,
    const char *cert_pem, const char *chain_pem, const struct secret *new_pw,
    unsigned char **der, int *derlen, char **cause)
{
	unsigned char	*spki = NULL;
	char		 ski[41];
	int		 spkilen, rc = -1;

	if ((spkilen = i2d_PUBKEY(key, &spki)) <= 0)
		cause_set(cause, _("cannot read the %s public key: %s"), keystore_key_name(k),
		    keystore_file_ssl_reason());
	else if (keystore_cert_check(k, cert_pem, chain_pem, spki, (size_t)spkilen, ski,
	    cause) == 0)
		rc = keystore_file_p12(key, cert_pem, ski, new_pw, layout, der, derlen, cause);
	OPENSSL_free(spki);
	return rc;
}

int
keystore_file_change_password(const char *const path[KEYSTORE_KEY__MAX],
    const char *const cert_pem[KEYSTORE_KEY__MAX], const char *chain_pem,
    const struct secret *old, const struct secret *new_pw, int *wrong, char **cause)
{
	EVP_PKEY			*key[KEYSTORE_KEY__MAX] = { NULL, NULL };
	enum keystore_p12_layout	 layout[KEYSTORE_KEY__MAX];
	unsigned char			*der[KEYSTORE_KEY__MAX] = { NULL, NULL };
	int				 derlen[KEYSTORE_KEY__MAX] = { 0, 0 };
	int				 k, r, rc = -1;

	*wrong = 0;
	if (keystore_file_password_ok(new_pw, cause) == -1)
		return -1;
	/* Both opened, and rebuilt in memory, before either is written. */
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if ((r = keystore_file_p12_open(path[k], old, &key[k], &layout[k], cause)) == -1)
			goto out;
		if (r == 0 && (r = keystore_file_p12_open(path[k], new_pw, &key[k], &layout[k],
		    cause)) == 1) {
			EVP_PKEY_free(key[k]);	/* changed already: kept as it is */
			key[k] = NULL;
			continue;
		}
		if (r == 0) {
			*wrong = 1;
			cause_set(cause, _("the old password does not open %s"), path[k]);
		}
		if (r != 1 || keystore_file_rebuild(k, key[k], layout[k], cert_pem[k], chain_pem,
		    new_pw, &der[k], &derlen[k], cause) == -1)
			goto out;
	}
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		if (der[k] != NULL && atomicfile_write(path[k], der[k], (size_t)derlen[k], 0600,
		    cause) == -1)
			goto out;
		if (der[k] != NULL)
			log_info(_("wrote %s with the new password"), path[k]);
	}
	rc = 0;
out:
	for (k = 0; k < KEYSTORE_KEY__MAX; k++) {
		EVP_PKEY_free(key[k]);
		OPENSSL_clear_free(der[k], (size_t)derlen[k]);
	}
	return rc;
}

int
keystore_file_container_sign(const char *path, enum keystore_key k,
    const struct secret *pw, const void *msg, size_t len, unsigned char **sig,
    size_t *siglen, int *wrong, char **cause)
{
	enum keystore_p12_layout	 layout;
	EVP_PKEY			*key = NULL;
	int				 r, rc = -1;

	*wrong = 0;
	*sig = NULL;
	*siglen = 0;
	if ((r = keystore_file_p12_open(path, pw, &key, &layout, cause)) == 0) {
		*wrong = 1;
		cause_set(cause, _("the password does not open %s"), path);
	} else if (r == 1)
		rc = keystore_file_sign_key(key, k, msg, len, sig, siglen, cause);
	EVP_PKEY_free(key);
	return rc;
}

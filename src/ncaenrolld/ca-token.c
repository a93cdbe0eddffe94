/*
 * ca-token — the issuing CA's key on a PKCS#11 token or HSM (ca.key: pkcs11:...), through
 * the same token code as the applicant's and the desk's (p11/p11.h). At start, in
 * order: the URI read, the PIN read from its file (0600, owned by the service's user),
 * one login (a wrong PIN is said and the service stops: no loop ever counts a token's
 * tries down), the one private key the URI names, its public key compared with the CA
 * certificate's, and one signature made and verified. Whatever fails stops the start with
 * a sentence that names the file, the token or the key; never the PIN.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <p11-kit/pkcs11.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/privfile.h"
#include "common/secret.h"
#include "p11/p11.h"
#include "ncaenrolld/ca-int.h"

/* What the probe signature at start signs: any bytes; these say whose they are. */
static const char ca_token_probe[] = "ncaenrolld: the issuing CA's key answers";

/* The PIN file: ours alone (privfile.h, and owned by this user), one line. */
static struct secret *
ca_token_pin(const char *path, char **cause)
{
	struct secret	*pin = NULL;
	struct stat	 sb;
	char		*why = NULL;
	int		 fd;

	if (path == NULL) {
		cause_set(cause, "%s", _("The CA key is on a token: give the file of its user "
		    "PIN in ca.key_pin_file"));
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		cause_set(cause, _("Cannot read the CA key's PIN file %s: %s"), path,
		    strerror(errno));
		return NULL;
	}
	if (privfile_check(fd, path, 0, &why) == -1)
		cause_set(cause, _("The CA key's PIN file: %s"), why);
	else if (fstat(fd, &sb) == -1 || sb.st_uid != geteuid())
		cause_set(cause, _("The CA key's PIN file %s must belong to the user the "
		    "service runs as (uid %lu): chown it"), path, (unsigned long)geteuid());
	else if ((pin = secret_read_line(fd, &why)) == NULL)
		cause_set(cause, _("The CA key's PIN file %s: %s"), path, why);
	else if (secret_len(pin) == 0) {
		cause_set(cause, _("The CA key's PIN file %s is empty"), path);
		secret_free(pin);
		pin = NULL;
	}
	free(why);
	(void)close(fd);
	return pin;
}

/* The one private key the URI names; several are refused (which would sign is a guess). */
static int
ca_token_find(struct p11 *t, const char *uri, const struct p11_uri *u, unsigned long *obj,
    char **cause)
{
	unsigned long	*objs = NULL;
	size_t		 n = 0;
	char		*why = NULL;

	if (p11_find(t, CKO_PRIVATE_KEY, u->object, u->id, u->idlen, &objs, &n, &why) == -1) {
		cause_set(cause, _("The CA key %s: %s"), uri, why);
		free(why);
		return -1;
	}
	if (n == 1)
		*obj = objs[0];
	else if (n == 0)
		cause_set(cause, _("The token %s has no private key that %s names (is the "
		    "object= label or the id= right? is the key private to the user PIN?)"),
		    p11_name(t), uri);
	else
		cause_set(cause, _("%zu private keys on the token %s fit %s: name the CA's by "
		    "its id= too"), n, p11_name(t), uri);
	free(objs);
	return n == 1 ? 0 : -1;
}

/* The token's key is the certificate's: its public key, then a signature that verifies. */
static int
ca_token_match(struct p11 *t, unsigned long obj, EVP_PKEY *key, X509 *cert,
    const struct ca_config *cfg, char **cause)
{
	EVP_PKEY	*pub;
	EVP_MD_CTX	*md = NULL;
	unsigned char	 sig[1024];
	size_t		 siglen = sizeof sig;
	int		 rc = -1;

	if ((pub = p11_public(t, obj, cause)) == NULL)
		return -1;
	if (EVP_PKEY_eq(pub, X509_get0_pubkey(cert)) != 1) {
		cause_set(cause, _("The key %s on the token %s does not belong to the "
		    "certificate %s"), cfg->key_file, p11_name(t), cfg->cert_file);
		goto out;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)ca_token_probe,
	    sizeof ca_token_probe - 1) != 1) {
		ca_x509_sign_cause(key, cause, _("The CA key on the token cannot sign"));
		goto out;
	}
	EVP_MD_CTX_free(md);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(cert)) != 1 ||
	    EVP_DigestVerify(md, sig, siglen, (const unsigned char *)ca_token_probe,
	    sizeof ca_token_probe - 1) != 1) {
		cause_set(cause, _("A signature of the key %s on the token %s does not verify "
		    "with the certificate %s"), cfg->key_file, p11_name(t), cfg->cert_file);
		goto out;
	}
	rc = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pub);
	return rc;
}

/* Opened and logged in with the PIN, which is wiped before this returns. */
static struct p11 *
ca_token_open(const struct ca_config *cfg, const struct p11_uri *u, char **cause)
{
	struct secret		*pin;
	struct p11		*t;
	enum p11_failure	 why;
	char			*said = NULL;

	if ((pin = ca_token_pin(cfg->key_pin_file, cause)) == NULL)
		return NULL;
	t = p11_open_token(cfg->pkcs11_module, u->serial, u->token, pin, 0, &why, &said);
	secret_free(pin);
	if (t != NULL)
		return t;
	if (why == P11_PIN)
		cause_set(cause, _("The CA key %s: %s (the PIN of %s); the service tried it "
		    "once and stops"), cfg->key_file, said, cfg->key_pin_file);
	else
		cause_set(cause, _("The CA key %s: %s"), cfg->key_file, said);
	free(said);
	return NULL;
}

EVP_PKEY *
ca_token_load(const struct ca_config *cfg, X509 *cert, struct p11 **token, char **cause)
{
	struct p11_uri	 u;
	struct p11	*t = NULL;
	EVP_PKEY	*key = NULL;
	unsigned long	 obj = 0;

	*token = NULL;
	if (p11_uri_parse(cfg->key_file, &u, cause) == -1)
		return NULL;
	if ((t = ca_token_open(cfg, &u, cause)) == NULL ||
	    ca_token_find(t, cfg->key_file, &u, &obj, cause) == -1 ||
	    (key = p11_key(t, obj, cause)) == NULL ||
	    ca_token_match(t, obj, key, cert, cfg, cause) == -1) {
		EVP_PKEY_free(key);
		p11_close(t);
		p11_uri_free(&u);
		return NULL;
	}
	log_info("the issuing CA's key is %s on the token %s", cfg->key_file, p11_name(t));
	p11_uri_free(&u);
	*token = t;
	return key;
}

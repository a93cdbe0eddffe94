/*
 * p11-identity — the desk operator's identity on a token, named by a PKCS#11 URI
 * (RFC 7512): the token by its serial number, then a certificate on it whose public key is
 * a private key's there, handed to OpenSSL as p11_key makes it.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "desk/p11-identity.h"
#include "p11/p11-int.h"

struct p11_identity_uri {
	char		*serial, *token, *object, *module;
	unsigned char	*id;
	size_t		 idlen;
	int		 pin_value;	/* the URI carries a PIN: refused */
};

static void
p11_identity_uri_free(struct p11_identity_uri *u)
{
	free(u->serial);
	free(u->token);
	free(u->object);
	free(u->module);
	free(u->id);
	memset(u, 0, sizeof *u);
}

/* One "name=value" of the path (sep ';') or the query (sep '&'). */
static int
p11_identity_attr(struct p11_identity_uri *u, const char *a, size_t len, int query)
{
	static const struct {
		const char	*name;
		int		 query;
		size_t		 offset;
	} attrs[] = {
		{ "serial", 0, offsetof(struct p11_identity_uri, serial) },
		{ "token", 0, offsetof(struct p11_identity_uri, token) },
		{ "object", 0, offsetof(struct p11_identity_uri, object) },
		{ "module-path", 1, offsetof(struct p11_identity_uri, module) },
	};
	const char	*eq = memchr(a, '=', len);
	unsigned char	*d;
	size_t		 nlen, i, vlen;
	char		**slot, *v;

	if (eq == NULL)
		return len == 0 ? 0 : -1;
	nlen = (size_t)(eq - a);
	if (p11_uri_decode(eq + 1, len - nlen - 1, &d, &vlen) == -1)
		return -1;
	v = (char *)d;
	if (!query && nlen == 2 && strncmp(a, "id", 2) == 0) {
		free(u->id);
		u->id = (unsigned char *)v;
		u->idlen = vlen;
		return 0;
	}
	if (query && ((nlen == 9 && strncmp(a, "pin-value", 9) == 0) ||
	    (nlen == 10 && strncmp(a, "pin-source", 10) == 0)))
		u->pin_value = 1;
	for (i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (attrs[i].query == query && strlen(attrs[i].name) == nlen &&
		    strncmp(attrs[i].name, a, nlen) == 0) {
			slot = (char **)((char *)u + attrs[i].offset);
			free(*slot);
			*slot = v;
			return 0;
		}
	free(v);	/* RFC 7512: attributes one does not know are ignored */
	return 0;
}

static int
p11_identity_parse(const char *s, struct p11_identity_uri *u)
{
	const char	*p, *end, *q;
	int		 query = 0;

	memset(u, 0, sizeof *u);
	if (!p11_uri_is(s))
		return -1;
	q = strchr(s, '?');
	for (p = s + 7; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		if (q != NULL && p > q)
			query = 1;
		end = p + strcspn(p, query ? "&" : ";?");
		if (p11_identity_attr(u, p, (size_t)(end - p), query) == -1) {
			p11_identity_uri_free(u);
			return -1;
		}
		if (*end == '?')
			query = 1;
	}
	return 0;
}

/* --- the operator's identity -------------------------------------------------------- */

static X509 *
p11_identity_cert(struct p11 *t, CK_OBJECT_HANDLE obj)
{
	unsigned char		*der = NULL;
	const unsigned char	*p;
	size_t			 len = 0;
	X509			*x = NULL;

	if (p11_attr(t, obj, CKA_VALUE, &der, &len, NULL) == 0 && der != NULL &&
	    len <= INT32_MAX) {
		p = der;
		x = d2i_X509(NULL, &p, (long)len);
	}
	ERR_clear_error();
	free(der);
	return x;
}

/* The private key whose public half is the certificate's, or CK_INVALID_HANDLE. */
static CK_OBJECT_HANDLE
p11_identity_key_for(struct p11 *t, X509 *x, const unsigned long *keys, size_t nkeys)
{
	EVP_PKEY	*pub;
	size_t		 i;
	int		 same;

	for (i = 0; i < nkeys; i++) {
		if ((pub = p11_public(t, keys[i], NULL)) == NULL)
			continue;
		same = EVP_PKEY_eq(pub, X509_get0_pubkey(x)) == 1;
		EVP_PKEY_free(pub);
		if (same)
			return keys[i];
	}
	ERR_clear_error();
	return CK_INVALID_HANDLE;
}

/* 1 when a is a better choice than b: valid now, then issued later. */
static int
p11_identity_better(X509 *a, X509 *b)
{
	time_t	now = time(NULL);
	int	va, vb, day, sec;

	va = X509_cmp_time(X509_get0_notBefore(a), &now) < 0 &&
	    X509_cmp_time(X509_get0_notAfter(a), &now) > 0;
	vb = X509_cmp_time(X509_get0_notBefore(b), &now) < 0 &&
	    X509_cmp_time(X509_get0_notAfter(b), &now) > 0;
	if (va != vb)
		return va;
	if (ASN1_TIME_diff(&day, &sec, X509_get0_notBefore(b), X509_get0_notBefore(a)) != 1)
		return 0;
	return day > 0 || (day == 0 && sec > 0);
}

/*
 * Every certificate that has its private key on the token; the best one wins. P11_CONTENT
 * when there is none, P11_DEVICE when the token could not be searched.
 */
static enum p11_failure
p11_identity_find(struct p11 *t, const struct p11_identity_uri *u, X509 **cert,
    CK_OBJECT_HANDLE *key, char **cause)
{
	unsigned long		*certs = NULL, *keys = NULL;
	size_t			 ncerts = 0, nkeys = 0, i;
	CK_OBJECT_HANDLE	 k;
	X509			*x;
	enum p11_failure	 w = P11_DEVICE;

	*cert = NULL;
	*key = CK_INVALID_HANDLE;
	if (p11_find(t, CKO_CERTIFICATE, u->object, u->id, u->idlen, &certs, &ncerts,
	    cause) == -1 ||
	    p11_find(t, CKO_PRIVATE_KEY, u->object, u->id, u->idlen, &keys, &nkeys,
	    cause) == -1)
		goto out;
	for (i = 0; i < ncerts; i++) {
		if ((x = p11_identity_cert(t, certs[i])) == NULL)
			continue;
		if ((k = p11_identity_key_for(t, x, keys, nkeys)) == CK_INVALID_HANDLE ||
		    (*cert != NULL && !p11_identity_better(x, *cert))) {
			X509_free(x);
			continue;
		}
		X509_free(*cert);
		*cert = x;
		*key = k;
	}
	if ((w = *cert != NULL ? P11_OK : P11_CONTENT) == P11_CONTENT)
		cause_set(cause, _("the token %s holds no certificate with its private key "
		    "(%zu certificates, %zu private keys%s); import the operator's key and "
		    "certificate with the same ID (doc/tokens.md)"), t->name, ncerts, nkeys,
		    u->object != NULL || u->id != NULL ? _(" matching the URI") : "");
out:
	free(certs);
	free(keys);
	return w;
}

int
p11_identity_open(const char *uri, const struct secret *pin, struct p11_identity *id,
    enum p11_failure *why, char **cause)
{
	struct p11_identity_uri	 u;
	struct p11		*t = NULL;
	CK_OBJECT_HANDLE	 key;
	enum p11_failure	 w = P11_ABSENT;
	int			 rc = -1;

	memset(id, 0, sizeof *id);
	if (p11_identity_parse(uri, &u) == -1) {
		cause_set(cause, _("%s is not a PKCS#11 URI (pkcs11:serial=SERIAL)"), uri);
		goto out;
	}
	if (u.pin_value) {
		cause_set(cause, _("a PIN is never taken from a PKCS#11 URI (others can read "
		    "it there): type it when asked, or use --password-fd N"));
		goto out;
	}
	if (u.serial == NULL) {
		cause_set(cause, _("the PKCS#11 URI %s names no token: give its serial number, "
		    "as pkcs11:serial=SERIAL"), uri);
		goto out;
	}
	if ((t = p11_open(u.module, u.serial, pin, 0, &w, cause)) == NULL)
		goto out;
	if (u.token != NULL && strcmp(t->label, u.token) != 0) {
		cause_set(cause, _("the token with serial number %s is %s, not \"%s\""), u.serial,
		    p11_name(t), u.token);
		w = P11_ABSENT;
	} else if ((w = p11_identity_find(t, &u, &id->cert, &key, cause)) != P11_OK)
		;	/* cause set */
	else if ((id->key = p11_key(t, key, cause)) == NULL)
		w = P11_DEVICE;
	else {
		id->pss = p11_has_mechanism(t, CKM_RSA_X_509);
		rc = 0;
	}
out:
	p11_close(t);		/* the key holds its own reference */
	p11_identity_uri_free(&u);
	if (rc == -1)
		p11_identity_free(id);
	if (why != NULL)
		*why = rc == 0 ? P11_OK : w;
	return rc;
}

void
p11_identity_free(struct p11_identity *id)
{
	if (id == NULL)
		return;
	EVP_PKEY_free(id->key);
	X509_free(id->cert);
	memset(id, 0, sizeof *id);
}

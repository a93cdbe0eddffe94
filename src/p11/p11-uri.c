/*
 * p11-uri — the subset of RFC 7512 that names one private key on one token:
 * pkcs11:token=LABEL;serial=SERIAL;object=LABEL;id=%01;type=private. Values are
 * percent-decoded (§2.3); the id is bytes, the others text without NUL. A query part
 * (?module-path=, ?pin-value=) is refused: a PIN written in the URI would sit in a
 * configuration file others read, so the module and the PIN come apart (ncaenrolld.yaml(5)).
 * Causes never quote the URI nor a value of it: one that held a PIN would put it in a log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "p11/p11.h"

#define P11_URI_SCHEME	"pkcs11:"

static int
p11_uri_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
p11_uri_decode(const char *s, size_t len, unsigned char **out, size_t *outlen)
{
	unsigned char	*d;
	size_t		 i, n = 0;
	int		 hi, lo;

	if ((d = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			d[n++] = (unsigned char)s[i];
			continue;
		}
		if (i + 2 >= len || (hi = p11_uri_hex((unsigned char)s[i + 1])) < 0 ||
		    (lo = p11_uri_hex((unsigned char)s[i + 2])) < 0) {
			free(d);
			return -1;
		}
		d[n++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return 0;
}

/* One attribute NAME=VALUE of the path, into u. */
static int
p11_uri_attr(const char *a, size_t len, struct p11_uri *u, char **cause)
{
	static const char *const names[] = { "token", "serial", "object", "id", "type" };
	const char	*eq = memchr(a, '=', len);
	unsigned char	*v = NULL;
	size_t		 nlen, vlen = 0, i;
	char		**text[] = { &u->token, &u->serial, &u->object };

	nlen = eq != NULL ? (size_t)(eq - a) : len;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == nlen && strncmp(a, names[i], nlen) == 0)
			break;
	if (eq == NULL || i == sizeof names / sizeof names[0]) {
		/* Its name only: the value may be a secret (pin-value=). */
		cause_set(cause, _("the attribute \"%.*s\" is not understood here (token=, "
		    "serial=, object=, id=, type=private)"), (int)nlen, a);
		return -1;
	}
	if (p11_uri_decode(eq + 1, len - nlen - 1, &v, &vlen) == -1 || vlen == 0 ||
	    (i != 3 && strlen((char *)v) != vlen)) {
		free(v);
		cause_set(cause, _("the value of %s= is empty or badly encoded"), names[i]);
		return -1;
	}
	if (i == 4) {		/* type: only a private key is a signing key */
		i = strcmp((char *)v, "private") == 0;
		free(v);
		if (i)
			return 0;
		cause_set(cause, "%s", _("only type=private names a key that signs"));
		return -1;
	}
	if (i == 3 ? u->id != NULL : *text[i] != NULL) {
		free(v);
		cause_set(cause, _("%s= is given twice"), names[i]);
		return -1;
	}
	if (i == 3) {
		u->id = v;
		u->idlen = vlen;
	} else
		*text[i] = (char *)v;
	return 0;
}

int
p11_uri_is(const char *s)
{
	return s != NULL && strncmp(s, P11_URI_SCHEME, strlen(P11_URI_SCHEME)) == 0;
}

int
p11_uri_parse(const char *uri, struct p11_uri *u, char **cause)
{
	const char	*p, *end;

	memset(u, 0, sizeof *u);
	if (!p11_uri_is(uri)) {
		cause_set(cause, "%s", _("this is not a PKCS#11 URI (pkcs11:...)"));
		return -1;
	}
	if (strchr(uri, '?') != NULL) {
		cause_set(cause, "%s", _("a PKCS#11 URI with a query (after \"?\") is not "
		    "taken: the module and the PIN are given apart, never in the URI"));
		return -1;
	}
	for (p = uri + strlen(P11_URI_SCHEME); *p != '\0'; p = *end == ';' ? end + 1 : end) {
		end = p + strcspn(p, ";");
		if (end > p && p11_uri_attr(p, (size_t)(end - p), u, cause) == -1) {
			p11_uri_free(u);
			return -1;
		}
	}
	if (u->object == NULL && u->id == NULL) {
		cause_set(cause, "%s", _("the PKCS#11 URI names no key: give object= (its "
		    "label) or id="));
		p11_uri_free(u);
		return -1;
	}
	return 0;
}

void
p11_uri_free(struct p11_uri *u)
{
	if (u == NULL)
		return;
	free(u->token);
	free(u->serial);
	free(u->object);
	free(u->id);
	memset(u, 0, sizeof *u);
}

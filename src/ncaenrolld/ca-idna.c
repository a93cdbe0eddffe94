/*
 * ca-idna — an e-mail address with an internationalised domain ("user@пример.қаз", which
 * common/email.c accepts) as it must appear in an rfc822Name: the domain's labels as
 * A-labels ("xn--e1afmkfd.xn--80ao21a"), RFC 8398 §3 and the Punycode of RFC 3492. Labels
 * are lower-cased first for Latin and Cyrillic (Kazakh included); full IDNA2008 mapping
 * and normalisation are not done: people type Kazakh domains in lower-case NFC.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"
#include "ncaenrolld/ca-int.h"

#define CA_IDNA_LABEL_MAX	63
#define CA_IDNA_BASE		36
#define CA_IDNA_TMIN		1
#define CA_IDNA_TMAX		26
#define CA_IDNA_SKEW		38
#define CA_IDNA_DAMP		700

static uint32_t
ca_idna_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c >= 0x0410 && c <= 0x042f)
		return c + 0x20;
	if (c >= 0x0400 && c <= 0x040f)
		return c + 0x50;
	/* Cyrillic extensions (Ә Ғ Қ Ң Ө Ұ Ү Һ): capital even, small odd... */
	if (((c >= 0x0460 && c <= 0x0481) || (c >= 0x048a && c <= 0x04bf) ||
	    (c >= 0x04d0 && c <= 0x04ff)) && c % 2 == 0)
		return c + 1;
	if (c >= 0x04c1 && c <= 0x04ce && c % 2 == 1)	/* ...except here, odd capitals */
		return c + 1;
	if (c == 0x04c0)				/* palochka */
		return 0x04cf;
	return c;
}

static uint32_t
ca_idna_adapt(uint32_t delta, uint32_t points, int first)
{
	uint32_t	k = 0;

	delta = first ? delta / CA_IDNA_DAMP : delta / 2;
	delta += delta / points;
	while (delta > ((CA_IDNA_BASE - CA_IDNA_TMIN) * CA_IDNA_TMAX) / 2) {
		delta /= CA_IDNA_BASE - CA_IDNA_TMIN;
		k += CA_IDNA_BASE;
	}
	return k + (CA_IDNA_BASE - CA_IDNA_TMIN + 1) * delta / (delta + CA_IDNA_SKEW);
}

struct ca_idna_out {
	char	*p;
	size_t	 n, cap;
};

static int
ca_idna_put(struct ca_idna_out *o, char c)
{
	if (o->n + 1 >= o->cap)
		return -1;
	o->p[o->n++] = c;
	o->p[o->n] = '\0';
	return 0;
}

static int
ca_idna_digit(struct ca_idna_out *o, uint32_t d)
{
	return ca_idna_put(o, (char)(d < 26 ? 'a' + d : '0' + d - 26));
}

/* Emits delta as a variable-length integer (RFC 3492 §6.3). */
static int
ca_idna_varint(struct ca_idna_out *o, uint32_t q, uint32_t bias)
{
	uint32_t	k, t;

	for (k = CA_IDNA_BASE;; k += CA_IDNA_BASE) {
		t = k <= bias ? CA_IDNA_TMIN : k >= bias + CA_IDNA_TMAX ? CA_IDNA_TMAX :
		    k - bias;
		if (q < t)
			break;
		if (ca_idna_digit(o, t + (q - t) % (CA_IDNA_BASE - t)) == -1)
			return -1;
		q = (q - t) / (CA_IDNA_BASE - t);
	}
	return ca_idna_digit(o, q);
}

/* RFC 3492 §6.3 for one label of `len` code points, after "xn--". */
static int
ca_idna_punycode(const uint32_t *cp, size_t len, struct ca_idna_out *o)
{
	uint32_t	n = 128, delta = 0, bias = 72, m, h, b = 0;
	size_t		i;

	for (i = 0; i < len; i++) {
		if (cp[i] >= 0x80)
			continue;
		if (ca_idna_put(o, (char)cp[i]) == -1)
			return -1;
		b++;
	}
	if (b > 0 && ca_idna_put(o, '-') == -1)
		return -1;
	for (h = b; h < len; delta++, n++) {
		for (m = UINT32_MAX, i = 0; i < len; i++)
			if (cp[i] >= n && cp[i] < m)
				m = cp[i];
		if ((m - n) > (UINT32_MAX - delta) / (h + 1))
			return -1;
		delta += (m - n) * (h + 1);
		n = m;
		for (i = 0; i < len; i++) {
			if (cp[i] < n && ++delta == 0)
				return -1;
			if (cp[i] != n)
				continue;
			if (ca_idna_varint(o, delta, bias) == -1)
				return -1;
			bias = ca_idna_adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return 0;
}

/* One label, lower-cased: kept as typed when ASCII, else "xn--" + Punycode. */
static int
ca_idna_label(const char *s, size_t len, struct ca_idna_out *o)
{
	uint32_t	cp[CA_IDNA_LABEL_MAX + 1];
	size_t		n = 0, i, start = o->n;
	int		ascii = 1, used;

	for (i = 0; i < len; i += (size_t)used) {
		if (n == CA_IDNA_LABEL_MAX || (used = utf8_decode(s + i, len - i, &cp[n])) < 1)
			return -1;
		ascii = ascii && cp[n] < 0x80;
		cp[n] = ca_idna_lower(cp[n]);
		n++;
	}
	if (ascii) {
		for (i = 0; i < n; i++)
			if (ca_idna_put(o, (char)cp[i]) == -1)
				return -1;
	} else if (ca_idna_put(o, 'x') == -1 || ca_idna_put(o, 'n') == -1 ||
	    ca_idna_put(o, '-') == -1 || ca_idna_put(o, '-') == -1 ||
	    ca_idna_punycode(cp, n, o) == -1)
		return -1;
	return o->n - start <= CA_IDNA_LABEL_MAX ? 0 : -1;
}

char *
ca_idna_email(const char *addr, char **cause)
{
	const char		*at = addr != NULL ? strrchr(addr, '@') : NULL, *d, *dot;
	struct ca_idna_out	 o = { NULL, 0, 0 };

	if (at == NULL)
		goto bad;
	o.cap = (size_t)(at - addr) + 1 + 4 * strlen(at) + 8;
	if ((o.p = malloc(o.cap)) == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		return NULL;
	}
	memcpy(o.p, addr, (size_t)(at - addr) + 1);
	o.n = (size_t)(at - addr) + 1;
	o.p[o.n] = '\0';
	for (d = at + 1; ; d = dot + 1) {
		dot = strchr(d, '.');
		if (ca_idna_label(d, dot != NULL ? (size_t)(dot - d) : strlen(d), &o) == -1 ||
		    (dot != NULL && ca_idna_put(&o, '.') == -1))
			goto bad;
		if (dot == NULL)
			break;
	}
	return o.p;
bad:
	free(o.p);
	cause_set(cause, _("The e-mail address cannot be written in a certificate: \"%s\""),
	    addr != NULL ? addr : "");
	return NULL;
}

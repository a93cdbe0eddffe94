/*
 * email — the rules of an e-mail address's syntax (local part, domain, labels), each
 * broken rule named with its own code; whether the address gets mail is not judged here.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/email.h"
#include "common/i18n.h"
#include "common/utf8.h"

#define EMAIL_ATEXT "!#$%&'*+-/=?^_`{|}~"

static int
email_is_alnum(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void
email_check_local(const char *s, size_t len, struct problems *p)
{
	size_t	i;

	if (len == 0) {
		problems_add(p, "email.local_empty", _("nothing before the @"));
		return;
	}
	if (len > EMAIL_LOCAL_MAX)
		problems_add(p, "email.local_too_long",
		    _("the part before @ is %zu characters long; at most %d are allowed"), len,
		    EMAIL_LOCAL_MAX);
	if (s[0] == '.' || s[len - 1] == '.' || memmem(s, len, "..", 2) != NULL)
		problems_add(p, "email.local_dots",
		    _("the part before @ may not start or end with a dot, or have two dots in "
		    "a row"));
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];

		if (c >= 0x80) {
			problems_add(p, "email.local_char",
			    _("the part before @ may use only Latin letters, digits and "
			    ".%s"), EMAIL_ATEXT);
			return;
		}
		if (!email_is_alnum(c) && c != '.' && strchr(EMAIL_ATEXT, c) == NULL) {
			problems_add(p, "email.local_char",
			    c == ' ' ? _("the part before @ contains a space") :
			    _("the part before @ contains '%c', which is not allowed"), c);
			return;
		}
	}
}

/* One label of the domain: letters (any script, for IDN), digits, inner hyphens. */
static void
email_check_label(const char *s, size_t len, int last, struct problems *p)
{
	size_t		off, chars = 0;
	uint32_t	cp;
	int		n, digits_only = 1;

	if (s[0] == '-' || s[len - 1] == '-') {
		problems_add(p, "email.label_hyphen",
		    _("a part of the domain (%.*s) starts or ends with a hyphen"), (int)len, s);
		return;
	}
	for (off = 0; off < len; off += (size_t)n, chars++) {
		if ((n = utf8_decode(s + off, len - off, &cp)) == -1)
			return;	/* caught by the whole-address check */
		if (cp >= '0' && cp <= '9')
			continue;
		digits_only = 0;
		if (email_is_alnum(cp) || cp == '-')
			continue;
		/* Non-ASCII letters make an IDN label; spaces and punctuation never do. */
		if (cp >= 0xc0 && !(cp >= 0x2000 && cp <= 0x206f) && cp != 0x3000 &&
		    cp != 0x3002 && cp != 0xff0e && cp != 0xff61)
			continue;
		problems_add(p, "email.domain_char",
		    cp == ' ' ? _("the domain contains a space") :
		    _("the domain contains '%.*s', which is not allowed"), n, s + off);
		return;
	}
	if (chars > 63)
		problems_add(p, "email.label_too_long",
		    _("a part of the domain is %zu characters long; at most 63 are allowed"),
		    chars);
	if (last && digits_only)
		problems_add(p, "email.tld_numeric",
		    _("the domain must end in a name (like .kz), not in digits"));
	else if (last && chars < 2)
		problems_add(p, "email.tld_short",
		    _("the domain must end in a name of two or more letters (like .kz)"));
}

static void
email_check_domain(const char *s, size_t len, struct problems *p)
{
	const char	*label = s, *dot;
	size_t		 before = p->n;

	if (len == 0) {
		problems_add(p, "email.domain_empty", _("nothing after the @"));
		return;
	}
	if (len > 253)
		problems_add(p, "email.domain_too_long",
		    _("the domain is %zu bytes long; at most 253 are allowed"), len);
	if (memchr(s, '.', len) == NULL) {
		problems_add(p, "email.domain_no_dot",
		    _("the domain after @ needs a dot, like mail.kz"));
		return;
	}
	if (s[0] == '.' || s[len - 1] == '.' || memmem(s, len, "..", 2) != NULL) {
		problems_add(p, "email.domain_dots",
		    _("the domain may not start or end with a dot, or have two dots in a row"));
		return;
	}
	while (p->n == before) {
		dot = memchr(label, '.', len - (size_t)(label - s));
		if (dot == NULL) {
			email_check_label(label, len - (size_t)(label - s), 1, p);
			break;
		}
		email_check_label(label, (size_t)(dot - label), 0, p);
		label = dot + 1;
	}
}

int
email_check(const char *addr, struct problems *p)
{
	const char	*at;
	size_t		 len = strlen(addr), before = p->n;

	if (len == 0) {
		problems_add(p, "email.empty", _("is empty"));
		return -1;
	}
	if (utf8_count(addr) == -1) {
		problems_add(p, "email.encoding", _("contains bytes that are not text"));
		return -1;
	}
	if (len > EMAIL_MAX)
		problems_add(p, "email.too_long",
		    _("is %zu bytes long; at most %d are allowed"), len, EMAIL_MAX);
	if ((at = strrchr(addr, '@')) == NULL) {
		problems_add(p, "email.no_at",
		    _("has no @ between the name and the domain (name@example.kz)"));
		return -1;
	}
	if (memchr(addr, '@', (size_t)(at - addr)) != NULL) {
		problems_add(p, "email.many_at", _("has more than one @"));
		return -1;
	}
	email_check_local(addr, (size_t)(at - addr), p);
	email_check_domain(at + 1, strlen(at + 1), p);
	return p->n == before ? 0 : -1;
}

/* The characters an address in a relay's words is made of (RFC 5321's, roughly). */
static int
email_addr_char(char c)
{
	return c != '\0' && strchr(" \t<>\"'(),;:[]", c) == NULL;
}

char *
email_mask_words(const char *words)
{
	char	*out, *q;
	size_t	 i, start, first, len = strlen(words);

	/* each address gets at most "***" longer than its local part's first letter */
	if ((out = malloc(4 * len + 1)) == NULL)
		return NULL;
	for (i = 0, q = out; i < len; i++) {
		if (words[i] == '@' && i > 0 && email_addr_char(words[i - 1])) {
			/* back over the local part, already copied, to its first character */
			for (start = i; start > 0 && email_addr_char(words[start - 1]); start--)
				;
			for (first = 1; start + first < i &&
			    ((unsigned char)words[start + first] & 0xc0) == 0x80; first++)
				;	/* the whole first character, whatever its length */
			q -= i - start - first;
			memcpy(q, "***", 3);
			q += 3;
		}
		*q++ = words[i];
	}
	*q = '\0';
	return out;
}

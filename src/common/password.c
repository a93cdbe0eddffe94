/*
 * password — the container password policy as a table of rules, checked in one scan for
 * both the live checklist on screen and the refusal; the password is read, never copied.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/i18n.h"
#include "common/password.h"
#include "common/utf8.h"

struct password_facts {
	long	chars;			/* characters, or -1 if not valid UTF-8 */
	int	digits, letters;
	char	bad[64];		/* the disallowed characters, each once, as typed */
	int	nbad;
	int	malformed;
};

static const struct {
	const char	*code;
	const char	*text;
} password_rules[] = {
	[PASSWORD_RULE_MIN_LENGTH] = { "password.too_short", N_("at least 6 characters") },
	[PASSWORD_RULE_MAX_LENGTH] = { "password.too_long", N_("at most 32 characters") },
	[PASSWORD_RULE_ALLOWED] = { "password.char",
	    N_("only Latin letters, digits and #$^+=!*()@%&_?-.") },
	[PASSWORD_RULE_DIGIT] = { "password.no_digit", N_("at least one digit") },
	[PASSWORD_RULE_LETTER] = { "password.no_letter", N_("at least one Latin letter") },
};
_Static_assert(sizeof password_rules / sizeof password_rules[0] == PASSWORD_RULE__MAX,
    "one row per password rule");

const char *
password_rule_code(enum password_rule r)
{
	return r < PASSWORD_RULE__MAX ? password_rules[r].code : "?";
}

const char *
password_rule_text(enum password_rule r)
{
	return r < PASSWORD_RULE__MAX ? password_rules[r].text : "?";
}

static void
password_note_bad(struct password_facts *f, const char *ch, size_t n)
{
	const char	*shown = ch;
	size_t		 len = n, used = strlen(f->bad);

	if (n == 1 && *ch == ' ') {
		shown = _("space");
		len = strlen(shown);
	} else if (n == 1 && ((unsigned char)*ch < 0x20 || *ch == 0x7f)) {
		shown = _("control character");
		len = strlen(shown);
	}
	/* Name each character once; the list only has to show what to remove. */
	if (f->nbad > 0) {
		char	 needle[40];

		if (len + 3 > sizeof needle)
			return;
		memcpy(needle, shown, len);
		needle[len] = '\0';
		if (strstr(f->bad, needle) != NULL)
			return;
	}
	if (used + len + 3 >= sizeof f->bad)
		return;
	if (f->nbad > 0)
		memcpy(f->bad + used, ", ", 2), used += 2;
	memcpy(f->bad + used, shown, len);
	f->bad[used + len] = '\0';
	f->nbad++;
}

static void
password_scan(const char *pw, struct password_facts *f)
{
	size_t		len = strlen(pw), off;
	uint32_t	cp;
	int		n;

	memset(f, 0, sizeof *f);
	for (off = 0; off < len; off += (size_t)n) {
		if ((n = utf8_decode(pw + off, len - off, &cp)) == -1) {
			f->malformed = 1;
			n = 1;
			f->chars++;
			continue;
		}
		f->chars++;
		if (cp >= '0' && cp <= '9')
			f->digits++;
		else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			f->letters++;
		else if (cp >= 0x80 || cp == 0 || strchr(PASSWORD_SPECIALS, (int)cp) == NULL)
			password_note_bad(f, pw + off, (size_t)n);
	}
}

int
password_rules_met(const char *pw, int met[PASSWORD_RULE__MAX])
{
	struct password_facts	f;
	int			r, all = 1;

	password_scan(pw, &f);
	met[PASSWORD_RULE_MIN_LENGTH] = f.chars >= PASSWORD_MIN;
	met[PASSWORD_RULE_MAX_LENGTH] = f.chars <= PASSWORD_MAX;
	met[PASSWORD_RULE_ALLOWED] = f.nbad == 0 && !f.malformed;
	met[PASSWORD_RULE_DIGIT] = f.digits > 0;
	met[PASSWORD_RULE_LETTER] = f.letters > 0;
	for (r = 0; r < PASSWORD_RULE__MAX; r++)
		all &= met[r];
	return all ? 0 : -1;
}

int
password_check(const char *pw, struct problems *p)
{
	struct password_facts	f;
	size_t			before = p->n;

	password_scan(pw, &f);
	if (f.chars < PASSWORD_MIN)
		problems_add(p, "password.too_short",
		    _("too short: %ld characters, at least %d are needed"), f.chars, PASSWORD_MIN);
	if (f.chars > PASSWORD_MAX)
		problems_add(p, "password.too_long",
		    _("too long: %ld characters, at most %d are allowed"), f.chars, PASSWORD_MAX);
	if (f.malformed)
		problems_add(p, "password.char", _("contains bytes that are not text"));
	else if (f.nbad > 0)
		problems_add(p, "password.char",
		    _("not allowed: %s (use Latin letters, digits and %s)"), f.bad,
		    PASSWORD_SPECIALS);
	if (f.digits == 0)
		problems_add(p, "password.no_digit", _("has no digit; add at least one"));
	if (f.letters == 0)
		problems_add(p, "password.no_letter",
		    _("has no Latin letter; add at least one"));
	return p->n == before ? 0 : -1;
}

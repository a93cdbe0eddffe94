/*
 * gucode — the syntax of a ГУ/СКС code (digits, 4 to 8 of them); whether the organization
 * has that code is the service's check, not this file's.
 */
#include "config.h"

#include "common/gucode.h"
#include "common/i18n.h"
#include "common/utf8.h"

int
gucode_check(const char *code, struct problems *p)
{
	char	ch[5];
	size_t	pos, before = p->n;
	long	chars;

	switch (utf8_first_not(code, utf8_is_ascii_digit, &pos, ch)) {
	case -1:
		problems_add(p, "gu_code.not_digit", _("contains bytes that are not text"));
		return -1;
	case 1:
		problems_add(p, "gu_code.not_digit",
		    _("may contain only digits; '%s' at position %zu is not one"), ch, pos);
		break;
	}
	chars = utf8_count(code);
	if (chars < GUCODE_MIN || chars > GUCODE_MAX)
		problems_add(p, "gu_code.length", _("must be %d to %d digits, not %ld"),
		    GUCODE_MIN, GUCODE_MAX, chars);
	return p->n == before ? 0 : -1;
}

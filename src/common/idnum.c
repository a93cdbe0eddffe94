/*
 * idnum — the IIN and BIN rules of nca-facts.md §1: the check digit, the date and sex in an
 * IIN, the type and attribute of a BIN, and the names of those; once the shape (12 digits)
 * is right, every rule a number breaks is named with its code, not only the first.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/i18n.h"
#include "common/idnum.h"
#include "common/utf8.h"

static const char *const idnum_attr_names[] = {
	N_("head unit"),
	N_("branch"),
	N_("representative office"),
	N_("peasant farm"),
};
_Static_assert(sizeof idnum_attr_names / sizeof idnum_attr_names[0] == BIN_ATTR__MAX,
    "one name per BIN attribute");

static const char *const idnum_type_names[] = {
	N_("resident legal entity"),
	N_("non-resident legal entity"),
	N_("joint individual entrepreneurship"),
};

const char *
idnum_bin_type_name(enum bin_type t)
{
	if (t < BIN_RESIDENT || t > BIN_JOINT_IE)
		return "?";
	return idnum_type_names[t - BIN_RESIDENT];
}

const char *
idnum_bin_attr_name(enum bin_attr a)
{
	if (a >= BIN_ATTR__MAX)
		return "?";
	return idnum_attr_names[a];
}

int
idnum_check_digit(const char digits[11])
{
	static const int	 w1[11] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	static const int	 w2[11] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2 };
	const int		*w = w1;
	int			 pass, i, s;

	for (pass = 0; pass < 2; pass++, w = w2) {
		for (s = 0, i = 0; i < 11; i++)
			s += (digits[i] - '0') * w[i];
		if (s % 11 != 10)
			return s % 11;
	}
	return -1;
}

/* Shape first: 12 ASCII digits; a stray character is named as the person typed it. */
static int
idnum_shape(const char *s, const char *code_digit, const char *code_length,
    struct problems *p)
{
	char	ch[5];
	size_t	pos;
	int	ok = 1;

	switch (utf8_first_not(s, utf8_is_ascii_digit, &pos, ch)) {
	case -1:
		problems_add(p, code_digit, _("contains bytes that are not text"));
		return -1;
	case 1:
		problems_add(p, code_digit,
		    _("may contain only digits; '%s' at position %zu is not one"), ch, pos);
		ok = 0;
		break;
	}
	if (utf8_count(s) != IDNUM_LEN) {
		problems_add(p, code_length, _("must be exactly 12 digits, not %ld"),
		    utf8_count(s));
		ok = 0;
	}
	return ok ? 0 : -1;
}

static void
idnum_check(const char *s, const char *code_check, const char *code_never,
    struct problems *p)
{
	int	c = idnum_check_digit(s);

	if (c == -1)
		problems_add(p, code_never,
		    _("no check digit can make this number valid, so it was never issued; "
		    "look for a mistyped digit"));
	else if (c != s[11] - '0')
		problems_add(p, code_check,
		    _("wrong check digit: with these first 11 digits the last one must be %d, "
		    "not %c"), c, s[11]);
}

static int
idnum_two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
idnum_days_in_month(int year, int month)
{
	static const int	days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int			leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

static int
idnum_is_future(int y, int m, int d, time_t now)
{
	struct tm	tm;

	if (now == 0 || gmtime_r(&now, &tm) == NULL)
		return 0;
	if (y != tm.tm_year + 1900)
		return y > tm.tm_year + 1900;
	if (m != tm.tm_mon + 1)
		return m > tm.tm_mon + 1;
	return d > tm.tm_mday;
}

int
idnum_validate_iin(const char *s, time_t now, struct iin_info *info, struct problems *p)
{
	size_t	before = p->n;
	int	month, day, cs, year = 0;

	if (idnum_shape(s, "iin.not_digit", "iin.length", p) == -1)
		return -1;
	if (s[4] >= '4' && s[4] <= '6') {
		problems_add(p, "iin.is_bin",
		    _("digit 5 is %c, which marks a BIN (a legal entity's number), not an IIN"),
		    s[4]);
		return -1;
	}
	month = idnum_two(s + 2);
	day = idnum_two(s + 4);
	cs = s[6] - '0';
	if (cs < 1 || cs > 6)
		problems_add(p, "iin.century",
		    _("digit 7 is %c; it must be 1 to 6 (century of birth and sex)"), s[6]);
	else
		year = 1800 + 100 * ((cs - 1) / 2) + idnum_two(s);
	if (month < 1 || month > 12)
		problems_add(p, "iin.month",
		    _("digits 3-4 (%.2s) are not a month of birth (01 to 12)"), s + 2);
	else if (day < 1 || day > (year ? idnum_days_in_month(year, month) :
	    idnum_days_in_month(2000, month)))
		problems_add(p, "iin.day",
		    _("digits 5-6 (%.2s) are not a day of month %02d"), s + 4, month);
	else if (year && idnum_is_future(year, month, day, now))
		problems_add(p, "iin.future",
		    _("the date of birth %04d-%02d-%02d is in the future"), year, month, day);
	idnum_check(s, "iin.check_digit", "iin.never_valid", p);
	if (p->n != before)
		return -1;
	if (info != NULL) {
		info->year = year;
		info->month = month;
		info->day = day;
		info->sex = cs % 2 ? IDNUM_MALE : IDNUM_FEMALE;
	}
	return 0;
}

int
idnum_validate_bin(const char *s, struct bin_info *info, struct problems *p)
{
	size_t	before = p->n;
	int	month;

	if (idnum_shape(s, "bin.not_digit", "bin.length", p) == -1)
		return -1;
	if (s[4] >= '0' && s[4] <= '3') {
		problems_add(p, "bin.is_iin",
		    _("digit 5 is %c, which marks an IIN (a person's number), not a BIN"), s[4]);
		return -1;
	}
	month = idnum_two(s + 2);
	if (month < 1 || month > 12)
		problems_add(p, "bin.month",
		    _("digits 3-4 (%.2s) are not a month of registration (01 to 12)"), s + 2);
	if (s[4] < '4' || s[4] > '6')
		problems_add(p, "bin.type",
		    _("digit 5 is %c; it must be 4, 5 or 6 (type of legal entity)"), s[4]);
	if (s[5] < '0' || s[5] > '3')
		problems_add(p, "bin.attribute",
		    _("digit 6 is %c; it must be 0 to 3 (head unit, branch, representative "
		    "office, peasant farm)"), s[5]);
	idnum_check(s, "bin.check_digit", "bin.never_valid", p);
	if (p->n != before)
		return -1;
	if (info != NULL) {
		info->yy = idnum_two(s);
		info->month = month;
		info->type = (enum bin_type)(s[4] - '0');
		info->attribute = (enum bin_attr)(s[5] - '0');
	}
	return 0;
}

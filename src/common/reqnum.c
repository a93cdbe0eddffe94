/*
 * reqnum — request numbers: drawn unbiased from getrandom(), closed by a Damm check digit,
 * printed in dashed groups, and parsed back from however a person typed them.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "common/reqnum.h"

/* Damm's totally anti-symmetric quasigroup of order 10. */
static const unsigned char reqnum_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

int
reqnum_damm(const char *digits, size_t n)
{
	size_t	i;
	int	interim = 0;

	for (i = 0; i < n; i++)
		interim = reqnum_table[interim][digits[i] - '0'];
	return interim;
}

static void
reqnum_format(const char digits[REQNUM_DIGITS], char out[REQNUM_LEN + 1])
{
	size_t	i, o = 0;

	for (i = 0; i < REQNUM_DIGITS; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = '-';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

int
reqnum_generate(char out[REQNUM_LEN + 1], char **cause)
{
	unsigned char	buf[64];
	char		digits[REQNUM_DIGITS];
	size_t		have = 0, i;
	ssize_t		n;

	while (have < REQNUM_DIGITS - 1) {
		n = getrandom(buf, sizeof buf, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cause_set(cause, _("the system gives no random numbers: %s"),
			    OSERROR(errno));
			return -1;
		}
		/* 250 is the largest multiple of 10 a byte holds: no digit is likelier. */
		for (i = 0; i < (size_t)n && have < REQNUM_DIGITS - 1; i++)
			if (buf[i] < 250)
				digits[have++] = (char)('0' + buf[i] % 10);
	}
	digits[REQNUM_DIGITS - 1] = (char)('0' + reqnum_damm(digits, REQNUM_DIGITS - 1));
	reqnum_format(digits, out);
	return 0;
}

int
reqnum_parse(const char *in, char out[REQNUM_LEN + 1], struct problems *p)
{
	char	digits[REQNUM_DIGITS];
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in == '-' || *in == ' ' || *in == '\t')
			continue;
		if (*in < '0' || *in > '9') {
			problems_add(p, "request_number.not_digit",
			    _("a request number has only digits (and dashes between groups)"));
			return -1;
		}
		if (n < REQNUM_DIGITS)
			digits[n] = *in;
		n++;
	}
	if (n != REQNUM_DIGITS) {
		problems_add(p, "request_number.length",
		    _("a request number has %d digits; this one has %zu"), REQNUM_DIGITS, n);
		return -1;
	}
	if (reqnum_damm(digits, REQNUM_DIGITS) != 0) {
		problems_add(p, "request_number.check_digit",
		    _("this request number has a mistyped digit; check it against the "
		    "application form"));
		return -1;
	}
	reqnum_format(digits, out);
	return 0;
}

/* 1 for a character that joins a word: a number inside a longer token is not one. */
static int
reqnum_wordish(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    c == '_';
}

void
reqnum_mask(char *text)
{
	char	*p = text, *end;
	size_t	 digits;

	while (*p != '\0') {
		if (*p < '0' || *p > '9' || (p > text && reqnum_wordish(p[-1]))) {
			p++;
			continue;
		}
		/* Digits, each dash between two of them. */
		for (end = p, digits = 0; (*end >= '0' && *end <= '9') ||
		    (*end == '-' && end > p && end[1] >= '0' && end[1] <= '9'); end++)
			digits += *end != '-';
		if (digits != REQNUM_DIGITS || reqnum_wordish(*end) || end - p < 6) {
			p = end;
			continue;
		}
		/* The first group, as written: "4821" of either form. */
		memcpy(p + 4, "-*", 2);
		memmove(p + 6, end, strlen(end) + 1);
		p += 6;
	}
}

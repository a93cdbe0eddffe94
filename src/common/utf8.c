#include "config.h"

#include <string.h>

#include "common/utf8.h"

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c, min;
	int			 n, i;

	if (len == 0)
		return -1;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0) {
		n = 2; c = u[0] & 0x1f; min = 0x80;
	} else if ((u[0] & 0xf0) == 0xe0) {
		n = 3; c = u[0] & 0x0f; min = 0x800;
	} else if ((u[0] & 0xf8) == 0xf0) {
		n = 4; c = u[0] & 0x07; min = 0x10000;
	} else
		return -1;
	if ((size_t)n > len)
		return -1;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are not characters. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return n;
}

long
utf8_count(const char *s)
{
	size_t		len = strlen(s), off = 0;
	long		count = 0;
	uint32_t	cp;
	int		n;

	while (off < len) {
		if ((n = utf8_decode(s + off, len - off, &cp)) == -1)
			return -1;
		off += (size_t)n;
		count++;
	}
	return count;
}

int
utf8_first_not(const char *s, int (*ok)(uint32_t), size_t *pos, char ch[5])
{
	size_t		len = strlen(s), off;
	uint32_t	cp;
	int		n;

	for (off = 0, *pos = 1; off < len; off += (size_t)n, (*pos)++) {
		if ((n = utf8_decode(s + off, len - off, &cp)) == -1)
			return -1;
		if (!ok(cp)) {
			memcpy(ch, s + off, (size_t)n);
			ch[n] = '\0';
			return 1;
		}
	}
	return 0;
}

int
utf8_is_ascii_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

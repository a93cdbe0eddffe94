/*
 * utf8 — decoding, sanitizing and measuring UTF-8 (utf8.h): the one table of how many
 * columns a character takes, which every screen of the three programs uses.
 */
#include "config.h"

#include <stdlib.h>
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

/* Bidirectional embeddings, overrides and isolates, and the line/paragraph separators. */
static int
utf8_is_format_trap(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x200e || cp == 0x200f;
}

/* Bytes up to and with the final byte of a CSI's parameters starting at s. */
static size_t
utf8_csi_len(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
			return i + 1;
	return len;
}

/*
 * Length of the escape sequence at s[0] == ESC: ESC [ params final; ESC ] / P / X / ^ / _
 * and a string ended by BEL or ESC \ (or the end); ESC, intermediates and a final else.
 */
static size_t
utf8_escape_len(const char *s, size_t len)
{
	size_t	i;

	if (len < 2)
		return len;
	if (s[1] == '[')
		return 2 + utf8_csi_len(s + 2, len - 2);
	if (strchr("]PX^_", s[1]) != NULL) {
		for (i = 2; i < len; i++) {
			if (s[i] == '\a')
				return i + 1;
			if (s[i] == '\033' && i + 1 < len && s[i + 1] == '\\')
				return i + 2;
		}
		return len;
	}
	/* ESC ( B and the like take one intermediate byte and one final. */
	for (i = 1; i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x2f; i++)
		;
	return i < len ? i + 1 : len;
}

size_t
utf8_sanitize(char *s, int lines)
{
	size_t		len = strlen(s), in = 0, out = 0, changed = 0, skip;
	uint32_t	cp;
	int		n;

	while (in < len) {
		if (s[in] == '\033') {
			skip = utf8_escape_len(s + in, len - in);
			in += skip;
			changed++;
			continue;
		}
		if ((n = utf8_decode(s + in, len - in, &cp)) == -1) {
			s[out++] = '?';
			in++;
			changed++;
			continue;
		}
		if (cp == 0x9b) {	/* the 8-bit CSI: its parameters go with it */
			in += (size_t)n + utf8_csi_len(s + in + n, len - in - (size_t)n);
			changed++;
			continue;
		}
		if (cp == '\n' || cp == '\t') {
			s[out++] = lines ? (char)cp : ' ';
			changed += !lines;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || utf8_is_format_trap(cp))
			changed++;
		else {
			memmove(s + out, s + in, (size_t)n);
			out += (size_t)n;
		}
		in += (size_t)n;
	}
	s[out] = '\0';
	return changed;
}

int
utf8_cols(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return -1;
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x483 && cp <= 0x489) ||
	    cp == 0x200b || cp == 0x200d)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff))
		return 2;
	return 1;
}

/* A control character is drawn as one mark (a space or '?') where text is fitted. */
static size_t
utf8_char_width(uint32_t cp)
{
	int	cols = utf8_cols(cp);

	return cols < 0 ? 1 : (size_t)cols;
}

size_t
utf8_width(const char *s)
{
	size_t		 w = 0, len = strlen(s);
	uint32_t	 cp;
	int		 n;

	while (len > 0) {
		if ((n = utf8_decode(s, len, &cp)) <= 0) {
			n = 1;		/* a broken byte shows as one replacement mark */
			cp = '?';
		}
		w += utf8_char_width(cp);
		s += n;
		len -= (size_t)n;
	}
	return w;
}

char *
utf8_fit(const char *s, size_t cols, int pad)
{
	size_t		 len = strlen(s), w = 0, cw, room;
	const char	*p = s;
	char		*out, *o;
	uint32_t	 cp;
	int		 n, cut = utf8_width(s) > cols;

	/* At most 3 bytes of "…" plus the spaces of padding beyond the text. */
	if ((out = o = malloc(len + cols + 4)) == NULL)
		return NULL;
	room = cut && cols > 0 ? cols - 1 : cols;
	while (len > 0) {
		if ((n = utf8_decode(p, len, &cp)) <= 0) {
			n = 1;
			cp = '?';
		}
		if (w + (cw = utf8_char_width(cp)) > room)
			break;
		if (cp < 0x20 || cp == 0x7f)	/* no control characters on a terminal */
			*o++ = ' ';
		else {
			memcpy(o, p, (size_t)n);
			o += n;
		}
		w += cw;
		p += n;
		len -= (size_t)n;
	}
	if (cut && cols > 0) {
		memcpy(o, "\xe2\x80\xa6", 3);	/* … */
		o += 3;
		w++;
	}
	while (pad && w < cols) {
		*o++ = ' ';
		w++;
	}
	*o = '\0';
	return out;
}

/*
 * alpha — the one collation of names: a character's weight in the Kazakh alphabet (which
 * holds the Russian one), letters after everything else, so the service's directories and
 * the clients sort alike. No locale is consulted: strcoll would sort by the host's.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/alpha.h"
#include "common/utf8.h"

/* The Kazakh alphabet, which holds the Russian one in the same order, in small letters. */
static const uint16_t alpha_letters[] = {
	0x430, 0x4d9, 0x431, 0x432, 0x433, 0x493, 0x434, 0x435, 0x451, 0x436, 0x437,
	0x438, 0x439, 0x43a, 0x49b, 0x43b, 0x43c, 0x43d, 0x4a3, 0x43e, 0x4e9, 0x43f,
	0x440, 0x441, 0x442, 0x443, 0x4b1, 0x4af, 0x444, 0x445, 0x4bb, 0x446, 0x447,
	0x448, 0x449, 0x44a, 0x44b, 0x456, 0x44c, 0x44d, 0x44e, 0x44f,	/* а ә б ... я */
};

/* A character's place: letters of the alphabet after every other character, by case. */
static uint32_t
alpha_weight(uint32_t c)
{
	size_t	i;

	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	else if (c >= 0x410 && c <= 0x42f)		/* А-Я */
		c += 0x20;
	else if (c >= 0x400 && c <= 0x40f)		/* Ѐ-Џ, Ё and І among them */
		c += 0x50;
	else if (((c >= 0x460 && c <= 0x4bf) || (c >= 0x4d0 && c <= 0x4ff)) && c % 2 == 0)
		c += 1;					/* Ә Ғ Қ Ң Ө Ұ Ү Һ */
	for (i = 0; i < sizeof alpha_letters / sizeof alpha_letters[0]; i++)
		if (alpha_letters[i] == c)
			return 0x110000 + (uint32_t)i;
	return c;
}

int
alpha_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t		 i = 0, j = 0;
	uint32_t	 ca, cb;
	int		 la, lb;

	while (i < na && j < nb) {
		if ((la = utf8_decode(a + i, na - i, &ca)) == -1) {
			ca = (unsigned char)a[i];
			la = 1;
		}
		if ((lb = utf8_decode(b + j, nb - j, &cb)) == -1) {
			cb = (unsigned char)b[j];
			lb = 1;
		}
		ca = alpha_weight(ca);
		cb = alpha_weight(cb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		i += (size_t)la;
		j += (size_t)lb;
	}
	if (i < na || j < nb)
		return i < na ? 1 : -1;
	if ((la = memcmp(a, b, na < nb ? na : nb)) != 0)
		return la;
	return na == nb ? 0 : na < nb ? -1 : 1;
}


int
alpha_strcmp(const char *a, const char *b)
{
	return alpha_cmp(a, strlen(a), b, strlen(b));
}

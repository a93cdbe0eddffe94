/*
 * reqnum — application request numbers: 27 random digits from the OS CSPRNG (~89 bits, so
 * numbers cannot be guessed) and one Damm check digit (every single-digit typo and every
 * swap of neighbours is caught before the network), written as seven groups of four:
 * 4821-0937-5512-0684-3319-7725-4406. Parsing accepts spaces or no separators at all.
 * Functions return 0 or -1; reqnum_parse names the problem.
 */
#ifndef NCA_REQNUM_H
#define NCA_REQNUM_H

#include "common/problem.h"

#define REQNUM_DIGITS	28
#define REQNUM_LEN	(REQNUM_DIGITS + REQNUM_DIGITS / 4 - 1)	/* with dashes: 34 */

int	reqnum_generate(char out[REQNUM_LEN + 1], char **cause);
/* Canonical form into out, or -1 with "request_number.*" problems. */
int	reqnum_parse(const char *in, char out[REQNUM_LEN + 1], struct problems *);
/* The Damm check digit of n ASCII digits. */
int	reqnum_damm(const char *digits, size_t n);

#endif

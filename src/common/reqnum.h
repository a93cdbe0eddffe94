/*
 * reqnum — application request numbers: 27 random digits from the OS CSPRNG (~89 bits, so
 * numbers cannot be guessed) and one Damm check digit (every single-digit typo and every
 * swap of neighbours is caught before the network), written as seven groups of four:
 * 4821-0937-5512-0684-3319-7725-4406. Parsing accepts spaces or no separators at all.
 * Functions return 0 or -1; reqnum_parse names the problem. reqnum_mask hides them in logs.
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
/*
 * In place: every whole request number in text (REQNUM_DIGITS digits, with or without
 * dashes, standing alone) becomes its first group and "-*", "4821-*". For logs: a number
 * is the key to an application, a group is enough to follow one through a log.
 */
void	reqnum_mask(char *text);

#endif

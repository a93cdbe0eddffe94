/*
 * gucode — syntax of a ГУ/СКС code, the Treasury's client code of a government institution
 * or quasi-public entity, carried in certificates as businessCategory=KS<code>. Its format
 * is not public; ncaenroll accepts 4 to 8 digits (nca-facts.md §5, a decision) and the
 * service checks the code against the organization's registered ones. 0 valid, -1 not.
 */
#ifndef NCA_GUCODE_H
#define NCA_GUCODE_H

#include "common/problem.h"

#define GUCODE_MIN 4
#define GUCODE_MAX 8

int	gucode_check(const char *code, struct problems *);

#endif

/*
 * alpha — the order a reader of Kazakh, Russian or English expects names in: the Kazakh
 * alphabet (а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь
 * э ю я, which holds the Russian one in the same order) after Latin and every other
 * character, case ignored, bytes breaking ties. One rule for the service's directories
 * (store-sqlite's collation) and the clients that sort names in the reader's language.
 * Pure functions; strings are UTF-8 (a broken byte sorts by its value).
 */
#ifndef NCA_ALPHA_H
#define NCA_ALPHA_H

#include <stddef.h>

/* <0, 0, >0 as a sorts before, with, after b; lengths in bytes. */
int	alpha_cmp(const char *a, size_t na, const char *b, size_t nb);
/* The same for C strings. */
int	alpha_strcmp(const char *a, const char *b);

#endif

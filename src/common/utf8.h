/*
 * utf8 — decoding just enough UTF-8 to judge input: validators need code points (a
 * password's "ж" is one character, not two bytes) and must refuse malformed sequences.
 * Pure functions, no allocation.
 */
#ifndef NCA_UTF8_H
#define NCA_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (len bytes available): bytes used (1-4), or -1 if malformed. */
int	utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Characters in s, or -1 if s is not well-formed UTF-8. */
long	utf8_count(const char *s);
/*
 * Finds the first character of s for which ok() is false: returns 1 and sets *pos (1-based,
 * in characters) and ch (that character as typed, NUL-terminated); 0 if there is none;
 * -1 if s is not well-formed UTF-8.
 */
int	utf8_first_not(const char *s, int (*ok)(uint32_t), size_t *pos, char ch[5]);
int	utf8_is_ascii_digit(uint32_t);

#endif

/*
 * utf8 — decoding just enough UTF-8 to judge input: validators need code points (a
 * password's "ж" is one character, not two bytes) and must refuse malformed sequences;
 * making text from outside safe to put on a terminal; and fitting text to a terminal's
 * columns. Pure functions; only utf8_fit allocates.
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
/*
 * Makes text from outside (the service's answers) safe for a terminal, in place: removes
 * escape sequences whole (CSI, OSC, DCS and other ESC sequences, with what they carry),
 * the other C0 controls, DEL, the C1 controls (U+0080-U+009F, 8-bit CSI among them) and
 * the bidirectional overrides that can make text read other than it is; a byte that is
 * not UTF-8 becomes '?'. With lines, newline and tab are kept (PEM, a form's text);
 * without, each becomes a space. Returns how many characters were removed or replaced.
 */
size_t	utf8_sanitize(char *s, int lines);
/*
 * Text fitted to the terminal by display columns, never bytes: Kazakh and Russian
 * letters take one column and two bytes. utf8_fit cuts with "…" and, with pad, fills with
 * spaces to exactly cols; malloc'd, NULL when memory runs out.
 */
size_t	utf8_width(const char *s);
/*
 * The columns of one character, the one measure every screen uses (as wcwidth, without
 * depending on the locale): -1 a control character, 0 a combining mark or a zero-width
 * joiner, 2 a wide East Asian character, 1 any other. utf8_width counts a control as 1.
 */
int	utf8_cols(uint32_t cp);
char	*utf8_fit(const char *s, size_t cols, int pad);

#endif

/*
 * captcha-font — the captcha's hand-made bitmap font: one bold 8x9 glyph for each letter of
 * CAPTCHA_ALPHABET and nothing else. Glyphs are static const rows of '#' (ink) and '.';
 * the pointer returned stays valid for the program's life. Used by captcha.c only.
 */
#ifndef NCA_CAPTCHA_FONT_H
#define NCA_CAPTCHA_FONT_H

/* No letter a reader could take for another (no 0/O, 1/I/L). */
#define CAPTCHA_ALPHABET	"23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define CAPTCHA_FONT_W	8
#define CAPTCHA_FONT_H	9

/* The rows of c's glyph (upper case), or NULL if c is not in the alphabet. */
const char *const	*captcha_font_glyph(int c);

#endif

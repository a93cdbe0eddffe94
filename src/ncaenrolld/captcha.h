/*
 * captcha — "the code from the picture": a code of CAPTCHA_ALPHABET letters drawn with
 * OpenSSL's CSPRNG, a small bent 1-bit picture of it for the TUI's half blocks, and the MAC
 * the store keeps instead of the answer (keyed with the service's secret). No I/O, no globals, thread-safe. The caller owns a
 * struct captcha filled here and frees it with captcha_free (NULL-safe, idempotent). int
 * functions return 0 or -1 with a caller-freed cause; captcha_check is a predicate (1/0).
 */
#ifndef NCA_CAPTCHA_H
#define NCA_CAPTCHA_H

#include <jansson.h>

#include "ncaenrolld/captcha-font.h"	/* CAPTCHA_ALPHABET: the letters it draws */

#define CAPTCHA_LEN		6	/* generated codes */
#define CAPTCHA_LEN_MIN		5	/* fixed codes may be 5 or 6 */
#define CAPTCHA_LEN_MAX		6
#define CAPTCHA_WIDTH		72	/* pixels; one terminal column each */
#define CAPTCHA_HEIGHT		16	/* pixels; two per terminal row: 8 rows */
#define CAPTCHA_HASH_LEN	64	/* hex HMAC-SHA256 */
#define CAPTCHA_KEY_LEN		32	/* the service's secret, STATE/captcha.key */
#define CAPTCHA_TAG_LEN		8	/* hex: which key a captcha was drawn under */

struct captcha {
	char		 code[8];	/* upper case, NUL-terminated */
	int		 width, height;
	unsigned char	*bits;		/* width * height bytes, 0 or 1 (ink), row-major */
};

/*
 * How one picture is bent. captcha_make draws it at random; it is public so that tests
 * and captcha-show can render chosen (e.g. extreme, or clean) pictures.
 */
#define CAPTCHA_DX_MAX		1	/* glyph jitter: -1..1 pixels across */
#define CAPTCHA_DY_MAX		2	/* glyph offset: -2..2 pixels down */
#define CAPTCHA_LEAN_MAX	1	/* glyph shear: -1 left, 0 upright, 1 right */
#define CAPTCHA_LINE_PERIOD	28	/* columns; the line swings 3 rows up and down */
#define CAPTCHA_NOISE_MAX	20	/* stray pixels (those next to ink are left out) */

struct captcha_warp {
	int	dx[CAPTCHA_LEN_MAX];
	int	dy[CAPTCHA_LEN_MAX];
	int	lean[CAPTCHA_LEN_MAX];
	int	line;			/* middle row of the wavy line, or -1: no line */
	int	line_phase;		/* 0..CAPTCHA_LINE_PERIOD-1 */
	int	nnoise;			/* 0..CAPTCHA_NOISE_MAX */
	int	noise[CAPTCHA_NOISE_MAX];	/* pixel indexes, y * CAPTCHA_WIDTH + x */
};

/* A new captcha: fixed_code (5-6 letters of the alphabet, any case) or a random one. */
int	 captcha_make(const char *fixed_code, struct captcha *, char **cause);
/* The picture of code bent by warp; -1 if the code or the warp is out of range. */
int	 captcha_render(const char *code, const struct captcha_warp *, struct captcha *,
	    char **cause);
void	 captcha_free(struct captcha *);
/* height strings of width characters, '#' ink and '.' paper (the API's "bitmap"); NULL: ENOMEM. */
json_t	*captcha_bitmap_json(const struct captcha *);

/*
 * What the store keeps: lower-case hex HMAC-SHA256 under key of the captcha id and the
 * answer with surrounding white space removed and letters upper-cased, so " ab3xy"
 * matches "AB3XY". Keyed: whoever reads the store cannot try the few million codes
 * against it. 0, or -1 (no cause) if key, id or answer is NULL or OpenSSL fails.
 */
int	 captcha_hash(const unsigned char key[CAPTCHA_KEY_LEN], const char *id,
	    const char *answer, char out[CAPTCHA_HASH_LEN + 1]);
/*
 * The key's tag: 4 bytes of an HMAC under it of a fixed text, in hex. A captcha id starts
 * with it, so that an instance whose key differs from the drawing instance's (several on
 * one store, a key not copied) can say so instead of calling a right answer wrong. It
 * tells nothing usable about the key. 0, or -1 if OpenSSL fails.
 */
int	 captcha_key_tag(const unsigned char key[CAPTCHA_KEY_LEN],
	    char out[CAPTCHA_TAG_LEN + 1]);
/* 1 if answer is the one whose MAC is stored under id (constant-time compare), else 0. */
int	 captcha_check(const unsigned char key[CAPTCHA_KEY_LEN], const char *id,
	    const char *answer, const char *stored_hash);

#endif

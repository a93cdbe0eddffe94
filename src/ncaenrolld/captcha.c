/*
 * captcha — the code, its picture and its hash: letters drawn from OpenSSL's CSPRNG, each
 * glyph moved and leaned, a swinging line behind them and stray pixels about.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "ncaenrolld/captcha.h"

/*
 * A picture this small cannot stop a determined program (the service's rate limit and the
 * captcha's short life do that); it keeps a plain OCR pass or template match from reading
 * it while a person reads it at a glance. Every glyph is moved (dx, dy) and leans (a pixel
 * at its top and bottom) on its own; a swinging line runs behind the glyphs and stray pixels
 * lie on clear paper. Neither touches a glyph: seen with captcha-show at 8 terminal rows, a
 * line across the ink, or a column wave, made letters unreadable (a straight line passed
 * for a bar; the wave broke every bar in two).
 *
 * The layout is fixed so that no warp pushes ink off the picture or into the next glyph:
 * glyphs stand PITCH columns apart (at worst neighbours touch), the top row sits at
 * TOP + dy within 0..HEIGHT - FONT_H.
 */
#define CAPTCHA_TOP		3
#define CAPTCHA_PITCH_6		12
#define CAPTCHA_PITCH_5		13

_Static_assert(CAPTCHA_TOP - CAPTCHA_DY_MAX >= 0 &&
    CAPTCHA_TOP + CAPTCHA_DY_MAX + CAPTCHA_FONT_H <= CAPTCHA_HEIGHT,
    "a glyph at its highest or lowest stays in the picture");
_Static_assert(CAPTCHA_PITCH_6 - CAPTCHA_FONT_W - 2 * (CAPTCHA_DX_MAX + CAPTCHA_LEAN_MAX) >= 0,
    "neighbours never overlap");
_Static_assert(5 * CAPTCHA_PITCH_6 + CAPTCHA_FONT_W + 2 * (CAPTCHA_DX_MAX +
    CAPTCHA_LEAN_MAX) <= CAPTCHA_WIDTH, "six glyphs fit across");
_Static_assert(4 * CAPTCHA_PITCH_5 + CAPTCHA_FONT_W + 2 * (CAPTCHA_DX_MAX +
    CAPTCHA_LEAN_MAX) <= CAPTCHA_WIDTH, "five glyphs fit across");
_Static_assert(CAPTCHA_HEIGHT % 2 == 0, "whole terminal rows of half blocks");

/* One period of the line's swing: 3 sin(2 pi x / period), rounded. */
static const signed char captcha_swing[CAPTCHA_LINE_PERIOD] = {
	0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 2, 2, 1, 1,
	0, -1, -1, -2, -2, -3, -3, -3, -3, -3, -2, -2, -1, -1,
};

/*
 * Random numbers for one captcha, drawn from RAND_bytes in blocks. A failure is sticky
 * (err): the caller checks it once after all draws instead of after each.
 */
struct captcha_rng {
	unsigned char	buf[128];
	size_t		pos;
	int		err;
};

/* Uniform in 0..n-1 (n <= 65536): 16-bit draws, rejecting the top remainder. */
static unsigned
captcha_rng_below(struct captcha_rng *r, unsigned n)
{
	unsigned	v, limit = 65536U - 65536U % n;

	for (;;) {
		if (r->err)
			return 0;
		if (r->pos + 2 > sizeof r->buf) {
			if (RAND_bytes(r->buf, sizeof r->buf) != 1) {
				r->err = 1;
				return 0;
			}
			r->pos = 0;
		}
		v = (unsigned)r->buf[r->pos] << 8 | r->buf[r->pos + 1];
		r->pos += 2;
		if (v < limit)
			return v % n;
	}
}

static int
captcha_rng_range(struct captcha_rng *r, int lo, int hi)
{
	return lo + (int)captcha_rng_below(r, (unsigned)(hi - lo + 1));
}

/* Checks code and writes its upper-case form into out; 0 or -1 with a cause. */
static int
captcha_code_normalise(const char *code, char out[8], char **cause)
{
	size_t	len, i;
	char	c;

	len = code != NULL ? strlen(code) : 0;
	if (len < CAPTCHA_LEN_MIN || len > CAPTCHA_LEN_MAX) {
		cause_set(cause, _("a captcha code has %d to %d characters; this one has %zu"),
		    CAPTCHA_LEN_MIN, CAPTCHA_LEN_MAX, len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (strchr(CAPTCHA_ALPHABET, c) == NULL) {
			cause_set(cause, _("a captcha code is made of %s; character %zu is not one "
			    "of them"), CAPTCHA_ALPHABET, i + 1);
			return -1;
		}
		out[i] = c;
	}
	out[len] = '\0';
	return 0;
}

static int
captcha_warp_check(const struct captcha_warp *w, char **cause)
{
	int	i, bad = w->line < -1 || w->line >= CAPTCHA_HEIGHT ||
		    w->line_phase < 0 || w->line_phase >= CAPTCHA_LINE_PERIOD ||
		    w->nnoise < 0 || w->nnoise > CAPTCHA_NOISE_MAX;

	for (i = 0; i < CAPTCHA_LEN_MAX; i++)
		bad |= abs(w->dx[i]) > CAPTCHA_DX_MAX || abs(w->dy[i]) > CAPTCHA_DY_MAX ||
		    abs(w->lean[i]) > CAPTCHA_LEAN_MAX;
	for (i = 0; i < w->nnoise && !bad; i++)
		bad |= w->noise[i] < 0 || w->noise[i] >= CAPTCHA_WIDTH * CAPTCHA_HEIGHT;
	if (bad) {
		cause_set(cause, "captcha warp out of range");
		return -1;
	}
	return 0;
}

/* num / den rounded half away from zero (den > 0). */
static int
captcha_div_round(int num, int den)
{
	return num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
}

/* Pixels row r of a glyph moves right: lean at the top, -lean at the bottom. */
static int
captcha_lean(int lean, int r)
{
	return captcha_div_round(lean * (CAPTCHA_FONT_H / 2 - r), CAPTCHA_FONT_H / 2);
}

static void
captcha_put(struct captcha *c, int x, int y)
{
	/* The layout asserts keep glyphs inside; the bound guards the line and the noise. */
	if (x >= 0 && x < c->width && y >= 0 && y < c->height)
		c->bits[y * c->width + x] = 1;
}

static void
captcha_glyph(struct captcha *c, const struct captcha_warp *w, int i, int left)
{
	const char *const	*rows = captcha_font_glyph(c->code[i]);
	int			 r, col, x, y;

	for (r = 0; r < CAPTCHA_FONT_H; r++)
		for (col = 0; col < CAPTCHA_FONT_W; col++) {
			if (rows[r][col] != '#')
				continue;
			x = left + w->dx[i] + col + captcha_lean(w->lean[i], r);
			y = CAPTCHA_TOP + w->dy[i] + r;
			captcha_put(c, x, y);
		}
}

/* Whether no ink is at or next to (x, y). */
static int
captcha_clear(const struct captcha *c, int x, int y)
{
	int	nx, ny;

	for (ny = y - 1; ny <= y + 1; ny++)
		for (nx = x - 1; nx <= x + 1; nx++)
			if (nx >= 0 && nx < c->width && ny >= 0 && ny < c->height &&
			    c->bits[ny * c->width + nx])
				return 0;
	return 1;
}

/*
 * A one-pixel line from the left edge to the right, swinging up and down (a straight one
 * lies along the bars), broken a pixel short of the glyphs as if it ran behind them.
 * Decided on the glyphs alone, so that the line does not break itself.
 */
static void
captcha_line(struct captcha *c, int mid, int phase)
{
	int	x, y[CAPTCHA_WIDTH];

	for (x = 0; x < c->width; x++) {
		y[x] = mid + captcha_swing[(x + phase) % CAPTCHA_LINE_PERIOD];
		if (!captcha_clear(c, x, y[x]))
			y[x] = -1;
	}
	for (x = 0; x < c->width; x++)
		captcha_put(c, x, y[x]);
}

/* Stray pixels, only on clear paper: they must not change a glyph's outline. */
static void
captcha_noise(struct captcha *c, const struct captcha_warp *w)
{
	int	i, x, y;

	for (i = 0; i < w->nnoise; i++) {
		x = w->noise[i] % CAPTCHA_WIDTH;
		y = w->noise[i] / CAPTCHA_WIDTH;
		if (captcha_clear(c, x, y))
			c->bits[y * c->width + x] = 1;
	}
}

int
captcha_render(const char *code, const struct captcha_warp *w, struct captcha *c,
    char **cause)
{
	int	n, pitch, left, i;

	memset(c, 0, sizeof *c);
	if (captcha_code_normalise(code, c->code, cause) == -1 ||
	    captcha_warp_check(w, cause) == -1)
		return -1;
	c->width = CAPTCHA_WIDTH;
	c->height = CAPTCHA_HEIGHT;
	if ((c->bits = calloc((size_t)c->width * (size_t)c->height, 1)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	n = (int)strlen(c->code);
	pitch = n == CAPTCHA_LEN_MAX ? CAPTCHA_PITCH_6 : CAPTCHA_PITCH_5;
	left = (c->width - (n - 1) * pitch - CAPTCHA_FONT_W) / 2;
	for (i = 0; i < n; i++)
		captcha_glyph(c, w, i, left + i * pitch);
	if (w->line >= 0)
		captcha_line(c, w->line, w->line_phase);
	captcha_noise(c, w);
	return 0;
}

static void
captcha_warp_random(struct captcha_rng *r, struct captcha_warp *w)
{
	int	i;

	for (i = 0; i < CAPTCHA_LEN_MAX; i++) {
		w->dx[i] = captcha_rng_range(r, -CAPTCHA_DX_MAX, CAPTCHA_DX_MAX);
		w->dy[i] = captcha_rng_range(r, -CAPTCHA_DY_MAX, CAPTCHA_DY_MAX);
		w->lean[i] = captcha_rng_range(r, -CAPTCHA_LEAN_MAX, CAPTCHA_LEAN_MAX);
	}
	/* Through the middle band, where it crosses every glyph. */
	w->line = captcha_rng_range(r, CAPTCHA_HEIGHT / 2 - 2, CAPTCHA_HEIGHT / 2 + 1);
	w->line_phase = captcha_rng_range(r, 0, CAPTCHA_LINE_PERIOD - 1);
	w->nnoise = captcha_rng_range(r, CAPTCHA_NOISE_MAX / 2, CAPTCHA_NOISE_MAX);
	for (i = 0; i < w->nnoise; i++)
		w->noise[i] = captcha_rng_range(r, 0, CAPTCHA_WIDTH * CAPTCHA_HEIGHT - 1);
}

int
captcha_make(const char *fixed_code, struct captcha *c, char **cause)
{
	struct captcha_rng	r = { .pos = sizeof r.buf };
	struct captcha_warp	w;
	char			code[8];
	int			i, rc = -1;

	memset(c, 0, sizeof *c);
	if (fixed_code != NULL) {
		if (captcha_code_normalise(fixed_code, code, cause) == -1)
			goto out;
	} else {
		for (i = 0; i < CAPTCHA_LEN; i++)
			code[i] = CAPTCHA_ALPHABET[captcha_rng_below(&r,
			    sizeof CAPTCHA_ALPHABET - 1)];
		code[CAPTCHA_LEN] = '\0';
	}
	captcha_warp_random(&r, &w);
	if (r.err) {
		cause_set(cause, _("the random number generator failed"));
		goto out;
	}
	rc = captcha_render(code, &w, c, cause);
out:
	OPENSSL_cleanse(&r, sizeof r);
	OPENSSL_cleanse(code, sizeof code);
	return rc;
}

void
captcha_free(struct captcha *c)
{
	if (c == NULL)
		return;
	free(c->bits);
	memset(c, 0, sizeof *c);
}

json_t *
captcha_bitmap_json(const struct captcha *c)
{
	json_t	*rows, *row;
	char	 line[CAPTCHA_WIDTH + 1];
	int	 x, y;

	if (c->width <= 0 || c->width > CAPTCHA_WIDTH || c->height <= 0 || c->bits == NULL)
		return NULL;
	if ((rows = json_array()) == NULL)
		return NULL;
	for (y = 0; y < c->height; y++) {
		for (x = 0; x < c->width; x++)
			line[x] = c->bits[y * c->width + x] ? '#' : '.';
		if ((row = json_stringn(line, (size_t)c->width)) == NULL ||
		    json_array_append_new(rows, row) == -1) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

static int
captcha_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Feeds the answer to the MAC trimmed and upper-cased, a block at a time. */
static int
captcha_hash_answer(EVP_MAC_CTX *ctx, const char *answer)
{
	const char	*end = answer + strlen(answer);
	char		 block[64];
	size_t		 n = 0;

	while (answer < end && captcha_is_space(*answer))
		answer++;
	while (end > answer && captcha_is_space(end[-1]))
		end--;
	for (; answer < end; answer++) {
		block[n++] = *answer >= 'a' && *answer <= 'z' ?
		    (char)(*answer - 'a' + 'A') : *answer;
		if (n == sizeof block || answer + 1 == end) {
			if (EVP_MAC_update(ctx, (const unsigned char *)block, n) != 1)
				return -1;
			n = 0;
		}
	}
	return 0;
}

int
captcha_hash(const unsigned char key[CAPTCHA_KEY_LEN], const char *id, const char *answer,
    char out[CAPTCHA_HASH_LEN + 1])
{
	/* Versioned and NUL-separated: no id/answer split can collide with another. */
	static const char	 domain[] = "ncaenroll-captcha-v2";
	static const char	 hex[] = "0123456789abcdef";
	char			 digest[] = "SHA256";
	OSSL_PARAM		 params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC			*mac = NULL;
	EVP_MAC_CTX		*ctx = NULL;
	unsigned char		 md[32];
	size_t			 mdlen = 0, i;
	int			 rc = -1;

	out[0] = '\0';
	if (key == NULL || id == NULL || answer == NULL)
		goto out;
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	if (EVP_MAC_init(ctx, key, CAPTCHA_KEY_LEN, params) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)domain, sizeof domain) != 1 ||
	    EVP_MAC_update(ctx, (const unsigned char *)id, strlen(id) + 1) != 1 ||
	    captcha_hash_answer(ctx, answer) == -1 ||
	    EVP_MAC_final(ctx, md, &mdlen, sizeof md) != 1 || mdlen != sizeof md)
		goto out;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[CAPTCHA_HASH_LEN] = '\0';
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	OPENSSL_cleanse(md, sizeof md);
	return rc;
}

int
captcha_key_tag(const unsigned char key[CAPTCHA_KEY_LEN], char out[CAPTCHA_TAG_LEN + 1])
{
	static const char	 text[] = "ncaenroll-captcha-key-tag-v1";
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[32];
	size_t			 mdlen = 0, i;

	out[0] = '\0';
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, CAPTCHA_KEY_LEN,
	    (const unsigned char *)text, sizeof text - 1, md, sizeof md, &mdlen) == NULL ||
	    mdlen != sizeof md)
		return -1;
	for (i = 0; i < CAPTCHA_TAG_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[CAPTCHA_TAG_LEN] = '\0';
	return 0;
}

int
captcha_check(const unsigned char key[CAPTCHA_KEY_LEN], const char *id, const char *answer,
    const char *stored_hash)
{
	char	h[CAPTCHA_HASH_LEN + 1];

	if (stored_hash == NULL || strlen(stored_hash) != CAPTCHA_HASH_LEN ||
	    captcha_hash(key, id, answer, h) == -1)
		return 0;
	return CRYPTO_memcmp(h, stored_hash, CAPTCHA_HASH_LEN) == 0;
}

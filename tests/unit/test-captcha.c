/* The captcha as the applicant meets it: a code to type, a picture to read, an answer checked. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/halfblock.h"
#include "ncaenrolld/captcha.h"

static const char alphabet[] = CAPTCHA_ALPHABET;

static int
ink(const struct captcha *c)
{
	int	i, n = 0;

	for (i = 0; i < c->width * c->height; i++)
		n += c->bits[i];
	return n;
}

static void
test_random_codes(void **state)
{
	struct captcha	c;
	int		seen[256] = { 0 }, i, j;

	(void)state;
	for (i = 0; i < 300; i++) {
		assert_int_equal(captcha_make(NULL, &c, NULL), 0);
		assert_int_equal(strlen(c.code), CAPTCHA_LEN);
		for (j = 0; c.code[j] != '\0'; j++) {
			if (strchr(alphabet, c.code[j]) == NULL)
				fail_msg("'%c' in %s is not in the alphabet", c.code[j], c.code);
			seen[(unsigned char)c.code[j]]++;
		}
		captcha_free(&c);
	}
	/* 1800 draws: a letter never drawn would mean a broken sampler (chance ~e^-58). */
	for (j = 0; alphabet[j] != '\0'; j++)
		if (seen[(unsigned char)alphabet[j]] == 0)
			fail_msg("'%c' never drawn", alphabet[j]);
	for (j = 0; j < 256; j++)
		if (strchr("01OIL", j) != NULL && j != 0)
			assert_int_equal(seen[j], 0);
}

static void
test_two_differ(void **state)
{
	struct captcha	a, b;

	(void)state;
	assert_int_equal(captcha_make(NULL, &a, NULL), 0);
	assert_int_equal(captcha_make(NULL, &b, NULL), 0);
	assert_string_not_equal(a.code, b.code);
	assert_memory_not_equal(a.bits, b.bits, (size_t)a.width * (size_t)a.height);
	captcha_free(&a);
	captcha_free(&b);
	/* The same fixed code still comes out bent differently each time. */
	assert_int_equal(captcha_make("K7M2P", &a, NULL), 0);
	assert_int_equal(captcha_make("K7M2P", &b, NULL), 0);
	assert_memory_not_equal(a.bits, b.bits, (size_t)a.width * (size_t)a.height);
	captcha_free(&a);
	captcha_free(&b);
}

static void
test_fixed_code(void **state)
{
	static const char	*bad[] = { "", "ABC4", "ABCDEFG", "ABC0E", "AB1DE", "ABIDE",
	    "ALPHA", "OOOOO", "AB CD", " ABCD", "ABCD\xc3\x89", "AB-CD" };
	struct captcha		 c;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	assert_int_equal(captcha_make("ab3xy", &c, &cause), 0);
	assert_string_equal(c.code, "AB3XY");
	assert_null(cause);
	captcha_free(&c);
	assert_int_equal(captcha_make("K7M2PQ", &c, NULL), 0);
	assert_string_equal(c.code, "K7M2PQ");
	captcha_free(&c);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (captcha_make(bad[i], &c, &cause) != -1)
			fail_msg("fixed code \"%s\" accepted", bad[i]);
		assert_non_null(cause);
		assert_null(c.bits);
		free(cause);
		cause = NULL;
	}
	captcha_free(&c);	/* harmless after a failure, and twice */
	captcha_free(&c);
	captcha_free(NULL);
}

static void
test_bitmap_size(void **state)
{
	struct captcha	c;
	int		i, k;

	(void)state;
	for (k = 0; k < 50; k++) {
		assert_int_equal(captcha_make(k % 2 ? "HJKMN" : NULL, &c, NULL), 0);
		assert_true(c.width > 0 && c.width <= 72);
		assert_true(c.height > 0 && c.height <= 16);
		assert_int_equal(c.height % 2, 0);
		for (i = 0; i < c.width * c.height; i++)
			assert_true(c.bits[i] == 0 || c.bits[i] == 1);
		captcha_free(&c);
	}
}

/* Warps that push glyphs as far as they go: all one way, all the other, alternating. */
static void
extreme_warp(struct captcha_warp *w, int pattern)
{
	int	i, s;

	memset(w, 0, sizeof *w);
	w->line = -1;
	for (i = 0; i < CAPTCHA_LEN_MAX; i++) {
		s = pattern == 0 ? -1 : pattern == 1 ? 1 : (i + pattern) % 2 ? 1 : -1;
		w->dx[i] = s * CAPTCHA_DX_MAX;
		w->dy[i] = (pattern == 3 ? -s : s) * CAPTCHA_DY_MAX;
		w->lean[i] = (pattern == 4 ? -s : s) * CAPTCHA_LEAN_MAX;
	}
}

/* Every glyph has ink, and no warp clips it at an edge or runs it into its neighbour. */
static void
test_every_glyph_inside(void **state)
{
	struct captcha_warp	plain, w;
	struct captcha		c;
	char			code[CAPTCHA_LEN_MAX + 1];
	int			per[128] = { 0 }, n, len, p, j, x, y, sum;

	(void)state;
	memset(&plain, 0, sizeof plain);
	plain.line = -1;
	for (j = 0; alphabet[j] != '\0'; j++) {
		for (len = CAPTCHA_LEN_MIN; len <= CAPTCHA_LEN_MAX; len++) {
			memset(code, alphabet[j], (size_t)len);
			code[len] = '\0';
			assert_int_equal(captcha_render(code, &plain, &c, NULL), 0);
			n = ink(&c);
			/* Nothing upright touches the frame, so nothing was cut off. */
			for (x = 0; x < c.width; x++)
				assert_true(!c.bits[x] && !c.bits[(c.height - 1) * c.width + x]);
			for (y = 0; y < c.height; y++)
				assert_true(!c.bits[y * c.width] && !c.bits[y * c.width + c.width - 1]);
			captcha_free(&c);
			assert_true(n > 0 && n % len == 0);
			if (per[(int)alphabet[j]] == 0)
				per[(int)alphabet[j]] = n / len;
			assert_int_equal(per[(int)alphabet[j]], n / len);
			for (p = 0; p < 5; p++) {
				extreme_warp(&w, p);
				assert_int_equal(captcha_render(code, &w, &c, NULL), 0);
				if (ink(&c) != n)
					fail_msg("%s, warp %d: %d pixels of %d", code, p, ink(&c), n);
				captcha_free(&c);
			}
		}
	}
	/* Different neighbours leaning into each other keep all their pixels too. */
	for (j = 0; j + CAPTCHA_LEN_MAX <= (int)sizeof alphabet - 1; j++) {
		memcpy(code, alphabet + j, CAPTCHA_LEN_MAX);
		code[CAPTCHA_LEN_MAX] = '\0';
		for (sum = 0, x = 0; x < CAPTCHA_LEN_MAX; x++)
			sum += per[(int)code[x]];
		for (p = 2; p < 5; p++) {
			extreme_warp(&w, p);
			assert_int_equal(captcha_render(code, &w, &c, NULL), 0);
			assert_int_equal(ink(&c), sum);
			captcha_free(&c);
		}
	}
}

/* The line and the stray pixels never touch a letter: its outline stays as drawn. */
static void
test_clutter_keeps_clear(void **state)
{
	struct captcha_warp	w;
	struct captcha		clean, busy;
	int			i, k, x, y, nx, ny, extra;

	(void)state;
	for (k = 0; k < 20; k++) {
		extreme_warp(&w, k % 5);
		w.line = 5 + k % 6;
		w.line_phase = k;
		w.nnoise = CAPTCHA_NOISE_MAX;
		for (i = 0; i < w.nnoise; i++)
			w.noise[i] = (i * 577 + k * 131) % (CAPTCHA_WIDTH * CAPTCHA_HEIGHT);
		assert_int_equal(captcha_render("W8BZ2S", &w, &busy, NULL), 0);
		w.line = -1;
		w.nnoise = 0;
		assert_int_equal(captcha_render("W8BZ2S", &w, &clean, NULL), 0);
		extra = 0;
		for (y = 0; y < busy.height; y++)
			for (x = 0; x < busy.width; x++) {
				if (clean.bits[y * busy.width + x]) {
					assert_int_equal(busy.bits[y * busy.width + x], 1);
					continue;
				}
				if (!busy.bits[y * busy.width + x])
					continue;
				extra++;
				for (ny = y - 1; ny <= y + 1; ny++)
					for (nx = x - 1; nx <= x + 1; nx++)
						if (nx >= 0 && nx < busy.width && ny >= 0 &&
						    ny < busy.height)
							assert_int_equal(clean.bits[ny * busy.width + nx], 0);
			}
		assert_true(extra > 10);	/* and there is clutter */
		captcha_free(&busy);
		captcha_free(&clean);
	}
}

static void
test_warp_refused(void **state)
{
	struct captcha_warp	w;
	struct captcha		c;
	char			*cause = NULL;

	(void)state;
	memset(&w, 0, sizeof w);
	w.line = -1;
	w.dy[3] = CAPTCHA_DY_MAX + 1;
	assert_int_equal(captcha_render("ABCDE", &w, &c, &cause), -1);
	assert_non_null(cause);
	assert_null(c.bits);
	free(cause);
}

static void
test_json_rows(void **state)
{
	struct captcha	 c;
	json_t		*j;
	const char	*row;
	int		 x, y;

	(void)state;
	assert_int_equal(captcha_make(NULL, &c, NULL), 0);
	assert_non_null(j = captcha_bitmap_json(&c));
	assert_true(json_is_array(j));
	assert_int_equal(json_array_size(j), c.height);
	for (y = 0; y < c.height; y++) {
		assert_non_null(row = json_string_value(json_array_get(j, (size_t)y)));
		assert_int_equal(strlen(row), c.width);
		for (x = 0; x < c.width; x++)
			assert_int_equal(row[x], c.bits[y * c.width + x] ? '#' : '.');
	}
	json_decref(j);
	captcha_free(&c);
}

static void
test_hash(void **state)
{
	unsigned char	key[CAPTCHA_KEY_LEN], other[CAPTCHA_KEY_LEN];
	char		h1[65], h2[65], h3[65];
	int		i;

	(void)state;
	for (i = 0; i < CAPTCHA_KEY_LEN; i++) {
		key[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	assert_int_equal(captcha_hash(key, "c-1", "ab3xy", h1), 0);
	assert_int_equal(strlen(h1), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", h1[i]));
	/* Pinned (HMAC-SHA256 under key): stored answers must survive a rebuild. */
	assert_string_equal(h1,
	    "584ee93598248c686ce406f69775b84aca8e02d49551134377074b2be7656a37");
	assert_int_equal(captcha_hash(key, "c-1", " \tAB3xy \n", h2), 0);
	assert_string_equal(h1, h2);
	assert_int_equal(captcha_hash(key, "c-2", "AB3XY", h3), 0);
	assert_string_not_equal(h1, h3);
	assert_int_equal(captcha_hash(key, "c-1", "AB3XZ", h3), 0);
	assert_string_not_equal(h1, h3);
	assert_int_equal(captcha_hash(key, "c-1", "AB 3XY", h3), 0);
	assert_string_not_equal(h1, h3);
	/* The id and the answer cannot trade characters. */
	assert_int_equal(captcha_hash(key, "c-1A", "B3XY", h3), 0);
	assert_string_not_equal(h1, h3);

	assert_int_equal(captcha_check(key, "c-1", "ab3xy", h1), 1);
	assert_int_equal(captcha_check(key, "c-1", "  AB3XY  ", h1), 1);
	assert_int_equal(captcha_check(key, "c-1", "AB3XZ", h1), 0);
	assert_int_equal(captcha_check(key, "c-1", "", h1), 0);
	assert_int_equal(captcha_check(key, "c-2", "AB3XY", h1), 0);
	h1[63] = '\0';
	assert_int_equal(captcha_check(key, "c-1", "AB3XY", h1), 0);
	assert_int_equal(captcha_check(key, "c-1", "AB3XY", NULL), 0);
	assert_int_equal(captcha_check(key, "c-1", NULL, h2), 0);
	/* Keyed: another key, another MAC; none without a key. */
	assert_int_equal(captcha_check(other, "c-1", "AB3XY", h2), 0);
	assert_int_equal(captcha_hash(NULL, "c-1", "AB3XY", h3), -1);
}

/* Reads half-block text back into pixels; returns the number of lines, or -1. */
static int
halfblock_decode(const char *s, int width, int height, unsigned char *bits)
{
	int	line = 0, x = 0, top, bottom;

	memset(bits, 0, (size_t)width * (size_t)height);
	while (*s != '\0') {
		if (*s == '\n') {
			line++;
			x = 0;
			s++;
			continue;
		}
		if (*s == ' ') {
			top = bottom = 0;
			s++;
		} else if (strncmp(s, "\xe2\x96\x80", 3) == 0) {
			top = 1, bottom = 0;
			s += 3;
		} else if (strncmp(s, "\xe2\x96\x84", 3) == 0) {
			top = 0, bottom = 1;
			s += 3;
		} else if (strncmp(s, "\xe2\x96\x88", 3) == 0) {
			top = bottom = 1;
			s += 3;
		} else
			return -1;
		if (x >= width || line * 2 >= height)
			return -1;	/* wider or taller than the picture */
		bits[line * 2 * width + x] = (unsigned char)top;
		if (line * 2 + 1 < height)
			bits[(line * 2 + 1) * width + x] = (unsigned char)bottom;
		else if (bottom)
			return -1;
		x++;
	}
	return line;
}

static void
test_halfblock_round_trip(void **state)
{
	static const unsigned char	odd[3 * 3] = { 1, 0, 1, 0, 1, 1, 1, 1, 0 };
	struct captcha			c;
	unsigned char			back[CAPTCHA_WIDTH * CAPTCHA_HEIGHT];
	char				buf[4096], line[512];
	int				k;

	(void)state;
	for (k = 0; k < 20; k++) {
		assert_int_equal(captcha_make(NULL, &c, NULL), 0);
		assert_true(halfblock_size(c.width, c.height) <= sizeof buf);
		assert_int_equal(halfblock_draw(c.width, c.height, c.bits, buf, sizeof buf), 0);
		assert_int_equal(halfblock_decode(buf, c.width, c.height, back), c.height / 2);
		assert_memory_equal(back, c.bits, (size_t)c.width * (size_t)c.height);
		/* The TUI draws line by line: the same text. */
		assert_int_equal(halfblock_line(c.width, c.height, c.bits, 1, line, sizeof line), 0);
		assert_memory_equal(line, strchr(buf, '\n') + 1, strlen(line));
		/* Too small a buffer by one byte is refused, not overrun. */
		assert_int_equal(halfblock_draw(c.width, c.height, c.bits, buf, strlen(buf)), -1);
		captcha_free(&c);
	}
	assert_int_equal(halfblock_draw(3, 3, odd, buf, sizeof buf), 0);
	assert_string_equal(buf, "\xe2\x96\x80\xe2\x96\x84\xe2\x96\x88\n\xe2\x96\x80\xe2\x96\x80 \n");
	assert_int_equal(halfblock_decode(buf, 3, 3, back), 2);
	assert_memory_equal(back, odd, sizeof odd);
	assert_string_equal(halfblock_cell(0, 0), " ");
	assert_int_equal(halfblock_line(3, 3, odd, 2, line, sizeof line), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_codes),
		cmocka_unit_test(test_two_differ),
		cmocka_unit_test(test_fixed_code),
		cmocka_unit_test(test_bitmap_size),
		cmocka_unit_test(test_every_glyph_inside),
		cmocka_unit_test(test_clutter_keeps_clear),
		cmocka_unit_test(test_warp_refused),
		cmocka_unit_test(test_json_rows),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_halfblock_round_trip),
	};

	return cmocka_run_group_tests_name("captcha", tests, NULL, NULL);
}

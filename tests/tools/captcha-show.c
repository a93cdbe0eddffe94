/*
 * captcha-show — prints captchas as the TUI will show them (half blocks, 8 rows of 72
 * columns) so that a person can judge whether they read well:
 *   captcha-show [-n COUNT] [CODE]   COUNT random captchas (or CODE, bent at random)
 *   captcha-show -a [-c]             the whole alphabet (-c: clean, without any warp)
 *   captcha-show -j [CODE]           one captcha as the API's JSON bitmap
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/halfblock.h"
#include "ncaenrolld/captcha.h"

struct show_opts {
	int	 count, all, clean, json;
	char	*code;
};

static int
show_one(const struct show_opts *o, const char *code)
{
	struct captcha		c = { .bits = NULL };
	struct captcha_warp	w = { .line = -1 };
	char			buf[2048], *cause = NULL, *dump = NULL;
	json_t			*j = NULL;
	int			rc = -1;

	if ((o->clean ? captcha_render(code, &w, &c, &cause) :
	    captcha_make(code, &c, &cause)) == -1) {
		fprintf(stderr, "captcha-show: %s\n", cause != NULL ? cause : "failed");
		goto out;
	}
	if (o->json) {
		if ((j = captcha_bitmap_json(&c)) == NULL ||
		    (dump = json_dumps(j, JSON_INDENT(1))) == NULL)
			goto out;
		printf("%s\n%s\n", c.code, dump);
	} else {
		if (halfblock_draw(c.width, c.height, c.bits, buf, sizeof buf) == -1)
			goto out;
		printf("%s  (%dx%d)\n%s\n", c.code, c.width, c.height, buf);
	}
	rc = 0;
out:
	free(dump);
	json_decref(j);
	free(cause);
	captcha_free(&c);
	return rc;
}

/* The alphabet in fives, the last group six: 31 = 5 * 5 + 6. */
static int
show_alphabet(const struct show_opts *o)
{
	static const char	alphabet[] = CAPTCHA_ALPHABET;
	char			group[CAPTCHA_LEN_MAX + 1];
	size_t			at = 0, n;

	while (at < sizeof alphabet - 1) {
		n = sizeof alphabet - 1 - at == CAPTCHA_LEN_MAX ? CAPTCHA_LEN_MAX :
		    CAPTCHA_LEN_MIN;
		memcpy(group, alphabet + at, n);
		group[n] = '\0';
		if (show_one(o, group) == -1)
			return -1;
		at += n;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct show_opts	o = { .count = 1 };
	int			ch, i;

	while ((ch = getopt(argc, argv, "acjn:")) != -1) {
		switch (ch) {
		case 'a': o.all = 1; break;
		case 'c': o.clean = 1; break;
		case 'j': o.json = 1; break;
		case 'n': o.count = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: captcha-show [-acj] [-n count] [code]\n");
			return 2;
		}
	}
	if (optind < argc)
		o.code = argv[optind];
	if (o.clean && o.code == NULL && !o.all)
		o.all = 1;
	if (o.all)
		return show_alphabet(&o) == 0 ? 0 : 1;
	for (i = 0; i < o.count; i++)
		if (show_one(&o, o.code) == -1)
			return 1;
	return 0;
}

/*
 * fuzz-forms — the form engine's loader (src/tui/formdef.c): any bytes as a forms/NAME.yaml
 * screen are loaded or refused with a cause, never crash; a screen that loads is written
 * back with formdef_dump, and that loads again and writes the same bytes (the round trip
 * test-formdef holds the real forms to).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tui/formdef.h"
#include "tui/widget.h"

/* Any action name is a button of the program's (the applicant's names are many). */
static enum action_result
fuzz_forms_run(struct screen *s)
{
	(void)s;
	return ACTION_STAY;
}

static const struct tui_action fuzz_forms_actions[] = {
	{ "*", fuzz_forms_run, 0 },
	{ NULL, NULL, 0 },
};

/* The definition as YAML, malloc'd, *len its bytes. */
static char *
fuzz_forms_dump(const struct formdef *fd, size_t *len)
{
	char	*buf = NULL, *cause = NULL;
	FILE	*f = open_memstream(&buf, len);

	if (f == NULL)
		fuzz_die("open_memstream", NULL);
	if (formdef_dump(fd, f, &cause) == -1)
		fuzz_die("a form that loaded cannot be written", cause);
	if (fclose(f) != 0)
		fuzz_die("open_memstream", NULL);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct formdef	 fd, again;
	const char	*path = fuzz_file("screen.yaml", data, len);
	char		*cause = NULL, *one, *two;
	size_t		 n1, n2;

	memset(&fd, 0, sizeof fd);
	if (formdef_load(path, fuzz_forms_actions, widget_known, &fd, &cause) == -1) {
		if (cause == NULL)
			abort();	/* refused without a word */
		free(cause);
		return 0;	/* formdef_load freed what it made */
	}
	one = fuzz_forms_dump(&fd, &n1);
	path = fuzz_file("screen.yaml", (const uint8_t *)one, n1);
	memset(&again, 0, sizeof again);
	if (formdef_load(path, fuzz_forms_actions, widget_known, &again, &cause) == -1)
		fuzz_die("what formdef_dump wrote does not load", cause);
	two = fuzz_forms_dump(&again, &n2);
	if (n1 != n2 || memcmp(one, two, n1) != 0)
		fuzz_die("the round trip changed the form", one);
	free(one);
	free(two);
	formdef_free(&again);
	formdef_free(&fd);
	return 0;
}

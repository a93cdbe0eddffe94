/*
 * fuzz-state — the applicant's state file (src/enroll/state.c): any bytes as
 * state.yaml are loaded or refused with a cause, never crash; what loads is walked
 * (every application's fields, found again by id) and written back, and what was
 * written loads again with the same applications.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enroll/state.h"
#include "fuzz.h"

static void
fuzz_state_same(const struct state *a, const struct state *b)
{
	size_t	i, j;

	if (a->napps != b->napps)
		abort();
	for (i = 0; i < a->napps; i++) {
		if (strcmp(a->apps[i].id, b->apps[i].id) != 0 ||
		    a->apps[i].state != b->apps[i].state || a->apps[i].nf != b->apps[i].nf)
			abort();
		for (j = 0; j < a->apps[i].nf; j++)
			if (strcmp(a->apps[i].f[j].key, b->apps[i].f[j].key) != 0 ||
			    strcmp(a->apps[i].f[j].value, b->apps[i].f[j].value) != 0)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*path = fuzz_file("state.yaml", data, len);
	struct state	*s, *again;
	char		*cause = NULL;
	size_t		 i, j;

	if ((s = state_open(path, &cause)) == NULL) {
		if (cause == NULL)
			abort();	/* refused without a word */
		free(cause);
		return 0;
	}
	for (i = 0; i < s->napps; i++) {
		if (state_app_find(s, s->apps[i].id) == NULL)
			abort();
		for (j = 0; j < s->apps[i].nf; j++)
			if (state_get(&s->apps[i], s->apps[i].f[j].key) == NULL)
				abort();
	}
	/* A transaction re-reads the file and rewrites it: the same state must come back. */
	if (state_begin(s, &cause) == -1 || state_commit(s, &cause) == -1)
		fuzz_die("state_commit", cause);
	if ((again = state_open(path, &cause)) == NULL)
		fuzz_die("state written, not read again", cause);
	fuzz_state_same(s, again);
	state_free(again);
	state_free(s);
	return 0;
}

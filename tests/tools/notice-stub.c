/*
 * notice-stub — a stand-in for src/ncaenrolld/notice.c (helper A's, on t14-words) so that
 * tests/tools/mail-deliver links before that branch is merged: the contract's functions
 * with words enough for the test to find (the number, some Kazakh). Remove it and link
 * notice.c once it is there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "ncaenrolld/notice.h"

static const char *const stub_wire[] = { "received", "issued", "rejected", "reminder",
	"cancelled", "expiring-30", "expiring-14", "expiring-7", "revoked" };

const char *
notice_wire(enum notice n)
{
	return stub_wire[n];
}

int
notice_parse(const char *wire, enum notice *n)
{
	size_t	i;

	for (i = 0; i < NOTICE__MAX; i++)
		if (strcmp(stub_wire[i], wire) == 0) {
			*n = (enum notice)i;
			return 0;
		}
	return -1;
}

int
notice_render(enum notice n, struct store *st, const struct store_app *a,
    const char *lang, int verification_days, time_t now, char **subject, char **body,
    char **cause)
{
	(void)st;
	(void)verification_days;
	(void)now;
	if (asprintf(subject, "Өтініш №%s: %s (%s)", a->number, stub_wire[n], lang) == -1) {
		*subject = NULL;
		cause_set(cause, "out of memory");
		return -1;
	}
	if (asprintf(body, "Сұраныс нөмірі: %s\nҰКО РК\n", a->number) == -1) {
		free(*subject);
		*subject = *body = NULL;
		cause_set(cause, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * fuzz-rules — the rules every program holds a typed value to (src/common): IIN, BIN,
 * e-mail, password, request number, ГУ code. Any bytes go to each; a value is valid
 * exactly when no problem is named; a valid IIN or BIN says a date that can be; a
 * request number parsed is written out in its one form, which parses to itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/email.h"
#include "common/gucode.h"
#include "common/idnum.h"
#include "common/password.h"
#include "common/reqnum.h"
#include "fuzz.h"

/* rc 0 with no problem, or -1 with at least one: anything else is a lie to the person. */
static void
fuzz_rules_told(int rc, struct problems *p)
{
	size_t	i;

	if ((rc == 0) != (p->n == 0) || (rc != 0 && rc != -1))
		abort();
	for (i = 0; i < p->n; i++)
		if (p->v[i].code == NULL || *p->v[i].code == '\0')
			abort();
	problems_free(p);
}

static void
fuzz_rules_reqnum(const char *s)
{
	struct problems	p;
	char		out[REQNUM_LEN + 1], again[REQNUM_LEN + 1];
	int		rc;

	problems_init(&p);
	rc = reqnum_parse(s, out, &p);
	fuzz_rules_told(rc, &p);
	if (rc == -1)
		return;
	problems_init(&p);
	if (strlen(out) != REQNUM_LEN || reqnum_parse(out, again, &p) == -1 ||
	    strcmp(out, again) != 0)
		abort();
	problems_free(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	/* A fixed "now": what is valid must not depend on the day the fuzzer runs. */
	const time_t	 now = 1767225600;	/* 2026-01-01 */
	struct problems	 p;
	struct iin_info	 iin;
	struct bin_info	 bin;
	char		*s = fuzz_string(data, len);
	int		 met[PASSWORD_RULE__MAX], rc;

	problems_init(&p);
	rc = idnum_validate_iin(s, now, &iin, &p);
	fuzz_rules_told(rc, &p);
	if (rc == 0 && (iin.month < 1 || iin.month > 12 || iin.day < 1 || iin.day > 31 ||
	    iin.year < 1800 || iin.year > 2100))
		abort();
	problems_init(&p);
	rc = idnum_validate_bin(s, &bin, &p);
	fuzz_rules_told(rc, &p);
	if (rc == 0 && (bin.month < 1 || bin.month > 12 || bin.yy < 0 || bin.yy > 99 ||
	    bin.attribute < 0 || bin.attribute >= BIN_ATTR__MAX))
		abort();
	problems_init(&p);
	fuzz_rules_told(email_check(s, &p), &p);
	problems_init(&p);
	rc = password_check(s, &p);
	fuzz_rules_told(rc, &p);
	(void)password_rules_met(s, met);
	problems_init(&p);
	fuzz_rules_told(gucode_check(s, &p), &p);
	fuzz_rules_reqnum(s);
	free(s);
	return 0;
}

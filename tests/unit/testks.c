/* testks — see testks.h. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "testks.h"

void
testks_generate(struct keystore *ks, int want_created)
{
	char	*cause = NULL;
	int	 created = -1;

	if (ks->ops->generate(ks, &created, &cause) != 0)
		fail_msg("generate: %s", cause);
	assert_int_equal(created, want_created);
}

char *
testks_issue(struct keystore *ks, const struct testca *ca, enum keystore_key k,
    const char *cn, const char *ku)
{
	char	*csr = NULL, *cause = NULL, *pem;

	if (ks->ops->csr(ks, k, &csr, &cause) != 0)
		fail_msg("csr: %s", cause);
	pem = testca_issue(ca, csr, cn, ku);
	free(csr);
	return pem;
}

void
testks_issue_both(struct keystore *ks, const struct testca *ca, const char *cn,
    char *cert[KEYSTORE_KEY__MAX])
{
	static const char *const	 ku[KEYSTORE_KEY__MAX] = {
		[KEYSTORE_AUTH] = TESTCA_KU_AUTH, [KEYSTORE_SIGN] = TESTCA_KU_SIGN
	};
	int				 k;

	for (k = 0; k < KEYSTORE_KEY__MAX; k++)
		cert[k] = testks_issue(ks, ca, k, cn, ku[k]);
}

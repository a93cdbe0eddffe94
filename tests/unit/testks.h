/*
 * testks — what the keystore tests do alike to a keystore under test, file or token:
 * make its keys and have the test CA (testca.h) certify them from its CSRs. Failures are
 * cmocka assertions; the caller frees the PEM strings it gets.
 */
#ifndef NCA_TESTKS_H
#define NCA_TESTKS_H

#include "enroll/keystore.h"
#include "testca.h"

/* generate succeeds, having made the keys (want_created 1) or kept those there (0). */
void	 testks_generate(struct keystore *, int want_created);
/* The certificate ca issues to cn for key k, from the keystore's CSR, with key usage ku. */
char	*testks_issue(struct keystore *, const struct testca *ca, enum keystore_key k,
	    const char *cn, const char *ku);
/* Both keys' certificates, each with its own key usage (TESTCA_KU_AUTH, TESTCA_KU_SIGN). */
void	 testks_issue_both(struct keystore *, const struct testca *ca, const char *cn,
	    char *cert[KEYSTORE_KEY__MAX]);

#endif

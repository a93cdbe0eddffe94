/*
 * fuzz-csr — the service's check of an applicant's CSR (ca_csr_check, ca-csr.c), the
 * gate of every submission and renewal. An input holding "-----BEGIN" is the csr_auth
 * field as sent (PEM text); any other is DER, sent as the one PEM block a client makes
 * of it, so the fuzzer reaches OpenSSL's PKCS#10 reading and the checks after it. A CSR
 * is accepted with a key id of 64 lower-case hex digits, or refused with a cause.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz.h"
#include "ncaenrolld/ca.h"

/* DER as "-----BEGIN CERTIFICATE REQUEST-----", base64 in 64-column lines, END. */
static char *
fuzz_csr_pem(const uint8_t *der, size_t len)
{
	static const char	 begin[] = "-----BEGIN CERTIFICATE REQUEST-----\n",
				 end[] = "-----END CERTIFICATE REQUEST-----\n";
	char			*pem = malloc(sizeof begin + sizeof end + len / 48 * 66 + 70);
	size_t			 off = 0, i, n;

	if (pem == NULL)
		fuzz_die("malloc", NULL);
	memcpy(pem, begin, sizeof begin - 1);
	off = sizeof begin - 1;
	for (i = 0; i < len; i += n) {
		n = len - i < 48 ? len - i : 48;
		off += (size_t)EVP_EncodeBlock((unsigned char *)pem + off, der + i, (int)n);
		pem[off++] = '\n';
	}
	memcpy(pem + off, end, sizeof end);
	return pem;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	 key_id[65], *cause = NULL, *pem;
	size_t	 i;

	if (memmem(data, len, "-----BEGIN", 10) != NULL)
		pem = fuzz_string(data, len);
	else
		pem = fuzz_csr_pem(data, len);
	memset(key_id, 'X', sizeof key_id);
	if (ca_csr_check(pem, key_id, &cause) == 0) {
		for (i = 0; i < 64; i++)
			if (strchr("0123456789abcdef", key_id[i]) == NULL)
				abort();
		if (key_id[64] != '\0')
			abort();
	} else if (cause == NULL)
		abort();	/* refused without a word */
	free(cause);
	free(pem);
	return 0;
}

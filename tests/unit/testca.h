/*
 * testca — a little CA for unit tests, made with OpenSSL in memory: a self-signed root
 * and certificates it issues for a public key with a given key usage, SKI = SHA-1 of the
 * whole SubjectPublicKeyInfo (as NCA makes it). Failures are cmocka assertions. The
 * caller frees what it gets (testca_free, X509_free, free for PEM strings).
 */
#ifndef NCA_TESTCA_H
#define NCA_TESTCA_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#define TESTCA_KU_AUTH	"critical,digitalSignature,keyEncipherment"
#define TESTCA_KU_SIGN	"critical,digitalSignature,nonRepudiation"

struct testca {
	EVP_PKEY	*key;
	X509		*cert;
	char		*pem;
};

void		 testca_make(struct testca *, const char *cn);
void		 testca_free(struct testca *);
/* A certificate for pub issued by ca (or self-signed when ca is NULL: then signer signs). */
X509		*testca_cert(EVP_PKEY *pub, const char *cn, const struct testca *ca,
		    EVP_PKEY *signer, const char *ku, int is_ca);
char		*testca_pem(X509 *);
/* The public key of a PEM certificate request, after checking its signature. */
EVP_PKEY	*testca_csr_pubkey(const char *csr_pem);
/* The same, for a request as NCA takes it: signed with SHA-256 and RSA, CN = cn. */
EVP_PKEY	*testca_csr_check(const char *csr_pem, const char *cn);
/* The certificate ca issues for a request (PEM), as PEM. */
char		*testca_issue(const struct testca *, const char *csr_pem, const char *cn,
		    const char *ku);
/* Lower-case hex of SHA-1 over pub's DER SubjectPublicKeyInfo. */
void		 testca_ski(EVP_PKEY *pub, char hex[41]);

#endif

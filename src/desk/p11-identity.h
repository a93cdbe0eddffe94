/*
 * p11-identity — the desk operator's identity on a token (src/desk/p11-identity.c), on the
 * PKCS#11 layer the applicant's keystore uses too (p11/p11.h): what the desk's client
 * (desk/ra.c) signs in with when its operator_p12 is a PKCS#11 URI. 0/-1 with a cause and which failure it was.
 */
#ifndef NCA_DESK_P11_IDENTITY_H
#define NCA_DESK_P11_IDENTITY_H

#include <openssl/types.h>

#include "common/secret.h"
#include "p11/p11.h"

/*
 * The desk operator's identity on a token named by a PKCS#11 URI (RFC 7512):
 * "pkcs11:serial=SERIAL" (token= must then be its label; object= and id= narrow the key
 * and certificate; ?module-path= names a module, else p11_default_module()). The certificate
 * chosen is one whose public key is a private key's there (the newest, when several are).
 * pss: the token can make the RSA-PSS signatures of TLS 1.3 (else TLS 1.2 must be used).
 */
struct p11_identity {
	EVP_PKEY	*key;
	X509		*cert;
	int		 pss;
};

int	p11_identity_open(const char *uri, const struct secret *pin, struct p11_identity *,
	    enum p11_failure *why, char **cause);
void	p11_identity_free(struct p11_identity *);

#endif

/*
 * api-ca — what relying parties fetch: the CA chain (issuing CA, then root) as PEM and the
 * issuing CA's CRL as DER. Nothing is revoked yet, so the CRL is empty but signed and valid.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/srv.h"

/* A fresh CRL each time, valid for a week; there is no revocation to wait for yet. */
#define API_CA_CRL_DAYS 7

enum http_result
api_ca_chain(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const char	*pem = ca_chain_pem(srv->ca);
	unsigned char	*copy;
	size_t		 len;

	(void)req;
	if (pem == NULL)
		return -1;
	len = strlen(pem);
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, pem, len + 1);
	http_raw(resp, 200, "application/pem-certificate-chain", copy, len);
	return 0;
}

enum http_result
api_ca_crl(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	unsigned char	*der = NULL;
	size_t		 len = 0;
	char		*cause = NULL;

	(void)req;
	if (ca_crl(srv->ca, NULL, 0, srv_now(srv), API_CA_CRL_DAYS, &der, &len,
	    &cause) == -1) {
		log_error("CRL: %s", cause);
		free(cause);
		return -1;
	}
	http_raw(resp, 200, "application/pkix-crl", der, len);
	return 0;
}

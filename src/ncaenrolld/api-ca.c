/*
 * api-ca — the CA chain (issuing CA, then root) as PEM over HTTPS, for the applicant's
 * program and older clients. The CRLs and certificates as relying parties fetch them are
 * api-publish.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/srv.h"

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

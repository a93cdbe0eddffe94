/*
 * publish — what the service publishes for relying parties at the URLs its certificates
 * name (doc/api-lifecycle.md "Publication"): the issuing CA's full and delta CRLs, the
 * root's CRL, both CA certificates as DER, and OCSP answers signed by the delegated
 * responder (ca.h). CRLs are signed when something was revoked (the store's revocation
 * generation moved) and on a schedule well before their nextUpdate, and kept signed in
 * memory between: a GET copies, it does not sign. Every function is thread-safe; the
 * store handle is the caller's. 0/-1 (NULL) with a caller-freed cause.
 */
#ifndef NCA_PUBLISH_H
#define NCA_PUBLISH_H

#include <stddef.h>
#include <time.h>

struct srv;
struct store;
struct publish;

enum publish_object {
	PUBLISH_CRL,		/* /crl/ca.crl: the full CRL */
	PUBLISH_DELTA_CRL,	/* /crl/ca-delta.crl */
	PUBLISH_ROOT_CRL,	/* /crl/root.crl: the file ca.root_crl, as signed by the root */
	PUBLISH_CA_CER,		/* /cert/ca.cer */
	PUBLISH_ROOT_CER,	/* /cert/root.cer: the chain's last certificate */
	PUBLISH__MAX
};

#define PUBLISH_CRL_DAYS	7		/* a full CRL's nextUpdate */
#define PUBLISH_DELTA_HOURS	24		/* a delta CRL's nextUpdate */
#define PUBLISH_RESIGN		(12 * 3600)	/* both re-signed this often at least */
#define PUBLISH_OCSP_VALIDITY	3600		/* an OCSP answer's nextUpdate - thisUpdate */
#define PUBLISH_OCSP_REUSE	600		/* a pre-produced answer is served this long */

/*
 * For srv (its CA and configuration, srv->cfg->state_dir for the responder's files):
 * loads or makes the OCSP responder and reads the root CRL file. Nothing is signed yet.
 */
struct publish	*publish_new(struct srv *, char **cause);
void		 publish_free(struct publish *);

/*
 * Brings everything up to date at srv_now: the CRLs re-signed when the revocation
 * generation moved or PUBLISH_RESIGN passed, the root CRL re-read when its file changed
 * (a demo re-signs it first when due), the responder remade when due. Cheap when nothing
 * is due: one store query.
 */
int		 publish_refresh(struct srv *, struct store *, char **cause);

/* A malloc'd copy of an object, refreshed first; *der = NULL when there is none (404). */
int		 publish_get(struct srv *, struct store *, enum publish_object,
		     unsigned char **der, size_t *len, char **cause);

/*
 * The DER OCSPResponse to a DER OCSPRequest: a malformed request gets malformedRequest,
 * a failure of the store internalError; -1 only when not even that could be made.
 */
int		 publish_ocsp(struct srv *, struct store *, const unsigned char *req,
		     size_t reqlen, unsigned char **der, size_t *len, char **cause);

#endif

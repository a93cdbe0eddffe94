/*
 * api — the handlers behind the route table (routes.c), grouped one file per part of the
 * API: api-captcha.c, api-registry.c (BIN/IIN checks), api-directories.c,
 * api-applications.c, api-lifecycle.c (the holder's signed revoke and renew), api-ca.c,
 * api-publish.c (CRLs, certificates, OCSP over plain http), api-health.c (probes and
 * metrics), api-ra.c (the RA desk, behind
 * the gate api_ra_operator: the operator's client certificate, checked before any of its
 * handlers). Each follows http.h's handler contract. The last part names what
 * api-applications.c shares with the others.
 */
#ifndef NCA_API_H
#define NCA_API_H

#include <stddef.h>
#include <time.h>

#include "common/reqnum.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/store.h"

struct revocation_kind;

/*
 * IIN checks one check token serves (a person may mistype the IIN twice): with more, one
 * solved captcha would read a register of names.
 */
#define API_IIN_CHECKS_PER_TOKEN	3

/* A line per api-*.c file; each handler is an http_handler_fn (http.h). */
http_handler_fn	api_captcha_new;
http_handler_fn	api_registry_bin_check, api_registry_iin_check;
http_handler_fn	api_directories_roles, api_directories_regions, api_directories_cities,
		api_directories_support, api_directories_gu_codes;
http_handler_fn	api_applications_submit, api_applications_status,
		api_applications_certificates, api_applications_installed;
http_handler_fn	api_lifecycle_challenge, api_lifecycle_revoke, api_lifecycle_renew,
		api_lifecycle_certificates;
http_handler_fn	api_ca_chain;
http_handler_fn	api_publish_crl, api_publish_delta_crl, api_publish_root_crl,
		api_publish_ca_cer, api_publish_root_cer, api_publish_ocsp_post,
		api_publish_ocsp_get;
/*
 * The plain-http listener's routes (api-publish.c), made from the URLs the certificates
 * name; fails naming the settings when two of them share a path. Free with
 * api_publish_routes_free.
 */
int		api_publish_routes(struct srv *, struct http_route **, size_t *, char **cause);
/* The client a check token is bound to: its address ("" if unknown). */
const char	*api_client(const struct http_req *);
void		api_publish_routes_free(struct http_route *, size_t);
/*
 * api-health.c: alive, ready, the metrics; the main listener's metrics answer 404 while a
 * metrics_listen serves them (on http_metrics_routes).
 */
http_handler_fn	api_health_alive, api_health_ready, api_health_metrics,
		api_health_metrics_main;
http_handler_fn	api_ra_me, api_ra_reasons, api_ra_queue, api_ra_application, api_ra_approve,
		api_ra_reject, api_ra_revoke, api_ra_certificates;

/* ---- shared by api-applications.c with api-lifecycle.c and api-ra.c ---- */

/* "YYYY-MM-DDThh:mm:ssZ" */
void		 app_iso(time_t, char buf[32]);
/*
 * The number in the path, then its application: HTTP_GO_ON with *a filled (free it),
 * HTTP_ANSWERED (400 a typo, 404 unknown), or HTTP_FAILED.
 */
enum http_result app_load(struct store *, const struct http_req *, struct http_resp *,
		    struct store_app *a);
/* The application as GET /api/v1/applications/{n} shows it (personal data masked). */
json_t		*app_status_json(struct store *, const struct store_app *);
/*
 * Counts a request by request number of the client (status, installed, the holder's
 * requests), known number or not, since each tells whether a number exists: a walk
 * through numbers is what it stops. 0, or -1 with 429 rate_limited answered.
 */
int		 app_lookup_limited(struct srv *, const struct http_req *,
		    struct http_resp *);
/* 403 certificates.proof_required: no proof of the AUTH key came with the request. */
void		 app_certificates_refused(struct http_resp *);
/*
 * The certificates of a (its holder proven): 200 with both, the chain and the install
 * nonce; 409 application.not_issued when a has none; HTTP_FAILED.
 */
enum http_result app_certificates_answer(struct srv *, struct http_resp *,
		    const struct store_app *a);
/* Adds "revocation", "renews", "renewed_by" to o where they apply: 0 or -1. */
int		 app_lifecycle_json(json_t *o, const struct store_app *);
/* 409 application.already_revoked with "revoked_at" and "reason" (a is revoked). */
enum http_result app_already_revoked(struct http_resp *, const struct store_app *a);
/* The body's "reason": a row of common/revocation.h a holder or a desk may give, or a 400. */
enum http_result app_revocation_reason(const struct http_req *, struct http_resp *,
		    const struct revocation_kind **);
/* Base64 (standard alphabet) into a malloc'd buffer; NULL if it is not base64. */
unsigned char	*app_base64(const char *in, size_t *outlen);
/* 1 if sig is an RSA PKCS#1 v1.5 SHA-256 signature over msg by the certificate's key. */
int		 app_proof_ok(const char *cert_pem, const char *msg,
		    const unsigned char *sig, size_t siglen);
/*
 * A renewal of old (issued or installed) with two new CSRs: old's data re-checked as a
 * submission's against the registries and directories as they are now (and the names the
 * certificates carry), the CSRs as a submission's, then stored as a new submitted
 * application renewing old. HTTP_GO_ON with number set; HTTP_ANSWERED: 400 for a CSR,
 * 409 application.not_issuable ("why": the check's code), 409 key.reused; HTTP_FAILED.
 */
enum http_result app_renewal_insert(struct srv *, struct store *, struct http_resp *,
		    const struct store_app *old, const char *csr_auth, const char *csr_sign,
		    const char *actor, char number[REQNUM_LEN + 1]);

/* ---- the applicant's mail, as answers tell of it (api-mail.c) ---- */

/* "u***@mail.kz": the first character of the local part; malloc'd, NULL without memory. */
char		*app_mask_email(const char *email);
/*
 * What a submission or a decision answers as "mail": "queued" when the change just made
 * queued a mail to a's address (the store does so in the same transaction), "none" when
 * a gave no address or the service sends no mail. Nothing claims a mail was sent.
 */
const char	*app_mail_word(const struct srv *, const struct store_app *a);
/*
 * Adds "mail" to o: every mail of number, oldest first, as {"notice", "to", "state",
 * "attempts", "queued", "done", "error"}, the address masked unless full (the desk sees
 * it whole); nothing when there are none. 0, or -1 (logged).
 */
int		 app_mail_json(struct store *, json_t *o, const char *number, int full);
/* The same from mail already read (store_app_view): 0, or -1 without memory. */
int		 app_mail_set(json_t *o, const struct store_mail *, size_t n, int full);

/* The RA routes' gate: a verified operator (api-ra.c) or a 403. */
extern const struct http_gate api_ra_operator;

#endif

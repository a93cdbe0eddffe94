/*
 * ocsp — one OCSP question for one certificate (ocsp.h): the request, the POST over
 * libcurl to the URL the certificate names, and the checks an answer must pass before
 * anyone is told what it says.
 */
#include "config.h"

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "enroll/curlload.h"
#include "enroll/ocsp.h"

#define OCSP_MAX_ANSWER	(64 * 1024)	/* an answer larger than this is no OCSP answer */
#define OCSP_SKEW	300		/* seconds of clock difference allowed */

char *
ocsp_url(X509 *cert)
{
	STACK_OF(OPENSSL_STRING)	*urls = X509_get1_ocsp(cert);
	char				*url = NULL;
	int				 i;

	for (i = 0; url == NULL && i < sk_OPENSSL_STRING_num(urls); i++)
		if (strncmp(sk_OPENSSL_STRING_value(urls, i), "http://", 7) == 0)
			url = strdup(sk_OPENSSL_STRING_value(urls, i));
	X509_email_free(urls);
	return url;
}

OCSP_REQUEST *
ocsp_request(X509 *cert, X509 *issuer, OCSP_CERTID **id, char **cause)
{
	OCSP_REQUEST	*req = OCSP_REQUEST_new();
	OCSP_CERTID	*cid = OCSP_cert_to_id(EVP_sha1(), cert, issuer);

	*id = NULL;
	if (req == NULL || cid == NULL || (*id = OCSP_CERTID_dup(cid)) == NULL ||
	    OCSP_request_add0_id(req, cid) == NULL) {
		OCSP_CERTID_free(cid);
		goto fail;
	}
	/* The request owns cid now. */
	if (OCSP_request_add1_nonce(req, NULL, -1) != 1)
		goto fail;
	return req;
fail:
	OCSP_REQUEST_free(req);
	OCSP_CERTID_free(*id);
	*id = NULL;
	ERR_clear_error();
	cause_set(cause, "%s", _("cannot make an OCSP request"));
	return NULL;
}

struct ocsp_buf {
	unsigned char	*p;
	size_t		 len;
};

static size_t
ocsp_collect(char *data, size_t size, size_t n, void *arg)
{
	struct ocsp_buf	*b = arg;
	unsigned char	*grown;

	if (n != 0 && size > OCSP_MAX_ANSWER / n)
		return 0;
	size *= n;
	if (b->len + size > OCSP_MAX_ANSWER || (grown = realloc(b->p, b->len + size)) == NULL)
		return 0;
	memcpy(grown + b->len, data, size);
	b->p = grown;
	b->len += size;
	return size;
}

/* The request POSTed to url (http only); the answer's bytes into b. */
static int
ocsp_post(const char *url, const unsigned char *der, long len, long timeout,
    struct ocsp_buf *b, char **cause)
{
	const struct curlload	*cl;
	struct curl_slist	*hdrs = NULL, *h;
	CURL			*curl;
	long			 code = 0;
	CURLcode		 rc = CURLE_FAILED_INIT;

	if ((cl = curlload(cause)) == NULL)
		return -1;
	curl = cl->easy_init();
	if ((h = cl->slist_append(NULL, "Content-Type: application/ocsp-request")) != NULL)
		hdrs = h;
	if (curl != NULL && hdrs != NULL &&
	    cl->easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http") == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_TIMEOUT, timeout) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_HTTPHEADER, hdrs) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_POSTFIELDS, der) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_POSTFIELDSIZE, len) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_WRITEFUNCTION, ocsp_collect) == CURLE_OK &&
	    cl->easy_setopt(curl, CURLOPT_WRITEDATA, b) == CURLE_OK)
		rc = cl->easy_perform(curl);
	if (rc == CURLE_OK)
		(void)cl->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code != 200)
		log_debug("OCSP %s: %s (HTTP %ld)", url, cl->easy_strerror(rc), code);
	cl->slist_free_all(hdrs);
	cl->easy_cleanup(curl);
	if (rc == CURLE_OK && code == 200)
		return 0;
	cause_set(cause, _("the OCSP service at %s did not answer"), url);
	return -1;
}

/* Every certificate of a PEM bundle, in order. */
static STACK_OF(X509) *
ocsp_pem_certs(const char *pem)
{
	STACK_OF(X509)	*v = sk_X509_new_null();
	BIO		*bio = pem != NULL ? BIO_new_mem_buf(pem, -1) : NULL;
	X509		*x;

	while (v != NULL && bio != NULL && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(v, x) <= 0)
			X509_free(x);
	ERR_clear_error();
	BIO_free(bio);
	return v;
}

/* The store an answer's signer must chain to: the chain's roots, or the chain as given. */
static X509_STORE *
ocsp_store(STACK_OF(X509) *chain)
{
	X509_STORE	*store = X509_STORE_new();
	X509		*x;
	int		 i, roots = 0;

	for (i = 0; store != NULL && i < sk_X509_num(chain); i++) {
		x = sk_X509_value(chain, i);
		if (X509_check_issued(x, x) == X509_V_OK) {
			roots++;
			(void)X509_STORE_add_cert(store, x);
		}
	}
	for (i = 0; store != NULL && roots == 0 && i < sk_X509_num(chain); i++)
		(void)X509_STORE_add_cert(store, sk_X509_value(chain, i));
	if (store != NULL && roots == 0)
		(void)X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	return store;
}

static time_t
ocsp_time(const ASN1_GENERALIZEDTIME *t)
{
	struct tm	tm;

	return t != NULL && ASN1_TIME_to_tm(t, &tm) == 1 ? timegm(&tm) : 0;
}

/* The answer's bytes judged: 0 and *out, or -1 (cause) when it is not to be trusted. */
static int
ocsp_judge(const struct ocsp_buf *b, OCSP_REQUEST *req, OCSP_CERTID *id,
    STACK_OF(X509) *chain, const char *url, struct ocsp_result *out, char **cause)
{
	const unsigned char	*p = b->p;
	OCSP_RESPONSE		*resp = NULL;
	OCSP_BASICRESP		*bs = NULL;
	X509_STORE		*store = NULL;
	ASN1_GENERALIZEDTIME	*rev = NULL, *thisupd = NULL, *nextupd = NULL;
	int			 st = -1, reason = -1, rc = -1;

	if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)b->len)) == NULL ||
	    OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    (bs = OCSP_response_get1_basic(resp)) == NULL)
		log_debug("OCSP %s: not a successful answer", url);
	/* A nonce echoed must be ours; none at all is a pre-produced answer (RFC 5019). */
	else if (OCSP_check_nonce(req, bs) == 0)
		log_debug("OCSP %s: the answer's nonce is not the request's", url);
	else if ((store = ocsp_store(chain)) == NULL ||
	    OCSP_basic_verify(bs, chain, store, 0) != 1)
		log_debug("OCSP %s: the answer's signature is not the CA's", url);
	else if (OCSP_resp_find_status(bs, id, &st, &reason, &rev, &thisupd, &nextupd) != 1)
		log_debug("OCSP %s: the answer does not name the certificate", url);
	else if (OCSP_check_validity(thisupd, nextupd, OCSP_SKEW, -1) != 1)
		log_debug("OCSP %s: the answer is out of date", url);
	else {
		out->status = st == V_OCSP_CERTSTATUS_GOOD ? OCSP_STATUS_GOOD :
		    st == V_OCSP_CERTSTATUS_REVOKED ? OCSP_STATUS_REVOKED : OCSP_STATUS_UNKNOWN;
		out->crl_reason = st == V_OCSP_CERTSTATUS_REVOKED ? reason : -1;
		out->revoked_at = ocsp_time(rev);
		rc = 0;
	}
	if (rc == -1)
		cause_set(cause, _("the OCSP service at %s gave an answer that cannot be "
		    "trusted"), url);
	ERR_clear_error();
	X509_STORE_free(store);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	return rc;
}

int
ocsp_ask(const char *cert_pem, const char *chain_pem, long timeout,
    struct ocsp_result *out, char **cause)
{
	STACK_OF(X509)	*chain = ocsp_pem_certs(chain_pem), *own = ocsp_pem_certs(cert_pem);
	X509		*cert = sk_X509_value(own, 0), *issuer = NULL;
	OCSP_REQUEST	*req = NULL;
	OCSP_CERTID	*id = NULL;
	struct ocsp_buf	 b = { NULL, 0 };
	unsigned char	*der = NULL;
	char		*url = NULL;
	int		 i, len, rc = -1;

	memset(out, 0, sizeof *out);
	for (i = 0; cert != NULL && issuer == NULL && i < sk_X509_num(chain); i++)
		if (X509_check_issued(sk_X509_value(chain, i), cert) == X509_V_OK)
			issuer = sk_X509_value(chain, i);
	if (cert == NULL || issuer == NULL)
		cause_set(cause, "%s", _("the certificate or its issuer cannot be read"));
	else if ((url = ocsp_url(cert)) == NULL)
		cause_set(cause, "%s", _("the certificate names no OCSP service"));
	else if ((req = ocsp_request(cert, issuer, &id, cause)) == NULL)
		;	/* said */
	else if ((len = i2d_OCSP_REQUEST(req, &der)) <= 0)
		cause_set(cause, "%s", _("cannot make an OCSP request"));
	else if (ocsp_post(url, der, len, timeout, &b, cause) == 0)
		rc = ocsp_judge(&b, req, id, chain, url, out, cause);
	ERR_clear_error();
	OPENSSL_free(der);
	free(b.p);
	free(url);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(own, X509_free);
	return rc;
}

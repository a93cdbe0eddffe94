/*
 * fuzz-ocsp — OCSP requests as the service's plain-http listener takes them (RFC 6960
 * A.1.1: POST with the DER as the body, GET with its base64 in the path), through
 * http_handle on the routes api_publish_routes makes, with the real CA, responder and
 * store of fuzz-srv.c. The input's first byte chooses: even, POST; odd, GET (bit 1: the
 * base64url alphabet, bit 2: padding dropped); the rest is the DER request. The fixture's
 * CA is made anew each run, so a seed writes FUZZ_KEYHASH_MARK where the issuer's key
 * hash goes and FUZZ_SERIAL_MARK where the issued AUTH certificate's serial goes (both
 * 20 bytes), and they are put in here: seeds ask of this run's CA and certificate.
 * Every answer is an OCSPResponse OpenSSL reads, the requests it refuses as malformed.
 *
 * FUZZ_OCSP_DUMP=DIR writes the run's ca.pem and auth.pem into DIR (making seeds:
 * tests/fuzz/README).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fuzz.h"
#include "fuzz-srv.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/srv.h"

#define FUZZ_KEYHASH_MARK	"FUZZ-ISSUER-KEY-HASH"
#define FUZZ_SERIAL_MARK	"FUZZ-SERIAL-OF-AUTH!"
#define FUZZ_MARK_LEN		20

static struct {
	struct http_route	*routes;
	size_t			 nroutes;
	unsigned char		 keyhash[FUZZ_MARK_LEN], serial[FUZZ_MARK_LEN];
	int			 serial_ok;
} fo;

static X509 *
fuzz_ocsp_pem(const char *pem)
{
	BIO	*b = BIO_new_mem_buf(pem, -1);
	X509	*x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (x == NULL)
		fuzz_die("certificate", NULL);
	return x;
}

static void
fuzz_ocsp_dump(const char *dir, const char *name, const char *pem)
{
	char	 path[512];
	FILE	*f;

	(void)snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(pem, f) == EOF || fclose(f) != 0)
		fuzz_die(path, "cannot write");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct srv	*srv = fuzz_srv();
	const char	*chain = ca_chain_pem(srv->ca), *dump = getenv("FUZZ_OCSP_DUMP");
	X509		*ca = fuzz_ocsp_pem(chain), *auth = fuzz_ocsp_pem(fuzz_srv_cert());
	unsigned int	 n = 0;
	char		*cause = NULL;
	BIGNUM		*bn;

	(void)argc;
	(void)argv;
	if (X509_pubkey_digest(ca, EVP_sha1(), fo.keyhash, &n) != 1 || n != FUZZ_MARK_LEN)
		fuzz_die("key hash", NULL);
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(auth), NULL)) == NULL)
		fuzz_die("serial", NULL);
	fo.serial_ok = BN_bn2binpad(bn, fo.serial, FUZZ_MARK_LEN) == FUZZ_MARK_LEN;
	BN_free(bn);
	if (dump != NULL) {
		fuzz_ocsp_dump(dump, "ca.pem", chain);
		fuzz_ocsp_dump(dump, "auth.pem", fuzz_srv_cert());
	}
	X509_free(ca);
	X509_free(auth);
	if (api_publish_routes(srv, &fo.routes, &fo.nroutes, &cause) == -1)
		fuzz_die("routes", cause);
	return 0;
}

static void
fuzz_ocsp_mark(unsigned char *der, size_t len, const char *mark, const unsigned char *value)
{
	unsigned char	*p = der;

	while ((p = memmem(p, len - (size_t)(p - der), mark, FUZZ_MARK_LEN)) != NULL) {
		memcpy(p, value, FUZZ_MARK_LEN);
		p += FUZZ_MARK_LEN;
	}
}

/* The request as a GET path: "/ocsp/" and its base64, in either alphabet. */
static char *
fuzz_ocsp_path(const unsigned char *der, size_t len, int how)
{
	char	*path = malloc(len / 3 * 4 + 16), *b64;
	size_t	 i, n;

	if (path == NULL)
		fuzz_die("malloc", NULL);
	(void)strcpy(path, "/ocsp/");
	b64 = path + strlen(path);
	n = (size_t)EVP_EncodeBlock((unsigned char *)b64, der, (int)len);
	for (i = 0; (how & 2) && i < n; i++)
		b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	while ((how & 4) && n > 0 && b64[n - 1] == '=')
		b64[--n] = '\0';
	return path;
}

static void
fuzz_ocsp_judge(const struct http_resp *resp)
{
	const unsigned char	*p = resp->raw;
	OCSP_RESPONSE		*r;

	if (resp->status == 500 || resp->status < 100 || resp->status > 599)
		abort();
	if (resp->status != 200)
		return;
	if (resp->raw == NULL || (r = d2i_OCSP_RESPONSE(NULL, &p, (long)resp->raw_len)) == NULL)
		abort();
	OCSP_RESPONSE_free(r);
}

static const char *
fuzz_ocsp_header(const struct http_req *req, const char *name)
{
	(void)req;
	return strcmp(name, "Content-Type") == 0 ? "application/ocsp-request" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct http_req		 req;
	struct http_resp	 resp;
	struct http_body	 b;
	unsigned char		*der;
	char			*path = NULL, allow[64];
	int			 how;

	if (len < 1 || len - 1 > CA_OCSP_REQUEST_MAX)
		return 0;
	how = data[0];
	if ((der = malloc(len)) == NULL)
		fuzz_die("malloc", NULL);
	memcpy(der, data + 1, len - 1);
	fuzz_ocsp_mark(der, len - 1, FUZZ_KEYHASH_MARK, fo.keyhash);
	if (fo.serial_ok)
		fuzz_ocsp_mark(der, len - 1, FUZZ_SERIAL_MARK, fo.serial);
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	memset(&b, 0, sizeof b);
	req.client_addr = FUZZ_CLIENT;
	req.header = fuzz_ocsp_header;
	b.max = CA_OCSP_REQUEST_MAX;
	if (how & 1) {
		req.method = "GET";
		req.path = path = fuzz_ocsp_path(der, len - 1, how);
	} else {
		req.method = "POST";
		req.path = "/ocsp";
		b.content_type = "application/ocsp-request";
		b.data = (const char *)der;
		b.len = len - 1;
	}
	http_handle(fuzz_srv(), fo.routes, fo.nroutes, &req, &b, &resp, allow, sizeof allow);
	fuzz_ocsp_judge(&resp);
	http_resp_free(&resp);
	free(path);
	free(der);
	return 0;
}

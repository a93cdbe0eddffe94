/*
 * ca-ocsp — the OCSP responder's cryptography (RFC 6960): the delegated responder
 * certificate the issuing CA gives it (id-kp-OCSPSigning, id-pkix-ocsp-nocheck, 30 days,
 * remade when fewer than 7 are left) and the encoding of requests and basic responses.
 * Which serial is good or revoked is the caller's (the store's) to say; this file only
 * reads the question and signs the answer. Signing with the responder's key takes no lock:
 * an EVP_PKEY signs from many threads at once (OpenSSL 3), and the answers/s depend on it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "ncaenrolld/ca-int.h"
#include "ncaenrolld/ca-keygen.h"

#define CA_OCSP_DAYS		30
#define CA_OCSP_MARGIN		(7 * 86400)	/* remade when fewer days are left */
#define CA_OCSP_BACKDATE	3600
#define CA_OCSP_BITS		2048
#define CA_OCSP_OID_SIGNING	"1.3.6.1.5.5.7.3.9"	/* id-kp-OCSPSigning */

struct ca_responder {
	X509		*cert;
	EVP_PKEY	*key;
};

struct ca_ocsp_req {
	OCSP_REQUEST	*req;
};

/* --- the responder's certificate ------------------------------------------------------ */

static int
ca_responder_fits(const struct ca *ca, const struct ca_responder *r, time_t now)
{
	time_t	soon = now + CA_OCSP_MARGIN;
	int	ok;

	ok = r->cert != NULL && r->key != NULL &&
	    X509_check_private_key(r->cert, r->key) == 1 &&
	    X509_verify(r->cert, X509_get0_pubkey(ca->cert)) == 1 &&
	    X509_check_issued(ca->cert, r->cert) == X509_V_OK &&
	    X509_cmp_time(X509_get0_notAfter(r->cert), &soon) > 0;
	ERR_clear_error();
	return ok;
}

static void
ca_responder_read(const char *crt, const char *key, struct ca_responder *r)
{
	BIO	*b;

	if ((b = BIO_new_file(crt, "r")) != NULL)
		r->cert = PEM_read_bio_X509(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	if ((b = BIO_new_file(key, "r")) != NULL)
		r->key = PEM_read_bio_PrivateKey(b, NULL, ca_x509_no_password, NULL);
	BIO_free(b);
	ERR_clear_error();
}

static int
ca_responder_nocheck(X509 *x, char **cause)
{
	ASN1_NULL	*n = ASN1_NULL_new();
	int		 rc = -1;

	if (n == NULL || X509_add1_ext_i2d(x, NID_id_pkix_OCSP_noCheck, n, 0,
	    X509V3_ADD_APPEND) != 1)
		ca_x509_openssl_cause(cause, _("Cannot add a certificate extension"));
	else
		rc = 0;
	ASN1_NULL_free(n);
	return rc;
}

/* Subject CN=OCSP RESPONDER, C=KZ under the issuing CA; the extensions of RFC 6960 §4.2.2.2. */
static X509 *
ca_responder_make(struct ca *ca, EVP_PKEY *key, time_t now, char **cause)
{
	static const char *const	 eku[] = { CA_OCSP_OID_SIGNING };
	X509				*x;
	X509_NAME			*name;
	unsigned char			 serial[CA_SERIAL_LEN];
	int				 rc = -1;

	if ((x = X509_new()) == NULL || X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_pubkey(x, key) != 1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot assemble the certificate"));
		goto out;
	}
	name = X509_get_subject_name(x);
	if (ca_x509_name_add(name, NID_commonName, V_ASN1_UTF8STRING, "OCSP RESPONDER",
	    cause) == -1 ||
	    ca_x509_name_add(name, NID_countryName, V_ASN1_PRINTABLESTRING, "KZ",
	    cause) == -1 ||
	    ca_x509_set_serial(x, serial, cause) == -1 ||
	    ca_x509_set_validity(x, now - CA_OCSP_BACKDATE,
	    now + (time_t)CA_OCSP_DAYS * 86400, cause) == -1 ||
	    ca_x509_add_basic_constraints(x, 0, -1, cause) == -1 ||
	    ca_x509_add_key_usage(x, CA_KU_DIGITAL_SIGNATURE, cause) == -1 ||
	    ca_x509_add_eku(x, eku, 1, cause) == -1 ||
	    ca_responder_nocheck(x, cause) == -1 ||
	    ca_x509_add_own_ski(x, cause) == -1 ||
	    ca_x509_add_aki(x, ca->aki, ca->aki_len, cause) == -1)
		goto out;
	if ((errno = pthread_mutex_lock(&ca->lock)) != 0) {
		cause_set(cause, _("Cannot take the CA's lock: %s"), strerror(errno));
		goto out;
	}
	rc = ca_x509_sign_checked(x, ca->key, ca->cert, cause);
	(void)pthread_mutex_unlock(&ca->lock);
out:
	if (rc == -1) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

void
ca_responder_free(struct ca_responder *r)
{
	if (r == NULL)
		return;
	X509_free(r->cert);
	EVP_PKEY_free(r->key);
	free(r);
}

static int
ca_responder_renew(struct ca *ca, struct ca_responder *r, const char *crt,
    const char *key, time_t now, char **cause)
{
	char	*pem;
	int	 rc;

	X509_free(r->cert);
	EVP_PKEY_free(r->key);
	r->cert = NULL;
	if ((r->key = ca_keygen_rsa(CA_OCSP_BITS)) == NULL) {
		ca_x509_openssl_cause(cause, _("Cannot generate an RSA key"));
		return -1;
	}
	/* The key first: a crash before the certificate only makes the next start remake. */
	if ((r->cert = ca_responder_make(ca, r->key, now, cause)) == NULL ||
	    ca_x509_write_key(key, r->key, cause) == -1 ||
	    (pem = ca_x509_pem_cert(r->cert, cause)) == NULL)
		return -1;
	rc = atomicfile_write(crt, pem, strlen(pem), 0644, cause);
	free(pem);
	return rc;
}

struct ca_responder *
ca_responder_load(struct ca *ca, const char *dir, time_t now, char **cause)
{
	struct ca_responder	*r;
	char			*crt = NULL, *key = NULL;
	int			 ok = 0;

	if (ca == NULL || dir == NULL) {
		cause_set(cause, "%s", _("No folder for the OCSP responder's files"));
		return NULL;
	}
	/* asprintf leaves its pointer undefined on failure. */
	if (asprintf(&crt, "%s/ocsp.pem", dir) == -1)
		crt = NULL;
	if (asprintf(&key, "%s/ocsp.key", dir) == -1)
		key = NULL;
	if ((r = calloc(1, sizeof *r)) == NULL || crt == NULL || key == NULL) {
		cause_set(cause, "%s", _("Out of memory"));
		goto out;
	}
	ca_responder_read(crt, key, r);
	ok = ca_responder_fits(ca, r, now) ||
	    ca_responder_renew(ca, r, crt, key, now, cause) == 0;
out:
	free(key);
	free(crt);
	if (!ok) {
		ca_responder_free(r);
		r = NULL;
	}
	return r;
}

time_t
ca_responder_due(const struct ca_responder *r)
{
	ASN1_TIME	*epoch = ASN1_TIME_set(NULL, 0);
	time_t		 t = 0;
	int		 days = 0, secs = 0;

	if (epoch != NULL && ASN1_TIME_diff(&days, &secs, epoch,
	    X509_get0_notAfter(r->cert)) == 1)
		t = (time_t)days * 86400 + secs - CA_OCSP_MARGIN;
	ASN1_TIME_free(epoch);
	return t;
}

/* --- requests ---------------------------------------------------------------------- */

/* The serial as the store writes it: upper-case hex, 40 digits; 0 when it cannot be ours. */
static int
ca_ocsp_serial(const ASN1_INTEGER *ai, char out[2 * CA_SERIAL_LEN + 1])
{
	BIGNUM	*bn;
	char	*hex = NULL;
	size_t	 n;
	int	 ok = 0;

	out[0] = '\0';
	if ((bn = ASN1_INTEGER_to_BN(ai, NULL)) != NULL && !BN_is_negative(bn) &&
	    BN_num_bytes(bn) <= CA_SERIAL_LEN && (hex = BN_bn2hex(bn)) != NULL &&
	    (n = strlen(hex)) <= 2 * CA_SERIAL_LEN) {
		memset(out, '0', 2 * CA_SERIAL_LEN - n);
		memcpy(out + 2 * CA_SERIAL_LEN - n, hex, n + 1);
		ok = 1;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
	return ok;
}

/* Whether the CertID's issuer hashes (in its own hash algorithm) are our CA's. */
static int
ca_ocsp_ours(const struct ca *ca, OCSP_CERTID *id)
{
	ASN1_OBJECT	*md_oid = NULL;
	const EVP_MD	*md;
	OCSP_CERTID	*mine;
	int		 same;

	if (OCSP_id_get0_info(NULL, &md_oid, NULL, NULL, id) != 1 ||
	    (md = EVP_get_digestbyobj(md_oid)) == NULL)
		return 0;
	mine = OCSP_cert_id_new(md, X509_get_subject_name(ca->cert),
	    X509_get0_pubkey_bitstr(ca->cert), NULL);
	same = mine != NULL && OCSP_id_issuer_cmp(mine, id) == 0;
	OCSP_CERTID_free(mine);
	ERR_clear_error();
	return same;
}

struct ca_ocsp_req *
ca_ocsp_req_parse(const struct ca *ca, const unsigned char *der, size_t len,
    struct ca_ocsp_single *out, size_t max, size_t *n, int *nonce)
{
	struct ca_ocsp_req	*q;
	const unsigned char	*p = der;
	OCSP_CERTID		*id;
	ASN1_INTEGER		*serial = NULL;
	int			 i, count;

	*n = 0;
	*nonce = 0;
	if (der == NULL || len == 0 || len > CA_OCSP_REQUEST_MAX ||
	    (q = calloc(1, sizeof *q)) == NULL)
		return NULL;
	if ((q->req = d2i_OCSP_REQUEST(NULL, &p, (long)len)) == NULL ||
	    p != der + len || (count = OCSP_request_onereq_count(q->req)) <= 0 ||
	    (size_t)count > max)
		goto bad;
	for (i = 0; i < count; i++) {
		id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(q->req, i));
		if (id == NULL || OCSP_id_get0_info(NULL, NULL, NULL, &serial, id) != 1)
			goto bad;
		memset(&out[i], 0, sizeof out[i]);
		out[i].ours = ca_ocsp_ours(ca, id) && ca_ocsp_serial(serial, out[i].serial);
		out[i].status = CA_OCSP_UNKNOWN;
	}
	*n = (size_t)count;
	*nonce = OCSP_REQUEST_get_ext_by_NID(q->req, NID_id_pkix_OCSP_Nonce, -1) >= 0;
	ERR_clear_error();
	return q;
bad:
	ERR_clear_error();
	ca_ocsp_req_free(q);
	return NULL;
}

void
ca_ocsp_req_free(struct ca_ocsp_req *q)
{
	if (q == NULL)
		return;
	OCSP_REQUEST_free(q->req);
	free(q);
}

/* --- responses --------------------------------------------------------------------- */

static int
ca_ocsp_der(OCSP_RESPONSE *resp, unsigned char **der, size_t *len)
{
	unsigned char	*p;
	int		 n;

	*der = NULL;
	if (resp == NULL || (n = i2d_OCSP_RESPONSE(resp, NULL)) <= 0 ||
	    (*der = p = malloc((size_t)n)) == NULL)
		return -1;
	if (i2d_OCSP_RESPONSE(resp, &p) != n) {
		free(*der);
		*der = NULL;
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

int
ca_ocsp_refusal(enum ca_ocsp_refusal why, unsigned char **der, size_t *len)
{
	static const int	 codes[] = {
		[CA_OCSP_MALFORMED] = OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
		[CA_OCSP_INTERNAL] = OCSP_RESPONSE_STATUS_INTERNALERROR,
		[CA_OCSP_TRY_LATER] = OCSP_RESPONSE_STATUS_TRYLATER,
	};
	OCSP_RESPONSE		*resp;
	int			 rc;

	if ((unsigned)why >= sizeof codes / sizeof codes[0])
		return -1;
	resp = OCSP_response_create(codes[why], NULL);
	rc = ca_ocsp_der(resp, der, len);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return rc;
}

static int
ca_ocsp_add(OCSP_BASICRESP *bs, OCSP_CERTID *id, const struct ca_ocsp_single *s,
    ASN1_TIME *this_update, ASN1_TIME *next_update)
{
	static const int	 status[] = {
		[CA_OCSP_GOOD] = V_OCSP_CERTSTATUS_GOOD,
		[CA_OCSP_REVOKED] = V_OCSP_CERTSTATUS_REVOKED,
		[CA_OCSP_UNKNOWN] = V_OCSP_CERTSTATUS_UNKNOWN,
	};
	ASN1_TIME		*rev = NULL;
	int			 ok;

	if ((unsigned)s->status > CA_OCSP_UNKNOWN)
		return 0;
	if (s->status == CA_OCSP_REVOKED && (rev = ASN1_TIME_set(NULL, s->revoked_at)) == NULL)
		return 0;
	/* A reason of 0 (unspecified) is left out, as in the CRL. */
	ok = OCSP_basic_add1_status(bs, id, status[s->status],
	    s->status == CA_OCSP_REVOKED && s->reason > 0 ? s->reason : -1, rev,
	    this_update, next_update) != NULL;
	ASN1_TIME_free(rev);
	return ok;
}

int
ca_ocsp_answer(const struct ca_responder *r, const struct ca_ocsp_req *q,
    const struct ca_ocsp_single *singles, size_t n, time_t this_update, time_t next_update,
    unsigned char **der, size_t *len, char **cause)
{
	OCSP_BASICRESP	*bs = NULL;
	OCSP_RESPONSE	*resp = NULL;
	ASN1_TIME	*tu = ASN1_TIME_set(NULL, this_update);
	ASN1_TIME	*nu = ASN1_TIME_set(NULL, next_update);
	size_t		 i;
	int		 rc = -1;

	if (r == NULL || q == NULL || n != (size_t)OCSP_request_onereq_count(q->req) ||
	    tu == NULL || nu == NULL || (bs = OCSP_BASICRESP_new()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (!ca_ocsp_add(bs, OCSP_onereq_get0_id(OCSP_request_onereq_get0(q->req,
		    (int)i)), &singles[i], tu, nu))
			goto out;
	}
	/*
	 * The nonce echoed when asked (RFC 6960 §4.4.1); responderID by key hash; the
	 * responder's certificate goes along (a client needs it to check the signature).
	 */
	if (OCSP_copy_nonce(bs, q->req) <= 0 ||
	    OCSP_basic_sign(bs, r->cert, r->key, EVP_sha256(), NULL, OCSP_RESPID_KEY) != 1 ||
	    (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) == NULL ||
	    ca_ocsp_der(resp, der, len) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		ca_x509_openssl_cause(cause, _("Cannot sign the OCSP response"));
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	ASN1_TIME_free(nu);
	ASN1_TIME_free(tu);
	return rc;
}

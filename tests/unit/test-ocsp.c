/*
 * The holder's side of revocation and OCSP, below the network: the message a holder
 * signs (ACTION\nNUMBER\nNONCE\nDETAIL, byte for byte), the OCSP URL taken from a
 * certificate (http only), and the OCSP request built for it (SHA-1 CertID of this
 * certificate and issuer, a nonce), read back with OpenSSL.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "enroll/enroll.h"
#include "enroll/ocsp.h"
#include "testca.h"

static void
test_signed_message(void **state)
{
	char	*m;

	(void)state;
	m = enroll_signed_message("revoke", "4821-0937-5512-0684-3319-7725-4402",
	    "AbC_-0123456789abcdefghijklmnopqrstuvwxyzABC", "keyCompromise");
	assert_non_null(m);
	assert_string_equal(m, "revoke\n4821-0937-5512-0684-3319-7725-4402\n"
	    "AbC_-0123456789abcdefghijklmnopqrstuvwxyzABC\nkeyCompromise");
	free(m);
}

/* A certificate of ca's for a new key, its AIA naming aia (an OpenSSL config string). */
static X509 *
ocsp_cert(const struct testca *ca, const char *aia)
{
	EVP_PKEY	*key = EVP_RSA_gen(2048);
	X509		*x;
	X509_EXTENSION	*ext;

	assert_non_null(key);
	x = testca_cert(key, "holder", ca, ca->key, TESTCA_KU_AUTH, 0);
	assert_non_null(x);
	if (aia != NULL) {
		ext = X509V3_EXT_conf_nid(NULL, NULL, NID_info_access, aia);
		assert_non_null(ext);
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	EVP_PKEY_free(key);
	return x;
}

static void
test_url_is_the_first_http_one(void **state)
{
	struct testca	 ca;
	X509		*x;
	char		*url;

	(void)state;
	testca_make(&ca, "CA");
	x = ocsp_cert(&ca, "caIssuers;URI:http://ca.example.kz/ca.cer,"
	    "OCSP;URI:https://ocsp.example.kz/,OCSP;URI:http://127.0.0.1:8080/ocsp");
	url = ocsp_url(x);
	assert_non_null(url);
	assert_string_equal(url, "http://127.0.0.1:8080/ocsp");
	free(url);
	X509_free(x);
	x = ocsp_cert(&ca, "OCSP;URI:https://ocsp.example.kz/");
	assert_null(ocsp_url(x));		/* no http one: not asked */
	X509_free(x);
	x = ocsp_cert(&ca, NULL);
	assert_null(ocsp_url(x));
	X509_free(x);
	testca_free(&ca);
}

static void
test_request_names_the_certificate_with_a_nonce(void **state)
{
	struct testca		 ca;
	OCSP_REQUEST		*req, *back;
	OCSP_CERTID		*id = NULL, *want;
	ASN1_INTEGER		*serial = NULL;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	X509			*x;
	char			*cause = NULL;
	int			 len;

	(void)state;
	testca_make(&ca, "CA");
	x = ocsp_cert(&ca, "OCSP;URI:http://127.0.0.1/");
	req = ocsp_request(x, ca.cert, &id, &cause);
	assert_non_null(req);
	assert_null(cause);
	assert_non_null(id);
	len = i2d_OCSP_REQUEST(req, &der);
	assert_true(len > 0);
	p = der;
	back = d2i_OCSP_REQUEST(NULL, &p, len);
	assert_non_null(back);
	assert_int_equal(OCSP_request_onereq_count(back), 1);
	/* The one CertID is this certificate's, by SHA-1 of the issuer's name and key. */
	want = OCSP_cert_to_id(EVP_sha1(), x, ca.cert);
	assert_int_equal(OCSP_id_cmp(OCSP_onereq_get0_id(OCSP_request_onereq_get0(back, 0)),
	    want), 0);
	assert_int_equal(OCSP_id_cmp(id, want), 0);
	assert_int_equal(OCSP_id_get0_info(NULL, NULL, NULL, &serial, id), 1);
	assert_int_equal(ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(x)), 0);
	/* A nonce, for the answer to echo. */
	assert_true(OCSP_REQUEST_get_ext_by_NID(back, NID_id_pkix_OCSP_Nonce, -1) >= 0);
	OCSP_CERTID_free(want);
	OCSP_REQUEST_free(back);
	OCSP_REQUEST_free(req);
	OCSP_CERTID_free(id);
	OPENSSL_free(der);
	X509_free(x);
	testca_free(&ca);
}

static void
test_no_responder_is_no_answer(void **state)
{
	struct testca		 ca;
	struct ocsp_result	 r;
	X509			*x;
	char			*pem, *cause = NULL;

	(void)state;
	testca_make(&ca, "CA");
	/* Port 9 (discard) on loopback: nothing answers; never "good". */
	x = ocsp_cert(&ca, "OCSP;URI:http://127.0.0.1:9/");
	pem = testca_pem(x);
	assert_int_equal(ocsp_ask(pem, ca.pem, 5, &r, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "did not answer"));
	free(cause);
	cause = NULL;
	/* An issuer not in the chain: not asked at all. */
	assert_int_equal(ocsp_ask(pem, "", 5, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(pem);
	X509_free(x);
	testca_free(&ca);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_message),
		cmocka_unit_test(test_url_is_the_first_http_one),
		cmocka_unit_test(test_request_names_the_certificate_with_a_nonce),
		cmocka_unit_test(test_no_responder_is_no_answer),
	};

	return cmocka_run_group_tests_name("ocsp", tests, NULL, NULL);
}

/*
 * client — the applicant's HTTPS calls through libcurl: the identity handed to OpenSSL (so
 * libcurl never sees a password), retries, answers stripped of control characters, and
 * each failure (network, TLS, refusal, 5xx) in our words, never libcurl's English.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"
#include "common/secret.h"
#include "common/utf8.h"
#include "enroll/client.h"
#include "enroll/curlload.h"
#include "p11/p11.h"
#include "enroll/svcerror.h"

#define CLIENT_MAX_ANSWER (4 * 1024 * 1024)	/* certificates and forms are far smaller */
#define CLIENT_ALERT_CERTIFICATE_REQUIRED 116	/* TLS 1.3: the service wants one */

struct client {
	const struct curlload	*cl;		/* libcurl, once a request needs it */
	CURL			*curl;		/* NULL until then */
	struct client_config	 cfg;
	char			*url;
	char			*ca_file;
	char			*lang;
	/* The client identity (mutual TLS), or NULLs; see client_set_identity_p12. */
	EVP_PKEY		*id_key;
	X509			*id_cert;
	STACK_OF(X509)		*id_chain;
	int			 id_tls12;	/* the key cannot sign RSA-PSS: no TLS 1.3 */
	int			 alert;		/* fatal alert received in this call, or 0 */
	long			 verify;	/* this call's verdict on the service's chain */
	X509			*peer;		/* and the certificate judged, or NULL */
	int			 tls_version;	/* of the connection last used */
	int			(*stop)(void *);	/* client_set_cancel */
	void			*stop_arg;
	int			 raw;		/* this call takes an answer other than JSON */
};

struct client_buf {
	char	*p;
	size_t	 len;
	int	 overflow;
};

static size_t
client_collect(char *data, size_t size, size_t n, void *arg)
{
	struct client_buf	*b = arg;
	size_t			 len = size * n;
	char			*grown;

	if (b->len + len > CLIENT_MAX_ANSWER) {
		b->overflow = 1;
		return 0;
	}
	if ((grown = realloc(b->p, b->len + len + 1)) == NULL)
		return 0;
	b->p = grown;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return len;
}

static char *
client_strdup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static const char *const client_config_codes[] = {
	[CLIENT_CONFIG_OK] = "ok",
	[CLIENT_CONFIG_URL] = "service.url",
	[CLIENT_CONFIG_CA_MISSING] = "ca_file.missing",
	[CLIENT_CONFIG_CA_UNREADABLE] = "ca_file.unreadable",
	[CLIENT_CONFIG_CA_INVALID] = "ca_file.invalid",
};
_Static_assert(sizeof client_config_codes / sizeof client_config_codes[0] ==
    CLIENT_CONFIG__MAX, "a code for every configuration error");

const char *
client_config_code(enum client_config_error why)
{
	return why < CLIENT_CONFIG__MAX ? client_config_codes[why] : "settings";
}

/* The CA file must exist and hold a certificate, or every call would say "not trusted". */
static enum client_config_error
client_ca_file_check(const char *path, char **cause)
{
	X509	*x;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT) {
			cause_set(cause, _("the CA file %s does not exist (--ca-file or ca_file in "
			    "the settings)"), path);
			return CLIENT_CONFIG_CA_MISSING;
		}
		cause_set(cause, _("cannot read the CA file %s: %s"), path, OSERROR(errno));
		return CLIENT_CONFIG_CA_UNREADABLE;
	}
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	(void)fclose(fp);	/* read-only */
	ERR_clear_error();
	if (x == NULL) {
		cause_set(cause, _("the CA file %s holds no CA certificate (PEM)"), path);
		return CLIENT_CONFIG_CA_INVALID;
	}
	X509_free(x);
	return CLIENT_CONFIG_OK;
}

int
client_config_check(const struct client_config *cfg, enum client_config_error *why,
    char **cause)
{
	*why = CLIENT_CONFIG_OK;
	if (cfg->url != NULL && (strncmp(cfg->url, "https://", 8) != 0 || cfg->url[8] == '\0')) {
		cause_set(cause, _("the service address must start with https://: applications "
		    "travel only encrypted (got '%s')"), cfg->url);
		*why = CLIENT_CONFIG_URL;
	} else if (cfg->ca_file != NULL)
		*why = client_ca_file_check(cfg->ca_file, cause);
	return *why == CLIENT_CONFIG_OK ? 0 : -1;
}

struct client *
client_new(const struct client_config *cfg, char **cause)
{
	enum client_config_error	 why;
	struct client			*c;

	if (cfg->url == NULL) {
		cause_set(cause, "%s", _("no enrollment service is named"));
		return NULL;
	}
	if (client_config_check(cfg, &why, cause) == -1)
		return NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		goto oom;
	c->cfg = *cfg;
	if ((c->url = strdup(cfg->url)) == NULL ||
	    (cfg->ca_file != NULL && (c->ca_file = strdup(cfg->ca_file)) == NULL) ||
	    (c->lang = client_strdup_or_null(cfg->lang != NULL ? cfg->lang : "en")) == NULL)
		goto oom;
	/* A trailing slash would make every path "//api/v1". */
	while (strlen(c->url) > 8 && c->url[strlen(c->url) - 1] == '/')
		c->url[strlen(c->url) - 1] = '\0';
	if (c->cfg.connect_timeout <= 0)
		c->cfg.connect_timeout = 10;
	if (c->cfg.timeout <= 0)
		c->cfg.timeout = 60;
	if (c->cfg.tries <= 0)
		c->cfg.tries = 3;
	return c;
oom:
	client_free(c);
	cause_set(cause, _("out of memory"));
	return NULL;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		c->cl->easy_cleanup(c->curl);
	EVP_PKEY_free(c->id_key);
	X509_free(c->id_cert);
	sk_X509_pop_free(c->id_chain, X509_free);
	X509_free(c->peer);
	free(c->url);
	free(c->ca_file);
	free(c->lang);
	free(c);
}

/*
 * libcurl and the handle, on the first request: the program starts and draws its first
 * screen without loading the network library (curlload.h).
 */
static int
client_curl(struct client *c, char **cause)
{
	if (c->curl != NULL)
		return 0;
	if (c->cl == NULL && (c->cl = curlload(cause)) == NULL)
		return -1;
	if ((c->curl = c->cl->easy_init()) == NULL) {
		cause_set(cause, _("cannot start the network library"));
		return -1;
	}
	return 0;
}

const char *
client_url(const struct client *c)
{
	return c->url;
}

void
client_result_free(struct client_result *r)
{
	json_decref(r->json);
	free(r->body);
	free(r->code);
	free(r->field);
	free(r->message);
	memset(r, 0, sizeof *r);
}

/* Remembers a fatal alert the service sends (why it refused our certificate). */
static void
client_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
    SSL *ssl, void *arg)
{
	struct client		*c = arg;
	const unsigned char	*b = buf;

	(void)version;
	if (ssl != NULL)
		c->tls_version = SSL_version(ssl);
	if (!write_p && content_type == SSL3_RT_ALERT && len >= 2 && b[0] == SSL3_AL_FATAL)
		c->alert = b[1];
}

/*
 * OpenSSL's verification of the service's chain, watched and never changed: its verdict
 * and the certificate it judged are kept so that a refusal can say why. The host name is
 * checked by libcurl alone (CURLOPT_SSL_VERIFYHOST) after the chain, so each of the two
 * settings is the one guard of what it guards; client_verify_cause reads the name
 * against the kept certificate only to say which it was.
 */
static int
client_cert_verify(X509_STORE_CTX *x, void *arg)
{
	struct client	*c = arg;
	X509		*leaf = X509_STORE_CTX_get0_cert(x);
	int		 ok = X509_verify_cert(x);

	c->verify = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(x);
	X509_free(c->peer);
	c->peer = leaf != NULL && X509_up_ref(leaf) == 1 ? leaf : NULL;
	return ok;
}

/*
 * libcurl's SSL_CTX hook: the identity goes in here, so libcurl never sees a password;
 * every call listens for the alert that says why the service refused a certificate, and
 * keeps what the verification of the service's certificate found.
 */
static CURLcode
client_ssl_ctx(CURL *h, void *sslctx, void *arg)
{
	struct client	*c = arg;
	SSL_CTX		*ctx = sslctx;
	int		 i;

	(void)h;
	SSL_CTX_set_cert_verify_callback(ctx, client_cert_verify, c);
	SSL_CTX_set_msg_callback(ctx, client_msg_cb);
	SSL_CTX_set_msg_callback_arg(ctx, c);
	if (c->id_cert == NULL)
		return CURLE_OK;
	if (SSL_CTX_use_certificate(ctx, c->id_cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, c->id_key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		return CURLE_SSL_CERTPROBLEM;
	/* TLS 1.3 signs only with RSA-PSS; TLS 1.2 lets the key sign PKCS#1 v1.5. */
	if (c->id_tls12 && (SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set1_client_sigalgs_list(ctx, "RSA+SHA256:RSA+SHA384:RSA+SHA512") != 1))
		return CURLE_SSL_CERTPROBLEM;
	for (i = 0; c->id_chain != NULL && i < sk_X509_num(c->id_chain); i++)
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(c->id_chain, i)) != 1)
			return CURLE_SSL_CERTPROBLEM;
	return CURLE_OK;
}

static int
client_setopts_identity(struct client *c)
{
	return c->cl->easy_setopt(c->curl, CURLOPT_SSL_CTX_FUNCTION, client_ssl_ctx) !=
	    CURLE_OK || c->cl->easy_setopt(c->curl, CURLOPT_SSL_CTX_DATA, c) != CURLE_OK ? -1 : 0;
}

static int
client_setopts(struct client *c, const char *method, const char *url, const char *body,
    struct curl_slist *hdrs, struct client_buf *buf)
{
	CURL	*h = c->curl;

	c->cl->easy_reset(h);
	return c->cl->easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (c->ca_file != NULL &&
	    c->cl->easy_setopt(h, CURLOPT_CAINFO, c->ca_file) != CURLE_OK) ||
	    c->cl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->cfg.connect_timeout) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_TIMEOUT, c->cfg.timeout) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_WRITEFUNCTION, client_collect) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_WRITEDATA, buf) != CURLE_OK ||
	    c->cl->easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION) !=
	    CURLE_OK ||
	    (strcmp(method, "POST") == 0 &&
	    c->cl->easy_setopt(h, CURLOPT_POSTFIELDS, body != NULL ? body : "{}") != CURLE_OK) ||
	    (client_setopts_identity(c) == -1 && c->id_cert != NULL) ? -1 : 0;
}

void
client_set_cancel(struct client *c, int (*stop)(void *), void *arg)
{
	c->stop = stop;
	c->stop_arg = arg;
}

static int
client_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct client	*c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->stop != NULL && c->stop(c->stop_arg) != 0;
}

static int
client_setopts_cancel(struct client *c)
{
	return c->cl->easy_setopt(c->curl, CURLOPT_NOPROGRESS, c->stop != NULL ? 0L : 1L) !=
	    CURLE_OK || c->cl->easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, client_progress) !=
	    CURLE_OK || c->cl->easy_setopt(c->curl, CURLOPT_XFERINFODATA, c) != CURLE_OK ? -1 : 0;
}

/*
 * What a curl failure means to a person, in our words: libcurl's own ("Failed to connect
 * to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server") are English and name its
 * internals, so they go to the debug log only. Each reason follows "cannot reach the
 * service at URL: "; a code not in the table is said by its number, which a support desk
 * can look up.
 */
static const struct {
	CURLcode		 rc;
	enum client_failure	 failure;
	const char		*reason;
} client_curl_failures[] = {
	{ CURLE_COULDNT_RESOLVE_HOST, CLIENT_UNREACHABLE,
	    N_("that name is not known (check the address and the network)") },
	{ CURLE_COULDNT_RESOLVE_PROXY, CLIENT_UNREACHABLE,
	    N_("the name of the proxy server is not known") },
	{ CURLE_COULDNT_CONNECT, CLIENT_UNREACHABLE,
	    N_("no connection could be made (the service does not run there, or the network "
	    "does not let the connection through)") },
	{ CURLE_OPERATION_TIMEDOUT, CLIENT_UNREACHABLE, N_("it did not answer in time") },
	{ CURLE_SEND_ERROR, CLIENT_UNREACHABLE, N_("the connection broke off") },
	{ CURLE_RECV_ERROR, CLIENT_UNREACHABLE, N_("the connection broke off") },
	{ CURLE_GOT_NOTHING, CLIENT_UNREACHABLE,
	    N_("it closed the connection without answering") },
	{ CURLE_SSL_CONNECT_ERROR, CLIENT_TLS,
	    N_("no secure connection could be made: is that address the enrollment service?") },
	{ CURLE_SSL_CERTPROBLEM, CLIENT_TLS,
	    N_("this program's own certificate could not be used for the connection") },
	{ CURLE_SSL_CACERT_BADFILE, CLIENT_TLS,
	    N_("the list of trusted certificates could not be read") },
};

/*
 * The service's certificate not accepted (CURLE_PEER_FAILED_VERIFICATION): why. A chain
 * OpenSSL refused (client_cert_verify kept its verdict) is said by the verification's
 * result; each reason follows "the service at URL is not the one we trust: ", and any
 * result not in the table means the chain does not lead to a CA we trust. A chain it
 * accepted was refused by libcurl's check of the host name.
 */
static const struct {
	long		 verify;
	const char	*reason;
} client_verify_failures[] = {
	{ X509_V_ERR_CERT_HAS_EXPIRED, N_("its certificate has expired") },
	{ X509_V_ERR_CERT_NOT_YET_VALID, N_("its certificate is not valid yet (is this "
	    "computer's clock right?)") },
};

/* 1 if cert is made out for the host of the service's address (IP or DNS name). */
static int
client_names_match(const struct client *c, X509 *cert)
{
	CURLU	*u = c->cl->url();
	char	*host = NULL;
	size_t	 n;
	int	 rc = 0;

	if (u != NULL && c->cl->url_set(u, CURLUPART_URL, c->url, 0) == CURLUE_OK &&
	    c->cl->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		n = strlen(host);
		if (n > 2 && host[0] == '[' && host[n - 1] == ']') {	/* IPv6 */
			memmove(host, host + 1, n - 2);
			host[n - 2] = '\0';
		}
		/* -2: not an IP address, so a DNS name. */
		if ((rc = X509_check_ip_asc(cert, host, 0)) == -2)
			rc = X509_check_host(cert, host, 0, 0, NULL);
	}
	c->cl->free(host);
	c->cl->url_cleanup(u);
	return rc == 1;
}

static void
client_verify_cause(struct client *c, char **cause)
{
	size_t	i;

	for (i = 0; c->verify != X509_V_OK &&
	    i < sizeof client_verify_failures / sizeof client_verify_failures[0]; i++)
		if (client_verify_failures[i].verify == c->verify) {
			cause_set(cause, _("the service at %s is not the one we trust: %s"), c->url,
			    _(client_verify_failures[i].reason));
			return;
		}
	if (c->verify == X509_V_OK && c->peer != NULL && !client_names_match(c, c->peer)) {
		cause_set(cause, _("the service at %s is not the one we trust: %s"), c->url,
		    _("its certificate is made out for another name (check the service's "
		    "address)"));
		return;
	}
	cause_set(cause, _("the service at %s is not the one we trust: its certificate is not "
	    "signed by a CA in %s"), c->url, c->ca_file != NULL ? c->ca_file :
	    _("the system's list of trusted CAs"));
}

/* A curl failure in the person's words (cause) and its class (r->failure). */
static void
client_curl_cause(struct client *c, CURLcode rc, const char *errbuf, struct client_result *r,
    char **cause)
{
	size_t	i;

	log_debug("%s: %s", c->url, errbuf[0] != '\0' ? errbuf : c->cl->easy_strerror(rc));
	if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		r->failure = CLIENT_TLS;
		client_verify_cause(c, cause);
		return;
	}
	for (i = 0; i < sizeof client_curl_failures / sizeof client_curl_failures[0]; i++)
		if (client_curl_failures[i].rc == rc) {
			r->failure = client_curl_failures[i].failure;
			cause_set(cause, _("cannot reach the service at %s: %s"), c->url,
			    _(client_curl_failures[i].reason));
			return;
		}
	r->failure = CLIENT_UNREACHABLE;
	cause_set(cause, _("cannot reach the service at %s (network error %d)"), c->url,
	    (int)rc);
}

/*
 * Every string of an answer loses its control characters before anyone sees it: the
 * service is trusted to say things, never to drive the terminal they are shown on.
 * Newlines stay (PEM, the form's text).
 */
static void
client_sanitize(json_t *j)
{
	const char	*key;
	json_t		*v;
	char		*s;
	size_t		 i;

	if (json_is_string(j)) {
		/* strdup stops at a NUL inside (JSON allows "\u0000"): the rest goes too. */
		if ((s = strdup(json_string_value(j))) == NULL) {
			(void)json_string_set(j, "");
			return;
		}
		if (utf8_sanitize(s, 1) > 0 || strlen(s) != json_string_length(j))
			(void)json_string_set(j, s);
		free(s);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			client_sanitize(v);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			client_sanitize(v);
	}
}

static void
client_read_error(struct client_result *r)
{
	json_t	*err = json_object_get(r->json, "error");

	if (!json_is_object(err))
		return;
	r->code = client_strdup_or_null(json_string_value(json_object_get(err, "code")));
	r->field = client_strdup_or_null(json_string_value(json_object_get(err, "field")));
	r->message = client_strdup_or_null(json_string_value(json_object_get(err, "message")));
	/* A message is shown on one line, after "ncaenroll: ". */
	if (r->message != NULL)
		(void)utf8_sanitize(r->message, 0);
}

/*
 * The refusal in the person's words (svcerror.c). A code this program does not know
 * (a newer service) is the one case where the service's own sentence is shown; the code
 * is logged, so whoever updates the program learns of it.
 */
static void
client_refusal(struct client *c, const struct client_result *r, char **cause)
{
	const char	*name = svcerror_field(r->field);
	const char	*said = r->message != NULL ? r->message : r->code;
	char		*text;

	if (r->status == 429 && r->retry_after > 0 &&
	    strcmp(r->code, "rate_limited") == 0) {
		cause_set(cause, _("too many requests came from this computer's address; try "
		    "again in %ld seconds"), r->retry_after);
		return;
	}
	if ((text = svcerror_text(r->code, r->field)) != NULL) {
		cause_set(cause, "%s", text);
		free(text);
		return;
	}
	log_warning(_("the service at %s answered with an error code this program does not "
	    "know: %s"), c->url, r->code);
	if (name != NULL)
		cause_set(cause, _("%s: the service refused the value: %s"), name, said);
	else
		cause_set(cause, _("the service refused: %s"), said);
}

/* A 5xx: the service failed, whatever it says; in its words only if there are no others. */
static void
client_failed(struct client *c, const struct client_result *r, char **cause)
{
	char	*text = svcerror_text(r->code, NULL);

	if (text != NULL)
		cause_set(cause, _("%s (%s)"), text, c->url);
	else {
		if (r->code != NULL)
			log_warning(_("the service at %s answered with an error code this "
			    "program does not know: %s"), c->url, r->code);
		cause_set(cause, _("the service at %s failed (HTTP %ld)%s%s"), c->url, r->status,
		    r->message != NULL ? ": " : "", r->message != NULL ? r->message : "");
	}
	free(text);
}

static int
client_once(struct client *c, const char *method, const char *url, const char *body,
    struct curl_slist *hdrs, struct client_result *r, char **cause)
{
	struct client_buf	 buf = { NULL, 0, 0 };
	char			 errbuf[CURL_ERROR_SIZE] = "";
	json_error_t		 jerr;
	curl_off_t		 retry = 0;
	CURLcode		 rc;

	client_result_free(r);
	c->alert = 0;
	c->verify = X509_V_OK;
	X509_free(c->peer);
	c->peer = NULL;
	if (client_setopts(c, method, url, body, hdrs, &buf) == -1 ||
	    client_setopts_cancel(c) == -1 ||
	    c->cl->easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
		cause_set(cause, _("cannot set up the network request"));
		r->failure = CLIENT_BROKEN;
		return -1;
	}
	rc = c->cl->easy_perform(c->curl);
	r->body = buf.p;
	r->len = buf.len;
	r->tls_alert = c->alert;
	r->tls_version = c->tls_version;
	if (rc != CURLE_OK && c->id_key != NULL && p11_key_failure(c->id_key, cause)) {
		/* Not the service's doing: the token holding our key failed to sign. */
		r->failure = CLIENT_KEY;
		return -1;
	}
	if (rc != CURLE_OK && c->alert != 0 &&
	    (c->id_cert != NULL || c->alert == CLIENT_ALERT_CERTIFICATE_REQUIRED)) {
		/* Not "unreachable": it answered, about our certificate (or its absence). */
		r->failure = CLIENT_IDENTITY;
		/* By the alert's number: OpenSSL's name for it is English. */
		cause_set(cause, _("the service at %s refused this program's certificate "
		    "(refusal code %d)"), c->url, c->alert);
		return -1;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK && c->stop != NULL) {
		r->failure = CLIENT_CANCELLED;
		cause_set(cause, "%s", _("stopped before the service answered"));
		return -1;
	}
	if (rc != CURLE_OK && buf.overflow) {
		r->failure = CLIENT_BROKEN;
		cause_set(cause, _("the service at %s sent an answer too large to be real"),
		    c->url);
		return -1;
	}
	if (rc != CURLE_OK) {
		client_curl_cause(c, rc, errbuf, r, cause);
		return -1;
	}
	(void)c->cl->easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	(void)c->cl->easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &retry);
	r->retry_after = retry > 0 ? (long)retry : 0;
	r->json = buf.len > 0 && (buf.p[0] == '{' || buf.p[0] == '[') ?
	    json_loadb(buf.p, buf.len, 0, &jerr) : NULL;
	client_sanitize(r->json);
	if (r->status >= 200 && r->status < 300 && r->json == NULL && !c->raw) {
		/* Every answer of doc/api*.md this client asks for is JSON. */
		r->failure = CLIENT_BROKEN;
		cause_set(cause, _("the service at %s sent an answer this program cannot read; "
		    "is that address the enrollment service?"), c->url);
		return -1;
	}
	if (r->status >= 200 && r->status < 300) {
		r->failure = CLIENT_OK;
		return 0;
	}
	client_read_error(r);
	if (r->status >= 400 && r->status < 500 && r->code != NULL) {
		r->failure = CLIENT_REFUSED;
		client_refusal(c, r, cause);
		return -1;
	}
	r->failure = CLIENT_BROKEN;
	client_failed(c, r, cause);
	return -1;
}

int
client_call(struct client *c, const char *method, const char *path, json_t *body,
    int idempotent, struct client_result *r, char **cause)
{
	struct curl_slist	*hdrs = NULL, *h;
	char			*url = NULL, *text = NULL, lang[40];
	struct timespec		 pause = { 0, 500 * 1000 * 1000 };
	int			 attempt, rc = -1;

	memset(r, 0, sizeof *r);
	if (client_curl(c, cause) == -1) {
		r->failure = CLIENT_BROKEN;
		return -1;
	}
	(void)snprintf(lang, sizeof lang, "Accept-Language: %s", c->lang);
	if (asprintf(&url, "%s%s", c->url, path) == -1) {
		url = NULL;
		goto oom;
	}
	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		goto oom;
	if ((h = c->cl->slist_append(NULL, "Accept: application/json")) == NULL)
		goto oom;
	hdrs = h;
	if ((h = c->cl->slist_append(hdrs, "Content-Type: application/json")) == NULL ||
	    (hdrs = h, (h = c->cl->slist_append(hdrs, lang)) == NULL))
		goto oom;
	hdrs = h;
	for (attempt = 1;; attempt++) {
		rc = client_once(c, method, url, text, hdrs, r, cause);
		/* A refusal is an answer; only failures of the way there are worth a retry. */
		if (rc == 0 || !idempotent || attempt >= c->cfg.tries ||
		    r->failure == CLIENT_REFUSED || r->failure == CLIENT_TLS ||
		    r->failure == CLIENT_IDENTITY || r->failure == CLIENT_CANCELLED)
			break;
		if (c->stop != NULL && c->stop(c->stop_arg) != 0) {
			r->failure = CLIENT_CANCELLED;
			cause_set(cause, "%s", _("stopped before the service answered"));
			break;
		}
		log_debug("%s %s failed (try %d), retrying", method, path, attempt);
		(void)nanosleep(&pause, NULL);
		pause.tv_sec = pause.tv_sec * 2 + (pause.tv_nsec >= 500000000);
		pause.tv_nsec = (pause.tv_nsec * 2) % 1000000000;
	}
	goto out;
oom:
	cause_set(cause, _("out of memory"));
	r->failure = CLIENT_BROKEN;
out:
	c->cl->slist_free_all(hdrs);
	free(text);
	free(url);
	return rc;
}

int
client_get_raw(struct client *c, const char *path, struct client_result *r, char **cause)
{
	int	rc;

	c->raw = 1;
	rc = client_call(c, "GET", path, NULL, 1, r, cause);
	c->raw = 0;
	return rc;
}

static int
client_time(const ASN1_TIME *t, time_t *out)
{
	struct tm	tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static char *
client_name(const X509_NAME *name)
{
	BIO	*b = BIO_new(BIO_s_mem());
	char	*p = NULL, *s = NULL;
	long	 n;

	if (b != NULL && X509_NAME_print_ex(b, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
		memcpy(s, p, (size_t)n);
		s[n] = '\0';
	}
	BIO_free(b);
	return s;
}

static int
client_identity_describe(X509 *cert, struct client_identity *info)
{
	const ASN1_INTEGER	*sn = X509_get0_serialNumber(cert);
	BIGNUM			*bn = sn != NULL ? ASN1_INTEGER_to_BN(sn, NULL) : NULL;
	char			*hex = bn != NULL ? BN_bn2hex(bn) : NULL;
	int			 rc = -1;

	memset(info, 0, sizeof *info);
	if ((info->subject = client_name(X509_get_subject_name(cert))) != NULL &&
	    (info->issuer = client_name(X509_get_issuer_name(cert))) != NULL &&
	    hex != NULL && (info->serial = strdup(hex)) != NULL &&
	    client_time(X509_get0_notBefore(cert), &info->not_before) == 0 &&
	    client_time(X509_get0_notAfter(cert), &info->not_after) == 0)
		rc = 0;
	OPENSSL_free(hex);
	BN_free(bn);
	if (rc == -1)
		client_identity_free(info);
	return rc;
}

/* Opens the container; *key and *cert are the caller's on success. */
static enum client_identity_error
client_p12_open(const char *path, const struct secret *password, EVP_PKEY **key,
    X509 **cert, STACK_OF(X509) **chain, char **cause)
{
	const char		*pw = password != NULL ? secret_reveal(password) : "";
	int			 pwlen = password != NULL ? (int)secret_len(password) : 0;
	PKCS12			*p12 = NULL;
	FILE			*fp;
	enum client_identity_error why = CLIENT_IDENTITY_OK;

	if ((fp = fopen(path, "rb")) == NULL) {
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
		return CLIENT_IDENTITY_FILE;
	}
	p12 = d2i_PKCS12_fp(fp, NULL);
	(void)fclose(fp);	/* read-only */
	if (p12 == NULL) {
		cause_set(cause, _("%s is not a PKCS#12 container (.p12)"), path);
		why = CLIENT_IDENTITY_FILE;
	} else if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, pw, pwlen) != 1 &&
	    (pwlen != 0 || PKCS12_verify_mac(p12, NULL, 0) != 1)) {
		cause_set(cause, _("the password does not open %s"), path);
		why = CLIENT_IDENTITY_PASSWORD;
	} else if (PKCS12_parse(p12, pw, key, cert, chain) != 1) {
		cause_set(cause, _("the password does not open %s"), path);
		why = CLIENT_IDENTITY_PASSWORD;
	} else if (*key == NULL || *cert == NULL) {
		cause_set(cause, _("%s holds no certificate with its private key"), path);
		why = CLIENT_IDENTITY_CONTENT;
	}
	ERR_clear_error();	/* nothing of OpenSSL's queue may leak into a later message */
	PKCS12_free(p12);
	return why;
}

/*
 * Makes key, cert and chain the client's identity (taking them) once they are judged
 * usable; on failure they are freed. what names the identity in messages.
 */
static enum client_identity_error
client_identity_take(struct client *c, EVP_PKEY *key, X509 *cert, STACK_OF(X509) *chain,
    int tls12, const char *what, struct client_identity *info, char **cause)
{
	enum client_identity_error w = CLIENT_IDENTITY_OK;

	if (info != NULL && client_identity_describe(cert, info) == -1) {
		cause_set(cause, _("%s holds a certificate this program cannot read"), what);
		w = CLIENT_IDENTITY_CONTENT;
	} else if (client_curl(c, cause) == -1)
		w = CLIENT_IDENTITY_TLS;
	else if (c->cl->easy_setopt(c->curl, CURLOPT_SSL_CTX_FUNCTION, client_ssl_ctx) !=
	    CURLE_OK || c->cl->easy_setopt(c->curl, CURLOPT_SSL_CTX_FUNCTION, NULL) != CURLE_OK) {
		/* A libcurl built on another TLS library would ignore the hook and send nothing. */
		cause_set(cause, _("this build's network library cannot present a client "
		    "certificate"));
		w = CLIENT_IDENTITY_TLS;
	}
	if (w != CLIENT_IDENTITY_OK) {
		client_identity_free(info);
		EVP_PKEY_free(key);
		X509_free(cert);
		sk_X509_pop_free(chain, X509_free);
		return w;
	}
	EVP_PKEY_free(c->id_key);
	X509_free(c->id_cert);
	sk_X509_pop_free(c->id_chain, X509_free);
	c->id_key = key;
	c->id_cert = cert;
	c->id_chain = chain;
	c->id_tls12 = tls12;
	return w;
}

int
client_set_identity_p12(struct client *c, const char *path, const struct secret *password,
    struct client_identity *info, enum client_identity_error *why, char **cause)
{
	EVP_PKEY		*key = NULL;
	X509			*cert = NULL;
	STACK_OF(X509)		*chain = NULL;
	enum client_identity_error w;

	if (info != NULL)
		memset(info, 0, sizeof *info);
	if ((w = client_p12_open(path, password, &key, &cert, &chain, cause)) ==
	    CLIENT_IDENTITY_OK)
		w = client_identity_take(c, key, cert, chain, 0, path, info, cause);
	if (why != NULL)
		*why = w;
	return w == CLIENT_IDENTITY_OK ? 0 : -1;
}

int
client_set_identity_key(struct client *c, EVP_PKEY *key, X509 *cert, int tls12,
    const char *what, struct client_identity *info, enum client_identity_error *why,
    char **cause)
{
	enum client_identity_error w;

	if (info != NULL)
		memset(info, 0, sizeof *info);
	if (EVP_PKEY_up_ref(key) != 1) {
		cause_set(cause, _("out of memory"));
		w = CLIENT_IDENTITY_CONTENT;
	} else if (X509_up_ref(cert) != 1) {
		EVP_PKEY_free(key);
		cause_set(cause, _("out of memory"));
		w = CLIENT_IDENTITY_CONTENT;
	} else
		w = client_identity_take(c, key, cert, NULL, tls12, what, info, cause);
	if (why != NULL)
		*why = w;
	return w == CLIENT_IDENTITY_OK ? 0 : -1;
}

void
client_identity_free(struct client_identity *info)
{
	if (info == NULL)
		return;
	free(info->subject);
	free(info->issuer);
	free(info->serial);
	memset(info, 0, sizeof *info);
}

char *
client_identity_field(const char *subject, const char *attr)
{
	size_t		 alen = strlen(attr), n;
	const char	*s = subject;
	char		*out, *o;

	while (s != NULL && *s != '\0') {
		if (strncasecmp(s, attr, alen) == 0 && s[alen] == '=') {
			s += alen + 1;
			if ((out = o = malloc(strlen(s) + 1)) == NULL)
				return NULL;
			for (; *s != '\0' && *s != ',' && *s != '+'; s++) {
				if (*s == '\\' && s[1] != '\0')
					s++;
				*o++ = *s;
			}
			*o = '\0';
			return out;
		}
		/* Skip to after the next unescaped separator. */
		for (n = 0; s[n] != '\0' && s[n] != ',' && s[n] != '+'; n++)
			if (s[n] == '\\' && s[n + 1] != '\0')
				n++;
		s = s[n] != '\0' ? s + n + 1 : NULL;
	}
	return NULL;
}

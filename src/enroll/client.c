#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "enroll/client.h"

#define CLIENT_MAX_ANSWER (4 * 1024 * 1024)	/* certificates and forms are far smaller */

struct client {
	CURL			*curl;
	struct client_config	 cfg;
	char			*url;
	char			*ca_file;
	char			*lang;
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

struct client *
client_new(const struct client_config *cfg, char **cause)
{
	struct client	*c;

	if (cfg->url == NULL || strncmp(cfg->url, "https://", 8) != 0) {
		cause_set(cause, _("the service address must start with https:// (got '%s')"),
		    cfg->url != NULL ? cfg->url : "");
		return NULL;
	}
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
	if ((c->curl = curl_easy_init()) == NULL) {
		cause_set(cause, _("cannot start the network library"));
		client_free(c);
		return NULL;
	}
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
		curl_easy_cleanup(c->curl);
	free(c->url);
	free(c->ca_file);
	free(c->lang);
	free(c);
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

static int
client_setopts(struct client *c, const char *method, const char *url, const char *body,
    struct curl_slist *hdrs, struct client_buf *buf)
{
	CURL	*h = c->curl;

	curl_easy_reset(h);
	return curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    (c->ca_file != NULL &&
	    curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file) != CURLE_OK) ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->cfg.connect_timeout) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, c->cfg.timeout) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, client_collect) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, buf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION) != CURLE_OK ||
	    (strcmp(method, "POST") == 0 &&
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body != NULL ? body : "{}") != CURLE_OK) ? -1 : 0;
}

/* What a curl failure means to a person. */
static enum client_failure
client_classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		return CLIENT_TLS;
	default:
		return CLIENT_UNREACHABLE;
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
}

static int
client_once(struct client *c, const char *method, const char *url, const char *body,
    struct curl_slist *hdrs, struct client_result *r, char **cause)
{
	struct client_buf	 buf = { NULL, 0, 0 };
	char			 errbuf[CURL_ERROR_SIZE] = "";
	json_error_t		 jerr;
	CURLcode		 rc;

	client_result_free(r);
	if (client_setopts(c, method, url, body, hdrs, &buf) == -1 ||
	    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
		cause_set(cause, _("cannot set up the network request"));
		r->failure = CLIENT_BROKEN;
		return -1;
	}
	rc = curl_easy_perform(c->curl);
	r->body = buf.p;
	r->len = buf.len;
	if (rc != CURLE_OK) {
		r->failure = buf.overflow ? CLIENT_BROKEN : client_classify(rc);
		if (r->failure == CLIENT_TLS)
			cause_set(cause, _("the service at %s is not the one we trust (%s): %s"),
			    c->url, c->ca_file != NULL ? c->ca_file : _("system CA list"),
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
		else if (buf.overflow)
			cause_set(cause, _("the service at %s sent an answer too large to be "
			    "real"), c->url);
		else
			cause_set(cause, _("cannot reach the service at %s: %s"), c->url,
			    errbuf[0] ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	(void)curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
	r->json = buf.len > 0 && (buf.p[0] == '{' || buf.p[0] == '[') ?
	    json_loadb(buf.p, buf.len, 0, &jerr) : NULL;
	if (r->status >= 200 && r->status < 300) {
		r->failure = CLIENT_OK;
		return 0;
	}
	client_read_error(r);
	if (r->status >= 400 && r->status < 500 && r->code != NULL) {
		r->failure = CLIENT_REFUSED;
		if (r->field != NULL)
			cause_set(cause, _("the service refused %s: %s"), r->field,
			    r->message != NULL ? r->message : r->code);
		else
			cause_set(cause, _("the service refused: %s"),
			    r->message != NULL ? r->message : r->code);
		return -1;
	}
	r->failure = CLIENT_BROKEN;
	cause_set(cause, _("the service at %s failed (HTTP %ld)%s%s"), c->url, r->status,
	    r->message != NULL ? ": " : "", r->message != NULL ? r->message : "");
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
	(void)snprintf(lang, sizeof lang, "Accept-Language: %s", c->lang);
	if (asprintf(&url, "%s%s", c->url, path) == -1) {
		url = NULL;
		goto oom;
	}
	if (body != NULL && (text = json_dumps(body, JSON_COMPACT)) == NULL)
		goto oom;
	if ((h = curl_slist_append(NULL, "Accept: application/json")) == NULL)
		goto oom;
	hdrs = h;
	if ((h = curl_slist_append(hdrs, "Content-Type: application/json")) == NULL ||
	    (hdrs = h, (h = curl_slist_append(hdrs, lang)) == NULL))
		goto oom;
	hdrs = h;
	for (attempt = 1;; attempt++) {
		rc = client_once(c, method, url, text, hdrs, r, cause);
		/* A refusal is an answer; only failures of the way there are worth a retry. */
		if (rc == 0 || !idempotent || attempt >= c->cfg.tries ||
		    r->failure == CLIENT_REFUSED || r->failure == CLIENT_TLS)
			break;
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
	curl_slist_free_all(hdrs);
	free(text);
	free(url);
	return rc;
}

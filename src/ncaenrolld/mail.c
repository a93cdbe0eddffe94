/*
 * mail — one message over SMTP with libcurl: mail_send_message builds the MIME message
 * with curl's API (RFC 2047 subject, base64 text, the PDF attached), talks to the relay as
 * mail.* says (STARTTLS, certificate, login) and judges its answer.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "common/cause.h"
#include "ncaenrolld/mail.h"

#define MAIL_DEFAULT_FROM	"ncaenrolld@localhost"
#define MAIL_CONNECT_TIMEOUT	5L	/* seconds: a dead relay must not hold a request */
#define MAIL_TIMEOUT		20L
#define MAIL_WORD_BYTES		45	/* raw bytes per RFC 2047 encoded-word (60 base64) */
#define MAIL_LINE_BYTES		57	/* raw bytes per base64 body line (76 chars) */

static int
mail_has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/* The bare address for the envelope: "Name <a@b>" -> "<a@b>", "a@b" -> "<a@b>". */
static char *
mail_envelope(const char *addr)
{
	const char	*lt = strchr(addr, '<'), *gt;
	char		*s = NULL;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return asprintf(&s, "%.*s", (int)(gt - lt + 1), lt) == -1 ? NULL : s;
	return asprintf(&s, "<%s>", addr) == -1 ? NULL : s;
}

static void
mail_b64(FILE *f, const unsigned char *in, size_t len)
{
	unsigned char	out[4 * ((MAIL_LINE_BYTES + 2) / 3) + 1];

	(void)EVP_EncodeBlock(out, in, (int)len);
	(void)fputs((const char *)out, f);
}

/*
 * Subject's RFC 2047 encoded-words, cut between UTF-8 characters, each after fold: "\r\n "
 * folds the header, " " keeps it one line (curl's header list takes no folds).
 */
static void
mail_subject_words(FILE *f, const char *subject, const char *fold)
{
	const unsigned char	*s = (const unsigned char *)subject;
	size_t			 len = strlen(subject), off = 0, n;

	while (off < len) {
		n = len - off > MAIL_WORD_BYTES ? MAIL_WORD_BYTES : len - off;
		while (off + n < len && n > 1 && (s[off + n] & 0xc0) == 0x80)
			n--;
		(void)fputs(off == 0 ? " " : fold, f);
		(void)fputs("=?UTF-8?B?", f);
		mail_b64(f, s + off, n);
		(void)fputs("?=", f);
		off += n;
	}
}

/* text with CRLF line ends (MIME's canonical text); malloc'd, NULL without memory. */
static char *
mail_crlf(const char *text, size_t *len)
{
	FILE	*crlf;
	char	*buf = NULL;
	int	 bad;

	*len = 0;
	if ((crlf = open_memstream(&buf, len)) == NULL)
		return NULL;
	for (; *text != '\0'; text++) {
		if (*text == '\n')
			(void)fputc('\r', crlf);
		(void)fputc(*text, crlf);
	}
	bad = ferror(crlf);
	if (fclose(crlf) != 0 || bad) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* RFC 5322's date, in UTC: "Mon, 07 Dec 2026 01:39:49 +0000". */
static void
mail_date_value(FILE *f, time_t now)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;

	if (gmtime_r(&now, &tm) == NULL)
		return;
	(void)fprintf(f, "%s, %02d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

/* ---- one message over SMTP with libcurl's MIME (mail_send_message) ---- */

#define MAIL_REPLY_MAX	200	/* what a cause quotes of the relay's last line */

/* In the order of enum srv_starttls. */
static const long mail_use_ssl[] = { CURLUSESSL_TRY, CURLUSESSL_ALL, CURLUSESSL_NONE };

char *
mail_message_id(const struct srv_mail *m, const struct store_mail *sm)
{
	const char	*at = m->from != NULL ? strrchr(m->from, '@') : NULL;
	char		*id;

	if (asprintf(&id, "<%s.%s.%lld@%s>", sm->notice, sm->number, sm->id,
	    at != NULL && at[1] != '\0' ? at + 1 : "localhost") == -1)
		return NULL;
	return id;
}

/* The relay's last refusal (4xx, 5xx), as curl heard it: kept to quote in a cause. */
struct mail_talk {
	char	last[MAIL_REPLY_MAX + 1];
};

/*
 * curl's debug callback, for what the relay says (CURLINFO_HEADER_IN) only: what we say
 * (HEADER_OUT) carries the login and is never looked at. Keeps printable ASCII.
 */
static int
mail_heard(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
	struct mail_talk	*t = arg;
	size_t			 i, n = 0;

	(void)c;
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
		size--;
	/* Not a refusal, or curl's QUIT after one ("221 Bye"): the refusal stands. */
	if (size < 3 || (data[0] != '4' && data[0] != '5'))
		return 0;
	for (i = 0; i < size && n < MAIL_REPLY_MAX; i++)
		t->last[n++] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '?';
	t->last[n] = '\0';
	return 0;
}

static int
mail_bad_header(const struct mail_message *msg, const char *from)
{
	const char	*v[] = { msg->to, from, msg->message_id, msg->subject,
	    msg->attachment_name };
	size_t		 i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		if (mail_has_crlf(v[i]))
			return 1;
	return strpbrk(msg->to, "<>") != NULL;
}

/* Date, From, To, Subject (RFC 2047), Message-ID: curl adds MIME's own. NULL: memory. */
static struct curl_slist *
mail_headers(const struct mail_message *msg, const char *from)
{
	struct curl_slist	*h = NULL, *n;
	char			*lines = NULL, *line, *save = NULL;
	size_t			 len = 0;
	FILE			*f;
	int			 bad;

	if ((f = open_memstream(&lines, &len)) == NULL)
		return NULL;
	(void)fputs("Date: ", f);
	mail_date_value(f, msg->date);
	(void)fprintf(f, "\nFrom: %s\nTo: %s\nSubject:", from, msg->to);
	mail_subject_words(f, msg->subject, " ");
	(void)fprintf(f, "\nMessage-ID: %s", msg->message_id);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(lines);
		return NULL;
	}
	/* One entry a header. */
	for (line = strtok_r(lines, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((n = curl_slist_append(h, line)) == NULL) {
			curl_slist_free_all(h);
			h = NULL;
			break;
		}
		h = n;
	}
	free(lines);
	return h;
}

/* The text (base64, UTF-8) and, if any, the attachment (base64, application/pdf). */
static curl_mime *
mail_mime(CURL *c, const struct mail_message *msg)
{
	curl_mime	*mime;
	curl_mimepart	*part;
	char		*text;
	size_t		 len;
	CURLcode	 e = CURLE_OUT_OF_MEMORY;

	if ((mime = curl_mime_init(c)) == NULL)
		return NULL;
	if ((text = mail_crlf(msg->body, &len)) != NULL &&
	    (part = curl_mime_addpart(mime)) != NULL &&
	    (e = curl_mime_data(part, text, len)) == CURLE_OK &&
	    (e = curl_mime_type(part, "text/plain; charset=UTF-8")) == CURLE_OK)
		e = curl_mime_encoder(part, "base64");
	free(text);
	if (e == CURLE_OK && msg->attachment != NULL) {
		e = CURLE_OUT_OF_MEMORY;
		if ((part = curl_mime_addpart(mime)) != NULL &&
		    (e = curl_mime_filedata(part, msg->attachment)) == CURLE_OK &&
		    (e = curl_mime_filename(part, msg->attachment_name)) == CURLE_OK &&
		    (e = curl_mime_type(part, "application/pdf")) == CURLE_OK)
			e = curl_mime_encoder(part, "base64");
	}
	if (e != CURLE_OK) {
		curl_mime_free(mime);
		return NULL;
	}
	return mime;
}

/* Where the relay is and how to talk to it: 0 or curl's error. */
static CURLcode
mail_setup(CURL *c, const struct srv_mail *m, struct mail_talk *talk, char *err)
{
	CURLcode	e;

	if ((e = curl_easy_setopt(c, CURLOPT_URL, m->smtp_url)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps")) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, MAIL_CONNECT_TIMEOUT)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_TIMEOUT, MAIL_TIMEOUT)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_USE_SSL, mail_use_ssl[m->starttls])) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, mail_heard)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_DEBUGDATA, talk)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_VERBOSE, 1L)) != CURLE_OK)
		return e;
	if (m->ca_file != NULL &&
	    (e = curl_easy_setopt(c, CURLOPT_CAINFO, m->ca_file)) != CURLE_OK)
		return e;
	if (m->username != NULL &&
	    ((e = curl_easy_setopt(c, CURLOPT_USERNAME, m->username)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_PASSWORD, m->password)) != CURLE_OK))
		return e;
	return CURLE_OK;
}

/*
 * After a failed transfer: a 5xx to MAIL FROM, RCPT TO (CURLE_SEND_ERROR) or to the end of
 * DATA (CURLE_WEIRD_SERVER_REPLY) is the relay's last word on this mail; a 5xx to a login
 * or a greeting is its settings', not the address's, and waits like any other failure.
 */
static enum mail_outcome
mail_judge(CURL *c, CURLcode e, const struct mail_talk *talk, const char *err,
    char **cause)
{
	long	code = 0;
	char	digits[8];

	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
		code = 0;
	(void)snprintf(digits, sizeof digits, "%ld", code);
	if (e == CURLE_USE_SSL_FAILED)
		cause_set(cause, "the relay does not offer STARTTLS, and mail.starttls is "
		    "required");
	else if (code >= 400 && strncmp(talk->last, digits, strlen(digits)) == 0)
		cause_set(cause, "%s", talk->last);
	else
		cause_set(cause, "%s", *err != '\0' ? err : curl_easy_strerror(e));
	if (code >= 500 && code < 600 &&
	    (e == CURLE_SEND_ERROR || e == CURLE_WEIRD_SERVER_REPLY))
		return MAIL_REFUSED;
	return MAIL_RETRY;
}

enum mail_outcome
mail_send_message(const struct srv_mail *m, const struct mail_message *msg, char **cause)
{
	const char		*from = m->from != NULL ? m->from : MAIL_DEFAULT_FROM;
	struct mail_talk	 talk = { "" };
	struct curl_slist	*to = NULL, *headers = NULL;
	curl_mime		*mime = NULL;
	CURL			*c = NULL;
	CURLcode		 e = CURLE_OUT_OF_MEMORY;
	char			 err[CURL_ERROR_SIZE] = "", *rcpt = NULL, *sender = NULL;
	enum mail_outcome	 rc = MAIL_RETRY;

	if (m->smtp_url == NULL) {
		cause_set(cause, "no relay: mail.smtp_url is not set");
		return MAIL_RETRY;
	}
	if (mail_bad_header(msg, from)) {
		cause_set(cause, "the address or the words hold a line break or <>");
		return MAIL_REFUSED;
	}
	if ((c = curl_easy_init()) == NULL || (rcpt = mail_envelope(msg->to)) == NULL ||
	    (sender = mail_envelope(from)) == NULL ||
	    (to = curl_slist_append(NULL, rcpt)) == NULL ||
	    (headers = mail_headers(msg, from)) == NULL || (mime = mail_mime(c, msg)) == NULL)
		goto out;
	if ((e = mail_setup(c, m, &talk, err)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_MAIL_FROM, sender)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_MIMEPOST, mime)) != CURLE_OK)
		goto out;
	if ((e = curl_easy_perform(c)) == CURLE_OK)
		rc = MAIL_SENT;
out:
	if (e != CURLE_OK && c == NULL)
		cause_set(cause, "out of memory");
	else if (e != CURLE_OK)
		rc = mail_judge(c, e, &talk, err, cause);
	curl_mime_free(mime);
	curl_slist_free_all(headers);
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	free(rcpt);
	free(sender);
	return rc;
}

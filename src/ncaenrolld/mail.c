/*
 * mail — the applicant's messages over SMTP with libcurl: mail_send_message builds the MIME
 * message with curl's API and judges the relay's answer; below it, the synchronous mails of
 * before the outbox (composed by hand), kept until their callers queue instead.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "common/appform.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/revocation.h"
#include "common/storage.h"
#include "ncaenrolld/mail.h"
#include "ncaenrolld/mailpdf.h"

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

static void
mail_subject(FILE *f, const char *subject)
{
	(void)fputs("Subject:", f);
	mail_subject_words(f, subject, "\r\n ");
	(void)fputs("\r\n", f);
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

/* The body with CRLF line ends, base64 in 76-character lines. */
static int
mail_body(FILE *f, const char *body)
{
	char	*buf;
	size_t	 len, off, n;

	if ((buf = mail_crlf(body, &len)) == NULL)
		return -1;
	for (off = 0; off < len; off += n) {
		n = len - off > MAIL_LINE_BYTES ? MAIL_LINE_BYTES : len - off;
		mail_b64(f, (const unsigned char *)buf + off, n);
		(void)fputs("\r\n", f);
	}
	free(buf);
	return 0;
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

static void
mail_date(FILE *f, time_t now)
{
	(void)fputs("Date: ", f);
	mail_date_value(f, now);
	(void)fputs("\r\n", f);
}

static void
mail_random_id(FILE *f)
{
	unsigned char	r[12];
	size_t		i;

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		return;	/* the header is optional; the relay adds one */
	(void)fputs("Message-ID: <", f);
	for (i = 0; i < sizeof r; i++)
		(void)fprintf(f, "%02x", r[i]);
	(void)fputs("@ncaenrolld>\r\n", f);
}

char *
mail_compose(const struct srv_mail *m, const char *to, const char *subject,
    const char *body, time_t now, char **cause)
{
	const char	*from = m->from != NULL ? m->from : MAIL_DEFAULT_FROM;
	FILE		*f;
	char		*text = NULL;
	size_t		 len = 0;
	int		 bad;

	if (mail_has_crlf(to) || mail_has_crlf(from)) {
		cause_set(cause, "a mail address contains a line break");
		return NULL;
	}
	if ((f = open_memstream(&text, &len)) == NULL) {
		cause_set(cause, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	mail_date(f, now);
	(void)fprintf(f, "From: %s\r\nTo: %s\r\n", from, to);
	mail_subject(f, subject);
	mail_random_id(f);
	(void)fputs("MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", f);
	bad = mail_body(f, body) == -1 || ferror(f);
	if (fclose(f) != 0 || bad) {
		cause_set(cause, "out of memory composing a mail");
		free(text);
		return NULL;
	}
	return text;
}

struct mail_reader {
	const char	*p;
	size_t		 left;
};

static size_t
mail_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct mail_reader	*r = arg;
	size_t			 n = size * nitems;

	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

static int
mail_curl(const struct srv_mail *m, const char *rcpt, const char *from, const char *msg,
    char **cause)
{
	struct mail_reader	 r = { msg, strlen(msg) };
	struct curl_slist	*to = NULL;
	CURL			*c;
	CURLcode		 e = CURLE_OUT_OF_MEMORY;
	char			 err[CURL_ERROR_SIZE] = "";

	if ((c = curl_easy_init()) == NULL || (to = curl_slist_append(NULL, rcpt)) == NULL)
		goto out;
	if ((e = curl_easy_setopt(c, CURLOPT_URL, m->smtp_url)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, MAIL_CONNECT_TIMEOUT)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_TIMEOUT, MAIL_TIMEOUT)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_MAIL_FROM, from)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_READFUNCTION, mail_read)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_READDATA, &r)) != CURLE_OK ||
	    (e = curl_easy_setopt(c, CURLOPT_UPLOAD, 1L)) != CURLE_OK)
		goto out;
	e = curl_easy_perform(c);
out:
	if (e != CURLE_OK)
		cause_set(cause, "mail to %s through %s: %s", rcpt, m->smtp_url,
		    *err != '\0' ? err : curl_easy_strerror(e));
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	return e == CURLE_OK ? 0 : -1;
}

int
mail_send(const struct srv_mail *m, const char *to, const char *subject, const char *body,
    char **cause)
{
	char	*msg = NULL, *rcpt = NULL, *from = NULL;
	int	 rc = -1;

	if (m->smtp_url == NULL || *m->smtp_url == '\0')
		return 0;
	if ((msg = mail_compose(m, to, subject, body, time(NULL), cause)) == NULL)
		goto out;
	if ((rcpt = mail_envelope(to)) == NULL ||
	    (from = mail_envelope(m->from != NULL ? m->from : MAIL_DEFAULT_FROM)) == NULL) {
		cause_set(cause, "out of memory");
		goto out;
	}
	rc = mail_curl(m, rcpt, from, msg, cause);
out:
	free(msg);
	free(rcpt);
	free(from);
	return rc;
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

/* ---- the two notifications ---- */

static void
mail_when(time_t t, char buf[40])
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 40, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(buf, 40, "%lld", (long long)t);
}

static int
mail_wanted(const struct srv *srv, const struct store_app *a)
{
	return srv->cfg->mail.smtp_url != NULL && *srv->cfg->mail.smtp_url != '\0' &&
	    a->email != NULL && *a->email != '\0';
}

int
mail_submitted(struct srv *srv, struct store *st, const struct store_app *a, char **cause)
{
	const struct storage_kind	*stg;
	struct appform			 af;
	char				 date[40], deadline[40];
	char				*role = NULL, *region = NULL, *city = NULL;
	char				*applicant = NULL, *form = NULL, *body = NULL;
	char				*subject = NULL;
	int				 rc = -1;

	if (!mail_wanted(srv, a))
		return 0;
	mail_when(a->created, date);
	mail_when(a->deadline, deadline);
	stg = storage_find(a->storage);
	memset(&af, 0, sizeof af);
	role = mailpdf_dir_name(st, STORE_ROLES, a->role_id, a->lang);
	region = mailpdf_dir_name(st, STORE_REGIONS, a->region_id, a->lang);
	city = mailpdf_dir_name(st, STORE_CITIES, a->city_id, a->lang);
	if (asprintf(&applicant, "%s %s%s%s", a->surname, a->given_name,
	    a->patronymic != NULL && *a->patronymic != '\0' ? " " : "",
	    a->patronymic != NULL ? a->patronymic : "") == -1)
		applicant = NULL;
	af = (struct appform){ .number = a->number, .date = date, .deadline = deadline,
	    .org_name = a->org_name, .bin = a->bin, .applicant = applicant, .iin = a->iin,
	    .email = a->email, .role = role, .region = region, .city = city,
	    .gu_code = a->gu_code, .storage = stg != NULL ?
	    storage_name(stg, a->lang != NULL ? a->lang : "en") : a->storage,
	    .days = srv->cfg->policy.verification_days };
	if (role == NULL || region == NULL || city == NULL || applicant == NULL ||
	    (form = appform_render(&af, 0, cause)) == NULL)
		goto out;
	if (asprintf(&subject, _("Application %s registered"), a->number) == -1)
		subject = NULL;
	if (subject == NULL || asprintf(&body, _("Your application for NCA RK registration certificates is "
	    "registered.\n\nRequest number: %s\nVerify it at a registration desk before: %s\n\n"
	    "Print the application form below and bring it to a registration desk with the "
	    "documents it lists.\n\n%s"), a->number, deadline,
	    form) == -1) {
		body = NULL;
		cause_set(cause, "out of memory");
		goto out;
	}
	if ((rc = mail_send(&srv->cfg->mail, a->email, subject, body, cause)) == 0)
		rc = 1;
out:
	free(role);
	free(region);
	free(city);
	free(applicant);
	free(form);
	free(body);
	free(subject);
	return rc;
}

int
mail_issued(struct srv *srv, const struct store_app *a, char **cause)
{
	char	 until[40], *subject = NULL, *body = NULL;
	int	 rc = -1;

	if (!mail_wanted(srv, a))
		return 0;
	mail_when(a->not_after, until);
	if (asprintf(&subject, _("Application %s: certificates issued"), a->number) == -1)
		subject = NULL;
	if (subject == NULL || asprintf(&body, _("Your registration certificates are issued.\n\n"
	    "Request number: %s\nAUTH certificate serial: %s\nSIGN certificate serial: %s\n"
	    "Valid until: %s\n\n"
	    "To install them, run ncaenroll on the computer (or with the token) you applied "
	    "from and choose this application. It downloads both certificates, checks them "
	    "against the CA chain, stores them beside your keys (protected by your password "
	    "in a PC folder, or on the token) and reports the installation to the service.\n"),
	    a->number, a->serial_auth, a->serial_sign, until) == -1) {
		body = NULL;
		cause_set(cause, "out of memory");
		goto out;
	}
	rc = mail_send(&srv->cfg->mail, a->email, subject, body, cause) == 0 ? 1 : -1;
out:
	free(subject);
	free(body);
	return rc;
}

int
mail_rejected(struct srv *srv, const struct store_app *a, char **cause)
{
	char	*subject = NULL, *body = NULL;
	int	 rc = -1;

	if (!mail_wanted(srv, a))
		return 0;
	if (asprintf(&subject, _("Application %s: rejected"), a->number) == -1)
		subject = NULL;
	if (subject == NULL || asprintf(&body, _("Your application was rejected at a "
	    "registration desk.\n\nRequest number: %s\nReason: %s\n\n"
	    "A rejected application cannot go on. To obtain certificates, apply again with new "
	    "keys, and bring the printed application form and the documents it lists.\n"),
	    a->number, a->reject_reason != NULL ? a->reject_reason : "-") == -1) {
		body = NULL;
		cause_set(cause, "out of memory");
		goto out;
	}
	rc = mail_send(&srv->cfg->mail, a->email, subject, body, cause) == 0 ? 1 : -1;
out:
	free(subject);
	free(body);
	return rc;
}

int
mail_revoked(struct srv *srv, const struct store_app *a, char **cause)
{
	const struct revocation_kind	*k = revocation_find(a->revoke_reason);
	char				*subject = NULL, *body = NULL, when[40];
	int				 rc = -1;

	if (!mail_wanted(srv, a))
		return 0;
	mail_when(a->revoked_at, when);
	if (asprintf(&subject, _("Application %s: certificates revoked"), a->number) == -1)
		subject = NULL;
	if (subject == NULL || asprintf(&body, _("Both certificates of your application were "
	    "revoked.\n\nRequest number: %s\nReason: %s\nRevoked on: %s\n\n"
	    "Revoked certificates can no longer be used to sign or to log in. If you did not "
	    "ask for this, contact a registration desk at once. To obtain new certificates, "
	    "apply again with new keys.\n"), a->number, k != NULL ? k->en : "-", when) == -1) {
		body = NULL;
		cause_set(cause, "out of memory");
		goto out;
	}
	rc = mail_send(&srv->cfg->mail, a->email, subject, body, cause) == 0 ? 1 : -1;
out:
	free(subject);
	free(body);
	return rc;
}

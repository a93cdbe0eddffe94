/*
 * mail — the applicant's messages: composing one (headers, RFC 2047 subject, body), sending
 * it over SMTP with libcurl, and the words of the submitted, issued and rejected mails.
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

/* Subject as RFC 2047 encoded-words, cut between UTF-8 characters, folded. */
static void
mail_subject(FILE *f, const char *subject)
{
	const unsigned char	*s = (const unsigned char *)subject;
	size_t			 len = strlen(subject), off = 0, n;

	(void)fputs("Subject:", f);
	while (off < len) {
		n = len - off > MAIL_WORD_BYTES ? MAIL_WORD_BYTES : len - off;
		while (off + n < len && n > 1 && (s[off + n] & 0xc0) == 0x80)
			n--;
		(void)fputs(off == 0 ? " =?UTF-8?B?" : "\r\n =?UTF-8?B?", f);
		mail_b64(f, s + off, n);
		(void)fputs("?=", f);
		off += n;
	}
	(void)fputs("\r\n", f);
}

/* The body with CRLF line ends, base64 in 76-character lines. */
static int
mail_body(FILE *f, const char *body)
{
	FILE	*crlf;
	char	*buf = NULL;
	size_t	 len = 0, off, n;
	int	 bad;

	if ((crlf = open_memstream(&buf, &len)) == NULL)
		return -1;
	for (; *body != '\0'; body++) {
		if (*body == '\n')
			(void)fputc('\r', crlf);
		(void)fputc(*body, crlf);
	}
	bad = ferror(crlf);
	if (fclose(crlf) != 0 || bad) {
		free(buf);
		return -1;
	}
	for (off = 0; off < len; off += n) {
		n = len - off > MAIL_LINE_BYTES ? MAIL_LINE_BYTES : len - off;
		mail_b64(f, (const unsigned char *)buf + off, n);
		(void)fputs("\r\n", f);
	}
	free(buf);
	return 0;
}

static void
mail_date(FILE *f, time_t now)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
	    "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;

	if (gmtime_r(&now, &tm) == NULL)
		return;
	(void)fprintf(f, "Date: %s, %02d %s %d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

static void
mail_message_id(FILE *f)
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
	mail_message_id(f);
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

/* A directory entry's name in the applicant's language (data, so it can follow lang). */
static char *
mail_dir_name(struct store *st, enum store_dir dir, const char *id, const char *lang)
{
	struct store_entry	 e;
	const char		*n = NULL;
	char			*s;
	int			 found = 0;

	memset(&e, 0, sizeof e);
	if (store_entry_get(st, dir, id, &e, &found, NULL) == -1 || !found)
		return strdup(id);
	if (lang != NULL && strcmp(lang, "kk") == 0)
		n = e.name.kk;
	else if (lang != NULL && strcmp(lang, "ru") == 0)
		n = e.name.ru;
	else
		n = e.name.en;
	if (n == NULL || *n == '\0')
		n = e.name.en != NULL ? e.name.en : e.name.ru;
	s = strdup(n != NULL ? n : id);
	store_entry_free(&e);
	return s;
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
	role = mail_dir_name(st, STORE_ROLES, a->role_id, a->lang);
	region = mail_dir_name(st, STORE_REGIONS, a->region_id, a->lang);
	city = mail_dir_name(st, STORE_CITIES, a->city_id, a->lang);
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

/* The bridge to the outbox until the MIME sender lands: the old words, in English. */
enum mail_outcome
mail_deliver(struct srv *srv, struct store *st, const struct store_mail *m, char **cause)
{
	struct store_app	 a;
	char			*subject = NULL;
	int			 found = 0, r;

	memset(&a, 0, sizeof a);
	if (store_app_get(st, m->number, &a, &found, cause) == -1)
		return MAIL_RETRY;
	if (!found) {
		cause_set(cause, "no application %s", m->number);
		return MAIL_REFUSED;
	}
	if (strcmp(m->notice, "received") == 0)
		r = mail_submitted(srv, st, &a, cause);
	else if (strcmp(m->notice, "issued") == 0)
		r = mail_issued(srv, &a, cause);
	else if (strcmp(m->notice, "rejected") == 0)
		r = mail_rejected(srv, &a, cause);
	else if (strcmp(m->notice, "revoked") == 0)
		r = mail_revoked(srv, &a, cause);
	else if (asprintf(&subject, "Application %s: %s", m->number, m->notice) == -1)
		r = -1;
	else
		r = mail_send(&srv->cfg->mail, m->recipient, subject, subject, cause);
	free(subject);
	store_app_free(&a);
	return r == -1 ? MAIL_RETRY : MAIL_SENT;
}

/*
 * ra-certs — how the desk reads a person's certificates and their revocation: the state
 * of an application's pair in a word, a revocation in the reader's words (its reason from
 * the one table, src/common/revocation.c, not the service's English), what is said once a
 * revocation is answered, and the table `ncaenroll-ra certs` prints in 80 columns.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "desk/ra.h"
#include "common/i18n.h"
#include "common/revocation.h"
#include "common/utf8.h"
#include "common/when.h"

/* The table's lines: number, state, valid until; organization, role; then free text. */
#define RA_CERTS_WIDTH	80
#define RA_CERTS_INDENT	2
/* 80 with the spaces between: the number whole, a state in kk and ru, a day and its header. */
static const size_t ra_certs_line1[] = { REQNUM_LEN, 25, 19 };
static const size_t ra_certs_line2[] = { RA_CERTS_INDENT - 1, 38, 39 };

int
ra_revocable(const json_t *app)
{
	const char	*st = ra_str(app, "status");

	return strcmp(st, "issued") == 0 || strcmp(st, "installed") == 0;
}

const char *
ra_revocation_reason(const json_t *rev)
{
	const struct revocation_kind	*k = revocation_find(ra_str(rev, "reason"));
	const char			*name;

	if (k != NULL)
		return revocation_name(k, i18n_current());
	name = ra_name(json_object_get(rev, "name"));
	return *name != '\0' ? name : ra_str(rev, "reason");
}

char *
ra_revocation_text(const json_t *rev)
{
	const char	*by = ra_str(rev, "by");
	char		 when[RA_WHEN_MAX], who[256], *s = NULL;

	if (!json_is_object(rev))
		return NULL;
	if (asprintf(&s, "%s, %s%s%s", ra_revocation_reason(rev), ra_when(ra_str(rev, "at"),
	    when), *by != '\0' ? ", " : "", *by != '\0' ? ra_actor(by, NULL, who,
	    sizeof who) : "") == -1)
		return NULL;
	return s;
}

/* Whether the applicant was told, by the answer's "mail" (as an approval says it). */
static const char *
ra_certs_mail(const json_t *answer)
{
	const char	*mail = ra_str(answer, "mail");

	if (strcmp(mail, "queued") == 0)
		return _("An e-mail on its way tells the applicant so.");
	if (strcmp(mail, "sent") == 0)
		return _("The applicant is told so by e-mail.");
	if (strcmp(mail, "none") == 0)
		return _("No e-mail goes to the applicant (none was given, or this service "
		    "sends none): tell them.");
	if (strcmp(mail, "failed") == 0)
		return _("The e-mail to the applicant could not be sent: tell them.");
	return "";
}

char *
ra_revoked_text(const json_t *answer, int already)
{
	char		*what = ra_revocation_text(json_object_get(answer, "revocation"));
	const char	*mail = ra_certs_mail(answer);
	char		*s = NULL;

	if (already) {
		if (asprintf(&s, _("Nothing was done: the certificates were already revoked "
		    "(%s)."), what != NULL ? what : "?") == -1)
			s = NULL;
	} else if (asprintf(&s, _("Revoked: both certificates of the application (%s); "
	    "whoever checks them sees it from now on.%s%s"), what != NULL ? what : "?",
	    *mail != '\0' ? " " : "", mail) == -1)
		s = NULL;
	free(what);
	return s;
}

/* A member of a certificates row, or of an application's "certificates" object. */
static const char *
ra_certs_member(const json_t *app, const char *top, const char *pair, const char *member)
{
	const json_t	*certs = json_object_get(app, "certificates");
	const char	*s = ra_str(app, top);

	if (*s != '\0')
		return s;
	return ra_str(pair != NULL ? json_object_get(certs, pair) : certs, member);
}

const char *
ra_cert_state(const json_t *app)
{
	time_t	end = when_parse(ra_certs_member(app, "not_after", NULL, "not_after"));

	if (strcmp(ra_str(app, "status"), "revoked") == 0)
		return _("Revoked");
	if (ra_revocable(app) && end != (time_t)-1 && end <= time(NULL))
		return _("Expired");
	if (strcmp(ra_str(app, "status"), "issued") == 0)
		return _("Issued, not installed");
	if (strcmp(ra_str(app, "status"), "installed") == 0)
		return _("Installed");
	return ra_status(ra_str(app, "status"));
}

/* Words on lines of at most RA_CERTS_WIDTH columns, each after the indent. -1: no memory. */
static int
ra_certs_wrap(char **text, const char *words)
{
	static const size_t	 cols[] = { RA_CERTS_INDENT - 1, RA_CERTS_WIDTH - RA_CERTS_INDENT };
	const char		*cells[2] = { "", NULL };
	char			*line = NULL, *word, *grown, *save = NULL, *copy = strdup(words);
	int			 rc = 0;

	if (copy == NULL)
		return -1;
	if (utf8_width(words) <= cols[1]) {	/* as it is, its spacing kept */
		cells[1] = words;
		rc = ra_table_cells(text, cells, cols, 2);
		free(copy);
		return rc;
	}
	for (word = strtok_r(copy, " ", &save); word != NULL && rc == 0;
	    word = strtok_r(NULL, " ", &save)) {
		if (line != NULL && utf8_width(line) + 1 + utf8_width(word) > cols[1]) {
			cells[1] = line;
			rc = ra_table_cells(text, cells, cols, 2);
			free(line);
			line = NULL;
		}
		if (asprintf(&grown, "%s%s%s", line != NULL ? line : "", line != NULL ? " " : "",
		    word) == -1)
			rc = -1;
		else {
			free(line);
			line = grown;
		}
	}
	if (rc == 0 && line != NULL) {
		cells[1] = line;
		rc = ra_table_cells(text, cells, cols, 2);
	}
	free(line);
	free(copy);
	return rc;
}

/* One application: three lines at least, then a blank one. */
static int
ra_certs_row(char **text, const json_t *app)
{
	const char		*cells[3];
	char			 day[11], *auth = NULL, *sign = NULL, *rev = NULL, *what;
	int			 rc = -1;

	cells[0] = ra_str(app, "request_number");
	cells[1] = ra_cert_state(app);
	cells[2] = ra_day(ra_certs_member(app, "not_after", NULL, "not_after"), day);
	if (ra_table_cells(text, cells, ra_certs_line1, 3) == -1)
		return -1;
	cells[0] = "";
	cells[1] = ra_org_name(app);
	cells[2] = ra_value_label(json_object_get(app, "role"));
	if (ra_table_cells(text, cells, ra_certs_line2, 3) == -1)
		return -1;
	/* A serial is 40 hex digits: each certificate on a line of its own. */
	if (asprintf(&auth, "AUTH %s", ra_certs_member(app, "serial_auth", "auth",
	    "serial")) == -1) {
		auth = NULL;
		goto out;
	}
	if (asprintf(&sign, "RSA  %s", ra_certs_member(app, "serial_sign", "sign",
	    "serial")) == -1) {
		sign = NULL;
		goto out;
	}
	if ((what = ra_revocation_text(json_object_get(app, "revocation"))) != NULL &&
	    asprintf(&rev, "%s: %s", _("Revoked"), what) == -1)
		rev = NULL;
	free(what);
	if (ra_certs_wrap(text, auth) == -1 || ra_certs_wrap(text, sign) == -1 ||
	    (rev != NULL && ra_certs_wrap(text, rev) == -1))
		goto out;
	rc = ra_table_cells(text, cells, ra_certs_line2, 1);	/* the blank line between */
out:
	free(auth);
	free(sign);
	free(rev);
	return rc;
}

char *
ra_certs_table(const json_t *apps)
{
	const char		*cells[3];
	const json_t		*app;
	char			*text = NULL;
	size_t			 i;

	cells[0] = _("Request number");
	cells[1] = _("Certificates");
	cells[2] = _("Valid until");
	if (ra_table_cells(&text, cells, ra_certs_line1, 3) == -1)
		goto oom;
	cells[0] = "";
	cells[1] = _("Organization");
	cells[2] = _("Role");
	if (ra_table_cells(&text, cells, ra_certs_line2, 3) == -1 ||
	    ra_certs_wrap(&text, _("Serial numbers; revocation")) == -1 ||
	    ra_table_cells(&text, cells, ra_certs_line2, 1) == -1)
		goto oom;
	json_array_foreach(apps, i, app)
		if (ra_certs_row(&text, app) == -1)
			goto oom;
	return text;
oom:
	free(text);
	return NULL;
}

/*
 * ncaenroll certs — the certificates on this computer: every installed application's
 * holder, role, where its keys are (a folder, or a token and whether it is connected),
 * valid until when and how many days are left, and its status as the OCSP responder
 * named in the certificate says it now. A responder that does not answer is said so,
 * never taken for "good". Also the warning every start of ncaenroll gives from
 * ENROLL_EXPIRY_WARN_DAYS days before an expiry (certs_expiry_warn).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "common/i18n.h"
#include "common/revocation.h"
#include "common/when.h"
#include "ncaenroll/cmd-ncaenroll.h"

static const char *const certs_ocsp_wire[] = {
	[ENROLL_OCSP_NOT_ASKED] = "not_asked",
	[ENROLL_OCSP_GOOD] = "good",
	[ENROLL_OCSP_REVOKED] = "revoked",
	[ENROLL_OCSP_UNKNOWN] = "unknown",
	[ENROLL_OCSP_NO_ANSWER] = "no_answer",
};

/* A moment as ISO 8601 UTC ("" for none). */
static const char *
certs_iso(time_t t, char buf[21])
{
	struct tm	tm;

	buf[0] = '\0';
	if (t != 0 && gmtime_r(&t, &tm) != NULL)
		(void)strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *
certs_reason(int crl_reason)
{
	const struct revocation_kind	*k = revocation_by_crl_reason(crl_reason);

	return k != NULL ? revocation_name(k, i18n_current()) : _("no reason given");
}

static json_t *
certs_json_one(const struct enroll_cert *c)
{
	char	until[21], at[21];

	return json_pack("{s:s?, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:s, s:s?, s:s?, "
	    "s:s?}", "request_number", c->from_token ? NULL : c->number, "source",
	    c->from_token ? "token" : "state", "holder", c->holder, "role", c->role,
	    "storage", c->on_token ? "token" : "pc", "where", c->where, "present", c->present,
	    "state", machine_state_name(c->state), "not_after", certs_iso(c->not_after, until),
	    "days_left", (json_int_t)c->days_left, "ocsp", certs_ocsp_wire[c->ocsp],
	    "revoked_at", c->ocsp == ENROLL_OCSP_REVOKED ? certs_iso(c->revoked_at, at) : NULL,
	    "reason", c->ocsp == ENROLL_OCSP_REVOKED && revocation_by_crl_reason(c->crl_reason) !=
	    NULL ? revocation_by_crl_reason(c->crl_reason)->code : NULL,
	    "renewed_by", c->renewed_by);
}

/* The status line: what the OCSP responder said, in the reader's words. */
static void
certs_print_status(const struct enroll_cert *c)
{
	char	iso[21], when[WHEN_MAX];

	(void)printf("  %s: ", _("Status"));
	if (c->ocsp == ENROLL_OCSP_GOOD)
		(void)printf("%s\n", _("valid (the OCSP service confirms it)"));
	else if (c->ocsp == ENROLL_OCSP_REVOKED)
		(void)printf(_("revoked on %s (%s)\n"), when_local(certs_iso(c->revoked_at, iso),
		    when), certs_reason(c->crl_reason));
	else if (c->ocsp == ENROLL_OCSP_UNKNOWN)
		(void)printf("%s\n", _("the OCSP service does not know these certificates"));
	else
		(void)printf("%s\n", _("status unknown: the OCSP service did not answer"));
}

static void
certs_print_one(const struct enroll_cert *c)
{
	char	iso[21], day[WHEN_DAY_MAX];

	if (c->from_token)
		(void)printf("%s\n", _("Certificates on a token, not applied for from this "
		    "computer"));
	else
		(void)printf(_("Application %s\n"), c->number);
	(void)printf("  %s: %s\n", _("Holder"), c->holder);
	(void)printf("  %s: %s\n", _("Role"), c->role);
	if (c->on_token)
		(void)printf("  %s: %s (%s)\n", _("Token"), c->where, c->present ?
		    _("connected") : _("not connected"));
	else
		(void)printf("  %s: %s%s\n", _("Folder"), c->where, c->present ? "" :
		    _(" (the containers are not there)"));
	(void)when_day(certs_iso(c->not_after, iso), day);
	if (c->days_left >= 0)
		(void)printf(ngettext("  Valid until: %s (%ld day left)\n",
		    "  Valid until: %s (%ld days left)\n", (unsigned long)c->days_left), day,
		    c->days_left);
	else
		(void)printf(_("  Valid until: %s (expired)\n"), day);
	certs_print_status(c);
	if (c->renewed_by != NULL)
		(void)printf("  %s: %s\n", _("Renewed by application"), c->renewed_by);
}

static int
certs_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct enroll_cert	*v = NULL;
	struct enroll		*e;
	json_t			*list;
	size_t			 i, n = 0;
	int			 rc;

	(void)args;
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (enroll_certs(e, 1, &v, &n, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (ctx->json) {
		list = json_array();
		for (i = 0; list != NULL && i < n; i++)
			if (json_array_append_new(list, certs_json_one(&v[i])) == -1) {
				json_decref(list);
				list = NULL;
			}
		rc = cmd_json(ctx, json_pack("{s:o*}", "certificates", list));
	} else if (n == 0)
		(void)printf("%s\n", _("No certificates are installed on this computer."));
	for (i = 0; !ctx->json && i < n; i++) {
		if (i > 0)
			(void)putchar('\n');
		certs_print_one(&v[i]);
	}
	enroll_certs_free(v, n);
	failure_free(&err);
	enroll_close(e);
	return rc;
}

void
certs_expiry_warn(struct enroll *e)
{
	struct enroll_cert	*v = NULL;
	size_t			 i, n = 0;
	char			 iso[21], day[WHEN_DAY_MAX];

	if (enroll_certs(e, 0, &v, &n, NULL) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (v[i].from_token || v[i].state != MS_INSTALLED || v[i].renewed_by != NULL ||
		    v[i].not_after == 0 ||
		    v[i].days_left < 0 || v[i].days_left >= ENROLL_EXPIRY_WARN_DAYS)
			continue;
		(void)when_day(certs_iso(v[i].not_after, iso), day);
		(void)fprintf(stderr, ngettext("The certificates of application %s expire on %s "
		    "(%ld day left): renew them with 'ncaenroll renew %s'.\n",
		    "The certificates of application %s expire on %s (%ld days left): renew them "
		    "with 'ncaenroll renew %s'.\n", (unsigned long)v[i].days_left), v[i].number,
		    day, v[i].days_left, v[i].number);
	}
	enroll_certs_free(v, n);
}

static const struct cmd_option certs_options[] = {
	{ NULL, 0, NULL, NULL },
};

const struct cmd_entry cmd_certs_entry = {
	"certs", "",
	N_("the certificates on this computer: holder, role, valid until, and their\n"
	    "      status from the OCSP service"),
	certs_options, 0, 0, NULL,
	certs_exec,
};

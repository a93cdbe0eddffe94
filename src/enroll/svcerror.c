/*
 * svcerror — the tables of the service's error codes and request members (svcerror.h),
 * a form field's name taken from the field table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "enroll/svcerror.h"

/*
 * A row per code the service documents. The sentences say what happened and, where the
 * person can do something, what to do. `of_field`: the sentence is about whatever member
 * the service named, so the member's name goes before it; the others name their subject
 * themselves. tests/system/test_service_errors.py reads the codes out of doc/api*.md and
 * checks each against this table in kk and ru, so a code added to the docs without a row
 * here fails there.
 */
static const struct svcerror_code {
	const char	*code;
	int		 of_field;
	const char	*text;		/* N_() */
} svcerror_codes[] = {
	/* Every endpoint (doc/api.md): this program and the service do not agree. */
	{ "body.missing", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "body.json", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "body.utf8", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "body.not_object", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "body.content_type", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "method_not_allowed", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "request.method", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	{ "request.too_many_arguments", 0, N_("the service did not understand this program's "
	    "request; this program and the service do not match (update the program)") },
	{ "not_found", 0, N_("the service does not know this request; check the service's "
	    "address in the settings, or update the program") },
	{ "body.too_large", 0, N_("the request is larger than the service accepts") },
	{ "rate_limited", 0, N_("too many requests came from this computer's address; wait a "
	    "minute and try again") },
	{ "internal", 0, N_("the service failed; try again later") },
	{ "field.missing", 1, N_("the service did not receive this value") },
	{ "field.type", 1, N_("the service cannot read this value") },
	{ "field.too_long", 1, N_("the value is too long") },

	/* The picture and the registries. */
	{ "captcha.expired", 0, N_("the picture has expired or was already used; type the "
	    "code from a new picture") },
	{ "captcha.wrong", 0, N_("the code from the picture is wrong; type the code from a "
	    "new picture") },
	{ "captcha.other_key", 0, N_("the service's servers do not agree with each other about "
	    "the pictures (a setting of the service), so the code could not be checked; tell the "
	    "service's support, then type the code from a new picture") },
	{ "bin.not_found", 0, N_("there is no organization with this BIN in the register of "
	    "legal entities; check the BIN") },
	{ "iin.not_found", 0, N_("there is no person with this IIN in the register of "
	    "individuals; check the IIN") },
	{ "token.invalid", 0, N_("the check of the organization has expired; check the BIN "
	    "again with a new picture") },
	{ "token.bin_mismatch", 0, N_("the BIN was changed after it was checked; check the BIN "
	    "again") },
	{ "token.used_up", 0, N_("the check of the organization serves three IIN checks; check "
	    "the BIN again with a new picture to check more") },
	{ "region.not_found", 0, N_("the service has no such region") },

	/* The BIN's and the IIN's own rules (idnum.h), as the service judged them. */
	{ "bin.length", 0, N_("a BIN has 12 digits") },
	{ "bin.not_digit", 0, N_("a BIN has only digits") },
	{ "bin.check_digit", 0, N_("the BIN has a mistyped digit (its check digit does not "
	    "match)") },
	{ "bin.month", 0, N_("digits 3-4 of the BIN are not a month") },
	{ "bin.type", 0, N_("digit 5 of the BIN must be 4, 5 or 6 (type of legal entity)") },
	{ "bin.attribute", 0, N_("digit 6 of the BIN must be 0 to 3 (head unit, branch, "
	    "representative office, peasant farm)") },
	{ "bin.is_iin", 0, N_("this is an IIN (a person's number), not a BIN") },
	{ "bin.never_valid", 0, N_("no BIN has these digits; check the BIN") },
	{ "iin.length", 0, N_("an IIN has 12 digits") },
	{ "iin.not_digit", 0, N_("an IIN has only digits") },
	{ "iin.check_digit", 0, N_("the IIN has a mistyped digit (its check digit does not "
	    "match)") },
	{ "iin.month", 0, N_("digits 3-4 of the IIN are not a month of birth") },
	{ "iin.day", 0, N_("digits 5-6 of the IIN are not a day of the month of birth") },
	{ "iin.century", 0, N_("digit 7 of the IIN must be 1 to 6 (century of birth and "
	    "sex)") },
	{ "iin.future", 0, N_("the date of birth in the IIN is in the future") },
	{ "iin.is_bin", 0, N_("this is a BIN (a legal entity's number), not an IIN") },
	{ "iin.never_valid", 0, N_("no IIN has these digits; check the IIN") },

	/* The e-mail's rules (email.h), after the field's name. */
	{ "email.empty", 1, N_("the address is empty") },
	{ "email.encoding", 1, N_("the address holds bytes that are not text") },
	{ "email.too_long", 1, N_("the address is too long") },
	{ "email.no_at", 1, N_("the address has no @ between the name and the domain") },
	{ "email.many_at", 1, N_("the address has more than one @") },
	{ "email.local_empty", 1, N_("nothing before the @") },
	{ "email.local_too_long", 1, N_("the part before the @ is too long") },
	{ "email.local_dots", 1, N_("the part before the @ may not start or end with a dot, "
	    "or have two dots in a row") },
	{ "email.local_char", 1, N_("the part before the @ holds a character that is not "
	    "allowed there") },
	{ "email.domain_empty", 1, N_("nothing after the @") },
	{ "email.domain_too_long", 1, N_("the domain is too long") },
	{ "email.domain_no_dot", 1, N_("the domain after the @ needs a dot") },
	{ "email.domain_dots", 1, N_("the domain may not start or end with a dot, or have two "
	    "dots in a row") },
	{ "email.domain_char", 1, N_("the domain holds a character that is not allowed "
	    "there") },
	{ "email.label_hyphen", 1, N_("a part of the domain starts or ends with a hyphen") },
	{ "email.label_too_long", 1, N_("a part of the domain is longer than 63 "
	    "characters") },
	{ "email.tld_numeric", 1, N_("the domain must end in a name, not in digits") },
	{ "email.tld_short", 1, N_("the domain must end in a name of two letters or more") },

	/* The rest of the form (doc/api-lifecycle.md). */
	{ "gu_code.length", 1, N_("must be 4 to 8 digits") },
	{ "gu_code.not_digit", 1, N_("may contain only digits") },
	{ "gu_code.not_registered", 0, N_("this ГУ/СКС code is not registered for the "
	    "organization") },
	{ "storage.unknown", 0, N_("the service does not know this key storage") },
	{ "lang.unknown", 0, N_("the service does not know this language") },
	{ "role.unknown", 0, N_("the service has no such role") },
	{ "region.unknown", 0, N_("the service has no such region") },
	{ "city.unknown", 0, N_("the service has no such city") },
	{ "city.not_in_region", 0, N_("this city is not in the chosen region") },
	{ "csr_auth.invalid", 0, N_("the service did not accept the request for the "
	    "authentication certificate") },
	{ "csr_sign.invalid", 0, N_("the service did not accept the request for the signing "
	    "certificate") },
	{ "csr.same_key", 0, N_("both certificate requests carry the same key; abandon this "
	    "application and apply again, so that new keys are made") },
	{ "subject.invalid", 1, N_("a certificate cannot carry this value as it is; check it, "
	    "or ask the registration desk") },
	{ "csr.key_reused", 0, N_("these keys were already used in another application; "
	    "abandon this application and apply again, so that new keys are made") },

	/* An application by its number. */
	{ "request_number.not_digit", 0, N_("a request number has only digits (and dashes "
	    "between groups)") },
	{ "request_number.length", 0, N_("a request number has 28 digits") },
	{ "request_number.check_digit", 0, N_("this request number has a mistyped digit; "
	    "check it against the application form") },
	{ "application.not_found", 0, N_("the service has no application with this number; "
	    "check it against the application form") },
	{ "application.not_issued", 0, N_("the certificates of this application are not "
	    "issued") },
	{ "install.nonce_invalid", 0, N_("the service did not accept the proof of "
	    "installation: it belongs to another application") },
	{ "signature.encoding", 0, N_("the service could not read the proof of "
	    "installation") },
	{ "install.proof_invalid", 0, N_("the proof of installation was not made with this "
	    "application's authentication key") },
	{ "certificates.proof_required", 0, N_("the service gives the certificates only "
	    "against a proof made with the application's authentication key, and none was sent; "
	    "this program and the service do not match (update the program)") },

	/* A holder's signed requests: revocation and renewal (doc/api-lifecycle.md). */
	{ "nonce.invalid", 0, N_("the service's one-time challenge expired or was already "
	    "used; try again") },
	{ "revoke.proof_invalid", 0, N_("the request was not signed with this application's "
	    "authentication key") },
	{ "application.not_revocable", 0, N_("there is nothing to revoke: no certificates "
	    "were issued for this application") },
	{ "application.already_revoked", 0, N_("the certificates of this application are "
	    "already revoked") },
	{ "application.not_renewable", 0, N_("these certificates can no longer be renewed "
	    "(they expired, were revoked or were never issued): a new application is "
	    "needed") },
	{ "key.reused", 0, N_("the new keys were already used for a certificate; new keys are "
	    "needed") },
	{ "action.unknown", 0, N_("the service did not understand this program's request; "
	    "this program and the service do not match (update the program)") },
	/* Why the registers no longer confirm a renewal (application.not_issuable's why). */
	{ "bin.renamed", 0, N_("the organization's name in the register of legal entities has "
	    "changed since the certificates were issued; a new application at a registration "
	    "desk is needed") },
	{ "iin.renamed", 0, N_("the person's name in the register of individuals has changed "
	    "since the certificates were issued; a new application at a registration desk is "
	    "needed") },
	{ "application.incomplete", 0, N_("the application kept by the service lacks data a "
	    "certificate needs; a new application at a registration desk is needed") },

	/* The registration desk (doc/api-ra.md). */
	{ "ra.no_certificate", 0, N_("the service needs an operator's certificate") },
	{ "ra.bad_certificate", 0, N_("the service cannot read the operator's certificate") },
	{ "ra.not_operator", 0, N_("this is not an operator's certificate") },
	{ "ra.unknown_issuer", 0, N_("the operator's certificate was issued by another "
	    "certification authority") },
	{ "ra.certificate_expired", 0, N_("the operator's certificate has expired") },
	{ "ra.not_yet_valid", 0, N_("the operator's certificate is not valid yet; check the "
	    "date and time of this computer") },
	{ "ra.unknown_operator", 0, N_("the service has no operator with this "
	    "certificate") },
	{ "ra.revoked", 0, N_("the operator's certificate has been revoked") },
	{ "ra.replaced", 0, N_("a newer certificate has been issued for this operator; use "
	    "the newest one") },
	{ "ra.no_operator_ca", 0, N_("this service has no certification authority for "
	    "operators, so no desk can sign in") },
	{ "ra.supervisor_only", 0, N_("only a supervisor sees the queues of every office") },
	{ "query.invalid", 1, N_("the value is out of range") },
	{ "query.search", 0, N_("search by a request number, or by an IIN or a BIN of 12 "
	    "digits") },
	{ "office.unknown", 0, N_("the service has no such office") },
	{ "iin.invalid", 0, N_("this is not an IIN: 12 digits with a valid check digit") },
	{ "application.already_decided", 0, N_("this application has already been "
	    "decided") },
	{ "application.not_issuable", 0, N_("the CA cannot issue this application as it is: "
	    "the registers' data for it do not fit into a certificate; so that the applicant "
	    "can apply again, reject it with the reason") },
	{ "ca.unavailable", 0, N_("the service's CA cannot issue certificates now; the "
	    "application still waits; tell the service's administrator") },
	{ "documents.unknown", 0, N_("a document is not in the checklist") },
	{ "documents.missing", 0, N_("some documents of the checklist were not checked") },
	{ "reason.unknown", 0, N_("the service knows no such reason") },
	{ "text.required", 0, N_("for the reason \"other\", write the reason in the "
	    "comment") },
};

/*
 * Each request member of doc/api*.md as the person knows it from the screens; the form's
 * fields by their row of the field table (common/appfield.h).
 */
static const struct svcerror_field {
	const char	*field;
	const char	*name;		/* N_() */
} svcerror_fields[] = {
	{ "captcha_answer", N_("Code from the picture") },
	{ "captcha_id", N_("Picture with the code") },
	{ "token", N_("Check of the organization") },
	{ "lang", N_("Language") },
	{ "csr_auth", N_("Request for the authentication certificate") },
	{ "csr_sign", N_("Request for the signing certificate") },
	{ "request_number", N_("Request number") },
	{ "nonce", N_("Proof of installation") },
	{ "signature", N_("Proof of installation") },
	{ "documents", N_("Documents checked") },
	{ "reason", N_("Reason") },
	{ "text", N_("Comment") },
	{ "q", N_("Search") },
	{ "scope", N_("Queue") },
	{ "office", N_("Office") },
	{ "limit", N_("Page") },
	{ "offset", N_("Page") },
	{ "max_age_days", N_("Days since submission") },
	{ "newer_than_days", N_("Days since submission") },
	{ "older_than_days", N_("Days since submission") },
};

/*
 * The refusals a person cannot get past alone, whatever they type: this program and the
 * service do not agree, the service's directories or CA failed it, the keys or what the
 * registers hold cannot make a certificate, the proof of installation is not taken. A
 * screen that shows one ends with the support contact (enroll_support_for). Each is a
 * code of the table above.
 */
static const char *const svcerror_support_codes[] = {
	"body.missing", "body.json", "body.utf8", "body.not_object", "body.content_type",
	"method_not_allowed", "not_found", "body.too_large", "internal", "field.missing",
	"field.type", "region.not_found", "storage.unknown", "lang.unknown", "role.unknown",
	"region.unknown", "city.unknown", "csr_auth.invalid", "csr_sign.invalid",
	"csr.same_key", "subject.invalid", "csr.key_reused", "application.not_found",
	"install.nonce_invalid", "signature.encoding", "install.proof_invalid",
	"ca.unavailable", "revoke.proof_invalid", "key.reused", "action.unknown",
	"application.incomplete", "request.method", "request.too_many_arguments",
	"certificates.proof_required",
};

static const struct svcerror_code *
svcerror_find(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < sizeof svcerror_codes / sizeof svcerror_codes[0]; i++)
		if (strcmp(svcerror_codes[i].code, code) == 0)
			return &svcerror_codes[i];
	return NULL;
}

int
svcerror_known(const char *code)
{
	return svcerror_find(code) != NULL;
}

int
svcerror_needs_support(const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < sizeof svcerror_support_codes /
	    sizeof svcerror_support_codes[0]; i++)
		if (strcmp(svcerror_support_codes[i], code) == 0)
			return svcerror_known(code);
	return 0;
}

const char *
svcerror_field(const char *field)
{
	const struct appfield	*f = field != NULL ? appfield_by_wire(field) : NULL;
	size_t			 i;

	if (f != NULL)		/* a field of the form: as the table names it */
		return _(f->label);
	for (i = 0; field != NULL && i < sizeof svcerror_fields / sizeof svcerror_fields[0];
	    i++)
		if (strcmp(svcerror_fields[i].field, field) == 0)
			return _(svcerror_fields[i].name);
	return NULL;
}

char *
svcerror_text(const char *code, const char *field)
{
	const struct svcerror_code	*c = svcerror_find(code);
	const char			*name = svcerror_field(field);
	char				*s = NULL;

	if (c == NULL)
		return NULL;
	if (c->of_field && name != NULL) {
		if (asprintf(&s, _("%s: %s"), name, _(c->text)) == -1)
			s = NULL;
	} else
		s = strdup(_(c->text));
	return s;
}

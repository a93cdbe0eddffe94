/*
 * ca-profile — the applicant's certificate in NCA RK's Treasury-Client ("K2") profile
 * (nca-facts.md §2, doc/certificate-profile.md): the subject in NCA's DER order and string
 * types, and the extensions in the order of NCA's own test certificate. What differs
 * between AUTH and SIGN, and between a folder and a token, is data in the tables below.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "common/cause.h"
#include "common/email.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/utf8.h"
#include "ncaenrolld/ca-int.h"

struct ca_usage_profile {
	unsigned int	 key_usage;
	const char	*eku;		/* what the key is for; NCA's OIDs follow it */
	const char	*policy;
};

static const struct ca_usage_profile ca_usage_profiles[] = {
	[CA_AUTH] = { CA_KU_DIGITAL_SIGNATURE | CA_KU_KEY_ENCIPHERMENT,
	    "1.3.6.1.5.5.7.3.2", "1.2.398.3.3.2.2" },
	[CA_SIGN] = { CA_KU_DIGITAL_SIGNATURE | CA_KU_NON_REPUDIATION,
	    "1.3.6.1.5.5.7.3.4", "1.2.398.3.3.2.1" },
};
_Static_assert(sizeof ca_usage_profiles / sizeof ca_usage_profiles[0] == CA_USAGE__MAX,
    "a profile row per usage");

/*
 * Our decision (NCA does not publish the branch's values): 1.2.398.3.3.5.1.1 for a key in
 * a PC folder, as in NCA's test certificate of a file container; .1.2 for a token.
 */
static const char *const ca_storage_oids[] = {
	[CA_STORAGE_FILE] = "1.2.398.3.3.5.1.1",
	[CA_STORAGE_TOKEN] = "1.2.398.3.3.5.1.2",
};
_Static_assert(sizeof ca_storage_oids / sizeof ca_storage_oids[0] == CA_STORAGE__MAX,
    "an OID per storage");

#define CA_OID_KEY_STORAGE	"1.2.398.3.3.5"
#define CA_OID_LEGAL_ENTITY	"1.2.398.3.3.4.1.2"
#define CA_OID_K2		"1.2.398.5.19.1.2.2.1"
/*
 * A sanity bound in bytes, not X.520's upper bounds (ub-organization-name is 64
 * characters): those are advisory for UTF8String (RFC 5280, Appendix A), NCA RK issues
 * state institutions' names of up to ~200 characters (~380 bytes) in full, and OpenSSL,
 * GnuTLS and Java read them back whole (tests/system/test_long_names.py).
 */
#define CA_TEXT_MAX		1024

/* --- the subject's values ---------------------------------------------------------- */

static int
ca_profile_text_char_ok(uint32_t cp)
{
	return cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0);
}

static int
ca_profile_check_text(const char *label, const char *v, char **cause)
{
	size_t	pos;
	char	ch[5];

	if (v == NULL || *v == '\0') {
		cause_set(cause, _("The %s is missing"), _(label));
		return -1;
	}
	if (strlen(v) > CA_TEXT_MAX ||
	    utf8_first_not(v, ca_profile_text_char_ok, &pos, ch) != 0) {
		cause_set(cause, _("The %s is not plain UTF-8 text of at most %d bytes"),
		    _(label), CA_TEXT_MAX);
		return -1;
	}
	return 0;
}

static int
ca_profile_check_optional_text(const char *label, const char *v, char **cause)
{
	return v == NULL || *v == '\0' ? 0 : ca_profile_check_text(label, v, cause);
}

static int
ca_profile_check_dc(const char *label, const char *v, char **cause)
{
	if (ca_profile_check_text(label, v, cause) == -1)
		return -1;
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
	    strlen(v) || strlen(v) > 63) {
		cause_set(cause, _("The %s must be Latin letters and digits: \"%s\""),
		    _(label), v);
		return -1;
	}
	return 0;
}

/* The first problem a common/ validator found, as the cause. */
static int
ca_profile_problem_cause(const char *label, struct problems *p, char **cause)
{
	if (p->n == 0) {
		problems_free(p);
		return 0;
	}
	cause_set(cause, "%s: %s", _(label), p->v[0].message != NULL ? p->v[0].message :
	    p->v[0].code);
	problems_free(p);
	return -1;
}

static int
ca_profile_check_iin(const char *label, const char *v, char **cause)
{
	struct problems	p;

	if (ca_profile_check_text(label, v, cause) == -1)
		return -1;
	problems_init(&p);
	if (idnum_validate_iin(v, 0, NULL, &p) == -1 && p.n == 0)
		problems_add(&p, "iin", "%s", _("not a valid IIN"));
	return ca_profile_problem_cause(label, &p, cause);
}

static int
ca_profile_check_bin(const char *label, const char *v, char **cause)
{
	struct problems	p;

	if (ca_profile_check_text(label, v, cause) == -1)
		return -1;
	problems_init(&p);
	if (idnum_validate_bin(v, NULL, &p) == -1 && p.n == 0)
		problems_add(&p, "bin", "%s", _("not a valid BIN"));
	return ca_profile_problem_cause(label, &p, cause);
}

static int
ca_profile_check_gucode(const char *label, const char *v, char **cause)
{
	struct problems	p;

	if (ca_profile_check_text(label, v, cause) == -1)
		return -1;
	problems_init(&p);
	if (gucode_check(v, &p) == -1 && p.n == 0)
		problems_add(&p, "gucode", "%s", _("not a valid code"));
	return ca_profile_problem_cause(label, &p, cause);
}

/* rfc822Name is an IA5String: an internationalised domain goes in as A-labels. */
static int
ca_profile_check_email(const char *label, const char *v, char **cause)
{
	struct problems	 p;
	char		*ascii;

	if (v == NULL || *v == '\0')
		return 0;
	problems_init(&p);
	if (email_check(v, &p) == -1 && p.n == 0)
		problems_add(&p, "email", "%s", _("not a valid address"));
	if (ca_profile_problem_cause(label, &p, cause) == -1)
		return -1;
	if ((ascii = ca_idna_email(v, cause)) == NULL)
		return -1;
	free(ascii);
	return 0;
}

#define CA_FIELD(member, label, check) \
	{ #member, label, offsetof(struct ca_subject, member), check }

static const struct {
	const char	*member;	/* of struct ca_subject, for the check */
	const char	*label;
	size_t		 off;
	int		(*check)(const char *, const char *, char **);
} ca_subject_fields[] = {
	CA_FIELD(role_dc, N_("role code"), ca_profile_check_dc),
	CA_FIELD(surname, N_("surname"), ca_profile_check_text),
	CA_FIELD(given_name, N_("given name"), ca_profile_check_text),
	CA_FIELD(patronymic, N_("patronymic"), ca_profile_check_optional_text),
	CA_FIELD(iin, N_("IIN"), ca_profile_check_iin),
	CA_FIELD(bin, N_("BIN"), ca_profile_check_bin),
	CA_FIELD(organization, N_("organization"), ca_profile_check_text),
	CA_FIELD(gu_code, N_("ГУ/СКС code"), ca_profile_check_gucode),
	CA_FIELD(email, N_("e-mail address"), ca_profile_check_email),
};

int
ca_profile_subject_check(const struct ca_subject *s, const char **member, char **cause)
{
	const char	*v;
	size_t		 i;

	if (member != NULL)
		*member = NULL;
	if (s == NULL) {
		cause_set(cause, "%s", _("No subject data was given"));
		return -1;
	}
	for (i = 0; i < sizeof ca_subject_fields / sizeof ca_subject_fields[0]; i++) {
		memcpy(&v, (const char *)s + ca_subject_fields[i].off, sizeof v);
		if (ca_subject_fields[i].check(ca_subject_fields[i].label, v, cause) == -1) {
			if (member != NULL)
				*member = ca_subject_fields[i].member;
			return -1;
		}
	}
	return 0;
}


/* --- the subject ------------------------------------------------------------------- */

struct ca_rdn {
	int		 nid;
	int		 type;
	const char	*value;		/* NULL: attribute left out */
};

/* NCA's DER order and string types, read from its test certificate (nca-facts.md §2). */
int
ca_profile_subject(X509 *x, const struct ca_subject *s, char **cause)
{
	char		 cn[2 * CA_TEXT_MAX + 2], sn[4 + IDNUM_LEN + 1];
	char		 ou[4 + IDNUM_LEN + 1], bc[3 + CA_TEXT_MAX + 1];
	const int	 utf8 = V_ASN1_UTF8STRING, ps = V_ASN1_PRINTABLESTRING;
	const char	*gn = s->patronymic != NULL && *s->patronymic != '\0' ?
			    s->patronymic : NULL;
	const struct ca_rdn rdn[] = {
		{ NID_domainComponent, V_ASN1_IA5STRING, s->role_dc },
		{ NID_commonName, utf8, cn },
		{ NID_surname, utf8, s->surname },
		{ NID_serialNumber, ps, sn },
		{ NID_countryName, ps, "KZ" },
		{ NID_organizationName, utf8, s->organization },
		{ NID_organizationalUnitName, utf8, ou },
		{ NID_businessCategory, utf8, bc },
		{ NID_givenName, utf8, gn },
	};
	X509_NAME	*name;
	size_t		 i;

	(void)snprintf(cn, sizeof cn, "%s %s", s->surname, s->given_name);
	(void)snprintf(sn, sizeof sn, "IIN%s", s->iin);
	(void)snprintf(ou, sizeof ou, "BIN%s", s->bin);
	(void)snprintf(bc, sizeof bc, "KS%s", s->gu_code);
	name = X509_get_subject_name(x);
	for (i = 0; i < sizeof rdn / sizeof rdn[0]; i++) {
		if (rdn[i].value != NULL &&
		    ca_x509_name_add(name, rdn[i].nid, rdn[i].type, rdn[i].value,
		    cause) == -1)
			return -1;
	}
	return 0;
}

/* --- the extensions ---------------------------------------------------------------- */

static GENERAL_NAME *
ca_profile_general_name(int type, const char *value)
{
	GENERAL_NAME	*g;
	ASN1_IA5STRING	*s;

	if ((s = ASN1_IA5STRING_new()) == NULL)
		return NULL;
	if (ASN1_STRING_set(s, value, -1) != 1 || (g = GENERAL_NAME_new()) == NULL) {
		ASN1_IA5STRING_free(s);
		return NULL;
	}
	GENERAL_NAME_set0_value(g, type, s);
	return g;
}

static GENERAL_NAMES *
ca_profile_general_names(int type, const char *value)
{
	GENERAL_NAMES	*gens;
	GENERAL_NAME	*g;

	if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
		return NULL;
	if ((g = ca_profile_general_name(type, value)) == NULL ||
	    sk_GENERAL_NAME_push(gens, g) <= 0) {
		GENERAL_NAME_free(g);
		sk_GENERAL_NAME_free(gens);
		return NULL;
	}
	return gens;
}

static int
ca_profile_add_done(X509 *x, int nid, void *value, char **cause)
{
	if (value == NULL || X509_add1_ext_i2d(x, nid, value, 0, X509V3_ADD_APPEND) != 1) {
		ca_x509_openssl_cause(cause, _("Cannot add a certificate extension"));
		return -1;
	}
	return 0;
}

int
ca_profile_add_policy(X509 *x, const char *policy, const char *cps, char **cause)
{
	CERTIFICATEPOLICIES	*pols = sk_POLICYINFO_new_null();
	POLICYINFO		*pi = POLICYINFO_new();
	POLICYQUALINFO		*q = POLICYQUALINFO_new();
	int			 rc = -1, ok;

	ok = pols != NULL && pi != NULL && q != NULL &&
	    (pi->policyid = OBJ_txt2obj(policy, 1)) != NULL &&
	    (pi->qualifiers = sk_POLICYQUALINFO_new_null()) != NULL &&
	    (q->pqualid = OBJ_nid2obj(NID_id_qt_cps)) != NULL &&
	    (q->d.cpsuri = ASN1_IA5STRING_new()) != NULL &&
	    ASN1_STRING_set(q->d.cpsuri, cps, -1) == 1 &&
	    sk_POLICYQUALINFO_push(pi->qualifiers, q) > 0;
	if (ok)
		q = NULL;
	ok = ok && sk_POLICYINFO_push(pols, pi) > 0;
	if (ok)
		pi = NULL;
	rc = ca_profile_add_done(x, NID_certificate_policies, ok ? pols : NULL, cause);
	POLICYQUALINFO_free(q);
	POLICYINFO_free(pi);
	sk_POLICYINFO_pop_free(pols, POLICYINFO_free);
	return rc;
}

static ACCESS_DESCRIPTION *
ca_profile_access(int nid, const char *url)
{
	ACCESS_DESCRIPTION	*ad;

	if ((ad = ACCESS_DESCRIPTION_new()) == NULL)
		return NULL;
	ad->method = OBJ_nid2obj(nid);		/* a static object: nothing to free */
	GENERAL_NAME_free(ad->location);
	if ((ad->location = ca_profile_general_name(GEN_URI, url)) == NULL) {
		ACCESS_DESCRIPTION_free(ad);
		return NULL;
	}
	return ad;
}

/* OCSP first, then caIssuers, as NCA orders them; a CA's own has caIssuers only. */
int
ca_profile_add_aia(X509 *x, const char *ocsp, const char *issuers, char **cause)
{
	AUTHORITY_INFO_ACCESS	*aia = sk_ACCESS_DESCRIPTION_new_null();
	ACCESS_DESCRIPTION	*ad[2] = {
		ocsp != NULL ? ca_profile_access(NID_ad_OCSP, ocsp) : NULL,
		ca_profile_access(NID_ad_ca_issuers, issuers) };
	size_t			 i;
	int			 rc, ok = aia != NULL && (ocsp == NULL || ad[0] != NULL);

	for (i = 0; ok && i < 2; i++) {
		if (ad[i] == NULL)
			ok = i == 0;	/* no OCSP asked for */
		else if (sk_ACCESS_DESCRIPTION_push(aia, ad[i]) <= 0)
			ok = 0;
		else
			ad[i] = NULL;
	}
	rc = ca_profile_add_done(x, NID_info_access, ok ? aia : NULL, cause);
	ACCESS_DESCRIPTION_free(ad[0]);
	ACCESS_DESCRIPTION_free(ad[1]);
	sk_ACCESS_DESCRIPTION_pop_free(aia, ACCESS_DESCRIPTION_free);
	return rc;
}

/* One distribution point with one URI: the shape of both CRL DP and Freshest CRL. */
CRL_DIST_POINTS *
ca_profile_crldp(const char *url)
{
	CRL_DIST_POINTS	*dps = sk_DIST_POINT_new_null();
	DIST_POINT	*dp = DIST_POINT_new();
	int		 ok;

	ok = dps != NULL && dp != NULL &&
	    (dp->distpoint = DIST_POINT_NAME_new()) != NULL &&
	    (dp->distpoint->name.fullname = ca_profile_general_names(GEN_URI, url)) != NULL;
	if (ok)
		dp->distpoint->type = 0;
	ok = ok && sk_DIST_POINT_push(dps, dp) > 0;
	if (ok)
		return dps;
	DIST_POINT_free(dp);
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return NULL;
}

int
ca_profile_add_crldp(X509 *x, int nid, const char *url, char **cause)
{
	CRL_DIST_POINTS	*dps = ca_profile_crldp(url);
	int		 rc;

	rc = ca_profile_add_done(x, nid, dps, cause);
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return rc;
}

/* NCA's private extension: DER SEQUENCE { OID <storage branch> }, not critical. */
static int
ca_profile_add_key_storage(X509 *x, enum ca_storage st, char **cause)
{
	ASN1_OBJECT		*obj = OBJ_txt2obj(CA_OID_KEY_STORAGE, 1);
	ASN1_OBJECT		*val = OBJ_txt2obj(ca_storage_oids[st], 1);
	ASN1_OCTET_STRING	*os = ASN1_OCTET_STRING_new();
	X509_EXTENSION		*ext = NULL;
	unsigned char		 der[64], *p = der + 2;
	int			 n = -1, rc = -1;

	if (obj != NULL && val != NULL && os != NULL &&
	    (n = i2d_ASN1_OBJECT(val, NULL)) > 0 && n < (int)sizeof der - 2) {
		der[0] = 0x30;
		der[1] = (unsigned char)n;
		n = i2d_ASN1_OBJECT(val, &p);
	}
	if (n <= 0 || ASN1_OCTET_STRING_set(os, der, n + 2) != 1 ||
	    (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) == NULL ||
	    X509_add_ext(x, ext, -1) != 1)
		ca_x509_openssl_cause(cause, _("Cannot add the key storage extension"));
	else
		rc = 0;
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(val);
	ASN1_OBJECT_free(obj);
	return rc;
}

static int
ca_profile_add_email(X509 *x, const char *email, char **cause)
{
	GENERAL_NAMES	*gens;
	char		*ascii;
	int		 rc;

	if (email == NULL || *email == '\0')
		return 0;
	if ((ascii = ca_idna_email(email, cause)) == NULL)
		return -1;
	gens = ca_profile_general_names(GEN_EMAIL, ascii);
	rc = ca_profile_add_done(x, NID_subject_alt_name, gens, cause);
	GENERAL_NAMES_free(gens);
	free(ascii);
	return rc;
}

/*
 * In the order of NCA's test certificate: EKU, policies, AIA, CRL DP, Freshest CRL,
 * keyUsage, SKI, AKI, key storage. subjectAltName (e-mail), absent there, comes last so
 * the others keep their places (our decision).
 */
int
ca_profile_extensions(const struct ca *ca, X509 *x, enum ca_usage u, enum ca_storage st,
    const struct ca_subject *s, const unsigned char ski[CA_SKI_LEN], char **cause)
{
	const struct ca_usage_profile	*p = &ca_usage_profiles[u];
	/* The role is the subject's DC only: 1.2.398.3.3.4.1.2.x would claim authority. */
	const char *const		 eku[] = { p->eku, CA_OID_LEGAL_ENTITY, CA_OID_K2 };

	if (ca_x509_add_eku(x, eku, sizeof eku / sizeof eku[0], cause) == -1 ||
	    ca_profile_add_policy(x, p->policy, ca->url[CA_URL_CPS], cause) == -1 ||
	    ca_profile_add_aia(x, ca->url[CA_URL_OCSP], ca->url[CA_URL_CA_ISSUERS],
	    cause) == -1 ||
	    ca_profile_add_crldp(x, NID_crl_distribution_points, ca->url[CA_URL_CRL],
	    cause) == -1 ||
	    ca_profile_add_crldp(x, NID_freshest_crl, ca->url[CA_URL_DELTA_CRL],
	    cause) == -1 ||
	    ca_x509_add_key_usage(x, p->key_usage, cause) == -1 ||
	    ca_x509_add_ski(x, ski, cause) == -1 ||
	    ca_x509_add_aki(x, ca->aki, ca->aki_len, cause) == -1 ||
	    ca_profile_add_key_storage(x, st, cause) == -1 ||
	    ca_profile_add_email(x, s->email, cause) == -1)
		return -1;
	return 0;
}

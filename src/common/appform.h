/*
 * appform — the application form as plain text, the page an applicant prints and brings to
 * a registration desk: the request number first (optionally in large digits), the dates,
 * the organization and the applicant, the choices made, and what to bring. The service
 * puts it into the submit e-mail; the client's `ncaenroll form` prints it. Input is a plain
 * struct of ready-made strings (UTF-8; NULL or "" shows as a dash); labels go through _().
 * appform_render returns a malloc'd text the caller frees, or NULL with a cause. The rows,
 * fixed sentences and the list of what to bring are one table here, read by this text, by
 * the printable PDF (appform-pdf.h, drawn in the helper ncaenroll-pdf) and by the JSON that
 * carries a form there (appform-json.h) alike; the strings they return are static.
 */
#ifndef NCA_APPFORM_H
#define NCA_APPFORM_H

#include <stddef.h>

struct appform {
	const char	*number;	/* "4821-0937-5512-0684-3319-7725-4406" */
	const char	*date;		/* when it was submitted, as it should read */
	const char	*deadline;	/* verify at a desk before this */
	const char	*org_name;
	const char	*bin;
	const char	*applicant;	/* "SURNAME GIVEN PATRONYMIC" */
	const char	*iin;
	const char	*email;		/* may be NULL: none given */
	const char	*role;
	const char	*region;
	const char	*city;
	const char	*gu_code;
	const char	*storage;	/* "PC folder", "eToken PRO 72K", ... */
	int		 days;		/* the verification window (30) */
};

/* Render the request number in 5-line block digits too (for printing; not for mail). */
#define APPFORM_BIG_NUMBER	0x1

char	*appform_render(const struct appform *, int flags, char **cause);
/*
 * The applicant's name as every copy of the form writes it, "SURNAME GIVEN PATRONYMIC":
 * a missing or empty part is left out with its space. malloc'd, NULL without memory.
 */
char	*appform_full_name(const char *surname, const char *given, const char *patronymic);

/* The form's rows, in the order every rendering shows them. */
enum appform_row {
	APPFORM_ORG, APPFORM_BIN, APPFORM_APPLICANT, APPFORM_IIN, APPFORM_EMAIL, APPFORM_ROLE,
	APPFORM_REGION, APPFORM_CITY, APPFORM_GU_CODE, APPFORM_STORAGE, APPFORM_ROW__MAX
};

/* The fixed sentences around the rows. */
enum appform_text {
	APPFORM_TITLE, APPFORM_SUBTITLE, APPFORM_NUMBER_LABEL, APPFORM_SUBMITTED,
	APPFORM_DEADLINE, APPFORM_BRING_HEAD, APPFORM_BRING_TAIL, APPFORM_TEXT__MAX
};

/* A row's label, translated. */
const char	*appform_label(enum appform_row);
/* A row's value as it reads on the form: "-" when there is none. */
const char	*appform_value(const struct appform *, enum appform_row);
const char	*appform_text(enum appform_text);
/* What to bring to the desk, translated, item i from 0; NULL after the last. */
const char	*appform_bring(size_t i);
/* What the deadline means, one sentence without a newline, into buf (1024 bytes hold it). */
void		 appform_notice(const struct appform *, char *buf, size_t size);
/* 0 if every value is well-formed UTF-8, else -1 with a cause naming the field. */
int		 appform_check(const struct appform *, char **cause);

#endif

/*
 * appform — the application form as plain text, the page an applicant prints and brings to
 * a registration desk: the request number first (optionally in large digits), the dates,
 * the organization and the applicant, the choices made, and what to bring. The service
 * puts it into the submit e-mail; the client's `ncaenroll form` prints it. Input is a plain
 * struct of ready-made strings (UTF-8; NULL or "" shows as a dash); labels go through _().
 * appform_render returns a malloc'd text the caller frees, or NULL with a cause.
 */
#ifndef NCA_APPFORM_H
#define NCA_APPFORM_H

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

#endif

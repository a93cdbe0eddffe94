/*
 * mailpdf — the application form as a PDF for the "received" mail, drawn by the helper
 * ncaenroll-pdf (src/ncaenroll-pdf/) that the service runs as its own process, so that
 * pango and cairo are never linked into ncaenrolld. The helper is
 * $NCAENROLL_LIBEXECDIR/ncaenroll-pdf if that is set (the build tree's uninstalled-env),
 * else PKGLIBEXECDIR's; it gets the form as JSON on its standard input, a clean
 * environment (PATH, LANG and the NCAENROLL_ folders of messages and data, nothing of
 * ours), no descriptor of ours, and MAILPDF_TIMEOUT seconds, then it is killed. The PDF is
 * written into a new private folder (0700) and removed with it by mailpdf_remove. The
 * caller must not ignore SIGCHLD (the helper is waited for). 0, or -1 and a cause in
 * English that names neither the applicant nor a path of ours.
 */
#ifndef NCA_MAILPDF_H
#define NCA_MAILPDF_H

#include "ncaenrolld/srv.h"

#define MAILPDF_TIMEOUT	20	/* seconds; it takes well under one */

struct mailpdf {
	char	*dir;		/* the private folder; NULL when none */
	char	*path;		/* the PDF in it */
	char	*name;		/* "application-NUMBER.pdf" */
};

/* a's form in lang (kk, ru, en; directory names in that language from st). */
int	mailpdf_make(const struct srv *, struct store *, const struct store_app *,
	    const char *lang, struct mailpdf *, char **cause);
/* Removes the PDF and its folder, frees the strings; safe on a zeroed struct. */
void	mailpdf_remove(struct mailpdf *);

/* A directory entry's name in lang (its id when none): malloc'd, NULL without memory. */
char	*mailpdf_dir_name(struct store *, enum store_dir, const char *id, const char *lang);

#endif

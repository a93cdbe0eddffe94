/*
 * enroll-form — the application form of a submitted application, from what this computer
 * kept (no network): as text for a screen (appform_render), as a printable PDF (drawn by
 * the helper program ncaenroll-pdf, pdfhelper.h), and both saved as files to be printed
 * and brought to a registration desk. Files are written atomically, mode 0600: they hold
 * a person's name, IIN and e-mail (lp reads a file as its owner, so printing still
 * works). Strings returned are malloc'd and the caller frees them; 0/-1 (NULL) with a
 * struct failure whose field is NULL. Callers: the TUI's actions, the CLI. The form is in the language _() speaks when called.
 */
#ifndef NCA_ENROLL_FORM_H
#define NCA_ENROLL_FORM_H

#include "enroll/enroll.h"

/* flags: appform.h's APPFORM_BIG_NUMBER, or 0. */
char	*enroll_form_text(struct enroll *, const char *id_or_number, int flags,
	    struct failure *);
/* The PDF into path (replaced if it exists). */
int	 enroll_form_pdf(struct enroll *, const char *id_or_number, const char *path,
	    struct failure *);
/*
 * Writes DIR/application-NUMBER.txt and DIR/application-NUMBER.pdf and puts the PDF's
 * path (the one to print) into *path. DIR is the keys' folder; keys on a token have none,
 * so it is then $XDG_DOCUMENTS_DIR if that names a folder, else $HOME. If the PDF fails,
 * the text may already be written; -1 all the same.
 */
int	 enroll_form_save(struct enroll *, const char *id_or_number, char **path,
	    struct failure *);

#endif

/*
 * pdfhelper — the printable form made by the helper program ncaenroll-pdf
 * (src/ncaenroll-pdf/), so that pango, cairo and libqrencode load only while a PDF is
 * made, not at every start of ncaenroll. The helper is $NCAENROLL_LIBEXECDIR/ncaenroll-pdf
 * if that is set, else the installed one in PKGLIBEXECDIR. It gets the form as JSON on its
 * standard input (appform-json.h): no arguments, and no descriptor beyond its standard
 * input, output (/dev/null) and error (read here); it inherits the environment, which
 * holds nothing of the form. Waits for it to end (so SIGCHLD must not be ignored); 0, or
 * -1 with a caller-freed cause "cannot make the PDF: ..." that quotes the first line the
 * helper wrote, or says why it did not run or how it died.
 */
#ifndef NCA_PDFHELPER_H
#define NCA_PDFHELPER_H

#include "common/appform.h"

/* lang: the form's language (kk, ru, en); path: the PDF, replaced in one step. */
int	pdfhelper_run(const struct appform *, const char *lang, const char *path,
	    char **cause);

#endif

/*
 * appform-pdf — the application form as a printable A4 PDF: the same rows, sentences and
 * list of what to bring as appform_render (appform.h), in the language _() speaks now (the
 * caller sets it; lang only guides pango's choice of glyphs), with the request number large
 * and as a QR code the desk can scan, and lines for the applicant's and the operator's
 * signatures. One page, vector, fonts embedded ("DejaVu Sans", else pango's default).
 * appform_pdf_write replaces path atomically, mode 0600 (a person's data is on it); 0, or
 * -1 with a caller-freed cause and nothing left behind. One thread at a time; every pango
 * and cairo object it makes is freed before it returns. Linked only into the helper
 * ncaenroll-pdf (src/ncaenroll-pdf/) and its unit test: pango, cairo and libqrencode load there, not
 * in every start of ncaenroll, which asks the helper for a PDF (src/enroll/pdfhelper.h).
 */
#ifndef NCA_APPFORM_PDF_H
#define NCA_APPFORM_PDF_H

#include "common/appform.h"

int	appform_pdf_write(const struct appform *, const char *lang, const char *path,
	    char **cause);

#endif

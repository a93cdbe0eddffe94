/*
 * appform-pdf — the printable form drawn with pango and cairo from appform.c's table (its
 * own words are only the signature captions), the request number as a QR code; the page
 * is made in memory and written in one atomic step. Linked only into ncaenroll-pdf.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "common/appform-pdf.h"
#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"

/*
 * In a sanitizer build: fontconfig keeps its configuration for the life of the process
 * (FcFini cannot end it while cairo's font cache still holds its patterns: it aborts in
 * FcCacheFini). A pattern there, such as Debian's 70-no-bitmaps.conf <rejectfont>, finds
 * its elements through an offset, not a pointer, so LeakSanitizer reports them (256 + 32
 * bytes) as lost although fontconfig still holds them. Shown by FONTCONFIG_FILE: a
 * configuration without that <rejectfont> reports nothing, one with it reports exactly that.
 * Named by module, not function: fontconfig has no frame pointers, so LSan's fast unwinder
 * stops at its first frame. A leak of ours is still reported by its own root (one unref
 * left out: the PangoContexts show, with G_SLICE=always-malloc as make check sets it).
 */
#if defined(__SANITIZE_ADDRESS__)
#define APPFORM_PDF_LSAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define APPFORM_PDF_LSAN	1
#endif
#endif
#ifdef APPFORM_PDF_LSAN
const char	*__lsan_default_suppressions(void);
const char	*__lsan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/*
 * Not "Suppressions used: ..." on the helper's stderr, the first line of which ncaenroll
 * quotes (LSAN_OPTIONS still wins).
 */
const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* A4 in points (the PDF surface's unit), and an 18 mm margin. */
#define PDF_W		595.276
#define PDF_H		841.890
#define PDF_MARGIN	51.0
#define PDF_TEXT_W	(PDF_W - 2 * PDF_MARGIN)
#define PDF_GAP		8.0
/* The QR code with its quiet zone: 36 mm, a module ~1 mm, easy for any desk scanner. */
#define PDF_QR_SIDE	102.0
#define PDF_QR_QUIET	4	/* modules of white around it, as ISO/IEC 18004 asks */
/* The signature block: heading, two lines to write on, their captions. */
#define PDF_SIGN_H	118.0

/*
 * Lines a value may take before it ends in "…": enough for the longest real organization
 * names (~250 characters), and few enough that the page never overflows.
 */
#define PDF_ORG_LINES	6
#define PDF_VALUE_LINES	2

/* DejaVu has every Kazakh and Russian letter; without it fontconfig picks its default. */
enum appform_pdf_font {
	PDF_FONT_TITLE, PDF_FONT_BODY, PDF_FONT_BOLD, PDF_FONT_LABEL, PDF_FONT_NUMBER,
	PDF_FONT_SMALL, PDF_FONT__MAX
};
static const char *const appform_pdf_fonts[] = {
	[PDF_FONT_TITLE] = "DejaVu Sans,Sans Bold 12",
	[PDF_FONT_BODY] = "DejaVu Sans,Sans 10",
	[PDF_FONT_BOLD] = "DejaVu Sans,Sans Bold 10",
	[PDF_FONT_LABEL] = "DejaVu Sans,Sans 9",
	[PDF_FONT_NUMBER] = "DejaVu Sans Mono,Monospace Bold 18",
	[PDF_FONT_SMALL] = "DejaVu Sans,Sans 7.5",
};
_Static_assert(sizeof appform_pdf_fonts / sizeof appform_pdf_fonts[0] == PDF_FONT__MAX,
    "one description per font");

struct appform_pdf {
	cairo_t			*cr;
	PangoContext		*pc;
	PangoFontDescription	*fonts[PDF_FONT__MAX];
	double			 y;		/* the top of what comes next */
};

/* Text in a box `width` wide at (x, y), wrapped, at most `lines` lines; its height. */
static double
appform_pdf_text(struct appform_pdf *d, enum appform_pdf_font font, double x, double y,
    double width, int lines, PangoAlignment align, const char *text)
{
	PangoLayout	*l = pango_layout_new(d->pc);
	int		 w, h;

	pango_layout_set_font_description(l, d->fonts[font]);
	pango_layout_set_width(l, pango_units_from_double(width));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_height(l, -lines);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return pango_units_to_double(h);
}

/* How wide text is on one line. */
static double
appform_pdf_width(struct appform_pdf *d, enum appform_pdf_font font, const char *text)
{
	PangoLayout	*l = pango_layout_new(d->pc);
	int		 w, h;

	pango_layout_set_font_description(l, d->fonts[font]);
	pango_layout_set_text(l, text, -1);
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	return pango_units_to_double(w);
}

static void
appform_pdf_rule(struct appform_pdf *d, double x, double y, double len, double width,
    double grey)
{
	cairo_set_source_rgb(d->cr, grey, grey, grey);
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, x, y);
	cairo_line_to(d->cr, x + len, y);
	cairo_stroke(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
}

/*
 * The request number as a QR code at (x, y), `side` square with its quiet zone: filled
 * rectangles, one per run of dark modules, so it stays sharp at any printer's resolution.
 * Level Q: a quarter of it may be smudged or folded and it still reads.
 */
static int
appform_pdf_qr(struct appform_pdf *d, double x, double y, double side, const char *number,
    char **cause)
{
	QRcode	*qr;
	double	 m;
	int	 n, row, col, run;

	errno = 0;
	if ((qr = QRcode_encodeString(number, 0, QR_ECLEVEL_Q, QR_MODE_8, 1)) == NULL) {
		/* libqrencode says ENOMEM, or EINVAL/ERANGE for what no QR code can hold. */
		cause_set(cause, _("cannot make the application form's PDF: %s"),
		    OSERROR(errno != 0 ? errno : EINVAL));
		return -1;
	}
	n = qr->width;
	m = side / (n + 2 * PDF_QR_QUIET);
	cairo_set_source_rgb(d->cr, 1, 1, 1);
	cairo_rectangle(d->cr, x, y, side, side);
	cairo_fill(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (row = 0; row < n; row++) {
		for (col = 0; col < n; col += run > 0 ? run : 1) {
			run = 0;
			while (col + run < n && (qr->data[row * n + col + run] & 1))
				run++;
			if (run > 0)
				cairo_rectangle(d->cr, x + (col + PDF_QR_QUIET) * m,
				    y + (row + PDF_QR_QUIET) * m, run * m, m);
		}
	}
	cairo_fill(d->cr);
	QRcode_free(qr);
	return 0;
}

static void
appform_pdf_title(struct appform_pdf *d)
{
	d->y += appform_pdf_text(d, PDF_FONT_TITLE, PDF_MARGIN, d->y, PDF_TEXT_W, 3,
	    PANGO_ALIGN_CENTER, appform_text(APPFORM_TITLE));
	d->y += 2 + appform_pdf_text(d, PDF_FONT_BODY, PDF_MARGIN, d->y + 2, PDF_TEXT_W, 2,
	    PANGO_ALIGN_CENTER, appform_text(APPFORM_SUBTITLE));
	d->y += 2 * PDF_GAP;
}

/* A label and its value side by side; the row's height. */
static double
appform_pdf_pair(struct appform_pdf *d, double x, double label_w, double width, int lines,
    enum appform_pdf_font font, const char *label, const char *value)
{
	double	hl, hv;

	hl = appform_pdf_text(d, PDF_FONT_LABEL, x, d->y + 1, label_w - 6, 2, PANGO_ALIGN_LEFT,
	    label);
	hv = appform_pdf_text(d, font, x + label_w, d->y, width - label_w, lines,
	    PANGO_ALIGN_LEFT, value);
	return (hl + 1 > hv ? hl + 1 : hv);
}

/* The number large, the dates under it, and its QR code on the right. */
static int
appform_pdf_number(struct appform_pdf *d, const struct appform *af, char **cause)
{
	const char	*number = af->number != NULL && *af->number != '\0' ? af->number : NULL;
	double		 top = d->y, left_w = PDF_TEXT_W - PDF_QR_SIDE - 2 * PDF_GAP, label_w;

	if (number != NULL && appform_pdf_qr(d, PDF_MARGIN + PDF_TEXT_W - PDF_QR_SIDE, top,
	    PDF_QR_SIDE, number, cause) == -1)
		return -1;
	d->y += appform_pdf_text(d, PDF_FONT_BODY, PDF_MARGIN, d->y, left_w, 2,
	    PANGO_ALIGN_LEFT, appform_text(APPFORM_NUMBER_LABEL));
	d->y += 4 + appform_pdf_text(d, PDF_FONT_NUMBER, PDF_MARGIN, d->y + 4, left_w, 2,
	    PANGO_ALIGN_LEFT, number != NULL ? number : "-");
	d->y += 2 * PDF_GAP;
	label_w = appform_pdf_width(d, PDF_FONT_LABEL, appform_text(APPFORM_SUBMITTED));
	if (appform_pdf_width(d, PDF_FONT_LABEL, appform_text(APPFORM_DEADLINE)) > label_w)
		label_w = appform_pdf_width(d, PDF_FONT_LABEL, appform_text(APPFORM_DEADLINE));
	label_w = label_w + 10 < left_w / 2 ? label_w + 10 : left_w / 2;
	d->y += 3 + appform_pdf_pair(d, PDF_MARGIN, label_w, left_w, 1, PDF_FONT_BODY,
	    appform_text(APPFORM_SUBMITTED), af->date != NULL && *af->date != '\0' ?
	    af->date : "-");
	d->y += appform_pdf_pair(d, PDF_MARGIN, label_w, left_w, 1, PDF_FONT_BOLD,
	    appform_text(APPFORM_DEADLINE), af->deadline != NULL && *af->deadline != '\0' ?
	    af->deadline : "-");
	if (d->y < top + PDF_QR_SIDE)
		d->y = top + PDF_QR_SIDE;
	d->y += PDF_GAP;
	return 0;
}

/* The rows of appform.h's table: labels in a column as wide as the widest (up to 40%). */
static void
appform_pdf_rows(struct appform_pdf *d, const struct appform *af)
{
	double	label_w = 0, w, h;
	int	i;

	for (i = 0; i < APPFORM_ROW__MAX; i++)
		if ((w = appform_pdf_width(d, PDF_FONT_LABEL, appform_label(i))) > label_w)
			label_w = w;
	label_w = label_w + 12 < PDF_TEXT_W * 0.4 ? label_w + 12 : PDF_TEXT_W * 0.4;
	appform_pdf_rule(d, PDF_MARGIN, d->y, PDF_TEXT_W, 0.8, 0);
	d->y += 5;
	for (i = 0; i < APPFORM_ROW__MAX; i++) {
		h = appform_pdf_pair(d, PDF_MARGIN, label_w, PDF_TEXT_W,
		    i == APPFORM_ORG ? PDF_ORG_LINES : PDF_VALUE_LINES,
		    i == APPFORM_ORG || i == APPFORM_APPLICANT ? PDF_FONT_BOLD : PDF_FONT_BODY,
		    appform_label(i), appform_value(af, i));
		d->y += h + 3;
		appform_pdf_rule(d, PDF_MARGIN, d->y, PDF_TEXT_W, 0.3, 0.6);
		d->y += 4;
	}
	d->y += PDF_GAP;
}

/* What to bring, numbered, and what happens after the deadline. */
static void
appform_pdf_bring(struct appform_pdf *d, const struct appform *af)
{
	const char	*item;
	char		 head[1024], num[16];
	size_t		 i;

	(void)snprintf(head, sizeof head, "%s %s", appform_text(APPFORM_BRING_HEAD),
	    appform_text(APPFORM_BRING_TAIL));
	d->y += 4 + appform_pdf_text(d, PDF_FONT_BOLD, PDF_MARGIN, d->y, PDF_TEXT_W, 3,
	    PANGO_ALIGN_LEFT, head);
	for (i = 0; (item = appform_bring(i)) != NULL; i++) {
		(void)snprintf(num, sizeof num, "%zu.", i + 1);
		(void)appform_pdf_text(d, PDF_FONT_BODY, PDF_MARGIN + 6, d->y, 16, 1,
		    PANGO_ALIGN_LEFT, num);
		d->y += 2 + appform_pdf_text(d, PDF_FONT_BODY, PDF_MARGIN + 22, d->y,
		    PDF_TEXT_W - 22, 3, PANGO_ALIGN_LEFT, item);
	}
	/* A catalog may break the sentence for 80 columns; a page breaks it by itself. */
	appform_notice(af, head, sizeof head);
	for (i = 0; head[i] != '\0'; i++)
		if (head[i] == '\n')
			head[i] = ' ';
	d->y += PDF_GAP + appform_pdf_text(d, PDF_FONT_BODY, PDF_MARGIN, d->y + PDF_GAP,
	    PDF_TEXT_W, 3, PANGO_ALIGN_LEFT, head);
}

/* One signature column: who, a line to sign on, a line for the name (pre-filled if known). */
static void
appform_pdf_signer(struct appform_pdf *d, double x, double y, double w, const char *who,
    const char *name)
{
	y += 4 + appform_pdf_text(d, PDF_FONT_BOLD, x, y, w, 2, PANGO_ALIGN_LEFT, who);
	y += 34;
	appform_pdf_rule(d, x, y, w, 0.6, 0);
	y += 1 + appform_pdf_text(d, PDF_FONT_SMALL, x, y + 1, w, 1, PANGO_ALIGN_LEFT,
	    _("signature and date"));
	y += 14;
	if (name != NULL)
		(void)appform_pdf_text(d, PDF_FONT_BODY, x, y + 6, w, 1, PANGO_ALIGN_LEFT,
		    name);
	y += 20;
	appform_pdf_rule(d, x, y, w, 0.6, 0);
	(void)appform_pdf_text(d, PDF_FONT_SMALL, x, y + 1, w, 1, PANGO_ALIGN_LEFT,
	    _("full name"));
}

/* At the foot of the page, or right after the text if that reaches lower. */
static void
appform_pdf_signatures(struct appform_pdf *d, const struct appform *af)
{
	double	y = PDF_H - PDF_MARGIN - PDF_SIGN_H, w = (PDF_TEXT_W - 36) / 2;

	if (y < d->y + PDF_GAP)
		y = d->y + PDF_GAP;
	appform_pdf_signer(d, PDF_MARGIN, y, w, appform_label(APPFORM_APPLICANT),
	    af->applicant != NULL && *af->applicant != '\0' ? af->applicant : NULL);
	appform_pdf_signer(d, PDF_MARGIN + w + 36, y, w, _("Registration desk operator"),
	    NULL);
	d->y = y + PDF_SIGN_H;
}

static int
appform_pdf_page(struct appform_pdf *d, const struct appform *af, char **cause)
{
	d->y = PDF_MARGIN;
	appform_pdf_title(d);
	if (appform_pdf_number(d, af, cause) == -1)
		return -1;
	appform_pdf_rows(d, af);
	appform_pdf_bring(d, af);
	appform_pdf_signatures(d, af);
	cairo_show_page(d->cr);
	return 0;
}

static cairo_status_t
appform_pdf_put(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/* Draws the page through a context of our own, so that its fonts are freed with it. */
static int
appform_pdf_draw(cairo_surface_t *s, const struct appform *af, const char *lang,
    char **cause)
{
	struct appform_pdf	 d;
	PangoFontMap		*fm;
	int			 i, rc;

	memset(&d, 0, sizeof d);
	d.cr = cairo_create(s);
	fm = pango_cairo_font_map_new();
	d.pc = pango_font_map_create_context(fm);
	pango_cairo_update_context(d.cr, d.pc);
	pango_cairo_context_set_resolution(d.pc, 72.0);	/* font sizes in points */
	pango_context_set_language(d.pc,
	    pango_language_from_string(lang != NULL ? lang : "en"));
	for (i = 0; i < PDF_FONT__MAX; i++)
		d.fonts[i] = pango_font_description_from_string(appform_pdf_fonts[i]);
	rc = appform_pdf_page(&d, af, cause);
	if (rc == 0 && cairo_status(d.cr) != CAIRO_STATUS_SUCCESS) {
		cause_set(cause, _("cannot make the application form's PDF: %s"),
		    cairo_status_to_string(cairo_status(d.cr)));
		rc = -1;
	}
	for (i = 0; i < PDF_FONT__MAX; i++)
		pango_font_description_free(d.fonts[i]);
	g_object_unref(d.pc);
	g_object_unref(fm);
	cairo_destroy(d.cr);
	return rc;
}

/* The whole PDF in memory first: the file on disk is then replaced in one step. */
static int
appform_pdf_render(const struct appform *af, const char *lang, char **buf, size_t *len,
    char **cause)
{
	cairo_surface_t	*s = NULL;
	FILE		*f;
	char		 title[512];
	int		 rc = -1, bad;

	if ((f = open_memstream(buf, len)) == NULL) {
		cause_set(cause, "%s", OSERROR(errno));
		return -1;
	}
	s = cairo_pdf_surface_create_for_stream(appform_pdf_put, f, PDF_W, PDF_H);
	(void)snprintf(title, sizeof title, "%s %s", appform_text(APPFORM_TITLE),
	    af->number != NULL ? af->number : "");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, PACKAGE_STRING);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		cause_set(cause, _("cannot make the application form's PDF: %s"),
		    cairo_status_to_string(cairo_surface_status(s)));
	else if (appform_pdf_draw(s, af, lang, cause) == 0) {
		cairo_surface_finish(s);	/* writes the rest of the file into f */
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
			cause_set(cause, _("cannot make the application form's PDF: %s"),
			    cairo_status_to_string(cairo_surface_status(s)));
		else
			rc = 0;
	}
	cairo_surface_destroy(s);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		if (rc == 0)
			cause_set(cause, "%s",
			    _("out of memory while rendering the application form"));
		rc = -1;
	}
	if (rc == -1) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

int
appform_pdf_write(const struct appform *af, const char *lang, const char *path,
    char **cause)
{
	char	*buf = NULL;
	size_t	 len = 0;
	int	 rc;

	if (appform_check(af, cause) == -1 ||
	    appform_pdf_render(af, lang, &buf, &len, cause) == -1)
		return -1;
	/* A person's name, IIN and e-mail: the owner's alone, like the state file. */
	rc = atomicfile_write(path, buf, len, 0600, cause);
	free(buf);
	return rc;
}

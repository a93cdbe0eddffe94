#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appform.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/utf8.h"

/* Block digits, 3 columns by 5 rows; index 10 is the dash between groups. */
static const char *const appform_glyphs[11][5] = {
	{ "###", "# #", "# #", "# #", "###" },
	{ " # ", "## ", " # ", " # ", "###" },
	{ "###", "  #", "###", "#  ", "###" },
	{ "###", "  #", "###", "  #", "###" },
	{ "# #", "# #", "###", "  #", "  #" },
	{ "###", "#  ", "###", "  #", "###" },
	{ "###", "#  ", "###", "# #", "###" },
	{ "###", "  #", "  #", "  #", "  #" },
	{ "###", "# #", "###", "# #", "###" },
	{ "###", "# #", "###", "  #", "###" },
	{ "   ", "   ", "###", "   ", "   " },
};

/* Groups of four digits per line of big digits: 4 + 3 keeps a line within 76 columns. */
#define APPFORM_BIG_GROUPS 4

enum appform_row {
	AF_ORG, AF_BIN, AF_APPLICANT, AF_IIN, AF_EMAIL, AF_ROLE, AF_REGION, AF_CITY,
	AF_GU_CODE, AF_STORAGE, AF__MAX
};

static const char *const appform_labels[AF__MAX] = {
	[AF_ORG] = N_("Organization"),
	[AF_BIN] = N_("BIN"),
	[AF_APPLICANT] = N_("Applicant"),
	[AF_IIN] = N_("IIN"),
	[AF_EMAIL] = N_("E-mail"),
	[AF_ROLE] = N_("Role"),
	[AF_REGION] = N_("Region"),
	[AF_CITY] = N_("City"),
	[AF_GU_CODE] = N_("ГУ/СКС code"),
	[AF_STORAGE] = N_("Key storage"),
};
_Static_assert(sizeof appform_labels / sizeof appform_labels[0] == AF__MAX,
    "one label per row");

static const char *
appform_value(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static size_t
appform_width(const char *s)
{
	long	n = utf8_count(s);

	return n < 0 ? strlen(s) : (size_t)n;
}

/* One line of big digits for the characters [from, to) of the number. */
static void
appform_big_line(FILE *f, const char *num, size_t from, size_t to)
{
	char	line[256];
	size_t	row, i, len;
	int	g;

	for (row = 0; row < 5; row++) {
		len = 0;
		for (i = from; i < to && len + 5 < sizeof line; i++) {
			if (num[i] >= '0' && num[i] <= '9')
				g = num[i] - '0';
			else if (num[i] == '-')
				g = 10;
			else
				continue;
			memcpy(line + len, appform_glyphs[g][row], 3);
			len += 3;
			line[len++] = ' ';
		}
		while (len > 0 && line[len - 1] == ' ')
			len--;
		line[len] = '\0';
		(void)fprintf(f, "  %s\n", line);
	}
	(void)fputc('\n', f);
}

static void
appform_big(FILE *f, const char *num)
{
	size_t	len = strlen(num), cut = 0, groups = 0;

	/* Split after APPFORM_BIG_GROUPS groups, dropping the dash at the break. */
	while (cut < len && groups < APPFORM_BIG_GROUPS) {
		if (num[cut] == '-')
			groups++;
		if (groups < APPFORM_BIG_GROUPS)
			cut++;
	}
	appform_big_line(f, num, 0, cut);
	if (cut < len)
		appform_big_line(f, num, cut + 1, len);
}

static void
appform_rows(FILE *f, const struct appform *af)
{
	const char	*v[AF__MAX];
	const char	*label;
	size_t		 i, w, width = 0;

	v[AF_ORG] = af->org_name;
	v[AF_BIN] = af->bin;
	v[AF_APPLICANT] = af->applicant;
	v[AF_IIN] = af->iin;
	v[AF_EMAIL] = af->email;
	v[AF_ROLE] = af->role;
	v[AF_REGION] = af->region;
	v[AF_CITY] = af->city;
	v[AF_GU_CODE] = af->gu_code;
	v[AF_STORAGE] = af->storage;
	for (i = 0; i < AF__MAX; i++) {
		w = appform_width(_(appform_labels[i]));
		if (w > width)
			width = w;
	}
	for (i = 0; i < AF__MAX; i++) {
		label = _(appform_labels[i]);
		(void)fprintf(f, "  %s:", label);
		for (w = appform_width(label); w < width + 1; w++)
			(void)fputc(' ', f);
		(void)fprintf(f, "%s\n", appform_value(v[i]));
	}
}

/* The two dates, their values lined up. */
static void
appform_dates(FILE *f, const struct appform *af)
{
	const char	*l1 = _("Submitted:"), *l2 = _("Verify before:");
	size_t		 w1 = appform_width(l1), w2 = appform_width(l2);
	int		 pad1 = (int)(w2 > w1 ? w2 - w1 : 0), pad2 = (int)(w1 > w2 ? w1 - w2 : 0);

	(void)fprintf(f, "  %s%*s %s\n", l1, pad1, "", appform_value(af->date));
	(void)fprintf(f, "  %s%*s %s\n\n", l2, pad2, "", appform_value(af->deadline));
}

static void
appform_write(FILE *f, const struct appform *af, int flags)
{
	(void)fprintf(f, "%s\n", _("APPLICATION FOR REGISTRATION CERTIFICATES OF THE NCA RK"));
	(void)fprintf(f, "%s\n\n", _("(legal entity employee, Treasury-Client)"));
	(void)fprintf(f, "%s\n\n", _("Request number:"));
	if (flags & APPFORM_BIG_NUMBER)
		appform_big(f, appform_value(af->number));
	(void)fprintf(f, "    %s\n\n", appform_value(af->number));
	appform_dates(f, af);
	appform_rows(f, af);
	(void)fprintf(f, "\n%s\n%s\n", _("Bring to a registration desk (a public service "
	    "centre, ЦОН)"), _("before the date above:"));
	(void)fprintf(f, "  1. %s\n", _("this form, printed, with its request number;"));
	(void)fprintf(f, "  2. %s\n", _("your identity document;"));
	(void)fprintf(f, "  3. %s\n", _("an order of appointment or a power of attorney from "
	    "the organization."));
	(void)fprintf(f, "\n");
	(void)fprintf(f, ngettext("An application not verified within %d day is cancelled; "
	    "then apply again.\n", "An application not verified within %d days is cancelled; "
	    "then apply again.\n", (unsigned long)(af->days > 0 ? af->days : 0)), af->days);
}

char *
appform_render(const struct appform *af, int flags, char **cause)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0;
	int	 bad;

	if ((f = open_memstream(&text, &len)) == NULL) {
		cause_set(cause, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	appform_write(f, af, flags);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		cause_set(cause, "%s", _("out of memory while rendering the application form"));
		free(text);
		return NULL;
	}
	return text;
}

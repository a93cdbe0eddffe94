/*
 * appform — the one table of the form's rows, fixed sentences and what to bring, read
 * by the text, the PDF and its JSON alike; the plain-text page drawn from it (big digits
 * included); and the refusal of a form whose strings are not text, before any is drawn.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appform.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
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

/* The rows: a label and where the struct keeps its value. */
static const struct appform_rowdef {
	const char	*label;
	size_t		 off;
} appform_rowdefs[] = {
	[APPFORM_ORG] = { N_("Organization"), offsetof(struct appform, org_name) },
	[APPFORM_BIN] = { N_("BIN"), offsetof(struct appform, bin) },
	[APPFORM_APPLICANT] = { N_("Applicant"), offsetof(struct appform, applicant) },
	[APPFORM_IIN] = { N_("IIN"), offsetof(struct appform, iin) },
	[APPFORM_EMAIL] = { N_("E-mail"), offsetof(struct appform, email) },
	[APPFORM_ROLE] = { N_("Role"), offsetof(struct appform, role) },
	[APPFORM_REGION] = { N_("Region"), offsetof(struct appform, region) },
	[APPFORM_CITY] = { N_("City"), offsetof(struct appform, city) },
	[APPFORM_GU_CODE] = { N_("ГУ/СКС code"), offsetof(struct appform, gu_code) },
	[APPFORM_STORAGE] = { N_("Key storage"), offsetof(struct appform, storage) },
};
_Static_assert(sizeof appform_rowdefs / sizeof appform_rowdefs[0] == APPFORM_ROW__MAX,
    "one definition per row");

static const char *const appform_texts[] = {
	[APPFORM_TITLE] = N_("APPLICATION FOR REGISTRATION CERTIFICATES OF THE NCA RK"),
	[APPFORM_SUBTITLE] = N_("(legal entity employee, Treasury-Client)"),
	[APPFORM_NUMBER_LABEL] = N_("Request number:"),
	[APPFORM_SUBMITTED] = N_("Submitted:"),
	[APPFORM_DEADLINE] = N_("Verify before:"),
	[APPFORM_BRING_HEAD] = N_("Bring to a registration desk (a public service "
	    "centre, ЦОН)"),
	[APPFORM_BRING_TAIL] = N_("before the date above:"),
};
_Static_assert(sizeof appform_texts / sizeof appform_texts[0] == APPFORM_TEXT__MAX,
    "one sentence per text");

/* What to bring (nca-facts.md §5). */
static const char *const appform_brings[] = {
	N_("this form, printed, with its request number;"),
	N_("your identity document;"),
	N_("an order of appointment or a power of attorney from the organization."),
};

static const char *
appform_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

const char *
appform_label(enum appform_row row)
{
	return _(appform_rowdefs[row].label);
}

const char *
appform_value(const struct appform *af, enum appform_row row)
{
	const char *const	*v;

	v = (const char *const *)(const void *)((const char *)af + appform_rowdefs[row].off);
	return appform_dash(*v);
}

const char *
appform_text(enum appform_text t)
{
	return _(appform_texts[t]);
}

const char *
appform_bring(size_t i)
{
	if (i >= sizeof appform_brings / sizeof appform_brings[0])
		return NULL;
	return _(appform_brings[i]);
}

void
appform_notice(const struct appform *af, char *buf, size_t size)
{
	size_t	n;

	if (size == 0)
		return;
	/* The text form's own sentence, so both read the same in every catalog. */
	if (snprintf(buf, size, ngettext("An application not verified within %d day is "
	    "cancelled; then apply again.\n", "An application not verified within %d days is "
	    "cancelled; then apply again.\n", (unsigned long)(af->days > 0 ? af->days : 0)),
	    af->days) < 0)
		buf[0] = '\0';
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
}

/* "Request number:" -> "Request number", and the bad value as ASCII, for the message. */
static int
appform_bad(char **cause, const char *label, const char *value)
{
	char	name[128], shown[64];
	size_t	i;

	(void)snprintf(name, sizeof name, "%s", label);
	if ((i = strlen(name)) > 0 && name[i - 1] == ':')
		name[i - 1] = '\0';
	for (i = 0; value[i] != '\0' && i < sizeof shown - 1; i++)
		shown[i] = (unsigned char)value[i] < 0x80 ? value[i] : '?';
	shown[i] = '\0';
	cause_set(cause, _("%s: \"%s\" is not valid UTF-8"), name, shown);
	return -1;
}

/*
 * Pango would draw a malformed string as boxes, with a warning, and JSON cannot carry one to
 * the PDF helper: say which field it is.
 */
int
appform_check(const struct appform *af, char **cause)
{
	const struct {
		enum appform_text	 label;
		const char		*value;
	} head[] = {
		{ APPFORM_NUMBER_LABEL, af->number },
		{ APPFORM_SUBMITTED, af->date },
		{ APPFORM_DEADLINE, af->deadline },
	};
	size_t	i;

	for (i = 0; i < sizeof head / sizeof head[0]; i++)
		if (head[i].value != NULL && utf8_count(head[i].value) < 0)
			return appform_bad(cause, appform_text(head[i].label),
			    head[i].value);
	for (i = 0; i < APPFORM_ROW__MAX; i++)
		if (utf8_count(appform_value(af, i)) < 0)
			return appform_bad(cause, appform_label(i), appform_value(af, i));
	return 0;
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
	const char	*label;
	size_t		 w, width = 0;
	int		 i;

	for (i = 0; i < APPFORM_ROW__MAX; i++) {
		w = appform_width(appform_label(i));
		if (w > width)
			width = w;
	}
	for (i = 0; i < APPFORM_ROW__MAX; i++) {
		label = appform_label(i);
		(void)fprintf(f, "  %s:", label);
		for (w = appform_width(label); w < width + 1; w++)
			(void)fputc(' ', f);
		(void)fprintf(f, "%s\n", appform_value(af, i));
	}
}

/* The two dates, their values lined up. */
static void
appform_dates(FILE *f, const struct appform *af)
{
	const char	*l1 = appform_text(APPFORM_SUBMITTED);
	const char	*l2 = appform_text(APPFORM_DEADLINE);
	size_t		 w1 = appform_width(l1), w2 = appform_width(l2);
	int		 pad1 = (int)(w2 > w1 ? w2 - w1 : 0), pad2 = (int)(w1 > w2 ? w1 - w2 : 0);

	(void)fprintf(f, "  %s%*s %s\n", l1, pad1, "", appform_dash(af->date));
	(void)fprintf(f, "  %s%*s %s\n\n", l2, pad2, "", appform_dash(af->deadline));
}

static void
appform_write(FILE *f, const struct appform *af, int flags)
{
	const char	*item;
	char		 notice[1024];
	size_t		 i;

	(void)fprintf(f, "%s\n", appform_text(APPFORM_TITLE));
	(void)fprintf(f, "%s\n\n", appform_text(APPFORM_SUBTITLE));
	(void)fprintf(f, "%s\n\n", appform_text(APPFORM_NUMBER_LABEL));
	if (flags & APPFORM_BIG_NUMBER)
		appform_big(f, appform_dash(af->number));
	(void)fprintf(f, "    %s\n\n", appform_dash(af->number));
	appform_dates(f, af);
	appform_rows(f, af);
	(void)fprintf(f, "\n%s\n%s\n", appform_text(APPFORM_BRING_HEAD),
	    appform_text(APPFORM_BRING_TAIL));
	for (i = 0; (item = appform_bring(i)) != NULL; i++)
		(void)fprintf(f, "  %zu. %s\n", i + 1, item);
	(void)fprintf(f, "\n");
	appform_notice(af, notice, sizeof notice);
	(void)fprintf(f, "%s\n", notice);
}

char *
appform_render(const struct appform *af, int flags, char **cause)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0;
	int	 bad;

	if ((f = open_memstream(&text, &len)) == NULL) {
		cause_set(cause, "%s", OSERROR(errno));
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

char *
appform_full_name(const char *surname, const char *given, const char *patronymic)
{
	const char	*part[] = { surname, given, patronymic };
	char		*who = NULL, *next;
	size_t		 i;

	for (i = 0; i < sizeof part / sizeof part[0]; i++) {
		if (part[i] == NULL || *part[i] == '\0')
			continue;
		if (asprintf(&next, "%s%s%s", who != NULL ? who : "", who != NULL ? " " : "",
		    part[i]) == -1) {
			free(who);
			return NULL;
		}
		free(who);
		who = next;
	}
	return who != NULL ? who : strdup("");
}

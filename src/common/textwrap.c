/*
 * textwrap — width, fit and word wrap by display columns, and wrapped plain output.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/textwrap.h"
#include "common/utf8.h"

/* One character at s: its bytes (>= 1) and columns (malformed: 1 byte, 1 column). */
static int
textwrap_char(const char *s, size_t len, int *cols)
{
	uint32_t	cp;
	int		n = utf8_decode(s, len, &cp), w;

	if (n < 0) {
		*cols = 1;
		return 1;
	}
	w = cp == '\t' ? 1 : utf8_cols(cp);
	*cols = w < 0 ? 0 : w;
	return n;
}

int
textwrap_width(const char *s, size_t len)
{
	size_t	off = 0;
	int	cols = 0, w;

	while (off < len) {
		off += (size_t)textwrap_char(s + off, len - off, &w);
		cols += w;
	}
	return cols;
}

size_t
textwrap_fit(const char *s, size_t len, int cols)
{
	size_t	off = 0;
	int	used = 0, w, n;

	while (off < len) {
		n = textwrap_char(s + off, len - off, &w);
		if (used + w > cols)
			break;
		used += w;
		off += (size_t)n;
	}
	return off;
}

/* Where the line that starts at start ends: the last space within the fit, else the fit. */
static size_t
textwrap_end(const char *s, size_t start, size_t len, int width)
{
	size_t	fit = textwrap_fit(s + start, len - start, width), end;

	if (start + fit >= len)
		return len;
	for (end = start + fit; end > start; end--)
		if (s[end] == ' ')
			return end;
	return start + (fit > 0 ? fit : 1);
}

/* One paragraph (no '\n') from line n on; the number of the line after it. */
static int
textwrap_para(const char *s, size_t len, int first, int width, int n,
    void (*line)(void *, int, const char *, size_t), void *arg)
{
	size_t	start = 0, end, l;
	int	at = n;

	for (;;) {
		while (start < len && s[start] == ' ')
			start++;
		if (start >= len)
			break;
		end = textwrap_end(s, start, len, n == 0 ? first : width);
		for (l = end - start; l > 0 && s[start + l - 1] == ' '; l--)
			;
		if (line != NULL)
			line(arg, n, s + start, l);
		n++;
		start = end;
	}
	if (n == at) {		/* empty, or spaces only: an empty line still */
		if (line != NULL)
			line(arg, n, s, 0);
		n++;
	}
	return n;
}

int
textwrap(const char *s, int first, int width,
    void (*line)(void *, int, const char *, size_t), void *arg)
{
	const char	*nl;
	int		 n = 0;

	if (width < 1)
		width = 1;
	if (first < 1)
		first = 1;
	if (s == NULL)
		s = "";
	for (;;) {
		nl = strchr(s, '\n');
		n = textwrap_para(s, nl != NULL ? (size_t)(nl - s) : strlen(s), first, width, n,
		    line, arg);
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return n;
}

struct textwrap_out {
	FILE	*fp;
	int	 indent;
};

static void
textwrap_print_line(void *arg, int n, const char *start, size_t len)
{
	struct textwrap_out	*o = arg;

	if (n > 0)
		(void)fprintf(o->fp, "\n%*s", o->indent, "");
	(void)fwrite(start, 1, len, o->fp);
}

void
textwrap_print(FILE *fp, const char *s, int col, int indent, int width)
{
	struct textwrap_out	 o = { fp, indent };
	char			*copy, *p;

	if ((copy = strdup(s != NULL ? s : "")) == NULL)
		return;
	(void)utf8_sanitize(copy, 1);
	for (p = copy; (p = strchr(p, '\t')) != NULL; p++)
		*p = ' ';	/* a tab is measured as one column: printed as one */
	(void)textwrap(copy, width - col, width - indent, textwrap_print_line, &o);
	(void)fputc('\n', fp);
	free(copy);
}

/*
 * widget-captcha — type "captcha": the label, the picture in half blocks (TC_FIELD
 * colours, centred, cut at the widget's width), and under it an entry line for the code:
 * Latin letters and digits only, upper-cased as typed, at most 8 (or the field's max if
 * smaller); Backspace removes the last one. F5 (UIK_REFRESH) clears the code, raises the
 * flag widget_captcha_wants_new() reads and returns WIDGET_ACTIVATED so the screen fetches
 * a new picture; setting a picture lowers the flag. Enter is the screen's (IGNORED).
 * Value: the code as typed (upper case). Never saved by the screen (not restored on resume).
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "common/cause.h"
#include "common/halfblock.h"
#include "common/i18n.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-captcha.h"
#include "tui/widget-list.h"

#define WIDGET_CAPTCHA_CODE_MAX	8
#define WIDGET_CAPTCHA_LINES	8	/* the service's 72x16 picture */

struct widget_captcha {
	int		 width, height;
	unsigned char	*bits;		/* NULL until the first picture */
	char		 code[WIDGET_CAPTCHA_CODE_MAX + 1];
	size_t		 len;
	int		 wants_new;
};

static int
widget_captcha_max(const struct widget *w)
{
	if (w->def != NULL && w->def->max > 0 && w->def->max < WIDGET_CAPTCHA_CODE_MAX)
		return w->def->max;
	return WIDGET_CAPTCHA_CODE_MAX;
}

/* Lines kept for the picture: the field's height, else the picture's, else the usual. */
static int
widget_captcha_lines(const struct widget *w)
{
	const struct widget_captcha	*wc = w->impl;

	if (w->def != NULL && w->def->height > 0)
		return w->def->height;
	if (wc != NULL && wc->bits != NULL)
		return halfblock_lines(wc->height);
	return WIDGET_CAPTCHA_LINES;
}

static int
widget_captcha_rows(struct widget *w, int width)
{
	int	label = widget_label_rows(w);

	(void)width;
	return widget_captcha_lines(w) + (label > 1 ? label : 1);
}

static int
widget_captcha_create(struct widget *w, char **cause)
{
	if ((w->impl = calloc(1, sizeof(struct widget_captcha))) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	return 0;
}

static void
widget_captcha_destroy(struct widget *w)
{
	struct widget_captcha	*wc = w->impl;

	if (wc == NULL)
		return;
	free(wc->bits);
	free(wc);
	w->impl = NULL;
}

int
widget_captcha_set_picture(struct widget *w, int width, int height,
    const unsigned char *bits)
{
	struct widget_captcha	*wc = w->impl;
	unsigned char		*copy;

	if (width <= 0 || height <= 0 || width > 4096 || height > 4096 || bits == NULL)
		return -1;
	if ((copy = malloc((size_t)width * (size_t)height)) == NULL)
		return -1;
	memcpy(copy, bits, (size_t)width * (size_t)height);
	free(wc->bits);
	wc->bits = copy;
	wc->width = width;
	wc->height = height;
	wc->len = 0;
	wc->code[0] = '\0';
	wc->wants_new = 0;
	return 0;
}

int
widget_captcha_wants_new(struct widget *w)
{
	struct widget_captcha	*wc = w->impl;

	return wc->wants_new;
}

/* One line of the picture, at most cols columns of it. */
static void
widget_captcha_draw_line(struct widget *w, WINDOW *win, int y, int line, int attr)
{
	struct widget_captcha	*wc = w->impl;
	size_t			 sz = halfblock_size(wc->width, wc->height);
	char			*buf;
	wchar_t			*wide;
	int			 cols, x;

	cols = wc->width < w->w ? wc->width : w->w;
	x = w->x + (w->w - cols) / 2;
	widget_list_put(win, y, w->x, w->w, L"", tui_look_attr(w->look, TC_NORMAL));
	if ((buf = malloc(sz)) == NULL)
		return;
	if (halfblock_line(wc->width, wc->height, wc->bits, line, buf, sz) == 0 &&
	    (wide = widget_list_wcs(buf)) != NULL) {
		wide[cols] = L'\0';	/* one column per pixel */
		widget_list_put(win, y, x, cols, wide, attr);
		free(wide);
	}
	free(buf);
}

/*
 * The picture takes the whole width (72 columns do not fit right of a label column); the
 * label sits in its column beside the entry line under it.
 */
static void
widget_captcha_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_captcha	*wc = w->impl;
	struct widget		 entry = *w;
	int			 y = w->y, lines, l, max = widget_captcha_max(w), x, cols;
	char			 box[WIDGET_CAPTCHA_CODE_MAX + 1];

	lines = widget_captcha_lines(w);
	for (l = 0; l < lines && l < w->h - 1; l++) {
		if (wc->bits != NULL && l < halfblock_lines(wc->height))
			widget_captcha_draw_line(w, win, y + l, l,
			    tui_look_attr(w->look, TC_FIELD));
		else
			widget_list_put_utf8(win, y + l, w->x, w->w, wc->bits == NULL && l == 0 ?
			    _("No picture yet: press F5.") : "", tui_look_attr(w->look, TC_NORMAL));
	}
	entry.y = y + l;
	entry.h = w->h - l;
	widget_draw_label(&entry, win, focused);
	cols = widget_list_area(w, &x);
	/* "> " + the code in a box of max cells + the F5 hint. */
	widget_list_put(win, entry.y, x, 2, L"> ", tui_look_attr(w->look, TC_LABEL));
	memset(box, ' ', (size_t)max);
	memcpy(box, wc->code, wc->len);
	box[max] = '\0';
	widget_list_put_utf8(win, entry.y, x + 2, max, box,
	    tui_look_attr(w->look, focused ? TC_FIELD_FOCUS : TC_FIELD));
	widget_list_put_utf8(win, entry.y, x + 2 + max, cols - 2 - max, _("  F5: new picture"),
	    tui_look_attr(w->look, TC_HELP));
	w->cury = w->curx = -1;
	if (focused) {
		w->cury = entry.y;
		w->curx = x + 2 + (int)(wc->len < (size_t)max ? wc->len : (size_t)max - 1);
	}
}

static int
widget_captcha_ok(wint_t c)
{
	return (c >= L'0' && c <= L'9') || (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z');
}

static enum widget_result
widget_captcha_key(struct widget *w, const struct uik_event *ev)
{
	struct widget_captcha	*wc = w->impl;

	switch (ev->action) {
	case UIK_CHAR:
		if (!widget_captcha_ok(ev->ch))
			return widget_refuse(w, "%s", _("the code has only Latin letters and "
			    "digits"));
		if (wc->len >= (size_t)widget_captcha_max(w))
			return widget_full(w, widget_captcha_max(w));
		wc->code[wc->len++] = (char)(ev->ch >= L'a' ? ev->ch - L'a' + L'A' : ev->ch);
		wc->code[wc->len] = '\0';
		return WIDGET_CHANGED;
	case UIK_BACKSPACE:
		if (wc->len == 0)
			return WIDGET_CONSUMED;
		wc->code[--wc->len] = '\0';
		return WIDGET_CHANGED;
	case UIK_REFRESH:
		wc->len = 0;
		wc->code[0] = '\0';
		wc->wants_new = 1;
		return WIDGET_ACTIVATED;
	case UIK_TOGGLE:
		return widget_refuse(w, "%s", _("the code has only Latin letters and digits"));
	case UIK_LEFT:
	case UIK_RIGHT:
	case UIK_DELETE:
		return WIDGET_CONSUMED;
	default:
		return WIDGET_IGNORED;
	}
}

static const char *
widget_captcha_value(struct widget *w)
{
	struct widget_captcha	*wc = w->impl;

	return wc->code;
}

static int
widget_captcha_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_captcha	*wc = w->impl;
	size_t			 i, n = v != NULL ? strlen(v) : 0;

	if (n > (size_t)widget_captcha_max(w)) {
		cause_set(cause, _("the code has at most %d characters"), widget_captcha_max(w));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!widget_captcha_ok((unsigned char)v[i])) {
			cause_set(cause, _("the code has only Latin letters and digits"));
			return -1;
		}
	for (i = 0; i < n; i++)
		wc->code[i] = v[i] >= 'a' && v[i] <= 'z' ? (char)(v[i] - 'a' + 'A') : v[i];
	wc->code[n] = '\0';
	wc->len = n;
	return 0;
}

/*
 * The picture as the service sends it and the actions pass it on: {width, height,
 * bitmap: [rows of '#' and '.']}. A picture that does not match its size is refused.
 */
static int
widget_captcha_set_items(struct widget *w, json_t *pic, char **cause)
{
	json_t		*rows = json_object_get(pic, "bitmap");
	json_int_t	 width = json_integer_value(json_object_get(pic, "width"));
	json_int_t	 height = json_integer_value(json_object_get(pic, "height"));
	unsigned char	*bits;
	const char	*row;
	size_t		 x, y;
	int		 rc;

	if (width <= 0 || width > 200 || height <= 0 || height > 100 || !json_is_array(rows) ||
	    json_array_size(rows) != (size_t)height) {
		cause_set(cause, "%s", _("the picture cannot be shown"));
		return -1;
	}
	if ((bits = calloc((size_t)width, (size_t)height)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	for (y = 0; y < (size_t)height; y++) {
		row = json_string_value(json_array_get(rows, y));
		if (row == NULL || strlen(row) != (size_t)width) {
			free(bits);
			cause_set(cause, "%s", _("the picture cannot be shown"));
			return -1;
		}
		for (x = 0; x < (size_t)width; x++)
			bits[y * (size_t)width + x] = row[x] == '#';
	}
	rc = widget_captcha_set_picture(w, (int)width, (int)height, bits);
	free(bits);
	if (rc == -1)
		cause_set(cause, "%s", _("the picture cannot be shown"));
	return rc;
}

const struct widget_ops widget_captcha_ops = {
	.type = "captcha",
	.focusable = 1,
	.rows = widget_captcha_rows,
	.create = widget_captcha_create,
	.draw = widget_captcha_draw,
	.key = widget_captcha_key,
	.value = widget_captcha_value,
	.set_value = widget_captcha_set_value,
	.set_items = widget_captcha_set_items,
	.destroy = widget_captcha_destroy,
};

/*
 * widget-list — what the list widget (widget-list.c) lends the widgets built on it: the
 * search list and the folder picker keep a list widget inside and steer it with a filter;
 * and the column-aware text writers every widget of ours draws with (display columns via
 * wcwidth, never bytes; a cut line ends in "…", never mid-letter). Strings returned are
 * the list's own, valid until its next call. Callers: widget-*.c only.
 */
#ifndef NCA_WIDGET_LIST_H
#define NCA_WIDGET_LIST_H

#include <wchar.h>

struct _win_st;
struct widget;
struct widget_ops;

extern const struct widget_ops	widget_list_ops;

/* Shows only the items whose name (in the current language) or id contains filter,
 * ignoring case (towlower); NULL or L"" shows all. The number of items shown. */
size_t		 widget_list_set_filter(struct widget *, const wchar_t *filter);
/* The id of the item under the cursor, or NULL when nothing is shown. */
const char	*widget_list_current(struct widget *);
/* Moves the cursor to the item with this id; 0, or -1 if it is not shown. */
int		 widget_list_point(struct widget *, const char *id);

/* UTF-8 (malformed bytes become U+FFFD) as a malloc'd wide string; NULL if out of memory. */
wchar_t		*widget_list_wcs(const char *);
/* Display columns of s, control characters counted as the one "?" they are drawn as. */
int		 widget_list_width(const wchar_t *s);
/* Writes s at y, x in exactly cols columns with attr: cut with "…" or padded with spaces. */
void		 widget_list_put(struct _win_st *, int y, int x, int cols, const wchar_t *s,
		    int attr);
void		 widget_list_put_utf8(struct _win_st *, int y, int x, int cols, const char *s,
		    int attr);
/* The part of the widget right of its label column (widget.h's label_w): sets *x, returns
 * its width in columns (at least 1). */
int		 widget_list_area(const struct widget *, int *x);

#endif

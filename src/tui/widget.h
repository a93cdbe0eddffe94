/*
 * widget — one kind of thing on a screen, one file each (widget-entry.c, widget-list.c...),
 * all behind one vtable, CDK's life cycle without CDK: create from a field definition,
 * draw, feed actions (keys.h), read the value, destroy. Widgets draw only inside their own
 * rectangle of the screen's window, in UTF-8 with ncursesw (columns, not bytes), and never
 * touch files, keys or the network: data for lists comes from the screen (screen.h). Of
 * the engine above them they see only its look (tui-look.h): colours and the language.
 * The table in widget.c maps a type name to its ops; formdef_load, handed widget_known,
 * rejects unknown types.
 */
#ifndef NCA_WIDGET_H
#define NCA_WIDGET_H

#include <jansson.h>

#include "tui/formdef.h"
#include "tui/keys.h"

struct _win_st;
struct tui_look;

enum widget_result {
	WIDGET_IGNORED,		/* not for me: the screen handles it (Tab, Esc...) */
	WIDGET_CONSUMED,	/* handled, nothing else to do */
	WIDGET_CHANGED,		/* handled and the value changed (re-validate, redraw) */
	WIDGET_ACTIVATED,	/* Enter on a button or a chosen item: the screen acts */
	WIDGET_REFUSED,		/* a key it cannot take (full, or a character that does not
				 * belong): the reason is in w->error, the screen shows it */
};

struct widget;

struct widget_ops {
	const char	*type;
	int		 focusable;
	int		 wide;		/* spans the width, its label too: no label column */
	/* Rows it needs at this width (labels included); the screen lays out by it. */
	int		(*rows)(struct widget *, int width);
	int		(*create)(struct widget *, char **cause);
	void		(*draw)(struct widget *, struct _win_st *, int focused);
	enum widget_result (*key)(struct widget *, const struct uik_event *);
	/* The value as text (malloc'd by the widget, valid until the next call); never a
	 * copy of a password kept anywhere else. */
	const char	*(*value)(struct widget *);
	int		(*set_value)(struct widget *, const char *, char **cause);
	/* List data (array of {id, name:{kk,ru,en}} or {code}) for list-like widgets. */
	int		(*set_items)(struct widget *, json_t *, char **cause);
	void		(*destroy)(struct widget *);
};

struct widget {
	const struct widget_ops		*ops;
	const struct formdef_field	*def;
	const struct tui_look		*look;		/* language, colours (tui-look.h) */
	int				 y, x, h, w;	/* its rectangle in the screen window */
	int				 label_w;	/* the label column's width (screen sets) */
	int				 cury, curx;	/* set by draw when focused: where the
							 * cursor blinks (window coordinates);
							 * -1: no cursor */
	char				*error;		/* shown under it; set by the screen,
							 * or by widget_refuse */
	void				*impl;
};

/* The types, one row each, NULL-terminated (widget-table.c; a unit test may bring its own). */
extern const struct widget_ops *const widget_table[];
extern const struct widget_ops widget_entry_ops, widget_digits_ops, widget_email_ops,
    widget_password_ops, widget_checkbox_ops, widget_text_ops, widget_progress_ops;
extern const struct widget_ops widget_list_ops, widget_search_ops, widget_folder_ops,
    widget_captcha_ops, widget_value_ops, widget_bignum_ops, widget_hidden_ops;
extern const struct widget_ops widget_rows_ops, widget_checklist_ops;

const struct widget_ops	*widget_find(const char *type);
/* 1 when the table has this type: what formdef_load checks a field's type with. */
int			 widget_known(const char *type);
/* Creates a widget of def->type; NULL with a cause. */
struct widget		*widget_new(const struct tui_look *, const struct formdef_field *,
		    char **cause);
void			 widget_free(struct widget *);

/*
 * Helpers every widget shares, so labels look alike: the label in the current language
 * (look->lang), the rows it takes word-wrapped in label_w columns, and drawing it at the
 * widget's top-left (TC_LABEL; bold when focused). widget_fill paints a run of cells
 * with an attribute (a field's background).
 */
const char		*widget_label(const struct widget *);
int			 widget_label_rows(const struct widget *);
void			 widget_draw_label(const struct widget *, struct _win_st *, int focused);
void			 widget_fill(struct _win_st *, int y, int x, int n, int attr);
/*
 * A key refused out loud, never swallowed: a character typed must either go in or the
 * person must see why not. The reason (translated, printf-like) goes to w->error until
 * the value changes; returns WIDGET_REFUSED. widget_full is the reason of a full field.
 */
enum widget_result	 widget_refuse(struct widget *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum widget_result	 widget_full(struct widget *, int max);

#endif

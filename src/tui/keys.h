/*
 * keys — the one boundary where curses keys become actions (dialog's DLGK_ idea): a table
 * maps each key to an action, and screens and widgets switch on actions only, so a binding
 * changes in one row. Printable characters arrive as UIK_CHAR with the wide character.
 * keys_read() waits for the next key (or a resize) on a window; 0, or -1 when input ended.
 */
#ifndef NCA_KEYS_H
#define NCA_KEYS_H

#include <wchar.h>

enum uik {
	UIK_NONE,
	UIK_CHAR,	/* a printable character: ev.ch */
	UIK_NEXT,	/* Tab, Down in a form: next field */
	UIK_PREV,	/* Shift-Tab, Up in a form: previous field */
	UIK_UP, UIK_DOWN, UIK_LEFT, UIK_RIGHT,
	UIK_HOME, UIK_END, UIK_PGUP, UIK_PGDN,
	UIK_BACKSPACE, UIK_DELETE,
	UIK_ACTIVATE,	/* Enter: press the button, choose the item */
	UIK_TOGGLE,	/* Space on a checkbox or list item (a CHAR elsewhere) */
	UIK_BACK,	/* Esc: the previous screen */
	UIK_HELP,	/* F1: help for the field */
	UIK_LANG,	/* F2: next language */
	UIK_REFRESH,	/* F5: a new captcha picture */
	UIK_QUIT,	/* F10, Ctrl-C, Ctrl-Q, or SIGHUP */
	UIK_REDRAW,	/* Ctrl-L */
	UIK_RESIZE,	/* the terminal changed size */
	UIK__MAX
};

struct uik_event {
	enum uik	action;
	wint_t		ch;	/* for UIK_CHAR (and UIK_TOGGLE: L' ') */
};

struct _win_st;
int		 keys_read(struct _win_st *, struct uik_event *);
/* The same without waiting: UIK_NONE when no key is there (for progress that can be cancelled). */
int		 keys_poll(struct _win_st *, struct uik_event *);
/* The key bar's words for an action ("F1", "Esc"...), untranslated. */
const char	*keys_label(enum uik);
const char	*keys_name(enum uik);	/* "next", "back"...: for logs and tests */
/* The binding of one key without a terminal: is_code 1 for a KEY_* code (tests, help). */
enum uik	 keys_action(int is_code, int key);

#endif

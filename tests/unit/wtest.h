/*
 * wtest — what the widgets' unit tests share: an ncurses window on /dev/null (a cmocka group
 * setup/teardown pair, state is a struct wtest_term), the cells read back as a person sees
 * them, actions sent as the key boundary sends them, and a widget made from a field of the
 * test's own. It also stands in for the engine's tui_look_attr (one attribute per role a test
 * tells apart) and formdef_text_get; each test brings only its widget_table. Failures are
 * cmocka assertions; the widgets made are the caller's to widget_free.
 */
#ifndef NCA_WTEST_H
#define NCA_WTEST_H

#include <curses.h>
#include <stddef.h>

#include "tui/tui-look.h"
#include "tui/widget.h"

struct wtest_term {
	FILE	*out, *in;
	SCREEN	*sp;
	WINDOW	*win;
};

/* What widget_new reads; the labels point at the caller's strings, which must outlive it. */
struct wtest_fixture {
	char			 type[16];
	struct formdef_field	 def;
	struct tui_look		 look;	/* lang "kk"; a test may change it (F2) */
};

int		 wtest_term_setup(void **state);
int		 wtest_term_teardown(void **state);

/* What a person sees in n (< 256) columns from y, x, as UTF-8 in buf; the _trim one
 * without the trailing blanks. Both return buf. */
const char	*wtest_seen(WINDOW *, int y, int x, int n, char *buf, size_t sz);
const char	*wtest_seen_trim(WINDOW *, int y, int x, int n, char *buf, size_t sz);
attr_t		 wtest_seen_attr(WINDOW *, int y, int x);

/* One action, as the key boundary sends it (Space's toggle carries its character). */
enum widget_result wtest_press(struct widget *, enum uik);

/*
 * A widget of this type at y, x, w columns wide with a label column of label_w, its
 * height for that width. A NULL label is one the field does not have.
 */
struct widget	*wtest_make(struct wtest_fixture *, const char *type, const char *kk,
		    const char *en, int height, int y, int x, int w, int label_w);
/* set_items from JSON text, which must be accepted. */
void		 wtest_items(struct widget *, const char *json);

#endif

/*
 * keys — the terminal's keys as the engine's actions (keys.h): one table of bindings, and
 * reading one key from curses into an event.
 */
#include "config.h"

#include <time.h>

#include <curses.h>

#include "tui/keys.h"

/*
 * The bindings: one row per key. `code` rows are curses function keys (get_wch returned
 * KEY_CODE_YES); the others are characters, control characters included.
 */
static const struct keys_row {
	int		code;		/* 1: a KEY_* code, 0: a character */
	int		key;
	enum uik	action;
} keys_table[] = {
	{ 0, '\t',		UIK_NEXT },
	{ 1, KEY_BTAB,		UIK_PREV },
	{ 1, KEY_UP,		UIK_UP },
	{ 1, KEY_DOWN,		UIK_DOWN },
	{ 1, KEY_LEFT,		UIK_LEFT },
	{ 1, KEY_RIGHT,		UIK_RIGHT },
	{ 1, KEY_HOME,		UIK_HOME },
	{ 1, KEY_END,		UIK_END },
	{ 1, KEY_PPAGE,		UIK_PGUP },
	{ 1, KEY_NPAGE,		UIK_PGDN },
	{ 1, KEY_BACKSPACE,	UIK_BACKSPACE },
	{ 0, 127,		UIK_BACKSPACE },
	{ 0, 8,			UIK_BACKSPACE },
	{ 1, KEY_DC,		UIK_DELETE },
	{ 0, '\n',		UIK_ACTIVATE },
	{ 0, '\r',		UIK_ACTIVATE },
	{ 1, KEY_ENTER,		UIK_ACTIVATE },
	{ 0, ' ',		UIK_TOGGLE },
	{ 0, 27,		UIK_BACK },
	{ 1, KEY_F(1),		UIK_HELP },
	{ 1, KEY_F(2),		UIK_LANG },
	{ 1, KEY_F(5),		UIK_REFRESH },
	{ 1, KEY_F(10),		UIK_QUIT },
	{ 0, 3,			UIK_QUIT },	/* Ctrl-C: raw mode makes it a key */
	{ 0, 17,		UIK_QUIT },	/* Ctrl-Q */
	{ 0, 12,		UIK_REDRAW },	/* Ctrl-L */
	{ 1, KEY_RESIZE,	UIK_RESIZE },
};

/* Names and key-bar words, indexed by the action. */
static const struct {
	const char	*name;
	const char	*label;
} keys_names[] = {
	[UIK_NONE] = { "none", "" },
	[UIK_CHAR] = { "char", "" },
	[UIK_NEXT] = { "next", "Tab" },
	[UIK_PREV] = { "prev", "Shift-Tab" },
	[UIK_UP] = { "up", "Up" },
	[UIK_DOWN] = { "down", "Down" },
	[UIK_LEFT] = { "left", "Left" },
	[UIK_RIGHT] = { "right", "Right" },
	[UIK_HOME] = { "home", "Home" },
	[UIK_END] = { "end", "End" },
	[UIK_PGUP] = { "pgup", "PgUp" },
	[UIK_PGDN] = { "pgdn", "PgDn" },
	[UIK_BACKSPACE] = { "backspace", "Backspace" },
	[UIK_DELETE] = { "delete", "Del" },
	[UIK_ACTIVATE] = { "activate", "Enter" },
	[UIK_TOGGLE] = { "toggle", "Space" },
	[UIK_BACK] = { "back", "Esc" },
	[UIK_HELP] = { "help", "F1" },
	[UIK_LANG] = { "lang", "F2" },
	[UIK_REFRESH] = { "refresh", "F5" },
	[UIK_QUIT] = { "quit", "F10" },
	[UIK_REDRAW] = { "redraw", "Ctrl-L" },
	[UIK_RESIZE] = { "resize", "" },
};
_Static_assert(sizeof keys_names / sizeof keys_names[0] == UIK__MAX, "one name per action");

/* How long keys_read waits before it returns UIK_NONE so the caller can look at its stop flag. */
#define KEYS_POLL_MS	250

static enum uik
keys_lookup(int code, int key)
{
	size_t	i;

	for (i = 0; i < sizeof keys_table / sizeof keys_table[0]; i++)
		if (keys_table[i].code == code && keys_table[i].key == key)
			return keys_table[i].action;
	return UIK_NONE;
}

static long
keys_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A timeout returns UIK_NONE (0). An ERR that comes back at once is not a timeout: the
 * terminal is gone (end of input, a hung-up line), and that is -1.
 */
static int
keys_get(WINDOW *win, struct uik_event *ev, int wait_ms)
{
	wint_t	wch;
	long	t0 = keys_now_ms();
	int	rc;

	ev->action = UIK_NONE;
	ev->ch = 0;
	wtimeout(win, wait_ms);
	rc = wget_wch(win, &wch);
	if (rc == ERR)
		return wait_ms > 0 && keys_now_ms() - t0 < wait_ms / 10 ? -1 : 0;
	if (rc == KEY_CODE_YES) {
		ev->action = keys_lookup(1, (int)wch);
		return 0;
	}
	ev->action = keys_lookup(0, (int)wch);
	if (ev->action == UIK_TOGGLE)
		ev->ch = wch;
	else if (ev->action == UIK_NONE && (wch >= 0x20 && wch != 0x7f) &&
	    !(wch >= 0x80 && wch < 0xa0)) {
		ev->action = UIK_CHAR;
		ev->ch = wch;
	}
	return 0;
}

int
keys_read(WINDOW *win, struct uik_event *ev)
{
	return keys_get(win, ev, KEYS_POLL_MS);
}

int
keys_poll(WINDOW *win, struct uik_event *ev)
{
	return keys_get(win, ev, 0);
}

const char *
keys_label(enum uik a)
{
	return a < UIK__MAX ? keys_names[a].label : "";
}

const char *
keys_name(enum uik a)
{
	return a < UIK__MAX ? keys_names[a].name : "?";
}

/* For the unit test and anyone who needs a binding without a terminal. */
enum uik
keys_action(int is_code, int key)
{
	return keys_lookup(is_code, key);
}

/*
 * tui — the engine's run of a program: colours, the terminal and its signals, the page
 * for a terminal too small, the language, loading a folder of screens and the flow
 * between them.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/tui-term.h"
#include "tui/tui-text.h"
#include "tui/tui.h"

/*
 * The one mutable file-scope variable: a signal handler can reach nothing else. It only
 * ever goes from 0 to 1; struct tui points at it (tui->stop) and every loop looks at it.
 */
static volatile sig_atomic_t tui_signalled;

struct tui_term {
	SCREEN			*sp;
	FILE			*tty;		/* /dev/tty, or NULL: stdin/stdout */
	struct sigaction	 old_hup, old_term;
};

/* ---- colours ---- */

static const struct {
	short	fg, bg;
	int	extra;		/* added in colour */
	int	mono;		/* the attribute without colour */
} tui_colors[] = {
	[TC_NORMAL] =		{ COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL },
	[TC_TITLE] =		{ COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD },
	[TC_TEXT] =		{ COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL },
	[TC_LABEL] =		{ COLOR_CYAN, COLOR_BLUE, A_BOLD, A_NORMAL },
	[TC_FIELD] =		{ COLOR_WHITE, COLOR_BLACK, 0, A_UNDERLINE },
	[TC_FIELD_FOCUS] =	{ COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_BUTTON] =		{ COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL },
	[TC_BUTTON_FOCUS] =	{ COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE },
	[TC_ERROR] =		{ COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD },
	[TC_OK] =		{ COLOR_GREEN, COLOR_BLUE, A_BOLD, A_NORMAL },
	[TC_HELP] =		{ COLOR_BLACK, COLOR_WHITE, 0, A_NORMAL },
	[TC_KEYBAR] =		{ COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TC_WARNING] =		{ COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD },
};
_Static_assert(sizeof tui_colors / sizeof tui_colors[0] == TC__MAX, "one row per colour role");

int
tui_attr(const struct tui *tui, enum tui_color c)
{
	if (c >= TC__MAX)
		c = TC_NORMAL;
	if (tui == NULL || !tui->color)
		return tui_colors[c].mono;
	return (int)COLOR_PAIR(c + 1) | tui_colors[c].extra;
}

/* NO_COLOR (no-color.org), terminals known to be monochrome, or no colours at all. */
static int
tui_color_wanted(void)
{
	static const char *const mono_terms[] = { "vt100", "vt102", "vt220", "linux-m",
	    "dumb", NULL };
	const char	*nc = getenv("NO_COLOR"), *term = getenv("TERM");
	size_t		 i;

	if (nc != NULL && *nc != '\0')
		return 0;
	for (i = 0; term != NULL && mono_terms[i] != NULL; i++)
		if (strcmp(term, mono_terms[i]) == 0)
			return 0;
	return has_colors();
}

static void
tui_colors_init(struct tui *tui)
{
	size_t	i;

	tui->color = tui_color_wanted();
	if (tui->color && start_color() == ERR)
		tui->color = 0;
	for (i = 0; tui->color && i < TC__MAX; i++)
		if (init_pair((short)(i + 1), tui_colors[i].fg, tui_colors[i].bg) == ERR)
			tui->color = 0;
}

/* ---- the terminal ---- */

static void
tui_on_signal(int sig)
{
	(void)sig;
	tui_signalled = 1;
}

int
tui_start(struct tui *tui, char **cause)
{
	struct tui_term		*t;
	struct sigaction	 sa;
	FILE			*in = stdin, *out = stdout;

	if ((t = calloc(1, sizeof *t)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	if (tui->stop == NULL)
		tui->stop = &tui_signalled;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	(void)sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the read in keys_read returns and the loop sees the flag. */
	if (sigaction(SIGHUP, &sa, &t->old_hup) == -1 ||
	    sigaction(SIGTERM, &sa, &t->old_term) == -1) {
		cause_set(cause, _("cannot set up how this program handles signals: %s"),
		    OSERROR(errno));
		free(t);
		return -1;
	}
	if ((t->tty = fopen("/dev/tty", "r+")) != NULL)
		in = out = t->tty;
	if ((t->sp = newterm(NULL, out, in)) == NULL) {
		const char	*term = getenv("TERM");

		cause_set(cause, _("cannot start the full-screen interface on this terminal "
		    "(TERM=%s)"), term != NULL ? term : "");
		if (t->tty != NULL)
			(void)fclose(t->tty);
		(void)sigaction(SIGHUP, &t->old_hup, NULL);
		(void)sigaction(SIGTERM, &t->old_term, NULL);
		free(t);
		return -1;
	}
	tui->term = t;
	(void)set_term(t->sp);
	/* Esc must go back at once, not after a second: 50 ms is plenty even over SSH. */
	(void)set_escdelay(50);
	if (raw() == ERR || noecho() == ERR)
		goto fail;
	(void)nonl();
	(void)curs_set(0);
	tui_colors_init(tui);
	tui->rows = LINES;
	tui->cols = COLS;
	return 0;
fail:
	cause_set(cause, "%s", _("cannot set the terminal up"));
	tui_end(tui);
	return -1;
}

void
tui_end(struct tui *tui)
{
	struct tui_term	*t = tui->term;

	if (t == NULL)
		return;
	(void)endwin();
	delscreen(t->sp);
	if (t->tty != NULL)
		(void)fclose(t->tty);
	(void)sigaction(SIGHUP, &t->old_hup, NULL);
	(void)sigaction(SIGTERM, &t->old_term, NULL);
	free(t);
	tui->term = NULL;
}

struct tui_small_line {
	WINDOW	*win;
	int	 y, cols;
};

static void
tui_small_line(void *arg, int n, const char *s, size_t len)
{
	struct tui_small_line	*l = arg;
	int			 w = tui_text_width(s, len);

	(void)tui_text_put(l->win, l->y + n, (l->cols - w) / 2 > 0 ? (l->cols - w) / 2 : 0, s,
	    len, l->cols);
}

static void
tui_small_draw(struct tui *tui, WINDOW *win)
{
	char			 msg[512];
	struct tui_small_line	 l = { win, 0, tui->cols };
	int			 lines;

	(void)snprintf(msg, sizeof msg, _("The terminal is smaller than %dx%d (it is %dx%d).\n"
	    "Make the window larger to go on.\nF10 quits."), TUI_MIN_COLS, TUI_MIN_ROWS,
	    tui->cols, tui->rows);
	lines = tui_text_wrap(msg, tui->cols, NULL, NULL);
	l.y = (tui->rows - lines) / 2 > 0 ? (tui->rows - lines) / 2 : 0;
	(void)werase(win);
	(void)wattrset(win, tui_attr(tui, TC_ERROR));
	(void)tui_text_wrap(msg, tui->cols, tui_small_line, &l);
	(void)wnoutrefresh(win);
	(void)doupdate();
}

int
tui_too_small(struct tui *tui)
{
	WINDOW			*win = NULL;
	struct uik_event	 ev;
	int			 rc = -2;

	tui->rows = LINES;
	tui->cols = COLS;
	while (rc == -2 && (tui->rows < TUI_MIN_ROWS || tui->cols < TUI_MIN_COLS)) {
		if (win == NULL) {
			if ((win = newwin(tui->rows, tui->cols, 0, 0)) == NULL ||
			    keypad(win, TRUE) == ERR)
				return -1;
			(void)curs_set(0);
			tui_small_draw(tui, win);
		}
		if (*tui->stop || keys_read(win, &ev) == -1 || ev.action == UIK_QUIT)
			rc = -1;
		else if (ev.action == UIK_RESIZE || ev.action == UIK_REDRAW) {
			(void)delwin(win);
			win = NULL;
			tui->rows = LINES;
			tui->cols = COLS;
		}
	}
	if (win != NULL)
		(void)delwin(win);
	return rc == -1 ? -1 : 0;
}

int
tui_lang_next(struct tui *tui, char **cause)
{
	static const char *const order[][2] = { { "kk", "ru" }, { "ru", "en" }, { "en", "kk" } };
	const char	*next = "en";
	size_t		 i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strcmp(tui->lang, order[i][0]) == 0)
			next = order[i][1];
	/* i18n_init sets LANGUAGE and textdomain() again, which drops gettext's cache. */
	if (i18n_init(next, cause) == -1)
		return -1;
	(void)snprintf(tui->lang, sizeof tui->lang, "%s", next);
	return 0;
}

/* ---- forms ---- */

const char *
tui_forms_dir(const char *sub)
{
	/*
	 * Written once from the environment and read-only after: the one exception to "no
	 * mutable globals" here besides the signal flag, since the contract returns a string.
	 */
	static char	 dir[4096];
	const char	*d = getenv("NCAENROLL_DATADIR");

	if (d == NULL || *d == '\0')
		d = DATADIR;
	(void)snprintf(dir, sizeof dir, "%s/%s", d, sub);
	return dir;
}

const struct formdef *
tui_form(const struct tui *tui, const char *id)
{
	size_t	i;

	for (i = 0; id != NULL && i < tui->nforms; i++)
		if (strcmp(tui->forms[i].id, id) == 0)
			return &tui->forms[i];
	return NULL;
}

static int
tui_forms_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of *.yaml in dir, sorted (messages and tests see a stable order). */
static char **
tui_forms_list(const char *dir, size_t *n, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 len;

	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		cause_set(cause, "%s: %s", dir, OSERROR(errno));
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0 || de->d_name[0] == '.')
			continue;
		if ((nv = realloc(v, (*n + 2) * sizeof *v)) == NULL ||
		    asprintf(&nv[*n], "%s/%s", dir, de->d_name) == -1) {
			if (nv != NULL)
				v = nv;
			cause_set(cause, "%s", _("out of memory"));
			goto fail;
		}
		v = nv;
		v[++*n] = NULL;
	}
	(void)closedir(d);
	if (v != NULL)
		qsort(v, *n, sizeof *v, tui_forms_name_cmp);
	return v;
fail:
	(void)closedir(d);
	while (*n > 0)
		free(v[--*n]);
	free(v);
	return NULL;
}

/* A goto's target and a `next` must name a loaded screen. */
static int
tui_forms_check(struct tui *tui, char **cause)
{
	size_t	i, j;

	for (i = 0; i < tui->nforms; i++) {
		const struct formdef	*fd = &tui->forms[i];

		if (fd->next != NULL && tui_form(tui, fd->next) == NULL) {
			cause_set(cause, _("%s: 'next' names the screen '%s', which has no file"),
			    fd->path, fd->next);
			return -1;
		}
		for (j = 0; j < fd->nbuttons; j++)
			if (fd->buttons[j].target != NULL &&
			    tui_form(tui, fd->buttons[j].target) == NULL) {
				cause_set(cause, _("%s:%d: the target '%s' has no file"), fd->path,
				    fd->buttons[j].line, fd->buttons[j].target);
				return -1;
			}
	}
	return 0;
}

int
tui_forms_load(struct tui *tui, const char *dir, char **cause)
{
	char	**names;
	size_t	  n = 0, i;
	int	  rc = -1;

	tui->forms = NULL;
	tui->nforms = 0;
	if ((names = tui_forms_list(dir, &n, cause)) == NULL && n == 0 && cause != NULL &&
	    *cause != NULL)
		return -1;
	if (n == 0) {
		cause_set(cause, _("%s: there are no forms (*.yaml) here"), dir);
		goto out;
	}
	if ((tui->forms = calloc(n, sizeof *tui->forms)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (formdef_load(names[i], tui->program != NULL ? tui->program->actions : NULL,
		    &tui->forms[i], cause) == -1)
			goto out;
		tui->nforms = i + 1;
	}
	rc = tui_forms_check(tui, cause);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == -1)
		tui_forms_free(tui);
	return rc;
}

void
tui_forms_free(struct tui *tui)
{
	size_t	i;

	for (i = 0; i < tui->nforms; i++)
		formdef_free(&tui->forms[i]);
	free(tui->forms);
	tui->forms = NULL;
	tui->nforms = 0;
}

/* ---- the flow between screens ---- */

#define TUI_STACK_MAX	32

struct tui_flow {
	const struct formdef	*stack[TUI_STACK_MAX];
	int			 depth;
};

/*
 * Going to a screen already on the way back unwinds to it, so the stack never loops. A
 * screen left for good (`once`: an installing password taken) is not put on the way back.
 */
static const struct formdef *
tui_flow_go(struct tui_flow *f, const struct formdef *from, const struct formdef *to)
{
	int	i;

	for (i = 0; i < f->depth; i++)
		if (f->stack[i] == to) {
			f->depth = i;
			return to;
		}
	if (to == from || from->once)
		return to;
	if (f->depth == TUI_STACK_MAX) {
		memmove(f->stack, f->stack + 1, (TUI_STACK_MAX - 1) * sizeof f->stack[0]);
		f->depth--;
	}
	f->stack[f->depth++] = from;
	return to;
}

/* The one screen whose `next` is this one, or NULL (none, or several). */
static const struct formdef *
tui_flow_before(const struct tui *tui, const struct formdef *fd)
{
	const struct formdef	*found = NULL;
	size_t			 i;

	for (i = 0; i < tui->nforms; i++)
		if (tui->forms[i].next != NULL && strcmp(tui->forms[i].next, fd->id) == 0) {
			if (found != NULL)
				return NULL;
			found = &tui->forms[i];
		}
	return found;
}

/*
 * A jump to `to` as if the form had been walked there from `from` (screen_go_from):
 * the screens between are put on the way back, so Back leads through them.
 */
static const struct formdef *
tui_flow_along(struct tui *tui, struct tui_flow *f, const struct formdef *cur,
    const struct formdef *to, const char *from)
{
	const struct formdef	*way[TUI_STACK_MAX], *x = to;
	int			 n = 0;

	while (n < TUI_STACK_MAX && strcmp(x->id, from) != 0 &&
	    (x = tui_flow_before(tui, x)) != NULL)
		way[n++] = x;
	if (x == NULL || strcmp(x->id, from) != 0)
		n = 0;		/* no such way: Back comes back here */
	while (n > 0)
		cur = tui_flow_go(f, cur, way[--n]);
	return tui_flow_go(f, cur, to);
}

static int
tui_flow(struct tui *tui, char **cause)
{
	struct tui_flow		 flow = { .depth = 0 };
	const struct formdef	*cur = tui_form(tui, "main"), *to, *first = NULL;
	enum screen_exit	 ex;
	const char		*target;

	/* The program may open elsewhere (an unfinished application); Esc there: the menu. */
	if (tui->program != NULL && tui->program->first_screen != NULL)
		first = tui_form(tui, tui->program->first_screen(tui));
	if (first != NULL && first != cur) {
		flow.stack[flow.depth++] = cur;
		cur = first;
	}
	while (cur != NULL) {
		tui->go_from = NULL;
		if (screen_run(tui, cur, &ex, &target, cause) == -1)
			return -1;
		to = NULL;
		if (ex == SCREEN_NEXT)
			to = cur->next != NULL ? tui_form(tui, cur->next) : cur;
		else if (ex == SCREEN_GOTO)	/* no target (a button without one): stay */
			to = target != NULL ? tui_form(tui, target) : cur;
		else if (ex == SCREEN_BACK && flow.depth > 0) {
			cur = flow.stack[--flow.depth];
			continue;
		}
		/* SCREEN_QUIT, and Esc on the first screen, leave. */
		if (to == NULL)
			break;
		cur = ex == SCREEN_GOTO && tui->go_from != NULL ?
		    tui_flow_along(tui, &flow, cur, to, tui->go_from) :
		    tui_flow_go(&flow, cur, to);
	}
	return 0;
}

int
tui_run(const struct tui_program *program, void *ctx, const char *lang, char **cause)
{
	struct tui	 tui = { .program = program, .ctx = ctx };
	const char	*forms = program->forms != NULL ? program->forms : "forms";
	int		 rc = 2;

	(void)snprintf(tui.lang, sizeof tui.lang, "%s",
	    lang != NULL && i18n_known(lang) ? lang : i18n_current());
	if (tui_forms_load(&tui, tui_forms_dir(forms), cause) == -1)
		return 2;
	/* A terminal it cannot draw on is refused before curses writes a byte to it. */
	if (tui_term_check(cause) == -1) {
		tui_forms_free(&tui);
		return 2;
	}
	if (tui_form(&tui, "main") == NULL)
		cause_set(cause, _("%s: there is no main.yaml, the first screen"), tui_forms_dir(forms));
	else if (tui_start(&tui, cause) == -1)
		rc = 1;
	else {
		rc = tui_flow(&tui, cause) == -1 ? 1 : 0;
		tui_end(&tui);
	}
	tui_forms_free(&tui);
	return rc;
}

/*
 * tui — what every screen of a run shares: the terminal and its signals, the page for a
 * terminal too small, the language, and loading a folder of screens. The flow between
 * screens is tui-run.c's, above the screen.
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
#include "tui/tui-look.h"
#include "tui/tui-term.h"
#include "tui/tui-text.h"
#include "tui/tui.h"
#include "tui/widget.h"

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

int
tui_attr(const struct tui *tui, enum tui_color c)
{
	return tui_look_attr(tui != NULL ? &tui->look : NULL, c);
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
	tui_look_colors(&tui->look);
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
	(void)wbkgdset(win, ' ' | (chtype)tui_attr(tui, TC_BARE));
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
		if (strcmp(tui->look.lang, order[i][0]) == 0)
			next = order[i][1];
	/* i18n_init sets LANGUAGE and textdomain() again, which drops gettext's cache. */
	if (i18n_init(next, cause) == -1)
		return -1;
	(void)snprintf(tui->look.lang, sizeof tui->look.lang, "%s", next);
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
		    widget_known, &tui->forms[i], cause) == -1)
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

/*
 * widget-folder — type "folder": a folder picker for the pending keys. It starts in $HOME
 * (else the account's home, else "/"); the current path is on top and the rows under it
 * are, in order:
 *   [Choose this folder]   Enter: the value becomes this folder, WIDGET_ACTIVATED (the
 *                          screen's action asks the core whether keys can be written
 *                          there: a folder is judged in one place, with its reason)
 *   [New folder…]          Enter: asks a name on the top line (Enter creates it 0700 and
 *                          opens it, Esc cancels, Backspace edits)
 *   [Show hidden folders]  Enter: shows or hides folders whose name starts with "."
 *   ..                     Enter: the parent folder
 *   name/ ...              Enter: opens it; one it cannot open stays shown, and the reason
 *                          goes to w->error
 * Space acts as Enter. Up/Down/PgUp/PgDn/Home/End move, a letter jumps. Typing "/" or "~"
 * opens a path line on top ("~" is the home): Enter goes to the folder typed (relative
 * to the one shown when it does not start with "/"), Esc cancels. Value: the chosen
 * absolute path, "" until one is chosen. It reads the file system only to list folders and writes nothing
 * but the empty folder the person asked for. It owns a list widget for the rows.
 */
#include "config.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "common/utf8.h"
#include "tui/tui-look.h"
#include "tui/widget.h"
#include "tui/widget-list.h"

#define WIDGET_FOLDER_ROWS	10	/* list rows when the field sets no height */
#define WIDGET_FOLDER_NAME_MAX	128	/* letters typed for a new folder */
#define WIDGET_FOLDER_PATH_MAX	1024	/* letters typed for a path to go to */

/* The rows before the folders, by their ids in the inner list. */
#define WF_CHOOSE	"!choose"
#define WF_NEW		"!new"
#define WF_HIDDEN	"!hidden"
#define WF_PARENT	".."

struct widget_folder {
	struct formdef_field	 def;		/* the inner list's: no label */
	struct widget		 list;
	char			*cwd;		/* absolute, without symbolic links */
	char			**names;	/* its subfolders, as listed */
	size_t			 nnames;
	int			 hidden;	/* show names starting with "." */
	enum {
		WF_LINE_NONE,
		WF_LINE_NAME,				/* a new folder's name */
		WF_LINE_PATH,				/* a path to go to */
	}			 naming;	/* what the top line asks, if anything */
	wchar_t			 name[WIDGET_FOLDER_PATH_MAX + 1];
	size_t			 nlen;
	char			*chosen;
};

static void
widget_folder_error(struct widget *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
widget_folder_error(struct widget *w, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;

	free(w->error);
	w->error = NULL;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	w->error = msg;
}

static void
widget_folder_names_free(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A file name as text a person can read: malformed bytes and controls become "?". */
static char *
widget_folder_printable(const char *s)
{
	size_t		 len = strlen(s), i = 0, o = 0;
	char		*out;
	uint32_t	 cp;
	int		 used;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		used = utf8_decode(s + i, len - i, &cp);
		if (used <= 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			out[o++] = '?';
			i += used <= 0 ? 1 : (size_t)used;
			continue;
		}
		memcpy(out + o, s + i, (size_t)used);
		o += (size_t)used;
		i += (size_t)used;
	}
	out[o] = '\0';
	return out;
}

static char *
widget_folder_join(const char *dir, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name) == -1)
		return NULL;
	return p;
}

static int
widget_folder_cmp(const void *a, const void *b)
{
	return strcoll(*(char *const *)a, *(char *const *)b);
}

/* Is dir/name a folder (following a symbolic link, as opening it would)? */
static int
widget_folder_isdir(const char *dir, const struct dirent *de)
{
	struct stat	 sb;
	char		*p;
	int		 r;

	if (de->d_type == DT_DIR)
		return 1;
	if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
		return 0;
	if ((p = widget_folder_join(dir, de->d_name)) == NULL)
		return 0;
	r = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(p);
	return r;
}

/* The subfolders of dir, sorted; -1 with errno set if it cannot be read. */
static int
widget_folder_read(const char *dir, int hidden, char ***names, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv, *s;
	size_t		 nv_n = 0, cap = 0;
	int		 saved;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (errno = 0, (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (!hidden && de->d_name[0] == '.') || !widget_folder_isdir(dir, de))
			continue;
		if (nv_n == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL)
				goto fail;
			v = nv;
		}
		if ((s = strdup(de->d_name)) == NULL)
			goto fail;
		v[nv_n++] = s;
	}
	if (errno != 0)
		goto fail;
	(void)closedir(d);
	if (nv_n > 0)
		qsort(v, nv_n, sizeof *v, widget_folder_cmp);
	*names = v;
	*n = nv_n;
	return 0;
fail:
	saved = errno != 0 ? errno : ENOMEM;
	(void)closedir(d);
	widget_folder_names_free(v, nv_n);
	errno = saved;
	return -1;
}

static int
widget_folder_add(json_t *arr, const char *id, const char *name)
{
	json_t	*j;

	if ((j = json_pack("{s:s, s:{s:s}}", "id", id, "name", "en", name)) == NULL)
		return -1;
	return json_array_append_new(arr, j);
}

/* The inner list's rows for the current folder; -1 if out of memory. */
static int
widget_folder_rows_set(struct widget *w)
{
	struct widget_folder	*wf = w->impl;
	json_t			*arr;
	char			 id[32], *shown, *label;
	size_t			 i;
	int			 r = -1;

	if ((arr = json_array()) == NULL)
		return -1;
	if (widget_folder_add(arr, WF_CHOOSE, _("[Choose this folder]")) == -1 ||
	    widget_folder_add(arr, WF_NEW, _("[New folder…]")) == -1 ||
	    widget_folder_add(arr, WF_HIDDEN, wf->hidden ? _("[Hide hidden folders]") :
	    _("[Show hidden folders]")) == -1 ||
	    (strcmp(wf->cwd, "/") != 0 && widget_folder_add(arr, WF_PARENT, "..") == -1))
		goto out;
	for (i = 0; i < wf->nnames; i++) {
		(void)snprintf(id, sizeof id, "#%zu", i);
		if ((shown = widget_folder_printable(wf->names[i])) == NULL)
			goto out;
		label = NULL;
		if (asprintf(&label, "%s/", shown) == -1)
			label = NULL;
		free(shown);
		if (label == NULL || widget_folder_add(arr, id, label) == -1) {
			free(label);
			goto out;
		}
		free(label);
	}
	r = wf->list.ops->set_items(&wf->list, arr, NULL);
out:
	json_decref(arr);
	return r;
}

/* Makes path (absolute) the current folder: 0, or -1 with errno (it stays where it was). */
static int
widget_folder_go(struct widget *w, const char *path)
{
	struct widget_folder	*wf = w->impl;
	char			*real, **names, *old_cwd = wf->cwd, **old = wf->names;
	size_t			 n, old_n = wf->nnames;

	if ((real = realpath(path, NULL)) == NULL)
		return -1;
	if (widget_folder_read(real, wf->hidden, &names, &n) == -1) {
		free(real);
		return -1;
	}
	wf->cwd = real;
	wf->names = names;
	wf->nnames = n;
	if (widget_folder_rows_set(w) == -1) {
		wf->cwd = old_cwd;
		wf->names = old;
		wf->nnames = old_n;
		free(real);
		widget_folder_names_free(names, n);
		(void)widget_folder_rows_set(w);
		errno = ENOMEM;
		return -1;
	}
	free(old_cwd);
	widget_folder_names_free(old, old_n);
	return 0;
}

/*
 * Opens a folder named by the person (a row, a name, a path): CHANGED (the body is laid
 * out again, an earlier reason gone), or REFUSED with the reason in w->error.
 */
static enum widget_result
widget_folder_open(struct widget *w, const char *path, const char *shown)
{
	char	*p;

	if (widget_folder_go(w, path) == -1) {
		int	saved = errno;
		char	buf[OSERROR_BUF];

		if ((p = widget_folder_printable(shown)) != NULL) {
			widget_folder_error(w, _("Cannot open the folder %s: %s"), p,
			    oserror_text(saved, buf));
			free(p);
		}
		return WIDGET_REFUSED;
	}
	widget_folder_error(w, NULL);
	return WIDGET_CHANGED;
}

static enum widget_result
widget_folder_parent(struct widget *w)
{
	struct widget_folder	*wf = w->impl;
	char			*parent, *slash, *base, id[32];
	size_t			 i;
	enum widget_result	 r;

	if ((parent = strdup(wf->cwd)) == NULL ||
	    (slash = strrchr(parent, '/')) == NULL) {
		free(parent);
		return WIDGET_CONSUMED;
	}
	base = strdup(slash + 1);
	slash[slash == parent] = '\0';	/* "/a" -> "/", "/a/b" -> "/a" */
	r = widget_folder_open(w, parent, parent);
	/* Back where it came from: the cursor on the folder just left. */
	for (i = 0; base != NULL && i < wf->nnames; i++)
		if (strcmp(wf->names[i], base) == 0) {
			(void)snprintf(id, sizeof id, "#%zu", i);
			(void)widget_list_point(&wf->list, id);
		}
	free(base);
	free(parent);
	return r;
}

static int
widget_folder_utf8(const wchar_t *s, char *out, size_t outsz)
{
	size_t		 o = 0;
	uint32_t	 c;
	int		 n, k;

	for (; *s != L'\0'; s++) {
		c = (uint32_t)*s;
		n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (o + (size_t)n >= outsz)
			return -1;
		if (n == 1) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = (char)((0xf00u >> n) | (c >> (6 * (n - 1))));
		for (k = n - 2; k >= 0; k--)
			out[o++] = (char)(0x80 | ((c >> (6 * k)) & 0x3f));
	}
	out[o] = '\0';
	return 0;
}

/* Enter on the new folder's name: creates it (0700) and opens it. */
static enum widget_result
widget_folder_create(struct widget *w)
{
	struct widget_folder	*wf = w->impl;
	char			 name[NAME_MAX + 1], *path;

	if (wf->nlen == 0) {
		widget_folder_error(w, _("Type a name for the new folder."));
		return WIDGET_CONSUMED;
	}
	if (widget_folder_utf8(wf->name, name, sizeof name) == -1) {
		widget_folder_error(w, _("The folder name is too long."));
		return WIDGET_CONSUMED;
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		widget_folder_error(w, _("\"%s\" cannot be a folder name."), name);
		return WIDGET_CONSUMED;
	}
	if ((path = widget_folder_join(wf->cwd, name)) == NULL)
		return WIDGET_CONSUMED;
	if (mkdir(path, 0700) == -1) {
		char	buf[OSERROR_BUF];

		widget_folder_error(w, _("Cannot create the folder %s: %s"), name,
		    oserror_text(errno, buf));
		free(path);
		return WIDGET_CONSUMED;
	}
	wf->naming = WF_LINE_NONE;
	wf->nlen = 0;
	wf->name[0] = L'\0';
	(void)widget_folder_open(w, path, name);
	free(path);
	return WIDGET_CHANGED;
}

/* Enter on a typed path: goes there ("~" is the home; relative to the folder shown). */
static enum widget_result
widget_folder_path(struct widget *w)
{
	struct widget_folder	*wf = w->impl;
	const char		*home = getenv("HOME");
	char			 typed[4 * WIDGET_FOLDER_PATH_MAX + 1], *path;
	enum widget_result	 r;

	if (widget_folder_utf8(wf->name, typed, sizeof typed) == -1)
		return widget_full(w, WIDGET_FOLDER_PATH_MAX);
	if (typed[0] == '~' && (typed[1] == '\0' || typed[1] == '/')) {
		if (asprintf(&path, "%s%s", home != NULL && *home == '/' ? home : "/",
		    typed + 1) == -1)
			path = NULL;
	} else if (typed[0] == '/')
		path = strdup(typed);
	else
		path = widget_folder_join(wf->cwd, typed);
	if (path == NULL)
		return WIDGET_CONSUMED;
	r = widget_folder_open(w, path, typed);
	free(path);
	if (r == WIDGET_REFUSED)
		return r;		/* the line stays, to be put right */
	wf->naming = WF_LINE_NONE;
	wf->nlen = 0;
	wf->name[0] = L'\0';
	(void)widget_list_point(&wf->list, WF_CHOOSE);
	return WIDGET_CHANGED;
}

static enum widget_result
widget_folder_naming_key(struct widget *w, const struct uik_event *ev)
{
	struct widget_folder	*wf = w->impl;

	size_t			 max = wf->naming == WF_LINE_PATH ? WIDGET_FOLDER_PATH_MAX :
				    WIDGET_FOLDER_NAME_MAX;

	switch (ev->action) {
	case UIK_CHAR:
	case UIK_TOGGLE:
		if (ev->ch == WEOF || !iswprint(ev->ch))
			return WIDGET_CONSUMED;
		if (wf->nlen == max)
			return widget_full(w, (int)max);
		if (ev->ch == L'/' && wf->naming == WF_LINE_NAME)
			return widget_refuse(w, "%s", _("a folder name has no \"/\""));
		wf->name[wf->nlen++] = (wchar_t)ev->ch;
		wf->name[wf->nlen] = L'\0';
		return WIDGET_CHANGED;		/* and a refusal shown before goes */
	case UIK_BACKSPACE:
		if (wf->nlen > 0)
			wf->name[--wf->nlen] = L'\0';
		return WIDGET_CONSUMED;
	case UIK_ACTIVATE:
		return wf->naming == WF_LINE_PATH ? widget_folder_path(w) :
		    widget_folder_create(w);
	case UIK_BACK:
		wf->naming = WF_LINE_NONE;
		wf->nlen = 0;
		wf->name[0] = L'\0';
		widget_folder_error(w, NULL);
		return WIDGET_CONSUMED;
	case UIK_NEXT:
	case UIK_PREV:
	case UIK_HELP:
	case UIK_LANG:
	case UIK_QUIT:
	case UIK_REDRAW:
	case UIK_RESIZE:
		return WIDGET_IGNORED;
	default:
		return WIDGET_CONSUMED;
	}
}

static enum widget_result
widget_folder_activate(struct widget *w)
{
	struct widget_folder	*wf = w->impl;
	const char		*id = widget_list_current(&wf->list);
	char			*path, *chosen;
	size_t			 i;
	enum widget_result	 r = WIDGET_CONSUMED;

	if (id == NULL)
		return WIDGET_CONSUMED;
	if (strcmp(id, WF_CHOOSE) == 0) {
		if ((chosen = strdup(wf->cwd)) == NULL)
			return WIDGET_CONSUMED;
		free(wf->chosen);
		wf->chosen = chosen;
		widget_folder_error(w, NULL);
		return WIDGET_ACTIVATED;
	}
	if (strcmp(id, WF_NEW) == 0) {
		wf->naming = WF_LINE_NAME;
		return WIDGET_CONSUMED;
	}
	if (strcmp(id, WF_HIDDEN) == 0) {
		wf->hidden = !wf->hidden;
		if ((path = strdup(wf->cwd)) != NULL) {
			r = widget_folder_open(w, path, path);
			free(path);
		}
		(void)widget_list_point(&wf->list, WF_HIDDEN);
		return r;
	}
	if (strcmp(id, WF_PARENT) == 0)
		return widget_folder_parent(w);
	i = strtoul(id + 1, NULL, 10);
	if (i >= wf->nnames || (path = widget_folder_join(wf->cwd, wf->names[i])) == NULL)
		return WIDGET_CONSUMED;
	r = widget_folder_open(w, path, wf->names[i]);
	free(path);
	return r;
}

static enum widget_result
widget_folder_key(struct widget *w, const struct uik_event *ev)
{
	struct widget_folder	*wf = w->impl;

	if (wf->naming != WF_LINE_NONE)
		return widget_folder_naming_key(w, ev);
	if (ev->action == UIK_ACTIVATE || ev->action == UIK_TOGGLE)
		return widget_folder_activate(w);
	/* A path typed: "/..." or "~...", on a line of its own (a letter jumps in the list). */
	if (ev->action == UIK_CHAR && (ev->ch == L'/' || ev->ch == L'~')) {
		wf->naming = WF_LINE_PATH;
		wf->name[0] = (wchar_t)ev->ch;
		wf->name[1] = L'\0';
		wf->nlen = 1;
		return WIDGET_CHANGED;
	}
	return wf->list.ops->key(&wf->list, ev);
}

static int
widget_folder_list_rows(const struct widget *w)
{
	return w->def != NULL && w->def->height > 0 ? w->def->height : WIDGET_FOLDER_ROWS;
}

static int
widget_folder_rows(struct widget *w, int width)
{
	int	label = widget_label_rows(w), own = 1 + widget_folder_list_rows(w);

	(void)width;
	return label > own ? label : own;
}

/* Where it starts: $HOME, else the account's home, else "/". */
static int
widget_folder_start(struct widget *w)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && *home == '/' && widget_folder_go(w, home) == 0)
		return 0;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    widget_folder_go(w, pw->pw_dir) == 0)
		return 0;
	return widget_folder_go(w, "/");
}

static void
widget_folder_destroy(struct widget *w)
{
	struct widget_folder	*wf = w->impl;

	if (wf == NULL)
		return;
	wf->list.ops->destroy(&wf->list);
	widget_folder_names_free(wf->names, wf->nnames);
	free(wf->cwd);
	free(wf->chosen);
	free(wf);
	w->impl = NULL;
}

static int
widget_folder_create_ops(struct widget *w, char **cause)
{
	struct widget_folder	*wf;

	if ((wf = calloc(1, sizeof *wf)) == NULL || (wf->chosen = strdup("")) == NULL) {
		free(wf);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	wf->def.height = widget_folder_list_rows(w);
	wf->list.ops = &widget_list_ops;
	wf->list.def = &wf->def;
	wf->list.look = w->look;
	w->impl = wf;
	if (wf->list.ops->create(&wf->list, cause) == -1) {
		free(wf->chosen);
		free(wf);
		w->impl = NULL;
		return -1;
	}
	if (widget_folder_start(w) == -1) {
		char	buf[OSERROR_BUF];

		cause_set(cause, _("cannot list any folder: %s"), oserror_text(errno, buf));
		widget_folder_destroy(w);
		return -1;
	}
	return 0;
}

static void
widget_folder_draw(struct widget *w, WINDOW *win, int focused)
{
	struct widget_folder	*wf = w->impl;
	wchar_t			*path;
	const wchar_t		*tail = wf->name;
	const char		*prompt = wf->naming == WF_LINE_PATH ? _("Go to the folder: ") :
				    _("New folder name: ");
	int			 x, cols, pw = 0, attr = tui_look_attr(w->look, TC_TEXT);

	widget_draw_label(w, win, focused);
	cols = widget_list_area(w, &x);
	if (wf->naming != WF_LINE_NONE) {
		pw = (int)utf8_count(prompt);
		pw = pw < 0 || pw > cols / 2 ? cols / 2 : pw;
		widget_list_put_utf8(win, w->y, x, pw, prompt, tui_look_attr(w->look, TC_LABEL));
		/* A long path keeps its end in view, where the typing is. */
		while (widget_list_width(tail) > cols - pw - 1 && tail[1] != L'\0')
			tail++;
		widget_list_put(win, w->y, x + pw, cols - pw, tail,
		    tui_look_attr(w->look, TC_FIELD_FOCUS));
	} else if ((path = widget_list_wcs(wf->cwd)) != NULL) {
		/* A deep path keeps its end, where the person is: "…/keys/2026". */
		tail = path;
		while (widget_list_width(tail) > cols - 1 && tail[1] != L'\0')
			tail++;
		if (tail != path) {
			widget_list_put(win, w->y, x, 1, L"\u2026", attr);
			widget_list_put(win, w->y, x + 1, cols - 1, tail, attr);
		} else
			widget_list_put(win, w->y, x, cols, path, attr);
		free(path);
	}
	wf->list.y = w->y + 1;
	wf->list.x = x;
	wf->list.h = w->h - 1;
	wf->list.w = cols;
	wf->list.ops->draw(&wf->list, win, focused && wf->naming == WF_LINE_NONE);
	w->cury = wf->list.cury;
	w->curx = wf->list.curx;
	if (focused && wf->naming != WF_LINE_NONE) {
		w->cury = w->y;
		w->curx = x + pw + widget_list_width(tail);
	}
}

static const char *
widget_folder_value(struct widget *w)
{
	struct widget_folder	*wf = w->impl;

	return wf->chosen;
}

/* A restored folder: opens it and chooses it; "" forgets the choice. */
static int
widget_folder_set_value(struct widget *w, const char *v, char **cause)
{
	struct widget_folder	*wf = w->impl;
	char			*chosen;

	if (v == NULL || *v == '\0') {
		wf->chosen[0] = '\0';
		return 0;
	}
	if (*v != '/' || widget_folder_go(w, v) == -1) {
		char	buf[OSERROR_BUF];

		cause_set(cause, _("Cannot open the folder %s: %s"), v,
		    *v != '/' ? _("not an absolute path") : oserror_text(errno, buf));
		return -1;
	}
	if ((chosen = strdup(wf->cwd)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	free(wf->chosen);
	wf->chosen = chosen;
	return 0;
}

const struct widget_ops widget_folder_ops = {
	.type = "folder",
	.focusable = 1,
	.rows = widget_folder_rows,
	.create = widget_folder_create_ops,
	.draw = widget_folder_draw,
	.key = widget_folder_key,
	.value = widget_folder_value,
	.set_value = widget_folder_set_value,
	.set_items = NULL,
	.destroy = widget_folder_destroy,
};

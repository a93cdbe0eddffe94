/*
 * formdef — a screen as data: forms/NAME.yaml parsed into struct formdef (title, text,
 * warning, fields with their widget type, labels and help in kk/ru/en, validator, buttons with the
 * core action each fires, the next screen, whether Back may return to it). Adding a field is editing YAML, not C. A bad
 * file is refused with file:line and what is wrong: unknown keys, widget types, validators
 * and actions are caught at load, against the table of tui-validate.c and what the caller
 * hands in: the widget types it can show (widget_known, widget.h) and the program's
 * actions (tui-action.h). formdef knows no widget: widgets are made from its fields. formdef_free releases everything; 0 or -1 with a cause.
 */
#ifndef NCA_FORMDEF_H
#define NCA_FORMDEF_H

#include <stddef.h>
#include <stdio.h>

#include "tui/tui-action.h"

/* A text in the three languages; en is required, kk and ru fall back to it. */
struct formdef_text {
	char	*kk, *ru, *en;
};

struct formdef_field {
	char			*name;		/* the value's key: "bin", "email"... */
	char			*type;		/* a widget type: entry, digits, email, password... */
	struct formdef_text	 label, help;
	char			*validator;	/* tui-validate.c name, or NULL */
	char			*source;	/* list data: roles, regions, cities, gu-codes... */
	int			 required;
	int			 max;		/* characters (entry types), 0 = widget default */
	int			 height;	/* rows for text/list widgets, 0 = default */
	int			 line;		/* where it is in the file, for messages */
};

struct formdef_button {
	struct formdef_text	 label;
	char			*action;	/* an action's row: check_bin, apply, back, quit... */
	char			*target;	/* for action "goto": the screen id */
	int			 line;
};

struct formdef {
	char			*id;		/* the file's stem: "bin" */
	char			*path;
	struct formdef_text	 title;
	struct formdef_text	 text;		/* a paragraph above the fields, optional */
	struct formdef_text	 warning;	/* a caution under it, set apart, optional */
	struct formdef_field	*fields;
	size_t			 nfields;
	struct formdef_button	*buttons;
	size_t			 nbuttons;
	char			*next;		/* the screen after a successful action, or NULL */
	int			 once;		/* left for good once an action goes on from it:
						 * Back from later screens passes over it */
};

/*
 * actions: the program's rows (tui_action_find); NULL, only the engine's own moves.
 * type_known: 1 for a field type the caller can show (widget_known), else 0.
 */
int		 formdef_load(const char *path, const struct tui_action *actions,
		    int (*type_known)(const char *), struct formdef *, char **cause);
void		 formdef_free(struct formdef *);
/*
 * Writes the definition back as YAML, keys in the order above, every text double-quoted:
 * loading what it wrote gives the same definition (the unit test's round trip).
 */
int		 formdef_dump(const struct formdef *, FILE *, char **cause);
/* The text in lang ("kk", "ru", "en"), falling back to English. */
const char	*formdef_text_get(const struct formdef_text *, const char *lang);

#endif

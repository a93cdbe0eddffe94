/*
 * widget-new — making a widget of its field's type, looked up in the table
 * (widget-table.c), and freeing it: above every widget kind, so the kinds need only the
 * helpers of widget.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/widget.h"

const struct widget_ops *
widget_find(const char *type)
{
	size_t	i;

	for (i = 0; widget_table[i] != NULL; i++)
		if (strcmp(widget_table[i]->type, type) == 0)
			return widget_table[i];
	return NULL;
}

int
widget_known(const char *type)
{
	return widget_find(type) != NULL;
}

struct widget *
widget_new(const struct tui_look *look, const struct formdef_field *def, char **cause)
{
	const struct widget_ops	*ops = widget_find(def->type);
	struct widget		*w;

	if (ops == NULL) {
		cause_set(cause, _("unknown field type '%s'"), def->type);
		return NULL;
	}
	if ((w = calloc(1, sizeof *w)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return NULL;
	}
	w->ops = ops;
	w->def = def;
	w->look = look;
	w->cury = w->curx = -1;
	if (ops->create != NULL && ops->create(w, cause) == -1) {
		free(w);
		return NULL;
	}
	return w;
}

void
widget_free(struct widget *w)
{
	if (w == NULL)
		return;
	if (w->ops->destroy != NULL)
		w->ops->destroy(w);
	free(w->error);
	free(w);
}

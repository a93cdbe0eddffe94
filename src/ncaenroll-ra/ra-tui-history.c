/*
 * ra-tui-history — who did what to an application and when (forms/ra/history.yaml): each
 * event of the service's history, oldest first, as "when — who" and under it what it did
 * (the status it moved to, in the reader's words) with the service's detail; a blank line
 * between events, since a detail (certificate serials) may take several lines.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/appstatus.h"
#include "common/i18n.h"
#include "common/reason.h"
#include "ncaenroll-ra/ra-tui.h"

/* A status the history names ("issued") in the reader's words; other words as they are. */
static const char *
history_action(const json_t *ev)
{
	enum app_status	st;

	return appstatus_parse(ra_str(ev, "action"), &st) == 0 ? _(appstatus_label(st)) :
	    ra_str(ev, "action");
}

/* Appends one event to *text (grown); -1 when memory runs out. */
static int
history_add(char **text, const json_t *ev, const json_t *app)
{
	char		*detail = ra_event_detail(ev, app);
	char		 when[RA_WHEN_MAX], who[256], *grown = NULL;
	int		 rc = -1;

	/* What the event says in the reader's language, not the service's codes. */
	if (asprintf(&grown, "%s%s%s — %s\n%s%s%s", *text != NULL ? *text : "",
	    *text != NULL ? "\n\n" : "", ra_when(ra_str(ev, "at"), when),
	    ra_actor(ra_str(ev, "actor"), app, who, sizeof who),
	    history_action(ev), detail != NULL ? ": " : "", detail != NULL ? detail : "") !=
	    -1) {
		free(*text);
		*text = grown;
		rc = 0;
	}
	free(detail);
	return rc;
}

int
ra_tui_history_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	const json_t	*ev;
	char		 who[1024], *text = NULL;
	size_t		 i;
	int		 rc = 0;

	/* Read again: the history is what changes while the console looks at it. */
	if (ra_tui_app_load(s) == -1)
		return -1;
	ra_tui_who(rt->app, who, sizeof who);
	(void)screen_set_value(s, "who", who);
	json_array_foreach(json_object_get(rt->app, "history"), i, ev)
		if (history_add(&text, ev, rt->app) == -1) {
			rc = -1;
			break;
		}
	(void)screen_set_value(s, "history", text != NULL ? text : _("(nothing yet)"));
	free(text);
	return rc;
}

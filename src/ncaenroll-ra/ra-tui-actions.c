/*
 * ra-tui-actions — the desk's side of actions.h: every action a button of forms/ra/ may
 * name, one row each (formdef refuses a name not here), and what each screen shows as it
 * opens. The rows point into the screens' own files; this file holds only the tables and
 * the three moves every program has (goto, back, quit).
 */
#include "config.h"

#include <string.h>

#include "ncaenroll-ra/ra-tui.h"
#include "tui/tui.h"

static enum action_result
ra_tui_actions_goto(struct screen *s)
{
	(void)s;
	return ACTION_GOTO;
}

static enum action_result
ra_tui_actions_back(struct screen *s)
{
	(void)s;
	return ACTION_BACK;
}

static enum action_result
ra_tui_actions_quit(struct screen *s)
{
	(void)s;
	return ACTION_QUIT;
}

static const struct action ra_tui_actions[] = {
	{ "goto",		ra_tui_actions_goto },
	{ "back",		ra_tui_actions_back },
	{ "quit",		ra_tui_actions_quit },
	{ "open",		ra_tui_open },
	{ "refresh",		ra_tui_refresh },
	{ "find",		ra_tui_find },
	{ "find_clear",		ra_tui_find_clear },
	{ "filter",		ra_tui_filter },
	{ "filter_clear",	ra_tui_filter_clear },
	{ "approve_open",	ra_tui_approve_open },
	{ "reject_open",	ra_tui_reject_open },
	{ "approve",		ra_tui_approve },
	{ "reject",		ra_tui_reject },
};

static const struct ra_tui_actions_enter {
	const char	*screen;
	int		(*enter)(struct screen *);
} ra_tui_actions_enters[] = {
	{ "main",	ra_tui_queue_enter },
	{ "filter",	ra_tui_filter_enter },
	{ "app",	ra_tui_app_enter },
	{ "form",	ra_tui_form_enter },
	{ "history",	ra_tui_history_enter },
	{ "approve",	ra_tui_approve_enter },
	{ "reject",	ra_tui_reject_enter },
};

const struct action *
action_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof ra_tui_actions / sizeof ra_tui_actions[0]; i++)
		if (strcmp(ra_tui_actions[i].name, name) == 0)
			return &ra_tui_actions[i];
	return NULL;
}

int
actions_enter(struct screen *s, const char *screen_id)
{
	size_t	i;

	for (i = 0; i < sizeof ra_tui_actions_enters / sizeof ra_tui_actions_enters[0]; i++)
		if (strcmp(ra_tui_actions_enters[i].screen, screen_id) == 0)
			return ra_tui_actions_enters[i].enter(s);
	return 0;
}

/* The desk always opens on its queue: nothing is kept between sessions. */
const char *
actions_first_screen(struct tui *tui)
{
	(void)tui;
	return "main";
}

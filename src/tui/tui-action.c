/*
 * tui-action — the moves every program has (goto, back, quit), as rows of the engine's
 * own table, and finding a button's action among them and a program's rows.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "tui/tui-action.h"

static enum action_result
tui_action_goto(struct screen *s)
{
	(void)s;
	return ACTION_GOTO;
}

static enum action_result
tui_action_back(struct screen *s)
{
	(void)s;
	return ACTION_BACK;
}

static enum action_result
tui_action_quit(struct screen *s)
{
	(void)s;
	return ACTION_QUIT;
}

static const struct tui_action tui_action_own[] = {
	{ "goto",	tui_action_goto,	TUI_ACTION_LEAVES },
	{ "back",	tui_action_back,	TUI_ACTION_LEAVES },
	{ "quit",	tui_action_quit,	TUI_ACTION_LEAVES },
	{ NULL,		NULL,			0 },
};

static const struct tui_action *
tui_action_in(const struct tui_action *rows, const char *name)
{
	for (; rows != NULL && rows->name != NULL; rows++)
		if (strcmp(rows->name, name) == 0 || strcmp(rows->name, "*") == 0)
			return rows;
	return NULL;
}

const struct tui_action *
tui_action_find(const struct tui_action *actions, const char *name)
{
	const struct tui_action	*a;

	if ((a = tui_action_in(tui_action_own, name)) != NULL)
		return a;
	return tui_action_in(actions, name);
}

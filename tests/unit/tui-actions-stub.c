/*
 * A stand-in for src/tui/actions.c in the engine's own tests (test-formdef, tui-form):
 * a few actions that touch nothing but the screen, so the form engine can be tried
 * without the service. Never linked into a program that ships.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/actions.h"

static enum action_result
stub_ok(struct screen *s)
{
	(void)s;
	return ACTION_NEXT;
}

static enum action_result
stub_back(struct screen *s)
{
	(void)s;
	return ACTION_BACK;
}

static enum action_result
stub_quit(struct screen *s)
{
	(void)s;
	return ACTION_QUIT;
}

static enum action_result
stub_goto(struct screen *s)
{
	(void)s;
	return ACTION_GOTO;
}

/* Refuses the first field as the service would: the error lands under it. */
static enum action_result
stub_refuse(struct screen *s)
{
	screen_set_error(s, "first", "The service refused this value.");
	return ACTION_STAY;
}

static enum action_result
stub_message(struct screen *s)
{
	screen_message(s, "Message", "This is a message box. Press Enter to close it.");
	return ACTION_STAY;
}

static enum action_result
stub_confirm(struct screen *s)
{
	return screen_confirm(s, "Confirm", "Leave this form?") ? ACTION_NEXT : ACTION_STAY;
}

static enum action_result
stub_progress(struct screen *s)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	int		i;

	for (i = 0; i < 30 && !screen_cancelled(s); i++) {
		screen_progress(s, "Working...");
		(void)nanosleep(&ts, NULL);
	}
	screen_progress(s, "");
	if (i < 30)
		screen_message(s, "Progress", "Stopped.");
	return ACTION_STAY;
}

static const struct action stub_actions[] = {
	{ "ok", stub_ok },
	{ "next", stub_ok },
	{ "back", stub_back },
	{ "cancel", stub_back },
	{ "quit", stub_quit },
	{ "goto", stub_goto },
	{ "refuse", stub_refuse },
	{ "message", stub_message },
	{ "confirm", stub_confirm },
	{ "progress", stub_progress },
};

static enum action_result
stub_stay(struct screen *s)
{
	(void)s;
	return ACTION_STAY;
}

static const struct action stub_any = { "any", stub_stay };

/*
 * TUI_FORM_ANY_ACTION=1 takes any action name (as a button that does nothing), so the
 * real forms/ can be looked at with tui-form without the service.
 */
const struct action *
action_find(const char *name)
{
	const char	*any = getenv("TUI_FORM_ANY_ACTION");
	size_t		 i;

	for (i = 0; i < sizeof stub_actions / sizeof stub_actions[0]; i++)
		if (strcmp(stub_actions[i].name, name) == 0)
			return &stub_actions[i];
	return any != NULL && strcmp(any, "1") == 0 ? &stub_any : NULL;
}

const char *
actions_first_screen(struct tui *tui)
{
	(void)tui;
	return "main";
}

int
actions_enter(struct screen *s, const char *screen_id)
{
	(void)s;
	(void)screen_id;
	return 0;
}

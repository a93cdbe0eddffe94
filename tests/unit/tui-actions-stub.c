/*
 * The engine's own tests' program (test-formdef, tui-form): a few actions that touch
 * nothing but the screen, so the form engine can be tried without the service. Never
 * linked into a program that ships.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui-actions-stub.h"

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

static enum action_result
stub_stay(struct screen *s)
{
	(void)s;
	return ACTION_STAY;
}

/* goto, back and quit are the engine's own; "cancel" leaves as back does. */
#define STUB_ACTIONS \
	{ "ok", stub_ok, 0 }, \
	{ "next", stub_ok, 0 }, \
	{ "cancel", stub_back, TUI_ACTION_LEAVES }, \
	{ "refuse", stub_refuse, 0 }, \
	{ "message", stub_message, 0 }, \
	{ "confirm", stub_confirm, 0 }, \
	{ "progress", stub_progress, 0 }

static const struct tui_action stub_actions[] = {
	STUB_ACTIONS,
	{ NULL, NULL, 0 },
};

/* The same, any other name a button that does nothing. */
static const struct tui_action stub_actions_any[] = {
	STUB_ACTIONS,
	{ "*", stub_stay, 0 },
	{ NULL, NULL, 0 },
};

static const struct tui_program stub_program = {
	.forms = "forms", .actions = stub_actions,
};

static const struct tui_program stub_program_any = {
	.forms = "forms", .actions = stub_actions_any,
};

const struct tui_program *
tui_stub_program(void)
{
	const char	*any = getenv("TUI_FORM_ANY_ACTION");

	return any != NULL && strcmp(any, "1") == 0 ? &stub_program_any : &stub_program;
}

/*
 * ra-tui-actions — the desk console as the form engine runs it (struct tui_program):
 * every action a button of forms/ra/ may name beside the engine's goto, back and quit,
 * one row each (formdef refuses a name not here), and what each screen shows as it
 * opens. The rows point into the screens' own files; this file holds only the tables.
 */
#include "config.h"

#include <stddef.h>

#include "ncaenroll-ra/ra-tui.h"
#include "tui/tui.h"

static const struct tui_action ra_tui_actions[] = {
	{ "open",		ra_tui_open,		0 },
	{ "refresh",		ra_tui_refresh,		TUI_ACTION_F5 },
	{ "find",		ra_tui_find,		0 },
	{ "find_clear",		ra_tui_find_clear,	0 },
	{ "filter",		ra_tui_filter,		0 },
	{ "filter_clear",	ra_tui_filter_clear,	0 },
	{ "approve_open",	ra_tui_approve_open,	0 },
	{ "reject_open",	ra_tui_reject_open,	0 },
	{ "approve",		ra_tui_approve,		0 },
	{ "reject",		ra_tui_reject,		0 },
	{ "certs_find",		ra_tui_certs_find,	0 },
	{ "certs_open",		ra_tui_certs_open,	0 },
	{ "revoke_open",	ra_tui_revoke_open,	0 },
	{ "revoke",		ra_tui_revoke,		0 },
	{ NULL,			NULL,			0 },
};

static const struct tui_enter ra_tui_actions_enters[] = {
	{ "main",	ra_tui_queue_enter },
	{ "filter",	ra_tui_filter_enter },
	{ "app",	ra_tui_app_enter },
	{ "form",	ra_tui_form_enter },
	{ "history",	ra_tui_history_enter },
	{ "approve",	ra_tui_approve_enter },
	{ "reject",	ra_tui_reject_enter },
	{ "certs",	ra_tui_certs_enter },
	{ "revoke",	ra_tui_revoke_enter },
	{ NULL,		NULL },
};

/* The desk always opens on its queue (no first_screen): nothing is kept between sessions. */
const struct tui_program ra_tui_actions_program = {
	.forms = "forms/ra",
	.actions = ra_tui_actions,
	.enters = ra_tui_actions_enters,
};

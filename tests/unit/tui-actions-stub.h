/*
 * tui-actions-stub — the program the engine's own tests run (tui-actions-stub.c): ok,
 * next, cancel, refuse, message, confirm and progress, touching nothing but the screen.
 * TUI_FORM_ANY_ACTION=1 in the environment takes any other action name as a button that
 * does nothing, so the real forms/ can be looked at with tests/tools/tui-form.
 */
#ifndef NCA_TUI_ACTIONS_STUB_H
#define NCA_TUI_ACTIONS_STUB_H

#include "tui/screen.h"
#include "tui/tui.h"

const struct tui_program	*tui_stub_program(void);

#endif

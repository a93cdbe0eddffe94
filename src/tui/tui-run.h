/*
 * tui-run — the engine's entry point, the top of its layers (tui-look, the widgets, the
 * screen, struct tui, then this): it loads a program's screens, starts the terminal and
 * runs the screens one after another, keeping the way back for Esc and Back. A program's
 * main calls tui_run and nothing below it needs to know the flow exists.
 */
#ifndef NCA_TUI_RUN_H
#define NCA_TUI_RUN_H

struct tui_program;

/*
 * Runs a program on its screens (the folder program->forms names under the data folder),
 * from main.yaml or where its first_screen says; ctx is what its actions get as
 * tui->ctx. An exit status: 0, 1 (a failure, in *cause), 2 (a bad forms file, or a
 * terminal it cannot draw on: tui-term.h).
 */
int	tui_run(const struct tui_program *, void *ctx, const char *lang, char **cause);

#endif

/*
 * cmd-ra-console — ncaenroll-ra with no command: the desk's full-screen console
 * (ra-tui.h). ncaenroll-ra.c calls it; it returns an exit status (enum cmd_exit) and
 * reports every failure itself, on stderr, as the commands do. The operator signs in
 * before curses starts, so a refusal never leaves a half-drawn screen.
 */
#ifndef NCA_CMD_RA_CONSOLE_H
#define NCA_CMD_RA_CONSOLE_H

#include "ncaenroll-ra/cmd-ra.h"

int	cmd_ra_console(struct ra_ctx *);

#endif

/*
 * cmd-ncaenroll — ncaenroll's commands for scripts, one cmd-NAME.c each on the shared
 * command line (cli/cmd.h); ncaenroll.c lists them in its table.
 */
#ifndef NCA_CMD_NCAENROLL_H
#define NCA_CMD_NCAENROLL_H

#include "cli/cmd.h"

extern const struct cmd_entry cmd_abandon_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_certs_entry;
extern const struct cmd_entry cmd_form_entry;
extern const struct cmd_entry cmd_install_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_passwd_entry;
extern const struct cmd_entry cmd_renew_entry;
extern const struct cmd_entry cmd_revoke_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_validate_entry;

/*
 * Said on stderr as ncaenroll opens its state (but under --json): one line for each
 * installed application whose certificates expire within ENROLL_EXPIRY_WARN_DAYS days.
 */
void	certs_expiry_warn(struct enroll *);

#endif

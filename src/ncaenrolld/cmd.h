/*
 * cmd — ncaenrolld's administrative subcommands, run instead of the service on the same
 * configuration (`ncaenrolld [-c FILE | --demo -s DIR] operator add ...`): one file each
 * (cmd-operator.c, cmd-audit.c, cmd-mail.c, cmd-backup.c), one row each in ncaenrolld.c's table. A command gets the
 * configuration main loaded (the demo's files made) and its own arguments, argv[0] being
 * its name; it returns the exit status and says why on stderr. Secrets (an operator's
 * PKCS#12 password) come from a terminal without echo or from --password-fd, never argv.
 */
#ifndef NCA_NCAENROLLD_CMD_H
#define NCA_NCAENROLLD_CMD_H

#include "ncaenrolld/srv.h"

#define CMD_EXIT_OK	0
#define CMD_EXIT_FAIL	1	/* the command failed; audit verify: the chain is broken */
#define CMD_EXIT_USAGE	2
#define CMD_EXIT_ERROR	3	/* audit verify: the log could not be read */

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* the lines after "ncaenrolld [OPTION]... " */
	int		(*exec)(struct srv_config *, int argc, char **argv);
};

extern const struct cmd_entry cmd_operator_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_mail_entry;
extern const struct cmd_entry cmd_backup_entry;

/* The demo's documented desk password: demo data only, never a real service's. */
#define CMD_OPERATOR_DEMO_PASSWORD "demo-operator-2026"

/* Demo: issues STATE/operators/demo-operator.p12 unless it exists; 0 or -1 + cause. */
int	cmd_operator_demo(struct srv_config *, struct store *, char **cause);

#endif

/*
 * cmd-ra — what ncaenroll-ra's commands share: the program's context (settings files,
 * then options), the connection made on first use (asking for the container's password
 * once), and one way to report a failure (text on stderr, or JSON on stdout). Each command
 * lives in cmd-ra-NAME.c and exports one `const struct cmd_entry` (cmd.h); ncaenroll-ra.c
 * keeps the table. exec() is given the struct cmd_ctx inside struct ra_ctx (ra_ctx_of).
 */
#ifndef NCA_CMD_RA_H
#define NCA_CMD_RA_H

#include <stddef.h>

#include "cli/cmd.h"
#include "desk/ra.h"

#define RA_DEMO_OPERATOR	"demo-operator"
#define RA_DEMO_PASSWORD	"demo-operator-2026"	/* documented: demo only */

/* Settings: RA_SETTINGS_FILE, then $XDG_CONFIG_HOME/ncaenroll/ra.yaml. */
#define RA_SETTINGS_FILE	PKGSYSCONFDIR "/ncaenroll-ra.yaml"	/* --sysconfdir */
struct ra_settings {
	char	*service;
	char	*ca_file;
	char	*operator_p12;	/* key "operator" */
	char	*lang;
};

struct ra_ctx {
	struct cmd_ctx		 cmd;		/* progname, json, demo, the demo service */
	struct ra_settings	 set;
	int			 password_fd;	/* -1: ask on the terminal */
	int			 operator_given;	/* --operator (wins over --demo's) */
	struct ra		*ra;		/* opened by cmd_ra_connect */
};

/* The desk's context around the struct cmd_ctx its commands are given. */
static inline struct ra_ctx *
ra_ctx_of(struct cmd_ctx *c)
{
	return (struct ra_ctx *)(void *)((char *)c - offsetof(struct ra_ctx, cmd));
}

extern const struct cmd_entry cmd_ra_queue_entry;
extern const struct cmd_entry cmd_ra_show_entry;
extern const struct cmd_entry cmd_ra_approve_entry;
extern const struct cmd_entry cmd_ra_reject_entry;
extern const struct cmd_entry cmd_ra_history_entry;
extern const struct cmd_entry cmd_ra_reasons_entry;
extern const struct cmd_entry cmd_ra_revoke_entry;
extern const struct cmd_entry cmd_ra_certs_entry;

int	cmd_ra_settings_load(struct ra_settings *, char **cause);
int	cmd_ra_settings_load_file(struct ra_settings *, const char *path, char **cause);
void	cmd_ra_settings_free(struct ra_settings *);

/* The connection (starting the demo service with --demo); NULL after reporting why. */
struct ra	*cmd_ra_connect(struct ra_ctx *, int *status);
/* Reports a failure; returns its exit status. */
int		 cmd_ra_report(struct ra_ctx *, const struct failure *);
/* Prints a JSON answer (reference taken) with "request_number" added when number given. */
int		 cmd_ra_json(struct ra_ctx *, json_t *, const char *number);
void		 cmd_ra_ctx_free(struct ra_ctx *);

/* Service text on the terminal: control characters become '?' (newlines too unless lines). */
void		 cmd_ra_put(const char *s, int lines);
/* "Label:" padded by display columns, then the value; nothing when the value is empty. */
void		 cmd_ra_field(const char *label, const char *value);
/* The application's history: who did what, when. */
void		 cmd_ra_history(const json_t *app);
/* The service's reasons for a rejection: code, then the words in the reader's language. */
void		 cmd_ra_reasons(const json_t *reasons);
/* The documents checklist, each "[ ] code  name" wrapped at 80 columns. */
void		 cmd_ra_documents(const json_t *app);
/*
 * What approve and revoke share at a terminal (cmd-ra-decide.c): who the application is
 * about, as the papers on the desk must match it (name: the applicant's, filled); and
 * each document of its checklist ticked as the operator confirms it, the codes into
 * codes[] (pointing into app), CMD_EXIT_REFUSED after naming each required one not seen.
 */
void		 cmd_ra_decide_show(const json_t *app, char *name, size_t size);
int		 cmd_ra_decide_tick(struct ra_ctx *, const json_t *app,
		    const char *codes[RA_MAX_DOCUMENTS], int *n);

#endif

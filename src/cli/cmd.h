/*
 * cmd — the applicant's command-line subcommands. Each lives in its own cmd-NAME.c and
 * exports one `const struct cmd_entry`; ncaenroll.c keeps the table and dispatches.
 * exec() gets the subcommand's own argv (argv[0] is its name) and returns an exit status
 * from enum cmd_exit; it reports errors itself, through cmd_error() or its JSON answer.
 */
#ifndef NCA_CMD_H
#define NCA_CMD_H

#include <jansson.h>

#include "cli/cliconf.h"
#include "cli/demo.h"
#include "enroll/enroll.h"

enum cmd_exit {
	CMD_EXIT_OK = 0,
	CMD_EXIT_REFUSED = 1,	/* the input breaks a rule, or the service said no */
	CMD_EXIT_USAGE = 2,
	CMD_EXIT_SERVICE = 3,	/* the service could not be reached or failed */
	CMD_EXIT_LOCAL = 4,	/* a local file, folder or device failed */
};

struct cmd_ctx {
	const char		*progname;
	int			 json;
	int			 demo;
	struct cliconf		 conf;		/* settings files, then options */
	struct demo_service	 demo_svc;	/* running while demo_svc.pid > 0 */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* untranslated; shown with _() */
	const char	*summary;	/* untranslated; shown with _() */
	int		(*exec)(struct cmd_ctx *, int argc, char **argv);
};

extern const struct cmd_entry cmd_abandon_entry;
extern const struct cmd_entry cmd_apply_entry;
extern const struct cmd_entry cmd_form_entry;
extern const struct cmd_entry cmd_install_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_passwd_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_validate_entry;

void	cmd_error(const struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prints "Usage: PROG NAME USAGE" and a pointer to --help on stderr; returns CMD_EXIT_USAGE. */
int	cmd_usage_error(const struct cmd_ctx *, const struct cmd_entry *, const char *why);

/*
 * Opens the applicant's core with the context's settings; with --demo it first starts the
 * private demo service (fixed_captcha: make its captchas read this, for scripted runs).
 * NULL after reporting why; *status then holds the exit status.
 */
struct enroll	*cmd_enroll(struct cmd_ctx *, const char *fixed_captcha, int *status);
/*
 * A token's PIN for one core call: one line from descriptor fd (>= 0), else asked without
 * echo on the terminal ("PIN of token LABEL: "); NULL after saying why (no terminal).
 */
struct secret	*cmd_pin(struct cmd_ctx *, int fd, const char *label);
/*
 * A password: one line from descriptor fd (>= 0), else asked without echo on the terminal
 * with prompt; NULL after saying why (no terminal: name fdopt, "--password-fd").
 */
struct secret	*cmd_password(struct cmd_ctx *, int fd, const char *prompt,
		    const char *fdopt);
/*
 * A new password for the PC containers: one line from fd, else the policy shown and the
 * password asked twice without echo until both agree and the policy is met (3 tries).
 * NULL after saying why.
 */
struct secret	*cmd_new_password(struct cmd_ctx *, int fd, const char *fdopt);
/* prompt on stderr, then a line typed on the terminal, trimmed (malloc'd); NULL at EOF. */
char		*cmd_ask(const char *prompt);
/* A descriptor number given to --password-fd or --pin-fd: 0, or -1 if it is none. */
int		 cmd_fd_arg(const char *arg, int *fd);
/* Reports a core failure (text on stderr, or JSON on stdout); returns its exit status. */
int		 cmd_report(struct cmd_ctx *, const struct enroll_error *);
/* Prints a JSON answer on stdout and frees it; CMD_EXIT_LOCAL if it could not. */
int		 cmd_json(json_t *);
void		 cmd_ctx_free(struct cmd_ctx *);

#endif

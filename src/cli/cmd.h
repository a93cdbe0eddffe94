/*
 * cmd — the command line of both client programs. Each command lives in its own
 * cmd-NAME.c of its program's folder and exports one `const struct cmd_entry` (its
 * options as a table); ncaenroll.c and ncaenroll-ra.c keep the program's table (struct
 * cmd_program) and call cmd_globals and
 * cmd_run, which parse every command line alike. exec() gets the parsed options and the
 * operands and returns an exit status from enum cmd_exit; it reports errors itself,
 * through cmd_error() or its JSON answer.
 */
#ifndef NCA_CLIENT_CMD_H
#define NCA_CLIENT_CMD_H

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
	CMD_EXIT_CANCELLED = 5,	/* the person stopped it (the full-screen program) */
	CMD_EXIT_FACTORY_PIN = 6, /* apply: the token is still on its factory PIN, no keys */
	CMD_EXIT__MAX
};

struct cmd_program;

struct cmd_ctx {
	const char		*progname;
	const struct cmd_program *prog;		/* its options and commands */
	int			 json;
	int			 demo;
	struct cliconf		 conf;		/* settings files, then options */
	struct demo_service	 demo_svc;	/* running while demo_svc.pid > 0 */
	char			*settings_cause; /* why a settings file is unusable, or NULL */
	json_t			*fail;		/* --json: the run's error so far (cmd_fail) */
	int			 answered;	/* --json: an answer was printed (cmd_json) */
	/* Called by cmd_enroll once the core is open, but under --json (may be NULL). */
	void			(*opened)(struct enroll *);
};

/*
 * One option: a row of a command's (or a program's) table. cmd_parse reads every table
 * the same way (GNU getopt_long: options before or after the operands, unique
 * abbreviations, `--` ends the options) and --help prints the rows; a new option is one
 * new row, and its value is found at its row's index in struct cmd_args.
 */
struct cmd_option {
	const char	*name;		/* "password-fd", given as --password-fd */
	int		 letter;	/* a short form ('y' for -y), or 0 */
	const char	*arg;		/* untranslated name of its value ("N"); NULL: a flag */
	const char	*help;		/* untranslated; one sentence, wrapped when shown */
};
#define CMD_MAX_OPTIONS 24		/* rows in one table */

/* What cmd_parse found: per row the value given last ("" for a flag), or NULL. */
struct cmd_args {
	const char	*opt[CMD_MAX_OPTIONS];
	int		 argc;		/* the operands, in the order given */
	char		**argv;
};

struct cmd_entry {
	const char		*name;
	const char		*operands;	/* untranslated: "NUMBER", "[NUMBER]", "" */
	const char		*summary;	/* untranslated */
	const struct cmd_option	*options;	/* ends with a row whose name is NULL */
	int			 min, max;	/* how many operands it takes */
	const char		*missing;	/* untranslated: said when too few are given */
	int			(*exec)(struct cmd_ctx *, const struct cmd_args *);
};

/*
 * A program: its own options (valid before the command name and, but for --help and
 * --version which the parser adds, after it too) and its commands. set() applies one of
 * its option rows to the context: 0, or an exit status after saying why.
 */
struct cmd_program {
	const char		*name;
	const struct cmd_option	*options;	/* ends with a row whose name is NULL */
	int			(*set)(struct cmd_ctx *, int row, const char *value);
	const struct cmd_entry	*const *commands;
	size_t			 ncommands;
};

/*
 * The program's options before the command name (they stop at it): each applied with
 * set(). *next is the command name's index (argc: none); *help and *version say whether
 * --help or --version was given. An exit status: CMD_EXIT_OK, or CMD_EXIT_USAGE after
 * saying why.
 */
int	cmd_globals(struct cmd_ctx *, int argc, char **argv, int *next, int *help,
	    int *version);
/*
 * argv[0] names a command: its options and the program's (in any order, up to `--`),
 * then --help or the operands counted, then the command itself. Its exit status.
 */
int	cmd_run(struct cmd_ctx *, int argc, char **argv);
/* CMD_EXIT_OK, or CMD_EXIT_USAGE after saying why a settings file cannot be used. */
int	cmd_settings_usable(struct cmd_ctx *);
/*
 * The value of --NAME VALUE or --NAME=VALUE wherever it is before `--` (the last one),
 * for what must be known before the first message; NULL if none. A flag given counts
 * as "".
 */
const char	*cmd_early_value(int argc, char **argv, const char *name);
/* The program's --help parts, on stdout: its commands, and an options table. */
void	cmd_help_commands(const struct cmd_ctx *);
void	cmd_help_options(const struct cmd_option *, int global);

/*
 * Failures are said through one sink. Without --json each sentence goes to stderr at
 * once; with it, exactly one object is printed on stdout at the end of the run
 * (cmd_finish) unless the command answered:
 *   {"error":{"code":C,"message":M[,"field":F],"fields":[{"field","code","message"}...]}}
 * where C is the first failure's code (else the exit status's word: refused, usage,
 * service, local), M every failure's sentence joined by newlines, F the first refused
 * field; no member is ever null. cmd_fail returns status, for `return cmd_fail(...)`.
 */
int	cmd_fail(struct cmd_ctx *, int status, const char *code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A failure's sentence with no code or field of its own. */
void	cmd_error(struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Another member of the error object, e.g. "id" (the draft to resume); --json only. */
void	cmd_fail_detail(struct cmd_ctx *, const char *key, const char *value);
/* Said to the person on stderr whatever the mode: a terminal dialogue, not a failure. */
void	cmd_say(const struct cmd_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* What a failing exit status says when nothing better is known (translated). */
const char	*cmd_status_message(int status);
/* The run's end: under --json, the error object if the status is a failure. Its status. */
int	cmd_finish(struct cmd_ctx *, int status);
/* Says why, "Usage: PROG NAME ..." and a pointer to its --help; returns CMD_EXIT_USAGE. */
int	cmd_usage_error(struct cmd_ctx *, const struct cmd_entry *, const char *why);

/*
 * The service's settings as given, before anything is sent: an address that is not
 * https:// is wrong usage (CMD_EXIT_USAGE), a CA file that cannot be read a local failure
 * (CMD_EXIT_LOCAL), both said; CMD_EXIT_OK otherwise. NULLs are not checked.
 */
int		 cmd_check_service(struct cmd_ctx *, const char *url, const char *ca_file);
/*
 * Opens the applicant's core with the context's settings; with --demo it first starts the
 * private demo service (fixed_captcha: make its captchas read this, for scripted runs).
 * NULL after reporting why; *status then holds the exit status (else CMD_EXIT_OK).
 */
struct enroll	*cmd_enroll(struct cmd_ctx *, const char *fixed_captcha, int *status);
/*
 * A token's PIN for one core call: one line from descriptor fd (>= 0), else asked without
 * echo on the terminal ("PIN of token LABEL: "); NULL after saying why, *status then
 * CMD_EXIT_USAGE (no terminal to ask on) or CMD_EXIT_LOCAL.
 */
struct secret	*cmd_pin(struct cmd_ctx *, int fd, const char *label, int *status);
/*
 * A password: one line from descriptor fd (>= 0), else asked without echo on the terminal
 * with prompt; NULL after saying why, *status then CMD_EXIT_USAGE (no terminal: fdopt,
 * "--password-fd", is named) or CMD_EXIT_LOCAL.
 */
struct secret	*cmd_password(struct cmd_ctx *, int fd, const char *prompt,
		    const char *fdopt, int *status);
/*
 * A new password for the PC containers: one line from fd, else the policy shown and the
 * password asked twice without echo until both agree and the policy is met (3 tries).
 * NULL after saying why, *status then its exit status.
 */
struct secret	*cmd_new_password(struct cmd_ctx *, int fd, const char *fdopt, int *status);
/* prompt on stderr, then a line typed on the terminal, trimmed (malloc'd); NULL at EOF. */
char		*cmd_ask(const char *prompt);
/*
 * Asks "question [y/N]" on the terminal: 1 for yes (y, yes, or the word in the reader's
 * language), 0 for anything else or the end of input.
 */
int		 cmd_confirm(const char *question);
/* A descriptor number given to --password-fd or --pin-fd: 0, or -1 if it is none. */
int		 cmd_fd_arg(const char *arg, int *fd);
/* A core failure through cmd_fail (its code and field kept); returns its exit status. */
int		 cmd_report(struct cmd_ctx *, const struct failure *);
/* Prints the run's JSON answer on stdout and frees it; CMD_EXIT_LOCAL if it could not. */
int		 cmd_json(struct cmd_ctx *, json_t *);
void		 cmd_ctx_free(struct cmd_ctx *);

#endif

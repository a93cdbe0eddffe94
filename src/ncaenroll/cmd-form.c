/*
 * ncaenroll form [--pdf FILE] [--print] NUMBER — the application form to print and bring to
 * a registration desk, from what this computer kept (no network needed): as text on
 * standard output, as a PDF into FILE, or sent to the default printer with CUPS's lp.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/appform.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "enroll/enroll-form.h"
#include "ncaenroll/cmd-ncaenroll.h"

/*
 * Runs `lp PATH` (PATH absolute, so it never reads as an option) and waits. lp says on
 * stderr why it could not print; we add what to do instead. A pipe that closes on exec
 * tells "lp is not installed" from "lp ran and failed".
 */
static int
form_lp(struct cmd_ctx *ctx, const char *path)
{
	char *const	 argv[] = { (char *)"lp", (char *)path, NULL };
	int		 fds[2], status, err = 0;
	ssize_t		 n;
	pid_t		 pid;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		cmd_error(ctx, _("cannot run the printing command lp: %s"), OSERROR(errno));
		return CMD_EXIT_LOCAL;
	}
	(void)fflush(NULL);	/* nothing buffered may be written twice */
	if ((pid = fork()) == -1) {
		cmd_error(ctx, _("cannot run the printing command lp: %s"), OSERROR(errno));
		(void)close(fds[0]);
		(void)close(fds[1]);
		return CMD_EXIT_LOCAL;
	}
	if (pid == 0) {
		(void)close(fds[0]);
		/* lp's "request id is ..." must not join the one JSON answer on stdout. */
		if (ctx->json && dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		(void)execvp(argv[0], argv);
		err = errno;
		if (write(fds[1], &err, sizeof err) != (ssize_t)sizeof err)
			_exit(127);	/* the parent then sees lp fail: the same advice */
		_exit(127);
	}
	(void)close(fds[1]);
	while ((n = read(fds[0], &err, sizeof err)) == -1 && errno == EINTR)
		continue;
	(void)close(fds[0]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			cmd_error(ctx, _("cannot run the printing command lp: %s"),
			    OSERROR(errno));
			return CMD_EXIT_LOCAL;
		}
	}
	if (n == (ssize_t)sizeof err && err != ENOENT)
		cmd_error(ctx, _("cannot run the printing command lp: %s"), OSERROR(err));
	if (n == (ssize_t)sizeof err || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cmd_error(ctx, "%s", _("no printer: save it with --pdf FILE and print it "
		    "elsewhere"));
		return CMD_EXIT_LOCAL;
	}
	return CMD_EXIT_OK;
}

/* The PDF in a private temporary folder, named like the saved form (lp's job title). */
static int
form_print_tmp(struct cmd_ctx *ctx, struct enroll *e, const char *number)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	const char		*tmp = getenv("TMPDIR");
	char			 dir[PATH_MAX], path[PATH_MAX + 64];
	int			 rc;

	if (tmp == NULL || *tmp != '/')
		tmp = "/tmp";
	errno = ENAMETOOLONG;
	if (snprintf(dir, sizeof dir, "%s/ncaenroll-XXXXXX", tmp) >= (int)sizeof dir ||
	    mkdtemp(dir) == NULL) {
		cmd_error(ctx, _("cannot create %s: %s"), dir, OSERROR(errno));
		return CMD_EXIT_LOCAL;
	}
	/* The number is 34 characters: this always fits beside a folder that fit. */
	(void)snprintf(path, sizeof path, "%s/application-%.40s.pdf", dir, number);
	if (enroll_form_pdf(e, number, path, &err) == -1)
		rc = cmd_report(ctx, &err);
	else
		rc = form_lp(ctx, path);
	/* lp has handed the file to the print queue by the time it exits. */
	if (unlink(path) == -1 && errno != ENOENT)
		cmd_say(ctx, "%s: %s", path, OSERROR(errno));
	if (rmdir(dir) == -1)
		cmd_say(ctx, "%s: %s", dir, OSERROR(errno));
	failure_free(&err);
	return rc == CMD_EXIT_OK && ctx->json ? cmd_json(ctx, json_pack("{s:s, s:b}",
	    "request_number", number, "printed", 1)) : rc;
}

/* --pdf FILE, then --print prints that very file. */
static int
form_pdf(struct cmd_ctx *ctx, struct enroll *e, const char *key, const char *pdf, int print)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	char			*abs = NULL;
	int			 rc;

	if (enroll_form_pdf(e, key, pdf, &err) == -1)
		rc = cmd_report(ctx, &err);
	else if (!print)
		rc = CMD_EXIT_OK;
	else if ((abs = realpath(pdf, NULL)) == NULL) {
		cmd_error(ctx, "%s: %s", pdf, OSERROR(errno));
		rc = CMD_EXIT_LOCAL;
	} else
		rc = form_lp(ctx, abs);
	free(abs);
	failure_free(&err);
	if (rc != CMD_EXIT_OK)
		return rc;
	if (ctx->json)
		return cmd_json(ctx, json_pack("{s:s, s:s, s:b}", "request_number", key, "pdf",
		    pdf, "printed", print));
	if (!print)
		(void)printf("%s: %s\n", _("Application form saved"), pdf);
	return CMD_EXIT_OK;
}

static int
form_text(struct cmd_ctx *ctx, struct enroll *e, const char *key)
{
	struct failure	 err = { 0, NULL, NULL, NULL };
	char			*text;
	int			 rc;

	if ((text = enroll_form_text(e, key, APPFORM_BIG_NUMBER, &err)) == NULL)
		rc = cmd_report(ctx, &err);
	else if (ctx->json)
		rc = cmd_json(ctx, json_pack("{s:s, s:s}", "request_number", key, "text", text));
	else
		rc = fputs(text, stdout) == EOF ? CMD_EXIT_LOCAL : CMD_EXIT_OK;
	free(text);
	failure_free(&err);
	return rc;
}

enum form_option {
	FORM_PDF,
	FORM_PRINT,
	FORM__MAX
};

static const struct cmd_option form_options[] = {
	[FORM_PDF] = { "pdf", 0, N_("FILE"), N_("write the form as a one-page A4 PDF to FILE") },
	[FORM_PRINT] = { "print", 0, NULL,
	    N_("send the PDF to the default printer (CUPS's lp)") },
	[FORM__MAX] = { NULL, 0, NULL, NULL },
};
_Static_assert(FORM__MAX < CMD_MAX_OPTIONS, "form_options fits cmd_args");

static int
form_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct enroll		*e;
	struct state_app	*a;
	const char		*pdf = args->opt[FORM_PDF], *key = args->argv[0];
	char			*number = NULL;
	int			 print = args->opt[FORM_PRINT] != NULL, rc;

	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if ((a = enroll_app(e, key)) == NULL || state_get(a, APPKEY_REQUEST_NUMBER) == NULL)
		rc = cmd_fail(ctx, CMD_EXIT_REFUSED, "application.not_found", NULL,
		    _("no submitted application %s is kept on this computer"), key);
	else if ((number = strdup(state_get(a, APPKEY_REQUEST_NUMBER))) == NULL)
		rc = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s", _("out of memory"));
	else if (pdf != NULL)
		rc = form_pdf(ctx, e, number, pdf, print);
	else if (print)
		rc = form_print_tmp(ctx, e, number);
	else
		rc = form_text(ctx, e, number);
	free(number);
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_form_entry = {
	"form", N_("NUMBER"),
	N_("print the application form to bring to a registration desk"),
	form_options, 1, 1, N_("give the request number of the application"),
	form_exec,
};

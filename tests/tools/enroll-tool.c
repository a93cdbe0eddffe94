/*
 * enroll-tool — calls the applicant's core the way the TUI does, for the system tests
 * of core calls no subcommand makes:
 *   enroll-tool STATE form-save ID        saves the form (text and PDF); prints the PDF's path
 *   enroll-tool STATE apply ID            makes the keys and submits, as the TUI's Apply
 *                                         (a folder only: no PIN), with no service named
 * STATE is the state file. Exit 0 on success, else the core's exit kind with its sentence
 * on stderr; 2 for usage.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "enroll/enroll.h"
#include "enroll/enroll-form.h"

static int
tool_fail(struct failure *err)
{
	int	kind = err->kind != 0 ? (int)err->kind : 4;

	fprintf(stderr, "enroll-tool: %s\n", err->message != NULL ? err->message : "?");
	failure_free(err);
	return kind;
}

static int
tool_form_save(struct enroll *e, int argc, char **argv, struct failure *err)
{
	char	*path = NULL;

	if (argc != 1)
		return 2;
	if (enroll_form_save(e, argv[0], &path, err) == -1)
		return tool_fail(err);
	printf("%s\n", path);
	free(path);
	return 0;
}

static int
tool_apply(struct enroll *e, int argc, char **argv, struct failure *err)
{
	if (argc != 1)
		return 2;
	if (enroll_apply(e, argv[0], NULL, NULL, err) == -1)
		return tool_fail(err);
	return 0;
}

static const struct {
	const char	*name;
	int		(*run)(struct enroll *, int, char **, struct failure *);
} tool_cmds[] = {
	{ "form-save", tool_form_save },
	{ "apply", tool_apply },
};

int
main(int argc, char **argv)
{
	struct enroll_config	 cfg;
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll		*e;
	size_t			 i;
	int			 rc = 2;

	if (i18n_init(NULL, NULL) == -1 || argc < 3) {
		fprintf(stderr, "usage: enroll-tool STATE COMMAND ARG...\n");
		return 2;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.state_path = argv[1];
	cfg.lang = i18n_current();
	if ((e = enroll_open(&cfg, &err)) == NULL)
		return tool_fail(&err);
	for (i = 0; i < sizeof tool_cmds / sizeof tool_cmds[0]; i++)
		if (strcmp(tool_cmds[i].name, argv[2]) == 0)
			rc = tool_cmds[i].run(e, argc - 3, argv + 3, &err);
	if (rc == 2)
		fprintf(stderr, "usage: enroll-tool STATE COMMAND ARG...\n");
	enroll_close(e);
	return rc;
}

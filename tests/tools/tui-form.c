/*
 * tui-form --flow DATADIR [--lang kk|ru|en] runs tui_run on DATADIR/forms (from main.yaml,
 * buttons on the stub actions, no service): its exit status is tui_run's, and a bad file
 * there is refused with file:line and status 2.
 *
 * tui-form [--lang kk|ru|en] FILE.yaml — shows one form with the TUI engine and, on the
 * way out, prints {"exit": ..., "target": ..., "values": {...}} on stdout (passwords left
 * out). The terminal is /dev/tty, so stdout can go to a file. A bad forms file is refused
 * with file:line on stderr and exit status 2, as ncaenroll refuses one at start.
 * Buttons run the stub program of tests/unit/tui-actions-stub.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../unit/tui-actions-stub.h"
#include "common/i18n.h"
#include "tui/screen.h"
#include "tui/tui-run.h"
#include "tui/tui.h"
#include "tui/widget.h"

static const char *const tui_form_exits[] = {
	[SCREEN_NEXT] = "next", [SCREEN_BACK] = "back", [SCREEN_QUIT] = "quit",
	[SCREEN_GOTO] = "goto",
};

static int
tui_form_flow(int argc, char **argv)
{
	const char	*lang = argc > 4 && strcmp(argv[3], "--lang") == 0 ? argv[4] : NULL;
	char		*cause = NULL;
	int		 rc;

	if (setenv("NCAENROLL_DATADIR", argv[2], 1) == -1 || i18n_init(lang, &cause) == -1) {
		fprintf(stderr, "tui-form: %s\n", cause != NULL ? cause : "setenv");
		free(cause);
		return 2;
	}
	if ((rc = tui_run(tui_stub_program(), NULL, lang, &cause)) != 0 && cause != NULL)
		fprintf(stderr, "%s\n", cause);
	free(cause);
	return rc;
}

int
main(int argc, char **argv)
{
	struct tui		 tui = { .program = tui_stub_program() };
	struct formdef		 fd;
	const char		*lang = NULL, *target = NULL;
	char			*cause = NULL;
	enum screen_exit	 ex = SCREEN_QUIT;
	json_t			*values = NULL, *out;
	int			 argi = 1, rc = 1;

	if (argc > 2 && strcmp(argv[1], "--flow") == 0)
		return tui_form_flow(argc, argv);
	if (argc > 2 && strcmp(argv[1], "--lang") == 0) {
		lang = argv[2];
		argi = 3;
	}
	if (argi != argc - 1) {
		fprintf(stderr, "usage: tui-form [--lang kk|ru|en] FILE.yaml\n");
		return 2;
	}
	if (i18n_init(lang, &cause) == -1) {
		fprintf(stderr, "tui-form: %s\n", cause);
		free(cause);
		return 2;
	}
	(void)snprintf(tui.look.lang, sizeof tui.look.lang, "%s",
	    lang != NULL ? lang : i18n_current());
	if (formdef_load(argv[argi], tui.program->actions, widget_known, &fd, &cause) == -1) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return 2;
	}
	if (tui_start(&tui, &cause) == -1)
		fprintf(stderr, "tui-form: %s\n", cause);
	else {
		rc = screen_run_values(&tui, &fd, &ex, &target, &values, &cause);
		tui_end(&tui);
		if (rc == -1)
			fprintf(stderr, "tui-form: %s\n", cause);
		else if ((out = json_pack("{s:s, s:s?, s:o}", "exit", tui_form_exits[ex],
		    "target", target, "values", values != NULL ? values : json_object()))
		    != NULL) {
			values = NULL;
			if (json_dumpf(out, stdout, JSON_SORT_KEYS) == 0 && putchar('\n') != EOF &&
			    fflush(stdout) == 0)
				rc = 0;
			json_decref(out);
		}
	}
	json_decref(values);
	free(cause);
	formdef_free(&fd);
	return rc == 0 ? 0 : 1;
}

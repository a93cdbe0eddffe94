/*
 * ncaenroll list — the applications kept on this computer, from the state file only (no
 * network): where each stands locally, so a person can find a draft to resume.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/appfield.h"
#include "common/i18n.h"
#include "common/utf8.h"
#include "ncaenroll/cmd-ncaenroll.h"

static const char *
list_or_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

/* The organization's name in the reader's language: Kazakh in kk, else Russian. */
static const char *
list_org(const struct state_app *a)
{
	const char	*kk = state_get(a, APPKEY_ORG_NAME_KK);

	return strcmp(i18n_current(), "kk") == 0 && kk != NULL ? kk :
	    state_get(a, APPKEY_ORG_NAME_RU);
}

/* Columns, in characters: the longest state word of the reader's language. */
static long
list_word_width(void)
{
	long	w = 0, n;
	int	s;

	for (s = 0; s < MS__MAX; s++)
		if ((n = utf8_count(_(machine_state_word((enum machine_state)s)))) > w)
			w = n;
	return w;
}

/*
 * One application in two lines, as the desk's queue shows one: its id, the state in the
 * reader's words (padded by characters, so the numbers line up) and its number; then the
 * organization, cut to the 80 columns a terminal is sure to have.
 */
static int
list_lines(const struct state_app *a, long width)
{
	const char	*word = _(machine_state_word(a->state));
	long		 n = utf8_count(word);
	char		*org;

	if ((org = utf8_fit(list_or_dash(list_org(a)), 76, 0)) == NULL)
		return -1;
	(void)printf("%s  %s%*s  %s\n    %s\n", a->id, word, (int)(n >= 0 && n < width ?
	    width - n : 0), "", list_or_dash(state_get(a, APPKEY_REQUEST_NUMBER)), org);
	free(org);
	return 0;
}

static int
list_exec(struct cmd_ctx *ctx, const struct cmd_args *args)
{
	struct enroll		*e;
	struct state_app	*a;
	json_t			*all;
	size_t			 i;
	long			 width;
	int			 rc;

	(void)args;
	/* Listing needs no service; with --demo it still reads the demo state. */
	if ((e = cmd_enroll(ctx, NULL, &rc)) == NULL)
		return rc;
	if (ctx->json) {
		all = json_array();
		for (i = 0; i < e->st->napps; i++) {
			a = &e->st->apps[i];
			(void)json_array_append_new(all, json_pack("{s:s, s:s, s:s*, s:s*, s:s*}",
			    "id", a->id, "state", machine_state_name(a->state),
			    "request_number", state_get(a, APPKEY_REQUEST_NUMBER),
			    "bin", state_get(a, APPKEY_BIN),
			    "created", state_get(a, APPKEY_CREATED)));
		}
		rc = cmd_json(ctx, all);
	} else {
		if (e->st->napps == 0)
			(void)printf("%s\n", _("No applications on this computer yet."));
		width = list_word_width();
		rc = CMD_EXIT_OK;
		for (i = 0; rc == CMD_EXIT_OK && i < e->st->napps; i++)
			if (list_lines(&e->st->apps[i], width) == -1)
				rc = cmd_fail(ctx, CMD_EXIT_LOCAL, NULL, NULL, "%s",
				    _("out of memory"));
	}
	enroll_close(e);
	return rc;
}

const struct cmd_entry cmd_list_entry = {
	"list", "",
	N_("list the applications kept on this computer"),
	NULL, 0, 0, NULL,
	list_exec,
};

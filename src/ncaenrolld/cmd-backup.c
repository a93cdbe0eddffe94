/*
 * cmd-backup — `ncaenrolld backup [--force] FILE`: an online copy of the store while the
 * service runs (store_backup: one consistent snapshot, 0600, written beside FILE and
 * renamed into place, an existing FILE kept unless --force). An SQLite store only for
 * now; a PostgreSQL one is backed up with pg_dump (doc/deploy.md). Exit 0, 1 (the copy
 * failed, or the store is not SQLite), 2 (usage).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenrolld/cmd.h"
#include "ncaenrolld/store.h"

static int
cmd_backup_usage(void)
{
	(void)fprintf(stderr, "%s%s", _("Usage: ncaenrolld [OPTION]...\n"),
	    cmd_backup_entry.usage);
	return CMD_EXIT_USAGE;
}

static int
cmd_backup_exec(struct srv_config *cfg, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct store			*st;
	const char			*kind = store_kind(cfg->store_uri);
	char				*cause = NULL;
	int				 c, force = 0, rc;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return cmd_backup_usage();
		force = 1;
	}
	if (optind != argc - 1 || *argv[optind] == '\0')
		return cmd_backup_usage();
	if (kind != NULL && strcmp(kind, "sqlite") != 0) {
		(void)fprintf(stderr, _("ncaenrolld: backup copies only an SQLite store for "
		    "now; back up a PostgreSQL store with pg_dump (doc/deploy.md)\n"));
		return CMD_EXIT_FAIL;
	}
	if ((st = store_open(cfg->store_uri, &cause)) == NULL) {
		(void)fprintf(stderr, "ncaenrolld: backup: %s\n", cause);
		free(cause);
		return CMD_EXIT_FAIL;
	}
	rc = store_backup(st, argv[optind], force, &cause);
	store_close(st);
	if (rc == -1) {
		(void)fprintf(stderr, "ncaenrolld: backup: %s\n", cause);
		free(cause);
		return CMD_EXIT_FAIL;
	}
	(void)printf(_("the store is copied to %s\n"), argv[optind]);
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
}

const struct cmd_entry cmd_backup_entry = {
	"backup",
	"  backup [--force] FILE\n",
	cmd_backup_exec,
};

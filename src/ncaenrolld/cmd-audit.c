/*
 * cmd-audit — `ncaenrolld audit verify` walks the audit log's hash chain (doc/audit.md)
 * and names the first broken entry; `audit list [NUMBER]` prints the entries. verify
 * exits 0 when the chain holds, 1 when it is broken, 3 when the log cannot be read; it
 * prints the head (last id and hash), which a keeper of the log compares with the head
 * noted earlier or with the service's log lines, since cutting the newest entries off
 * leaves a chain that still holds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "ncaenrolld/cmd.h"
#include "ncaenrolld/store.h"

static int
cmd_audit_verify(struct srv_config *cfg, int argc, char **argv)
{
	struct store_audit_check	 c;
	struct store			*st;
	char				*cause = NULL;
	int				 rc;

	(void)argv;
	if (argc != 1) {
		(void)fprintf(stderr, "%s", _("ncaenrolld: audit verify takes no arguments\n"));
		return CMD_EXIT_USAGE;
	}
	if ((st = store_open(cfg->store_uri, &cause)) == NULL) {
		(void)fprintf(stderr, "ncaenrolld: audit verify: %s\n", cause);
		free(cause);
		return CMD_EXIT_ERROR;
	}
	rc = store_audit_verify(st, &c, &cause);
	store_close(st);
	if (rc == -1) {
		(void)fprintf(stderr, "ncaenrolld: audit verify: %s\n", cause);
		free(cause);
		return CMD_EXIT_ERROR;
	}
	if (c.broken != 0) {
		(void)printf(_("audit log BROKEN at entry %lld: %s\n"), c.broken, c.why);
		(void)fprintf(stderr, _("ncaenrolld: the audit log is broken at entry %lld\n"),
		    c.broken);
		return CMD_EXIT_FAIL;
	}
	(void)printf(_("audit log intact: %lld entries; head #%lld %s\n"), c.count,
	    c.head_id, c.count > 0 ? c.head : "-");
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
}

static int
cmd_audit_list(struct srv_config *cfg, int argc, char **argv)
{
	struct store_audit	*v = NULL;
	struct store		*st;
	struct tm		 tm;
	char			*cause = NULL, at[32];
	size_t			 n = 0, i;
	int			 rc;

	if (argc > 2) {
		(void)fprintf(stderr, "%s", _("ncaenrolld: audit list [REQUEST-NUMBER]\n"));
		return CMD_EXIT_USAGE;
	}
	if ((st = store_open(cfg->store_uri, &cause)) == NULL) {
		(void)fprintf(stderr, "ncaenrolld: audit list: %s\n", cause);
		free(cause);
		return CMD_EXIT_ERROR;
	}
	rc = store_audit_list(st, argc == 2 ? argv[1] : NULL, &v, &n, &cause);
	store_close(st);
	if (rc == -1) {
		(void)fprintf(stderr, "ncaenrolld: audit list: %s\n", cause);
		free(cause);
		return CMD_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (gmtime_r(&v[i].at, &tm) == NULL ||
		    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			(void)snprintf(at, sizeof at, "%lld", (long long)v[i].at);
		(void)printf("%lld\t%s\t%s\t%s\t%s\t%s\t%.16s\n", v[i].id, at, v[i].actor,
		    v[i].action, *v[i].number != '\0' ? v[i].number : "-",
		    *v[i].detail != '\0' ? v[i].detail : "-", v[i].hash);
	}
	store_audit_free(v, n);
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_ERROR;
}

static int
cmd_audit_exec(struct srv_config *cfg, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_audit_verify(cfg, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cmd_audit_list(cfg, argc - 1, argv + 1);
	(void)fprintf(stderr, "%s%s", _("Usage: ncaenrolld [OPTION]...\n"),
	    cmd_audit_entry.usage);
	return CMD_EXIT_USAGE;
}

const struct cmd_entry cmd_audit_entry = {
	"audit",
	"  audit verify\n"
	"  audit list [REQUEST-NUMBER]\n",
	cmd_audit_exec,
};

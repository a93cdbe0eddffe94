/* teststore — see teststore.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "ncaenrolld/store.h"
#include "teststore.h"

extern char **environ;

#define TESTSTORE_PGBIN	"/usr/lib/postgresql/15/bin"

/* The markers a case's initial_state points at: which backend it runs on. */
static const int teststore_sqlite = 0, teststore_pg = 1;

/* The cluster of this process (a test binary is one process, its cases run in turn). */
static struct {
	char	dir[64];	/* the temporary folder: data/, the socket, the log */
	int	started;
	int	dbs;		/* databases made so far, for their names */
	const char	*group;	/* teststore_main's, for the fixtures' folders */
} teststore_cluster;

const char *
teststore_pg_dir(void)
{
	return teststore_cluster.started ? teststore_cluster.dir : NULL;
}

/* Runs argv (as the postgres user when we are root); its output to log. 0: exit 0. */
static int
teststore_run(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t	 fa;
	char				*full[16];
	char				 runuser[] = "runuser", u[] = "-u", pg[] = "postgres";
	char				 dd[] = "--";
	pid_t				 pid;
	int				 st, i = 0, j;

	if (geteuid() == 0) {
		full[i++] = runuser;
		full[i++] = u;
		full[i++] = pg;
		full[i++] = dd;
	}
	for (j = 0; argv[j] != NULL && i < 15; j++)
		full[i++] = argv[j];
	full[i] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log,
	    O_WRONLY | O_CREAT | O_APPEND, 0644) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0) != 0)
		return -1;
	if (posix_spawnp(&pid, full[0], &fa, NULL, full, environ) != 0) {
		(void)posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	(void)posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void
teststore_show_log(void)
{
	char	 path[96], line[512];
	FILE	*fp;

	(void)snprintf(path, sizeof path, "%s/log", teststore_cluster.dir);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, fp) != NULL)
		print_error("postgresql: %s", line);
	(void)fclose(fp);
}

/* The admin connection string of the cluster, for database dbname. */
static char *
teststore_uri(const char *dbname)
{
	char	*uri = NULL;

	if (asprintf(&uri, "postgresql:///%s?host=%s&user=postgres", dbname,
	    teststore_cluster.dir) == -1)
		return NULL;
	return uri;
}

/* initdb, pg_ctl start: a cluster for this process only, fsync off (it is thrown away). */
static int
teststore_start(void **state)
{
	struct passwd	*pw = NULL;
	char		 data[96], log[96], opts[256];
	char		 initdb[] = TESTSTORE_PGBIN "/initdb", pgctl[] = TESTSTORE_PGBIN "/pg_ctl";
	char		 dflag[] = "-D", uflag[] = "-U", pg[] = "postgres", auth[] = "--auth=trust";
	char		 nosync[] = "--no-sync", enc[] = "--encoding=UTF8", loc[] = "--locale=C";
	char		 wflag[] = "-w", lflag[] = "-l", oflag[] = "-o", start[] = "start";
	char		*init_argv[] = { initdb, dflag, data, uflag, pg, auth, nosync, enc, loc,
		    NULL };
	char		*start_argv[] = { pgctl, dflag, data, lflag, log, wflag, oflag, opts,
		    start, NULL };

	(void)state;
	(void)snprintf(teststore_cluster.dir, sizeof teststore_cluster.dir,
	    "/tmp/nca-pg-XXXXXX");
	if (mkdtemp(teststore_cluster.dir) == NULL)
		return -1;
	if (geteuid() == 0) {
		/* initdb refuses root: the cluster belongs to the postgres user */
		if ((pw = getpwnam("postgres")) == NULL ||
		    chown(teststore_cluster.dir, pw->pw_uid, pw->pw_gid) == -1) {
			print_error("teststore: running as root needs a postgres user\n");
			return -1;
		}
	}
	if (chmod(teststore_cluster.dir, 0755) == -1)
		return -1;
	(void)snprintf(data, sizeof data, "%s/data", teststore_cluster.dir);
	(void)snprintf(log, sizeof log, "%s/log", teststore_cluster.dir);
	/* no TCP at all; the socket in our folder; nothing synced to disk */
	(void)snprintf(opts, sizeof opts, "-c listen_addresses='' -c unix_socket_directories=%s"
	    " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	    " -c max_connections=60", teststore_cluster.dir);
	if (teststore_run(init_argv, "/dev/null") == -1 ||
	    teststore_run(start_argv, "/dev/null") == -1) {
		print_error("teststore: cannot start PostgreSQL in %s\n", teststore_cluster.dir);
		teststore_show_log();
		return -1;
	}
	teststore_cluster.started = 1;
	return 0;
}

static int
teststore_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int
teststore_stop(void **state)
{
	char	data[96];
	char	pgctl[] = TESTSTORE_PGBIN "/pg_ctl", dflag[] = "-D", stop[] = "stop";
	char	wflag[] = "-w", mflag[] = "-m", fast[] = "fast";
	char	*argv[] = { pgctl, dflag, data, mflag, fast, wflag, stop, NULL };

	(void)state;
	if (!teststore_cluster.started)
		return 0;
	(void)snprintf(data, sizeof data, "%s/data", teststore_cluster.dir);
	if (teststore_run(argv, "/dev/null") == -1)
		print_error("teststore: pg_ctl stop failed\n");
	(void)nftw(teststore_cluster.dir, teststore_rm, 16, FTW_DEPTH | FTW_PHYS);
	teststore_cluster.started = 0;
	return 0;
}

int
teststore_main(const char *group, const struct CMUnitTest *tests, size_t n,
    const struct CMUnitTest *sqlite_only, size_t k)
{
	struct CMUnitTest	*all;
	char			**names;
	size_t			  i, m = 0;
	int			  rc;

	teststore_cluster.group = group;
	assert_non_null(all = calloc(k + 2 * n, sizeof *all));
	assert_non_null(names = calloc(n, sizeof *names));
	for (i = 0; i < k; i++) {
		all[m] = sqlite_only[i];
		all[m++].initial_state = (void *)&teststore_sqlite;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(tests[i].name, "test_pg_", 8) == 0)
			continue;
		all[m] = tests[i];
		all[m++].initial_state = (void *)&teststore_sqlite;
	}
	for (i = 0; i < n; i++) {
		all[m] = tests[i];
		assert_int_not_equal(asprintf(&names[i], "%s (postgresql)", tests[i].name), -1);
		all[m].name = names[i];
		all[m++].initial_state = (void *)&teststore_pg;
	}
	rc = _cmocka_run_group_tests(group, all, m, teststore_start, teststore_stop);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(all);
	return rc;
}

int
teststore_is_pg(const char *uri)
{
	return strncmp(uri, "postgresql:", 11) == 0;
}

/* sql's result on the database at uri, for the caller to PQclear (a failure is in it). */
static PGresult *
teststore_pg_exec(const char *uri, const char *sql)
{
	PGconn		*c = PQconnectdb(uri);
	PGresult	*r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("teststore: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	PQfinish(c);
	return r;
}

/* Runs sql on the cluster's postgres database (CREATE and DROP DATABASE). */
static void
teststore_admin(const char *sql)
{
	char		*uri;
	PGresult	*r;

	assert_non_null(uri = teststore_uri("postgres"));
	r = teststore_pg_exec(uri, sql);
	free(uri);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("teststore: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

char *
teststore_location(void **state, const char *dir)
{
	char	*uri = NULL;

	if (*state != &teststore_pg) {
		*state = NULL;
		assert_int_not_equal(asprintf(&uri, "%s/store.db", dir), -1);
		return uri;
	}
	*state = NULL;
	return teststore_new_db();
}

char *
teststore_new_db(void)
{
	char	*uri = NULL, name[32], sql[64];

	assert_true(teststore_cluster.started);
	(void)snprintf(name, sizeof name, "t%d", ++teststore_cluster.dbs);
	(void)snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);	/* our own name */
	teststore_admin(sql);
	assert_non_null(uri = teststore_uri(name));
	return uri;
}

void
teststore_forget(const char *uri)
{
	char		 sql[96];
	const char	*name, *end;

	if (uri == NULL || !teststore_is_pg(uri) || !teststore_cluster.started)
		return;
	name = uri + strlen("postgresql:///");
	end = strchr(name, '?');
	(void)snprintf(sql, sizeof sql, "DROP DATABASE %.*s WITH (FORCE)", (int)(end - name),
	    name);
	teststore_admin(sql);
}

int
teststore_count(const char *uri, const char *sql)
{
	int	n = -1;

	if (teststore_is_pg(uri)) {
		PGresult	*r = teststore_pg_exec(uri, sql);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("teststore: %s: %s", sql, PQresultErrorMessage(r));
		if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
			n = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
	} else {
		sqlite3		*db = NULL;
		sqlite3_stmt	*st = NULL;

		assert_int_equal(sqlite3_open(uri, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
	}
	return n;
}

int
teststore_try(const char *uri, const char *sql)
{
	int	rc;

	if (teststore_is_pg(uri)) {
		PGresult	*r = teststore_pg_exec(uri, sql);

		rc = PQresultStatus(r) == PGRES_COMMAND_OK ||
		    PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
		PQclear(r);
	} else {
		sqlite3	*db = NULL;

		assert_int_equal(sqlite3_open(uri, &db), SQLITE_OK);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
	}
	return rc;
}

void
teststore_exec(const char *uri, const char *sql)
{
	if (teststore_is_pg(uri)) {
		PGresult	*r = teststore_pg_exec(uri, sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK)
			fail_msg("teststore: %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else {
		sqlite3	*db = NULL;

		assert_int_equal(sqlite3_open(uri, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
	}
}

/* The fixture, its store opened or not: 0, or -1 (the cause printed). */
static int
teststore_fx_new(void **state, int open)
{
	struct teststore_fx	*f;
	char			*cause = NULL;

	if ((f = calloc(1, sizeof *f)) == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof f->dir, "/tmp/test-%s.XXXXXX", teststore_cluster.group);
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	f->uri = teststore_location(state, f->dir);
	if (open && (f->st = store_open(f->uri, &cause)) == NULL) {
		print_error("%s\n", cause);
		free(cause);
		teststore_forget(f->uri);
		(void)nftw(f->dir, teststore_rm, 8, FTW_DEPTH | FTW_PHYS);
		free(f->uri);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int
teststore_setup(void **state)
{
	return teststore_fx_new(state, 1);
}

int
teststore_setup_closed(void **state)
{
	return teststore_fx_new(state, 0);
}

int
teststore_teardown(void **state)
{
	struct teststore_fx	*f = *state;

	store_close(f->st);
	teststore_forget(f->uri);
	(void)nftw(f->dir, teststore_rm, 8, FTW_DEPTH | FTW_PHYS);
	free(f->uri);
	free(f);
	return 0;
}

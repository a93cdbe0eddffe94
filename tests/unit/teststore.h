/*
 * teststore — the store contract tests run once per backend: SQLite on a file in the
 * case's temporary folder, and PostgreSQL in a fresh database of a cluster this process
 * starts once (initdb + pg_ctl in a temporary folder, listening only on a unix socket
 * there; as the `postgres` user when run as root, which initdb refuses). teststore_main
 * runs a group with every case twice, the second named "... (postgresql)". A case's setup
 * asks teststore_location for its store's URI; count_rows/exec_sql-like helpers speak to
 * either backend by that URI. Failures are cmocka assertions. Most store tests share one
 * fixture, struct teststore_fx: teststore_setup and teststore_teardown are its cmocka
 * setup and teardown; OK() (testok.h) asserts a call that fills a cause succeeded.
 */
#ifndef NCA_TEST_TESTSTORE_H
#define NCA_TEST_TESTSTORE_H

#include <stddef.h>

#include "testok.h"

struct CMUnitTest;
struct store;

/*
 * A case's store: a temporary folder /tmp/test-GROUP.XXXXXX, the store's URI in it (a
 * file there, or a new database), and a handle open on it (NULL after
 * teststore_setup_closed, for a case that opens the store itself). teststore_teardown
 * closes the handle, drops the database, removes the folder and frees the fixture.
 */
struct teststore_fx {
	char		 dir[64];
	char		*uri;
	struct store	*st;
};
int	 teststore_setup(void **state);
int	 teststore_setup_closed(void **state);
int	 teststore_teardown(void **state);
/* A case of the table given to teststore_main, on that fixture. */
#define TESTSTORE_CASE(f)	cmocka_unit_test_setup_teardown(f, teststore_setup, \
	    teststore_teardown)
#define TESTSTORE_CASE_CLOSED(f) cmocka_unit_test_setup_teardown(f, \
	    teststore_setup_closed, teststore_teardown)

/*
 * Runs tests (n of them) once on SQLite and once on PostgreSQL, as one group, after
 * sqlite_only (k of them, NULL if none: SQLite's own migrations, say) on SQLite alone.
 * A case named test_pg_* runs on PostgreSQL only (a connection to lose, say).
 */
int	 teststore_main(const char *group, const struct CMUnitTest *tests, size_t n,
	    const struct CMUnitTest *sqlite_only, size_t k);
/*
 * In a case's setup (state: the setup's argument): the URI of a store for this case, a
 * file in dir (SQLite) or a new database (PostgreSQL), malloc'd.
 */
char	*teststore_location(void **state, const char *dir);
int	 teststore_is_pg(const char *uri);
/* A new, empty PostgreSQL database of the cluster (a fresh store's URI), malloc'd. */
char	*teststore_new_db(void);
/* In a teardown: drops a case's PostgreSQL database (nothing for SQLite). */
void	 teststore_forget(const char *uri);
/* The first column of the first row of sql as an int (-1: no row). */
int	 teststore_count(const char *uri, const char *sql);
void	 teststore_exec(const char *uri, const char *sql);
/* The same, refused being a result: 0, or -1 when the database refused sql. */
int	 teststore_try(const char *uri, const char *sql);
/* The unix socket folder and port of the cluster (NULL before it started). */
const char	*teststore_pg_dir(void);

#endif

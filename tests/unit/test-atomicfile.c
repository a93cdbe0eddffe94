/*
 * Atomic replace under failure: the system calls atomicfile.c makes are wrapped (see
 * tests/Makemodule.am, -Wl,--wrap) so a test can make the n-th one fail with a chosen errno,
 * or make writes short, and then check that the old file is intact and no temp file is left.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/atomicfile.h"
#include "common/oserror.h"

ssize_t	__real_write(int, const void *, size_t);
int	__real_rename(const char *, const char *);
int	__real_fsync(int);
int	__real_close(int);
ssize_t	__wrap_write(int, const void *, size_t);
int	__wrap_rename(const char *, const char *);
int	__wrap_fsync(int);
int	__wrap_close(int);

/* Which call fails: 0 = none, n = the n-th call from now on. */
static struct {
	int	write_fail, rename_fail, fsync_fail, close_fail;
	int	fail_errno;
	size_t	short_write;	/* >0: every write takes at most this many bytes */
	int	writes, renames, fsyncs, closes;
} fault;

static int
fault_hit(int *count, int when)
{
	++*count;
	return when != 0 && *count == when;
}

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	if (fault_hit(&fault.writes, fault.write_fail)) {
		errno = fault.fail_errno;
		return -1;
	}
	if (fault.short_write && n > fault.short_write)
		n = fault.short_write;
	return __real_write(fd, buf, n);
}

int
__wrap_rename(const char *a, const char *b)
{
	if (fault_hit(&fault.renames, fault.rename_fail)) {
		errno = fault.fail_errno;
		return -1;
	}
	return __real_rename(a, b);
}

int
__wrap_fsync(int fd)
{
	if (fault_hit(&fault.fsyncs, fault.fsync_fail)) {
		errno = fault.fail_errno;
		return -1;
	}
	return __real_fsync(fd);
}

int
__wrap_close(int fd)
{
	if (fault_hit(&fault.closes, fault.close_fail)) {
		(void)__real_close(fd);
		errno = fault.fail_errno;
		return -1;
	}
	return __real_close(fd);
}

struct fixture {
	char	dir[64];
	char	path[128];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/nca-atomicXXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(f->path, sizeof f->path, "%s/state.yaml", f->dir);
	memset(&fault, 0, sizeof fault);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		 cmd[128];

	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
assert_contents(const char *path, const char *want)
{
	char	buf[256];
	FILE	*fp = fopen(path, "r");
	size_t	n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, want);
}

static int
entries(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
			n++;
	assert_int_equal(closedir(d), 0);
	return n;
}

static void
write_old(struct fixture *f)
{
	assert_int_equal(atomicfile_write(f->path, "old\n", 4, 0644, NULL), 0);
	memset(&fault, 0, sizeof fault);
}

static void
test_creates_with_mode(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;

	umask(0);
	assert_int_equal(atomicfile_write(f->path, "key\n", 4, 0600, NULL), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_contents(f->path, "key\n");
	assert_int_equal(entries(f->dir), 1);
	umask(022);
}

static void
test_replaces(void **state)
{
	struct fixture	*f = *state;

	write_old(f);
	assert_int_equal(atomicfile_write(f->path, "new\n", 4, 0600, NULL), 0);
	assert_contents(f->path, "new\n");
	assert_int_equal(entries(f->dir), 1);
}

static void
test_short_writes_complete(void **state)
{
	struct fixture	*f = *state;
	char		 big[200];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	fault.short_write = 7;
	assert_int_equal(atomicfile_write(f->path, big, strlen(big), 0600, NULL), 0);
	assert_true(fault.writes >= 28);
	assert_contents(f->path, big);
}

/* Each failing step: the old file stays, nothing else is left, the cause says what. */
static void
check_failure(struct fixture *f, int *which, int err, const char *step)
{
	char	*cause = NULL;

	write_old(f);
	*which = 1;
	fault.fail_errno = err;
	assert_int_equal(atomicfile_write(f->path, "new\n", 4, 0600, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, step) == NULL || strstr(cause, f->path) == NULL ||
	    strstr(cause, OSERROR(err)) == NULL)
		fail_msg("cause '%s' does not name '%s', the path and the error", cause, step);
	free(cause);
	assert_contents(f->path, "old\n");
	assert_int_equal(entries(f->dir), 1);
	memset(&fault, 0, sizeof fault);
}

static void
test_write_fails_enospc(void **state)
{
	check_failure(*state, &fault.write_fail, ENOSPC, "writing");
}

static void
test_write_fails_eio(void **state)
{
	check_failure(*state, &fault.write_fail, EIO, "writing");
}

static void
test_fsync_fails(void **state)
{
	check_failure(*state, &fault.fsync_fail, EIO, "flushing to disk");
}

static void
test_close_fails(void **state)
{
	check_failure(*state, &fault.close_fail, EDQUOT, "closing");
}

static void
test_rename_fails(void **state)
{
	check_failure(*state, &fault.rename_fail, EXDEV, "renaming");
}

static void
test_missing_folder(void **state)
{
	struct fixture	*f = *state;
	char		 path[160], *cause = NULL;

	(void)snprintf(path, sizeof path, "%s/nope/state.yaml", f->dir);
	assert_int_equal(atomicfile_write(path, "x", 1, 0600, &cause), -1);
	assert_non_null(strstr(cause, "temporary file"));
	assert_non_null(strstr(cause, OSERROR(ENOENT)));
	free(cause);
}

/* A file in f->dir with these bytes (mode 0600). */
static void
make_file(const struct fixture *f, const char *name, const char *data)
{
	char	path[256];
	FILE	*fp;

	(void)snprintf(path, sizeof path, "%s/%s", f->dir, name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(data, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
exists_in(const struct fixture *f, const char *name)
{
	char	path[256];

	(void)snprintf(path, sizeof path, "%s/%s", f->dir, name);
	return access(path, F_OK) == 0;
}

static int
is_state(const char *name, void *arg)
{
	(void)arg;
	return strcmp(name, "state.yaml") == 0;
}

/* The sweep: dead writers' temp files go, a live one's and other names stay. */
static void
test_sweep(void **state)
{
	struct fixture	*f = *state;
	char		 live[64];
	size_t		 n = 0;

	(void)snprintf(live, sizeof live, ".state.yaml.%ld.Bb22Cc", (long)getpid());
	make_file(f, ".state.yaml.999999999.Aa11Bb", "copy");	/* no such pid */
	make_file(f, live, "mine");
	make_file(f, ".state.yaml.Cc33Dd", "older naming");
	make_file(f, ".other.yaml.999999999.Dd44Ee", "not ours");
	make_file(f, ".state.yaml.999999999.short", "not a temp name");
	assert_int_equal(atomicfile_sweep(f->dir, is_state, NULL, 0, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_false(exists_in(f, ".state.yaml.999999999.Aa11Bb"));
	assert_true(exists_in(f, live));
	assert_true(exists_in(f, ".state.yaml.Cc33Dd"));
	assert_true(exists_in(f, ".other.yaml.999999999.Dd44Ee"));
	assert_true(exists_in(f, ".state.yaml.999999999.short"));
	/* Under a lock every writer takes, the older naming is stale too. */
	assert_int_equal(atomicfile_sweep(f->dir, is_state, NULL, 1, &n, NULL), 0);
	assert_false(exists_in(f, ".state.yaml.Cc33Dd"));
	/* A folder that is not there holds nothing to sweep. */
	assert_int_equal(atomicfile_sweep("/nonexistent/nca", is_state, NULL, 0, &n, NULL), 0);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_with_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_writes_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fails_eio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fsync_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
	};

	return cmocka_run_group_tests_name("atomicfile", tests, NULL, NULL);
}

/* The state file: round trips, refusals that leave the file alone, locking, the machine. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "enroll/state.h"

struct fx {
	char	dir[64];
	char	path[128];
};

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/nca-stateXXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(f->path, sizeof f->path, "%s/state.yaml", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static char *
slurp(const char *path)
{
	FILE	*fp = fopen(path, "rb");
	char	*buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 65535, fp) > 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
spit(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void
test_machine_table(void **state)
{
	enum machine_state	to;

	(void)state;
	assert_int_equal(machine_next(MS_DRAFT, ME_KEYS_MADE, &to), 0);
	assert_int_equal(to, MS_KEYS_READY);
	assert_int_equal(machine_next(MS_KEYS_READY, ME_SUBMIT_OK, &to), 0);
	assert_int_equal(to, MS_SUBMITTED);
	assert_int_equal(machine_next(MS_SUBMITTED, ME_EXPIRED, &to), 0);
	assert_int_equal(to, MS_CANCELLED);
	assert_int_equal(machine_next(MS_CERTS_READY, ME_INSTALLED, &to), 0);
	assert_int_equal(to, MS_INSTALLED);
	/* Nothing skips a step, and a final state stays final. */
	assert_int_equal(machine_next(MS_DRAFT, ME_SUBMIT_OK, &to), -1);
	assert_int_equal(machine_next(MS_SUBMITTED, ME_INSTALLED, &to), -1);
	assert_int_equal(machine_next(MS_REJECTED, ME_APPROVED, &to), -1);
	assert_int_equal(machine_next(MS_SUBMITTED, ME_ABANDON, &to), -1);
	assert_true(machine_final(MS_CANCELLED));
	assert_false(machine_final(MS_ISSUED));
}

/*
 * Revocation and renewal (issue 13): certificates issued, fetched or installed can be
 * revoked, a revoked application stays revoked (a second revoke is answered, not
 * repeated), and a renewal's new keys come back issued at once, with no desk between.
 */
static void
test_machine_revoke_renew(void **state)
{
	enum machine_state	to, s;

	(void)state;
	for (s = MS_ISSUED; s <= MS_INSTALLED; s++) {
		assert_int_equal(machine_next(s, ME_REVOKED, &to), 0);
		assert_int_equal(to, MS_REVOKED);
	}
	assert_int_equal(machine_next(MS_REVOKED, ME_REVOKED, &to), 0);
	assert_int_equal(to, MS_REVOKED);
	assert_int_equal(machine_next(MS_SUBMITTED, ME_REVOKED, &to), -1);
	assert_int_equal(machine_next(MS_DRAFT, ME_REVOKED, &to), -1);
	assert_int_equal(machine_next(MS_REVOKED, ME_INSTALLED, &to), -1);
	assert_int_equal(machine_next(MS_REVOKED, ME_APPROVED, &to), -1);
	assert_true(machine_final(MS_REVOKED));
	assert_string_equal(machine_state_name(MS_REVOKED), "revoked");
	assert_int_equal(machine_state_parse("revoked", &to), 0);
	assert_int_equal(to, MS_REVOKED);
	assert_int_equal(machine_next(MS_KEYS_READY, ME_RENEWED, &to), 0);
	assert_int_equal(to, MS_ISSUED);
	assert_int_equal(machine_next(MS_DRAFT, ME_RENEWED, &to), -1);
	assert_int_equal(machine_next(MS_SUBMITTED, ME_RENEWED, &to), -1);
}

static void
test_round_trip(void **state)
{
	struct fx		*f = *state;
	struct state		*st;
	struct state_app	*a;
	char			*cause = NULL, id[STATE_ID_LEN + 1];

	assert_non_null(st = state_open(f->path, &cause));
	assert_int_equal(st->napps, 0);
	assert_int_equal(state_begin(st, &cause), 0);
	assert_non_null(a = state_app_add(st, &cause));
	memcpy(id, a->id, sizeof id);
	assert_int_equal(state_set(a, "org_name", "«Қазақстан темір жолы» ҰК АҚ: \"test\"\n2",
	    &cause), 0);
	assert_int_equal(state_set(a, "bin", "940140000385", &cause), 0);
	assert_int_equal(state_set(a, "request_number", "4821-0937-5512-0684-3319-7725-4406",
	    &cause), 0);
	assert_int_equal(state_move(a, ME_KEYS_MADE, &cause), 0);
	assert_int_equal(state_commit(st, &cause), 0);
	state_free(st);

	assert_non_null(st = state_open(f->path, &cause));
	assert_int_equal(st->napps, 1);
	a = state_app_find(st, id);
	assert_non_null(a);
	assert_int_equal(a->state, MS_KEYS_READY);
	assert_string_equal(state_get(a, "org_name"),
	    "«Қазақстан темір жолы» ҰК АҚ: \"test\"\n2");
	assert_string_equal(state_get(a, "bin"), "940140000385");
	assert_non_null(state_get(a, "updated"));
	assert_ptr_equal(state_app_find(st, "4821 0937 5512 0684 3319 7725 4406"), a);
	assert_null(state_app_find(st, "0000"));
	state_free(st);
	free(cause);
}

static void
test_file_is_private_and_readable(void **state)
{
	struct fx	*f = *state;
	struct state	*st;
	struct stat	 sb;
	char		*text;

	assert_non_null(st = state_open(f->path, NULL));
	assert_int_equal(state_begin(st, NULL), 0);
	assert_non_null(state_app_add(st, NULL));
	assert_int_equal(state_commit(st, NULL), 0);
	state_free(st);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = slurp(f->path);
	assert_non_null(strstr(text, "schema: 1"));
	assert_non_null(strstr(text, "state: draft"));
	free(text);
}

static void
test_secrets_refused(void **state)
{
	struct fx		*f = *state;
	struct state		*st;
	struct state_app	*a;
	char			*cause = NULL;

	assert_non_null(st = state_open(f->path, NULL));
	assert_int_equal(state_begin(st, NULL), 0);
	assert_non_null(a = state_app_add(st, NULL));
	assert_int_equal(state_set(a, "password", "Qwerty12", &cause), -1);
	assert_non_null(strstr(cause, "never stored"));
	assert_int_equal(state_set(a, "token_PIN", "1234", &cause), -1);
	assert_int_equal(state_set(a, "captcha_answer", "AB7K9", &cause), -1);
	assert_int_equal(state_set(a, "private_key_pem", "x", &cause), -1);
	assert_null(state_get(a, "password"));
	state_abort(st);
	state_free(st);
	free(cause);
}

static void
assert_refused_untouched(struct fx *f, const char *text, const char *why)
{
	struct state	*st;
	char		*cause = NULL, *after;

	spit(f->path, text);
	st = state_open(f->path, &cause);
	assert_null(st);
	if (strstr(cause, why) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, why);
	after = slurp(f->path);
	assert_string_equal(after, text);
	free(after);
	free(cause);
}

static void
test_damaged_and_newer_refused(void **state)
{
	struct fx	*f = *state;

	assert_refused_untouched(f, "schema: 1\napplications: [\n", "left as it is");
	assert_refused_untouched(f, "schema: 2\napplications: []\n", "newer ncaenroll");
	assert_refused_untouched(f, "applications: []\n", "no schema version");
	assert_refused_untouched(f, "schema: 1\nwho: me\n", ":2: unknown key");
	assert_refused_untouched(f, "schema: 1\napplications:\n- id: short\n  state: draft\n",
	    "no valid id");
	assert_refused_untouched(f, "schema: 1\napplications:\n- id: 0123456789abcdef\n"
	    "  state: flying\n", "no valid state");
	assert_refused_untouched(f, "schema: 1\napplications:\n- id: 0123456789abcdef\n"
	    "  state: draft\n  fields:\n    pin: \"1234\"\n", "secret");
}

static void
test_move_refused(void **state)
{
	struct fx		*f = *state;
	struct state		*st;
	struct state_app	*a;
	char			*cause = NULL;

	assert_non_null(st = state_open(f->path, NULL));
	assert_int_equal(state_begin(st, NULL), 0);
	assert_non_null(a = state_app_add(st, NULL));
	assert_int_equal(state_move(a, ME_INSTALLED, &cause), -1);
	assert_non_null(strstr(cause, "draft"));
	assert_int_equal(a->state, MS_DRAFT);
	state_abort(st);
	state_free(st);
	free(cause);
}

/* Another process holding the lock: a writer waits, then says who is in the way. */
static void
test_lock_excludes_writers(void **state)
{
	struct fx	*f = *state;
	struct state	*st;
	char		 lock[160], *cause = NULL;
	int		 fd, p[2], status;
	pid_t		 pid;
	char		 c;

	(void)snprintf(lock, sizeof lock, "%s.lock", f->path);
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		fd = open(lock, O_RDWR | O_CREAT, 0600);
		if (fd == -1 || flock(fd, LOCK_EX) == -1 || write(p[1], "x", 1) != 1)
			_exit(1);
		(void)sleep(30);
		_exit(0);
	}
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_non_null(st = state_open(f->path, &cause) == NULL ? (void *)1 : NULL);
	assert_non_null(strstr(cause, "another ncaenroll"));
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_non_null(st = state_open(f->path, &cause));
	assert_int_equal(state_begin(st, &cause), 0);
	assert_int_equal(state_commit(st, &cause), 0);
	state_free(st);
	free(cause);
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
}

/*
 * One transaction at a time, between processes: while another ncaenroll is between
 * state_begin and state_commit (it has read the file and will write it), ours may not
 * begin, or the two writes would each lose the other's application.
 */
static void
test_transaction_excludes_another(void **state)
{
	struct fx	*f = *state;
	struct state	*ours, *theirs;
	char		*cause = NULL, c;
	int		 p[2], status;
	pid_t		 pid;

	assert_non_null(ours = state_open(f->path, &cause));
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		theirs = state_open(f->path, &cause);
		if (theirs == NULL || state_begin(theirs, &cause) == -1 ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		(void)sleep(30);
		_exit(0);
	}
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(state_begin(ours, &cause), -1);
	assert_non_null(strstr(cause, "another ncaenroll"));
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(cause);
	cause = NULL;
	assert_int_equal(state_begin(ours, &cause), 0);
	assert_int_equal(state_commit(ours, &cause), 0);
	state_free(ours);
	assert_int_equal(close(p[0]), 0);
	assert_int_equal(close(p[1]), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_machine_table),
		cmocka_unit_test(test_machine_revoke_renew),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_is_private_and_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secrets_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_and_newer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes_writers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_excludes_another, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}

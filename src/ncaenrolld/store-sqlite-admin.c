/*
 * store-sqlite-admin — what the SQLite backend does for an operator rather than for a
 * request: an online copy of the store (`ncaenrolld backup`, and the copy kept before a
 * schema migration) and the counts the metrics show.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"
#include "ncaenrolld/store-sqlite-int.h"

/* Tries of 10 ms while a writer holds what the copy reads (10 s, the busy timeout). */
#define STORE_SQLITE_COPY_TRIES	1000

/* fsync of a file by name (the copy) or of the folder a name is in (after the rename). */
static int
store_sqlite_sync(const char *path, int folder, char **cause)
{
	char	*copy = NULL;
	int	 fd, rc = -1;

	if (folder && (copy = strdup(path)) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	fd = open(folder ? dirname(copy) : path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		cause_set(cause, _("cannot sync %s: %s"), folder ? copy : path,
		    OSERROR(errno));
	else
		rc = 0;
	if (fd != -1)
		(void)close(fd);
	free(copy);
	return rc;
}

/* Every page of s into the (empty) database file tmp, in one step: one snapshot. */
static int
store_sqlite_copy(struct store_sqlite *s, const char *tmp, char **cause)
{
	sqlite3		*dst = NULL;
	sqlite3_backup	*b;
	int		 r, rc = -1;

	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		cause_set(cause, _("cannot write %s: %s"), tmp,
		    dst != NULL ? sqlite3_errmsg(dst) : OSERROR(ENOMEM));
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", s->db, "main")) == NULL) {
		cause_set(cause, _("cannot copy the store %s: %s"), s->path,
		    sqlite3_errmsg(dst));
		goto out;
	}
	/* Busy only while a writer checkpoints: the busy timeout's worth of tries. */
	for (r = 0; r < STORE_SQLITE_COPY_TRIES; r++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(10);
	}
	r = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || r != SQLITE_OK) {
		cause_set(cause, _("cannot copy the store %s: %s"), s->path,
		    sqlite3_errstr(rc != SQLITE_DONE ? rc : r));
		rc = -1;
		goto out;
	}
	/* One file to keep or move: the service turns WAL on again when it opens it. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		cause_set(cause, _("cannot write %s: %s"), tmp, sqlite3_errmsg(dst));
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK && rc == 0) {
		cause_set(cause, _("cannot write %s: %s"), tmp, sqlite3_errmsg(dst));
		rc = -1;
	}
	return rc;
}

/* Whether name is base + "." + mkstemp's six letters. */
static int
store_sqlite_is_tmp(const char *name, const char *base)
{
	size_t	n = strlen(base);

	return strncmp(name, base, n) == 0 && name[n] == '.' && strlen(name + n + 1) == 6 &&
	    strspn(name + n + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789") == 6;
}

/* path (a copy's temporary file) and its journal, if nobody holds path's lock. */
static void
store_sqlite_tmp_remove(const char *path)
{
	struct stat	 sb;
	char		*journal = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) == -1)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (unlink(path) == 0)
			log_warning(_("removed %s, the temporary file of a copy of the store "
			    "that was cut short"), path);
		if (asprintf(&journal, "%s-journal", path) != -1)
			(void)unlink(journal);
		free(journal);
	}
	(void)close(fd);
}

/*
 * A copy cut short (the process killed, the machine down) leaves FILE.XXXXXX beside FILE,
 * a whole store's data. Its writer holds a lock on it while it lives (flock, which SQLite's
 * own locks do not touch), so the next copy to FILE removes each one nobody holds.
 */
static void
store_sqlite_tmps_remove(const char *file)
{
	char		*a = NULL, *b = NULL, *path = NULL;
	const char	*folder, *base;
	DIR		*d;
	struct dirent	*e;

	if ((a = strdup(file)) == NULL || (b = strdup(file)) == NULL)
		goto out;
	folder = dirname(a);
	base = basename(b);
	if ((d = opendir(folder)) == NULL)
		goto out;
	while ((e = readdir(d)) != NULL) {
		if (!store_sqlite_is_tmp(e->d_name, base) ||
		    asprintf(&path, "%s/%s", folder, e->d_name) == -1)
			continue;
		store_sqlite_tmp_remove(path);
		free(path);
	}
	(void)closedir(d);
out:
	free(a);
	free(b);
}

/* The temporary file beside file, made and locked (store_sqlite_tmps_remove passes it
 * by): its fd, or -1. */
static int
store_sqlite_tmp(const char *file, char **tmp, char **cause)
{
	struct stat	 a, b;
	int		 fd;

	if (asprintf(tmp, "%s.XXXXXX", file) == -1) {
		*tmp = NULL;
		cause_set(cause, _("out of memory"));
		return -1;
	}
	/* mkstemp makes it 0600: the copy holds what the store holds. */
	if ((fd = mkstemp(*tmp)) == -1) {
		cause_set(cause, _("cannot write %s: %s"), file, OSERROR(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	/* Another copy's sweep may have taken it between mkstemp and the lock. */
	errno = 0;
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &a) == -1 || stat(*tmp, &b) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		cause_set(cause, _("cannot write %s: %s"), *tmp, OSERROR(errno != 0 ? errno :
		    ENOENT));
		(void)close(fd);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd;
}

int
store_sqlite_backup_to(struct store_sqlite *s, const char *file, int force, char **cause)
{
	struct stat	 sb;
	char		*tmp = NULL;
	int		 fd, rc = -1;

	if (!force && lstat(file, &sb) == 0) {
		cause_set(cause, _("%s exists (--force replaces it)"), file);
		return -1;
	}
	store_sqlite_tmps_remove(file);
	if ((fd = store_sqlite_tmp(file, &tmp, cause)) == -1)
		return -1;
	if (store_sqlite_copy(s, tmp, cause) == -1 ||
	    store_sqlite_sync(tmp, 0, cause) == -1)
		goto out;
	/* link refuses a file made meanwhile; rename replaces, as --force asked. */
	if (force ? rename(tmp, file) == -1 : link(tmp, file) == -1) {
		cause_set(cause, errno == EEXIST ? _("%s exists (--force replaces it)") :
		    _("cannot write %s: %s"), file, OSERROR(errno));
		goto out;
	}
	if (store_sqlite_sync(file, 1, cause) == -1)
		goto out;
	rc = 0;
out:
	if ((rc == -1 || !force) && unlink(tmp) == -1 && errno != ENOENT && rc == 0) {
		cause_set(cause, _("cannot remove %s: %s"), tmp, OSERROR(errno));
		rc = -1;
	}
	(void)close(fd);	/* the lock with it, once the name is gone */
	free(tmp);
	return rc;
}

int
store_sqlite_backup(struct store *stp, const char *file, int force, char **cause)
{
	return store_sqlite_backup_to(store_sqlite_of(stp), file, force, cause);
}

/* Both counts in one statement: one read, one snapshot. */
#define STORE_SQLITE_COUNTS \
	"SELECT 'a', status, COUNT(*) FROM applications GROUP BY status UNION ALL " \
	"SELECT 'm', state, COUNT(*) FROM outbox GROUP BY state"

int
store_sqlite_counts(struct store *stp, struct store_counts *c, char **cause)
{
	struct store_sqlite	*s = store_sqlite_of(stp);
	sqlite3_stmt		*st = NULL;
	enum app_status		 status;
	enum store_mail_state	 state;
	const char		*kind, *name;
	int			 r;

	memset(c, 0, sizeof *c);
	if (sqlite3_prepare_v2(s->db, STORE_SQLITE_COUNTS, -1, &st, NULL) != SQLITE_OK) {
		store_sqlite_fail(s, "counts", cause);
		return -1;
	}
	while ((r = store_sqlite_step(s, st, "counts", cause)) == 1) {
		kind = (const char *)sqlite3_column_text(st, 0);
		name = (const char *)sqlite3_column_text(st, 1);
		if (kind == NULL || name == NULL)
			continue;
		if (*kind == 'a' && appstatus_parse(name, &status) == 0)
			c->apps[status] = sqlite3_column_int64(st, 2);
		else if (*kind == 'm' && store_mail_state_parse(name, &state) == 0)
			c->mails[state] = sqlite3_column_int64(st, 2);
	}
	if (sqlite3_finalize(st) != SQLITE_OK && r == 0) {
		store_sqlite_fail(s, "counts", cause);
		r = -1;
	}
	return r;
}

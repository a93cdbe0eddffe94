/*
 * atomicfile — every write of state, keys and forms (temp file, fsync, rename, fsync the
 * folder), the shredding of a key file, and the sweep of temp files a killed writer left;
 * the only place that knows how those temp files are named and locked.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/fault.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"

static int
atomicfile_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {		/* a device that takes nothing will not later */
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A rename is durable only once the folder holding the new name is on disk too. */
static int
atomicfile_sync_dir(const char *dir)
{
	int	fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	if (close(fd) == -1)
		rc = -1;
	return rc;
}

/*
 * Ours while we live: a sweep leaves a locked temp file alone. Best effort: a file system
 * without flock still has the PID in the name to keep a live writer's file.
 */
static void
atomicfile_lock(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		log_debug("flock of a temporary file: %s", strerror(errno));
}

/*
 * The resume tests' crash point: the temp file complete and synced, not yet renamed.
 * NCAENROLL_FAULT=atomicfile.temp-written:SUFFIX kills the writer of a path ending in
 * SUFFIX ("-SIGN.key", "state.yaml") there.
 */
static void
atomicfile_fault(const char *path)
{
	FAULT_POINT_PATH("atomicfile.temp-written", path);
	(void)path;
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode, char **cause)
{
	char		*dcopy = NULL, *bcopy = NULL, *tmp = NULL;
	const char	*dir, *base, *step = NULL;
	int		 fd = -1, rc = -1, saved;

	if ((dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL) {
		step = NULL;	/* out of memory */
		goto out;
	}
	dir = dirname(dcopy);
	base = basename(bcopy);
	if (asprintf(&tmp, "%s/.%s.%ld.XXXXXX", dir, base, (long)getpid()) == -1) {
		tmp = NULL;
		step = NULL;	/* out of memory */
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		free(tmp);
		tmp = NULL;
		step = _("creating a temporary file beside");
	} else if ((atomicfile_lock(fd), fchmod(fd, mode)) == -1)
		step = _("setting permissions of");
	else if (atomicfile_write_all(fd, data, len) == -1)
		step = _("writing");
	else if (fsync(fd) == -1)
		step = _("flushing to disk");
	else if ((atomicfile_fault(path), close(fd)) == -1) {
		fd = -1;
		step = _("closing");
	} else if ((fd = -1, rename(tmp, path)) == -1)
		step = _("renaming into place");
	else if (atomicfile_sync_dir(dir) == -1) {
		free(tmp);
		tmp = NULL;	/* renamed: nothing to remove any more */
		step = _("flushing the folder of");
	} else {
		free(tmp);
		tmp = NULL;
		rc = 0;
	}
out:
	saved = errno;
	if (fd != -1)
		(void)close(fd);	/* already failing; the first error is the one to report */
	if (tmp != NULL)
		(void)unlink(tmp);
	if (rc == -1 && step == NULL)
		cause_set(cause, "%s", _("out of memory"));
	else if (rc == -1)
		cause_set(cause, "%s %s: %s", step, path, OSERROR(saved));
	free(tmp);
	free(dcopy);
	free(bcopy);
	return rc;
}

/*
 * A temp file's name split: ".NAME.PID.XXXXXX" -> NAME (into final) and PID, or
 * ".NAME.XXXXXX" (the older naming) -> NAME and pid 0. -1 if it is neither.
 */
static int
atomicfile_parse_temp(const char *name, char *final, size_t size, long *pid)
{
	size_t		 len = strlen(name), end, i;
	const char	*dot;

	/* mkostemp's six characters, after a dot. */
	if (name[0] != '.' || len < 1 + 1 + 7 || name[len - 7] != '.')
		return -1;
	for (i = len - 6; i < len; i++)
		if (!isalnum((unsigned char)name[i]))
			return -1;
	end = len - 7;
	*pid = 0;
	for (i = end; i > 1 && isdigit((unsigned char)name[i - 1]); i--)
		;
	if (i < end && i > 1 && name[i - 1] == '.' && end - i <= 10) {
		*pid = strtol(name + i, NULL, 10);
		end = i - 1;
	}
	dot = name + 1;
	if (end <= 1 || end - 1 >= size)
		return -1;
	memcpy(final, dot, end - 1);
	final[end - 1] = '\0';
	return 0;
}

static int
atomicfile_pid_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Overwrites the file's bytes, syncs, unlinks: a half-written key leaves nothing behind. */
static int
atomicfile_wipe(int dfd, const char *name, int fd, const struct stat *st)
{
	static const char	zeros[4096];
	off_t			left = st->st_size;
	size_t			n;

	while (left > 0) {
		n = left > (off_t)sizeof zeros ? sizeof zeros : (size_t)left;
		if (atomicfile_write_all(fd, zeros, n) == -1)
			return -1;
		left -= (off_t)n;
	}
	if (fsync(fd) == -1)
		return -1;
	return unlinkat(dfd, name, 0);
}

int
atomicfile_shred(const char *path, int *gone, char **cause)
{
	char		*dcopy = NULL, *bcopy = NULL;
	const char	*name = NULL;
	struct stat	 st;
	int		 dfd = -1, fd = -1, rc = -1;

	if (gone != NULL)
		*gone = 0;
	if ((dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	name = basename(bcopy);
	if ((dfd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			rc = 0;
		else
			cause_set(cause, _("cannot remove %s: %s"), path, OSERROR(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cause_set(cause, _("cannot remove %s: %s"), path, _("not a regular file"));
		goto out;
	}
	if (atomicfile_wipe(dfd, name, fd, &st) == -1 || fsync(dfd) == -1) {
		cause_set(cause, _("cannot remove %s: %s"), path, OSERROR(errno));
		goto out;
	}
	if (gone != NULL)
		*gone = 1;
	rc = 0;
out:
	if (fd != -1)
		(void)close(fd);	/* its writes were synced, or failed and said so */
	if (dfd != -1)
		(void)close(dfd);
	free(dcopy);
	free(bcopy);
	return rc;
}

/* One candidate: 1 removed, 0 left (alive, locked, not ours), -1 failed. */
static int
atomicfile_sweep_one(int dfd, const char *name, int all_stale)
{
	struct stat	st;
	int		fd, rc = 0;

	fd = openat(dfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT || errno == ELOOP ? 0 : -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    (all_stale || flock(fd, LOCK_EX | LOCK_NB) == 0))
		rc = atomicfile_wipe(dfd, name, fd, &st) == 0 ? 1 : -1;
	(void)close(fd);	/* read-write, but every write was synced or failed */
	return rc;
}

int
atomicfile_sweep(const char *dir, int (*ours)(const char *name, void *arg), void *arg,
    int all_stale, size_t *removed, char **cause)
{
	struct dirent	*de;
	DIR		*d;
	char		 final[256];
	size_t		 n = 0;
	long		 pid;
	int		 r;

	if (removed != NULL)
		*removed = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		cause_set(cause, _("cannot read %s: %s"), dir, OSERROR(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (atomicfile_parse_temp(de->d_name, final, sizeof final, &pid) == -1 ||
		    !ours(final, arg) || (!all_stale && pid == 0) ||
		    (!all_stale && atomicfile_pid_alive(pid)))
			continue;
		if ((r = atomicfile_sweep_one(dirfd(d), de->d_name, all_stale)) == 1) {
			log_info(_("removed %s/%s, left by a program that was stopped"), dir,
			    de->d_name);
			n++;
		} else if (r == -1)
			log_warning(_("cannot remove %s/%s, left by a program that was stopped: "
			    "%s"), dir, de->d_name, OSERROR(errno));
	}
	(void)closedir(d);
	if (n > 0)
		(void)atomicfile_sync_dir(dir);	/* the unlinks last; nothing rests on it */
	if (removed != NULL)
		*removed = n;
	return 0;
}

/*
 * keystore-dir — a PC folder judged before it is chosen (keystore.h): whether the keys
 * can be written there, asked of the folder itself (one empty file made and removed), so
 * a folder such as /proc is refused at the folder step with its reason instead of at
 * Apply; and whose keys it already holds, read from the names keystore-file.c gives
 * them. Nothing else is written or read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#endif

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "enroll/keystore.h"

#ifdef __linux__
/* File systems the kernel keeps as views of itself: nothing of a person's lives there. */
static const struct {
	long		 magic;
	const char	*name;
} keystore_dir_kernel_fs[] = {
	{ PROC_SUPER_MAGIC, "proc" },
	{ SYSFS_MAGIC, "sysfs" },
	{ DEVPTS_SUPER_MAGIC, "devpts" },
	{ DEBUGFS_MAGIC, "debugfs" },
	{ SECURITYFS_MAGIC, "securityfs" },
	{ CGROUP_SUPER_MAGIC, "cgroup" },
	{ CGROUP2_SUPER_MAGIC, "cgroup2" },
	{ TRACEFS_MAGIC, "tracefs" },
	{ BPF_FS_MAGIC, "bpf" },
};
#endif

/* -1 with the reason when dir is one of the kernel's own file systems. */
static int
keystore_dir_kernel(const char *dir, char **cause)
{
#ifdef __linux__
	struct statfs	sf;
	size_t		i;

	if (statfs(dir, &sf) == -1)
		return 0;	/* the write test below says what is wrong */
	for (i = 0; i < sizeof keystore_dir_kernel_fs / sizeof keystore_dir_kernel_fs[0]; i++)
		if ((long)sf.f_type == keystore_dir_kernel_fs[i].magic) {
			cause_set(cause, _("%s belongs to the running system (the kernel's \"%s\" "
			    "file system), not to files: choose a folder of your own"), dir,
			    keystore_dir_kernel_fs[i].name);
			return -1;
		}
#else
	(void)dir;
	(void)cause;
#endif
	return 0;
}

/* The folder the keys go in must be its owner's alone (as keystore_file_open checks). */
static int
keystore_dir_mode(const char *dir, const struct stat *st, char **cause)
{
	if (st->st_uid != geteuid()) {
		cause_set(cause, _("the folder %s belongs to another user"), dir);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		cause_set(cause, _("the folder %s may be written by other users; keys cannot be "
		    "kept there (chmod 700 %s)"), dir, dir);
		return -1;
	}
	return 0;
}

/* Makes and removes one empty file in dir, as making a key there would. */
static int
keystore_dir_write(const char *dir, char **cause)
{
	char		 buf[OSERROR_BUF], *probe = NULL;
	const char	*why;
	int		 fd, rc = -1;

	if (asprintf(&probe, "%s%s.ncaenroll-probe-XXXXXX", dir,
	    dir[strlen(dir) - 1] == '/' ? "" : "/") == -1) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	if ((fd = mkstemp(probe)) == -1) {
		/* ENOENT in a folder that exists: a file system that takes no new files. */
		why = errno == ENOENT ? _("files cannot be made there") : oserror_text(errno, buf);
		cause_set(cause, _("keys cannot be written to the folder %s: %s"), dir, why);
		goto out;
	}
	(void)close(fd);	/* nothing was written: nothing to lose */
	if (unlink(probe) == -1) {
		cause_set(cause, _("cannot remove the test file %s: %s"), probe,
		    oserror_text(errno, buf));
		goto out;
	}
	rc = 0;
out:
	free(probe);
	return rc;
}

int
keystore_dir_probe(const char *dir, char **cause)
{
	struct stat	 st;
	char		 buf[OSERROR_BUF], *at, *slash;
	int		 rc = -1, made = 0;	/* made: dir is still to be made in at */

	if (dir == NULL || *dir != '/') {
		cause_set(cause, "%s", _("give the folder as a full path, starting with /"));
		return -1;
	}
	if ((at = strdup(dir)) == NULL) {
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	for (slash = at + strlen(at) - 1; slash > at && *slash == '/'; slash--)
		*slash = '\0';		/* "/a/" is "/a" */
	/* A folder still to be made is judged by the nearest one that exists. */
	while (stat(at, &st) == -1) {
		if (errno != ENOENT || (slash = strrchr(at, '/')) == NULL || at[1] == '\0') {
			cause_set(cause, _("cannot use the folder %s: %s"), at,
			    oserror_text(errno, buf));
			goto out;
		}
		slash[slash == at] = '\0';	/* "/a" -> "/", "/a/b" -> "/a" */
		made = 1;
	}
	if (!S_ISDIR(st.st_mode))
		cause_set(cause, _("%s is not a folder"), at);
	else if (keystore_dir_kernel(at, cause) == 0 &&
	    (made || keystore_dir_mode(at, &st, cause) == 0) &&
	    keystore_dir_write(at, cause) == 0)
		rc = 0;
out:
	free(at);
	return rc;
}

/* name minus prefix and suffix, when it has both (malloc'd), else NULL. */
static char *
keystore_dir_between(const char *name, const char *prefix, const char *suffix)
{
	size_t	n = strlen(name), p = strlen(prefix), s = strlen(suffix);

	if (n <= p + s || strncmp(name, prefix, p) != 0 || strcmp(name + n - s, suffix) != 0)
		return NULL;
	return strndup(name + p, n - p - s);
}

static int
keystore_dir_push(char ***v, size_t *n, char *s)
{
	char	**nv;

	if (s == NULL || (nv = reallocarray(*v, *n + 1, sizeof **v)) == NULL) {
		free(s);
		return -1;
	}
	*v = nv;
	(*v)[(*n)++] = s;
	return 0;
}

/* One directory entry sorted into the list: a pending AUTH key or a container. */
static int
keystore_dir_note(struct keystore_dir_keys *k, const char *name)
{
	char	*id;

	if ((id = keystore_dir_between(name, "ncaenroll-", "-AUTH.key")) != NULL)
		return keystore_dir_push(&k->pending, &k->npending, id);
	if ((id = keystore_dir_between(name, "RSA256_", ".p12")) != NULL ||
	    (id = keystore_dir_between(name, "AUTH_RSA256_", ".p12")) != NULL) {
		free(id);
		return keystore_dir_push(&k->containers, &k->ncontainers, strdup(name));
	}
	return 0;
}

int
keystore_dir_keys(const char *dir, struct keystore_dir_keys *k, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		 buf[OSERROR_BUF];
	int		 rc = 0;

	memset(k, 0, sizeof *k);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;	/* a folder to be made holds nothing yet */
		cause_set(cause, _("cannot use the folder %s: %s"), dir, oserror_text(errno, buf));
		return -1;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL)
		rc = keystore_dir_note(k, de->d_name);
	if (rc == -1 || errno != 0) {
		cause_set(cause, _("cannot use the folder %s: %s"), dir,
		    oserror_text(rc == -1 ? ENOMEM : errno, buf));
		keystore_dir_keys_free(k);
		rc = -1;
	}
	(void)closedir(d);	/* only read */
	return rc;
}

void
keystore_dir_keys_free(struct keystore_dir_keys *k)
{
	size_t	i;

	for (i = 0; i < k->npending; i++)
		free(k->pending[i]);
	for (i = 0; i < k->ncontainers; i++)
		free(k->containers[i]);
	free(k->pending);
	free(k->containers);
	memset(k, 0, sizeof *k);
}

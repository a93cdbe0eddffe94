/*
 * keystore-wrap — where the wrapping key of an application's pending keys lives and how
 * it is made, read and removed (keystore-wrap.h; why, doc/keys-at-rest.md). The key's
 * bytes pass only through buffers wiped before they are freed, and leave this file only
 * as a struct secret, which the logger redacts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"
#include "enroll/keystore-wrap.h"

#define KEYSTORE_WRAP_BYTES	32			/* AES-256's key size: 256 bits */
#define KEYSTORE_WRAP_HEX	(2 * KEYSTORE_WRAP_BYTES)

int
keystore_wrap_dir_default(char **dir, char **cause)
{
	const char	*xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int		 rc;

	*dir = NULL;
	/* The XDG spec: a relative $XDG_DATA_HOME is invalid and is ignored. */
	if (xdg != NULL && *xdg == '/')
		rc = asprintf(dir, "%s/ncaenroll/wrap", xdg);
	else if (home != NULL && *home == '/')
		rc = asprintf(dir, "%s/.local/share/ncaenroll/wrap", home);
	else {
		cause_set(cause, _("neither XDG_DATA_HOME nor HOME is set: there is no place "
		    "outside the key folder for the key that protects the pending keys"));
		return -1;
	}
	if (rc == -1) {
		*dir = NULL;
		cause_set(cause, _("out of memory"));
		return -1;
	}
	return 0;
}

/* 64 lower-case hex digits, then at most a newline (buf is not NUL-terminated). */
static int
keystore_wrap_valid(const char *buf, size_t len)
{
	size_t	i;

	if (len == KEYSTORE_WRAP_HEX + 1 && buf[KEYSTORE_WRAP_HEX] == '\n')
		len--;
	if (len != KEYSTORE_WRAP_HEX)
		return 0;
	for (i = 0; i < len; i++)
		if (strchr("0123456789abcdef", buf[i]) == NULL || buf[i] == '\0')
			return 0;
	return 1;
}

int
keystore_wrap_read(const char *path, struct secret **key, char **cause)
{
	struct stat	st;
	char		buf[KEYSTORE_WRAP_HEX + 2];
	ssize_t		n = -1;
	int		fd, rc = -1;

	*key = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
	else if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (n = read(fd, buf, sizeof buf)) < 0 || !keystore_wrap_valid(buf, (size_t)n))
		cause_set(cause, _("%s is not the key of pending keys that this program "
		    "writes"), path);
	else if ((*key = secret_new(buf, KEYSTORE_WRAP_HEX)) == NULL)
		cause_set(cause, _("out of memory"));
	else {
		if ((st.st_mode & 077) != 0)
			log_warning(_("%s may be read by other users (chmod 600 %s)"), path,
			    path);
		rc = 0;
	}
	OPENSSL_cleanse(buf, sizeof buf);
	(void)close(fd);
	return rc;
}

/* The folder of path made (each missing part 0700, as the XDG spec wants) and private. */
static int
keystore_wrap_mkdir(const char *path, char **cause)
{
	struct stat	 st;
	char		*dir, *s;
	int		 rc = -1;

	if ((dir = strdup(path)) == NULL || (s = strrchr(dir, '/')) == NULL || s == dir) {
		cause_set(cause, _("cannot create the folder of %s"), path);
		goto out;
	}
	*s = '\0';
	for (s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST)
			break;
		*s = '/';
	}
	if ((s != NULL || mkdir(dir, 0700) == -1) && errno != EEXIST)
		cause_set(cause, _("cannot create %s: %s"), dir, OSERROR(errno));
	else if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		cause_set(cause, _("%s is not a folder of yours"), dir);
	/* Our own folder: made private again if someone opened it up. */
	else if ((st.st_mode & 077) != 0 && chmod(dir, 0700) == -1)
		cause_set(cause, _("cannot set permissions of %s: %s"), dir, OSERROR(errno));
	else
		rc = 0;
out:
	free(dir);
	return rc;
}

int
keystore_wrap_make(const char *path, struct secret **key, char **cause)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 rnd[KEYSTORE_WRAP_BYTES];
	char			 buf[KEYSTORE_WRAP_HEX + 1];
	size_t			 i;
	int			 rc = -1;

	if (keystore_wrap_read(path, key, cause) == -1)
		return -1;
	if (*key != NULL)
		return 0;	/* made before: a resumed apply, or the other key's */
	if (keystore_wrap_mkdir(path, cause) == -1)
		return -1;
	if (RAND_priv_bytes(rnd, sizeof rnd) != 1) {
		cause_set(cause, _("no random numbers for the key of the pending keys"));
		goto out;
	}
	for (i = 0; i < sizeof rnd; i++) {
		buf[2 * i] = hex[rnd[i] >> 4];
		buf[2 * i + 1] = hex[rnd[i] & 0xf];
	}
	buf[KEYSTORE_WRAP_HEX] = '\n';
	if (atomicfile_write(path, buf, sizeof buf, 0600, cause) == -1)
		goto out;
	if ((*key = secret_new(buf, KEYSTORE_WRAP_HEX)) == NULL) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(rnd, sizeof rnd);
	OPENSSL_cleanse(buf, sizeof buf);
	return rc;
}

int
keystore_wrap_remove(const char *path, char **cause)
{
	return atomicfile_shred(path, NULL, cause);
}

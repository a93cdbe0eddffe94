#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"

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

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode, char **cause)
{
	char		*dcopy = NULL, *bcopy = NULL, *tmp = NULL;
	const char	*dir, *base, *step = NULL;
	int		 fd = -1, rc = -1, saved;

	if ((dcopy = strdup(path)) == NULL || (bcopy = strdup(path)) == NULL) {
		step = "memory";
		goto out;
	}
	dir = dirname(dcopy);
	base = basename(bcopy);
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) == -1) {
		tmp = NULL;
		step = "memory";
		goto out;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		free(tmp);
		tmp = NULL;
		step = _("creating a temporary file beside");
	} else if (fchmod(fd, mode) == -1)
		step = _("setting permissions of");
	else if (atomicfile_write_all(fd, data, len) == -1)
		step = _("writing");
	else if (fsync(fd) == -1)
		step = _("flushing to disk");
	else if (close(fd) == -1) {
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
	if (rc == -1)
		cause_set(cause, "%s %s: %s", step, path, strerror(saved));
	free(tmp);
	free(dcopy);
	free(bcopy);
	return rc;
}

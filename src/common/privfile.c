/*
 * privfile — the mode check of a secret's file.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cause.h"
#include "common/privfile.h"

int
privfile_check(int fd, const char *path, int group_may_read, char **cause)
{
	struct stat	sb;

	if ((fd >= 0 ? fstat(fd, &sb) : stat(path, &sb)) == -1) {
		cause_set(cause, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		cause_set(cause, "%s is not a file", path);
		return -1;
	}
	if ((sb.st_mode & (group_may_read ? 007 : 077)) != 0) {
		cause_set(cause, "%s may read %s (mode %04o): make it %s (chmod %s %s)",
		    group_may_read ? "others" : "others or its group", path,
		    (unsigned)(sb.st_mode & 07777), group_may_read ? "0640 or 0600" : "0600",
		    group_may_read ? "o-rwx" : "600", path);
		return -1;
	}
	return 0;
}

/*
 * oserror — the table of errno values a person meets with files and folders, each with a
 * translated sentence, so no strerror() English lands in a Kazakh or Russian message.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "common/i18n.h"
#include "common/oserror.h"

static const struct {
	int		 errnum;
	const char	*text;
} oserror_texts[] = {
	{ EACCES, N_("permission denied") },
	{ EPERM, N_("the operation is not permitted") },
	{ EROFS, N_("the file system there is read-only") },
	{ ENOENT, N_("it does not exist") },
	{ ENOTDIR, N_("a part of the path is not a folder") },
	{ EISDIR, N_("it is a folder") },
	{ EEXIST, N_("it already exists") },
	{ ENOSPC, N_("the disk is full") },
#ifdef EDQUOT
	{ EDQUOT, N_("the disk quota is used up") },
#endif
	{ ENAMETOOLONG, N_("the name is too long") },
	{ ELOOP, N_("the path loops through symbolic links") },
	{ EIO, N_("the disk could not be read or written (an input/output error)") },
	{ ENOMEM, N_("out of memory") },
	{ EMFILE, N_("too many files are open") },
	{ ENFILE, N_("too many files are open") },
	{ EBUSY, N_("it is in use") },
	{ ENOTEMPTY, N_("the folder is not empty") },
	{ EXDEV, N_("it is on another file system") },
};

const char *
oserror_text(int errnum, char buf[OSERROR_BUF])
{
	size_t	i;

	for (i = 0; i < sizeof oserror_texts / sizeof oserror_texts[0]; i++)
		if (oserror_texts[i].errnum == errnum)
			return _(oserror_texts[i].text);
	(void)snprintf(buf, OSERROR_BUF, _("the system refused it (error %d)"), errnum);
	return buf;
}

/*
 * atomicfile — replace a file so that a reader, a crash or a full disk sees either the old
 * contents or the new, never a mix: temp file in the same folder, write, fsync, rename,
 * fsync the folder. The new file gets exactly `mode` (0600 for keys and state). On any
 * failure the temp file is removed, the old file is untouched, and -1 comes back with a
 * cause naming the step and the path.
 */
#ifndef NCA_ATOMICFILE_H
#define NCA_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

int	atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
	    char **cause);

#endif

/*
 * atomicfile — replace a file so that a reader, a crash or a full disk sees either the old
 * contents or the new, never a mix: temp file in the same folder, write, fsync, rename,
 * fsync the folder. The new file gets exactly `mode` (0600 for keys and state). On any
 * failure the temp file is removed, the old file is untouched, and -1 comes back with a
 * cause naming the step and the path.
 *
 * A writer killed on the way (SIGKILL, power) leaves its temp file, which may hold a copy
 * of the state or half a key. So the temp file is named DIR/.NAME.PID.XXXXXX after its
 * writer and locked (flock) by it from its creation to the rename, and atomicfile_sweep
 * later removes those whose writer is gone.
 */
#ifndef NCA_ATOMICFILE_H
#define NCA_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

int	atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
	    char **cause);
/*
 * Removes the temp files atomicfile_write left in dir when their writer died, for the
 * final names ours(name) accepts: a temp file goes only if its writer's process is gone
 * and nobody holds its lock (which a live writer in another pid namespace would), and
 * its bytes are overwritten and synced before it is unlinked (it may be half a key).
 * all_stale: the caller holds a lock every writer of these files takes (the state's), so
 * every such temp file is stale, also one of the older naming without a PID. Files of
 * another owner, or not regular, are never touched. *removed (may be NULL) counts them.
 * 0, or -1 with a cause when dir cannot be read (a missing dir is 0).
 */
/*
 * Removes a file for good, as far as a file system that writes in place allows: its bytes
 * overwritten with zeros and synced, then the name unlinked and the folder synced. For
 * private keys that are no longer wanted. A missing file is 0 with *gone = 0 (gone may
 * be NULL); not a regular file (a symlink...) is refused.
 */
int	atomicfile_shred(const char *path, int *gone, char **cause);
int	atomicfile_sweep(const char *dir, int (*ours)(const char *name, void *arg),
	    void *arg, int all_stale, size_t *removed, char **cause);

#endif

/*
 * keystore-wrap — the wrapping keys of a PC folder's pending keys (doc/keys-at-rest.md):
 * one random 256-bit key per application, kept as 64 lower-case hex digits and a newline
 * in WRAPDIR/<app_id>.key (mode 0600, WRAPDIR 0700), WRAPDIR being
 * $XDG_DATA_HOME/ncaenroll/wrap, else ~/.local/share/ncaenroll/wrap: outside the key
 * folder, so that a copy of the folder alone holds no usable private key. A key comes
 * back as a struct secret (the pending keys' PBES2 passphrase; the caller frees it with
 * secret_free). 0 or -1 with a caller-freed cause. Only keystore-file.c calls these.
 */
#ifndef NCA_KEYSTORE_WRAP_H
#define NCA_KEYSTORE_WRAP_H

#include "common/secret.h"

/* The default WRAPDIR (malloc'd), from the environment; -1 when neither variable is set. */
int	keystore_wrap_dir_default(char **dir, char **cause);
/* The key there: *key NULL (and 0) when there is none. */
int	keystore_wrap_read(const char *path, struct secret **key, char **cause);
/* The key there, or a new one written atomically (its folders made 0700 first). */
int	keystore_wrap_make(const char *path, struct secret **key, char **cause);
/* Overwritten and removed for good (atomicfile_shred); a missing one is 0. */
int	keystore_wrap_remove(const char *path, char **cause);

#endif

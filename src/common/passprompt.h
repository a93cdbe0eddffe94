/*
 * passprompt — asks for a password on a terminal without echo, or reads it as one line from
 * a descriptor that is not a terminal (a pipe, --password-fd). One of the few places a
 * secret passes through (STYLE.md §9). Returns a secret the caller frees, or NULL + cause.
 */
#ifndef NCA_PASSPROMPT_H
#define NCA_PASSPROMPT_H

#include "common/secret.h"

/* prompt goes to stderr, and only when fd is a terminal. */
struct secret	*passprompt_read(int fd, const char *prompt, char **cause);

#endif

/*
 * secret — a password or PIN held only as long as needed. The type is opaque: its bytes are
 * reached only through secret_reveal(), the buffer is wiped on free, and while it lives
 * the logger redacts its value from every message (log.c asks secret_redact()). Callers
 * own what secret_new/secret_read_line return and free it with secret_free (NULL-safe).
 * Thread-safe: the list of live secrets is guarded by a mutex.
 */
#ifndef NCA_SECRET_H
#define NCA_SECRET_H

#include <stddef.h>

#define SECRET_MAX 1024

struct secret;

struct secret	*secret_new(const char *bytes, size_t len);
/* Reads one line (without its newline) from fd, at most SECRET_MAX bytes. */
struct secret	*secret_read_line(int fd, char **cause);
const char	*secret_reveal(const struct secret *);
size_t		 secret_len(const struct secret *);
int		 secret_equal(const struct secret *, const struct secret *);
void		 secret_free(struct secret *);
/* Overwrites, in text, every occurrence of a live secret's value with asterisks. */
void		 secret_redact(char *text);

#endif

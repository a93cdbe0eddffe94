/*
 * about — the GNU-style --version text shared by the three programs, so the version, the
 * copyright and the licence are stated once. Writes to stdout; returns 0 or -1 on a write
 * error (a full disk or a closed pipe must not pass for success).
 */
#ifndef NCA_ABOUT_H
#define NCA_ABOUT_H

int	about_version(const char *program);
/* Flushes stdout and reports a failed write: the exit status a main should return. */
int	about_close_stdout(int status);

#endif

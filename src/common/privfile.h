/*
 * privfile — whether a secret's file is private: a regular file that gives no permission
 * to others, nor to its group unless group_may_read (a TLS key in Debian's ssl-cert group,
 * 0640). The service refuses a key or password file others can read, as ssh does: such a
 * secret is as good as published. 0, or -1 with a caller-freed cause that names the file,
 * its mode and the chmod that fixes it (never what the file holds).
 */
#ifndef NCA_PRIVFILE_H
#define NCA_PRIVFILE_H

/* fd: the file already open (checked with fstat), or -1 to check path with stat. */
int	privfile_check(int fd, const char *path, int group_may_read, char **cause);

#endif

/*
 * hardening — process settings for programs that hold passwords, PINs or private keys:
 * no core dumps (a crash must not write a secret to disk) and no ptrace by other processes
 * of the same user. Called first thing in each main; 0 or -1 with a cause.
 */
#ifndef NCA_HARDENING_H
#define NCA_HARDENING_H

int	hardening_no_core_dumps(char **cause);
/*
 * A write to a closed pipe or socket fails with EPIPE instead of killing the process: a
 * token reached over a socket (p11-kit's client module) whose server went away must be
 * reported, not end the program between two steps of writing keys.
 */
int	hardening_no_sigpipe(char **cause);

#endif

/*
 * softhsm — a fresh SoftHSM2 token for one unit test: its own configuration and token
 * folder in a temporary folder, initialised with softhsm2-util (label, user PIN, SO PIN),
 * and this process pointed at it (SOFTHSM2_CONF; NCAENROLL_PKCS11_MODULE = SoftHSM2's
 * module). SoftHSM2 reads SOFTHSM2_CONF when a process starts the module, so every
 * keystore or p11 handle of the previous token must be closed first. Failures are cmocka
 * assertions; softhsm_free removes the folder.
 */
#ifndef NCA_TEST_SOFTHSM_H
#define NCA_TEST_SOFTHSM_H

#define SOFTHSM_MODULE	"/usr/lib/softhsm/libsofthsm2.so"

struct softhsm {
	char	dir[64];
	char	conf[96];
	char	label[33];
	char	serial[17];
};

void	softhsm_make(struct softhsm *, const char *label, const char *pin, const char *so_pin);
void	softhsm_free(struct softhsm *);

/*
 * The token served by `p11-kit server` on a socket in the token's folder, and this process
 * pointed at it through p11-kit's client module (P11_KIT_SERVER_ADDRESS): a token that can
 * be disconnected on cue. softhsm_unplug ends the server and the process serving us
 * (SIGPIPE must then be ignored: the client module writes to the dead socket).
 */
int	softhsm_serve(struct softhsm *, const char *client_module);
void	softhsm_unplug(int pid);

#endif

/*
 * srvconf — ncaenrolld's configuration: the defaults, the YAML file (ncaenrolld.yaml(5))
 * and the listen address syntax, filling struct srv_config of srv.h. srvconf.c owns the
 * strings in the struct (malloc'd; srvconf_free releases them). A file with an unknown
 * key, a wrong type or a value out of range is refused as a whole with "FILE:LINE: reason".
 * Functions return 0 or -1 with a caller-freed cause. Called from main only, before threads.
 * (Named srvconf.h, not config.h: a "config.h" here would shadow autoconf's config.h,
 * which every file includes as "config.h", for all the files of src/ncaenrolld.)
 */
#ifndef NCA_SRVCONF_H
#define NCA_SRVCONF_H

#include <stddef.h>

#include "ncaenrolld/srv.h"

/* PKGSYSCONFDIR, PKGSTATEDIR: configure's --sysconfdir, --localstatedir (Makefile.am). */
#define SRV_CONFIG_FILE		PKGSYSCONFDIR "/ncaenrolld.yaml"
#define SRV_HOST_MAX		256

/* The documented defaults (ncaenrolld.yaml(5)); cfg is overwritten, not freed first. */
int	srvconf_init(struct srv_config *, char **cause);
/* Reads FILE over what cfg holds (keys absent from the file keep their value). */
int	srvconf_load(struct srv_config *, const char *file, char **cause);
void	srvconf_free(struct srv_config *);
/*
 * each(name, off, arg) for every setting of the file whose value differs between a and b:
 * its name as the file writes it ("tls.cert", "policy.threads") and its offset in struct
 * srv_config. Settings the file cannot hold (clock_file, mail.password) are not compared.
 */
void	srvconf_diff(const struct srv_config *a, const struct srv_config *b,
	    void (*each)(const char *name, size_t off, void *arg), void *arg);
/* Replaces a string setting (NULL clears it): 0 or -1 on exhaustion of memory. */
int	srvconf_set(char **field, const char *value, char **cause);

/*
 * "HOST:PORT" or "[IPV6]:PORT" (HOST may be a name, an IPv4 address, or "*" for all
 * addresses); PORT 0-65535, 0 = any free port. host gets HOST without brackets.
 */
int	srvconf_listen_parse(const char *listen, char host[SRV_HOST_MAX], int *port,
	    char **cause);

#endif

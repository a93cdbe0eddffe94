/*
 * cliconf — the settings files of the command-line programs: a system file, then one in
 * $XDG_CONFIG_HOME (~/.config), each a flat YAML mapping of text values; later files, and
 * then command-line options, win. A missing file is fine; an unknown key or a value that
 * is not text is refused with file:line. Each program names its keys in a table whose rows
 * point at char * members of its own struct (ncaenroll: struct cliconf below; ncaenroll-ra:
 * struct ra_settings). Values are malloc'd; cliconf_release frees them. 0 or -1 + cause.
 */
#ifndef NCA_CLICONF_H
#define NCA_CLICONF_H

#include <stddef.h>

struct cliconf_key {
	const char	*key;
	size_t		 off;		/* offsetof the char * member */
};

struct cliconf_spec {
	const struct cliconf_key	*keys;
	size_t				 nkeys;
	const char			*known;		/* "service, ca_file, ...", for refusals */
	const char			*system;	/* PKGSYSCONFDIR "/ncaenroll.yaml" */
	const char			*user;		/* "ncaenroll/config.yaml" under the XDG dir */
};

int	cliconf_read(const struct cliconf_spec *, void *settings, char **cause);
int	cliconf_read_file(const struct cliconf_spec *, void *settings, const char *path,
	    char **cause);
void	cliconf_release(const struct cliconf_spec *, void *settings);

/* ncaenroll's own settings. */
struct cliconf {
	char	*service;
	char	*ca_file;
	char	*state;
	char	*lang;
	char	*token_factory_pin;	/* refuse (NULL: the default) or allow */
};

int	cliconf_load(struct cliconf *, char **cause);
int	cliconf_load_file(struct cliconf *, const char *path, char **cause);
void	cliconf_free(struct cliconf *);
/* 1 when the settings allow keys on a token still on its factory PIN. */
int	cliconf_factory_pin_allowed(const struct cliconf *);

#endif

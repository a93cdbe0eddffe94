/*
 * cliconf — the applicant's settings files: /etc/ncaenroll/ncaenroll.yaml, then
 * $XDG_CONFIG_HOME/ncaenroll/config.yaml (~/.config/...), each a flat YAML mapping with
 * the keys service, ca_file, state and lang; later files and then command-line options
 * win. A missing file is fine; an unknown key or a bad value is refused with file:line.
 * Values are malloc'd into struct cliconf; cliconf_free releases them.
 */
#ifndef NCA_CLICONF_H
#define NCA_CLICONF_H

struct cliconf {
	char	*service;
	char	*ca_file;
	char	*state;
	char	*lang;
};

int	cliconf_load(struct cliconf *, char **cause);
/* One file (tests and the two standard places). */
int	cliconf_load_file(struct cliconf *, const char *path, char **cause);
void	cliconf_free(struct cliconf *);

#endif

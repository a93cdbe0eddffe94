/*
 * fuzz-config — ncaenrolld's configuration file (srvconf.c, ncaenrolld.yaml(5)): any bytes
 * as the file are read over the defaults or refused as a whole naming the file; what is
 * read has its listen addresses parsed as the service parses them at start.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ncaenrolld/srvconf.h"

static void
fuzz_config_listen(const char *listen)
{
	char	 host[SRV_HOST_MAX], *cause = NULL;
	int	 port = -1;

	if (listen == NULL)
		return;
	if (srvconf_listen_parse(listen, host, &port, &cause) == 0) {
		if (port < 0 || port > 65535 || strlen(host) >= SRV_HOST_MAX)
			abort();
	} else if (cause == NULL)
		abort();
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct srv_config	 cfg;
	const char		*path = fuzz_file("ncaenrolld.yaml", data, len);
	char			*cause = NULL;

	if (srvconf_init(&cfg, &cause) == -1)
		fuzz_die("srvconf_init", cause);
	if (srvconf_load(&cfg, path, &cause) == 0) {
		fuzz_config_listen(cfg.listen);
		fuzz_config_listen(cfg.http_listen);
	} else if (cause == NULL || strstr(cause, "ncaenrolld.yaml") == NULL)
		abort();	/* refused without naming the file */
	free(cause);
	srvconf_free(&cfg);
	return 0;
}

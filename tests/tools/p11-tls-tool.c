/*
 * p11-tls-tool — one call to the desk's queue with the operator identity on a token, for
 * tests/system/test_ra_token.py, which must see both TLS versions work:
 *   p11-tls-tool [-2] [-w] -p FD URL CAFILE PKCS11-URI
 * The PIN is one line read from descriptor FD. -2 takes the path of a token that cannot
 * sign RSA-PSS (TLS 1.2, PKCS#1 v1.5); without it the client offers TLS 1.3. -w: after
 * signing in, print "ready" and wait for a line on stdin (the test pulls the token). Prints
 * "HTTP <status> <TLS version>" and exits 0 for an answer of 2xx, 1 otherwise (the cause
 * on stderr), 2 for usage.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "common/secret.h"
#include "desk/p11-identity.h"
#include "enroll/client.h"

static const char *
version_name(int v)
{
	switch (v) {
	case TLS1_2_VERSION:
		return "TLSv1.2";
	case TLS1_3_VERSION:
		return "TLSv1.3";
	default:
		return "TLS?";
	}
}

int
main(int argc, char **argv)
{
	struct client_config	 cfg;
	struct client_result	 res;
	struct client		*c = NULL;
	struct p11_identity	 id;
	struct secret		*pin = NULL;
	enum p11_failure	 why;
	char			*cause = NULL;
	char			 line[16];
	int			 ch, fd = -1, tls12 = 0, wait = 0, rc = 1;

	memset(&id, 0, sizeof id);
	memset(&res, 0, sizeof res);
	/* p11-kit's client module writes to its server's socket: if that is gone, say so. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 1;
	while ((ch = getopt(argc, argv, "2wp:")) != -1) {
		if (ch == '2')
			tls12 = 1;
		else if (ch == 'w')
			wait = 1;
		else if (ch == 'p')
			fd = atoi(optarg);
		else
			return 2;
	}
	if (fd < 0 || argc - optind != 3) {
		fprintf(stderr, "usage: p11-tls-tool [-2] [-w] -p FD URL CAFILE PKCS11-URI\n");
		return 2;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.url = argv[optind];
	cfg.ca_file = argv[optind + 1];
	cfg.tries = 1;
	if ((pin = secret_read_line(fd, &cause)) == NULL ||
	    p11_identity_open(argv[optind + 2], pin, &id, &why, &cause) == -1 ||
	    (c = client_new(&cfg, &cause)) == NULL ||
	    client_set_identity_key(c, id.key, id.cert, tls12 || !id.pss, argv[optind + 2],
	    NULL, NULL, &cause) == -1)
		goto out;
	if (wait && (printf("ready\n") < 0 || fflush(stdout) != 0 ||
	    fgets(line, sizeof line, stdin) == NULL))
		goto out;
	if (client_call(c, "GET", "/api/v1/ra/queue", NULL, 1, &res, &cause) == 0)
		rc = 0;
	printf("HTTP %ld %s\n", res.status, version_name(res.tls_version));
out:
	if (cause != NULL)
		fprintf(stderr, "p11-tls-tool: %s\n", cause);
	free(cause);
	client_result_free(&res);
	client_free(c);
	p11_identity_free(&id);
	secret_free(pin);
	return rc;
}

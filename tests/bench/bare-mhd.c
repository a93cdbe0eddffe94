/*
 * bare-mhd — the baseline of status_bench.py: libmicrohttpd answering every request with
 * one constant body, over the same TLS as ncaenrolld (its certificate and key, its GnuTLS
 * priorities, its pool of threads), with the same response headers. Built by the
 * benchmark for itself (cc, pkg-config libmicrohttpd), never installed.
 *
 *	bare-mhd CERT KEY BODY-FILE THREADS
 *
 * Prints "listening on PORT" (a free loopback port) and serves until SIGTERM or SIGINT.
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* http.c's HTTP_PRIORITIES */
#define BARE_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
			"-KX-ALL:+ECDHE-RSA:+ECDHE-ECDSA:" \
			"-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:" \
			"-MAC-ALL:+AEAD"

static char	*bare_body;
static size_t	 bare_len;

static char *
bare_read(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = calloc(1, (size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	(void)fclose(f);
	*len = (size_t)n;
	return buf;
}

static enum MHD_Result
bare_answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	(void)cls; (void)url; (void)method; (void)version; (void)upload;
	if (*con_cls == NULL) {
		*con_cls = c;
		return MHD_YES;
	}
	*upload_size = 0;
	r = MHD_create_response_from_buffer(bare_len, bare_body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	(void)MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	const union MHD_DaemonInfo	*di;
	struct MHD_Daemon		*d;
	sigset_t			 set;
	size_t				 n;
	char				*cert, *key;
	int				 sig;

	if (argc != 5) {
		fprintf(stderr, "usage: bare-mhd CERT KEY BODY-FILE THREADS\n");
		return 2;
	}
	cert = bare_read(argv[1], &n);
	key = bare_read(argv[2], &n);
	bare_body = bare_read(argv[3], &bare_len);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, bare_answer, NULL,
	    MHD_OPTION_SOCK_ADDR, NULL,
	    MHD_OPTION_HTTPS_MEM_CERT, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key,
	    MHD_OPTION_HTTPS_PRIORITIES, BARE_PRIORITIES,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)atoi(argv[4]),
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_CONNECTION_LIMIT, 1024u,
	    MHD_OPTION_END);
	if (d == NULL || (di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) == NULL) {
		fprintf(stderr, "bare-mhd: cannot start\n");
		return 1;
	}
	printf("listening on %u\n", (unsigned)di->port);
	fflush(stdout);
	(void)sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}

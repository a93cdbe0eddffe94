/* softhsm — see softhsm.h. */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "softhsm.h"

extern char **environ;

static int
softhsm_run(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t	fa;
	pid_t				pid;
	int				st;

	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ), 0);
	assert_int_equal(posix_spawn_file_actions_destroy(&fa), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* softhsm2-util --show-slots: the serial shown in the token block with our label. */
static void
softhsm_serial(struct softhsm *h)
{
	char	 out[160], line[256], serial[64] = "", *v;
	FILE	*fp;
	size_t	 n;
	char	 prog[] = "softhsm2-util", show[] = "--show-slots";
	char	*argv[] = { prog, show, NULL };

	(void)snprintf(out, sizeof out, "%s/slots.txt", h->dir);
	assert_int_equal(softhsm_run(argv, out), 0);
	assert_non_null(fp = fopen(out, "r"));
	while (fgets(line, sizeof line, fp) != NULL) {
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ' '))
			line[--n] = '\0';
		if ((v = strstr(line, "Serial number:")) != NULL) {
			v += strlen("Serial number:");
			v += strspn(v, " ");
			(void)snprintf(serial, sizeof serial, "%s", v);
		} else if ((v = strstr(line, "Label:")) != NULL) {
			v += strlen("Label:");
			v += strspn(v, " ");
			if (strcmp(v, h->label) == 0 && serial[0] != '\0')
				(void)snprintf(h->serial, sizeof h->serial, "%s", serial);
		}
	}
	(void)fclose(fp);
	assert_true(h->serial[0] != '\0');
}

void
softhsm_make(struct softhsm *h, const char *label, const char *pin, const char *so_pin)
{
	char	 tokens[128], out[160];
	FILE	*fp;
	char	 prog[] = "softhsm2-util", init[] = "--init-token", fr[] = "--free";
	char	 l[] = "--label", p[] = "--pin", so[] = "--so-pin";
	char	*argv[] = { prog, init, fr, l, (char *)label, p, (char *)pin, so,
		    (char *)so_pin, NULL };

	memset(h, 0, sizeof *h);
	(void)snprintf(h->dir, sizeof h->dir, "/tmp/nca-softhsm-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	(void)snprintf(h->label, sizeof h->label, "%s", label);
	(void)snprintf(tokens, sizeof tokens, "%s/tokens", h->dir);
	assert_int_equal(mkdir(tokens, 0700), 0);
	(void)snprintf(h->conf, sizeof h->conf, "%s/softhsm2.conf", h->dir);
	assert_non_null(fp = fopen(h->conf, "w"));
	assert_true(fprintf(fp, "directories.tokendir = %s\nobjectstore.backend = file\n"
	    "log.level = ERROR\nslots.removable = false\n", tokens) > 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(setenv("SOFTHSM2_CONF", h->conf, 1), 0);
	assert_int_equal(setenv("NCAENROLL_PKCS11_MODULE", SOFTHSM_MODULE, 1), 0);
	(void)snprintf(out, sizeof out, "%s/init.txt", h->dir);
	assert_int_equal(softhsm_run(argv, out), 0);
	softhsm_serial(h);
}

static int
softhsm_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

void
softhsm_free(struct softhsm *h)
{
	if (h->dir[0] != '\0')
		assert_int_equal(nftw(h->dir, softhsm_rm, 16, FTW_DEPTH | FTW_PHYS), 0);
	assert_int_equal(unsetenv("SOFTHSM2_CONF"), 0);
	assert_int_equal(unsetenv("NCAENROLL_PKCS11_MODULE"), 0);
	memset(h, 0, sizeof *h);
}

/* 1 when a server takes connections at the socket path. */
static int
softhsm_listening(const char *path)
{
	struct sockaddr_un	sa = { .sun_family = AF_UNIX };
	int			fd, ok;

	(void)snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	(void)close(fd);
	return ok;
}

int
softhsm_serve(struct softhsm *h, const char *client_module)
{
	posix_spawn_file_actions_t	 fa;
	struct timespec			 pause = { 0, 50 * 1000 * 1000 };
	char				 sock[128], uri[64], addr[160], out[160];
	char				 prog[] = "p11-kit", server[] = "server", fg[] = "-f";
	char				 n[] = "-n", p[] = "--provider", mod[] = SOFTHSM_MODULE;
	char				*argv[] = { prog, server, fg, n, sock, p, mod, uri, NULL };
	pid_t				 pid;
	int				 i;

	(void)snprintf(sock, sizeof sock, "%s/p11-kit.sock", h->dir);
	(void)snprintf(uri, sizeof uri, "pkcs11:serial=%s", h->serial);
	(void)snprintf(out, sizeof out, "%s/server.txt", h->dir);
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ), 0);
	assert_int_equal(posix_spawn_file_actions_destroy(&fa), 0);
	/*
	 * Until it takes a connection, not until the socket is there: the file exists from
	 * bind(), before listen(), and a client that came in between found no token (seen
	 * on a loaded machine).
	 */
	for (i = 0; i < 200 && !softhsm_listening(sock); i++)
		(void)nanosleep(&pause, NULL);
	assert_true(softhsm_listening(sock));
	(void)snprintf(addr, sizeof addr, "unix:path=%s", sock);
	assert_int_equal(setenv("P11_KIT_SERVER_ADDRESS", addr, 1), 0);
	assert_int_equal(setenv("NCAENROLL_PKCS11_MODULE", client_module, 1), 0);
	return (int)pid;
}

void
softhsm_unplug(int pid)
{
	char	 path[64], buf[256], *tok, *save = NULL;
	FILE	*fp;
	int	 st;

	/* The server forks one process per client: that one holds our session. */
	(void)snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof buf, fp) != NULL)
			for (tok = strtok_r(buf, " \n", &save); tok != NULL;
			    tok = strtok_r(NULL, " \n", &save))
				assert_int_equal(kill((pid_t)atoi(tok), SIGKILL), 0);
		(void)fclose(fp);
	}
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	assert_int_equal(waitpid((pid_t)pid, &st, 0), pid);
	assert_int_equal(unsetenv("P11_KIT_SERVER_ADDRESS"), 0);
}

/*
 * demo — the demo service a client program starts beside itself (--demo): ncaenrolld
 * on loopback with its own folder, stopped when the program ends.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/demo.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"

#define DEMO_START_SECONDS 60	/* a first start creates a CA: RSA keys take a while */

/* ncaenrolld beside this program (a build tree, or one prefix), else where make put it. */
static char *
demo_server_path(void)
{
	char	 self[PATH_MAX], *slash, *path = NULL;
	ssize_t	 n = readlink("/proc/self/exe", self, sizeof self - 1);

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (asprintf(&path, "%s/ncaenrolld", self) != -1 && access(path, X_OK) == 0)
				return path;
			free(path);
			path = NULL;
			if (asprintf(&path, "%s/../sbin/ncaenrolld", self) != -1 &&
			    access(path, X_OK) == 0)
				return path;
			free(path);
		}
	}
	return strdup(SBINDIR "/ncaenrolld");
}

static int
demo_mkdirs(const char *dir, char **cause)
{
	char	*copy = strdup(dir), *s;

	if (copy == NULL)
		return -1;
	for (s = copy + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(copy, 0700) == -1 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(copy, 0700) == -1 && errno != EEXIST)
		goto fail;
	free(copy);
	return 0;
fail:
	cause_set(cause, _("cannot create %s: %s"), copy, OSERROR(errno));
	free(copy);
	return -1;
}

static int
demo_paths(struct demo_service *d, char **cause)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*service = NULL;
	int		 rc;

	if (xdg != NULL && *xdg == '/')
		rc = asprintf(&d->dir, "%s/ncaenroll/demo", xdg);
	else if (home != NULL && *home == '/')
		rc = asprintf(&d->dir, "%s/.local/state/ncaenroll/demo", home);
	else {
		cause_set(cause, _("neither XDG_STATE_HOME nor HOME is set"));
		return -1;
	}
	if (rc == -1 || asprintf(&service, "%s/service", d->dir) == -1 ||
	    asprintf(&d->ca_file, "%s/ca-chain.pem", service) == -1 ||
	    asprintf(&d->state_path, "%s/state.yaml", d->dir) == -1 ||
	    asprintf(&d->mail_dir, "%s/mail", service) == -1) {
		free(service);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	rc = demo_mkdirs(service, cause);
	free(service);
	return rc;
}

static void
demo_child(int out, const char *server, char *const argv[], const char *log)
{
	int	fd;

	/* The service must not outlive the command that started it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || dup2(out, STDOUT_FILENO) == -1)
		_exit(127);
	if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) != -1 &&
	    dup2(fd, STDERR_FILENO) == -1)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, STDIN_FILENO) == -1)
		_exit(127);
	execv(server, argv);
	_exit(127);
}

/* Reads the child's stdout until "listening on URL" or the deadline. */
static int
demo_wait_ready(struct demo_service *d, int fd, char **cause)
{
	char		 buf[512], *nl, *at;
	size_t		 len = 0;
	ssize_t		 n;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	time_t		 end = time(NULL) + DEMO_START_SECONDS;

	while (time(NULL) < end) {
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			break;
		if (!(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		/* Whole lines only; anything before the one we wait for is passed over. */
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if ((at = strstr(buf, "listening on ")) != NULL) {
				if ((d->url = strdup(at + 13)) != NULL)
					return 0;
				goto fail;
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof buf - 1)
			break;
	}
fail:
	cause_set(cause, _("the demo service did not start; see %s/ncaenrolld.log"), d->dir);
	return -1;
}

int
demo_start(struct demo_service *d, int auto_approve, const char *fixed_captcha, char **cause)
{
	char	*server = NULL, *service = NULL, *log = NULL, approve[16];
	char	*argv[12];
	int	 p[2] = { -1, -1 }, i = 0, rc = -1;

	memset(d, 0, sizeof *d);
	d->pid = -1;
	if (demo_paths(d, cause) == -1)
		goto out;
	(void)snprintf(approve, sizeof approve, "%d", auto_approve);
	if ((server = demo_server_path()) == NULL ||
	    asprintf(&service, "%s/service", d->dir) == -1 ||
	    asprintf(&log, "%s/ncaenrolld.log", d->dir) == -1) {
		cause_set(cause, _("out of memory"));
		goto out;
	}
	argv[i++] = server;
	argv[i++] = (char *)(uintptr_t)"--demo";
	argv[i++] = (char *)(uintptr_t)"--listen";
	argv[i++] = (char *)(uintptr_t)"127.0.0.1:0";
	argv[i++] = (char *)(uintptr_t)"--state-dir";
	argv[i++] = service;
	argv[i++] = (char *)(uintptr_t)"--auto-approve";
	argv[i++] = approve;
	if (fixed_captcha != NULL) {
		argv[i++] = (char *)(uintptr_t)"--fixed-captcha";
		argv[i++] = (char *)(uintptr_t)fixed_captcha;
	}
	argv[i] = NULL;
	if (pipe2(p, O_CLOEXEC) == -1 || (d->pid = fork()) == -1) {
		cause_set(cause, _("cannot start the demo service: %s"), OSERROR(errno));
		goto out;
	}
	if (d->pid == 0)
		demo_child(p[1], server, argv, log);
	(void)close(p[1]);
	p[1] = -1;
	rc = demo_wait_ready(d, p[0], cause);
out:
	if (p[0] != -1)
		(void)close(p[0]);
	if (p[1] != -1)
		(void)close(p[1]);
	if (rc == -1)
		demo_stop(d);
	free(server);
	free(service);
	free(log);
	return rc;
}

void
demo_stop(struct demo_service *d)
{
	struct timespec	tick = { 0, 50 * 1000 * 1000 };
	int		status, i;

	if (d->pid > 0 && kill(d->pid, SIGTERM) == 0) {
		for (i = 0; i < 200 && waitpid(d->pid, &status, WNOHANG) == 0; i++)
			(void)nanosleep(&tick, NULL);
		if (i == 200) {
			(void)kill(d->pid, SIGKILL);
			(void)waitpid(d->pid, &status, 0);
		}
	}
	d->pid = -1;
	free(d->dir);
	free(d->url);
	free(d->ca_file);
	free(d->state_path);
	free(d->mail_dir);
	d->dir = d->url = d->ca_file = d->state_path = d->mail_dir = NULL;
}

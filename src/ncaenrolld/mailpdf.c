/*
 * mailpdf — the form's fields from the store in the reader's language, and the helper run
 * with a clean environment, the JSON on a socket as its standard input, its first line of
 * standard error kept, and a deadline after which it is killed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/appform-json.h"
#include "common/cause.h"
#include "common/storage.h"
#include "ncaenrolld/mailpdf.h"

#define MAILPDF_HELPER		"ncaenroll-pdf"
#define MAILPDF_KZ_OFFSET	(5 * 3600)	/* Kazakhstan: UTC+05:00, one zone */

/* What the helper may know of our environment: where the build tree keeps its words. */
static const char *const mailpdf_passed[] = { "NCAENROLL_LOCALEDIR", "NCAENROLL_DATADIR" };

struct mailpdf_run {
	pid_t	pid;
	int	in, err;	/* our ends of its standard input and error */
	char	line[256];	/* the first line it wrote on standard error */
	size_t	len;
	int	line_done;
};

char *
mailpdf_dir_name(struct store *st, enum store_dir dir, const char *id, const char *lang)
{
	struct store_entry	 e;
	const char		*n = NULL;
	char			*s;
	int			 found = 0;

	memset(&e, 0, sizeof e);
	if (store_entry_get(st, dir, id, &e, &found, NULL) == -1 || !found)
		return strdup(id);
	if (lang != NULL && strcmp(lang, "kk") == 0)
		n = e.name.kk;
	else if (lang != NULL && strcmp(lang, "ru") == 0)
		n = e.name.ru;
	else
		n = e.name.en;
	if (n == NULL || *n == '\0')
		n = e.name.en != NULL ? e.name.en : e.name.ru;
	s = strdup(n != NULL ? n : id);
	store_entry_free(&e);
	return s;
}

/* The organization's name in lang: kk in Kazakh, else Russian (registries have no en). */
static char *
mailpdf_org_name(struct store *st, const struct store_app *a, const char *lang)
{
	struct store_org	 o;
	const char		*n;
	char			*s;
	int			 found = 0;

	memset(&o, 0, sizeof o);
	if (store_org_get(st, a->bin, &o, &found, NULL) == -1 || !found)
		return strdup(a->org_name);
	n = strcmp(lang, "kk") == 0 && o.name.kk != NULL ? o.name.kk : o.name.ru;
	s = strdup(n != NULL ? n : a->org_name);
	store_org_free(&o);
	return s;
}

/* The date a person in Kazakhstan reads for t: "2026-12-07". */
static void
mailpdf_day(time_t t, char buf[16])
{
	time_t		kz = t + MAILPDF_KZ_OFFSET;
	struct tm	tm;

	if (gmtime_r(&kz, &tm) == NULL || strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
		(void)snprintf(buf, 16, "%lld", (long long)t);
}

/* The request for the helper (appform-json.h); malloc'd, NULL with a cause. */
static char *
mailpdf_request(const struct srv *srv, struct store *st, const struct store_app *a,
    const char *lang, const char *path, char **cause)
{
	const struct storage_kind	*stg = storage_find(a->storage);
	struct appform			 af;
	char				 date[16], deadline[16], *json = NULL;
	char				*org, *role, *region, *city, *applicant;

	mailpdf_day(a->created, date);
	mailpdf_day(a->deadline, deadline);
	org = mailpdf_org_name(st, a, lang);
	role = mailpdf_dir_name(st, STORE_ROLES, a->role_id, lang);
	region = mailpdf_dir_name(st, STORE_REGIONS, a->region_id, lang);
	city = mailpdf_dir_name(st, STORE_CITIES, a->city_id, lang);
	applicant = appform_full_name(a->surname, a->given_name, a->patronymic);
	af = (struct appform){ .number = a->number, .date = date, .deadline = deadline,
	    .org_name = org, .bin = a->bin, .applicant = applicant, .iin = a->iin,
	    .email = a->email, .role = role, .region = region, .city = city,
	    .gu_code = a->gu_code, .storage = stg != NULL ? storage_name(stg, lang) :
	    a->storage, .days = srv->cfg->policy.verification_days };
	if (org == NULL || role == NULL || region == NULL || city == NULL ||
	    applicant == NULL)
		cause_set(cause, "out of memory");
	else
		json = appform_json_dump(&af, lang, path, cause);
	free(org);
	free(role);
	free(region);
	free(city);
	free(applicant);
	return json;
}

/* PATH, LANG and what mailpdf_passed lets through; malloc'd strings in env[]. */
static int
mailpdf_env(char *env[], size_t max)
{
	const char	*v;
	size_t		 i, n = 0;

	if ((env[n++] = strdup("PATH=/usr/bin:/bin")) == NULL ||
	    (env[n++] = strdup("LANG=C.UTF-8")) == NULL)
		return -1;
	for (i = 0; i < sizeof mailpdf_passed / sizeof mailpdf_passed[0] && n + 1 < max; i++) {
		if ((v = getenv(mailpdf_passed[i])) == NULL)
			continue;
		if (asprintf(&env[n], "%s=%s", mailpdf_passed[i], v) == -1) {
			env[n] = NULL;
			return -1;
		}
		n++;
	}
	env[n] = NULL;
	return 0;
}

static int
mailpdf_actions(posix_spawn_file_actions_t *fa, int in, int err)
{
	int	rc;

	if ((rc = posix_spawn_file_actions_adddup2(fa, in, STDIN_FILENO)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(fa, STDOUT_FILENO, "/dev/null", O_WRONLY,
	    0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(fa, err, STDERR_FILENO)) != 0)
		return rc;
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	return posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#else
	return 0;	/* our descriptors are all close-on-exec */
#endif
}

/* Starts prog; 0 or an errno. Standard input is a socket: an early exit is EPIPE, no signal. */
static int
mailpdf_start(struct mailpdf_run *r, const char *prog, char *const env[])
{
	char *const			 argv[] = { (char *)MAILPDF_HELPER, NULL };
	posix_spawn_file_actions_t	 fa;
	int				 in[2], err[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) == -1)
		return errno;
	if (pipe2(err, O_CLOEXEC) == -1) {
		rc = errno;
		(void)close(in[0]);
		(void)close(in[1]);
		return rc;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) == 0) {
		if ((rc = mailpdf_actions(&fa, in[1], err[1])) == 0)
			rc = posix_spawn(&r->pid, prog, &fa, NULL, argv, env);
		(void)posix_spawn_file_actions_destroy(&fa);
	}
	(void)close(in[1]);
	(void)close(err[1]);
	if (rc != 0) {
		r->pid = -1;
		(void)close(in[0]);
		(void)close(err[0]);
		return rc;
	}
	r->in = in[0];
	r->err = err[0];
	return 0;
}

/* The request, then end of file: a few kilobytes, within the socket's buffer. */
static int
mailpdf_feed(struct mailpdf_run *r, const char *buf, size_t len)
{
	ssize_t	n;
	int	rc = 0;

	while (len > 0) {
		if ((n = send(r->in, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT)) == -1) {
			if (errno == EINTR)
				continue;
			rc = errno;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
	(void)close(r->in);
	r->in = -1;
	return rc;
}

/* What it writes on standard error: the first line kept. 0 at its end, 1 for more. */
static int
mailpdf_hear(struct mailpdf_run *r)
{
	char	buf[256];
	ssize_t	n, i;

	if ((n = read(r->err, buf, sizeof buf)) == -1)
		return errno == EINTR || errno == EAGAIN;
	for (i = 0; i < n && !r->line_done; i++) {
		if (buf[i] == '\n')
			r->line_done = r->len > 0;
		else if (r->len < sizeof r->line - 1)
			r->line[r->len++] = buf[i];
	}
	r->line[r->len] = '\0';
	return n > 0;
}

/* Its standard error to the end, then its status; killed at the deadline. */
static int
mailpdf_wait(struct mailpdf_run *r, int *status)
{
	struct pollfd	 p = { .fd = r->err, .events = POLLIN };
	time_t		 end = time(NULL) + MAILPDF_TIMEOUT;
	pid_t		 w;
	int		 talking = 1, late = 0;

	for (;;) {
		if ((w = waitpid(r->pid, status, WNOHANG)) == r->pid ||
		    (w == -1 && errno != EINTR))
			break;
		if (time(NULL) >= end) {
			(void)kill(r->pid, SIGKILL);
			while (waitpid(r->pid, status, 0) == -1 && errno == EINTR)
				continue;
			late = 1;
			break;
		}
		if (talking && poll(&p, 1, 100) > 0)
			talking = mailpdf_hear(r);
		else if (!talking)
			(void)poll(NULL, 0, 50);
	}
	while (talking && mailpdf_hear(r))
		continue;
	(void)close(r->err);
	r->err = -1;
	r->pid = -1;
	return late;
}

/* Runs the helper on json; 0, or -1 with a cause in its words or how it ended. */
static int
mailpdf_run(const char *json, char **cause)
{
	const char		*dir = getenv("NCAENROLL_LIBEXECDIR");
	struct mailpdf_run	 r = { -1, -1, -1, "", 0, 0 };
	char			*env[8] = { NULL }, *prog = NULL;
	int			 e, status = 0, rc = -1;
	size_t			 i;

	if (asprintf(&prog, "%s/%s", dir != NULL && *dir != '\0' ? dir : PKGLIBEXECDIR,
	    MAILPDF_HELPER) == -1 || mailpdf_env(env, sizeof env / sizeof env[0]) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	if ((e = mailpdf_start(&r, prog, env)) != 0) {
		cause_set(cause, "cannot run %s: %s", MAILPDF_HELPER, strerror(e));
		goto out;
	}
	e = mailpdf_feed(&r, json, strlen(json));
	if (mailpdf_wait(&r, &status))
		cause_set(cause, "%s took longer than %d s", MAILPDF_HELPER, MAILPDF_TIMEOUT);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && e == 0)
		rc = 0;
	else if (*r.line != '\0')
		cause_set(cause, "%s: %s", MAILPDF_HELPER, r.line);
	else if (WIFSIGNALED(status))
		cause_set(cause, "%s was stopped by signal %d", MAILPDF_HELPER,
		    WTERMSIG(status));
	else
		cause_set(cause, "%s ended with exit status %d", MAILPDF_HELPER,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
out:
	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(prog);
	return rc;
}

int
mailpdf_make(const struct srv *srv, struct store *st, const struct store_app *a,
    const char *lang, struct mailpdf *pdf, char **cause)
{
	const char	*tmp = getenv("TMPDIR");
	char		*json = NULL, *why = NULL, *name = NULL, *path = NULL;
	int		 rc = -1;

	memset(pdf, 0, sizeof *pdf);
	if (asprintf(&pdf->dir, "%s/ncaenrolld-mail-XXXXXX", tmp != NULL && *tmp == '/' ?
	    tmp : "/tmp") == -1) {
		pdf->dir = NULL;
		cause_set(cause, "out of memory");
		return -1;
	}
	if (mkdtemp(pdf->dir) == NULL) {
		cause_set(cause, "cannot make a private folder for the PDF: %s",
		    strerror(errno));
		free(pdf->dir);
		pdf->dir = NULL;
		return -1;
	}
	if (asprintf(&name, "application-%s.pdf", a->number) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	pdf->name = name;
	if (asprintf(&path, "%s/%s", pdf->dir, name) == -1) {
		cause_set(cause, "out of memory");
		goto out;
	}
	pdf->path = path;
	if ((json = mailpdf_request(srv, st, a, lang, pdf->path, &why)) != NULL)
		rc = mailpdf_run(json, &why);
	if (rc == -1)
		cause_set(cause, "cannot make the PDF: %s", why != NULL ? why : "out of memory");
out:
	free(json);
	free(why);
	if (rc == -1)
		mailpdf_remove(pdf);
	return rc;
}

void
mailpdf_remove(struct mailpdf *pdf)
{
	/* Nothing more can be done if these fail: the folder is private and names no one. */
	if (pdf->path != NULL)
		(void)unlink(pdf->path);
	if (pdf->dir != NULL)
		(void)rmdir(pdf->dir);
	free(pdf->path);
	free(pdf->dir);
	free(pdf->name);
	memset(pdf, 0, sizeof *pdf);
}

/*
 * cmd-operator — `ncaenrolld operator add|revoke|list`: the RA desk's people. add issues a
 * key and a certificate from the operator CA into a PKCS#12 file protected by a password
 * read without echo (or from --password-fd), records the operator and audits it; revoke
 * ends an operator's access at once (the service checks the store on every request); list
 * shows them. Runs beside a live service: the store is shared (SQLite WAL).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/passprompt.h"
#include "common/password.h"
#include "common/problem.h"
#include "ncaenrolld/cmd.h"
#include "ncaenrolld/operator.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define CMD_OPERATOR_ACTOR_MAX	128

/* Who runs the command, for the audit log: the login's name, or the uid. */
static void
cmd_operator_actor(char out[CMD_OPERATOR_ACTOR_MAX])
{
	struct passwd	*pw = getpwuid(getuid());

	if (pw != NULL && pw->pw_name != NULL)
		(void)snprintf(out, CMD_OPERATOR_ACTOR_MAX, "admin:%s", pw->pw_name);
	else
		(void)snprintf(out, CMD_OPERATOR_ACTOR_MAX, "admin:uid %lu",
		    (unsigned long)getuid());
}

static int
cmd_operator_fail(const char *what, char *cause)
{
	(void)fprintf(stderr, "ncaenrolld: %s%s%s\n", what, cause != NULL ? ": " : "",
	    cause != NULL ? cause : "");
	free(cause);
	return CMD_EXIT_FAIL;
}

static time_t
cmd_operator_now(struct srv_config *cfg)
{
	struct srv	srv;

	memset(&srv, 0, sizeof srv);
	srv.cfg = cfg;
	return srv_now(&srv);
}

static void
cmd_operator_date(time_t t, char buf[32])
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(buf, 32, "-");
}

/* The container's password: from fd (a pipe), or asked twice on the terminal. */
static struct secret *
cmd_operator_password(int fd, char **cause)
{
	struct secret	*pw, *again;
	struct problems	 p;

	if (fd < 0 && !isatty(STDIN_FILENO)) {
		cause_set(cause, "%s", _("no terminal to ask for the password: give "
		    "--password-fd N"));
		return NULL;
	}
	if ((pw = passprompt_read(fd >= 0 ? fd : STDIN_FILENO,
	    _("Password for the operator's PKCS#12: "), cause)) == NULL)
		return NULL;
	problems_init(&p);
	if (password_check(secret_reveal(pw), &p) == -1) {
		cause_set(cause, _("the password is refused: %s"), p.n > 0 &&
		    p.v[0].message != NULL ? p.v[0].message : "see the password rules");
		problems_free(&p);
		secret_free(pw);
		return NULL;
	}
	problems_free(&p);
	if (fd >= 0)
		return pw;
	if ((again = passprompt_read(STDIN_FILENO, _("The same password again: "),
	    cause)) == NULL) {
		secret_free(pw);
		return NULL;
	}
	if (!secret_equal(pw, again)) {
		cause_set(cause, "%s", _("the two passwords differ"));
		secret_free(pw);
		pw = NULL;
	}
	secret_free(again);
	return pw;
}

struct cmd_operator_add {
	const char		*name, *office, *out;
	enum operator_role	 role;
	int			 days, password_fd, replace;
};

static int
cmd_operator_add_args(struct srv_config *cfg, int argc, char **argv,
    struct cmd_operator_add *a)
{
	static const struct option	opts[] = {
		{ "office", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "days", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'f' },
		{ "password-fd", required_argument, NULL, 'p' },
		{ "replace", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	char				*end;
	long				 n;
	int				 c;

	memset(a, 0, sizeof *a);
	a->days = cfg->operators.days > 0 ? cfg->operators.days : 365;
	a->password_fd = -1;
	while ((c = getopt_long(argc, argv, "o:r:d:f:p:R", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->office = optarg; break;
		case 'f': a->out = optarg; break;
		case 'R': a->replace = 1; break;
		case 'r':
			if (operator_role_parse(optarg, &a->role) == -1)
				goto bad;
			break;
		case 'd':
		case 'p':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 || n < (c == 'd') ||
			    n > (c == 'd' ? 3650 : 1024))
				goto bad;
			*(c == 'd' ? &a->days : &a->password_fd) = (int)n;
			break;
		default:
			return -1;
		}
	}
	if (optind + 1 != argc || a->office == NULL) {
		(void)fprintf(stderr, "%s", _("ncaenrolld: operator add NAME --office ID is "
		    "needed\n"));
		return -1;
	}
	a->name = argv[optind];
	return 0;
bad:
	(void)fprintf(stderr, _("ncaenrolld: operator add: bad value '%s' (role: operator or "
	    "supervisor; days: 1-3650; password-fd: a descriptor)\n"), optarg);
	return -1;
}

/* The office exists, and a current operator of that name is replaced only on purpose. */
static int
cmd_operator_add_check(struct store *st, const struct cmd_operator_add *a, char **cause)
{
	struct store_entry	 e;
	struct store_operator	 op;
	int			 found;

	if (operator_name_check(a->name, cause) == -1)
		return -1;
	memset(&e, 0, sizeof e);
	if (store_entry_get(st, STORE_OFFICES, a->office, &e, &found, cause) == -1)
		return -1;
	store_entry_free(&e);
	if (!found) {
		cause_set(cause, _("no office '%s' in the directory of RA offices"), a->office);
		return -1;
	}
	if (store_operator_get(st, a->name, &op, &found, cause) == -1)
		return -1;
	if (found && op.revoked == 0 && !a->replace) {
		cause_set(cause, _("operator %s exists (certificate %s): add --replace to issue "
		    "a new certificate, which makes the old one worthless"), a->name, op.serial);
		store_operator_free(&op);
		return -1;
	}
	store_operator_free(&op);
	return 0;
}

/* Issues, writes the file (never over another), then records: the order a crash forgives. */
static int
cmd_operator_issue(struct srv_config *cfg, struct store *st,
    const struct cmd_operator_add *a, const struct secret *pw, const char *out,
    int announce, char **cause)
{
	struct operator_ca	*oc;
	struct operator_issued	 is;
	struct store_operator	 row;
	char			 actor[CMD_OPERATOR_ACTOR_MAX], until[32];
	time_t			 now = cmd_operator_now(cfg);
	int			 rc = -1;

	memset(&is, 0, sizeof is);
	if (access(out, F_OK) == 0) {
		cause_set(cause, _("%s exists: choose another --out"), out);
		return -1;
	}
	if ((oc = operator_ca_load(cfg->operators.ca_cert, cfg->operators.ca_key,
	    cause)) == NULL)
		return -1;
	if (operator_issue(oc, a->name, a->office, a->role, now, a->days, pw, &is,
	    cause) == -1 ||
	    atomicfile_write(out, is.p12, is.p12_len, 0600, cause) == -1)
		goto out;
	memset(&row, 0, sizeof row);
	row.name = (char *)a->name;
	row.office = (char *)a->office;
	row.role = (char *)operator_role_name(a->role);
	memcpy(row.serial, is.serial, sizeof row.serial);
	row.created = now;
	row.not_after = is.not_after;
	cmd_operator_actor(actor);
	if (store_operator_put(st, &row, actor, now, cause) == -1) {
		(void)unlink(out);	/* a certificate the store does not know opens nothing */
		goto out;
	}
	cmd_operator_date(is.not_after, until);
	/* A service's stdout carries only its "listening on" line: the demo logs instead. */
	if (announce)
		(void)printf(_("operator %s (office %s, %s): certificate %s, valid until %s, "
		    "written to %s\n"), a->name, a->office, row.role, is.serial, until, out);
	else
		log_info("demo operator %s (office %s, %s) written to %s", a->name, a->office,
		    row.role, out);
	rc = 0;
out:
	operator_issued_free(&is);
	operator_ca_free(oc);
	return rc;
}

/*
 * The demo's own desk operator, so `ncaenroll-ra --demo` works at once: a supervisor at
 * Karaganda's first public service centre, its container in STATE/operators/ with the
 * documented demo password. Made once; a demo never holds real people's data.
 */
int
cmd_operator_demo(struct srv_config *cfg, struct store *st, char **cause)
{
	struct cmd_operator_add	 a = { "demo-operator", "karaganda-1", NULL,
				    OPERATOR_ROLE_SUPERVISOR, 365, -1, 1 };
	struct secret		*pw;
	char			*dir = NULL, *out = NULL;
	int			 rc = -1;

	if (asprintf(&dir, "%s/operators", cfg->state_dir) == -1 ||
	    asprintf(&out, "%s/demo-operator.p12", dir) == -1) {
		free(dir);
		cause_set(cause, "%s", _("out of memory"));
		return -1;
	}
	if (access(out, F_OK) == 0)
		rc = 0;
	else if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		cause_set(cause, _("cannot make %s: %s"), dir, strerror(errno));
	else if ((pw = secret_new(CMD_OPERATOR_DEMO_PASSWORD,
	    strlen(CMD_OPERATOR_DEMO_PASSWORD))) == NULL)
		cause_set(cause, "%s", _("out of memory"));
	else {
		rc = cmd_operator_add_check(st, &a, cause) == -1 ? -1 :
		    cmd_operator_issue(cfg, st, &a, pw, out, 0, cause);
		secret_free(pw);
	}
	free(dir);
	free(out);
	return rc;
}

static int
cmd_operator_add(struct srv_config *cfg, int argc, char **argv)
{
	struct cmd_operator_add	 a;
	struct store		*st = NULL;
	struct secret		*pw = NULL;
	char			*cause = NULL, *out = NULL;
	int			 rc = CMD_EXIT_FAIL;

	if (cmd_operator_add_args(cfg, argc, argv, &a) == -1)
		return CMD_EXIT_USAGE;
	if (cfg->operators.ca_cert == NULL || cfg->operators.ca_key == NULL)
		return cmd_operator_fail(_("no operator CA is configured (operators.ca_cert, "
		    "operators.ca_key)"), NULL);
	if (a.out == NULL && asprintf(&out, "%s.p12", a.name) == -1)
		return cmd_operator_fail("out of memory", NULL);
	if ((st = store_open(cfg->store_uri, &cause)) == NULL ||
	    cmd_operator_add_check(st, &a, &cause) == -1 ||
	    (pw = cmd_operator_password(a.password_fd, &cause)) == NULL ||
	    cmd_operator_issue(cfg, st, &a, pw, a.out != NULL ? a.out : out, 1, &cause) == -1)
		rc = cmd_operator_fail("operator add", cause);
	else
		rc = CMD_EXIT_OK;
	secret_free(pw);
	store_close(st);
	free(out);
	return rc;
}

static int
cmd_operator_revoke(struct srv_config *cfg, int argc, char **argv)
{
	struct store	*st;
	char		*cause = NULL, actor[CMD_OPERATOR_ACTOR_MAX];
	int		 found = 0, rc;

	if (argc != 2) {
		(void)fprintf(stderr, "%s", _("ncaenrolld: operator revoke NAME\n"));
		return CMD_EXIT_USAGE;
	}
	cmd_operator_actor(actor);
	if ((st = store_open(cfg->store_uri, &cause)) == NULL)
		return cmd_operator_fail("operator revoke", cause);
	rc = store_operator_revoke(st, argv[1], actor, cmd_operator_now(cfg), &found, &cause);
	store_close(st);
	if (rc == -1)
		return cmd_operator_fail("operator revoke", cause);
	if (found == 0) {
		cause_set(&cause, _("no operator %s"), argv[1]);
		return cmd_operator_fail("operator revoke", cause);
	}
	(void)printf(found == 2 ? _("operator %s was already revoked\n") :
	    _("operator %s revoked\n"), argv[1]);
	return CMD_EXIT_OK;
}

static int
cmd_operator_list(struct srv_config *cfg, int argc, char **argv)
{
	struct store_operator	*v = NULL;
	struct store		*st;
	char			*cause = NULL, c[32], na[32], rv[32];
	size_t			 n = 0, i;
	int			 rc;

	(void)argv;
	if (argc != 1) {
		(void)fprintf(stderr, "%s", _("ncaenrolld: operator list takes no arguments\n"));
		return CMD_EXIT_USAGE;
	}
	if ((st = store_open(cfg->store_uri, &cause)) == NULL)
		return cmd_operator_fail("operator list", cause);
	rc = store_operators(st, &v, &n, &cause);
	store_close(st);
	if (rc == -1)
		return cmd_operator_fail("operator list", cause);
	(void)printf("%-16s %-14s %-10s %-20s %-20s %-20s %s\n", "NAME", "OFFICE", "ROLE",
	    "CREATED", "EXPIRES", "REVOKED", "SERIAL");
	for (i = 0; i < n; i++) {
		cmd_operator_date(v[i].created, c);
		cmd_operator_date(v[i].not_after, na);
		cmd_operator_date(v[i].revoked, rv);
		(void)printf("%-16s %-14s %-10s %-20s %-20s %-20s %s\n", v[i].name, v[i].office,
		    v[i].role, c, na, rv, v[i].serial);
	}
	store_operators_free(v, n);
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
}

static const struct {
	const char	*name;
	int		(*exec)(struct srv_config *, int, char **);
} cmd_operator_verbs[] = {
	{ "add", cmd_operator_add },
	{ "revoke", cmd_operator_revoke },
	{ "list", cmd_operator_list },
};

static int
cmd_operator_exec(struct srv_config *cfg, int argc, char **argv)
{
	size_t	i;

	for (i = 0; argc >= 2 && i < sizeof cmd_operator_verbs / sizeof cmd_operator_verbs[0];
	    i++)
		if (strcmp(argv[1], cmd_operator_verbs[i].name) == 0)
			return cmd_operator_verbs[i].exec(cfg, argc - 1, argv + 1);
	(void)fprintf(stderr, "%s%s", _("Usage: ncaenrolld [OPTION]...\n"),
	    cmd_operator_entry.usage);
	return CMD_EXIT_USAGE;
}

const struct cmd_entry cmd_operator_entry = {
	"operator",
	"  operator add NAME --office ID [--role operator|supervisor] [--days N]\n"
	"               [--out FILE.p12] [--password-fd N] [--replace]\n"
	"  operator revoke NAME\n"
	"  operator list\n",
	cmd_operator_exec,
};

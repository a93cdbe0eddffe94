/*
 * cmd-mail — `ncaenrolld mail list|show`: the administrator's view of the outbox (the
 * store's mail queue, doc/mail.md). list prints one line a mail (its details on the
 * lines under it) or, with --json, an array; show prints one mail and its words as
 * notice_render writes them. The administrator sees the addresses in full. Read only:
 * it runs beside a live service (SQLite WAL). Exit 0, 1 (the store or the mail could not
 * be read, no such mail), 2 (usage).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/textwrap.h"
#include "ncaenrolld/cmd.h"
#include "ncaenrolld/notice.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/store.h"

#define CMD_MAIL_ROW	"%6s  %-34s  %-11s  %-8s %5s\n"
#define CMD_MAIL_INDENT	8	/* the details under a row */
#define CMD_MAIL_WIDTH	80

static int
cmd_mail_fail(const char *what, char *cause)
{
	(void)fprintf(stderr, "ncaenrolld: mail %s: %s\n", what, cause);
	free(cause);
	return CMD_EXIT_FAIL;
}

static int
cmd_mail_usage(void)
{
	(void)fprintf(stderr, "%s%s", _("Usage: ncaenrolld [OPTION]...\n"),
	    cmd_mail_entry.usage);
	return CMD_EXIT_USAGE;
}

/* "2026-12-07 14:05 UTC" (as operator list writes), or ISO 8601 for JSON; 0: "-". */
static void
cmd_mail_time(time_t t, int iso, char buf[32])
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(buf, 32, "-");
}

static json_t *
cmd_mail_json(const struct store_mail *m)
{
	char	 q[32], nt[32], d[32];
	json_t	*o;

	cmd_mail_time(m->queued, 1, q);
	cmd_mail_time(m->next_try, 1, nt);
	cmd_mail_time(m->done, 1, d);
	o = json_pack("{sI ss ss ss ss ss si ss}", "id", (json_int_t)m->id, "number",
	    m->number, "notice", m->notice, "to", m->recipient, "lang", m->lang, "state",
	    store_mail_state_wire(m->state), "attempts", m->attempts, "queued", q);
	if (o == NULL)
		return NULL;
	/* Only what applies: a next try while queued, an end once done, the relay's words. */
	if ((m->state == STORE_MAIL_QUEUED && json_object_set_new(o, "next_try",
	    json_string(nt)) == -1) ||
	    (m->done != 0 && json_object_set_new(o, "done", json_string(d)) == -1) ||
	    (m->error != NULL && *m->error != '\0' &&
	    json_object_set_new(o, "error", json_string(m->error)) == -1)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
cmd_mail_print_json(json_t *o)
{
	int	rc;

	if (o == NULL)
		return CMD_EXIT_FAIL;
	rc = json_dumpf(o, stdout, JSON_COMPACT) == 0 && putchar('\n') != EOF ?
	    CMD_EXIT_OK : CMD_EXIT_FAIL;
	json_decref(o);
	return rc;
}

/* One mail as a row, and under it whom it is for, when, and what went wrong. */
static void
cmd_mail_row(const struct store_mail *m)
{
	char	id[24], tries[16], q[32], nt[32], d[32];

	(void)snprintf(id, sizeof id, "%lld", m->id);
	(void)snprintf(tries, sizeof tries, "%d", m->attempts);
	cmd_mail_time(m->queued, 0, q);
	cmd_mail_time(m->next_try, 0, nt);
	cmd_mail_time(m->done, 0, d);
	(void)printf(CMD_MAIL_ROW, id, m->number, m->notice, store_mail_state_wire(m->state),
	    tries);
	(void)printf("%*s%s (%s)\n%*s", CMD_MAIL_INDENT, "", m->recipient, m->lang,
	    CMD_MAIL_INDENT, "");
	if (m->state == STORE_MAIL_QUEUED)
		(void)printf(_("queued %s, next try %s\n"), q, nt);
	else if (m->done != 0)
		(void)printf(_("queued %s, done %s\n"), q, d);
	else
		(void)printf(_("queued %s\n"), q);
	if (m->error != NULL) {
		(void)printf("%*s", CMD_MAIL_INDENT, "");
		textwrap_print(stdout, m->error, CMD_MAIL_INDENT, CMD_MAIL_INDENT,
		    CMD_MAIL_WIDTH);
	}
}

/* --problems, --number N, --json: 0, or -1 after saying why. */
static int
cmd_mail_list_opts(int argc, char **argv, int *problems, const char **number, int *json)
{
	static const struct option	opts[] = {
		{ "problems", no_argument, NULL, 'p' },
		{ "number", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int				c;

	*problems = *json = 0;
	*number = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			*problems = 1;
		else if (c == 'n')
			*number = optarg;
		else if (c == 'j')
			*json = 1;
		else
			return -1;
	}
	return optind == argc ? 0 : -1;
}

static int
cmd_mail_list(struct srv_config *cfg, int argc, char **argv)
{
	struct store_mail	*v = NULL;
	struct store		*st;
	const char		*number;
	json_t			*a = NULL;
	char			*cause = NULL;
	size_t			 n = 0, i;
	int			 problems, json, rc;

	if (cmd_mail_list_opts(argc, argv, &problems, &number, &json) == -1)
		return cmd_mail_usage();
	if ((st = store_open(cfg->store_uri, &cause)) == NULL)
		return cmd_mail_fail("list", cause);
	rc = store_mail_list(st, number, problems, &v, &n, &cause);
	store_close(st);
	if (rc == -1)
		return cmd_mail_fail("list", cause);
	if (json) {
		if ((a = json_array()) != NULL)
			for (i = 0; i < n && a != NULL; i++)
				if (json_array_append_new(a, cmd_mail_json(&v[i])) == -1) {
					json_decref(a);
					a = NULL;
				}
		store_mails_free(v, n);
		return cmd_mail_print_json(a);
	}
	if (n == 0)
		(void)printf("%s\n", problems ? _("No mail refused or given up.") :
		    _("No mail queued or sent."));
	else
		(void)printf(CMD_MAIL_ROW, "ID", "NUMBER", "NOTICE", "STATE", "TRIES");
	for (i = 0; i < n; i++)
		cmd_mail_row(&v[i]);
	store_mails_free(v, n);
	return fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
}

/*
 * The words of m as the mailer wrote them: rendered again from the application, as of
 * when the mail was done (sent, refused, given up) or, while it waits, as of now.
 */
static int
cmd_mail_words(struct srv_config *cfg, struct store *st, const struct store_mail *m,
    char **subject, char **body, char **cause)
{
	struct store_app	 app;
	struct srv		 srv;
	enum notice		 which;
	int			 found, rc;

	if (notice_parse(m->notice, &which) == -1) {
		cause_set(cause, "%s: a notice this program does not know", m->notice);
		return -1;
	}
	memset(&app, 0, sizeof app);
	if (store_app_get(st, m->number, &app, &found, cause) == -1)
		return -1;
	if (!found) {
		store_app_free(&app);
		cause_set(cause, "the application %s is gone", m->number);
		return -1;
	}
	memset(&srv, 0, sizeof srv);
	srv.cfg = cfg;
	rc = notice_render(which, st, &app, m->lang, cfg->policy.verification_days,
	    m->done != 0 ? m->done : srv_now(&srv), subject, body, cause);
	store_app_free(&app);
	return rc;
}

static int
cmd_mail_show_json(struct store_mail *m, const char *subject, const char *body)
{
	json_t	*o = cmd_mail_json(m);

	if (o != NULL && ((subject != NULL && json_object_set_new(o, "subject",
	    json_string(subject)) == -1) || (body != NULL &&
	    json_object_set_new(o, "body", json_string(body)) == -1))) {
		json_decref(o);
		o = NULL;
	}
	return cmd_mail_print_json(o);
}

static int
cmd_mail_show(struct srv_config *cfg, int argc, char **argv)
{
	struct store_mail	 m;
	struct store		*st;
	char			*cause = NULL, *subject = NULL, *body = NULL, *end;
	long long		 id;
	int			 json = argc == 3 && strcmp(argv[2], "--json") == 0, found, rc;

	if (argc != 2 + json || (errno = 0, id = strtoll(argv[1], &end, 10)) <= 0 ||
	    *end != '\0' || errno != 0)
		return cmd_mail_usage();
	if ((st = store_open(cfg->store_uri, &cause)) == NULL)
		return cmd_mail_fail("show", cause);
	memset(&m, 0, sizeof m);
	if (store_mail_get(st, id, &m, &found, &cause) == -1) {
		store_close(st);
		return cmd_mail_fail("show", cause);
	}
	if (!found) {
		store_close(st);
		store_mail_free(&m);
		(void)fprintf(stderr, _("ncaenrolld: mail show: no mail %lld\n"), id);
		return CMD_EXIT_FAIL;
	}
	/* The row is worth showing even when its words cannot be written again. */
	if (cmd_mail_words(cfg, st, &m, &subject, &body, &cause) == -1) {
		(void)fprintf(stderr, _("ncaenrolld: mail show: its words: %s\n"), cause);
		free(cause);
	}
	store_close(st);
	if (json)
		rc = cmd_mail_show_json(&m, subject, body);
	else {
		(void)printf(CMD_MAIL_ROW, "ID", "NUMBER", "NOTICE", "STATE", "TRIES");
		cmd_mail_row(&m);
		if (subject != NULL) {
			(void)putchar('\n');
			textwrap_print(stdout, subject, 0, 0, CMD_MAIL_WIDTH);
			(void)putchar('\n');
			textwrap_print(stdout, body, 0, 0, CMD_MAIL_WIDTH);
		}
		rc = fflush(stdout) == 0 ? CMD_EXIT_OK : CMD_EXIT_FAIL;
	}
	free(subject);
	free(body);
	store_mail_free(&m);
	return rc;
}

static const struct {
	const char	*name;
	int		(*exec)(struct srv_config *, int, char **);
} cmd_mail_verbs[] = {
	{ "list", cmd_mail_list },
	{ "show", cmd_mail_show },
};

static int
cmd_mail_exec(struct srv_config *cfg, int argc, char **argv)
{
	size_t	i;

	for (i = 0; argc >= 2 && i < sizeof cmd_mail_verbs / sizeof cmd_mail_verbs[0]; i++)
		if (strcmp(argv[1], cmd_mail_verbs[i].name) == 0)
			return cmd_mail_verbs[i].exec(cfg, argc - 1, argv + 1);
	return cmd_mail_usage();
}

const struct cmd_entry cmd_mail_entry = {
	"mail",
	"  mail list [--problems] [--number REQUEST-NUMBER] [--json]\n"
	"  mail show ID [--json]\n",
	cmd_mail_exec,
};

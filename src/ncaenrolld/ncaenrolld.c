/*
 * ncaenrolld — the enrollment service standing in for the NCA RK site. This file parses
 * options, builds the service's context (configuration, CA, store pool, rate limits,
 * publication), starts the background jobs, the HTTPS service, the plain-http one for
 * CRLs, certificates and OCSP and metrics_listen's, tells systemd it is ready, reloads on
 * SIGHUP and waits for SIGTERM or SIGINT.
 * Exit status: 0 stopped by a signal, 1 could not start, 2 bad options or configuration.
 * With a subcommand after the options (cmd.h: operator, audit, mail, backup), it runs
 * that instead.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "common/about.h"
#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/email.h"
#include "common/hardening.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/reqnum.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/captcha.h"
#include "ncaenrolld/ca.h"
#include "ncaenrolld/ca-keygen.h"
#include "ncaenrolld/cmd.h"
#include "ncaenrolld/demo-mailsink.h"
#include "ncaenrolld/http.h"
#include "ncaenrolld/jobs.h"
#include "ncaenrolld/mailer.h"
#include "ncaenrolld/metrics.h"
#include "ncaenrolld/operator.h"
#include "ncaenrolld/publish.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/registry-load.h"
#include "ncaenrolld/sdnotify.h"
#include "ncaenrolld/srv.h"
#include "ncaenrolld/srvconf.h"

#define NCAENROLLD_EXIT_START	1
#define NCAENROLLD_EXIT_USAGE	2
#define NCAENROLLD_DEMO_HOSTS	"localhost,127.0.0.1,::1"
#define NCAENROLLD_RATE_SLOTS	65536
#define NCAENROLLD_DEMO_FROM	"ncaenrolld@localhost"

/* What the command line says; NULL/-1 = not given. */
struct ncaenrolld_opts {
	const char	*config, *listen, *http_listen, *state_dir, *fixed_captcha;
	const char	*clock_file;
	const char	*log_level;
	long		 auto_approve;
	int		 demo;
	int		 cmd_argc;	/* a subcommand and its arguments, or 0 */
	char		**cmd_argv;
};

static const struct cmd_entry *const ncaenrolld_cmds[] = {
	&cmd_operator_entry,
	&cmd_audit_entry,
	&cmd_mail_entry,
	&cmd_backup_entry,
};

/* Everything main builds; freed by ncaenrolld_free whatever was reached. */
struct ncaenrolld {
	const struct ncaenrolld_opts *opts;
	struct srv_config	 cfg;
	/* the file and the command line as last read, before a demo fills in its own */
	struct srv_config	 loaded;
	struct srv		 srv;
	struct jobs		*jobs;
	struct demo_mailsink	*mailsink;	/* a demo's own receiver, or NULL */
	struct http_server	*http, *http_plain;
	struct http_server	*http_metrics;	/* metrics_listen's, or NULL */
	struct http_route	*public_routes;	/* the plain listener's, from the URLs */
	size_t			 npublic_routes;
	int			 port, http_port, metrics_port;
	char			 host[SRV_HOST_MAX], http_host[SRV_HOST_MAX];
	char			 metrics_host[SRV_HOST_MAX];
};

static const struct {
	const char	*flags;
	const char	*help;
} ncaenrolld_help[] = {
	{ "-c, --config FILE", N_("read FILE, not the file named below") },
	{ "    --demo", N_("demo CA, database and registries in --state-dir") },
	{ "-l, --listen ADDR:PORT", N_("listen there (port 0: any free port)") },
	{ "    --http-listen ADDR:PORT", N_("publish CRLs, OCSP, CA certificates (plain "
	    "http)") },
	{ "-s, --state-dir DIR", N_("keep the service's files in DIR") },
	{ "    --auto-approve SECONDS", N_("demo: approve applications after SECONDS") },
	{ "    --fixed-captcha CODE", N_("demo: every captcha reads CODE") },
	{ "    --test-clock FILE", N_("demo: read the time (epoch seconds) from FILE") },
	{ "    --log-level LEVEL", N_("error, warning, info (default) or debug") },
	{ "-h, --help", N_("show this help and exit") },
	{ "-V, --version", N_("show version information and exit") },
};

static int
ncaenrolld_usage(void)
{
	size_t	i;

	(void)printf(_("Usage: %s [OPTION]...\n"), "ncaenrolld");
	(void)printf("%s\n\n", _("The NCA RK enrollment service: captcha, registry checks, "
	    "applications, CA."));
	for (i = 0; i < sizeof ncaenrolld_help / sizeof ncaenrolld_help[0]; i++)
		(void)printf("  %-26s %s\n", ncaenrolld_help[i].flags,
		    _(ncaenrolld_help[i].help));
	(void)printf("\n");
	/* The file on a line of its own: configure's --sysconfdir may make it long. */
	(void)printf("%s\n  %s\n", _("Configuration file:"), SRV_CONFIG_FILE);
	(void)printf("\n%s\n", _("Started with --demo --listen 127.0.0.1:0 --state-dir DIR, it "
	    "prints\n\"listening on https://127.0.0.1:PORT\"; DIR/ca-chain.pem verifies it."));
	(void)printf("\n%s\n", _("Administration (on the same configuration, instead of the "
	    "service):"));
	for (i = 0; i < sizeof ncaenrolld_cmds / sizeof ncaenrolld_cmds[0]; i++)
		(void)printf("%s", ncaenrolld_cmds[i]->usage);
	return about_close_stdout(0);
}

static int
ncaenrolld_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
ncaenrolld_refuse(const char *fmt, ...)
{
	va_list	ap;

	(void)fputs("ncaenrolld: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	return -1;
}

/* 0, or -1 after saying why; *exit_now >= 0 for --help and --version. */
static int
ncaenrolld_options(int argc, char **argv, struct ncaenrolld_opts *o, int *exit_now)
{
	enum { OPT_DEMO = 256, OPT_AUTO, OPT_CAPTCHA, OPT_CLOCK, OPT_LOG, OPT_HTTP };
	static const struct option	opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "demo", no_argument, NULL, OPT_DEMO },
		{ "listen", required_argument, NULL, 'l' },
		{ "http-listen", required_argument, NULL, OPT_HTTP },
		{ "state-dir", required_argument, NULL, 's' },
		{ "auto-approve", required_argument, NULL, OPT_AUTO },
		{ "fixed-captcha", required_argument, NULL, OPT_CAPTCHA },
		{ "test-clock", required_argument, NULL, OPT_CLOCK },
		{ "log-level", required_argument, NULL, OPT_LOG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char				*end;
	int				 c;

	memset(o, 0, sizeof *o);
	o->auto_approve = -1;
	*exit_now = -1;
	/* "+": stop at the first non-option, a subcommand with options of its own. */
	while ((c = getopt_long(argc, argv, "+c:l:s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'l': o->listen = optarg; break;
		case OPT_HTTP: o->http_listen = optarg; break;
		case 's': o->state_dir = optarg; break;
		case OPT_DEMO: o->demo = 1; break;
		case OPT_CAPTCHA: o->fixed_captcha = optarg; break;
		case OPT_CLOCK: o->clock_file = optarg; break;
		case OPT_LOG: o->log_level = optarg; break;
		case OPT_AUTO:
			errno = 0;
			o->auto_approve = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    o->auto_approve < 0 || o->auto_approve > 86400)
				return ncaenrolld_refuse(_("--auto-approve: '%s' is not a number "
				    "of seconds from 0 to 86400"), optarg);
			break;
		case 'h':
			*exit_now = ncaenrolld_usage();
			return -1;
		case 'V':
			*exit_now = about_close_stdout(about_version("ncaenrolld") == 0 ? 0 : 4);
			return -1;
		default:
			goto usage;
		}
	}
	if (optind == argc)
		return 0;
	for (size_t i = 0; i < sizeof ncaenrolld_cmds / sizeof ncaenrolld_cmds[0]; i++) {
		if (strcmp(argv[optind], ncaenrolld_cmds[i]->name) == 0) {
			o->cmd_argc = argc - optind;
			o->cmd_argv = argv + optind;
			return 0;
		}
	}
	(void)ncaenrolld_refuse(_("unexpected argument '%s'"), argv[optind]);
usage:
	(void)fprintf(stderr, _("Try '%s --help' for more information.\n"), "ncaenrolld");
	return -1;
}

/* The command line over the file; demo-only switches refused outside a demo. */
static int
ncaenrolld_apply(const struct ncaenrolld_opts *o, struct srv_config *cfg)
{
	char		*cause = NULL, host[SRV_HOST_MAX];
	enum log_level	 level;
	struct captcha	 cap = { 0 };
	int		 port;

	if (o->demo)
		cfg->demo.enabled = 1;
	if (!cfg->demo.enabled && (o->auto_approve >= 0 || o->fixed_captcha != NULL ||
	    o->clock_file != NULL))
		return ncaenrolld_refuse(_("%s is for a demo service only (add --demo)"),
		    o->auto_approve >= 0 ? "--auto-approve" : o->fixed_captcha != NULL ?
		    "--fixed-captcha" : "--test-clock");
	if (o->listen != NULL &&
	    srvconf_listen_parse(o->listen, host, &port, &cause) == -1) {
		(void)ncaenrolld_refuse("--listen: %s", cause);
		free(cause);
		return -1;
	}
	if (o->http_listen != NULL &&
	    srvconf_listen_parse(o->http_listen, host, &port, &cause) == -1) {
		(void)ncaenrolld_refuse("--http-listen: %s", cause);
		free(cause);
		return -1;
	}
	if (o->log_level != NULL && log_level_parse(o->log_level, &level) == -1)
		return ncaenrolld_refuse(_("--log-level: '%s' is not error, warning, info or "
		    "debug"), o->log_level);
	if (o->auto_approve >= 0)
		cfg->demo.auto_approve = (int)o->auto_approve;
	if ((o->listen != NULL && srvconf_set(&cfg->listen, o->listen, &cause) == -1) ||
	    (o->http_listen != NULL &&
	    srvconf_set(&cfg->http_listen, o->http_listen, &cause) == -1) ||
	    (o->state_dir != NULL &&
	    srvconf_set(&cfg->state_dir, o->state_dir, &cause) == -1) ||
	    (o->log_level != NULL &&
	    srvconf_set(&cfg->log_level, o->log_level, &cause) == -1) ||
	    (o->fixed_captcha != NULL &&
	    srvconf_set(&cfg->demo.fixed_captcha, o->fixed_captcha, &cause) == -1) ||
	    (o->clock_file != NULL &&
	    srvconf_set(&cfg->clock_file, o->clock_file, &cause) == -1)) {
		(void)ncaenrolld_refuse("%s", cause);
		free(cause);
		return -1;
	}
	/* From the command line or the file: a code no captcha can show fails now, not later. */
	if (cfg->demo.fixed_captcha != NULL) {
		if (captcha_make(cfg->demo.fixed_captcha, &cap, &cause) == -1) {
			(void)ncaenrolld_refuse("%s: %s", o->fixed_captcha != NULL ?
			    "--fixed-captcha" : "demo.fixed_captcha", cause);
			free(cause);
			return -1;
		}
		captcha_free(&cap);
	}
	return 0;
}

static int
ncaenrolld_setf(char **field, char **cause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ncaenrolld_setf(char **field, char **cause, const char *fmt, ...)
{
	va_list	 ap;
	char	*v;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n == -1) {
		cause_set(cause, "out of memory");
		return -1;
	}
	free(*field);
	*field = v;
	return 0;
}

/*
 * Demo: everything lives in the state folder, made on the first start, kept after. urls:
 * what the issuing CA names (the root's CRL and certificate on the plain-http listener),
 * NULL to keep what it names (a subcommand, which listens nowhere).
 */
static int
ncaenrolld_demo_files(struct srv_config *cfg, const char *host,
    const struct ca_demo_urls *urls, char **cause)
{
	const char	*d = cfg->state_dir, *dev = getenv("NCAENROLL_DATADIR");
	char		 hosts[SRV_HOST_MAX + sizeof NCAENROLLD_DEMO_HOSTS + 1];
	int		 extra;

	if (mkdir(d, 0700) == -1 && errno != EEXIST) {
		cause_set(cause, "cannot make the state folder %s: %s", d, strerror(errno));
		return -1;
	}
	/* The TLS certificate also names the listen address when it is a particular one. */
	extra = strcmp(host, "*") != 0 && strcmp(host, "0.0.0.0") != 0 &&
	    strcmp(host, "::") != 0 && strstr("," NCAENROLLD_DEMO_HOSTS ",", host) == NULL;
	(void)snprintf(hosts, sizeof hosts, "%s%s%s", NCAENROLLD_DEMO_HOSTS, extra ? "," : "",
	    extra ? host : "");
	if (ca_demo_create(d, hosts, urls, cause) == -1 ||
	    operator_ca_create_demo(d, cause) == -1)
		return -1;
	if (ncaenrolld_setf(&cfg->operators.ca_cert, cause, "%s/operators-ca.pem", d) == -1 ||
	    ncaenrolld_setf(&cfg->operators.ca_key, cause, "%s/operators-ca.key", d) == -1 ||
	    ncaenrolld_setf(&cfg->tls_cert, cause, "%s/tls.pem", d) == -1 ||
	    ncaenrolld_setf(&cfg->tls_key, cause, "%s/tls.key", d) == -1 ||
	    ncaenrolld_setf(&cfg->ca_cert, cause, "%s/ca.pem", d) == -1 ||
	    ncaenrolld_setf(&cfg->ca_key, cause, "%s/ca.key", d) == -1 ||
	    ncaenrolld_setf(&cfg->ca_chain, cause, "%s/ca-chain.pem", d) == -1 ||
	    /* a store the file names (a demo of instances on PostgreSQL) is kept */
	    (strcmp(cfg->store_uri, "sqlite:" PKGSTATEDIR "/ncaenrolld.db") == 0 &&
	    ncaenrolld_setf(&cfg->store_uri, cause, "sqlite:%s/ncaenrolld.db", d) == -1) ||
	    (cfg->root_crl == NULL &&
	    ncaenrolld_setf(&cfg->root_crl, cause, "%s/root.crl", d) == -1))
		return -1;
	if (cfg->data_dir != NULL)
		return 0;
	if (dev != NULL && *dev != '\0')
		return ncaenrolld_setf(&cfg->data_dir, cause, "%s/data/demo", dev);
	return ncaenrolld_setf(&cfg->data_dir, cause, "%s/demo", DATADIR);
}

/*
 * Demo: the NCA's own help line, unless the file names another. Only what a person can
 * check: the single contact centre's short number and the NCA's web site.
 */
static int
ncaenrolld_demo_support(struct srv_config *cfg, char **cause)
{
	struct srv_support	*s = &cfg->support;

	if (s->phone != NULL || s->email != NULL || s->web != NULL ||
	    s->address.en != NULL || s->hours.en != NULL)
		return 0;
	if (srvconf_set(&s->phone, "1414", cause) == -1 ||
	    srvconf_set(&s->web, "https://pki.gov.kz", cause) == -1)
		return -1;
	return 0;
}

/* "scheme://host:port" of a listen address, "*" and the like as localhost. */
static void
ncaenrolld_origin(char *out, size_t outsz, const char *scheme, const char *host, int port)
{
	const char	*h = host;
	int		 v6;

	if (strcmp(h, "*") == 0 || strcmp(h, "0.0.0.0") == 0 || strcmp(h, "::") == 0)
		h = "localhost";
	v6 = strchr(h, ':') != NULL;
	(void)snprintf(out, outsz, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", h, v6 ? "]" : "",
	    port);
}

/*
 * Demo: the URLs in certificates point at this service, the signed objects at its
 * plain-http listener, with the ports it really got (doc/api-lifecycle.md "Publication").
 */
static int
ncaenrolld_demo_urls(struct ncaenrolld *d, char **cause)
{
	struct srv_config	*cfg = &d->cfg;
	struct {
		char		**field;
		int		  plain;
		const char	 *path;
	} urls[] = {
		{ &cfg->crl_url, 1, "/crl/ca.crl" },
		{ &cfg->delta_crl_url, 1, "/crl/ca-delta.crl" },
		{ &cfg->ocsp_url, 1, "/ocsp" },
		{ &cfg->ca_issuers_url, 1, "/cert/ca.cer" },
		{ &cfg->cps_url, 0, "/cps" },
	};
	char			 https[SRV_HOST_MAX + 32], http[SRV_HOST_MAX + 32];
	size_t			 i;

	ncaenrolld_origin(https, sizeof https, "https", d->host, d->port);
	ncaenrolld_origin(http, sizeof http, "http", d->http_host, d->http_port);
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		if (*urls[i].field == NULL && ncaenrolld_setf(urls[i].field, cause, "%s%s",
		    urls[i].plain ? http : https, urls[i].path) == -1)
			return -1;
	}
	return 0;
}

/*
 * A demo on any free port remembers its http port in the state folder and asks for it
 * again at the next start: the certificates it issued name that port, and go on being
 * checkable as long as it is free. 0: none remembered.
 */
static int
ncaenrolld_demo_http_port(const struct srv_config *cfg)
{
	char	 path[4096];
	FILE	*f;
	int	 port = 0;

	(void)snprintf(path, sizeof path, "%s/http-port", cfg->state_dir);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%d", &port) != 1 || port < 1 || port > 65535)
		port = 0;
	(void)fclose(f);
	return port;
}

/*
 * The plain-http listener: the configured one, or in a demo the TLS host with the next
 * port (when TLS has port 0: the one remembered, else any free port). None configured
 * outside a demo: -1 in *fd.
 */
static int
ncaenrolld_listen_plain(struct ncaenrolld *d, int tls_port, int *fd, char **cause)
{
	struct srv_config	*cfg = &d->cfg;
	int			 port, again;

	*fd = -1;
	if (cfg->http_listen == NULL && !cfg->demo.enabled)
		return 0;
	if (cfg->http_listen != NULL) {
		if (srvconf_listen_parse(cfg->http_listen, d->http_host, &port, cause) == -1)
			return -1;
	} else {
		(void)snprintf(d->http_host, sizeof d->http_host, "%s", d->host);
		port = tls_port == 0 ? 0 : tls_port + 1;
	}
	if (port > 65535) {
		cause_set(cause, "no port after %d for plain http (set http_listen)", tls_port);
		return -1;
	}
	if (cfg->http_listen == NULL && port == 0 &&
	    (again = ncaenrolld_demo_http_port(cfg)) != 0 &&
	    (*fd = http_listen(d->http_host, again, &d->http_port, NULL)) != -1)
		return 0;	/* taken meanwhile: any free port, and new URLs */
	return (*fd = http_listen(d->http_host, port, &d->http_port, cause)) == -1 ? -1 : 0;
}

/* Demo: the files, made for the URLs of the ports just bound. */
static int
ncaenrolld_demo(struct ncaenrolld *d, char **cause)
{
	struct ca_demo_urls	urls;
	char			http[SRV_HOST_MAX + 32], crl[SRV_HOST_MAX + 64];
	char			cer[SRV_HOST_MAX + 64], port[16], *path;
	int			rc;

	ncaenrolld_origin(http, sizeof http, "http", d->http_host, d->http_port);
	(void)snprintf(crl, sizeof crl, "%s/crl/root.crl", http);
	(void)snprintf(cer, sizeof cer, "%s/cert/root.cer", http);
	urls.root_crl = crl;
	urls.root_cer = cer;
	if (ncaenrolld_demo_urls(d, cause) == -1)
		return -1;
	urls.cps = d->cfg.cps_url;
	if (ncaenrolld_demo_files(&d->cfg, d->host, &urls, cause) == -1 ||
	    ncaenrolld_demo_support(&d->cfg, cause) == -1)
		return -1;
	(void)snprintf(port, sizeof port, "%d\n", d->http_port);
	if (asprintf(&path, "%s/http-port", d->cfg.state_dir) == -1) {
		cause_set(cause, "out of memory");
		return -1;
	}
	rc = atomicfile_write(path, port, strlen(port), 0644, cause);
	free(path);
	return rc;
}

/*
 * Demo without a relay of its own: a receiver writing into the state folder's maildir,
 * started before anything can send, and the mail settings pointed at it, so the real
 * delivery runs end to end (doc/demo.md). Its URL goes into STATE/mail-sink for a person
 * or a test who wants to talk to it; a demo given a relay removes a stale one.
 */
static int
ncaenrolld_demo_mail(struct ncaenrolld *d, char **cause)
{
	struct srv_config	*cfg = &d->cfg;
	char			*dir = NULL, *file = NULL, url[64];
	int			 port, rc = -1;

	if (ncaenrolld_setf(&dir, cause, "%s/mail", cfg->state_dir) == -1 ||
	    ncaenrolld_setf(&file, cause, "%s/mail-sink", cfg->state_dir) == -1)
		goto out;
	if (cfg->mail.smtp_url != NULL) {
		if (unlink(file) == -1 && errno != ENOENT)
			log_warning("cannot remove %s: %s", file, strerror(errno));
		rc = 0;
		goto out;
	}
	if ((d->mailsink = demo_mailsink_start(dir, &port, cause)) == NULL)
		goto out;
	(void)snprintf(url, sizeof url, "smtp://127.0.0.1:%d\n", port);
	if (atomicfile_write(file, url, strlen(url), 0644, cause) == -1)
		goto out;
	url[strlen(url) - 1] = '\0';
	if (srvconf_set(&cfg->mail.smtp_url, url, cause) == -1 ||
	    (cfg->mail.from == NULL &&
	    srvconf_set(&cfg->mail.from, NCAENROLLD_DEMO_FROM, cause) == -1))
		goto out;
	log_info("demo mail: %s, into %s/new", url, dir);
	rc = 0;
out:
	free(dir);
	free(file);
	return rc;
}

/* Loads the registries into a store that has none yet (a first start). */
static int
ncaenrolld_registries(struct srv *srv, char **cause)
{
	struct store		*st;
	struct store_list	 regions = { NULL, 0 };
	int			 rc = -1;

	if ((st = srv_store_get(srv, cause)) == NULL)
		return -1;
	if (store_entries(st, STORE_REGIONS, NULL, &regions, cause) == -1)
		goto out;
	if (regions.n == 0 && srv->cfg->data_dir != NULL) {
		log_info("loading the registries from %s", srv->cfg->data_dir);
		if (registry_load(st, srv->cfg->data_dir, cause) == -1)
			goto out;
	} else if (regions.n == 0)
		log_warning("the store holds no registries: every check will fail "
		    "(set data_dir to load them)");
	/* After the registries: the demo operator's office must exist. */
	if (srv->cfg->demo.enabled && srv->cfg->operators.ca_key != NULL &&
	    cmd_operator_demo(srv->cfg, st, cause) == -1)
		goto out;
	rc = 0;
out:
	store_list_free(&regions);
	srv_store_put(srv, st);
	return rc;
}

/*
 * The operator CA for mutual TLS. None configured (operators.ca_cert: null), or the
 * default file absent: the service runs for applicants and refuses every RA call.
 */
static int
ncaenrolld_operators(struct srv *srv, char **cause)
{
	const char	*f = srv->cfg->operators.ca_cert;

	if (f == NULL || (access(f, F_OK) == -1 && errno == ENOENT)) {
		log_warning("no operator CA%s%s: the RA desk is closed (operators.ca_cert)",
		    f != NULL ? " at " : "", f != NULL ? f : "");
		return 0;
	}
	return (srv->opca = operator_ca_load(f, NULL, cause)) == NULL ? -1 : 0;
}

static void
ncaenrolld_ca_config(struct srv_config *cfg)
{
	cfg->ca.cert_file = cfg->ca_cert;
	cfg->ca.key_file = cfg->ca_key;
	cfg->ca.pkcs11_module = cfg->ca_pkcs11_module;
	cfg->ca.key_pin_file = cfg->ca_key_pin_file;
	cfg->ca.chain_file = cfg->ca_chain;
	cfg->ca.crl_url = cfg->crl_url;
	cfg->ca.delta_crl_url = cfg->delta_crl_url;
	cfg->ca.ocsp_url = cfg->ocsp_url;
	cfg->ca.ca_issuers_url = cfg->ca_issuers_url;
	cfg->ca.cps_url = cfg->cps_url;
}

/* The CRLs signed once before anyone can ask (and a broken store found at start). */
static int
ncaenrolld_publish(struct srv *srv, char **cause)
{
	struct store	*st;
	int		 rc;

	if ((srv->pub = publish_new(srv, cause)) == NULL ||
	    (st = srv_store_get(srv, cause)) == NULL)
		return -1;
	rc = publish_refresh(srv, st, cause);
	srv_store_put(srv, st);
	return rc;
}

/* The metrics_listen listener's socket, or -1 in *fd when none is configured. */
static int
ncaenrolld_listen_metrics(struct ncaenrolld *d, int *fd, char **cause)
{
	int	port;

	*fd = -1;
	if (d->cfg.metrics_listen == NULL)
		return 0;
	if (srvconf_listen_parse(d->cfg.metrics_listen, d->metrics_host, &port, cause) == -1)
		return -1;
	return (*fd = http_listen(d->metrics_host, port, &d->metrics_port, cause)) == -1 ?
	    -1 : 0;
}

/* A route's names, for the metrics (which see rows as bytes). */
static void
ncaenrolld_route_name(const void *row, const char **method, const char **pattern)
{
	const struct http_route	*rt = row;

	*method = rt->method;
	*pattern = rt->pattern;
}

/* The listeners' route tables counted, then metrics_listen's listener (owning fd). */
static int
ncaenrolld_metrics(struct ncaenrolld *d, int fd, char **cause)
{
	struct metrics	*m = d->srv.metrics;
	const size_t	 size = sizeof(struct http_route);

	if (metrics_routes(m, "https", http_routes, http_nroutes, size,
	    ncaenrolld_route_name, cause) == -1 ||
	    metrics_routes(m, "http", d->public_routes, d->npublic_routes, size,
	    ncaenrolld_route_name, cause) == -1 ||
	    (fd != -1 && metrics_routes(m, "metrics", http_metrics_routes,
	    http_metrics_nroutes, size, ncaenrolld_route_name, cause) == -1)) {
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (fd == -1)
		return 0;
	d->http_metrics = http_start_plain(&d->srv, fd, http_metrics_routes,
	    http_metrics_nroutes, cause);
	return d->http_metrics == NULL ? -1 : 0;
}

/*
 * The RSA keys a demo makes on its first start, each while its file is missing: the root
 * and the issuing CA (ca-demo.c), the operator CA (operator.c), the OCSP responder
 * (ca-ocsp.c) and the demo operator (cmd-operator.c). Made side by side on every core
 * from the start (ca-keygen.h) instead of one after the other where each is needed: the
 * first start takes the time of the slowest, not of the sum. A size that no longer
 * matches only costs the time: the taker makes its own.
 */
static const struct {
	const char	*file;
	int		 bits;
} ncaenrolld_demo_keys[] = {
	{ "root.key", 3072 }, { "ca.key", 3072 }, { "operators-ca.key", 3072 },
	{ "ocsp.key", 2048 }, { "operators/demo-operator.p12", 2048 },
};

static void
ncaenrolld_demo_keys_ahead(const char *dir)
{
	int	 bits[sizeof ncaenrolld_demo_keys / sizeof ncaenrolld_demo_keys[0]];
	char	 path[PATH_MAX], *cause = NULL;
	size_t	 i, n = 0;

	for (i = 0; i < sizeof ncaenrolld_demo_keys / sizeof ncaenrolld_demo_keys[0]; i++) {
		(void)snprintf(path, sizeof path, "%s/%s", dir, ncaenrolld_demo_keys[i].file);
		if (access(path, F_OK) == -1 && errno == ENOENT)
			bits[n++] = ncaenrolld_demo_keys[i].bits;
	}
	/* Without threads the keys are made in turn, as before: slower, not wrong. */
	if (ca_keygen_ahead(bits, n, &cause) == -1)
		log_warning("%s", cause);
	free(cause);
}

/* From a checked configuration to a service answering on its sockets. */
static int
ncaenrolld_start(struct ncaenrolld *d, char **cause)
{
	struct srv_config	*cfg = &d->cfg;
	int			 fd = -1, plain = -1, mfd = -1, port, rc = -1;

	if (cfg->demo.enabled && cfg->state_dir != NULL)
		ncaenrolld_demo_keys_ahead(cfg->state_dir);
	if (srvconf_listen_parse(cfg->listen, d->host, &port, cause) == -1 ||
	    (fd = http_listen(d->host, port, &d->port, cause)) == -1 ||
	    ncaenrolld_listen_plain(d, port, &plain, cause) == -1 ||
	    ncaenrolld_listen_metrics(d, &mfd, cause) == -1 ||
	    (cfg->demo.enabled && (ncaenrolld_demo(d, cause) == -1 ||
	    ncaenrolld_demo_mail(d, cause) == -1)))
		goto out;
	ncaenrolld_ca_config(cfg);
	d->srv.cfg = cfg;
	/* The CA first: a service without its certificates says so before anything else. */
	if ((d->srv.ca = ca_load(&cfg->ca, cause)) == NULL ||
	    srv_captcha_key(&d->srv, cfg->state_dir, cause) == -1 ||
	    ncaenrolld_operators(&d->srv, cause) == -1 ||
	    (d->srv.stores = srv_pool_new(cfg->store_uri, (size_t)cfg->policy.threads * 2 + 2,
	    cause)) == NULL ||
	    (d->srv.ratelimit = ratelimit_new(NCAENROLLD_RATE_SLOTS, cause)) == NULL ||
	    (d->srv.metrics = metrics_new(cause)) == NULL ||
	    ncaenrolld_registries(&d->srv, cause) == -1 ||
	    ncaenrolld_publish(&d->srv, cause) == -1 ||
	    (srv_sends_mail(&d->srv) &&
	    (d->srv.mailer = mailer_start(&d->srv, cause)) == NULL) ||
	    (d->jobs = jobs_start(&d->srv, cause)) == NULL)
		goto out;
	/* Every table counted before its listener serves a request. */
	if (plain != -1 && api_publish_routes(&d->srv, &d->public_routes, &d->npublic_routes,
	    cause) == -1)
		goto out;
	rc = ncaenrolld_metrics(d, mfd, cause);
	mfd = -1;
	if (rc == -1)
		goto out;
	rc = -1;
	/* http_start owns its socket from here, whatever happens. */
	d->http = http_start(&d->srv, fd, cause);
	fd = -1;
	if (d->http == NULL)
		goto out;
	if (plain != -1) {
		d->http_plain = http_start_plain(&d->srv, plain, d->public_routes,
		    d->npublic_routes, cause);
		plain = -1;
		if (d->http_plain == NULL)
			goto out;
	}
	rc = 0;
out:
	ca_keygen_end();	/* every key made ahead is taken by now, or freed */
	if (fd != -1)
		(void)close(fd);
	if (plain != -1)
		(void)close(plain);
	if (mfd != -1)
		(void)close(mfd);
	return rc;
}

static void
ncaenrolld_free(struct ncaenrolld *d)
{
	http_stop(d->http_metrics);
	http_stop(d->http_plain);
	api_publish_routes_free(d->public_routes, d->npublic_routes);
	http_stop(d->http);	/* no request in flight after this */
	jobs_stop(d->jobs);
	mailer_stop(d->srv.mailer);	/* after the jobs, which wake it */
	demo_mailsink_stop(d->mailsink);	/* after every sender */
	metrics_free(d->srv.metrics);		/* after everything that counts */
	publish_free(d->srv.pub);
	ratelimit_free(d->srv.ratelimit);
	srv_policy_free(&d->srv);		/* after every request and round */
	srv_pool_free(d->srv.stores);
	ca_free(d->srv.ca);
	operator_ca_free(d->srv.opca);
	OPENSSL_cleanse(d->srv.captcha_key, sizeof d->srv.captcha_key);
	srvconf_free(&d->cfg);
	srvconf_free(&d->loaded);
}

/* Tells systemd (sdnotify.h); a failure is said, and the service goes on. */
static void
ncaenrolld_notify(const char *state)
{
	char	*cause = NULL;

	if (sdnotify(state, &cause) == -1) {
		log_warning("cannot tell systemd: %s", cause);
		free(cause);
	}
}

/* Ready, at start and after a reload that applied: systemd shows the port. */
static void
ncaenrolld_ready(const struct ncaenrolld *d)
{
	char	state[64];

	(void)snprintf(state, sizeof state, "READY=1\nSTATUS=serving on port %d", d->port);
	ncaenrolld_notify(state);
}

/* Settings a reload applies: the policy's figures a request reads each time (off: in
 * struct srv_policy). */
#define NCAENROLLD_LIVE(m)	{ "policy." #m, offsetof(struct srv_policy, m) }
static const struct {
	const char	*name;
	size_t		 off;
} ncaenrolld_live[] = {
	NCAENROLLD_LIVE(verification_days), NCAENROLLD_LIVE(captcha_lifetime),
	NCAENROLLD_LIVE(token_lifetime), NCAENROLLD_LIVE(captcha_per_minute),
	NCAENROLLD_LIVE(checks_per_minute), NCAENROLLD_LIVE(status_per_minute),
};

static int
ncaenrolld_int_at(const struct srv_policy *pol, size_t off)
{
	int	v;

	memcpy(&v, (const char *)pol + off, sizeof v);
	return v;
}

/* The names of the changed settings a reload does not apply (srvconf_diff's each). */
struct ncaenrolld_fixed {
	char	*buf;
	size_t	 len, n;
};

static void
ncaenrolld_fixed_changed(const char *name, size_t off, void *arg)
{
	struct ncaenrolld_fixed	*f = arg;
	size_t			 i;

	for (i = 0; i < sizeof ncaenrolld_live / sizeof ncaenrolld_live[0]; i++)
		if (offsetof(struct srv_config, policy) + ncaenrolld_live[i].off == off)
			return;
	if (f->n < f->len)
		f->n += (size_t)snprintf(f->buf + f->n, f->len - f->n, "%s%s",
		    f->n > 0 ? ", " : "", name);
}

/* The file and the command line into cfg, as at start: 0, or -1 with a cause. */
static int
ncaenrolld_load(const struct ncaenrolld_opts *o, struct srv_config *cfg, char **cause)
{
	if (srvconf_init(cfg, cause) == -1 ||
	    ((o->config != NULL || !o->demo) &&
	    srvconf_load(cfg, o->config != NULL ? o->config : SRV_CONFIG_FILE, cause) == -1))
		return -1;
	if (ncaenrolld_apply(o, cfg) == -1) {
		cause_set(cause, "the command line no longer fits the file (see above)");
		return -1;
	}
	return 0;
}

/*
 * A reload's configuration, checked against the running one: -1 with a cause (nothing
 * applied) when it cannot be read or changes a restart-only setting.
 */
static int
ncaenrolld_reload_config(struct ncaenrolld *d, struct srv_config *fresh, char **cause)
{
	char			changed[512] = "";
	struct ncaenrolld_fixed	f = { changed, sizeof changed, 0 };

	if (ncaenrolld_load(d->opts, fresh, cause) == -1)
		return -1;
	/* every other setting of the file is one only a restart applies */
	srvconf_diff(&d->loaded, fresh, ncaenrolld_fixed_changed, &f);
	if (*changed != '\0') {
		cause_set(cause, "%s changed, which only a restart applies", changed);
		return -1;
	}
	return 0;
}

/*
 * The policy's live figures from fresh into pol (srv_policy_new's), each change logged and
 * published whole: a request reads the old set or the new one, never half of each. fresh
 * becomes "loaded".
 */
static void
ncaenrolld_reload_apply(struct ncaenrolld *d, struct srv_policy *pol,
    struct srv_config *fresh)
{
	size_t	i, off;
	int	was, now, n = 0;

	for (i = 0; i < sizeof ncaenrolld_live / sizeof ncaenrolld_live[0]; i++) {
		off = ncaenrolld_live[i].off;
		if ((was = ncaenrolld_int_at(pol, off)) ==
		    (now = ncaenrolld_int_at(&fresh->policy, off)))
			continue;
		memcpy((char *)pol + off, &now, sizeof now);
		log_info("reload: %s %d -> %d", ncaenrolld_live[i].name, was, now);
		n++;
	}
	if (n == 0)
		log_info("reload: the policy is unchanged");
	else
		srv_policy_publish(&d->srv, pol);
	srvconf_free(&d->loaded);
	d->loaded = *fresh;
	memset(fresh, 0, sizeof *fresh);
}

/*
 * SIGHUP: the configuration, policy and TLS files read again, systemd told around it.
 * Whatever happens the service goes on, with the old ones if the new cannot be used: a
 * reload applies everything or nothing.
 */
static void
ncaenrolld_reload(struct ncaenrolld *d)
{
	struct srv_config	 fresh;
	struct srv_policy	*pol = NULL;
	struct timespec		 t;
	char			 state[64], *cause = NULL;
	int			 tls = 0;

	memset(&fresh, 0, sizeof fresh);
	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	(void)snprintf(state, sizeof state, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)t.tv_sec * 1000000 + (unsigned long long)t.tv_nsec / 1000);
	ncaenrolld_notify(state);
	log_info("reloading on SIGHUP");
	if (ncaenrolld_reload_config(d, &fresh, &cause) == -1 ||
	    (pol = srv_policy_new(&d->srv, &cause)) == NULL ||
	    http_reload(d->http, &tls, &cause) == -1) {
		log_error("reload refused, the running configuration kept: %s", cause);
		free(cause);
		srvconf_free(&fresh);
		ncaenrolld_notify("READY=1\nSTATUS=reload refused (see the log)");
		return;
	}
	log_info("reload: the TLS certificate %s", tls ? "is the new one (the old one's "
	    "connections were let finish)" : "is unchanged");
	ncaenrolld_reload_apply(d, pol, &fresh);
	ncaenrolld_ready(d);
}

/*
 * Until SIGTERM or SIGINT; SIGHUP reloads and waits on. SIGPIPE is blocked only (a
 * closed peer is an error return, not a signal).
 */
static int
ncaenrolld_wait(struct ncaenrolld *d)
{
	sigset_t	set;
	int		sig = 0;

	if (sigemptyset(&set) == -1 || sigaddset(&set, SIGTERM) == -1 ||
	    sigaddset(&set, SIGINT) == -1 || sigaddset(&set, SIGHUP) == -1)
		return -1;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			return -1;
		if (sig != SIGHUP)
			break;
		ncaenrolld_reload(d);
	}
	log_info("stopping on signal %d", sig);
	ncaenrolld_notify("STOPPING=1");
	return 0;
}

/* Blocked in every thread (they inherit the mask); main takes them with sigwait. */
static int
ncaenrolld_block_signals(void)
{
	sigset_t	set;

	if (sigemptyset(&set) == -1 || sigaddset(&set, SIGTERM) == -1 ||
	    sigaddset(&set, SIGINT) == -1 || sigaddset(&set, SIGHUP) == -1 ||
	    sigaddset(&set, SIGPIPE) == -1)
		return -1;
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

/* A real service's certificates must point somewhere: no default fits every CA. */
static int
ncaenrolld_required(const struct srv_config *cfg, const char *file)
{
	const struct {
		const char	*value, *key;
	} urls[] = {
		{ cfg->crl_url, "ca.crl_url" },
		{ cfg->delta_crl_url, "ca.delta_crl_url" },
		{ cfg->ocsp_url, "ca.ocsp_url" },
		{ cfg->ca_issuers_url, "ca.ca_issuers_url" },
		{ cfg->cps_url, "ca.cps_url" },
	};
	size_t	i;

	if (cfg->demo.enabled)
		return 0;	/* a demo points them at itself */
	for (i = 0; i < sizeof urls / sizeof urls[0]; i++)
		if (urls[i].value == NULL)
			return ncaenrolld_refuse(_("%s: %s is required (the certificates "
			    "name it)"), file, urls[i].key);
	return 0;
}

static int
ncaenrolld_config(const struct ncaenrolld_opts *o, struct srv_config *cfg)
{
	char	*cause = NULL;

	if (srvconf_init(cfg, &cause) == -1 ||
	    /* A demo reads a file only when told to; a real service always does. */
	    ((o->config != NULL || !o->demo) &&
	    srvconf_load(cfg, o->config != NULL ? o->config : SRV_CONFIG_FILE, &cause)
	    == -1)) {
		(void)ncaenrolld_refuse("%s", cause);
		free(cause);
		return -1;
	}
	if (ncaenrolld_apply(o, cfg) == -1)
		return -1;
	return ncaenrolld_required(cfg, o->config != NULL ? o->config : SRV_CONFIG_FILE);
}

/* A subcommand on the configuration: the demo's files made first, as the service would. */
static int
ncaenrolld_command(const struct ncaenrolld_opts *o, struct srv_config *cfg)
{
	const struct cmd_entry	*cmd = NULL;
	char			*cause = NULL, host[SRV_HOST_MAX];
	size_t			 i;
	int			 port, rc;

	for (i = 0; i < sizeof ncaenrolld_cmds / sizeof ncaenrolld_cmds[0]; i++)
		if (strcmp(o->cmd_argv[0], ncaenrolld_cmds[i]->name) == 0)
			cmd = ncaenrolld_cmds[i];
	/* The store would log every audit entry it writes: a command says what it did. */
	log_open("ncaenrolld", LOG_TO_STDERR, LOGL_WARNING);
	if (cmd == NULL || srvconf_listen_parse(cfg->listen, host, &port, &cause) == -1 ||
	    (cfg->demo.enabled && ncaenrolld_demo_files(cfg, host, NULL, &cause) == -1)) {
		(void)ncaenrolld_refuse("%s", cause != NULL ? cause : "no such command");
		free(cause);
		srvconf_free(cfg);
		log_close();
		return CMD_EXIT_FAIL;
	}
	optind = 0;		/* getopt starts afresh on the command's own arguments */
	rc = cmd->exec(cfg, o->cmd_argc, o->cmd_argv);
	srvconf_free(cfg);
	log_close();
	return rc;
}

/*
 * What the service's log may say: whoever reads it must hold neither the applications'
 * keys (their request numbers) nor the applicants' addresses (doc/security.md).
 */
static char *
ncaenrolld_log_line(const char *msg)
{
	char	*line = email_mask_words(msg);

	if (line != NULL)
		reqnum_mask(line);
	return line;
}

/* "WHAT://HOST:PORTPATH" on stdout: an IPv6 host in brackets, "*" as 0.0.0.0. printf's. */
static int
ncaenrolld_say_url(const char *what, const char *host, int port, const char *path)
{
	int	v6 = strchr(host, ':') != NULL;

	return printf("%s://%s%s%s:%d%s\n", what, v6 ? "[" : "",
	    strcmp(host, "*") == 0 ? "0.0.0.0" : host, v6 ? "]" : "", port, path);
}

int
main(int argc, char **argv)
{
	struct ncaenrolld_opts	 o;
	struct ncaenrolld	 d;
	enum log_level		 level = LOGL_INFO;
	char			*cause = NULL;
	int			 exit_now, curl = 0, rc = NCAENROLLD_EXIT_START;

	memset(&d, 0, sizeof d);
	/*
	 * Before any file is made: what a library creates with its own default mode (SQLite's
	 * database, -wal and -shm, holding names and IINs) is the service's alone. Files meant
	 * for others (certificates, CRLs, the port notes) are written with an explicit mode
	 * (fchmod in atomicfile_write), which the umask does not narrow.
	 */
	(void)umask(077);	/* cannot fail; the previous mask is of no use */
	if (hardening_no_core_dumps(&cause) == -1 || i18n_init(NULL, &cause) == -1) {
		(void)fprintf(stderr, "ncaenrolld: %s\n", cause);
		free(cause);
		return NCAENROLLD_EXIT_START;
	}
	if (ncaenrolld_options(argc, argv, &o, &exit_now) == -1)
		return exit_now >= 0 ? exit_now : NCAENROLLD_EXIT_USAGE;
	if (ncaenrolld_config(&o, &d.cfg) == -1) {
		srvconf_free(&d.cfg);
		return NCAENROLLD_EXIT_USAGE;
	}
	if (o.cmd_argc > 0)
		return ncaenrolld_command(&o, &d.cfg);
	d.opts = &o;
	/* What a reload compares its reading with: the same reading, read once more. */
	if (ncaenrolld_load(&o, &d.loaded, &cause) == -1) {
		(void)ncaenrolld_refuse("%s", cause);
		free(cause);
		srvconf_free(&d.cfg);
		srvconf_free(&d.loaded);
		return NCAENROLLD_EXIT_USAGE;
	}
	(void)log_level_parse(d.cfg.log_level, &level);
	log_open("ncaenrolld", LOG_TO_STDERR, level);
	log_filter(ncaenrolld_log_line);
	/* The service answers in English; clients translate by the stable error codes. */
	if (i18n_init("en", &cause) == -1 || ncaenrolld_block_signals() == -1) {
		log_error("%s", cause != NULL ? cause : "cannot block signals");
		goto out;
	}
	/* Before any thread: libcurl's global setup is not thread-safe (the mailer sends). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("cannot set up libcurl");
		goto out;
	}
	curl = 1;
	if (ncaenrolld_start(&d, &cause) == -1) {
		log_error("%s", cause);
		goto out;
	}
	/*
	 * One write for both lines, the https one first: a reader that waits for it and
	 * then closes the pipe (ncaenroll --demo) must not make the second one fail.
	 */
	if (ncaenrolld_say_url("listening on https", d.host, d.port, "") < 0 ||
	    (d.http_plain != NULL &&
	    ncaenrolld_say_url("publishing on http", d.http_host, d.http_port, "") < 0) ||
	    (d.http_metrics != NULL && ncaenrolld_say_url("metrics on http", d.metrics_host,
	    d.metrics_port, "/metrics") < 0) ||
	    fflush(stdout) == EOF) {
		log_error("cannot write to stdout: %s", strerror(errno));
		goto out;
	}
	log_info("serving on port %d (%s)", d.port, d.cfg.demo.enabled ? "demo" : "production");
	ncaenrolld_ready(&d);
	if (ncaenrolld_wait(&d) == -1) {
		log_error("cannot wait for signals");
		goto out;
	}
	rc = 0;
out:
	free(cause);
	ncaenrolld_free(&d);
	if (curl)
		curl_global_cleanup();
	log_close();
	return rc;
}

/*
 * test-config — ncaenrolld.yaml: the documented defaults, a full file read back, and every
 * kind of refusal naming FILE:LINE (unknown key, wrong type, out of range, bad syntax,
 * a key twice, demo switches outside a demo, mail without a sender); the mail relay's
 * settings and its password file (0600, one line); the listen syntax; the settings two
 * readings differ in (a reload's check), named as the file names them.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ncaenrolld/srvconf.h"

struct fixture {
	char			dir[64];
	char			file[96];
	struct srv_config	cfg;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	assert_non_null(f);
	(void)strcpy(f->dir, "/tmp/test-config.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	(void)snprintf(f->file, sizeof f->file, "%s/ncaenrolld.yaml", f->dir);
	assert_int_equal(srvconf_init(&f->cfg, NULL), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	srvconf_free(&f->cfg);
	(void)unlink(f->file);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

static void
write_file(const struct fixture *f, const char *text)
{
	FILE	*fp = fopen(f->file, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Loads text and expects a refusal whose cause starts with FILE:LINE: and holds `what`. */
static void
refused(struct fixture *f, const char *text, int line, const char *what)
{
	char	*cause = NULL, prefix[160];

	write_file(f, text);
	assert_int_equal(srvconf_load(&f->cfg, f->file, &cause), -1);
	assert_non_null(cause);
	(void)snprintf(prefix, sizeof prefix, "%s:%d: ", f->file, line);
	if (strncmp(cause, prefix, strlen(prefix)) != 0 || strstr(cause, what) == NULL)
		fail_msg("expected \"%s...%s\", got \"%s\"", prefix, what, cause);
	free(cause);
}

static void
test_defaults(void **state)
{
	struct fixture	*f = *state;

	assert_string_equal(f->cfg.listen, "127.0.0.1:8443");
	/* configure's --sysconfdir and --localstatedir (tests/system/test_install_dirs.py). */
	assert_string_equal(f->cfg.tls_cert, PKGSYSCONFDIR "/tls.pem");
	assert_string_equal(f->cfg.store_uri, "sqlite:" PKGSTATEDIR "/ncaenrolld.db");
	assert_string_equal(f->cfg.log_level, "info");
	assert_null(f->cfg.crl_url);
	assert_null(f->cfg.mail.smtp_url);
	assert_int_equal(f->cfg.policy.verification_days, 30);
	assert_int_equal(f->cfg.policy.captcha_lifetime, 300);
	assert_int_equal(f->cfg.policy.token_lifetime, 1800);
	assert_int_equal(f->cfg.policy.captcha_per_minute, 20);
	assert_int_equal(f->cfg.policy.checks_per_minute, 30);
	assert_int_equal(f->cfg.policy.status_per_minute, 300);
	assert_int_equal(f->cfg.policy.max_body, 65536);
	assert_int_equal(f->cfg.policy.request_timeout, 30);
	assert_int_equal(f->cfg.policy.header_timeout, 5);
	assert_int_equal(f->cfg.policy.max_connections, 1024);
	assert_int_equal(f->cfg.policy.connections_per_address, 256);
	assert_int_equal(f->cfg.policy.connections_per_address_busy, 16);
	assert_int_equal(f->cfg.ca.file_days, 0);	/* calendar years (ca.h) */
	assert_int_equal(f->cfg.ca.token_days, 0);
	assert_int_equal(f->cfg.demo.enabled, 0);
	assert_int_equal(f->cfg.demo.auto_approve, -1);
}

static void
test_empty_file_keeps_defaults(void **state)
{
	struct fixture	*f = *state;

	write_file(f, "# nothing set\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_string_equal(f->cfg.listen, "127.0.0.1:8443");
	assert_int_equal(f->cfg.policy.max_body, 65536);
}

static void
test_full_file(void **state)
{
	struct fixture	*f = *state;

	write_file(f,
	    "listen: \"[::1]:9443\"\n"
	    "tls:\n  cert: /srv/tls.pem\n  key: /srv/tls.key\n"
	    "ca:\n  cert: /srv/ca.pem\n  key: /srv/ca.key\n  chain: /srv/chain.pem\n"
	    "  crl_url: http://crl.example.kz/ca.crl\n"
	    "  delta_crl_url: http://crl.example.kz/ca_d.crl\n"
	    "  ocsp_url: http://ocsp.example.kz\n"
	    "  ca_issuers_url: http://example.kz/ca.cer\n"
	    "  cps_url: https://example.kz/cps\n"
	    "  file_days: 366\n  token_days: 1000\n"
	    "store: sqlite:/srv/db.sqlite\n"
	    "data_dir: /srv/registries\n"
	    "state_dir: /srv/state\n"
	    "mail:\n  smtp_url: smtp://127.0.0.1:2525\n  from: pki@example.kz\n"
	    "policy:\n  verification_days: 10\n  captcha_lifetime: 60\n"
	    "  token_lifetime: 600\n  captcha_per_minute: 5\n  checks_per_minute: 6\n"
	    "  status_per_minute: 7\n"
	    "  max_body: 2048\n  request_timeout: 3\n  threads: 2\n"
	    "  max_connections: 50\n  connections_per_address: 5\n"
	    "  header_timeout: 2\n  connections_per_address_busy: 3\n"
	    "demo:\n  enabled: true\n  auto_approve: 5\n  fixed_captcha: ABCDE\n"
	    "log_level: debug\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_string_equal(f->cfg.listen, "[::1]:9443");
	assert_string_equal(f->cfg.tls_key, "/srv/tls.key");
	assert_string_equal(f->cfg.ca_chain, "/srv/chain.pem");
	assert_string_equal(f->cfg.cps_url, "https://example.kz/cps");
	assert_int_equal(f->cfg.ca.file_days, 366);
	assert_string_equal(f->cfg.store_uri, "sqlite:/srv/db.sqlite");
	assert_string_equal(f->cfg.data_dir, "/srv/registries");
	assert_string_equal(f->cfg.mail.from, "pki@example.kz");
	assert_int_equal(f->cfg.policy.verification_days, 10);
	assert_int_equal(f->cfg.policy.max_body, 2048);
	assert_int_equal(f->cfg.policy.status_per_minute, 7);
	assert_int_equal(f->cfg.policy.request_timeout, 3);
	assert_int_equal(f->cfg.policy.connections_per_address, 5);
	assert_int_equal(f->cfg.policy.header_timeout, 2);
	assert_int_equal(f->cfg.policy.connections_per_address_busy, 3);
	assert_int_equal(f->cfg.demo.enabled, 1);
	assert_int_equal(f->cfg.demo.auto_approve, 5);
	assert_string_equal(f->cfg.demo.fixed_captcha, "ABCDE");
	assert_string_equal(f->cfg.log_level, "debug");
	/* PostgreSQL, for several instances on one database */
	write_file(f, "store: postgresql://nca@db.example.kz/nca\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_string_equal(f->cfg.store_uri, "postgresql://nca@db.example.kz/nca");
}

static void
test_null_clears_optional(void **state)
{
	struct fixture	*f = *state;

	write_file(f, "ca:\n  crl_url: http://a.kz/x.crl\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_string_equal(f->cfg.crl_url, "http://a.kz/x.crl");
	write_file(f, "ca:\n  crl_url: ~\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_null(f->cfg.crl_url);
	/* Plain http for the CRLs and OCSP: a listen address, or none. */
	assert_null(f->cfg.http_listen);
	write_file(f, "http_listen: \"*:8080\"\nca:\n  root_crl: /etc/r.crl\n"
	    "  ocsp_preproduced: true\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_string_equal(f->cfg.http_listen, "*:8080");
	assert_string_equal(f->cfg.root_crl, "/etc/r.crl");
	assert_int_equal(f->cfg.ocsp_preproduced, 1);
	write_file(f, "http_listen: ~\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_null(f->cfg.http_listen);
	/* No operator CA: the RA desk is closed, the service still starts. */
	write_file(f, "operators:\n  ca_cert: ~\n  days: 30\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_null(f->cfg.operators.ca_cert);
	assert_int_equal(f->cfg.operators.days, 30);
}

static void
test_unknown_keys(void **state)
{
	struct fixture	*f = *state;

	refused(f, "listen: 127.0.0.1:1\nlisten_addr: x\n", 2, "unknown key 'listen_addr'");
	refused(f, "policy:\n  verification_days: 3\n  captcha_lifetme: 60\n", 3,
	    "unknown key 'policy.captcha_lifetme'");
	refused(f, "policy:\n  captcha_lifetme: 60\n", 2, "captcha_lifetime");	/* known list */
}

static void
test_bad_values(void **state)
{
	struct fixture	*f = *state;

	refused(f, "policy:\n  captcha_lifetime: 5\n", 2, "out of range (30 to 3600)");
	refused(f, "policy:\n  max_body: lots\n", 2, "'lots' is not a number of bytes");
	refused(f, "policy:\n  threads: \"4\"\n", 2, "is not an integer");
	refused(f, "policy:\n  threads: 99999999999999999999\n", 2, "is not an integer");
	refused(f, "\n\nlisten: 127.0.0.1:99999\n", 3, "port from 0 to 65535");
	refused(f, "listen: ::1:8443\n", 1, "brackets");
	refused(f, "http_listen: 127.0.0.1:70000\n", 1, "port from 0 to 65535");
	refused(f, "log_level: loud\n", 1, "'loud' is not error, warning, info or debug");
	refused(f, "ca:\n  crl_url: ftp://x/y\n", 2, "is not an http:// or https:// URL");
	refused(f, "mail:\n  smtp_url: smtp://h\n  from: not-an-address\n", 3,
	    "is not an e-mail address");
	refused(f, "store: mysql://db/x\n", 1, "store URI");
	refused(f, "tls:\n  cert: \"\"\n", 2, "non-empty");
	refused(f, "tls:\n  cert:\n", 2, "a value is required");
	refused(f, "demo:\n  enabled: yes-please\n", 2, "true or false");
	refused(f, "operators:\n  days: 0\n", 2, "out of range (1 to 3650)");
	refused(f, "operators:\n  ca_crt: x\n", 2, "unknown key 'operators.ca_crt'");
}

static void
test_wrong_shapes(void **state)
{
	struct fixture	*f = *state;

	refused(f, "- a\n- b\n", 1, "must be a mapping");
	refused(f, "tls: /etc/x.pem\n", 1, "tls: must be a mapping");
	refused(f, "listen:\n  host: x\n", 2, "listen: must be HOST:PORT, not a mapping");
	refused(f, "policy:\n  threads: [1, 2]\n", 2, "not a list");
}

static void
test_syntax_and_twice(void **state)
{
	struct fixture	*f = *state;

	refused(f, "listen: 127.0.0.1:1\npolicy:\n  threads: 2\n threads: 3\n", 4, "not YAML");
	refused(f, "log_level: info\nlisten: \"127.0.0.1:1\nstore: x\n", 4,
	    "quoted scalar that starts on line 2");
	refused(f, "policy:\n  threads: 2\n  threads: 3\n", 3, "given twice (first on line 2)");
}

static void
test_rules_between_keys(void **state)
{
	struct fixture	*f = *state;

	refused(f, "demo:\n  fixed_captcha: ABCDE\n", 2, "only a demo service");
	refused(f, "demo:\n  enabled: false\n  auto_approve: 10\n", 3, "only a demo service");
	refused(f, "mail:\n  smtp_url: smtp://127.0.0.1:25\n", 2, "needs mail.from");
}

/* A file of text with mode mode in the fixture's folder; its path in path. */
static void
write_secret(const struct fixture *f, const char *text, mode_t mode, char path[128])
{
	FILE	*fp;

	(void)snprintf(path, 128, "%s/relay-password", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_mail_settings(void **state)
{
	struct fixture	*f = *state;
	char		 pw[128], text[512];

	assert_int_equal(f->cfg.mail.starttls, SRV_STARTTLS_WHEN_OFFERED);
	assert_int_equal(f->cfg.mail.retry_for, 172800);
	write_secret(f, "Relay-Pa55 word\n", 0600, pw);
	(void)snprintf(text, sizeof text, "mail:\n  smtp_url: smtps://relay.example.kz\n"
	    "  from: pki@example.kz\n  starttls: required\n  ca_file: %s\n"
	    "  username: pki\n  password_file: %s\n  retry_for: 3600\n", pw, pw);
	write_file(f, text);
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_int_equal(f->cfg.mail.starttls, SRV_STARTTLS_REQUIRED);
	assert_string_equal(f->cfg.mail.username, "pki");
	assert_string_equal(f->cfg.mail.password, "Relay-Pa55 word");
	assert_int_equal(f->cfg.mail.retry_for, 3600);
	write_file(f, "mail:\n  starttls: off\n");
	assert_int_equal(srvconf_load(&f->cfg, f->file, NULL), 0);
	assert_int_equal(f->cfg.mail.starttls, SRV_STARTTLS_OFF);

	/* Loading keeps what an earlier load set: start again from the defaults. */
	srvconf_free(&f->cfg);
	assert_int_equal(srvconf_init(&f->cfg, NULL), 0);
	refused(f, "mail:\n  starttls: sometimes\n", 2,
	    "'sometimes' is not one of when-offered, required, off");
	refused(f, "mail:\n  retry_for: -1\n", 2, "out of range");
	refused(f, "mail:\n  username: pki\n", 2, "needs both mail.username and "
	    "mail.password_file");
	srvconf_free(&f->cfg);		/* the refused file set username */
	assert_int_equal(srvconf_init(&f->cfg, NULL), 0);
	(void)snprintf(text, sizeof text, "mail:\n  password_file: %s\n", pw);
	refused(f, text, 2, "needs both");
	assert_int_equal(chmod(pw, 0640), 0);
	(void)snprintf(text, sizeof text, "mail:\n  username: pki\n  password_file: %s\n",
	    pw);
	refused(f, text, 3, "make it 0600");
	write_secret(f, "", 0600, pw);
	refused(f, text, 3, "the password alone on one line");
	write_secret(f, "one\ntwo\n", 0600, pw);
	refused(f, text, 3, "the password alone on one line");
	(void)snprintf(text, sizeof text, "mail:\n  smtp_url: smtp://relay.example.kz\n"
	    "  from: pki@example.kz\n  username: pki\n  password_file: %s\n", pw);
	write_secret(f, "x\n", 0600, pw);
	refused(f, text, 4, "a password goes only over TLS");
	srvconf_free(&f->cfg);
	assert_int_equal(srvconf_init(&f->cfg, NULL), 0);
	refused(f, "mail:\n  ca_file: /nonexistent/ca.pem\n", 2,
	    "mail.ca_file: cannot read /nonexistent/ca.pem");
	(void)unlink(pw);
}

static void
test_missing_file(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_int_equal(srvconf_load(&f->cfg, "/nonexistent/ncaenrolld.yaml", &cause), -1);
	assert_non_null(strstr(cause, "cannot read /nonexistent/ncaenrolld.yaml"));
	free(cause);
}

/* The example installed (made in the build tree with its folders) must load, and say
 * what the defaults are. */
static void
test_example_file(void **state)
{
	struct fixture	*f = *state;
	struct srv_config def;
	const char	*build = getenv("NCA_BUILDDIR");
	char		 path[512], *cause = NULL;

	if (build == NULL)
		build = ".";
	(void)snprintf(path, sizeof path, "%s/data/ncaenrolld.yaml.example", build);
	if (srvconf_load(&f->cfg, path, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(srvconf_init(&def, NULL), 0);
	assert_string_equal(f->cfg.listen, def.listen);
	assert_string_equal(f->cfg.store_uri, def.store_uri);
	assert_string_equal(f->cfg.state_dir, def.state_dir);
	assert_string_equal(f->cfg.tls_cert, def.tls_cert);
	assert_string_equal(f->cfg.tls_key, def.tls_key);
	assert_string_equal(f->cfg.ca_cert, def.ca_cert);
	assert_string_equal(f->cfg.ca_key, def.ca_key);
	assert_string_equal(f->cfg.ca_chain, def.ca_chain);
	assert_int_equal(f->cfg.policy.captcha_lifetime, def.policy.captcha_lifetime);
	assert_int_equal(f->cfg.policy.max_body, def.policy.max_body);
	assert_int_equal(f->cfg.policy.connections_per_address,
	    def.policy.connections_per_address);
	assert_int_equal(f->cfg.demo.auto_approve, def.demo.auto_approve);
	assert_null(f->cfg.mail.smtp_url);
	assert_string_equal(f->cfg.crl_url, "http://crl.example.kz/ca.crl");
	assert_int_equal(f->cfg.ca.file_days, def.ca.file_days);	/* calendar years */
	assert_int_equal(f->cfg.ca.token_days, def.ca.token_days);
	assert_string_equal(f->cfg.operators.ca_cert, def.operators.ca_cert);
	assert_string_equal(f->cfg.operators.ca_key, def.operators.ca_key);
	assert_int_equal(f->cfg.operators.days, def.operators.days);
	srvconf_free(&def);
}

static void
test_listen_parse(void **state)
{
	char	 host[SRV_HOST_MAX], *cause = NULL;
	int	 port;

	(void)state;
	assert_int_equal(srvconf_listen_parse("127.0.0.1:0", host, &port, NULL), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 0);
	assert_int_equal(srvconf_listen_parse("[::1]:8443", host, &port, NULL), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 8443);
	assert_int_equal(srvconf_listen_parse("*:443", host, &port, NULL), 0);
	assert_string_equal(host, "*");
	assert_int_equal(srvconf_listen_parse("localhost:65535", host, &port, NULL), 0);
	assert_int_equal(srvconf_listen_parse("localhost", host, &port, NULL), -1);
	assert_int_equal(srvconf_listen_parse(":80", host, &port, NULL), -1);
	assert_int_equal(srvconf_listen_parse("h:-1", host, &port, NULL), -1);
	assert_int_equal(srvconf_listen_parse("h:80x", host, &port, NULL), -1);
	assert_int_equal(srvconf_listen_parse("[::1]8443", host, &port, NULL), -1);
	assert_int_equal(srvconf_listen_parse("h:65536", host, &port, &cause), -1);
	assert_non_null(strstr(cause, "0 to 65535"));
	free(cause);
}

/* srvconf_diff's each: the names, apart by spaces. */
static void
diff_name(const char *name, size_t off, void *arg)
{
	char	*buf = arg;

	(void)off;
	(void)strcat(buf, *buf != '\0' ? " " : "");
	(void)strcat(buf, name);
}

static void
test_diff(void **state)
{
	struct fixture		*f = *state;
	struct srv_config	 b;
	char			 names[256] = "";

	assert_int_equal(srvconf_init(&b, NULL), 0);
	srvconf_diff(&f->cfg, &b, diff_name, names);
	assert_string_equal(names, "");
	write_file(f, "tls:\n  cert: /x.pem\nstore: postgresql://db/nca\n"
	    "policy:\n  max_body: 2048\n  threads: 4\n  verification_days: 7\n"
	    "trusted_proxies: [10.0.0.1]\nmetrics_listen: 127.0.0.1:9100\n");
	assert_int_equal(srvconf_load(&b, f->file, NULL), 0);
	srvconf_diff(&f->cfg, &b, diff_name, names);
	assert_string_equal(names, "metrics_listen tls.cert store policy.verification_days "
	    "policy.max_body trusted_proxies");
	srvconf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file_keeps_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_clears_optional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_and_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rules_between_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mail_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_example_file, setup, teardown),
		cmocka_unit_test(test_listen_parse),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}

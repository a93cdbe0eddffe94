/*
 * srvconf — ncaenrolld.yaml into struct srv_config. The file's shape is one table of keys
 * (conf_root and its sub-tables): name, type, where the value goes, bounds. The walker
 * refuses what the table does not know, so a typo never passes silently for a default.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "common/cause.h"
#include "common/email.h"
#include "common/log.h"
#include "common/privfile.h"
#include "common/problem.h"
#include "p11/p11.h"
#include "ncaenrolld/proxy.h"
#include "ncaenrolld/srvconf.h"

enum conf_type {
	CONF_MAP,
	CONF_STRING,		/* non-empty */
	CONF_URL,		/* http(s)://..., or null */
	CONF_SMTP_URL,		/* smtp(s)://..., or null */
	CONF_EMAIL,		/* an address, or null */
	CONF_OPT_STRING,	/* anything non-empty, or null */
	CONF_STORE,		/* sqlite:PATH, PATH or postgresql://... */
	CONF_LISTEN,
	CONF_OPT_LISTEN,	/* HOST:PORT, or null */
	CONF_LOG_LEVEL,
	CONF_INT,
	CONF_SIZE,
	CONF_BOOL,
	CONF_CHOICE,		/* one of the key's words, stored as its index (int) */
	CONF_ADDRESSES,		/* a list of addresses and CIDR blocks, stored apart by
				   spaces; [] or null: none */
	CONF__MAX
};

static const char *const conf_type_names[] = {
	[CONF_MAP] = "a mapping of keys",
	[CONF_STRING] = "a non-empty string",
	[CONF_URL] = "an http:// or https:// URL",
	[CONF_SMTP_URL] = "an smtp:// or smtps:// URL",
	[CONF_EMAIL] = "an e-mail address",
	[CONF_OPT_STRING] = "a non-empty string",
	[CONF_STORE] = "a store URI (sqlite:PATH or postgresql://HOST/DATABASE)",
	[CONF_LISTEN] = "HOST:PORT",
	[CONF_OPT_LISTEN] = "HOST:PORT",
	[CONF_LOG_LEVEL] = "error, warning, info or debug",
	[CONF_INT] = "an integer",
	[CONF_SIZE] = "a number of bytes",
	[CONF_BOOL] = "true or false",
	[CONF_CHOICE] = "one of",
	[CONF_ADDRESSES] = "a list of IP addresses or CIDR blocks",
};
_Static_assert(sizeof conf_type_names / sizeof conf_type_names[0] == CONF__MAX,
    "one name per type");

struct conf_parse;

struct conf_key {
	const char		*name;
	enum conf_type		 type;
	size_t			 off;		/* into struct srv_config */
	long long		 min, max;	/* CONF_INT, CONF_SIZE */
	const struct conf_key	*sub;		/* CONF_MAP: its keys, NULL-name ended */
	/* CONF_MAP: rules between its keys; lines[i] is sub[i]'s line, 0 if absent */
	int			(*check)(struct conf_parse *, const int *lines);
	const char *const	*words;		/* CONF_CHOICE: NULL-ended */
};

struct conf_parse {
	const char		*file;
	yaml_document_t		*doc;
	struct srv_config	*cfg;
	char			**cause;
};

#define CONF_OFF(m)	offsetof(struct srv_config, m)
#define CONF_MAX_KEYS	16

static int	conf_check_ca(struct conf_parse *, const int *);
static int	conf_check_mail(struct conf_parse *, const int *);
static int	conf_check_demo(struct conf_parse *, const int *);
static int	conf_check_support(struct conf_parse *, const int *);

static const struct conf_key conf_tls[] = {
	{ "cert", CONF_STRING, CONF_OFF(tls_cert) },
	{ "key", CONF_STRING, CONF_OFF(tls_key) },
	{ NULL }
};

/* Keep the order of conf_check_ca's indexes. */
static const struct conf_key conf_ca[] = {
	{ "cert", CONF_STRING, CONF_OFF(ca_cert) },
	{ "key", CONF_STRING, CONF_OFF(ca_key) },
	{ "key_pin_file", CONF_OPT_STRING, CONF_OFF(ca_key_pin_file) },
	{ "pkcs11_module", CONF_OPT_STRING, CONF_OFF(ca_pkcs11_module) },
	{ "chain", CONF_STRING, CONF_OFF(ca_chain) },
	{ "crl_url", CONF_URL, CONF_OFF(crl_url) },
	{ "delta_crl_url", CONF_URL, CONF_OFF(delta_crl_url) },
	{ "ocsp_url", CONF_URL, CONF_OFF(ocsp_url) },
	{ "ca_issuers_url", CONF_URL, CONF_OFF(ca_issuers_url) },
	{ "cps_url", CONF_URL, CONF_OFF(cps_url) },
	{ "root_crl", CONF_OPT_STRING, CONF_OFF(root_crl) },
	{ "ocsp_preproduced", CONF_BOOL, CONF_OFF(ocsp_preproduced) },
	{ "file_days", CONF_INT, CONF_OFF(ca.file_days), 1, 3650 },
	{ "token_days", CONF_INT, CONF_OFF(ca.token_days), 1, 3650 },
	{ NULL }
};

static const struct conf_key conf_operators[] = {
	{ "ca_cert", CONF_OPT_STRING, CONF_OFF(operators.ca_cert) },
	{ "ca_key", CONF_OPT_STRING, CONF_OFF(operators.ca_key) },
	{ "days", CONF_INT, CONF_OFF(operators.days), 1, 3650 },
	{ NULL }
};

/* In the order of enum srv_starttls. */
static const char *const conf_starttls_words[] = { "when-offered", "required", "off", NULL };

/* Keep the order of conf_check_mail's indexes. */
static const struct conf_key conf_mail[] = {
	{ "smtp_url", CONF_SMTP_URL, CONF_OFF(mail.smtp_url) },
	{ "from", CONF_EMAIL, CONF_OFF(mail.from) },
	{ "starttls", CONF_CHOICE, CONF_OFF(mail.starttls), 0, 0, NULL, NULL,
	    conf_starttls_words },
	{ "ca_file", CONF_OPT_STRING, CONF_OFF(mail.ca_file) },
	{ "username", CONF_OPT_STRING, CONF_OFF(mail.username) },
	{ "password_file", CONF_OPT_STRING, CONF_OFF(mail.password_file) },
	{ "retry_for", CONF_INT, CONF_OFF(mail.retry_for), 0, 31536000 },
	{ NULL }
};

static const struct conf_key conf_policy[] = {
	{ "verification_days", CONF_INT, CONF_OFF(policy.verification_days), 1, 365 },
	{ "captcha_lifetime", CONF_INT, CONF_OFF(policy.captcha_lifetime), 30, 3600 },
	{ "token_lifetime", CONF_INT, CONF_OFF(policy.token_lifetime), 60, 86400 },
	{ "captcha_per_minute", CONF_INT, CONF_OFF(policy.captcha_per_minute), 1, 100000 },
	{ "checks_per_minute", CONF_INT, CONF_OFF(policy.checks_per_minute), 1, 100000 },
	{ "status_per_minute", CONF_INT, CONF_OFF(policy.status_per_minute), 1, 100000 },
	{ "max_body", CONF_SIZE, CONF_OFF(policy.max_body), 1024, 16777216 },
	{ "request_timeout", CONF_INT, CONF_OFF(policy.request_timeout), 1, 600 },
	{ "header_timeout", CONF_INT, CONF_OFF(policy.header_timeout), 1, 600 },
	{ "threads", CONF_INT, CONF_OFF(policy.threads), 1, 256 },
	{ "max_connections", CONF_INT, CONF_OFF(policy.max_connections), 1, 100000 },
	{ "connections_per_address", CONF_INT, CONF_OFF(policy.connections_per_address),
	    1, 100000 },
	{ "connections_per_address_busy", CONF_INT,
	    CONF_OFF(policy.connections_per_address_busy), 1, 100000 },
	{ NULL }
};

/* Keep the order of conf_check_demo's indexes. */
static const struct conf_key conf_demo[] = {
	{ "enabled", CONF_BOOL, CONF_OFF(demo.enabled) },
	{ "auto_approve", CONF_INT, CONF_OFF(demo.auto_approve), -1, 86400 },
	{ "fixed_captcha", CONF_OPT_STRING, CONF_OFF(demo.fixed_captcha) },
	{ NULL }
};

/* A text a person reads, in each of the three languages (all, or none). */
#define CONF_TEXT(m) { \
	{ "kk", CONF_OPT_STRING, CONF_OFF(m.kk) }, \
	{ "ru", CONF_OPT_STRING, CONF_OFF(m.ru) }, \
	{ "en", CONF_OPT_STRING, CONF_OFF(m.en) }, \
	{ NULL } }

static const struct conf_key conf_support_address[] = CONF_TEXT(support.address);
static const struct conf_key conf_support_hours[] = CONF_TEXT(support.hours);

/* Keep the order of conf_check_support's indexes. */
static const struct conf_key conf_support[] = {
	{ "phone", CONF_OPT_STRING, CONF_OFF(support.phone) },
	{ "email", CONF_EMAIL, CONF_OFF(support.email) },
	{ "web", CONF_URL, CONF_OFF(support.web) },
	{ "address", CONF_MAP, 0, 0, 0, conf_support_address },
	{ "hours", CONF_MAP, 0, 0, 0, conf_support_hours },
	{ NULL }
};

static const struct conf_key conf_top[] = {
	{ "listen", CONF_LISTEN, CONF_OFF(listen) },
	{ "http_listen", CONF_OPT_LISTEN, CONF_OFF(http_listen) },
	{ "metrics_listen", CONF_OPT_LISTEN, CONF_OFF(metrics_listen) },
	{ "tls", CONF_MAP, 0, 0, 0, conf_tls },
	{ "ca", CONF_MAP, 0, 0, 0, conf_ca, conf_check_ca },
	{ "operators", CONF_MAP, 0, 0, 0, conf_operators },
	{ "store", CONF_STORE, CONF_OFF(store_uri) },
	{ "data_dir", CONF_OPT_STRING, CONF_OFF(data_dir) },
	{ "state_dir", CONF_STRING, CONF_OFF(state_dir) },
	{ "mail", CONF_MAP, 0, 0, 0, conf_mail, conf_check_mail },
	{ "policy", CONF_MAP, 0, 0, 0, conf_policy },
	{ "demo", CONF_MAP, 0, 0, 0, conf_demo, conf_check_demo },
	{ "support", CONF_MAP, 0, 0, 0, conf_support, conf_check_support },
	{ "log_level", CONF_LOG_LEVEL, CONF_OFF(log_level) },
	{ "trusted_proxies", CONF_ADDRESSES, CONF_OFF(trusted_proxies) },
	{ NULL }
};

static const struct conf_key conf_root = { "", CONF_MAP, 0, 0, 0, conf_top };

int
srvconf_set(char **field, const char *value, char **cause)
{
	char	*copy = NULL;

	if (value != NULL && (copy = strdup(value)) == NULL) {
		cause_set(cause, "out of memory");
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

int
srvconf_init(struct srv_config *cfg, char **cause)
{
	static const struct {
		size_t		 off;
		const char	*value;
	} strings[] = {
		{ CONF_OFF(listen), "127.0.0.1:8443" },
		{ CONF_OFF(tls_cert), PKGSYSCONFDIR "/tls.pem" },
		{ CONF_OFF(tls_key), PKGSYSCONFDIR "/tls.key" },
		{ CONF_OFF(ca_cert), PKGSYSCONFDIR "/ca.pem" },
		{ CONF_OFF(ca_key), PKGSYSCONFDIR "/ca.key" },
		{ CONF_OFF(ca_chain), PKGSYSCONFDIR "/ca-chain.pem" },
		{ CONF_OFF(operators.ca_cert), PKGSYSCONFDIR "/operators-ca.pem" },
		{ CONF_OFF(operators.ca_key), PKGSYSCONFDIR "/operators-ca.key" },
		{ CONF_OFF(store_uri), "sqlite:" PKGSTATEDIR "/ncaenrolld.db" },
		{ CONF_OFF(state_dir), PKGSTATEDIR },
		{ CONF_OFF(log_level), "info" },
	};
	size_t	i;

	memset(cfg, 0, sizeof *cfg);
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		if (srvconf_set((char **)((char *)cfg + strings[i].off), strings[i].value,
		    cause) == -1) {
			srvconf_free(cfg);
			return -1;
		}
	}
	cfg->ca.file_days = 0;		/* calendar years from issue (ca.h) */
	cfg->ca.token_days = 0;
	cfg->operators.days = 365;
	cfg->policy.verification_days = 30;
	cfg->policy.captcha_lifetime = 300;
	cfg->policy.token_lifetime = 1800;
	cfg->policy.captcha_per_minute = 20;
	cfg->policy.checks_per_minute = 30;
	cfg->policy.status_per_minute = 300;
	cfg->policy.max_body = 65536;
	cfg->policy.request_timeout = 30;
	cfg->policy.header_timeout = 5;
	cfg->policy.threads = 4;
	cfg->policy.max_connections = 1024;
	/* a terminal server's applicants share one address (ncaenrolld.yaml(5)) */
	cfg->policy.connections_per_address = 256;
	cfg->policy.connections_per_address_busy = 16;
	cfg->demo.auto_approve = -1;
	cfg->mail.starttls = SRV_STARTTLS_WHEN_OFFERED;
	cfg->mail.retry_for = 172800;
	return 0;
}

void
srvconf_free(struct srv_config *cfg)
{
	char	**strings[] = {
		&cfg->listen, &cfg->http_listen, &cfg->root_crl, &cfg->tls_cert, &cfg->tls_key,
		&cfg->ca_cert, &cfg->ca_key, &cfg->ca_chain, &cfg->ca_key_pin_file,
		&cfg->ca_pkcs11_module, &cfg->operators.ca_cert, &cfg->operators.ca_key,
		&cfg->crl_url, &cfg->delta_crl_url, &cfg->ocsp_url,
		&cfg->ca_issuers_url, &cfg->cps_url, &cfg->store_uri, &cfg->data_dir,
		&cfg->state_dir, &cfg->clock_file, &cfg->log_level, &cfg->mail.smtp_url,
		&cfg->mail.from, &cfg->mail.ca_file, &cfg->mail.username,
		&cfg->mail.password_file, &cfg->demo.fixed_captcha, &cfg->support.phone,
		&cfg->support.email, &cfg->support.web, &cfg->support.address.kk,
		&cfg->support.address.ru, &cfg->support.address.en, &cfg->support.hours.kk,
		&cfg->support.hours.ru, &cfg->support.hours.en,
		&cfg->metrics_listen, &cfg->trusted_proxies,
	};
	size_t	 i;

	if (cfg->mail.password != NULL) {
		explicit_bzero(cfg->mail.password, strlen(cfg->mail.password));
		free(cfg->mail.password);
		cfg->mail.password = NULL;
	}
	for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

int
srvconf_listen_parse(const char *listen, char host[SRV_HOST_MAX], int *port, char **cause)
{
	const char	*colon, *hs = listen, *he;
	char		*end;
	long		 p;

	if (listen[0] == '[') {
		hs = listen + 1;
		if ((he = strchr(hs, ']')) == NULL || he[1] != ':') {
			cause_set(cause, "'%s' is not [IPV6]:PORT", listen);
			return -1;
		}
		colon = he + 1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL ||
		    memchr(listen, ':', (size_t)(colon - listen)) != NULL) {
			cause_set(cause, "'%s' is not HOST:PORT (write an IPv6 address "
			    "in brackets: [::1]:8443)", listen);
			return -1;
		}
		he = colon;
	}
	if (he == hs || (size_t)(he - hs) >= SRV_HOST_MAX) {
		cause_set(cause, "'%s' has no usable host", listen);
		return -1;
	}
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || p < 0 ||
	    p > 65535) {
		cause_set(cause, "'%s' has no port from 0 to 65535", listen);
		return -1;
	}
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	*port = (int)p;
	return 0;
}

static int
conf_fail(struct conf_parse *p, const yaml_node_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
conf_fail(struct conf_parse *p, const yaml_node_t *at, const char *fmt, ...)
{
	va_list	 ap;
	char	*why = NULL;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		why = NULL;
	va_end(ap);
	cause_set(p->cause, "%s:%lu: %s", p->file, (unsigned long)at->start_mark.line + 1,
	    why != NULL ? why : "bad value");
	free(why);
	return -1;
}

static int
conf_is_null(const yaml_node_t *n)
{
	const char	*v = (const char *)n->data.scalar.value;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static int
conf_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
conf_url(const char *v, const char *const schemes[])
{
	size_t	i, n;

	if (strchr(v, ' ') != NULL || conf_has_control(v))
		return -1;
	for (i = 0; schemes[i] != NULL; i++) {
		n = strlen(schemes[i]);
		if (strncmp(v, schemes[i], n) == 0 && v[n] != '\0' && v[n] != '/')
			return 0;
	}
	return -1;
}

static int
conf_number(struct conf_parse *p, const yaml_node_t *n, const char *name,
    const struct conf_key *k, long long *out)
{
	const char	*v = (const char *)n->data.scalar.value;
	char		*end;
	long long	 x;

	errno = 0;
	x = strtoll(v, &end, 10);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || *v == '\0' || *end != '\0' ||
	    errno != 0 || (*v != '-' && (*v < '0' || *v > '9')))
		return conf_fail(p, n, "%s: '%s' is not %s", name, v, conf_type_names[k->type]);
	if (x < k->min || x > k->max)
		return conf_fail(p, n, "%s: %lld is out of range (%lld to %lld)", name, x,
		    k->min, k->max);
	*out = x;
	return 0;
}

/* The string-valued types: checks v, then stores it (or NULL for a null value). */
static int
conf_string(struct conf_parse *p, const yaml_node_t *n, const char *name,
    const struct conf_key *k, char **field)
{
	static const char *const http[] = { "http://", "https://", NULL };
	static const char *const smtp[] = { "smtp://", "smtps://", NULL };
	const char		*v = (const char *)n->data.scalar.value;
	char			 host[SRV_HOST_MAX], *why = NULL;
	int			 port, bad = 0, nullable;
	struct problems		 probs;
	enum log_level		 level;

	nullable = k->type == CONF_URL || k->type == CONF_SMTP_URL ||
	    k->type == CONF_EMAIL || k->type == CONF_OPT_STRING || k->type == CONF_OPT_LISTEN;
	if (conf_is_null(n)) {
		if (!nullable)
			return conf_fail(p, n, "%s: a value is required (%s)", name,
			    conf_type_names[k->type]);
		return srvconf_set(field, NULL, p->cause);
	}
	if (*v == '\0' || conf_has_control(v))
		bad = 1;
	else if (k->type == CONF_URL)
		bad = conf_url(v, http) == -1;
	else if (k->type == CONF_SMTP_URL)
		bad = conf_url(v, smtp) == -1;
	else if (k->type == CONF_LOG_LEVEL)
		bad = log_level_parse(v, &level) == -1;
	else if (k->type == CONF_STORE)
		bad = strchr(v, ':') != NULL && strncmp(v, "sqlite:", 7) != 0 &&
		    strncmp(v, "postgresql://", 13) != 0 && strncmp(v, "postgres://", 11) != 0;
	else if (k->type == CONF_EMAIL) {
		problems_init(&probs);
		bad = email_check(v, &probs) == -1;
		problems_free(&probs);
	} else if ((k->type == CONF_LISTEN || k->type == CONF_OPT_LISTEN) &&
	    srvconf_listen_parse(v, host, &port,
	    &why) == -1) {
		(void)conf_fail(p, n, "%s: %s", name, why);
		free(why);
		return -1;
	}
	if (bad)
		return conf_fail(p, n, "%s: '%s' is not %s", name, v, conf_type_names[k->type]);
	return srvconf_set(field, v, p->cause);
}

static int	conf_map(struct conf_parse *, const yaml_node_t *, const struct conf_key *,
		    const char *);

static int
conf_choice(struct conf_parse *p, const yaml_node_t *n, const char *name,
    const struct conf_key *k, int *field)
{
	const char	*v = (const char *)n->data.scalar.value;
	char		 known[256] = "";
	size_t		 i, len = 0;
	int		 w;

	for (i = 0; k->words[i] != NULL; i++) {
		if (strcmp(k->words[i], v) == 0) {
			*field = (int)i;
			return 0;
		}
		w = snprintf(known + len, sizeof known - len, "%s%s", i > 0 ? ", " : "",
		    k->words[i]);
		if (w > 0 && (size_t)w < sizeof known - len)
			len += (size_t)w;
	}
	return conf_fail(p, n, "%s: '%s' is not %s %s", name, v, conf_type_names[k->type],
	    known);
}

/* A list of addresses (or null, or one address alone), kept apart by spaces. */
static int
conf_addresses(struct conf_parse *p, const yaml_node_t *n, const char *name, char **field)
{
	struct proxy_list	 l;
	yaml_node_item_t	*it;
	yaml_node_t		*e;
	char			*text = NULL, *more, *why = NULL;
	const char		*v;

	if (n->type == YAML_SCALAR_NODE)
		return conf_is_null(n) ? srvconf_set(field, NULL, p->cause) :
		    conf_fail(p, n, "%s: must be %s, in brackets: [%s]", name,
		    conf_type_names[CONF_ADDRESSES], (const char *)n->data.scalar.value);
	if (n->type != YAML_SEQUENCE_NODE)
		return conf_fail(p, n, "%s: must be %s", name, conf_type_names[CONF_ADDRESSES]);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		if ((e = yaml_document_get_node(p->doc, *it)) == NULL ||
		    e->type != YAML_SCALAR_NODE) {
			free(text);
			return conf_fail(p, n, "%s: must be %s", name,
			    conf_type_names[CONF_ADDRESSES]);
		}
		v = (const char *)e->data.scalar.value;
		if (*v == '\0' || strchr(v, ' ') != NULL || conf_has_control(v) ||
		    proxy_list_parse(v, &l, &why) == -1) {
			free(text);
			free(why);
			return conf_fail(p, e, "%s: '%s' is not an IP address or CIDR block",
			    name, v);
		}
		proxy_list_free(&l);
		if (asprintf(&more, "%s%s%s", text != NULL ? text : "", text != NULL ? " " : "",
		    v) == -1) {
			free(text);
			cause_set(p->cause, "out of memory");
			return -1;
		}
		free(text);
		text = more;
	}
	free(*field);
	*field = text;
	return 0;
}

static int
conf_value(struct conf_parse *p, const yaml_node_t *n, const struct conf_key *k,
    const char *name)
{
	void		*field = (char *)p->cfg + k->off;
	long long	 x;
	const char	*v;

	if (k->type == CONF_MAP) {
		if (n->type != YAML_MAPPING_NODE)
			return conf_fail(p, n, "%s: must be %s", name, conf_type_names[k->type]);
		return conf_map(p, n, k, name);
	}
	if (k->type == CONF_ADDRESSES)
		return conf_addresses(p, n, name, (char **)field);
	if (n->type != YAML_SCALAR_NODE)
		return conf_fail(p, n, "%s: must be %s, not a %s", name,
		    conf_type_names[k->type], n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	v = (const char *)n->data.scalar.value;
	switch (k->type) {
	case CONF_INT:
		if (conf_number(p, n, name, k, &x) == -1)
			return -1;
		*(int *)field = (int)x;
		return 0;
	case CONF_SIZE:
		if (conf_number(p, n, name, k, &x) == -1)
			return -1;
		*(size_t *)field = (size_t)x;
		return 0;
	case CONF_BOOL:
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(v, "true") == 0)
			*(int *)field = 1;
		else if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp(v, "false") == 0)
			*(int *)field = 0;
		else
			return conf_fail(p, n, "%s: '%s' is not %s", name, v,
			    conf_type_names[k->type]);
		return 0;
	case CONF_CHOICE:
		return conf_choice(p, n, name, k, (int *)field);
	default:
		return conf_string(p, n, name, k, (char **)field);
	}
}

static int
conf_unknown(struct conf_parse *p, const yaml_node_t *at, const char *name,
    const struct conf_key *keys)
{
	char	 known[512] = "";
	size_t	 i, len = 0;
	int	 w;

	for (i = 0; keys[i].name != NULL && len < sizeof known; i++) {
		w = snprintf(known + len, sizeof known - len, "%s%s", i > 0 ? ", " : "",
		    keys[i].name);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return conf_fail(p, at, "unknown key '%s' (known here: %s)", name, known);
}

static int
conf_map(struct conf_parse *p, const yaml_node_t *map, const struct conf_key *parent,
    const char *prefix)
{
	const struct conf_key	*keys = parent->sub;
	yaml_node_pair_t	*pair;
	yaml_node_t		*kn, *vn;
	int			 lines[CONF_MAX_KEYS] = { 0 };
	char			 name[128];
	size_t			 i;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top;
	    pair++) {
		kn = yaml_document_get_node(p->doc, pair->key);
		vn = yaml_document_get_node(p->doc, pair->value);
		if (kn == NULL || vn == NULL || kn->type != YAML_SCALAR_NODE)
			return conf_fail(p, kn != NULL ? kn : map, "keys must be plain names");
		(void)snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "",
		    (const char *)kn->data.scalar.value);
		for (i = 0; keys[i].name != NULL; i++)
			if (strcmp(keys[i].name, (const char *)kn->data.scalar.value) == 0)
				break;
		if (keys[i].name == NULL)
			return conf_unknown(p, kn, name, keys);
		if (lines[i] != 0)
			return conf_fail(p, kn, "%s: given twice (first on line %d)", name,
			    lines[i]);
		lines[i] = (int)kn->start_mark.line + 1;
		if (conf_value(p, vn, &keys[i], name) == -1)
			return -1;
	}
	return parent->check != NULL ? parent->check(p, lines) : 0;
}

static int
conf_fail_line(struct conf_parse *p, int line, const char *why)
{
	cause_set(p->cause, "%s:%d: %s", p->file, line, why);
	return -1;
}

#define CONF_PASSWORD_MAX	1024

/*
 * The relay's password, read once here so that nothing reads it later: a file of one line
 * that only its owner may read (0600), else refused (a password others can read is not
 * one). The cause names the file, never what it holds.
 */
static int
conf_password(struct conf_parse *p, int line, const char *file, char **password)
{
	char		 buf[CONF_PASSWORD_MAX + 1], why[300], *mode = NULL;
	ssize_t		 n = -1;
	size_t		 len;
	int		 fd;

	*why = '\0';
	if ((fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		(void)snprintf(why, sizeof why, "cannot read %s: %s", file, strerror(errno));
	else if (privfile_check(fd, file, 0, &mode) == -1)
		(void)snprintf(why, sizeof why, "%s", mode);
	else if ((n = read(fd, buf, sizeof buf)) == -1)
		(void)snprintf(why, sizeof why, "cannot read %s: %s", file, strerror(errno));
	if (fd != -1)
		(void)close(fd);
	if (*why == '\0') {
		len = (size_t)n;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		buf[len] = '\0';
		if (n > CONF_PASSWORD_MAX || len == 0 || memchr(buf, '\n', len) != NULL ||
		    strlen(buf) != len)
			(void)snprintf(why, sizeof why, "%s must hold the password alone on "
			    "one line", file);
		else if ((*password = strdup(buf)) == NULL)
			(void)snprintf(why, sizeof why, "out of memory");
	}
	explicit_bzero(buf, sizeof buf);
	free(mode);
	if (*why == '\0')
		return 0;
	cause_set(p->cause, "%s:%d: mail.password_file: %s", p->file, line, why);
	return -1;
}

/*
 * conf_ca: 0 cert, 1 key, 2 key_pin_file, 3 pkcs11_module. A key on a token is named by
 * a URI that is read here (its mistakes get the file's line) and logged in to with the
 * PIN of key_pin_file, which is read at start by the CA alone (ca-token.c); a key file
 * has neither.
 */
static int
conf_check_ca(struct conf_parse *p, const int *lines)
{
	struct srv_config	*c = p->cfg;
	struct p11_uri		 u;
	char			*why = NULL;

	if (!p11_uri_is(c->ca_key)) {
		if (lines[2] != 0 && c->ca_key_pin_file != NULL)
			return conf_fail_line(p, lines[2], "ca.key_pin_file: only a CA key on a "
			    "token (ca.key: pkcs11:...) has a PIN");
		if (lines[3] != 0 && c->ca_pkcs11_module != NULL)
			return conf_fail_line(p, lines[3], "ca.pkcs11_module: only a CA key on "
			    "a token (ca.key: pkcs11:...) has a module");
		return 0;
	}
	if (p11_uri_parse(c->ca_key, &u, &why) == -1) {
		cause_set(p->cause, "%s:%d: ca.key: %s", p->file, lines[1], why);
		free(why);
		return -1;
	}
	p11_uri_free(&u);
	if (c->ca_key_pin_file == NULL)
		return conf_fail_line(p, lines[1], "ca.key: a CA key on a token needs the file "
		    "of its user PIN (ca.key_pin_file)");
	return 0;
}

/*
 * conf_mail: 0 smtp_url, 1 from, 2 starttls, 3 ca_file, 4 username, 5 password_file,
 * 6 retry_for.
 */
static int
conf_check_mail(struct conf_parse *p, const int *lines)
{
	struct srv_mail	*m = &p->cfg->mail;

	if (m->smtp_url != NULL && m->from == NULL)
		return conf_fail_line(p, lines[0],
		    "mail.smtp_url: mail also needs mail.from (the sender's address)");
	if ((m->username == NULL) != (m->password_file == NULL))
		return conf_fail_line(p, lines[m->username == NULL ? 5 : 4],
		    "mail: a login needs both mail.username and mail.password_file");
	/* when-offered would send it in the clear to whoever strips the relay's STARTTLS. */
	if (m->username != NULL && m->smtp_url != NULL &&
	    strncmp(m->smtp_url, "smtps://", 8) != 0 && m->starttls != SRV_STARTTLS_REQUIRED)
		return conf_fail_line(p, lines[4], "mail.username: a password goes only over "
		    "TLS: set mail.starttls: required, or use an smtps:// relay");
	if (m->ca_file != NULL && access(m->ca_file, R_OK) == -1) {
		cause_set(p->cause, "%s:%d: mail.ca_file: cannot read %s: %s", p->file,
		    lines[3], m->ca_file, strerror(errno));
		return -1;
	}
	if (m->password_file == NULL)
		return 0;
	if (m->password != NULL) {
		explicit_bzero(m->password, strlen(m->password));
		free(m->password);
		m->password = NULL;
	}
	return conf_password(p, lines[5], m->password_file, &m->password);
}

/* conf_demo: 0 enabled, 1 auto_approve, 2 fixed_captcha. */
static int
conf_check_demo(struct conf_parse *p, const int *lines)
{
	if (p->cfg->demo.enabled)
		return 0;
	if (lines[1] != 0 && p->cfg->demo.auto_approve >= 0)
		return conf_fail_line(p, lines[1],
		    "demo.auto_approve: only a demo service approves by itself "
		    "(set demo.enabled: true)");
	if (lines[2] != 0 && p->cfg->demo.fixed_captcha != NULL)
		return conf_fail_line(p, lines[2],
		    "demo.fixed_captcha: only a demo service may have a fixed captcha "
		    "(set demo.enabled: true)");
	return 0;
}

/* 1 when the text is given in some languages but not all: a reader would miss it. */
static int
conf_text_partial(const struct srv_text *t)
{
	int	n = (t->kk != NULL) + (t->ru != NULL) + (t->en != NULL);

	return n != 0 && n != 3;
}

/* conf_support: 0 phone, 1 email, 2 web, 3 address, 4 hours. */
static int
conf_check_support(struct conf_parse *p, const int *lines)
{
	if (conf_text_partial(&p->cfg->support.address))
		return conf_fail_line(p, lines[3], "support.address: give it in kk, ru and en "
		    "(a reader of each language must find it)");
	if (conf_text_partial(&p->cfg->support.hours))
		return conf_fail_line(p, lines[4], "support.hours: give them in kk, ru and en "
		    "(a reader of each language must find them)");
	return 0;
}

static int
conf_parse_error(struct conf_parse *p, const yaml_parser_t *parser)
{
	if (parser->error == YAML_MEMORY_ERROR) {
		cause_set(p->cause, "%s: out of memory", p->file);
		return -1;
	}
	if (parser->error == YAML_READER_ERROR) {
		cause_set(p->cause, "%s:%lu: %s (not UTF-8 text?)", p->file,
		    (unsigned long)parser->problem_mark.line + 1,
		    parser->problem != NULL ? parser->problem : "cannot read");
		return -1;
	}
	if (parser->context != NULL)
		cause_set(p->cause, "%s:%lu: not YAML: %s (%s that starts on line %lu)",
		    p->file, (unsigned long)parser->problem_mark.line + 1,
		    parser->problem != NULL ? parser->problem : "syntax error", parser->context,
		    (unsigned long)parser->context_mark.line + 1);
	else
		cause_set(p->cause, "%s:%lu: not YAML: %s", p->file,
		    (unsigned long)parser->problem_mark.line + 1,
		    parser->problem != NULL ? parser->problem : "syntax error");
	return -1;
}

int
srvconf_load(struct srv_config *cfg, const char *file, char **cause)
{
	struct conf_parse	 p = { file, NULL, cfg, cause };
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	yaml_node_t		*root;
	FILE			*f;
	int			 rc = -1;

	if ((f = fopen(file, "rb")) == NULL) {
		cause_set(cause, "cannot read %s: %s", file, strerror(errno));
		return -1;
	}
	if (yaml_parser_initialize(&parser) == 0) {
		cause_set(cause, "%s: out of memory", file);
		(void)fclose(f);
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	if (yaml_parser_load(&parser, &doc) == 0) {
		(void)conf_parse_error(&p, &parser);
		goto out_parser;
	}
	p.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL)
		rc = 0;		/* an empty file: every default stands */
	else if (root->type == YAML_SCALAR_NODE && conf_is_null(root))
		rc = 0;
	else if (root->type != YAML_MAPPING_NODE)
		(void)conf_fail(&p, root, "the file must be a mapping of keys (key: value)");
	else
		rc = conf_map(&p, root, &conf_root, "");
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	if (fclose(f) != 0 && rc == 0) {
		cause_set(cause, "cannot read %s: %s", file, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* srvconf_diff over keys, whose names are under prefix. */
static void
conf_diff(const struct conf_key *keys, const char *prefix, const struct srv_config *a,
    const struct srv_config *b, void (*each)(const char *, size_t, void *), void *arg)
{
	const struct conf_key	*k;
	const char		*x, *y;
	char			 name[128];
	size_t			 size;

	for (k = keys; k->name != NULL; k++) {
		(void)snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "",
		    k->name);
		if (k->type == CONF_MAP) {
			conf_diff(k->sub, name, a, b, each, arg);
			continue;
		}
		if (k->type == CONF_INT || k->type == CONF_BOOL || k->type == CONF_CHOICE ||
		    k->type == CONF_SIZE) {
			size = k->type == CONF_SIZE ? sizeof(size_t) : sizeof(int);
			if (memcmp((const char *)a + k->off, (const char *)b + k->off, size) != 0)
				each(name, k->off, arg);
			continue;
		}
		memcpy(&x, (const char *)a + k->off, sizeof x);
		memcpy(&y, (const char *)b + k->off, sizeof y);
		if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
			each(name, k->off, arg);
	}
}

void
srvconf_diff(const struct srv_config *a, const struct srv_config *b,
    void (*each)(const char *name, size_t off, void *arg), void *arg)
{
	conf_diff(conf_top, "", a, b, each, arg);
}

/*
 * cliconf — the client programs' settings files (YAML: the system's, then the user's under
 * $XDG_CONFIG_HOME): one reader for both, each program naming its keys in a table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/cliconf.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"

static char **
cliconf_slot(const struct cliconf_spec *spec, void *settings, const char *key)
{
	size_t	i;

	for (i = 0; i < spec->nkeys; i++)
		if (strcmp(spec->keys[i].key, key) == 0)
			return (char **)(void *)((char *)settings + spec->keys[i].off);
	return NULL;
}

static int
cliconf_apply(const struct cliconf_spec *spec, void *settings, const char *path,
    yaml_document_t *doc, char **cause)
{
	yaml_node_t		*root = yaml_document_get_root_node(doc), *k, *v;
	yaml_node_pair_t	*p;
	char			**slot;

	if (root == NULL)
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		cause_set(cause, _("%s:%lu: expected settings as 'key: value' lines"), path,
		    (unsigned long)root->start_mark.line + 1);
		return -1;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(doc, p->key);
		v = yaml_document_get_node(doc, p->value);
		if (k->type != YAML_SCALAR_NODE ||
		    (slot = cliconf_slot(spec, settings, (char *)k->data.scalar.value)) == NULL) {
			cause_set(cause, _("%s:%lu: unknown setting (known: %s)"), path,
			    (unsigned long)k->start_mark.line + 1, spec->known);
			return -1;
		}
		if (v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0) {
			cause_set(cause, _("%s:%lu: '%s' needs a text value"), path,
			    (unsigned long)v->start_mark.line + 1, (char *)k->data.scalar.value);
			return -1;
		}
		free(*slot);
		if ((*slot = strdup((char *)v->data.scalar.value)) == NULL) {
			cause_set(cause, _("out of memory"));
			return -1;
		}
	}
	return 0;
}

int
cliconf_read_file(const struct cliconf_spec *spec, void *settings, const char *path,
    char **cause)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	FILE		*fp;
	int		 rc = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 0;
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		(void)fclose(fp);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		/* Where, in our words; libyaml's reason is English, for the log. */
		log_debug("%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : "?");
		cause_set(cause, _("%s:%lu:%lu: the settings cannot be read from here on "
		    "(check the colons, quotes and indents)"), path,
		    (unsigned long)parser.problem_mark.line + 1,
		    (unsigned long)parser.problem_mark.column + 1);
	} else {
		rc = cliconf_apply(spec, settings, path, &doc, cause);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	(void)fclose(fp);	/* read-only: nothing to lose */
	return rc;
}

int
cliconf_read(const struct cliconf_spec *spec, void *settings, char **cause)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char		*user = NULL;
	int		 rc;

	if (cliconf_read_file(spec, settings, spec->system, cause) == -1)
		return -1;
	if (xdg != NULL && *xdg == '/')
		rc = asprintf(&user, "%s/%s", xdg, spec->user);
	else if (home != NULL && *home == '/')
		rc = asprintf(&user, "%s/.config/%s", home, spec->user);
	else
		return 0;
	if (rc == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	rc = cliconf_read_file(spec, settings, user, cause);
	free(user);
	return rc;
}

void
cliconf_release(const struct cliconf_spec *spec, void *settings)
{
	size_t	i;

	for (i = 0; i < spec->nkeys; i++) {
		char	**slot = (char **)(void *)((char *)settings + spec->keys[i].off);

		free(*slot);
		*slot = NULL;
	}
}

static const struct cliconf_key cliconf_keys[] = {
	{ "service", offsetof(struct cliconf, service) },
	{ "ca_file", offsetof(struct cliconf, ca_file) },
	{ "state", offsetof(struct cliconf, state) },
	{ "lang", offsetof(struct cliconf, lang) },
	{ "token_factory_pin", offsetof(struct cliconf, token_factory_pin) },
};

static const struct cliconf_spec cliconf_ncaenroll = {
	cliconf_keys, sizeof cliconf_keys / sizeof cliconf_keys[0],
	"service, ca_file, state, lang, token_factory_pin",
	PKGSYSCONFDIR "/ncaenroll.yaml", "ncaenroll/config.yaml",
};

/* A value that is neither would leave the desk unsure which it has: refused. */
static int
cliconf_check(const struct cliconf *c, char **cause)
{
	const char	*v = c->token_factory_pin;

	if (v == NULL || strcmp(v, "refuse") == 0 || strcmp(v, "allow") == 0)
		return 0;
	cause_set(cause, _("the setting 'token_factory_pin' is 'refuse' or 'allow', not '%s'"),
	    v);
	return -1;
}

int
cliconf_load(struct cliconf *c, char **cause)
{
	if (cliconf_read(&cliconf_ncaenroll, c, cause) == -1)
		return -1;
	return cliconf_check(c, cause);
}

int
cliconf_factory_pin_allowed(const struct cliconf *c)
{
	return c->token_factory_pin != NULL && strcmp(c->token_factory_pin, "allow") == 0;
}

int
cliconf_load_file(struct cliconf *c, const char *path, char **cause)
{
	if (cliconf_read_file(&cliconf_ncaenroll, c, path, cause) == -1)
		return -1;
	return cliconf_check(c, cause);
}

void
cliconf_free(struct cliconf *c)
{
	cliconf_release(&cliconf_ncaenroll, c);
}

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/cliconf.h"
#include "common/cause.h"
#include "common/i18n.h"

static char **
cliconf_slot(struct cliconf *c, const char *key)
{
	if (strcmp(key, "service") == 0)
		return &c->service;
	if (strcmp(key, "ca_file") == 0)
		return &c->ca_file;
	if (strcmp(key, "state") == 0)
		return &c->state;
	if (strcmp(key, "lang") == 0)
		return &c->lang;
	return NULL;
}

static int
cliconf_apply(struct cliconf *c, const char *path, yaml_document_t *doc, char **cause)
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
		    (slot = cliconf_slot(c, (char *)k->data.scalar.value)) == NULL) {
			cause_set(cause, _("%s:%lu: unknown setting (known: service, ca_file, "
			    "state, lang)"), path, (unsigned long)k->start_mark.line + 1);
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
cliconf_load_file(struct cliconf *c, const char *path, char **cause)
{
	yaml_parser_t	 parser;
	yaml_document_t	 doc;
	FILE		*fp;
	int		 rc = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 0;
		cause_set(cause, _("cannot read %s: %s"), path, strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		(void)fclose(fp);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc))
		cause_set(cause, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : _("not YAML"));
	else {
		rc = cliconf_apply(c, path, &doc, cause);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	(void)fclose(fp);	/* read-only: nothing to lose */
	return rc;
}

int
cliconf_load(struct cliconf *c, char **cause)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char		*user = NULL;
	int		 rc;

	if (cliconf_load_file(c, "/etc/ncaenroll/ncaenroll.yaml", cause) == -1)
		return -1;
	if (xdg != NULL && *xdg == '/')
		rc = asprintf(&user, "%s/ncaenroll/config.yaml", xdg);
	else if (home != NULL && *home == '/')
		rc = asprintf(&user, "%s/.config/ncaenroll/config.yaml", home);
	else
		return 0;
	if (rc == -1)
		return -1;
	rc = cliconf_load_file(c, user, cause);
	free(user);
	return rc;
}

void
cliconf_free(struct cliconf *c)
{
	free(c->service);
	free(c->ca_file);
	free(c->state);
	free(c->lang);
	memset(c, 0, sizeof *c);
}

/*
 * formdef — reading a screen's YAML into struct formdef and writing it back: every key
 * checked against what the engine knows (validators; the widget types and the program's
 * actions its caller hands in, so the form's data sits below the widgets made from it),
 * a refusal naming file:line.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "tui/formdef.h"
#include "tui/tui-action.h"
#include "tui/tui-validate.h"

/* One parse: the document, the file's name for messages, and the first error. */
struct formdef_parse {
	const char		*path;
	yaml_document_t		 doc;
	const struct tui_action	*actions;	/* the program's: a button must name one */
	int			(*type_known)(const char *);	/* a field's type must be one */
	char			**cause;
};

static int formdef_fail(struct formdef_parse *, const yaml_node_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
formdef_fail(struct formdef_parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	char	 what[512];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	cause_set(p->cause, "%s:%zu: %s", p->path, n != NULL ? n->start_mark.line + 1 : 0, what);
	return -1;
}

static const char *
formdef_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
	    : NULL;
}

static int
formdef_string(struct formdef_parse *p, const yaml_node_t *n, const char *key, char **out)
{
	const char	*s = formdef_scalar(n);

	if (s == NULL || *s == '\0')
		return formdef_fail(p, n, _("'%s' must be a non-empty text"), key);
	if (*out != NULL)
		return formdef_fail(p, n, _("'%s' is given twice"), key);
	if ((*out = strdup(s)) == NULL)
		return formdef_fail(p, n, "%s", OSERROR(errno));
	return 0;
}

static int
formdef_int(struct formdef_parse *p, const yaml_node_t *n, const char *key, int *out)
{
	const char	*s = formdef_scalar(n);
	char		*end;
	long		 v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return formdef_fail(p, n, _("'%s' must be a whole number"), key);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 10000)
		return formdef_fail(p, n, _("'%s' must be a whole number from 0 to 10000"), key);
	*out = (int)v;
	return 0;
}

static int
formdef_bool(struct formdef_parse *p, const yaml_node_t *n, const char *key, int *out)
{
	static const char *const yes[] = { "true", "yes", "True", "Yes", "TRUE", NULL };
	static const char *const no[] = { "false", "no", "False", "No", "FALSE", NULL };
	const char	*s = formdef_scalar(n);
	size_t		 i;

	for (i = 0; s != NULL && yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (i = 0; s != NULL && no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	return formdef_fail(p, n, _("'%s' must be true or false"), key);
}

/* Walks a mapping: each key must be a scalar and appear once; calls one(key, value). */
static int
formdef_mapping(struct formdef_parse *p, yaml_node_t *n, const char *what,
    int (*one)(struct formdef_parse *, const char *, yaml_node_t *, yaml_node_t *, void *),
    void *arg)
{
	yaml_node_pair_t	*pair, *seen;

	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return formdef_fail(p, n, _("%s must be a mapping of keys to values"), what);
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		yaml_node_t	*k = yaml_document_get_node(&p->doc, pair->key);
		yaml_node_t	*v = yaml_document_get_node(&p->doc, pair->value);
		const char	*key = formdef_scalar(k);

		if (key == NULL)
			return formdef_fail(p, k, "%s", _("a key must be a plain word"));
		for (seen = n->data.mapping.pairs.start; seen < pair; seen++) {
			const char *prev = formdef_scalar(yaml_document_get_node(&p->doc,
			    seen->key));

			if (prev != NULL && strcmp(prev, key) == 0)
				return formdef_fail(p, k, _("'%s' is given twice"), key);
		}
		if (one(p, key, k, v, arg) == -1)
			return -1;
	}
	return 0;
}

/* A text in three languages: {kk, ru, en}, en required. */
static int
formdef_text_one(struct formdef_parse *p, const char *key, yaml_node_t *k, yaml_node_t *v,
    void *arg)
{
	struct formdef_text	*t = arg;

	if (strcmp(key, "kk") == 0)
		return formdef_string(p, v, key, &t->kk);
	if (strcmp(key, "ru") == 0)
		return formdef_string(p, v, key, &t->ru);
	if (strcmp(key, "en") == 0)
		return formdef_string(p, v, key, &t->en);
	return formdef_fail(p, k, _("unknown language '%s' (kk, ru and en are known)"), key);
}

static int
formdef_text(struct formdef_parse *p, yaml_node_t *n, const char *key, struct formdef_text *t)
{
	if (t->en != NULL || t->kk != NULL || t->ru != NULL)
		return formdef_fail(p, n, _("'%s' is given twice"), key);
	if (formdef_mapping(p, n, key, formdef_text_one, t) == -1)
		return -1;
	if (t->en == NULL)
		return formdef_fail(p, n, _("'%s' has no English text (en)"), key);
	return 0;
}

static void
formdef_text_free(struct formdef_text *t)
{
	free(t->kk);
	free(t->ru);
	free(t->en);
	t->kk = t->ru = t->en = NULL;
}

static int
formdef_name_ok(const char *s)
{
	if (!islower((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* The keys of a field, one row each. */
static int
formdef_field_one(struct formdef_parse *p, const char *key, yaml_node_t *k, yaml_node_t *v,
    void *arg)
{
	struct formdef_field	*f = arg;

	if (strcmp(key, "name") == 0) {
		if (formdef_string(p, v, key, &f->name) == -1)
			return -1;
		if (!formdef_name_ok(f->name))
			return formdef_fail(p, v, _("field name '%s' must be lower-case letters, "
			    "digits and _"), f->name);
		return 0;
	}
	if (strcmp(key, "type") == 0) {
		if (formdef_string(p, v, key, &f->type) == -1)
			return -1;
		if (!p->type_known(f->type))
			return formdef_fail(p, v, _("unknown field type '%s'"), f->type);
		return 0;
	}
	if (strcmp(key, "label") == 0)
		return formdef_text(p, v, key, &f->label);
	if (strcmp(key, "help") == 0)
		return formdef_text(p, v, key, &f->help);
	if (strcmp(key, "validator") == 0) {
		if (formdef_string(p, v, key, &f->validator) == -1)
			return -1;
		if (tui_validate_find(f->validator) == NULL)
			return formdef_fail(p, v, _("unknown validator '%s'"), f->validator);
		return 0;
	}
	if (strcmp(key, "source") == 0)
		return formdef_string(p, v, key, &f->source);
	if (strcmp(key, "required") == 0)
		return formdef_bool(p, v, key, &f->required);
	if (strcmp(key, "max") == 0)
		return formdef_int(p, v, key, &f->max);
	if (strcmp(key, "height") == 0)
		return formdef_int(p, v, key, &f->height);
	return formdef_fail(p, k, _("unknown key '%s' in a field"), key);
}

static int
formdef_button_one(struct formdef_parse *p, const char *key, yaml_node_t *k, yaml_node_t *v,
    void *arg)
{
	struct formdef_button	*b = arg;

	if (strcmp(key, "label") == 0)
		return formdef_text(p, v, key, &b->label);
	if (strcmp(key, "action") == 0) {
		if (formdef_string(p, v, key, &b->action) == -1)
			return -1;
		if (tui_action_find(p->actions, b->action) == NULL)
			return formdef_fail(p, v, _("unknown action '%s'"), b->action);
		return 0;
	}
	if (strcmp(key, "target") == 0)
		return formdef_string(p, v, key, &b->target);
	return formdef_fail(p, k, _("unknown key '%s' in a button"), key);
}

static int
formdef_fields(struct formdef_parse *p, yaml_node_t *n, struct formdef *fd)
{
	yaml_node_item_t	*it;
	size_t			 i, j, count;

	if (n->type != YAML_SEQUENCE_NODE)
		return formdef_fail(p, n, _("'%s' must be a list"), "fields");
	if (fd->fields != NULL)
		return formdef_fail(p, n, _("'%s' is given twice"), "fields");
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if ((fd->fields = calloc(count + 1, sizeof *fd->fields)) == NULL)
		return formdef_fail(p, n, "%s", OSERROR(errno));
	for (it = n->data.sequence.items.start, i = 0; i < count; it++, i++) {
		yaml_node_t		*fn = yaml_document_get_node(&p->doc, *it);
		struct formdef_field	*f = &fd->fields[i];

		fd->nfields = i + 1;
		f->line = (int)fn->start_mark.line + 1;
		if (formdef_mapping(p, fn, _("a field"), formdef_field_one, f) == -1)
			return -1;
		if (f->name == NULL)
			return formdef_fail(p, fn, _("a field has no '%s'"), "name");
		if (f->type == NULL)
			return formdef_fail(p, fn, _("field '%s' has no type"), f->name);
		for (j = 0; j < i; j++)
			if (strcmp(fd->fields[j].name, f->name) == 0)
				return formdef_fail(p, fn, _("field name '%s' is used twice"),
				    f->name);
	}
	return 0;
}

static int
formdef_buttons(struct formdef_parse *p, yaml_node_t *n, struct formdef *fd)
{
	yaml_node_item_t	*it;
	size_t			 i, count;

	if (n->type != YAML_SEQUENCE_NODE)
		return formdef_fail(p, n, _("'%s' must be a list"), "buttons");
	if (fd->buttons != NULL)
		return formdef_fail(p, n, _("'%s' is given twice"), "buttons");
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if ((fd->buttons = calloc(count + 1, sizeof *fd->buttons)) == NULL)
		return formdef_fail(p, n, "%s", OSERROR(errno));
	for (it = n->data.sequence.items.start, i = 0; i < count; it++, i++) {
		yaml_node_t		*bn = yaml_document_get_node(&p->doc, *it);
		struct formdef_button	*b = &fd->buttons[i];

		fd->nbuttons = i + 1;
		b->line = (int)bn->start_mark.line + 1;
		if (formdef_mapping(p, bn, _("a button"), formdef_button_one, b) == -1)
			return -1;
		if (b->label.en == NULL)
			return formdef_fail(p, bn, _("a button has no '%s'"), "label");
		if (b->action == NULL)
			return formdef_fail(p, bn, _("a button has no '%s'"), "action");
		if (strcmp(b->action, "goto") == 0 && b->target == NULL)
			return formdef_fail(p, bn, _("a '%s' button needs a target"), "goto");
	}
	return 0;
}

static int
formdef_top_one(struct formdef_parse *p, const char *key, yaml_node_t *k, yaml_node_t *v,
    void *arg)
{
	struct formdef	*fd = arg;

	if (strcmp(key, "title") == 0)
		return formdef_text(p, v, key, &fd->title);
	if (strcmp(key, "text") == 0)
		return formdef_text(p, v, key, &fd->text);
	if (strcmp(key, "warning") == 0)
		return formdef_text(p, v, key, &fd->warning);
	if (strcmp(key, "fields") == 0)
		return formdef_fields(p, v, fd);
	if (strcmp(key, "buttons") == 0)
		return formdef_buttons(p, v, fd);
	if (strcmp(key, "next") == 0)
		return formdef_string(p, v, key, &fd->next);
	if (strcmp(key, "once") == 0)
		return formdef_bool(p, v, key, &fd->once);
	return formdef_fail(p, k, _("unknown key '%s'"), key);
}

/* "forms/bin.yaml" -> "bin" */
static char *
formdef_stem(const char *path)
{
	const char	*base = strrchr(path, '/'), *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	return strndup(base, dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base));
}

static int
formdef_parse_file(struct formdef_parse *p, FILE *f, struct formdef *fd)
{
	yaml_parser_t	 parser;
	yaml_node_t	*root;
	int		 rc = -1;

	if (!yaml_parser_initialize(&parser)) {
		cause_set(p->cause, "%s: %s", p->path, OSERROR(ENOMEM));
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &p->doc)) {
		cause_set(p->cause, "%s:%zu: %s", p->path, parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : _("not valid YAML"));
		yaml_parser_delete(&parser);
		return -1;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&p->doc);
	if (root == NULL)
		cause_set(p->cause, "%s:1: %s", p->path, _("the file is empty"));
	else if (formdef_mapping(p, root, _("a forms file"), formdef_top_one, fd) == -1)
		;
	else if (fd->title.en == NULL)
		(void)formdef_fail(p, root, _("there is no '%s'"), "title");
	else
		rc = 0;
	yaml_document_delete(&p->doc);
	return rc;
}

int
formdef_load(const char *path, const struct tui_action *actions,
    int (*type_known)(const char *), struct formdef *fd, char **cause)
{
	struct formdef_parse	 p = { .path = path, .actions = actions,
	    .type_known = type_known, .cause = cause };
	FILE			*f = NULL;
	int			 rc = -1;

	memset(fd, 0, sizeof *fd);
	if ((f = fopen(path, "r")) == NULL)
		cause_set(cause, "%s: %s", path, OSERROR(errno));
	else if ((fd->path = strdup(path)) == NULL || (fd->id = formdef_stem(path)) == NULL)
		cause_set(cause, "%s: %s", path, OSERROR(errno));
	else if (formdef_parse_file(&p, f, fd) == -1)
		;
	else
		rc = 0;
	if (f != NULL)
		(void)fclose(f);
	if (rc == -1)
		formdef_free(fd);
	return rc;
}

void
formdef_free(struct formdef *fd)
{
	size_t	i;

	if (fd == NULL)
		return;
	for (i = 0; i < fd->nfields; i++) {
		free(fd->fields[i].name);
		free(fd->fields[i].type);
		formdef_text_free(&fd->fields[i].label);
		formdef_text_free(&fd->fields[i].help);
		free(fd->fields[i].validator);
		free(fd->fields[i].source);
	}
	for (i = 0; i < fd->nbuttons; i++) {
		formdef_text_free(&fd->buttons[i].label);
		free(fd->buttons[i].action);
		free(fd->buttons[i].target);
	}
	free(fd->fields);
	free(fd->buttons);
	formdef_text_free(&fd->title);
	formdef_text_free(&fd->text);
	formdef_text_free(&fd->warning);
	free(fd->id);
	free(fd->path);
	free(fd->next);
	memset(fd, 0, sizeof *fd);
}

/* ---- writing back ---- */

static int
formdef_emit(yaml_emitter_t *em, yaml_event_t *ev, int ok)
{
	return ok && yaml_emitter_emit(em, ev) ? 0 : -1;
}

static int
formdef_emit_scalar(yaml_emitter_t *em, const char *s, int quoted)
{
	yaml_event_t	ev;

	return formdef_emit(em, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1,
	    quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE));
}

static int
formdef_emit_open(yaml_emitter_t *em, int mapping, int flow)
{
	yaml_event_t	ev;

	if (mapping)
		return formdef_emit(em, &ev, yaml_mapping_start_event_initialize(&ev, NULL,
		    NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
	return formdef_emit(em, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_SEQUENCE_STYLE));
}

static int
formdef_emit_close(yaml_emitter_t *em, int mapping)
{
	yaml_event_t	ev;

	return formdef_emit(em, &ev, mapping ? yaml_mapping_end_event_initialize(&ev) :
	    yaml_sequence_end_event_initialize(&ev));
}

/* key: "value", when there is a value. */
static int
formdef_emit_pair(yaml_emitter_t *em, const char *key, const char *value, int quoted)
{
	if (value == NULL)
		return 0;
	return formdef_emit_scalar(em, key, 0) == 0 && formdef_emit_scalar(em, value, quoted) == 0
	    ? 0 : -1;
}

static int
formdef_emit_int(yaml_emitter_t *em, const char *key, int v)
{
	char	buf[16];

	if (v == 0)
		return 0;
	(void)snprintf(buf, sizeof buf, "%d", v);
	return formdef_emit_pair(em, key, buf, 0);
}

static int
formdef_emit_text(yaml_emitter_t *em, const char *key, const struct formdef_text *t)
{
	if (t->en == NULL)
		return 0;
	if (formdef_emit_scalar(em, key, 0) == -1 || formdef_emit_open(em, 1, 0) == -1 ||
	    formdef_emit_pair(em, "kk", t->kk, 1) == -1 ||
	    formdef_emit_pair(em, "ru", t->ru, 1) == -1 ||
	    formdef_emit_pair(em, "en", t->en, 1) == -1)
		return -1;
	return formdef_emit_close(em, 1);
}

static int
formdef_emit_field(yaml_emitter_t *em, const struct formdef_field *f)
{
	if (formdef_emit_open(em, 1, 0) == -1 ||
	    formdef_emit_pair(em, "name", f->name, 0) == -1 ||
	    formdef_emit_pair(em, "type", f->type, 0) == -1 ||
	    formdef_emit_text(em, "label", &f->label) == -1 ||
	    formdef_emit_text(em, "help", &f->help) == -1 ||
	    formdef_emit_pair(em, "validator", f->validator, 0) == -1 ||
	    formdef_emit_pair(em, "source", f->source, 1) == -1 ||
	    formdef_emit_pair(em, "required", f->required ? "true" : NULL, 0) == -1 ||
	    formdef_emit_int(em, "max", f->max) == -1 ||
	    formdef_emit_int(em, "height", f->height) == -1)
		return -1;
	return formdef_emit_close(em, 1);
}

static int
formdef_emit_button(yaml_emitter_t *em, const struct formdef_button *b)
{
	if (formdef_emit_open(em, 1, 0) == -1 ||
	    formdef_emit_text(em, "label", &b->label) == -1 ||
	    formdef_emit_pair(em, "action", b->action, 0) == -1 ||
	    formdef_emit_pair(em, "target", b->target, 0) == -1)
		return -1;
	return formdef_emit_close(em, 1);
}

static int
formdef_emit_form(yaml_emitter_t *em, const struct formdef *fd)
{
	yaml_event_t	ev;
	size_t		i;

	if (formdef_emit(em, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING))
	    == -1 || formdef_emit(em, &ev, yaml_document_start_event_initialize(&ev, NULL,
	    NULL, NULL, 1)) == -1 || formdef_emit_open(em, 1, 0) == -1 ||
	    formdef_emit_text(em, "title", &fd->title) == -1 ||
	    formdef_emit_text(em, "text", &fd->text) == -1 ||
	    formdef_emit_text(em, "warning", &fd->warning) == -1)
		return -1;
	if (fd->nfields > 0 && (formdef_emit_scalar(em, "fields", 0) == -1 ||
	    formdef_emit_open(em, 0, 0) == -1))
		return -1;
	for (i = 0; i < fd->nfields; i++)
		if (formdef_emit_field(em, &fd->fields[i]) == -1)
			return -1;
	if (fd->nfields > 0 && formdef_emit_close(em, 0) == -1)
		return -1;
	if (fd->nbuttons > 0 && (formdef_emit_scalar(em, "buttons", 0) == -1 ||
	    formdef_emit_open(em, 0, 0) == -1))
		return -1;
	for (i = 0; i < fd->nbuttons; i++)
		if (formdef_emit_button(em, &fd->buttons[i]) == -1)
			return -1;
	if ((fd->nbuttons > 0 && formdef_emit_close(em, 0) == -1) ||
	    formdef_emit_pair(em, "next", fd->next, 0) == -1 ||
	    formdef_emit_pair(em, "once", fd->once ? "true" : NULL, 0) == -1 ||
	    formdef_emit_close(em, 1) == -1)
		return -1;
	if (formdef_emit(em, &ev, yaml_document_end_event_initialize(&ev, 1)) == -1 ||
	    formdef_emit(em, &ev, yaml_stream_end_event_initialize(&ev)) == -1)
		return -1;
	return 0;
}

int
formdef_dump(const struct formdef *fd, FILE *f, char **cause)
{
	yaml_emitter_t	em;
	int		rc;

	if (!yaml_emitter_initialize(&em)) {
		cause_set(cause, "%s", OSERROR(ENOMEM));
		return -1;
	}
	yaml_emitter_set_output_file(&em, f);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 96);
	if ((rc = formdef_emit_form(&em, fd)) == -1 || !yaml_emitter_flush(&em)) {
		cause_set(cause, _("cannot write the form '%s': %s"), fd->id != NULL ? fd->id : "",
		    em.problem != NULL ? em.problem : OSERROR(errno));
		rc = -1;
	}
	yaml_emitter_delete(&em);
	return rc;
}

const char *
formdef_text_get(const struct formdef_text *t, const char *lang)
{
	const char	*s = NULL;

	if (lang != NULL && strcmp(lang, "kk") == 0)
		s = t->kk;
	else if (lang != NULL && strcmp(lang, "ru") == 0)
		s = t->ru;
	return s != NULL ? s : t->en;
}

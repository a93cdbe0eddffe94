/*
 * formdef: a good forms file loads with every key in place; every kind of mistake is
 * refused with "file:line: reason" naming the line the mistake is on; a folder of forms
 * whose goto targets or `next` name no file is refused too (tui_forms_load).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui/formdef.h"
#include "tui/tui.h"
#include "tui/widget.h"
#include "tui-actions-stub.h"

/* The buttons name the test program's actions (ok, next...). */
#define STUB	(tui_stub_program()->actions)

struct dir {
	char	path[64];
};

static int
setup(void **state)
{
	struct dir	*d = calloc(1, sizeof *d);

	if (d == NULL)
		return -1;
	(void)snprintf(d->path, sizeof d->path, "/tmp/test-formdef.XXXXXX");
	if (mkdtemp(d->path) == NULL)
		return -1;
	*state = d;
	return 0;
}

static int
teardown(void **state)
{
	struct dir	*d = *state;
	char		 cmd[128];

	(void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	if (system(cmd) != 0)
		return -1;
	free(d);
	return 0;
}

static char *
write_form(struct dir *d, const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	assert_true(asprintf(&path, "%s/%s.yaml", d->path, name) > 0);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const char good[] =
    "# the BIN screen\n"
    "title:\n"
    "  kk: \"Ұйымның БСН\"\n"
    "  ru: \"БИН организации\"\n"
    "  en: \"The organization's BIN\"\n"
    "text: {en: \"Type the BIN.\", ru: \"Введите БИН.\"}\n"
    "warning: {en: \"Check it twice.\", kk: \"Екі рет тексеріңіз.\"}\n"
    "fields:\n"
    "  - name: bin\n"
    "    type: digits\n"
    "    label: {kk: \"БСН\", ru: \"БИН\", en: \"BIN\"}\n"
    "    help: {en: \"Twelve digits.\"}\n"
    "    validator: bin\n"
    "    required: true\n"
    "    max: 12\n"
    "  - name: note\n"
    "    type: text\n"
    "    label: {en: \"A long text\"}\n"
    "    height: 8\n"
    "    source: agreement\n"
    "    required: no\n"
    "buttons:\n"
    "  - label: {kk: \"Тексеру\", ru: \"Проверить\", en: \"Check\"}\n"
    "    action: ok\n"
    "  - label: {en: \"Elsewhere\"}\n"
    "    action: goto\n"
    "    target: main\n"
    "next: iin\n"
    "once: true\n";

static void
test_good(void **state)
{
	struct formdef	 fd;
	char		*path = write_form(*state, "bin", good), *cause = NULL;

	assert_int_equal(formdef_load(path, STUB, widget_known, &fd, &cause), 0);
	assert_null(cause);
	assert_string_equal(fd.id, "bin");
	assert_string_equal(fd.path, path);
	assert_string_equal(fd.title.kk, "Ұйымның БСН");
	assert_string_equal(formdef_text_get(&fd.title, "ru"), "БИН организации");
	assert_string_equal(formdef_text_get(&fd.text, "kk"), "Type the BIN.");	/* falls back */
	assert_string_equal(formdef_text_get(&fd.text, "ru"), "Введите БИН.");
	assert_string_equal(formdef_text_get(&fd.warning, "kk"), "Екі рет тексеріңіз.");
	assert_string_equal(formdef_text_get(&fd.warning, "ru"), "Check it twice.");
	assert_int_equal(fd.nfields, 2);
	assert_string_equal(fd.fields[0].name, "bin");
	assert_string_equal(fd.fields[0].type, "digits");
	assert_string_equal(fd.fields[0].label.kk, "БСН");
	assert_string_equal(fd.fields[0].help.en, "Twelve digits.");
	assert_null(fd.fields[0].help.kk);
	assert_string_equal(fd.fields[0].validator, "bin");
	assert_int_equal(fd.fields[0].required, 1);
	assert_int_equal(fd.fields[0].max, 12);
	assert_int_equal(fd.fields[0].line, 9);
	assert_string_equal(fd.fields[1].type, "text");
	assert_int_equal(fd.fields[1].height, 8);
	assert_string_equal(fd.fields[1].source, "agreement");
	assert_int_equal(fd.fields[1].required, 0);
	assert_null(fd.fields[1].validator);
	assert_int_equal(fd.nbuttons, 2);
	assert_string_equal(fd.buttons[0].action, "ok");
	assert_string_equal(formdef_text_get(&fd.buttons[0].label, "kk"), "Тексеру");
	assert_int_equal(fd.buttons[1].line, 25);
	assert_string_equal(fd.buttons[1].target, "main");
	assert_string_equal(fd.next, "iin");
	assert_int_equal(fd.once, 1);
	formdef_free(&fd);
	formdef_free(&fd);	/* twice is harmless */
	free(path);
}

/* Loading the same file twice gives the same definition: nothing depends on state. */
static void
test_reload_same(void **state)
{
	struct formdef	 a, b;
	char		*path = write_form(*state, "bin", good);
	size_t		 i;

	assert_int_equal(formdef_load(path, STUB, widget_known, &a, NULL), 0);
	assert_int_equal(formdef_load(path, STUB, widget_known, &b, NULL), 0);
	assert_int_equal(a.nfields, b.nfields);
	for (i = 0; i < a.nfields; i++) {
		assert_string_equal(a.fields[i].name, b.fields[i].name);
		assert_string_equal(a.fields[i].label.en, b.fields[i].label.en);
		assert_int_equal(a.fields[i].line, b.fields[i].line);
	}
	formdef_free(&a);
	formdef_free(&b);
	free(path);
}

static void
assert_text_equal(const struct formdef_text *a, const struct formdef_text *b)
{
	const char *const	*x[] = { (const char *const *)&a->kk, (const char *const *)&a->ru,
	    (const char *const *)&a->en };
	const char *const	*y[] = { (const char *const *)&b->kk, (const char *const *)&b->ru,
	    (const char *const *)&b->en };
	size_t			 i;

	for (i = 0; i < 3; i++) {
		if (*x[i] == NULL || *y[i] == NULL)
			assert_ptr_equal(*x[i], *y[i]);
		else
			assert_string_equal(*x[i], *y[i]);
	}
}

static void
assert_str_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static char *
dump_to(struct dir *d, const char *name, const struct formdef *fd)
{
	char	*path, *cause = NULL;
	FILE	*f;

	assert_true(asprintf(&path, "%s/%s.yaml", d->path, name) > 0);
	assert_non_null(f = fopen(path, "w"));
	if (formdef_dump(fd, f, &cause) == -1)
		fail_msg("dump: %s", cause);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf = calloc(1, 65536);
	size_t	 n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* load -> dump -> load gives the same definition, and a second dump the same bytes. */
static void
test_round_trip(void **state)
{
	struct formdef	 a, b;
	char		*src = write_form(*state, "bin", good), *p1, *p2, *t1, *t2;
	size_t		 i;

	assert_int_equal(formdef_load(src, STUB, widget_known, &a, NULL), 0);
	p1 = dump_to(*state, "dump1", &a);
	assert_int_equal(formdef_load(p1, STUB, widget_known, &b, NULL), 0);
	assert_text_equal(&a.title, &b.title);
	assert_text_equal(&a.text, &b.text);
	assert_text_equal(&a.warning, &b.warning);
	assert_int_equal(a.nfields, b.nfields);
	for (i = 0; i < a.nfields; i++) {
		const struct formdef_field	*x = &a.fields[i], *y = &b.fields[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->type, y->type);
		assert_text_equal(&x->label, &y->label);
		assert_text_equal(&x->help, &y->help);
		assert_str_or_null(x->validator, y->validator);
		assert_str_or_null(x->source, y->source);
		assert_int_equal(x->required, y->required);
		assert_int_equal(x->max, y->max);
		assert_int_equal(x->height, y->height);
	}
	assert_int_equal(a.nbuttons, b.nbuttons);
	for (i = 0; i < a.nbuttons; i++) {
		assert_text_equal(&a.buttons[i].label, &b.buttons[i].label);
		assert_string_equal(a.buttons[i].action, b.buttons[i].action);
		assert_str_or_null(a.buttons[i].target, b.buttons[i].target);
	}
	assert_str_or_null(a.next, b.next);
	assert_int_equal(a.once, b.once);
	p2 = dump_to(*state, "dump2", &b);
	t1 = slurp(p1);
	t2 = slurp(p2);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, "\"Ұйымның БСН\""));	/* Kazakh as UTF-8, not escapes */
	free(t1);
	free(t2);
	formdef_free(&a);
	formdef_free(&b);
	free(src);
	free(p1);
	free(p2);
}

static const struct {
	const char	*yaml;
	int		 line;
	const char	*reason;
} bad[] = {
	{ "title: {en: T}\ncolour: red\n", 2, "unknown key 'colour'" },
	{ "text: {en: T}\n", 1, "there is no 'title'" },
	{ "title: {kk: Т, ru: Т}\n", 1, "'title' has no English text (en)" },
	{ "title:\n  en: T\n  de: T\n", 3, "unknown language 'de'" },
	{ "title: {en: T}\nfields:\n  - name: a\n    type: slider\n", 4,
	    "unknown field type 'slider'" },
	{ "title: {en: T}\nfields:\n  - name: a\n    type: entry\n    validator: iban\n", 5,
	    "unknown validator 'iban'" },
	{ "title: {en: T}\nbuttons:\n  - label: {en: Go}\n    action: launch\n", 4,
	    "unknown action 'launch'" },
	{ "title: {en: T}\nfields:\n  - {name: a, type: entry}\n  - {name: b, type: entry}\n"
	    "  - name: a\n    type: digits\n", 5, "field name 'a' is used twice" },
	{ "title: {en: T}\nfields:\n  - name: a\n    type: entry\n    colour: red\n", 5,
	    "unknown key 'colour' in a field" },
	{ "title: {en: T}\nbuttons:\n  - {label: {en: Go}, action: ok, key: F3}\n", 3,
	    "unknown key 'key' in a button" },
	{ "title: {en: T}\nbuttons:\n  - {label: {en: Go}, action: goto}\n", 3,
	    "a 'goto' button needs a target" },
	{ "title: {en: T}\nfields:\n  - {name: a, type: entry, required: maybe}\n", 3,
	    "'required' must be true or false" },
	{ "title: {en: T}\nonce: sometimes\n", 2, "'once' must be true or false" },
	{ "title: {en: T}\nfields:\n  - {name: a, type: entry, max: many}\n", 3,
	    "'max' must be a whole number" },
	{ "title: {en: T}\nfields:\n  - {type: entry}\n", 3, "a field has no 'name'" },
	{ "title: {en: T}\nfields:\n  - {name: a}\n", 3, "field 'a' has no type" },
	{ "title: {en: T}\nfields:\n  - {name: Bad-Name, type: entry}\n", 3,
	    "must be lower-case letters" },
	{ "title: {en: T}\ntitle: {en: U}\n", 2, "'title' is given twice" },
	{ "title: {en: T}\nfields: {name: a}\n", 2, "'fields' must be a list" },
	{ "title: {en: T}\nbuttons:\n  - {action: ok}\n", 3, "a button has no 'label'" },
	{ "title: {en: T\n", 2, "" },		/* YAML syntax: libyaml's words */
	{ "- a\n- b\n", 1, "must be a mapping" },
	{ "", 1, "the file is empty" },
	{ "title: {en: \"\"}\n", 1, "'en' must be a non-empty text" },
};

static void
test_refusals(void **state)
{
	struct dir	*d = *state;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct formdef	 fd;
		char		*path = write_form(d, "bad", bad[i].yaml), *cause = NULL;
		char		 want[256];

		(void)snprintf(want, sizeof want, "%s:%d: ", path, bad[i].line);
		if (formdef_load(path, STUB, widget_known, &fd, &cause) != -1)
			fail_msg("case %zu was accepted", i);
		assert_non_null(cause);
		if (strncmp(cause, want, strlen(want)) != 0 || strstr(cause, bad[i].reason) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s%s\"", i, cause, want,
			    bad[i].reason);
		assert_null(fd.fields);		/* nothing half-loaded is left */
		free(cause);
		free(path);
	}
}

static void
test_missing_file(void **state)
{
	struct dir	*d = *state;
	struct formdef	 fd;
	char		*cause = NULL, path[128];

	(void)snprintf(path, sizeof path, "%s/none.yaml", d->path);
	assert_int_equal(formdef_load(path, STUB, widget_known, &fd, &cause), -1);
	assert_non_null(strstr(cause, "none.yaml: "));
	free(cause);
}

/* A folder: every file loads, and goto targets and `next` must name a file in it. */
static void
test_folder(void **state)
{
	struct dir	*d = *state;
	struct tui	tui = { .program = tui_stub_program() };
	char		*cause = NULL, *p1, *p2, want[256];

	p1 = write_form(d, "main", "title: {en: Main}\nbuttons:\n  - label: {en: Go}\n"
	    "    action: goto\n    target: bin\n");
	p2 = write_form(d, "bin", good);
	assert_int_equal(tui_forms_load(&tui, d->path, &cause), -1);	/* next: iin */
	assert_non_null(strstr(cause, "'next' names the screen 'iin'"));
	free(cause);
	cause = NULL;
	free(write_form(d, "iin", "title: {en: IIN}\n"));
	assert_int_equal(tui_forms_load(&tui, d->path, &cause), 0);
	assert_int_equal(tui.nforms, 3);
	assert_non_null(tui_form(&tui, "main"));
	assert_string_equal(tui_form(&tui, "bin")->next, "iin");
	assert_null(tui_form(&tui, "nowhere"));
	tui_forms_free(&tui);
	free(write_form(d, "main", "title: {en: Main}\nbuttons:\n  - label: {en: Go}\n"
	    "    action: goto\n    target: nowhere\n"));
	assert_int_equal(tui_forms_load(&tui, d->path, &cause), -1);
	(void)snprintf(want, sizeof want, "%s:3: the target 'nowhere' has no file", p1);
	assert_string_equal(cause, want);
	free(cause);
	cause = NULL;
	free(write_form(d, "broken", "title: {en: B}\nfields:\n  - {name: x, type: nope}\n"));
	assert_int_equal(tui_forms_load(&tui, d->path, &cause), -1);
	assert_non_null(strstr(cause, "broken.yaml:3: unknown field type 'nope'"));
	assert_null(tui.forms);
	free(cause);
	free(p1);
	free(p2);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder, setup, teardown),
	};

	return cmocka_run_group_tests_name("formdef", tests, NULL, NULL);
}

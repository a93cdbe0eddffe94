/*
 * tui-validate — the validators a field may name in forms/ (bin, iin, email, gu_code,
 * password, required): one table over the rules of src/common.
 */
#include "config.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/email.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/password.h"
#include "common/problem.h"
#include "tui/tui-validate.h"

/* Keeps the first problem's message for the field's error line; frees the list. */
static int
tui_validate_first(int rc, struct problems *p, char **msg)
{
	if (rc == 0 && p->n == 0) {
		problems_free(p);
		return 0;
	}
	if (p->n > 0 && p->v[0].message != NULL) {
		*msg = p->v[0].message;
		p->v[0].message = NULL;
	} else
		*msg = strdup(_("This value is not valid."));
	problems_free(p);
	return -1;
}

static int
tui_validate_bin(const char *v, char **msg)
{
	struct problems	p;

	problems_init(&p);
	return tui_validate_first(idnum_validate_bin(v, NULL, &p), &p, msg);
}

static int
tui_validate_iin(const char *v, char **msg)
{
	struct problems	p;

	problems_init(&p);
	return tui_validate_first(idnum_validate_iin(v, time(NULL), NULL, &p), &p, msg);
}

static int
tui_validate_email(const char *v, char **msg)
{
	struct problems	p;

	problems_init(&p);
	return tui_validate_first(email_check(v, &p), &p, msg);
}

static int
tui_validate_gu_code(const char *v, char **msg)
{
	struct problems	p;

	problems_init(&p);
	return tui_validate_first(gucode_check(v, &p), &p, msg);
}

/*
 * Named by the rule it breaks, never by its characters: password_check() names the
 * characters not allowed, and on a screen that would show part of the password to
 * anyone looking over the person's shoulder.
 */
static int
tui_validate_password(const char *v, char **msg)
{
	int	met[PASSWORD_RULE__MAX], r;

	if (password_rules_met(v, met) == 0)
		return 0;
	for (r = 0; r < PASSWORD_RULE__MAX && met[r]; r++)
		;
	if (asprintf(msg, _("the password needs %s"),
	    _(password_rule_text((enum password_rule)r))) == -1)
		*msg = NULL;
	return -1;
}

/* Emptiness is judged before any row runs, so this one only says yes. */
static int
tui_validate_required(const char *v, char **msg)
{
	(void)v;
	(void)msg;
	return 0;
}

static const struct tui_validator tui_validators[] = {
	{ "bin",	tui_validate_bin },
	{ "iin",	tui_validate_iin },
	{ "email",	tui_validate_email },
	{ "gu_code",	tui_validate_gu_code },
	{ "password",	tui_validate_password },
	{ "required",	tui_validate_required },
};

const struct tui_validator *
tui_validate_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof tui_validators / sizeof tui_validators[0]; i++)
		if (strcmp(tui_validators[i].name, name) == 0)
			return &tui_validators[i];
	return NULL;
}

static int
tui_validate_empty(const char *v)
{
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0';
}

int
tui_validate(const char *name, const char *value, int required, char **msg)
{
	const struct tui_validator	*row = NULL;

	*msg = NULL;
	if (value == NULL)
		value = "";
	if (name != NULL && (row = tui_validate_find(name)) == NULL) {
		*msg = strdup(_("This value is not valid."));
		return -1;
	}
	if (tui_validate_empty(value)) {
		if (!required && (name == NULL || strcmp(name, "required") != 0))
			return 0;
		*msg = strdup(_("This field is required."));
		return -1;
	}
	return row != NULL ? row->check(value, msg) : 0;
}

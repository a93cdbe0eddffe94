/*
 * password — the policy for a PC key container's password (nca-facts.md §5): Latin letters
 * and digits, 6 to 32 characters, optionally upper-case letters and #$^+=!*()@%&_?-. and
 * nothing else. The rules are a table so a screen can show them as a live checklist.
 * The password is only read here, never copied, logged or kept.
 */
#ifndef NCA_PASSWORD_H
#define NCA_PASSWORD_H

#include "common/problem.h"

#define PASSWORD_MIN 6
#define PASSWORD_MAX 32
#define PASSWORD_SPECIALS "#$^+=!*()@%&_?-."

enum password_rule {
	PASSWORD_RULE_MIN_LENGTH,
	PASSWORD_RULE_MAX_LENGTH,
	PASSWORD_RULE_ALLOWED,
	PASSWORD_RULE_DIGIT,
	PASSWORD_RULE_LETTER,
	PASSWORD_RULE__MAX
};

/* A rule's code and its one-line description (untranslated; show with _()). */
const char	*password_rule_code(enum password_rule);
const char	*password_rule_text(enum password_rule);
/* Sets met[r] for each rule; returns 0 if all are met, -1 otherwise. */
int		 password_rules_met(const char *pw, int met[PASSWORD_RULE__MAX]);
/* Adds one problem per failed rule (the disallowed characters named); 0 valid, -1 not. */
int		 password_check(const char *pw, struct problems *);

#endif

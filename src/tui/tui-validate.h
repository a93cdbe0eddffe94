/*
 * tui-validate — the validators a forms file names (validator: iin), as a table of rows
 * that map a name onto the rules of src/common (idnum, email, gucode, password). A check
 * returns 0 when the value is good, or -1 and the first problem's message, translated into
 * the current language, in a malloc'd *msg the caller frees. An empty value is good unless
 * the field is required (then "required" speaks for it).
 */
#ifndef NCA_TUI_VALIDATE_H
#define NCA_TUI_VALIDATE_H

struct tui_validator {
	const char	*name;
	int		(*check)(const char *value, char **msg);
};

const struct tui_validator	*tui_validate_find(const char *name);
/* name may be NULL (only `required` is checked). */
int				 tui_validate(const char *name, const char *value, int required,
				    char **msg);

#endif

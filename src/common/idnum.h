/*
 * idnum — Kazakhstan's 12-digit identification numbers: the IIN of a person and the BIN of
 * a legal entity (nca-facts.md §1). Validation names every rule a number breaks, in the
 * current language, with a stable code per rule; parsing fills what the digits say.
 * Functions return 0 for a valid number and -1 otherwise; no allocation except messages.
 */
#ifndef NCA_IDNUM_H
#define NCA_IDNUM_H

#include <time.h>

#include "common/problem.h"

#define IDNUM_LEN 12

enum idnum_sex { IDNUM_MALE, IDNUM_FEMALE };

struct iin_info {
	int		year, month, day;	/* date of birth */
	enum idnum_sex	sex;
};

enum bin_type { BIN_RESIDENT = 4, BIN_NONRESIDENT = 5, BIN_JOINT_IE = 6 };
enum bin_attr { BIN_HEAD, BIN_BRANCH, BIN_REPRESENTATIVE, BIN_FARM, BIN_ATTR__MAX };

struct bin_info {
	int		yy, month;		/* registration year (two digits) and month */
	enum bin_type	type;
	enum bin_attr	attribute;
};

/*
 * The check digit the first 11 digits call for (0-9), or -1 when both weightings give 10:
 * no such number is ever issued.
 */
int		 idnum_check_digit(const char digits[11]);
/* now: birth dates after it are refused; pass 0 to skip that rule. info may be NULL. */
int		 idnum_validate_iin(const char *s, time_t now, struct iin_info *info,
		     struct problems *);
int		 idnum_validate_bin(const char *s, struct bin_info *info, struct problems *);
/* Untranslated names (wrap in _() to show): "resident legal entity", "branch", ... */
const char	*idnum_bin_type_name(enum bin_type);
const char	*idnum_bin_attr_name(enum bin_attr);

#endif

/*
 * cause — the one error convention: a function returns 0 or -1 (or NULL) and, when its
 * caller passed a non-NULL `char **cause`, leaves there a malloc'd sentence a person can
 * read (already translated). The caller frees it. cause_set() replaces an earlier cause.
 */
#ifndef NCA_CAUSE_H
#define NCA_CAUSE_H

void	cause_set(char **cause, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

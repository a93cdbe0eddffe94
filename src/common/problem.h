/*
 * problem — what is wrong with a value, as a list a person reads and a script parses.
 * Each entry pairs a stable code ("iin.check_digit", used by scripts and the API) with a
 * message already in the current language. Validators append; the caller owns the list and
 * releases it with problems_free(). Appending never fails the caller: when memory runs out
 * the entry keeps its code and loses only its message; past PROBLEMS_MAX entries (more
 * than any one value can break) further ones are dropped.
 */
#ifndef NCA_PROBLEM_H
#define NCA_PROBLEM_H

#include <stddef.h>

#define PROBLEMS_MAX 16

struct problem {
	const char	*code;		/* static string, never freed */
	char		*message;	/* translated; may be NULL on out-of-memory */
};

struct problems {
	size_t		n;
	struct problem	v[PROBLEMS_MAX];
};

void	problems_init(struct problems *);
void	problems_add(struct problems *, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	problems_has(const struct problems *, const char *code);
void	problems_free(struct problems *);

#endif

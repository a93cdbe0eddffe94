/*
 * email — e-mail address syntax, the practical subset of RFC 5321 that mail servers accept:
 * dot-atom local part (ASCII), a domain of two or more labels, internationalised domain
 * names (Kazakh or Russian letters) accepted as typed. No quoted local parts, no address
 * literals. Names every rule broken; 0 valid, -1 not. email_mask_words hides addresses.
 */
#ifndef NCA_EMAIL_H
#define NCA_EMAIL_H

#include "common/problem.h"

#define EMAIL_MAX 254
#define EMAIL_LOCAL_MAX 64

int	email_check(const char *addr, struct problems *);
/*
 * text with every address in it masked as the status masks the applicant's, its local
 * part down to its first character: "550 5.1.1 <a***@mail.kz>: ..." (a relay's words, a
 * log line); malloc'd, NULL without memory.
 */
char	*email_mask_words(const char *text);

#endif

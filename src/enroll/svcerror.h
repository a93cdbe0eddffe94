/*
 * svcerror — what the service's error codes mean to a person. One table maps every code
 * the service can send (doc/api.md, doc/api-lifecycle.md, doc/api-ra.md) to a sentence
 * in the catalogs, and another maps each request member to its name as a person reads
 * it, so no English from the service and no wire name ("captcha_answer") reaches a screen.
 * client.c builds every refusal's sentence here; the TUI, the subcommands and the desk
 * get it without knowing codes. Pure lookups, no state; strings come back translated in
 * the current language (svcerror_text's is malloc'd, the caller frees it).
 */
#ifndef NCA_SVCERROR_H
#define NCA_SVCERROR_H

/*
 * The sentence for a code, naming the field when the code is about one ("Code from the
 * picture: ..."); NULL when the code is not in the table (a newer service): the caller
 * then falls back to the service's own sentence and logs the code.
 */
char		*svcerror_text(const char *code, const char *field);
/* A request member as a person names it ("BIN of the organization"), or NULL. */
const char	*svcerror_field(const char *field);
/* 1 if the code is in the table. */
int		 svcerror_known(const char *code);
/*
 * 1 if the person cannot get past this refusal alone (the program and the service
 * disagree, the CA or the registers failed it...): its screen ends with where to turn.
 */
int		 svcerror_needs_support(const char *code);

#endif

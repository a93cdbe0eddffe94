/*
 * enroll-form — the application form of a submitted application, from what this computer
 * kept (no network): as text for a screen (appform_render), and saved as a file beside the
 * keys so it can be printed and brought to a registration desk. The file is written
 * atomically, mode 0644 (it holds no secret; a printer queue may need to read it).
 * Strings returned are malloc'd and the caller frees them; 0/-1 (NULL) with an
 * enroll_error whose field is NULL. Callers: the TUI's actions, the CLI.
 */
#ifndef NCA_ENROLL_FORM_H
#define NCA_ENROLL_FORM_H

#include "enroll/enroll.h"

/* flags: appform.h's APPFORM_BIG_NUMBER, or 0. */
char	*enroll_form_text(struct enroll *, const char *id_or_number, int flags,
	    struct enroll_error *);
/* Writes DIR/application-NUMBER.txt (DIR: the keys' folder); its path into *path. */
int	 enroll_form_save(struct enroll *, const char *id_or_number, char **path,
	    struct enroll_error *);

#endif

/*
 * oserror — why the system refused a file or folder operation, in the person's language:
 * the errno values a person meets with folders and files get a translated sentence;
 * strerror() would put the C library's English inside a Kazakh or Russian message.
 * Others are named by number in a translated frame. The text is static or written into
 * the caller's buf; never NULL. OSERROR(e) gives it a buffer of its own (a compound
 * literal, alive to the end of the enclosing block): for use within one statement.
 */
#ifndef NCA_OSERROR_H
#define NCA_OSERROR_H

#include <stddef.h>

#define OSERROR_BUF	96

const char	*oserror_text(int errnum, char buf[OSERROR_BUF]);
#define OSERROR(e)	oserror_text((e), (char[OSERROR_BUF]){ 0 })

#endif

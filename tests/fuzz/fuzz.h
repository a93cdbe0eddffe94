/*
 * fuzz — what the libFuzzer targets of tests/fuzz share: a private temporary folder made
 * at the first call and removed at exit, files written into it from an input, the input
 * as a C string, and a real service (fuzz_srv: the demo CA, a SQLite store holding the
 * demo registries, the OCSP responder, an issued application) for the targets that call
 * handlers. Everything is made once per process; a failure to make it aborts (the run
 * is then no run at all, and libFuzzer says so). Only the targets link this.
 */
#ifndef NCA_FUZZ_H
#define NCA_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "common/reqnum.h"

struct srv;

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int		 LLVMFuzzerInitialize(int *, char ***);

/* The private folder (0700), removed with everything in it at exit. */
const char	*fuzz_dir(void);
/* FOLDER/name holding data; the path is static, overwritten by the next call. */
const char	*fuzz_file(const char *name, const uint8_t *data, size_t len);
/* data with a NUL after it, malloc'd (a NUL inside ends the string early). */
char		*fuzz_string(const uint8_t *data, size_t len);
/* s (malloc'd, taken) with every marker replaced by value, malloc'd. */
char		*fuzz_replace(char *s, const char *marker, const char *value);
/* Aborts with the message: the fixture could not be made. */
void		 fuzz_die(const char *what, const char *cause) __attribute__((noreturn));

/* The service; its clock is the system's. */
struct srv	*fuzz_srv(void);
/* The request number of an application fuzz_srv issued (AUTH and SIGN certificates). */
const char	*fuzz_srv_number(void);
/* Written in a seed where the issued application's request number goes. */
#define FUZZ_NUMBER_MARK	"@NUMBER@"
/* The source tree (data/demo, forms/). */
#define FUZZ_SRCDIR_PATH(rel)	FUZZ_SRCDIR "/" rel

#endif

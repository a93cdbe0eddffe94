/* curlload — libcurl opened with dlopen on the first request (curlload.h). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "enroll/curlload.h"

/* The library's ABI name, the one this program was built against (libcurl4-*-dev). */
#define CURLLOAD_SONAME	"libcurl.so.4"

static const struct {
	const char	*name;
	size_t		 at;
} curlload_symbols[] = {
	{ "curl_easy_init", offsetof(struct curlload, easy_init) },
	{ "curl_easy_setopt", offsetof(struct curlload, easy_setopt) },
	{ "curl_easy_perform", offsetof(struct curlload, easy_perform) },
	{ "curl_easy_getinfo", offsetof(struct curlload, easy_getinfo) },
	{ "curl_easy_reset", offsetof(struct curlload, easy_reset) },
	{ "curl_easy_cleanup", offsetof(struct curlload, easy_cleanup) },
	{ "curl_easy_strerror", offsetof(struct curlload, easy_strerror) },
	{ "curl_slist_append", offsetof(struct curlload, slist_append) },
	{ "curl_slist_free_all", offsetof(struct curlload, slist_free_all) },
	{ "curl_url", offsetof(struct curlload, url) },
	{ "curl_url_set", offsetof(struct curlload, url_set) },
	{ "curl_url_get", offsetof(struct curlload, url_get) },
	{ "curl_url_cleanup", offsetof(struct curlload, url_cleanup) },
	{ "curl_free", offsetof(struct curlload, free) },
};
_Static_assert(sizeof curlload_symbols / sizeof curlload_symbols[0] ==
    sizeof(struct curlload) / sizeof(void (*)(void)), "a row per function of the table");

static pthread_once_t	 curlload_once = PTHREAD_ONCE_INIT;
static struct curlload	 curlload_table;
static int		 curlload_ok;
static char		 curlload_why[256];

static void
curlload_open(void)
{
	void		*lib, *sym;
	const char	*err;
	size_t		 i;

	if ((lib = dlopen(CURLLOAD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		(void)strncpy(curlload_why, err != NULL ? err : "?", sizeof curlload_why - 1);
		return;
	}
	for (i = 0; i < sizeof curlload_symbols / sizeof curlload_symbols[0]; i++) {
		if ((sym = dlsym(lib, curlload_symbols[i].name)) == NULL) {
			(void)strncpy(curlload_why, curlload_symbols[i].name,
			    sizeof curlload_why - 1);
			return;	/* the library stays loaded: its constructors have run */
		}
		/* POSIX: dlsym's object pointer holds a function's address (XSH dlsym). */
		memcpy((char *)&curlload_table + curlload_symbols[i].at, &sym, sizeof sym);
	}
	curlload_ok = 1;
}

const struct curlload *
curlload(char **cause)
{
	if (pthread_once(&curlload_once, curlload_open) != 0 || !curlload_ok) {
		cause_set(cause, _("cannot load the network library %s (%s): is libcurl "
		    "installed?"), CURLLOAD_SONAME, curlload_why[0] != '\0' ? curlload_why : "?");
		return NULL;
	}
	return &curlload_table;
}

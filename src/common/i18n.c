/*
 * i18n — choosing the language and binding the catalogs: the one place that touches the
 * locale, which it forces to UTF-8 so LANGUAGE works even under "C". Its own failures come
 * before any catalog is bound, so their words are English.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"

static const char *const i18n_languages[] = { "kk", "ru", "en", NULL };

int
i18n_known(const char *lang)
{
	size_t	i;

	for (i = 0; i18n_languages[i] != NULL; i++)
		if (strcmp(lang, i18n_languages[i]) == 0)
			return 1;
	return 0;
}

/*
 * gettext ignores LANGUAGE under the plain "C" locale, and a thin client often sends no
 * LANG at all; C.UTF-8 always exists on Debian and keeps LANGUAGE working.
 */
static void
i18n_ensure_utf8_locale(void)
{
	const char	*cur = setlocale(LC_MESSAGES, NULL);

	if (cur == NULL || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0) {
		if (setlocale(LC_MESSAGES, "C.UTF-8") != NULL)
			(void)setlocale(LC_CTYPE, "C.UTF-8");
	}
}

static int
i18n_bind(const char *lang, char **cause)
{
	const char	*dir;

	if (setlocale(LC_ALL, "") == NULL)
		(void)setlocale(LC_ALL, "C.UTF-8");
	i18n_ensure_utf8_locale();
	if (lang != NULL && setenv("LANGUAGE", lang, 1) == -1) {
		cause_set(cause, "cannot select language '%s'", lang);
		return -1;
	}
	dir = getenv("NCAENROLL_LOCALEDIR");
	if (dir == NULL || *dir == '\0')
		dir = LOCALEDIR;
	if (bindtextdomain(PACKAGE, dir) == NULL ||
	    bind_textdomain_codeset(PACKAGE, "UTF-8") == NULL ||
	    textdomain(PACKAGE) == NULL) {
		cause_set(cause, "cannot load message catalogs from %s", dir);
		return -1;
	}
	return 0;
}

int
i18n_init(const char *lang, char **cause)
{
	if (lang != NULL && !i18n_known(lang)) {
		/* Said in the environment's language: the one asked for is none of ours. */
		(void)i18n_bind(NULL, NULL);
		cause_set(cause, _("unknown language '%s' (choose kk, ru or en)"), lang);
		return -1;
	}
	return i18n_bind(lang, cause);
}

const char *
i18n_current(void)
{
	/* TRANSLATORS: the catalog's own language code: kk, ru or en. */
	const char	*mine = _("LANGUAGE-CODE=en");

	if (strncmp(mine, "LANGUAGE-CODE=", 14) == 0 && i18n_known(mine + 14))
		return mine + 14;
	return "en";
}

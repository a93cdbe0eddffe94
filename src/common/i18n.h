/*
 * i18n — the language a person reads: Kazakh (kk, the state language), Russian (ru) or
 * English (en), through gettext catalogs built from po/. i18n_init() runs once in main,
 * before any message is formatted; it always emits UTF-8, whatever the locale's charset.
 * NCAENROLL_LOCALEDIR (set by the uninstalled-env wrapper) points at a build tree's catalogs.
 */
#ifndef NCA_I18N_H
#define NCA_I18N_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

/* lang: "kk", "ru", "en", or NULL to follow LANGUAGE/LC_ALL/LC_MESSAGES/LANG. */
int		 i18n_init(const char *lang, char **cause);
int		 i18n_known(const char *lang);
/* The language messages come out in now: "kk", "ru" or "en". */
const char	*i18n_current(void);

#endif

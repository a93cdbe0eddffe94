/*
 * enroll-dir — whose keys a folder already holds (enroll.h: enroll_dir_others): the
 * folder's pending keys and containers (keystore_dir_keys) named by the applications of
 * the state file they belong to, in the person's language. Reads; writes nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "enroll/enroll.h"

/* Appends "; item" (or the first item) to *list; frees item. -1: out of memory. */
static int
enroll_dir_add(char **list, char *item)
{
	char	*joined;

	if (item == NULL)
		return -1;
	if (*list != NULL && strstr(*list, item) != NULL) {
		free(item);		/* two files of one application: said once */
		return 0;
	}
	if (*list == NULL) {
		*list = item;
		return 0;
	}
	if (asprintf(&joined, "%s; %s", *list, item) == -1)
		joined = NULL;
	free(item);
	if (joined == NULL)
		return -1;
	free(*list);
	*list = joined;
	return 0;
}

/* An application's pending keys, in words. */
static char *
enroll_dir_pending(struct enroll *e, const char *app_id)
{
	const struct state_app	*a = state_app_find(e->st, app_id);
	const char		*num = a != NULL ? state_get(a, APPKEY_REQUEST_NUMBER) : NULL;
	const char		*when = a != NULL ? state_get(a, APPKEY_CREATED) : NULL;
	char			 day[11], *s = NULL;
	int			 n;

	(void)snprintf(day, sizeof day, "%s", when != NULL ? when : "");
	if (num != NULL)
		n = asprintf(&s, _("application No. %s (its keys wait for the certificates)"),
		    num);
	else if (a != NULL)
		n = asprintf(&s, _("an application not sent yet, begun %s"), day);
	else
		n = asprintf(&s, _("an application this computer keeps no record of "
		    "(ncaenroll-%s-AUTH.key)"), app_id);
	return n == -1 ? NULL : s;
}

/* The application whose installed container has this file name, or NULL. */
static const char *
enroll_dir_container_owner(struct enroll *e, const char *name)
{
	static const char *const keys[] = { APPKEY_CONTAINER_AUTH, APPKEY_CONTAINER_SIGN };
	const char	*path, *slash;
	size_t		 i, k;

	for (i = 0; i < e->st->napps; i++)
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			path = state_get(&e->st->apps[i], keys[k]);
			slash = path != NULL ? strrchr(path, '/') : NULL;
			if (slash != NULL && strcmp(slash + 1, name) == 0)
				return state_get(&e->st->apps[i], APPKEY_REQUEST_NUMBER);
		}
	return NULL;
}

int
enroll_dir_others(struct enroll *e, const char *id, const char *dir, char **what,
    struct failure *err)
{
	struct keystore_dir_keys	 k;
	const struct state_app		*self = state_app_find(e->st, id);
	const char			*num;
	char				*cause = NULL, *list = NULL, *s = NULL;
	size_t				 i, unknown = 0;
	int				 rc = -1;

	*what = NULL;
	if (keystore_dir_keys(dir, &k, &cause) == -1) {
		failure_free(err);
		err->kind = FAILURE_LOCAL;
		err->message = cause;
		err->field = strdup("dir");
		return -1;
	}
	for (i = 0; i < k.npending; i++)
		if ((self == NULL || strcmp(k.pending[i], self->id) != 0) &&
		    enroll_dir_add(&list, enroll_dir_pending(e, k.pending[i])) == -1)
			goto out;
	for (i = 0; i < k.ncontainers; i++) {
		if ((num = enroll_dir_container_owner(e, k.containers[i])) == NULL) {
			unknown++;
			continue;
		}
		if (asprintf(&s, _("application No. %s (its installed containers)"), num) == -1)
			s = NULL;
		if (enroll_dir_add(&list, s) == -1)
			goto out;
	}
	if (unknown > 0) {
		if (asprintf(&s, ngettext("%zu key container from elsewhere (*.p12)",
		    "%zu key containers from elsewhere (*.p12)", (unsigned long)unknown),
		    unknown) == -1)
			s = NULL;
		if (enroll_dir_add(&list, s) == -1)
			goto out;
	}
	*what = list;
	list = NULL;
	rc = 0;
out:
	if (rc == -1) {
		failure_free(err);
		err->kind = FAILURE_LOCAL;
		err->message = strdup(_("out of memory"));
	}
	free(list);
	keystore_dir_keys_free(&k);
	return rc;
}

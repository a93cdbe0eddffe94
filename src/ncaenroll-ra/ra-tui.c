/*
 * ra-tui — the console's entry and what its screens share: the context's life, reading
 * the application open, and the one way a failure is shown.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenroll-ra/ra-tui.h"
#include "tui/tui-run.h"
#include "tui/tui.h"

int
ra_tui_run(struct ra *ra, const char *lang, char **cause)
{
	struct ra_tui	rt;
	int		rc;

	memset(&rt, 0, sizeof rt);
	rt.ra = ra;
	rt.max_age = -1;
	rc = tui_run(&ra_tui_actions_program, &rt, lang, cause);
	free(rt.search);
	free(rt.region);
	free(rt.office);
	json_decref(rt.app);
	json_decref(rt.reasons);
	json_decref(rt.places);
	json_decref(rt.me);
	free(rt.iin);
	json_decref(rt.certs);
	return rc;
}

struct ra_tui *
ra_tui_ctx(struct screen *s)
{
	return screen_tui(s)->ctx;
}

const char *
ra_tui_value(struct screen *s, const char *field)
{
	const char	*v = screen_value(s, field);

	return v != NULL ? v : "";
}

int
ra_tui_set(char **slot, const char *value)
{
	char	*v = NULL;

	if (value != NULL && *value != '\0' && (v = strdup(value)) == NULL)
		return -1;
	free(*slot);
	*slot = v;
	return 0;
}

enum action_result
ra_tui_fail(struct screen *s, struct failure *err, const char *const *map)
{
	const char	*msg = err->message != NULL ? err->message : _("invalid value");
	const char	*field = NULL;
	size_t		 i;

	for (i = 0; map != NULL && map[i] != NULL && map[i + 1] != NULL; i += 2)
		if (err->field != NULL && strcmp(err->field, map[i]) == 0)
			field = map[i + 1];
	if (field != NULL && screen_value(s, field) != NULL)
		screen_set_error(s, field, msg);
	else
		screen_message(s, err->kind == FAILURE_REFUSED ? _("Refused") :
		    err->kind == FAILURE_SERVICE ? _("The service could not do it") :
		    _("This computer could not do it"), msg);
	failure_free(err);
	return ACTION_STAY;
}

void
ra_tui_who(const json_t *app, char *buf, size_t size)
{
	char	name[512];

	ra_applicant_name(app, name, sizeof name);
	(void)snprintf(buf, size, "%s\n%s, %s %s", ra_str(app, "request_number"), name,
	    _("IIN"), ra_str(json_object_get(app, "applicant"), "iin"));
}

int
ra_tui_app_load(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t		*app = NULL;

	json_decref(rt->app);
	rt->app = NULL;
	if (rt->number[0] == '\0')
		return -1;
	screen_progress(s, _("Asking the service..."));
	if (ra_application(rt->ra, rt->number, &app, &err) == -1) {
		screen_progress(s, "");
		(void)ra_tui_fail(s, &err, NULL);
		return -1;
	}
	screen_progress(s, "");
	rt->app = app;
	return 0;
}

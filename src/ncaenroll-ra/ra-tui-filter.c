/*
 * ra-tui-filter — the queue's two ways of narrowing (forms/ra/find.yaml, filter.yaml):
 * a search by IIN or BIN, or a request number (the applicant at the desk holds the printed
 * form: it opens that application), and a filter by region, office and age. Both are kept
 * in the console's context for the queue to ask with, and checked before the queue screen
 * comes back: a mistyped number is caught by its check digit, a place the service does
 * not know at its field.
 * The search field opens empty (each applicant at the desk is a new search; the queue
 * says what it shows); the filter's fields open as they were set. Region and office are
 * chosen from lists of the service's places (asked once per console), "any" first.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alpha.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "ncaenroll-ra/ra-tui.h"

/* The digits of a search, with the spaces and dashes people type between them dropped. */
static int
filter_digits(const char *in, char *out, size_t size)
{
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (!isdigit((unsigned char)*in) || n + 1 >= size)
			return -1;
		out[n++] = *in;
	}
	out[n] = '\0';
	return 0;
}

/*
 * An IIN or a BIN narrows the queue (NEXT: back to it); a request number opens that
 * application whatever its status (GOTO the button's target), since a decided one is in
 * no queue and its history is what is asked about. Unknown or mistyped: at the field.
 */
enum action_result
ra_tui_find(struct screen *s)
{
	static const char *const map[] = { "request_number", "search", NULL, NULL };
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	char		 digits[64], canon[REQNUM_LEN + 1];
	json_t		*app = NULL;

	if (filter_digits(ra_tui_value(s, "search"), digits, sizeof digits) == -1 ||
	    (strlen(digits) != IDNUM_LEN && strlen(digits) != REQNUM_DIGITS)) {
		screen_set_error(s, "search", _("Type a request number (28 digits), an IIN or a "
		    "BIN (12 digits)."));
		return ACTION_STAY;
	}
	if (strlen(digits) == IDNUM_LEN)
		return ra_tui_set(&rt->search, digits) == 0 ? ACTION_NEXT : ACTION_STAY;
	if (ra_number(digits, canon, &err) == -1)
		return ra_tui_fail(s, &err, map);
	screen_progress(s, _("Asking the service..."));
	if (ra_application(rt->ra, canon, &app, &err) == -1) {
		screen_progress(s, "");
		return ra_tui_fail(s, &err, map);
	}
	screen_progress(s, "");
	json_decref(app);
	(void)snprintf(rt->number, sizeof rt->number, "%s", canon);
	/* Back on the queue, the cursor is on it if it still waits there. */
	(void)snprintf(rt->at, sizeof rt->at, "%s", canon);
	return ACTION_GOTO;
}

enum action_result
ra_tui_find_clear(struct screen *s)
{
	(void)ra_tui_set(&ra_tui_ctx(s)->search, NULL);
	return ACTION_NEXT;
}

/* The list items' id for "any region", "any office": a list item needs an id. */
#define FILTER_ANY	"*"

static json_t *
filter_any(const char *kk, const char *ru, const char *en)
{
	json_t	*items = json_array();

	if (items != NULL && json_array_append_new(items, json_pack("{s:s, s:{s:s, s:s, s:s}}",
	    "id", FILTER_ANY, "name", "kk", kk, "ru", ru, "en", en)) == -1) {
		json_decref(items);
		return NULL;
	}
	return items;
}

/* "Karaganda: Karaganda PSC No. 1", in each language. */
static json_t *
filter_office(const json_t *city, const json_t *office)
{
	static const char *const langs[] = { "kk", "ru", "en" };
	json_t		*names = json_object(), *o;
	char		 line[512];
	size_t		 i;

	if (names == NULL)
		return NULL;
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		const char	*c = json_string_value(json_object_get(json_object_get(city,
				    "name"), langs[i]));
		const char	*n = json_string_value(json_object_get(json_object_get(office,
				    "name"), langs[i]));

		(void)snprintf(line, sizeof line, "%s: %s", c != NULL ? c : "",
		    n != NULL ? n : ra_str(office, "id"));
		if (json_object_set_new(names, langs[i], json_string(line)) == -1) {
			json_decref(names);
			return NULL;
		}
	}
	if ((o = json_pack("{s:s, s:o}", "id", ra_str(office, "id"), "name", names)) == NULL)
		json_decref(names);
	return o;
}

static int
filter_cmp(const void *a, const void *b)
{
	const json_t	*x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return alpha_strcmp(ra_name(json_object_get(x, "name")),
	    ra_name(json_object_get(y, "name")));
}

/*
 * A list after its first item ("any") in the alphabet of the reader's language: the
 * service orders its places by their Russian names, which puts Абай облысы (область
 * Абай) after Ақмола. -1 when memory runs out.
 */
static int
filter_sort(json_t *items)
{
	size_t	  n = json_array_size(items), i;
	json_t	**v;
	int	  rc = 0;

	if (n < 3)
		return 0;
	if ((v = calloc(n - 1, sizeof *v)) == NULL)
		return -1;
	for (i = 1; i < n; i++)
		v[i - 1] = json_incref(json_array_get(items, i));
	qsort(v, n - 1, sizeof *v, filter_cmp);
	for (i = 1; i < n; i++)
		if (json_array_set(items, i, v[i - 1]) == -1)
			rc = -1;
	for (i = 0; i < n - 1; i++)
		json_decref(v[i]);
	free(v);
	return rc;
}

/*
 * The two lists, from the service's places (asked the first time only), in the reader's
 * alphabet (made again when F2 changes the language: the screen's enter runs again).
 */
static int
filter_lists(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	json_t		*regions, *offices, *region, *city, *office;
	size_t		 i, j, k;
	int		 rc = -1;

	if (rt->places == NULL) {
		screen_progress(s, _("Asking the service..."));
		if (ra_places(rt->ra, &rt->places, &err) == -1) {
			screen_progress(s, "");
			(void)ra_tui_fail(s, &err, NULL);
			return -1;
		}
		screen_progress(s, "");
	}
	regions = filter_any("Кез келген облыс", "Любая область", "Any region");
	offices = filter_any("Кез келген ХҚКО", "Любой ЦОН", "Any office");
	if (regions == NULL || offices == NULL)
		goto out;
	json_array_foreach(rt->places, i, region) {
		if (json_array_append_new(regions, json_pack("{s:s, s:O}", "id",
		    ra_str(region, "id"), "name", json_object_get(region, "name"))) == -1)
			goto out;
		json_array_foreach(json_object_get(region, "cities"), j, city)
			json_array_foreach(json_object_get(city, "offices"), k, office)
				if (json_array_append_new(offices, filter_office(city, office)) ==
				    -1)
					goto out;
	}
	rc = filter_sort(regions) == 0 && filter_sort(offices) == 0 &&
	    screen_set_items(s, "region", regions) == 0 &&
	    screen_set_items(s, "office", offices) == 0 ? 0 : -1;
out:
	json_decref(regions);
	json_decref(offices);
	return rc;
}

int
ra_tui_filter_enter(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);
	char		 age[24] = "";

	if (rt->max_age >= 0)
		(void)snprintf(age, sizeof age, "%ld", rt->max_age);
	if (filter_lists(s) == -1)
		return -1;
	(void)screen_set_value(s, "region", rt->region != NULL ? rt->region : FILTER_ANY);
	(void)screen_set_value(s, "office", rt->office != NULL ? rt->office : FILTER_ANY);
	(void)screen_set_value(s, "max_age", age);
	(void)screen_set_value(s, "all", rt->all ? "1" : "0");
	return 0;
}

/* A list's choice as a filter: NULL for "any" (or nothing chosen). */
static char *
filter_id(const char *in)
{
	if (*in == '\0' || strcmp(in, FILTER_ANY) == 0)
		return NULL;
	return strdup(in);
}

/* Days typed, or -1 for none; -2 when it is no number of days. */
static long
filter_age(const char *in)
{
	char	*end;
	long	 n;

	if (*in == '\0')
		return -1;
	errno = 0;
	n = strtol(in, &end, 10);
	return errno != 0 || *end != '\0' || n < 0 || n > 3650 ? -2 : n;
}

/*
 * The filter is tried on the service before it is kept: a region or office it does not
 * know, or a supervisor's scope asked for by an operator, is said at its field here.
 */
enum action_result
ra_tui_filter(struct screen *s)
{
	static const char *const map[] = { "region", "region", "office", "office", "city",
	    "region", "max_age_days", "max_age", "scope", "all", NULL, NULL };
	struct ra_tui	*rt = ra_tui_ctx(s);
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct ra_filter f = { NULL, NULL, NULL, rt->search, -1, 0 };
	char		*region = filter_id(ra_tui_value(s, "region"));
	char		*office = filter_id(ra_tui_value(s, "office"));
	json_t		*apps = NULL;
	enum action_result r = ACTION_STAY;

	f.region = region;
	f.office = office;
	f.all = strcmp(ra_tui_value(s, "all"), "1") == 0;
	if ((f.max_age_days = filter_age(ra_tui_value(s, "max_age"))) == -2)
		screen_set_error(s, "max_age", _("a number of days, 0 to 3650"));
	else if (ra_queue(rt->ra, &f, &apps, &err) == -1) {
		/* A refusal of the operator (supervisors only) names no field: say where. */
		if (err.code != NULL && strcmp(err.code, "ra.supervisor_only") == 0 &&
		    err.field == NULL)
			err.field = strdup("scope");
		r = ra_tui_fail(s, &err, map);
	} else {
		free(rt->region);
		free(rt->office);
		rt->region = region;
		rt->office = office;
		region = office = NULL;
		rt->max_age = f.max_age_days;
		rt->all = f.all;
		r = ACTION_NEXT;
	}
	json_decref(apps);
	free(region);
	free(office);
	return r;
}

enum action_result
ra_tui_filter_clear(struct screen *s)
{
	struct ra_tui	*rt = ra_tui_ctx(s);

	(void)ra_tui_set(&rt->region, NULL);
	(void)ra_tui_set(&rt->office, NULL);
	rt->max_age = -1;
	rt->all = 0;
	return ACTION_NEXT;
}

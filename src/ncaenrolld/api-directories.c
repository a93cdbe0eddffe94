/*
 * api-directories — the lists a form offers: roles (with the DC value that goes into the
 * certificate's subject, and the directory's role OID, which no K2 certificate carries),
 * regions, a region's cities with their RA offices, and the ГУ/СКС codes registered for an
 * organization (only with that BIN's check token: an answer tells the BIN is registered).
 * Public data, read from the store as loaded from the registries; each entry
 * has an id and its names in kk, ru and en. And where a person goes for help the programs
 * cannot give: the support contact of the configuration.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/idnum.h"
#include "common/log.h"
#include "common/problem.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/ratelimit.h"
#include "ncaenrolld/srv.h"

/* One entry as the API shows it; what it adds depends on the directory. */
static json_t *
api_directories_entry(enum store_dir dir, const struct store_entry *e)
{
	json_t	*j;

	j = json_pack("{s:s, s:{s:s?, s:s?, s:s?}}", "id", e->id, "name", "kk", e->name.kk,
	    "ru", e->name.ru, "en", e->name.en);
	if (j == NULL)
		return NULL;
	if (dir == STORE_ROLES &&
	    (json_object_set_new(j, "dc", e->dc != NULL ? json_string(e->dc) : json_null())
	    == -1 ||
	    json_object_set_new(j, "oid", e->oid != NULL ? json_string(e->oid) : json_null())
	    == -1)) {
		json_decref(j);
		return NULL;
	}
	if (dir == STORE_OFFICES && json_object_set_new(j, "address", e->address != NULL ?
	    json_string(e->address) : json_null()) == -1) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* The entries of dir under parent as a JSON array; NULL with a cause. */
static json_t *
api_directories_list(struct store *st, enum store_dir dir, const char *parent, char **cause)
{
	struct store_list	 list = { NULL, 0 };
	json_t			*arr, *e;
	size_t			 i;

	if (store_entries(st, dir, parent, &list, cause) == -1)
		return NULL;
	if ((arr = json_array()) == NULL)
		goto oom;
	for (i = 0; i < list.n; i++) {
		if ((e = api_directories_entry(dir, &list.v[i])) == NULL ||
		    json_array_append_new(arr, e) == -1)
			goto oom;
	}
	store_list_free(&list);
	return arr;
oom:
	cause_set(cause, "out of memory");
	json_decref(arr);
	store_list_free(&list);
	return NULL;
}

/* Answers with a whole directory. */
static int
api_directories_answer(struct srv *srv, enum store_dir dir, struct http_resp *resp)
{
	struct store	*st;
	json_t		*arr = NULL;
	char		*cause = NULL;

	if ((st = srv_store_get(srv, &cause)) != NULL)
		arr = api_directories_list(st, dir, NULL, &cause);
	srv_store_put(srv, st);
	if (arr == NULL) {
		log_error("directories: %s", cause != NULL ? cause : "failed");
		free(cause);
		return -1;
	}
	http_json(resp, 200, arr);
	return 0;
}

enum http_result
api_directories_roles(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	(void)req;
	return api_directories_answer(srv, STORE_ROLES, resp);
}

enum http_result
api_directories_regions(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	(void)req;
	return api_directories_answer(srv, STORE_REGIONS, resp);
}

/* Adds each city's RA offices to it. */
static int
api_directories_offices(struct store *st, json_t *cities, char **cause)
{
	json_t	*city, *offices;
	size_t	 i;

	json_array_foreach(cities, i, city) {
		offices = api_directories_list(st, STORE_OFFICES,
		    json_string_value(json_object_get(city, "id")), cause);
		if (offices == NULL)
			return -1;
		if (json_object_set_new(city, "offices", offices) == -1) {
			cause_set(cause, "out of memory");
			return -1;
		}
	}
	return 0;
}

enum http_result
api_directories_cities(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	struct store		*st;
	struct store_entry	 region;
	json_t			*cities = NULL;
	char			*cause = NULL;
	int			 found = 0, rc = -1;

	memset(&region, 0, sizeof region);
	if ((st = srv_store_get(srv, &cause)) == NULL ||
	    store_entry_get(st, STORE_REGIONS, req->params[0], &region, &found, &cause) == -1)
		goto out;
	if (!found) {
		http_error(resp, 404, "region.not_found", NULL, "there is no region '%s'",
		    req->params[0]);
		rc = 0;
		goto out;
	}
	store_entry_free(&region);
	if ((cities = api_directories_list(st, STORE_CITIES, req->params[0],
	    &cause)) == NULL ||
	    api_directories_offices(st, cities, &cause) == -1)
		goto out;
	http_json(resp, 200, cities);
	cities = NULL;
	rc = 0;
out:
	if (cause != NULL)
		log_error("cities: %s", cause);
	free(cause);
	json_decref(cities);
	srv_store_put(srv, st);
	return rc;
}

enum http_result
api_directories_gu_codes(struct srv *srv, const struct http_req *req,
    struct http_resp *resp)
{
	const char	*bin = req->query(req, "bin"), *token = req->query(req, "token");
	struct problems	 probs;
	struct store	*st = NULL;
	char		**codes = NULL, *cause = NULL, token_bin[13];
	json_t		*arr = NULL, *e;
	size_t		 i;
	int		 retry, found = 0, rc = -1;

	if (bin == NULL || *bin == '\0') {
		http_error(resp, 400, "field.missing", "bin", "'bin' is required (?bin=...)");
		return 0;
	}
	/* Counted with the registry checks: an answer tells a BIN is registered. */
	if (srv_rate_hit(srv, req->client_addr, RATELIMIT_CHECK,
	    srv_policy(srv)->checks_per_minute, &retry) == -1) {
		http_error(resp, 429, "rate_limited", NULL,
		    "too many checks from your address; try again in %d seconds", retry);
		resp->retry_after = retry;
		return 0;
	}
	problems_init(&probs);
	if (idnum_validate_bin(bin, NULL, &probs) == -1) {
		http_error(resp, 400, probs.n > 0 ? probs.v[0].code : "invalid", "bin", "%s",
		    probs.n > 0 && probs.v[0].message != NULL ? probs.v[0].message :
		    "the BIN is not valid");
		problems_free(&probs);
		return 0;
	}
	problems_free(&probs);
	/* An answer tells whether the BIN is registered: only after its BIN check. */
	if (token == NULL || *token == '\0') {
		http_error(resp, 400, "field.missing", "token",
		    "'token' is required (?bin=...&token=..., from bin-check)");
		return 0;
	}
	if ((st = srv_store_get(srv, &cause)) == NULL ||
	    store_token_get(st, token, api_client(req), srv_now(srv), token_bin, &found,
	    &cause) == -1)
		goto out;
	if (!found || strcmp(token_bin, bin) != 0) {
		http_error(resp, 403, !found ? "token.invalid" : "token.bin_mismatch", "token",
		    "%s", !found ? "the check token is unknown or has expired; check the BIN "
		    "again" : "the check token was issued for another BIN");
		rc = 0;
		goto out;
	}
	if (store_gu_codes(st, bin, &codes, &cause) == -1)
		goto out;
	if ((arr = json_array()) == NULL)
		goto out;
	for (i = 0; codes != NULL && codes[i] != NULL; i++) {
		if ((e = json_pack("{s:s}", "code", codes[i])) == NULL ||
		    json_array_append_new(arr, e) == -1)
			goto out;
	}
	http_json(resp, 200, arr);
	arr = NULL;
	rc = 0;
out:
	if (rc == -1)
		log_error("gu-codes: %s", cause != NULL ? cause : "out of memory");
	free(cause);
	json_decref(arr);
	store_strv_free(codes);
	srv_store_put(srv, st);
	return rc;
}

/* {"kk", "ru", "en"}, or null when the configuration gives none. */
static json_t *
api_directories_text(const struct srv_text *t)
{
	if (t->kk == NULL || t->ru == NULL || t->en == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "kk", t->kk, "ru", t->ru, "en", t->en);
}

enum http_result
api_directories_support(struct srv *srv, const struct http_req *req, struct http_resp *resp)
{
	const struct srv_support	*s = &srv->cfg->support;
	json_t				*o;

	(void)req;
	o = json_pack("{s:s?, s:s?, s:s?, s:o, s:o}", "phone", s->phone, "email", s->email,
	    "web", s->web, "address", api_directories_text(&s->address), "hours",
	    api_directories_text(&s->hours));
	if (o == NULL) {
		log_error("directories: support: out of memory");
		return -1;
	}
	http_json(resp, 200, o);
	return 0;
}

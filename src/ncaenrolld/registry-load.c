/*
 * registry-load — reads the registry folder's JSON files (data/demo/README.md) into a
 * store in one transaction. Each file is an array; each entry is checked (ids, BIN, IIN,
 * ГУ/СКС codes, names, references) before it is put, and the first bad one rolls back
 * everything with a cause that names it as file[index].field. Fields the format does not
 * name are ignored, so the data may carry notes for people.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cause.h"
#include "common/gucode.h"
#include "common/i18n.h"
#include "common/idnum.h"
#include "common/utf8.h"
#include "ncaenrolld/registry-load.h"

#define REGISTRY_LOAD_ID_MAX	64

struct registry_load {
	struct store	*store;
	json_t		*seen;		/* "kind\nid" of every id met, to refuse repeats */
	const char	*parent_id;	/* cities: their region's id; offices: their city's */
	int		 level;		/* in regions.json's tree: a row of registry_load_levels */
};

/* The entry loaders: entry is one element of the file's array, where names it. */
typedef int (*registry_load_fn)(struct registry_load *, json_t *entry, const char *where,
    char **cause);

static int	registry_load_role(struct registry_load *, json_t *, const char *, char **);
static int	registry_load_place(struct registry_load *, json_t *, const char *,
		    char **);
static int	registry_load_org(struct registry_load *, json_t *, const char *, char **);
static int	registry_load_person(struct registry_load *, json_t *, const char *, char **);

/* In this order: organizations refer to regions. */
static const struct {
	const char		*file;
	registry_load_fn	 entry;
} registry_load_files[] = {
	{ "roles.json", registry_load_role },
	{ "regions.json", registry_load_place },
	{ "organizations.json", registry_load_org },
	{ "persons.json", registry_load_person },
};

/* ---- fields ---- */

/* A string field: -1 with a cause if missing, not a string, or empty unless may_be_empty. */
static int
registry_load_str(json_t *obj, const char *key, int may_be_empty, const char **out,
    const char *where, char **cause)
{
	json_t	*v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || !json_is_string(v)) {
		cause_set(cause, _("%s: \"%s\" is missing or not a string"), where, key);
		return -1;
	}
	*out = json_string_value(v);
	if (!may_be_empty && **out == '\0') {
		cause_set(cause, _("%s: \"%s\" is empty"), where, key);
		return -1;
	}
	return 0;
}

/* An identifier: 1 to 64 of A-Z a-z 0-9 _ . - (they go into URLs and logs). */
static int
registry_load_id(json_t *obj, const char *key, const char **out, const char *where,
    char **cause)
{
	size_t	i, len;

	if (registry_load_str(obj, key, 0, out, where, cause) == -1)
		return -1;
	len = strlen(*out);
	for (i = 0; i < len; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
		    (*out)[i]) == NULL)
			break;
	}
	if (i < len || len > REGISTRY_LOAD_ID_MAX) {
		cause_set(cause, _("%s: \"%s\" must be 1 to %d Latin letters, digits, '_', '.' "
		    "or '-'"), where, key, REGISTRY_LOAD_ID_MAX);
		return -1;
	}
	return 0;
}

/* Names in kk and ru, and en unless en is optional (NULL then if absent). */
static int
registry_load_names(json_t *obj, int en_optional, struct store_names *n,
    const char *where, char **cause)
{
	json_t		*names = json_object_get(obj, "name");
	const char	*kk, *ru, *en = NULL;
	char		*at = NULL;
	int		 rc = -1;

	memset(n, 0, sizeof *n);
	if (!json_is_object(names)) {
		cause_set(cause, _("%s: \"name\" is missing or not an object"), where);
		return -1;
	}
	if (asprintf(&at, "%s.name", where) == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	if (registry_load_str(names, "kk", 0, &kk, at, cause) == -1 ||
	    registry_load_str(names, "ru", 0, &ru, at, cause) == -1)
		goto out;
	if ((!en_optional || json_object_get(names, "en") != NULL) &&
	    registry_load_str(names, "en", 0, &en, at, cause) == -1)
		goto out;
	/* the store only reads through const structs; these point into the JSON */
	n->kk = (char *)kk;
	n->ru = (char *)ru;
	n->en = (char *)en;
	rc = 0;
out:
	free(at);
	return rc;
}

/* Refuses an id already met in this load under the same kind. */
static int
registry_load_once(struct registry_load *rl, const char *kind, const char *id,
    const char *where, char **cause)
{
	char	*key = NULL;
	int	 rc = -1;

	if (asprintf(&key, "%s\n%s", kind, id) == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	if (json_object_get(rl->seen, key) != NULL)
		cause_set(cause, _("%s: %s \"%s\" appears twice"), where, kind, id);
	else if (json_object_set_new(rl->seen, key, json_true()) == -1)
		cause_set(cause, _("out of memory"));
	else
		rc = 0;
	free(key);
	return rc;
}

/* The first problem a validator found, as a cause about where. */
static void
registry_load_problem(const struct problems *p, const char *where, const char *what,
    const char *value, char **cause)
{
	const char	*why = _("invalid");

	if (p->n > 0)
		why = p->v[0].message != NULL ? p->v[0].message : p->v[0].code;
	cause_set(cause, _("%s: %s %s: %s"), where, what, value, why);
}

/* Prefixes the store's cause with the entry it was putting. */
static void
registry_load_store_failed(const char *where, char **cause)
{
	if (cause != NULL && *cause != NULL)
		cause_set(cause, "%s: %s", where, *cause);
	else
		cause_set(cause, _("%s: the store failed"), where);
}

/* Lower case letters of the scripts names come in: Latin, Russian, Kazakh Cyrillic. */
static int
registry_load_not_lower(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0x430 && c <= 0x45f))
		return 0;
	/* Cyrillic supplement: capital even, small odd (Ә ә, Ғ ғ, Қ қ, Ң ң, Ө ө, Ұ ұ, Ү ү, Һ һ) */
	if (((c >= 0x460 && c <= 0x4bf) || (c >= 0x4d0 && c <= 0x4ff)) && (c & 1) != 0)
		return 0;
	return 1;
}

/* A person's name part: upper case, as the registry keeps it. */
static int
registry_load_upper(json_t *obj, const char *key, int may_be_empty, const char **out,
    const char *where, char **cause)
{
	size_t	pos;
	char	ch[5];
	int	r;

	if (registry_load_str(obj, key, may_be_empty, out, where, cause) == -1)
		return -1;
	if ((r = utf8_first_not(*out, registry_load_not_lower, &pos, ch)) == 0)
		return 0;
	if (r == -1)
		cause_set(cause, _("%s: \"%s\" is not valid UTF-8"), where, key);
	else
		cause_set(cause, _("%s: \"%s\" must be in upper case (\"%s\" at %zu)"), where,
		    key, ch, pos);
	return -1;
}

/* Calls fn for every element of the array at obj[key] (absent: none unless required). */
static int
registry_load_each(struct registry_load *rl, json_t *obj, const char *key, int required,
    registry_load_fn fn, const char *where, char **cause)
{
	json_t	*arr = json_object_get(obj, key), *v;
	char	*at;
	size_t	 i;
	int	 rc = 0;

	if (arr == NULL && !required)
		return 0;
	if (!json_is_array(arr)) {
		cause_set(cause, _("%s: \"%s\" is missing or not an array"), where, key);
		return -1;
	}
	json_array_foreach(arr, i, v) {
		if (asprintf(&at, "%s.%s[%zu]", where, key, i) == -1) {
			cause_set(cause, _("out of memory"));
			return -1;
		}
		rc = fn(rl, v, at, cause);
		free(at);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* ---- entries ---- */

static int
registry_load_role(struct registry_load *rl, json_t *v, const char *where, char **cause)
{
	struct store_entry	 e;
	const char		*id, *dc, *oid;

	memset(&e, 0, sizeof e);
	if (!json_is_object(v)) {
		cause_set(cause, _("%s: not an object"), where);
		return -1;
	}
	if (registry_load_id(v, "id", &id, where, cause) == -1 ||
	    registry_load_id(v, "dc", &dc, where, cause) == -1 ||
	    registry_load_str(v, "oid", 0, &oid, where, cause) == -1 ||
	    registry_load_names(v, 0, &e.name, where, cause) == -1 ||
	    registry_load_once(rl, "role", id, where, cause) == -1)
		return -1;
	if (strspn(oid, "0123456789.") != strlen(oid) || oid[0] == '.' ||
	    oid[strlen(oid) - 1] == '.' || strstr(oid, "..") != NULL ||
	    strchr(oid, '.') == NULL) {
		cause_set(cause, _("%s: \"oid\" %s is not a dotted object identifier"), where,
		    oid);
		return -1;
	}
	e.id = (char *)id;
	e.dc = (char *)dc;
	e.oid = (char *)oid;
	if (store_entry_put(rl->store, STORE_ROLES, &e, cause) == -1) {
		registry_load_store_failed(where, cause);
		return -1;
	}
	return 0;
}

/*
 * regions.json is a tree: regions hold cities, cities hold RA offices. Each level is the
 * same entry (id, names, its parent's id) with what differs in its row: offices carry an
 * address and hold nothing; a region must list its cities.
 */
static const struct registry_load_level {
	const char	*kind;		/* for repeats and messages */
	enum store_dir	 dir;
	const char	*children;	/* the key of the level below, or NULL */
	int		 required;	/* the level below must be there */
} registry_load_levels[] = {
	{ "region", STORE_REGIONS, "cities", 1 },
	{ "city", STORE_CITIES, "offices", 0 },
	{ "office", STORE_OFFICES, NULL, 0 },
};

static int
registry_load_place(struct registry_load *rl, json_t *v, const char *where, char **cause)
{
	const struct registry_load_level	*lv = &registry_load_levels[rl->level];
	struct registry_load			 below = *rl;
	struct store_entry			 e;
	const char				*id, *address = NULL;

	memset(&e, 0, sizeof e);
	if (!json_is_object(v)) {
		cause_set(cause, _("%s: not an object"), where);
		return -1;
	}
	if (registry_load_id(v, "id", &id, where, cause) == -1 ||
	    registry_load_names(v, 0, &e.name, where, cause) == -1 ||
	    (lv->children == NULL &&
	    registry_load_str(v, "address", 0, &address, where, cause) == -1) ||
	    registry_load_once(rl, lv->kind, id, where, cause) == -1)
		return -1;
	e.id = (char *)id;
	e.parent_id = (char *)rl->parent_id;
	e.address = (char *)address;
	if (store_entry_put(rl->store, lv->dir, &e, cause) == -1) {
		registry_load_store_failed(where, cause);
		return -1;
	}
	if (lv->children == NULL)
		return 0;
	below.parent_id = id;
	below.level++;
	return registry_load_each(&below, v, lv->children, lv->required, registry_load_place,
	    where, cause);
}

/* The codes of one organization: checked and unique, then put in place of the old ones. */
static int
registry_load_gu_codes(struct registry_load *rl, json_t *v, const char *bin,
    const char *where, char **cause)
{
	json_t		*codes = json_object_get(v, "gu_codes"), *c;
	struct problems	 p;
	size_t		 i, j;

	if (codes == NULL)
		codes = json_array();	/* none: an empty list of our own */
	else if (!json_is_array(codes)) {
		cause_set(cause, _("%s: \"gu_codes\" is not an array"), where);
		return -1;
	} else
		json_incref(codes);
	if (codes == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	json_array_foreach(codes, i, c) {
		if (!json_is_string(c)) {
			cause_set(cause, _("%s.gu_codes[%zu]: not a string"), where, i);
			goto fail;
		}
		problems_init(&p);
		if (gucode_check(json_string_value(c), &p) == -1) {
			registry_load_problem(&p, where, _("GU/SKS code"), json_string_value(c),
			    cause);
			problems_free(&p);
			goto fail;
		}
		problems_free(&p);
		for (j = 0; j < i; j++) {
			if (strcmp(json_string_value(json_array_get(codes, j)),
			    json_string_value(c)) == 0) {
				cause_set(cause, _("%s.gu_codes[%zu]: code %s appears twice"), where,
				    i, json_string_value(c));
				goto fail;
			}
		}
	}
	if (store_gu_codes_clear(rl->store, bin, cause) == -1)
		goto store_failed;
	json_array_foreach(codes, i, c) {
		if (store_gu_code_put(rl->store, bin, json_string_value(c), cause) == -1)
			goto store_failed;
	}
	json_decref(codes);
	return 0;
store_failed:
	registry_load_store_failed(where, cause);
fail:
	json_decref(codes);
	return -1;
}

static int
registry_load_org(struct registry_load *rl, json_t *v, const char *where, char **cause)
{
	struct store_org	 o;
	struct store_entry	 region;
	struct problems		 p;
	const char		*bin, *region_id;
	int			 found, bad;

	memset(&o, 0, sizeof o);
	if (!json_is_object(v)) {
		cause_set(cause, _("%s: not an object"), where);
		return -1;
	}
	if (registry_load_str(v, "bin", 0, &bin, where, cause) == -1)
		return -1;
	problems_init(&p);
	if ((bad = idnum_validate_bin(bin, NULL, &p)) == -1)
		registry_load_problem(&p, where, "BIN", bin, cause);
	problems_free(&p);
	if (bad == -1 ||
	    registry_load_names(v, 1, &o.name, where, cause) == -1 ||
	    registry_load_id(v, "region", &region_id, where, cause) == -1 ||
	    registry_load_once(rl, "BIN", bin, where, cause) == -1)
		return -1;
	if (store_entry_get(rl->store, STORE_REGIONS, region_id, &region, &found,
	    cause) == -1) {
		registry_load_store_failed(where, cause);
		return -1;
	}
	store_entry_free(&region);
	if (!found) {
		cause_set(cause, _("%s: region \"%s\" is not in regions.json"), where,
		    region_id);
		return -1;
	}
	memcpy(o.bin, bin, sizeof o.bin);	/* validated: 12 digits and a NUL */
	o.region_id = (char *)region_id;
	if (store_org_put(rl->store, &o, cause) == -1) {
		registry_load_store_failed(where, cause);
		return -1;
	}
	return registry_load_gu_codes(rl, v, o.bin, where, cause);
}

static int
registry_load_person(struct registry_load *rl, json_t *v, const char *where, char **cause)
{
	struct store_person	 sp;
	struct problems		 p;
	const char		*iin, *surname, *given, *patronymic;
	int			 bad;

	memset(&sp, 0, sizeof sp);
	if (!json_is_object(v)) {
		cause_set(cause, _("%s: not an object"), where);
		return -1;
	}
	if (registry_load_str(v, "iin", 0, &iin, where, cause) == -1)
		return -1;
	problems_init(&p);
	if ((bad = idnum_validate_iin(iin, 0, NULL, &p)) == -1)
		registry_load_problem(&p, where, "IIN", iin, cause);
	problems_free(&p);
	if (bad == -1 ||
	    registry_load_upper(v, "surname", 0, &surname, where, cause) == -1 ||
	    registry_load_upper(v, "given_name", 0, &given, where, cause) == -1 ||
	    registry_load_upper(v, "patronymic", 1, &patronymic, where, cause) == -1 ||
	    registry_load_once(rl, "IIN", iin, where, cause) == -1)
		return -1;
	memcpy(sp.iin, iin, sizeof sp.iin);	/* validated: 12 digits and a NUL */
	sp.surname = (char *)surname;
	sp.given_name = (char *)given;
	sp.patronymic = (char *)patronymic;
	if (store_person_put(rl->store, &sp, cause) == -1) {
		registry_load_store_failed(where, cause);
		return -1;
	}
	return 0;
}

/* ---- files ---- */

static int
registry_load_file(struct registry_load *rl, const char *dir, const char *file,
    registry_load_fn fn, char **cause)
{
	json_error_t	 err;
	json_t		*root = NULL, *v;
	char		*path = NULL, *where = NULL;
	size_t		 i;
	int		 rc = -1;

	if (asprintf(&path, "%s/%s", dir, file) == -1) {
		path = NULL;
		cause_set(cause, _("out of memory"));
		goto out;
	}
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		if (err.line > 0)
			cause_set(cause, _("%s, line %d, column %d: %s"), path, err.line,
			    err.column, err.text);
		else
			cause_set(cause, "%s: %s", path, err.text);
		goto out;
	}
	if (!json_is_array(root)) {
		cause_set(cause, _("%s: not a JSON array"), path);
		goto out;
	}
	json_array_foreach(root, i, v) {
		free(where);
		if (asprintf(&where, "%s[%zu]", file, i) == -1) {
			where = NULL;
			cause_set(cause, _("out of memory"));
			goto out;
		}
		if (fn(rl, v, where, cause) == -1)
			goto out;
	}
	rc = 0;
out:
	free(where);
	free(path);
	json_decref(root);
	return rc;
}

int
registry_load(struct store *s, const char *dir, char **cause)
{
	struct registry_load	rl = { .store = s };
	size_t			i;
	int			rc = -1;

	if ((rl.seen = json_object()) == NULL) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	if (store_begin(s, cause) == -1)
		goto out;
	for (i = 0; i < sizeof registry_load_files / sizeof registry_load_files[0]; i++) {
		if (registry_load_file(&rl, dir, registry_load_files[i].file,
		    registry_load_files[i].entry, cause) == -1)
			break;
	}
	if (i == sizeof registry_load_files / sizeof registry_load_files[0])
		rc = store_commit(s, cause);
	if (rc == -1 && store_rollback(s) == -1)
		cause_set(cause, _("%s (and the rollback failed too)"),
		    cause != NULL && *cause != NULL ? *cause : _("loading failed"));
out:
	json_decref(rl.seen);
	return rc;
}

/*
 * answer — the table of what each kind of answer from the service must hold, checked before
 * the core reads it; members it does not list are let be, since doc/api.md lets a newer
 * service add them.
 */
#include "config.h"

#include <string.h>

#include "common/appstatus.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/problem.h"
#include "common/reqnum.h"
#include "enroll/answer.h"

#define ANSWER_MEMBERS 6

struct answer_member {
	const char	*path;		/* "auth.pem" reaches into the object "auth" */
	json_type	 type;
};

/*
 * Members every answer of a kind must have; an array's rows apply to each of its
 * elements. Members a newer service adds are not looked at (doc/api.md: clients ignore
 * members they do not know); optional ones (the status's certificates) are not listed.
 */
static const struct answer_shape {
	json_type		root;
	struct answer_member	m[ANSWER_MEMBERS];
} answer_shapes[] = {
	[ANSWER_CAPTCHA] = { JSON_OBJECT, { { "id", JSON_STRING }, { "width", JSON_INTEGER },
	    { "height", JSON_INTEGER }, { "bitmap", JSON_ARRAY }, { NULL, 0 } } },
	[ANSWER_BIN_CHECK] = { JSON_OBJECT, { { "name", JSON_OBJECT },
	    { "name.ru", JSON_STRING }, { "token", JSON_STRING },
	    { "token_expires_in", JSON_INTEGER }, { NULL, 0 } } },
	[ANSWER_IIN_CHECK] = { JSON_OBJECT, { { "surname", JSON_STRING },
	    { "given_name", JSON_STRING }, { "patronymic", JSON_STRING }, { NULL, 0 } } },
	[ANSWER_DIRECTORY] = { JSON_ARRAY, { { "id", JSON_STRING }, { "name", JSON_OBJECT },
	    { NULL, 0 } } },
	[ANSWER_GU_CODES] = { JSON_ARRAY, { { "code", JSON_STRING }, { NULL, 0 } } },
	[ANSWER_SUBMITTED] = { JSON_OBJECT, { { "request_number", JSON_STRING },
	    { "deadline", JSON_STRING }, { NULL, 0 } } },
	[ANSWER_STATUS] = { JSON_OBJECT, { { "request_number", JSON_STRING },
	    { "status", JSON_STRING }, { NULL, 0 } } },
	[ANSWER_CERTIFICATES] = { JSON_OBJECT, { { "auth.pem", JSON_STRING },
	    { "sign.pem", JSON_STRING }, { "chain_pem", JSON_STRING },
	    { "install_nonce", JSON_STRING }, { NULL, 0 } } },
	[ANSWER_INSTALLED] = { JSON_OBJECT, { { NULL, 0 } } },
	[ANSWER_SUPPORT] = { JSON_OBJECT, { { NULL, 0 } } },
	[ANSWER_CHALLENGE] = { JSON_OBJECT, { { "nonce", JSON_STRING },
	    { "expires", JSON_STRING }, { NULL, 0 } } },
};
_Static_assert(sizeof answer_shapes / sizeof answer_shapes[0] == ANSWER__MAX,
    "one shape per kind of answer");

static const json_t *
answer_get(const json_t *o, const char *path)
{
	const char	*dot = strchr(path, '.');
	char		 head[32];

	if (dot == NULL)
		return json_object_get(o, path);
	if ((size_t)(dot - path) >= sizeof head)
		return NULL;
	memcpy(head, path, (size_t)(dot - path));
	head[dot - path] = '\0';
	return answer_get(json_object_get(o, head), dot + 1);
}

static int
answer_has(const json_t *o, const struct answer_member *m)
{
	const json_t	*v;
	size_t		 i;

	if (!json_is_object(o))
		return 0;
	for (i = 0; i < ANSWER_MEMBERS && m[i].path != NULL; i++)
		if ((v = answer_get(o, m[i].path)) == NULL || json_typeof(v) != m[i].type)
			return 0;
	return 1;
}

static int
answer_shape_ok(const json_t *j, const struct answer_shape *s)
{
	const json_t	*item;
	size_t		 i;

	if (j == NULL || json_typeof(j) != s->root)
		return 0;
	if (s->root != JSON_ARRAY)
		return answer_has(j, s->m);
	for (i = 0; i < json_array_size(j); i++) {
		item = json_array_get(j, i);
		if (!answer_has(item, s->m))
			return 0;
	}
	return 1;
}

/* A request number as doc/api-lifecycle.md writes it, check digit and all. */
static int
answer_number_ok(const json_t *j)
{
	struct problems	p;
	char		canon[REQNUM_LEN + 1];
	int		ok;

	problems_init(&p);
	ok = reqnum_parse(json_string_value(json_object_get(j, "request_number")), canon,
	    &p) == 0;
	problems_free(&p);
	return ok;
}

int
answer_check(const json_t *j, enum answer kind, const char *url, char **cause)
{
	enum app_status	st;

	if (kind >= ANSWER__MAX || !answer_shape_ok(j, &answer_shapes[kind]) ||
	    ((kind == ANSWER_SUBMITTED || kind == ANSWER_STATUS) && !answer_number_ok(j))) {
		cause_set(cause, _("the service at %s sent an answer this program cannot read; "
		    "this program and the service do not match (update the program)"), url);
		return -1;
	}
	if (kind == ANSWER_STATUS &&
	    appstatus_parse(json_string_value(json_object_get(j, "status")), &st) == -1) {
		cause_set(cause, _("the service at %s answered with an application status this "
		    "program does not know (update the program)"), url);
		return -1;
	}
	return 0;
}

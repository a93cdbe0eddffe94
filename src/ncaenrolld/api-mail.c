/*
 * api-mail — the applicant's mail as the answers tell of it: the word a submission or a
 * decision answers, and the list of mails the status and the desk show, so that a refused
 * address is seen where the person or the operator looks (doc/api.md, "mail").
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/email.h"
#include "common/log.h"
#include "ncaenrolld/api.h"
#include "ncaenrolld/srv.h"

const char *
app_mail_word(const struct srv *srv, const struct store_app *a)
{
	if (!srv_sends_mail(srv) || a->email == NULL || *a->email == '\0')
		return "none";
	return "queued";
}

/* One mail as the list shows it; NULL without memory. */
static json_t *
app_mail_one(const struct store_mail *m, int full)
{
	json_t	*o;
	char	*to, *words = NULL, at[32];

	to = full ? strdup(m->recipient) : app_mask_email(m->recipient);
	o = to == NULL ? NULL : json_pack("{s:s, s:s, s:s, s:i}", "notice", m->notice,
	    "to", to, "state", store_mail_state_wire(m->state), "attempts", m->attempts);
	free(to);
	if (o == NULL)
		return NULL;
	app_iso(m->queued, at);
	if (json_object_set_new(o, "queued", json_string(at)) == -1)
		goto fail;
	if (m->done != 0) {
		app_iso(m->done, at);
		if (json_object_set_new(o, "done", json_string(at)) == -1)
			goto fail;
	}
	/*
	 * The last failure is news only while the mail has not gone. Anyone with the
	 * number reads the status: it gets a refusal's words, the addresses in them masked,
	 * and nothing of a passing failure (curl's words name the relay's host); the desk
	 * gets all.
	 */
	if (m->error != NULL && m->state != STORE_MAIL_SENT &&
	    (full || m->state == STORE_MAIL_REFUSED)) {
		if ((words = full ? strdup(m->error) : email_mask_words(m->error)) == NULL ||
		    json_object_set_new(o, "error", json_string(words)) == -1)
			goto fail;
		free(words);
		words = NULL;
	}
	return o;
fail:
	free(words);
	json_decref(o);
	return NULL;
}

int
app_mail_set(json_t *o, const struct store_mail *v, size_t n, int full)
{
	json_t	*a, *one;
	size_t	 i;

	if (n == 0)
		return 0;
	if ((a = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if ((one = app_mail_one(&v[i], full)) == NULL ||
		    json_array_append_new(a, one) == -1) {
			json_decref(a);
			return -1;
		}
	return json_object_set_new(o, "mail", a);
}

int
app_mail_json(struct store *st, json_t *o, const char *number, int full)
{
	struct store_mail	*v = NULL;
	char			*cause = NULL;
	size_t			 n = 0;
	int			 rc;

	if (store_mail_list(st, number, 0, &v, &n, &cause) == -1) {
		log_error("application %s: its mail: %s", number, cause);
		free(cause);
		return -1;
	}
	rc = app_mail_set(o, v, n, full);
	store_mails_free(v, n);
	return rc;
}

/*
 * enroll-pin — a token still on its factory PIN (nca-facts.md §4): the factory PINs of the
 * token kinds the NCA offers, whether the PIN a person typed is one of them, the rules a
 * new PIN meets, and the change to it (C_SetPIN) before any key is made on the token.
 * Every factory PIN is checked, not only the one of the kind chosen on the storage screen:
 * nothing proves the token connected is of that make, and any make's factory PIN is
 * printed in its manual for everyone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/appfield.h"
#include "common/i18n.h"
#include "common/storage.h"
#include "enroll/enroll-int.h"

/* A new PIN's length, within the token's own bounds (CK_TOKEN_INFO). */
#define ENROLL_PIN_MIN	6
#define ENROLL_PIN_MAX	32

/* The factory PINs, by storage id (the names are the storage table's). */
static const struct {
	const char	*storage;
	const char	*pin;
} enroll_pin_factory_pins[] = {
	{ "kaztoken", "12345678" },
	{ "etoken72k", "1234567890" },
	{ "jacarta", "1234567890" },
	{ "akey", "1234567890" },
};
#define ENROLL_PIN_NFACTORY \
	(sizeof enroll_pin_factory_pins / sizeof enroll_pin_factory_pins[0])

static int
enroll_pin_is(const struct secret *pin, const char *factory)
{
	size_t	n = strlen(factory);

	return pin != NULL && secret_len(pin) == n &&
	    CRYPTO_memcmp(secret_reveal(pin), factory, n) == 0;
}

/* The kind whose factory PIN pin is: storage's own first, else any; NULL for none. */
static const char *
enroll_pin_factory_kind(const char *storage, const struct secret *pin)
{
	const struct storage_kind	*k;
	size_t				 i, pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ENROLL_PIN_NFACTORY; i++) {
			if (pass == 0 && (storage == NULL ||
			    strcmp(storage, enroll_pin_factory_pins[i].storage) != 0))
				continue;
			if (enroll_pin_is(pin, enroll_pin_factory_pins[i].pin) &&
			    (k = storage_find(enroll_pin_factory_pins[i].storage)) != NULL)
				return k->en;
		}
	return NULL;
}

const char *
enroll_pin_factory(struct enroll *e, const char *id, const struct secret *pin)
{
	struct state_app	*a = state_app_find(e->st, id);

	/* Only before the keys are made: keys kept on the token are not made again. */
	if (a == NULL || !enroll_on_token(a) || a->state != MS_DRAFT)
		return NULL;
	return enroll_pin_factory_kind(state_get(a, APPKEY_STORAGE), pin);
}

int
enroll_factory_pin_allowed(const struct enroll *e)
{
	return e->factory_pin_allow;
}

int
enroll_pin_refuse(struct enroll *e, const char *id, const struct secret *pin,
    struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	const char		*kind;

	if (e->factory_pin_allow || (kind = enroll_pin_factory(e, id, pin)) == NULL)
		return 0;
	enroll_fail(err, FAILURE_REFUSED, "pin", "pin.factory", _("the token %s still has the "
	    "factory PIN of %s tokens, which anyone can look up: no keys are made on it until "
	    "its PIN is changed"), state_get(a, APPKEY_TOKEN_LABEL) != NULL ?
	    state_get(a, APPKEY_TOKEN_LABEL) : state_get(a, APPKEY_TOKEN), kind);
	return -1;
}

/* The lengths a new PIN may have: ours, narrowed by what the token takes. */
static void
enroll_pin_bounds(struct enroll *e, const struct state_app *a, unsigned long *min,
    unsigned long *max)
{
	struct failure		 err = { 0, NULL, NULL, NULL };
	struct keystore_token	*list = NULL;
	size_t			 n = 0, i;
	const char		*serial = state_get(a, APPKEY_TOKEN);

	*min = ENROLL_PIN_MIN;
	*max = ENROLL_PIN_MAX;
	/* A token that cannot be listed now is refused at the change itself. */
	if (serial == NULL || enroll_tokens(e, &list, &n, &err) == -1) {
		failure_free(&err);
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(list[i].serial, serial) == 0) {
			if (list[i].pin_min > *min)
				*min = list[i].pin_min;
			if (list[i].pin_max > 0 && list[i].pin_max < *max)
				*max = list[i].pin_max;
		}
	keystore_pkcs11_tokens_free(list, n);
}

char *
enroll_pin_rules(struct enroll *e, const char *id)
{
	struct state_app	*a = state_app_find(e->st, id);
	unsigned long		 min, max;
	char			*s = NULL;

	if (a == NULL)
		return NULL;
	enroll_pin_bounds(e, a, &min, &max);
	if (asprintf(&s, _("%lu to %lu characters: Latin letters, digits and signs, no "
	    "spaces; not a factory PIN"), min, max) == -1)
		return NULL;
	return s;
}

/* The rules a new PIN meets: 0, or -1 with the one it breaks (pin.policy at new_pin). */
static int
enroll_pin_judge(struct enroll *e, const struct state_app *a, const struct secret *pin,
    struct failure *err)
{
	const unsigned char	*p = (const unsigned char *)secret_reveal(pin);
	const char		*kind;
	unsigned long		 min, max;
	size_t			 i, n = secret_len(pin);

	enroll_pin_bounds(e, a, &min, &max);
	if (n < min || n > max) {
		enroll_fail(err, FAILURE_REFUSED, "new_pin", "pin.policy", _("the new PIN needs "
		    "%lu to %lu characters"), min, max);
		return -1;
	}
	/* Typed on any keyboard layout later: printable ASCII only. */
	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e) {
			enroll_fail(err, FAILURE_REFUSED, "new_pin", "pin.policy", "%s",
			    _("the new PIN may hold only Latin letters, digits and signs, without "
			    "spaces"));
			return -1;
		}
	if ((kind = enroll_pin_factory_kind(NULL, pin)) != NULL) {
		enroll_fail(err, FAILURE_REFUSED, "new_pin", "pin.policy", _("the new PIN is the "
		    "factory PIN of %s tokens, which anyone can look up: choose another"), kind);
		return -1;
	}
	return 0;
}

int
enroll_pin_change(struct enroll *e, const char *id, const struct secret *old,
    const struct secret *new_pin, struct failure *err)
{
	struct state_app	*a = state_app_find(e->st, id);
	enum p11_failure	 why = P11_OK;
	char			*cause = NULL;

	if (a == NULL || !enroll_on_token(a)) {
		enroll_fail(err, FAILURE_REFUSED, NULL, "application.unknown", "%s",
		    _("there is no token to change the PIN of"));
		return -1;
	}
	if (enroll_pin_judge(e, a, new_pin, err) == -1)
		return -1;
	if (keystore_pkcs11_change_pin(keystore_pkcs11_module(), state_get(a, APPKEY_TOKEN),
	    old, new_pin, &why, &cause) == 0)
		return 0;
	if (why == P11_PIN || why == P11_LOCKED)
		enroll_fail_cause(err, FAILURE_REFUSED, "pin", why == P11_PIN ? "pin.wrong" :
		    "pin.locked", cause);
	else if (why == P11_CONTENT)
		enroll_fail_cause(err, FAILURE_REFUSED, "new_pin", "pin.policy", cause);
	else
		enroll_fail_cause(err, FAILURE_LOCAL, "token", "token.unavailable", cause);
	free(cause);
	return -1;
}

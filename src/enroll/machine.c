/*
 * machine — the table of an application's moves, (state, event) -> next state, and the
 * names and words of its states and events; it persists nothing (state.c does).
 */
#include "config.h"

#include <string.h>

#include "common/i18n.h"
#include "enroll/machine.h"

static const char *const machine_state_names[] = {
	[MS_DRAFT] = "draft",
	[MS_KEYS_READY] = "keys_ready",
	[MS_SUBMITTED] = "submitted",
	[MS_ISSUED] = "issued",
	[MS_CERTS_READY] = "certs_ready",
	[MS_INSTALLED] = "installed",
	[MS_REJECTED] = "rejected",
	[MS_CANCELLED] = "cancelled",
	[MS_ABANDONED] = "abandoned",
	[MS_REVOKED] = "revoked",
};
_Static_assert(sizeof machine_state_names / sizeof machine_state_names[0] == MS__MAX,
    "one name per state");

/* Where an application stands, in a word a person reads in a list (N_(): translated by
 * the caller), the same in the full-screen list and in `ncaenroll list`. */
static const char *const machine_state_words[] = {
	[MS_DRAFT] = N_("not finished"),
	[MS_KEYS_READY] = N_("not sent"),
	[MS_SUBMITTED] = N_("submitted"),
	[MS_ISSUED] = N_("issued"),
	[MS_CERTS_READY] = N_("issued"),
	[MS_INSTALLED] = N_("installed"),
	[MS_REJECTED] = N_("rejected"),
	[MS_CANCELLED] = N_("cancelled"),
	[MS_ABANDONED] = N_("abandoned"),
	[MS_REVOKED] = N_("revoked"),
};
_Static_assert(sizeof machine_state_words / sizeof machine_state_words[0] == MS__MAX,
    "a word for every state");

static const char *const machine_event_names[] = {
	[ME_KEYS_MADE] = "keys made",
	[ME_SUBMIT_OK] = "submitted",
	[ME_APPROVED] = "approved",
	[ME_REJECTED] = "rejected",
	[ME_EXPIRED] = "expired",
	[ME_DOWNLOADED] = "certificates downloaded",
	[ME_INSTALLED] = "installed",
	[ME_ABANDON] = "abandoned",
	[ME_REVOKED] = "revoked",
	[ME_RENEWED] = "renewed",
};
_Static_assert(sizeof machine_event_names / sizeof machine_event_names[0] == ME__MAX,
    "one name per event");

/*
 * A failed submit is no row: the application stays in keys_ready and the same CSRs are
 * sent again. An approval seen while certificates are being fetched is harmless, hence
 * issued -> issued is allowed, and so is a repeat of "installed".
 */
static const struct machine_row {
	enum machine_state	from;
	enum machine_event	event;
	enum machine_state	to;
} machine_table[] = {
	{ MS_DRAFT,		ME_KEYS_MADE,	MS_KEYS_READY },
	{ MS_DRAFT,		ME_ABANDON,	MS_ABANDONED },
	{ MS_KEYS_READY,	ME_SUBMIT_OK,	MS_SUBMITTED },
	{ MS_KEYS_READY,	ME_ABANDON,	MS_ABANDONED },
	{ MS_SUBMITTED,		ME_APPROVED,	MS_ISSUED },
	{ MS_SUBMITTED,		ME_REJECTED,	MS_REJECTED },
	{ MS_SUBMITTED,		ME_EXPIRED,	MS_CANCELLED },
	{ MS_ISSUED,		ME_APPROVED,	MS_ISSUED },
	{ MS_ISSUED,		ME_DOWNLOADED,	MS_CERTS_READY },
	{ MS_CERTS_READY,	ME_INSTALLED,	MS_INSTALLED },
	{ MS_INSTALLED,		ME_INSTALLED,	MS_INSTALLED },
	/* Certificates exist from "issued" on; a second revoke finds it revoked. */
	{ MS_ISSUED,		ME_REVOKED,	MS_REVOKED },
	{ MS_CERTS_READY,	ME_REVOKED,	MS_REVOKED },
	{ MS_INSTALLED,		ME_REVOKED,	MS_REVOKED },
	{ MS_REVOKED,		ME_REVOKED,	MS_REVOKED },
	/* A renewal is signed by the current key, not verified at a desk: issued at once. */
	{ MS_KEYS_READY,	ME_RENEWED,	MS_ISSUED },
};

int
machine_next(enum machine_state from, enum machine_event ev, enum machine_state *to)
{
	size_t	i;

	for (i = 0; i < sizeof machine_table / sizeof machine_table[0]; i++) {
		if (machine_table[i].from == from && machine_table[i].event == ev) {
			*to = machine_table[i].to;
			return 0;
		}
	}
	return -1;
}

const char *
machine_state_name(enum machine_state s)
{
	return s < MS__MAX ? machine_state_names[s] : "?";
}

const char *
machine_state_word(enum machine_state s)
{
	return s < MS__MAX ? machine_state_words[s] : "?";
}

const char *
machine_event_name(enum machine_event e)
{
	return e < ME__MAX ? machine_event_names[e] : "?";
}

int
machine_state_parse(const char *name, enum machine_state *out)
{
	int	i;

	for (i = 0; i < MS__MAX; i++) {
		if (strcmp(name, machine_state_names[i]) == 0) {
			*out = (enum machine_state)i;
			return 0;
		}
	}
	return -1;
}

int
machine_final(enum machine_state s)
{
	return s == MS_INSTALLED || s == MS_REJECTED || s == MS_CANCELLED ||
	    s == MS_ABANDONED || s == MS_REVOKED;
}

/*
 * machine — the applicant's state machine for one application (DESIGN.md), as a table of
 * (state, event) -> next state. Pure: it says whether a move is allowed and where it
 * leads; state.c persists the move before anyone is told it happened. Names are the words
 * the state file uses.
 */
#ifndef NCA_MACHINE_H
#define NCA_MACHINE_H

enum machine_state {
	MS_DRAFT,		/* form being filled in */
	MS_KEYS_READY,		/* two key pairs and CSRs exist; not yet accepted */
	MS_SUBMITTED,		/* the service gave a request number */
	MS_ISSUED,		/* the service says the certificates are issued */
	MS_CERTS_READY,		/* certificates downloaded and verified */
	MS_INSTALLED,		/* containers written / certificates on the token */
	MS_REJECTED,
	MS_CANCELLED,
	MS_ABANDONED,
	MS_REVOKED,		/* both certificates revoked (by the holder, a desk, a renewal) */
	MS__MAX
};

enum machine_event {
	ME_KEYS_MADE,		/* apply: keys and CSRs are durable */
	ME_SUBMIT_OK,		/* the service answered with a request number */
	ME_APPROVED,		/* status: issued */
	ME_REJECTED,		/* status: rejected */
	ME_EXPIRED,		/* status: cancelled */
	ME_DOWNLOADED,		/* certificates fetched and verified */
	ME_INSTALLED,		/* containers durable, pending keys removed */
	ME_ABANDON,		/* the person gave up this draft */
	ME_REVOKED,		/* revoked: asked here, or the service's status says so */
	ME_RENEWED,		/* a renewal's new keys: the service issued them at once */
	ME__MAX
};

/* 0 and *to set if the event is allowed in that state, -1 otherwise. */
int		 machine_next(enum machine_state, enum machine_event, enum machine_state *to);
const char	*machine_state_name(enum machine_state);
/* The state as a person reads it in a list: an N_() string, for the caller's _(). */
const char	*machine_state_word(enum machine_state);
const char	*machine_event_name(enum machine_event);
int		 machine_state_parse(const char *, enum machine_state *);
/*
 * 1 for states nothing more can happen in (installed, rejected, cancelled, abandoned,
 * revoked; installed certificates may still be revoked, which the service tells).
 */
int		 machine_final(enum machine_state);

#endif

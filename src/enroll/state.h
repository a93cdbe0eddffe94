/*
 * state — the applicant's state file: one YAML file with a schema version and any number
 * of applications, each a machine state plus string fields (form data, request number,
 * paths). It never holds a secret: keys that name one (password, PIN, captcha, private
 * key) are refused. Every change is a transaction: state_begin() takes an exclusive
 * advisory lock on FILE.lock and re-reads the file, state_commit() replaces it atomically
 * (0600) and unlocks, so two processes never both write and a crash leaves the last
 * committed state. A damaged file, or one from a newer schema, is refused and never
 * overwritten. 0/-1 (NULL) with a cause; the caller frees with state_free.
 */
#ifndef NCA_STATE_H
#define NCA_STATE_H

#include <stddef.h>

#include "enroll/machine.h"

#define STATE_SCHEMA	1
#define STATE_ID_LEN	16

struct state_field {
	char	*key, *value;
};

struct state_app {
	char			 id[STATE_ID_LEN + 1];
	enum machine_state	 state;
	struct state_field	*f;
	size_t			 nf;
};

struct state {
	char			*path;
	int			 lockfd;	/* >= 0 inside a transaction */
	struct state_app	*apps;
	size_t			 napps;
};

/* $XDG_STATE_HOME/ncaenroll/state.yaml (~/.local/state/...), folder made 0700. */
int			 state_default_path(char **path, char **cause);
/* Reads path (a missing file is an empty state). */
struct state		*state_open(const char *path, char **cause);
int			 state_begin(struct state *, char **cause);
int			 state_commit(struct state *, char **cause);
/* Drops uncommitted changes (re-reads the file) and unlocks. */
void			 state_abort(struct state *);
void			 state_free(struct state *);

/* Inside a transaction: a new draft with a fresh random id. */
struct state_app	*state_app_add(struct state *, char **cause);
/* By local id or by request number (any spacing). */
struct state_app	*state_app_find(struct state *, const char *id_or_number);
const char		*state_get(const struct state_app *, const char *key);
/* value NULL removes the field. Refuses keys that would hold a secret. */
int			 state_set(struct state_app *, const char *key, const char *value,
			     char **cause);
/* Applies a machine event (machine.h); refuses moves the table does not allow. */
int			 state_move(struct state_app *, enum machine_event, char **cause);

#endif

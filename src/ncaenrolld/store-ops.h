/*
 * store-ops — what a store backend implements (internal to src/ncaenrolld/store*.c). store.c
 * picks the backend by the URI's scheme and dispatches every store_* call of store.h to
 * its row; a backend's handle starts with `struct store` so that store.c can reach the
 * ops. The contract of each member is the store.h function of the same name; the *_free
 * functions of store.h do not depend on the backend and live in store.c.
 */
#ifndef NCA_STORE_OPS_H
#define NCA_STORE_OPS_H

#include "ncaenrolld/store.h"

struct revocation_kind;
struct store_ops;

struct store {
	const struct store_ops	*ops;
	int			 nomail;	/* store_set_mail(, 0): queue none */
};

struct store_ops {
	const char	*scheme;	/* "sqlite" in "sqlite:/var/lib/x.db" */
	const char	*alias;		/* another name for the scheme, or NULL */
	/* location: the URI without "scheme:"; fills ->ops itself. */
	struct store	*(*open)(const char *location, char **cause);
	void		 (*close)(struct store *);
	int		 (*begin)(struct store *, char **cause);
	int		 (*commit)(struct store *, char **cause);
	int		 (*rollback)(struct store *);

	int	(*org_put)(struct store *, const struct store_org *, char **cause);
	int	(*org_get)(struct store *, const char *bin, struct store_org *, int *found,
		    char **cause);
	int	(*gu_code_put)(struct store *, const char *bin, const char *code,
		    char **cause);
	int	(*gu_codes_clear)(struct store *, const char *bin, char **cause);
	int	(*gu_codes)(struct store *, const char *bin, char ***codes, char **cause);
	int	(*person_put)(struct store *, const struct store_person *, char **cause);
	int	(*person_get)(struct store *, const char *iin, struct store_person *,
		    int *found, char **cause);
	int	(*entry_put)(struct store *, enum store_dir, const struct store_entry *,
		    char **cause);
	int	(*entries)(struct store *, enum store_dir, const char *parent_id,
		    struct store_list *, char **cause);
	int	(*entry_get)(struct store *, enum store_dir, const char *id,
		    struct store_entry *, int *found, char **cause);

	int	(*captcha_put)(struct store *, const char *id, const char *answer_hash,
		    time_t expires, char **cause);
	int	(*captcha_take)(struct store *, const char *id, time_t now,
		    char **answer_hash, int *found, char **cause);
	int	(*token_put)(struct store *, const char *token, const char *bin,
		    const char *client, time_t expires, char **cause);
	int	(*token_get)(struct store *, const char *token, const char *client,
		    time_t now, char bin[13], int *found, char **cause);
	int	(*token_use_iin)(struct store *, const char *token, const char *client,
		    time_t now, int max, enum store_token_use *, char **cause);
	int	(*sweep)(struct store *, time_t now, char **cause);
	/* NULL: one process owns the store and counts rates itself */
	int	(*rate_take)(struct store *, const char *key, time_t window_start, int limit,
		    int *allowed, char **cause);

	int	(*app_insert)(struct store *, struct store_app *, const char *actor,
		    int *existing, int *key_reused, char **cause);
	int	(*app_get)(struct store *, const char *number, struct store_app *,
		    int *found, char **cause);
	/* csr_auth and csr_sign NULL on entry; store.c frees what is read on -1 */
	int	(*app_csrs)(struct store *, struct store_app *, char **cause);
	int	(*app_transition)(struct store *, const char *number, enum app_status from,
		    enum app_status to, const struct store_app *set, const char *actor,
		    const char *detail, time_t now, int *won, enum app_status *current,
		    char **cause);
	int	(*app_numbers)(struct store *, enum app_status, time_t before,
		    char ***numbers, char **cause);
	int	(*app_overdue)(struct store *, time_t now, char ***numbers, char **cause);
	int	(*events)(struct store *, const char *number, struct store_event **v,
		    size_t *n, char **cause);

	int	(*operator_put)(struct store *, const struct store_operator *,
		    const char *actor, time_t now, char **cause);
	int	(*operator_get)(struct store *, const char *name, struct store_operator *,
		    int *found, char **cause);
	int	(*operator_revoke)(struct store *, const char *name, const char *actor,
		    time_t now, int *found, char **cause);
	int	(*operators)(struct store *, struct store_operator **v, size_t *n,
		    char **cause);
	int	(*app_queue)(struct store *, const struct store_queue_filter *,
		    struct store_app **v, size_t *n, size_t *total, char **cause);
	int	(*audit_add)(struct store *, time_t at, const char *actor, const char *action,
		    const char *number, const char *detail, char **cause);
	/* k: the reason, known (store.c looks it up) */
	int	(*app_revoke)(struct store *, const char *number,
		    const struct revocation_kind *k, const char *by, const char *actor,
		    const char *detail, time_t now, enum store_revoke_result *result,
		    char **cause);
	int	(*apps_by_iin)(struct store *, const char *iin, struct store_app **v,
		    size_t *n, char **cause);
	int	(*mail_queue_due)(struct store *, time_t now, int reminder_days, int *queued,
		    char **cause);
	int	(*mail_claim)(struct store *, time_t now, struct store_mail *, int *found,
		    char **cause);
	int	(*mail_finish)(struct store *, long long id, enum store_mail_state,
		    time_t next_try, const char *error, time_t now, char **cause);
	int	(*mail_recover)(struct store *, time_t now, int *n, char **cause);
	/* NULL: store_app_view_each */
	int	(*app_view)(struct store *, const struct store_rate *, const char *number,
		    struct store_view *, char **cause);
	int	(*mail_list)(struct store *, const char *number, int problems,
		    struct store_mail **v, size_t *n, char **cause);
	int	(*mail_get)(struct store *, long long id, struct store_mail *, int *found,
		    char **cause);
	int	(*challenge_put)(struct store *, const char *nonce, const char *number,
		    const char *action, time_t expires, char **cause);
	int	(*challenge_take)(struct store *, const char *nonce, time_t now,
		    char number[REQNUM_LEN + 1], char action[STORE_ACTION_MAX], int *found,
		    char **cause);
	/* serial: as the CA stores it, 40 upper-case hex digits (store.c folds it) */
	int	(*cert_status)(struct store *, const char *serial,
		    struct store_cert_status *out, int *found, char **cause);
	int	(*revocations)(struct store *, time_t since, struct store_revocation **v,
		    size_t *n, char **cause);
	int	(*crl_number_next)(struct store *, const char *name, long long *n,
		    char **cause);
	int	(*revocation_generation)(struct store *, long long *gen, char **cause);
	int	(*audit_list)(struct store *, const char *number, struct store_audit **v,
		    size_t *n, char **cause);
	/* NULL: one process owns the store, every job lock is got at once */
	int	(*job_lock)(struct store *, const char *name, int *got, char **cause);
	void	(*job_unlock)(struct store *, const char *name);
	/* Optional (NULL: store.c says the backend cannot). */
	int	(*counts)(struct store *, struct store_counts *, char **cause);
	int	(*backup)(struct store *, const char *file, int force, char **cause);
	/* optional (NULL: nothing to do) */
	int	(*read_begin)(struct store *, char **cause);
	void	(*read_end)(struct store *);
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/*
 * What a backend's transaction writes besides its SQL, the same in every backend (store.c).
 */
/* The notice a move to `to` queues for the applicant ("issued"), NULL: none. */
const char	*store_mail_on_status(enum app_status to);
/* The times a move to `to` writes: set's own, else now if the move decides or installs. */
void		 store_app_stamps(const struct store_app *set, enum app_status to, time_t now,
		    time_t *decided, time_t *installed);
/* What revoking an application found (or not) in status comes to. */
enum store_revoke_result store_revoke_judge(int found, enum app_status status);

/*
 * store_app_view call by call (rate_take, read_begin, app_get, mail_list, read_end): what
 * a backend without app_view gets, and one that cannot do better at the moment uses.
 */
int	store_app_view_each(struct store *, const struct store_rate *, const char *number,
	    struct store_view *, char **cause);

#endif

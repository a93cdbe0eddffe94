/*
 * state — the applicant's state file: reading and writing its YAML, the lock around a
 * transaction, the refusal of keys that would hold a secret, and the sweep of stale temps.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "common/appfield.h"
#include "common/atomicfile.h"
#include "common/cause.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/oserror.h"
#include "enroll/state.h"

/* Words that mark a field as a secret: such a field must never reach the disk. */
static const char *const state_secret_words[] = {
	"password", "passwd", "pin", "captcha", "private", "secret", "passphrase",
};

#define STATE_LOCK_TRIES 50	/* x 100 ms: a transaction is short, so wait a little */
#define STATE_LOCK_ONCE	0x100	/* with state_lock's op: one try, no waiting */

static void
state_apps_free(struct state_app *apps, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < apps[i].nf; j++) {
			free(apps[i].f[j].key);
			free(apps[i].f[j].value);
		}
		free(apps[i].f);
	}
	free(apps);
}

static int
state_key_is_secret(const char *key)
{
	char	low[64];
	size_t	i;

	for (i = 0; key[i] != '\0' && i < sizeof low - 1; i++)
		low[i] = (char)tolower((unsigned char)key[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof state_secret_words / sizeof state_secret_words[0]; i++)
		if (strstr(low, state_secret_words[i]) != NULL)
			return 1;
	return 0;
}

const char *
state_get(const struct state_app *a, const char *key)
{
	size_t	i;

	for (i = 0; i < a->nf; i++)
		if (strcmp(a->f[i].key, key) == 0)
			return a->f[i].value;
	return NULL;
}

int
state_set(struct state_app *a, const char *key, const char *value, char **cause)
{
	struct state_field	*nf;
	char			*k = NULL, *v = NULL;
	size_t			 i;

	if (state_key_is_secret(key)) {
		cause_set(cause, _("'%s' looks like a secret and is never stored"), key);
		return -1;
	}
	for (i = 0; i < a->nf; i++)
		if (strcmp(a->f[i].key, key) == 0)
			break;
	if (value == NULL) {
		if (i < a->nf) {
			free(a->f[i].key);
			free(a->f[i].value);
			a->f[i] = a->f[--a->nf];
		}
		return 0;
	}
	if ((v = strdup(value)) == NULL)
		goto oom;
	if (i < a->nf) {
		free(a->f[i].value);
		a->f[i].value = v;
		return 0;
	}
	if ((k = strdup(key)) == NULL)
		goto oom;
	if ((nf = reallocarray(a->f, a->nf + 1, sizeof *nf)) == NULL)
		goto oom;
	a->f = nf;
	a->f[a->nf].key = k;
	a->f[a->nf].value = v;
	a->nf++;
	return 0;
oom:
	free(k);
	free(v);
	cause_set(cause, _("out of memory"));
	return -1;
}

static void
state_now_iso(char out[21])
{
	time_t		now = time(NULL);
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 21, "1970-01-01T00:00:00Z");
}

int
state_move(struct state_app *a, enum machine_event ev, char **cause)
{
	enum machine_state	to;
	char			now[21];

	if (machine_next(a->state, ev, &to) == -1) {
		cause_set(cause, _("application %s is %s; '%s' cannot happen now"), a->id,
		    machine_state_name(a->state), machine_event_name(ev));
		return -1;
	}
	state_now_iso(now);
	if (state_set(a, APPKEY_UPDATED, now, cause) == -1)
		return -1;
	a->state = to;
	return 0;
}

/* ---- reading ---- */

struct state_reader {
	const char	*path;
	yaml_document_t	*doc;
	char		**cause;
};

static const char *
state_scalar(yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int
state_bad(struct state_reader *r, yaml_node_t *n, const char *what)
{
	cause_set(r->cause, _("%s:%lu: %s; the file is left as it is (move it aside to start "
	    "afresh)"), r->path, n != NULL ? (unsigned long)n->start_mark.line + 1 : 0UL, what);
	return -1;
}

static int
state_read_app(struct state_reader *r, yaml_node_t *m, struct state_app *a)
{
	yaml_node_pair_t	*p, *q;
	yaml_node_t		*k, *v, *fk, *fv;
	const char		*key, *id = NULL, *st = NULL;

	if (m->type != YAML_MAPPING_NODE)
		return state_bad(r, m, _("an application is not a mapping"));
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(r->doc, p->key);
		v = yaml_document_get_node(r->doc, p->value);
		if ((key = state_scalar(k)) == NULL)
			return state_bad(r, k, _("a key is not text"));
		if (strcmp(key, "id") == 0)
			id = state_scalar(v);
		else if (strcmp(key, "state") == 0)
			st = state_scalar(v);
		else if (strcmp(key, "fields") == 0) {
			if (v->type != YAML_MAPPING_NODE)
				return state_bad(r, v, _("'fields' is not a mapping"));
			for (q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
				fk = yaml_document_get_node(r->doc, q->key);
				fv = yaml_document_get_node(r->doc, q->value);
				if (state_scalar(fk) == NULL || state_scalar(fv) == NULL)
					return state_bad(r, fk, _("a field is not text"));
				if (state_set(a, state_scalar(fk), state_scalar(fv), r->cause) == -1)
					return state_bad(r, fk, _("a field holds a secret"));
			}
		} else
			return state_bad(r, k, _("unknown key in an application"));
	}
	if (id == NULL || strlen(id) != STATE_ID_LEN)
		return state_bad(r, m, _("an application has no valid id"));
	if (st == NULL || machine_state_parse(st, &a->state) == -1)
		return state_bad(r, m, _("an application has no valid state"));
	memcpy(a->id, id, STATE_ID_LEN + 1);
	return 0;
}

static int
state_read_doc(struct state_reader *r, struct state_app **apps, size_t *napps)
{
	yaml_node_t		*root = yaml_document_get_root_node(r->doc), *k, *v, *item;
	yaml_node_pair_t	*p;
	yaml_node_item_t	*it;
	const char		*key, *s;
	long			 schema = -1;
	struct state_app	*list = NULL, *grown;
	size_t			 n = 0;

	if (root == NULL)	/* an empty file: nothing saved yet */
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return state_bad(r, root, _("not an ncaenroll state file"));
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(r->doc, p->key);
		v = yaml_document_get_node(r->doc, p->value);
		if ((key = state_scalar(k)) != NULL && strcmp(key, "schema") == 0 &&
		    (s = state_scalar(v)) != NULL) {
			char	*end;

			schema = strtol(s, &end, 10);
			if (*end != '\0' || schema < 1)
				return state_bad(r, v, _("the schema version is not a number"));
		}
	}
	if (schema == -1)
		return state_bad(r, root, _("no schema version; not an ncaenroll state file"));
	if (schema > STATE_SCHEMA) {
		cause_set(r->cause, _("%s was written by a newer ncaenroll (schema %ld; this one "
		    "knows %d); it is left as it is"), r->path, schema, STATE_SCHEMA);
		return -1;
	}
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(r->doc, p->key);
		v = yaml_document_get_node(r->doc, p->value);
		key = state_scalar(k);
		if (key != NULL && strcmp(key, "schema") == 0)
			continue;
		if (key == NULL || strcmp(key, "applications") != 0)
			goto bad_key;
		if (v->type != YAML_SEQUENCE_NODE) {
			state_apps_free(list, n);
			return state_bad(r, v, _("'applications' is not a list"));
		}
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			item = yaml_document_get_node(r->doc, *it);
			if ((grown = reallocarray(list, n + 1, sizeof *list)) == NULL) {
				state_apps_free(list, n);
				cause_set(r->cause, _("out of memory"));
				return -1;
			}
			list = grown;
			memset(&list[n], 0, sizeof list[n]);
			n++;
			if (state_read_app(r, item, &list[n - 1]) == -1) {
				state_apps_free(list, n);
				return -1;
			}
		}
	}
	*apps = list;
	*napps = n;
	return 0;
bad_key:
	state_apps_free(list, n);
	return state_bad(r, k, _("unknown key"));
}

/*
 * The state file opened for reading: 1 and *fp, 0 when there is none yet, -1 with the
 * reason. Only a regular file is read: a folder or a pipe where the file should be is
 * said as such (O_NONBLOCK: a pipe is not waited on; a regular file ignores it).
 */
static int
state_open_file(const char *path, FILE **fp, char **cause)
{
	struct stat	sb;
	int		fd;

	*fp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return 0;
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1)
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
	else if (!S_ISREG(sb.st_mode))
		cause_set(cause, _("cannot read %s: %s"), path, S_ISDIR(sb.st_mode) ?
		    OSERROR(EISDIR) : _("not a regular file"));
	else if ((*fp = fdopen(fd, "rb")) == NULL)
		cause_set(cause, _("cannot read %s: %s"), path, OSERROR(errno));
	else
		return 1;
	(void)close(fd);	/* only opened to be read */
	return -1;
}

/* Reads path into fresh lists; on failure the state keeps what it had. */
static int
state_read(struct state *st, char **cause)
{
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	struct state_reader	 r = { st->path, &doc, cause };
	struct state_app	*apps = NULL;
	size_t			 napps = 0;
	FILE			*fp;
	int			 rc = -1, opened;

	if ((opened = state_open_file(st->path, &fp, cause)) != 1) {
		if (opened == -1)
			return -1;
		state_apps_free(st->apps, st->napps);
		st->apps = NULL;
		st->napps = 0;
		return 0;
	}
	if (!yaml_parser_initialize(&parser)) {
		(void)fclose(fp);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	yaml_parser_set_input_file(&parser, fp);
	if (!yaml_parser_load(&parser, &doc)) {
		/* libyaml's reason is English ("did not find expected node content"): logs. */
		log_debug("%s:%lu: %s", st->path, (unsigned long)parser.problem_mark.line + 1,
		    parser.problem != NULL ? parser.problem : "?");
		cause_set(cause, _("%s:%lu: %s; the file is left as it is (move it aside to "
		    "start afresh)"), st->path, (unsigned long)parser.problem_mark.line + 1,
		    _("the file is damaged"));
	} else {
		rc = state_read_doc(&r, &apps, &napps);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	if (fclose(fp) == EOF && rc == 0) {
		cause_set(cause, _("cannot read %s: %s"), st->path, OSERROR(errno));
		state_apps_free(apps, napps);
		rc = -1;
	}
	if (rc == 0) {
		state_apps_free(st->apps, st->napps);
		st->apps = apps;
		st->napps = napps;
	}
	return rc;
}

/* ---- writing ---- */

struct state_buf {
	char	*p;
	size_t	 len, cap;
};

static int
state_buf_write(void *data, unsigned char *bytes, size_t n)
{
	struct state_buf	*b = data;
	char			*grown;

	if (b->len + n > b->cap) {
		size_t	cap = (b->len + n) * 2 + 256;

		if ((grown = realloc(b->p, cap)) == NULL)
			return 0;
		b->p = grown;
		b->cap = cap;
	}
	memcpy(b->p + b->len, bytes, n);
	b->len += n;
	return 1;
}

static int
state_emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev);
}

static int
state_scalar_out(yaml_emitter_t *e, const char *s, int quoted)
{
	yaml_event_t	ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s,
	    (int)strlen(s), 1, 1, quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
	    YAML_PLAIN_SCALAR_STYLE))
		return 0;
	return state_emit(e, &ev);
}

static int
state_mapping(yaml_emitter_t *e, int start)
{
	yaml_event_t	ev;

	if (start ? !yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_MAPPING_STYLE) : !yaml_mapping_end_event_initialize(&ev))
		return 0;
	return state_emit(e, &ev);
}

static int
state_emit_app(yaml_emitter_t *e, const struct state_app *a)
{
	size_t	i;
	int	ok;

	ok = state_mapping(e, 1) &&
	    state_scalar_out(e, "id", 0) && state_scalar_out(e, a->id, 1) &&
	    state_scalar_out(e, "state", 0) &&
	    state_scalar_out(e, machine_state_name(a->state), 0) &&
	    state_scalar_out(e, "fields", 0) && state_mapping(e, 1);
	for (i = 0; ok && i < a->nf; i++)
		ok = state_scalar_out(e, a->f[i].key, 0) && state_scalar_out(e, a->f[i].value, 1);
	return ok && state_mapping(e, 0) && state_mapping(e, 0);
}

static int
state_emit_all(yaml_emitter_t *e, const struct state *st)
{
	yaml_event_t	ev;
	char		schema[16];
	size_t		i;
	int		ok;

	(void)snprintf(schema, sizeof schema, "%d", STATE_SCHEMA);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && state_emit(e, &ev) &&
	    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	    state_emit(e, &ev) && state_mapping(e, 1) &&
	    state_scalar_out(e, "schema", 0) && state_scalar_out(e, schema, 0) &&
	    state_scalar_out(e, "applications", 0) &&
	    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) &&
	    state_emit(e, &ev);
	for (i = 0; ok && i < st->napps; i++)
		ok = state_emit_app(e, &st->apps[i]);
	return ok && yaml_sequence_end_event_initialize(&ev) && state_emit(e, &ev) &&
	    state_mapping(e, 0) && yaml_document_end_event_initialize(&ev, 1) &&
	    state_emit(e, &ev) && yaml_stream_end_event_initialize(&ev) && state_emit(e, &ev);
}

static int
state_write(const struct state *st, char **cause)
{
	static const char	 head[] = "# ncaenroll: applications in progress. No password, "
				    "PIN, captcha or key is ever kept here.\n";
	yaml_emitter_t		 e;
	struct state_buf	 b = { NULL, 0, 0 };
	int			 rc = -1;

	if (!state_buf_write(&b, (unsigned char *)(uintptr_t)head, sizeof head - 1) ||
	    !yaml_emitter_initialize(&e)) {
		free(b.p);
		cause_set(cause, _("out of memory"));
		return -1;
	}
	yaml_emitter_set_output(&e, state_buf_write, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	if (!state_emit_all(&e, st) || !yaml_emitter_flush(&e))
		cause_set(cause, _("cannot write the state: %s"),
		    e.problem != NULL ? e.problem : _("out of memory"));
	else
		rc = atomicfile_write(st->path, b.p, b.len, 0600, cause);
	yaml_emitter_delete(&e);
	free(b.p);
	return rc;
}

/* ---- the file as a whole ---- */

static int
state_lock(struct state *st, int op, char **cause)
{
	char	*lockpath = NULL;
	int	 fd, tries;

	if (asprintf(&lockpath, "%s.lock", st->path) == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		cause_set(cause, _("cannot open %s: %s"), lockpath, OSERROR(errno));
		free(lockpath);
		return -1;
	}
	for (tries = 0; flock(fd, (op & ~STATE_LOCK_ONCE) | LOCK_NB) == -1; tries++) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || tries == STATE_LOCK_TRIES ||
		    (op & STATE_LOCK_ONCE)) {
			cause_set(cause, errno == EWOULDBLOCK ?
			    _("%s is being changed by another ncaenroll; try again") :
			    _("cannot lock %s: %s"), st->path, OSERROR(errno));
			(void)close(fd);
			free(lockpath);
			return -1;
		}
		(void)usleep(100000);
	}
	free(lockpath);
	return fd;
}

int
state_default_path(char **path, char **cause)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char		*dir = NULL;
	int		 rc = -1;

	if (xdg != NULL && *xdg == '/')
		rc = asprintf(&dir, "%s/ncaenroll", xdg);
	else if (home != NULL && *home == '/')
		rc = asprintf(&dir, "%s/.local/state/ncaenroll", home);
	else {
		cause_set(cause, _("neither XDG_STATE_HOME nor HOME is set; use --state FILE"));
		return -1;
	}
	if (rc == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	/* Parents as the XDG spec wants them; our own folder private. */
	for (char *s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			cause_set(cause, _("cannot create %s: %s"), dir, OSERROR(errno));
			free(dir);
			return -1;
		}
		*s = '/';
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		cause_set(cause, _("cannot create %s: %s"), dir, OSERROR(errno));
		free(dir);
		return -1;
	}
	rc = asprintf(path, "%s/state.yaml", dir);
	free(dir);
	if (rc == -1) {
		cause_set(cause, _("out of memory"));
		return -1;
	}
	return 0;
}

/* The state file's own temp copies, in its folder. */
static int
state_sweep_is_state(const char *name, void *arg)
{
	return strcmp(name, arg) == 0;
}

/* What ncaenroll writes into an application's folder: keys, containers, the form. */
static int
state_sweep_is_ours(const char *name, void *arg)
{
	size_t	len = strlen(name);

	(void)arg;
	return strncmp(name, "ncaenroll-", 10) == 0 || strncmp(name, "application-", 12) == 0 ||
	    (len > 4 && strcmp(name + len - 4, ".p12") == 0);
}

/*
 * Temp files of writers killed on the way (atomicfile.h): copies of the state beside it,
 * keys and containers half written in the applications' folders. Called with the
 * exclusive lock, which every writer of the state holds: any temp of the state is stale.
 * A folder's temp files are another matter (keys are made outside the lock, they take
 * seconds): atomicfile_sweep removes only those whose writer is gone. Nothing here
 * fails the opening: what cannot be removed is logged and left for the next time.
 */
static void
state_sweep(const struct state *st)
{
	char	*dcopy, *bcopy, *cause = NULL;
	size_t	 i, j;

	dcopy = strdup(st->path);
	bcopy = strdup(st->path);
	/* dirname and basename may write into what they are given. */
	if (dcopy != NULL && bcopy != NULL && atomicfile_sweep(dirname(dcopy),
	    state_sweep_is_state, basename(bcopy), 1, NULL, &cause) == -1)
		log_warning("%s", cause);
	free(dcopy);
	free(bcopy);
	for (i = 0; i < st->napps; i++) {
		const char	*dir = state_get(&st->apps[i], APPKEY_DIR);

		/* Several applications may share a folder: one sweep of it is enough. */
		for (j = 0; dir != NULL && j < i; j++)
			if (state_get(&st->apps[j], APPKEY_DIR) != NULL &&
			    strcmp(state_get(&st->apps[j], APPKEY_DIR), dir) == 0)
				break;
		if (dir == NULL || j < i || *dir != '/')
			continue;
		free(cause);
		cause = NULL;
		if (atomicfile_sweep(dir, state_sweep_is_ours, NULL, 0, NULL, &cause) == -1)
			log_warning("%s", cause);
	}
	free(cause);
}

struct state *
state_open(const char *path, char **cause)
{
	struct state	*st;
	int		 fd, swept = 0;

	if ((st = calloc(1, sizeof *st)) == NULL || (st->path = strdup(path)) == NULL) {
		free(st);
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	st->lockfd = -1;
	/*
	 * The exclusive lock, if nobody holds the file now, lets leftovers of dead writers be
	 * swept; else a shared one keeps a writer from replacing the file under the read.
	 */
	if ((fd = state_lock(st, LOCK_EX | STATE_LOCK_ONCE, NULL)) != -1)
		swept = 1;
	else
		fd = state_lock(st, LOCK_SH, cause);
	if (fd == -1 || state_read(st, cause) == -1) {
		if (fd != -1)
			(void)close(fd);
		state_free(st);
		return NULL;
	}
	if (swept)
		state_sweep(st);
	(void)close(fd);
	return st;
}

int
state_begin(struct state *st, char **cause)
{
	if (st->lockfd != -1) {
		cause_set(cause, "state_begin: already in a transaction");
		return -1;
	}
	if ((st->lockfd = state_lock(st, LOCK_EX, cause)) == -1)
		return -1;
	if (state_read(st, cause) == -1) {
		(void)close(st->lockfd);
		st->lockfd = -1;
		return -1;
	}
	return 0;
}

int
state_commit(struct state *st, char **cause)
{
	int	rc;

	if (st->lockfd == -1) {
		cause_set(cause, "state_commit: not in a transaction");
		return -1;
	}
	rc = state_write(st, cause);
	(void)close(st->lockfd);	/* closing releases the lock */
	st->lockfd = -1;
	return rc;
}

void
state_abort(struct state *st)
{
	if (st->lockfd == -1)
		return;
	(void)state_read(st, NULL);	/* back to what is on disk; on failure keep memory */
	(void)close(st->lockfd);
	st->lockfd = -1;
}

void
state_free(struct state *st)
{
	if (st == NULL)
		return;
	if (st->lockfd != -1)
		(void)close(st->lockfd);
	state_apps_free(st->apps, st->napps);
	free(st->path);
	free(st);
}

struct state_app *
state_app_add(struct state *st, char **cause)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 rnd[STATE_ID_LEN / 2];
	struct state_app	*grown, *a;
	char			 now[21];
	size_t			 i;

	if (st->lockfd == -1) {
		cause_set(cause, "state_app_add: not in a transaction");
		return NULL;
	}
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		cause_set(cause, _("the system gives no random numbers: %s"), OSERROR(errno));
		return NULL;
	}
	if ((grown = reallocarray(st->apps, st->napps + 1, sizeof *grown)) == NULL) {
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	st->apps = grown;
	a = &st->apps[st->napps++];
	memset(a, 0, sizeof *a);
	for (i = 0; i < sizeof rnd; i++) {
		a->id[2 * i] = hex[rnd[i] >> 4];
		a->id[2 * i + 1] = hex[rnd[i] & 15];
	}
	a->state = MS_DRAFT;
	state_now_iso(now);
	if (state_set(a, APPKEY_CREATED, now, cause) == -1) {
		st->napps--;
		return NULL;
	}
	return a;
}

struct state_app *
state_app_find(struct state *st, const char *key)
{
	char		want[64], have[64];
	const char	*num;
	size_t		i, n = 0;

	for (i = 0; key[i] != '\0' && n < sizeof want - 1; i++)
		if (key[i] != '-' && key[i] != ' ')
			want[n++] = key[i];
	want[n] = '\0';
	for (i = 0; i < st->napps; i++) {
		if (strcmp(st->apps[i].id, key) == 0)
			return &st->apps[i];
		if ((num = state_get(&st->apps[i], APPKEY_REQUEST_NUMBER)) != NULL) {
			size_t	m = 0;

			for (; *num != '\0' && m < sizeof have - 1; num++)
				if (*num != '-' && *num != ' ')
					have[m++] = *num;
			have[m] = '\0';
			if (n > 0 && strcmp(have, want) == 0)
				return &st->apps[i];
		}
	}
	return NULL;
}

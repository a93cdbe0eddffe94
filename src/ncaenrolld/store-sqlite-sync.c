/*
 * store-sqlite-sync — what the handles on one SQLite file in this process share: the
 * writer's turn and the group sync.
 *
 * One writer at a time, taken here: SQLite lets one handle write and makes the others
 * wait in its busy handler, which sleeps 1, 2, 5, 10 ... ms and looks again. With four
 * threads submitting at once most of their time went to those sleeps (submit_bench.py:
 * 2497 sleeps of 4.9 ms for 1500 submissions by 32 clients, and fewer submissions per
 * second with 8 or 32 clients than with one). A mutex hands the turn over the moment the
 * writer commits. Other processes (an administrator's command) still meet SQLite's own
 * lock and busy timeout.
 *
 * The group sync: the file runs in WAL mode with synchronous=NORMAL, so COMMIT writes the
 * transaction to the WAL without waiting for the disk, and the writer's turn passes on at
 * once. Before the operation returns, the WAL is synced with fdatasync(2) (one call covers
 * every commit written before it began, whoever wrote them), so a commit is on the disk
 * before anyone is told of it, as with synchronous=FULL, and one sync serves all the
 * transactions committed while the previous one ran. A commit can be seen by other
 * handles for the moment before its sync; anything they write after it is synced behind
 * it, in WAL order.
 *
 * The table of files is the process's own, like SQLite's table of open files: handles of
 * one file are opened by the threads of the pool, the jobs thread and commands alike, and
 * must meet here whoever opened them. It is one of the service library's two mutable
 * file-scope variables (ca-keygen.c's pool of keys is the other), under its own lock.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "ncaenrolld/store-sqlite-int.h"

struct store_sqlite_file {
	struct store_sqlite_file	*next;
	dev_t				 dev;
	ino_t				 ino;
	unsigned			 refs;
	char				*wal;		/* PATH-wal */
	pthread_mutex_t			 writer;	/* a write transaction's turn */
	pthread_mutex_t			 lock;		/* what follows */
	pthread_cond_t			 synced_cv;
	pthread_t			 owner;		/* who holds writer, if held */
	int				 held;
	unsigned long long		 committed;	/* commits so far */
	unsigned long long		 synced;	/* commits known on the disk */
	int				 syncing;	/* an fdatasync is running */
};

static pthread_mutex_t		 store_sqlite_files_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_sqlite_file	*store_sqlite_files;

static void
store_sqlite_file_free(struct store_sqlite_file *f)
{
	(void)pthread_mutex_destroy(&f->writer);
	(void)pthread_mutex_destroy(&f->lock);
	(void)pthread_cond_destroy(&f->synced_cv);
	free(f->wal);
	free(f);
}

static struct store_sqlite_file *
store_sqlite_file_new(const char *path, const struct stat *sb, char **cause)
{
	struct store_sqlite_file	*f;

	if ((f = calloc(1, sizeof *f)) == NULL || asprintf(&f->wal, "%s-wal", path) == -1) {
		free(f);
		cause_set(cause, _("out of memory"));
		return NULL;
	}
	f->dev = sb->st_dev;
	f->ino = sb->st_ino;
	if ((errno = pthread_mutex_init(&f->writer, NULL)) != 0 ||
	    (errno = pthread_mutex_init(&f->lock, NULL)) != 0 ||
	    (errno = pthread_cond_init(&f->synced_cv, NULL)) != 0) {
		cause_set(cause, _("the store %s: cannot create a lock: %s"), path,
		    OSERROR(errno));
		free(f->wal);
		free(f);	/* what was made of the three is not used, and holds nothing */
		return NULL;
	}
	return f;
}

int
store_sqlite_file_attach(struct store_sqlite *s, char **cause)
{
	struct store_sqlite_file	*f;
	struct stat			 sb;
	int				 rc = -1;

	if (stat(s->path, &sb) == -1) {
		cause_set(cause, _("the store %s: %s"), s->path, OSERROR(errno));
		return -1;
	}
	(void)pthread_mutex_lock(&store_sqlite_files_lock);
	for (f = store_sqlite_files; f != NULL; f = f->next)
		if (f->dev == sb.st_dev && f->ino == sb.st_ino)
			break;
	if (f == NULL && (f = store_sqlite_file_new(s->path, &sb, cause)) != NULL) {
		f->next = store_sqlite_files;
		store_sqlite_files = f;
	}
	if (f != NULL) {
		f->refs++;
		s->file = f;
		rc = 0;
	}
	(void)pthread_mutex_unlock(&store_sqlite_files_lock);
	return rc;
}

void
store_sqlite_file_detach(struct store_sqlite *s)
{
	struct store_sqlite_file	**pp, *f = s->file;

	if (f == NULL)
		return;
	/* After sqlite3_close, which rolled back whatever was left open. */
	if (s->writing) {
		(void)pthread_mutex_lock(&f->lock);
		f->held = 0;
		(void)pthread_mutex_unlock(&f->lock);
		s->writing = 0;
		(void)pthread_mutex_unlock(&f->writer);
	}
	s->file = NULL;
	(void)pthread_mutex_lock(&store_sqlite_files_lock);
	if (--f->refs == 0) {
		for (pp = &store_sqlite_files; *pp != NULL; pp = &(*pp)->next)
			if (*pp == f) {
				*pp = f->next;
				break;
			}
	} else
		f = NULL;
	(void)pthread_mutex_unlock(&store_sqlite_files_lock);
	if (f != NULL)
		store_sqlite_file_free(f);
}

int
store_sqlite_writer_begin(struct store_sqlite *s, char **cause)
{
	struct store_sqlite_file	*f = s->file;
	struct timespec			 until;
	int				 mine, e;

	if (f == NULL || s->writing)
		return 0;
	s->changes = sqlite3_total_changes64(s->db);
	/*
	 * This thread writes through another handle already (a bug, or a caller that holds
	 * a transaction open across another's): SQLite's busy timeout answers that, as it
	 * did before, rather than a thread waiting for itself.
	 */
	(void)pthread_mutex_lock(&f->lock);
	mine = f->held && pthread_equal(f->owner, pthread_self());
	(void)pthread_mutex_unlock(&f->lock);
	if (mine)
		return 0;
	if (clock_gettime(CLOCK_REALTIME, &until) == -1) {
		cause_set(cause, _("the store %s: the clock: %s"), s->path, OSERROR(errno));
		return -1;
	}
	until.tv_sec += STORE_SQLITE_BUSY_MS / 1000;
	if ((e = pthread_mutex_timedlock(&f->writer, &until)) != 0) {
		cause_set(cause, _("the store %s: another writer held it for %d s: %s"), s->path,
		    STORE_SQLITE_BUSY_MS / 1000, OSERROR(e));
		return -1;
	}
	(void)pthread_mutex_lock(&f->lock);
	f->owner = pthread_self();
	f->held = 1;
	(void)pthread_mutex_unlock(&f->lock);
	s->writing = 1;
	return 0;
}

/* Waits until commit number `ticket` is on the disk, syncing the WAL if nobody is. */
static int
store_sqlite_sync(struct store_sqlite_file *f, unsigned long long ticket, char **cause)
{
	unsigned long long	target;
	int			fd, rc = 0, e = 0;

	(void)pthread_mutex_lock(&f->lock);
	while (rc == 0 && f->synced < ticket) {
		if (f->syncing) {
			(void)pthread_cond_wait(&f->synced_cv, &f->lock);
			continue;
		}
		f->syncing = 1;
		target = f->committed;
		(void)pthread_mutex_unlock(&f->lock);
		/* Opened each time: SQLite may remove the WAL and make a new one. */
		if ((fd = open(f->wal, O_RDONLY | O_CLOEXEC)) == -1) {
			if (errno != ENOENT)	/* no WAL: nothing waits to be synced */
				e = errno;
		} else {
			if (fdatasync(fd) == -1)
				e = errno;
			(void)close(fd);
		}
		(void)pthread_mutex_lock(&f->lock);
		f->syncing = 0;
		if (e == 0 && target > f->synced)
			f->synced = target;
		(void)pthread_cond_broadcast(&f->synced_cv);
		if (e != 0) {
			cause_set(cause, _("the store %s: the commit may not be on the disk: %s"),
			    f->wal, OSERROR(e));
			rc = -1;
		}
	}
	(void)pthread_mutex_unlock(&f->lock);
	return rc;
}

int
store_sqlite_writer_end(struct store_sqlite *s, int committed, char **cause)
{
	struct store_sqlite_file	*f = s->file;
	unsigned long long		 ticket = 0;

	if (f == NULL || !sqlite3_get_autocommit(s->db))
		return 0;	/* no file shared, or the transaction is still open */
	/* A transaction that changed no row wrote nothing to the WAL: nothing to sync. */
	if (committed && sqlite3_total_changes64(s->db) == s->changes)
		committed = 0;
	(void)pthread_mutex_lock(&f->lock);
	if (committed)
		ticket = ++f->committed;
	if (s->writing)
		f->held = 0;
	(void)pthread_mutex_unlock(&f->lock);
	if (s->writing) {
		s->writing = 0;
		(void)pthread_mutex_unlock(&f->writer);
	}
	return committed ? store_sqlite_sync(f, ticket, cause) : 0;
}

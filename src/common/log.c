/*
 * log — the diagnostics sink (stderr or syslog) and its level table; every message goes
 * through secret_redact() on its way out. Its settings are process-wide, as stderr is: set
 * once in main, before any thread starts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/i18n.h"
#include "common/log.h"
#include "common/secret.h"

/*
 * name: what --log-level takes and the journal reads; shown: the word before a line on a
 * terminal, in the reader's language (the service itself runs in English, i18n_init).
 */
static const struct {
	const char	*name;
	const char	*shown;		/* N_() */
	int		 syslog_priority;
} log_levels[] = {
	[LOGL_ERROR] = { "error", N_("error"), LOG_ERR },
	[LOGL_WARNING] = { "warning", N_("warning"), LOG_WARNING },
	[LOGL_INFO] = { "info", N_("info"), LOG_INFO },
	[LOGL_DEBUG] = { "debug", N_("debug"), LOG_DEBUG },
};
_Static_assert(sizeof log_levels / sizeof log_levels[0] == LOGL__MAX, "one row per level");

/* The process has one log, as it has one stderr; main sets it before threads start. */
static struct {
	const char	*ident;
	enum log_dest	 dest;
	enum log_level	 max;
	char		*(*filter)(const char *);
	int		 journal;	/* stderr is systemd's journal: "<N>" prefixes */
} log_state = { "ncaenroll", LOG_TO_STDERR, LOGL_WARNING, NULL, 0 };

/*
 * Whether stderr is connected to the journal: systemd says which stream it gave the
 * service in $JOURNAL_STREAM ("DEV:INO"), and a stderr redirected since is another file.
 */
static int
log_stderr_is_journal(void)
{
	const char		*v = getenv("JOURNAL_STREAM");
	struct stat		 sb;
	unsigned long long	 dev, ino;
	char			 end;

	if (v == NULL || sscanf(v, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &sb) == -1)
		return 0;
	return (unsigned long long)sb.st_dev == dev && (unsigned long long)sb.st_ino == ino;
}

void
log_open(const char *ident, enum log_dest dest, enum log_level max)
{
	log_state.ident = ident;
	log_state.dest = dest;
	log_state.max = max;
	log_state.journal = dest == LOG_TO_STDERR && log_stderr_is_journal();
	if (dest == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID, LOG_DAEMON);
}

void
log_filter(char *(*filter)(const char *))
{
	log_state.filter = filter;
}

int
log_level_parse(const char *name, enum log_level *out)
{
	int	i;

	for (i = 0; i < LOGL__MAX; i++) {
		if (strcmp(name, log_levels[i].name) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *shown;

	if (level > log_state.max)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	secret_redact(msg);
	if (log_state.filter != NULL) {
		shown = log_state.filter(msg);
		free(msg);
		/* A line that could not be made safe is withheld, never written as it was. */
		if ((msg = shown) == NULL)
			return;
	}
	if (log_state.dest == LOG_TO_SYSLOG)
		syslog(log_levels[level].syslog_priority, "%s", msg);
	else if (log_state.journal)	/* sd-daemon(3): the journal reads the priority */
		(void)fprintf(stderr, "<%d>%s: %s\n", log_levels[level].syslog_priority,
		    log_levels[level].name, msg);
	else
		(void)fprintf(stderr, "%s: %s: %s\n", log_state.ident,
		    _(log_levels[level].shown), msg);
	free(msg);
}

void
log_close(void)
{
	if (log_state.dest == LOG_TO_SYSLOG)
		closelog();
}

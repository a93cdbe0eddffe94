/*
 * log — one sink for diagnostics: stderr (default) or syslog, filtered by level; on a
 * stderr that is systemd's journal ($JOURNAL_STREAM), each line starts with its syslog
 * priority ("<3>", sd-daemon(3)) so the journal keeps errors apart. Messages
 * pass through secret_redact() first, so a live password or PIN never reaches a log even
 * by mistake, and then through the program's filter if it set one (the service hides
 * request numbers and e-mail addresses). Process-wide state, set once in main by log_open() and log_filter(),
 * before threads start; safe to call before.
 */
#ifndef NCA_LOG_H
#define NCA_LOG_H

enum log_level {
	LOGL_ERROR,
	LOGL_WARNING,
	LOGL_INFO,
	LOGL_DEBUG,
	LOGL__MAX
};

enum log_dest { LOG_TO_STDERR, LOG_TO_SYSLOG };

void	log_open(const char *ident, enum log_dest, enum log_level max);
/*
 * A rewrite every message gets after secret_redact: the filter returns the line to write,
 * malloc'd, or NULL to withhold it (it could not be made safe). NULL filter: none.
 */
void	log_filter(char *(*)(const char *));
/* Level by name ("error", "warning", "info", "debug"): 0 or -1 if unknown. */
int	log_level_parse(const char *name, enum log_level *);
void	log_msg(enum log_level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void	log_close(void);

#define log_error(...)		log_msg(LOGL_ERROR, __VA_ARGS__)
#define log_warning(...)	log_msg(LOGL_WARNING, __VA_ARGS__)
#define log_info(...)		log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...)		log_msg(LOGL_DEBUG, __VA_ARGS__)

#endif

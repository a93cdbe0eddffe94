/*
 * secret — the holder of passwords and PINs: their bytes, their wiping on free, and the
 * process-wide list of live ones that secret_redact() blanks out of every log message.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "common/oserror.h"
#include "common/secret.h"

struct secret {
	char	*p;
	size_t	 len;
};

/*
 * Process-wide by nature: the logger must know every live secret, wherever it was made,
 * without each call site passing it along. Short values (under 4 bytes) are not redacted:
 * they would blank out ordinary words and no policy allows a password that short.
 */
#define SECRET_LIVE_MAX 32
static pthread_mutex_t	 secret_lock = PTHREAD_MUTEX_INITIALIZER;
static struct secret	*secret_live[SECRET_LIVE_MAX];

static void
secret_track(struct secret *s, int add)
{
	size_t	i;

	if (pthread_mutex_lock(&secret_lock) != 0)
		abort();	/* a broken mutex leaves no safe way to log */
	for (i = 0; i < SECRET_LIVE_MAX; i++) {
		if (add && secret_live[i] == NULL) {
			secret_live[i] = s;
			break;
		}
		if (!add && secret_live[i] == s) {
			secret_live[i] = NULL;
			break;
		}
	}
	if (pthread_mutex_unlock(&secret_lock) != 0)
		abort();
}

struct secret *
secret_new(const char *bytes, size_t len)
{
	struct secret	*s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	if ((s->p = malloc(len + 1)) == NULL) {
		free(s);
		return NULL;
	}
	memcpy(s->p, bytes, len);
	s->p[len] = '\0';
	s->len = len;
	secret_track(s, 1);
	return s;
}

struct secret *
secret_read_line(int fd, char **cause)
{
	char		 buf[SECRET_MAX + 1];
	size_t		 len = 0;
	ssize_t		 n;
	struct secret	*s = NULL;
	char		 c;

	for (;;) {
		n = read(fd, &c, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cause_set(cause, _("cannot read the password: %s"), OSERROR(errno));
			goto out;
		}
		if (n == 0 || c == '\n')
			break;
		if (len == SECRET_MAX) {
			cause_set(cause, _("the password is longer than %d bytes"), SECRET_MAX);
			goto out;
		}
		buf[len++] = c;
	}
	if (n == 0 && len == 0) {
		cause_set(cause, _("no password was given (end of input)"));
		goto out;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if ((s = secret_new(buf, len)) == NULL)
		cause_set(cause, _("out of memory"));
out:
	explicit_bzero(buf, sizeof buf);
	explicit_bzero(&c, sizeof c);
	return s;
}

const char *
secret_reveal(const struct secret *s)
{
	return s->p;
}

size_t
secret_len(const struct secret *s)
{
	return s->len;
}

int
secret_equal(const struct secret *a, const struct secret *b)
{
	volatile unsigned char	diff = 0;
	size_t			i;

	if (a->len != b->len)
		return 0;
	for (i = 0; i < a->len; i++)
		diff |= (unsigned char)(a->p[i] ^ b->p[i]);
	return diff == 0;
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	secret_track(s, 0);
	explicit_bzero(s->p, s->len);
	free(s->p);
	free(s);
}

void
secret_redact(char *text)
{
	size_t	 i;
	char	*at;

	if (pthread_mutex_lock(&secret_lock) != 0)
		abort();
	for (i = 0; i < SECRET_LIVE_MAX; i++) {
		const struct secret	*s = secret_live[i];

		if (s == NULL || s->len < 4)
			continue;
		while ((at = strstr(text, s->p)) != NULL)
			memset(at, '*', s->len);
	}
	if (pthread_mutex_unlock(&secret_lock) != 0)
		abort();
}

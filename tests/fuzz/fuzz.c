/*
 * fuzz — the targets' temporary folder and inputs (fuzz.h).
 */
#include "config.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

/* The folder's name, set once: the targets are single-threaded. */
static char	fuzz_path[64];

static int
fuzz_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	(void)remove(path);	/* best effort: a leftover in /tmp harms nobody */
	return 0;
}

static void
fuzz_cleanup(void)
{
	if (fuzz_path[0] != '\0')
		(void)nftw(fuzz_path, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

void
fuzz_die(const char *what, const char *cause)
{
	(void)fprintf(stderr, "fuzz: %s: %s\n", what, cause != NULL ? cause : "failed");
	abort();
}

const char *
fuzz_dir(void)
{
	if (fuzz_path[0] == '\0') {
		/* In memory where there is /dev/shm: the state and the store fsync every write. */
		(void)snprintf(fuzz_path, sizeof fuzz_path, "%s/nca-fuzz.XXXXXX",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		if (mkdtemp(fuzz_path) == NULL)
			fuzz_die("mkdtemp", NULL);
		if (atexit(fuzz_cleanup) != 0)
			fuzz_die("atexit", NULL);
	}
	return fuzz_path;
}

const char *
fuzz_file(const char *name, const uint8_t *data, size_t len)
{
	static char	 path[128];
	FILE		*f;
	int		 bad;

	(void)snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	if ((f = fopen(path, "wb")) == NULL)
		fuzz_die(path, "cannot write");
	bad = len > 0 && fwrite(data, 1, len, f) != len;
	if (fclose(f) != 0 || bad)
		fuzz_die(path, "cannot write");
	return path;
}

char *
fuzz_string(const uint8_t *data, size_t len)
{
	char	*s = malloc(len + 1);

	if (s == NULL)
		fuzz_die("malloc", NULL);
	if (len > 0)
		memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

char *
fuzz_replace(char *s, const char *marker, const char *value)
{
	size_t	 mlen = strlen(marker), vlen = strlen(value), n = 0, off = 0;
	char	*p, *q, *out;

	for (p = s; (p = strstr(p, marker)) != NULL; p += mlen)
		n++;
	if (n == 0)
		return s;
	if ((out = malloc(strlen(s) + n * vlen + 1)) == NULL)
		fuzz_die("malloc", NULL);
	for (p = s; (q = strstr(p, marker)) != NULL; p = q + mlen) {
		memcpy(out + off, p, (size_t)(q - p));
		off += (size_t)(q - p);
		memcpy(out + off, value, vlen);
		off += vlen;
	}
	(void)strcpy(out + off, p);
	free(s);
	return out;
}

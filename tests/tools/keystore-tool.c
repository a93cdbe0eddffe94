/*
 * keystore-tool — drives a PC-folder keystore from the system tests, one step a call:
 *   keystore-tool generate DIR APP              "created" or "kept"
 *   keystore-tool csr DIR APP auth|sign         the PKCS#10 request (PEM)
 *   keystore-tool sign DIR APP auth|sign        signs stdin; the signature in hex
 *   keystore-tool install [-l] -p FD DIR APP AUTH.pem SIGN.pem CHAIN.pem
 *                                               the two container paths, AUTH first
 * -p FD: the password is one line read from that descriptor (a pipe), never an argument.
 * -l: the legacy layout. Exit 0 on success, 1 with the cause on stderr, 2 for usage.
 * The wrapping key of the pending keys is kept in DIR.wrap/ (beside the folder, outside it),
 * so the tests need no HOME.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/secret.h"
#include "enroll/keystore.h"

static void
usage(void)
{
	fprintf(stderr, "usage: keystore-tool generate|csr|sign|install ... (see the source)\n");
	exit(2);
}

static char *
read_all(FILE *fp, size_t *lenp)
{
	char	*buf = NULL, *more;
	size_t	 len = 0, cap = 0, n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			if ((more = realloc(buf, cap)) == NULL) {
				free(buf);
				return NULL;
			}
			buf = more;
		}
		if ((n = fread(buf + len, 1, cap - len - 1, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static char *
read_file(const char *path)
{
	FILE	*fp;
	char	*s;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	s = read_all(fp, NULL);
	(void)fclose(fp);
	return s;
}

static int
which_key(const char *s, enum keystore_key *k)
{
	if (strcmp(s, "auth") == 0)
		*k = KEYSTORE_AUTH;
	else if (strcmp(s, "sign") == 0)
		*k = KEYSTORE_SIGN;
	else
		return -1;
	return 0;
}

static int
tool_install(struct keystore *ks, int argc, char **argv, int legacy, int fd, char **cause)
{
	struct keystore_installed	 out;
	struct secret			*pw = NULL;
	const char			*cert[KEYSTORE_KEY__MAX];
	char				*pem[3] = { NULL, NULL, NULL };
	int				 i, rc = -1;

	if (argc != 3 || fd < 0)
		usage();
	for (i = 0; i < 3; i++)
		if ((pem[i] = read_file(argv[i])) == NULL) {
			fprintf(stderr, "keystore-tool: cannot read %s\n", argv[i]);
			goto out;
		}
	if ((pw = secret_read_line(fd, cause)) == NULL)
		goto out;
	cert[KEYSTORE_AUTH] = pem[0];
	cert[KEYSTORE_SIGN] = pem[1];
	if (ks->ops->install(ks, cert, pem[2], pw, legacy ? KEYSTORE_P12_LEGACY :
	    KEYSTORE_P12_MODERN, &out, cause) == -1)
		goto out;
	for (i = 0; i < KEYSTORE_KEY__MAX; i++)
		printf("%s\n", out.path[i]);
	keystore_installed_free(&out);
	rc = 0;
out:
	secret_free(pw);
	for (i = 0; i < 3; i++)
		free(pem[i]);
	return rc;
}

static int
tool_sign(struct keystore *ks, enum keystore_key k, char **cause)
{
	unsigned char	*sig = NULL;
	size_t		 siglen = 0, len = 0, i;
	char		*msg;

	if ((msg = read_all(stdin, &len)) == NULL)
		return -1;
	if (ks->ops->sign(ks, k, msg, len, &sig, &siglen, cause) == -1) {
		free(msg);
		return -1;
	}
	for (i = 0; i < siglen; i++)
		printf("%02x", sig[i]);
	printf("\n");
	free(sig);
	free(msg);
	return 0;
}

int
main(int argc, char **argv)
{
	struct keystore		*ks = NULL;
	enum keystore_key	 k;
	char			*cause = NULL, *pem = NULL, *wrapdir = NULL, *cmd;
	int			 ch, legacy = 0, fd = -1, created, rc = 1;

	while ((ch = getopt(argc, argv, "lp:")) != -1) {
		switch (ch) {
		case 'l':
			legacy = 1;
			break;
		case 'p':
			fd = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		usage();
	cmd = argv[0];
	if (asprintf(&wrapdir, "%s.wrap", argv[1]) == -1) {
		wrapdir = NULL;
		goto out;
	}
	if ((ks = keystore_file_open_at(argv[1], argv[2], wrapdir, &cause)) == NULL)
		goto out;
	argc -= 3;
	argv += 3;
	if (strcmp(cmd, "generate") == 0 && argc == 0) {
		if (ks->ops->generate(ks, &created, &cause) == 0) {
			printf("%s\n", created ? "created" : "kept");
			rc = 0;
		}
	} else if (strcmp(cmd, "csr") == 0 && argc == 1 && which_key(argv[0], &k) == 0) {
		if (ks->ops->csr(ks, k, &pem, &cause) == 0) {
			fputs(pem, stdout);
			rc = 0;
		}
	} else if (strcmp(cmd, "sign") == 0 && argc == 1 && which_key(argv[0], &k) == 0) {
		rc = tool_sign(ks, k, &cause) == 0 ? 0 : 1;
	} else if (strcmp(cmd, "install") == 0)
		rc = tool_install(ks, argc, argv, legacy, fd, &cause) == 0 ? 0 : 1;
	else
		usage();
out:
	if (rc != 0)
		fprintf(stderr, "keystore-tool: %s\n", cause != NULL ? cause : "failed");
	free(cause);
	free(pem);
	free(wrapdir);
	keystore_close(ks);
	return rc;
}

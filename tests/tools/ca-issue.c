/*
 * ca-issue — the CA module from the command line, for the system tests (not installed):
 *   ca-issue demo DIR [HOSTS]                 make or reuse a demo PKI in DIR
 *   ca-issue check CSR                        print the CSR's key id
 *   ca-issue issue DIR auth|sign file|token CSR [field=value...]
 *                                             PEM on stdout; serial, ski, dates on stderr
 *   ca-issue crl DIR DAYS [SERIAL...]         DER CRL on stdout
 * Fields: the members of struct ca_subject, and now=<epoch seconds>. Exit 0 or 1 with the
 * cause on stderr.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/i18n.h"
#include "ncaenrolld/ca.h"

#define CA_ISSUE_URL	"http://pki.demo.example"

struct ca_issue_paths {
	char	cert[4096], key[4096], chain[4096];
};

static const struct {
	const char	*name;
	size_t		 off;
} ca_issue_fields[] = {
	{ "role_dc", offsetof(struct ca_subject, role_dc) },
	{ "surname", offsetof(struct ca_subject, surname) },
	{ "given_name", offsetof(struct ca_subject, given_name) },
	{ "patronymic", offsetof(struct ca_subject, patronymic) },
	{ "iin", offsetof(struct ca_subject, iin) },
	{ "bin", offsetof(struct ca_subject, bin) },
	{ "organization", offsetof(struct ca_subject, organization) },
	{ "gu_code", offsetof(struct ca_subject, gu_code) },
	{ "email", offsetof(struct ca_subject, email) },
};

static int
ca_issue_fail(char *cause)
{
	fprintf(stderr, "ca-issue: %s\n", cause != NULL ? cause : "failed");
	free(cause);
	return 1;
}

static char *
ca_issue_slurp(const char *path)
{
	FILE	*f;
	char	*s = NULL;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (s = calloc(1, (size_t)len + 1)) != NULL && fread(s, 1, (size_t)len, f) !=
	    (size_t)len) {
		free(s);
		s = NULL;
	}
	(void)fclose(f);
	return s;
}

static struct ca *
ca_issue_load(const char *dir, char **cause)
{
	struct ca_issue_paths	p;
	struct ca_config	cfg = {
		.cert_file = p.cert, .key_file = p.key, .chain_file = p.chain,
		.crl_url = CA_ISSUE_URL "/crl/demo.crl",
		.delta_crl_url = CA_ISSUE_URL "/crl/demo_d.crl",
		.ocsp_url = CA_ISSUE_URL "/ocsp/",
		.ca_issuers_url = CA_ISSUE_URL "/cert/demo.cer",
		.cps_url = CA_ISSUE_URL "/cps",
		.file_days = 0, .token_days = 0,	/* NCA's calendar years */
	};

	(void)snprintf(p.cert, sizeof p.cert, "%s/ca.pem", dir);
	(void)snprintf(p.key, sizeof p.key, "%s/ca.key", dir);
	(void)snprintf(p.chain, sizeof p.chain, "%s/ca-chain.pem", dir);
	return ca_load(&cfg, cause);
}

static int
ca_issue_demo(int argc, char **argv)
{
	char	*cause = NULL;

	if (ca_demo_create(argv[0], argc > 1 ? argv[1] : "localhost,127.0.0.1,::1", NULL,
	    &cause) == -1)
		return ca_issue_fail(cause);
	return 0;
}

static int
ca_issue_check(int argc, char **argv)
{
	char	*csr, key_id[65], *cause = NULL;
	int	 rc;

	(void)argc;
	if ((csr = ca_issue_slurp(argv[0])) == NULL) {
		fprintf(stderr, "ca-issue: cannot read %s\n", argv[0]);
		return 1;
	}
	rc = ca_csr_check(csr, key_id, &cause);
	free(csr);
	if (rc == -1)
		return ca_issue_fail(cause);
	printf("%s\n", key_id);
	return 0;
}

/* Defaults: NCA's K2 test person with valid public IIN/BIN vectors (nca-facts.md §1). */
static int
ca_issue_subject(int argc, char **argv, struct ca_subject *s, time_t *now)
{
	const char	*eq;
	size_t		 i;
	int		 a;

	*s = (struct ca_subject){ .role_dc = "ROLE02",
	    .surname = "ТЕСТТОВ", .given_name = "ТЕСТТ", .patronymic = "ТЕСТТОВИЧ",
	    .iin = "871008401427", .bin = "940140000385", .organization = "АО \"ТЕСТ\"",
	    .gu_code = "1234", .email = NULL };
	for (a = 0; a < argc; a++) {
		if ((eq = strchr(argv[a], '=')) == NULL)
			return -1;
		if (strncmp(argv[a], "now=", 4) == 0) {
			*now = (time_t)strtoll(eq + 1, NULL, 10);
			continue;
		}
		for (i = 0; i < sizeof ca_issue_fields / sizeof ca_issue_fields[0]; i++) {
			if (strlen(ca_issue_fields[i].name) == (size_t)(eq - argv[a]) &&
			    strncmp(argv[a], ca_issue_fields[i].name, (size_t)(eq - argv[a])) == 0)
				break;
		}
		if (i == sizeof ca_issue_fields / sizeof ca_issue_fields[0])
			return -1;
		eq++;
		memcpy((char *)s + ca_issue_fields[i].off, &eq, sizeof eq);
	}
	return 0;
}

static int
ca_issue_issue(int argc, char **argv)
{
	struct ca_subject	 s;
	struct ca_issued	 out = { 0 };
	struct ca		*ca = NULL;
	enum ca_usage		 u = strcmp(argv[1], "sign") == 0 ? CA_SIGN : CA_AUTH;
	enum ca_storage		 st = strcmp(argv[2], "token") == 0 ? CA_STORAGE_TOKEN :
				    CA_STORAGE_FILE;
	time_t			 now = time(NULL);
	char			*csr = NULL, *cause = NULL;
	int			 rc = 1;

	if (ca_issue_subject(argc - 4, argv + 4, &s, &now) == -1) {
		fprintf(stderr, "ca-issue: fields are name=value of struct ca_subject\n");
		return 1;
	}
	if ((csr = ca_issue_slurp(argv[3])) == NULL)
		fprintf(stderr, "ca-issue: cannot read %s\n", argv[3]);
	else if ((ca = ca_issue_load(argv[0], &cause)) == NULL ||
	    ca_issue(ca, u, st, csr, &s, now, &out, &cause) == -1)
		rc = ca_issue_fail(cause);
	else {
		fputs(out.pem, stdout);
		fprintf(stderr, "serial=%s\nski=%s\nnot_before=%lld\nnot_after=%lld\n",
		    out.serial, out.ski, (long long)out.not_before, (long long)out.not_after);
		rc = 0;
	}
	ca_issued_free(&out);
	ca_free(ca);
	free(csr);
	return rc;
}

static int
ca_issue_crl(int argc, char **argv)
{
	struct ca_revoked	*r = NULL;
	struct ca_crl_spec	 spec;
	struct ca		*ca;
	unsigned char		*der = NULL;
	size_t			 len, n = (size_t)(argc - 2), i;
	char			*cause = NULL;
	time_t			 now = time(NULL);
	int			 rc = 1;

	if ((ca = ca_issue_load(argv[0], &cause)) == NULL)
		return ca_issue_fail(cause);
	if ((r = calloc(n + 1, sizeof *r)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		r[i].serial = argv[2 + i];
		r[i].when = now - 3600;
	}
	/* The time as the number: a later CRL of this tool always has a larger one. */
	spec.number = (long long)now;
	spec.base = 0;
	spec.this_update = now;
	spec.next_update = now + (time_t)atoi(argv[1]) * 86400;
	if (ca_crl(ca, r, n, &spec, &der, &len, &cause) == -1)
		rc = ca_issue_fail(cause);
	else
		rc = fwrite(der, 1, len, stdout) == len ? 0 : 1;
out:
	free(der);
	free(r);
	ca_free(ca);
	return rc;
}

static const struct {
	const char	*name;
	int		 min_args;
	int		(*run)(int, char **);
} ca_issue_cmds[] = {
	{ "demo", 1, ca_issue_demo },
	{ "check", 1, ca_issue_check },
	{ "issue", 4, ca_issue_issue },
	{ "crl", 2, ca_issue_crl },
};

int
main(int argc, char **argv)
{
	size_t	 i;
	char	*cause = NULL;

	if (i18n_init(NULL, &cause) == -1) {
		fprintf(stderr, "ca-issue: %s\n", cause);
		free(cause);
	}
	for (i = 0; argc > 1 && i < sizeof ca_issue_cmds / sizeof ca_issue_cmds[0]; i++) {
		if (strcmp(argv[1], ca_issue_cmds[i].name) == 0 &&
		    argc - 2 >= ca_issue_cmds[i].min_args)
			return ca_issue_cmds[i].run(argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: ca-issue demo|check|issue|crl ... (see tests/tools/ca-issue.c)\n");
	return 2;
}

/*
 * fuzz-srv — the real service of the handler targets (fuzz-srv.c; fuzz.h's fuzz_srv):
 * what it holds, for the targets and their dictionaries, and a request's query and
 * headers as a target parsed them from its input.
 */
#ifndef NCA_FUZZ_SRV_H
#define NCA_FUZZ_SRV_H

#include <stddef.h>

#include <openssl/types.h>

#include "ncaenrolld/http.h"

#define FUZZ_CAPTCHA	"K7M3P"			/* every captcha's answer */
#define FUZZ_TOKEN	"fuzz-token"		/* a BIN check token for FUZZ_BIN */
#define FUZZ_BIN	"940140000385"
#define FUZZ_IIN	"871008401427"
#define FUZZ_CLIENT	"127.0.0.1"		/* who holds the token; every request's */
#define FUZZ_QUERY_MAX	8

/* What req->impl points at: the query's pairs and the Content-Type header. */
struct fuzz_query {
	const char	*name[FUZZ_QUERY_MAX], *value[FUZZ_QUERY_MAX];
	size_t		 n;
	const char	*content_type;
};

/* The issued application's AUTH certificate (PEM) and its private key. */
const char	*fuzz_srv_cert(void);
EVP_PKEY	*fuzz_srv_auth_key(void);
/* Another application submitted and issued, for fuzz_srv_number and the two above. */
void		 fuzz_srv_new_app(void);
/* req->query and req->header over a struct fuzz_query in req->impl. */
const char	*fuzz_srv_query(const struct http_req *, const char *name);
const char	*fuzz_srv_header(const struct http_req *, const char *name);

#endif

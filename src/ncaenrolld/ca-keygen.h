/*
 * ca-keygen — RSA keys made ahead, on every core, for a start that needs several at once
 * (a demo's first start makes five). ca_keygen_ahead() starts one thread per key asked
 * for; ca_keygen_rsa() hands out a key of that size made ahead, waiting for one still
 * being made, or makes one itself when none of that size was asked for (so a wrong guess
 * costs time, never a wrong key). Keys of one size are interchangeable: each is a fresh
 * OpenSSL key held only in this process until its taker writes it, as it would have made
 * it. ca_keygen_end() waits for the threads and frees the keys nobody took. This pool is
 * the CA code's one process-wide state: the places that need a key (the demo's tiers,
 * the operator CA, the OCSP responder, the demo operator) lie too far apart to share a
 * context. Thread-safe; ca_keygen_ahead and ca_keygen_end from the main thread only.
 */
#ifndef NCA_CA_KEYGEN_H
#define NCA_CA_KEYGEN_H

#include <stddef.h>

#include <openssl/evp.h>

/* 0, or -1 with *cause when no thread could start (the keys are then made in turn). */
int		 ca_keygen_ahead(const int *bits, size_t n, char **cause);
/* A new RSA key of bits, the caller's to free; NULL (OpenSSL's error queue says why). */
EVP_PKEY	*ca_keygen_rsa(int bits);
void		 ca_keygen_end(void);

#endif

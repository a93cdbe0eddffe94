/* ca-keygen — RSA keys made ahead in threads, handed out by size (ca-keygen.h). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "common/cause.h"
#include "ncaenrolld/ca-keygen.h"

#define CA_KEYGEN_MAX	8

struct ca_keygen_slot {
	int		 bits;
	EVP_PKEY	*key;
	int		 done;		/* the thread is finished; key NULL: it failed */
	int		 taken;
	pthread_t	 thread;
};

static struct {
	pthread_mutex_t		lock;
	pthread_cond_t		ready;
	struct ca_keygen_slot	slots[CA_KEYGEN_MAX];
	size_t			n;
} ca_keygen = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { { 0 } }, 0 };

static void *
ca_keygen_run(void *arg)
{
	struct ca_keygen_slot	*s = arg;
	EVP_PKEY		*key;

	key = EVP_RSA_gen((unsigned int)s->bits);
	/* A failure is the taker's to meet again: it makes its own key and says why. */
	ERR_clear_error();
	OPENSSL_thread_stop();
	(void)pthread_mutex_lock(&ca_keygen.lock);
	s->key = key;
	s->done = 1;
	(void)pthread_cond_broadcast(&ca_keygen.ready);
	(void)pthread_mutex_unlock(&ca_keygen.lock);
	return NULL;
}

int
ca_keygen_ahead(const int *bits, size_t n, char **cause)
{
	struct ca_keygen_slot	*s;
	size_t			 i;
	int			 rc = 0;

	(void)pthread_mutex_lock(&ca_keygen.lock);
	for (i = 0; i < n && ca_keygen.n < CA_KEYGEN_MAX; i++) {
		s = &ca_keygen.slots[ca_keygen.n];
		s->bits = bits[i];
		s->key = NULL;
		s->done = s->taken = 0;
		if (pthread_create(&s->thread, NULL, ca_keygen_run, s) != 0) {
			cause_set(cause, "%s", "cannot start a thread to make keys ahead");
			rc = -1;
			break;
		}
		ca_keygen.n++;
	}
	(void)pthread_mutex_unlock(&ca_keygen.lock);
	return rc;
}

/* Under the lock: a finished key of bits (taken), or 1 in *pending when one is coming. */
static EVP_PKEY *
ca_keygen_take(int bits, int *pending)
{
	struct ca_keygen_slot	*s;
	size_t			 i;

	*pending = 0;
	for (i = 0; i < ca_keygen.n; i++) {
		s = &ca_keygen.slots[i];
		if (s->bits != bits || s->taken)
			continue;
		if (!s->done) {
			*pending = 1;
			continue;
		}
		s->taken = 1;
		if (s->key != NULL) {
			EVP_PKEY	*key = s->key;

			s->key = NULL;
			return key;
		}
	}
	return NULL;
}

EVP_PKEY *
ca_keygen_rsa(int bits)
{
	EVP_PKEY	*key;
	int		 pending;

	(void)pthread_mutex_lock(&ca_keygen.lock);
	while ((key = ca_keygen_take(bits, &pending)) == NULL && pending)
		(void)pthread_cond_wait(&ca_keygen.ready, &ca_keygen.lock);
	(void)pthread_mutex_unlock(&ca_keygen.lock);
	return key != NULL ? key : EVP_RSA_gen((unsigned int)bits);
}

void
ca_keygen_end(void)
{
	size_t	i;

	for (i = 0; i < ca_keygen.n; i++)
		(void)pthread_join(ca_keygen.slots[i].thread, NULL);
	(void)pthread_mutex_lock(&ca_keygen.lock);
	for (i = 0; i < ca_keygen.n; i++) {
		EVP_PKEY_free(ca_keygen.slots[i].key);
		ca_keygen.slots[i].key = NULL;
	}
	ca_keygen.n = 0;
	(void)pthread_mutex_unlock(&ca_keygen.lock);
}

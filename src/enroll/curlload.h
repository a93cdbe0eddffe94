/*
 * curlload — libcurl, opened on the first request instead of at start. Linked, Debian's
 * libcurl brings 28 more libraries (GnuTLS and p11-kit, Kerberos, LDAP, libssh2...) whose
 * pages and constructors cost the applicant's program 4 MB and two thirds of its start-up
 * before a first screen that needs no network (doc/performance.md). curlload() returns
 * the table of the libcurl functions client.c and ocsp.c call, or NULL with a translated
 * *cause (caller-freed). Thread-safe; the library is opened once and stays open. The
 * table is the one process-wide state here: it is written once, then only read.
 */
#ifndef NCA_ENROLL_CURLLOAD_H
#define NCA_ENROLL_CURLLOAD_H

#include <curl/curl.h>

struct curlload {
	CURL			*(*easy_init)(void);
	CURLcode		 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode		 (*easy_perform)(CURL *);
	CURLcode		 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void			 (*easy_reset)(CURL *);
	void			 (*easy_cleanup)(CURL *);
	const char		*(*easy_strerror)(CURLcode);
	struct curl_slist	*(*slist_append)(struct curl_slist *, const char *);
	void			 (*slist_free_all)(struct curl_slist *);
	CURLU			*(*url)(void);
	CURLUcode		 (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
	CURLUcode		 (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
	void			 (*url_cleanup)(CURLU *);
	void			 (*free)(void *);
};

const struct curlload	*curlload(char **cause);

#endif

/*
 * api — the handlers behind the route table (routes.c), grouped one file per part of the
 * API: api-captcha.c, api-registry.c (BIN/IIN checks), api-directories.c,
 * api-applications.c, api-ca.c, api-ra.c (the RA desk, behind the gate api_ra_operator:
 * the operator's client certificate, checked before any of its handlers). Each follows
 * http.h's handler contract.
 */
#ifndef NCA_API_H
#define NCA_API_H

#include "ncaenrolld/http.h"

enum http_result api_captcha_new(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_registry_bin_check(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_registry_iin_check(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_directories_roles(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_directories_regions(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_directories_support(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_directories_cities(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_directories_gu_codes(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_applications_submit(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_applications_status(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_applications_certificates(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_applications_installed(struct srv *, const struct http_req *,
    struct http_resp *);
enum http_result api_ca_chain(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ca_crl(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_me(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_reasons(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_queue(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_application(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_approve(struct srv *, const struct http_req *, struct http_resp *);
enum http_result api_ra_reject(struct srv *, const struct http_req *, struct http_resp *);

/* The RA routes' gate: a verified operator (api-ra.c) or a 403. */
extern const struct http_gate api_ra_operator;

#endif

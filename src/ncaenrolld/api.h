/*
 * api — the handlers behind the route table (routes.c), grouped one file per part of the
 * API: api-captcha.c, api-registry.c (BIN/IIN checks), api-directories.c,
 * api-applications.c, api-ca.c, api-publish.c (CRLs, certificates, OCSP), api-ra.c (the RA desk, behind the gate api_ra_operator:
 * the operator's client certificate, checked before any of its handlers). Each follows
 * http.h's handler contract.
 */
#ifndef NCA_API_H
#define NCA_API_H

#include "ncaenrolld/http.h"

/* A line per api-*.c file; each handler is an http_handler_fn (http.h). */
http_handler_fn	api_captcha_new;
http_handler_fn	api_registry_bin_check, api_registry_iin_check;
http_handler_fn	api_directories_roles, api_directories_regions, api_directories_cities,
		api_directories_support, api_directories_gu_codes;
http_handler_fn	api_applications_submit, api_applications_status,
		api_applications_certificates, api_applications_installed;
http_handler_fn	api_ca_chain;
http_handler_fn	api_publish_crl, api_publish_delta_crl, api_publish_root_crl,
		api_publish_ca_cer, api_publish_root_cer, api_publish_ocsp_post,
		api_publish_ocsp_get;
http_handler_fn	api_ra_me, api_ra_reasons, api_ra_queue, api_ra_application, api_ra_approve,
		api_ra_reject;

/* The RA routes' gate: a verified operator (api-ra.c) or a 403. */
extern const struct http_gate api_ra_operator;

#endif

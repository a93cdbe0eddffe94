/*
 * registry-load — fills a store from a registry folder (data/demo/ for the demo): roles,
 * regions with their cities and RA offices, organizations with their ГУ/СКС codes, and
 * persons, from the JSON files described in data/demo/README.md. Runs in one transaction;
 * a bad file is refused with file, entry index and reason, and nothing is loaded.
 * Entries already present are replaced (loading twice is harmless). 0 or -1 with a cause.
 */
#ifndef NCA_REGISTRY_LOAD_H
#define NCA_REGISTRY_LOAD_H

#include "ncaenrolld/store.h"

int	registry_load(struct store *, const char *dir, char **cause);

#endif

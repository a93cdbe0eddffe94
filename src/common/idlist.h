/*
 * idlist — a set of ids written as one comma-separated string ("form,identity,power"),
 * as a checklist's value carries the documents ticked and the desk sends them on.
 */
#ifndef NCA_IDLIST_H
#define NCA_IDLIST_H

/* 1 if id is one of the comma-separated ids in list (whole ids only), else 0. */
int	idlist_has(const char *list, const char *id);

#endif

/*
 * fault — crash points for the resume tests, compiled in only with ENABLE_FAULT_POINTS:
 * always in tests/tools/ncaenroll-faults (tests/Makemodule.am, built by make check), in
 * the installed programs only after `configure --enable-fault-points`.
 * FAULT_POINT("apply.submitted") kills the process with SIGKILL, at once and without
 * cleanup, when the environment variable NCAENROLL_FAULT names that point. In any other
 * build the macro is empty and the variable means nothing.
 */
#ifndef NCA_FAULT_H
#define NCA_FAULT_H

#ifdef ENABLE_FAULT_POINTS
void	fault_point(const char *name);
/* The same, only while writing a path that ends in what follows "NAME:" in the variable. */
void	fault_point_path(const char *name, const char *path);
#define FAULT_POINT(name)		fault_point(name)
#define FAULT_POINT_PATH(name, path)	fault_point_path(name, path)
#else
#define FAULT_POINT(name)		((void)0)
#define FAULT_POINT_PATH(name, path)	((void)0)
#endif

#endif

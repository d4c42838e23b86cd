/*
 * scale.h - `chokepoint scale`: one tier scaled up (bigger sizes of the
 * catalog) against scaled out (more instances) over a range of offered
 * loads, with what each costs and where the cheaper strategy changes.
 */
#ifndef CLI_SCALE_H
#define CLI_SCALE_H

#include <signal.h>

#include "scenario.h"

struct scale_args {
	const char *path, *node;
	const char *up;   /* sizes: "m5.large,m5.xlarge" */
	const char *out;  /* instance counts: "1..16" or "1,2,4,8" */
	const char *load; /* offered loads: "100/s..2000/s:20" */
	const char *csv;  /* a file for every run's row, or NULL */
	long seed, reps;  /* -1: the scenario's */
	int jobs, quiet, progress, slo_point;
};

/* Runs the study on sc (loaded from a->path) and prints it; an exit code. */
int scale_run(const struct scale_args *a, const struct scenario *sc, volatile sig_atomic_t *stop);

#endif

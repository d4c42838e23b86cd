/*
 * plan.h - `chokepoint plan`: the cheapest design that meets every SLO of
 * a scenario at a given load, over the sizes and instance counts its
 * plan: block lets each tier take.
 */
#ifndef CLI_PLAN_H
#define CLI_PLAN_H

#include <signal.h>

#include "scenario.h"

struct plan_args {
	const char *path;
	const char *load; /* "2000/s", or NULL: the scenario's own */
	const char *csv;  /* a file for every simulated design's row, or NULL */
	long seed, reps;  /* -1: the scenario's */
	long screen_reps; /* replications of a screening run */
	long max_runs;    /* simulations the search may spend */
	long runners_up;  /* designs of the cost frontier to find after the winner */
	int jobs, quiet, progress, slo_point;
};

/* A design the search found. */
struct plan_design {
	char size[PLAN_MAX_TIERS][64];  /* each tier's size ("" when the plan keeps the node's) */
	long instances[PLAN_MAX_TIERS]; /* and its instance count */
	double cost;                    /* cost_per_hour, as simulated */
};

/* What the search found, for tests and benchmarks. */
struct plan_outcome {
	int found; /* a design meets every SLO */
	struct plan_design winner;
	long runners_up; /* found after it; the first 8 of them below */
	struct plan_design runner[8];
	long simulations, replications;             /* the search's work */
	long ruled_out_by_bounds, ruled_out_weaker; /* designs never simulated, and why */
	double designs;                             /* in the whole plan */
};

/* Searches, prints the winner, its margins and the frontier (out, when
 * not NULL, gets the outcome); an exit code (0: a design meets every SLO,
 * 1: none found). */
int plan_run(const struct plan_args *a, const struct scenario *sc, volatile sig_atomic_t *stop,
	     struct plan_outcome *out);

#endif

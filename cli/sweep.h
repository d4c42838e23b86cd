/*
 * sweep.h - a scenario run at several values of its keys: the `sweep:`
 * section's lines and `run --set PATH=VALUES`, one point per combination.
 *
 * A line (or a --set) is "PATH = VALUES"; several assignments on one line,
 * separated by ';', are zipped (their lists pair off, and must be equally
 * long); lines are crossed (a cartesian product), the last varying fastest.
 * Every point runs the scenario's replications with the scenario's seed,
 * so its random numbers are common to every point: differences between
 * points are the keys', not the noise's, and the curves are smooth.
 */
#ifndef CLI_SWEEP_H
#define CLI_SWEEP_H

#include <signal.h>

#include "diag.h"
#include "scenario.h"

struct sweep_axis {
	char *path;    /* owned */
	char **values; /* owned, n */
	int n;
	int group; /* axes of a group are zipped */
	int line;  /* where it was written, or 0 (the command line) */
};

struct sweep_plan {
	struct sweep_axis *axes; /* owned */
	int n_axes;
	int n_groups;
	int *group_n; /* owned: the values of each group */
	long n_points;
};

/*
 * The plan of sc's sweep: its sweep: lines, then the command line's sets
 * (each "PATH=VALUES").  0, or -1 after diagnostics in d.  A plan of one
 * point is a plain run with its values set.
 */
int sweep_plan_make(const struct scenario *sc, char *const *sets, int n_sets, struct sweep_plan *pl, struct diags *d);
void sweep_plan_free(struct sweep_plan *pl);

/* Point k's values, one set per axis, into sets (n_axes of them). */
void sweep_point(const struct sweep_plan *pl, long k, struct scenario_set *sets);

struct sweep_opts {
	const char *out_dir; /* results directory (claimed by the caller) */
	int jobs, quiet, json, no_write, slo_point, progress;
	long seed, reps;       /* -1: the scenario's own */
	long shard_i, shard_n; /* shard_n > 0: only the runs of shard shard_i (from 0) */
};

struct outdir;

/* Runs every point of the plan on path and reports; an exit code. */
int sweep_run(const char *path, const struct sweep_plan *pl, const struct sweep_opts *o, const struct outdir *od,
	      volatile sig_atomic_t *stop);

/*
 * A sweep's shard (`run --shard I/N` on a sweep) writes, instead of the
 * sweep's files, sweep.partial.json (the plan) and partial-NNNN.json for
 * each point it ran runs of; merge reads the shards' directories and
 * writes the sweep's files, byte-identical to an unsharded sweep's.
 * Whether dir holds a sweep's shard:
 */
int sweep_is_shard(const char *dir);
/* Merges the shards in dirs[0..n) into out_dir; an exit code. */
int sweep_merge(const char *const *dirs, int n, const char *out_dir, int force, volatile sig_atomic_t *stop);

#endif

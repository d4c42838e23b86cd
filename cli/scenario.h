/*
 * scenario.h - reading a scenario file into a validated struct net_spec.
 *
 * Three passes, all errors of each collected before stopping:
 *  1. libyaml parses the file: syntax errors with their exact line:col, and
 *     a walk of the document checks its shape against the kinds' parameter
 *     tables (unknown keys with a suggestion, keys of another kind, lists
 *     vs single values, duplicates, missing required keys), remembering the
 *     position of every key and value.
 *  2. libcyaml loads the file against a schema generated from the same
 *     tables into raw strings.
 *  3. Every value is parsed by type (units, distributions, choices, node
 *     references), range-checked, and cross-checked (references, call
 *     cycles and depth, each kind's own checks).
 * Nothing is simulated unless all three pass.
 */
#ifndef CLI_SCENARIO_H
#define CLI_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "../models/model.h"
#include "diag.h"

/* Files larger than this are refused before parsing. */
#define SCENARIO_MAX_BYTES (16u << 20)

enum scenario_status {
	SCENARIO_OK = 0,
	SCENARIO_INVALID = -1, /* errors are in the diags */
	SCENARIO_IO = -2,      /* the file could not be read; message in the diags */
};

struct scenario_impl;

#define PLAN_MAX_TIERS 16

struct plan_pos {
	int line, col;
};

/* A tier of the plan: block, what `chokepoint plan` may vary in it. */
struct plan_tier {
	char *node;         /* owned: the tier's name */
	char *vary[2];      /* owned: its sizes and its instance counts (lists joined by commas), or NULL */
	struct plan_pos at; /* the name's position */
	struct plan_pos vary_at[2];
};

struct slo_check;
struct slo_tolerance;

struct scenario {
	struct net_spec spec; /* workloads first, then nodes, in file order */
	char *path;           /* owned: as given */
	uint64_t hash;        /* FNV-1a of the file's bytes, then of each data file's it reads */
	/* owned: the open workloads' long-run arrival rate at each node, per
	 * second, as the stability check computes it (NULL if it did not run) */
	double *flow;
	struct slo_check *slo; /* owned: the slo: section's checks (slo.h) */
	size_t n_slo;
	struct slo_tolerance *tol; /* owned: the tolerance: section, for compare (slo.h) */
	size_t n_tol;
	char **sweep; /* owned: the sweep: section's lines, as written */
	int *sweep_line;
	size_t n_sweep;
	/* owned: the scale: block's node, up, out and load (lists joined by
	 * commas), each NULL if not given (`chokepoint scale`) */
	char *scale[4];
	struct plan_tier *plan; /* owned: the plan: block's tiers (`chokepoint plan`) */
	int n_plan;
	/* When the scenario is one M/M/c station (one workload of Poisson
	 * arrivals, nothing but its rate given, into one server instance of
	 * exponential service, no calls, an unbounded queue, no failure): its
	 * servers (cores, or workers if fewer), their speed and the mean
	 * service; the theory a sweep's latency is drawn against. */
	struct {
		int ok;
		long c;
		double speed, mean;
	} mmc;
	struct scenario_impl *impl; /* owned: raw document, schema, samples */
};

/* Loads path.  On success *out is a new scenario (scenario_free frees it). */
enum scenario_status scenario_load(const char *path, struct scenario **out, struct diags *d);
/* The same from a buffer of len bytes (not NUL-terminated); path names it in messages. */
enum scenario_status scenario_load_buffer(const char *path, const char *text, size_t len, struct scenario **out,
					  struct diags *d);
void scenario_free(struct scenario *sc);

/* The catalog's size name: its cores, speed, memory (bytes) and bandwidth
 * (bits/s; 0 when not given); 0, or -1 if the catalog has no such size. */
int scenario_size(const struct scenario *sc, const char *name, long *cores, double *speed, double *memory,
		  double *bandwidth);

/* A value given for a key from outside the file: `--set` or a sweep's point. */
struct scenario_set {
	const char *path;  /* "web.instances", "workloads.shoppers.rate", "simulation.duration" */
	const char *value; /* as it would be written in the file */
	int line, col;     /* where it was written (a sweep: line), or 0 (the command line) */
};

/* scenario_load_buffer with n sets applied over the file's values (sets.c):
 * each is checked as the file's own would be, with the path's errors too. */
enum scenario_status scenario_load_with(const char *path, const char *text, size_t len, const struct scenario_set *sets,
					int n, struct scenario **out, struct diags *d);
/* The same from the file at path. */
enum scenario_status scenario_load_sets(const char *path, const struct scenario_set *sets, int n, struct scenario **out,
					struct diags *d);

/*
 * The values a sweep gives path in sc: "1,2,4,8", a range "A..B" of whole
 * numbers or "A..B:N" (N values evenly spaced, in the key's unit), or a mix
 * of them; commas inside parentheses belong to a value.  0 with *values (n
 * strings, the caller frees them and the array), or -1 with err set.
 */
int scenario_set_values(const struct scenario *sc, const char *path, const char *text, char ***values, int *n,
			char *err, size_t errsize);

/* A parameter's type as `chokepoint kinds` names it ("duration", "count or
 * unlimited"), and whether it has a numeric range to show. */
const char *scenario_type_name(const struct param *p);
int scenario_type_has_range(const struct param *p);

/* The data files the scenario read (empirical distributions), as opened:
 * relative to the scenario's directory, never outside it. */
size_t scenario_n_files(const struct scenario *sc);
const char *scenario_file(const struct scenario *sc, size_t i);

/*
 * The scenario as YAML with every default filled in and the simulation
 * section as run (seed and replications after command-line overrides).
 * Returns a malloc'd string (caller frees) and its length, or NULL on a
 * libcyaml failure.
 */
char *scenario_resolved_yaml(const struct scenario *sc, size_t *len);

#endif

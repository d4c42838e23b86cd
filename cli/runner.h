/*
 * runner.h - independent replications, run in parallel, reduced in order.
 *
 * Replication r of a scenario builds a fresh network whose random streams
 * depend only on (seed, r, stream name).  Workers take replications from a
 * shared counter, but every result is stored at its replication's index and
 * reduced in index order, so the output is byte-identical for any number
 * of jobs.
 */
#ifndef CLI_RUNNER_H
#define CLI_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/engine/stats.h"
#include "scenario.h"

#define RUNNER_CONFIDENCE 0.95

/* One replication's raw outcome, before reduction (also what a partial
 * result holds, see partial.h). */
struct rep_record {
	long rep;                   /* replication number */
	struct report metrics;      /* (scope, key) -> value, in a fixed order */
	double *ts;                 /* owned: periods x nodes x TS_NCOLS */
	double cdf[NET_CDF_LEVELS]; /* the end-to-end latency's quantiles at net_cdf_level */
	uint64_t events;
	char stopped[256];          /* why it stopped early, or "" */
	struct failure_record *log; /* owned */
	size_t n_log;
	int is_complete;
};

void rep_record_release(struct rep_record *r);

struct run_opts {
	int jobs;     /* worker threads, >= 1 */
	int progress; /* 0: none; 1: a progress line on stderr (a terminal); 2: a line per finished replication */
	/* When set (by a signal handler), workers stop within 65,536 events
	 * and the replications in progress are discarded.  May be NULL. */
	const volatile sig_atomic_t *stop;
	/* When set, each replication writes its sampled access-log lines to
	 * a part file in this directory (accesslog.h). */
	const char *access_dir;
	double access_sample; /* fraction of requests logged, 0 < x <= 1 */
	/* When set, only these replications run (a shard); else all. */
	const long *subset;
	long n_subset;
	int keep_records; /* keep each replication's record in the results */
};

struct results {
	const struct scenario *sc;
	long n_reps;      /* replications in the results (completed ones) */
	long n_requested; /* replications asked for; more than n_reps if interrupted */
	size_t n_metrics;
	struct metric *metrics;         /* owned: names (and replication 0's values) */
	const struct metric_def **defs; /* owned: each metric's declaration (metric.h) */
	int *metric_node;               /* owned: the node each metric's scope belongs to, or -1 */
	long *index;                    /* owned: open-addressing table of metric numbers by (scope, key) */
	size_t index_cap;               /* a power of two, at least twice n_metrics */
	double *values;                 /* owned: n_reps x n_metrics, replication-major */
	struct ci *ci;                  /* owned: per metric, across replications */
	int n_periods, n_nodes;
	double *ts; /* owned: time series averaged over replications */
	/* the end-to-end latency's quantiles at net_cdf_level: their mean
	 * over the replications and its 95% half-width (0 with one) */
	double cdf_mean[NET_CDF_LEVELS], cdf_half[NET_CDF_LEVELS];
	double *ts_half;              /* owned: the 95% half-widths of ts's band columns (ts_band_col),
					 periods x nodes x TS_N_BANDS; 0 with one replication */
	uint64_t events;              /* all replications */
	long stopped_rep;             /* first replication stopped by a limit, or -1 */
	struct failure_record **logs; /* owned: the failure log of each replication in the results */
	size_t *n_logs;
	long *rep_index;            /* owned: the replication number of each in the results */
	struct rep_record *records; /* owned, with run_opts.keep_records: one per replication */
	char stopped[256];          /* why it stopped ("" if none did) */
	char io_error[4400];        /* an I/O error that stopped the run, or "" */
	double wall_seconds;        /* elapsed real time (not written to files) */
	int slo_point_mode;         /* SLO checks judged on the mean alone (slo.h), in what is printed and written */
};

/*
 * The requests one replication may hold when jobs run at once within
 * memory bytes: limit, or fewer (at least 1,000) when jobs x that many
 * requests would not fit.  For scenarios that set no max_in_flight.
 */
uint64_t runner_in_flight_fit(uint64_t limit, double memory, long jobs);
/* For a scenario that sets no max_in_flight: its in-flight limit fitted so
 * that the requests of min(jobs, todo) replications at once take at most
 * half of this machine's memory. */
void runner_fit_memory(struct net_spec *spec, long jobs, long todo);

/* Runs every replication of sc->spec; 0, or -1 if a thread cannot start. */
/* The time-series columns given a confidence interval across the
 * replications (timeseries.csv's *_half_width columns, the pictures' bands). */
enum { TS_N_BANDS = 3 };
extern const int ts_band_col[TS_N_BANDS];

int runner_run(const struct scenario *sc, const struct run_opts *opts, struct results *out);
/*
 * Runs every replication of n scenarios (a sweep's points) in one pool of
 * opts->jobs workers, so that points and replications alike spread over
 * the cores; res[i] gets scenario i's results, as runner_run would give
 * them (byte-identical for any number of jobs).  wall_seconds is the
 * whole call's.  opts->subset and access_dir are for one scenario only.
 */
int runner_run_many(const struct scenario *const *sc, long n, const struct run_opts *opts, struct results *res);
void results_release(struct results *res);

/*
 * Reduces n records (in increasing replication order, all complete) of
 * scenario sc into res: what runner_run does after the replications, and
 * what merge does with partial results, so both give the same bytes.
 * n_requested is how many replications were asked for.  The records are
 * not consumed.
 */
void results_reduce(const struct scenario *sc, const struct rep_record *recs, long n, long n_requested,
		    struct results *res);

/* The hash of a metric's name (scope, key) that results' index uses. */
uint64_t results_name_hash(const char *scope, const char *key);

/* The CI of metric (scope, key), or NULL if there is none (constant time). */
const struct ci *results_ci(const struct results *res, const char *scope, const char *key);
/* The number of metric (scope, key), or -1 (constant time). */
long results_find(const struct results *res, const char *scope, const char *key);

/* The replication values of metric number i (n_reps of them, stride n_metrics). */
static inline double results_value(const struct results *res, long rep, size_t i)
{
	return res->values[(size_t)rep * res->n_metrics + i];
}

#endif

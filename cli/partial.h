/*
 * partial.h - partial results of a subset of a scenario's runs, and their
 * merge into the results a single run would have written.
 *
 * `run --shard i/n` or `--runs a..b` writes DIR/partial.json: the version,
 * the scenario (its path, the hash of its file, its resolved text), how
 * many runs the whole scenario has, and per run its replication number,
 * every metric value, its time series and its failure log.  Doubles are
 * written as C99 hex floats, so they read back bit for bit; `merge` reduces
 * the runs with the same code as a single run, so its files are
 * byte-identical to a single run's.
 */
#ifndef CLI_PARTIAL_H
#define CLI_PARTIAL_H

#include <signal.h>
#include <stddef.h>

#include "runner.h"
#include "scenario.h"

/* Writes dir/partial.json (created atomically); 0, or -1 after printing why. */
int partial_write(const char *dir, const struct scenario *sc, const struct results *res);
/* The same under another name in dir (a sweep's point: partial-0001.json). */
int partial_write_as(const char *dir, const char *name, const struct scenario *sc, const struct results *res);

/*
 * Reads the partial results in the files paths[0..n) of one scenario and
 * reduces them: *sc (the scenario the runs saw; scenario_free frees it)
 * and *res, as a single run of it would give.  An exit code: 0, 3 (parts
 * inconsistent, incomplete or damaged), 4 (I/O), after a message.
 */
int partial_reduce(const char *const *paths, int n, struct scenario **sc, struct results *res);

/* One partial result, read back. */
struct partial {
	char *version, *path, *resolved; /* owned */
	unsigned long long hash;
	long n_runs; /* runs of the whole scenario */
	size_t n_metrics;
	struct metric *names; /* owned: n_metrics (values unused) */
	long n_recs;
	struct rep_record *recs; /* owned */
	size_t n_ts;             /* doubles per record's time series */
};

/*
 * Reads a partial result from text (len bytes).  Returns 0, or -1 with a
 * message in err: any malformed, inconsistent or oversized input is an
 * error, never a crash (the fuzzer holds it to that).
 */
int partial_parse(const char *text, size_t len, struct partial *out, char *err, size_t errsize);
void partial_release(struct partial *p);

/*
 * Merges the partial results in dirs[0..n) into out_dir (written as by a
 * single run; force as for `run`).  Every run of the scenario must appear
 * exactly once.  Returns an exit code: 0, 3 (inconsistent or incomplete
 * parts), 4 (I/O).
 */
int partial_merge(const char *const *dirs, int n, const char *out_dir, int force, const volatile sig_atomic_t *stop);

#endif

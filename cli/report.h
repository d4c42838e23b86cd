/*
 * report.h - what a run shows: the terminal summary and the results files.
 *
 * All of it reads the reduced results (runner.h), never live model state.
 * Files are first written under temporary names in the output directory
 * and renamed into place only when every one of them is complete, so an
 * interrupted run leaves either the previous complete set or the new one.
 */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include <signal.h>
#include <stdio.h>

#include "runner.h"

/*
 * The bottleneck verdict: of every metric whose role is a resource's
 * utilization (metric.h), the one with the highest mean; the runner-up when
 * their intervals overlap (a tie); and the most saturated resource of
 * another node, where the bottleneck moves once this one is fixed.
 */
struct verdict {
	size_t metric; /* the bottleneck's utilization metric */
	int node;      /* its node (the caller, for a connection pool) */
	size_t tie;    /* with tie_node >= 0: the resource tied with it */
	int tie_node;
	size_t next; /* with next_node >= 0: the next bottleneck */
	int next_node;
};

/* Fills v; the bottleneck's node, or -1 if nothing has a utilization. */
int report_verdict(const struct results *res, struct verdict *v);

/* report_verdict's node, and its metric's index in *metric_index. */
int report_bottleneck(const struct results *res, size_t *metric_index);

/* The nodes on requests' paths with a single instance: up to max names. */
int report_spofs(const struct results *res, const char **names, int max);

/* Prints the human summary. */
void report_print(FILE *out, const struct results *res);

/* Prints summary.json's content (`run --format json`); 0, or -1. */
int report_print_json(FILE *out, const struct results *res);

/* "Files written: ...": every file a run writes, as `help run` lists them. */
void report_list_files(FILE *out);

struct outdir;

/*
 * Writes summary.json, summary.csv, nodes.csv, replications.csv,
 * timeseries.csv, scenario.resolved.yaml and failures.csv into a temporary
 * sibling of the claimed directory (outdir.h), checks the directory again,
 * then swaps the new set in place of it (SIGINT and SIGTERM blocked
 * meanwhile) and removes the previous results.  If *stop is set before the
 * swap, the temporary directory is removed and the directory is left as it
 * was.  Returns 0, or -1 after printing an error naming the file and errno.
 * access, if not NULL, is the directory of access-log parts to join into
 * access.csv.
 */
int report_write(const struct outdir *o, const struct results *res, const volatile sig_atomic_t *stop,
		 const char *access);

/* The same swap for any set of files: write fills the temporary directory
 * it is given (0, or -1 after printing why not). */
int report_write_dir(const struct outdir *o, int (*write)(const char *dir, void *ctx), void *ctx,
		     const volatile sig_atomic_t *stop);

/* The bottleneck's node and resource, "db CPU cores", or "none" (a
 * sweep's and a scale study's tables). */
void report_bottleneck_name(const struct results *res, char *buf, size_t n);

#endif

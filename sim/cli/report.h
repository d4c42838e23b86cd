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

#include <stdio.h>

#include "runner.h"

/* The node with the highest mean utilization (not a workload), or -1. */
int report_bottleneck(const struct results *res, size_t *metric_index);

/* Prints the human summary. */
void report_print(FILE *out, const struct results *res);

/*
 * Writes summary.json, summary.csv, nodes.csv, replications.csv,
 * timeseries.csv and scenario.resolved.yaml into dir (created if needed).
 * Returns 0, or -1 after printing an error naming the file and errno.
 */
int report_write(const char *dir, const struct results *res);

#endif

/*
 * spof.h - `chokepoint spof`: N-1 analysis.
 *
 * Runs the scenario as it is, then once for each component on requests'
 * paths (a single-instance node, or one instance of a tier) crashed for
 * the whole measured period (after
 * the warm-up), all with the same seed (common random numbers), and ranks
 * the components by the availability their loss costs.  A component whose
 * loss leaves fewer than half of the requests answered is named a single
 * point of failure.
 */
#ifndef CLI_SPOF_H
#define CLI_SPOF_H

#include <stdio.h>

#include "runner.h"
#include "scenario.h"

/* Runs the analysis and prints its table to out; with out_dir, also
 * writes spof.csv and spof.json there.  0, or -1 after an error. */
int spof_run(const struct scenario *sc, const struct run_opts *opts, FILE *out, const char *out_dir);

#endif
